"""Activations and special functions: sigmoid, relu (and its backward, an op of its own), erf, erfc, logaddexp,
logaddexp2, logit."""
import math

import numpy as np

from ..._dtype import bool_, result_type
from ...kernels.erf import erf_fast
from ...kernels.masks import select_fast
from ...tensor import _make
from ..arithmetic import _out
from ..op import Op
from ..where import where
from ._common import _compute, _float, _not_implemented, _tensor_only


class Sigmoid(Op):
    """z = 1 / (1 + e^-a).   VJP: da = g z (1 - z)."""
    node_name = "SigmoidBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        z = _compute(lambda x: 1 / (1 + np.exp(-x)), _float(a))  # e^-a overflows to inf: z is 0, correctly
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g * z * (1 - z)


def sigmoid(input, *, out=None):
    return _out(Sigmoid.apply(input), out)


class Relu(Op):
    """z = max(a, 0).   VJP: da = g where not z <= 0 (0 at a = 0, g at a = NaN, as torch)."""
    node_name = "ReluBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        z = np.maximum(a, 0)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return ThresholdBackward.apply(g, z)


def relu(input):
    if input.dtype is bool_:
        raise NotImplementedError("Boolean inputs not supported for relu")
    return Relu.apply(input)


class ThresholdBackward(Op):
    """relu's VJP as an operation of its own, as in torch: h = g where not z <= 0, else 0.
    VJP: dg = gg where not z <= 0;  dz = 0 (the mask is piecewise constant in z). Being an operation on z, it
    keeps a second derivative connected to the graph, so it comes out as zeros, as torch's does."""
    node_name = "ThresholdBackwardBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, g, z):
        ctx.save_for_backward(z)
        # torch's mask is ``z <= 0 ? 0 : g``: NaN passes the gradient. z = relu(a) is >= 0 or NaN, so that mask is
        # z != 0, one comparison (z > 0 would drop the gradient at NaN)
        return select_fast(np.asarray(z != 0), np.asarray(g), np.zeros((), g.dtype))  # kernels/masks.py

    @staticmethod
    def backward(ctx, gg):
        z, = ctx.saved_tensors
        dg, dz = ctx.needs_input_grad
        return (ThresholdBackward.apply(gg, z) if dg else None), (_make(np.zeros_like(z._data)) if dz else None)


TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class Erf(Op):
    """z = erf a = (2/√π) ∫₀ᵃ e^(-t²) dt.   VJP: da = g (2/√π) e^(-a²)."""
    node_name = "ErfBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        a = _float(a)
        ctx.save_for_backward(a)
        return erf_fast(a)  # kernels/erf.py: NumPy has no erf

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * TWO_OVER_SQRT_PI * (-(a * a)).exp()


def erf(input, *, out=None):
    return _out(Erf.apply(input), out)


class Logaddexp(Op):
    """z = ln(e^a + e^b), without overflow.   VJP: da = g / (1 + e^(b-a)),  db = g / (1 + e^(a-b))."""
    node_name = "LogaddexpBackward0"
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.logaddexp(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (g / (1 + (b - a).exp()) if da else None), (g / (1 + (a - b).exp()) if db else None)


def logaddexp(input, other, *, out=None):
    _tensor_only("logaddexp", other)
    if not result_type(input, other).is_floating_point:
        raise _not_implemented("logaddexp_cpu", input)
    return _out(Logaddexp.apply(input, other), out)


class Logaddexp2(Op):
    """z = log₂(2^a + 2^b), without overflow.   VJP: da = g / (1 + 2^(b-a)),  db = g / (1 + 2^(a-b))."""
    node_name = "Logaddexp2Backward0"
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.logaddexp2(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (g / (1 + (b - a).exp2()) if da else None), (g / (1 + (a - b).exp2()) if db else None)


def logaddexp2(input, other, *, out=None):
    _tensor_only("logaddexp2", other)
    if not result_type(input, other).is_floating_point:
        raise _not_implemented("logaddexp2_cpu", input)
    return _out(Logaddexp2.apply(input, other), out)


class Erfc(Op):
    """z = erfc a = 1 - erf a.   VJP: da = -g (2/√π) e^(-a²)."""
    node_name = "ErfcBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        a = _float(a)
        ctx.save_for_backward(a)
        # computed directly (not 1 - erf a, which loses every digit in the right tail): math.erfc, in float64
        with np.errstate(all="ignore"):
            return np.asarray(np.frompyfunc(math.erfc, 1, 1)(a.astype(np.float64)), np.float64).astype(a.dtype)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return -g * TWO_OVER_SQRT_PI * (-(a * a)).exp()


def erfc(input, *, out=None):
    return _out(Erfc.apply(input), out)


class Logit(Op):
    """z = ln(a / (1 - a)), a clamped to [eps, 1 - eps] first when eps is given.
    VJP: da = g / (a (1 - a)), 0 outside [eps, 1 - eps] (NaN outside [0, 1] without eps, as torch)."""
    node_name = "LogitBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a, eps):
        a = _float(a)
        ctx.save_for_backward(a)
        ctx.eps = eps
        if eps is not None:  # torch's clamp, x < lo ? lo : x > hi ? hi : x, which eps > 0.5 turns upside down
            lo, hi = np.asarray([eps, 1 - eps]).astype(a.dtype)
            a = np.where(a < lo, lo, np.where(a > hi, hi, a))
        return _compute(lambda x: np.log(x / (1 - x)), a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        d = g / (a * (1 - a))
        if ctx.eps is None:
            return where((a < 0) | (a > 1), math.nan, d)
        return where((a < ctx.eps) | (a > 1 - ctx.eps), 0.0, d)


def logit(input, eps=None, *, out=None):
    return _out(Logit.apply(input, eps), out)
