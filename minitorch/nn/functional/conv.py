"""Convolution in any number of spatial dims (conv1d, conv2d, conv3d), and its adjoint, the transposed
convolution (conv_transpose1d/2d/3d), built on unfold (im2col).

unfold cuts every window of the kernel's size out of the zero-padded input. The windows are a strided
*view* of the input (NumPy's ``as_strided``, in ``windows``): in 2-d, element ``[i, j, n, c, y, x]`` of the
view is ``xp[n, c, y*sh + i*dh, x*sw + j*dw]``, so no pixel is copied until the view is used; 1-d and 3-d
are the same with one or three kernel offsets. With the windows laid out as a matrix ``cols`` (one row per
kernel element k = (c, *offsets), one column per output position p), convolution is ONE matrix product:

    out[o, p] = Σ_k W[o, k] · cols[k, p] + b[o]

fold (col2im, ``fold_windows``) is unfold's adjoint: it adds every window back where it came from
(overlapping windows add up). It loops over the kernel offsets only, each adding one strided slice.

The VJPs are the two other products of the same three matrices:

    d cols = Wᵀ · g   (then folded back into an image: dx)      dW = g · colsᵀ      db = Σ_p g

They run in ``ConvolutionBackward``, itself an Op whose VJP is made of convolutions again, so
``create_graph=True`` gives second (and higher) derivatives, as in torch. With ``groups``, the channels
split into independent groups: one matrix product per group (a batched ``np.matmul``).

The transposed convolution is the ADJOINT of the convolution in its input: its forward is the
convolution's input-gradient ``fold(Wᵀ · x)`` (each input pixel spreads a copy of the kernel into the
larger output: an "up-convolution"), and its VJPs are the convolution itself (dx = conv(g, W)) and the
convolution's weight-gradient with the roles of input and upstream gradient swapped (dW = x · unfold(g)ᵀ).
One Op serves both: ``Convolution`` with ``output_padding`` None is a convolution, with a tuple a
transposed one, as torch's ``convolution(..., transposed, output_padding, ...)``.

The products themselves are in minitorch/kernels/conv.py: ``conv_plain`` there is this maths in a few
lines, on the (N, C, *S) layout as it comes, for any number of spatial dims; the Ops call ``conv_fast``,
which runs 2-d images on the fast 2-d kernels and 1-d signals and 3-d volumes on the plain ones. The fast 2-d kernels use one of two layouts chosen by the output image's size (see
the note above ``conv2d_fast``):

* batch last, for small images: the images as (C, H, W, N) and ONE matrix product for the whole batch, its
  columns the output positions (y, x, n);
* per image, for large images: one product per image on the (N, C, H, W) input as it is, a few images at a
  time so that their columns stay in the CPU cache.
"""
import numpy as np

from ..._args import invalid_combination, tensor_arg
from ...ops.op import Op
from ...kernels.conv import (conv_fast, conv_input_grad_fast, conv_weight_grad_fast, crop_nd, fold_windows,
                             out_size, pad_nd, padded_size, windows)
from ...tensor import Tensor, _make


