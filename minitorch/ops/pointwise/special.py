"""Special functions: lgamma, digamma, polygamma, erfinv, xlogy, igamma, igammac, mvlgamma (torch.X,
Tensor.X; the distributions use them). i0 and the other Bessel functions are in bessel.py.

Forward in NumPy (Python's ``math`` module, vectorised, where it has the function: it is accurate to the last
bit or two), backward in Tensor operations, so that a log_prob built from them differentiates twice.
Integer inputs compute in the default dtype, as torch's do; float32 is computed in float64 and rounded once.
"""
import math

import numpy as np

from ..._dtype import get_default_dtype, result_type
from ...tensor import Tensor
from ..arithmetic import _out
from ..op import Op
from ._common import apply_overload, number_overloads

# Bernoulli numbers B2, B4, ..., B20: the coefficients of the asymptotic series of the polygamma functions
_B2K = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798, -174611 / 330]
_SHIFT = 20.0  # the recurrences move x up to here, where the asymptotic series is good to ~1e-16


def _float(a):
    a = np.asarray(a)
    return a if a.dtype.kind == "f" else a.astype(get_default_dtype().np)


def _in_float64(fn, a):
    """fn on ``a`` computed in float64, returned in ``a``'s floating dtype (float32 rounded once)."""
    a = _float(a)
    with np.errstate(all="ignore"):
        return np.asarray(fn(a.astype(np.float64))).astype(a.dtype)


def _lgamma1(x):
    try:
        return math.lgamma(x)
    except ValueError:  # a pole: 0, -1, -2, ...
        return math.inf


def _lgamma(x):
    return np.asarray(np.frompyfunc(_lgamma1, 1, 1)(x), np.float64)


def _digamma(x):
    """ψ(x): reflection ψ(x) = ψ(1-x) - π/tan(πx) below 0.5, then ψ(x) = ψ(x+1) - 1/x up to x ≥ 20, then
    ψ(x) ~ ln x - 1/(2x) - Σ B₂ₖ/(2k x²ᵏ)."""
    x = np.array(x, np.float64, ndmin=1)
    out = np.zeros_like(x)
    reflect = x < 0.5
    # ψ(0) = -inf (torch's choice: the limit from the right); the negative integers are poles with no sign: nan
    pole, zero = reflect & (x == np.floor(x)), x == 0
    out[reflect] = -np.pi / np.tan(np.pi * x[reflect])
    x = np.where(reflect, 1 - x, x)
    small = x < _SHIFT
    while small.any():
        out[small] -= 1 / x[small]
        x = np.where(small, x + 1, x)
        small = x < _SHIFT
    x2 = 1 / (x * x)
    series = sum(b / (2 * (k + 1)) * x2 ** (k + 1) for k, b in enumerate(_B2K))
    out += np.log(x) - 0.5 / x - series
    out[pole] = np.nan
    out[zero] = -np.inf
    return out


def _polygamma(n, x):
    """ψ⁽ⁿ⁾(x), n ≥ 1: ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x+1) + (-1)ⁿ⁺¹ n!/xⁿ⁺¹ up to x ≥ 20, then the asymptotic series
    (-1)ⁿ⁺¹ [(n-1)!/xⁿ + n!/(2xⁿ⁺¹) + Σ B₂ₖ (2k+n-1)!/((2k)! x²ᵏ⁺ⁿ)]."""
    x = np.array(x, np.float64, ndmin=1)
    sign = 1.0 if n % 2 else -1.0
    out = np.zeros_like(x)
    pole = (x <= 0) & (x == np.floor(x))
    x = np.where(pole, 1.0, x)
    small = x < _SHIFT
    while small.any():
        out[small] += math.factorial(n) / x[small] ** (n + 1)
        x = np.where(small, x + 1, x)
        small = x < _SHIFT
    series = math.factorial(n - 1) / x ** n + math.factorial(n) / (2 * x ** (n + 1))
    for k, b in enumerate(_B2K, start=1):
        series = series + b * math.factorial(2 * k + n - 1) / math.factorial(2 * k) / x ** (2 * k + n)
    out = sign * (out + series)
    out[pole] = np.inf if n % 2 else -np.inf
    return out


