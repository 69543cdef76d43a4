"""interpolate (and the deprecated upsample*): resizing the spatial dims of (N, C, *spatial) with torch's
sampling rules, one axis at a time.

Every mode but 'area' is separable: along each spatial axis, output position o reads K input positions
(its taps) with weights, z[..., o, ...] = Σ_k w[k, o] · x[..., i[k, o], ...]. The modes differ only in the
taps (torch's UpSample.h, computed here as NumPy arrays per axis):

    nearest        K=1  i = ⌊o·s⌋                      (s = in/out, or 1/scale_factor when one is given)
    nearest-exact  K=1  i = ⌊(o + ½)·s⌋
    linear         K=2  src = (o + ½)·s - ½ (≥ 0), i = ⌊src⌋, i+1;  w = 1-λ, λ  (λ = src - i)
    cubic          K=4  the same src (not clamped), i-1 .. i+2 clamped to the border; torch's A = -0.75 weights
    antialias      K≈2·support: a triangle, a = -0.5 cubic or Lanczos-3 filter, stretched by s when shrinking

align_corners=True puts the corner pixels' centres on each other: s = (in-1)/(out-1) and src = o·s.
torch's 2-d nearest kernel looks at the sizes first (the same size: i = o; twice the size: i = ⌊o/2⌋,
whatever the scale factor) and computes s in float32; ``nearest_taps_2d`` does as it does.
'area' is adaptive average pooling (nn.functional's 2-d pool; for 5-D inputs this module's taps of torch's
adaptive windows, ``area_taps``). The resampling is an Op whose VJP is the transpose, axis by axis
(each g·w[k, o] added back at i[k, o]): kernels/resample.py. The transpose's own VJP is the forward again,
so second derivatives work.
"""
import math
import warnings

import numpy as np

from ...ops.op import Op
from ...kernels.resample import resample_fast, resample_transpose_fast
# the package's adaptive_avg_pool2d (nn/functional/__init__.py imports the pooling modules before this one)
from . import adaptive_avg_pool2d

CUBIC_A = -0.75        # torch's cubic convolution constant for mode='bicubic'
ANTIALIAS_CUBIC_A = -0.5  # and for antialias=True (Keys' / PIL's value)


# -- the taps of one axis: (index (K, out) int64, weight (K, out) or None for a plain selection) -----------
def _opmath(dtype):
    """torch computes the source positions in the input's float type (float32 for float32/float16)."""
    return np.float64 if dtype == np.float64 else np.float32


def _scale(size, out, align_corners, scale, ct):
    """area_pixel_compute_scale: input positions per output position."""
    if align_corners:
        return ct((size - 1) / (out - 1)) if out > 1 else ct(0)
    if scale is not None and scale > 0:
        return ct(1.0 / scale)
    return ct(size) / ct(out)


def _source(scale, out, align_corners, cubic, ct):
    """area_pixel_compute_source_index for o = 0 .. out-1: where each output position lies in the input."""
    o = np.arange(out, dtype=ct)
    if align_corners:
        return scale * o
    src = scale * (o + ct(0.5)) - ct(0.5)
    return src if cubic else np.maximum(src, ct(0))


def _floorf(real):
    """torch's floorf: the position rounded to float32 first, then down."""
    return np.floor(real.astype(np.float32)).astype(np.int64)


def nearest_taps(size, out, scale, ct, exact):
    """i = ⌊o·s⌋ ('nearest', OpenCV's rule) or ⌊(o + ½)·s⌋ ('nearest-exact', PIL's), at most size-1: torch's
    generic kernel (the 1-d and 3-d inputs), in the input's float type."""
    s = _scale(size, out, False, scale, ct)
    o = np.arange(out, dtype=ct)
    real = s * (o + ct(0.5)) if exact else s * o
    return np.minimum(_floorf(real), size - 1)[None], None


