"""Shape operations: views and copies that rearrange elements without computing new values.

Their VJPs rearrange the gradient the opposite way: a reshape's VJP reshapes back, an expand's VJP
sums over the broadcast dims, a permute's VJP applies the inverse permutation.
"""
import numpy as np

from ..autograd.function import Op


def _shape_arg(size):
    """Accept ``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])``."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(size[0])
    return tuple(int(s) for s in size)


def _infer_shape(shape, numel):
    """Resolve one -1 in ``shape`` so that the product is ``numel``, with torch's error otherwise."""
    shape = list(shape)
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = int(np.prod([s for s in shape if s != -1])) if shape else 1
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape[shape.index(-1)] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


class View(Op):
    """z = a with a new shape, same memory.   VJP: da = g reshaped to a's shape."""
    node_name = "ViewBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape)


class UnsafeView(Op):
    """z = a copy of a with a new shape (reshape of a non-contiguous tensor).   VJP: da = g reshaped."""
    node_name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape)


class Expand(Op):
    """z = a broadcast to a larger shape (no copy).   VJP: da = g summed over the broadcast dims."""
    node_name = "ExpandBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, g):
        return g.sum_to_size(ctx.shape)


def view(input, *shape):
    if len(shape) == 1 and hasattr(shape[0], "np"):  # view(dtype) reinterprets bytes
        from ..tensor import _make
        return _make(input._data.view(shape[0].np))
    shape = _infer_shape(_shape_arg(shape), input._data.size)
    if not _viewable(input._data, shape):
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return View.apply(input, shape)


def _viewable(a, shape):
    """Whether ``a`` can take ``shape`` without copying (numpy tells by trying a no-copy reshape)."""
    try:
        a.view().shape = shape
        return True
    except AttributeError:
        return False


def reshape(input, *shape):
    """A view when the memory layout allows it, otherwise a copy (as torch)."""
    shape = _infer_shape(_shape_arg(shape), input._data.size)
    if shape == input._data.shape:
        return View.apply(input, shape)
    if _viewable(input._data, shape):
        return View.apply(input, shape)
    from .convert import clone
    return UnsafeView.apply(clone(input), shape)


def expand(input, *sizes):
    sizes = _shape_arg(sizes)
    ndim = input._data.ndim
    if len(sizes) < ndim:
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(input.shape)}}}, size={list(sizes)}): the number of "
                           f"sizes provided ({len(sizes)}) must be greater or equal to the number of dimensions "
                           f"in the tensor ({ndim})")
    lead = len(sizes) - ndim
    shape = []
    for i, s in enumerate(sizes):
        own = input._data.shape[i - lead] if i >= lead else None
        if s == -1:
            if own is None:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            s = own
        elif own is not None and own != 1 and own != s:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({own}) at "
                               f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                               f"{list(input.shape)}")
        shape.append(s)
    return Expand.apply(input, tuple(shape))


def expand_as(input, other):
    return expand(input, other.shape)


TENSOR_METHODS = {"view": view, "reshape": reshape, "expand": expand, "expand_as": expand_as}
