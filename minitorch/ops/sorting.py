"""Sorting and selection: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode (values and the
indices they came from, along a dim); unique, unique_consecutive; searchsorted, bucketize, isin; histc, histogram;
quantile, nanquantile.

One core serves the selection ops: ``_order`` is NumPy's stable argsort along a dim, with NaN the largest
value, as torch sorts. Each op picks positions of that order (all of them for sort, the first k for topk,
the middle one for median, ...), and ``_Selection`` takes the values there. Their VJP is one helper,
``_put_back``: zeros shaped like the input, with the gradient put at the selected indices - an IndexPut,
whose own VJP is a gather, so second derivatives work too.

quantile is composed as torch composes it: the ranks found on sorted values, the values there gathered
(``GatherBackward0``; from the input, or, for short rows, from its sort) and interpolated with ``lerp``
(``LerpBackward1``). unique, unique_consecutive and
histogram record a node whose backward raises, as torch's; searchsorted, bucketize and histc record none.
"""
import collections

import numpy as np

from .. import _dtype
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor, _make, _wrap_dim, _wrap_shape_dim
from .indexing import IndexPut
from .op import Op
from .reduction import _EvenlySplit, _return_type

sort_return, topk_return, kthvalue_return = _return_type("sort"), _return_type("topk"), _return_type("kthvalue")
median_return, nanmedian_return, mode_return = _return_type("median"), _return_type("nanmedian"), _return_type("mode")


# -- the core: one order, values and indices taken from it, the gradient put back -------------------------------
def _order(a, dim, descending=False):
    """The stable order of ``a`` along ``dim`` (equal elements keep their order); NaN is the largest value.

    Descending: the ascending order of ``a`` reversed, read backwards - equal elements still in their order."""
    if not descending:
        return np.argsort(a, axis=dim, kind="stable")
    backwards = np.argsort(np.flip(a, dim), axis=dim, kind="stable")
    return np.flip(a.shape[dim] - 1 - backwards, dim)


def _along(idx, dim):
    """The NumPy key that picks ``idx`` along ``dim`` and position i, j, ... along the other dims."""
    key = list(np.ix_(*(np.arange(n) for n in idx.shape)))
    key[dim] = idx
    return tuple(key)


def _put_back(g, shape, dim, idx):
    """The one VJP of the selection ops: zeros of ``shape``, with ``g`` (shaped as ``idx``) at ``idx`` along ``dim``."""
    if g.shape != idx.shape:
        g = g.reshape(idx.shape)
    return IndexPut.apply(_make(np.zeros(shape, g._data.dtype)), g, _along(idx, dim), "sum")


class _Selection(Op):
    """(values, indices) = the elements of ``a`` at the positions ``select`` picks along ``dim``.
    VJP: da = g at the selected indices, 0 elsewhere."""
    reduces = False  # kthvalue, median, mode: one element per slice, the dim dropped unless keepdim

    @classmethod
    def forward(cls, ctx, a, dim, keepdim, *args):
        flat = a.reshape(a.shape or (1,))  # a 0-d tensor has one element along dim 0
        idx = cls.select(flat, dim, *args)
        values = np.take_along_axis(flat, idx, axis=dim)
        ctx.shape, ctx.dim, ctx.idx = a.shape, dim, idx
        if not a.ndim or (cls.reduces and not keepdim):
            values, idx = values.reshape(values.shape[:dim] + values.shape[dim + 1:]), idx.squeeze(dim)
        return values, idx.astype(np.int64)

    @staticmethod
    def backward(ctx, g, _):
        return _put_back(g, ctx.shape, ctx.dim, ctx.idx)


class Sort(_Selection):
    """(values, indices) = a sorted along ``dim`` (stable; NaN largest).   VJP: da = g put back at indices."""
    node_name = "SortBackward0"

    @staticmethod
    def select(a, dim, descending):
        return _order(a, dim, descending)


class SortStable(Sort):
    """sort(stable=...): the same sort (every sort here is stable), torch's other node name."""
    node_name = "SortBackward1"


