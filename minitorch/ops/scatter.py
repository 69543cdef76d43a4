"""Gather and scatter: reading a tensor at a key, and writing into it there - one core for a family of ops.

Every op here turns its arguments into one NumPy advanced-index ``key`` on its input (0-d inputs are read as
shape (1,), as torch does), and then only two things happen:

* ``ReadAt``:  z = a[key]                      (gather, index_select, take, masked_select, ``t[i]``)
* ``WriteAt``: z = a with src written at key   (scatter, index_copy, index_fill, put, masked_scatter, the
  ``*_scatter`` ops, ``t[i] = v``),
  or reduced into a there with ``np.<ufunc>.at``, where repeated positions combine (scatter_add,
  scatter_reduce, index_add, index_reduce, ``put(accumulate=True)``, ``index_put(accumulate=True)``).

The keys, one per family:

* along ``dim``, an index of the input's rank (gather, scatter): element ``[i, j, k]`` of the index names
  position ``index[i, j, k]`` along dim and ``i, j, k`` itself along the others (open arange grids);
* along ``dim``, a 1-d index (index_select, index_add): ``[:, ..., index, ...]``;
* flat positions (take, put): ``np.unravel_index``;
* a boolean mask (masked_select, masked_scatter): ``mask.nonzero()``;
* a region (select_scatter, slice_scatter: basic indexing; diagonal_scatter: grids along the diagonal;
  as_strided_scatter: the positions in memory).

``as_strided`` is a view, not a copy, but its VJP is a scatter-add too: of the gradient at the memory positions
it read.

The VJPs are the same two ops again, as torch derives them (tools/autograd/derivatives.yaml): reading's VJP
is a scatter-add of the gradient, writing's VJP reads the gradient back at the key. Each class names its
family (``reader``, ``adder``, ``filler``), so that the backward graph has torch's node names too
(``gather``'s VJP is a ``ScatterAddBackward0``, ``take``'s a ``PutBackward0``).
"""
import warnings

import numpy as np

from ..autograd import grad_mode
from .op import Op
from ..tensor import Tensor, _make, _wrap_dim

REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")
_UFUNC = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum}


def _zeros(shape, like):
    return _make(np.zeros(shape, like._data.dtype))


def _at_least_1d(array):
    return array.reshape(array.shape or (1,))


def _key(dim, item):
    """The NumPy index for ``item`` at ``dim`` (the trailing ``...`` keeps a 0-d result an array view)."""
    return (slice(None),) * dim + (item, ...)


def _key_shape(shape, key):
    """The shape of ``array[key]`` for an array of ``shape`` (read off a zero-strided stand-in, not data)."""
    return np.broadcast_to(np.empty((), bool), shape or (1,))[key].shape


