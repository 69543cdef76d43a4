"""2-D convolution, built on unfold (im2col).

unfold cuts every kh x kw window out of the zero-padded input. The windows are a strided *view* of the
input (NumPy's ``as_strided``, in ``windows``): element ``[i, j, n, c, y, x]`` of the view is
``xp[n, c, y*sh + i*dh, x*sw + j*dw]``, so no pixel is copied until the view is used. With the windows
laid out as a matrix ``cols`` (one row per kernel element k = (i, j, c), one column per output position
p = (y, x, n)), convolution is ONE matrix product:

    out[o, p] = Σ_k W[o, k] · cols[k, p] + b[o]

fold (col2im, ``fold_windows``) is unfold's adjoint: it adds every window back where it came from
(overlapping windows add up). It loops over the kh·kw kernel offsets only, each adding one strided slice.

The VJPs are the two other products of the same three matrices:

    d cols = Wᵀ · g   (then folded back into an image: dx)      dW = g · colsᵀ      db = Σ_p g

They run in ``ConvolutionBackward``, itself an Op whose VJP is made of convolutions again, so
``create_graph=True`` gives second (and higher) derivatives, as in torch. With ``groups``, the channels
split into independent groups: one matrix product per group (a batched ``np.matmul``).
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..._args import invalid_combination
from ...autograd.function import Op
from ...tensor import Tensor, _make


# -- the two primitives on arrays ----------------------------------------------------------------------
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


# -- convolution on arrays -----------------------------------------------------------------------------
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


def _conv_forward(x, w, b, geometry):
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


def _conv_input_grad(g, w, input_size, geometry):
    """dx = fold(Wᵀ · g), cropped back to the unpadded input (batch last for any image size: fold adds
    long runs there, and a single product beats one per image)."""
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


def _conv_weight_grad(g, x, kernel, geometry):
    """dW = g · colsᵀ, one product per group (and, per image, summed over the images)."""
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


# -- the Ops -------------------------------------------------------------------------------------------
class Convolution(Op):
    """out = W ⋆ x + b  (cross-correlation: out[n,o,y,x] = b[o] + Σ_{c,i,j} W[o,c,i,j]·xp[n,c,y·s+i·d, x·s+j·d]).
    VJP: dx = fold(Wᵀ·g),  dW = g·colsᵀ,  db = Σ_{n,y,x} g  (computed by ConvolutionBackward)."""
    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, b, geometry):
        ctx.save_for_backward(x, w)
        ctx.geometry = geometry
        return _conv_forward(x, w, b, geometry)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        return ConvolutionBackward.apply(g, x, w, ctx.geometry, ctx.needs_input_grad)


class ConvolutionBackward(Op):
    """(dx, dW, db) = the VJP of Convolution for upstream g; each is linear in g and in x or W, so its own
    VJP is made of convolutions:  for upstream (hx, hW, hb):
    dg = conv(hx, W) + conv(x, hW) + hb,   dx = (dx of conv(x, hW) for g),   dW = (dW of conv(hx, W) for g)."""
    node_name = "ConvolutionBackwardBackward0"

    @staticmethod
    def forward(ctx, g, x, w, geometry, output_mask):
        ctx.save_for_backward(g, x, w)
        ctx.geometry = geometry
        want_x, want_w, want_b = output_mask
        dx = _conv_input_grad(g, w, x.shape[2:], geometry) if want_x else None
        dw = _conv_weight_grad(g, x, w.shape[2:], geometry) if want_w else None
        db = g.sum(axis=(0, 2, 3)) if want_b else None
        return dx, dw, db

    @staticmethod
    def backward(ctx, hx, hw, hb):
        g, x, w = ctx.saved_tensors
        geometry = ctx.geometry
        need_g, need_x, need_w = ctx.needs_input_grad
        dg = dx = dw = None
        if need_g:
            no_bias = _no_bias(g)
            terms = [Convolution.apply(hx, w, no_bias, geometry) if hx is not None else None,
                     Convolution.apply(x, hw, no_bias, geometry) if hw is not None else None,
                     hb.reshape(1, -1, 1, 1).expand(g.shape) if hb is not None else None]
            for t in terms:
                if t is not None:
                    dg = t if dg is None else dg + t
        if need_x and hw is not None:
            dx = ConvolutionBackward.apply(g, x, hw, geometry, (True, False, False))[0]
        if need_w and hx is not None:
            dw = ConvolutionBackward.apply(g, hx, w, geometry, (False, True, False))[1]
        return dg, dx, dw


def _no_bias(like):
    """A missing bias, as an empty constant tensor: the node still gets torch's (None, 0) bias edge."""
    return _make(np.zeros(0, like._data.dtype))