def _erfinv(y):
    """erf⁻¹ by Newton's method on erf (|y| ≤ 1/2) or erfc (the tails, where 1 - |y| is exact and erf is
    flat), from a start that is one step of the logistic approximation away."""
    y = np.array(y, np.float64, ndmin=1)
    a = np.abs(y)
    with np.errstate(all="ignore"):
        w = -np.log((1 - a) * (1 + a))
        x = np.sqrt(np.maximum(w - np.log(w) * 0.5 - 0.3, 0.0))  # a rough start, close enough for Newton
        x = np.where(a < 0.5, a * np.sqrt(np.pi) / 2 * (1 + np.pi / 12 * a * a), x)
        erf, erfc = np.frompyfunc(math.erf, 1, 1), np.frompyfunc(math.erfc, 1, 1)
        for _ in range(50):
            residual = np.where(a < 0.5, np.asarray(erf(x), np.float64) - a, (1 - a) - np.asarray(erfc(x), np.float64))
            step = residual / (2 / np.sqrt(np.pi) * np.exp(-x * x))
            x = x - step
            if np.all(np.abs(step[np.isfinite(step)]) <= 1e-17 * np.abs(x[np.isfinite(step)]) + 1e-300):
                break
        x = np.where(a == 1, np.inf, np.where(a > 1, np.nan, x))
        return np.sign(y) * x


class Lgamma(Op):
    """z = ln|Γ(a)|.   VJP: da = g ψ(a)."""
    node_name = "LgammaBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _in_float64(_lgamma, a).reshape(np.shape(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * digamma(a)


class Digamma(Op):
    """z = ψ(a) = d/da ln Γ(a).   VJP: da = g ψ⁽¹⁾(a)."""
    node_name = "DigammaBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _in_float64(_digamma, a).reshape(np.shape(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * polygamma(1, a)


