"""Shape operations: views and copies that rearrange elements without computing new values.

Their VJPs rearrange the gradient the opposite way: a reshape's VJP reshapes back, an expand's VJP
sums over the broadcast dims, a permute's VJP applies the inverse permutation, a split's VJP
concatenates the pieces' gradients, a concatenation's VJP splits the gradient. hstack, vstack, dstack,
column_stack and atleast_nd are compositions of these, built as torch builds them (so their graphs have torch's
nodes) and with no VJP of their own; tensor_split, whose pieces are slices, is in indexing.py beside ``Slice``.

Views (view, expand, squeeze, unsqueeze, permute, transpose, t, split and unbind pieces) return NumPy
views of the input's array: they share its memory and its version counter, as torch's views do.
"""
import numpy as np

from .._dtype import bool_, result_type
from ..tensor import Tensor, _make, _wrap_dim
from .convert import clone, contiguous
from .inplace import copy_into_out
from .op import Op


def _shape_arg(size):
    """Accept ``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])``."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(size[0])
    return tuple(int(s) for s in size)


def _wrap_dims(dims, ndim):
    """Each dim wrapped into [0, ndim), with torch's errors for a dim out of range or repeated."""
    out = tuple(_wrap_dim(d, ndim) for d in dims)
    for d in out:
        if out.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return out


def _infer_shape(shape, numel):
    """Resolve one -1 in ``shape`` so that the product is ``numel``: torch's infer_size, errors and their
    order included (view, reshape and unflatten all come here)."""
    shape = list(shape)
    inferred, known = None, 1
    for i, s in enumerate(shape):
        if s == -1:
            if inferred is not None:
                raise RuntimeError("only one dimension can be inferred")
            inferred = i
        elif s >= 0:
            known *= s
        else:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {shape}")
    if numel == known or (inferred is not None and known and numel % known == 0):
        if inferred is not None:
            if known == 0:  # view(-1, 0) of an empty tensor: any size would do
                raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {shape} because the "
                                   f"unspecified dimension size -1 can be any value and is ambiguous")
            shape[inferred] = numel // known
        return tuple(shape)
    raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")


class _Reshape(Op):
    """z = a with a new shape.   VJP: da = g reshaped to a's shape.
    The maths of View and UnsafeView; they differ in whether z shares a's memory, and in the node name."""

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape)


class View(_Reshape):
    """z = a with a new shape, same memory."""
    node_name = "ViewBackward0"
    is_view = True


class ReshapeAlias(View):
    """z = a non-contiguous a with a new shape, same memory (torch names this reshape differently)."""
    node_name = "ReshapeAliasBackward0"


class UnsafeView(_Reshape):
    """z = a copy of a with a new shape (reshape of a non-contiguous tensor, after its clone)."""
    node_name = "UnsafeViewBackward0"


class Alias(Op):
    """z = a (a new view of all of it, as ``t[...]``).   VJP: da = g."""
    node_name = "AliasBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a):
        return a[...]

    @staticmethod
    def backward(ctx, g):
        return g


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
    """A view when the memory layout allows it, otherwise a copy (as torch, whose node names tell the
    three cases apart: contiguous, non-contiguous but viewable, copied)."""
    shape = _infer_shape(_shape_arg(shape), input._data.size)
    if input._data.flags.c_contiguous:
        return View.apply(input, shape)
    if _viewable(input._data, shape):
        return ReshapeAlias.apply(input, shape)
    return UnsafeView.apply(clone(input), shape)


