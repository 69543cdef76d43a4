"""Indexing: ``t[index]``, ``t[index] = value``, index_select, gather, masked_fill, index_fill, index_put.

torch reads an index in two parts, and so does this module:

* basic items, applied one at a time as views, left to right: an integer selects (``SelectBackward0``),
  a slice slices (``SliceBackward0``), ``None`` inserts a dim (``UnsqueezeBackward0``), ``...`` skips dims;
* advanced items - integer lists/arrays/tensors and boolean masks - applied together at the end as one
  NumPy advanced index (a copy, ``IndexBackward0``). A boolean mask is its ``nonzero()`` integer arrays.

The VJP of reading ``z = a[key]`` writes the gradient back: zeros shaped like ``a`` with ``g`` at ``[key]``;
for advanced indices with ``np.add.at``, so that repeated indices add up. ``t[index] = value`` computes
the new tensor out of place (``CopySlices``, ``IndexPutBackward0``) and stores it in place.
"""
import operator

import numpy as np

from .. import _dtype
from .._size import broadcast_shape
from ..autograd import grad_mode
from .op import Op
from ..tensor import Tensor, _make, _wrap_dim
from .inplace import Copy, apply_inplace
from .shape import Alias, Unsqueeze
from .scatter import (Gather, Index, IndexFill, IndexFillTensor, IndexPut, IndexSelect, _key, _zeros,
                      along_dim_key)


# -- basic indexing: views ------------------------------------------------------------------------------
class Select(Op):
    """z = a[key], ``key`` one integer on one dim (a view).   VJP: da = zeros like a with g at [key]."""
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "SelectBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, key):
        ctx.shape, ctx.key = a.shape, key
        return a[key]

    @staticmethod
    def backward(ctx, g):
        return SelectBackwardBackward.apply(g, ctx.shape, ctx.key)


class SelectBackwardBackward(Op):
    """z = zeros of ``shape`` with g at [key] (Select's VJP as an op, for higher order).   VJP: dg = gz[key]."""
    node_name = "SelectBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, key):
        ctx.key = key
        out = np.zeros(shape, g.dtype)
        out[key] = g
        return out

    @staticmethod
    def backward(ctx, gz):
        return Select.apply(gz, ctx.key)


class Slice(Select):
    """z = a[key], ``key`` one slice on one dim (a view).   VJP: da = zeros like a with g at [key]."""
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "SliceBackward0"

    @staticmethod
    def backward(ctx, g):
        return SliceBackwardBackward.apply(g, ctx.shape, ctx.key)


class SliceBackwardBackward(SelectBackwardBackward):
    """z = zeros of ``shape`` with g at [key] (Slice's VJP as an op).   VJP: dg = gz[key]."""
    node_name = "SliceBackwardBackward0"

    @staticmethod
    def backward(ctx, gz):
        return Slice.apply(gz, ctx.key)


def _step(t, dim, item):
    """One basic index item applied to tensor ``t`` at ``dim``."""
    if item is None:
        return Unsqueeze.apply(t, dim)
    return (Slice if isinstance(item, slice) else Select).apply(t, _key(dim, item))


# -- advanced indexing: copies --------------------------------------------------------------------------
# Index (z = a[key]) and IndexPut (z = a with v written or added at key) are the gather/scatter core's
# (ops/scatter.py), as are Gather and IndexSelect.


# -- reading an index -----------------------------------------------------------------------------------
def _item(item):
    """One index item as an int, slice, None, Ellipsis or an integer/boolean ndarray."""
    if isinstance(item, Tensor):
        item = item._data
    if isinstance(item, range):  # torch reads a range as the list of its numbers (np.arange: not one by one)
        item = np.arange(item.start, item.stop, item.step)
    if isinstance(item, list):
        item = np.asarray(item)
        if item.dtype.kind == "f":  # torch truncates a list of floats (NumPy also reads [] as floats)
            item = item.astype(np.int64)
    if isinstance(item, (np.ndarray, bool, np.bool_)):
        item = np.asanyarray(item)  # (an index read from a batched tensor inside vmap stays one: func/vmap.py)
        if item.dtype == np.uint8:  # torch's legacy byte masks
            item = item.astype(bool)
        if item.dtype.kind not in "iub":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return int(item) if item.ndim == 0 and item.dtype.kind != "b" and type(item) is np.ndarray else item
    if item is None or item is Ellipsis or isinstance(item, slice):
        return item
    if isinstance(item, (int, np.integer)):
        return int(item)
    raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                     f"indices (got {type(item).__name__})")