_UNSET = object()


def sort(input, dim=-1, descending=False, *, stable=_UNSET):
    op = Sort if stable is _UNSET else SortStable
    return sort_return(*op.apply(input, _wrap_dim(dim, input.ndim), False, bool(descending)))


def argsort(input, dim=-1, descending=False, *, stable=False):
    """sort's indices, as torch defines argsort (recording nothing: indices have no gradient). Through the
    op, not its arrays, so that vmap batches it with sort's rule."""
    with no_grad():
        return sort(input, dim, descending, stable=stable).indices


def msort(input):
    """sort along dim 0: its values (torch composes it so: the node is SortBackward0)."""
    return sort(input, 0).values


class Topk(_Selection):
    """(values, indices) = the k largest (or smallest) of a along ``dim``.   VJP: da = g put back at indices."""
    node_name = "TopkBackward0"

    @staticmethod
    def select(a, dim, k, largest):
        return np.take(_order(a, dim, largest), np.arange(k), axis=dim)


def topk(input, k, dim=-1, largest=True, sorted=True):
    """The ``k`` largest elements along ``dim`` (smallest with ``largest=False``), in order. ``sorted=False``
    lets torch return them in any order; they come sorted here."""
    dim = _wrap_dim(dim, input.ndim)
    if input.dtype is _dtype.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    if not 0 <= k <= (input.shape[dim] if input.ndim else 1):
        raise RuntimeError("selected index k out of range")
    if not input.ndim:  # torch gives a 0-d tensor's one element, for k = 0 too
        k = 1
    return topk_return(*Topk.apply(input, dim, False, int(k), bool(largest)))


def _reduction_dim(name, input, dim):
    """``dim`` wrapped, with torch's error for a slice of no elements."""
    dim = _wrap_dim(dim, input.ndim)
    if input.ndim and input.shape[dim] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")
    return dim


def _not_bool(kernel, input):
    if input.dtype is _dtype.bool_:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


class Kthvalue(_Selection):
    """(values, indices) = the k-th smallest of a along ``dim``.   VJP: da = g at its index, 0 elsewhere."""
    node_name = "KthvalueBackward0"
    reduces = True

    @staticmethod
    def select(a, dim, k):
        return np.take(_order(a, dim), [k - 1], axis=dim)


def kthvalue(input, k, dim=-1, keepdim=False):
    _not_bool("kthvalue_cpu", input)
    dim = _reduction_dim("kthvalue", input, dim)
    if not 1 <= k <= (input.shape[dim] if input.ndim else 1):
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    return kthvalue_return(*Kthvalue.apply(input, dim, keepdim, int(k)))


def _nan_count(a, dim):
    """How many NaNs each slice of ``a`` along ``dim`` holds (the dim kept, as size 1)."""
    nan = np.isnan(a) if a.dtype.kind == "f" else np.zeros(a.shape, bool)
    return nan.sum(axis=dim, keepdims=True)


