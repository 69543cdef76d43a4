"""Activation functions: elementwise nonlinearities and softmax.

relu, sigmoid and tanh are the tensor operations themselves (``minitorch.relu``); the others are Ops here.
The piecewise-linear ones (leaky_relu, hardtanh) have a VJP that multiplies by a constant slope mask, so
their second derivative is zero, as in torch. ``inplace=True`` writes the result into the input.
"""
import math
import warnings

import numpy as np

from ..._args import tensor_arg
from ...ops.arithmetic import _silent
from ...ops.op import Op
from ...ops.inplace import apply_inplace
from ...ops.pointwise._common import _not_implemented
from ...ops.reduction import normalize_dims
from ...ops.pointwise import erf
from ...ops.shape import cat
from ...ops.where import where
from ...random import rng
from ...tensor import _make


def _const(array, like):
    """A constant (no-grad) tensor of ``array`` in the dtype of ndarray ``like``."""
    return _make(np.asarray(array, like.dtype))


# -- piecewise linear ----------------------------------------------------------------------------------
class LeakyRelu(Op):
    """z = a if a > 0 else s·a.   VJP: da = g · (1 if a > 0 else s)."""
    node_name = "LeakyReluBackward0"

    @staticmethod
    def forward(ctx, a, negative_slope):
        ctx.slope = _const(np.where(a > 0, 1, negative_slope), a)
        return np.where(a > 0, a, a * a.dtype.type(negative_slope))

    @staticmethod
    def backward(ctx, g):
        return g * ctx.slope


class LeakyReluInplace(LeakyRelu):
    """leaky_relu_: the same function; torch's in-place node has its own name."""
    node_name = "LeakyReluBackward1"


class Hardtanh(Op):
    """z = clip(a, lo, hi).   VJP: da = 0 where a <= lo or a >= hi, else g (so g at NaN)."""
    node_name = "HardtanhBackward0"

    @staticmethod
    def forward(ctx, a, min_val, max_val):
        # torch's mask, written so that NaN is "inside" and passes the gradient, as in torch's elementwise
        # kernel (its vectorised kernel, used on longer tensors, gives 0 there: torch disagrees with itself)
        ctx.inside = _const(~((a <= min_val) | (a >= max_val)), a)
        return np.clip(a, a.dtype.type(min_val), a.dtype.type(max_val))

    @staticmethod
    def backward(ctx, g):
        return g * ctx.inside


class Softshrink(Op):
    """z = a - λ if a > λ, a + λ if a < -λ, else a·0.   VJP: da = 0 where -λ <= a <= λ, else g."""
    node_name = "SoftshrinkBackward0"

    @staticmethod
    def forward(ctx, a, lambd):
        # as torch: NaN is outside [-λ, λ] (it passes the gradient) and a·0 keeps it NaN (and -0.0 negative)
        ctx.outside = _const(~(np.abs(a) <= lambd), a)
        lam = a.dtype.type(lambd)
        with np.errstate(invalid="ignore"):  # inf·0 is never picked: |inf| > λ
            return np.where(a > lam, a - lam, np.where(a < -lam, a + lam, a * a.dtype.type(0)))

    @staticmethod
    def backward(ctx, g):
        return g * ctx.outside


# -- more piecewise ones: hardshrink, threshold, hardsigmoid, hardswish, prelu, rrelu --------------------------
class Hardshrink(Op):
    """z = a if |a| > λ else 0.   VJP: da = 0 where -λ <= a <= λ, else g (so g at NaN)."""
    node_name = "HardshrinkBackward0"

    @staticmethod
    def forward(ctx, a, lambd):
        inside = (a >= -lambd) & (a <= lambd)
        ctx.outside = _const(~inside, a)
        return np.where(inside, a.dtype.type(0), a)


class Threshold(Op):
    """z = a if a > threshold else value.   VJP: da = 0 where a <= threshold, else g (so g at NaN)."""
    node_name = "ThresholdBackward0"

    @staticmethod
    def forward(ctx, a, threshold, value):
        below = a <= threshold
        ctx.outside = _const(~below, a)
        return np.where(below, np.asarray(value).astype(a.dtype), a)


class ThresholdInplace(Threshold):
    node_name = "ThresholdBackward1"


def _masked_backward(ctx, g):
    return g * ctx.outside