def _parse(shape, index, skip_full_slices=True):
    """torch's reading of ``index`` for a tensor of ``shape``: the basic steps ``[(dim, item)]`` to apply
    in order, and the advanced key (a tuple for NumPy, or None) to apply to the result. Slices that take
    everything make no step, except where torch slices anyway (``t[:]`` read alone)."""
    items = [_item(i) for i in (index if isinstance(index, tuple) else (index,))]
    used = sum(i.ndim if isinstance(i, np.ndarray) and i.dtype == bool else i is not None and i is not Ellipsis
               for i in items)
    if used > len(shape):
        if not shape and any(isinstance(i, int) for i in items):
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
                             "in C++ to convert a 0-dim tensor to a number")
        if not shape and any(isinstance(i, slice) for i in items):
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    skip = len(shape) - used  # the dims that ``...`` stands for
    shape, steps, advanced, dim = list(shape), [], {}, 0
    for position, item in enumerate(items):
        if item is Ellipsis:
            dim, skip = dim + skip, 0
        elif item is None:
            steps.append((dim, None))
            shape.insert(dim, 1)
            dim += 1
        elif isinstance(item, int):
            if not -shape[dim] <= item < shape[dim]:  # (torch's "dimension" counts the index's items)
                raise IndexError(f"index {item} is out of bounds for dimension {position} with size {shape[dim]}")
            steps.append((dim, item % shape[dim]))
            del shape[dim]
        elif isinstance(item, slice):
            start, stop, step = item.indices(shape[dim])
            if step < 0:
                raise ValueError("step must be greater than zero")
            if not (skip_full_slices and _takes_all(item, shape[dim])):
                steps.append((dim, slice(start, stop, step)))
                shape[dim] = len(range(start, stop, step))
            dim += 1
        elif item.dtype == bool:
            dim = _mask(item, shape, steps, advanced, dim)
        else:
            _check_bounds(item, shape[dim], len(advanced))
            advanced[dim] = item
            dim += 1
    if not advanced:
        return steps, None
    _check_broadcast(list(advanced.values()))
    return steps, tuple(advanced.get(d, slice(None)) for d in range(max(advanced) + 1))


def _takes_all(s, n):
    """Whether slice ``s`` is ``:`` for a dim of size ``n`` - as torch tells, from its written bounds
    (``0:n`` and ``:100`` are, ``-n:`` is not)."""
    return ((s.start is None or operator.index(s.start) == 0) and (s.stop is None or operator.index(s.stop) >= n)
            and (s.step is None or operator.index(s.step) == 1))


def _mask(mask, shape, steps, advanced, dim):
    """A boolean mask over dims ``dim, dim+1, ...``: its ``nonzero()`` positions, one integer array per dim."""
    if mask.ndim == 0:  # t[True] / t[False]: a new size-1 dim, kept or emptied
        steps.append((dim, None))
        shape.insert(dim, 1)
        mask = mask[None]
    for j, n in enumerate(mask.shape):
        if n != shape[dim + j]:
            raise IndexError(f"The shape of the mask {list(mask.shape)} at index {j} does not match the shape of the "
                             f"indexed tensor {list(shape)} at index {dim + j}")
    for j, positions in enumerate(mask.nonzero()):
        advanced[dim + j] = positions
    return dim + mask.ndim


def _check_bounds(index, size, k):
    """torch counts ``dimension`` among the index arrays, not the tensor's dims."""
    bad = index[(index >= size) | (index < -size)]
    if bad.size:
        raise IndexError(f"index {bad.flat[0]} is out of bounds for dimension {k} with size {size}")


def _check_broadcast(arrays):
    try:
        np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        shapes = ", ".join(str(list(a.shape)) for a in arrays)
        raise IndexError(f"shape mismatch: indexing tensors could not be broadcast together with shapes "
                         f"{shapes}") from None


def _walk(array, steps):
    """The NumPy view that the basic ``steps`` select."""
    for dim, item in steps:
        array = array[_key(dim, item)]
    return array


def _index(t, steps, advanced):
    for dim, item in steps:
        t = _step(t, dim, item)
    return t if advanced is None else Index.apply(t, advanced)


def getitem(self, index):
    if type(index) is int and self._data.ndim and -self._data.shape[0] <= index < self._data.shape[0]:
        # t[i], the commonest index (a Dataset's rows, one at a time): the step _parse would find, directly
        return Select.apply(self, _key(0, index % self._data.shape[0]))
    steps, advanced = _parse(self.shape, index, skip_full_slices=isinstance(index, tuple))
    out = _index(self, steps, advanced)
    return Alias.apply(self) if out is self else out


