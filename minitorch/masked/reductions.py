"""The masked reductions: sum, prod, amax, amin, argmax, argmin, mean, median, norm, var, std, logsumexp.

Each is torch's composition (torch/masked/_ops.py) in minitorch's ops: the masked-out elements replaced by
the reduction's identity (``_mask.combine``: a ``where``), then the ordinary reduction over ``dim``. So the
gradient is the ordinary reduction's, zero at masked-out elements, and the graph's node names are torch's.
Where every element of a slice is masked out the result is the identity (sum 0, prod 1, amax -inf, ...), or
NaN where there is none (mean, median, var, std).

``dim`` is None (every dim), an int or a tuple of ints, except for argmax, argmin and median (one int).
"""
from .. import _dtype
from ..creation import ones
from ..ops.arithmetic import _silent, div, sub
from ..ops.pointwise.clamping import maximum
from ..ops.pointwise.exp_log import sqrt
from ..ops.reduction import amax as _amax, amin as _amin, argmax as _argmax, argmin as _argmin
from ..ops.reduction import logsumexp as _logsumexp, sum as _sum, vector_norm
from ..ops.sorting import nanmedian
from ._mask import canonical_dim, combine, input_mask

# torch sums (and multiplies) bool and integer types narrower than int64 in int64, as torch.sum does
_WIDENED = (_dtype.bool_, _dtype.uint8, _dtype.int8, _dtype.int16, _dtype.int32)


def _accumulating(input, dtype):
    return dtype if dtype is not None else _dtype.int64 if input.dtype in _WIDENED else input.dtype


