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
* ``Op``: minitorch's built-in operations. ``forward`` gets NumPy arrays and returns arrays, so the
  forward math is plain NumPy; ``backward`` gets and returns Tensors and is written with minitorch
  operations, so that ``create_graph=True`` can differentiate the backward pass again.

Ownership runs one way only, from outputs towards inputs: a tensor holds its ``grad_fn``, a node holds
its ``next_functions`` and the tensors it saved. A node never holds its own outputs (a saved output is
kept as a detached alias and re-attached when backward unpacks it, as torch's ``SavedVariable`` does),
so a graph is freed by reference counting as soon as its last tensor goes away.
"""
import functools
import itertools
import warnings
import weakref

import numpy as np

from . import grad_mode, anomaly_mode
from .._dtype import result_type
from .._size import broadcast_shape
# minitorch.tensor imports this module while it is itself being imported; it is complete by the time
# any function here runs.
from .. import tensor as _tensor

_sequence = itertools.count()  # creation order: the engine runs later-created nodes first

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

    @property
    def saved_tensors(self):
        """The saved tensors, checked against in-place changes made since they were saved."""
        if self._freed:
            raise RuntimeError(FREED_ERROR)
        saved = self._saved
        if not saved:
            return ()
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
    ``setup_context(ctx, inputs, output)`` - works too.
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
        Tensor = _tensor.Tensor
        ctx = cls._Node()
        is_tensor = tuple(isinstance(a, Tensor) for a in args)
        ctx.needs_input_grad = tuple(t and a._requires_grad for a, t in zip(args, is_tensor))
        record = grad_mode.STATE.enabled and any(ctx.needs_input_grad)
        with grad_mode.no_grad():
            if cls.setup_context is Function.setup_context:
                out = cls.forward(ctx, *args)
            else:
                out = cls.forward(*args)
                cls.setup_context(ctx, args, out)
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        results = tuple(_function_output(o, args, ctx._dirty) for o in outs)
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
            _save(ctx, ctx.__dict__.pop("_to_save", ()), args, args, outs, results)
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
        edges.append(edge_of(t))
        meta.append((t._data.shape, t._data.dtype))
    node.next_functions = tuple(edges)
    node._input_meta = tuple(meta)
    if len(results) > 1:
        node._out_meta = [None if r is None else (r._data.shape, r._data.dtype) for r in results]
    for nr, out in enumerate(results):
        if out is None or not hasattr(out, "_data") or out._data.dtype.kind != "f":
            continue  # integer outputs (argmax indices, ...) never require grad
        if non_diff and any(out is n for n in non_diff):
            continue
        out.grad_fn = node
        out._output_nr = nr
        out._requires_grad = True


def _save(node, values, inputs, raw_inputs, raw_outputs, results):
    """Store what forward saved: each value (an array in an Op, a Tensor in a Function) is matched by
    identity to forward's outputs and inputs. An output is kept as a detached alias (the node must not
    own its outputs); inputs and outputs remember their version, to detect later in-place changes."""
    saved, versions, outputs = [], [], []
    for i, v in enumerate(values):
        if v is None:
            saved.append(None)
            continue
        t = None
        for nr, o in enumerate(raw_outputs):
            if v is o:
                t = _tensor._make(results[nr]._data)
                t._vc = results[nr]._vc
                outputs.append((i, nr))
                break
        else:
            for a, inp in zip(raw_inputs, inputs):
                if v is a and isinstance(inp, _tensor.Tensor):
                    t = inp
                    break
        if t is None:  # anything else: a constant of the backward formula (an array in an Op)
            if isinstance(v, _tensor.Tensor):
                t = v
            else:
                saved.append(_tensor._make(v))
                continue
        versions.append((i, t._vc[0]))
        saved.append(t)
    node._saved = tuple(saved)
    node._saved_versions = tuple(versions)
    if outputs:
        node._saved_outputs = tuple(outputs)


class OpNode(Node):
    """The node of a built-in Op: its backward returns one gradient (or None) per tensor input."""

    def _run_backward(self, grads):
        out = self._function.backward(self, *grads)
        return out if isinstance(out, tuple) else (out,)


class Op(Function):
    """A built-in operation: ``forward(ctx, *arrays)`` on NumPy arrays, ``backward(ctx, grad)`` on
    Tensors, returning one gradient per Tensor argument of forward (in order).

    Arguments that are not Tensors (dims, flags, Python numbers) reach forward unchanged.
    ``save_for_backward`` takes arrays; in backward ``ctx.saved_tensors`` gives them back as Tensors:
    the input Tensor for an input's array, the output Tensor for the output array, a constant Tensor
    for anything else.
    """

    _node_base = OpNode
    _node_module = __name__
    is_view = False   # True for ops whose output shares memory with the first input
    promotes = False  # elementwise ops: True (all arguments) or the number of leading arguments that are
                      # operands, promoted to one dtype (later ones, like add's alpha, pass unchanged)

    @classmethod
    def apply(cls, *args):
        Tensor, make = _tensor.Tensor, _tensor._make
        ctx = cls._Node()
        if cls.promotes:
            args, arrays = _promote(args, cls.promotes)
        else:
            arrays = [a._data if isinstance(a, Tensor) else a for a in args]
        try:
            out = cls.forward(ctx, *arrays)
        except ValueError as e:  # NumPy's broadcast error, in torch's words
            if "broadcast" in str(e):
                raise RuntimeError(broadcast_error([a.shape for a in arrays if isinstance(a, np.ndarray)])) from None
            raise
        single = type(out) is not tuple
        results = (make(out),) if single else tuple([None if o is None else make(o) for o in out])
        if grad_mode.STATE.enabled:
            inputs = [a for a in args if isinstance(a, Tensor)]
            needs = tuple([t._requires_grad for t in inputs])
            if True in needs:
                ctx.needs_input_grad = needs
                raw_outputs = (out,) if single else out
                _link(ctx, inputs, results, ctx._non_diff and _mapped(ctx._non_diff, raw_outputs, results))
                _save(ctx, ctx.__dict__.pop("_to_save", ()), args, arrays, raw_outputs, results)
        if cls.is_view:
            _note_view(cls, args, results)
        return results[0] if single else results


def broadcast_error(shapes):
    """torch's message for shapes that do not broadcast: they are broadcast one after another, as torch
    does (tensor a is the shape so far, tensor b the next one), and the first failure is the message."""
    try:
        functools.reduce(broadcast_shape, shapes)
    except RuntimeError as e:
        return str(e)
    return f"shapes {[list(s) for s in shapes]} cannot be broadcast together"


def _note_view(cls, args, results):
    """``results`` share the memory of ``args[0]``: they share its version counter too (as in torch), and
    remember how they were taken from their root base, so that an in-place change of a view can rewrite
    the base's history, and the base's changes the views' (ops/inplace.py)."""
    base = args[0]
    root, steps, with_grad = base._view or (base, (), True)
    if len(results) > 1 or steps is None:
        steps = None  # the outputs of split, unbind, ...: torch forbids changing them in place
    else:
        steps = (steps, cls, args[1:])  # a linked list (see view_ops): constant work per view op
    view = (root, steps, with_grad and grad_mode.STATE.enabled)
    for r in results:
        if r is not None:
            r._vc = base._vc
            r._view = view
            # a leaf that requires grad cannot change in place (nor can its views); any other root can, and
            # then its views need new histories (ops/inplace.py, _refresh_views)
            if view[2] and (root.grad_fn is not None or not root._requires_grad):
                views = root._views
                if views is None:
                    views = root._views = {}
                # id -> weak reference that removes itself when the view dies (a WeakValueDictionary does the
                # same at several times the cost, and this runs for every view op)
                key = id(r)
                views[key] = weakref.ref(r, lambda _, views=views, key=key: views.pop(key, None))