Hardshrink.backward = Threshold.backward = staticmethod(_masked_backward)


class Hardsigmoid(Op):
    """z = relu6(a + 3) / 6.   VJP: da = g/6 where -3 < a < 3, else 0."""
    node_name = "HardsigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        t = a.dtype.type
        # torch's backward multiplies by 1.0f/6.0f, a float32 constant, whatever the dtype
        ctx.slope = _const(((a > -3) & (a < 3)) * float(np.float32(1) / np.float32(6)), a)
        return np.clip(a + t(3), t(0), t(6)) / t(6)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.slope


class Hardswish(Op):
    """z = a·relu6(a + 3) / 6.   VJP: da = 0 where a <= -3, g·(a/3 + 1/2) where -3 < a < 3, else g (so g at
    NaN, as torch). The slope is a tensor expression of a, so the second derivative is g/3 in the middle."""
    node_name = "HardswishBackward0"

    @staticmethod
    def forward(ctx, a):
        t = a.dtype.type
        ctx.save_for_backward(a)
        with _silent():  # -inf · 0 is NaN, as torch's, without NumPy's warning
            return a * np.clip(a + t(3), t(0), t(6)) / t(6)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        low, middle = _make(a._data <= -3), _make((a._data > -3) & (a._data < 3))
        return g * where(low, 0.0, where(middle, a / 3 + 0.5, 1.0))


class PreluKernel(Op):
    """z = a if a > 0 else w·a (w broadcast over a).   VJP: da = g if a > 0 else g·w;
    dw = Σ (0 if a > 0 else g·a), summed to w's shape."""
    node_name = "PreluKernelBackward0"

    @staticmethod
    def forward(ctx, a, w):
        ctx.save_for_backward(a, w)
        return np.where(a > 0, a, w * a)

    @staticmethod
    def backward(ctx, g):
        a, w = ctx.saved_tensors
        positive = _make(a._data > 0)
        need_a, need_w = ctx.needs_input_grad
        da = where(positive, g, g * w) if need_a else None
        dw = where(positive, 0.0, g * a).sum_to_size(w.shape) if need_w else None
        return da, dw


class RreluWithNoise(Op):
    """z = a if a > 0 else r·a: r drawn uniformly from [lower, upper] for each element in training, the mean
    slope (lower + upper)/2 in evaluation.   VJP: da = g·(1 if a > 0 else r)."""
    node_name = "RreluWithNoiseBackward0"

    @staticmethod
    def forward(ctx, a, lower, upper, training):
        if training:
            slope = np.where(a <= 0, rng().uniform(lower, upper, a.shape), 1).astype(a.dtype)
        else:
            slope = np.where(a > 0, 1, (lower + upper) / 2).astype(a.dtype)
        ctx.slope = _make(slope)
        return a * slope

    @staticmethod
    def backward(ctx, g):
        return g * ctx.slope


class RreluWithNoiseInplace(RreluWithNoise):
    node_name = "RreluWithNoiseBackward1"


# -- smooth --------------------------------------------------------------------------------------------
class Elu(Op):
    """z = scale·a if a > 0 else scale·α·(e^(s·a) - 1)   (s = input_scale; selu is elu with fixed constants).
    VJP: da = g·scale if a > 0 else g·scale·α·s·e^(s·a)."""
    node_name = "EluBackward0"

    @staticmethod
    def forward(ctx, a, alpha, scale, input_scale):
        ctx.save_for_backward(a)
        ctx.params = alpha, scale, input_scale
        ctx.negative = _make(a <= 0)
        t = a.dtype.type
        return np.where(a > 0, a * t(scale), t(scale * alpha) * np.expm1(np.minimum(a, 0) * t(input_scale)))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        alpha, scale, input_scale = ctx.params
        # exp only of the non-positive part, so that large positive inputs cannot overflow; picked with where,
        # not by multiplying with a 0/1 mask, which would turn inf·0 (a = +inf) and NaN into a NaN slope where
        # torch's is ``scale``
        negative_slope = (a.clamp(max=0) * input_scale).exp() * (scale * alpha * input_scale)
        return g * where(ctx.negative, negative_slope, scale)


class EluInplace(Elu):
    node_name = "EluBackward1"


