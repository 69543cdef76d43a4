"""In-place operations (``add_``, ``mul_``, ``zero_``, ``t[i] = v``, ...).

An in-place op computes the out-of-place result and writes it into the tensor's own array, so every
view and every NumPy array sharing that memory sees the change. It then bumps the version counter:
if backward later needs the old value (saved by some op), it sees the version changed and raises
torch's "modified by an inplace operation" error instead of silently using the new value.

When the op is recorded (grad mode on and something requires grad), the tensor's ``grad_fn`` becomes
the new op's node, whose edge leads to the tensor's previous node - the tensor has moved one step
down the graph, exactly as in torch.

Views need more, because a view and its base are one memory seen twice:

* changing a view in place changes its base: the base's new history is ``CopySlices`` - the old base
  with the view's region replaced by the op's result; as torch's, it takes over the op's node (its edges to
  the op's other inputs, its VJP run on the view's region), so the op's node is not in the graph itself;
* after the base's history changed (through a view or directly), each of its views takes its history
  from the new base again: one ``AsStridedBackward0`` node from the view to the base, whatever view ops
  made it (torch does this lazily, on the next ``grad_fn`` access, and names the node after the
  ``as_strided`` that regenerates the view from the base's geometry).
"""
import numpy as np

from ..autograd import forward_ad, grad_mode
from ..autograd import function as _function
from ..autograd.function import FREED_ERROR, edge_of, forward_op_name
from ..tensor import Tensor, _make
from .op import Op, view_ops

LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_ERROR = "a view of a leaf Variable that requires grad is being used in an in-place operation."
NO_GRAD_VIEW_ERROR = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use "
    "case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the "
    "inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if "
    "you want the inplace to be tracked).")
OVERLAP_ERROR = ("unsupported operation: more than one element of the written-to tensor refers to a single memory "
                 "location. Please clone() the tensor before performing the operation.")


def apply_inplace(self, fn, *args, **kwargs):
    """Run ``fn(self, *args)`` out of place and store the result in ``self``."""
    if _function.observer is not None and not _function.observer.busy:  # jit.trace or the profiler
        return _function.observer.inplace(apply_inplace, self, fn, args, kwargs)
    if self._data.size > 1 and any(step == 0 and n > 1 for step, n in zip(self._data.strides, self._data.shape)):
        raise RuntimeError(OVERLAP_ERROR)  # an expanded tensor: one element stands for several
    base = self._view[0] if self._view is not None else self
    recording = grad_mode.STATE.enabled and (
        self._requires_grad or base._requires_grad or any(isinstance(a, Tensor) and a._requires_grad for a in args))
    if not recording:
        with grad_mode.no_grad():
            _store(self, fn(self, *args, **kwargs), self)
        return self
    if base is not self:
        return _apply_inplace_on_view(self, fn, args, kwargs)
    if self._requires_grad and self.grad_fn is None:
        raise RuntimeError(LEAF_ERROR)
    before = _stand_in(self, copy=True)  # the op reads self's current value: saving a copy is safe
    result = fn(before, *args, **kwargs)
    _store(self, result, before)
    if result is not before:
        _take_history(self, result)
        _refresh_views(self)
    return self


def _apply_inplace_on_view(self, fn, args, kwargs):
    """The recorded in-place change of a view: the base's history becomes CopySlices of the change."""
    base, steps, made_with_grad = self._view
    if not made_with_grad:
        raise RuntimeError(NO_GRAD_VIEW_ERROR)
    if steps is None:
        raise RuntimeError(f"Output {self._output_nr} of {forward_op_name(self.grad_fn.name())} is a view and is being "
                           f"modified inplace. This view is the output of a function that returns multiple views. Such "
                           f"functions do not allow the output views to be modified inplace. You should replace the "
                           f"inplace operation by an out-of-place one.")
    if base._requires_grad and base.grad_fn is None:
        raise RuntimeError(VIEW_OF_LEAF_ERROR)
    # the op runs on a stand-in leaf for the view's old value, so that its node's edge to it can be found after
    stand, old_edge = _stand_in(self, copy=True), edge_of(self)
    history = stand.grad_fn, stand._output_nr, stand._requires_grad
    stand.grad_fn, stand._output_nr, stand._requires_grad = None, 0, True
    start = next(_function._sequence)  # the nodes fn makes come after this
    result = fn(stand, *args, **kwargs)
    stand.grad_fn, stand._output_nr, stand._requires_grad = history  # as the op's node saved it, for 2nd order
    _store(self, result, None)  # into the view's memory, which is the base's
    # the base, as the graph sees it: its old self with the view's region replaced by the result
    new_base = CopyIntoView.apply(_stand_in(base, copy=False), result, steps)
    _take_over(new_base.grad_fn, result.grad_fn, stand, old_edge, start)
    _take_history(base, new_base)
    _retarget_saved_output(result, self)
    _refresh_views(base, self)
    return self