def sum(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The sum of the elements where ``mask`` is True; 0 where none is."""
    dtype = _accumulating(input, dtype)
    return _sum(combine("sum", input, mask), canonical_dim(dim, input.ndim), bool(keepdim), dtype=dtype)


def prod(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The product of the elements where ``mask`` is True; 1 where none is (one dim at a time, last first,
    as torch: ``ProdBackward1`` per dim)."""
    dtype = _accumulating(input, dtype)
    result = combine("prod", input, mask).to(dtype=dtype)
    for d in reversed(canonical_dim(dim, input.ndim)):
        result = result.prod(dim=d, keepdim=bool(keepdim))
    return result


def amax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The largest element where ``mask`` is True; -inf (an integer dtype's min) where none is."""
    dtype = input.dtype if dtype is None else dtype
    masked = combine("amax", input, mask)
    return _amax(masked, canonical_dim(dim, masked.ndim), bool(keepdim)).to(dtype=dtype)


def amin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The smallest element where ``mask`` is True; inf (an integer dtype's max) where none is."""
    dtype = input.dtype if dtype is None else dtype
    masked = combine("amin", input, mask)
    return _amin(masked, canonical_dim(dim, masked.ndim), bool(keepdim)).to(dtype=dtype)


def argmax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The index of the largest element where ``mask`` is True (0 where none is), in ``dtype`` - by default
    the input's, as torch.masked returns it (a float tensor of indices for a float input)."""
    dtype = input.dtype if dtype is None else dtype
    return _argmax(combine("argmax", input, mask), dim, bool(keepdim)).to(dtype=dtype)


def argmin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The index of the smallest element where ``mask`` is True (0 where none is), in ``dtype`` (by default
    the input's)."""
    dtype = input.dtype if dtype is None else dtype
    return _argmin(combine("argmin", input, mask), dim, bool(keepdim)).to(dtype=dtype)


def _count(input, dim, keepdim, mask):
    """How many elements each result sums (int64): the mask's True elements, or every element."""
    if mask is None:
        return sum(ones(input.shape, dtype=_dtype.int64), dim, keepdim=keepdim)
    return mask.sum(dim=dim, keepdim=bool(keepdim))


def mean(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The sum where ``mask`` is True over how many are: ``sum(x, mask) / count(mask)``; NaN where none is
    (0 / 0). Floating dtypes only."""
    source = "Optional" if dtype is not None else "Input"
    dtype = input.dtype if dtype is None else dtype
    if not dtype.is_floating_point:
        raise ValueError(f"mean(): Could not infer output dtype. {source} dtype must be either a floating point "
                         f"or complex dtype. Got: {dtype}")
    mask = None if mask is None else input_mask(input, mask)
    total = sum(input, dim, keepdim=keepdim, dtype=dtype, mask=mask)
    with _silent():  # none masked in: 0 / 0 is NaN, without NumPy's warning (torch is silent)
        return div(total, _count(input, dim, keepdim, mask))


def median(input, dim=-1, *, keepdim=False, dtype=None, mask=None):
    """The median of the elements where ``mask`` is True (the lower of the two middle ones, as torch.median);
    NaN where none is: the masked-out elements become NaN and ``nanmedian`` skips them. An integer input is
    computed in float32 and cast back, which a fully masked-out slice (NaN) cannot be."""
    dtype = input.dtype if dtype is None else dtype
    d = canonical_dim(dim, input.ndim)[0]
    is_float = input.dtype.is_floating_point
    if not is_float:
        input = input.to(dtype=_dtype.float32)
    output = nanmedian(combine("median", input, mask), d, keepdim).values
    if is_float:
        return output
    if output.isnan().any():
        raise ValueError("masked median expects no fully masked out rows if dtype is not floating point")
    return output.to(dtype=dtype)


def logsumexp(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """``log(sum(exp(x)))`` over the elements where ``mask`` is True; -inf where none is."""
    dtype = input.dtype if dtype is None else dtype
    masked = combine("logsumexp", input, mask)
    return _logsumexp(masked, canonical_dim(dim, input.ndim), keepdim=keepdim).to(dtype=dtype)


def norm(input, ord=2.0, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The vector ``ord``-norm of the elements where ``mask`` is True (``linalg.vector_norm``); 0 where none
    is (inf for ord=-inf)."""
    dtype = input.dtype if dtype is None else dtype
    masked = combine("norm", input, mask, ord)
    return vector_norm(masked, ord, canonical_dim(dim, input.ndim), bool(keepdim), dtype=dtype)


def _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, take_sqrt):
    """``sum((x - mean)^2, mask) / max(count - correction, 0)`` (its square root for std): the mean taken
    over the masked-in elements; correction 1 unless ``unbiased=False`` or ``correction`` says otherwise."""
    if unbiased is not None and correction is not None:
        raise AssertionError("Only one of unbiased and correction may be given")
    correction = float(correction) if correction is not None else 0.0 if unbiased is False else 1.0
    if dtype is None:
        dtype = input.dtype if input.dtype.is_floating_point else _dtype.float32
    compute_dtype = dtype if dtype.is_floating_point else _dtype.float32
    mask = None if mask is None else input_mask(input, mask)
    count = _count(input, dim, True, mask)
    with _silent():  # none masked in: 0 / 0 is NaN, without NumPy's warning (torch is silent)
        sample_mean = div(sum(input, dim, keepdim=True, dtype=dtype, mask=mask), count)
    x = sub(input, sample_mean)
    total = sum(x * x.conj(), dim, keepdim=keepdim, dtype=compute_dtype, mask=mask)
    if not keepdim:
        count = count.reshape(total.shape)
    if correction != 0:
        count = sub(count.to(compute_dtype), correction)
        count = maximum(count, count.new_zeros([]))
    with _silent():
        output = div(total, count).to(dtype=dtype)
    return sqrt(output) if take_sqrt else output


def var(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    """The variance of the elements where ``mask`` is True: ``sum((x - mean)^2) / (count - correction)``;
    NaN where none is."""
    return _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, take_sqrt=False)


def std(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    """The standard deviation of the elements where ``mask`` is True: the square root of ``var``."""
    return _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, take_sqrt=True)
