"""Functions and the nodes of the backward graph.

Every differentiable operation is a ``Function``: ``forward`` computes the result, ``backward`` maps
the gradient of the result to gradients of the inputs (the vector-Jacobian product, VJP).

``Function.apply`` runs ``forward`` and, when grad mode is on and some input requires grad, links a
``Node`` into the graph. The node *is* the ``ctx`` that forward and backward receive (as in torch), and
it is what a tensor's ``grad_fn`` points to. Its class is named the way torch names it
(``MulBackward0``, ``AddmmBackward0``, ...), and its ``next_functions`` hold one edge
``(node, output_nr)`` per input: the input's own ``grad_fn``, the ``AccumulateGrad`` node of a leaf
that requires grad, or ``None``.

Two kinds of Function:

* ``Function``: torch's ``torch.autograd.Function`` for users. ``forward`` gets Tensors, exactly as in
  torch.
* ``Op``: minitorch's built-in operations. ``forward`` gets NumPy arrays and returns arrays, so the
  forward math is plain NumPy; ``backward`` gets and returns Tensors and is written with minitorch
  operations, so that ``create_graph=True`` can differentiate the backward pass again.
"""
import itertools

import numpy as np

from . import grad_mode

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
    _saved = None          # what save_for_backward resolved: Tensors (inputs/outputs) and constants
    _freed = False
    _pre_hooks = None      # hooks on the incoming gradient (Tensor.register_hook of a non-leaf)
    _hooks = None          # hooks after backward (Node.register_hook)
    _retained = None       # {output_nr: weakref to a non-leaf tensor whose .grad must be kept}
    _out_meta = None       # [(shape, dtype)] of outputs, for multi-output nodes (gradients of unused ones are zeros)
    materialize_grads = True

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"

    # -- what forward saves for backward ---------------------------------------------------------
    def save_for_backward(self, *values):
        """Keep ``values`` for backward. In an ``Op`` they are arrays: an input's array comes back in
        backward as that input Tensor, the output's as the output Tensor, any other array as a constant
        Tensor. In a ``Function`` they are Tensors."""
        self._to_save = values

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(FREED_ERROR)
        saved = self._saved
        if saved is None:
            return ()
        for t, version in zip(saved, self._saved_versions):
            if version is not None and t._vc[0] != version:
                raise RuntimeError(_modified_error(t, version))
        return saved

    def mark_non_differentiable(self, *outputs):
        self._non_diff = outputs

    def mark_dirty(self, *tensors):
        """Accepted for torch compatibility; in-place Functions are recorded by the in-place machinery."""

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)

    def _release(self):
        """Free what forward saved (after a backward without retain_graph)."""
        self._saved = None
        self._freed = True

    # -- hooks -----------------------------------------------------------------------------------
    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node's backward."""
        self._hooks = (self._hooks or []) + [fn]
        return _RemovableHandle(self, "_hooks", fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node's backward and may return replacements."""
        self._pre_hooks = (self._pre_hooks or []) + [fn]
        return _RemovableHandle(self, "_pre_hooks", fn)

    # -- running backward ------------------------------------------------------------------------
    def _run_backward(self, grads):
        """The VJP of this node for the gradients of its outputs; one gradient (or None) per edge."""
        raise NotImplementedError


class _RemovableHandle:
    def __init__(self, owner, attr, fn):
        self._owner, self._attr, self._fn = owner, attr, fn

    def remove(self):
        hooks = getattr(self._owner, self._attr) or []
        setattr(self._owner, self._attr, [h for h in hooks if h is not self._fn] or None)


def _modified_error(t, version):
    from .._tensor_str import type_name
    shape = list(t.shape)
    where = f", which is output {t._output_nr} of {t.grad_fn.name()}," if t.grad_fn is not None else ""
    return (f"one of the variables needed for gradient computation has been modified by an inplace "
            f"operation: [{type_name(t)} {shape}]{where} is at version {t._vc[0]}; expected version "
            f"{version} instead. Hint: enable anomaly detection to find the operation that failed to "
            f"compute its gradient, with torch.autograd.set_detect_anomaly(True).")


class AccumulateGrad(Node):
    """The node of a leaf tensor that requires grad: adds the arriving gradient into ``.grad``."""

    def __init__(self, variable):
        self.variable = variable
        self._seq = float("inf")  # run as soon as ready, like torch (sequence number UINT64_MAX)

    def _run_backward(self, grads):
        raise AssertionError("the engine accumulates into leaves itself")


def edge_of(t):
    """The edge ``(node, output_nr)`` along which the gradient of tensor ``t`` flows."""
    if not t.requires_grad:
        return (None, 0)
    if t.grad_fn is not None:
        return (t.grad_fn, t._output_nr)
    return (t._accumulator(), 0)


class FunctionMeta(type):
    """Gives each Function its node class, named as torch names it."""

    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        node_name = attrs.get("node_name") or name + "Backward"
        cls._Node = type(node_name, (cls._node_base,), {"_function": cls})


class BackwardNode(Node):
    """The node of a Function application: calls the Function's backward."""

    def _run_backward(self, grads):
        out = self._function.backward(self, *grads)
        if not isinstance(out, tuple):
            out = (out,)
        positions = self._positions
        if len(out) < len(positions) and len(out) < self._n_args:
            raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients "
                               f"(expected {self._n_args}, got {len(out)})")
        return [out[p] if p < len(out) else None for p in positions]