def nearest_taps_2d(size, out, scale, exact):
    """The same rules as torch's 2-d kernel has them (nearest_idx, nearest_exact_idx): s in float32, and for
    'nearest' the sizes decide first - the same size reads i = o, twice the size i = ⌊o/2⌋, whatever the
    scale factor was."""
    s = np.float32(1.0 / scale) if scale is not None and scale > 0 else np.float32(size) / np.float32(out)
    o = np.arange(out)
    if exact:
        return np.minimum(_floorf((o + 0.5) * np.float64(s)), size - 1)[None], None
    if out == size:
        return o[None], None
    if out == 2 * size:
        return (o >> 1)[None], None
    return np.minimum(_floorf(o.astype(np.float32) * s), size - 1)[None], None


def _guard(src, size, ct):
    """guard_index_and_lambda: i = ⌊src⌋ (at most size-1) and λ = src - i clamped to [0, 1]."""
    i = np.minimum(_floorf(src), size - 1)
    return i, np.clip(src - i.astype(ct), ct(0), ct(1))


def identity_taps(size):
    """An axis that keeps its size is copied, whatever the scale factor: torch's linear and antialiased
    kernels skip it (its cubic and nearest kernels do not)."""
    return np.arange(size)[None], None


def linear_taps(size, out, scale, align_corners, ct):
    """w = (1-λ, λ) at (i, i+1); the second tap stays on i at the last input position."""
    if out == size:
        return identity_taps(size)
    src = _source(_scale(size, out, align_corners, scale, ct), out, align_corners, False, ct)
    i, lam = _guard(src, size, ct)
    return np.stack([i, i + (i < size - 1)]), np.stack([ct(1) - lam, lam])


def _cubic_near(x, a):
    """The cubic convolution kernel for |x| ≤ 1: ((a+2)|x| - (a+3))x² + 1."""
    return ((a + 2) * x - (a + 3)) * x * x + 1


def _cubic_far(x, a):
    """... and for 1 < |x| < 2: ((a|x| - 5a)|x| + 8a)|x| - 4a."""
    return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a


def cubic_weights(t, a):
    """The weights of the taps at -1, 0, 1, 2 for a position t in [0, 1] past tap 0 (their distances t+1, t,
    1-t, 2-t). Works on arrays and on Tensors (grid_sample differentiates it)."""
    return [_cubic_far(t + 1, a), _cubic_near(t, a), _cubic_near(1 - t, a), _cubic_far(2 - t, a)]


def cubic_taps(size, out, scale, align_corners, ct):
    """Taps i-1 .. i+2 around i = ⌊src⌋ (src not clamped), each clamped to [0, size-1]."""
    src = _source(_scale(size, out, align_corners, scale, ct), out, align_corners, True, ct)
    i, t = _guard(src, size, ct)
    index = np.clip(i + np.arange(-1, 3)[:, None], 0, size - 1)
    return index, np.stack(cubic_weights(t, ct(CUBIC_A))).astype(ct)


def _triangle(x):
    return np.maximum(0, 1 - np.abs(x))


def _keys_cubic(x):
    x = np.abs(x)
    a = ANTIALIAS_CUBIC_A
    return np.where(x < 1, _cubic_near(x, a), np.where(x < 2, _cubic_far(x, a), 0))


def _lanczos3(x):
    """sinc(x) · sinc(x/3) for |x| < 3: the Lanczos window with 3 lobes."""
    x = np.abs(x)
    pi_x = np.pi * np.where(x == 0, 1, x)
    return np.where(x == 0, 1, np.where(x < 3, 3 * np.sin(pi_x) * np.sin(pi_x / 3) / (pi_x * pi_x), 0))


# the antialiasing filters, and how far each reaches (in output pixels)
FILTERS = {"bilinear": (_triangle, 1), "bicubic": (_keys_cubic, 2), "lanczos": (_lanczos3, 3)}