def _identity(reduce, dtype):
    """What a position holds before the values reduced into it, when the input's own value is left out."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    big = np.inf if dtype.kind == "f" else np.iinfo(dtype).max
    return -big if reduce == "amax" else big


def _write(out, key, src, reduce, include_self):
    """Write ``src`` into ``out`` (in place) at ``key``: assigned, or reduced with ``ufunc.at`` (repeated
    positions combine). Returns the count of values each position averaged over ('mean'), else None."""
    view = _at_least_1d(out)
    if reduce is None:
        view[key] = src
        return None
    if not include_self:
        view[key] = _identity(reduce, out.dtype)
    # ufunc.at is about 10x faster with one index array into a 1-D target than with a tuple of index arrays:
    # the key becomes the flat positions it selects (the same positions in the same order, so the same sums)
    flat = view.reshape(-1) if view.flags.c_contiguous else None
    if flat is not None:
        positions = np.arange(view.size).reshape(view.shape)[key]
        if np.ndim(src):
            src = np.broadcast_to(src, positions.shape).reshape(-1)
        key, view = positions.reshape(-1), flat
    with np.errstate(invalid="ignore", over="ignore"):  # NaN and inf are values here, as in torch: no warnings
        _UFUNC[reduce].at(view, key, src)
    if reduce != "mean":
        return None
    count = np.full(view.shape, 1 if include_self else 0, out.dtype)
    np.add.at(count, key, 1)
    count = np.maximum(count, 1)
    if out.dtype.kind == "f":
        view /= count
    else:
        view //= count  # torch floors an integer mean
    return count.reshape(out.shape)


class ReadAt(Op):
    """z = a[key] (a copy).   VJP: da = zeros like a, with g added at key (repeated positions add up)."""
    node_name = "IndexBackward0"
    linear = True  # JVP: linear in a (dz = da[key]): a read of the tangent at the same places
    adder = None  # the family's WriteAt class whose 'sum' is this VJP (set below each family)

    @staticmethod
    def forward(ctx, a, key):
        ctx.shape, ctx.key = a.shape, key
        return _at_least_1d(a)[key]

    @staticmethod
    def backward(ctx, g):
        return ctx._function.adder.apply(_zeros(ctx.shape, g), g, ctx.key, "sum")


class WriteAt(Op):
    """z = a with src written at key; with ``reduce``, src combined with a there (sum, prod, mean, amax, amin;
    without ``include_self`` a's own values at key are left out of it).
    VJP (torch's, as a read at the key: R(t) = t[key]):
      assign:    da = g with zeros at key,  dsrc = R(g)
      sum:       da = g,  dsrc = R(g)
      mean:      da = g / N,  dsrc = R(g / N)     (N: how many values each position averaged)
      prod:      da = g * z' / a' (a' = a with zeros as ones, z' = its result),  dsrc = R(g z) / src, or for a
                 src that is the one zero at its position R(g * z''), z'' the result with that zero as a one
      amax/amin: the gradient shared evenly among the values equal to the result:
                 da = [a = z] g / n,  dsrc = [src = R(z)] R(g / n),  n = [a = z] + Σ_key [src = R(z)]
    and without ``include_self`` da is zeroed at key."""
    node_name = "IndexPutBackward0"
    reader = adder = filler = None  # the family's ReadAt, its scatter-add and its zero-fill (set below)

    @staticmethod
    def forward(ctx, a, src, key, reduce=None, include_self=True):
        if isinstance(src, np.ndarray) and src.ndim and src.ndim == len(target := _key_shape(a.shape, key)) \
                and any(s > t for s, t in zip(src.shape, target)):
            src = src[tuple(slice(0, t) for t in target)]  # scatter reads only the index's part of src
        ctx.key, ctx.reduce, ctx.include_self = key, reduce, include_self
        out = a.copy()
        ctx.count = _write(out, key, src, reduce, include_self)
        if reduce in ("prod", "amax", "amin"):
            ctx.save_for_backward(a, src, out)
        return out

    @staticmethod
    def backward(ctx, g):
        cls, key, reduce = ctx._function, ctx.key, ctx.reduce
        read = lambda t: cls.reader.apply(t, key)  # noqa: E731
        if reduce is None:
            da, dsrc = cls.filler.apply(g, 0, key), read(g)
        elif reduce == "sum":
            da, dsrc = g, read(g)
        elif reduce == "mean":
            da = g / _make(ctx.count)
            dsrc = read(da)
        elif reduce == "prod":
            da, dsrc = _prod_vjp(ctx, cls, g, read)
        else:
            a, src, out = ctx.saved_tensors
            a_is, src_is = (a == out).to(g.dtype), (src == read(out)).to(g.dtype)
            shared = g / cls.adder.apply(a_is, src_is, key, "sum")
            da, dsrc = a_is * shared, src_is * read(shared)
        if not ctx.include_self:
            da = cls.filler.apply(da, 0, key)
        return (da, dsrc) if len(ctx.needs_input_grad) == 2 else da


def _prod_vjp(ctx, cls, g, read):
    """The product's VJP without dividing by zero (torch's scatter_reduce_backward)."""
    a, src, out = ctx.saved_tensors
    key, include_self = ctx.key, ctx.include_self
    a_ones = a.masked_fill(a == 0, 1)
    da = g * cls.apply(a_ones, src, key, "prod", include_self) / a_ones
    src_zero = src == 0
    zeros_there = read(cls.adder.apply(_zeros(a.shape, a), src_zero.to(a.dtype), key, "sum"))
    lone_zero = src_zero & (zeros_there == 1)
    without_it = cls.apply(a, src.masked_fill(lone_zero, 1), key, "prod", include_self)
    dsrc = read(g * without_it).where(lone_zero, read(g * out) / src.masked_fill(src_zero, 1))
    if grad_mode.STATE.enabled and (zeros_there._data > 1).any():
        # several zeros in one product: their first derivatives are zero, but not differentiable as written
        dsrc = DelayedError.apply(dsrc, f"{cls.op_name}(): Double backward is unsupported for {cls.src_name} when >1 "
                                        f"zeros in {cls.src_name} are scattered to the same position in self")
    return da, dsrc


class DelayedError(Op):
    """z = g, whose VJP raises ``message``: a value that may be used but not differentiated."""
    node_name = "torch::autograd::Error"

    @staticmethod
    def forward(ctx, g, message):
        ctx.message = message
        return g.copy()

    @staticmethod
    def backward(ctx, gz):
        raise RuntimeError(ctx.message)


# -- advanced indexing, t[i] and t[i] = v (ops/indexing.py reads the index) ---------------------------------
class Index(ReadAt):
    """z = a[key], ``key`` holding integer arrays (NumPy advanced indexing: a copy)."""
    node_name = "IndexBackward0"


class IndexPut(WriteAt):
    """z = a with a[key] = v (or a[key] += v, reduce 'sum'; repeated indices then add up)."""
    node_name = "IndexPutBackward0"


class IndexPutImpl(IndexPut):
    """z = zeros with g added at key: the VJP of ``t[i]`` (torch's ``_index_put_impl_``)."""
    node_name = "IndexPutImplBackward0"


Index.adder = IndexPutImpl
IndexPut.adder = IndexPut.filler = IndexPutImpl.adder = IndexPutImpl.filler = IndexPut
IndexPut.reader = IndexPutImpl.reader = Index


# -- the index checks shared by the families -------------------------------------------------------------
def _check_int(index, what, int32=True):
    kinds = (np.int32, np.int64) if int32 else (np.int64,)
    if index._data.dtype not in kinds:
        raise RuntimeError(what.format(dtype=index.dtype.scalar_name))


def _same_dtype(input, src, message):
    if isinstance(src, Tensor) and src.dtype != input.dtype:
        raise RuntimeError(message.format(self=input.dtype.scalar_name, src=src.dtype.scalar_name))


# -- along a dim, an index of the input's rank: gather, scatter, scatter_add, scatter_reduce -----------------
class Gather(ReadAt):
    """z[i, j, ...] = a[i, index[i, j, ...], ...] along ``dim`` (a ReadAt with its own node name)."""
    node_name = "GatherBackward0"


class Scatter(WriteAt):
    """z = a with src[i, j, ...] at [i, index[i, j, ...], ...] along ``dim``."""
    node_name = "ScatterBackward0"


class ScatterValue(WriteAt):
    """z = a with a number at [i, index[i, j, ...], ...] along ``dim``."""
    node_name = "ScatterBackward1"


class ScatterAdd(WriteAt):
    """z = a with src[i, j, ...] added at [i, index[i, j, ...], ...] along ``dim``."""
    node_name = "ScatterAddBackward0"


class ScatterReduce(WriteAt):
    """z = a with src reduced into [i, index[i, j, ...], ...] along ``dim``."""
    node_name = "ScatterReduceBackward0"
    op_name, src_name = "scatter_reduce", "src"


class ScatterLegacyReduce(WriteAt):
    """scatter(..., reduce='add'/'multiply'): torch has no derivative for it."""
    node_name = "torch::autograd::NotImplemented"

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::scatter is not implemented")


for _cls in (Gather, Scatter, ScatterValue, ScatterAdd, ScatterReduce, ScatterLegacyReduce):
    _cls.reader, _cls.adder, _cls.filler = Gather, ScatterAdd, ScatterValue


def along_dim_key(index, dim, ndim):
    """The key of element ``[i, j, ...]`` of ``index`` (an array of the input's rank): ``index[i, j, ...]``
    along ``dim``, ``i, j, ...`` itself along the other dims."""
    if ndim <= 1:  # one dim: the index itself (0-d stays 0-d: the ``...`` keeps it an array)
        return (index, ...)
    grid = list(np.ix_(*(np.arange(n) for n in index.shape)))
    grid[dim] = index
    return tuple(grid)


def _scatter_key(input, dim, index, src):
    """The checked key of ``scatter``-like ops (torch's scatter_gather_dtype_check and shape checks)."""
    dim, idx = _wrap_dim(dim, input.ndim), index._data
    if idx.size:  # (an empty index writes nothing and is not checked, as in torch)
        _check_int(index, "scatter(): Expected dtype int32/int64 for index")
    if isinstance(src, Tensor):
        _same_dtype(input, src, "scatter(): Expected self.dtype to be equal to src.dtype")
    if idx.size == 0:
        return (np.zeros(idx.shape, np.intp),) * max(input.ndim, 1)
    in_shape, idx_shape = input.shape or (1,), idx.shape or (1,)
    if len(idx_shape) != len(in_shape):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if isinstance(src, Tensor):
        if 0 < src.ndim < len(idx_shape):  # torch reads src.size(d) for each of the index's dims first
            raise IndexError(f"Dimension out of range (expected to be in range of [{-src.ndim}, {src.ndim - 1}], but "
                             f"got {src.ndim})")
        src_shape = src.shape or (1,)
        if len(idx_shape) != len(src_shape):
            raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
        if any((d != dim and i > s) or i > t for d, (i, s, t) in enumerate(zip(idx_shape, in_shape, src_shape))):
            raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self {list(input.shape)} apart "
                               f"from dimension {dim} and to be no larger size than src {list(src.shape)}")
    elif any(d != dim and i > s for d, (i, s) in enumerate(zip(idx_shape, in_shape))):
        raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self {list(input.shape)} apart "
                           f"from dimension {dim}")
    bad = idx[(idx < 0) | (idx >= in_shape[dim])]
    if bad.size:
        raise RuntimeError(f"index {bad.flat[0]} is out of bounds for dimension {dim} with size {in_shape[dim]}")
    return along_dim_key(idx, dim, input.ndim)


