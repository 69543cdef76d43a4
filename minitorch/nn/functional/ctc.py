"""Connectionist Temporal Classification (Graves et al., 2006): the loss of a sequence of per-step class
log-probabilities against a shorter label sequence, summed over every alignment of the labels to the steps.

The alignments are paths through the *extended* target l' = (blank, l_1, blank, l_2, ..., l_L, blank) of
length 2L + 1: a path stays on a state, moves one state on, or skips a blank between two different labels.
With y[t, c] = log_probs[t, c] and the forward variables α (log space, so that no product underflows)

    α[0, 0] = y[0, blank],  α[0, 1] = y[0, l_1],  α[0, s] = -inf for s > 1
    α[t, s] = logsumexp(α[t-1, s], α[t-1, s-1], α[t-1, s-2] if l'_s ≠ l'_{s-2}) + y[t, l'_s]

the likelihood of the target is p = exp α[T-1, 2L] + exp α[T-1, 2L-1] (the path ends on the last label or
the blank after it), and the loss is -log p. The backward variables β run the same recursion from the end:

    β[T-1, 2L] = y[T-1, blank],  β[T-1, 2L-1] = y[T-1, l_L]
    β[t, s] = logsumexp(β[t+1, s], β[t+1, s+1], β[t+1, s+2] if l'_s ≠ l'_{s+2}) + y[t, l'_s]

so that α[t, s] + β[t, s] - y[t, l'_s] is the log of the total probability of the paths through state s at
step t (y counted once), and the posterior of class c at step t is

    γ[t, c] = Σ_{s: l'_s = c} exp(α[t, s] + β[t, s] - y[t, c]) / p.

d(-log p)/dy[t, c] = -γ[t, c]. torch's gradient (CtcLossBackward0) is exp(y[t, c]) - γ[t, c] instead: the
gradient with respect to the logits when y = log_softmax(logits), folded in. For normalized y the extra
term changes nothing after log_softmax's own VJP (which subtracts exp(y)·Σ_c, and Σ_c (exp y - γ) = 0), and
it is what torch returns, so minitorch returns it too. Steps beyond a sequence's input length get 0.
torch has no second derivative here: differentiating the gradient raises, as in torch.
"""
import numpy as np

from ..._args import invalid_combination
from ...ops.arithmetic import _silent
from ...ops.op import Op
from ...ops.where import where
from ...tensor import Tensor, _make

_SIGNATURES = [f"(Tensor log_probs, Tensor targets, {kind} input_lengths, {kind} target_lengths, int blank = 0, "
               "int reduction = at::Reduction::Mean, bool zero_infinity = False)"
               for kind in ("tuple of ints", "Tensor")]
_WHERE = " (while checking arguments for ctc_loss_allocate_outputs)"
_NEG_INF = -np.inf


def _logsumexp(*terms):
    """log Σ exp(terms), elementwise, with -inf where every term is -inf (no inf - inf)."""
    m = np.maximum.reduce(terms)
    m = np.where(np.isneginf(m), 0, m)
    return np.log(sum(np.exp(t - m) for t in terms)) + m


def _shift(a, k):
    """a[..., s - k] (k > 0) or a[..., s + |k|] (k < 0) at s, -inf where that is outside."""
    out = np.full_like(a, _NEG_INF)
    if k > 0:
        out[..., k:] = a[..., :-k]
    else:
        out[..., :k] = a[..., -k:]
    return out


def _extended(labels, blank):
    """l' = (blank, l_1, blank, ..., l_L, blank) for each row of ``labels`` (N, S): (N, 2S + 1)."""
    prime = np.full((labels.shape[0], 2 * labels.shape[1] + 1), blank, np.int64)
    prime[:, 1::2] = labels
    return prime


