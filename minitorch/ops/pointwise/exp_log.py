"""Exponentials, logarithms and roots: exp, exp2, expm1, log, log2, log10, log1p, sqrt, rsqrt, square."""
import math

import numpy as np

from ..arithmetic import _out, pow
from ..op import Op
from ._common import _compute, _float


LN2, LN10 = math.log(2.0), math.log(10.0)


class Exp(Op):
    """z = e^a.   VJP: da = g * z."""
    node_name = "ExpBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        z = _compute(np.exp, _float(a))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g * z


def exp(input, *, out=None):
    return _out(Exp.apply(input), out)


class Exp2(Op):
    """z = 2^a.   VJP: da = g * z * ln 2."""
    node_name = "Exp2Backward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        z = _compute(np.exp2, _float(a))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g * z * LN2


def exp2(input, *, out=None):
    return _out(Exp2.apply(input), out)


class Expm1(Op):
    """z = e^a - 1 (exact for small a).   VJP: da = g * (z + 1)."""
    node_name = "Expm1Backward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        z = _compute(np.expm1, _float(a))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g * (z + 1)


def expm1(input, *, out=None):
    return _out(Expm1.apply(input), out)


class Log(Op):
    """z = ln a.   VJP: da = g / a."""
    node_name = "LogBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.log, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / a


def log(input, *, out=None):
    return _out(Log.apply(input), out)


class Log2(Op):
    """z = log2 a.   VJP: da = g / (a ln 2)."""
    node_name = "Log2Backward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.log2, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / (a * LN2)


def log2(input, *, out=None):
    return _out(Log2.apply(input), out)


class Log10(Op):
    """z = log10 a.   VJP: da = g / (a ln 10)."""
    node_name = "Log10Backward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.log10, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / (a * LN10)


def log10(input, *, out=None):
    return _out(Log10.apply(input), out)


class Log1p(Op):
    """z = ln(1 + a) (exact for small a).   VJP: da = g / (1 + a)."""
    node_name = "Log1PBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.log1p, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / (a + 1)


def log1p(input, *, out=None):
    return _out(Log1p.apply(input), out)


class Sqrt(Op):
    """z = √a.   VJP: da = g / (2z)."""
    node_name = "SqrtBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        z = _compute(np.sqrt, _float(a))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g / (2 * z)


def sqrt(input, *, out=None):
    return _out(Sqrt.apply(input), out)


class Rsqrt(Op):
    """z = 1/√a.   VJP: da = -g z³ / 2."""
    node_name = "RsqrtBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        z = _compute(lambda x: 1 / np.sqrt(x), _float(a))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return -0.5 * g * z * z * z


def rsqrt(input, *, out=None):
    return _out(Rsqrt.apply(input), out)


def square(input, *, out=None):
    """input ** 2: torch records it as a power (PowBackward0)."""
    return _out(pow(input, 2), out)