def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    """input with ``src[i][j]`` written at ``[index[i][j]][j]`` for dim=0 (and likewise for the other dims);
    ``src`` a tensor or a number (``value``). ``reduce='add'`` or ``'multiply'`` combines instead of writing
    (not differentiable, as in torch)."""
    src = value if src is None else src
    if src is None:
        raise TypeError("scatter() missing 1 required positional argument: 'src' or 'value'")
    if isinstance(src, Tensor) and src.ndim == 0 and index.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    key = _scatter_key(input, dim, index, src)
    if not isinstance(src, Tensor):
        src = np.asarray(src).astype(input._data.dtype)[()]
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError("reduce argument must be either add or multiply.")
        if isinstance(src, Tensor):
            warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated and will be removed in "
                          "a future PyTorch release. Use torch.scatter_reduce instead for more reduction options.",
                          UserWarning, stacklevel=2)
        return ScatterLegacyReduce.apply(input, src, key, "sum" if reduce == "add" else "prod")
    return (Scatter if isinstance(src, Tensor) else ScatterValue).apply(input, src, key)


def scatter_add(input, dim, index, src):
    """input with ``src[i][j]`` added at ``[index[i][j]][j]`` for dim=0; repeated positions add up."""
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_add(): argument 'src' (position 3) must be Tensor, not {type(src).__name__}")
    key = _scatter_key(input, dim, index, src)
    return ScatterAdd.apply(input, src, key, "sum")


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """input with ``src`` reduced into the positions ``index`` names along ``dim`` (as scatter):
    ``reduce`` one of 'sum', 'prod', 'mean', 'amax', 'amin'; ``include_self``: input's values take part."""
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)  # (torch's older names, still accepted)
    if reduce not in REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    key = _scatter_key(input, dim, index, src)
    return ScatterReduce.apply(input, src, key, reduce, bool(include_self))


