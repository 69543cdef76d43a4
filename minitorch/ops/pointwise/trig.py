"""Trigonometric and hyperbolic functions: sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, atan2, asinh, acosh,
atanh; hypot; deg2rad, rad2deg; sinc."""
import math

import numpy as np

from ..._dtype import result_type
from ..arithmetic import _out
from ..op import Op
from ..where import where
from ._common import _compute, _float, _not_implemented, _tensor_only


class Sin(Op):
    """z = sin a.   VJP: da = g cos a."""
    node_name = "SinBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.sin, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a.cos()


def sin(input, *, out=None):
    return _out(Sin.apply(input), out)


class Cos(Op):
    """z = cos a.   VJP: da = -g sin a."""
    node_name = "CosBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.cos, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return -g * a.sin()


def cos(input, *, out=None):
    return _out(Cos.apply(input), out)


class Tan(Op):
    """z = tan a.   VJP: da = g (1 + z²)."""
    node_name = "TanBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        z = _compute(np.tan, _float(a))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g * (1 + z * z)


def tan(input, *, out=None):
    return _out(Tan.apply(input), out)


class Asin(Op):
    """z = arcsin a.   VJP: da = g / √(1 - a²)."""
    node_name = "AsinBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.arcsin, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * (1 - a * a).rsqrt()


def asin(input, *, out=None):
    return _out(Asin.apply(input), out)


class Acos(Op):
    """z = arccos a.   VJP: da = -g / √(1 - a²)."""
    node_name = "AcosBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.arccos, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return -g * (1 - a * a).rsqrt()


def acos(input, *, out=None):
    return _out(Acos.apply(input), out)


class Atan(Op):
    """z = arctan a.   VJP: da = g / (1 + a²)."""
    node_name = "AtanBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.arctan, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / (1 + a * a)


def atan(input, *, out=None):
    return _out(Atan.apply(input), out)


class Sinh(Op):
    """z = sinh a.   VJP: da = g cosh a."""
    node_name = "SinhBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.sinh, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a.cosh()


def sinh(input, *, out=None):
    return _out(Sinh.apply(input), out)


class Cosh(Op):
    """z = cosh a.   VJP: da = g sinh a."""
    node_name = "CoshBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.cosh, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a.sinh()


def cosh(input, *, out=None):
    return _out(Cosh.apply(input), out)


class Tanh(Op):
    """z = tanh a.   VJP: da = g (1 - z²)  (one op, TanhBackward below, as in torch)."""
    node_name = "TanhBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        z = np.tanh(_float(a))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return TanhBackward.apply(g, z)


class TanhBackward(Op):
    """torch's ``tanh_backward``: Tanh's VJP as one op, y = g (1 - z²) - one pass over the data instead of three
    ops (and three nodes under create_graph, where torch records this one, TanhBackwardBackward0).
    JVP: dy = dg (1 - z²) - 2 g z dz.   VJP: dg = tanh_backward(gy, z),  dz = gy (-2 z g)  (torch's formulas)."""
    node_name = "TanhBackwardBackward0"
    elementwise = True

    @staticmethod
    def jvp(ctx, y, t, g, z):
        return TanhBackward.apply(t[0], z) + t[1] * (-2 * z * g)

    @staticmethod
    def forward(ctx, g, z):
        ctx.save_for_backward(g if ctx.needs_input_grad[1] else None, z)
        return g * (1 - z * z)

    @staticmethod
    def backward(ctx, gy):
        g, z = ctx.saved_tensors
        dg, dz = ctx.needs_input_grad
        return (TanhBackward.apply(gy, z) if dg else None), (gy * (-2 * z * g) if dz else None)


def tanh(input, *, out=None):
    return _out(Tanh.apply(input), out)


class Atan2(Op):
    """z = atan2(a, b), the angle of the point (b, a).   VJP: da = g b / (a² + b²),  db = -g a / (a² + b²)."""
    node_name = "Atan2Backward0"
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(_float(a), _float(b))

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        r2 = a * a + b * b
        return (g * b / r2 if da else None), (-g * a / r2 if db else None)


def atan2(input, other, *, out=None):
    _tensor_only("atan2", other)
    return _out(Atan2.apply(input, other), out)


class Asinh(Op):
    """z = arsinh a = ln(a + √(a² + 1)).   VJP: da = g / √(a² + 1)."""
    node_name = "AsinhBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.arcsinh, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * (a * a + 1).rsqrt()


def asinh(input, *, out=None):
    return _out(Asinh.apply(input), out)


class Acosh(Op):
    """z = arcosh a = ln(a + √(a² - 1)), a ≥ 1.   VJP: da = g / √(a² - 1)."""
    node_name = "AcoshBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.arccosh, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * (a * a - 1).rsqrt()


def acosh(input, *, out=None):
    return _out(Acosh.apply(input), out)


class Atanh(Op):
    """z = artanh a = ½ ln((1 + a)/(1 - a)), |a| < 1.   VJP: da = g / (1 - a²)."""
    node_name = "AtanhBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _compute(np.arctanh, _float(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / (1 - a * a)


def atanh(input, *, out=None):
    return _out(Atanh.apply(input), out)


class Hypot(Op):
    """z = √(a² + b²), without overflow.   VJP: da = g a / z,  db = g b / z."""
    node_name = "HypotBackward0"
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        z = _compute(np.hypot, a, b)
        ctx.save_for_backward(a, b, z)
        return z

    @staticmethod
    def backward(ctx, g):
        a, b, z = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (g * a / z if da else None), (g * b / z if db else None)


def hypot(input, other, *, out=None):
    _tensor_only("hypot", other)
    if not result_type(input, other).is_floating_point:
        raise _not_implemented("hypot_cpu", input)
    return _out(Hypot.apply(input, other), out)


class Deg2rad(Op):
    """z = a π/180.   VJP: da = g π/180."""
    node_name = "Deg2RadBackward0"
    elementwise = True
    factor = math.pi / 180

    @classmethod
    def forward(cls, ctx, a):
        return _compute(lambda x: x * cls.factor, _float(a))

    @classmethod
    def backward(cls, ctx, g):
        return g * cls.factor


def deg2rad(input, *, out=None):
    return _out(Deg2rad.apply(input), out)


class Rad2deg(Deg2rad):
    """z = a 180/π.   VJP: da = g 180/π."""
    node_name = "Rad2DegBackward0"
    factor = 180 / math.pi


def rad2deg(input, *, out=None):
    return _out(Rad2deg.apply(input), out)


class Sinc(Op):
    """z = sin(πa)/(πa), 1 at a = 0.   VJP: da = g (πa cos(πa) - sin(πa))/(πa²), 0 where πa² = 0."""
    node_name = "SincBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        a = _float(a)
        ctx.save_for_backward(a)
        return _compute(np.sinc, a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        # torch's formula: 0 where πa² underflows to 0 (not just at a = 0), its second derivative there NaN
        pa, pa2 = math.pi * a, a * a * math.pi
        return where(pa2 == 0, 0.0, g * (pa * pa.cos() - pa.sin()) / pa2)


def sinc(input, *, out=None):
    return _out(Sinc.apply(input), out)