def antialias_taps(size, out, scale, align_corners, ct, mode):
    """torch's _upsample_*_aa: output o averages the inputs j within ``support`` of its centre c = s·(o + ½)
    with weights filter((j + ½ - c) / max(s, 1)), normalized to sum 1. Shrinking (s > 1) widens the filter by
    s, so every input pixel contributes (no aliasing)."""
    if out == size:
        return identity_taps(size)
    s = _scale(size, out, align_corners, scale, ct)
    kernel, reach = FILTERS[mode]
    support = reach * (s if s >= 1 else ct(1))
    width = int(math.ceil(support)) * 2 + 1
    centre = s * (np.arange(out, dtype=ct) + ct(0.5))
    low = np.maximum(np.trunc(centre - support + ct(0.5)).astype(np.int64), 0)
    high = np.minimum(np.trunc(centre + support + ct(0.5)).astype(np.int64), size)
    j = np.arange(width)[:, None] + low                                   # (width, out)
    inside = j < high
    invscale = ct(1) / s if s >= 1 else ct(1)
    w = np.where(inside, kernel((j - centre + ct(0.5)) * invscale), 0).astype(ct)
    total = w.sum(axis=0)
    w = np.where(total != 0, w / np.where(total != 0, total, 1), w).astype(ct)
    return np.minimum(j, size - 1), w


# -- the Ops: resampling along every spatial axis, and its transpose ----------------------------------------
def _resample(x, taps):
    with np.errstate(all="ignore"):  # inf · 0 is NaN, silently, as torch
        return _resample_axes(x, taps)


def _resample_axes(x, taps):
    for axis, (index, weight) in enumerate(taps, start=2):
        x = np.take(x, index[0], axis=axis) if weight is None else resample_fast(x, axis, index, weight)
    return x


def _resample_transpose(g, taps, shape):
    with np.errstate(all="ignore"):
        return _resample_transpose_axes(g, taps, shape)


def _resample_transpose_axes(g, taps, shape):
    for axis, (index, weight) in reversed(list(enumerate(taps, start=2))):
        weight = np.ones(index.shape, g.dtype) if weight is None else weight
        g = resample_transpose_fast(g, axis, index, weight, shape[axis])
    return g


def _resample_ops(name):
    """The Op of torch's node ``name`` (UpsampleBilinear2D, ...) and its transpose's Op (the backward)."""
    class Resample(Op):
        """z[..., o, ...] = Σ_k w[k, o] · x[..., i[k, o], ...] along each spatial axis in turn.
        VJP: dx = the transpose, axis by axis: each g[..., o, ...] · w[k, o] added at i[k, o]."""
        node_name = f"{name}Backward0"

        @staticmethod
        def forward(ctx, x, taps):
            ctx.taps, ctx.shape = taps, x.shape
            ct = x.dtype if x.dtype.kind != "f" else _opmath(x.dtype)
            return _resample(x.astype(ct, copy=False), taps).astype(x.dtype, copy=False)

        @staticmethod
        def backward(ctx, g):
            return Transpose.apply(g, ctx.taps, ctx.shape)

    class Transpose(Op):
        """dx = the taps' transpose applied to g.   VJP: dg = the resampling of h (the forward again)."""
        node_name = f"{name}BackwardBackward0"

        @staticmethod
        def forward(ctx, g, taps, shape):
            ctx.taps = taps
            ct = _opmath(g.dtype)
            return _resample_transpose(g.astype(ct, copy=False), taps, shape).astype(g.dtype, copy=False)

        @staticmethod
        def backward(ctx, h):
            return Resample.apply(h, ctx.taps)

    Resample.__name__, Transpose.__name__ = name, name + "Backward"
    return Resample


RESAMPLE = {name: _resample_ops(name) for name in (
    "UpsampleNearest1D", "UpsampleNearest2D", "UpsampleNearest3D", "UpsampleNearestExact1D",
    "UpsampleNearestExact2D", "UpsampleNearestExact3D", "UpsampleLinear1D", "UpsampleBilinear2D",
    "UpsampleTrilinear3D", "UpsampleBicubic2D", "UpsampleBilinear2DAa", "UpsampleBicubic2DAa",
    "UpsampleLanczos2DAa", "AdaptiveAvgPool3D")}