# -- along a dim, a 1-d index: index_select, index_add, index_copy, index_reduce ----------------------------
class IndexSelect(ReadAt):
    """z = a.index_select(dim, i) = a[:, ..., i] (a ReadAt with its own node name)."""
    node_name = "IndexSelectBackward0"


class IndexAdd(WriteAt):
    """z = a with source's slices added at a[:, ..., index] along ``dim``."""
    node_name = "IndexAddBackward0"


class IndexCopy(WriteAt):
    """z = a with source's slices written at a[:, ..., index] along ``dim``."""
    node_name = "IndexCopyBackward0"


class IndexReduce(WriteAt):
    """z = a with source's slices reduced into a[:, ..., index] along ``dim``."""
    node_name = "IndexReduceBackward0"
    op_name, src_name = "index_reduce", "source"


class IndexFill(WriteAt):
    """z = a with a number at a[:, ..., index] along ``dim`` (index_fill; with 0, the VJP of index_copy)."""
    node_name = "IndexFillBackward0"


class IndexFillTensor(WriteAt):
    """z = a with a 0-d tensor's value at a[:, ..., index] along ``dim`` (each slice once in the key: the VJP for
    the value sums each slice once, however often the index repeats it, as torch's)."""
    node_name = "IndexFillBackward1"


for _cls in (IndexSelect, IndexAdd, IndexCopy, IndexReduce, IndexFill, IndexFillTensor):
    _cls.reader, _cls.adder, _cls.filler = IndexSelect, IndexAdd, IndexFill


