"""Pooling over sliding windows, in 1, 2 or 3 spatial dims with one implementation: the max or the average of
every window, and the Lp norm built on the average (as torch builds it).

The windows are the strided view of kernels/pool.py (``windows``: no copy), with the kernel offsets in front
(one axis per spatial dim), so a pool is a reduction over those axes. Going back is ``fold_windows``
(average pooling) or a scatter to the recorded argmax positions (max pooling). Each backward is an Op whose
own VJP is the forward reduction again, so second derivatives work. The ops are written once for d dims; the
2-d and 3-d classes below only carry torch's node names. The 1-d functions are torch's compositions: the
2-d pool of the input unsqueezed to height 1, squeezed back (the graph shows ``SqueezeBackward1`` above the
2-d node, as torch's). Adaptive and fractional pooling are in pooling_adaptive.py, max_unpool in
unpooling.py.
"""
import functools

import numpy as np

from ...ops.op import Op
from ...kernels.pool import crop, fold_windows, max_pool_fast, pad, scatter_add_fast, window_sum_fast, windows
from .activation import relu


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


def _geometry(spatial, kernel, stride, padding, dilation, ceil_mode):
    """Output size and the (before, after) padding per dim that fits all windows."""
    size = tuple(_pool_size(n, k, s, p, d, ceil_mode)
                 for n, k, s, p, d in zip(spatial, kernel, stride, padding, dilation))
    pads = tuple(_padding(n, o, k, s, p, d)
                 for n, o, k, s, p, d in zip(spatial, size, kernel, stride, padding, dilation))
    return size, pads


def _batched(x, dims):
    """An unbatched (C, *spatial) input as a batch of one; pooling works on (N, C, *spatial)."""
    return x[None] if x.ndim == dims + 1 else x


def plane_strides(spatial):
    """How far one step along each spatial dim moves a flat index into the plane: (H·W, W, 1) for (D, H, W)."""
    return tuple(int(np.prod(spatial[i + 1:])) for i in range(len(spatial)))


# -- max pooling ---------------------------------------------------------------------------------------
class ScatterToIndices(Op):
    """dx = g scattered into zeros of the input's ``shape`` at ``indices``, flat positions in each plane of
    the last ``dims`` axes (the gradients of windows whose max sits at the same position add up).
    VJP: dg = h gathered at ``indices`` (the forward's selection, applied to h).   JVP: linear in g."""
    linear = True

    @staticmethod
    def forward(ctx, g, indices, shape, dims, overlap=True):
        ctx.indices, ctx.dims = indices, dims
        planes, plane = int(np.prod(shape[:-dims])), int(np.prod(shape[-dims:]))
        # (sizes spelled out, no -1: NumPy cannot infer a -1 beside a 0, an empty batch)
        flat = indices.reshape(planes, int(np.prod(indices.shape[-dims:])))
        where = (flat + np.arange(planes)[:, None] * plane).ravel()
        return scatter_add_fast(where, g.ravel(), planes * plane, overlap).reshape(shape)

    @staticmethod
    def backward(ctx, h):
        return GatherPlanes.apply(h, ctx.indices, ctx.dims, type(ctx)._function)


class GatherPlanes(Op):
    """z = h at ``indices`` in each plane of the last ``dims`` axes.   VJP: dh = g scattered back to
    ``indices`` (by ``scatter``, the op this gather is the VJP of).   JVP: linear in h."""
    node_name = "GatherBackward0"
    linear = True

    @staticmethod
    def forward(ctx, h, indices, dims, scatter):
        ctx.args = indices, h.shape, dims, scatter
        planes = h.reshape(h.shape[:-dims] + (int(np.prod(h.shape[-dims:])),))
        flat = indices.reshape(indices.shape[:-dims] + (int(np.prod(indices.shape[-dims:])),))
        return np.take_along_axis(planes, flat, axis=-1).reshape(indices.shape)

    @staticmethod
    def backward(ctx, g):
        indices, shape, dims, scatter = ctx.args
        return scatter.apply(g, indices, shape, dims)


@functools.lru_cache(maxsize=64)  # the same few geometries, call after call: a training loop's pools
def window_indices(spatial, size, kernel, stride, padding, dilation):
    """(start, offsets): the flat index in the unpadded plane where each window starts (shape ``size``), and
    each kernel element's offset from there (in scan order): element k of window o is at start[o] + offsets[k].
    (Read-only: the cache hands the same arrays to every call.)"""
    strides, d = plane_strides(spatial), len(spatial)
    start = sum(((np.arange(o) * s - p) * f).reshape((-1,) + (1,) * (d - 1 - i))
                for i, (o, s, p, f) in enumerate(zip(size, stride, padding, strides)))
    offsets = np.array([sum(k * dl * f for k, dl, f in zip(element, dilation, strides))
                        for element in np.ndindex(*kernel)])
    start.flags.writeable = offsets.flags.writeable = False
    return start, offsets


