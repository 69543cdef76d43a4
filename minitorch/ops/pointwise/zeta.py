"""torch.special.zeta: the Hurwitz zeta function ζ(x, q) = Σₖ₌₀^∞ (q + k)^(-x).

Forward in NumPy, in float64 (float32 rounded once, as torch computes it in double), by the Euler-Maclaurin
formula. torch differentiates it with respect to q only; with respect to x its backward raises.
"""
import numpy as np

from ..._dtype import get_default_dtype
from ..arithmetic import _out
from ..op import Op
from ._common import apply_overload, number_overloads

# (2j)! / B₂ⱼ for j = 1..12: the Euler-Maclaurin corrections are B₂ⱼ/(2j)! x(x+1)...(x+2j-2) w^(-x-2j+1)
_FACTORIAL_OVER_B = [12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
                     -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15,
                     1.8152105401943546773e17, -7.1661652561756670113e18]
_EPS = 1.11022302462515654042e-16


def _zeta(x, q):
    """ζ(x, q) elementwise in float64: the terms (q+k)^(-x) summed directly until one is below ε of the sum (many
    x are done there), or else up to w = q + N > 9 with N ≥ 9, then the rest from Euler-Maclaurin:
    ∫_w^∞ t^(-x) dt - w^(-x)/2 + Σⱼ B₂ⱼ/(2j)! x⁽²ʲ⁻¹⁾ w^(-x-2j+1), until a correction is below ε.
    ∞ at x = 1 and at the poles q = 0, -1, ...; NaN for x < 1, and for q < 0 unless x is an integer."""
    x, q = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(q, np.float64))
    with np.errstate(all="ignore"):
        s = np.power(q, -x)
        a, b = q.copy(), np.zeros_like(q)
        done = np.zeros(q.shape, bool)
        i = 0
        while True:
            going = ~done & ((i < 9) | (a <= 9))
            if not going.any():
                break
            i += 1
            a = np.where(going, a + 1, a)
            b = np.where(going, np.power(a, -x), b)
            s = np.where(going, s + b, s)
            done |= going & (-_EPS * s < b) & (b < _EPS * s)
        w = a
        tail = s + b * w / (x - 1) - 0.5 * b
        rising, k, settled = np.ones_like(x), 0.0, done.copy()
        for c in _FACTORIAL_OVER_B:
            rising = rising * (x + k)
            b = b / w
            t = rising * b / c
            tail = np.where(settled, tail, tail + t)
            settled |= np.abs(t / tail) < _EPS
            k += 1
            rising = rising * (x + k)
            b = b / w
            k += 1
        out = np.where(done, s, tail)
        nan = (x < 1) | ((q <= 0) & (q != np.floor(q)) & (x != np.floor(x)))
        out = np.where(nan, np.nan, out)
        return np.where((x == 1) | ((x > 1) & (q <= 0) & (q == np.floor(q))), np.inf, out)


class Zeta(Op):
    """z = ζ(x, q).   VJP: dq = -g x ζ(x + 1, q); dx is not implemented (as in torch)."""
    node_name = "SpecialZetaBackward0"
    promotes = True
    forward_ad, aten_name = False, "special_zeta"  # torch has no forward-mode rule: a dual input raises

    @staticmethod
    def forward(ctx, x, q):
        ctx.save_for_backward(x, q)
        dtype = x.dtype if x.dtype.kind == "f" else get_default_dtype().np
        with np.errstate(over="ignore"):  # float32 rounds a large ζ to inf, silently as torch
            return _zeta(x, q).astype(dtype)

    @staticmethod
    def backward(ctx, g):
        x, q = ctx.saved_tensors
        dx, dq = ctx.needs_input_grad
        if dx:
            raise NotImplementedError("the derivative for 'zeta' is not implemented.")
        return None, (g * -x * zeta(x + 1.0, q) if dq else None)


# (Tensor, Tensor), (number, Tensor), (Tensor, number): torch's special_zeta, .self_scalar, .other_scalar
ZETA_OVERLOADS = (Zeta, *number_overloads(Zeta, "SpecialZetaBackward1", "SpecialZetaBackward2"))


def zeta(input, other, *, out=None):
    return _out(apply_overload("special_zeta", input, other, ZETA_OVERLOADS), out)