# -- the Ops -------------------------------------------------------------------------------------------
class Convolution(Op):
    """Convolution (``output_padding`` None): out = W ⋆ x + b, a cross-correlation, in 2-d
    out[n,o,y,x] = b[o] + Σ_{c,i,j} W[o,c,i,j]·xp[n,c,y·s+i·d, x·s+j·d].
    VJP: dx = fold(Wᵀ·g),  dW = g·colsᵀ,  db = Σ_{n,y,x} g.

    Transposed convolution (``output_padding`` a tuple): out = fold(Wᵀ·x) + b, the convolution's dx with
    x in the place of g (cropped by ``padding``, ``output_padding`` extra rows at the end).
    VJP: dx = conv(g, W),  dW = x·unfold(g)ᵀ,  db = Σ g.   Both computed by ConvolutionBackward.
    JVP (both kinds): bilinear in (x, W) and linear in b, so dz = conv(dx, W) + conv(x, dW) + db."""
    node_name = "ConvolutionBackward0"

    @staticmethod
    def jvp(ctx, z, t, x, w, b, geometry, output_padding):
        no_bias = _no_bias(x)
        given_x, given_w = ctx.tangent_given[:2]
        bias = t[2] if b.numel() else no_bias
        if not given_w:  # (a direction in the input alone, as when differentiating a net in its input)
            return Convolution.apply(t[0], w, bias, geometry, output_padding)
        dz = Convolution.apply(x, t[1], bias, geometry, output_padding)
        return Convolution.apply(t[0], w, no_bias, geometry, output_padding) + dz if given_x else dz

    @staticmethod
    def forward(ctx, x, w, b, geometry, output_padding):
        ctx.save_for_backward(x, w)
        ctx.geometry, ctx.output_padding = geometry, output_padding
        if output_padding is None:
            return conv_fast(x, w, b, geometry)  # kernels/conv.py
        size = transposed_size(x.shape[2:], w.shape[2:], geometry, output_padding)
        out = conv_input_grad_fast(x, w, size, geometry)
        if b.size:
            out += b.reshape((-1,) + (1,) * len(size))
        return out

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        return ConvolutionBackward.apply(g, x, w, ctx.geometry, ctx.output_padding, ctx.needs_input_grad)


class ConvolutionBackward(Op):
    """(dx, dW, db) = the VJP of Convolution for upstream g; each is linear in g and in x or W, so its own
    VJP is made of convolutions of the same kind (conv, or transposed conv: conv⋆ below):
    for upstream (hx, hW, hb):  dg = conv⋆(hx, W) + conv⋆(x, hW) + hb,
    dx = (dx of conv⋆(x, hW) for g),   dW = (dW of conv⋆(hx, W) for g)."""
    node_name = "ConvolutionBackwardBackward0"

    @staticmethod
    def forward(ctx, g, x, w, geometry, output_padding, output_mask):
        ctx.save_for_backward(g, x, w)
        ctx.geometry, ctx.output_padding = geometry, output_padding
        want_x, want_w, want_b = output_mask
        dx = dw = None
        if output_padding is None:  # a convolution: its two gradients
            if want_x:
                dx = conv_input_grad_fast(g, w, x.shape[2:], geometry)
            if want_w:
                dw = conv_weight_grad_fast(g, x, w.shape[2:], geometry)
        else:  # a transposed convolution, the adjoint: the convolution, and the weight-gradient with x, g swapped
            # (an output_padding of at least the stride, which a larger dilation allows, adds output rows that
            # no input reaches: the convolution of g is then longer than x, and is cut to x's size)
            natural = out_size(g.shape[2:], w.shape[2:], *geometry[:3])
            if want_x:
                dx = _fit(conv_fast(g, w, np.zeros(0, g.dtype), geometry), x.shape[2:])
            if want_w:
                dw = conv_weight_grad_fast(_fit(x, natural), g, w.shape[2:], geometry)
        db = g.sum(axis=(0,) + tuple(range(2, g.ndim))) if want_b else None
        return dx, dw, db

    @staticmethod
    def backward(ctx, hx, hw, hb):
        g, x, w = ctx.saved_tensors
        geometry, output_padding = ctx.geometry, ctx.output_padding
        need_g, need_x, need_w = ctx.needs_input_grad
        dg = dx = dw = None
        if need_g:
            no_bias = _no_bias(g)
            terms = [Convolution.apply(hx, w, no_bias, geometry, output_padding) if hx is not None else None,
                     Convolution.apply(x, hw, no_bias, geometry, output_padding) if hw is not None else None,
                     hb.reshape((1, -1) + (1,) * (g.dim() - 2)).expand(g.shape) if hb is not None else None]
            for t in terms:
                if t is not None:
                    dg = t if dg is None else dg + t
        if need_x and hw is not None:
            dx = ConvolutionBackward.apply(g, x, hw, geometry, output_padding, (True, False, False))[0]
        if need_w and hx is not None:
            dw = ConvolutionBackward.apply(g, hx, w, geometry, output_padding, (False, True, False))[1]
        return dg, dx, dw


