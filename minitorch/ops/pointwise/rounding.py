"""Sign, absolute value and rounding (flat almost everywhere): abs, sign, sgn, floor, ceil, trunc, round,
frac; nan_to_num and the isnan/isinf/isfinite/isposinf/isneginf/isreal tests."""
import numpy as np

from ..._dtype import bool_
from ...tensor import _make
from ..arithmetic import _out
from ..op import Op
from ..where import where
from ._common import _check_bool_out, _not_implemented, _zeros


def _sign(a):
    """-1, 0 or 1; 0 for nan, as torch (NumPy's sign gives nan)."""
    if a.dtype == np.bool_:
        return a.copy()
    return (a > 0).astype(a.dtype) - (a < 0).astype(a.dtype)


class Abs(Op):
    """z = |a|.   VJP: da = g sign(a) (0 at a = 0)."""
    node_name = "AbsBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.abs(a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a.sgn()


def abs(input, *, out=None):
    if input.dtype is bool_:
        raise _not_implemented("abs_cpu", input)
    return _out(Abs.apply(input), out)


class Sign(Op):
    """z = sign(a).   VJP: da = 0."""
    node_name = "SignBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        return _sign(a)

    @staticmethod
    def backward(ctx, g):
        return _zeros(g)


def sign(input, *, out=None):
    return _out(Sign.apply(input), out)


class Sgn(Sign):
    """z = sgn(a), for real numbers the same as sign(a).   VJP: da = 0."""
    node_name = "SgnBackward0"


def sgn(input, *, out=None):
    return _out(Sgn.apply(input), out)


def _rounding(op, name, input, out):
    if input.dtype is bool_:
        raise _not_implemented(f"{name}_vml_cpu", input)
    return _out(op.apply(input), out)


class Floor(Op):
    """z = ⌊a⌋.   VJP: da = 0."""
    node_name = "FloorBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        return np.floor(a) if a.dtype.kind == "f" else a.copy()

    @staticmethod
    def backward(ctx, g):
        return _zeros(g)


def floor(input, *, out=None):
    return _rounding(Floor, "floor", input, out)


class Ceil(Floor):
    """z = ⌈a⌉.   VJP: da = 0."""
    node_name = "CeilBackward0"

    @staticmethod
    def forward(ctx, a):
        return np.ceil(a) if a.dtype.kind == "f" else a.copy()


def ceil(input, *, out=None):
    return _rounding(Ceil, "ceil", input, out)


class Trunc(Floor):
    """z = a rounded towards zero.   VJP: da = 0."""
    node_name = "TruncBackward0"

    @staticmethod
    def forward(ctx, a):
        return np.trunc(a) if a.dtype.kind == "f" else a.copy()


def trunc(input, *, out=None):
    return _rounding(Trunc, "trunc", input, out)


fix = trunc


class Round(Floor):
    """z = a rounded to the nearest integer, halves to even (0.5 -> 0, 1.5 -> 2).   VJP: da = 0."""
    node_name = "RoundBackward0"

    @staticmethod
    def forward(ctx, a):
        return np.round(a) if a.dtype.kind == "f" else a.copy()


class RoundDecimals(Floor):
    """z = a rounded to ``decimals`` decimal places (halves to even).   VJP: da = 0."""
    node_name = "RoundBackward1"

    @staticmethod
    def forward(ctx, a, decimals):
        return np.round(a, decimals)


_NO_DECIMALS = object()  # torch.round has two overloads: without ``decimals`` (RoundBackward0) and with it,
                        # even decimals=0 (RoundBackward1), so "not passed" must differ from 0


def round(input, *, decimals=_NO_DECIMALS, out=None):
    if decimals is _NO_DECIMALS:
        return _rounding(Round, "round", input, out)
    if not isinstance(decimals, (int, np.integer)) or isinstance(decimals, bool):
        raise TypeError(f"round() received an invalid combination of arguments - got (Tensor, "
                        f"decimals={type(decimals).__name__}), but expected one of:\n"
                        " * (Tensor input, *, Tensor out = None)\n"
                        " * (Tensor input, *, int decimals, Tensor out = None)\n")
    if not input.is_floating_point():  # torch's decimals=0 kernel is the vectorised round's
        raise _not_implemented("round_vml_cpu" if decimals == 0 else "round_cpu", input)
    return _out(RoundDecimals.apply(input, decimals), out)


class Frac(Op):
    """z = a - trunc(a).   VJP: da = g."""
    node_name = "FracBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        return a - np.trunc(a)

    @staticmethod
    def backward(ctx, g):
        return g


def frac(input, *, out=None):
    if not input.is_floating_point():
        raise _not_implemented("frac_cpu", input)
    return _out(Frac.apply(input), out)


class NanToNum(Op):
    """z = a with nan, +inf, -inf replaced by numbers.   VJP: da = g where a is finite, else 0."""
    node_name = "NanToNumBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a, nan, posinf, neginf):
        ctx.save_for_backward(a)
        return np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return where(isfinite(a), g, 0.0)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """nan -> ``nan``; ±inf -> ``posinf``/``neginf`` (default: the dtype's largest/smallest finite value)."""
    return _out(NanToNum.apply(input, nan, posinf, neginf), out)


def isnan(input):
    return _make(np.isnan(input._data))


def isinf(input):
    return _make(np.isinf(input._data))


def isfinite(input):
    return _make(np.isfinite(input._data))


def isposinf(input, *, out=None):
    _check_bool_out("isposinf", out)
    return _out(_make(np.isposinf(input._data)), out)


def isneginf(input, *, out=None):
    _check_bool_out("isneginf", out)
    return _out(_make(np.isneginf(input._data)), out)


def isreal(input):
    """Whether each element has no imaginary part: every element of a real tensor (minitorch has no complex)."""
    return _make(np.ones(input.shape, np.bool_))
