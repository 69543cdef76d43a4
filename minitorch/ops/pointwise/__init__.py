"""Pointwise math: exp, log, trigonometry, activations, rounding, clamp, where, ... one element at a time.

Each VJP multiplies the incoming gradient by the derivative at each element. Functions of floats
(exp, sin, sigmoid, ...) compute integer and bool inputs in the default dtype, as torch does
(``exp(int_tensor)`` is float32); value-preserving ones (abs, relu, floor, clamp, ...) keep the dtype.
Where the derivative is not defined (relu at 0, a tie in maximum, ...) the VJPs use torch's choices.

One module per family, each op class followed by its public function: ``exp_log.py``, ``trig.py``,
``activations.py`` (sigmoid, relu, erf, logaddexp), ``rounding.py`` (abs, sign, floor, ...), ``clamping.py``
(maximum, minimum, clamp), ``blend.py`` (lerp, addcmul, addcdiv), ``remainders.py`` (fmod, remainder),
``special.py`` (lgamma, digamma, polygamma, erfinv, xlogy), ``bessel.py`` (i0, i0e, i1, i1e), ``floats.py`` (copysign, signbit, nextafter, ldexp, frexp,
heaviside);
the torch.special-only ones: ``polynomials.py`` (Chebyshev, Hermite, Laguerre, Legendre), ``normal.py`` (ndtr,
log_ndtr, ndtri, erfcx), ``information.py`` (entr, xlog1py), ``zeta.py`` (Hurwitz zeta), bound in minitorch/special/;
``_common.py`` holds the helpers they share. ``where``, which many VJPs choose with, is a level lower, in
ops/where.py, so that arithmetic can use it too.
"""
from .activations import erf, erfc, logaddexp, logaddexp2, logit, relu, sigmoid
from .floats import copysign, frexp, heaviside, ldexp, nextafter, signbit
from .blend import addcdiv, addcmul, lerp
from .clamping import clamp, clamp_max, clamp_min, clip, fmax, fmin, maximum, minimum
from .exp_log import exp, exp2, expm1, log, log10, log1p, log2, rsqrt, sqrt, square
from .remainders import fmod, remainder
from .bessel import i0
from .special import digamma, erfinv, igamma, igammac, lgamma, mvlgamma, polygamma, xlogy
from .rounding import (abs, ceil, fix, floor, frac, isfinite, isinf, isnan, nan_to_num, round, sgn, sign,
                       trunc)
from .trig import (acos, acosh, asin, asinh, atan, atan2, atanh, cos, cosh, deg2rad, hypot, rad2deg, sin, sinc, sinh,
                   tan, tanh)
