"""Margin losses: a penalty wherever a score is not ahead of another by at least a margin - between two
inputs (margin_ranking), against a label's sign (hinge_embedding, soft_margin, multilabel_soft_margin), between
a sample's target classes and its other classes (multi_margin, multilabel_margin: one fused core), or between
distances (cosine_embedding, triplet_margin).

Most are composed of tensor operations, as torch composes them (its node names show it); soft_margin,
multi_margin and multilabel_margin are single nodes in torch and here.
"""
import numpy as np

from ...creation import full_like, zeros_like
from ...ops.arithmetic import AddScalar, SubScalar, _silent
from ...ops.op import Op
from ...ops.where import where
from ...tensor import _make
from .activation import logsigmoid
from .distance import pairwise_distance
from .loss import _apply_reduction, _no_target_grad, _reduce, _reduced_grad, _reduction, _silently

_EPSILON = 1e-12  # torch's cosine_embedding_loss keeps the squared norms away from 0 with it


def _rsub(c, x):
    """c - x for a number c as torch's C++ computes it (a tensor full of c, minus x): SubBackward0."""
    return full_like(x, c).sub(x)


# -- between two inputs, or against a label's sign -----------------------------------------------------------
@_silently
def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """max(0, -target·(input1 - input2) + margin): input1 should rank higher (target 1) or lower (-1)."""
    reduction = _reduction(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    return _apply_reduction(AddScalar.apply(-target * (input1 - input2), margin).clamp_min(0), reduction)


@_silently
def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """input where target is 1, max(0, margin - input) where it is -1 (input: a distance, say)."""
    reduction = _reduction(size_average, reduce, reduction)
    zeros = zeros_like(input)
    margin_clamp = _rsub(margin, input).clamp_min(0)
    return _apply_reduction(where(target != 1, margin_clamp, zeros) + where(target != -1, input, zeros), reduction)


@_silently
def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """1 - cos(input1, input2) where target is 1, max(0, cos - margin) where it is -1; cos over the last dim,
    its squared norms kept from 0 by 1e-12."""
    reduction = _reduction(size_average, reduce, reduction)
    dim = target.dim()
    if dim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if dim == 1 and not (input1.dim() == 2 and input2.dim() == 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    if dim == 0 and not (input1.dim() == 1 and input2.dim() == 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    prod_sum = (input1 * input2).sum(dim)
    mag_square1 = AddScalar.apply((input1 * input1).sum(dim), _EPSILON)
    mag_square2 = AddScalar.apply((input2 * input2).sum(dim), _EPSILON)
    cos = prod_sum / (mag_square1 * mag_square2).sqrt()
    zeros = zeros_like(cos)
    pos = _rsub(1, cos)
    neg = SubScalar.apply(cos, margin).clamp_min(0)
    return _apply_reduction(where(target == 1, pos, zeros) + where(target == -1, neg, zeros), reduction)


class SoftMarginLoss(Op):
    """l = log(1 + e^(-y·x)), reduced.   VJP: dx = -y·e^(-y·x)/(1 + e^(-y·x))·g (/n for mean); none for the target."""
    node_name = "SoftMarginLossBackward0"
    promotes = 2

    @staticmethod
    def forward(ctx, x, y, reduction):
        ctx.save_for_backward(x, y)
        with _silent():  # log1p(exp(.)), as torch: inf where -y·x overflows exp, as torch's
            losses = np.log1p(np.exp(-y * x))
        ctx.shape, ctx.reduction = losses.shape, reduction
        return _reduce(losses, reduction)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        z = (-y * x).exp()  # torch's formula, e/(1 + e) (NaN where e overflows, as torch's)
        return -y * z / (1 + z) * _reduced_grad(g, ctx.shape, ctx.reduction), None


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target·input)) for labels ±1: the logistic loss."""
    reduction = _reduction(size_average, reduce, reduction)
    _no_target_grad("soft_margin_loss", target)
    return SoftMarginLoss.apply(input, target, reduction)


@_silently
def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Binary cross entropy of sigmoid(input) against 0/1 labels ``target`` (N, C), averaged over the classes."""
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(dim=class_dim) / input.size(class_dim)  # one loss per sample
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    return _apply_reduction(loss, reduction)


# -- a sample's target classes against its other classes -----------------------------------------------------
class _ClassMargins(Op):
    """The core of multi_margin_loss and multilabel_margin_loss: for each sample n, each of its target classes j
    (weight w_j) and each class d that is not a target, the hinge h = max(0, margin - x[n, j] + x[n, d])^p,
    l_n = Σ_j Σ_d w_j·h / C.   VJP: with c = g_n·w_j·p·z^(p-1)/C where z = margin - x_j + x_d > 0 (0 elsewhere),
    dx[n, d] = Σ_j c,  dx[n, j] = -Σ_d c  (written with gather and where, so that it differentiates again and a
    NaN or inf in one class reaches no other)."""
    forward_ad = False  # torch has no forward-mode rule for either loss: a dual input raises

    @staticmethod
    def forward(ctx, x, index, listed, w, margin, p, reduction, out_shape):
        # x (N, C); index (N, K): sample n's k-th target class, where ``listed`` (padding elsewhere); w (N, K)
        n, c = x.shape
        onehot = listed[:, :, None] & (index[:, :, None] == np.arange(c))  # (N, K, C)
        is_target = onehot.any(axis=1)
        with _silent():
            z = margin - np.take_along_axis(x, index, 1)[:, :, None] + x[:, None, :]
            active = (z > 0) & ~is_target[:, None, :] & listed[:, :, None]
            h = np.where(active, z if p == 1 else z * z, 0) * w[:, :, None]
            losses = h.sum((1, 2)) / c
        ctx.save_for_backward(x)
        ctx.index, ctx.onehot, ctx.mask, ctx.w = index, onehot, active, w
        ctx.margin, ctx.p, ctx.reduction = margin, p, reduction
        return _reduce(losses, reduction).reshape(out_shape if reduction == "none" else ())

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        n, c = x.shape
        g = _reduced_grad(g, (n,), ctx.reduction).reshape(-1, 1, 1)  # (N or 1, 1, 1)
        coef = _make(ctx.w[:, :, None] / c) * g
        if ctx.p == 2:  # d z²/dz = 2z, z from x, so that it differentiates again
            picked = x.gather(1, _make(ctx.index)).unsqueeze(2)
            coef = coef * AddScalar.apply(x.unsqueeze(1) - picked, ctx.margin) * 2
        coef = where(_make(ctx.mask), coef, 0.0)
        per_target = coef.sum(2, keepdim=True)
        return coef.sum(1) - where(_make(ctx.onehot), per_target, 0.0).sum(1)


class MultiMarginLoss(_ClassMargins):
    node_name = "MultiMarginLossBackward0"
    aten_name = "multi_margin_loss"


class MultilabelMarginLoss(_ClassMargins):
    node_name = "MultilabelMarginLossBackward0"
    aten_name = "multilabel_margin_loss_forward"


def _samples(input):
    """(N, C) of a margin loss's input: (N, C), (C,) or a 0-d input (one class), with torch's error."""
    if not ((input.dim() == 2 and input.shape[1] != 0) or (input.dim() == 1 and input.shape[0] != 0)
            or input.dim() == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")
    return (input.shape[0], input.shape[1]) if input.dim() == 2 else (1, input.numel())


def _long_target(target):
    if target.dtype.name != "int64":
        raise RuntimeError(f"expected scalar type Long but found {target.dtype.scalar_name}")


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """Σ over the classes d ≠ target of max(0, weight[target]·(margin - input[target] + input[d])^p) / C per
    sample: the multi-class hinge loss (p = 1 or 2)."""
    reduction = _reduction(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    n, c = _samples(input)
    if not (target.dim() <= 1 and target.numel() == n):
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{n}], but got {list(target.shape)}. Input "
                           f"has shape {list(input.shape)}.")
    _long_target(target)
    if weight is not None:
        if weight.numel() != c:
            raise RuntimeError(f"inconsistent weight size, expected {c} but got {list(weight.shape)}")
        if weight.dtype != input.dtype:
            raise RuntimeError(f"expected scalar type {input.dtype.scalar_name} but found {weight.dtype.scalar_name}")
    t = target._data.reshape(n)
    if t.size and (t.min() < 0 or t.max() >= c):
        raise RuntimeError("target out of range")
    w = (np.ones(n, input._data.dtype) if weight is None else weight._data[t])[:, None]
    return MultiMarginLoss.apply(input.reshape(n, c), t[:, None], np.ones((n, 1), bool), w, margin, p, reduction,
                                 (n,) if target.dim() > 0 else ())


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Σ over the target classes j (``target``'s indices up to the first -1) and the other classes d of
    max(0, 1 - (input[j] - input[d])) / C per sample."""
    reduction = _reduction(size_average, reduce, reduction)
    n, c = _samples(input)
    if input.dim() <= 1:
        ok = target.dim() <= 1 and target.numel() == c
    else:
        ok = target.dim() == 2 and tuple(target.shape) == (n, c)
    if not ok:
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}")
    _long_target(target)
    t = target._data.reshape(n, c)
    if t.size and (t.min() < -1 or t.max() >= c):
        raise RuntimeError("argument #2 'target' is out of range")
    listed = np.cumprod(t >= 0, axis=1).astype(bool)  # the targets before the first -1
    return MultilabelMarginLoss.apply(input.reshape(n, c), np.where(listed, t, 0), listed,
                                      np.ones(t.shape, input._data.dtype), 1.0, 1, reduction,
                                      (n,) if target.dim() == 2 else ())


# -- between distances ---------------------------------------------------------------------------------------
def _triplet_dims(anchor, positive, negative):
    a, p, n = anchor.dim(), positive.dim(), negative.dim()
    if not (a == p and p == n):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {p}D, and negative {n}D inputs")


def _triplet(dist_pos, dist_neg, dist_swap, margin, add_margin):
    if dist_swap is not None:
        dist_neg = dist_neg.minimum(dist_swap)
    return (add_margin(dist_pos, margin) - dist_neg).clamp_min(0)


@_silently
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """max(0, d(anchor, positive) - d(anchor, negative) + margin), d the p-norm distance; ``swap``: the
    negative's distance is the smaller of d(anchor, negative) and d(positive, negative)."""
    reduction = _reduction(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _triplet_dims(anchor, positive, negative)
    dist = lambda a, b: pairwise_distance(a, b, p, eps)  # noqa: E731
    losses = _triplet(dist(anchor, positive), dist(anchor, negative), dist(positive, negative) if swap else None,
                      margin, AddScalar.apply)  # C++'s margin + d: AddBackward1
    return _apply_reduction(losses, reduction)


@_silently
def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """triplet_margin_loss with any ``distance_function`` (default: pairwise_distance)."""
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _reduction(None, None, reduction)
    _triplet_dims(anchor, positive, negative)
    dist = distance_function if distance_function is not None else pairwise_distance
    losses = _triplet(dist(anchor, positive), dist(anchor, negative), dist(positive, negative) if swap else None,
                      margin, lambda d, m: m + d)  # Python's margin + d: AddBackward0
    return _apply_reduction(losses, reduction)