def _index_key(name, input, dim, index, source):
    """The checked key ``[:, ..., index]`` of index_add/index_copy/index_reduce (messages as torch's)."""
    dim, idx = _wrap_dim(dim, input.ndim), index._data
    n = input.shape[dim] if input.ndim else 1
    if name == "index_copy":
        _check_int(index, "index_copy_(): Expected a long tensor for index, but got {dtype}", int32=False)
    elif name == "index_add":
        _check_int(index, "index_add_(): Expected dtype int32/int64 for index but got: {dtype}")
    else:
        _check_int(index, "index_reduce_(): Expected dtype int32/int64 for index but got: {dtype}")
    if idx.ndim > 1:
        raise IndexError(f"{name}_(): Index is supposed to be a vector, but got dim: {idx.ndim} with type: "
                         f"{index.dtype.scalar_name} and size: {list(idx.shape)}")
    idx = idx.reshape(-1)
    src_n = source.shape[dim] if source.ndim else 1
    if name == "index_copy":
        _same_dtype(input, source, "index_copy_(): self and source expected to have the same dtype, but got (self) "
                                   "{self} and (source) {src}")
        if idx.size != src_n:
            raise IndexError(f"index_copy_(): Number of indices ({idx.size}) should be equal to source.size(dim) "
                             f"({src_n})")
        dst_slice = [s for d, s in enumerate(input.shape) if d != dim]
        src_slice = [s for d, s in enumerate(source.shape) if d != dim]
        for d, (s, t) in enumerate(zip(dst_slice, src_slice)):
            if s != t:
                raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice shapes. "
                                   f"Destination slice shape: {s} at dimension {d} and source slice shape: {t} at "
                                   f"dimension {d}.")
        bad = idx[(idx < 0) | (idx >= n)]
        if bad.size:
            raise IndexError(f"index_copy_(): index {bad[0]} is out of bounds for dimension {dim} with size {n}")
    else:
        if name == "index_add":
            _same_dtype(input, source, "index_add_(): self ({self}) and source ({src}) must have the same scalar type")
            if idx.size != src_n:
                raise RuntimeError(f"index_add_(): Number of indices ({idx.size}) should be equal to source.size(dim): "
                                   f"({src_n}), for dim: {dim}")
        else:
            _same_dtype(input, source, "index_reduce_(): self ({self}) and source ({src}) must have the same scalar "
                                       "type")
        if source.ndim and (source.ndim != input.ndim or any(
                s != t for d, (s, t) in enumerate(zip(input.shape, source.shape)) if d != dim)):
            raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified dimension. "
                               f"Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}")
        bad = idx[(idx < 0) | (idx >= n)]
        if bad.size:
            if name == "index_reduce":
                raise IndexError("index out of range in self")
            raise RuntimeError(f"index {bad[0]} is out of bounds for dimension {dim} with size {n}")
    return _key(dim, idx)


def index_add(input, dim, index, source, *, alpha=1):
    """input with ``alpha * source``'s slices added at ``index`` along ``dim``; repeated indices add up."""
    key = _index_key("index_add", input, dim, index, source)
    if alpha != 1:
        source = source * (alpha if input.is_floating_point() else int(alpha))
    return IndexAdd.apply(input, source, key, "sum")


def index_copy(input, dim, index, source):
    """input with source's slices written at ``index`` along ``dim``."""
    return IndexCopy.apply(input, source, _index_key("index_copy", input, dim, index, source))


def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """input with source's slices reduced into the slices ``index`` along ``dim``: ``reduce`` one of 'prod',
    'mean', 'amax', 'amin'; ``include_self``: input's values take part."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    key = _index_key("index_reduce", input, dim, index, source)
    return IndexReduce.apply(input, source, key, reduce, bool(include_self))


# -- flat positions: take, put ---------------------------------------------------------------------------
class Take(ReadAt):
    """z = a.reshape(-1)[index] (a ReadAt with its own node name)."""
    node_name = "TakeBackward0"


class Put(WriteAt):
    """z = a with source written at a.reshape(-1)[index] (or added, ``accumulate``)."""
    node_name = "PutBackward0"


Take.adder = Put.adder = Put.filler = Put
Put.reader = Take


def _flat_key(name, input, index):
    if index._data.dtype != np.int64:
        raise RuntimeError(f"{name}(): Expected a long tensor for index, but got {index.dtype.scalar_name}")
    n, idx = input._data.size, index._data
    if n == 0 and idx.size:
        raise IndexError("take(): tried to take from an empty tensor" if name == "take" else
                         "put_(): Tried to put elements into an empty tensor")
    bad = idx[(idx < -n) | (idx >= n)]
    if bad.size:
        raise IndexError(f"out of range: tried to access index {bad.flat[0]} on a tensor of {n} elements.")
    return np.unravel_index(idx % max(n, 1), input.shape or (1,))


def take(input, index):
    """input read as 1-d, at ``index`` (negative counts from the end); the result has index's shape."""
    return Take.apply(input, _flat_key("take", input, index))


def put(input, index, source, accumulate=False):
    """input with source written at ``index`` of input read as 1-d (added when ``accumulate``)."""
    key = _flat_key("put_", input, index)
    if source.numel() != index.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source.numel()}, index.numel() = {index.numel()}")
    _same_dtype(input, source, "put_(): self and source expected to have the same dtype, but got self.dtype = {self} "
                               "and source.dtype = {src}")
    if source.shape != index.shape:
        source = source.reshape(index.shape)
    return Put.apply(input, source, key, "sum" if accumulate else None)


# -- a boolean mask: masked_select, masked_scatter -----------------------------------------------------------
class MaskedSelect(ReadAt):
    """z = a[mask] (1-d, a and mask broadcast together; a ReadAt with its own node name)."""
    node_name = "MaskedSelectBackward0"


