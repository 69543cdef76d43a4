"""max_unpool1d/2d/3d: the partial inverse of max pooling. Each value goes back to the position its max came
from (``indices``, flat positions in each output plane, as max_pool*d(return_indices=True) gives them); the
rest of the output is zero. One implementation for 2-d and 3-d; 1-d is torch's composition over 2-d (input and
indices unsqueezed to width 1, squeezed back)."""
import numpy as np

from ..._dtype import int64
from ...ops.op import Op
from .pooling import GatherPlanes, ScatterToIndices, refuse_dtype


class MaxUnpool(Op):
    """z = zeros of (..., *size) with x put at ``indices`` in each plane.   VJP: dx = g gathered at ``indices``.
    JVP: linear in x (dz = the tangent put at ``indices``: where indices repeat, the last write wins, as in
    forward; the transposed VJP would add the repeated ones up instead)."""
    linear = True

    @staticmethod
    def forward(ctx, x, indices, size):
        dims = len(size)
        planes, plane = int(np.prod(x.shape[:-dims])), int(np.prod(size))
        windows = int(np.prod(x.shape[-dims:]))  # (no -1: NumPy cannot infer it beside a 0, an empty batch)
        flat = indices.reshape(planes, windows)
        bad = (flat < 0) | (flat >= plane)
        if bad.any():
            # the last invalid index, as torch's 2-d kernel names it on one thread (its 3-d kernel, and more
            # threads, may name another)
            raise RuntimeError(f"Found an invalid max index: {flat[bad][-1]} (output volumes are of size "
                               f"{'x'.join(map(str, size))})")
        out = np.zeros((planes, plane), x.dtype)
        out[np.arange(planes)[:, None], flat] = x.reshape(planes, windows)  # a position given twice keeps the last
        ctx.args = indices, dims
        return out.reshape(x.shape[:-dims] + tuple(size))

    @staticmethod
    def backward(ctx, g):
        indices, dims = ctx.args
        return GatherPlanes.apply(g, indices, dims, ScatterToIndices)


class MaxUnpool2D(MaxUnpool):
    node_name = "MaxUnpool2DBackward0"


class MaxUnpool3D(MaxUnpool):
    node_name = "MaxUnpool3DBackward0"


def _unpool_output_size(input, kernel, stride, padding, output_size):
    """torch's output size: (n - 1)·s + k - 2p per dim, or ``output_size`` (the spatial sizes, or with N and
    C in front) if it is within a stride of that."""
    dims = len(kernel)
    default = [(n - 1) * s + k - 2 * p for n, k, s, p in zip(input.shape[-dims:], kernel, stride, padding)]
    if output_size is None:
        size = default
    else:
        if len(output_size) == dims + 2:
            output_size = output_size[2:]
        if len(output_size) != dims:
            raise ValueError(f"output_size should be a sequence containing {dims} or {dims + 2} elements, but it has "
                             f"a length of '{len(output_size)}'")
        for d in range(dims):
            low, high = default[d] - stride[d], default[d] + stride[d]
            if not low < output_size[d] < high:
                raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {low} and {high})')
        size = output_size
    for d in range(dims):
        if size[d] < 0:
            raise ValueError(f"max_unpooling: output_size must contain non-negative spatial dimensions, but got "
                             f"output_size[{d}]={size[d]}")
    return tuple(int(n) for n in size)


def _tuple(value, dims):
    return (value,) * dims if isinstance(value, int) else tuple(value)


def _max_unpool(input, indices, size, dims, stride=None):
    """torch's checks of max_unpool2d/3d (in its words), then the op."""
    name = f"max_unpooling{dims}d"
    if indices.dtype != int64:
        raise RuntimeError(f"elements in indices should be type int64 but got: {indices.dtype.scalar_name}")
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(f"Input to {name} should be a {dims + 1}d or {dims + 2}d Tensor, but got a tensor with "
                           f"{input.dim()} dimensions.")
    if stride is not None and min(stride) <= 0:
        raise RuntimeError(f"strides should be greater than zero, but got stride: {list(stride)}")
    if tuple(input.shape) != tuple(indices.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor ({list(input.shape)}) "
                           f"but got indices tensor with shape: {list(indices.shape)}")
    for i in range(1, input.dim()):
        if input.shape[i] == 0:
            raise RuntimeError(f"{name}_forward_out_cpu(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but got {list(input.shape)} with dimension {i} being empty.")
    refuse_dtype(input, f"max_unpool{dims}d")
    # the indices go in as an array: not an input of the graph (torch's node has one edge, to ``input``)
    return (MaxUnpool2D if dims == 2 else MaxUnpool3D).apply(input, indices._data, size)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Each value of ``input`` (N, C, L) or (C, L) put back at its position in ``indices`` (from
    max_pool1d(return_indices=True)), zeros elsewhere."""
    kernel = _tuple(kernel_size, 1)
    stride = kernel if stride is None else _tuple(stride, 1)
    size = _unpool_output_size(input, kernel, stride, _tuple(padding, 1), output_size)
    return _max_unpool(input.unsqueeze(-1), indices.unsqueeze(-1), size + (1,), 2).squeeze(-1)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Each value of ``input`` (N, C, H, W) or (C, H, W) put back at its position in ``indices`` (from
    max_pool2d(return_indices=True)), zeros elsewhere."""
    kernel = _tuple(kernel_size, 2)
    stride = kernel if stride is None else _tuple(stride, 2)
    size = _unpool_output_size(input, kernel, stride, _tuple(padding, 2), output_size)
    return _max_unpool(input, indices, size, 2)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Each value of ``input`` (N, C, T, H, W) or (C, T, H, W) put back at its position in ``indices`` (from
    max_pool3d(return_indices=True)), zeros elsewhere."""
    kernel = _tuple(kernel_size, 3)
    stride = kernel if stride is None else _tuple(stride, 3)
    size = _unpool_output_size(input, kernel, stride, _tuple(padding, 3), output_size)
    return _max_unpool(input, indices, size, 3, stride)
