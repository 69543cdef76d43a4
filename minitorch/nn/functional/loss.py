"""Loss functions. Each compares an input with a target and reduces the elementwise losses with
``reduction``: 'mean' (the default), 'sum' or 'none'. Here the regression and classification losses and the
helpers every loss shares; the other families in likelihood.py (kl_div, poisson and gaussian nll),
margin.py (the margin losses) and ctc.py (ctc_loss).

cross_entropy is log_softmax followed by nll_loss, exactly as torch computes it, so a classifier's
loss has torch's graph: ``NllLossBackward0 <- LogSoftmaxBackward0 <- AddmmBackward0 ...``.
"""
import functools
import warnings

import numpy as np

from ..._args import tensor_arg
from ..._size import broadcast_shape
from ...ops.arithmetic import DivScalar, MulScalar, _silent  # _silent: torch's losses warn of no inf or NaN
from ...ops.op import Op
from ...tensor import _make
from .activation import logsigmoid

_REDUCTIONS = ("none", "mean", "sum")


def _reduction(size_average, reduce, reduction):
    """The reduction to use, honouring torch's deprecated ``size_average``/``reduce`` flags."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' "
                      "instead.", stacklevel=3)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(losses, reduction):
    """Reduce an array of elementwise losses."""
    if reduction == "none":
        return losses
    if reduction == "mean" and not losses.size:  # NaN, as torch's, without NumPy's "Mean of empty slice" warning
        return np.full((), np.nan, losses.dtype)
    return np.asarray(losses.sum() if reduction == "sum" else losses.mean(), losses.dtype)


def _reduced_grad(g, shape, reduction):
    """The output gradient spread over the elementwise losses of ``shape`` (mean divides by their count)."""
    if reduction == "none":
        return g
    n = int(np.prod(shape))
    return g / n if reduction == "mean" else g


def _apply_reduction(losses, reduction):
    """torch's apply_loss_reduction, for losses composed of tensor operations: MeanBackward0 or SumBackward0."""
    return losses if reduction == "none" else losses.sum() if reduction == "sum" else losses.mean()


def _silently(loss):
    """A loss composed of tensor operations, silent as a whole where NumPy would warn of inf or NaN (torch's
    losses never do): as cross_entropy's composition."""
    @functools.wraps(loss)
    def run(*args, **kwargs):
        with _silent():
            return loss(*args, **kwargs)
    return run


def _no_target_grad(name, target):
    """torch's fused losses that have no derivative for their target refuse a target that requires grad."""
    if target.requires_grad:
        raise RuntimeError(f"The function '{name}' is not differentiable with respect to argument 'target'. "
                           "This input cannot have requires_grad True.")


def _broadcast_pair(input, target):
    """torch.broadcast_tensors for two tensors, with torch's error for incompatible shapes."""
    a, b = tuple(input.shape), tuple(target.shape)
    if a == b:
        return input, target
    shape = broadcast_shape(a, b)
    return (input if a == shape else input.expand(shape)), (target if b == shape else target.expand(shape))


def _tensor_args(fn, input, target, weight):
    """A list or an ndarray given as input, target or weight of ``fn`` (torch's C++ name): torch's TypeError."""
    tensor_arg(input, fn)
    tensor_arg(target, fn, "target", 2)
    if weight is not None:
        tensor_arg(weight, fn, "weight", 3)


def _warn_size(input, target):
    # target.size() first, as torch: a list given as input fails here in torch's words ('list' object has
    # no attribute 'size')
    if target.size() != input.size():
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have "
                      "the same size.", stacklevel=3)


# -- regression losses ------------------------------------------------------------------------------------
class MseLoss(Op):
    """l = (a - b)², reduced.   VJP: da = 2(a - b)·g (/n for mean),  db = -da."""
    node_name = "MseLossBackward0"

    @staticmethod
    def forward(ctx, a, b, reduction):
        ctx.save_for_backward(a, b)
        ctx.reduction = reduction
        with _silent():
            d = a - b
            return _reduce(d * d, reduction)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da = (a - b) * (_reduced_grad(g, a.shape, ctx.reduction) * 2)
        return da, (-da if ctx.needs_input_grad[1] else None)  # the target seldom needs one: no negation then