def _no_bias(like):
    """A missing bias, as an empty constant tensor: the node still gets torch's (None, 0) bias edge."""
    return _make(np.zeros(0, like._data.dtype))


def _fit(a, size):
    """``a`` (N, C, *S) cut or zero-padded at the end of each spatial dim to ``size``."""
    if a.shape[2:] == tuple(size):
        return a
    a = a[(slice(None), slice(None)) + tuple(slice(0, s) for s in size)]
    return pad_nd(a, [p for have, s in zip(a.shape[2:], size) for p in (0, s - have)])


def transposed_size(size, kernel, geometry, output_padding):
    """The output size of a transposed convolution: the input size of the convolution it is the adjoint
    of, (L - 1)·s - pads + d·(k - 1) + 1, plus ``output_padding`` (the rows a strided convolution skips)."""
    stride, padding, dilation, _ = geometry
    return tuple((n - 1) * s - p0 - p1 + d * (k - 1) + 1 + op for n, k, s, p0, p1, d, op
                 in zip(size, kernel, stride, padding[::2], padding[1::2], dilation, output_padding))


# -- argument checking: torch's checks, in torch's order ------------------------------------------------
def _ints(value, dims):
    """An int as ``dims`` copies (torch's parser does that for a ``tuple of ints`` of that size); a sequence
    as it is, whatever its length (torch checks that against the weight, in ``_expand``)."""
    return (int(value),) * dims if isinstance(value, int) else tuple(int(v) for v in value)


def _expand(values, name, dims):
    """One value per spatial dim of the weight: a single value repeated, any other count an error."""
    if len(values) == 1:
        return values * dims
    if len(values) != dims:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {dims} values to match the "
                           f"convolution dimensions, but got {name}={list(values)}")
    return values


def _check_same(x, w, stride, dilation):
    """padding='same': torch's own checks (another path than numeric padding's)."""
    dims = w.ndim - 2
    if w.ndim != x.ndim:
        raise RuntimeError(f"Expected {w.ndim}-dimensional input for {w.ndim}-dimensional weight{list(w.shape)}, "
                           f"but got {x.ndim}-dimensional input of size {list(x.shape)} instead")
    for name, values in (("stride", stride), ("dilation", dilation)):
        if len(values) not in (1, dims):
            raise RuntimeError(f"{name} cannot broadcast to {dims} dimensions")
    if any(s != 1 for s in stride):
        raise RuntimeError("padding='same' is not supported for strided convolutions")


def _geometry(x, w, b, stride, padding, dilation, groups, output_padding=None):
    """Check the arguments as torch does and return the geometry (stride, padding as (before, after) per
    spatial dim, dilation, groups). ``padding`` is a tuple of ints or 'same'; ``output_padding`` is None
    for a convolution, a tuple of ints for a transposed convolution."""
    if w.ndim < 3:
        raise RuntimeError("weight should have at least three dimensions")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    dims, transposed = w.ndim - 2, output_padding is not None
    if padding == "same":
        _check_same(x, w, stride, dilation)
    stride, dilation = _expand(stride, "stride", dims), _expand(dilation, "dilation", dims)
    if padding == "same":  # the total padding d·(k-1) split as evenly as possible, the extra one at the end
        totals = [d * (k - 1) for k, d in zip(w.shape[2:], dilation)]
        pads = tuple(p for t in totals for p in (t // 2, t - t // 2))
    else:
        pads = tuple(p for p in _expand(padding, "padding", dims) for _ in range(2))
    if transposed:
        output_padding = _expand(output_padding, "output_padding", dims)
    if any(p < 0 for p in pads):
        raise RuntimeError("negative padding is not supported")
    if transposed and any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if w.ndim != x.ndim:
        raise RuntimeError(f"Expected {w.ndim}-dimensional input for {w.ndim}-dimensional weight {list(w.shape)}, "
                           f"but got {x.ndim}-dimensional input of size {list(x.shape)} instead")
    if w.shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got "
                           f"weight of size {list(w.shape)} instead")
    if w.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                           f"but got weight of size [{list(w.shape)}] instead")
    if transposed:
        _check_transposed(x, w, b, groups)
    else:
        _check_convolution(x, w, b, pads, dilation, groups)
    if x.dtype != w.dtype:
        raise RuntimeError(f"expected scalar type {x.dtype.scalar_name} but found {w.dtype.scalar_name}")
    if b is not None and b.dtype != x.dtype:
        raise RuntimeError(f"Input type ({x.dtype.scalar_name.lower()}) and bias type "
                           f"({b.dtype.scalar_name.lower()}) should be the same")
    geometry = (stride, pads, dilation, groups)
    if transposed:
        _check_output_padding(x, w, geometry, output_padding)
        return geometry, output_padding
    return geometry


