"""Arithmetic: + - * / // ** and negation. Each op: forward on arrays, VJP on Tensors.

Broadcasting needs no code here: the engine sums each gradient back to its input's shape.
"""
import numpy as np

from .._dtype import float64, get_default_dtype
from ..kernels.power import FAST_EXPONENTS, int_power_fast
from ..tensor import Tensor, _make
from .inplace import copy_into_out
from .op import Op
from .where import where


class Add(Op):
    """z = a + alpha*b.   JVP: linear (dz = da + alpha*db).   VJP: da = g,  db = alpha*g."""
    node_name = "AddBackward0"
    linear = True
    promotes = 2

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return a + b if alpha == 1 else a + alpha * b

    @staticmethod
    def backward(ctx, g):
        return g, (g if ctx.alpha == 1 else g * ctx.alpha)


def _no_bool_subtraction(a, b):
    """torch refuses to subtract booleans (tensors or numbers), and says what was likely meant."""
    a_bool, b_bool = [x._data.dtype.kind == "b" if type(x) is Tensor else isinstance(x, (bool, np.bool_))
                      for x in (a, b)]
    if a_bool and b_bool:
        raise NotImplementedError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
                                  "`^` or `logical_xor()` operator instead.")
    if a_bool or b_bool:
        raise NotImplementedError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                                  "trying to invert a mask, use the `~` or `logical_not()` operator instead.")


class Sub(Op):
    """z = a - alpha*b.   JVP: linear (dz = da - alpha*db).   VJP: da = g,  db = -alpha*g."""
    node_name = "SubBackward0"
    linear = True
    promotes = 2

    @classmethod
    def apply(cls, a, b, *alpha):
        _no_bool_subtraction(a, b)
        return super().apply(a, b, *alpha)

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return a - b if alpha == 1 else a - alpha * b

    @staticmethod
    def backward(ctx, g):
        return g, (-g if ctx.alpha == 1 else g * -ctx.alpha)


class Rsub(Op):
    """z = c - alpha*a for a number c (``2 - x``, ``torch.rsub(x, 2)``).   JVP: dz = -alpha*da.   VJP: da = -alpha*g."""
    node_name = "RsubBackward1"

    @staticmethod
    def jvp(ctx, z, t, a, c, alpha=1):
        return -t[0] if alpha == 1 else t[0] * -alpha

    @classmethod
    def apply(cls, a, c, *alpha):
        _no_bool_subtraction(c, a)
        return super().apply(a, c, *alpha)

    @staticmethod
    def forward(ctx, a, c, alpha=1):
        ctx.alpha = alpha
        if a.dtype.kind in "iu" and isinstance(c, (float, np.floating)):  # 2.5 - int tensor: the default dtype
            a = a.astype(get_default_dtype().np)
        if alpha != 1:
            a = np.multiply(a, alpha, dtype=a.dtype)
        return np.subtract(c, a, dtype=a.dtype)  # a Python number takes the tensor's dtype, as in torch

    @staticmethod
    def backward(ctx, g):
        return -g if ctx.alpha == 1 else g * -ctx.alpha


class RsubTensor(Op):
    """z = b - alpha*a (``torch.rsub(a, b)``, sub with its operands swapped).   JVP: linear.   VJP: da = -alpha*g,  db = g."""
    node_name = "RsubBackward0"
    linear = True
    promotes = 2

    @classmethod
    def apply(cls, a, b, *alpha):
        _no_bool_subtraction(a, b)
        return super().apply(a, b, *alpha)

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return b - a if alpha == 1 else b - alpha * a

    @staticmethod
    def backward(ctx, g):
        return (-g if ctx.alpha == 1 else g * -ctx.alpha), g


def rsub(input, other, *, alpha=1):
    """other - alpha*input."""
    if _is_number(other):
        return Rsub.apply(input, other, alpha)
    return RsubTensor.apply(input, other, alpha)


class Mul(Op):
    """z = a * b.   JVP: dz = da*b + a*db.   VJP: da = g * b,  db = g * a."""
    node_name = "MulBackward0"

    @staticmethod
    def jvp(ctx, z, t, a, b):
        return t[0] * b + a * t[1]
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (g * b if da else None), (g * a if db else None)


