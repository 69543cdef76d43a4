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

The products themselves are in minitorch/kernels/conv.py: ``conv2d_plain`` there is this maths in a few
lines, on the (N, C, H, W) layout as it comes; the Ops call ``conv2d_fast``, the same products in one of two
layouts chosen by the output image's size (see the note above ``conv2d_fast``):

* batch last, for small images: the images as (C, H, W, N) and ONE matrix product for the whole batch, its
  columns the output positions (y, x, n);
* per image, for large images: one product per image on the (N, C, H, W) input as it is, a few images at a
  time so that their columns stay in the CPU cache.
"""
import numpy as np

from ..._args import invalid_combination
from ...ops.op import Op
from ...kernels.conv import (conv2d_fast, conv2d_input_grad_fast, conv2d_weight_grad_fast, crop2d, fold_windows,
                             out_size, pad2d, padded_size, windows)
from ...tensor import Tensor, _make


# -- the Ops -------------------------------------------------------------------------------------------
class Convolution(Op):
    """out = W ⋆ x + b  (cross-correlation: out[n,o,y,x] = b[o] + Σ_{c,i,j} W[o,c,i,j]·xp[n,c,y·s+i·d, x·s+j·d]).
    VJP: dx = fold(Wᵀ·g),  dW = g·colsᵀ,  db = Σ_{n,y,x} g  (computed by ConvolutionBackward)."""
    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, b, geometry):
        ctx.save_for_backward(x, w)
        ctx.geometry = geometry
        return conv2d_fast(x, w, b, geometry)  # kernels/conv.py

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
        dx = conv2d_input_grad_fast(g, w, x.shape[2:], geometry) if want_x else None
        dw = conv2d_weight_grad_fast(g, x, w.shape[2:], geometry) if want_w else None
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
