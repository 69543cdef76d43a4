"""Pointwise math: exp, log, trigonometry, activations, rounding, clamp, where, ... one element at a time.

Each VJP multiplies the incoming gradient by the derivative at each element. Functions of floats
(exp, sin, sigmoid, ...) compute integer and bool inputs in the default dtype, as torch does
(``exp(int_tensor)`` is float32); value-preserving ones (abs, relu, floor, clamp, ...) keep the dtype.
Where the derivative is not defined (relu at 0, a tie in maximum, ...) the VJPs use torch's choices.

One module per family, each op class followed by its public function: ``exp_log.py``, ``trig.py``,
``activations.py`` (sigmoid, relu, erf, logaddexp), ``rounding.py`` (abs, sign, floor, ...), ``clamp.py``
(maximum, minimum, clamp, where), ``blend.py`` (lerp, addcmul, addcdiv), ``remainder.py`` (fmod,
remainder); ``_common.py`` holds the helpers they share.
"""
from .activations import erf, logaddexp, relu, sigmoid
from .blend import addcdiv, addcmul, lerp
from .clamp import _where_method, clamp, clamp_max, clamp_min, clip, maximum, minimum, where
from .exp_log import exp, exp2, expm1, log, log10, log1p, log2, rsqrt, sqrt, square
from .remainder import fmod, remainder
from .rounding import (abs, ceil, fix, floor, frac, isfinite, isinf, isnan, nan_to_num, round, sgn, sign,
                       trunc)
from .trig import acos, asin, atan, atan2, cos, cosh, sin, sinh, tan, tanh

TENSOR_METHODS = {
    "exp": exp, "exp2": exp2, "expm1": expm1, "log": log, "log2": log2, "log10": log10, "log1p": log1p,
    "sqrt": sqrt, "rsqrt": rsqrt, "square": square, "sin": sin, "cos": cos, "tan": tan, "asin": asin,
    "acos": acos, "atan": atan, "arcsin": asin, "arccos": acos, "arctan": atan, "sinh": sinh, "cosh": cosh,
    "tanh": tanh, "atan2": atan2, "arctan2": atan2, "sigmoid": sigmoid, "relu": relu, "erf": erf,
    "logaddexp": logaddexp, "abs": abs, "absolute": abs, "sign": sign, "sgn": sgn, "floor": floor, "ceil": ceil,
    "trunc": trunc, "fix": fix, "round": round, "frac": frac, "nan_to_num": nan_to_num, "isnan": isnan,
    "isinf": isinf, "isfinite": isfinite, "clamp": clamp, "clip": clip, "clamp_min": clamp_min,
    "clamp_max": clamp_max, "maximum": maximum, "minimum": minimum, "where": _where_method, "lerp": lerp,
    "addcmul": addcmul, "addcdiv": addcdiv, "fmod": fmod, "remainder": remainder,
    "__abs__": abs, "__mod__": remainder, "__rmod__": lambda self, other: remainder(other, self),
}
FUNCTIONS = {"where": where}  # the method takes (condition, other), the function (condition, input, other)