def _weighted(errors, weight, input, reduction):
    """torch's weighted mse/l1: elementwise errors times ``weight``; 'mean' divides by Σ weight."""
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    losses = errors * weight
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.sum() / weight.sum()


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error (input - target)²; ``weight`` scales each element's error."""
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    expanded_input, expanded_target = _broadcast_pair(input, target)
    if weight is not None:
        return _weighted((expanded_input - expanded_target) ** 2, weight, input, reduction)
    if not input.is_floating_point():
        raise NotImplementedError(f"\"mse_cpu\" not implemented for '{input.dtype.scalar_name}'")
    return MseLoss.apply(expanded_input, expanded_target, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error |input - target|: torch builds it from sub, abs and mean (no fused node)."""
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    expanded_input, expanded_target = _broadcast_pair(input, target)
    errors = (expanded_input - expanded_target).abs()
    if weight is not None:
        return _weighted(errors, weight, input, reduction)
    return errors if reduction == "none" else errors.sum() if reduction == "sum" else errors.mean()


class HuberLoss(Op):
    """l = ½d² where |d| < δ, else δ(|d| - ½δ)  (d = a - b), reduced.
    VJP: da = g·clamp(d, -δ, δ) (/n for mean),  db = -da."""
    node_name = "HuberLossBackward0"
    promotes = 2
    smooth = False  # SmoothL1Loss: the same loss divided by δ (each branch divided as torch writes it)

    @classmethod
    def _divisor_and_slope(cls, delta):
        return (delta, 1) if cls.smooth else (1, delta)

    @classmethod
    def forward(cls, ctx, a, b, reduction, delta):
        ctx.save_for_backward(a, b)
        ctx.reduction, ctx.delta = reduction, delta
        divisor, slope = cls._divisor_and_slope(delta)
        with _silent():
            d = a - b
            ad = np.abs(d)
            losses = np.where(ad < delta, 0.5 * d * d / divisor, slope * (ad - 0.5 * delta))
            return _reduce(losses.astype(a.dtype, copy=False), reduction)

    @classmethod
    def backward(cls, ctx, g):
        a, b = ctx.saved_tensors
        divisor, slope = cls._divisor_and_slope(ctx.delta)
        d = a - b
        da = (d / divisor if cls.smooth else d).clamp(-slope, slope) * _reduced_grad(g, a.shape, ctx.reduction)
        return da, -da


class SmoothL1Loss(HuberLoss):
    """l = ½d²/β where |d| < β, else |d| - ½β: the Huber loss with δ = β, divided by β.
    VJP: da = g·clamp(d/β, -1, 1) (/n for mean),  db = -da."""
    node_name = "SmoothL1LossBackward0"
    smooth = True


def _elementwise_loss(fn, input, target):
    """Both tensors broadcast, floating point only, as torch's elementwise losses."""
    input, target = _broadcast_pair(input, target)
    if not input.is_floating_point():
        raise NotImplementedError(f"\"{fn}_cpu\" not implemented for '{input.dtype.scalar_name}'")
    return input, target


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Squared error for |input - target| < delta, linear (with slope delta) beyond: robust to outliers."""
    _warn_size(input, target)
    expanded_input, expanded_target = _elementwise_loss("huber", input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is None:
        return HuberLoss.apply(expanded_input, expanded_target, _reduction(None, None, reduction), delta)
    if weight.size() != input.size():
        raise ValueError("Weights and input must have the same size.")
    weighted = HuberLoss.apply(expanded_input, expanded_target, "none", delta) * weight
    if reduction not in _REDUCTIONS:
        raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")
    return _apply_reduction(weighted, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Squared error / (2·beta) for |input - target| < beta, |input - target| - beta/2 beyond; beta = 0 is
    l1_loss (as in torch, which then calls it)."""
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta == 0.0:
        with warnings.catch_warnings():  # (warned above)
            warnings.simplefilter("ignore")
            return l1_loss(input, target, reduction=reduction)
    expanded_input, expanded_target = _elementwise_loss("smooth_l1", input, target)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return SmoothL1Loss.apply(expanded_input, expanded_target, reduction, beta)


# -- classification losses --------------------------------------------------------------------------------
def _nll_parts(logp, target, weight, ignore_index):
    """For log-probabilities ``logp`` (N, C, *) and class indices ``target`` (N, *): the picked
    log-probabilities, each sample's weight (0 where ignored) and the target with ignored entries at 0."""
    n_classes = logp.shape[1]
    valid = target != ignore_index
    if target.size and (target.min() < 0 or target.max() >= n_classes):  # out of range, unless ignored
        bad = valid & ((target < 0) | (target >= n_classes))
        if bad.any():
            raise IndexError(f"Target {target[bad].flat[0]} is out of bounds.")
    safe = np.where(valid, target, 0)
    picked = logp[_class_index(safe)]
    if weight is None:
        return picked, valid.astype(logp.dtype), safe
    return picked, np.where(valid, weight[safe], 0).astype(logp.dtype), safe


def _class_index(classes):
    """The index that takes, from an (N, C, *) array, the entry of class ``classes[i, *]`` for every sample i
    (and position *): fancy indexing with an arange per other dim (np.take_along_axis does the same, but
    builds its index grid in Python, which costs more than the loss itself at a batch of 4)."""
    if classes.ndim == 1:
        return np.arange(classes.shape[0]), classes
    grid = np.ogrid[tuple(slice(n) for n in classes.shape)]
    return (grid[0], classes) + tuple(grid[1:])


class NllLoss(Op):
    """l_i = -w[t_i]·logp[i, t_i] (0 where t_i == ignore_index); 'mean' divides the sum by Σ w[t_i].
    VJP: dlogp[i, c] = -g_i·w[t_i]·[c == t_i] (/ Σ w[t_i] for mean) - a constant times g, so the
    second derivative is zero, as in torch.
    JVP: linear in logp (the weights are constants): dl = the loss of the direction, nll_loss(dlogp, t, w)."""
    node_name = "NllLossBackward0"

    @staticmethod
    def jvp(ctx, z, t, logp, target, weight, reduction, ignore_index):
        return NllLoss.apply(t[0], target, weight, reduction, ignore_index)  # (NllLoss2d's too: same forward)

    @staticmethod
    def forward(ctx, logp, target, weight, reduction, ignore_index):
        one_d = logp.ndim == 1  # a single sample (C,) with a 0-d target
        if one_d:
            logp, target = logp[None], target.reshape(1)
        picked, w, safe = _nll_parts(logp, target, weight, ignore_index)
        losses = -picked * w
        total = w.sum()
        coef = np.zeros_like(logp)
        if reduction == "mean" and total:
            w = w / total
        coef[_class_index(safe)] = -w
        ctx.coef, ctx.reduction, ctx.one_d = coef[0] if one_d else coef, reduction, one_d
        if reduction == "none":
            return losses.reshape(()) if one_d else losses
        if reduction == "sum":
            return np.asarray(losses.sum(), logp.dtype)
        with np.errstate(invalid="ignore"):  # all targets ignored: 0/0 = nan, as in torch
            return np.asarray(losses.sum() / total, logp.dtype)

    @staticmethod
    def backward(ctx, g):
        coef = _make(ctx.coef)
        if ctx.reduction == "none" and not ctx.one_d:
            g = g.reshape(g.shape[0], 1, *g.shape[1:])  # one gradient per sample, over the class dim
        return g * coef


class NllLoss2d(NllLoss):
    """nll_loss for images: input (N, C, H, W), target (N, H, W)."""
    node_name = "NllLoss2DBackward0"


def _check_weight(weight, n_classes, prefix=""):
    if weight is not None and (weight.dim() != 1 or weight.numel() != n_classes):
        raise RuntimeError(f"{prefix}weight tensor should be defined either for all {n_classes} classes or no "
                           f"classes but got weight tensor of shape: {list(weight.shape)}")


def _nll(input, target, weight, reduction, ignore_index):
    """torch's nll_loss_nd: dispatch on the input's rank, checking shapes as torch does."""
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    if input.dim() != 1 and input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                         f"({target.shape[0]}).")
    if target.dtype.name not in ("int64", "uint8"):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {target.dtype.scalar_name}")
    _check_weight(weight, input.shape[1] if input.dim() > 1 else input.shape[0])
    if weight is not None and weight.dtype != input.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype.scalar_name} but found "
                           f"{weight.dtype.scalar_name}")
    w = None if weight is None else weight._data
    if input.dim() <= 2:
        if target.dim() > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if input.dim() == 1 and target.dim() == 1 and target.shape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}")
        t = target._data.reshape(()) if input.dim() == 1 else target._data
        return NllLoss.apply(input, t.astype(np.int64), w, reduction, ignore_index)
    if input.dim() == 4:
        if target.dim() != 3:
            raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got targets of "
                               f"dimension: {target.dim()}")
        if tuple(target.shape) != (input.shape[0],) + tuple(input.shape[2:]):
            raise RuntimeError(f"size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}")
        return NllLoss2d.apply(input, target._data.astype(np.int64), w, reduction, ignore_index)
    # other ranks: fold the spatial dims into one and use the 2-d loss, as torch does
    n, c = input.shape[0], input.shape[1]
    if tuple(target.shape[1:]) != tuple(input.shape[2:]):
        raise RuntimeError(f"Expected target size {[n] + list(input.shape[2:])}, got {list(target.shape)}")
    folded = input.contiguous().view(n, c, 1, -1)
    out = NllLoss2d.apply(folded, target._data.reshape(n, 1, -1).astype(np.int64), w, reduction, ignore_index)
    return out.view(n, *input.shape[2:]) if reduction == "none" else out


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Negative log-likelihood of class indices ``target`` under log-probabilities ``input`` (N, C, *)."""
    reduction = _reduction(size_average, reduce, reduction)
    _tensor_args("nll_loss_nd", input, target, weight)
    return _nll(input, target, weight, reduction, ignore_index)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Softmax cross entropy of logits ``input`` (N, C, *) against class indices (N, *) or class
    probabilities (same shape as input)."""
    reduction = _reduction(size_average, reduce, reduction)
    _tensor_args("cross_entropy_loss", input, target, weight)
    class_dim = 0 if input.dim() == 1 else 1
    if tuple(input.shape) == tuple(target.shape):
        if not target.is_floating_point():
            raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                               f"{target.dtype.scalar_name}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        with _silent():  # composed of tensor operations: silent as a whole, as torch's fused loss
            return _cross_entropy_probs(input, target, weight, reduction, label_smoothing, class_dim)
    if label_smoothing > 0.0:
        _check_smoothing(label_smoothing)
        with _silent():
            return _cross_entropy_smoothed(input, target, weight, reduction, ignore_index, label_smoothing, class_dim)
    return _nll(input.log_softmax(class_dim), target, weight, reduction, ignore_index)


