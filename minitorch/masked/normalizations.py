"""The masked normalizations and scans: softmax, log_softmax, softmin, normalize, cumsum, cumprod, and the
elementwise logaddexp. The result has the input's shape; its masked-out elements are whatever the
composition gives (torch leaves them undefined: 0 for softmax, -inf for log_softmax, the running total for
cumsum).

Composed as torch composes them (torch/masked/_ops.py): the masked-out elements replaced by a value that
drops out (-inf before softmax and log_softmax, inf before softmin, 0 before a sum, 1 before a product),
then the ordinary op along ``dim`` (one int).
"""
from ..nn.functional.activation import log_softmax as _log_softmax, softmax as _softmax, softmin as _softmin
from ..ops.arithmetic import div
from ..ops.pointwise.activations import logaddexp as _logaddexp
from ..ops.pointwise.clamping import maximum
from ..ops.reduction import cumsum as _cumsum
from ..ops.scan import cumprod as _cumprod
from ._mask import canonical_dim, combine
from .reductions import norm


def cumsum(input, dim, *, dtype=None, mask=None):
    """The running sum along ``dim`` of the elements where ``mask`` is True (masked-out ones add 0)."""
    dtype = input.dtype if dtype is None else dtype
    d = canonical_dim(dim, input.ndim)[0]
    return _cumsum(combine("cumsum", input, mask), d, dtype=dtype).to(dtype=dtype)


def cumprod(input, dim, *, dtype=None, mask=None):
    """The running product along ``dim`` of the elements where ``mask`` is True (masked-out ones multiply
    by 1)."""
    dtype = input.dtype if dtype is None else dtype
    d = canonical_dim(dim, input.ndim)[0]
    return _cumprod(combine("cumprod", input, mask), d, dtype=dtype).to(dtype=dtype)


def softmax(input, dim, *, dtype=None, mask=None):
    """``exp(x_i) / sum(exp(x))`` over the elements where ``mask`` is True (the others are -inf: weight 0);
    NaN in a slice where none is."""
    dtype = input.dtype if dtype is None else dtype
    d = canonical_dim(dim, input.ndim)[0]
    return _softmax(combine("amax", input, mask), d, dtype=dtype)


def log_softmax(input, dim, *, dtype=None, mask=None):
    """``x_i - log(sum(exp(x)))`` over the elements where ``mask`` is True (the others are -inf)."""
    dtype = input.dtype if dtype is None else dtype
    d = canonical_dim(dim, input.ndim)[0]
    return _log_softmax(combine("amax", input, mask), d, dtype=dtype)


def softmin(input, dim, *, dtype=None, mask=None):
    """``exp(-x_i) / sum(exp(-x))`` over the elements where ``mask`` is True (the others are inf: weight 0)."""
    dtype = input.dtype if dtype is None else dtype
    d = canonical_dim(dim, input.ndim)[0]
    return _softmin(combine("amin", input, mask), d, dtype=dtype)


def normalize(input, ord, dim, *, eps=1e-12, dtype=None, mask=None):
    """``x_i / max(norm(x, ord), eps)``, the norm over the elements where ``mask`` is True along ``dim``;
    masked-out elements are 0."""
    dtype = input.dtype if dtype is None else dtype
    masked = combine("sum", input, mask)
    nrm = norm(input, ord, dim, keepdim=True, dtype=dtype, mask=mask)
    return div(masked, maximum(nrm, nrm.new_full([], eps)))


def logaddexp(input, other, *, dtype=None, input_mask=None, other_mask=None):
    """``log(exp(input) + exp(other))`` elementwise, a masked-out element counting as -inf (exp: 0)."""
    dtype = input.dtype if dtype is None else dtype
    masked_input = combine("logaddexp", input, input_mask)
    masked_other = combine("logaddexp", other, other_mask)
    return _logaddexp(masked_input, masked_other).to(dtype=dtype)
