"""Shape operations: views and copies that rearrange elements without computing new values.

Their VJPs rearrange the gradient the opposite way: a reshape's VJP reshapes back, an expand's VJP
sums over the broadcast dims, a permute's VJP applies the inverse permutation, a split's VJP
concatenates the pieces' gradients, a concatenation's VJP splits the gradient; roll, rot90, tile (repeat),
block_diag and unfold likewise. hstack, vstack, dstack, column_stack, atleast_nd, hsplit/vsplit/dsplit (tensor_split, in indexing.py),
fliplr/flipud, broadcast_to/broadcast_tensors, meshgrid, cartesian_prod, combinations and repeat_interleave are
compositions of these (and of indexing), built as torch builds them (so their graphs have torch's nodes) and with
no VJP of their own.

Views (view, expand, squeeze, unsqueeze, permute, transpose, t, split and unbind pieces, unfold) return NumPy
views of the input's array: they share its memory and its version counter, as torch's views do. The view
functions take the op to apply as ``_op``: ops/view_copy.py passes each view op's copy twin (``expand_copy`` is
``expand`` applying ``ExpandCopy``), so that the arguments are checked in one place.
"""
import functools
import itertools
import warnings

import numpy as np

from .._dtype import bool_, result_type
from .._size import broadcast_shape
from ..kernels.broadcast import broadcast_fast
from ..tensor import Tensor, _make, _wrap_dim, _wrap_shape_dim
from .convert import clone, contiguous
from .inplace import copy_into_out
from ..autograd import forward_ad
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

    linear = True  # JVP: the op itself, applied to the tangents
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
    linear = True  # JVP: the op itself, applied to the tangents
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
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "ExpandBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return broadcast_fast(a, shape)  # np.broadcast_to (kernels/broadcast.py: direct for a 0-d a, a loss's grad)

    @staticmethod
    def backward(ctx, g):
        return g.sum_to_size(ctx.shape)


def view(input, *shape, _op=View):
    if len(shape) == 1 and hasattr(shape[0], "np"):  # view(dtype) reinterprets bytes
        return _make(input._data.view(shape[0].np))
    shape = _infer_shape(_shape_arg(shape), input._data.size)
    if not _viewable(input._data, shape):
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return _op.apply(input, shape)


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


def expand(input, *sizes, _op=Expand):
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
    return _op.apply(input, tuple(shape))


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
    linear = True  # JVP: the op itself, applied to the tangents
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
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "UnsqueezeBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        return np.expand_dims(a, dim)

    @staticmethod
    def backward(ctx, g):
        return g.squeeze(ctx.dim)


def unsqueeze(input, dim, _op=Unsqueeze):
    return _op.apply(input, _wrap_dim(dim, input.ndim + 1))


class Permute(Op):
    """z = a with its dims reordered: z.shape[i] = a.shape[dims[i]] (a view).
    VJP: da = g permuted by the inverse permutation."""
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "PermuteBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, g):
        return g.permute(tuple(int(d) for d in np.argsort(ctx.dims)))


