"""Pooling: the max or the average of every sliding window, and the adaptive versions that choose the
windows to produce a given output size.

The windows are the strided view from kernels/conv.py (``windows``: no copy), with the kernel offsets
(i, j) as the first two axes, so a pool is a reduction over those two axes. Going back is ``fold_windows``
(average pooling) or a scatter to the recorded argmax positions (max pooling). Each backward is an Op
whose own VJP is the forward reduction again, so second derivatives work. Max pooling's reduction and
its scatter are in kernels/pool.py: ``max_pool_plain`` there is the readable version.
"""
import numpy as np

from ...ops.op import Op
from ...kernels.conv import crop_nd, fold_windows, pad_nd, padded_size, windows
from ...kernels.pool import max_pool_fast, scatter_add_fast


# -- geometry ------------------------------------------------------------------------------------------
def _pool_size(size, kernel, stride, pad, dilation, ceil_mode):
    """torch's pooling output size: ⌊(n + 2p - d(k-1) - 1 [+ s-1 if ceil]) / s⌋ + 1, and with ceil_mode the
    last window must start inside the input or the left padding."""
    out = (size + 2 * pad - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def _padding(size, out, kernel, stride, pad, dilation):
    """(before, after) padding so that all ``out`` windows fit: ceil_mode windows may run past the end."""
    reach = (out - 1) * stride + dilation * (kernel - 1) + 1
    return pad, max(pad, reach - size - pad)


def _geometry(x, kernel, stride, padding, dilation, ceil_mode):
    """Output size (Ho, Wo) and the padding (top, bottom, left, right) that fits all windows."""
    size = tuple(_pool_size(n, k, s, p, d, ceil_mode)
                 for n, k, s, p, d in zip(x.shape[-2:], kernel, stride, padding, dilation))
    pads = [_padding(n, o, k, s, p, d) for n, o, k, s, p, d in zip(x.shape[-2:], size, kernel, stride, padding,
                                                                    dilation)]
    return size, pads[0] + pads[1]


def _batched(x):
    """An unbatched (C, H, W) image as a batch of one; pooling works on (N, C, H, W)."""
    return x[None] if x.ndim == 3 else x


# -- max pooling ---------------------------------------------------------------------------------------
class MaxPool2DWithIndices(Op):
    """z[n,c,y,x] = max over the window at (y, x);  indices = where in the H·W plane that max was.
    VJP: dx = g scattered to the argmax positions (added up where windows overlap)."""
    node_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation, ceil_mode, return_indices):
        xb = _batched(x)
        (ho, wo), pads = _geometry(xb, kernel, stride, padding, dilation, ceil_mode)
        low = -np.inf if xb.dtype.kind == "f" else np.iinfo(xb.dtype).min
        view = windows(pad_nd(xb, pads, low), kernel, stride, dilation, (ho, wo))   # (kh, kw, N, C, Ho, Wo)
        # the max of each window, and which kernel element it is (torch's pick on ties and NaN): kernels/pool.py
        out, which = max_pool_fast(view)
        # where each window starts, and each kernel element's offset from there, in the unpadded H·W plane
        width = x.shape[-1]
        start = (np.arange(ho)[:, None] * stride[0] - padding[0]) * width + np.arange(wo) * stride[1] - padding[1]
        offsets = np.array([i * dilation[0] * width + j * dilation[1]
                            for i in range(kernel[0]) for j in range(kernel[1])])
        indices = start + offsets[which]
        if x.ndim == 3:
            out, indices = out[0], indices[0]
        # windows that do not overlap send each gradient to a position of its own: backward can assign
        overlap = any(d * (k - 1) + 1 > s for k, s, d in zip(kernel, stride, dilation))
        ctx.indices, ctx.shape, ctx.overlap = indices, x.shape, overlap
        return (out, indices) if return_indices else out

    @staticmethod
    def backward(ctx, g, _indices_grad=None):
        return MaxPool2DWithIndicesBackward.apply(g, ctx.indices, ctx.shape, ctx.overlap)