def _ctc_forward(y, prime, input_lengths, target_lengths):
    """α (T, N, S) over the extended targets ``prime`` (N, S), each state's y[t, l'_s] (-inf past a sequence's
    states), which states may skip from s - 2, and the loss -log p of each sequence."""
    T, N, _ = y.shape
    valid = np.arange(prime.shape[1])[None, :] <= 2 * target_lengths[:, None]
    skip = np.zeros(prime.shape, bool)
    skip[:, 2:] = prime[:, 2:] != prime[:, :-2]  # a label after a different label (never a blank)
    emit = np.where(valid, np.take_along_axis(y, np.broadcast_to(prime, (T,) + prime.shape), axis=2), _NEG_INF)
    alpha = np.full(emit.shape, _NEG_INF, y.dtype)
    alpha[0, :, :2] = emit[0, :, :2]
    for t in range(1, T):
        previous = alpha[t - 1]
        alpha[t] = _logsumexp(previous, _shift(previous, 1), np.where(skip, _shift(previous, 2), _NEG_INF)) + emit[t]
    last = alpha[np.maximum(input_lengths - 1, 0), np.arange(N)]  # (N, S): α at each sequence's last step
    end = np.take_along_axis(last, 2 * target_lengths[:, None], 1)[:, 0]
    before = np.take_along_axis(last, np.maximum(2 * target_lengths - 1, 0)[:, None], 1)[:, 0]
    log_p = np.where(target_lengths > 0, _logsumexp(end, np.where(target_lengths > 0, before, _NEG_INF)), end)
    log_p = np.where(input_lengths > 0, log_p, np.where(target_lengths > 0, _NEG_INF, 0.0))  # no steps at all
    return alpha, emit, skip, -log_p


def _ctc_gradient(y, prime, alpha, emit, skip, nll, input_lengths, target_lengths, zero_infinity):
    """torch's gradient of each sequence's loss: exp y - γ by the β recursion (module docstring), 0 past the
    input length (and, with ``zero_infinity``, for an impossible target)."""
    T, N, C = y.shape
    states = np.arange(prime.shape[1])[None, :]
    skip_up = np.zeros_like(skip)  # may come from s + 2: l'_{s+2} is a label different from l'_s
    skip_up[:, :-2] = skip[:, 2:]
    last_two = (states >= 2 * target_lengths[:, None] - 1) & (states <= 2 * target_lengths[:, None])
    ends = (input_lengths - 1)[:, None]
    beta = np.full_like(alpha, _NEG_INF)
    later = np.full(alpha.shape[1:], _NEG_INF, y.dtype)
    for t in range(T - 1, -1, -1):
        step = _logsumexp(later, _shift(later, -1), np.where(skip_up, _shift(later, -2), _NEG_INF)) + emit[t]
        start = np.where(last_two, emit[t], _NEG_INF)  # β begins at each sequence's last step, on its last 2 states
        beta[t] = later = np.where(ends == t, start, np.where(t < ends, step, _NEG_INF))
    log_ab = alpha + beta  # (T, N, S): -inf off each sequence's states and steps
    of_class = prime[:, :, None] == np.arange(C)  # (N, S, C): the class of each state
    # log Σ_{l'_s = c} α·β, class by class (so that an inf or NaN in one class stays there)
    collected = np.logaddexp.reduce(np.where(of_class, log_ab[..., None], _NEG_INF), axis=2)
    grad = np.exp(y) - np.exp(collected + nll[None, :, None] - y)
    grad = np.where(np.arange(T)[:, None, None] < input_lengths[None, :, None], grad, 0)
    if zero_infinity:
        grad = np.where(np.isposinf(nll)[None, :, None], 0, grad)
    return grad.astype(y.dtype, copy=False)


