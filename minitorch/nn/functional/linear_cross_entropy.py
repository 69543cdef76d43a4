"""F.linear_cross_entropy: ``cross_entropy(linear(input, linear_weight, linear_bias), target)`` in one call.

Without ``options`` it is exactly that composition (the graph is linear's and cross_entropy's, as in torch).
With ``LinearCrossEntropyOptions`` torch takes a *chunked* path, a memory strategy for a large number of classes
(an LLM's vocabulary): the batch is cut into chunks of ``batch_chunk_size`` rows, and the (N, C) logits are never
held all at once. The values are the same; the gradients are computed chunk by chunk too, as constants: the
chunked path has no second derivative in torch (its gradients do not require grad), nor here.

The maths, per row n with logits z = x W^T + b, p = softmax(z), class weights w (1 when not given):
  class index t:         loss_n = -w_t·log p_t               dloss_n/dz = w_t·(p - onehot(t))   (0 if t ignored)
  class probabilities q: loss_n = -Σ_c w_c·q_c·log p_c       dloss_n/dz = p·Σ_c w_c·q_c - w·q
'mean' divides the sum by Σ_n w_{t_n} over the rows not ignored (indices), or by N (probabilities).
Then dx = dz W,  dW = dz^T x,  db = Σ_n dz.
"""
import dataclasses
import warnings

import numpy as np

from ...autograd import grad_mode
from ...ops.op import Op
from ...tensor import _make
from .linear import linear
from .loss import cross_entropy


@dataclasses.dataclass
class LinearCrossEntropyOptions:
    """torch.nn.LinearCrossEntropyOptions: asks linear_cross_entropy for its chunked path. Only
    ``batch_chunk_size`` changes what minitorch does (None: one chunk of 1024 rows at most); the others are
    torch's device and accumulation choices, kept so that the same options object can be written."""
    allow_retain_graph: bool = False
    batch_chunk_size: int | None = None
    chunking_method: str = "auto"
    acc_policy: str = "auto"
    acc_dtype: object = None


def _chunk_rows(x, w, b, cw, target, ignore_index, start, stop):
    """For rows start:stop: (per-row losses, dloss/dz) as arrays (see the module docstring)."""
    z = x[start:stop] @ w.T
    if b is not None:
        z = z + b
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    p = np.exp(log_p)
    t = target[start:stop]
    if t.dtype.kind == "f":  # class probabilities
        wq = t if cw is None else t * cw
        return -(wq * log_p).sum(axis=1), p * wq.sum(axis=1, keepdims=True) - wq
    kept = t != ignore_index
    safe = np.where(kept, t, 0)
    rw = (np.ones(len(t), x.dtype) if cw is None else cw[safe]) * kept  # the row's class weight, 0 if ignored
    rows = np.arange(len(t))
    dz = p * rw[:, None]
    dz[rows, safe] -= rw
    return -rw * log_p[rows, safe], dz


def _chunked_gradients(x, w, b, cw, target, ignore_index, chunk, scale):
    """(dx, dw, db) as arrays, chunk by chunk, each row's dloss/dz times ``scale`` (a number, or one per row)."""
    dx, dw = np.zeros_like(x), np.zeros_like(w)
    db = None if b is None else np.zeros_like(b)
    for start in range(0, x.shape[0], chunk):
        _, dz = _chunk_rows(x, w, b, cw, target, ignore_index, start, start + chunk)
        dz = dz * (scale[start:start + chunk, None] if np.ndim(scale) else scale)
        dx[start:start + chunk] = dz @ w
        dw += dz.T @ x[start:start + chunk]
        if db is not None:
            db += dz.sum(axis=0)
    return dx, dw, db


class ChunkedLinearCrossEntropy(Op):
    """The chunked path with reduction 'mean' or 'sum' (module docstring): as torch's op, the gradients are
    computed in forward, chunk by chunk (the logits of a chunk are needed for the loss anyway), and backward
    only scales them by the upstream number: constants (no second derivative, as torch's custom op)."""
    node_name = "GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_defaultBackward"
    forward_ad = False

    @staticmethod
    def forward(ctx, x, w, target, b, cw, reduction, ignore_index, chunk):
        loss = np.concatenate([_chunk_rows(x, w, b, cw, target, ignore_index, start, start + chunk)[0]
                               for start in range(0, x.shape[0], chunk)])
        if target.dtype.kind == "f":
            denominator = x.shape[0]
        else:
            kept = target != ignore_index
            denominator = kept.sum() if cw is None else cw[np.where(kept, target, 0)][kept].sum()
        scale = 1.0 if reduction == "sum" else 1.0 / denominator
        if any(ctx.needs_input_grad):
            ctx.grads = _chunked_gradients(x, w, b, cw, target, ignore_index, chunk, scale)
        return np.asarray(loss.sum() * scale, x.dtype)

    @staticmethod
    def backward(ctx, g):
        return _scaled(ctx, ctx.grads, g._data)