# -- 'area' of a 5-D input: adaptive average pooling over (D, H, W), as taps --------------------------------
def area_taps(size, out, ct):
    """torch's adaptive windows: output o averages inputs ⌊o·n/out⌋ .. ⌈(o+1)·n/out⌉ - 1, each with weight
    1/(window length); shorter windows repeat their last input with weight 0."""
    o = np.arange(out)
    start, end = (o * size) // out, -((-(o + 1) * size) // out)
    j = start + np.arange(int((end - start).max(initial=1)))[:, None]            # (K, out)
    return np.minimum(j, end - 1), np.where(j < end, ct(1) / (end - start), ct(0)).astype(ct)


def _area(input, size):
    """adaptive_avg_pool1d/2d/3d to ``size``, as torch's 'area' calls them (1-D: the 2-D pool over a height
    of one, as torch does it; the whole volume to one element: the mean, as torch takes it)."""
    if not input.is_floating_point():
        kernel = "adaptive_avg_pool3d_cpu" if input.dim() == 5 else "adaptive_avg_pool2d"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype.scalar_name}'")
    if input.dim() == 3:
        return adaptive_avg_pool2d(input.unsqueeze(-2), (1, size[0])).squeeze(-2)
    if input.dim() == 4:
        return adaptive_avg_pool2d(input, size)
    if tuple(size) == (1, 1, 1):
        return input.mean((-1, -2, -3), keepdim=True)
    ct = _opmath(input._data.dtype)
    return RESAMPLE["AdaptiveAvgPool3D"].apply(input, tuple(area_taps(n, o, ct) for n, o in zip(input.shape[2:], size)))


# -- interpolate: torch's argument rules, then one Op --------------------------------------------------------
_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
_MODE_DIMS = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5, "lanczos": 4}
_NODE = {("nearest", 3): "UpsampleNearest1D", ("nearest", 4): "UpsampleNearest2D", ("nearest", 5): "UpsampleNearest3D",
         ("nearest-exact", 3): "UpsampleNearestExact1D", ("nearest-exact", 4): "UpsampleNearestExact2D",
         ("nearest-exact", 5): "UpsampleNearestExact3D", ("linear", 3): "UpsampleLinear1D",
         ("bilinear", 4): "UpsampleBilinear2D", ("trilinear", 5): "UpsampleTrilinear3D",
         ("bicubic", 4): "UpsampleBicubic2D", ("lanczos", 4): "UpsampleLanczos2D"}


def _is_integer(x):
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool) or \
        (hasattr(x, "dim") and x.dim() == 0 and not x.is_floating_point())


def _sizes_and_scales(input, size, scale_factor, mode, recompute_scale_factor):
    """torch's rules: exactly one of size and scale_factor, one entry per spatial dim. A scale factor
    gives the output size ⌊in · scale⌋ and is also the scale torch samples with (1/scale, not in/out),
    unless recompute_scale_factor (or 'area') asks for the sizes' ratio instead."""
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got input with spatial "
                    f"dimensions of {list(input.shape[2:])} and output size of {size}. Please provide input tensor "
                    "in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
            if not all(_is_integer(x) for x in size):
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, "
                                f"int], but got size with types {[type(x) for x in size]}")
            sizes = [int(x) for x in size]
        else:
            sizes = [int(size)] * dim
        scales = None
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but got input with "
                    f"spatial dimensions of {list(input.shape[2:])} and scale_factor of shape {scale_factor}. "
                    "Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) "
                    "format.")
            scales = [float(s) for s in scale_factor]
        else:
            scales = [float(scale_factor)] * dim
        sizes = None
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and sizes is None:
        recompute_scale_factor = True
    if recompute_scale_factor:
        sizes, scales = [math.floor(n * s) for n, s in zip(input.shape[2:], scales)], None
    return sizes, scales


def _check_sizes(input, sizes):
    """upsample's C++ checks: a non-empty image, and sizes above 0 (in torch's words, per dimension count)."""
    shape = list(input.shape)
    if input.numel() == 0 and 0 in shape[1:2]:
        raise RuntimeError(f"Non-empty {input.dim()}D data tensor expected but got a tensor with sizes {shape}")
    spatial = shape[2:]
    if min(spatial) > 0 and min(sizes) > 0:
        return
    if len(spatial) == 1:
        raise RuntimeError("Input and output sizes should be greater than 0, but got input (W: "
                           f"{spatial[0]}) and output (W: {sizes[0]})")
    names = "DHW"[-len(spatial):]
    described = [", ".join(f"{n}: {v}" for n, v in zip(names, values)) for values in (spatial, sizes)]
    raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({described[0]}) "
                       f"output ({described[1]})")