class MedianDim(_Selection):
    """(values, indices) = the lower median of a along ``dim`` (the ((n-1)//2)-th smallest; the first NaN if
    the slice has one).   VJP: da = g at its index, 0 elsewhere."""
    node_name = "MedianBackward1"
    reduces = True

    @staticmethod
    def select(a, dim):
        order, n, nans = _order(a, dim), a.shape[dim], _nan_count(a, dim)
        # sorted, the NaNs are last and in their order: the first NaN is at n - nans
        return np.take_along_axis(order, np.where(nans > 0, n - nans, (n - 1) // 2), axis=dim)


class NanmedianDim(_Selection):
    """(values, indices) = the lower median of the non-NaN elements of a along ``dim`` (NaN if all are).
    VJP: da = g at its index, 0 elsewhere."""
    node_name = "NanmedianBackward1"
    reduces = True

    @staticmethod
    def select(a, dim):
        numbers = a.shape[dim] - _nan_count(a, dim)
        return np.take_along_axis(_order(a, dim), np.maximum(numbers - 1, 0) // 2, axis=dim)


def _lower_median(a, axis, keepdims, skip_nan=False):
    """The lower median of all of ``a`` (NaN if a NaN is among them, or if nothing is left), as (1,) * ndim."""
    flat = a.reshape(-1)
    if skip_nan and a.dtype.kind == "f":
        flat = flat[~np.isnan(flat)]
    if not flat.size or (a.dtype.kind == "f" and np.isnan(flat).any()):
        return np.full((1,) * a.ndim, np.nan, a.dtype)
    return np.sort(flat)[(flat.size - 1) // 2].reshape((1,) * a.ndim)


class MedianAll(_EvenlySplit):
    """z = the lower median of all elements.   VJP: da = g / n where a equals z (n ties), else 0 (as torch)."""
    node_name = "MedianBackward0"
    reduce = staticmethod(_lower_median)


class NanmedianAll(_EvenlySplit):
    """z = the lower median of the non-NaN elements.   VJP: da = g / n where a equals z (n ties), else 0."""
    node_name = "NanmedianBackward0"
    reduce = staticmethod(lambda a, axis, keepdims: _lower_median(a, axis, keepdims, skip_nan=True))


def _median(name, all_op, dim_op, result, input, dim, keepdim):
    _not_bool(f"{name}_cpu", input)
    if dim is None:
        return all_op.apply(input, tuple(range(input.ndim)), False)
    return result(*dim_op.apply(input, _reduction_dim("median", input, dim), keepdim))


def median(input, dim=None, keepdim=False):
    """The lower median (of the two middle values, the smaller), of all elements or along ``dim``
    (-> values, indices); NaN where there is a NaN."""
    return _median("median", MedianAll, MedianDim, median_return, input, dim, keepdim)


def nanmedian(input, dim=None, keepdim=False):
    """median, leaving the NaNs out."""
    return _median("nanmedian", NanmedianAll, NanmedianDim, nanmedian_return, input, dim, keepdim)


class Mode(_Selection):
    """(values, indices) = the most frequent value along ``dim`` (the smallest such) and the index of its last
    occurrence.   VJP: da = g at that index, 0 elsewhere."""
    node_name = "ModeBackward0"
    reduces = True

    @staticmethod
    def select(a, dim):
        order = _order(a, dim)
        s = np.take_along_axis(a, order, axis=dim)
        # where a run of equal values starts, in sorted order
        n = a.shape[dim]
        starts = np.concatenate([np.ones_like(np.take(s, [0], dim), bool),
                                 np.take(s, np.arange(1, n), dim) != np.take(s, np.arange(n - 1), dim)], axis=dim)
        positions = np.arange(n).reshape([-1 if d == dim else 1 for d in range(a.ndim)])
        run_start = np.maximum.accumulate(np.where(starts, positions, 0), axis=dim)
        length = positions - run_start + 1  # the length of the run so far: its full length at its last element
        # the first position reaching the longest length ends the longest run of the smallest value; sorting
        # is stable, so that run's last element is the value's last occurrence
        last = np.argmax(length == length.max(axis=dim, keepdims=True), axis=dim)
        return np.take_along_axis(order, np.expand_dims(last, dim), axis=dim)


def mode(input, dim=-1, keepdim=False):
    return mode_return(*Mode.apply(input, _reduction_dim("mode", input, dim), keepdim))


# -- unique, unique_consecutive: no derivative ------------------------------------------------------------------
class _NoDerivative(Op):
    """An op torch has no derivative for: its output still requires grad (as torch's), through a node whose
    backward raises torch's error."""
    error = NotImplementedError
    forward_ad = False  # nor a forward-mode rule: a dual input raises torch's NotImplementedError

    @classmethod
    def backward(cls, ctx, *grads):
        raise cls.error(cls.message)


def _no_empty_other_dims(a, dim):
    if any(n == 0 for d, n in enumerate(a.shape) if d != dim):
        raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")


def _runs(slices):
    """For ``slices`` (n, ...) in order: where each run of equal slices starts (a boolean per slice), and each
    slice's run number. NaN equals nothing, as in torch."""
    n = len(slices)
    starts = np.ones(n, bool)
    if n > 1:
        starts[1:] = (slices[1:] != slices[:-1]).reshape(n - 1, int(np.prod(slices.shape[1:]))).any(axis=1)
    return starts, np.cumsum(starts) - 1


def _distinct(slices):
    """unique's core, for ``slices`` (n, m) compared element by element, the first one first: the (stable) order
    that sorts them, where each run of equal ones starts in that order, and each slice's run number (inverse)."""
    order = np.lexsort(slices.T[::-1]) if slices.shape[1] else np.arange(len(slices))  # (NaN last, as argsort)
    starts, run = _runs(slices[order])
    inverse = np.empty(len(slices), np.int64)
    inverse[order] = run
    return order, starts, inverse


def _unique_outputs(values, inverse, starts):
    """(values, inverse, counts), the counts from where the runs of the sorted or consecutive slices start."""
    counts = np.diff(np.append(np.flatnonzero(starts), len(starts)))
    return values, inverse.astype(np.int64), counts.astype(np.int64)


class Unique(_NoDerivative):
    """The sorted distinct elements of a (NaNs each their own), where each element went (inverse), and how often
    each occurs (counts). No derivative."""
    aten_name = "_unique2"  # torch's name for it in errors
    node_name = "Unique2Backward0"
    message = "the derivative for '_unique2' is not implemented."

    @staticmethod
    def forward(ctx, a):
        flat = a.reshape(-1)
        order, starts, inverse = _distinct(flat[:, None])
        return _unique_outputs(flat[order][starts], inverse.reshape(a.shape), starts)


class UniqueDim(_NoDerivative):
    """The sorted distinct slices of a along ``dim`` (slices compared element by element, in order),
    inverse and counts. No derivative."""
    aten_name = "unique_dim"  # torch's name for it in errors
    node_name = "UniqueDimBackward0"
    message = "the derivative for 'unique_dim' is not implemented."

    @staticmethod
    def forward(ctx, a, dim):
        slices = np.moveaxis(a, dim, 0)
        order, starts, inverse = _distinct(slices.reshape(len(slices), int(np.prod(slices.shape[1:]))))
        return _unique_outputs(np.moveaxis(slices[order][starts], 0, dim), inverse, starts)


class UniqueConsecutive(_NoDerivative):
    """The first element of each run of equal consecutive elements (along ``dim``: equal slices), inverse and
    counts. No derivative."""
    aten_name = "unique_consecutive"  # torch's name for it in errors
    node_name = "UniqueConsecutiveBackward0"
    message = "the derivative for 'unique_consecutive' is not implemented."

    @staticmethod
    def forward(ctx, a, dim):
        if dim is None:
            flat = a.reshape(-1)
            starts, run = _runs(flat)
            return _unique_outputs(flat[starts], run.reshape(a.shape), starts)
        slices = np.moveaxis(a, dim, 0)
        starts, run = _runs(slices)
        return _unique_outputs(np.moveaxis(slices[starts], 0, dim), run, starts)


def _picked(outputs, return_inverse, return_counts):
    values, inverse, counts = outputs
    if not (return_inverse or return_counts):
        return values
    return (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct elements (or slices along ``dim``), sorted; with ``return_inverse`` the index of each
    element's (slice's) value among them, with ``return_counts`` how often each occurs. ``sorted=False``
    lets torch return them in any order: on the CPU they come sorted, as here."""
    if dim is None:
        return _picked(Unique.apply(input), return_inverse, return_counts)
    dim = _wrap_shape_dim(dim, input.ndim)
    _no_empty_other_dims(input, dim)
    return _picked(UniqueDim.apply(input, dim), return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """The elements (or slices along ``dim``) with each run of equal consecutive ones made one."""
    if dim is not None:
        dim = _wrap_shape_dim(dim, input.ndim)
        _no_empty_other_dims(input, dim)
    return _picked(UniqueConsecutive.apply(input, dim), return_inverse, return_counts)


# -- searchsorted, bucketize: no graph (indices) -----------------------------------------------------------------
def _binary_search(seq, values, right):
    """torch's binary search for every value at once, in each row of ``seq`` (rows: its leading dims, matching
    those of ``values``; or one row for all). As torch's loop: go right of ``mid`` unless seq[mid] >= value
    (> value for ``right``) - so a NaN, which compares false, sends every search to the right."""
    n = seq.shape[-1]
    rows = seq.reshape(-1, n)
    vals = values.reshape(len(rows), -1)
    lo, hi = np.zeros(vals.shape, np.int64), np.full(vals.shape, n, np.int64)
    while True:
        active = lo < hi
        if not active.any():
            return lo.reshape(values.shape)
        mid = lo + (hi - lo) // 2
        at_mid = np.take_along_axis(rows, np.minimum(mid, n - 1), axis=1)
        with np.errstate(invalid="ignore"):
            go_right = ~(at_mid > vals) if right else ~(at_mid >= vals)
        lo = np.where(active & go_right, mid + 1, lo)
        hi = np.where(active & ~go_right, mid, hi)


def _side(side, right):
    if side is None:
        return bool(right)
    if side not in ("left", "right"):
        raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
    if right and side == "left":
        raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left while "
                           "right was True")
    return side == "right"


def _search(name, boundaries, input, out_int32, right, sorter=None):
    """Positions of ``input``'s values among ``boundaries`` (sorted along the last dim), compared at their
    common dtype as torch compares them."""
    if not isinstance(input, Tensor):  # a number: a 0-d tensor of its own type
        input = _make(np.asarray(input))
    if boundaries.dtype is _dtype.bool_:
        raise NotImplementedError(f"\"{name}\" not implemented for 'Bool'")
    common = _dtype.result_type(boundaries, input).np
    seq, values = boundaries._data.astype(common), input._data.astype(common)
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._data, axis=-1)
    out = _binary_search(seq, values, right) if seq.size else np.zeros(values.shape, np.int64)
    return _make(out.astype(np.int32 if out_int32 else np.int64))


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """For each value of ``input``, the index in ``sorted_sequence`` (sorted along its last dim) where it would
    go to keep it sorted: before equal elements (``side='left'``), or after them (``'right'``, ``right=True``).
    ``sorter``: indices that sort the sequence, if it is not sorted itself."""
    right = _side(side, right)
    seq = sorted_sequence
    if seq.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension")
    in_shape = input.shape if isinstance(input, Tensor) else ()
    if seq.ndim != 1 and (seq.ndim != len(in_shape) or tuple(seq.shape[:-1]) != tuple(in_shape[:-1])):
        raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                           f"dimensions of boundaries tensor and input value tensor must match, but we got "
                           f"boundaries tensor {list(seq.shape)} and input value tensor {list(in_shape)}")
    if sorter is not None:
        if sorter.dtype is not _dtype.int64:
            raise RuntimeError(f"torch.searchsorted(): sorter must be a tensor of long dtype but got dtype "
                               f"{sorter.dtype.scalar_name}")
        if tuple(sorter.shape) != tuple(seq.shape):
            raise RuntimeError(f"torch.searchsorted(): boundary and sorter must have the same size, but got "
                               f"boundary tensor {list(seq.shape)}and got sorter tensor {list(sorter.shape)}")  # sic
        if sorter.numel() and (sorter._data.min() < 0 or sorter._data.max() >= seq.shape[-1]):
            raise RuntimeError("torch.searchsorted(): sorter index out of range")
    return _search("searchsorted_out_cpu", seq, input, out_int32, right, sorter)


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each value of ``input`` among the 1-d ``boundaries``: i with boundaries[i-1] < x <=
    boundaries[i] (``right=True``: boundaries[i-1] <= x < boundaries[i]) - searchsorted with its arguments
    swapped."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return _search("bucketize_cpu", boundaries, input, out_int32, right)


# -- histc, histogram ------------------------------------------------------------------------------------------
def _bin_counts(a, edges, weight, how):
    """torch's histogram kernel on the elements of ``a``: each one in [edges[0], edges[-1]] (never a NaN) adds
    its weight (or 1) to its bin; the last bin includes its right edge. The bin is found by binary search
    (``how='search'``), or, for evenly spaced edges, by division ('divide'), then, for histogram, checked
    against the edges beside it ('divide, then check'): division can put an element at an edge one bin off."""
    x = a.reshape(-1)
    w = np.ones_like(x) if weight is None else weight.reshape(-1)
    pos = _bin_index(x, edges, how)
    inside = pos >= 0
    hist = np.zeros(len(edges) - 1, a.dtype)
    np.add.at(hist, pos[inside], w[inside])
    return hist


def _bin_index(x, edges, how):
    """The bin of each element of the 1-d array ``x`` among ``edges`` (see _bin_counts), -1 for those outside."""
    n = len(edges)
    with np.errstate(invalid="ignore"):
        inside = (x >= edges[0]) & (x <= edges[-1])
    index = np.full(x.shape, -1, np.int64)
    x = x[inside]
    if how == "search":
        pos = _binary_search(edges, x, right=True) - 1
    else:
        pos = ((x - edges[0]) * x.dtype.type(n - 1) / (edges[-1] - edges[0])).astype(np.int64)
        if how == "divide, then check":  # torch's upper_bound among edges[pos-1 : pos+2]
            near = pos[:, None] + np.arange(-1, 2)
            usable = (near >= 0) & (near < n)
            below = usable & (edges[np.clip(near, 0, n - 1)] <= x[:, None])
            pos = np.maximum(pos - 1, 0) + below.sum(axis=1) - 1
    pos[pos == n - 1] = n - 2
    index[inside] = pos
    return index


def _edges(low, high, bins, dtype):
    from ..creation import linspace
    return linspace(low, high, bins + 1, dtype=dtype)._data


def _tensor_edges(input, edges, d):
    """The edges of dim d (histogramdd; 0 for histogram) given as a tensor, checked in torch's words; as an
    array."""
    if edges.dtype is not input.dtype:
        raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have the same dtype, but got "
                           f"input with dtype {input.dtype.cpp_name} and bins for dimension {d} with dtype "
                           f"{edges.dtype.cpp_name}")
    if edges.ndim != 1:
        raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got {edges.ndim} "
                           f"dimensions in the bins tensor for dimension {d}")
    if not edges.numel():
        raise RuntimeError(f"torch.histogramdd: bins tensor should have at least 1 element, but got 0 elements in "
                           f"the bins tensor for dimension {d}")
    return edges._data


def _even_edges(input, coords, bins, low_high, d):
    """The edges of ``bins`` equal bins of dim d over ``low_high`` (None: the smallest to the largest of the
    array ``coords``; 0 to 1 when it is empty), checked in torch's words."""
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension {d}")
    low, high = (0.0, 1.0) if low_high is None else map(float, low_high)
    if low_high is None and coords.size:
        low, high = float(coords.min()), float(coords.max())
    if not (np.isfinite(low) and np.isfinite(high)):
        raise RuntimeError(f"torch.histogramdd: dimension {d}'s range [{low:g}, {high:g}] is not finite")
    if low > high:
        raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {low:g} max {high:g} for "
                           f"dimension {d}")
    if low == high:  # an empty range widened, as NumPy's
        low, high = low - 0.5, high + 0.5
    return _edges(low, high, int(bins), input.dtype)


def _check_weight(input, weight, fits, input_shape, weight_shape):
    """A histogram's weight: one per point (``fits``), of the input's dtype; torch's words otherwise."""
    if not fits:
        raise RuntimeError(f"torch.histogramdd: if weight tensor is provided it should have the same shape as the "
                           f"input tensor excluding its innermost dimension, but got input with shape {input_shape} "
                           f"and weight with shape {weight_shape}")
    if weight.dtype is not input.dtype:
        raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, input tensor and weight tensor should "
                           f"have the same dtype, but got input({input.dtype.cpp_name}), and "
                           f"weight({weight.dtype.cpp_name})")


def histc(input, bins=100, min=0, max=0):
    """Counts of ``input``'s elements in ``bins`` equal bins from ``min`` to ``max`` (both 0, or equal: from
    the smallest element to the largest); elements outside are left out. No graph (torch records none)."""
    if not input.is_floating_point():
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{input.dtype.scalar_name}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    low, high = float(min), float(max)
    if low == high and input.numel():
        low, high = float(input._data.min()), float(input._data.max())
    if low == high:
        low, high = low - 1, high + 1
    if not (np.isfinite(low) and np.isfinite(high)):
        raise RuntimeError(f"torch.histc: range of [{low:g}, {high:g}] is not finite")
    if not low < high:
        raise RuntimeError("torch.histc: max must be larger than min")
    return _make(_bin_counts(input._data, _edges(low, high, bins, input.dtype), None, "divide"))


class Histogram(_NoDerivative):
    """(hist, bin_edges): the (weighted) counts of a's elements in the bins between ``edges``; with
    ``density``, divided by their sum and the bins' widths. No derivative (torch's node: NotImplemented)."""
    node_name = "torch::autograd::NotImplemented"
    error, message = RuntimeError, "derivative for aten::histogram is not implemented"

    @staticmethod
    def forward(ctx, a, edges, weight, how, density):
        hist = _bin_counts(a, edges, weight, how)
        if density:
            with np.errstate(divide="ignore", invalid="ignore"):
                hist = hist / hist.sum(dtype=a.dtype) / np.diff(edges)
        return hist, edges.copy()


def _histogram_repr(self):
    return f"torch.return_types.histogram(\nhist={self.hist!r},\nbin_edges={self.bin_edges!r})"


histogram_return = type("histogram", (collections.namedtuple("histogram", ["hist", "bin_edges"]),),
                        {"__slots__": (), "__repr__": _histogram_repr})


def histogram(input, bins=100, *, range=None, weight=None, density=False):
    """(hist, bin_edges): counts of ``input``'s elements (each adding its ``weight``, if given) in ``bins``
    equal bins over ``range`` (default: the smallest element to the largest), or between the edges of a 1-d
    tensor ``bins``; ``density``: a probability density instead (divided by the total and the bin widths)."""
    if not input.is_floating_point():
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{input.dtype.scalar_name}'")
    if isinstance(bins, Tensor):
        _tensor_edges(input, bins, 0)
        edges, how = bins, "search"
    else:
        edges, how = _make(_even_edges(input, input._data.reshape(-1), bins, range, 0)), "divide, then check"
    if weight is not None:  # (torch compares them flattened: the input as points of one coordinate)
        _check_weight(input, weight, weight.numel() == input.numel(), [input.numel(), 1], [weight.numel()])
    return histogram_return(*Histogram.apply(input, edges, weight, how, bool(density)))


# -- quantile, nanquantile: composed of a gather and a lerp, as torch composes them -------------------------------
_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    """The q-th quantiles of ``input`` (all of it, or along ``dim``): the value at rank q·(n-1) among the sorted
    values, between two ranks interpolated as ``interpolation`` says. The ranks are found on the sorted values
    (constants); the values there are gathered from the input and lerped, so the gradient reaches the two
    elements each quantile lies between (torch's graph: GatherBackward0, LerpBackward1)."""
    if not isinstance(q, Tensor):
        if not 0 <= q <= 1:
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q:g}")
        q = _make(np.asarray(q, input._data.dtype))
    if not input.numel():
        raise RuntimeError("quantile() input tensor must be non-empty")
    if q.ndim > 1:
        raise RuntimeError("quantile() q must be a scalar or 1D tensor")
    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    if q.dtype is not input.dtype:
        raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
    if not ((q._data >= 0) & (q._data <= 1)).all():
        raise RuntimeError("quantile() q values must be in the range [0, 1]")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    # the values to take quantiles of along the last dim; the dims before it are the result's
    if dim is not None:
        dim = _wrap_dim(dim, input.ndim)
    if dim is None or input.ndim == 0:
        kept = [1] * input.ndim if keepdim else []
        values = input.flatten().view(kept + [input.numel()])
    else:
        kept = list(input.shape)
        if keepdim:
            kept[dim] = 1
        else:
            del kept[dim]
        shape = kept + [input.shape[dim]]
        values = input.view(shape) if dim == input.ndim - 1 else input.unsqueeze(-1).transpose(dim, -1).reshape(shape)
    ranks = _ranks(values._data, q.reshape(-1), ignore_nan)
    r = ranks._data
    r = {"lower": np.floor, "higher": np.ceil, "nearest": np.round}.get(interpolation, lambda r: r)(r)  # half to even
    # torch sorts the values (SortBackward0) when a row is short for the k ranks it looks up (n < k²); else it
    # gathers them from the input itself, where the order puts them
    two = interpolation in ("linear", "midpoint")
    if values.shape[-1] < (q.numel() * (2 if two else 1)) ** 2:
        values, position = sort(values).values, lambda ranks: ranks
    else:
        order = np.argsort(values._data, axis=-1, kind="stable")  # NaN last
        values, position = values.contiguous(), lambda ranks: np.take_along_axis(order, ranks, -1)
    below = r.astype(np.int64)
    out = values.gather(-1, _make(position(below)))
    if two:
        above = values.gather(-1, _make(position(np.ceil(r).astype(np.int64))))
        if interpolation == "linear":  # (the weights depend on q: so does the gradient)
            weights = ranks - _make(below.astype(r.dtype))
        else:
            weights = _make(np.where(r == below, 0, 0.5).astype(r.dtype))
        out = out.lerp(above, weights)
    if q.ndim == 0:
        return out.squeeze_(-1)
    return out.unsqueeze_(0).transpose_(0, -1).squeeze_(-1)  # the q dim first


