"""The orthogonal polynomials of torch.special: Chebyshev T, U, V, W (and shifted to [0, 1]), Hermite H and He,
Laguerre L, Legendre P, each ``f(x, n)`` of a tensor or number ``x`` and degree ``n``, broadcast.

They are computed as torch computes them, so that the values agree at the edges too: the three-term recurrence
from degree 0 and 1 in the dtype of the result (float32 in float32), the closed form at ``|x| = 1``, the
trigonometric form of the Chebyshev polynomials for large ``n`` inside [-1, 1], 0 for ``n < 0``. ``n`` is a
float of the result's dtype truncated to an integer (NaN and infinities count as negative, as the x86 conversion
makes them in torch). torch defines no derivative for them: the result never requires grad.
"""
import numpy as np

from ... import autograd
from ..._dtype import get_default_dtype
from ...tensor import Tensor
from ..arithmetic import _out
from ..op import Op
from ._common import _overload

_INT64_LIMIT = 2.0 ** 63


def _degree(n):
    """``static_cast<int64_t>(n)`` on x86: the truncated value, and INT64_MIN (so negative) for NaN, ±inf and
    anything out of range."""
    n = np.asarray(n, np.float64)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(n) & (np.abs(n) < _INT64_LIMIT)
        return np.where(ok, np.trunc(np.where(ok, n, 0)), -_INT64_LIMIT).astype(np.int64)


def _recurrence(q, n, step):
    """Runs ``q_k = step(k, q_{k-1}, q_{k-2})`` for k = 2, ..., n elementwise (q_0 = 1, q_1 = ``q``), each element
    stopping at its own ``n`` or once its value is NaN (torch's loop does both)."""
    p, q = np.ones_like(q), q.copy()
    k = 2
    active = (n >= k) & ~np.isnan(q)
    while active.any():
        r = step(k, q, p)
        p, q = np.where(active, q, p), np.where(active, r, q)
        k += 1
        active = active & (n >= k) & ~np.isnan(q)
    return q


class _Chebyshev(Op):
    """The Chebyshev family on y = x (or y = 2x - 1, shifted): p₀ = 1, p₁ = ``first(y)``, pₖ = 2y pₖ₋₁ - pₖ₋₂;
    for |y| < 1 and n above ``trig_from`` the closed form in θ = arccos y (``trig``); at y = ±1 the values
    ``at_one`` and ``at_minus_one``."""
    promotes = True
    shifted = False
    trig_from = 8

    @classmethod
    def forward(cls, ctx, x, n):
        x = x if x.dtype.kind == "f" else x.astype(get_default_dtype().np)
        x, k = np.broadcast_arrays(x, _degree(n))
        with np.errstate(all="ignore"):
            y = x + x - x.dtype.type(1) if cls.shifted else x
            # torch tests the edges on x itself: x == 1 and x == 0 when shifted
            plus, minus = (x == 1, x == 0) if cls.shifted else (x == 1, x == -1)
            sign = np.where(k % 2 == 0, 1, -1).astype(x.dtype)
            kf = k.astype(x.dtype)
            trig = (k > cls.trig_from) & (np.abs(y) < 1)
            # the recurrence only where nothing else gives the value (a large n would run long)
            out = _recurrence(cls.first(y), np.where(trig | plus | minus, 0, k), lambda _, q, p: (y + y) * q - p)
            out = np.where(k == 1, cls.first(y), out)
            out = np.where(k == 0, 1, out)
            out = np.where(trig, cls.trig(np.arccos(y), kf, y, sign), out)
            out = np.where(minus, sign * cls.at_minus_one(kf), out)
            out = np.where(plus, cls.at_one(kf), out)
            return np.where(k < 0, 0, out).astype(x.dtype)