def _check_smoothing(label_smoothing):
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")


def _class_weight(weight, ndim, class_dim):
    """``weight`` (C,) shaped to broadcast along the class dim of an ``ndim``-d input."""
    shape = [1] * ndim
    shape[class_dim] = weight.shape[0]
    return weight.view(*shape)


def _cross_entropy_probs(input, target, weight, reduction, label_smoothing, class_dim):
    """l = -Σ_c w_c·p_c·log softmax(x)_c, with p smoothed towards uniform by ``label_smoothing``."""
    n_classes = input.shape[class_dim]
    _check_weight(weight, n_classes, "cross_entropy: ")
    logp = input.log_softmax(class_dim)
    if label_smoothing > 0.0:
        _check_smoothing(label_smoothing)
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    terms = logp * target
    if weight is not None:
        terms = terms * (_class_weight(weight, input.dim(), class_dim) if input.dim() > 1 else weight)
    if reduction == "none":
        return -terms.sum(class_dim)
    if reduction == "sum":
        return -terms.sum()
    if not input.numel():  # as torch: the sum filled with NaN (no 0/0), hence its graph Neg <- Fill <- Sum
        return -terms.sum().fill_(float("nan"))
    return DivScalar.apply(-terms.sum(), input.numel() / n_classes)


def _cross_entropy_smoothed(input, target, weight, reduction, ignore_index, label_smoothing, class_dim):
    """(1 - ε)·nll + ε·(smooth loss)/C, where the smooth loss is -Σ_c w_c·log softmax(x)_c: the cross
    entropy against the uniform distribution, which label smoothing mixes in."""
    n_classes = input.shape[class_dim]
    logp = input.log_softmax(class_dim)
    nll = _nll(logp, target, weight, reduction, ignore_index)
    ignored = target._data == ignore_index
    if weight is not None:
        smooth = -(logp * _class_weight(weight, input.dim(), class_dim)).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    smooth = smooth.masked_fill(_make(ignored), 0.0)
    if reduction == "mean":
        if weight is not None:
            denominator = weight._data[target._data[~ignored]].sum()
        else:
            denominator = (~ignored).sum()
        smooth = smooth.sum() / _make(denominator)
    elif reduction == "sum":
        smooth = smooth.sum()
    return MulScalar.apply(nll, 1 - label_smoothing) + MulScalar.apply(smooth, label_smoothing / n_classes)