# -- argument checking ---------------------------------------------------------------------------------
def _pair(value, name):
    """An int or a 1- or 2-sequence as a pair, with torch's error otherwise."""
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) == 1:
        pair = pair * 2
    if len(pair) != 2:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of 2 values to match the "
                           f"convolution dimensions, but got {name}={list(pair)}")
    return tuple(int(v) for v in pair)


def _padding4(padding, kernel, stride, dilation):
    """``padding`` (int, pair, 'same' or 'valid') as (top, bottom, left, right)."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0, 0, 0)
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if stride != (1, 1):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        # the total padding d·(k-1) split as evenly as possible, the extra row/column at the bottom/right
        total = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return (total[0] // 2, total[0] - total[0] // 2, total[1] // 2, total[1] - total[1] // 2)
    ph, pw = _pair(padding, "padding")
    return (ph, ph, pw, pw)


def _check_conv(x, w, b, stride, padding, dilation, groups):
    if w.ndim != 4:
        raise RuntimeError(f"expected stride to be a single integer value or a list of {w.ndim - 2} values to "
                           f"match the convolution dimensions, but got stride={list(stride)}")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if w.shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got "
                           f"weight of size {list(w.shape)} instead")
    if w.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                           f"but got weight of size [{list(w.shape)}] instead")
    if x.shape[1] != w.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(w.shape)}, expected input{list(x.shape)} "
                           f"to have {w.shape[1] * groups} channels, but got {x.shape[1]} channels instead")
    padded = [x.shape[2] + padding[0] + padding[1], x.shape[3] + padding[2] + padding[3]]
    reach = [d * (k - 1) + 1 for k, d in zip(w.shape[2:], dilation)]
    if padded[0] < reach[0] or padded[1] < reach[1]:
        raise RuntimeError(f"Calculated padded input size per channel: ({padded[0]} x {padded[1]}). Kernel size: "
                           f"({reach[0]} x {reach[1]}). Kernel size can't be greater than actual input size")
    if x.dtype != w.dtype:
        raise RuntimeError(f"expected scalar type {x.dtype.scalar_name} but found {w.dtype.scalar_name}")
    if b is not None:
        if b.dtype != x.dtype:
            raise RuntimeError(f"Input type ({x.dtype.scalar_name.lower()}) and bias type "
                               f"({b.dtype.scalar_name.lower()}) should be the same")
        if b.shape != (w.shape[0],):
            raise RuntimeError(f"Given weight of size {list(w.shape)}, expected bias to be 1-dimensional with "
                               f"{w.shape[0]} elements, but got bias of size {list(b.shape)} instead")


# -- public functions ----------------------------------------------------------------------------------
_CONV2D_SIGNATURES = (
    "(Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, tuple of ints padding = 0, "
    "tuple of ints dilation = 1, int groups = 1)",
    "(Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, str padding = \"valid\", "
    "tuple of ints dilation = 1, int groups = 1)")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution of ``input`` (N, C, H, W) or (C, H, W) with ``weight`` (O, C/groups, kh, kw).

    ``padding`` is an int, a pair, ``'valid'`` (none) or ``'same'`` (output as large as the input).
    """
    if not (isinstance(input, Tensor) and isinstance(weight, Tensor) and (bias is None or isinstance(bias, Tensor))):
        # a list or an ndarray given to nn.Conv2d: torch's parser has two signatures for conv2d
        raise invalid_combination("conv2d", (input, weight, bias, stride, padding, dilation, groups),
                                  _CONV2D_SIGNATURES)
    if input.dim() not in (3, 4):
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
                           f"{list(input.shape)}")
    if input.dim() == 3:  # torch convolves an unbatched image as a batch of one
        return conv2d(input.unsqueeze(0), weight, bias, stride, padding, dilation, groups).squeeze(0)
    stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    padding = _padding4(padding, tuple(weight.shape[2:]), stride, dilation)
    _check_conv(input, weight, bias, stride, padding, dilation, groups)
    geometry = (stride, padding, dilation, groups)
    return Convolution.apply(input, weight, _no_bias(input) if bias is None else bias, geometry)


