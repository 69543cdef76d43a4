"""Image transforms with torchvision's names and behaviour.

Images are what the datasets return - uint8 NumPy arrays (H, W) or (H, W, C), minitorch's stand-in for
PIL images - or float tensors (C, H, W) after ``ToTensor``. Geometric transforms accept both.
"""
import numbers
import warnings
from collections.abc import Sequence

import numpy as np

from .._size import broadcast_shape
from ..random import rng
from ..tensor import Tensor, _make


class InterpolationMode:
    NEAREST = "nearest"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        return "Compose(\n" + "".join(f"    {t}\n" for t in self.transforms) + ")"


class ToTensor:
    """uint8 image (H, W[, C]) -> float32 tensor (C, H, W) in [0, 1]."""

    def __call__(self, pic):
        if not isinstance(pic, np.ndarray):
            raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        img = pic[:, :, None] if pic.ndim == 2 else pic
        img = np.ascontiguousarray(img.transpose(2, 0, 1))
        if img.dtype == np.uint8:
            return _make(img.astype(np.float32) / np.float32(255))
        return _make(img)

    def __repr__(self):
        return "ToTensor()"


class Normalize:
    """(x - mean) / std per channel."""

    def __init__(self, mean, std, inplace=False):
        self.mean, self.std, self.inplace = mean, std, inplace

    def __call__(self, tensor):
        # torchvision's checks, in its order
        if not isinstance(tensor, Tensor):
            raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
        if tensor.ndim < 2:
            raise TypeError("Tensor is not a torch image.")
        if not tensor.is_floating_point():
            raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
        if tensor.ndim < 3:
            raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
                             f"{tensor.size()}")
        data = tensor._data
        mean, std = np.asarray(self.mean, data.dtype), np.asarray(self.std, data.dtype)
        if np.any(std == 0):
            raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
        mean = mean.reshape(-1, 1, 1) if mean.ndim == 1 else mean
        std = std.reshape(-1, 1, 1) if std.ndim == 1 else std
        # torchvision computes tensor.sub_(mean).div_(std): in place, so the statistics may broadcast over the image
        # but not the image over them (3 channels of statistics do not make a 1-channel image a 3-channel one)
        for stat in (mean, std):
            if broadcast_shape(data.shape, stat.shape) != data.shape:
                raise RuntimeError(f"output with shape {list(data.shape)} doesn't match the broadcast shape "
                                   f"{list(broadcast_shape(data.shape, stat.shape))}")
        if self.inplace:
            data -= mean
            data /= std
            return tensor
        return _make((data - mean) / std)

    def __repr__(self):
        return f"Normalize(mean={self.mean}, std={self.std})"


def _hw_axes(img):
    """The (height, width) axes: tensors are (..., H, W), image arrays (H, W[, C])."""
    return (-2, -1) if isinstance(img, Tensor) else (0, 1)


def _wrap_like(img, array):
    return _make(array) if isinstance(img, Tensor) else array


def _padding_lrtb(padding):
    if isinstance(padding, numbers.Number):
        return (padding,) * 4
    if len(padding) == 2:
        return (padding[0], padding[1], padding[0], padding[1])
    if len(padding) == 4:
        return tuple(padding)
    raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")


def pad(img, padding, fill=0, padding_mode="constant"):
    left, top, right, bottom = _padding_lrtb(padding)
    arr = img._data if isinstance(img, Tensor) else img
    widths = [(0, 0)] * arr.ndim
    h, w = _hw_axes(img)
    widths[h], widths[w] = (top, bottom), (left, right)
    if padding_mode == "constant":
        out = np.pad(arr, widths, mode="constant", constant_values=fill)
    elif padding_mode in ("edge", "reflect", "symmetric"):
        out = np.pad(arr, widths, mode=padding_mode)
    else:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    return _wrap_like(img, out)


class Pad:
    def __init__(self, padding, fill=0, padding_mode="constant"):
        self.padding, self.fill, self.padding_mode = padding, fill, padding_mode

    def __call__(self, img):
        return pad(img, self.padding, self.fill, self.padding_mode)

    def __repr__(self):
        return f"Pad(padding={self.padding}, fill={self.fill}, padding_mode={self.padding_mode})"


