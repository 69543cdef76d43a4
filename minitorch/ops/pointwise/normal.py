"""The standard normal distribution's functions of torch.special: ndtr (its CDF Φ), log_ndtr (ln Φ, accurate far
into the left tail), ndtri (Φ⁻¹), and erfcx (the scaled complementary error function e^(x²) erfc x, which
log_ndtr's tail is written with).

Forward in NumPy, in float64 (float32 rounded once), backward in Tensor operations. ndtr is, as in torch, a
formula of other operations: (1 + erf(x/√2)) / 2, so it is 0 in the far left tail where log_ndtr is not.
"""
import math

import numpy as np

from ..._dtype import get_default_dtype
from ..arithmetic import AddScalar, MulScalar, _out
from ..inplace import copy_into_out
from ..op import Op
from .activations import erf
from .special import _erfinv, _in_float64

SQRT1_2 = 1 / math.sqrt(2)  # torch's M_SQRT1_2 and c10::frac_sqrt_2
_erfc = np.frompyfunc(math.erfc, 1, 1)


def _exp_square(x):
    """e^(x²) without the error of rounding x² first (which e^ multiplies by x²): x = hi + lo with hi of 26 bits,
    so hi² is exact and e^(x²) = e^(hi²) e^(2 hi lo + lo²)."""
    c = x * 134217729.0  # 2²⁷ + 1: Veltkamp's split
    hi = np.where(np.isfinite(c), c - (c - x), x)
    lo = np.where(np.isfinite(c), x - hi, 0.0)
    return np.exp(hi * hi) * np.exp(2 * hi * lo + lo * lo)


def _erfcx(x):
    """e^(x²) erfc x in float64: directly below x = 10 (erfc is accurate to the last bits, and so is e^(x²) as
    _exp_square computes it); above, the asymptotic series 1/(x√π) Σₖ (-1)ᵏ (2k-1)!!/(2x²)ᵏ, whose 30 terms are
    good to 1e-29 there (erfc would underflow from x ≈ 26.5). inf below -26.7 (torch's cut-off; e^(x²) overflows
    there)."""
    x = np.asarray(x, np.float64)
    with np.errstate(all="ignore"):
        small = np.where(x < 10, x, 0.0)
        direct = _exp_square(small) * np.asarray(_erfc(small), np.float64)
        big = np.where(x >= 10, x, 10.0)
        u = 1 / (2 * big * big)
        series, term = np.ones_like(big), np.ones_like(big)
        for k in range(1, 31):
            term = -term * (2 * k - 1) * u
            series = series + term
        asymptotic = series / (big * math.sqrt(math.pi))
        out = np.where(x < 10, direct, asymptotic)
        return np.where(x < -26.7, np.inf, np.where(np.isnan(x), x, out))


def _log_ndtr(x):
    """ln Φ(x) as torch computes it, with t = x/√2: ln(erfcx(-t)/2) - t² below x = -1 (Φ's digits would be lost
    to underflow), ln(1 - erfc(t)/2) above."""
    x = np.asarray(x, np.float64)
    t = x * SQRT1_2
    with np.errstate(all="ignore"):
        left = np.log(_erfcx(-t) / 2) - t * t
        right = np.log1p(-np.asarray(_erfc(t), np.float64) / 2)
        return np.where(x < -1, left, right)


def _ndtri(y):
    """Φ⁻¹(y). In the middle (|2y - 1| ≤ 1/2, where 2y - 1 is exact) √2 erf⁻¹(2y - 1); in the tails Newton's method on
    ln Φ(x) = ln y (for y > 1/2 by Φ⁻¹(y) = -Φ⁻¹(1 - y), 1 - y exact), whose step ΔlnΦ · Φ/φ is
    ΔlnΦ · erfcx(-x/√2) √(π/2), from Abramowitz and Stegun's 26.2.23 (error < 4.5e-4), which it makes exact in
    a few steps."""
    y = np.asarray(y, np.float64)
    with np.errstate(all="ignore"):
        middle = np.abs(2 * y - 1) <= 0.5
        central = math.sqrt(2) * _erfinv(np.where(middle, 2 * y - 1, 0.0)).reshape(y.shape)
        tail = np.where(y > 0.5, 1 - y, y)
        tail = np.where(middle | (tail <= 0), 0.25, tail)
        t = np.sqrt(-2 * np.log(tail))
        x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + t * (1.432788 + t * (0.189269 + 0.001308 * t))))
        log_tail = np.log(tail)
        for _ in range(6):
            x = x - (_log_ndtr(x) - log_tail) * _erfcx(-x * SQRT1_2) * math.sqrt(math.pi / 2)
        x = np.where(y > 0.5, -x, x)
        out = np.where(middle, central, x)
        out = np.where(y == 0, -np.inf, np.where(y == 1, np.inf, out))
        return np.where((y < 0) | (y > 1) | np.isnan(y), np.nan, out)


def ndtr(input, *, out=None):
    """Φ(x) = (1 + erf(x/√2)) / 2, in operations as torch writes it (its gradient flows through them)."""
    if not input.is_floating_point():
        input = input.to(get_default_dtype())
    result = MulScalar.apply(AddScalar.apply(erf(MulScalar.apply(input, SQRT1_2)), 1), 0.5)
    return result if out is None else copy_into_out(out, result, composite=True)  # torch's ends in a recorded copy_


class LogNdtr(Op):
    """z = ln Φ(a).   VJP: da = g φ(a)/Φ(a) = g e^(-(z + a²/2)) / √(2π)."""
    node_name = "SpecialLogNdtrBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        z = _in_float64(_log_ndtr, a).reshape(np.shape(a))
        ctx.save_for_backward(a, z)
        return z

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        return g / math.sqrt(2 * math.pi) * (z + a.pow(2) / 2).neg().exp()


class Ndtri(Op):
    """z = Φ⁻¹(a).   VJP: da = g / φ(z) = g √(2π) e^(z²/2)."""
    node_name = "SpecialNdtriBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        z = _in_float64(_ndtri, a).reshape(np.shape(a))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g * math.sqrt(2 * math.pi) * (z.square() / 2).exp()


class Erfcx(Op):
    """z = e^(a²) erfc a.   VJP: da = g (2 a z - 2/√π)."""
    node_name = "SpecialErfcxBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        z = _in_float64(_erfcx, a).reshape(np.shape(a))
        ctx.save_for_backward(a, z)
        return z

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        return (2.0 * a * z - 2.0 / math.sqrt(math.pi)) * g


def log_ndtr(input, *, out=None):
    return _out(LogNdtr.apply(input), out)


def ndtri(input, *, out=None):
    return _out(Ndtri.apply(input), out)


def erfcx(input, *, out=None):
    return _out(Erfcx.apply(input), out)