class MaxPool2DWithIndicesBackward(Op):
    """dx = g scattered into zeros of the input's shape at ``indices`` (overlaps add up).
    VJP: dg = h gathered at ``indices`` (the forward's selection, applied to h)."""
    node_name = "MaxPool2DWithIndicesBackwardBackward0"

    @staticmethod
    def forward(ctx, g, indices, shape, overlap=True):
        ctx.indices = indices
        planes = int(np.prod(shape[:-2]))
        plane = shape[-2] * shape[-1]
        where = (indices.reshape(planes, -1) + np.arange(planes)[:, None] * plane).ravel()
        # the gradients of windows whose max sits at the same position add up (kernels/pool.py)
        return scatter_add_fast(where, g.ravel(), planes * plane, overlap).reshape(shape)

    @staticmethod
    def backward(ctx, h):
        return GatherPlanes.apply(h, ctx.indices)


class GatherPlanes(Op):
    """z = h[..., indices] in each H·W plane.   VJP: dh = g scattered back to ``indices``."""
    node_name = "GatherBackward0"

    @staticmethod
    def forward(ctx, h, indices):
        ctx.indices, ctx.shape = indices, h.shape
        planes = h.reshape(h.shape[:-2] + (-1,))
        return np.take_along_axis(planes, indices.reshape(indices.shape[:-2] + (-1,)), axis=-1).reshape(indices.shape)

    @staticmethod
    def backward(ctx, g):
        return MaxPool2DWithIndicesBackward.apply(g, ctx.indices, ctx.shape)


# -- average pooling -----------------------------------------------------------------------------------
def _avg_divisors(size, out, kernel, stride, pad, count_include_pad):
    """How many elements each window's sum is divided by, along one dim: the window clipped to the padded
    input (count_include_pad) or to the input itself."""
    start = np.arange(out) * stride - pad
    end = np.minimum(start + kernel, size + pad)
    if not count_include_pad:
        start, end = np.maximum(start, 0), np.minimum(end, size)
    return end - start


def _window_means(x, kernel, stride, pads, divisor):
    """Σ of every window of x (zero padded by ``pads``), divided by ``divisor`` (Ho, Wo)."""
    sums = windows(pad_nd(_batched(x), pads), kernel, stride, (1, 1), divisor.shape).sum(axis=(0, 1))
    # integer inputs: torch rounds the mean toward zero, as the cast does
    return (sums / divisor).astype(x.dtype, copy=False).reshape(x.shape[:-2] + divisor.shape)


class AvgPool2D(Op):
    """z[n,c,y,x] = (Σ window at (y, x)) / divisor[y, x].   VJP: dx = fold(g / divisor): spread over each window."""
    node_name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, pads, divisor):
        ctx.args = x.shape, kernel, stride, pads, divisor
        return _window_means(x, kernel, stride, pads, divisor)

    @staticmethod
    def backward(ctx, g):
        return AvgPool2DBackward.apply(g, *ctx.args)


class AvgPool2DBackward(Op):
    """dx = every window's g / divisor added back over the window (fold), cropped to the input.
    VJP: dg = the windowed means of h (the forward pooling applied to h)."""
    node_name = "AvgPool2DBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, kernel, stride, pads, divisor):
        ctx.args = kernel, stride, pads, divisor
        gb = _batched(g / divisor)
        cols = np.broadcast_to(gb, tuple(kernel) + gb.shape)  # each window gets its own g / divisor
        dx = fold_windows(cols, gb.shape[:2] + padded_size(shape[-2:], pads), stride, (1, 1))
        return np.ascontiguousarray(crop_nd(dx, pads)).reshape(shape)

    @staticmethod
    def backward(ctx, h):
        return AvgPool2D.apply(h, *ctx.args)


# -- adaptive pooling ----------------------------------------------------------------------------------
def _adaptive_bounds(size, out):
    """torch's adaptive windows along one dim: window y covers [⌊y·n/out⌋, ⌈(y+1)·n/out⌉)."""
    y = np.arange(out)
    return (y * size) // out, -((-(y + 1) * size) // out)


