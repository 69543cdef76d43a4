"""2-D convolution on arrays, for ``Convolution`` and ``ConvolutionBackward`` in nn/functional/conv.py
(which holds the maths and the VJPs), and the window primitives that unfold, fold and pooling share.

Plain: ``conv2d_plain`` and its two gradients, unfold + one matrix product per group, on the (N, C, H, W)
layout as it comes - read these first. Fast: ``conv2d_fast`` and its gradients compute the same products
in two layouts chosen by the image size, and in cache-sized chunks (see the note above ``conv2d_fast``).
Measured on the blitz nets' two convolutions (batch 128, float32, one thread, NumPy 2.4), the fast kernels
take 1/1.2 to 1/1.3 of the plain forward's time, 1/1.5 to 1/2.2 of dx's and 1/1.1 to 1/2.2 of dW's.

``geometry`` is (stride, padding, dilation, groups), padding as (top, bottom, left, right).
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided


# -- the window primitives (unfold, fold, padding) ------------------------------------------------------
def windows(xp, kernel, stride, dilation, out_size, axes=(2, 3)):
    """Every window of the padded images ``xp``, as a strided view with the kernel offsets (i, j) in front:
    ``view[i, j, ..., y, ..., x, ...] = xp[..., y*sh + i*dh, ..., x*sw + j*dw, ...]``, where ``axes`` are the
    positions of the two spatial dims in ``xp`` (and of (y, x) in the view after the first two)."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    ah, aw = axes
    shape, strides = list(xp.shape), list(xp.strides)
    shape[ah], shape[aw] = out_size
    strides[ah], strides[aw] = xp.strides[ah] * sh, xp.strides[aw] * sw
    return as_strided(xp, [kh, kw] + shape, [xp.strides[ah] * dh, xp.strides[aw] * dw] + strides,
                      writeable=False)


def fold_windows(cols, padded_shape, stride, dilation, axes=(2, 3)):
    """The adjoint of ``windows``: a zero image of ``padded_shape`` with every window added back where it
    came from, ``out[..., y*sh + i*dh, ..., x*sw + j*dw, ...] += cols[i, j, ..., y, ..., x, ...]``."""
    kh, kw = cols.shape[:2]
    (sh, sw), (dh, dw) = stride, dilation
    ah, aw = axes
    ho, wo = cols.shape[2 + ah], cols.shape[2 + aw]
    out = np.zeros(padded_shape, cols.dtype)
    where = [slice(None)] * out.ndim
    for i in range(kh):
        for j in range(kw):
            where[ah] = slice(i * dh, i * dh + sh * (ho - 1) + 1, sh)
            where[aw] = slice(j * dw, j * dw + sw * (wo - 1) + 1, sw)
            out[tuple(where)] += cols[i, j]
    return out


def pad2d(x, padding, value=0, axes=(2, 3)):
    """Pad the two spatial dims (at ``axes``) by ``padding`` = (top, bottom, left, right)."""
    if not any(padding):
        return x
    widths = [(0, 0)] * x.ndim
    widths[axes[0]], widths[axes[1]] = padding[:2], padding[2:]
    return np.pad(x, widths, constant_values=value)


def crop2d(x, padding, axes=(2, 3)):
    """Remove what ``pad2d`` added."""
    top, bottom, left, right = padding
    where = [slice(None)] * x.ndim
    where[axes[0]] = slice(top, x.shape[axes[0]] - bottom)
    where[axes[1]] = slice(left, x.shape[axes[1]] - right)
    return x[tuple(where)]


def padded_size(size, padding):
    return (size[0] + padding[0] + padding[1], size[1] + padding[2] + padding[3])


def out_size(size, kernel, stride, padding, dilation):
    """Output (Ho, Wo) of a sliding window: ⌊(H + pads - d·(k-1) - 1) / s⌋ + 1 per dim."""
    return tuple((s + p0 + p1 - d * (k - 1) - 1) // st + 1
                 for s, k, st, p0, p1, d in zip(size, kernel, stride, padding[::2], padding[1::2], dilation))


