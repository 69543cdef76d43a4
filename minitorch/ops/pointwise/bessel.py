"""The modified Bessel functions of the first kind, I₀ and I₁, and their exponentially scaled forms
e^-|x| I₀(x) and e^-|x| I₁(x): torch.i0, torch.special.i0e, i1, i1e (the rest of torch.special's Bessel family,
which has no gradients, is minitorch/special/_bessel.py; it reuses these series).

They are here, among the operations, because torch.i0's gradient is I₁ and I₁'s is I₀; and each scaled form's
gradient needs the other. The forward is torch's (Cephes' i0, i0e, i1, i1e): a Chebyshev series of the scaled
function on [0, 8] and another of it times √x in 1/x on [8, ∞), with the same coefficients and the same order of
operations, in the input's own dtype - so that float32 results are torch's float32 results, rounding and all
(float16 is computed in float32, as torch does; integers in the default dtype).
"""
import numpy as np

from ..._dtype import get_default_dtype
from ...tensor import Tensor
from ..arithmetic import _out
from ..op import Op
from ..where import where

# Chebyshev coefficients, highest order first (as Cephes' chbevl takes them), of:
# e^-x I₀(x) in x/2 - 2 on [0, 8] (its limit at 0 is 1)
EXP_I0_NEAR = (
    -4.41534164647933937950e-18, 3.33079451882223809783e-17, -2.43127984654795469359e-16, 1.71539128555513303061e-15,
    -1.16853328779934516808e-14, 7.67618549860493561688e-14, -4.85644678311192946090e-13, 2.95505266312963983461e-12,
    -1.72682629144155570723e-11, 9.67580903537323691224e-11, -5.18979560163526290666e-10, 2.65982372468238665035e-9,
    -1.30002500998624804212e-8, 6.04699502254191894932e-8, -2.67079385394061173391e-7, 1.11738753912010371815e-6,
    -4.41673835845875056359e-6, 1.64484480707288970893e-5, -5.75419501008210370398e-5, 1.88502885095841655729e-4,
    -5.76375574538582365885e-4, 1.63947561694133579842e-3, -4.32430999505057594430e-3, 1.05464603945949983183e-2,
    -2.37374148058994688156e-2, 4.93052842396707084878e-2, -9.49010970480476444210e-2, 1.71620901522208775349e-1,
    -3.04682672343198398683e-1, 6.76795274409476084995e-1)
# e^-x √x I₀(x) in 32/x - 2 on [8, ∞) (its limit at ∞ is 1/√(2π))
EXP_SQRT_I0_FAR = (
    -7.23318048787475395456e-18, -4.83050448594418207126e-18, 4.46562142029675999901e-17, 3.46122286769746109310e-17,
    -2.82762398051658348494e-16, -3.42548561967721913462e-16, 1.77256013305652638360e-15, 3.81168066935262242075e-15,
    -9.55484669882830764870e-15, -4.15056934728722208663e-14, 1.54008621752140982691e-14, 3.85277838274214270114e-13,
    7.18012445138366623367e-13, -1.79417853150680611778e-12, -1.32158118404477131188e-11, -3.14991652796324136454e-11,
    1.18891471078464383424e-11, 4.94060238822496958910e-10, 3.39623202570838634515e-9, 2.26666899049817806459e-8,
    2.04891858946906374183e-7, 2.89137052083475648297e-6, 6.88975834691682398426e-5, 3.36911647825569408990e-3,
    8.04490411014108831608e-1)