class ChunkedLinearCrossEntropyNoReduction(Op):
    """The chunked path with reduction 'none': a loss per row; backward recomputes the chunks' dloss/dz from the
    saved inputs, each row's scaled by its upstream gradient (constants, as torch's)."""
    node_name = "GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_no_reduction_defaultBackward"
    forward_ad = False

    @staticmethod
    def forward(ctx, x, w, target, b, cw, reduction, ignore_index, chunk):
        ctx.save_for_backward(x, w, target, b)
        ctx.class_weight, ctx.layout = cw, (ignore_index, chunk)
        return np.concatenate([_chunk_rows(x, w, b, cw, target, ignore_index, start, start + chunk)[0]
                               for start in range(0, x.shape[0], chunk)]).astype(x.dtype)

    @staticmethod
    def backward(ctx, g):
        x, w, target, b = (None if t is None else t._data for t in ctx.saved_tensors)
        return _scaled(ctx, _chunked_gradients(x, w, b, ctx.class_weight, target, *ctx.layout, g._data), 1)


def _scaled(ctx, grads, g):
    """(dx, dw, None for the target, db where a bias was given) times g, for the inputs that need them."""
    need = ctx.needs_input_grad
    dx, dw, db = grads
    out = [_make(dx * g) if need[0] else None, _make(dw * g) if need[1] else None, None]
    if db is not None:
        out.append(_make(db * g) if need[3] else None)
    return tuple(out)


def _check(input, linear_weight, linear_bias):
    """torch's checks, in its words; returns (num_classes, out_features)."""
    if input.dim() < 1 or input.dim() > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    if linear_weight.dim() < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {linear_weight.dim()}")
    if input.shape[-1] != linear_weight.shape[-1]:
        raise RuntimeError("expected equal input and linear_weight last dimensions (in_features), "
                           f"got {input.shape[-1]} and {linear_weight.shape[-1]}, respectively")
    num_classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (num_classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(num_classes, *out_features)}, got "
                           f"{tuple(linear_bias.shape)}")
    if out_features and input.dim() == 1:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} requires"
                           f" batched input, (N, {input.shape[-1]}), got unbatched input with shape "
                           f"{tuple(input.shape)}")
    return num_classes, out_features


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction="mean",
                         ignore_index=None, label_smoothing=0.0, options=None):
    """The cross entropy of ``linear(input, linear_weight, linear_bias)`` against ``target`` (class indices or
    probabilities); ``options``: the chunked path (module docstring), where torch supports it."""
    num_classes, out_features = _check(input, linear_weight, linear_bias)
    logits_shape = (*input.shape[:-1], num_classes, *out_features)
    probabilities = tuple(target.shape) == logits_shape
    if probabilities and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    ignore_index = -100 if ignore_index is None else ignore_index
    chunkable_probabilities = (probabilities and reduction in ("mean", "sum") and target.dtype is input.dtype
                               and not (target.requires_grad and grad_mode.STATE.enabled))
    chunked = (not out_features and reduction in ("mean", "sum", "none") and label_smoothing == 0.0
               and (str(target.dtype) == "torch.int64" or chunkable_probabilities))
    if options is not None and not chunked:
        bias_shape = tuple(linear_bias.shape) if linear_bias is not None else None
        warnings.warn("linear_cross_entropy: ``options`` ignored; chunked path needs reduction in "
                      "{'mean','sum','none'}, label_smoothing == 0, target.dtype == int64 (or a probability target "
                      "with reduction in {'mean','sum'}, dtype matching input, and requires_grad == False), "
                      f"out_features == (). Got reduction={reduction!r}, label_smoothing={label_smoothing}, "
                      f"target.dtype={target.dtype}, out_features={out_features}, tracing=False, "
                      f"target.requires_grad={target.requires_grad}, linear_bias.shape={bias_shape}.", stacklevel=2)
    if options is not None and chunked:
        batched = input.dim() == 2
        x, t = (input, target) if batched else (input.unsqueeze(0), target.unsqueeze(0))
        chunk = options.batch_chunk_size or 1024
        op = ChunkedLinearCrossEntropyNoReduction if reduction == "none" else ChunkedLinearCrossEntropy
        result = op.apply(x, linear_weight, t, linear_bias,
                          None if weight is None else weight._data, reduction, ignore_index, int(chunk))
        return result if batched else result.squeeze(0)
    if out_features:  # K-dimensional loss: one linear map to C·d_1···d_K logits, then viewed as (N, C, d_1, ...)
        size = int(np.prod((num_classes,) + out_features))
        linear_weight = linear_weight.reshape(size, input.shape[-1])
        if linear_bias is not None:
            linear_bias = linear_bias.reshape(size)
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction, ignore_index=ignore_index,
                         label_smoothing=label_smoothing)
