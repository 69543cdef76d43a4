"""Functions and the nodes of the backward graph.

Every differentiable operation is a ``Function``: ``forward`` computes the result, ``backward`` maps
the gradient of the result to gradients of the inputs (the vector-Jacobian product, VJP).

``Function.apply`` runs ``forward`` and, when grad mode is on and some input requires grad, links a
``Node`` into the graph. The node *is* the ``ctx`` that forward and backward receive (as in torch), and
it is what a tensor's ``grad_fn`` points to. Its class is named the way torch names it
(``MulBackward0``, ``AddmmBackward0``, ...), and its ``next_functions`` hold one edge
``(node, output_nr)`` per input: the input's own ``grad_fn``, the ``AccumulateGrad`` node of a leaf
that requires grad, or ``(None, 0)``.

Two kinds of Function:

* ``Function``: torch's ``torch.autograd.Function`` for users. ``forward`` gets Tensors, exactly as in
  torch.
* ``Op``: minitorch's built-in operations, in minitorch/ops/op.py. ``forward`` gets NumPy arrays and
  returns arrays, so the forward math is plain NumPy; ``backward`` gets and returns Tensors and is written
  with minitorch operations, so that ``create_graph=True`` can differentiate the backward pass again. It
  links and saves with ``_link`` and ``_save`` below, as ``Function`` does.

Ownership runs one way only, from outputs towards inputs: a tensor holds its ``grad_fn``, a node holds
its ``next_functions`` and the tensors it saved. A node never holds its own outputs (a saved output is
kept as a detached alias and re-attached when backward unpacks it, as torch's ``SavedVariable`` does),
so a graph is freed by reference counting as soon as its last tensor goes away.
"""
import functools
import itertools
import warnings

from . import grad_mode, anomaly_mode, forward_ad, graph
# minitorch.tensor imports this module while it is itself being imported; it is complete by the time
# any function here runs.
from .. import tensor as _tensor

_sequence = itertools.count()  # creation order: the engine runs later-created nodes first

# The watcher of operations while ``jit.trace`` records (minitorch/jit/_trace.py) or the profiler times
# (minitorch/autograd/profiler.py); None otherwise. ``Op.apply`` and ``Function.apply`` read it once per
# operation (one attribute read when nothing watches: benchmarks/overhead.py cannot tell it from noise).
# While set, an operation is handed to ``observer.op(cls, args)``, which runs it with ``observer.busy``
# True (so the nested call runs plainly) and notes what it needs. Python values taken out of a tensor
# (``item()``, ``bool(t)``, ...) are reported to ``observer.python_value(tensor, kind)``, in-place ops to
# ``observer.inplace(apply_inplace, tensor, fn, args, kwargs)`` (which runs
# ``apply_inplace(tensor, fn, *args, **kwargs)`` with ``busy`` True).
observer = None

# How many torch.func transforms are running (grad, vjp, jacrev, jvp, jacfwd, vmap; minitorch/func/ counts them).
# Inside one, a Function whose forward takes ctx (no setup_context) is refused, as torch refuses it: the check sits
# on that style's own branch of ``Function.apply``, so it costs nothing anywhere else.
transforms_running = 0

SETUP_CONTEXT_ERROR = (
    "In order to use an autograd.Function with functorch transforms (vmap, grad, jvp, jacrev, ...), it must override "
    "the setup_context staticmethod. For more details, please see "
    "https://pytorch.org/docs/main/notes/extending.func.html")

FREED_ERROR = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they "
    "have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph "
    "a second time or if you need to access saved tensors after calling backward.")