# -- unfold / fold (torch.nn.functional.unfold and fold) ------------------------------------------------
class Im2Col(Op):
    """cols[n, (c,i,j), (y,x)] = xp[n, c, y·s + i·d, x·s + j·d].   VJP: dx = fold(g)  (col2im)."""
    node_name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx, x, kernel, dilation, padding, stride):
        ctx.args = x.shape[-2:], kernel, dilation, padding, stride
        xb = x if x.ndim == 4 else x[None]                                        # unbatched: a batch of one
        size = out_size(x.shape[-2:], kernel, stride, padding, dilation)
        view = windows(pad2d(xb, padding), kernel, stride, dilation, size)        # (kh, kw, N, C, Ho, Wo)
        # C·kh·kw spelled out, no -1: NumPy cannot infer a -1 beside a 0 (an empty batch, N = 0)
        cols = view.transpose(2, 3, 0, 1, 4, 5).reshape(xb.shape[0], xb.shape[1] * kernel[0] * kernel[1],
                                                          size[0] * size[1])
        return cols if x.ndim == 4 else cols[0]

    @staticmethod
    def backward(ctx, g):
        return Col2Im.apply(g, *ctx.args)


class Col2Im(Op):
    """out[n, c, y·s + i·d, x·s + j·d] += cols[n, (c,i,j), (y,x)], cropped to ``output_size``.
    VJP: dcols = unfold(g)  (im2col)."""
    node_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, cols, output_size, kernel, dilation, padding, stride):
        ctx.args = kernel, dilation, padding, stride
        (kh, kw), (ho, wo) = kernel, out_size(output_size, kernel, stride, padding, dilation)
        cb = cols if cols.ndim == 3 else cols[None]
        channels = cb.shape[1] // (kh * kw)  # not -1: NumPy cannot infer it beside a 0 (an empty batch)
        view = cb.reshape(cb.shape[0], channels, kh, kw, ho, wo).transpose(2, 3, 0, 1, 4, 5)
        images = fold_windows(view, view.shape[2:4] + padded_size(output_size, padding), stride, dilation)
        images = np.ascontiguousarray(crop2d(images, padding))
        return images if cols.ndim == 3 else images[0]

    @staticmethod
    def backward(ctx, g):
        return Im2Col.apply(g, *ctx.args)


def _fold_pair(value, name):
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2:
        raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(pair)}")
    return tuple(int(v) for v in pair)


def _fold_args(kernel_size, dilation, padding, stride):
    kernel, dilation = _fold_pair(kernel_size, "kernel_size"), _fold_pair(dilation, "dilation")
    padding, stride = _fold_pair(padding, "padding"), _fold_pair(stride, "stride")
    if min(kernel) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {kernel[0]} "
                           f"kernel_width: {kernel[1]}")
    if min(stride) <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {stride[0]} "
                           f"stride_width: {stride[1]}")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: {dilation[0]} "
                           f"dilation_width: {dilation[1]}")
    if min(padding) < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {padding[0]} "
                           f"pad_width: {padding[1]}")
    return kernel, dilation, (padding[0], padding[0], padding[1], padding[1]), stride


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Every sliding window of ``input`` (N, C, H, W) as a column: (N, C·kh·kw, L), L = number of windows."""
    if input.dim() < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(input.dim(), 1)}, "
                         f"{max(input.dim(), 1) - 1}], but got {input.dim()})")
    if input.dim() > 4 or 0 in input.shape[input.dim() - 3:]:  # only the batch (of a 4-d input) may be empty
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    kernel, dilation, padding, stride = _fold_args(kernel_size, dilation, padding, stride)
    size = out_size(input.shape[-2:], kernel, stride, padding, dilation)
    if min(size) < 1:
        raise RuntimeError(f"Given input with spatial size {tuple(input.shape[-2:])}, kernel_size={kernel}, "
                           f"dilation={dilation}, padding={padding[::2]}, calculated shape of the array of "
                           f"sliding blocks as {size}, but its components must be at least one.")
    return Im2Col.apply(input, kernel, dilation, padding, stride)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The adjoint of ``unfold``: sum columns (N, C·kh·kw, L) back into images (N, C, *output_size)."""
    if input.dim() not in (2, 3) or 0 in input.shape[input.dim() - 2:]:  # only the batch may be empty
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and "
                           f"non-zero dimensions for input, but got: {list(input.shape)}")
    output_size = _fold_pair(output_size, "output_size")
    kernel, dilation, padding, stride = _fold_args(kernel_size, dilation, padding, stride)
    if input.shape[-2] % (kernel[0] * kernel[1]):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
                           f"but got input.size(1)={input.shape[-2]} and kernel_size={kernel}.")
    size = out_size(output_size, kernel, stride, padding, dilation)
    if input.shape[-1] != size[0] * size[1]:
        raise RuntimeError(f"Given output_size={output_size}, kernel_size={kernel}, dilation={dilation}, "
                           f"padding={padding[::2]}, stride={stride}, expected size of input's dimension 2 to "
                           f"match the calculated number of sliding blocks {size[0]} * {size[1]} = "
                           f"{size[0] * size[1]}, but got input.size(2)={input.shape[-1]}.")
    return Col2Im.apply(input, output_size, kernel, dilation, padding, stride)