class MaskedScatter(WriteAt):
    """z = a with source's first values (read as 1-d) written where mask is True, in order.
    VJP: da = g where not mask,  dsource = g[mask], then zeros, in source's shape."""
    node_name = "MaskedScatterBackward0"

    @staticmethod
    def forward(ctx, a, source, key, reduce=None, include_self=True):
        ctx.source_shape = source.shape
        return WriteAt.forward(ctx, a, source.reshape(-1)[:len(key[0])], key, reduce, include_self)

    @staticmethod
    def backward(ctx, g):
        da = None
        if ctx.needs_input_grad[0]:
            mask = np.zeros(g.shape, bool)
            _at_least_1d(mask)[ctx.key] = True
            da = g if ctx.reduce else g.masked_fill(_make(mask), 0)
        return da, MaskedScatterVJP.apply(g, ctx.key, ctx.source_shape) if ctx.needs_input_grad[1] else None


class MaskedScatterVJP(Op):
    """z = g[mask] followed by zeros, in source's shape (masked_scatter's VJP for source).
    VJP: dg = zeros like g with gz's first values where mask is True (a masked_scatter)."""
    node_name = "MaskedScatterBackwardBackward0"

    @staticmethod
    def forward(ctx, g, key, shape):
        ctx.shape, ctx.key = g.shape, key
        out = np.zeros(int(np.prod(shape)), g.dtype)
        picked = _at_least_1d(g)[key]
        out[:picked.size] = picked
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, gz):
        return MaskedScatter.apply(_zeros(ctx.shape, gz), gz, ctx.key)


MaskedSelect.adder = MaskedScatter
MaskedScatter.reader = MaskedSelect


def _broadcast(shapes):
    from .indexing import _broadcast_shapes
    shape = ()
    for s in shapes:
        shape = _broadcast_shapes(shape, s)
    return tuple(shape)


def masked_select(input, mask):
    """The values of input where mask is True, as a 1-d tensor (input and mask broadcast together)."""
    if mask._data.dtype != bool:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = _broadcast([mask.shape, input.shape])
    if input.shape != shape:
        input = input.expand(shape)
    key = np.nonzero(_at_least_1d(np.broadcast_to(mask._data, shape)))
    return MaskedSelect.apply(input, key)


def masked_scatter(input, mask, source):
    """input with source's values, in order, written where mask is True (mask broadcast to input)."""
    if mask._data.dtype != bool:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype.scalar_name}")
    if source.dtype != input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{input.dtype.scalar_name} and {source.dtype.scalar_name}")
    shape = _broadcast([mask.shape, input.shape])
    if input.shape != shape:
        input = input.expand(shape)
    key = np.nonzero(_at_least_1d(np.broadcast_to(mask._data, shape)))
    k = len(key[0])
    if source.numel() < k:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return MaskedScatter.apply(input, source, key)


def masked_scatter_(self, mask, source):
    """In place: the mask must broadcast to self's shape (self cannot grow)."""
    from .inplace import apply_inplace
    if mask._data.dtype == bool and mask.shape != self.shape:
        mask = mask.expand(self.shape)  # (torch's expand error when it cannot)
    return apply_inplace(self, masked_scatter, mask, source)


# -- writing into a view: select_scatter, slice_scatter, diagonal_scatter ---------------------------------
class _ViewRead(ReadAt):
    """z = a copy of a[key], where the key may be basic indexing (NumPy then gives a view, copied here: a gradient
    is not a view of another)."""

    @staticmethod
    def forward(ctx, a, key):
        return np.array(ReadAt.forward(ctx, a, key))


class SelectRead(_ViewRead):
    """z = a.select(dim, i), as a copy (select_scatter's VJP for src)."""
    node_name = "SelectBackward0"


class SliceRead(_ViewRead):
    """z = a[:, ..., start:end:step], as a copy (slice_scatter's VJP for src)."""
    node_name = "SliceBackward0"


class DiagonalRead(_ViewRead):
    """z = a.diagonal(offset, dim1, dim2), as a copy (diagonal_scatter's VJP for src)."""
    node_name = "DiagonalBackward0"


class SelectScatter(WriteAt):
    """z = a with a.select(dim, i) replaced by src."""
    node_name = "SelectScatterBackward0"


class SliceScatter(WriteAt):
    """z = a with a[:, ..., start:end:step] replaced by src."""
    node_name = "SliceScatterBackward0"


class DiagonalScatter(WriteAt):
    """z = a with a.diagonal(offset, dim1, dim2) replaced by src."""
    node_name = "DiagonalScatterBackward0"


