"""erf on arrays, for ``Erf`` in ops/pointwise/activations.py. NumPy has no erf.

Plain: Python's ``math.erf`` on each element. Fast: the same values from two power series, vectorised:
1.8x faster than ``np.vectorize(math.erf)`` on 10⁵ float64 values (NumPy 2.4).

The fast version is computed in float64 from two power series whose coefficients are exact formulas
(nothing fitted), each summed by Horner's rule:
  |x| < 1       erf x = x · Σ_k (2/√π)·(-1)^k·x^(2k) / (k!·(2k+1))                      (Maclaurin series)
  1 ≤ |x| < 6   erf x = Σ_k erf⁽ᵏ⁾(c)/k! · (x - c)^k, around the centre c of x's half-unit interval, where
                erf⁽ᵏ⁾(c) = (2/√π)·(-1)^(k-1)·H_(k-1)(c)·e^(-c²)  (H_n: Hermite polynomials) and erf(c) is
                math.erf's - ten centres, 1.25 to 5.75
  |x| ≥ 6       erf x = ±1  (1 - erf 6 = 2e-17 is below float64's resolution next to 1)
With 20 terms the remainders are below 1e-18 (|x - c| ≤ 1/4), so the result is within about an ulp of
torch.erf and of math.erf.
"""
import math

import numpy as np

TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def erf_plain(a):
    """erf of a float array: math.erf on each element (in float64), in a's dtype."""
    return np.vectorize(math.erf, otypes=[np.float64])(a.astype(np.float64)).astype(a.dtype, copy=False)


_TERMS = 20
_SMALL = np.array([TWO_OVER_SQRT_PI * (-1) ** k / (math.factorial(k) * (2 * k + 1)) for k in range(_TERMS)])
_CENTRES = np.arange(1.25, 6, 0.5)


def _taylor(c):
    """The Taylor coefficients erf⁽ᵏ⁾(c)/k!, k < _TERMS."""
    hermite = [1.0, 2 * c]  # H_0, H_1, then H_(n+1) = 2c·H_n - 2n·H_(n-1)
    while len(hermite) < _TERMS:
        hermite.append(2 * c * hermite[-1] - 2 * (len(hermite) - 1) * hermite[-2])
    slope = TWO_OVER_SQRT_PI * math.exp(-c * c)
    return [math.erf(c)] + [slope * (-1) ** (k - 1) * hermite[k - 1] / math.factorial(k)
                            for k in range(1, _TERMS)]


_TAYLOR = np.array([_taylor(c) for c in _CENTRES])  # (centre, k)


def _horner(coefficients, u):
    """Σ_k coefficients[..., k]·u^k, the coefficients either shared (1-d) or one row per element (2-d)."""
    total = np.array(coefficients[..., -1], dtype=u.dtype)
    for k in range(coefficients.shape[-1] - 2, -1, -1):
        total = total * u + coefficients[..., k]
    return total


def erf_fast(a):
    """erf of a float array, computed in float64 (see above), in a's dtype."""
    x = a.astype(np.float64).reshape(-1)                           # 1-d: a 0-d array cannot be indexed by a mask
    ax = np.abs(x)
    out = np.copysign(np.ones_like(x), x)                        # |x| ≥ 6 and ±inf; NaN is set below
    small = ax < 1
    xs = x[small]
    out[small] = xs * _horner(_SMALL, xs * xs)
    middle = (ax >= 1) & (ax < 6)
    am = ax[middle]
    nearest = ((am - 1) * 2).astype(np.intp)                     # which half-unit interval: its centre
    out[middle] = np.copysign(_horner(_TAYLOR[nearest], am - _CENTRES[nearest]), x[middle])
    out[np.isnan(x)] = np.nan
    return out.reshape(a.shape).astype(a.dtype, copy=False)