# -- writing through an index ---------------------------------------------------------------------------
class CopySlices(Op):
    """z = a with its region [steps][advanced] overwritten by v (``t[:, 1] = v``).
    VJP: da = g with the region zeroed,  dv = g[steps][advanced] (the engine sums it to v's shape)."""
    node_name = "torch::autograd::CopySlices"

    @staticmethod
    def forward(ctx, a, v, steps, advanced):
        ctx.steps, ctx.advanced = steps, advanced
        out = a.copy()
        _walk(out, steps)[... if advanced is None else advanced] = v
        return out

    @staticmethod
    def backward(ctx, g):
        need_a, need_v = ctx.needs_input_grad
        return (CopySlices.apply(g, _zeros((), g), ctx.steps, ctx.advanced) if need_a else None,
                _index(g, ctx.steps, ctx.advanced) if need_v else None)


class Fill(Copy):
    """z = a with every element set to a 0-d value (``t[...] = 2``).   VJP: da = 0,  dvalue = Σ g."""
    node_name = "FillBackward3"


def setitem(self, index, value):
    """``self[index] = value``: value (a number or a tensor) broadcast into the indexed region."""
    steps, advanced = _parse(self.shape, index)
    if not isinstance(value, Tensor):
        value = _make(np.asarray(value, self._data.dtype))
    elif advanced is not None and value.ndim and value.dtype != self.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got {self.dtype.scalar_name} "
                           f"for the destination and {value.dtype.scalar_name} for the source.")
    region = _walk(self._data, steps)
    # the shape of region[advanced], found by indexing a zero-strided stand-in rather than the data
    target = region.shape if advanced is None else np.broadcast_to(np.empty((), bool), region.shape)[advanced].shape
    scalar = value.ndim == 0  # a 0-d value fills the region, without being expanded first
    lead = next((i for i, s in enumerate(value.shape) if s != 1), value.ndim)
    if lead:  # torch drops the value's leading size-1 dims first
        value = value.view(value.shape[lead:])
    if advanced is None and not scalar and value.shape != target:
        value = value.expand(target)
    elif advanced is not None and _broadcast_shapes(value.shape, target, strict=False) != target:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(value.shape)} cannot be broadcast to "
                           f"indexing result of shape {list(target)}")
    if not (grad_mode.STATE.enabled and (self.requires_grad or value.requires_grad)) and \
            type(self._data) is np.ndarray is type(value._data):  # (inside vmap: a sample, not the batch)
        region[... if advanced is None else advanced] = value._data  # fast path: write straight into memory
        self._vc[0] += 1
    elif not steps and advanced is None:
        apply_inplace(self, Fill.apply if scalar else Copy.apply, value)
    elif not steps:
        apply_inplace(self, IndexPut.apply, value, advanced, None)
    elif self.is_leaf and self.requires_grad:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    else:
        apply_inplace(self, CopySlices.apply, value, steps, advanced)


# -- named indexing ops ---------------------------------------------------------------------------------
def select(input, dim, index, _op=Select):
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = _wrap_dim(dim, input.ndim)
    n = input.shape[dim]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
                         f"dimension {dim}")
    return _op.apply(input, _key(dim, index % n))


def narrow(input, dim, start, length, _op=Slice):
    """The ``length`` elements from ``start`` along ``dim`` (a view)."""
    dim = _wrap_dim(dim, input.ndim)
    n, start = input.shape[dim], int(start)
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    start %= max(n, 1)
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return _op.apply(input, _key(dim, slice(start, start + length, 1)))


def slice_along(input, dim=0, start=None, end=None, step=1, _op=Slice):
    """``input[..., start:end:step]`` with the slice at ``dim`` (a view; aten's ``slice``, which torch has as
    ``t[...]`` and its twins ``slice_copy``, ``slice_scatter``)."""
    if input.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    dim = _wrap_dim(dim, input.ndim)
    return _op.apply(input, _key(dim, slice(*slice(start, end, step).indices(input.shape[dim]))))