# e^-x I₁(x) / x in x/2 - 2 on [0, 8] (its limit at 0 is 1/2)
EXP_I1_OVER_X_NEAR = (
    2.77791411276104639959e-18, -2.11142121435816608115e-17, 1.55363195773620046921e-16, -1.10559694773538630805e-15,
    7.60068429473540693410e-15, -5.04218550472791168711e-14, 3.22379336594557470981e-13, -1.98397439776494371520e-12,
    1.17361862988909016308e-11, -6.66348972350202774223e-11, 3.62559028155211703701e-10, -1.88724975172282928790e-9,
    9.38153738649577178388e-9, -4.44505912879632808065e-8, 2.00329475355213526229e-7, -8.56872026469545474066e-7,
    3.47025130813767847674e-6, -1.32731636560394358279e-5, 4.78156510755005422638e-5, -1.61760815825896745588e-4,
    5.12285956168575772895e-4, -1.51357245063125314899e-3, 4.15642294431288815669e-3, -1.05640848946261981558e-2,
    2.47264490306265168283e-2, -5.29459812080949914269e-2, 1.02643658689847095384e-1, -1.76416518357834055153e-1,
    2.52587186443633654823e-1)
# e^-x √x I₁(x) in 32/x - 2 on [8, ∞) (its limit at ∞ is 1/√(2π))
EXP_SQRT_I1_FAR = (
    7.51729631084210481353e-18, 4.41434832307170791151e-18, -4.65030536848935832153e-17, -3.20952592199342395980e-17,
    2.96262899764595013876e-16, 3.30820231092092828324e-16, -1.88035477551078244854e-15, -3.81440307243700780478e-15,
    1.04202769841288027642e-14, 4.27244001671195135429e-14, -2.10154184277266431302e-14, -4.08355111109219731823e-13,
    -7.19855177624590851209e-13, 2.03562854414708950722e-12, 1.41258074366137813316e-11, 3.25260358301548823856e-11,
    -1.89749581235054123450e-11, -5.58974346219658380687e-10, -3.83538038596423702205e-9, -2.63146884688951950684e-8,
    -2.51223623787020892529e-7, -3.88256480887769039346e-6, -1.10588938762623716291e-4, -9.76109749136146840777e-3,
    7.78576235018280120474e-1)
# torch's float32 i1 and i1e sum only the last 17 and 7 of these (the earlier terms are below float32's precision)
_FLOAT32_TERMS_I1 = (17, 7)


def chbevl(y, coefficients):
    """Σ' cₖ Tₖ(y/2), the Chebyshev series at y/2 by Clenshaw's recurrence (Cephes' chbevl), highest order first."""
    b0, b1, b2 = np.full_like(y, coefficients[0]), np.zeros_like(y), np.zeros_like(y)
    for c in coefficients[1:]:
        b2, b1 = b1, b0
        b0 = y * b1 - b2 + c
    return 0.5 * (b0 - b2)


def floating(a, half=True):
    """``a`` in the dtype torch computes in: floating arrays as they are (float16 in float32 where ``half``),
    integers and booleans in the default dtype."""
    a = np.asarray(a)
    if a.dtype.kind != "f":
        return a.astype(get_default_dtype().np)
    return a.astype(np.float32) if half and a.dtype == np.float16 else a


def _i1_tables(x):
    near, far = EXP_I1_OVER_X_NEAR, EXP_SQRT_I1_FAR
    if x.dtype == np.float32:
        near, far = near[-_FLOAT32_TERMS_I1[0]:], far[-_FLOAT32_TERMS_I1[1]:]
    return near, far


def i0_array(a):
    """I₀(x) = e^|x| (e^-x I₀ series) on [0, 8], e^|x| (e^-x √x I₀ series) / √|x| beyond."""
    x = np.abs(a)
    with np.errstate(all="ignore"):
        near = np.exp(x) * chbevl(x / 2 - 2, EXP_I0_NEAR)
        far = np.exp(x) * chbevl(32 / x - 2, EXP_SQRT_I0_FAR) / np.sqrt(x)
    return np.where(x <= 8, near, far)


def i0e_array(a):
    """e^-|x| I₀(x): the two series without the exponential."""
    x = np.abs(a)
    with np.errstate(all="ignore"):
        near = chbevl(x / 2 - 2, EXP_I0_NEAR)
        far = chbevl(32 / x - 2, EXP_SQRT_I0_FAR) / np.sqrt(x)
    return np.where(x <= 8, near, far)