def _take_over(copy_slices, node, stand, old_edge, start):
    """As torch's ``CopySlices``: when an in-place op on a view made one node, whose edge to the view's old value
    (the leaf ``stand``) is its only link to it, CopySlices takes over that node's other edges and runs its
    backward on the view's region of the gradient itself (torch keeps the op's node inside CopySlices, out of the
    graph). Otherwise (an op made of several nodes) the op's nodes stay in the graph, a child of CopySlices. Either
    way their edges to ``stand`` lead to the view's old node again."""
    acc = stand._acc() if stand._acc is not None else None
    if node is None or acc is None:
        return  # nothing recorded, or the op did not use the old value (fill_, zero_)
    made, stack = [], [node]  # the nodes fn made (created after ``start``)
    while stack:
        n = stack.pop()
        if n is not None and type(n) is not _function.AccumulateGrad and n._seq > start and n not in made:
            made.append(n)
            stack.extend(child for child, _ in n.next_functions)
    k = [i for i, (child, _) in enumerate(node.next_functions) if child is acc]
    for n in made:  # (the op's node is still reached from a saved output of it, in a second derivative)
        n.next_functions = tuple(old_edge if child is acc else (child, nr) for child, nr in n.next_functions)
    if copy_slices is not None and len(made) == 1 and len(k) == 1:
        k = k[0]
        node.needs_input_grad = tuple(needs if i != k else old_edge[0] is not None
                                      for i, needs in enumerate(node.needs_input_grad))
        edges, meta = list(node.next_functions), list(node._input_meta)
        del edges[k], meta[k]
        copy_slices.next_functions = copy_slices.next_functions[:1] + tuple(edges)
        copy_slices._input_meta = copy_slices._input_meta[:1] + tuple(meta)
        copy_slices.op_node, copy_slices.op_input = node, k


def _stand_in(t, copy):
    """A tensor that stands for ``t`` in the graph (same node), holding a copy of its values or its memory."""
    s = _make(t._data.copy() if copy else t._data)
    s.grad_fn, s._output_nr, s._requires_grad = t.grad_fn, t._output_nr, t._requires_grad
    if forward_ad.STATE.level is not None:  # forward mode: the stand-in carries t's tangent too
        forward_ad.carry_tangent(t, s)
    return s


def _store(self, result, source):
    """Put ``result`` into ``self``: its values, written into self's memory - or, when the op was a view op
    of ``source`` (``t_``, ``squeeze_``, ...), its new shape, taken on self's own memory."""
    if result is source:
        pass  # the op gave back its input: nothing changed
    elif source is not None and result._vc is source._vc:  # views share their input's version counter
        _, cls, extra = result._view[1]
        self._data = cls.forward(cls._Node(), self._data, *extra)
    else:
        _write(self, result)
    self._vc[0] += 1
    if forward_ad.STATE.level is not None:  # forward mode: self now has result's tangent too
        forward_ad.carry_tangent(result, self)


def _take_history(self, result):
    """``self`` now holds ``result``'s values: in the graph it is ``result``."""
    if result._requires_grad:
        self.grad_fn, self._output_nr, self._requires_grad = result.grad_fn, result._output_nr, True
        _retarget_saved_output(result, self)