class ChebyshevT(_Chebyshev):
    """Tₙ(x): Tₙ(cos θ) = cos nθ."""
    trig_from = 6

    first = staticmethod(lambda y: y)
    at_one = at_minus_one = staticmethod(lambda n: np.ones_like(n))
    trig = staticmethod(lambda theta, n, y, sign: np.cos(n * theta))


class ChebyshevU(_Chebyshev):
    """Uₙ(x): Uₙ(cos θ) = sin (n+1)θ / sin θ."""
    first = staticmethod(lambda y: y + y)
    at_one = at_minus_one = staticmethod(lambda n: n + 1)

    @staticmethod
    def trig(theta, n, y, sign):
        s = np.sin(theta)
        return np.where(s != 0, np.sin((n + 1) * theta) / s, (n + 1) * np.cos((n + 1) * theta) / y)


class ChebyshevV(_Chebyshev):
    """Vₙ(x): Vₙ(cos θ) = cos (n+½)θ / cos ½θ."""
    first = staticmethod(lambda y: y + y - 1)
    at_one = staticmethod(lambda n: np.ones_like(n))
    at_minus_one = staticmethod(lambda n: n + n + 1)

    @staticmethod
    def trig(theta, n, y, sign):
        return np.where(np.sin(theta / 2) != 1, np.cos((n + 0.5) * theta) / np.cos(theta / 2), sign * (n + n + 1))


class ChebyshevW(_Chebyshev):
    """Wₙ(x): Wₙ(cos θ) = sin (n+½)θ / sin ½θ."""
    first = staticmethod(lambda y: y + y + 1)
    at_one = staticmethod(lambda n: n + n + 1)
    at_minus_one = staticmethod(lambda n: np.ones_like(n))

    @classmethod
    def trig(cls, theta, n, y, sign):
        # where cos ½θ rounds to 1 (y within an ulp of 1) torch returns the value at y = 1, except shifted, where it
        # returns the value at y = -1
        edge = sign if cls.shifted else n + n + 1
        return np.where(np.cos(theta / 2) != 1, np.sin((n + 0.5) * theta) / np.sin(theta / 2), edge)


class ShiftedChebyshevT(ChebyshevT):
    """T*ₙ(x) = Tₙ(2x - 1)."""
    shifted = True


class ShiftedChebyshevU(ChebyshevU):
    """U*ₙ(x) = Uₙ(2x - 1)."""
    shifted, trig_from = True, 6


class ShiftedChebyshevV(ChebyshevV):
    """V*ₙ(x) = Vₙ(2x - 1)."""
    shifted, trig_from = True, 6


class ShiftedChebyshevW(ChebyshevW):
    """W*ₙ(x) = Wₙ(2x - 1)."""
    shifted, trig_from = True, 4


class _Recurrence(Op):
    """A polynomial by its recurrence alone: p₀ = 1, p₁ = ``first(x)``, pₖ = ``step(k, x, pₖ₋₁, pₖ₋₂)``."""
    promotes = True

    @classmethod
    def forward(cls, ctx, x, n):
        x = x if x.dtype.kind == "f" else x.astype(get_default_dtype().np)
        x, k = np.broadcast_arrays(x, cls.degree(n, x.dtype))
        with np.errstate(all="ignore"):
            # the recurrence skips what ``edges`` replaces (Hermite above its limit, which would run long)
            out = _recurrence(cls.first(x), np.where(cls.edges(x, k, k) == k, k, 0),
                              lambda j, q, p: cls.step(j, x, q, p))
            out = np.where(k == 1, cls.first(x), out)
            out = cls.edges(x, k, np.where(k == 0, 1, out))
            return np.where(k < 0, 0, out).astype(x.dtype)

    degree = staticmethod(lambda n, dtype: _degree(n))
    edges = staticmethod(lambda x, k, out: out)