# --- resize -----------------------------------------------------------------------------------------------
#
# Every resampling here is separable: an (out, in) weight matrix per axis, applied as two matrix products,
#     out = W_h @ img @ W_w.T .
# Which weights, and how the products are rounded, depends on whose resize is being matched:
# - tensors follow torch.nn.functional.interpolate, which torchvision calls (uint8 tensors are computed in
#   float32, clamped for bicubic, then rounded, as torchvision's _cast_squeeze_out does);
# - image arrays are minitorch's stand-in for PIL images, so they follow PIL's Image.resize, which is what
#   torchvision calls on PIL images: always antialiased, uint8 in PIL's fixed-point arithmetic.

_PIL_PRECISION_BITS = 32 - 8 - 2  # PIL's fixed-point weights: 22 fractional bits leave room for 8-bit pixels


def _triangle(x):
    """Bilinear's filter: the tent 1 - |x| on |x| < 1."""
    return np.maximum(1.0 - np.abs(x), 0.0)


def _keys_cubic(a):
    """Keys' cubic convolution kernel, the bicubic filter, with parameter ``a``:
    (a+2)|x|^3 - (a+3)|x|^2 + 1 on |x| < 1, and a(|x|^3 - 5|x|^2 + 8|x| - 4) on 1 <= |x| < 2.
    Written in PIL's operation order, so that uint8 images get PIL's exact weights."""
    def kernel(x):
        x = np.abs(x)
        near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1
        far = (((x - 5) * x + 8) * x - 4) * a
        return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))
    return kernel


# mode -> (filter, support): the antialiased filters of PIL and of torch's _upsample_*2d_aa (both a = -0.5)
_AA_FILTERS = {"bilinear": (_triangle, 1.0), "bicubic": (_keys_cubic(-0.5), 2.0)}


def _antialias_weights(n_in, n_out, mode):
    """(n_out, n_in) weights of PIL's and ATen's antialiased resampling (float64).

    With scale s = n_in / n_out, output pixel i is centred at c_i = s (i + 0.5) in input coordinates
    (input pixel j covers [j, j + 1)). When shrinking (s > 1) the filter f is stretched by s, so that
    every input pixel contributes and high frequencies are averaged away instead of aliased:

        w_ij = f((j + 0.5 - c_i) / max(s, 1))   for j in [trunc(c_i - r + 0.5), trunc(c_i + r + 0.5)),
                                                 r = support * max(s, 1), clipped to the image,
        W_ij = w_ij / sum_j w_ij                 (each output pixel's weights sum to 1).

    When enlarging (s <= 1) this is ordinary bilinear/bicubic interpolation with edge renormalisation.
    """
    filt, support = _AA_FILTERS[mode]
    scale = n_in / n_out
    filterscale = max(scale, 1.0)
    support = support * filterscale
    center = (np.arange(n_out) + 0.5) * scale
    # C's (int) cast truncates towards zero; the bounds are then clipped to the image
    lo = np.maximum((center - support + 0.5).astype(np.int64), 0)[:, None]
    hi = np.minimum((center + support + 0.5).astype(np.int64), n_in)[:, None]
    j = np.arange(n_in)
    w = filt(((j - center[:, None]) + 0.5) * (1.0 / filterscale))
    w = np.where((j >= lo) & (j < hi), w, 0.0)
    # cumsum adds left to right, as PIL's loop does, so that uint8 weights round exactly as PIL's
    total = np.cumsum(w, axis=1)[:, -1:]
    return np.divide(w, total, out=w, where=total != 0)


def _interpolate_weights(n_in, n_out, mode):
    """(n_out, n_in) weights of torch's interpolate without antialiasing (align_corners=False).

    Output pixel i samples the input at x_i = s (i + 0.5) - 0.5, s = n_in / n_out. Bilinear clamps
    x_i >= 0 and mixes pixels floor(x_i) and floor(x_i) + 1 by t = x_i - floor(x_i): (1 - t, t).
    Bicubic mixes pixels floor(x_i) - 1 .. floor(x_i) + 2 with Keys' kernel (a = -0.75) at distances
    t + 1, t, 1 - t, 2 - t, reading pixels past the edge as the edge pixel.
    """
    src = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
    if mode == "bilinear":
        src = np.maximum(src, 0.0)
        base = np.floor(src)
        t = src - base
        taps, coeffs = base[:, None] + np.arange(2), np.stack([1 - t, t], axis=1)
    else:
        base = np.floor(src)
        t = (src - base)[:, None]
        taps, coeffs = base[:, None] + np.arange(-1, 3), _keys_cubic(-0.75)(t - np.arange(-1, 3))
    taps = np.clip(taps, 0, n_in - 1).astype(np.int64)
    w = np.zeros((n_out, n_in))
    np.add.at(w, (np.arange(n_out)[:, None], taps), coeffs)  # edge taps that repeat a pixel add up
    return w