def _refresh_views(base, also=None):
    """After ``base``'s history changed: its live views (and ``also``) take their history from the new base,
    as one ``AsStrided`` node each."""
    views = [v for v in (ref() for ref in list(base._views.values())) if v is not None] if base._views else []
    if also is not None and all(v is not also for v in views):
        views.append(also)
    for view in views:
        steps = view._view[1]
        if steps is None:
            continue  # outputs of split, unbind, ...: they cannot be used in place, and keep their history
        t = AsStrided.apply(base, steps)
        view.grad_fn, view._output_nr, view._requires_grad = t.grad_fn, t._output_nr, t._requires_grad


def _view_of_array(array, steps):
    """The NumPy view that the view ops of ``steps`` take of ``array``."""
    for cls, extra in view_ops(steps):
        array = cls.forward(cls._Node(), array, *extra)
    return array


def _view_of(t, steps):
    """The view that the view ops of ``steps`` take of tensor ``t`` (recorded)."""
    for cls, extra in view_ops(steps):
        t = cls.apply(t, *extra)
    return t


class AsStrided(Op):
    """z = the view of a that the view ops ``steps`` take, as one node: a view's history after an in-place
    change of it or of its base (torch regenerates the view by ``as_strided`` of the base's geometry).

    VJP: the view ops' VJPs composed, last to first: da = VJP_1(VJP_2(... VJP_n(g))). Each is written
    with Tensor ops, so this is differentiable again; an expand's VJP sums, so a view in which several
    elements share one element of a (expand) sends a their sum, as torch's ``as_strided_backward`` does."""
    node_name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, a, steps):
        ctx.views = []  # the view ops' own contexts (their VJPs read the shapes, dims and keys kept there)
        for cls, extra in view_ops(steps):
            node = cls._Node()
            a = cls.forward(node, a, *extra)
            ctx.views.append(node)
        return a

    @staticmethod
    def backward(ctx, g):
        for node in reversed(ctx.views):
            g = node._function.backward(node, g)
        return g


class CopyIntoView(Op):
    """z = a with the region that the view ops ``steps`` select replaced by v: an in-place change of a
    view, seen from its base.   VJP: da = g with that region zeroed,  dv = that region of g.
    (Or, where v = op(view, ...) and its node was taken over: da = g with that region replaced by the op's
    VJP for the view, the rest of the op's VJP for its other inputs.)"""
    node_name = "torch::autograd::CopySlices"

    @staticmethod
    def forward(ctx, a, v, steps):
        ctx.steps = steps
        out = a.copy()
        _view_of_array(out, steps)[...] = v
        return out

    @classmethod
    def backward(cls, ctx, g):
        da, dv = ctx.needs_input_grad
        zero = _make(np.zeros((), g._data.dtype))
        op_node = getattr(ctx, "op_node", None)
        if op_node is None:
            return (cls.apply(g, zero, ctx.steps) if da else None), (_view_of(g, ctx.steps) if dv else None)
        if ctx._freed:  # torch's CopySlices lets go of the op's node when the graph is freed
            raise RuntimeError(FREED_ERROR)
        # it took over the in-place op's node (_take_over): that node's VJP, on the view's region of g, gives the
        # gradient of the view's old value (back into that region for a) and those of the op's other inputs
        grads = list(op_node._run_backward((_view_of(g, ctx.steps),)))
        dview = grads.pop(ctx.op_input)
        return ((cls.apply(g, zero if dview is None else dview, ctx.steps) if da else None), *grads)


def _write(self, result):
    if not np.can_cast(result._data.dtype, self._data.dtype, casting="same_kind"):
        raise RuntimeError(f"result type {result.dtype.scalar_name} can't be cast to the desired output type "
                           f"{self.dtype.scalar_name}")
    if result._data.shape != self._data.shape:  # x.add_(y) cannot grow x
        raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                           f"{list(result._data.shape)}")
    np.copyto(self._data, result._data, casting="unsafe")


