"""The differentiable operations, one module per family. Each module's ``TENSOR_METHODS`` lists the
functions that are also Tensor methods (``minitorch.exp(t)`` is ``t.exp()``); ``INPLACE`` names the
ones that get an in-place twin (``t.exp_()``)."""
import importlib

from ..tensor import Tensor
from .inplace import make_inplace

MODULES = ["arithmetic", "convert", "reduction", "shape", "inplace", "pointwise", "compare", "linalg",
           "indexing", "softmax", "scan", "products"]

INPLACE = ["add", "sub", "mul", "div", "pow", "neg", "exp", "log", "sqrt", "rsqrt", "sin", "cos", "tanh",
           "sigmoid", "relu", "abs", "sign", "clamp", "clip", "floor", "ceil", "round", "trunc", "reciprocal",
           "square", "log1p", "expm1", "masked_fill", "index_fill", "fmod", "remainder", "lerp", "addcmul",
           "addcdiv", "clamp_min", "clamp_max", "subtract", "multiply", "divide", "true_divide",
           "negative", "exp2", "log2", "log10", "frac", "sgn", "hardtanh", "leaky_relu", "t",
           "transpose", "squeeze", "unsqueeze", "logical_not", "logical_and", "logical_or", "where",
           "maximum", "minimum", "atan2", "tan", "asin", "acos", "atan", "sinh", "cosh", "floor_divide",
           "cumprod", "renorm", "addmv", "addr", "baddbmm"]

_ns = {}
FUNCTIONS = {}  # what minitorch exports at top level: minitorch.exp, minitorch.cat, ...
for _name in MODULES:
    _mod = importlib.import_module(f".{_name}", __name__)
    for _method, _fn in getattr(_mod, "TENSOR_METHODS", {}).items():
        setattr(Tensor, _method, _fn)
        _ns[_method] = _fn
        if not _method.startswith("_"):
            FUNCTIONS[_method] = _fn
    FUNCTIONS.update(getattr(_mod, "FUNCTIONS", {}))  # functions that are not methods (cat, stack, ...)

for _name in INPLACE:
    if _name in _ns and not hasattr(Tensor, _name + "_"):
        setattr(Tensor, _name + "_", make_inplace(_ns[_name]))


def _iadd(self, other):
    return self.add_(other)


def _isub(self, other):
    return self.sub_(other)


def _imul(self, other):
    return self.mul_(other)


def _itruediv(self, other):
    return self.div_(other)


def _ifloordiv(self, other):
    return self.floor_divide_(other)


def _imod(self, other):
    return self.remainder_(other)


def _ipow(self, other):
    return self.pow_(other)


# ``x += 1`` is in place on a tensor, as in torch (without these Python would rebind x to a new tensor)
Tensor.__iadd__, Tensor.__isub__, Tensor.__imul__, Tensor.__itruediv__ = _iadd, _isub, _imul, _itruediv
Tensor.__imod__, Tensor.__ipow__ = _imod, _ipow
Tensor.__ifloordiv__ = _ifloordiv