class CtcLoss(Op):
    """l_n = -log p(target_n | log_probs[:, n]) by the forward (α) recursion; VJP: g_n·(exp y - γ) through
    CtcLossGrad (the β recursion): see the module docstring for both."""
    node_name = "CtcLossBackward0"
    forward_ad, aten_name = False, "_ctc_loss"  # torch has no forward-mode rule for it: a dual input raises

    @staticmethod
    def forward(ctx, y, labels, input_lengths, target_lengths, blank, zero_infinity):
        prime = _extended(labels, blank)
        with _silent():
            alpha, emit, skip, nll = _ctc_forward(y, prime, input_lengths, target_lengths)
        ctx.save_for_backward(y)
        ctx.saved = prime, alpha, emit, skip, nll, input_lengths, target_lengths, zero_infinity
        return nll.astype(y.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return CtcLossGrad.apply(g, y, ctx.saved)


class CtcLossGrad(Op):
    """The gradient of the CTC loss, g_n·(exp y - γ): torch has no derivative of it (its node is NotImplemented)."""
    node_name = "torch::autograd::NotImplemented"

    @staticmethod
    def forward(ctx, g, y, saved):
        with _silent():  # exp(-inf), and NaN for an impossible target (as torch) unless zero_infinity
            return _ctc_gradient(y, *saved) * g[None, :, None]

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::_ctc_loss_backward is not implemented")


def _lengths(input_lengths, target_lengths, args):
    """Both lengths as int64 arrays: tuples/lists of ints, or integer tensors (both the same kind, as torch)."""
    if isinstance(input_lengths, Tensor) and isinstance(target_lengths, Tensor):
        for name, lengths in (("input_lengths", input_lengths), ("target_lengths", target_lengths)):
            if lengths.is_floating_point() or lengths.dtype.name == "bool":
                raise RuntimeError(f"{name} must be integral")
        return input_lengths._data.astype(np.int64).reshape(-1), target_lengths._data.astype(np.int64).reshape(-1)
    if isinstance(input_lengths, (list, tuple)) and isinstance(target_lengths, (list, tuple)):
        return np.asarray(input_lengths, np.int64).reshape(-1), np.asarray(target_lengths, np.int64).reshape(-1)
    raise invalid_combination("ctc_loss", args, _SIGNATURES)


def _padded_targets(targets, target_lengths, batch):
    """The targets as an (N, max length) array, from padded (N, S) or concatenated (Σ lengths,) ones, with
    torch's checks."""
    for name, lengths in (("target_lengths", target_lengths),):
        for value in lengths:
            if value < 0:
                raise RuntimeError(f"Expected {name} to have value at least 0, but got value {value}{_WHERE}")
    longest = int(target_lengths.max()) if batch else 0
    data = targets._data.astype(np.int64)
    if targets.dim() == 1:  # concatenated
        total = int(target_lengths.sum())
        if data.shape[0] != total:
            raise RuntimeError(f"Expected tensor to have size {total} at dimension 0, but got size {data.shape[0]} "
                               f"for argument #2 'targets'{_WHERE}")
        starts = np.concatenate([[0], np.cumsum(target_lengths)[:-1]])
        index = np.minimum(starts[:, None] + np.arange(longest), max(total - 1, 0))
        return data[index] if total else np.zeros((batch, longest), np.int64)
    if data.shape[0] != batch:
        raise RuntimeError(f"Expected tensor to have size {batch} at dimension 0, but got size {data.shape[0]} for "
                           f"argument #2 'targets'{_WHERE}")
    if data.shape[1] < longest:
        raise RuntimeError(f"Expected tensor to have size at least {longest} at dimension 1, but got size "
                           f"{data.shape[1]} for argument #2 'targets'{_WHERE}")
    return data[:, :longest]


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """The CTC loss of ``log_probs`` (T, N, C) or (T, C) against ``targets``, padded (N, S) or concatenated;
    ``input_lengths``/``target_lengths`` per sequence. 'mean' divides each loss by its target length first.
    ``zero_infinity``: impossible targets (infinite loss) give 0 and no gradient."""
    enum = {"none": 0, "mean": 1, "sum": 2}.get(reduction)
    if enum is None:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    args = (log_probs, targets, input_lengths, target_lengths, blank, enum, zero_infinity)
    input_lengths, target_lengths = _lengths(input_lengths, target_lengths, args)
    batched = log_probs.dim() == 3
    y = log_probs if batched else log_probs.unsqueeze(1)
    if y.dim() != 3:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {y.dim()}-dimensional tensor for argument #1 "
                           f"'log_probs'{_WHERE}")
    if not y.is_floating_point():
        raise NotImplementedError(f"\"ctc_loss_cpu\" not implemented for '{y.dtype.scalar_name}'")
    if y.numel() == 0:
        raise RuntimeError("log_probs tensor must not be empty")
    if not 1 <= targets.dim() <= 2:
        raise RuntimeError(f"Expected 1 to 2 dimensions, but got {targets.dim()}-dimensional tensor for argument #2 "
                           f"'targets'{_WHERE}")
    steps, batch, classes = y.shape
    if not 0 <= blank < classes:
        raise RuntimeError("blank must be in label range")
    if len(input_lengths) != batch:
        raise RuntimeError("input_lengths must be of size batch_size")
    if len(target_lengths) != batch:
        raise RuntimeError("target_lengths must be of size batch_size")
    labels = _padded_targets(targets, target_lengths, batch)
    for value in input_lengths:
        if value < 0:
            raise RuntimeError(f"Expected input_lengths to have value at least 0, but got value {value}{_WHERE}")
        if value > steps:
            raise RuntimeError(f"Expected input_lengths to have value at most {steps}, but got value {value}{_WHERE}")
    losses = CtcLoss.apply(y, labels, input_lengths, target_lengths, blank, zero_infinity)
    if zero_infinity:
        losses = where(losses == float("inf"), _make(np.zeros((), losses._data.dtype)), losses)
    if reduction == "mean":
        return (losses / _make(np.maximum(target_lengths, 1).astype(losses._data.dtype))).mean()
    if reduction == "sum":
        return losses.sum()
    return losses if batched else losses.squeeze(0)