def expand(input, *sizes):
    sizes = _shape_arg(sizes)
    ndim = input._data.ndim
    if len(sizes) < ndim:
        # torch names the tensor's type here as its C++ does: the legacy name, CPUBoolType for bool
        kind = "CPUBoolType" if input.dtype is bool_ else input.dtype.tensor_type
        raise RuntimeError(f"expand({kind}{{{list(input.shape)}}}, size={list(sizes)}): the number of "
                           f"sizes provided ({len(sizes)}) must be greater or equal to the number of dimensions "
                           f"in the tensor ({ndim})")
    lead = len(sizes) - ndim
    shape = list(sizes)
    for i in range(len(sizes) - 1, -1, -1):  # from the last dim, as torch checks them
        own = input._data.shape[i - lead] if i >= lead else None
        if sizes[i] == -1:
            if own is None:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            shape[i] = own
        elif own is not None and own != 1 and own != sizes[i]:
            raise RuntimeError(f"The expanded size of the tensor ({sizes[i]}) must match the existing size ({own}) "
                               f"at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                               f"{list(input.shape)}")
    return Expand.apply(input, tuple(shape))


def expand_as(input, other):
    return expand(input, other.shape)


def view_as(input, other):
    return view(input, other.shape)


def reshape_as(input, other):
    return reshape(input, other.shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims ``start_dim..end_dim`` into one (``input`` itself when there is nothing to merge)."""
    if input.ndim == 0:
        return reshape(input, 1)
    start, end = _wrap_dim(start_dim, input.ndim), _wrap_dim(end_dim, input.ndim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input
    shape = input.shape
    return reshape(input, shape[:start] + (int(np.prod(shape[start:end + 1])),) + shape[end + 1:])


def ravel(input):
    return view(contiguous(input), -1)


def unflatten(input, dim, sizes):
    """Split dim ``dim`` into ``sizes`` (one may be -1)."""
    if not isinstance(sizes, (tuple, list)):
        raise TypeError(f"unflatten(): argument 'sizes' (position 2) must be tuple of ints, not "
                        f"{type(sizes).__name__}")
    dim = _wrap_dim(dim, input.ndim)
    if not len(sizes):
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        n = input.size(dim)  # a 0-d tensor has no dim 0 to split
        inferred = _infer_shape(sizes, n)
    except (RuntimeError, IndexError) as e:  # torch words infer_size's errors for unflatten
        if "is invalid for input of size" in str(e):
            raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
                               f"{dim} ({n}) in the input tensor") from None
        raise RuntimeError(f"unflatten got an unexpected error:\n{e}") from None
    return View.apply(input, input.shape[:dim] + inferred + input.shape[dim + 1:])


class Squeeze(Op):
    """z = a without its size-1 dims (a view).   VJP: da = g reshaped to a's shape."""
    node_name = "SqueezeBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dims):
        ctx.shape = a.shape
        return a[tuple(0 if d in dims else slice(None) for d in range(a.ndim)) + (...,)]  # (... keeps a 0-d view)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape)


class SqueezeDim(Squeeze):
    """z = a without size-1 dim ``dim`` (torch names this overload's node differently)."""
    node_name = "SqueezeBackward1"


class SqueezeDims(Squeeze):
    """z = a without the size-1 dims among ``dims``."""
    node_name = "SqueezeBackward2"


def squeeze(input, dim=None):
    """Remove size-1 dims: all of them, or those among ``dim`` (an int or a tuple); others stay."""
    return _squeeze(input, dim, (Squeeze, SqueezeDim, SqueezeDims))


def _squeeze(input, dim, ops):
    shape = input.shape
    if dim is None:
        return ops[0].apply(input, tuple(d for d, s in enumerate(shape) if s == 1))
    op = ops[1] if isinstance(dim, int) else ops[2]
    dims = (_wrap_dim(dim, input.ndim),) if isinstance(dim, int) else _wrap_dims(dim, input.ndim)
    return op.apply(input, tuple(d for d in dims if d < input.ndim and shape[d] == 1))


class Unsqueeze(Op):
    """z = a with a new size-1 dim at ``dim`` (a view).   VJP: da = g without that dim."""
    node_name = "UnsqueezeBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        return np.expand_dims(a, dim)

    @staticmethod
    def backward(ctx, g):
        return g.squeeze(ctx.dim)


def unsqueeze(input, dim):
    return Unsqueeze.apply(input, _wrap_dim(dim, input.ndim + 1))


class Permute(Op):
    """z = a with its dims reordered: z.shape[i] = a.shape[dims[i]] (a view).
    VJP: da = g permuted by the inverse permutation."""
    node_name = "PermuteBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, g):
        return g.permute(tuple(int(d) for d in np.argsort(ctx.dims)))


def permute(input, *dims):
    """``permute(1, 0)`` or ``permute((1, 0))``."""
    dims = _shape_arg(dims)
    if len(dims) != input.ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {input.ndim} is not "
                           f"equal to len(dims) = {len(dims)}")
    dims = tuple(_wrap_dim(d, input.ndim) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims)


def movedim(input, source, destination):
    """Move dims ``source`` to positions ``destination``; the others keep their order."""
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
                           f"contain the same number of dims as destination ({list(dst)} dims)")
    src = [_wrap_dim(d, input.ndim) for d in src]
    dst = [_wrap_dim(d, input.ndim) for d in dst]
    for name, dims in (("source", src), ("destination", dst)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({dims})")
    if input.ndim == 0:
        return Alias.apply(input)
    order = [d for d in range(input.ndim) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return Permute.apply(input, tuple(order))


class Transpose(Op):
    """z = a with dims ``d0`` and ``d1`` swapped (a view).   VJP: da = g with them swapped back."""
    node_name = "TransposeBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, d0, d1):
        ctx.dims = d0, d1
        return a.swapaxes(d0, d1) if a.ndim else a[...]  # a 0-d tensor's dim 0 is itself

    @staticmethod
    def backward(ctx, g):
        return g.transpose(*ctx.dims)


def transpose(input, dim0, dim1):
    return Transpose.apply(input, _wrap_dim(dim0, input.ndim), _wrap_dim(dim1, input.ndim))


class T(Op):
    """z = aᵀ for a matrix (a 0-d or 1-d tensor is returned as is; a view).   VJP: da = gᵀ."""
    node_name = "TBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a):
        return a.T

    @staticmethod
    def backward(ctx, g):
        return g.t()


def t(input, _op=T):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return _op.apply(input)


def _reversed_dims(input):
    """``x.T``: all dims reversed (torch deprecates it for ndim != 2 but still does this)."""
    return Permute.apply(input, tuple(range(input.ndim))[::-1])


def _matrix_transpose(input):
    """``x.mT``: the last two dims swapped (a batch of matrices transposed)."""
    if input.ndim < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {input.ndim}-D "
                           f"tensor.")
    return transpose(input, -2, -1)


class Repeat(Op):
    """z = a tiled ``repeats`` times along each dim (leading new dims when there are more repeats).
    VJP: da = g summed over the copies: view g as (r0, s0, r1, s1, ...) and sum the r axes."""
    node_name = "RepeatBackward0"

    @staticmethod
    def forward(ctx, a, repeats):
        ctx.shape, ctx.repeats = a.shape, repeats
        return np.tile(a, repeats)

    @staticmethod
    def backward(ctx, g):
        sizes = (1,) * (len(ctx.repeats) - len(ctx.shape)) + ctx.shape
        pairs = tuple(n for r, s in zip(ctx.repeats, sizes) for n in (r, s))
        return g.reshape(pairs).sum(tuple(range(0, len(pairs), 2))).reshape(ctx.shape)


def repeat(input, *repeats):
    repeats = _shape_arg(repeats)
    if len(repeats) < input.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    sizes = [r * s for r, s in zip(repeats, (1,) * (len(repeats) - input.ndim) + input.shape)]
    if min(sizes, default=0) < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(sizes)}: {sizes}")
    return Repeat.apply(input, repeats)