class Gelu(Op):
    """z = a·Φ(a), Φ the standard normal CDF ('none': Φ(a) = (1 + erf(a/√2))/2; 'tanh': its approximation
    (1 + tanh(√(2/π)(a + 0.044715a³)))/2).   VJP: da = g·(Φ(a) + a·Φ'(a))."""
    node_name = "GeluBackward0"

    @staticmethod
    def forward(ctx, a, approximate):
        ctx.save_for_backward(a)
        ctx.approximate = approximate
        # silent, as torch: -inf·Φ(-inf) = -inf·0 is NaN (torch's value too), and a³ may overflow to ±inf
        with np.errstate(invalid="ignore", over="ignore"):
            return a * _gelu_cdf(a, approximate)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        if ctx.approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            inner = (a + a * a * a * 0.044715) * k
            t = inner.tanh()
            return g * ((t + 1) * 0.5 + a * 0.5 * (1 - t * t) * (1 + a * a * (3 * 0.044715)) * k)
        cdf = ((a * (1 / math.sqrt(2))).erf() + 1) * 0.5
        pdf = (a * a * -0.5).exp() * (1 / math.sqrt(2 * math.pi))
        return g * (cdf + a * pdf)


def _gelu_cdf(a, approximate):
    t = a.dtype.type
    if approximate == "tanh":
        return t(0.5) * (1 + np.tanh(t(math.sqrt(2 / math.pi)) * (a + t(0.044715) * a * a * a)))
    return t(0.5) * (1 + erf(_make(a * t(1 / math.sqrt(2))))._data)


class Silu(Op):
    """z = a·σ(a).   VJP: da = g·σ(a)·(1 + a·(1 - σ(a)))."""
    node_name = "SiluBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        # e^-a = inf for very negative a: the result is -0, correctly; a = -inf gives -inf/inf = NaN, as torch
        with np.errstate(over="ignore", invalid="ignore"):
            return a / (1 + np.exp(-a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        s = a.sigmoid()
        return g * s * (1 + a * (1 - s))


class Softplus(Op):
    """z = log(1 + e^(β·a)) / β, or a where β·a > threshold (there they agree to float precision).
    VJP: da = g·σ(β·a) (g where β·a > threshold)."""
    node_name = "SoftplusBackward0"

    @staticmethod
    def forward(ctx, a, beta, threshold):
        ctx.save_for_backward(a)
        ctx.beta = beta
        t = a.dtype.type
        with np.errstate(over="ignore"):  # β·a may overflow to ±inf: the result is then a or 0, as torch's
            ba = a * t(beta)
        ctx.linear = _const(ba > threshold, a)
        # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow
        return np.where(ba > threshold, a, (np.maximum(ba, 0) + np.log1p(np.exp(-np.abs(ba)))) / t(beta))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        lin = ctx.linear
        return g * (lin + (1 - lin) * (a * ctx.beta).sigmoid())


class LogSigmoid(Op):
    """z = log σ(a) = min(a, 0) - log(1 + e^-|a|).   VJP: da = g·σ(-a)."""
    node_name = "LogSigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.minimum(a, 0) - np.log1p(np.exp(-np.abs(a)))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * (-a).sigmoid()


class Celu(Elu):
    """celu(a, α) = elu with input scale 1/α: z = a if a > 0 else α·(e^(a/α) - 1).   VJP: as Elu's."""
    node_name = "CeluBackward0"

    @staticmethod
    def forward(ctx, a, alpha):
        with _silent():  # a/α may overflow to -inf (float32 near its limit), where torch is silent too
            out = Elu.forward(ctx, a, alpha, 1.0, 1 / alpha)
        # torch's derivative takes 1/α of α rounded to float32 (derivatives.yaml: 1.0/alpha.toFloat()), its
        # forward 1/α in double: the same here, so that gradients agree to the last bit
        ctx.params = alpha, 1.0, 1.0 / float(np.float32(alpha))
        return out


class CeluInplace(Celu):
    node_name = "CeluBackward1"


class Mish(Op):
    """z = a·tanh(softplus(a)).   VJP: da = g·(t + a·σ(a)·(1 - t²)), t = tanh(softplus(a))."""
    node_name = "MishBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        # softplus written so that it cannot overflow: log(1 + e^a) = max(a, 0) + log1p(e^-|a|)
        with _silent():  # -inf · tanh(0) is NaN, as torch's, without NumPy's warning
            return a * np.tanh(np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a))))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        t = Softplus.apply(a, 1.0, 20.0).tanh()
        return g * (t + a * a.sigmoid() * (1 - t * t))