def _torch_nearest_index(n_in, n_out):
    """torch's "nearest": input pixel floor(i * s), s = n_in / n_out, in float32 as ATen computes it."""
    if n_out == n_in:
        return np.arange(n_out)
    if n_out == 2 * n_in:
        return np.arange(n_out) >> 1
    scale = np.float32(n_in) / np.float32(n_out)
    return np.minimum(np.floor(np.arange(n_out, dtype=np.float32) * scale).astype(np.int64), n_in - 1)


def _pil_nearest_index(n_in, n_out):
    """PIL's nearest: input pixel trunc(s (i + 0.5)), the position accumulated step by step in double as
    PIL's ImagingScaleAffine does (cumsum adds in the same order)."""
    scale = n_in / n_out
    steps = np.full(n_out, scale)
    steps[0] = scale * 0.5
    return np.minimum(np.cumsum(steps).astype(np.int64), n_in - 1)


def _resize_tensor_data(arr, size, interpolation, antialias):
    """torch's interpolate on (..., H, W), as torchvision calls it."""
    (h, w), (oh, ow) = arr.shape[-2:], size
    if interpolation == "nearest":
        return arr[..., _torch_nearest_index(h, oh)[:, None], _torch_nearest_index(w, ow)]
    weights = _antialias_weights if antialias else _interpolate_weights
    # computed in float64 and cast back: closer to the exact result than torch's float32 by a margin
    out = weights(h, oh, interpolation) @ arr.astype(np.float64) @ weights(w, ow, interpolation).T
    if not np.issubdtype(arr.dtype, np.floating):  # torchvision rounds integer images (clamped for bicubic)
        if interpolation == "bicubic" and arr.dtype == np.uint8:
            out = np.clip(out, 0, 255)
        out = np.round(out)
    return out.astype(arr.dtype)


def _resize_pil_data(arr, size, interpolation):
    """PIL's Image.resize on (H, W[, C]): nearest, or antialiased filtering, width pass first.

    uint8 images run PIL's fixed-point arithmetic: weights rounded to multiples of 2^-22, each pass
    accumulated in integers, rounded (half up) and clipped back to 0..255 before the next pass.
    Pillow 13 sometimes runs the vertical pass first (its rule for choosing is not reproduced here);
    when both axes change, the rounding between passes can then differ by 1 for bilinear (more for
    bicubic, whose overshoot is clipped in between). With one axis changing the result is PIL's exactly.
    """
    (h, w), (oh, ow) = arr.shape[:2], size
    if interpolation == "nearest":
        return arr[_pil_nearest_index(h, oh)[:, None], _pil_nearest_index(w, ow)]
    out = arr
    for axis, n_in, n_out in ((1, w, ow), (0, h, oh)):  # PIL resamples horizontally first
        if n_in == n_out:
            continue
        weights = _antialias_weights(n_in, n_out, interpolation)
        if arr.dtype == np.uint8:
            one = 1 << _PIL_PRECISION_BITS
            fixed = np.trunc(weights * one + np.where(weights < 0, -0.5, 0.5)).astype(np.int64)
            acc = np.tensordot(fixed, out.astype(np.int64), axes=([1], [axis])) + (one >> 1)
            out = np.clip(acc >> _PIL_PRECISION_BITS, 0, 255).astype(np.uint8)
        else:
            out = np.tensordot(weights, out, axes=([1], [axis])).astype(arr.dtype, copy=False)
        out = np.moveaxis(out, 0, axis)
    return np.ascontiguousarray(out)


def _compute_resized_output_size(image_size, size, max_size=None):
    """torchvision's rule: (h, w) as given, or the shorter side made ``size`` keeping the aspect ratio
    (the longer side truncated), then both scaled down if the longer side would pass ``max_size``."""
    h, w = image_size
    short, long = (w, h) if w <= h else (h, w)
    if len(size) == 1:
        requested_new_short = size[0]
        new_short, new_long = requested_new_short, int(requested_new_short * long / short)
        if max_size is not None:
            if max_size <= requested_new_short:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the requested "
                                 f"size for the smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    else:
        new_w, new_h = size[1], size[0]
    return [new_h, new_w]