class Node:
    """A node of the backward graph: torch's ``grad_fn`` (and the ``ctx`` of a Function)."""

    # class-level defaults keep each node's __dict__ small: only what an op sets is stored
    next_functions = ()
    _saved = None          # the saved tensors (see _save); None once freed
    _saved_versions = ()   # ((index in _saved, version at save time), ...) for tensors that can change
    _saved_outputs = ()    # ((index in _saved, output_nr), ...): saved outputs of this very node
    _unpack = None         # the unpack hook, when _saved holds what saved_tensors_hooks' pack hook made
    _freed = False
    _to_save = ()          # what save_for_backward received, until apply resolves it
    _non_diff = ()         # outputs passed to mark_non_differentiable
    _dirty = ()            # inputs passed to mark_dirty (modified in place by forward)
    _pre_hooks = None      # Node.register_prehook: fn(grad_outputs) -> new grad_outputs or None
    _hooks = None          # Node.register_hook: fn(grad_inputs, grad_outputs) -> new grad_inputs or None
    _tensor_hooks = None   # {output_nr: [hook]}: Tensor.register_hook on a non-leaf output
    _retained = None       # {output_nr: weakref to a non-leaf tensor}: Tensor.retain_grad
    _out_meta = None       # [(shape, dtype)] of the outputs of a multi-output node
    materialize_grads = True

    def name(self):
        """torch's name of the node: its class name, qualified for the nodes torch writes in C++ only
        (``torch::autograd::AccumulateGrad``, ``torch::autograd::CopyBackwards``)."""
        return self._name

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    # -- what forward saves for backward ---------------------------------------------------------
    def save_for_backward(self, *values):
        """Keep ``values`` for backward. In an ``Op`` they are arrays: an input's array comes back in
        backward as that input Tensor, the output's as the output Tensor, any other array as a constant
        Tensor. In a ``Function`` they are Tensors (or None)."""
        self._to_save = values

    def save_for_forward(self, *tensors):
        """Keep ``tensors`` for the Function's ``jvp`` (forward mode), where ``saved_tensors`` gives them back."""
        self._for_forward = tensors

    @property
    def saved_tensors(self):
        """The saved tensors, checked against in-place changes made since they were saved."""
        if self._freed:
            raise RuntimeError(FREED_ERROR)
        saved = self._saved
        if not saved:
            return ()
        if self._unpack is not None:  # saved through saved_tensors_hooks (autograd/graph.py)
            return graph.unpack_saved(self)
        for i, version in self._saved_versions:
            if saved[i]._vc[0] != version:
                raise RuntimeError(_modified_error(self, i))
        if self._saved_outputs and grad_mode.STATE.enabled:
            # create_graph: a saved output must lead back to this node, so that differentiating the
            # backward formula again flows through it
            saved = list(saved)
            for i, nr in self._saved_outputs:
                saved[i] = _attached(saved[i], self, nr)
            saved = tuple(saved)
        return saved

    def mark_non_differentiable(self, *outputs):
        self._non_diff = outputs

    def mark_dirty(self, *tensors):
        """Declare inputs that forward modified in place: they are returned as outputs themselves."""
        self._dirty = tensors

    def set_materialize_grads(self, value):
        """With False, backward gets None (not zeros) for outputs that received no gradient."""
        self.materialize_grads = bool(value)

    def _release(self):
        """Free what forward saved (after a backward without retain_graph)."""
        self._saved = None
        self._unpack = None
        self._freed = True

    # -- hooks -----------------------------------------------------------------------------------
    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node's backward; it may return new
        ``grad_inputs``."""
        self._hooks = (self._hooks or []) + [fn]
        return RemovableHandle(self, "_hooks", fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node's backward; it may return new ``grad_outputs``."""
        self._pre_hooks = (self._pre_hooks or []) + [fn]
        return RemovableHandle(self, "_pre_hooks", fn)

    # -- running backward ------------------------------------------------------------------------
    def _run_backward(self, grads):
        """The VJP of this node for the gradients of its outputs; one gradient (or None) per edge."""
        raise NotImplementedError