def view_ops(steps):
    """The view ops, with their arguments, that take a view from its root base (first to last), out of the
    view's linked ``steps``: ``(earlier steps, op, arguments)``, ``()`` for none."""
    ops = []
    while steps:
        steps, cls, extra = steps
        ops.append((cls, extra))
    return ops[::-1]


def _promote(args, operands):
    """Elementwise operands at torch's result dtype. Python numbers become constant 0-d tensors - torch's
    "wrapped numbers", which is why ``(x * 2).grad_fn.next_functions`` has a ``(None, 0)`` edge."""
    Tensor, make = _tensor.Tensor, _tensor._make
    if len(args) == 2:  # the commonest case first: two tensors of one dtype need nothing done
        a, b = args
        if type(a) is Tensor and type(b) is Tensor and a._data.dtype is b._data.dtype:
            return args, [a._data, b._data]
    n = len(args) if operands is True else operands
    dtype, numbers = _plain_dtype(args[:n])
    if dtype is not None and not numbers:
        return args, [a._data if isinstance(a, Tensor) else a for a in args]
    np_dtype = dtype if dtype is not None else result_type(*args[:n]).np
    args = tuple(a if isinstance(a, Tensor) else make(np.asarray(a, np_dtype)) for a in args[:n]) + args[n:]
    arrays = [a._data if a._data.dtype == np_dtype else a._data.astype(np_dtype) for a in args[:n]] + list(args[n:])
    return args, arrays


def _plain_dtype(operands):
    """The common cases, decided without the promotion rules: (dtype, whether there are Python numbers)
    when the operands are tensors of one dtype, with perhaps Python numbers next to a floating tensor
    (whose dtype wins); (None, _) otherwise."""
    dtype, numbers = None, False
    for a in operands:
        if type(a) is _tensor.Tensor:
            if dtype is None:
                dtype = a._data.dtype
            elif a._data.dtype is not dtype:
                return None, numbers
        elif type(a) is float or type(a) is int:
            numbers = True
        else:
            return None, numbers
    if numbers and (dtype is None or dtype.kind != "f"):
        return None, numbers
    return dtype, numbers


def once_differentiable(fn):
    """torch's decorator: backward runs with grad mode off (its result cannot be differentiated again)."""
    @functools.wraps(fn)
    def wrapper(ctx, *grads):
        with grad_mode.no_grad():
            return fn(ctx, *grads)
    return wrapper