def _averaging_matrix(size, out, dtype):
    """P (out, size) with P[y, start(y):end(y)] = 1/(end - start): P @ v averages each window of v."""
    start, end = _adaptive_bounds(size, out)
    pos = np.arange(size)
    inside = (pos >= start[:, None]) & (pos < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


class AdaptiveAvgPool2D(Op):
    """z = Ph · x · Pwᵀ  (per plane), Ph and Pw averaging the rows and columns of each window.
    VJP: dx = Phᵀ · g · Pw."""
    node_name = "AdaptiveAvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, ph, pw):
        ctx.matrices = ph, pw
        return np.matmul(np.matmul(ph, x), pw.T)

    @staticmethod
    def backward(ctx, g):
        return AdaptiveAvgPool2DBackward.apply(g, *ctx.matrices)


class AdaptiveAvgPool2DBackward(Op):
    """dx = Phᵀ · g · Pw.   VJP: dg = Ph · h · Pwᵀ (the forward again)."""
    node_name = "AdaptiveAvgPool2DBackwardBackward0"

    @staticmethod
    def forward(ctx, g, ph, pw):
        ctx.matrices = ph, pw
        return np.matmul(np.matmul(ph.T, g), pw)

    @staticmethod
    def backward(ctx, h):
        return AdaptiveAvgPool2D.apply(h, *ctx.matrices)


class AdaptiveMaxPool2D(Op):
    """z[n,c,y,x] = max over torch's adaptive window (y, x);  indices = where in the H·W plane it was.
    VJP: dx = g scattered to the argmax positions."""
    node_name = "AdaptiveMaxPool2DBackward0"

    @staticmethod
    def forward(ctx, x, out_size, return_indices):
        # pad every window to the longest one by repeating its last element (a repeat never changes the max)
        positions = []
        for size, out in zip(x.shape[-2:], out_size):
            start, end = _adaptive_bounds(size, out)
            longest = int((end - start).max(initial=1))
            positions.append(np.minimum(start[:, None] + np.arange(longest), end[:, None] - 1))
        rows, cols = positions                                              # (Ho, kh), (Wo, kw)
        patches = x[..., rows[:, :, None, None], cols[None, None, :, :]]      # (..., Ho, kh, Wo, kw)
        patches = np.moveaxis(patches, -3, -2)                               # (..., Ho, Wo, kh, kw)
        patches = patches.reshape(patches.shape[:-2] + (rows.shape[1] * cols.shape[1],))
        k = patches.argmax(axis=-1)                                        # the first max, as torch picks it
        out = np.take_along_axis(patches, k[..., None], axis=-1)[..., 0]
        kw = cols.shape[1]
        row = rows[np.arange(out_size[0])[:, None], k // kw]
        col = cols[np.arange(out_size[1]), k % kw]
        indices = (row * x.shape[-1] + col).astype(np.int64)
        ctx.indices, ctx.shape = indices, x.shape
        return (out, indices) if return_indices else out

    @staticmethod
    def backward(ctx, g, _indices_grad=None):
        return MaxPool2DWithIndicesBackward.apply(g, ctx.indices, ctx.shape)


# -- argument checking ---------------------------------------------------------------------------------
def _pool_pair(value, fn, name, default=None):
    """An int or a 1- or 2-sequence as a pair (``default`` when None or empty), with torch's error otherwise."""
    if value is None or (not isinstance(value, int) and len(value) == 0 and default is not None):
        return default
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) == 1:
        pair = pair * 2
    if len(pair) != 2:
        what = {"kernel_size": "kernel_size must either be a single int, or a tuple of two ints",
                "stride": "stride must either be omitted, a single int, or a tuple of two ints",
                "padding": "padding must either be a single int, or a tuple of two ints",
                "dilation": "dilation must be either a single int, or a tuple of two ints"}[name]
        raise RuntimeError(f"{fn}: {what}")
    return tuple(int(v) for v in pair)


def _check_pool(input, kernel, stride, padding, dilation, ceil_mode):
    if input.dim() not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    if 0 in input.shape[-3:]:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
                           f"got:{list(input.shape)}")
    if 0 in stride:
        raise RuntimeError("stride should not be zero")
    for k, p, d in zip(kernel, padding, dilation):
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    if min(kernel) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kernel[0]} kW: {kernel[1]}")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {dilation[0]} "
                           f"dilationW: {dilation[1]}")
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got padW = {padding[1]}, "
                           f"padH = {padding[0]}, kW = {kernel[1]}, kH = {kernel[0]}")
    size = [_pool_size(n, k, s, p, d, ceil_mode)
            for n, k, s, p, d in zip(input.shape[-2:], kernel, stride, padding, dilation)]
    if min(size) < 1:
        c, h, w = input.shape[-3:]
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{size[0]}x{size[1]}). "
                           f"Output size is too small")


