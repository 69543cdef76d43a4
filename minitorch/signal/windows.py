"""torch.signal.windows: window functions, w_n for n = 0 .. M-1.

Each window is written as torch writes it, with minitorch operations on a ``linspace`` of angles or positions, so
that its values are torch's (linspace is bit for bit torch's; cos, exp and i0 to the last bits) and so is its graph
when ``requires_grad=True`` (the linspace is the leaf: ``hann(4, requires_grad=True).grad_fn`` is SumBackward1).

``sym=True`` (the default) gives the symmetric window for filter design: its ends are samples 0 and M-1 of one
period of length M-1. ``sym=False`` gives the periodic window for spectral analysis: the first M samples of the
symmetric window of length M+1 (so its period is M). Every window takes ``M`` and, by keyword, ``sym``, ``dtype``
(float32 or float64; the default dtype if None), ``layout`` (strided only), ``device`` and ``requires_grad``.
"""
import math
from collections.abc import Iterable

from .. import _dtype
from .._layout import strided
from ..creation import arange, empty, linspace, ones, tensor
from ..ops.pointwise.clamping import minimum
from ..ops.pointwise.exp_log import exp, sqrt
from ..ops.pointwise.rounding import abs
from ..ops.pointwise.bessel import i0
from ..ops.pointwise.trig import cos, sin

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine", "general_hamming",
           "hamming", "hann", "kaiser", "nuttall"]


def _checked(name, M, dtype, layout):
    """The window's dtype (the default dtype if None), after torch's checks of M, layout and dtype, in torch's
    words (``name``: the function that checks; hann and hamming are checked as general_cosine)."""
    dtype = _dtype.get_default_dtype() if dtype is None else dtype
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if layout is not strided:
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    if dtype not in (_dtype.float32, _dtype.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dtype}")
    return dtype


def _trivial(M, dtype, device, requires_grad):
    """The windows of length 0 and 1 that need no formula: [] and [1.]."""
    return (empty if M == 0 else ones)((M,), dtype=dtype, device=device, requires_grad=requires_grad)


def _period(M, sym):
    """The length of one period in samples: M-1 for a symmetric window, M for a periodic one (torch keeps M-1
    for a periodic window of length 1 in exponential, gaussian and cosine, which do not treat M=1 apart)."""
    return M if not sym and M > 1 else M - 1


def general_cosine(M, *, a, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """w_n = Σ_i (-1)^i a_i cos(2π i n / N),  N = M-1 (sym) or M (periodic).

    Computed as torch does: k = linspace(0, 2π (M-1)/N, M), then Σ_i ((-1)^i a_i) cos(i k) as one product of
    a column of coefficients and a row of angles, summed over the coefficients."""
    dtype = _checked("general_cosine", M, dtype, layout)
    if M <= 1:
        return _trivial(M, dtype, device, requires_grad)
    if not isinstance(a, Iterable):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise ValueError("Coefficients cannot be empty")
    constant = 2 * math.pi / (M if not sym else M - 1)
    k = linspace(0, (M - 1) * constant, M, dtype=dtype, device=device, requires_grad=requires_grad)
    a_i = tensor([(-1) ** i * w for i, w in enumerate(a)], dtype=dtype, device=device, requires_grad=requires_grad)
    i = arange(a_i.shape[0], dtype=a_i.dtype, requires_grad=a_i.requires_grad)
    return (a_i.unsqueeze(-1) * cos(i.unsqueeze(-1) * k)).sum(0)


def general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """w_n = α - (1 - α) cos(2π n / N): the general cosine window with a = [α, 1 - α]."""
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def hamming(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """w_n = 0.54 - 0.46 cos(2π n / N): general_hamming with α = 0.54."""
    return general_hamming(M, sym=sym, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)


def hann(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """w_n = 0.5 - 0.5 cos(2π n / N) = sin²(π n / N): general_hamming with α = 0.5."""
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


def blackman(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """w_n = 0.42 - 0.5 cos(2π n / N) + 0.08 cos(4π n / N): the general cosine window with a = [0.42, 0.5, 0.08]."""
    dtype = _checked("blackman", M, dtype, layout)  # (checked here too: the errors name blackman)
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def nuttall(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """Nuttall's minimum 4-term Blackman-Harris window: the general cosine window with
    a = [0.3635819, 0.4891775, 0.1365995, 0.0106411]."""
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym, dtype=dtype, layout=layout,
                          device=device, requires_grad=requires_grad)


def bartlett(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """The triangle w_n = 1 - |2n / N - 1|:  1 - |k| for k = linspace(-1, -1 + 2 (M-1) / N, M)."""
    dtype = _checked("bartlett", M, dtype, layout)
    if M <= 1:
        return _trivial(M, dtype, device, requires_grad)
    constant = 2 / (M if not sym else M - 1)
    k = linspace(-1, -1 + (M - 1) * constant, M, dtype=dtype, device=device, requires_grad=requires_grad)
    return 1 - abs(k)


def cosine(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """The sine window w_n = sin(π (n + 0.5) / L),  L = M (sym) or M + 1 (periodic), as SciPy's: the half
    sample shift keeps both ends above zero."""
    dtype = _checked("cosine", M, dtype, layout)
    if M == 0:
        return _trivial(M, dtype, device, requires_grad)
    constant = math.pi / (M + 1 if not sym and M > 1 else M)
    k = linspace(0.5 * constant, (0.5 + (M - 1)) * constant, M, dtype=dtype, device=device,
                 requires_grad=requires_grad)
    return sin(k)


def exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """The Poisson window w_n = exp(-|n - c| / τ), centred at c = N / 2 unless ``center`` says otherwise (a
    periodic window only: a symmetric one is centred by definition)."""
    dtype = _checked("exponential", M, dtype, layout)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    if M == 0:
        return _trivial(M, dtype, device, requires_grad)
    if center is None:
        center = _period(M, sym) / 2.0
    k = linspace(-center / tau, (-center + (M - 1)) / tau, M, dtype=dtype, device=device, requires_grad=requires_grad)
    return exp(-abs(k))


def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """w_n = exp(-(n - N/2)² / (2σ²)):  exp(-k²) for k = (n - N/2) / (σ√2)."""
    dtype = _checked("gaussian", M, dtype, layout)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    if M == 0:
        return _trivial(M, dtype, device, requires_grad)
    start = -_period(M, sym) / 2.0
    constant = 1 / (std * math.sqrt(2))
    k = linspace(start * constant, (start + (M - 1)) * constant, M, dtype=dtype, device=device,
                 requires_grad=requires_grad)
    return exp(-(k ** 2))


def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """w_n = I0(β √(1 - (2n/N - 1)²)) / I0(β):  I0(√(β² - k²)) / I0(β) for k = linspace(-β, β (2(M-1)/N - 1), M),
    I0 the modified Bessel function of order 0 (``i0``)."""
    dtype = _checked("kaiser", M, dtype, layout)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    if M <= 1:
        return _trivial(M, dtype, device, requires_grad)
    beta = tensor(beta, dtype=dtype, device=device)  # rounded to dtype first, as torch: β² - k² is then 0 at the ends
    start = -beta
    constant = 2.0 * beta / (M if not sym else M - 1)
    end = minimum(beta, start + (M - 1) * constant)  # (never past β: √ of a negative would be nan)
    k = linspace(start, end, M, dtype=dtype, device=device, requires_grad=requires_grad)
    return i0(sqrt(beta * beta - k ** 2)) / i0(beta)