def _retarget_saved_output(result, self):
    """A node that saved its output saved ``result``; its values now live in ``self``: watch self's
    version counter instead, so that a later in-place change of self is caught in backward."""
    node = result.grad_fn
    if node is None or not node._saved_outputs or node._unpack is not None:
        return  # (what saved_tensors_hooks packed is the hooks' business: torch tracks no versions there)
    saved, versions = list(node._saved), dict(node._saved_versions)
    for i, _ in node._saved_outputs:
        saved[i] = self.detach()
        versions[i] = self._vc[0]
    node._saved, node._saved_versions = tuple(saved), tuple(versions.items())


def copy_into_out(out, result, name=None, composite=False):
    """torch's ``out=``: the result written into ``out`` (resized if its shape differs).

    An out tensor cannot carry the op's graph: torch refuses ``out=`` when the result would require grad, in words
    naming the aten function (``name``, or else the one of the result's node). Two kinds of ops pass: those torch
    does not differentiate (a NotImplemented node; the values are written, here without a graph), and
    ``composite`` ones, which torch writes in Python-level ops that end in ``out.copy_(result)``, recorded as
    such (CopyBackwards)."""
    if tuple(out.shape) != tuple(result.shape):
        out._data = np.empty(result._data.shape, out._data.dtype)
    if composite:
        return copy_(out, result)
    if result.requires_grad:
        op = getattr(result.grad_fn, "_function", None)
        if op is None or op.node_name != "torch::autograd::NotImplemented":
            raise RuntimeError(f"{name or forward_ad.aten_name(op)}(): functions with out=... arguments don't "
                               "support automatic differentiation, but one of the arguments requires grad.")
        result = result.detach()
    return apply_inplace(out, lambda _old, r: r, result)


# -- the in-place methods ------------------------------------------------------------------------------
class Copy(Op):
    """z = src broadcast to a's shape and cast to a's dtype (a's old values are discarded).
    VJP: da = 0,  dsrc = g (the engine sums it to src's shape and casts it to src's dtype)."""
    node_name = "torch::autograd::CopyBackwards"

    @staticmethod
    def forward(ctx, a, src):
        _check_broadcast(src.shape, a.shape)
        return np.broadcast_to(src, a.shape).astype(a.dtype)

    @staticmethod
    def backward(ctx, g):
        return g * 0, g


def copy_(self, src, non_blocking=False):
    """Copy ``src`` (broadcast to self's shape, cast to self's dtype) into self."""
    return apply_inplace(self, Copy.apply, src)


class Fill(Op):
    """z = a tensor of a's shape filled with a number (a's old values are discarded).   VJP: da = 0."""
    node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, a, value):
        return np.full(a.shape, value, a.dtype)

    @staticmethod
    def backward(ctx, g):
        return g * 0


class Zero(Fill):
    """z = zeros of a's shape.   VJP: da = 0."""
    node_name = "ZeroBackward0"


def fill_(self, value):
    if hasattr(value, "_data"):
        if value._data.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value._data.ndim} dimensions.")
        return copy_(self, value)
    return apply_inplace(self, Fill.apply, value)


def zero_(self):
    return apply_inplace(self, Zero.apply, 0)


def _check_broadcast(src_shape, dst_shape):
    try:
        np.broadcast_shapes(src_shape, dst_shape)
        ok = np.broadcast_shapes(src_shape, dst_shape) == tuple(dst_shape)
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(f"output with shape {list(dst_shape)} doesn't match the broadcast shape "
                           f"{list(np.broadcast_shapes(src_shape, dst_shape)) if _broadcastable(src_shape, dst_shape) else list(src_shape)}")


def _broadcastable(a, b):
    try:
        np.broadcast_shapes(a, b)
        return True
    except ValueError:
        return False


def make_inplace(fn):
    """The in-place twin ``x.fn_(...)`` of an out-of-place op ``fn``."""
    def method(self, *args, **kwargs):
        return apply_inplace(self, fn, *args, **kwargs)
    method.__name__ = fn.__name__ + "_"
    method.__doc__ = f"In-place version of ``{fn.__name__}``: writes the result into this tensor."
    return method
