"""minitorch.special, as torch.special: special functions, many of them other names of functions minitorch has at
top level (``special.expit`` is ``sigmoid``, ``special.gammaln`` is ``lgamma``) - the same operations, with the same
node names as torch gives the ``special.*`` call - and the ones torch has only here (the orthogonal polynomials,
the normal distribution's functions, entr, xlog1py, zeta), which live with the other pointwise operations in
minitorch/ops/pointwise/.
"""
from ..ops import reduction as _reduction
from ..ops import softmax as _softmax
from ..ops.arithmetic import _out
from ..ops.pointwise import activations as _activations
from ..ops.pointwise import bessel as _bessel
from ..ops.pointwise import exp_log as _exp_log
from ..ops.pointwise._common import apply_overload
from ..ops.pointwise import rounding as _rounding
from ..ops.pointwise import special as _special
from ..ops.pointwise import trig as _trig

# -- the other names of functions minitorch has at top level (torch.special's aliases) -----------------------------
expit = _activations.sigmoid
logit = _activations.logit
erf = _activations.erf
erfc = _activations.erfc
exp2 = _exp_log.exp2
expm1 = _exp_log.expm1
log1p = _exp_log.log1p
i0 = _bessel.i0
multigammaln = _special.mvlgamma
gammainc = _special.igamma
gammaincc = _special.igammac
sinc = _trig.sinc
softmax = _softmax.softmax  # torch documents ``dtype`` as keyword-only, and takes it by position too
log_softmax = _softmax.log_softmax


# where the top-level function's signature differs from torch.special's (no ``out=``)
def erfinv(input, *, out=None):
    return _out(_special.erfinv(input), out)


def gammaln(input, *, out=None):
    return _out(_special.lgamma(input), out)


def digamma(input, *, out=None):
    return _out(_special.digamma(input), out)


psi = digamma


def polygamma(n, input, *, out=None):
    if not isinstance(n, int):
        raise TypeError(f"special_polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    return _out(_special.polygamma(n, input), out)


def xlogy(input, other, *, out=None):
    return _out(apply_overload("special_xlogy", input, other, _special.XLOGY_OVERLOADS), out)  # its errors' name


def round(input, *, decimals=0, out=None):
    """torch.special.round is round with ``decimals`` even at 0: its node is RoundBackward1."""
    return _out(_rounding.RoundDecimals.apply(input, decimals), out)


def logsumexp(input, dim, keepdim=False, *, out=None):
    return _out(_reduction.logsumexp(input, dim, keepdim), out)


# -- the orthogonal polynomials (ops/pointwise/polynomials.py) -------------------------------------------------------
from ..ops.pointwise.polynomials import (chebyshev_polynomial_t, chebyshev_polynomial_u,  # noqa: E402
                                         chebyshev_polynomial_v, chebyshev_polynomial_w, hermite_polynomial_h,
                                         hermite_polynomial_he, laguerre_polynomial_l, legendre_polynomial_p,
                                         shifted_chebyshev_polynomial_t, shifted_chebyshev_polynomial_u,
                                         shifted_chebyshev_polynomial_v, shifted_chebyshev_polynomial_w)

# -- the elementary specials: ops/pointwise/normal.py, information.py, zeta.py --------------------------------------
from ..ops.pointwise.information import entr, xlog1py  # noqa: E402
from ..ops.pointwise.normal import erfcx, log_ndtr, ndtr, ndtri  # noqa: E402
from ..ops.pointwise.zeta import zeta  # noqa: E402

# -- Bessel functions and their relatives: minitorch/special/_bessel.py ---------------------------------------------
from ._bessel import (airy_ai, bessel_j0, bessel_j1, bessel_y0, bessel_y1, i0e, i1, i1e,  # noqa: E402
                      modified_bessel_i0, modified_bessel_i1, modified_bessel_k0, modified_bessel_k1, scaled_modified_bessel_k0,
                      scaled_modified_bessel_k1, spherical_bessel_j0)