class Function(metaclass=FunctionMeta):
    """``torch.autograd.Function``: subclass it with static ``forward(ctx, *args)`` and
    ``backward(ctx, *grad_outputs)``, then call ``YourFunction.apply(*args)``.

    ``forward`` runs with grad mode off and gets the arguments as given (Tensors stay Tensors).
    ``backward`` returns one gradient per argument of ``forward`` (``None`` for non-tensors).
    """

    _node_base = BackwardNode

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args):
        from ..tensor import Tensor, _make
        ctx = cls._Node()
        ctx._to_save = ()
        ctx._non_diff = ()
        tensors = [a for a in args if isinstance(a, Tensor)]
        record = grad_mode.STATE.enabled and any(t.requires_grad for t in tensors)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with grad_mode.no_grad():
            out = cls.forward(ctx, *args)
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        # outputs are new Tensor objects sharing the arrays forward returned (an input returned as-is
        # gets a fresh alias, so the input itself keeps its own grad_fn)
        results = tuple(_make(o._data) if isinstance(o, Tensor) else o for o in outs)
        if record:
            positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
            saved = []
            for v in ctx._to_save:
                if v is None:
                    saved.append(None)
                    continue
                for o, r in zip(outs, results):
                    if v is o:
                        v = r
                        break
                saved.append(v)
            _link(ctx, [args[p] for p in positions], positions, len(args), results, saved,
                  [o for o, r in zip(outs, results) if any(o is n for n in ctx._non_diff)])
        return results[0] if single else results


def _link(node, inputs, positions, n_args, outputs, saved, non_diff=()):
    """Wire ``node`` into the graph: edges to the inputs' nodes, outputs pointing back at the node."""
    node._seq = next(_sequence)
    node._positions = positions
    node._n_args = n_args
    node.next_functions = tuple(edge_of(t) for t in inputs)
    node._input_meta = tuple((t._data.shape, t._data.dtype) for t in inputs)
    node._saved = tuple(saved)
    node._saved_versions = tuple(t._vc[0] if hasattr(t, "_vc") else None for t in saved)
    if len(outputs) > 1:
        node._out_meta = [None if o is None else (o._data.shape, o._data.dtype) for o in outputs]
    for nr, out in enumerate(outputs):
        if out is None or not hasattr(out, "_data") or any(out is n for n in non_diff):
            continue
        if out._data.dtype.kind != "f":
            continue  # integer outputs (argmax indices, ...) never require grad
        out.grad_fn = node
        out._output_nr = nr
        out.requires_grad = True