def _taps(mode, n, out, scale, align_corners, ct, antialias, dims):
    if mode in ("nearest", "nearest-exact") and dims == 2:
        return nearest_taps_2d(n, out, scale, exact=mode == "nearest-exact")
    if mode in ("nearest", "nearest-exact"):
        return nearest_taps(n, out, scale, ct, exact=mode == "nearest-exact")
    if antialias:
        return antialias_taps(n, out, scale, align_corners, ct, mode)
    if mode == "bicubic":
        return cubic_taps(n, out, scale, align_corners, ct)
    return linear_taps(n, out, scale, align_corners, ct)


def _refuse(input, mode, antialias):
    """Integer inputs: torch's error (its kernel's name), except for uint8 where torch has a kernel of
    integer arithmetic (its own rounding) that minitorch does not reproduce."""
    if input.dtype == np.uint8 and input.dim() == 4:
        raise NotImplementedError(f"interpolate: mode '{mode}' on uint8 is not implemented in minitorch "
                                  "(floating-point inputs; uint8 for the nearest modes)")
    if antialias:
        kernel = "compute_index_ranges_weights"
    elif mode == "bicubic":
        kernel = "compute_indices_weights_cubic"
    elif input.dim() == 4:
        kernel = f"upsample_{'nearest' if mode.startswith('nearest') else 'bilinear'}2d_channels_last"
    else:
        kernel = "compute_indices_weights_nearest" if mode.startswith("nearest") else "compute_indices_weights_linear"
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype.scalar_name}'")


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims of ``input`` (N, C, W), (N, C, H, W) or (N, C, D, H, W) to ``size`` or by
    ``scale_factor``, sampling as ``mode`` says (see the module's docstring)."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    sizes, scales = _sizes_and_scales(input, size, scale_factor, mode, recompute_scale_factor)
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.dim() == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a "
                         "4-D tensor as input")
    known = mode in ("nearest", "nearest-exact", "area") or _MODE_DIMS.get(mode) == input.dim()
    if input.dim() not in (3, 4, 5) or not known:
        wanted = _MODE_DIMS.get(mode)
        if input.dim() in (3, 4, 5) and mode in ("linear", "bilinear", "trilinear"):
            raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {wanted}D input")
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for "
                                  f"the modes: {_MODES} (got {mode})")
    if mode == "lanczos" and align_corners:
        raise ValueError("Lanczos mode does not support align_corners=True")
    if mode == "lanczos" and not antialias:
        raise ValueError("Lanczos mode requires antialias=True")
    if mode == "area":
        return _area(input, sizes)
    if sizes is None:  # the output size of a scale factor: ⌊in · scale⌋ (C++'s truncation)
        sizes = [int(n * s) for n, s in zip(input.shape[2:], scales)]
    _check_sizes(input, sizes)
    dtype = input._data.dtype
    if dtype.kind != "f" and not (dtype == np.uint8 and mode in ("nearest", "nearest-exact")):
        _refuse(input, mode, antialias)
    ct = _opmath(dtype)
    taps = tuple(_taps(mode, n, out, None if scales is None else scales[i], align_corners, ct, antialias, len(sizes))
                 for i, (n, out) in enumerate(zip(input.shape[2:], sizes)))
    node = _NODE[(mode, input.dim())] + ("Aa" if antialias else "")
    return RESAMPLE[node].apply(input, taps)


# -- the deprecated names -----------------------------------------------------------------------------------
def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """``interpolate`` under its old name (deprecated in torch, with a warning)."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """``interpolate(..., mode='nearest')`` (deprecated in torch, with a warning)."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """``interpolate(..., mode='bilinear', align_corners=True)`` (deprecated in torch, with a warning)."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
