"""Scaled dot-product attention: softmax(s·QKᵀ + M) V, on the two paths torch takes on the CPU.

Each query row i of Q (..., L, E) is compared with every key row j of K (..., S, E) by a dot product scaled
by s (default 1/√E); the mask M adds 0 where j may take part and -inf where it may not (a bool mask's False,
is_causal's j > i), or any float; softmax turns each row into weights, which average the rows of V (..., S, Ev).

torch 2.14.1 on the CPU runs one of two implementations, and so does minitorch, chosen by the same rules
(``_fused``; inputs that are all 3-d go through unsqueeze(0) and squeeze(0) first): its fused kernel, one graph
node ``ScaledDotProductFlashAttentionForCpuBackward0`` (4-d inputs of one batch size, key/value heads equal to
the query's, grouped, or one; E = Ev; no dropout; a mask that needs no gradient), whose gradients torch cannot
differentiate again (neither can minitorch's: same error);
otherwise its "math" path, the formula in ordinary operations (MulBackward1 for the scaled Q and Kᵀ, matmul's
ExpandBackward0/ViewBackward0/BmmBackward0/UnsafeViewBackward0, AddBackward0 for the mask,
SafeSoftmaxBackward0, dropout's MulBackward0), which differentiates any number of times.
"""
import math

import numpy as np

from ..._size import broadcast_shape
from ...ops.arithmetic import MulScalar
from ...ops.op import Op
from ...ops.softmax import SafeSoftmax
from ...autograd import grad_mode
from ...tensor import _make
from .dropout import dropout


# -- the fused path: one node ------------------------------------------------------------------------------------
def _grouped(a, rep):
    """K or V (B, H/rep, S, E) with each head repeated ``rep`` times in place (GQA: query head h uses h // rep)."""
    return np.repeat(a, rep, axis=1) if rep > 1 else a


def _ungrouped(d, rep):
    """The VJP of _grouped: the gradients of a head's ``rep`` copies summed."""
    return d.reshape(d.shape[0], -1, rep, *d.shape[2:]).sum(axis=2) if rep > 1 else d