class Polygamma(Op):
    """z = ψ⁽ⁿ⁾(a), the n-th derivative of ψ.   VJP: da = g ψ⁽ⁿ⁺¹⁾(a)."""
    node_name = "PolygammaBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, n, a):
        ctx.n = n
        ctx.save_for_backward(a)
        if n == 0:
            return _in_float64(_digamma, a).reshape(np.shape(a))
        return _in_float64(lambda x: _polygamma(n, x), a).reshape(np.shape(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * polygamma(ctx.n + 1, a)


class Erfinv(Op):
    """z = erf⁻¹(a).   VJP: da = g (√π/2) e^(z²)."""
    node_name = "ErfinvBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        z = _in_float64(_erfinv, a).reshape(np.shape(a))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g * (math.sqrt(math.pi) / 2) * (z * z).exp()


class Xlogy(Op):
    """z = a ln b, and 0 where a = 0 (unless b is NaN).   VJP: da = g ln b (0 where a = 0 and b ≤ 0), db = g a / b."""
    node_name = "XlogyBackward0"
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if a.dtype.kind != "f":  # xlogy of integers is a float, as torch's
            a, b = _float(a), b.astype(_float(a).dtype)
        with np.errstate(all="ignore"):
            return np.where((a == 0) & ~np.isnan(b), np.zeros((), a.dtype), a * np.log(b)).astype(a.dtype)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (xlogy(g, b).masked_fill((a == 0) & (b <= 0), 0) if da else None), (g * a / b if db else None)


# (Tensor, Tensor), (number, Tensor), (Tensor, number): torch's xlogy.Tensor, xlogy.Scalar_Self, xlogy.Scalar_Other
XLOGY_OVERLOADS = (Xlogy, *number_overloads(Xlogy, "XlogyBackward1", "XlogyBackward2"))


def _series(a, x):
    """(P(a, x), ∂P/∂a) by the series P(a, x) = Σₙ tₙ, tₙ = x^(a+n) e^(-x) / Γ(a+n+1), in float64, elementwise
    over broadcast a and x > 0. Each term differentiates to ∂tₙ/∂a = tₙ (ln x - ψ(a+n+1)) (the Gamma
    distribution's sampler uses ∂P/∂a). It converges for every x; the terms peak near n = x - a, so it is summed
    until past there and small. Exact to ~1e-13 where P and ∂P/∂a are not tiny."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    with np.errstate(all="ignore"):
        log_x = np.log(x)
        log_t = a * log_x - x - _lgamma(a + 1)  # log t₀
        psi = _digamma(a + 1).reshape(a.shape)  # ψ(a+n+1), moved along by ψ(z+1) = ψ(z) + 1/z
        p, dp = np.zeros_like(x), np.zeros_like(x)
        n = 0
        while True:
            t = np.exp(log_t)
            p += t
            dp += t * (log_x - psi)
            n += 1
            past_peak = a + n > x
            if np.all(((t <= 1e-17 * p) & past_peak) | (x <= 0) | ~np.isfinite(t)) or n > 100000:
                break
            log_t = log_t + log_x - np.log(a + n)
            psi = psi + 1 / (a + n)
        return np.where(x <= 0, 0.0, p), np.where(x <= 0, 0.0, dp)


def _upper_fraction(a, x):
    """Q(a, x) = 1 - P(a, x) for x ≥ a + 1 by its continued fraction (modified Lentz), which keeps the digits
    of a tiny Q that 1 - P would lose: Q = x^a e^(-x)/Γ(a) · 1/(x+1-a- 1·(1-a)/(x+3-a- 2·(2-a)/(x+5-a- ...)))."""
    tiny = 1e-300
    with np.errstate(all="ignore"):
        b = x + 1 - a
        c, d = np.full_like(x, 1 / tiny), 1 / b
        h = d
        for i in range(1, 100000):
            an = -i * (i - a)
            b = b + 2
            d = an * d + b
            d = 1 / np.where(np.abs(d) < tiny, tiny, d)
            c = b + an / c
            c = np.where(np.abs(c) < tiny, tiny, c)
            h = h * d * c
            if np.all(np.abs(d * c - 1) <= 1e-16):
                break
        return np.exp(a * np.log(x) - x - _lgamma(a)) * h


def _incomplete_gamma(a, x, upper):
    """P(a, x), or Q(a, x) = 1 - P where upper, elementwise in float64, with torch's values at the edges."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    finite = (a > 0) & (x > 0) & np.isfinite(a) & np.isfinite(x)
    a1, x1 = np.where(finite, a, 1.0), np.where(finite, x, 1.0)
    p = _series(a1, x1)[0]
    far = x1 >= a1 + 1  # where the continued fraction converges fast, and P is close to 1
    q = np.where(far, _upper_fraction(np.where(far, a1, 1.0), np.where(far, x1, 2.0)), 1 - p)
    value = q if upper else np.where(far, 1 - q, p)
    # the edges as torch: NaN outside a, x ≥ 0 and at (0, 0) and (∞, ∞); P = 0 at x = 0 or a = ∞; P = 1 at a = 0
    # or x = ∞
    edge = np.where((a == 0) | (x == np.inf), 1.0, 0.0)
    edge = 1 - edge if upper else edge
    edge = np.where((a < 0) | (x < 0) | ((a == 0) & (x == 0)) | np.isnan(a) | np.isnan(x)
                    | ((a == np.inf) & (x == np.inf)), np.nan, edge)
    return np.where(finite, value, edge)


class Igamma(Op):
    """z = P(α, x) = γ(α, x)/Γ(α), the regularised lower incomplete gamma function.
    VJP: dx = g x^(α-1) e^(-x) / Γ(α); dα is not implemented (as in torch)."""
    node_name = "IgammaBackward0"
    promotes = True
    upper, sign = False, 1

    @classmethod
    def forward(cls, ctx, a, x):
        ctx.save_for_backward(a, x)
        dtype = a.dtype
        return _incomplete_gamma(a, x, cls.upper).astype(dtype)

    @classmethod
    def backward(cls, ctx, g):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError(f"the derivative for '{cls.__name__.lower()}: input' is not implemented.")
        density = ((a - 1) * x.log() - x - lgamma(a)).exp()
        return None, (g * density if cls.sign == 1 else -g * density)


class Igammac(Igamma):
    """z = Q(α, x) = 1 - P(α, x), the regularised upper incomplete gamma function.
    VJP: dx = -g x^(α-1) e^(-x) / Γ(α); dα is not implemented (as in torch)."""
    node_name = "IgammacBackward0"
    upper, sign = True, -1


def _igamma_args(name, input, other):
    if not isinstance(other, Tensor):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    if not result_type(input, other).is_floating_point:
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{result_type(input, other).scalar_name}'")


def igamma(input, other, *, out=None):
    _igamma_args("igamma", input, other)
    return _out(Igamma.apply(input, other), out)


def igammac(input, other, *, out=None):
    _igamma_args("igammac", input, other)
    return _out(Igammac.apply(input, other), out)


class Mvlgamma(Op):
    """z = ln Γₚ(a) = p(p-1)/4 ln π + Σᵢ₌₀ᵖ⁻¹ ln Γ(a - i/2), the multivariate log-gamma.
    VJP: da = g Σᵢ ψ(a - i/2)."""
    node_name = "MvlgammaBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a, p):
        ctx.save_for_backward(a)
        ctx.p = p
        terms = sum(_lgamma(np.asarray(_float(a), np.float64) - i / 2) for i in range(p))
        return (p * (p - 1) / 4 * math.log(math.pi) + terms).astype(_float(a).dtype).reshape(np.shape(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * sum(digamma(a - i / 2) for i in range(ctx.p))


def mvlgamma(input, p, *, out=None):
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    return _out(Mvlgamma.apply(input, p), out)


def lgamma(input):
    return Lgamma.apply(input)


def digamma(input):
    return Digamma.apply(input)


def polygamma(n, input):
    return Polygamma.apply(n, input)


def erfinv(input):
    return Erfinv.apply(input)


def xlogy(input, other, *, out=None):
    return _out(apply_overload("xlogy", input, other, XLOGY_OVERLOADS), out)


def _polygamma_method(self, n):
    """``x.polygamma(n)``: torch's method takes the order after the tensor."""
    return polygamma(n, self)
