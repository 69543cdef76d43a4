"""embedding_bag: the sum, mean or max of each bag of embedding rows, without forming the rows one by one.

The input's indices are cut into bags: a 2-D input (B, N) is B bags of N; a 1-D one is cut where ``offsets``
say each bag starts (``include_last_offset``: offsets has one more entry, which torch's CPU kernels read only as
a count, so the last bag runs to the input's end). Bag b's output is
Σᵢ cᵢ·wᵢ·W[idxᵢ] over its entries i (sum: cᵢ = 1 and the per-sample weights wᵢ; mean: cᵢ = 1/the bag's size),
or the largest W[idxᵢ, d] of each column d (max). Entries equal to ``padding_idx`` are left out; empty bags
give zeros.

Graph nodes as torch's: EmbeddingBagBackward0 (edges to weight and per_sample_weights, (None, 0) when there
are none); the weight's gradient EmbeddingBagBackwardBackward0. Neither gradient has a derivative in torch (the
weight's node raises; the per-sample weights' is NotImplemented), nor here.
"""
import warnings

import numpy as np

from ...autograd import grad_mode
from ...ops.op import Op
from ...tensor import Tensor, _make
from .sparse import _renorm_


class _Bags:
    """Which bag each entry of the (flat) input is in, and how much it counts there.

    idx, bag: (n,) the entries' rows of W and bags; coef: (n,) 1 (sum), 1/the bag's size (mean), 0 for
    padding_idx; freq: (n,) what the weight's gradient is scaled by (1/the index's count with
    scale_grad_by_freq); max mode: arg (B, D) the row each output element was taken from, -1 for empty bags."""

    def __init__(self, idx, offsets, ends, num_weights, mode, padding_idx, scale_grad_by_freq):
        n, nbags = len(idx), len(ends)
        position = np.arange(n)
        self.bag = np.searchsorted(offsets[:nbags], position, side="right") - 1 if nbags else np.zeros(n, np.int64)
        inside = (self.bag >= 0) & (position < (ends[self.bag] if nbags else 0))  # include_last_offset's tail: no bag
        keep = inside if padding_idx is None else inside & (idx != padding_idx)
        self.idx, self.nbags, self.num_weights, self.mode = idx, nbags, num_weights, mode
        self.bag = np.where(inside, self.bag, 0)
        count = np.bincount(self.bag[keep], minlength=nbags)
        self.coef = keep / np.maximum(count[self.bag], 1) if mode == "mean" else keep.astype(np.float64)
        self.freq = 1 / np.bincount(idx, minlength=num_weights)[idx] if scale_grad_by_freq else np.ones(n)
        self.keep = keep

    def find_max(self, w):
        """out (B, D): each column's largest value of the bag's rows (0 for empty bags); self.arg: their rows
        (the first of equal ones)."""
        out, self.arg = np.zeros((self.nbags, w.shape[1]), w.dtype), np.full((self.nbags, w.shape[1]), -1)
        rows, bags = self.idx[self.keep], self.bag[self.keep]
        if len(rows):
            order = np.argsort(bags, kind="stable")
            rows, bags = rows[order], bags[order]
            starts = np.flatnonzero(np.r_[True, bags[1:] != bags[:-1]])
            values = w[rows]
            top = np.maximum.reduceat(values, starts, axis=0)
            segment = np.cumsum(np.r_[False, bags[1:] != bags[:-1]])
            where = np.where(values == top[segment], np.arange(len(rows))[:, None], len(rows))
            out[bags[starts]] = top
            self.arg[bags[starts]] = rows[np.minimum.reduceat(where, starts, axis=0)]
        return out


class EmbeddingBag(Op):
    """z[b] = Σ_{i in b} cᵢ·wᵢ·W[idxᵢ] (sum, mean); z[b, d] = max_{i in b} W[idxᵢ, d] (max).
    VJP: dW: EmbeddingBagWeightGrad; dwᵢ = cᵢ·(g[bagᵢ] · W[idxᵢ])."""
    node_name = "EmbeddingBagBackward0"

    @staticmethod
    def forward(ctx, w, psw, bags):
        ctx.bags = bags
        ctx.save_for_backward(w if ctx.needs_input_grad[1] else None, psw)
        if bags.mode == "max":
            return bags.find_max(w)
        out = np.zeros((bags.nbags, w.shape[1]), w.dtype)
        np.add.at(out, bags.bag, w[bags.idx] * (bags.coef * psw)[:, None].astype(w.dtype))
        return out

    @staticmethod
    def backward(ctx, g):
        w, psw = ctx.saved_tensors
        dw, dpsw = ctx.needs_input_grad[:2]
        return (EmbeddingBagWeightGrad.apply(g, psw, ctx.bags) if dw else None,
                PerSampleWeightsGrad.apply(g, w, ctx.bags) if dpsw else None)


class EmbeddingBagWeightGrad(Op):
    """dW[r] = Σ_{i: idxᵢ = r} fᵢ·cᵢ·wᵢ·g[bagᵢ] (sum, mean; fᵢ the frequency scale); dW[arg[b, d], d] += g[b, d]
    (max). No derivative: torch's node has edges to g and the per-sample weights, and raises."""
    node_name = "EmbeddingBagBackwardBackward0"

    @staticmethod
    def forward(ctx, g, psw, bags):
        dw = np.zeros((bags.num_weights, g.shape[1]), g.dtype)
        if bags.mode == "max":
            full = bags.arg >= 0
            np.add.at(dw, (bags.arg[full], np.nonzero(full)[1]), g[full])
        else:
            np.add.at(dw, bags.idx, g[bags.bag] * (bags.freq * bags.coef * psw)[:, None].astype(g.dtype))
        return dw

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError("the derivative for '_embedding_bag_backward' is not implemented.")