def _safe_softmax(s):
    """softmax along the last dim, 0 on a row that is all -inf (as SafeSoftmax), computed in place in ``s``."""
    top = s.max(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore"):  # (-inf - -inf on the fully masked rows: set to 0 below)
        np.subtract(s, top, out=s)
    np.exp(s, out=s)
    s /= s.sum(axis=-1, keepdims=True)
    masked = top == -np.inf  # a row's largest score is -inf only when every score is
    if masked.any():
        s[np.broadcast_to(masked, s.shape)] = 0
    return s


class ScaledDotProductFlashAttentionForCpu(Op):
    """z = P V with P = softmax(s·Q Kᵀ + M) along the last dim, per (batch, head); K and V's heads repeated
    ``rep`` times (GQA).   VJP: dV = Pᵀ g; dP = g Vᵀ; dS = P ⊙ (dP - Σⱼ dP ⊙ P); dQ = s·dS K; dK = s·dSᵀ Q
    (dK, dV summed over each group's heads). torch has no derivative of this VJP, so the gradients' node
    (FlashAttentionBackward) refuses a second backward, as torch's does."""
    node_name = "ScaledDotProductFlashAttentionForCpuBackward0"

    @staticmethod
    def forward(ctx, q, k, v, bias, scale, rep):
        k_, v_ = _grouped(k, rep), _grouped(v, rep)
        s = (q * q.dtype.type(scale)) @ np.swapaxes(k_, -1, -2)  # (the scale on Q: half the multiplications)
        if bias is not None:
            s = s + bias
        p = _safe_softmax(s)
        ctx.p, ctx.scale, ctx.rep = p, scale, rep
        ctx.save_for_backward(q, k, v)
        return p @ v_

    @staticmethod
    def backward(ctx, g):
        q, k, v = ctx.saved_tensors
        return FlashAttentionBackward.apply(g, q, k, v, ctx.p, ctx.scale, ctx.rep)


class FlashAttentionBackward(Op):
    """(dQ, dK, dV) of ScaledDotProductFlashAttentionForCpu. No derivative (torch's node: NotImplemented)."""
    node_name = "torch::autograd::NotImplemented"

    @staticmethod
    def forward(ctx, g, q, k, v, p, scale, rep):
        k_, v_ = _grouped(k, rep), _grouped(v, rep)
        dv = np.swapaxes(p, -1, -2) @ g
        dp = g @ np.swapaxes(v_, -1, -2)
        ds = p * (dp - (dp * p).sum(axis=-1, keepdims=True)) * q.dtype.type(scale)
        dq = ds @ k_
        dk = np.swapaxes(ds, -1, -2) @ q
        return dq, _ungrouped(dk, rep), _ungrouped(dv, rep)

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError("derivative for aten::_scaled_dot_product_flash_attention_for_cpu_backward is not "
                           "implemented")


def _fused(query, key, value, attn_mask, dropout_p, enable_gqa):
    """Whether torch 2.14.1's CPU dispatch picks its fused kernel for these inputs (found by trying them)."""
    q, k, v = query, key, value
    if not q.ndim == k.ndim == v.ndim == 4 or dropout_p > 0:
        return False
    if attn_mask is not None and attn_mask.requires_grad and grad_mode.STATE.enabled:
        return False  # the fused kernel gives the mask no gradient
    if not q.shape[-1] == k.shape[-1] == v.shape[-1]:
        return False
    if not q.shape[0] == k.shape[0] == v.shape[0]:
        return False  # (broadcast batches: the math path)
    heads, kv_heads = q.shape[1], k.shape[1]
    if v.shape[1] != kv_heads or not (heads == kv_heads or kv_heads == 1 or enable_gqa and heads % kv_heads == 0):
        return False  # (one key/value head is broadcast to all: the kernel takes that too)
    return all(t.stride(-1) == 1 or t.numel() == 0 for t in (q, k, v))


def _bias(attn_mask, is_causal, L, S, dtype):
    """The mask as numbers added to the scores: a bool mask's True (is_causal: j <= i) -> 0, False -> -inf."""
    if is_causal:
        attn_mask = _make(np.tril(np.ones((L, S), bool)))
    if attn_mask is None or attn_mask.is_floating_point():
        return attn_mask
    return _make(np.where(attn_mask._data, 0, -np.inf).astype(dtype.np))


def _flash(query, key, value, bias, scale):
    if 0 in (query.shape[-2], key.shape[-2], query.shape[-1]):
        # torch's empty result: zeros, tied to the inputs by a sum times 0 (their gradients: zeros)
        shape = query.shape[:-1] + value.shape[-1:]
        return _make(np.zeros(shape, query._data.dtype)) + MulScalar.apply(query.sum() + key.sum() + value.sum(), 0.0)
    if bias is not None:
        broadcast_shape(query.shape[:-1] + key.shape[-2:-1], bias.shape)  # (torch's error for a mask that does not fit)
        bias = bias._data.astype(query._data.dtype, copy=False)
    return ScaledDotProductFlashAttentionForCpu.apply(query, key, value, bias, scale, query.shape[1] // key.shape[1])


# -- the math path: the formula in operations ---------------------------------------------------------------------
def _math(query, key, value, bias, dropout_p, scale, enable_gqa):
    # torch scales Q and Kᵀ by √s each (keeping the products' magnitude), a negative s's sign on Q
    root = math.sqrt(abs(scale))
    q = MulScalar.apply(query, -root if scale < 0 else root)
    if enable_gqa and query.ndim >= 3 and query.shape[-3] != key.shape[-3]:
        key = key.repeat_interleave(query.shape[-3] // key.shape[-3], -3)
        value = value.repeat_interleave(query.shape[-3] // value.shape[-3], -3)
    scores = q @ MulScalar.apply(key.transpose(-2, -1), root)
    if bias is not None:
        scores = scores + bias
    weights = SafeSoftmax.apply(scores, scores.ndim - 1)
    if dropout_p > 0:
        weights = dropout(weights, dropout_p)
    return weights @ value


def _check(query, key, value, attn_mask, is_causal, enable_gqa):
    """torch's errors, in torch's words (the shapes that do not fit fail in the products, as in torch)."""
    if min(query.ndim, key.ndim, value.ndim) < 2:
        raise RuntimeError(f"Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
                           f"{query.ndim} key.dim: {key.ndim} and value.dim: {value.ndim} instead.")
    if not query.dtype == key.dtype == value.dtype:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{query.dtype.cpp_name} key.dtype: {key.dtype.cpp_name} and value.dtype: "
                           f"{value.dtype.cpp_name} instead.")
    if attn_mask is not None and attn_mask.dtype.name not in ("bool", "float32") and attn_mask.dtype != query.dtype:
        raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                           f"attn_mask.dtype: {attn_mask.dtype.cpp_name} and  query.dtype: {query.dtype.cpp_name} "
                           f"instead.")
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
    if not query.is_floating_point():
        raise RuntimeError(f"expected scalar type Float but found {query.dtype.scalar_name}")
    if enable_gqa and query.ndim >= 3 and query.shape[-3] != key.shape[-3]:
        heads = query.shape[-3]
        if key.shape[-3] == 0 or value.shape[-3] == 0 or heads % key.shape[-3] or heads % value.shape[-3]:
            raise RuntimeError("Number of heads in key and value must divide the number of heads in ")


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(scale·Q Kᵀ + mask) V over the last two dims (query (..., L, E), key (..., S, E), value
    (..., S, Ev) -> (..., L, Ev)), leading dims broadcast. ``attn_mask``: bool (True takes part) or float
    (added); ``is_causal``: query i sees keys j <= i; ``scale`` default 1/√E; ``dropout_p``: dropout on the
    weights; ``enable_gqa``: key/value heads (dim -3) shared by groups of query heads."""
    _check(query, key, value, attn_mask, is_causal, enable_gqa)
    E = query.shape[-1]
    if scale is None:
        scale = 1 / math.sqrt(E) if E else math.inf
    bias = _bias(attn_mask, is_causal, query.shape[-2], key.shape[-2], query.dtype)
    squeeze = query.ndim == key.ndim == value.ndim == 3  # torch makes these 4-d (unsqueeze(0)), whichever path
    if squeeze:
        query, key, value = query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0)
    if _fused(query, key, value, attn_mask, dropout_p, enable_gqa):
        out = _flash(query, key, value, bias, scale)
    else:
        out = _math(query, key, value, bias, dropout_p, scale, enable_gqa)
    return out.squeeze(0) if squeeze else out