def tensor_split(input, indices_or_sections, dim=0):
    """Views of ``input`` along ``dim``: ``sections`` pieces as equal as possible (the first n % sections one
    longer), or the pieces between ``indices`` (``[2, 5]``: [:2], [2:5], [5:]; out-of-range or decreasing
    indices give empty pieces, as Python slices do). Each piece is a slice of its own (SliceBackward0): this is
    why tensor_split lives here, beside ``Slice``."""
    if input.ndim == 0:
        raise RuntimeError(f"tensor_split expected at least a 1-dimensional tensor, but got a tensor with "
                           f"{input.ndim} dims")
    if isinstance(indices_or_sections, Tensor):
        split = indices_or_sections
        if split.dtype.name != "int64":
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                               f"{split.dtype.scalar_name}")
        if split.ndim > 1:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor, but got a tensor with {split.ndim} dims")
        indices_or_sections = split.item() if split.ndim == 0 else split.tolist()
    dim = _wrap_dim(dim, input.ndim)
    n = input.shape[dim]
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
        if sections <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
        size, extra = divmod(n, sections)
        bounds = np.cumsum([0] + [size + (i < extra) for i in range(sections)])
        pieces = zip(bounds[:-1], bounds[1:])
    else:
        indices = [int(i) for i in indices_or_sections]
        pieces = zip([0] + indices, indices + [n])
    return tuple(Slice.apply(input, _key(dim, slice(*slice(int(a), int(b)).indices(n)))) for a, b in pieces)


def index_select(input, dim, index):
    """input[:, ..., index] along ``dim``, for a 1-d (or 0-d) integer ``index``. A 0-d input is read as
    shape (1,) and stays 0-d, so its index must hold exactly one value."""
    dim, index = _wrap_dim(dim, input.ndim), index._data
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if input.ndim == 0 and index.size != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {index.size} value(s)")
    if index.dtype not in (np.int32, np.int64):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if index.size and not (0 <= index.min() and index.max() < (input.shape[dim] if input.ndim else 1)):
        # (torch's message for most shapes; some CPU kernels word it "INDICES element is out of DATA bounds")
        raise IndexError("index out of range in self")
    return IndexSelect.apply(input, _key(dim, index.reshape(-1) if input.ndim else index.reshape(())))


def gather(input, dim, index):
    """out[i][j][k] = input[i][index[i][j][k]][k] for dim=1 (and likewise for the other dims); out has the
    index's shape. As in torch, a 0-d input or index counts as shape (1,) in the checks, and an empty index is
    not checked at all (any dtype, any number of dims: the result is simply empty)."""
    dim, idx = _wrap_dim(dim, input.ndim), index._data
    if idx.size == 0:
        return Gather.apply(input, (np.zeros(idx.shape, np.intp),) * max(input.ndim, 1))  # selects nothing
    if idx.dtype not in (np.int32, np.int64):
        raise RuntimeError("gather(): Expected dtype int32/int64 for index")
    in_shape, idx_shape = input.shape or (1,), idx.shape or (1,)
    if len(idx_shape) != len(in_shape):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for d, (i, s) in enumerate(zip(idx_shape, in_shape)):
        if d != dim and i > s:
            raise RuntimeError(f"Size does not match at dimension {d} expected index {list(idx.shape)} to be no "
                               f"larger than self {list(input.shape)} apart from dimension {dim}")
    bad = idx[(idx < 0) | (idx >= in_shape[dim])]
    if bad.size:
        raise RuntimeError(f"index {bad.flat[0]} is out of bounds for dimension {dim} with size {in_shape[dim]}")
    return Gather.apply(input, along_dim_key(idx, dim, input.ndim))


def take_along_dim(input, indices, dim=None):
    """gather() with ``input`` and ``indices`` broadcast against each other (flattened when dim is None)."""
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    if input.ndim != indices.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.ndim} dimensions for input, and {indices.ndim} dimensions for indices")
    if indices.dtype is not _dtype.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{indices.dtype.scalar_name}")
    dim = _wrap_dim(dim, input.ndim)
    if input.ndim == 0:  # torch then reads the size of that dim, which a 0-d tensor does not have
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    others = [list(input.shape), list(indices.shape)]
    others[0][dim] = others[1][dim] = 1  # broadcast all dims but ``dim``
    shape = list(_broadcast_shapes(*others))
    input_shape, index_shape = shape.copy(), shape.copy()
    input_shape[dim], index_shape[dim] = input.shape[dim], indices.shape[dim]
    if input.shape != tuple(input_shape):
        input = input.expand(input_shape)
    idx = np.broadcast_to(indices._data, index_shape)
    if idx.size:
        # torch wraps every index along ``dim`` (idx % size: -1 is the last, size is the first) - but only when
        # ``dim`` is given; without it, the flattened gather checks the bounds
        if input.shape[dim] == 0:
            raise RuntimeError("ZeroDivisionError")
        idx = idx % input.shape[dim]
    return gather(input, dim, _make(idx))