class PerSampleWeightsGrad(Op):
    """dwᵢ = cᵢ·(g[bagᵢ] · W[idxᵢ]). No derivative (torch's node: NotImplemented)."""
    node_name = "torch::autograd::NotImplemented"

    @staticmethod
    def forward(ctx, g, w, bags):
        return ((g[bags.bag] * w[bags.idx]).sum(axis=1) * bags.coef).astype(w.dtype)

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError("derivative for aten::_embedding_bag_per_sample_weights_backward is not implemented")


def _check_offsets(offsets, n):
    o = offsets._data
    if len(o) and o[0] != 0:
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {o[0]}\n[ {offsets.type()}{{}} ]")
    if len(o) and o[-1] > n:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {n} but got offsets[-1] of {o[-1]}")


def _check_types(input, offsets, weight, per_sample_weights):
    """torch's checks of the dtypes, in its words (its C++ calls each of them argument #1)."""
    for t in (input, offsets):
        if t is not None and t.dtype.name not in ("int64", "int32"):
            raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                               f"Long, Int; but got {t.type()} instead (while checking arguments for embedding_bag)")
    if not weight.is_floating_point():
        raise RuntimeError(f"Expected tensor for argument #1 'weight' to have one of the following scalar types: Half, "
                           f"BFloat16, Float, Double; but got {weight.type()} instead (while checking arguments for "
                           f"embedding_bag)")
    if per_sample_weights is not None and per_sample_weights.dtype != weight.dtype:
        raise RuntimeError(f"Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 "
                           f"'per_sample_weights'; but type {weight.type()} does not equal {per_sample_weights.type()} "
                           f"(while checking arguments for embedding_bag)")


def _type_str(x):
    return "<class 'torch.Tensor'>" if isinstance(x, Tensor) else str(type(x))


def _offsets(input, offsets, include_last_offset, per_sample_weights):
    """(flat indices, bag starts, bag ends, per-sample weights flat), with torch's checks of the dims."""
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {_type_str(offsets)}")
        n = input.shape[1]
        if n == 0:  # (torch's arange(0, numel, step=0))
            raise RuntimeError("step must be nonzero")
        starts = np.arange(0, input.numel(), n)
        flat = input._data.reshape(-1)
        return flat, starts, starts + n, None if per_sample_weights is None else per_sample_weights.reshape(-1)
    if input.dim() != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if offsets.dim() != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    o, n = offsets._data, input.shape[0]
    o = o.astype(np.int64) if o.dtype.kind in "iu" else o  # (other dtypes are refused by _check_types)
    if include_last_offset:  # (torch's last bag still runs to the input's end, whatever the last offset says)
        return input._data, o[:-1], np.append(o[1:-1], n), per_sample_weights
    return input._data, o, np.append(o[1:], n), per_sample_weights


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """The sum, mean or max of each bag of rows of ``weight`` (num_embeddings, dim) picked by ``input``: (B, dim).

    ``input`` (B, N): B bags of N indices; 1-D with ``offsets``: bag b starts at offsets[b]. ``per_sample_weights``
    (mode "sum" only) scale each row; ``padding_idx`` rows are left out; ``max_norm`` renormalises the rows used, in
    place, first."""
    if weight.dtype.name == "int64" and input.is_floating_point():
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, "
                      "input, ...)` is deprecated, and should now be `embedding_bag(input, weight, ...)`.", stacklevel=2)
        weight, input = input, weight
    if per_sample_weights is not None and input.size() != per_sample_weights.size():
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it must "
                         f"have the same shape as the input ({input.shape})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    idx, starts, ends, psw = _offsets(input, offsets, include_last_offset, per_sample_weights)  # (checks the dims)
    if mode == "max":
        if scale_grad_by_freq:
            raise ValueError("max mode does not support scaling the gradient by the frequency")
        if sparse:
            raise ValueError("max mode does not support sparse weights")
    elif mode not in ("sum", "mean"):
        raise ValueError("mode has to be one of sum, mean or max")
    if sparse:
        raise NotImplementedError("minitorch has no sparse tensors: use sparse=False")
    if max_norm is not None:
        with grad_mode.no_grad():
            _renorm_(weight, idx, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  f"GitHub.")
    _check_types(input, offsets, weight, per_sample_weights)
    if input.dim() == 1:
        _check_offsets(offsets, len(idx))
    num = weight.shape[0]
    if padding_idx is not None:
        if not -num <= padding_idx < num:
            raise RuntimeError(f"padding_idx must be within the number of embeddings, -{num} through {num - 1}, "
                               f"but got {padding_idx}")
        padding_idx %= num
    bad = (idx < 0) | (idx >= num)
    if bad.any():
        raise RuntimeError(f"embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be "
                           f"{idx[np.argmax(bad)]}")
    bags = _Bags(idx.astype(np.int64), starts, ends, num, mode, padding_idx, scale_grad_by_freq)
    if psw is None:  # a constant of ones: torch's node has an edge for the per-sample weights, (None, 0)
        psw = _make(np.ones(len(idx), weight._data.dtype))
    return EmbeddingBag.apply(weight, psw, bags)