class MaxPoolWithIndices(Op):
    """z[n, c, o] = max over the window at o;  indices = where in the input plane that max was.
    VJP: dx = g scattered to the argmax positions (added up where windows overlap).
    JVP: dz = dx read at the argmax positions (each max moves with the element it is)."""
    grad_op = None  # the dimension's ScatterToIndices (which carries torch's node name)

    @staticmethod
    def jvp(ctx, z, t, x, *options):  # (the adaptive and fractional max pools' too: their ctx.args alike)
        indices, _, dims, _ = ctx.args
        dz = GatherPlanes.apply(t[0], indices, dims, type(ctx)._function.grad_op)
        return (dz, None) if isinstance(z, tuple) else dz

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation, ceil_mode, return_indices):
        dims = len(kernel)
        xb = _batched(x, dims)
        size, pads = _geometry(xb.shape[-dims:], kernel, stride, padding, dilation, ceil_mode)
        low = -np.inf if xb.dtype.kind == "f" else np.iinfo(xb.dtype).min
        view = windows(pad(xb, pads, low), kernel, stride, dilation, size)   # (*kernel, N, C, *size)
        # the max of each window, and which kernel element it is (torch's pick on ties and NaN): kernels/pool.py
        out, which = max_pool_fast(view, dims)
        start, offsets = window_indices(tuple(x.shape[-dims:]), size, kernel, stride, padding, dilation)
        indices = start + offsets[which]
        if x.ndim == dims + 1:
            out, indices = out[0], indices[0]
        # windows that do not overlap send each gradient to a position of its own: backward can assign
        overlap = any(d * (k - 1) + 1 > s for k, s, d in zip(kernel, stride, dilation))
        ctx.args = indices, x.shape, dims, overlap
        return (out, indices) if return_indices else out

    @staticmethod
    def backward(ctx, g, _indices_grad=None):
        return type(ctx)._function.grad_op.apply(g, *ctx.args)


class MaxPool2DWithIndicesBackward(ScatterToIndices):
    node_name = "MaxPool2DWithIndicesBackwardBackward0"


class MaxPool3DWithIndicesBackward(ScatterToIndices):
    node_name = "MaxPool3DWithIndicesBackwardBackward0"


class MaxPool2DWithIndices(MaxPoolWithIndices):
    node_name = "MaxPool2DWithIndicesBackward0"
    grad_op = MaxPool2DWithIndicesBackward


class MaxPool3DWithIndices(MaxPoolWithIndices):
    node_name = "MaxPool3DWithIndicesBackward0"
    grad_op = MaxPool3DWithIndicesBackward


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
    """Σ of every window of x (zero padded by ``pads``), divided by ``divisor`` (the output's spatial shape)."""
    dims = len(kernel)
    view = windows(pad(_batched(x, dims), pads), kernel, stride, (1,) * dims, divisor.shape)
    sums = window_sum_fast(view, dims)  # kernels/pool.py
    # integer inputs: torch rounds the mean toward zero, as the cast does
    return (sums / divisor).astype(x.dtype, copy=False).reshape(x.shape[:-dims] + divisor.shape)


class LinearPool(Op):
    """A pooling linear in its input, z = A·x (the average pools): its VJP is the adjoint Aᵀ·g, an op of its own
    (``grad_op``, given this op and ``ctx.args``), whose VJP is A again (``LinearPoolAdjoint``).
    JVP: linear (dz = A·dx), as its adjoint's."""
    linear = True
    grad_op = None  # the dimension's adjoint op (which carries torch's node name)

    @staticmethod
    def backward(ctx, g):
        op = type(ctx)._function
        return op.grad_op.apply(g, op, *ctx.args)


class LinearPoolAdjoint(Op):
    """dx = Aᵀ·g, for a LinearPool ``pool``, which its forward keeps first in ``ctx.args`` with the arguments
    ``pool`` takes after its input.   VJP: dg = A·h, the ``pool`` again."""
    linear = True

    @staticmethod
    def backward(ctx, h):
        pool, *args = ctx.args
        return pool.apply(h, *args)


