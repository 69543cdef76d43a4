"""linear: y = x W^T + b, built from matrix products the way torch builds it, so the graph has torch's
nodes (``AddmmBackward0`` for a batch of vectors, ``MmBackward0`` without bias)."""


def linear(input, weight, bias=None):
    """``input @ weight.T + bias`` for input (*, in_features), weight (out_features, in_features)."""
    if bias is None:
        return input.matmul(weight.t())
    if input.dim() == 2:
        return bias.addmm(input, weight.t())  # addmm(b, x, W^T) = b + x W^T in one fused op
    if input.is_contiguous() and (input.dim() == 3 or bias.dim() == 1):
        # fold the leading dims into one batch dim, as torch does: one addmm, then view back
        batch = input.shape[:-1]
        out = bias.addmm(input.reshape(batch.numel(), input.shape[-1]), weight.t())
        return out.view(*batch, out.shape[1])
    output = input.matmul(weight.t())
    return output.add_(bias)
