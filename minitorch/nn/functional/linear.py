"""linear: y = x W^T + b, built from matrix products the way torch builds it, so the graph has torch's
nodes (``AddmmBackward0`` for a batch of vectors, ``MmBackward0`` without bias)."""
import numpy as np

from ..._args import tensor_arg
from ...ops.op import Op
from ...tensor import Tensor


def linear(input, weight, bias=None):
    """``input @ weight.T + bias`` for input (*, in_features), weight (out_features, in_features)."""
    # a list or an ndarray given to nn.Linear: torch's TypeError (isinstance inline: this is a hot path)
    if not (isinstance(input, Tensor) and isinstance(weight, Tensor)):
        tensor_arg(input, "linear")
        tensor_arg(weight, "linear", "weight", 2)
    if bias is None:
        return input.matmul(weight.t())
    if not isinstance(bias, Tensor):
        tensor_arg(bias, "linear", "bias", 3)
    if input.dim() == 2:
        return bias.addmm(input, weight.t())  # addmm(b, x, W^T) = b + x W^T in one fused op
    if input.is_contiguous() and (input.dim() == 3 or bias.dim() == 1):
        # fold the leading dims into one batch dim, as torch does: one addmm, then view back
        batch = input.shape[:-1]
        out = bias.addmm(input.reshape(batch.numel(), input.shape[-1]), weight.t())
        return out.view(*batch, out.shape[1])
    output = input.matmul(weight.t())
    return output.add_(bias)


class Trilinear(Op):
    """torch's _trilinear as bilinear uses it: z[n, o] = Σ_ij x1[n, i]·W[o, i, j]·x2[n, j].
    VJP: dx1[n, i] = Σ_o g[n, o]·Σ_j W[o, i, j]·x2[n, j];  dx2[n, j] = Σ_o g[n, o]·Σ_i x1[n, i]·W[o, i, j];
    dW[o, i, j] = Σ_n g[n, o]·x1[n, i]·x2[n, j] - each a product of matrices, so it differentiates again."""
    node_name = "TrilinearBackward0"

    @staticmethod
    def forward(ctx, x1, w, x2):
        ctx.save_for_backward(x1, w, x2)
        return np.einsum("ni,oij,nj->no", x1, w, x2, optimize=True)

    @staticmethod
    def backward(ctx, g):
        x1, w, x2 = ctx.saved_tensors
        (n, i), (o, _, j) = x1.shape, w.shape
        need1, need_w, need2 = ctx.needs_input_grad
        d1 = dw = d2 = None
        if need1:  # (x2 W_o^T)[n, i] for each o, weighted by g[n, o]
            xw = x2.matmul(w.permute(2, 0, 1).reshape(j, o * i)).view(n, o, i)
            d1 = (g.unsqueeze(2) * xw).sum(1)
        if need2:
            xw = x1.matmul(w.permute(1, 0, 2).reshape(i, o * j)).view(n, o, j)
            d2 = (g.unsqueeze(2) * xw).sum(1)
        if need_w:
            dw = (g.unsqueeze(2) * x1.unsqueeze(1)).reshape(n, o * i).t().matmul(x2).view(o, i, j)
        return d1, dw, d2


def bilinear(input1, input2, weight, bias=None):
    """y = x1ᵀ W x2 + b for each output feature: input1 (*, in1), input2 (*, in2), weight (out, in1, in2),
    bias (out,). As torch builds it: both inputs flattened to (N, in), one _trilinear, then the output
    reshaped and the bias added."""
    tensor_arg(input1, "bilinear", "input1")
    tensor_arg(input2, "bilinear", "input2", 2)
    tensor_arg(weight, "bilinear", "weight", 3)
    named = [("input1", input1), ("input2", input2), ("weight", weight)] + ([("bias", bias)] if bias is not None else [])
    if len({t.dtype for _, t in named}) > 1:
        raise RuntimeError("All tensors must have the same dtype, got " +
                           ", ".join(f"{name}: {t.dtype.cpp_name}" for name, t in named))
    if input1.dim() != input2.dim():
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.dim()} and {input2.dim()}")
    for d, (a, b) in enumerate(zip(input1.shape[:-1], input2.shape[:-1])):
        if a != b:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: got {a} and {b}")
    for k, (name, x) in enumerate((("input1", input1), ("input2", input2))):
        if x.shape[-1] != weight.shape[k + 1]:
            raise RuntimeError(f"bilinear(): {name} size does not match weight size: got {x.shape[-1]} but "
                               f"expected {weight.shape[k + 1]}")
    if bias is not None and bias.shape[0] != weight.shape[0]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {bias.shape[0]} but expected "
                           f"{weight.shape[0]}")
    out_shape = tuple(input1.shape[:-1]) + (weight.shape[0],)
    output = Trilinear.apply(input1.reshape(-1, input1.shape[-1]), weight,
                             input2.reshape(-1, input2.shape[-1])).reshape(out_shape)
    return output if bias is None else output + bias
