"""Convolution on arrays, for ``Convolution`` and ``ConvolutionBackward`` in nn/functional/conv.py (which
holds the maths and the VJPs), and the window primitives that unfold, fold and pooling share.

Plain: ``conv_plain`` and its two gradients, unfold + one matrix product per group, on the (N, C, *S)
layout as it comes, for any number of spatial dims - read these first. Fast: ``conv2d_fast`` and its
gradients compute the same products for 2-d images in two layouts chosen by the image size, and in
cache-sized chunks (see the note above ``conv2d_fast``); ``conv_fast`` and its gradients, which the Ops
call, pick the fast kernels for 2-d images and the plain ones for 1-d and 3-d (see the note above them).
Measured on the blitz nets' two convolutions (batch 128, float32, one thread, NumPy 2.4), the fast kernels
take 1/1.2 to 1/1.3 of the plain forward's time, 1/1.5 to 1/2.2 of dx's and 1/1.1 to 1/2.2 of dW's.

``geometry`` is (stride, padding, dilation, groups), one stride and dilation per spatial dim, padding as
(before, after) per spatial dim: (top, bottom, left, right) for 2-d images.
"""
import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided


# -- the window primitives (unfold, fold, padding), for any number of spatial dims -----------------------
def _spatial_axes(ndim, count, axes):
    """The positions of the ``count`` spatial dims: ``axes`` if given, else the last ``count`` dims."""
    return tuple(axes) if axes is not None else tuple(range(ndim - count, ndim))


def windows(xp, kernel, stride, dilation, out_size, axes=None):
    """Every window of the padded images ``xp``, as a strided view with the kernel offsets in front: in 2-d,
    ``view[i, j, ..., y, ..., x, ...] = xp[..., y*sh + i*dh, ..., x*sw + j*dw, ...]``, where ``axes`` are the
    positions of the spatial dims in ``xp`` (by default its last ones) and of (y, x) in the view after the
    kernel offsets. One offset, stride, dilation and output size per spatial dim."""
    axes = _spatial_axes(xp.ndim, len(kernel), axes)
    shape, strides = list(xp.shape), list(xp.strides)
    for a, size, s in zip(axes, out_size, stride):
        shape[a], strides[a] = size, xp.strides[a] * s
    offsets = [xp.strides[a] * d for a, d in zip(axes, dilation)]
    return as_strided(xp, list(kernel) + shape, offsets + strides, writeable=False)


def fold_windows(cols, padded_shape, stride, dilation, axes=None):
    """The adjoint of ``windows``: a zero image of ``padded_shape`` with every window added back where it
    came from, in 2-d ``out[..., y*sh + i*dh, ..., x*sw + j*dw, ...] += cols[i, j, ..., y, ..., x, ...]``.
    One strided slice added per kernel offset."""
    count = len(stride)
    kernel, axes = cols.shape[:count], _spatial_axes(len(padded_shape), count, axes)
    sizes = [cols.shape[count + a] for a in axes]
    out = np.zeros(padded_shape, cols.dtype)
    where = [slice(None)] * out.ndim
    for offset in itertools.product(*map(range, kernel)):
        for a, k, s, d, size in zip(axes, offset, stride, dilation, sizes):
            where[a] = slice(k * d, k * d + s * (size - 1) + 1, s)
        out[tuple(where)] += cols[offset]
    return out


