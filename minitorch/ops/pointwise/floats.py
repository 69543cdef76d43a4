"""The parts of a floating-point number: copysign, signbit, nextafter, ldexp, frexp, and heaviside (the step)."""
import collections
import math

import numpy as np

from ..._dtype import result_type
from ...tensor import Tensor, _make
from ..arithmetic import _out
from ..op import Op
from ..where import where
from ._common import _check_bool_out, _compute, _float, _not_implemented, _tensor_only, _zeros


class Copysign(Op):
    """z = |a| with the sign of b.   VJP: da = g z / a (0 where a = 0),  db = 0."""
    node_name = "CopysignBackward0"
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        if a.dtype.kind != "f":  # copysign of integers is a float, as torch's
            a, b = _float(a), _float(b)
        z = _compute(np.copysign, a, b)
        ctx.save_for_backward(a, z)
        return z

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (where(a == 0, 0.0, g * (z / a)) if da else None), (_zeros(g) if db else None)


class CopysignScalar(Op):
    """copysign(a, number): z = |a| with the number's sign.   VJP: da = g z / a (0 where a = 0)."""
    node_name = "CopysignBackward1"
    elementwise = True

    @staticmethod
    def forward(ctx, a, c):
        a = _float(a)  # the number is not a graph input (torch's node has one edge)
        z = _compute(lambda x: np.copysign(x, np.asarray(c, x.dtype)), a)
        ctx.save_for_backward(a, z)
        return z

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        return where(a == 0, 0.0, g * (z / a))


def copysign(input, other, *, out=None):
    op = Copysign if isinstance(other, Tensor) else CopysignScalar
    return _out(op.apply(input, other), out)


def signbit(input, *, out=None):
    """Whether the sign bit is set (-0.0 and -nan too); no gradient."""
    _check_bool_out("signbit", out)
    return _out(_make(np.signbit(input._data)), out)


class Nextafter(Op):
    """z = the next float after a in the direction of b (b where a = b).
    VJP: da = g where a ≠ b (z is a, to within one ulp), 0 where a = b;  db = 0 (torch's choices)."""
    node_name = "NextafterBackward0"
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.nextafter(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (where(a == b, 0.0, g) if da else None), (_zeros(g) if db else None)


def nextafter(input, other, *, out=None):
    _tensor_only("nextafter", other)
    if not result_type(input, other).is_floating_point:
        raise _not_implemented("nextafter_cpu", input)
    return _out(Nextafter.apply(input, other), out)


class Ldexp(Op):
    """z = a 2ᵇ.   VJP: da = g 2ᵇ,  db = g z ln 2."""
    node_name = "LdexpBackward0"
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        if a.dtype.kind != "f":  # ldexp of integers is a float, as torch's
            a, b = _float(a), _float(b)
        z = _compute(lambda x, e: x * np.exp2(e), a, b)
        ctx.save_for_backward(b, z)
        return z

    @staticmethod
    def backward(ctx, g):
        b, z = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (g * b.exp2() if da else None), (g * z * math.log(2) if db else None)


def ldexp(input, other, *, out=None):
    _tensor_only("ldexp", other)
    return _out(Ldexp.apply(input, other), out)


frexp_return = type("frexp", (collections.namedtuple("frexp", ["mantissa", "exponent"]),), {
    "__slots__": (), "__repr__": lambda self: f"torch.return_types.frexp(\nmantissa={self.mantissa!r},\n"
                                              f"exponent={self.exponent!r})"})


class Frexp(Op):
    """(m, e) with a = m 2ᵉ, 0.5 ≤ |m| < 1 (m = e = 0 at a = 0).   VJP: da = g / 2ᵉ."""
    node_name = "FrexpBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        m, e = np.frexp(a)
        e = e.astype(np.int32)
        ctx.exponent = e
        return m.astype(a.dtype), e

    @staticmethod
    def backward(ctx, g, _):
        return g / _make(np.exp2(ctx.exponent).astype(g.dtype.np))


def frexp(input, *, out=None):
    if not input.dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    result = frexp_return(*Frexp.apply(input))
    if out is not None:
        _out(result.mantissa, out[0]), _out(result.exponent, out[1])
        return frexp_return(*out)
    return result


class Heaviside(Op):
    """z = 0 where a < 0, b where a = 0, 1 where a > 0.   No derivative (torch raises, and so does this)."""
    node_name = "torch::autograd::NotImplemented"
    elementwise = True

    @staticmethod
    def forward(ctx, a, b):
        return np.where(a == 0, b, (a > 0).astype(a.dtype)).astype(a.dtype)

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::heaviside is not implemented")


def heaviside(input, values, *, out=None):
    if not isinstance(values, Tensor):
        raise TypeError(f"heaviside(): argument 'values' (position 2) must be Tensor, not {type(values).__name__}")
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _out(Heaviside.apply(input, values), out)