def _adaptive_size(input, output_size, fn):
    """``output_size`` as a pair of ints (None: that input size), with torch's errors (which differ for max)."""
    is_max = fn == "adaptive_max_pool2d"
    if input.dim() not in (3, 4):
        raise RuntimeError(f"{fn}(): Expected 3D or 4D tensor, but got{':' if is_max else ''} {list(input.shape)}")
    size = (output_size, output_size) if output_size is None or isinstance(output_size, int) else tuple(output_size)
    if len(size) != 2:
        raise RuntimeError(f"{fn}(): internal error: output_size.size() must be 2" if is_max else
                           f"{fn}: output_size must be 2")
    size = tuple(input.shape[-2 + i] if s is None else int(s) for i, s in enumerate(size))
    if min(size) < 0:
        if is_max:
            raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: "
                               f"{list(input.shape[:-2]) + list(size)}")
        raise RuntimeError(f"{fn}: elements of output_size must be greater than or equal to 0 but received "
                           f"{{{size[0]}, {size[1]}}}")
    return size


# -- public functions ----------------------------------------------------------------------------------
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """The max of every kh x kw window of ``input`` (N, C, H, W) or (C, H, W); padding counts as -inf.
    With ``return_indices``, also where each max is, as a flat index into its H·W input plane."""
    kernel = _pool_pair(kernel_size, "max_pool2d", "kernel_size")
    stride = _pool_pair(stride, "max_pool2d", "stride", default=kernel)
    padding = _pool_pair(padding, "max_pool2d", "padding")
    dilation = _pool_pair(dilation, "max_pool2d", "dilation")
    _check_pool(input, kernel, stride, padding, dilation, ceil_mode)
    return MaxPool2DWithIndices.apply(input, kernel, stride, padding, dilation, bool(ceil_mode),
                                      bool(return_indices))


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """The mean of every kh x kw window of ``input`` (N, C, H, W) or (C, H, W). Zero padding is counted in
    the mean when ``count_include_pad``; ``divisor_override`` replaces the window size as the divisor."""
    if input.dim() not in (3, 4):
        n = max(input.dim(), 1)
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got -3)")
    kernel = _pool_pair(kernel_size, "avg_pool2d", "kernel_size")
    stride = _pool_pair(stride, "avg_pool2d", "stride", default=kernel)
    padding = _pool_pair(padding, "avg_pool2d", "padding")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    _check_pool(input, kernel, stride, padding, (1, 1), ceil_mode)
    size, pads = _geometry(input, kernel, stride, padding, (1, 1), ceil_mode)
    if divisor_override:
        divisor = np.full(size, divisor_override)
    else:
        along_h, along_w = (_avg_divisors(n, o, k, s, p, count_include_pad)
                            for n, o, k, s, p in zip(input.shape[-2:], size, kernel, stride, padding))
        divisor = along_h[:, None] * along_w
    return AvgPool2D.apply(input, kernel, stride, pads, divisor.astype(input._data.dtype))


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to ``output_size`` (int, pair; None keeps that input size) with torch's windows:
    output row y averages input rows ⌊y·H/Ho⌋ to ⌈(y+1)·H/Ho⌉ - 1."""
    size = _adaptive_size(input, output_size, "adaptive_avg_pool2d")
    if size == (1, 1):  # torch takes the plain mean here (its graph shows MeanBackward1)
        return input.mean((-1, -2), keepdim=True)
    dtype = input._data.dtype
    ph, pw = (_averaging_matrix(n, o, dtype) for n, o in zip(input.shape[-2:], size))
    return AdaptiveAvgPool2D.apply(input, ph, pw)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to ``output_size`` over torch's adaptive windows (see ``adaptive_avg_pool2d``)."""
    size = _adaptive_size(input, output_size, "adaptive_max_pool2d")
    return AdaptiveMaxPool2D.apply(input, size, bool(return_indices))


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    return adaptive_max_pool2d(input, output_size, return_indices=True)