_RESIZE_MODES = ("nearest", "bilinear", "bicubic")


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """torchvision.transforms.functional.resize for tensors (..., H, W) and image arrays (H, W[, C]).

    ``size``: (h, w), or an int (or 1-sequence) for the shorter side, the longer side capped by
    ``max_size``. ``antialias`` (bilinear, bicubic) applies to tensors; image arrays, like PIL images,
    are always antialiased (``None`` means False for tensors, True for images, as in torchvision).
    The image itself comes back when the size does not change, as torchvision's does.
    """
    if interpolation not in _RESIZE_MODES:
        raise ValueError(f"minitorch's resize supports {', '.join(_RESIZE_MODES)}, not {interpolation}")
    if isinstance(size, (list, tuple)):
        if len(size) not in [1, 2]:
            raise ValueError(
                f"Size must be an int or a 1 or 2 element tuple/list, not a {len(size)} element tuple/list")
        if max_size is not None and len(size) != 1:
            raise ValueError("max_size should only be passed if size specifies the length of the smaller edge, "
                             "i.e. size should be an int or a sequence of length 1 in torchscript mode.")
    is_tensor = isinstance(img, Tensor)
    arr = img._data if is_tensor else img
    h_axis, w_axis = _hw_axes(img)
    image_size = (arr.shape[h_axis], arr.shape[w_axis])
    output_size = _compute_resized_output_size(image_size, [size] if isinstance(size, int) else list(size), max_size)
    if list(image_size) == output_size:
        return img
    if min(output_size) <= 0:  # torch's (interpolate) and PIL's (Image.resize) messages
        if is_tensor:
            raise RuntimeError(f"Input and output sizes should be greater than 0, but got input (H: {image_size[0]}, "
                               f"W: {image_size[1]}) output (H: {output_size[0]}, W: {output_size[1]})")
        raise ValueError("height and width must be > 0")
    if is_tensor:
        return _make(_resize_tensor_data(arr, output_size, interpolation, bool(antialias)))
    if antialias is False:
        warnings.warn("Anti-alias option is always applied for PIL Image input. Argument antialias is ignored.")
    return _resize_pil_data(arr, output_size, interpolation)


class Resize:
    """Resize to ``size`` (h, w), or make the shorter side ``size`` keeping the aspect ratio; see ``resize``."""

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
        if not isinstance(size, (int, Sequence)):
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        if isinstance(size, Sequence) and len(size) not in (1, 2):
            raise ValueError("If size is a sequence, it should have 1 or 2 values")
        if interpolation not in _RESIZE_MODES:
            raise ValueError(f"minitorch's Resize supports {', '.join(_RESIZE_MODES)}, not {interpolation}")
        self.size, self.interpolation, self.max_size, self.antialias = size, interpolation, max_size, antialias

    def __call__(self, img):
        return resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def __repr__(self):
        return (f"Resize(size={self.size}, interpolation={self.interpolation}, max_size={self.max_size}, "
                f"antialias={self.antialias})")


def crop(img, top, left, height, width):
    if isinstance(img, Tensor):
        return _make(img._data[..., top:top + height, left:left + width])
    return img[top:top + height, left:left + width]


class RandomCrop:
    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        self.padding, self.pad_if_needed, self.fill, self.padding_mode = padding, pad_if_needed, fill, padding_mode

    def __call__(self, img):
        if self.padding is not None:
            img = pad(img, self.padding, self.fill, self.padding_mode)
        arr = img._data if isinstance(img, Tensor) else img
        h_axis, w_axis = _hw_axes(img)
        h, w = arr.shape[h_axis], arr.shape[w_axis]
        th, tw = self.size
        if self.pad_if_needed and (h < th or w < tw):
            img = pad(img, (max(tw - w, 0), max(th - h, 0)), self.fill, self.padding_mode)
            arr = img._data if isinstance(img, Tensor) else img
            h, w = arr.shape[h_axis], arr.shape[w_axis]
        if h < th or w < tw:
            raise ValueError(f"Required crop size {(th, tw)} is larger than input image size {(h, w)}")
        top = int(rng().integers(0, h - th + 1))
        left = int(rng().integers(0, w - tw + 1))
        return crop(img, top, left, th, tw)

    def __repr__(self):
        return f"RandomCrop(size={self.size}, padding={self.padding})"


def hflip(img):
    if isinstance(img, Tensor):
        return _make(np.ascontiguousarray(img._data[..., ::-1]))
    return np.ascontiguousarray(img[:, ::-1])


class RandomHorizontalFlip:
    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, img):
        return hflip(img) if rng().random() < self.p else img

    def __repr__(self):
        return f"RandomHorizontalFlip(p={self.p})"


class Lambda:
    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {repr(type(lambd).__name__)}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return "Lambda()"