def _bce_reduce(losses, dtype, weight, reduction):
    """The end of both BCE forwards: the losses weighted, in the input's dtype, reduced."""
    if weight is not None:
        losses = losses * weight
    return _reduce(losses.astype(dtype, copy=False), reduction)


def _bce_grad(ctx, g):
    """The start of both BCE backwards: the saved (x, t), and g spread over the unreduced losses, weighted."""
    x, t = ctx.saved_tensors
    g = _reduced_grad(g, x.shape, ctx.reduction)
    if ctx.weight is not None:
        g = g * _make(ctx.weight)
    return x, t, g


_BCE_EPSILON = float(np.float32(1e-12))  # torch's EPSILON is a C++ float: 1e-12 rounded to float32, in float64 too


class BinaryCrossEntropy(Op):
    """l = -w·(t·log x + (1 - t)·log(1 - x)), each log clamped at -100 (so x = 0 or 1 stays finite).
    VJP: dx = g·w·(x - t) / max(x(1 - x), 1e-12),  dt = -g·w·logit(x)."""
    node_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, x, t, weight, reduction):
        # written so that NaN fails the check too, as in torch
        if not ((x >= 0) & (x <= 1)).all():
            raise RuntimeError("all elements of input should be between 0 and 1")
        if not ((t >= 0) & (t <= 1)).all():
            raise RuntimeError("all elements of target should be between 0 and 1")
        ctx.save_for_backward(x, t)
        ctx.weight, ctx.reduction = weight, reduction
        with _silent():  # log 0 = -inf (clamped to -100), the mean of no elements
            log_x, log_1mx = np.maximum(np.log(x), -100), np.maximum(np.log1p(-x), -100)
            return _bce_reduce(-(t * log_x + (1 - t) * log_1mx), x.dtype, weight, reduction)

    @staticmethod
    def backward(ctx, g):
        x, t, g = _bce_grad(ctx, g)
        dx_need, dt_need = ctx.needs_input_grad
        dx = g * (x - t) / (x * (1 - x)).clamp(min=_BCE_EPSILON) if dx_need else None
        dt = -g * (x / (1 - x)).log() if dt_need else None
        return dx, dt


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Cross entropy between probabilities ``input`` and ``target`` (same shape)."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.size() != input.size():  # .size(), as torch: a list fails here with torch's AttributeError
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    w = None if weight is None else np.broadcast_to(weight._data, tuple(target.shape))
    return BinaryCrossEntropy.apply(input, target, w, reduction)