def _ranks(a, q, ignore_nan):
    """The rank of each quantile ``q`` (1-d) in each row of ``a`` (sorted): q·(n-1), a tensor, differentiable in
    q. NaN is the largest: quantile's rank is the last where a row has one (its quantiles are NaN); nanquantile's
    ranks count the other elements only (a row of NaNs: rank 0, NaN too)."""
    nan = np.isnan(a)
    if ignore_nan:
        ranks = q * _make((~nan).sum(axis=-1, keepdims=True).astype(a.dtype) - 1)
        return ranks.masked_fill(ranks < 0, 0)
    last = a.shape[-1] - 1
    shape = a.shape[:-1] + q.shape
    return (q * last).expand(shape).masked_fill(_make(np.broadcast_to(nan.any(axis=-1, keepdims=True), shape)), last)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The ``q``-th quantiles (q a number, or a 0-d or 1-d tensor; its values first in the result) of all of
    ``input`` or along ``dim``; between two values: 'linear' (interpolated), 'lower', 'higher', 'nearest',
    'midpoint'. NaN where there is a NaN."""
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """quantile, leaving the NaNs out."""
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=True)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each of ``elements`` is among ``test_elements`` (either may be a number; NaN is in nothing); no
    gradient. Compared at the two's promoted dtype, as torch."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError(f"isin() received an invalid combination of arguments - got "
                        f"({type(elements).__name__}, {type(test_elements).__name__}), but expected one of:")
    dtype = _dtype.result_type(elements, test_elements).np
    a, b = (np.asarray(x._data if isinstance(x, Tensor) else x).astype(dtype) for x in (elements, test_elements))
    return _make(np.isin(a, b, invert=bool(invert)))