def pad_nd(x, padding, value=0, axes=None):
    """Pad the spatial dims (at ``axes``, by default the last ones) by ``padding`` = (before, after) per dim."""
    if not any(padding):
        return x
    widths = [(0, 0)] * x.ndim
    for a, before, after in zip(_spatial_axes(x.ndim, len(padding) // 2, axes), padding[::2], padding[1::2]):
        widths[a] = (before, after)
    return np.pad(x, widths, constant_values=value)


def crop_nd(x, padding, axes=None):
    """Remove what ``pad_nd`` added."""
    where = [slice(None)] * x.ndim
    for a, before, after in zip(_spatial_axes(x.ndim, len(padding) // 2, axes), padding[::2], padding[1::2]):
        where[a] = slice(before, x.shape[a] - after)
    return x[tuple(where)]


def padded_size(size, padding):
    return tuple(s + before + after for s, before, after in zip(size, padding[::2], padding[1::2]))


def out_size(size, kernel, stride, padding, dilation):
    """Output size of a sliding window: ⌊(H + pads - d·(k-1) - 1) / s⌋ + 1 per spatial dim."""
    return tuple((s + p0 + p1 - d * (k - 1) - 1) // st + 1
                 for s, k, st, p0, p1, d in zip(size, kernel, stride, padding[::2], padding[1::2], dilation))


# -- plain twins: unfold + one matmul per group, any number of spatial dims -------------------------------
def _offsets_after_channels(view, count):
    """A ``windows`` view (*kernel, N, C, *out) as (N, C, *kernel, *out): the kernel offsets beside the
    channels, so that rows k = (c, *offsets) are W's own order (C/G, *kernel)."""
    order = (count, count + 1) + tuple(range(count)) + tuple(range(count + 2, view.ndim))
    return view.transpose(order)


def _unfold(x, kernel, geometry):
    """The windows of x (N, C, *S) as columns (N, G, C/G·Πk, ΠO), rows k = (c, *offsets) as W's own."""
    stride, padding, dilation, groups = geometry
    size = out_size(x.shape[2:], kernel, stride, padding, dilation)
    view = windows(pad_nd(x, padding), kernel, stride, dilation, size)          # (*k, N, C, *O)
    rows = x.shape[1] // groups * math.prod(kernel)
    cols = _offsets_after_channels(view, len(kernel)).reshape(x.shape[0], groups, rows, math.prod(size))
    return cols, size


def conv_plain(x, w, b, geometry):
    """out = W · cols + b for each group, cols = unfold(x)."""
    groups, (n, o) = geometry[3], (x.shape[0], w.shape[0])
    cols, size = _unfold(x, w.shape[2:], geometry)
    out = np.matmul(w.reshape(groups, o // groups, -1), cols)                   # (N, G, O/G, ΠO)
    out = out.reshape((n, o) + size)
    return out + b.reshape((o,) + (1,) * len(size)) if b.size else out


def conv_input_grad_plain(g, w, input_size, geometry):
    """dx = fold(Wᵀ · g) for each group, cropped back to the unpadded input."""
    stride, padding, dilation, groups = geometry
    (n, o), c_g, kernel, size = g.shape[:2], w.shape[1], w.shape[2:], g.shape[2:]
    d_cols = np.matmul(w.reshape(groups, o // groups, -1).transpose(0, 2, 1),
                       g.reshape(n, groups, o // groups, math.prod(size)))      # (N, G, C/G·Πk, ΠO)
    d_cols = d_cols.reshape((n, groups * c_g) + kernel + size)                  # (N, C, *k, *O)
    count = len(kernel)
    d_cols = d_cols.transpose(tuple(range(2, 2 + count)) + (0, 1) + tuple(range(2 + count, d_cols.ndim)))
    images = fold_windows(d_cols, (n, groups * c_g) + padded_size(input_size, padding), stride, dilation)
    return np.ascontiguousarray(crop_nd(images, padding))


def conv_weight_grad_plain(g, x, kernel, geometry):
    """dW = g · colsᵀ for each group, summed over the images."""
    groups, (n, o) = geometry[3], g.shape[:2]
    cols, _ = _unfold(x, kernel, geometry)
    dw = np.matmul(g.reshape(n, groups, o // groups, math.prod(g.shape[2:])), cols.transpose(0, 1, 3, 2)).sum(axis=0)
    return dw.reshape((o, x.shape[1] // groups) + tuple(kernel))


# -- fast: the same products, in the layout that suits the image size ------------------------------------
# Two layouts of the same products, chosen by the size of the output image (``_per_image``):
#
# * "batch last" (small images, e.g. 10x10): ONE matrix product for the whole batch. The rows of cols are
#   k = (group, i, j, c), its columns the output positions (y, x, n). An image is (C, H, W, N), so that a
#   window's row (x, n) is one contiguous run of memory: unfold and fold move long runs, not short rows.
#   The price is transposing the input to (C, H, W, N) and the output back to (N, O, H, W).
# * "per image" (large images, e.g. 28x28): one product per image, on (C·kh·kw, Ho·Wo) columns cut straight
#   out of the (N, C, H, W) input, written straight into the (N, O, Ho, Wo) output: no transposes, and each
#   product is wide enough to run at full speed. The images go a few at a time, so that their columns
#   are still in the CPU cache when the product reads them (the columns are kh·kw times the input).
#
# Both are plain float32 (or float64) GEMMs on copies of strided views; nothing is upcast.
PER_IMAGE_MIN_PIXELS = 256  # output images this large use the per-image layout
CHUNK_ELEMENTS = 2 ** 18    # per-image layout: unfold about this many column elements (1 MB of float32) at a time


def _per_image(size):
    return size[0] * size[1] >= PER_IMAGE_MIN_PIXELS


def _chunks(n, per_image):
    """Ranges of images whose columns (``per_image`` elements each) fit in about CHUNK_ELEMENTS."""
    step = max(1, CHUNK_ELEMENTS // per_image)
    return [slice(start, start + step) for start in range(0, n, step)]


def _image_cols(xp, kernel, size, geometry):
    """The windows of padded images ``xp`` (n, C, Hp, Wp) as (n, G, C/G·kh·kw, Ho·Wo): rows k = (c, i, j),
    the order of W's own (C/G, kh, kw), so W needs no transpose. One copy of the windows."""
    stride, _, dilation, groups = geometry
    view = windows(xp, kernel, stride, dilation, size)                         # (kh, kw, n, C, Ho, Wo)
    view = view.transpose(2, 3, 0, 1, 4, 5)                                    # (n, C, kh, kw, Ho, Wo)
    return view.reshape(xp.shape[0], groups, -1, size[0] * size[1])


def _conv_cols(x, kernel, geometry):
    """Batch last: the unfolded input (groups, kh·kw·C/groups, Ho·Wo·N), one copy of the windows."""
    stride, padding, dilation, groups = geometry
    size = out_size(x.shape[2:], kernel, stride, padding, dilation)
    images = np.ascontiguousarray(pad_nd(x, padding).transpose(1, 2, 3, 0))    # (C, Hp, Wp, N)
    view = windows(images, kernel, stride, dilation, size, axes=(1, 2))       # (kh, kw, C, Ho, Wo, N)
    # sizes spelled out, no -1: NumPy cannot infer a -1 beside a 0 (an empty batch, N = 0)
    view = view.reshape(kernel + (groups, x.shape[1] // groups) + view.shape[3:])  # (kh, kw, G, C/G, Ho, Wo, N)
    rows = kernel[0] * kernel[1] * (x.shape[1] // groups)
    return view.transpose(2, 0, 1, 3, 4, 5, 6).reshape(groups, rows, size[0] * size[1] * x.shape[0]), size


def _weight_matrix(w, groups):
    """Batch last: W (O, C/G, kh, kw) as (G, O/G, kh·kw·C/G), columns k = (i, j, c) as in ``_conv_cols``."""
    return w.transpose(0, 2, 3, 1).reshape(groups, w.shape[0] // groups, -1)


def _grad_matrix(g, groups):
    """Batch last: g (N, O, Ho, Wo) as (G, O/G, Ho·Wo·N), matching the columns of ``_conv_cols``."""
    return g.transpose(1, 2, 3, 0).reshape(groups, g.shape[1] // groups, -1)


def conv2d_fast(x, w, b, geometry):
    """``conv_plain`` in the layout that suits the image size."""
    stride, padding, dilation, groups = geometry
    n, o = x.shape[0], w.shape[0]
    size = out_size(x.shape[2:], w.shape[2:], stride, padding, dilation)
    if _per_image(size):
        xp, w_rows = pad_nd(x, padding), w.reshape(groups, o // groups, -1)     # (G, O/G, C/G·kh·kw)
        out = np.empty((n, groups, o // groups, size[0] * size[1]), x.dtype)
        for part in _chunks(n, w[0].size * groups * size[0] * size[1]):
            np.matmul(w_rows, _image_cols(xp[part], w.shape[2:], size, geometry), out=out[part])
        out = out.reshape((n, o) + size)
        if b.size:
            out += b[:, None, None]
        return out
    cols, size = _conv_cols(x, w.shape[2:], geometry)
    out = np.matmul(_weight_matrix(w, groups), cols)                          # (G, O/G, Ho·Wo·N)
    out = out.reshape((o,) + size + (n,)).transpose(3, 0, 1, 2)
    if not b.size:
        return np.ascontiguousarray(out)
    # the bias is added while the result is written out in (N, O, Ho, Wo) order: one pass, not two
    return np.add(out, b[:, None, None], out=np.empty(out.shape, out.dtype))


def conv2d_input_grad_fast(g, w, input_size, geometry):
    """``conv_input_grad_plain`` in the batch-last layout, for any image size: fold adds long runs there,
    and a single product beats one per image."""
    stride, padding, dilation, groups = geometry
    n, _, ho, wo = g.shape
    kh, kw = w.shape[2:]
    d_cols = np.matmul(_weight_matrix(w, groups).transpose(0, 2, 1), _grad_matrix(g, groups))
    # sizes spelled out, no -1: NumPy cannot infer a -1 beside a 0 (an empty batch, n = 0)
    d_cols = d_cols.reshape(groups, kh, kw, w.shape[1], ho, wo, n).transpose(1, 2, 0, 3, 4, 5, 6)
    d_cols = d_cols.reshape(kh, kw, w.shape[1] * groups, ho, wo, n)           # (kh, kw, C, Ho, Wo, N)
    images = fold_windows(d_cols, (d_cols.shape[2],) + padded_size(input_size, padding) + (n,), stride,
                          dilation, axes=(1, 2))
    return np.ascontiguousarray(crop_nd(images, padding, axes=(1, 2)).transpose(3, 0, 1, 2))


def conv2d_weight_grad_fast(g, x, kernel, geometry):
    """``conv_weight_grad_plain`` in the layout that suits the image size."""
    groups = geometry[3]
    n, o, ho, wo = g.shape
    if _per_image((ho, wo)):
        xp, g_rows = pad_nd(x, geometry[1]), g.reshape(n, groups, o // groups, ho * wo)
        dw = np.zeros((groups, o // groups, x.shape[1] // groups * kernel[0] * kernel[1]), g.dtype)
        for part in _chunks(n, dw.size // (o // groups) * ho * wo):
            cols = _image_cols(xp[part], kernel, (ho, wo), geometry)           # (n, G, C/G·kh·kw, Ho·Wo)
            dw += np.matmul(g_rows[part], cols.transpose(0, 1, 3, 2)).sum(axis=0)
        return dw.reshape((o, -1) + tuple(kernel))
    cols, _ = _conv_cols(x, kernel, geometry)
    dw = np.matmul(_grad_matrix(g, groups), cols.transpose(0, 2, 1))          # (G, O/G, kh·kw·C/G)
    return np.ascontiguousarray(dw.reshape((o,) + tuple(kernel) + (-1,)).transpose(0, 3, 1, 2))


# -- by the number of spatial dims: the kernels the Ops call ---------------------------------------------
# 2-d images run on the fast kernels above; 1-d signals and 3-d volumes on the plain ones. (1-d signals as
# 2-d images one pixel high were slower, measured under load at one thread: conv1d 32x16x128 * 32x16x5,
# forward 3.7-4.3 ms that way against 1.9-2.1 ms plain, forward + backward 6.9-10.4 against 6.8-8.9 ms.)
def conv_fast(x, w, b, geometry):
    return (conv2d_fast if x.ndim == 4 else conv_plain)(x, w, b, geometry)


def conv_input_grad_fast(g, w, input_size, geometry):
    return (conv2d_input_grad_fast if g.ndim == 4 else conv_input_grad_plain)(g, w, input_size, geometry)


def conv_weight_grad_fast(g, x, kernel, geometry):
    return (conv2d_weight_grad_fast if g.ndim == 4 else conv_weight_grad_plain)(g, x, kernel, geometry)