class AvgPool(LinearPool):
    """z[n, c, o] = (Σ window at o) / divisor[o].   VJP: dx = fold(g / divisor): spread over each window."""

    @staticmethod
    def forward(ctx, x, kernel, stride, pads, divisor):
        ctx.args = x.shape, kernel, stride, pads, divisor
        return _window_means(x, kernel, stride, pads, divisor)


class AvgPoolBackward(LinearPoolAdjoint):
    """dx = every window's g / divisor added back over the window (fold), cropped to the input.
    VJP: dg = the windowed means of h (the forward pooling ``pool`` applied to h)."""

    @staticmethod
    def forward(ctx, g, pool, shape, kernel, stride, pads, divisor):
        ctx.args = pool, kernel, stride, pads, divisor
        dims = len(kernel)
        gb = _batched(g / divisor, dims)
        cols = np.broadcast_to(gb, tuple(kernel) + gb.shape)  # each window gets its own g / divisor
        padded = tuple(n + b + a for n, (b, a) in zip(shape[-dims:], pads))
        dx = fold_windows(cols, gb.shape[:-dims] + padded, stride, (1,) * dims)
        return np.ascontiguousarray(crop(dx, pads)).reshape(shape)


class AvgPool2DBackward(AvgPoolBackward):
    node_name = "AvgPool2DBackwardBackward0"


class AvgPool3DBackward(AvgPoolBackward):
    node_name = "AvgPool3DBackwardBackward0"


class AvgPool2D(AvgPool):
    node_name = "AvgPool2DBackward0"
    grad_op = AvgPool2DBackward


class AvgPool3D(AvgPool):
    node_name = "AvgPool3DBackward0"
    grad_op = AvgPool3DBackward


# -- argument checking ---------------------------------------------------------------------------------
_WORDS = {2: "two", 3: "three"}


def _pool_tuple(value, dims, fn, name, default=None):
    """An int or a 1- or dims-sequence as a dims-tuple (``default`` when None or empty), with torch's error
    otherwise (whose wording differs between max_pool and avg_pool3d)."""
    if value is None or (not isinstance(value, int) and len(value) == 0 and default is not None):
        return default
    values = (value,) if isinstance(value, int) else tuple(value)
    if len(values) == 1:
        values = values * dims
    if len(values) != dims:
        either = "" if fn == "avg_pool3d" else "either "
        what = {"kernel_size": f"kernel_size must {either}be a single int, or a tuple of",
                "stride": f"stride must {either}be omitted, a single int, or a tuple of",
                "padding": f"padding must {either}be a single int, or a tuple of",
                "dilation": "dilation must be either a single int, or a tuple of"}[name]
        raise RuntimeError(f"{fn}: {what} {_WORDS[dims]} ints")
    return tuple(int(v) for v in values)


def _one_int(value, fn, name):
    """A 1-d pool's argument: an int or a sequence of one (torch's argument parser's error otherwise)."""
    if isinstance(value, int):
        return value
    if len(value) != 1:
        raise RuntimeError(f"{fn}() argument '{name}' should contain one int (got {len(value)})")
    return int(value[0])


def _check_pool(input, kernel, stride, padding, dilation, ceil_mode, fn):
    """torch's checks of a 2-d or 3-d max or average pool, in torch's order and words (``fn`` names it)."""
    dims = len(kernel)
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(f"non-empty {dims + 1}D or {dims + 2}D (batch mode) tensor expected for input")
    if 0 in input.shape[-dims - 1:]:
        if dims == 2:
            raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, "
                               f"but got:{list(input.shape)}")
        where = "max_pool3d_with_indices_out_cpu_template" if fn == "max_pool3d" else fn
        first = list(input.shape[-dims - 1:]).index(0)  # counted among the non-batch dims
        raise RuntimeError(f"{where}(): Expected input's non-batch dimensions to have positive length, but input "
                           f"has a shape of {list(input.shape)} and non-batch dimension {first} has length zero!")
    if 0 in stride:
        raise RuntimeError("stride should not be zero")
    for k, p, d in zip(kernel, padding, dilation):
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    letters = "HW" if dims == 2 else "THW"
    if min(kernel) <= 0:
        raise RuntimeError("kernel size should be greater than zero, but got "
                           + " ".join(f"k{c}: {k}" for c, k in zip(letters, kernel)))
    if min(dilation) <= 0:
        raise RuntimeError("dilation should be greater than zero, but got "
                           + " ".join(f"dilation{c}: {d}" for c, d in zip(letters, dilation)))
    if dims == 2 and (padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2):
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got padW = {padding[1]}, "
                           f"padH = {padding[0]}, kW = {kernel[1]}, kH = {kernel[0]}")
    spatial = input.shape[-dims:]
    if fn == "avg_pool3d" and any(n < k for n, k in zip(spatial, kernel)):
        raise RuntimeError(f"input image (T: {spatial[0]} H: {spatial[1]} W: {spatial[2]}) smaller than kernel size "
                           f"(kT: {kernel[0]} kH: {kernel[1]} kW: {kernel[2]})")
    size = [_pool_size(n, k, s, p, d, ceil_mode) for n, k, s, p, d in zip(spatial, kernel, stride, padding, dilation)]
    if min(size) < 1:
        c = input.shape[-dims - 1]
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, (c,) + tuple(spatial)))}). Calculated output size: "
                           f"({'x'.join(map(str, [c] + size))}). Output size is too small")