class RemovableHandle:
    """What ``register_hook`` returns: ``handle.remove()`` unregisters the hook (also on leaving ``with``)."""

    def __init__(self, owner, attr, fn):
        self._owner, self._attr, self._fn = owner, attr, fn

    def remove(self):
        hooks = getattr(self._owner, self._attr) or []
        setattr(self._owner, self._attr, [h for h in hooks if h is not self._fn] or None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _attached(alias, node, nr):
    """A saved output, unpacked as the differentiable output ``nr`` of ``node``."""
    t = _tensor._make(alias._data)
    t._vc = alias._vc
    t.grad_fn, t._output_nr, t._requires_grad = node, nr, True
    if forward_ad.STATE.level is not None:
        forward_ad.carry_tangent(alias, t)  # (forward over reverse: the output's tangent, see push_tangents)
    return t


def forward_op_name(node_name):
    """torch's name of the forward operation of a node: ``ExpBackward0`` -> ``Exp``, ``PowBackward1``
    -> ``Pow1``, ``MyFnBackward`` -> ``MyFn`` (names without a ``Backward<digits>`` ending stay)."""
    stem, found, suffix = node_name.rpartition("Backward")
    if not found or not suffix.isdigit() and suffix:
        return node_name
    return stem if suffix in ("", "0") else stem + suffix


def _modified_error(node, i):
    t = node._saved[i]
    outputs = dict(node._saved_outputs)
    if i in outputs:
        fn, nr = node, outputs[i]
    else:  # torch names a saved input's current grad_fn, and always as output 0
        fn, nr = t.grad_fn, 0
    where = f", which is output {nr} of {forward_op_name(fn.name())}," if fn is not None else ""
    return (f"one of the variables needed for gradient computation has been modified by an inplace "
            f"operation: [{t.dtype.tensor_type} {list(t._data.shape)}]{where} is at version {t._vc[0]}; "
            f"expected version {dict(node._saved_versions)[i]} instead. Hint: enable anomaly detection to find the "
            f"operation that failed to compute its gradient, with "
            f"torch.autograd.set_detect_anomaly(True, check_nan=False).")


class AccumulateGrad(Node):
    """The node of a leaf tensor that requires grad: the engine adds the arriving gradient into
    ``variable.grad``."""

    _seq = float("inf")  # runs as soon as it is ready, like torch (sequence number UINT64_MAX)

    _name = "torch::autograd::AccumulateGrad"

    def __init__(self, variable):
        self.variable = variable


def edge_of(t):
    """The edge ``(node, output_nr)`` along which the gradient of tensor ``t`` flows."""
    if not t._requires_grad:
        return (None, 0)
    if t.grad_fn is not None:
        return (t.grad_fn, t._output_nr)
    return (t._accumulator(), 0)


class FunctionMeta(type):
    """Gives each Function its node class, named as torch names it (``node_name``, or the Function's name
    + ``Backward``; a C++-qualified ``node_name`` names the class by its last part)."""

    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        node_name = attrs.get("node_name") or name + "Backward"
        cls._Node = type(node_name.rpartition("::")[2], (cls._node_base,),
                         {"_function": cls, "_name": node_name, "__module__": cls._node_module})


class BackwardNode(Node):
    """The node of a user Function application: calls the Function's backward and checks its result."""

    __repr__ = object.__repr__  # <minitorch.autograd.function.MyFnBackward object at ...>, as torch

    def _run_backward(self, grads):
        function = self._function
        if function.vjp is not Function.vjp:  # a Function may name its backward ``vjp`` (not both)
            if function.backward is not Function.backward:
                raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is not allowed. "
                                   "You should only implement one of them.")
            out = function.vjp(self, *grads)
        else:
            out = function.backward(self, *grads)
        if not isinstance(out, tuple):
            out = (out,)
        n_args, is_tensor = len(self._is_tensor), self._is_tensor
        if len(out) < n_args or any(g is not None for g in out[n_args:]):
            raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients "
                               f"(expected {n_args}, got {len(out)})")
        for i, g in enumerate(out[:n_args]):
            if g is not None and not is_tensor[i]:
                raise RuntimeError(f"function {self.name()} returned a gradient different than None at "
                                   f"position {i + 1}, but the corresponding forward input was not a Variable")
        return [g for g, t in zip(out, is_tensor) if t]