class Div(Op):
    """z = a / b (true division: integers give floats).   JVP: dz = (da - z·db) / b.   VJP: da = g / b,  db = -g · (a / b) / b  (= -g·a / b²,
    divided twice as torch does: its float32 gradients round the same)."""
    node_name = "DivBackward0"

    @staticmethod
    def jvp(ctx, z, t, a, b):
        return (t[0] - z * t[1]) / b
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if a.dtype.kind != "f":  # int / int is a float tensor in torch
            return np.true_divide(a, b, dtype=get_default_dtype().np)
        return a / b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (g / b if da else None), (-g * ((a / b) / b) if db else None)


# torch's C++ code (its losses) adds, subtracts, multiplies and divides plain numbers: AddBackward1, SubBackward1,
# MulBackward1, DivBackward1, one edge each.
# ``x * 2`` is MulBackward0: the number becomes a constant tensor, an edge of its own (see Op's _promote).
class MulScalar(Op):
    """z = a·c for a number c.   JVP: linear (dz = da·c).   VJP: da = g·c."""
    node_name = "MulBackward1"
    linear = True

    @staticmethod
    def forward(ctx, a, c):
        ctx.c = c
        return a * a.dtype.type(c)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.c


class DivScalar(Op):
    """z = a / c for a number c.   JVP: linear (dz = da / c).   VJP: da = g / c."""
    node_name = "DivBackward1"
    linear = True

    @staticmethod
    def forward(ctx, a, c):
        ctx.c = c
        return a / a.dtype.type(c)

    @staticmethod
    def backward(ctx, g):
        return g / ctx.c


class AddScalar(Op):
    """z = a + c for a number c (torch's C++ ``x + 1.0``, as rms_norm uses it).   JVP: dz = da.   VJP: da = g."""
    node_name = "AddBackward1"

    @staticmethod
    def jvp(ctx, z, t, a, c):
        return t[0]

    @staticmethod
    def forward(ctx, a, c):
        return a + a.dtype.type(c)

    @staticmethod
    def backward(ctx, g):
        return g


class SubScalar(Op):
    """z = a - c for a number c (torch's C++ ``x - 1.0``).   JVP: dz = da.   VJP: da = g."""
    node_name = "SubBackward1"

    @staticmethod
    def jvp(ctx, z, t, a, c):
        return t[0]

    @staticmethod
    def forward(ctx, a, c):
        return a - a.dtype.type(c)

    @staticmethod
    def backward(ctx, g):
        return g


class Reciprocal(Op):
    """z = 1 / a.   JVP: dz = -da·z².   VJP: da = -g * z²."""
    node_name = "ReciprocalBackward0"

    @staticmethod
    def jvp(ctx, z, t, a):
        return -t[0] * z * z

    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind != "f":
            a = a.astype(get_default_dtype().np)
        out = 1 / a
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return -g * z * z


class Neg(Op):
    """z = -a.   JVP: linear (dz = -da).   VJP: da = -g."""
    node_name = "NegBackward0"
    linear = True

    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, g):
        return -g


def _silent():
    """torch computes inf and NaN without a word where NumPy warns: 0 ** -1 and 10 ** 400 (inf), (-8) ** (1/3),
    inf - inf and 0·inf (NaN), the mean of no elements (NaN). The values are the same."""
    return np.errstate(over="ignore", divide="ignore", invalid="ignore")


class Pow(Op):
    """z = a ** p for a number p.   JVP: dz = p·a^(p-1)·da.   VJP: da = g * p * a^(p-1)  (0 when p == 0)."""
    node_name = "PowBackward0"

    @staticmethod
    def jvp(ctx, z, t, a, p):
        return t[0] * 0 if p == 0 else t[0] * p * a ** (p - 1)

    @staticmethod
    def forward(ctx, a, p):
        ctx.save_for_backward(a)
        ctx.p = p
        if a.dtype.kind != "f" and isinstance(p, float):
            a = a.astype(get_default_dtype().np)
        elif a.dtype == np.bool_:  # a bool tensor to an integer power is int64 in torch (NumPy: int8)
            a = a.astype(np.int64)
        with _silent():
            if p in FAST_EXPONENTS and a.dtype.char in "fd" and type(p) is not bool:
                return int_power_fast(a, p)  # products, not pow(): 10x faster (kernels/power.py)
            return a ** p

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        p = ctx.p
        if p == 0:
            return g * 0
        return g * p * a ** (p - 1)