# their VJPs: the region read back, or written into zeros (torch's select_backward is a select_scatter), or zeroed
for _read, _write_cls in ((SelectRead, SelectScatter), (SliceRead, SliceScatter), (DiagonalRead, DiagonalScatter)):
    _read.adder = _write_cls.adder = _write_cls.filler = _write_cls
    _write_cls.reader = _read


def _region(input, src, key):
    """The checked key of a ``*_scatter`` op: src must have the region's shape."""
    shape = list(_key_shape(input.shape, key)) if input.ndim else []
    if list(src.shape) != shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {shape}")
    return key


def select_scatter(input, src, dim, index):
    """input with ``input.select(dim, index)`` replaced by src (out of place)."""
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = _wrap_dim(dim, input.ndim)
    n = input.shape[dim]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
                         f"dimension {dim}")
    return SelectScatter.apply(input, src, _region(input, src, _key(dim, index % n)))


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """input with ``input[:, ..., start:end:step]`` (along ``dim``) replaced by src (out of place)."""
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    dim = _wrap_dim(dim, input.ndim)
    n = input.shape[dim]
    start, end, _ = slice(start, end, step).indices(n)
    return SliceScatter.apply(input, src, _region(input, src, _key(dim, slice(start, max(start, end), step))))


def _diagonal_key(shape, offset, dim1, dim2):
    """Open grids that read torch's diagonal (the other dims first, in order, then the diagonal) as one key."""
    s1, s2 = (0, offset) if offset >= 0 else (-offset, 0)
    k = max(0, min(shape[dim1] - s1, shape[dim2] - s2))
    others = [d for d in range(len(shape)) if d not in (dim1, dim2)]
    grids = np.ix_(*(np.arange(n) for n in [shape[d] for d in others] + [k]))
    key = [None] * len(shape)
    for j, d in enumerate(others):
        key[d] = grids[j]
    key[dim1], key[dim2] = grids[-1] + s1, grids[-1] + s2
    return tuple(key)


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """input with ``input.diagonal(offset, dim1, dim2)`` replaced by src (out of place)."""
    dim1, dim2 = _wrap_dim(dim1, input.ndim), _wrap_dim(dim2, input.ndim)
    if dim1 == dim2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return DiagonalScatter.apply(input, src, _region(input, src, _diagonal_key(input.shape, offset, dim1, dim2)))


# -- storage positions: as_strided, as_strided_copy, as_strided_scatter -----------------------------------------
def _storage(array):
    """The memory block that ``array`` views, as a 1-d array (torch's storage: the root base NumPy array), and
    the position of array's first element in it."""
    root = array
    while True:
        base = root.base
        base = base if isinstance(base, np.ndarray) else getattr(base, "base", None)  # (as_strided's stand-in)
        if not isinstance(base, np.ndarray):
            break
        root = base
    if not (root.flags.c_contiguous or root.flags.f_contiguous):  # (not one block: its own copy stands for it)
        root = array = np.ascontiguousarray(array)
    storage = np.lib.stride_tricks.as_strided(root, (root.size,), (root.itemsize,))
    start = array.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return storage, start // array.itemsize


def _positions(size, stride, offset):
    """The storage position of every element of a tensor of ``size``, ``stride`` and ``offset``."""
    pos = np.full(tuple(size), offset, np.int64)
    for d, (n, s) in enumerate(zip(size, stride)):
        pos += (np.arange(n) * s).reshape((-1,) + (1,) * (len(size) - d - 1))
    return pos


def _check_strided(size, stride, offset, storage_size, itemsize):
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: {list(stride)}")
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    need = 0 if 0 in size else offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if need > storage_size:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
                           f"itemsize {itemsize} requiring a storage size of {need * itemsize} are out of bounds for "
                           f"storage of size {storage_size * itemsize}")