class Function(metaclass=FunctionMeta):
    """``torch.autograd.Function``: subclass it with static ``forward(ctx, *args)`` and
    ``backward(ctx, *grad_outputs)``, then call ``YourFunction.apply(*args)``.

    ``forward`` runs with grad mode off and gets the arguments as given (Tensors stay Tensors).
    ``backward`` returns one gradient per argument of ``forward`` (``None`` for non-tensors and for
    inputs that need no gradient). The torch 2 style - ``forward(*args)`` without ctx plus
    ``setup_context(ctx, inputs, output)`` - works too, and is the only one the ``minitorch.func`` transforms
    accept (as in torch). ``jvp`` gives forward mode; under ``func.vmap`` a Function runs by its ``vmap``
    staticmethod or, with ``generate_vmap_rule = True``, by vmap applied to its forward, backward and jvp
    (minitorch/func/_function_vmap.py; docs/func.md).
    """

    _node_base = BackwardNode
    _node_module = "minitorch.autograd.function"

    @staticmethod
    def forward(ctx, *args):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        """Forward mode (autograd/forward_ad.py): the outputs' tangents from the inputs' (one per forward
        argument, None where there is none), computed with ``ctx`` as forward left it."""
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it "
                                  "with forward mode AD.")

    # Under ``func.vmap`` (minitorch/func/_function_vmap.py) a Function runs by one of these two, never both:
    generate_vmap_rule = False  # True: vmap runs forward (and backward, jvp) on the batch, op by op

    @staticmethod
    def vmap(info, in_dims, *args):
        """The Function under ``func.vmap``: ``args`` are the batches (``in_dims``: the batch dim of each, or None
        for an argument that is not batched; minitorch keeps it in front, so 0), ``info.batch_size`` and
        ``info.randomness`` are the vmap's. Returns ``(output, out_dims)``: the batched outputs and where in each
        its batch dim is (None: not batched)."""
        raise NotImplementedError("To use autograd.Function with vmap, you must either override the vmap staticmethod "
                                  "or set generate_vmap_rule=True.")

    # ``MyFn()(x)``: torch's words for the old style, where a Function was an object with a forward method
    def __init__(self, *args, **kwargs):
        warnings.warn(f"{self.__class__} should not be instantiated. Methods on autograd functions are all static, "
                      "so you should invoke them on the class itself. Instantiating an autograd function will raise "
                      "an error in a future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use "
                           "new-style autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @classmethod
    def apply(cls, *args):
        if observer is not None and not observer.busy:  # jit.trace or the profiler is watching
            return observer.op(cls, args)
        Tensor = _tensor.Tensor
        ctx = cls._Node()
        is_tensor = tuple(isinstance(a, Tensor) for a in args)
        ctx.needs_input_grad = tuple(t and a._requires_grad for a, t in zip(args, is_tensor))
        record = grad_mode.STATE.enabled and any(ctx.needs_input_grad)
        dual = forward_ad.STATE.level is not None and forward_ad.has_tangent(args)
        with grad_mode.no_grad(), forward_ad.closed(dual):  # forward mode: forward sees plain tensors (jvp below)
            if cls.setup_context is Function.setup_context:
                if transforms_running:
                    raise RuntimeError(SETUP_CONTEXT_ERROR)
                out = cls.forward(ctx, *args)
            else:
                out = cls.forward(*args)
                cls.setup_context(ctx, args, out)
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        results = tuple(_function_output(o, args, ctx._dirty) for o in outs)
        if dual:
            forward_ad.function_jvp(cls, ctx, args, results)
        if record:
            for o in ctx._dirty:
                if o._requires_grad and o.grad_fn is None:
                    raise RuntimeError("a leaf Variable that requires grad has been used in an in-place "
                                       "operation.")
            for i, v in enumerate(ctx._to_save):
                if v is not None and not isinstance(v, Tensor):
                    raise TypeError(f"save_for_backward can only save variables, but argument {i} is of type "
                                    f"{type(v).__name__}")
            inputs = [a for a, t in zip(args, is_tensor) if t]
            ctx._is_tensor = is_tensor
            _link(ctx, inputs, results, _mapped(ctx._non_diff, outs, results))
            _save(ctx, args, args, outs, results)
        return results[0] if single else results


def _function_output(o, args, dirty):
    """The tensor a user Function returns for its forward's output ``o``."""
    if not isinstance(o, _tensor.Tensor) or not any(o is a for a in args):
        return o
    if any(o is d for d in dirty):
        o._vc[0] += 1  # as torch: modified in place, the input itself becomes the output, one version on
        return o
    # an input returned unchanged: a new alias (torch returns a view) so the input keeps its own grad_fn
    alias = _tensor._make(o._data)
    alias._vc = o._vc
    return alias


def _mapped(values, raw_outputs, results):
    """The results corresponding to some of forward's raw outputs (by identity)."""
    return [r for o, r in zip(raw_outputs, results) if any(o is v for v in values)]


def _link(node, inputs, results, non_diff=()):
    """Wire ``node`` into the graph: edges to the inputs' nodes, differentiable outputs pointing back."""
    node._seq = next(_sequence)
    if anomaly_mode.STATE.enabled:  # anomaly mode (autograd/anomaly_mode.py): remember where it was made
        anomaly_mode.record(node)
    edges, meta = [], []  # one loop, not two comprehensions: this runs for every recorded operation
    for t in inputs:
        data = t._data
        meta.append((data.shape, data.dtype))
        # edge_of(t), inlined (a call per input costs more than the test)
        if not t._requires_grad:
            edges.append((None, 0))
        elif t.grad_fn is not None:
            edges.append((t.grad_fn, t._output_nr))
        else:
            edges.append((t._accumulator(), 0))
    node.next_functions = tuple(edges)
    node._input_meta = tuple(meta)
    if len(results) == 1 and type(results[0]) is _tensor.Tensor and not non_diff:  # the commonest case: no loop
        out = results[0]
        if out._data.dtype.kind == "f":  # integer outputs (argmax indices, ...) never require grad
            out.grad_fn, out._output_nr, out._requires_grad = node, 0, True
        return
    if len(results) > 1:
        node._out_meta = [None if r is None else (r._data.shape, r._data.dtype) for r in results]
    nr = 0
    for out in results:
        # integer outputs (argmax indices, ...) never require grad; nor do a Function's non-Tensor outputs
        if out is not None and hasattr(out, "_data") and out._data.dtype.kind == "f" \
                and not (non_diff and any(out is n for n in non_diff)):
            out.grad_fn = node
            out._output_nr = nr
            out._requires_grad = True
        nr += 1


def _save(node, inputs, raw_inputs, raw_outputs, results):
    """Store what forward saved (``node._to_save``, from ``save_for_backward``): each value (an array in an Op,
    a Tensor in a Function) is matched by identity to forward's outputs and inputs. An output is kept as a
    detached alias (the node must not own its outputs); inputs and outputs remember their version, to detect
    later in-place changes."""
    values = node._to_save
    if not values:  # (the commonest case of all: add, sum, views, ... save nothing)
        return
    # the node keeps only what is made of the values below; an attribute deleted, not node.__dict__.pop(...):
    # touching __dict__ makes Python build the node's dict, which doubles the cost of every later attribute
    del node._to_save
    # This runs for every recorded op that saves: plain loops with counters, no enumerate/zip objects (half the
    # time of the same search written with them)
    saved, versions, outputs = [], [], []
    i = -1
    for v in values:
        i += 1
        if v is None:
            saved.append(None)
            continue
        nr = 0
        for o in raw_outputs:
            if v is o:
                t = _tensor._make(results[nr]._data)
                t._vc = results[nr]._vc
                outputs.append((i, nr))
                break
            nr += 1
        else:
            j = 0
            for a in raw_inputs:
                if v is a and isinstance(inputs[j], _tensor.Tensor):
                    t = inputs[j]
                    break
                j += 1
            else:  # anything else: a constant of the backward formula (an array in an Op)
                if not isinstance(v, _tensor.Tensor):
                    saved.append(_tensor._make(v))
                    continue
                t = v
        versions.append((i, t._vc[0]))
        saved.append(t)
    if outputs:
        node._saved_outputs = tuple(outputs)
    if graph.hooks:  # inside saved_tensors_hooks (autograd/graph.py): the node keeps what pack makes of each
        graph.pack_saved(node, saved, outputs, results)
        return
    node._saved = tuple(saved)
    node._saved_versions = tuple(versions)


def once_differentiable(fn):
    """torch's decorator: backward runs with grad mode off (its result cannot be differentiated again)."""
    @functools.wraps(fn)
    def wrapper(ctx, *grads):
        with grad_mode.no_grad():
            return fn(ctx, *grads)
    return wrapper