class PowTensor(Op):
    """z = a ** b for tensors.   JVP: dz = b·a^(b-1)·da + z·ln(a)·db (the VJP's zeros too).   VJP: da = g * b * a^(b-1)  (0 where b == 0),  db = g * z * ln a  (0 where a == 0,
    b >= 0)."""
    node_name = "PowBackward1"

    @staticmethod
    def jvp(ctx, z, t, a, b):
        da = where(b == 0, 0.0, t[0] * b * a ** (b - 1))
        return da + where((a == 0) & (b >= 0), 0.0, t[1] * z * a.log())
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        with _silent():
            out = a ** b
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, z = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        # where b == 0, z = 1 is flat in a: 0 as torch, also at a == 0 (where b * a^(b-1) = 0 * inf = nan)
        ga = where(b == 0, 0.0, g * b * a ** (b - 1)) if da else None
        gb = where((a == 0) & (b >= 0), 0.0, g * z * a.log()) if db else None
        return ga, gb


class RPow(Op):
    """z = c ** a for a number c (``2 ** x``).   JVP: dz = z·ln(c)·da.   VJP: da = g * z * ln c  (0 where c == 0 and a >= 0)."""
    node_name = "PowBackward2"

    @staticmethod
    def jvp(ctx, z, t, a, c):
        dz = t[0] * z * float(np.log(c))
        return where(a >= 0, 0.0, dz) if c == 0 else dz

    @staticmethod
    def forward(ctx, a, c):
        if a.dtype.kind != "f" and isinstance(c, float):
            a = a.astype(get_default_dtype().np)
        elif a.dtype == np.bool_:  # as in Pow: int64, as torch
            a = a.astype(np.int64)
        with _silent():
            out = np.power(np.asarray(c, a.dtype), a)
        ctx.save_for_backward(out, a)
        ctx.c = c
        return out

    @staticmethod
    def backward(ctx, g):
        z, a = ctx.saved_tensors
        dz = g * z * float(np.log(ctx.c))
        if ctx.c == 0:  # as torch: 0 ** a is flat (0, or 1 at a == 0) where a >= 0; z ln 0 = -inf elsewhere
            return where(a >= 0, 0.0, dz)
        return dz


class FloorDivide(Op):
    """z = floor(a / b), rounded toward -inf as Python's ``//`` (integers stay integers; x // 0 is ±inf or
    nan for floats, torch's "ZeroDivisionError" for integers).

    No VJP: torch has no derivative for floor_divide. Its node is ``NotImplemented``, with edges only to
    the inputs that require grad, and backward through it raises."""
    node_name = "torch::autograd::NotImplemented"

    @staticmethod
    def jvp(ctx, z, t, a, b):
        return z.new_zeros(z.shape)
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        if a.dtype == np.bool_:
            raise NotImplementedError("\"div_floor_cpu\" not implemented for 'Bool'")
        if a.dtype.kind in "iu" and np.any(b == 0) and 0 not in np.broadcast_shapes(a.shape, b.shape):
            raise RuntimeError("ZeroDivisionError")
        # NumPy takes torch's steps for floats (fmod, correct the sign, snap to the nearest integer), so the
        # results are the same; torch is silent where NumPy warns (x // 0, int64 min // -1)
        with np.errstate(all="ignore"):
            return np.floor_divide(a, b)

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")

    @classmethod
    def apply(cls, *args):
        out = super().apply(*args)
        node = out.grad_fn
        if node is not None and isinstance(node, cls._Node):  # torch's NotImplemented node: no edge to a
            keep = [i for i, (fn, _) in enumerate(node.next_functions) if fn is not None]  # constant
            node.next_functions = tuple(node.next_functions[i] for i in keep)
            node._input_meta = tuple(node._input_meta[i] for i in keep)
        return out


class DivRounded(Op):
    """z = a / b rounded toward zero ('trunc') or toward -inf ('floor': floor_divide's kernel, Python's
    ``//``); integers stay integers.   VJP: da = db = 0 (z is piecewise constant), as torch."""
    node_name = "DivBackward2"

    @staticmethod
    def jvp(ctx, z, t, a, b, rounding_mode):
        return z.new_zeros(z.shape)
    promotes = 2

    @staticmethod
    def forward(ctx, a, b, rounding_mode):
        if rounding_mode == "floor":
            return FloorDivide.forward(ctx, a, b)
        if a.dtype == np.bool_:
            raise NotImplementedError("\"div_trunc_cpu\" not implemented for 'Bool'")
        if a.dtype.kind == "f":
            with np.errstate(all="ignore"):  # x / 0: inf or nan, silently, as torch
                return np.trunc(a / b)
        q = FloorDivide.forward(ctx, a, b)  # torch's ZeroDivisionError for integers
        # toward zero is one more than toward -inf where the quotient is negative and not whole
        with np.errstate(all="ignore"):
            return q + ((q * b != a) & ((a < 0) != (b < 0)))

    @staticmethod
    def backward(ctx, g):
        return _make(np.zeros_like(g._data)), _make(np.zeros_like(g._data))