def i1_array(a):
    """I₁(x) = sign(x) e^|x| |x| (e^-x I₁/x series) on [0, 8], sign(x) e^|x| (e^-x √x I₁ series) / √|x| beyond."""
    x = np.abs(a)
    near_table, far_table = _i1_tables(x)
    with np.errstate(all="ignore"):
        near = np.exp(x) * x * chbevl(x / 2 - 2, near_table)
        far = np.exp(x) * chbevl(32 / x - 2, far_table) / np.sqrt(x)
    out = np.where(x <= 8, near, far)
    return np.where(a < 0, -out, out)


def i1e_array(a):
    """e^-|x| I₁(x): the two series without the exponential (odd, as I₁)."""
    x = np.abs(a)
    near_table, far_table = _i1_tables(x)
    with np.errstate(all="ignore"):
        near = chbevl(x / 2 - 2, near_table) * x
        far = chbevl(32 / x - 2, far_table) / np.sqrt(x)
    out = np.where(x <= 8, near, far)
    return np.where(a < 0, -out, out)


def _in_dtype(fn, a):
    """fn on ``a`` in torch's computing dtype, returned in ``a``'s result dtype (float16 rounded once)."""
    x = floating(a)
    out = fn(x).astype(floating(a, half=False).dtype)
    return out.reshape(np.shape(a))


def _not_tiny(a):
    """|a| > ε, where torch's VJPs of I₁ and e^-|x| I₁ switch to their limit 1/2 at 0 (the formulas divide by a)."""
    eps = float(np.finfo(a.dtype.np).eps)
    not_tiny = a.abs() > eps
    return not_tiny, where(not_tiny, a, eps)


class I0(Op):
    """z = I₀(a), the modified Bessel function of the first kind of order 0.   VJP: da = g I₁(a)."""
    node_name = "I0Backward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _in_dtype(i0_array, a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * I1.apply(a)


class I1(Op):
    """z = I₁(a).   VJP: da = g (I₀(a) - z/a), and g/2 where |a| ≤ ε (torch's i1_backward: the limit at 0, where the
    formula would divide by 0)."""
    node_name = "SpecialI1Backward0"
    elementwise = True
    kernel = staticmethod(i1_array)

    @staticmethod
    def slope(a, z):
        """dz/da away from 0."""
        return I0.apply(a) - z * a.reciprocal()

    @classmethod
    def forward(cls, ctx, a):
        z = _in_dtype(cls.kernel, a)
        ctx.save_for_backward(a, z)
        return z

    @classmethod
    def backward(cls, ctx, g):
        a, z = ctx.saved_tensors
        not_tiny, safe = _not_tiny(a)  # a safe a where it is tiny: where differentiates both branches
        return g * where(not_tiny, cls.slope(safe, z), 0.5)


class I0e(Op):
    """z = e^-|a| I₀(a).   VJP: da = g (e^-|a| I₁(a) - sgn(a) z)."""
    node_name = "SpecialI0EBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a):
        z = _in_dtype(i0e_array, a)
        ctx.save_for_backward(a, z)
        return z

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        return g * (I1e.apply(a) - a.sgn() * z)


class I1e(I1):
    """z = e^-|a| I₁(a).   VJP: da = g (e^-|a| I₀(a) - z (sgn(a) + 1/a)), and g/2 where |a| ≤ ε (torch's
    i1e_backward)."""
    node_name = "SpecialI1EBackward0"
    kernel = staticmethod(i1e_array)

    @staticmethod
    def slope(a, z):
        return I0e.apply(a) - z * (a.sgn() + a.reciprocal())


def tensor_argument(name, input, argument="input"):
    """torch's TypeError for a non-tensor ``input`` of torch.special.``name`` (whose first argument is ``argument``)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"special_{name}(): argument '{argument}' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")


def i0(input, *, out=None):
    return _out(I0.apply(input), out)


def i0e(input, *, out=None):
    tensor_argument("i0e", input)
    return _out(I0e.apply(input), out)


def i1(input, *, out=None):
    tensor_argument("i1", input)
    return _out(I1.apply(input), out)


def i1e(input, *, out=None):
    tensor_argument("i1e", input)
    return _out(I1e.apply(input), out)