class Glu(Op):
    """z = a·σ(b), a and b the two halves of the input along ``dim``.
    VJP: da = g·σ(b),  db = g·a·σ(b)·(1 - σ(b)), joined along ``dim``."""
    node_name = "GluBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        ctx.save_for_backward(x)
        ctx.dim = dim
        a, b = np.split(x, 2, axis=dim)
        with np.errstate(over="ignore"):  # e^-b = inf for very negative b: σ(b) = 0, correctly
            return a / (1 + np.exp(-b))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        a, b = x.chunk(2, ctx.dim)
        s = b.sigmoid()
        return cat([g * s, g * a * s * (1 - s)], ctx.dim)


# -- the functional API (torch.nn.functional) ----------------------------------------------------------
# Each function first refuses a list or an ndarray in torch's words (``relu(): argument 'input' (position 1)
# must be Tensor, not list``), where ``input.relu()`` would fail with an AttributeError.
def relu(input, inplace=False):
    tensor_arg(input, "relu_" if inplace else "relu")
    return input.relu_() if inplace else input.relu()


def relu_(input):
    tensor_arg(input, "relu_")
    return input.relu_()


def sigmoid(input):
    return input.sigmoid()


def tanh(input):
    return input.tanh()


def leaky_relu(input, negative_slope=0.01, inplace=False):
    tensor_arg(input, "leaky_relu_" if inplace else "leaky_relu")
    if inplace:
        return apply_inplace(input, LeakyReluInplace.apply, negative_slope)
    return LeakyRelu.apply(input, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, inplace=True)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    tensor_arg(input, "hardtanh_" if inplace else "hardtanh")
    if inplace:
        return apply_inplace(input, Hardtanh.apply, min_val, max_val)
    return Hardtanh.apply(input, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    tensor_arg(input, "relu6_" if inplace else "relu6")
    return hardtanh(input, 0.0, 6.0, inplace)


def elu(input, alpha=1.0, inplace=False):
    tensor_arg(input, "elu_" if inplace else "elu")
    if inplace:
        return apply_inplace(input, EluInplace.apply, alpha, 1.0, 1.0)
    return Elu.apply(input, alpha, 1.0, 1.0)


def elu_(input, alpha=1.0):
    return elu(input, alpha, inplace=True)


# SELU's constants (Klambauer et al., 2017), as torch spells them
_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def selu(input, inplace=False):
    tensor_arg(input, "selu_" if inplace else "selu")
    if inplace:
        return apply_inplace(input, EluInplace.apply, _SELU_ALPHA, _SELU_SCALE, 1.0)
    return Elu.apply(input, _SELU_ALPHA, _SELU_SCALE, 1.0)


def gelu(input, approximate="none"):
    tensor_arg(input, "gelu")
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh.")
    return Gelu.apply(input, approximate)


def silu(input, inplace=False):
    tensor_arg(input, "silu_" if inplace else "silu")
    return apply_inplace(input, Silu.apply) if inplace else Silu.apply(input)


def softplus(input, beta=1.0, threshold=20.0):
    tensor_arg(input, "softplus")
    return Softplus.apply(input, beta, threshold)


def logsigmoid(input):
    tensor_arg(input, "log_sigmoid")
    return LogSigmoid.apply(input)


def softshrink(input, lambd=0.5):
    tensor_arg(input, "softshrink")
    if not 0 <= lambd <= np.finfo(input._data.dtype).max:
        raise RuntimeError(f"lambda must be in range [0, {np.finfo(input._data.dtype).max:g}] for input dtype "
                           f"{input.dtype.scalar_name}, but found {lambd:g}")
    return Softshrink.apply(input, lambd)


def softsign(input):
    """x / (1 + |x|), composed of tensor operations as torch does."""
    with np.errstate(invalid="ignore"):  # ±inf/inf is NaN, torch's value, without NumPy's warning
        return input / (input.abs() + 1)


def tanhshrink(input):
    """x - tanh(x), composed of tensor operations as torch does."""
    return input - input.tanh()


def _softmax_dim(name, ndim):
    """torch's legacy choice when ``dim`` is not given (deprecated, hence the warning)."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
                  "dim=X as an argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("softmax", input.dim())
    return input.softmax(dim) if dtype is None else input.softmax(dim, dtype=dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("softmin", input.dim())
    return (-input).softmax(dim) if dtype is None else (-input).softmax(dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim())
    return input.log_softmax(dim) if dtype is None else input.log_softmax(dim, dtype=dtype)


def _floating(input, kernel):
    if not input.is_floating_point():
        raise _not_implemented(kernel, input)


def hardshrink(input, lambd=0.5):
    tensor_arg(input, "hardshrink")
    _floating(input, "hardshrink_cpu")
    return Hardshrink.apply(input, lambd)


def _threshold(input, threshold, value, inplace=False):
    """``value`` where input <= threshold, else input. (Named _threshold, as torch names it, because its
    argument ``threshold`` hides the function; ``threshold`` below is the public name.)"""
    tensor_arg(input, "threshold_" if inplace else "threshold")
    if inplace:
        return apply_inplace(input, ThresholdInplace.apply, threshold, value)
    return Threshold.apply(input, threshold, value)


threshold = _threshold


def threshold_(input, threshold, value):
    return _threshold(input, threshold, value, inplace=True)


def hardsigmoid(input, inplace=False):
    tensor_arg(input, "hardsigmoid_" if inplace else "hardsigmoid")
    _floating(input, "hardsigmoid_cpu")
    return apply_inplace(input, Hardsigmoid.apply) if inplace else Hardsigmoid.apply(input)


def hardswish(input, inplace=False):
    tensor_arg(input, "hardswish_" if inplace else "hardswish")
    _floating(input, "hardswish_cpu")
    return apply_inplace(input, Hardswish.apply) if inplace else Hardswish.apply(input)


def mish(input, inplace=False):
    tensor_arg(input, "mish_" if inplace else "mish")
    _floating(input, "mish_cpu")
    return apply_inplace(input, Mish.apply) if inplace else Mish.apply(input)


def celu(input, alpha=1.0, inplace=False):
    """max(0, x) + min(0, α·(e^(x/α) - 1)): elu with its input scaled by 1/α, as torch computes it."""
    tensor_arg(input, "celu_" if inplace else "celu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    _floating(input, "elu_cpu")
    if inplace:
        return apply_inplace(input, CeluInplace.apply, alpha)
    return Celu.apply(input, alpha)


def celu_(input, alpha=1.0):
    return celu(input, alpha, inplace=True)


def glu(input, dim=-1):
    """The gated linear unit: the first half of ``input`` along ``dim`` times σ(the second half)."""
    tensor_arg(input, "glu")
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = normalize_dims(dim, input.dim())[0]
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}")
    _floating(input, "glu_cpu")
    return Glu.apply(input, d)


def prelu(input, weight):
    """leaky_relu with a learnt slope: x if x > 0 else weight·x, one weight per channel (dim 1) or one for all."""
    tensor_arg(input, "prelu")
    tensor_arg(weight, "prelu", "weight", 2)
    if input.dtype != weight.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {input.dtype.scalar_name} and "
                           f"{weight.dtype.scalar_name}")
    if weight.numel() != 1:
        if input.dim() == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if input.dim() > 1 else 1
        if channels != weight.numel():
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{weight.numel()} and channel size = {channels}.")
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.dim()}")
    if input.dim() != weight.dim():  # (1, C, 1, ...): the weight broadcast along every dim but the channels
        shape = [1] * input.dim()
        if input.dim() > 1:
            shape[1] = weight.numel()
        weight = weight.reshape(shape)
    return PreluKernel.apply(input, weight)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomised leaky ReLU: in training each negative element gets a slope drawn uniformly from
    [lower, upper]; in evaluation every one gets their mean, (lower + upper)/2."""
    tensor_arg(input, "rrelu_" if inplace else "rrelu")
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    _floating(input, "leaky_relu_cpu")
    if inplace:
        return apply_inplace(input, RreluWithNoiseInplace.apply, lower, upper, bool(training))
    return RreluWithNoise.apply(input, lower, upper, bool(training))


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return rrelu(input, lower, upper, training, inplace=True)