def permute(input, *dims, _op=Permute):
    """``permute(1, 0)`` or ``permute((1, 0))``."""
    dims = _shape_arg(dims)
    if len(dims) != input.ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {input.ndim} is not "
                           f"equal to len(dims) = {len(dims)}")
    dims = tuple(_wrap_dim(d, input.ndim) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _op.apply(input, dims)


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
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "TransposeBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, d0, d1):
        ctx.dims = d0, d1
        return a.swapaxes(d0, d1) if a.ndim else a[...]  # a 0-d tensor's dim 0 is itself

    @staticmethod
    def backward(ctx, g):
        return g.transpose(*ctx.dims)


def transpose(input, dim0, dim1, _op=Transpose):
    return _op.apply(input, _wrap_dim(dim0, input.ndim), _wrap_dim(dim1, input.ndim))


class T(Op):
    """z = aᵀ for a matrix (a 0-d or 1-d tensor is returned as is; a view).   VJP: da = gᵀ."""
    linear = True  # JVP: the op itself, applied to the tangents
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


# The conjugate transposes: for real tensors (minitorch's only kind) the conjugate is the tensor itself
def _adjoint_of_scalar(input, name):
    warnings.warn(f"{name} is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=3)
    return input


def _conj_transpose(input):
    """``x.H``: a matrix's conjugate transpose."""
    if input.ndim == 0:
        return _adjoint_of_scalar(input, "Tensor.H")
    if input.ndim != 2:
        hint = " For batches of matrices, consider using tensor.mH" if input.ndim > 2 else ""
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {input.ndim}-D tensor.{hint}")
    return transpose(input, 0, 1)


def _matrix_adjoint(input, name="tensor.mH"):
    """``x.mH``, ``x.adjoint()``: the last two dims swapped, conjugated."""
    if input.ndim == 0:
        return _adjoint_of_scalar(input, "Tensor.mH" if name == "tensor.mH" else "adjoint()")
    if input.ndim < 2:
        raise RuntimeError(f"{name} is only supported on matrices or batches of matrices. Got {input.ndim}-D tensor.")
    return transpose(input, -2, -1)


def adjoint(input):
    return _matrix_adjoint(input, "tensor.adjoint()")


class Repeat(Op):
    """z = a tiled ``repeats`` times along each dim (leading new dims when there are more repeats).
    VJP: da = g summed over the copies: view g as (r0, s0, r1, s1, ...) and sum the r axes (and the size-1 s axes
    of the leading new dims, so that the sum is a's shape: as torch, whose last node is the sum)."""
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "RepeatBackward0"

    @staticmethod
    def forward(ctx, a, repeats):
        ctx.shape, ctx.repeats = a.shape, repeats
        return np.tile(a, repeats)

    @staticmethod
    def backward(ctx, g):
        lead = len(ctx.repeats) - len(ctx.shape)
        if not ctx.repeats:  # (a 0-d tensor repeated no times: itself)
            return g
        pairs = tuple(n for r, s in zip(ctx.repeats, (1,) * lead + ctx.shape) for n in (r, s))
        return g.reshape(pairs).sum(tuple(range(0, len(pairs), 2)) + tuple(range(1, 2 * lead, 2)))


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
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "FlipBackward0"

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return np.flip(a, dims).copy()

    @staticmethod
    def backward(ctx, g):
        return g.flip(ctx.dims)


def _dims_arg(name, dims, kwargs):
    """``f(x, (0, 1))``, ``x.f(0, 1)`` or, as torch also accepts, ``dims=(0, 1)`` (Python cannot name a keyword
    like the ``*dims`` it collects, hence ``**kwargs``): the dims as a tuple."""
    if "dims" in kwargs:
        if dims:
            raise TypeError(f"{name}() got multiple values for argument 'dims'")
        dims = (kwargs.pop("dims"),)
    if kwargs:
        raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if not dims:
        raise TypeError(f'{name}() missing 1 required positional arguments: "dims"')
    return _shape_arg(dims)


def flip(input, *dims, **kwargs):
    """``flip(x, (0, 1))``, ``x.flip(0, 1)`` or ``flip(x, dims=(0, 1))``."""
    dims = _dims_arg("flip", dims, kwargs)
    return Flip.apply(input, tuple(d for d in _wrap_dims(dims, input.ndim) if d < input.ndim))


def fliplr(input):
    """Columns reversed: ``flip(input, 1)``."""
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input):
    """Rows reversed: ``flip(input, 0)``."""
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


def tile(input, *dims, **kwargs):
    """``repeat``, with ``dims`` padded by leading 1s to the tensor's number of dims."""
    dims = _dims_arg("tile", dims, kwargs)
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


class Roll(Op):
    """z = a shifted by ``shifts`` along ``dims``, wrapping around (no dims: a flattened, shifted, reshaped back).
    VJP: da = g shifted back."""
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "RollBackward0"

    @staticmethod
    def forward(ctx, a, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return np.roll(a, shifts, dims)

    @staticmethod
    def backward(ctx, g):
        return Roll.apply(g, tuple(-s for s in ctx.shifts), ctx.dims)


def roll(input, shifts, dims=None):
    """Elements shifted ``shifts`` places along ``dims``, those pushed off the end coming back at the start; with
    no dims, those of the flattened tensor (one shift)."""
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = () if dims is None else (dims,) if isinstance(dims, int) else tuple(dims)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if len(shifts) != len(dims) and not (len(shifts) == 1 and not dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    dims = tuple(_wrap_shape_dim(d, input.ndim) for d in dims) or None  # (None: roll the flattened tensor)
    return Roll.apply(input, shifts, dims)


class Rot90(Op):
    """z = a turned k quarter turns in the plane of ``dims``, from the first dim towards the second (a copy).
    VJP: da = g turned back."""
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "Rot90Backward0"

    @staticmethod
    def forward(ctx, a, k, dims):
        ctx.k, ctx.dims = k, dims
        return np.rot90(a, k, dims).copy()

    @staticmethod
    def backward(ctx, g):
        return Rot90.apply(g, -ctx.k, ctx.dims)


def rot90(input, k=1, dims=(0, 1)):
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    wrapped = tuple(_wrap_dim(d, input.ndim) for d in dims)
    if wrapped[0] == wrapped[1]:  # ((0, -2) of a matrix too: torch names the dims as given)
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    return Rot90.apply(input, k % 4, wrapped)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element repeated ``repeats`` times along ``dim`` (None: of the flattened input), as torch builds it:
    an int repeats is unsqueeze, expand, clone and view (the copies side by side); a tensor of repeats is
    index_select with the indices repeated. ``repeat_interleave(repeats)`` alone gives those indices."""
    from ..tensor import Tensor
    if repeats is None:
        return _repeated_indices(input, output_size)
    if isinstance(repeats, Tensor) and input.ndim == 0 and dim is not None:
        _wrap_shape_dim(dim, 0)  # (torch's error: a 0-d tensor has no dim to repeat along)
    if isinstance(repeats, int) and repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    if dim is None:
        input, dim = reshape(input, -1), 0
    dim = _wrap_dim(dim, input.ndim)
    if isinstance(repeats, Tensor):
        from .indexing import index_select
        return index_select(input, dim, _repeated_indices(repeats, output_size, input.shape, dim))
    n = input.shape[dim] if input.ndim else 1
    if output_size is not None and output_size != n * repeats:
        raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {n * repeats} but got {output_size}")
    copies = unsqueeze(input, dim + 1)  # (a 0-d input has no dim 1: torch's error)
    copies = expand(copies, copies.shape[:dim + 1] + (repeats,) + copies.shape[dim + 2:])
    return view(clone(copies), input.shape[:dim] + (n * repeats,) + input.shape[dim + 1:])


def _repeated_indices(repeats, output_size, shape=None, dim=None):
    """[0] * repeats[0] + [1] * repeats[1] + ...: the indices that repeat_interleave selects (``shape``: of the
    input, whose dim ``dim`` they index; one repeat count then stands for all)."""
    from ..tensor import _make
    r = repeats._data
    if shape is None and r.ndim != 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    if r.ndim > 1:
        raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
    if r.dtype.kind not in "iu":
        raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for '{repeats.dtype.scalar_name}'")
    dtype = r.dtype if shape is None else np.int64
    if shape is not None:
        if r.size == 1:
            r = np.broadcast_to(r.reshape(1), (shape[dim],))
        elif r.size != shape[dim]:
            raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{r.size} and input.size({dim}) = {shape[dim]}")
    if r.size and r.min() < 0:
        raise RuntimeError("repeats can not be negative")
    if output_size is not None and output_size != r.sum():
        raise RuntimeError("allocated size does not match required size")
    return _make(np.repeat(np.arange(r.size, dtype=dtype), r))


# -- one tensor into many and many into one ----------------------------------------------------------------
class Split(Op):
    """(z0, z1, ...) = consecutive pieces of a along ``dim`` with the given sizes (views).
    VJP: da = the pieces' gradients concatenated (the engine gives unused pieces zero gradients)."""
    linear = True  # JVP: the op itself, applied to the tangents
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


def split(tensor, split_size_or_sections, dim=0, _op=Split):
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the listed sizes."""
    if not isinstance(split_size_or_sections, int):
        return split_with_sizes(tensor, split_size_or_sections, dim)
    dim = _wrap_dim(dim, tensor.ndim)
    n = tensor.shape[dim]
    size = split_size_or_sections
    if size == 0 and n:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
    pieces = max(-(-n // size), 1) if size else 1
    return _op.apply(tensor, [min(size, n - i * size) for i in range(pieces)], dim)


def split_with_sizes(input, split_sizes, dim=0, _op=SplitWithSizes):
    """Consecutive pieces of the listed sizes along ``dim`` (views)."""
    dim = _wrap_dim(dim, input.ndim)
    n, sizes = input.shape[dim], [int(s) for s in split_sizes]
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                           f"split_sizes={sizes}")
    if sum(sizes) != n:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                           f"dimension {dim}), but got split_sizes={sizes}")
    return _op.apply(input, sizes, dim)


def chunk(input, chunks, dim=0, _ops=(Split, SplitWithSizes)):
    """At most ``chunks`` pieces of equal size (the last may be smaller); of an empty dim, ``chunks`` empty pieces
    (torch's split_with_sizes then, as its node names tell)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input.shape[_wrap_dim(dim, input.ndim)]
    if n == 0:
        return _ops[1].apply(input, [0] * chunks, _wrap_dim(dim, input.ndim))
    return split(input, -(-n // chunks), dim, _ops[0])


# torch's "unsafe" splits: the same pieces, sharing memory, but not tracked as views (so that they can be changed
# in place, at the caller's risk)
class UnsafeSplit(Split):
    node_name = "UnsafeSplitBackward0"
    is_view = False


class UnsafeSplitWithSizes(SplitWithSizes):
    node_name = "UnsafeSplitWithSizesBackward0"
    is_view = False


def unsafe_split(input, split_size, dim=0):
    if not isinstance(split_size, int):
        raise TypeError(f"unsafe_split(): argument 'split_size' (position 2) must be int, not "
                        f"{type(split_size).__name__}")
    return split(input, split_size, dim, UnsafeSplit)


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    return split_with_sizes(input, split_sizes, dim, UnsafeSplitWithSizes)


def unsafe_chunk(input, chunks, dim=0):
    return chunk(input, chunks, dim, (UnsafeSplit, UnsafeSplitWithSizes))


class Unbind(Op):
    """(z0, z1, ...) = the slices of a along ``dim`` (views).   VJP: da = the gradients stacked."""
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "UnbindBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        return tuple(np.moveaxis(a, dim, 0)[i, ...] for i in range(a.shape[dim]))  # (... keeps 0-d views)

    @staticmethod
    def backward(ctx, *grads):
        return stack(grads, ctx.dim)


def unbind(input, dim=0, _op=Unbind):
    return _op.apply(input, _wrap_dim(dim, input.ndim))


class Cat(Op):
    """z = the inputs joined along ``dim``, at their common (promoted) dtype.
    VJP: d input_i = the slice of g where input i sits (the engine casts it to input i's dtype)."""
    linear = True  # JVP: the op itself, applied to the tangents
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
    linear = True  # JVP: the op itself, applied to the tangents
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
    first = tensors[0]._data  # (arrays' shapes and dtypes: a DataLoader stacks a batch of rows on every step)
    for i, t in enumerate(tensors):
        if t._data.shape != first.shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(first.shape)} at "
                               f"entry 0 and {list(t._data.shape)} at entry {i}")
    same = all(t._data.dtype is first.dtype for t in tensors)  # nothing to promote, the common case
    result = Stack.apply(_wrap_dim(dim, first.ndim + 1), first.dtype if same else result_type(*tensors).np, *tensors)
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


def _split_along(name, min_ndim, dim=None):
    """hsplit (dim 1, or 0 of a vector), vsplit (dim 0), dsplit (dim 2): tensor_split along that dim, where a
    number of sections must divide the dim's size."""
    def fn(input, indices_or_sections):
        if input.ndim < min_ndim:
            raise RuntimeError(f"torch.{name} requires a tensor with at least {min_ndim} dimension, but got a tensor "
                               f"with {input.ndim} dimensions!")
        d = dim if dim is not None else 0 if input.ndim == 1 else 1
        n, k = input.shape[d], indices_or_sections
        if isinstance(k, int) and (k == 0 or n % k):
            raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but the size of the dimension "
                               f"{n} is not divisible by the split_size {k}!")
        from .indexing import tensor_split  # (indexing imports this module)
        return tensor_split(input, k, d)
    fn.__name__ = name
    return fn


hsplit, vsplit, dsplit = _split_along("hsplit", 1), _split_along("vsplit", 2, 0), _split_along("dsplit", 3, 2)


# -- broadcasting, grids and blocks: several tensors arranged together -----------------------------------------
def broadcast_to(input, size):
    return expand(input, size)


def broadcast_tensors(*tensors):
    """Each tensor expanded to the shape they all broadcast to (a tensor of that shape already: itself)."""
    shape = functools.reduce(broadcast_shape, [t.shape for t in tensors], ())
    return tuple(t if t.shape == shape else expand(t, shape) for t in tensors)


def meshgrid(*tensors, indexing=None):
    """Grids of n 0-d or 1-d tensors: tensor i viewed along dim i of the grid and expanded ('ij'), or, with
    'xy', the first two dims swapped (the first tensor varies along columns, as x in a plot)."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if any(t.dtype != tensors[0].dtype for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    along = list(range(len(tensors)))  # along[i]: the grid dim that tensor i varies along
    if indexing == "xy" and len(tensors) > 1:
        along[0], along[1] = 1, 0
    shape = [0] * len(tensors)
    for t, d in zip(tensors, along):
        shape[d] = t.numel()
    return tuple(expand(view(t, tuple(-1 if i == d else 1 for i in range(len(shape)))), tuple(shape))
                 for t, d in zip(tensors, along))


def cartesian_prod(*tensors):
    """Every tuple of one element from each vector, in order: the meshgrid's grids flattened, as columns."""
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    return stack([flatten(g) for g in meshgrid(*tensors, indexing="ij")], 1)


def combinations(input, r=2, with_replacement=False):
    """The length-r combinations of a vector's elements (rows, in lexicographic order of their positions):
    ``input[indices]``, an advanced index (IndexBackward0)."""
    from ..tensor import _make
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _make(np.empty(0, input._data.dtype))
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    return input[_make(np.array(list(pick(range(input.shape[0]), r)), np.int64).reshape(-1, r))]


class BlockDiag(Op):
    """z = the inputs, as matrices (0-d: 1x1, 1-d: one row), along the diagonal of zeros, at their promoted
    dtype.   VJP: d input_i = g's block where input i sits, in input i's shape."""
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "BlockDiagBackward0"

    @staticmethod
    def forward(ctx, dtype, *arrays):
        blocks = [a.reshape(1, -1) if a.ndim < 2 else a for a in arrays]
        rows, cols = np.cumsum([0] + [b.shape[0] for b in blocks]), np.cumsum([0] + [b.shape[1] for b in blocks])
        ctx.blocks = [(slice(r0, r1), slice(c0, c1), a.shape)
                      for r0, r1, c0, c1, a in zip(rows, rows[1:], cols, cols[1:], arrays)]
        out = np.zeros((rows[-1], cols[-1]), dtype)
        for (r, c, _), b in zip(ctx.blocks, blocks):
            out[r, c] = b
        return out

    @staticmethod
    def backward(ctx, g):
        return tuple(g[r, c].reshape(shape) for r, c, shape in ctx.blocks)


def block_diag(*tensors):
    if not tensors:  # (torch's answer: one empty row)
        from ..creation import zeros
        return zeros(1, 0)
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.ndim} dimensions")
    return BlockDiag.apply(result_type(*tensors).np, *tensors)


class Unfold(Op):
    """z = the windows of ``size`` elements, ``step`` apart, along ``dim`` (a view; each window along a new last
    dim).   VJP: da = each window's gradient added back where the window came from."""
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "UnfoldBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, a, dim, size, step):
        ctx.shape, ctx.args = a.shape, (dim, size, step)
        if a.ndim == 0:  # one element: its window (or none, for size 0)
            return np.lib.stride_tricks.as_strided(a, (size,), (0,))
        count = (a.shape[dim] - size) // step + 1
        shape = a.shape[:dim] + (count,) + a.shape[dim + 1:] + (size,)
        strides = a.strides[:dim] + (a.strides[dim] * step,) + a.strides[dim + 1:] + (a.strides[dim],)
        return np.lib.stride_tricks.as_strided(a, shape, strides)

    @staticmethod
    def backward(ctx, g):
        return UnfoldBackwardBackward.apply(g, ctx.shape, *ctx.args)


class UnfoldBackwardBackward(Op):
    """z = zeros of ``shape`` with the windows of g added at their places (Unfold's VJP as an op).
    VJP: dg = the windows of gz."""
    node_name = "UnfoldBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, dim, size, step):
        ctx.args = dim, size, step
        out = np.zeros(shape, g.dtype)
        if not shape:
            out[...] = g.sum()
            return out
        count = g.shape[dim]
        for j in range(size):  # the j-th element of every window: one strided slice, no place twice
            np.moveaxis(out, dim, 0)[j:j + step * count:step] += np.moveaxis(g[..., j], dim, 0)
        return out

    @staticmethod
    def backward(ctx, gz):
        return Unfold.apply(gz, *ctx.args)


def unfold(input, dimension, size, step, _op=Unfold):
    dim = _wrap_dim(dimension, input.ndim)
    n = input.shape[dim] if input.ndim else 1
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return _op.apply(input, dim, int(size), int(step))


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
    if forward_ad.STATE.level is not None:  # forward mode: self's tangent takes the view's shape too
        forward_ad.carry_tangent(view, self)
    return self


def t_(self):
    return _become(self, t(self, TInplace))


def transpose_(self, dim0, dim1):
    return _become(self, TransposeInplace.apply(self, _wrap_dim(dim0, self.ndim), _wrap_dim(dim1, self.ndim)))


def unsqueeze_(self, dim):
    return _become(self, UnsqueezeInplace.apply(self, _wrap_dim(dim, self.ndim + 1)))


def squeeze_(self, dim=None):
    return _become(self, _squeeze(self, dim, (SqueezeInplace, SqueezeDimInplace, SqueezeDimsInplace)))


# -- the remaining OpInfo ops (native lane): Tensor.resize_as_
def resize_as_(self, the_template):
    """self takes the shape of ``the_template``, in place: its elements in order, the first ``numel`` of them
    kept (a shorter self is extended by zeros, where torch leaves the new memory uninitialized). Like torch's,
    refused for a tensor that requires grad. (torch keeps self's storage and makes it contiguous; for a
    non-contiguous self it reads the storage's order, this its elements' order.)"""
    if self.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    shape = tuple(the_template.shape)
    if shape == tuple(self.shape):  # nothing changes (torch's version counter stays too)
        return self
    n, flat = the_template.numel(), self._data.reshape(-1)
    if len(flat) < n:
        flat = np.concatenate([flat, np.zeros(n - len(flat), flat.dtype)])
    self._data = flat[:n].reshape(shape)
    self._vc[0] += 1
    return self
