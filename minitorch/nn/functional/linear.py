"""linear: y = x W^T + b, built from matrix products the way torch builds it, so the graph has torch's
nodes (``AddmmBackward0`` for a batch of vectors, ``MmBackward0`` without bias)."""
from ..._args import tensor_arg
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