class Flip(Op):
    """z = a reversed along ``dims`` (a copy, as in torch).   VJP: da = g reversed along ``dims``."""
    node_name = "FlipBackward0"

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return np.flip(a, dims).copy()

    @staticmethod
    def backward(ctx, g):
        return g.flip(ctx.dims)


def flip(input, *dims, **kwargs):
    """``flip(x, (0, 1))``, ``x.flip(0, 1)`` or, as torch also accepts, ``dims=(0, 1)`` (Python cannot name a
    keyword like the ``*dims`` it collects, hence ``**kwargs``)."""
    if "dims" in kwargs:
        if dims:
            raise TypeError("flip() got multiple values for argument 'dims'")
        dims = (kwargs.pop("dims"),)
    if kwargs:
        raise TypeError(f"flip() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if not dims:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    return Flip.apply(input, tuple(d for d in _wrap_dims(_shape_arg(dims), input.ndim) if d < input.ndim))


# -- one tensor into many and many into one ----------------------------------------------------------------
class Split(Op):
    """(z0, z1, ...) = consecutive pieces of a along ``dim`` with the given sizes (views).
    VJP: da = the pieces' gradients concatenated (the engine gives unused pieces zero gradients)."""
    node_name = "SplitBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, sizes, dim):
        ctx.dim = dim
        return tuple(np.split(a, np.cumsum(sizes)[:-1], axis=dim))

    @staticmethod
    def backward(ctx, *grads):
        return cat(grads, ctx.dim)


class SplitWithSizes(Split):
    """``split`` with a list of sizes (torch names this overload's node differently)."""
    node_name = "SplitWithSizesBackward0"


class UnsafeSplit(Split):
    """``split`` whose pieces are not tracked as views (torch's ``unsafe_split``, used inside its RNN cells):
    they share memory with the input but not its version counter, so writing to one is not checked."""
    node_name = "UnsafeSplitBackward0"
    is_view = False


class UnsafeSplitWithSizes(UnsafeSplit):
    node_name = "UnsafeSplitWithSizesBackward0"


def _split(tensor, split_size_or_sections, dim, ops):
    """The pieces of ``split``/``unsafe_split``; ``ops`` are the (equal sizes, listed sizes) op classes."""
    dim = _wrap_dim(dim, tensor.ndim)
    n = tensor.shape[dim]
    if not isinstance(split_size_or_sections, int):
        sizes = list(split_size_or_sections)
        if any(s < 0 for s in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                               f"split_sizes={sizes}")
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                               f"dimension {dim}), but got split_sizes={sizes}")
        return ops[1].apply(tensor, sizes, dim)
    size = split_size_or_sections
    if size == 0 and n:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
    pieces = max(-(-n // size), 1) if size else 1
    return ops[0].apply(tensor, [min(size, n - i * size) for i in range(pieces)], dim)


def _chunk(input, chunks, dim, ops):
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input.shape[_wrap_dim(dim, input.ndim)]
    if n == 0:
        return ops[0].apply(input, [0] * chunks, _wrap_dim(dim, input.ndim))
    return _split(input, -(-n // chunks), dim, ops)


def split(tensor, split_size_or_sections, dim=0):
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the listed sizes."""
    return _split(tensor, split_size_or_sections, dim, (Split, SplitWithSizes))


def chunk(input, chunks, dim=0):
    """At most ``chunks`` pieces of equal size (the last may be smaller)."""
    return _chunk(input, chunks, dim, (Split, SplitWithSizes))


def unsafe_split(input, split_size, dim=0):
    """``split`` into pieces that are not tracked as views (see ``UnsafeSplit``)."""
    if not isinstance(split_size, int):
        raise TypeError(f"unsafe_split(): argument 'split_size' (position 1) must be int, not "
                        f"{type(split_size).__name__}")
    return _split(input, split_size, dim, (UnsafeSplit, UnsafeSplitWithSizes))


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    return _split(input, list(split_sizes), dim, (UnsafeSplit, UnsafeSplitWithSizes))


def unsafe_chunk(input, chunks, dim=0):
    """``chunk`` into pieces that are not tracked as views (torch's LSTM and GRU cells cut their gates so)."""
    return _chunk(input, chunks, dim, (UnsafeSplit, UnsafeSplitWithSizes))


class Unbind(Op):
    """(z0, z1, ...) = the slices of a along ``dim`` (views).   VJP: da = the gradients stacked."""
    node_name = "UnbindBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        return tuple(np.moveaxis(a, dim, 0)[i, ...] for i in range(a.shape[dim]))  # (... keeps 0-d views)

    @staticmethod
    def backward(ctx, *grads):
        return stack(grads, ctx.dim)


def unbind(input, dim=0):
    return Unbind.apply(input, _wrap_dim(dim, input.ndim))


class Cat(Op):
    """z = the inputs joined along ``dim``, at their common (promoted) dtype.
    VJP: d input_i = the slice of g where input i sits (the engine casts it to input i's dtype)."""
    node_name = "CatBackward0"

    @staticmethod
    def forward(ctx, dim, dtype, *arrays):
        ctx.dim, ctx.sizes = dim, [a.shape[dim] for a in arrays]
        return np.concatenate(arrays, axis=dim, dtype=dtype)

    @staticmethod
    def backward(ctx, g):
        return split(g, ctx.sizes, ctx.dim)


def cat(tensors, dim=0, *, out=None):
    if not len(tensors):
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    dtype = result_type(*tensors).np
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # torch still accepts 1-d empty tensors next to anything (the ``torch.cat([torch.tensor([]), x])`` idiom)
    first = next((t for t in tensors if t.shape != (0,)), tensors[0])
    dim = _wrap_dim(dim, first.ndim)
    empty = first.shape[:dim] + (0,) + first.shape[dim + 1:]
    tensors = [t.reshape(empty) if t.shape == (0,) != empty else t for t in tensors]
    for i, t in enumerate(tensors):
        if t.ndim != first.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {first.ndim} and {t.ndim}")
        for d, (s0, s) in enumerate(zip(first.shape, t.shape)):
            if d != dim and s != s0:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}. Expected size {s0} but "
                                   f"got size {s} for tensor number {i} in the list.")
    result = Cat.apply(dim, dtype, *tensors)
    if out is not None:
        return copy_into_out(out, result)
    return result


class Stack(Op):
    """z = the inputs (all of one shape) stacked along a new dim ``dim``, at their promoted dtype.
    VJP: d input_i = g[..., i, ...] along ``dim``."""
    node_name = "StackBackward0"

    @staticmethod
    def forward(ctx, dim, dtype, *arrays):
        ctx.dim = dim
        return np.stack(arrays, axis=dim, dtype=dtype)

    @staticmethod
    def backward(ctx, g):
        return unbind(g, ctx.dim)


def stack(tensors, dim=0, *, out=None):
    if not len(tensors):
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                               f"entry 0 and {list(t.shape)} at entry {i}")
    result = Stack.apply(_wrap_dim(dim, tensors[0].ndim + 1), result_type(*tensors).np, *tensors)
    if out is not None:
        return copy_into_out(out, result)
    return result


# -- stacking by dims and splitting at indices: compositions of the ops above, as in torch ---------------------
def atleast_1d(*tensors):
    """Each tensor with at least 1 dim: a 0-d tensor becomes shape (1,) (a reshape); others are returned as they
    are. One tensor gives a tensor; several (or a list) give a tuple."""
    return _each(tensors, lambda t: reshape(t, (1,)) if t.ndim == 0 else t)


def atleast_2d(*tensors):
    """Each tensor with at least 2 dims: () -> (1, 1) (a reshape), (n,) -> (1, n) (unsqueeze(0))."""
    return _each(tensors, lambda t: reshape(t, (1, 1)) if t.ndim == 0 else unsqueeze(t, 0) if t.ndim == 1 else t)


def atleast_3d(*tensors):
    """Each tensor with at least 3 dims: () -> (1, 1, 1), (n,) -> (1, n, 1), (m, n) -> (m, n, 1)."""
    def lift(t):
        if t.ndim == 0:
            return reshape(t, (1, 1, 1))
        if t.ndim == 1:
            return unsqueeze(unsqueeze(t, 0), -1)
        return unsqueeze(t, -1) if t.ndim == 2 else t
    return _each(tensors, lift)


def _each(tensors, fn):
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        return tuple(fn(t) for t in tensors[0])
    return fn(tensors[0]) if len(tensors) == 1 else tuple(fn(t) for t in tensors)


def _non_empty(name, tensors):
    if not len(tensors):
        raise RuntimeError(f"{name} expects a non-empty TensorList")


def hstack(tensors, *, out=None):
    """Joined along dim 1 (dim 0 for 1-d tensors), 0-d tensors taken as 1-d: ``cat(atleast_1d(tensors), dim)``."""
    _non_empty("hstack", tensors)
    tensors = atleast_1d(tensors)
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None):
    """Joined along dim 0, as rows: ``cat(atleast_2d(tensors), 0)`` (a vector is a row)."""
    _non_empty("vstack", tensors)
    return cat(atleast_2d(tensors), 0, out=out)


def dstack(tensors, *, out=None):
    """Joined along dim 2 (depth): ``cat(atleast_3d(tensors), 2)``."""
    _non_empty("dstack", tensors)
    return cat(atleast_3d(tensors), 2, out=out)


def column_stack(tensors, *, out=None):
    """Joined along dim 1, a 0-d or 1-d tensor taken as one column (reshaped to (numel, 1))."""
    _non_empty("column_stack", tensors)
    return cat([reshape(t, (t.numel(), 1)) if t.ndim <= 1 else t for t in tensors], 1, out=out)


# -- in-place view ops: the tensor itself takes the view's shape and strides ---------------------------------
# (torch numbers their nodes differently from the out-of-place ones; the math is the same)
class TInplace(T):
    node_name = "TBackward1"


class TransposeInplace(Transpose):
    node_name = "TransposeBackward1"


class UnsqueezeInplace(Unsqueeze):
    node_name = "UnsqueezeBackward1"


class SqueezeInplace(Squeeze):
    node_name = "SqueezeBackward3"


class SqueezeDimInplace(Squeeze):
    node_name = "SqueezeBackward4"


class SqueezeDimsInplace(Squeeze):
    node_name = "SqueezeBackward5"


def _become(self, view):
    """``self`` turns into ``view`` (a view of itself): its shape, strides and place in the graph."""
    if self.requires_grad and self.is_leaf:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    self._data = view._data
    self._vc[0] += 1
    if self._view is not None:  # a view stays a view of its base, now one view op further from it
        self._view = view._view
    if view.requires_grad:
        self.grad_fn, self._output_nr = view.grad_fn, view._output_nr
    return self


def t_(self):
    return _become(self, t(self, TInplace))


def transpose_(self, dim0, dim1):
    return _become(self, TransposeInplace.apply(self, _wrap_dim(dim0, self.ndim), _wrap_dim(dim1, self.ndim)))


def unsqueeze_(self, dim):
    return _become(self, UnsqueezeInplace.apply(self, _wrap_dim(dim, self.ndim + 1)))


def squeeze_(self, dim=None):
    return _become(self, _squeeze(self, dim, (SqueezeInplace, SqueezeDimInplace, SqueezeDimsInplace)))