def _check_convolution(x, w, b, pads, dilation, groups):
    if x.shape[1] != w.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(w.shape)}, expected input{list(x.shape)} "
                           f"to have {w.shape[1] * groups} channels, but got {x.shape[1]} channels instead")
    if b is not None and b.shape != (w.shape[0],):
        raise RuntimeError(f"Given weight of size {list(w.shape)}, expected bias to be 1-dimensional with "
                           f"{w.shape[0]} elements, but got bias of size {list(b.shape)} instead")
    padded = padded_size(x.shape[2:], pads)
    reach = [d * (k - 1) + 1 for k, d in zip(w.shape[2:], dilation)]
    if any(p < r for p, r in zip(padded, reach)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
                           f"size: ({' x '.join(map(str, reach))}). Kernel size can't be greater than actual input "
                           f"size")


def _check_transposed(x, w, b, groups):
    if x.shape[1] != w.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {list(w.shape)}, expected input{list(x.shape)} to "
                           f"have {w.shape[0]} channels, but got {x.shape[1]} channels instead")
    if b is not None and b.shape != (w.shape[1] * groups,):
        raise RuntimeError(f"Given transposed=1, weight of size {list(w.shape)}, expected bias to be 1-dimensional "
                           f"with {w.shape[1] * groups} elements, but got bias of size {list(b.shape)} instead")


def _check_output_padding(x, w, geometry, output_padding):
    """What torch's transposed-convolution kernels check, with their words: a 1-d convolution runs there as
    2-d images one pixel high, so its messages name a height of 1 too."""
    stride, _, dilation, _ = geometry
    shape = list(x.shape)
    if len(stride) == 1:
        shape.insert(2, 1)
        output_padding, stride, dilation = (0,) + output_padding, (1,) + stride, (1,) + dilation
    if 0 in x.shape[2:]:
        raise RuntimeError(f"Only zero batch or zero channel inputs are supported, but got input shape: {shape}")
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        names = ("depth", "height", "width")[-len(stride):]
        words = [f"{what}_{name}: {v}" for what, values in
                 (("output_padding", output_padding), ("stride", stride), ("dilation", dilation))
                 for name, v in zip(names, values)]
        raise RuntimeError(f"output padding must be smaller than either stride or dilation, but got {' '.join(words)}")
    size = transposed_size(x.shape[2:], w.shape[2:], geometry, output_padding[-len(geometry[0]):])
    if min(size) < 0:
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, x.shape[2:]))}). Calculated output "
                           f"size per channel: ({' x '.join(map(str, size))}). Output size is too small")


# -- public functions ----------------------------------------------------------------------------------
_CONV_SIGNATURES = (
    "(Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, tuple of ints padding = 0, "
    "tuple of ints dilation = 1, int groups = 1)",
    "(Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, str padding = \"valid\", "
    "tuple of ints dilation = 1, int groups = 1)")


def _batched(name, dims, input):
    """The input with a batch dim, and whether it had none (torch convolves an unbatched input as a batch
    of one, and squeezes the result)."""
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {name}, but got "
                           f"input of size: {list(input.shape)}")
    return (input.unsqueeze(0), True) if input.dim() == dims + 1 else (input, False)