def refuse_dtype(input, kernel, floating_only=True):
    """torch's error for a dtype its pooling kernel ``kernel`` has no version of: anything but floating point
    (``floating_only``), or bool."""
    if input.dtype.is_floating_point if floating_only else input.dtype.scalar_name != "Bool":
        return
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype.scalar_name}'")


def _check_pool1d_dims(input, fn):
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for argument #1 "
                           f"'self' (while checking arguments for {fn})")


def _check_max_pool1d(input, kernel, stride, padding, dilation, ceil_mode):
    """torch's own checks of max_pool1d without indices (its own kernel, its own words)."""
    if input.dim() not in (2, 3) or 0 in input.shape[-2:]:
        raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{list(input.shape)}")
    for value, what in ((kernel, "kernel_size must be greater than zero"), (stride, "stride must be greater than zero"),
                        (padding + 1, "padding must be non-negative"), (dilation, "dilation must be greater than zero")):
        if value <= 0:
            raise RuntimeError(f"max_pool1d() {what}, but got {padding if what.startswith('padding') else value}")
    if padding > kernel // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got padding={padding} "
                           f"and kernel_size={kernel}")
    size = _pool_size(input.shape[-1], kernel, stride, padding, dilation, ceil_mode)
    if size < 1:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {size}")


