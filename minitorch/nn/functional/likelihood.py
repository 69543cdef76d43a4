"""Divergences and likelihoods: kl_div, poisson_nll_loss, gaussian_nll_loss - each composed of tensor
operations, as torch composes them (its node names show it: kl_div is SubBackward0 <- XlogyBackward0 ...)."""
import math
import warnings

import numpy as np

from ...autograd.grad_mode import no_grad
from ...creation import ones_like
from ...ops.arithmetic import AddScalar, MulScalar, _silent
from ...ops.op import Op
from ...ops.pointwise.special import xlogy
from .loss import _REDUCTIONS, _apply_reduction, _reduction, _silently


_KL_MEAN_WARNING = ("reduction: 'mean' divides the total loss by both the batch size and the support size."
                    "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                    "'mean' will be changed to behave the same as 'batchmean' in the next major release.")


@_silently
def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Kullback-Leibler divergence of ``target`` from the log-probabilities ``input``: t·(log t - input), or
    with ``log_target`` e^t·(t - input). 'batchmean' divides the sum by the batch size (the true KL)."""
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    else:
        if reduction == "mean":
            warnings.warn(_KL_MEAN_WARNING, stacklevel=3)  # (3: past _silently's wrapper) the caller
        if reduction != "batchmean":
            _reduction(None, None, reduction)
    if log_target:
        losses = target.exp() * (target - input)
    else:
        losses = xlogy(target, target) - target * input
    reduced = _apply_reduction(losses, "sum" if reduction == "batchmean" else reduction)
    if reduction == "batchmean" and input.dim() != 0:
        reduced = reduced / input.size()[0]
    return reduced


@_silently
def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """Negative log-likelihood of ``target`` under a Poisson distribution of rate exp(input) (``log_input``)
    or input: rate - target·log rate; ``full`` adds Stirling's approximation of log(target!) where target > 1."""
    reduction = _reduction(size_average, reduce, reduction)
    if log_input:
        losses = input.exp() - target * input
    else:
        losses = input - target * AddScalar.apply(input, eps).log()
    if full:
        stirling = target * target.log() - target + MulScalar.apply(MulScalar.apply(target, 2 * math.pi).log(), 0.5)
        losses = losses + stirling.masked_fill(target <= 1, 0)
    return _apply_reduction(losses, reduction)


@_silently
def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Negative log-likelihood of ``target`` under Gaussians of mean ``input`` and variance ``var``:
    ½(log var + (input - target)²/var) (+ ½ log 2π with ``full``). ``var`` may have one dimension fewer than
    input, or size 1 in one of its dims (one variance shared); it is clamped at ``eps``, outside the graph."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * ones_like(input)
    elif (var < 0).any():
        raise ValueError("var has negative entry/entries")
    if var.size() != input.size():
        if input.size()[:-1] == var.size():
            var = var.unsqueeze(-1)
        elif not (input.dim() == var.dim()
                  and sum(v for i, v in zip(input.size(), var.size()) if i != v) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in _REDUCTIONS:
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():  # the clamp is not differentiated, as in torch
        var.clamp_(min=eps)
    losses = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        losses = losses + 0.5 * math.log(2 * math.pi)
    return _apply_reduction(losses, reduction)