def _is_number(x):
    return isinstance(x, (int, float, bool, np.number))


def add(input, other, *, alpha=1, out=None):
    return _out(Add.apply(input, other, alpha) if alpha != 1 else Add.apply(input, other), out)


def sub(input, other, *, alpha=1, out=None):
    return _out(Sub.apply(input, other, alpha) if alpha != 1 else Sub.apply(input, other), out)


# The reflected operators (``2 - x``, ``2 / x``, ``2 ** x``) take a number or a Tensor (``x.__rsub__(y)``
# called by name, as torch's tests do). For anything else (a list) they answer NotImplemented, as torch's
# do, and Python raises its TypeError ("unsupported operand type(s) for -: 'list' and 'Tensor'").
def _reflected(number_case, tensor_case):
    def operator(input, other):
        if _is_number(other):
            return number_case(input, other)
        return tensor_case(input, other) if isinstance(other, Tensor) else NotImplemented
    return operator


def mul(input, other, *, out=None):
    return _out(Mul.apply(input, other), out)


def div(input, other, *, rounding_mode=None, out=None):
    """input / other; ``rounding_mode`` 'trunc' or 'floor' rounds the quotient (integers stay integers)."""
    if rounding_mode is None:
        return _out(Div.apply(input, other), out)
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")
    # the exact quotient rounded once, as torch: floor(a / b) would round twice (1 / 0.1 is 10.0 in floating
    # point, but the exact quotient of 1 and the double nearest 0.1 is just under 10: its floor is 9)
    return _out(DivRounded.apply(input, other, rounding_mode), out)


true_divide = divide = div


def floor_divide(input, other, *, out=None):
    """input // other, rounded toward -inf (torch >= 1.13; before, toward zero)."""
    return _out(FloorDivide.apply(input, other), out)
multiply = mul
subtract = sub


def _rdiv_number(input, other):
    """other / input for a number other: torch records it as reciprocal(input) * other."""
    return Mul.apply(Reciprocal.apply(input), other)


_rsub = _reflected(Rsub.apply, lambda input, other: sub(other, input))
rdiv = _reflected(_rdiv_number, _rdiv_number)  # torch's __rtruediv__ is reciprocal() * other for tensors too
_rpow = _reflected(lambda input, other: pow(other, input), lambda input, other: pow(other, input))


def neg(input):
    return Neg.apply(input)


negative = neg


def pow(input, exponent, *, out=None):
    if _is_number(input):
        return _out(RPow.apply(exponent, input), out)
    if _is_number(exponent):
        return _out(Pow.apply(input, exponent), out)
    return _out(PowTensor.apply(input, exponent), out)


def float_power(input, exponent, *, out=None):
    """pow in float64 (torch composes it so: the nodes are pow's)."""
    # torch's float_power_ on a tensor that is not float64 raises: that check is in float_power_ below
    input = input.double() if isinstance(input, Tensor) else float(input)
    exponent = exponent.double() if isinstance(exponent, Tensor) else float(exponent)
    return pow(input, exponent, out=out)


def float_power_(self, exponent):
    if self.dtype is not float64:
        raise RuntimeError(f"the base given to float_power_ has dtype {self.dtype.scalar_name} but the "
                           f"operation's result requires dtype Double")
    return self.pow_(exponent.double() if isinstance(exponent, Tensor) else float(exponent))


def reciprocal(input):
    return Reciprocal.apply(input)


def _out(result, out, name=None):
    """Support torch's ``out=`` argument: write the result into ``out`` (ops/inplace.py ``copy_into_out``)."""
    if out is None:
        return result
    return copy_into_out(out, result, name)


# The operators skip the keyword handling of add/mul/... (alpha, out): they are the hottest calls of all.
def _add_operator(self, other):
    return Add.apply(self, other)


def _sub_operator(self, other):
    return Sub.apply(self, other)


def _mul_operator(self, other):
    return Mul.apply(self, other)


def _div_operator(self, other):
    return Div.apply(self, other)


def _floordiv_operator(self, other):
    return FloorDivide.apply(self, other)


def _rfloordiv_operator(self, other):
    return FloorDivide.apply(other, self)


# ``x += 1`` is in place on a tensor, as in torch (without these Python would rebind x to a new tensor)
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
