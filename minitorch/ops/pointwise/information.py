"""entr and xlog1py of torch.special: the x ln terms of entropies and log-likelihoods, with 0 ln 0 = 0.

xlog1py is xlogy's twin (ops/pointwise/special.py) with ln(1 + y), accurate for small y.
"""
import numpy as np

from ..arithmetic import _out
from ..op import Op
from ._common import _compute, _float, apply_overload, number_overloads


class Entr(Op):
    """z = -a ln a for a > 0, 0 at a = 0, -∞ for a < 0 (NaN stays NaN).   VJP: da = -g (1 + ln a)."""
    node_name = "SpecialEntrBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        a = _float(a)
        ctx.save_for_backward(a)
        return _compute(lambda x: np.where(x > 0, -x * np.log(np.where(x > 0, x, 1)),
                                           np.where(x == 0, 0, np.where(x < 0, -np.inf, x))), a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * (-(1 + a.log()))


class Xlog1py(Op):
    """z = a ln(1 + b), and 0 where a = 0 (unless b is NaN).
    VJP: da = g ln(1 + b) (0 where a = 0 and b ≤ -1), db = g a / (1 + b)."""
    node_name = "SpecialXlog1PyBackward0"
    promotes = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        a, b = _float(a), b.astype(_float(a).dtype)
        return _compute(lambda x, y: np.where((x == 0) & ~np.isnan(y), 0, x * np.log1p(y)), a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return ((xlog1py(g, b).masked_fill((a == 0) & (b <= -1), 0) if da else None),
                (g * a / (b + 1) if db else None))


# (Tensor, Tensor), (number, Tensor), (Tensor, number): torch's special_xlog1py, .self_scalar, .other_scalar
XLOG1PY_OVERLOADS = (Xlog1py, *number_overloads(Xlog1py, "SpecialXlog1PyBackward1", "SpecialXlog1PyBackward2"))


def entr(input, *, out=None):
    return _out(Entr.apply(input), out)


def xlog1py(input, other, *, out=None):
    return _out(apply_overload("special_xlog1py", input, other, XLOG1PY_OVERLOADS), out)