def _convolution(name, dims, input, weight, bias, stride, padding, dilation, groups):
    """conv1d, conv2d and conv3d: the same function for ``dims`` spatial dims."""
    if not (isinstance(input, Tensor) and isinstance(weight, Tensor) and (bias is None or isinstance(bias, Tensor))):
        # a list or an ndarray given to nn.Conv2d: torch's parser has two signatures for the convolutions
        raise invalid_combination(name, (input, weight, bias, stride, padding, dilation, groups), _CONV_SIGNATURES)
    x, unbatched = _batched(name, dims, input)
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        padding = 0 if padding == "valid" else padding
    if padding != "same":
        padding = _ints(padding, dims)
    geometry = _geometry(x, weight, bias, _ints(stride, dims), padding, _ints(dilation, dims), groups)
    out = Convolution.apply(x, weight, _no_bias(x) if bias is None else bias, geometry, None)
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d convolution of ``input`` (N, C, L) or (C, L) with ``weight`` (O, C/groups, k).

    ``padding`` is an int, a 1-tuple, ``'valid'`` (none) or ``'same'`` (output as long as the input)."""
    return _convolution("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution of ``input`` (N, C, H, W) or (C, H, W) with ``weight`` (O, C/groups, kh, kw).

    ``padding`` is an int, a pair, ``'valid'`` (none) or ``'same'`` (output as large as the input).
    """
    return _convolution("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution of ``input`` (N, C, D, H, W) or (C, D, H, W) with ``weight`` (O, C/groups, kd, kh, kw).

    ``padding`` is an int, a triple, ``'valid'`` (none) or ``'same'`` (output as large as the input)."""
    return _convolution("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def _transposed(name, dims, input, weight, bias, stride, padding, output_padding, groups, dilation):
    """conv_transpose1d, 2d and 3d: the same function for ``dims`` spatial dims."""
    tensor_arg(input, name)
    tensor_arg(weight, name, "weight", 2)
    if bias is not None:
        tensor_arg(bias, name, "bias", 3)
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    x, unbatched = _batched(name, dims, input)
    geometry, output_padding = _geometry(x, weight, bias, _ints(stride, dims), _ints(padding, dims),
                                         _ints(dilation, dims), groups, _ints(output_padding, dims))
    out = Convolution.apply(x, weight, _no_bias(x) if bias is None else bias, geometry, output_padding)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The adjoint of conv1d in its input: ``input`` (N, C, L) or (C, L), ``weight`` (C, O/groups, k);
    the output is as long as the input of the conv1d it is the adjoint of, plus ``output_padding``."""
    return _transposed("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The adjoint of conv2d in its input: ``input`` (N, C, H, W) or (C, H, W), ``weight``
    (C, O/groups, kh, kw); the output is as large as the input of the conv2d it is the adjoint of, plus
    ``output_padding``."""
    return _transposed("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The adjoint of conv3d in its input: ``input`` (N, C, D, H, W) or (C, D, H, W), ``weight``
    (C, O/groups, kd, kh, kw); the output is as large as the input of the conv3d it is the adjoint of, plus
    ``output_padding``."""
    return _transposed("conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding, groups, dilation)


# -- unfold / fold (torch.nn.functional.unfold and fold) ------------------------------------------------
class Im2Col(Op):
    """cols[n, (c,i,j), (y,x)] = xp[n, c, y·s + i·d, x·s + j·d].   VJP: dx = fold(g)  (col2im)."""
    node_name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx, x, kernel, dilation, padding, stride):
        ctx.args = x.shape[-2:], kernel, dilation, padding, stride
        xb = x if x.ndim == 4 else x[None]                                        # unbatched: a batch of one
        size = out_size(x.shape[-2:], kernel, stride, padding, dilation)
        view = windows(pad_nd(xb, padding), kernel, stride, dilation, size)        # (kh, kw, N, C, Ho, Wo)
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
        images = np.ascontiguousarray(crop_nd(images, padding))
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