class OpNode(Node):
    """The node of a built-in Op. Same contract as BackwardNode; Ops return exactly one gradient per
    tensor input (positions of non-tensor arguments are skipped)."""

    def _run_backward(self, grads):
        out = self._function.backward(self, *grads)
        if not isinstance(out, tuple):
            return (out,)
        return out


class Op(Function):
    """A built-in operation: ``forward(ctx, *arrays)`` on NumPy arrays, ``backward(ctx, grad)`` on
    Tensors, returning one gradient per Tensor argument of forward (in order).

    Arguments that are not Tensors (dims, flags, Python numbers) reach forward unchanged.
    ``save_for_backward`` takes arrays; in backward ``ctx.saved_tensors`` gives them back as Tensors:
    the input Tensor for an input's array, the output Tensor for the output array, a constant Tensor
    for anything else.
    """

    _node_base = OpNode

    @classmethod
    def apply(cls, *args):
        from ..tensor import Tensor, _make
        ctx = cls._Node()
        if cls.promotes:
            args, arrays = _promote(args)
        else:
            arrays = [a._data if isinstance(a, Tensor) else a for a in args]
        out = cls.forward(ctx, *arrays)
        single = type(out) is not tuple
        results = (_make(out),) if single else tuple(None if o is None else _make(o) for o in out)
        if grad_mode.STATE.enabled:
            positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
            inputs = [args[i] for i in positions]
            if any(t.requires_grad for t in inputs):
                ctx.needs_input_grad = tuple(t.requires_grad for t in inputs)
                saved = [_resolve_saved(v, arrays, args, out, results, single)
                         for v in ctx.__dict__.pop("_to_save", ())]
                _link(ctx, inputs, positions, len(args), results, saved, _non_diff_results(ctx, out, results))
        if cls.is_view:
            base = args[0]
            for r in results:
                if r is not None:
                    r._vc = base._vc  # a view shares its base's version counter, as in torch
        return results[0] if single else results

    is_view = False   # True for ops whose output shares memory with the first input
    promotes = False  # True for elementwise ops: all arguments are operands, promoted to one dtype


def _promote(args):
    """Elementwise operands at torch's result dtype. Python numbers become constant 0-d tensors - torch's
    "wrapped numbers", which is why ``(x * 2).grad_fn.next_functions`` has a ``(None, 0)`` edge."""
    from ..tensor import Tensor, _make
    from .._dtype import result_type
    first = args[0]
    if all(type(a) is Tensor and a._data.dtype is first._data.dtype for a in args):
        return args, [a._data for a in args]
    np_dtype = result_type(*args).np
    args = tuple(a if isinstance(a, Tensor) else _make(np.asarray(a, np_dtype)) for a in args)
    arrays = [a._data if a._data.dtype == np_dtype else a._data.astype(np_dtype) for a in args]
    return args, arrays


def _resolve_saved(v, arrays, args, out, results, single):
    """Map an array saved in an Op's forward back to the Tensor it belongs to."""
    from ..tensor import _make
    for a, t in zip(arrays, args):
        if v is a and hasattr(t, "_data"):
            return t
    if single:
        if v is out:
            return results[0]
    else:
        for o, r in zip(out, results):
            if v is o:
                return r
    if v is None:
        return None
    return _make(v)


def _non_diff_results(ctx, out, results):
    marked = ctx.__dict__.pop("_non_diff", ())
    if not marked:
        return ()
    outs = (out,) if type(out) is not tuple else out
    return [r for o, r in zip(outs, results) if any(o is m for m in marked)]


def once_differentiable(fn):
    """torch's decorator: backward runs with grad mode off (its result cannot be differentiated again)."""
    import functools

    @functools.wraps(fn)
    def wrapper(ctx, *grads):
        with grad_mode.no_grad():
            return fn(ctx, *grads)
    return wrapper