def _log_sigmoid(x):
    """log σ(x) = min(x, 0) - log(1 + e^-|x|), stable for any x."""
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


class BinaryCrossEntropyWithLogits(Op):
    """l = w·((1 - t)·x - (1 + (p - 1)·t)·log σ(x))  (p = pos_weight): BCE of σ(x), computed from the
    logits without overflow.
    VJP: dx = g·w·((1 + (p - 1)·t)·σ(x) - p·t),  dt = g·w·(log σ(-x) - p·log σ(x))."""
    node_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, x, t, weight, pos_weight, reduction):
        ctx.save_for_backward(x, t)
        ctx.weight, ctx.pos_weight, ctx.reduction = weight, pos_weight, reduction
        with _silent():
            log_sig = _log_sigmoid(x)
            if pos_weight is not None:
                log_sig = log_sig * ((pos_weight - 1) * t + 1)
            return _bce_reduce((1 - t) * x - log_sig, x.dtype, weight, reduction)

    @staticmethod
    def backward(ctx, g):
        x, t, g = _bce_grad(ctx, g)
        dx_need, dt_need = ctx.needs_input_grad
        if ctx.pos_weight is None:
            dx = g * (x.sigmoid() - t) if dx_need else None
            dt = g * -x if dt_need else None
        else:
            p = _make(ctx.pos_weight)
            dx = g * ((p * t + 1 - t) * x.sigmoid() - p * t) if dx_need else None
            dt = g * (logsigmoid(-x) - logsigmoid(x) * p) if dt_need else None
        return dx, dt


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """BCE of sigmoid(input) against ``target``, fused for numerical stability; ``pos_weight`` (C,)
    weighs the positive term of each class."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.size() != input.size():  # .size(), as torch: a list fails here with torch's AttributeError
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    w = None if weight is None else weight._data
    p = None if pos_weight is None else pos_weight._data
    return BinaryCrossEntropyWithLogits.apply(input, target, w, p, reduction)
