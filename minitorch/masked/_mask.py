"""What every masked operation does first: the mask made canonical (broadcast to the input, boolean), the
dims made a sorted tuple, and the masked-out elements replaced by the operation's identity value, so that an
ordinary reduction over the result ignores them.

As in torch (torch/masked/_ops.py), the replacement is a ``where(mask, input, identity)``: the gradient of a
masked-out element is zero, and the graph records ``WhereBackward0`` before the reduction's own node.
"""
import numpy as np

from .. import _dtype
from .._layout import strided
from ..creation import tensor
from ..ops.shape import broadcast_to
from ..ops.where import where


def canonical_dim(dim, ndim):
    """``dim`` (None, (), an int, or a tuple/list of ints) as a sorted tuple of non-negative dims; None and ()
    mean every dim. A 0-d input has one dim to name (0 or -1), as in torch."""
    if dim == () or dim is None:
        return tuple(range(ndim))
    ndim = max(ndim, 1)
    dims = []
    for d in (dim,) if isinstance(dim, int) else dim:
        if d in dims:
            raise RuntimeError(f"dim={d} appears multiple times in the list of dims")
        if d >= ndim or d < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], "
                             f"but got {d})")
        dims.append(d % ndim)
    return tuple(sorted(dims))


def input_mask(input, mask):
    """``mask`` broadcast to ``input``'s shape and cast to bool (any dtype is read as "nonzero = keep"); a
    mask of more dims than the input is refused, as torch refuses it. A sparse mask is made dense."""
    if mask.layout is not strided:
        mask = mask.to_dense()
    if mask.shape != input.shape:
        if mask.ndim > input.ndim:
            raise IndexError("_input_mask expected broadcastable mask (got mask dimensionality higher than of "
                             "the input)")
        mask = broadcast_to(mask.clone(), input.shape)
    return mask.to(dtype=_dtype.bool_)


def identity(op_name, input, ord=2):
    """The value that does not change ``op_name``'s reduction (0-d, input's dtype): 0 for sums, 1 for
    products, the lowest value for maxima (-inf for floats, the dtype's min for integers), the highest for
    minima; NaN (float32 for integer inputs) for median, which ignores NaNs; norms start at 0 (inf for
    ord=-inf, the minimum of the absolute values). torch's NotImplementedError where there is none (the
    maximum of bools)."""
    dtype = input.dtype
    if op_name in ("sum", "cumsum"):
        return tensor(0, dtype=dtype)
    if op_name in ("prod", "cumprod"):
        return tensor(1, dtype=dtype)
    if op_name in ("amax", "argmax", "logaddexp", "logsumexp", "amin", "argmin"):
        highest = op_name in ("amin", "argmin")
        if dtype.is_floating_point:
            return tensor(np.inf if highest else -np.inf, dtype=dtype)
        if dtype.is_signed or dtype is _dtype.uint8:
            info = np.iinfo(dtype.np)
            return tensor(int(info.max if highest else info.min), dtype=dtype)
    if op_name == "norm":
        if ord == -np.inf:
            if not dtype.is_floating_point:
                raise AssertionError(f"input must be floating point, got {dtype}")
            return tensor(np.inf, dtype=dtype)
        return tensor(0, dtype=dtype)
    if op_name == "median":
        return tensor(np.nan, dtype=dtype if dtype.is_floating_point else _dtype.float32)
    raise NotImplementedError(f"identity of {op_name} on {dtype} input")


def combine(op_name, input, mask, ord=2):
    """``input`` with its masked-out elements replaced by ``op_name``'s identity (``input`` itself when
    ``mask`` is None)."""
    if input.layout is not strided:
        raise ValueError(f"minitorch.masked expects strided tensors (got {input.layout} tensor): sparse inputs, "
                         f"which torch.masked also takes, are not supported")
    if mask is None:
        return input
    return where(input_mask(input, mask), input, identity(op_name, input, ord))



# -- torch.masked._input_mask and _output_mask: the masks of an operation's input and result. Private in torch,
# but reached as torch.masked._output_mask by OpInfo's gradcheck wrappers (which zero the masked-out results
# before comparing), so minitorch.masked has them under the same names and signatures.
_REDUCTIONS = {"sum", "prod", "amax", "amin", "argmax", "argmin", "mean", "median", "norm", "var", "std",
               "logsumexp"}
_NORMALIZATIONS = {"softmax", "log_softmax", "softmin", "normalize", "cumsum", "cumprod"}


def _input_mask(input, *args, **kwargs):
    """The canonical mask of ``input`` (``kwargs["mask"]`` broadcast to its shape, boolean)."""
    if kwargs.get("mask") is None:
        raise ValueError("_input_mask requires explicit mask")
    return input_mask(input, kwargs["mask"])


def _output_mask(op, input, *args, **kwargs):
    """Which elements of ``op(input, *args, **kwargs)`` some kept element reaches: for a reduction, whether
    any element of the slice is kept (``any`` over ``dim``); for a normalization, the input's mask."""
    name = getattr(op, "__name__", None)
    if name in _REDUCTIONS:
        if name == "norm":
            args = args[1:]  # ord comes before dim
        dim = args[0] if args else kwargs.get("dim")
        result = _input_mask(input, *args, **kwargs)
        for d in reversed(canonical_dim(dim, input.ndim)):
            result = result.any(dim=d, keepdim=bool(kwargs.get("keepdim", False)))
        return result
    if name in _NORMALIZATIONS:
        return _input_mask(input, *args, **kwargs)
    raise ValueError(f"_output_mask expected masked operation (got {type(op).__name__} object)")