class HermiteH(_Recurrence):
    """Hₙ(x), the physicists' Hermite polynomial: H₀ = 1, H₁ = 2x, Hₖ = 2x Hₖ₋₁ - 2(k-1) Hₖ₋₂. NaN above degree
    512 (128 in float32), where torch gives up."""
    first = staticmethod(lambda x: x + x)
    step = staticmethod(lambda k, x, q, p: (x + x) * q - (2 * k - 2) * p)

    @staticmethod
    def edges(x, k, out):
        return np.where(k > (128 if x.dtype == np.float32 else 512), np.nan, out)


class HermiteHe(HermiteH):
    """Heₙ(x), the probabilists' Hermite polynomial: He₀ = 1, He₁ = x, Heₖ = x Heₖ₋₁ - (k-1) Heₖ₋₂."""
    first = staticmethod(lambda x: x)
    step = staticmethod(lambda k, x, q, p: x * q - (k - 1) * p)


class LaguerreL(_Recurrence):
    """Lₙ(x): L₀ = 1, L₁ = 1 - x, Lₖ = ((2k - 1 - x) Lₖ₋₁ - (k-1) Lₖ₋₂) / k; 1 at x = 0."""
    first = staticmethod(lambda x: 1 - x)
    step = staticmethod(lambda k, x, q, p: ((2 * k - 2 + (1 - x)) * q - (k - 1) * p) / k)
    edges = staticmethod(lambda x, k, out: np.where(x == 0, 1, out))


class LegendreP(_Recurrence):
    """Pₙ(x): P₀ = 1, P₁ = x, Pₖ = ((2k - 1) x Pₖ₋₁ - (k-1) Pₖ₋₂) / k; (±1)ⁿ at x = ±1."""
    first = staticmethod(lambda x: x)
    step = staticmethod(lambda k, x, q, p: ((2 * k - 1) * x * q - (k - 1) * p) / k)

    @staticmethod
    def edges(x, k, out):
        return np.where(np.abs(x) == 1, np.where((x > 0) | (k % 2 == 0), 1, -1), out)


def _polynomial(op, name):
    def polynomial(x, n, *, out=None):
        _overload(name, x, n, (op, op, op), names=("x", "n"))  # torch's TypeError for other arguments
        # torch has no derivative for them: the result is in no graph, and carries no forward-mode tangent
        x, n = (a.detach() if isinstance(a, Tensor) else a for a in (x, n))
        with autograd.no_grad():
            return _out(op.apply(x, n), out)
    polynomial.__name__ = polynomial.__qualname__ = name[len("special_"):]
    polynomial.__doc__ = f"{name[len('special_'):]}(x, n, *, out=None): {op.__doc__.splitlines()[0]}"
    return polynomial


chebyshev_polynomial_t = _polynomial(ChebyshevT, "special_chebyshev_polynomial_t")
chebyshev_polynomial_u = _polynomial(ChebyshevU, "special_chebyshev_polynomial_u")
chebyshev_polynomial_v = _polynomial(ChebyshevV, "special_chebyshev_polynomial_v")
chebyshev_polynomial_w = _polynomial(ChebyshevW, "special_chebyshev_polynomial_w")
shifted_chebyshev_polynomial_t = _polynomial(ShiftedChebyshevT, "special_shifted_chebyshev_polynomial_t")
shifted_chebyshev_polynomial_u = _polynomial(ShiftedChebyshevU, "special_shifted_chebyshev_polynomial_u")
shifted_chebyshev_polynomial_v = _polynomial(ShiftedChebyshevV, "special_shifted_chebyshev_polynomial_v")
shifted_chebyshev_polynomial_w = _polynomial(ShiftedChebyshevW, "special_shifted_chebyshev_polynomial_w")
hermite_polynomial_h = _polynomial(HermiteH, "special_hermite_polynomial_h")
hermite_polynomial_he = _polynomial(HermiteHe, "special_hermite_polynomial_he")
laguerre_polynomial_l = _polynomial(LaguerreL, "special_laguerre_polynomial_l")
legendre_polynomial_p = _polynomial(LegendreP, "special_legendre_polynomial_p")