class AsStrided(Op):
    """z = the view of a's storage with sizes ``size``, strides ``stride``, from position ``offset``.
    VJP: da = zeros like a, with g added where a's own elements are the storage positions z read (elements of z
    that share a position add up; positions outside a get nothing)."""
    node_name = "AsStridedBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, size, stride, offset):
        storage, start = _storage(a)
        _check_strided(size, stride, offset, storage.size, a.itemsize)
        # which element of a holds each storage position z reads (-1: none of a's)
        owner = np.full(storage.size, -1, np.int64)
        owner[_positions(a.shape, [s // a.itemsize for s in a.strides], start).reshape(-1)] = \
            np.arange(a.size)
        held = owner[_positions(size, stride, offset)]
        ctx.shape, ctx.out_key = a.shape, np.nonzero(_at_least_1d(held >= 0))
        ctx.in_key = np.unravel_index(held[held >= 0], a.shape or (1,))
        return np.lib.stride_tricks.as_strided(storage[offset:], tuple(size), tuple(s * a.itemsize for s in stride))

    @staticmethod
    def backward(ctx, g):
        return AsStridedVJP.apply(_zeros(ctx.shape, g), Index.apply(g, ctx.out_key), ctx.in_key, "sum")


class AsStridedVJP(IndexPut):
    """as_strided's VJP: g added at a's elements (torch's ends in an as_strided, whence its node name)."""
    node_name = "AsStridedBackward0"


class AsStridedCopy(AsStrided):
    """z = as_strided(a, ...), copied (not a view)."""
    node_name = "AsStridedBackward0_copy"
    is_view = False

    @staticmethod
    def forward(ctx, a, size, stride, offset):
        return AsStrided.forward(ctx, a, size, stride, offset).copy()


def _strided_args(input, size, stride, storage_offset):
    size, stride = tuple(int(n) for n in size), tuple(int(s) for s in stride)
    return size, stride, _storage(input._data)[1] if storage_offset is None else int(storage_offset)


def as_strided(input, size, stride, storage_offset=None):
    """The view of input's memory with sizes ``size`` and strides ``stride`` (in elements), starting at
    ``storage_offset`` (by default input's own) - elements may repeat. Positions are those of the whole memory
    block input views, as torch's storage."""
    return AsStrided.apply(input, *_strided_args(input, size, stride, storage_offset))


class AsStridedInplace(AsStrided):
    """x.as_strided_(...): x itself takes the view's sizes and strides (torch numbers the node differently)."""
    node_name = "AsStridedBackward1"


def as_strided_(self, size, stride, storage_offset=None):
    from .shape import _become
    return _become(self, AsStridedInplace.apply(self, *_strided_args(self, size, stride, storage_offset)))


def as_strided_copy(input, size, stride, storage_offset=None):
    """``as_strided``, as a copy."""
    return AsStridedCopy.apply(input, *_strided_args(input, size, stride, storage_offset))


class AsStridedRead(_ViewRead):
    """z = a.contiguous().as_strided(size, stride, offset), as a copy (as_strided_scatter's VJP for src)."""
    node_name = "AsStridedBackward0"


class AsStridedScatter(WriteAt):
    """z = a (a copy, contiguous) with its view as_strided(size, stride, offset) replaced by src."""
    node_name = "AsStridedScatterBackward0"


AsStridedRead.adder = AsStridedScatter.adder = AsStridedScatter.filler = AsStridedScatter
AsStridedScatter.reader = AsStridedRead


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """input with the view ``as_strided(size, stride, storage_offset)`` of a contiguous copy of it replaced by src
    (out of place)."""
    size, stride = tuple(int(n) for n in size), tuple(int(s) for s in stride)
    offset = 0 if storage_offset is None else int(storage_offset)
    _check_strided(size, stride, offset, input.numel(), input.element_size())
    if list(src.shape) != list(size):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(size)}")
    # the positions are those of input's copy, which keeps input's layout (a transposed input stays transposed)
    layout = np.empty_like(input._data)
    element = np.empty(input.numel(), np.int64)  # storage position -> element of input (C order)
    element[_positions(input.shape, [s // layout.itemsize for s in layout.strides], 0).reshape(-1)] = \
        np.arange(input.numel())
    key = np.unravel_index(element[_positions(size, stride, offset)], input.shape or (1,))
    return AsStridedScatter.apply(input, src, key)


# -- where a tensor is nonzero ---------------------------------------------------------------------------------
def nonzero(input, *, as_tuple=False):
    """The positions of input's nonzero values: an (n, ndim) int64 tensor, or with ``as_tuple`` one 1-d tensor
    per dim (a 0-d input counts as 1-d)."""
    where = np.nonzero(_at_least_1d(input._data))
    if as_tuple:
        return tuple(_make(w.astype(np.int64)) for w in where)
    if not input.ndim:  # one row per nonzero value, with no columns
        return _make(np.zeros((len(where[0]), 0), np.int64))
    return _make(np.stack(where, axis=1).astype(np.int64))


def argwhere(input):
    """``nonzero(input)``: the (n, ndim) positions of input's nonzero values."""
    return nonzero(input)


# -- the remaining OpInfo ops (native lane): nonzero with a result of a size fixed in advance
def nonzero_static(input, *, size, fill_value=-1):
    """``nonzero(input)`` as exactly ``size`` rows: the first ``size`` positions of nonzero values, then rows of
    ``fill_value`` if there are fewer (a shape known before the values are: what compilers want)."""
    found = nonzero(input)._data
    out = np.full((size, found.shape[1]), fill_value, np.int64)
    n = min(size, len(found))
    out[:n] = found[:n]
    return _make(out)