# -- plain twins: unfold + one matmul per group ---------------------------------------------------------
def _unfold(x, kernel, geometry):
    """The windows of x (N, C, H, W) as columns (N, G, C/G·kh·kw, Ho·Wo), rows k = (c, i, j) as W's own."""
    stride, padding, dilation, groups = geometry
    size = out_size(x.shape[2:], kernel, stride, padding, dilation)
    view = windows(pad2d(x, padding), kernel, stride, dilation, size)          # (kh, kw, N, C, Ho, Wo)
    rows = x.shape[1] // groups * kernel[0] * kernel[1]
    return view.transpose(2, 3, 0, 1, 4, 5).reshape(x.shape[0], groups, rows, size[0] * size[1]), size


def conv2d_plain(x, w, b, geometry):
    """out = W · cols + b for each group, cols = unfold(x)."""
    groups, (n, o) = geometry[3], (x.shape[0], w.shape[0])
    cols, size = _unfold(x, w.shape[2:], geometry)
    out = np.matmul(w.reshape(groups, o // groups, -1), cols)                   # (N, G, O/G, Ho·Wo)
    out = out.reshape((n, o) + size)
    return out + b[:, None, None] if b.size else out


def conv2d_input_grad_plain(g, w, input_size, geometry):
    """dx = fold(Wᵀ · g) for each group, cropped back to the unpadded input."""
    stride, padding, dilation, groups = geometry
    (n, o, ho, wo), (_, c_g, kh, kw) = g.shape, w.shape
    d_cols = np.matmul(w.reshape(groups, o // groups, -1).transpose(0, 2, 1),
                       g.reshape(n, groups, o // groups, ho * wo))               # (N, G, C/G·kh·kw, Ho·Wo)
    d_cols = d_cols.reshape(n, groups * c_g, kh, kw, ho, wo).transpose(2, 3, 0, 1, 4, 5)
    images = fold_windows(d_cols, (n, groups * c_g) + padded_size(input_size, padding), stride, dilation)
    return np.ascontiguousarray(crop2d(images, padding))


def conv2d_weight_grad_plain(g, x, kernel, geometry):
    """dW = g · colsᵀ for each group, summed over the images."""
    groups, (n, o, ho, wo) = geometry[3], g.shape
    cols, _ = _unfold(x, kernel, geometry)
    dw = np.matmul(g.reshape(n, groups, o // groups, ho * wo), cols.transpose(0, 1, 3, 2)).sum(axis=0)
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
    images = np.ascontiguousarray(pad2d(x, padding).transpose(1, 2, 3, 0))    # (C, Hp, Wp, N)
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
    """``conv2d_plain`` in the layout that suits the image size."""
    stride, padding, dilation, groups = geometry
    n, o = x.shape[0], w.shape[0]
    size = out_size(x.shape[2:], w.shape[2:], stride, padding, dilation)
    if _per_image(size):
        xp, w_rows = pad2d(x, padding), w.reshape(groups, o // groups, -1)     # (G, O/G, C/G·kh·kw)
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
    """``conv2d_input_grad_plain`` in the batch-last layout, for any image size: fold adds long runs there,
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
    return np.ascontiguousarray(crop2d(images, padding, axes=(1, 2)).transpose(3, 0, 1, 2))


def conv2d_weight_grad_fast(g, x, kernel, geometry):
    """``conv2d_weight_grad_plain`` in the layout that suits the image size."""
    groups = geometry[3]
    n, o, ho, wo = g.shape
    if _per_image((ho, wo)):
        xp, g_rows = pad2d(x, geometry[1]), g.reshape(n, groups, o // groups, ho * wo)
        dw = np.zeros((groups, o // groups, x.shape[1] // groups * kernel[0] * kernel[1]), g.dtype)
        for part in _chunks(n, dw.size // (o // groups) * ho * wo):
            cols = _image_cols(xp[part], kernel, (ho, wo), geometry)           # (n, G, C/G·kh·kw, Ho·Wo)
            dw += np.matmul(g_rows[part], cols.transpose(0, 1, 3, 2)).sum(axis=0)
        return dw.reshape((o, -1) + tuple(kernel))
    cols, _ = _conv_cols(x, kernel, geometry)
    dw = np.matmul(_grad_matrix(g, groups), cols.transpose(0, 2, 1))          # (G, O/G, kh·kw·C/G)
    return np.ascontiguousarray(dw.reshape((o,) + tuple(kernel) + (-1,)).transpose(0, 3, 1, 2))
