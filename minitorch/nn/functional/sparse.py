"""Embedding: look up rows of a weight matrix by integer index (a learned table of vectors); one_hot.

The forward pass is NumPy fancy indexing, ``W[indices]``. The VJP adds every output row's gradient into
the weight row it was read from: an index that appears several times collects several gradients, and the
``padding_idx`` row collects none.
"""
import operator

import numpy as np

from ..._args import tensor_arg
from ..._dtype import tp_name
from ...autograd import grad_mode
from ...ops.op import Op
from ...tensor import _make


def _row_scale(indices, num_weights, padding_idx, scale_grad_by_freq):
    """How much of each output row's gradient reaches W: 0 for padding_idx, 1/count with scale_grad_by_freq."""
    scale = np.ones(indices.shape)
    if scale_grad_by_freq:
        scale = scale / np.bincount(indices.ravel(), minlength=num_weights)[indices]
    if padding_idx is not None:
        scale[indices == padding_idx] = 0
    return scale


class Embedding(Op):
    """z = W[indices] (one row of W per index).   VJP: dW[r] = Σ of g's rows whose index is r
    (none for padding_idx; each divided by the index's count with scale_grad_by_freq)."""
    node_name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, w, indices, padding_idx, scale_grad_by_freq):
        ctx.args = indices, w.shape[0], padding_idx, scale_grad_by_freq
        return w[indices]

    @staticmethod
    def backward(ctx, g):
        indices, num_weights = ctx.args[:2]
        return EmbeddingDenseBackward.apply(g, indices, num_weights, _row_scale(*ctx.args))


class EmbeddingDenseBackward(Op):
    """dW = zeros with each row of g·scale added at its index (repeated indices add up).
    VJP: dg = h[indices]·scale (the forward lookup applied to h)."""
    node_name = "EmbeddingDenseBackwardBackward0"

    @staticmethod
    def forward(ctx, g, indices, num_weights, scale):
        ctx.indices, ctx.scale = indices, scale
        dw = np.zeros((num_weights, g.shape[-1]), g.dtype)
        np.add.at(dw, indices.ravel(), (g * scale[..., None].astype(g.dtype)).reshape(-1, g.shape[-1]))
        return dw

    @staticmethod
    def backward(ctx, h):
        return Embedding.apply(h, ctx.indices, None, False) * _make(ctx.scale[..., None].astype(h._data.dtype))


def _renorm_(weight, indices, max_norm, norm_type):
    """Rescale (in place, untracked) the rows of ``weight`` used by ``indices`` whose norm exceeds max_norm."""
    rows = np.unique(indices)
    norms = np.linalg.norm(weight._data[rows], ord=norm_type, axis=1)
    big = norms > max_norm
    weight._data[rows[big]] *= (max_norm / (norms[big] + 1e-7))[:, None].astype(weight._data.dtype)
    weight._vc[0] += 1


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """Rows of ``weight`` (num_embeddings, dim) picked by the integer tensor ``input``: shape input.shape + (dim,).

    ``padding_idx``: that row gets no gradient. ``max_norm``: rows about to be used are first rescaled in
    place to norm at most max_norm. ``sparse`` gradients are not supported (minitorch has no sparse tensors).
    """
    if sparse:
        raise NotImplementedError("minitorch has no sparse tensors: use Embedding(..., sparse=False)")
    indices = input._data
    if indices.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input.type()} instead (while checking arguments for embedding)")
    num = weight.shape[0]
    if padding_idx is not None:
        if not -num <= padding_idx < num:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= num
    if indices.size and (indices.min() < 0 or indices.max() >= num):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        with grad_mode.no_grad():
            _renorm_(weight, indices, max_norm, norm_type)
    return Embedding.apply(weight, indices.astype(np.int64), padding_idx, bool(scale_grad_by_freq))


def one_hot(tensor, num_classes=-1):
    """Class indices (int64, any shape) as one-hot vectors: a new last dim of ``num_classes`` (-1: the largest
    index + 1) holding 1 at the index and 0 elsewhere. int64, so never differentiable. Checked as torch
    checks, in torch's order."""
    tensor_arg(tensor, "one_hot")
    try:
        num_classes = operator.index(num_classes)
    except TypeError:
        raise TypeError(f"one_hot(): argument 'num_classes' (position 2) must be int, not "
                        f"{tp_name(type(num_classes))}") from None
    indices = tensor._data
    if indices.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if indices.size == 0:  # nothing to infer the number of classes from
        if num_classes <= 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        return _make(np.zeros(indices.shape + (num_classes,), np.int64))
    if indices.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(indices.max()) + 1
    elif indices.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return _make((indices[..., None] == np.arange(num_classes)).astype(np.int64))