# -- public functions ----------------------------------------------------------------------------------
def _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, op, fn):
    dims = 2 if op is MaxPool2DWithIndices else 3
    kernel = _pool_tuple(kernel_size, dims, fn, "kernel_size")
    stride = _pool_tuple(stride, dims, fn, "stride", default=kernel)
    padding = _pool_tuple(padding, dims, fn, "padding")
    dilation = _pool_tuple(dilation, dims, fn, "dilation")
    _check_pool(input, kernel, stride, padding, dilation, ceil_mode, fn)
    refuse_dtype(input, fn, floating_only=False)
    return op.apply(input, kernel, stride, padding, dilation, bool(ceil_mode), bool(return_indices))


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """The max of every window of ``input`` (N, C, L) or (C, L): torch's composition, the 2-d pool of the
    input as height-1 images. With ``return_indices``, also where each max is along L."""
    fn = "max_pool1d"
    if return_indices:
        _check_pool1d_dims(input, fn)
    kernel = _one_int(kernel_size, fn, "kernel_size") if return_indices else _pool1d_arg(kernel_size, "kernel_size")
    stride = kernel if stride is None or (not isinstance(stride, int) and len(stride) == 0) else \
        _one_int(stride, fn, "stride") if return_indices else _pool1d_arg(stride, "stride")
    padding = _one_int(padding, fn, "padding") if return_indices else _pool1d_arg(padding, "padding")
    dilation = _one_int(dilation, fn, "dilation") if return_indices else _pool1d_arg(dilation, "dilation")
    if not return_indices:
        _check_max_pool1d(input, kernel, stride, padding, dilation, ceil_mode)
        refuse_dtype(input, "max_pool1d_impl")
    out = max_pool2d(input.unsqueeze(-2), (1, kernel), (1, stride), (0, padding), (1, dilation), ceil_mode,
                     return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def _pool1d_arg(value, name):
    """max_pool1d's own check of an argument's length (torch words each one)."""
    if isinstance(value, int):
        return value
    if len(value) != 1:
        what = {"kernel_size": "kernel_size must be an int, list of ints or tuple of ints",
                "stride": "stride must be None, an int, list of ints, or tuple of ints",
                "padding": "padding must be an int, list of ints or tuple of ints",
                "dilation": "dilation must be an int, list of ints or tuple of ints"}[name]
        raise RuntimeError(f"max_pool1d() {what} of size 1 but got size {len(value)}")
    return int(value[0])


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """The max of every kh x kw window of ``input`` (N, C, H, W) or (C, H, W); padding counts as -inf.
    With ``return_indices``, also where each max is, as a flat index into its H·W input plane."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, MaxPool2DWithIndices,
                     "max_pool2d")


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """The max of every kt x kh x kw window of ``input`` (N, C, T, H, W) or (C, T, H, W); with
    ``return_indices``, also where each max is, as a flat index into its T·H·W input volume."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, MaxPool3DWithIndices,
                     "max_pool3d")


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, op, fn):
    dims = 2 if op is AvgPool2D else 3
    kernel = _pool_tuple(kernel_size, dims, fn, "kernel_size")
    stride = _pool_tuple(stride, dims, fn, "stride", default=kernel)
    padding = _pool_tuple(padding, dims, fn, "padding")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    _check_pool(input, kernel, stride, padding, (1,) * dims, ceil_mode, fn)
    refuse_dtype(input, "avg_pool3d_out_frame" if dims == 3 else fn, floating_only=False)
    spatial = input.shape[-dims:]
    size, pads = _geometry(spatial, kernel, stride, padding, (1,) * dims, ceil_mode)
    if divisor_override:
        divisor = np.full(size, divisor_override)
    else:  # the product of the divisors along each dim (the window is a box)
        divisor = np.ones(size, np.int64)
        for i, along in enumerate(_avg_divisors(n, o, k, s, p, count_include_pad)
                                  for n, o, k, s, p in zip(spatial, size, kernel, stride, padding)):
            divisor = divisor * along.reshape((-1,) + (1,) * (dims - 1 - i))
    return op.apply(input, kernel, stride, pads, divisor.astype(input._data.dtype))


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """The mean of every window of ``input`` (N, C, L) or (C, L): torch's composition, the 2-d pool of the
    input as height-1 images."""
    fn = "avg_pool1d"
    _check_pool1d_dims(input, fn)
    kernel = _one_int(kernel_size, fn, "kernel_size")
    stride = kernel if stride is None or (not isinstance(stride, int) and len(stride) == 0) else \
        _one_int(stride, fn, "stride")
    padding = _one_int(padding, fn, "padding")
    return avg_pool2d(input.unsqueeze(-2), (1, kernel), (1, stride), (0, padding), ceil_mode,
                      count_include_pad).squeeze(-2)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """The mean of every kh x kw window of ``input`` (N, C, H, W) or (C, H, W). Zero padding is counted in
    the mean when ``count_include_pad``; ``divisor_override`` replaces the window size as the divisor."""
    if input.dim() not in (3, 4):
        n = max(input.dim(), 1)
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got -3)")
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, AvgPool2D,
                     "avg_pool2d")


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """The mean of every kt x kh x kw window of ``input`` (N, C, T, H, W) or (C, T, H, W) (see avg_pool2d)."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, AvgPool3D,
                     "avg_pool3d")


# -- power-average (Lp) pooling: torch's composition over avg_pool ------------------------------------------
def _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, pool, max_pool, window):
    """(Σ window x^p)^(1/p) = (mean of x^p · window size)^(1/p), as torch computes it: sign(out) · relu(|out|)
    keeps the gradient of a zero mean at zero; p = ±inf is the max of |x| (or minus the max of -|x|)."""
    if isinstance(norm_type, (int, float)):
        if norm_type == 0:
            raise ValueError(f"norm_type must be a non-zero value, but got {norm_type}")
        if norm_type == float("inf"):
            return max_pool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -float("inf"):
            return -max_pool(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if stride is not None:
        out = pool(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = pool(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    return (out.sign() * relu(out.abs())).mul(window).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The p-norm of every window of ``input`` (N, C, L) or (C, L)."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, avg_pool1d, max_pool1d, kernel_size)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The p-norm of every kh x kw window of ``input`` (N, C, H, W) or (C, H, W)."""
    kw, kh = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, avg_pool2d, max_pool2d, kw * kh)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The p-norm of every kt x kh x kw window of ``input`` (N, C, T, H, W) or (C, T, H, W)."""
    kd, kw, kh = (kernel_size,) * 3 if isinstance(kernel_size, int) else kernel_size
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, avg_pool3d, max_pool3d, kd * kw * kh)