def _broadcast_shapes(a, b, strict=True):
    """``broadcast_shape`` (minitorch/_size.py), or None instead of its error when not ``strict``."""
    try:
        return broadcast_shape(a, b)
    except RuntimeError:
        if strict:
            raise
        return None


class MaskedFill(Op):
    """z = value where mask, a elsewhere (value a number, cast to a's dtype).   VJP: da = g where not mask."""
    node_name = "MaskedFillBackward0"

    @staticmethod
    def forward(ctx, a, mask, value):
        ctx.mask = mask
        return np.where(mask, np.asarray(value).astype(a.dtype), a)

    @staticmethod
    def backward(ctx, g):
        return g.masked_fill(_make(ctx.mask), 0)


class MaskedFillTensor(MaskedFill):
    """z = value where mask, a elsewhere (value a 0-d tensor).
    VJP: da = g where not mask,  dvalue = Σ g where mask."""
    node_name = "MaskedFillBackward1"

    @staticmethod
    def backward(ctx, g):
        da, dvalue = ctx.needs_input_grad
        return (g.masked_fill(_make(ctx.mask), 0) if da else None,
                g.masked_fill(_make(~ctx.mask), 0).sum() if dvalue else None)


def masked_fill(input, mask, value):
    if mask._data.dtype != bool:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype.cpp_name}")
    _broadcast_shapes(mask.shape, input.shape)
    if not isinstance(value, Tensor):
        return MaskedFill.apply(input, mask._data, value)
    if value.ndim:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.ndim} dimension(s).")
    return MaskedFillTensor.apply(input, mask._data, value)


# -- index_fill and index_put ----------------------------------------------------------------------------------
# (IndexFill and IndexFillTensor, writes at a key, are the gather/scatter core's: ops/scatter.py)
def index_fill(input, dim, index, value):
    """input with the slices ``index`` (a 0-d or 1-d int64 tensor) along ``dim`` set to ``value`` (a number or a
    0-d tensor)."""
    dim, idx = _wrap_dim(dim, input.ndim), index._data
    if idx.dtype != np.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if idx.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with {value.ndim} "
                           f"dimension(s).")
    n = input.shape[dim] if input.ndim else 1
    bad = idx[(idx < -n) | (idx >= n)]
    if bad.size:
        raise IndexError(f"index {bad.flat[0]} is out of bounds for dimension {dim} with size {n}")
    idx = idx.reshape(-1) % n
    if isinstance(value, Tensor):
        return IndexFillTensor.apply(input, value, _key(dim, np.unique(idx)))
    return IndexFill.apply(input, np.asarray(value).astype(input._data.dtype)[()], _key(dim, idx))


def _index_put_key(self, indices, values):
    """The NumPy key for ``index_put``'s tuple of index tensors (integer arrays or boolean masks), checked as
    torch checks it."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put(): argument 'indices' (position 1) must be tuple of Tensors, not "
                        f"{type(indices).__name__}")
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' (position 2) must be Tensor, not {type(values).__name__}")
    for i, t in enumerate(indices):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    if values.dtype != self.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got {self.dtype.scalar_name} "
                           f"for the destination and {values.dtype.scalar_name} for the source.")
    used = sum(t.ndim if t.dtype.name in ("bool", "uint8") else 1 for t in indices)
    if used > self.ndim:
        raise IndexError(f"too many indices for tensor of dimension {self.ndim} (got {used})")
    steps, key = _parse(self.shape, tuple(indices))
    key = () if key is None else key  # (only 0-d masks: their new size-1 dim is a step; not a case torch has)
    target = np.broadcast_to(np.empty((), bool), self.shape)[key].shape
    if _broadcast_shapes(values.shape, target, strict=False) != target:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} cannot be broadcast to "
                           f"indexing result of shape {list(target)}")
    return key


def index_put(input, indices, values, accumulate=False):
    """input with input[indices] = values (or += values when ``accumulate``, where repeated positions add up);
    ``indices`` is a tuple of index tensors, one per leading dim, as in ``input[i, j]``."""
    return IndexPut.apply(input, values, _index_put_key(input, indices, values), "sum" if accumulate else None)


def index_put_(self, indices, values, accumulate=False):
    key = _index_put_key(self, indices, values)
    return apply_inplace(self, IndexPut.apply, values, key, "sum" if accumulate else None)
