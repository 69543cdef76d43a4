"""Image transforms with torchvision's names and behaviour.

Images are what the datasets return - uint8 NumPy arrays (H, W) or (H, W, C), minitorch's stand-in for
PIL images - or float tensors (C, H, W) after ``ToTensor``. Geometric transforms accept both.
"""
import math
import numbers

import numpy as np

from ..random import rng
from ..tensor import Tensor, _make


class InterpolationMode:
    NEAREST = "nearest"
    BILINEAR = "bilinear"


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
        if not isinstance(tensor, Tensor) or not tensor.is_floating_point():
            raise TypeError(f"Input tensor should be a float tensor. Got {getattr(tensor, 'dtype', type(tensor))}.")
        data = tensor._data
        mean = np.asarray(self.mean, data.dtype).reshape(-1, 1, 1)
        std = np.asarray(self.std, data.dtype).reshape(-1, 1, 1)
        if np.any(std == 0):
            raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
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


def _resize_axis(arr, axis, size, mode):
    """Resample one axis to ``size`` with torch's ``interpolate`` rules (align_corners=False)."""
    n = arr.shape[axis]
    scale = n / size
    if mode == "nearest":
        idx = np.minimum(np.floor(np.arange(size) * scale).astype(np.int64), n - 1)
        return np.take(arr, idx, axis=axis)
    src = np.maximum((np.arange(size) + 0.5) * scale - 0.5, 0)
    lo = np.minimum(np.floor(src).astype(np.int64), n - 1)
    hi = np.minimum(lo + 1, n - 1)
    frac = (src - lo).astype(np.float32 if arr.dtype != np.float64 else np.float64)
    shape = [1] * arr.ndim
    shape[axis] = size
    frac = frac.reshape(shape)
    a, b = np.take(arr, lo, axis=axis).astype(frac.dtype), np.take(arr, hi, axis=axis).astype(frac.dtype)
    return a + (b - a) * frac


def resize(img, size, interpolation="bilinear"):
    arr = img._data if isinstance(img, Tensor) else img
    h_axis, w_axis = _hw_axes(img)
    h, w = arr.shape[h_axis], arr.shape[w_axis]
    if isinstance(size, int) or len(size) == 1:
        short = size if isinstance(size, int) else size[0]
        size = (short, int(short * w / h)) if h <= w else (int(short * h / w), short)
    out = _resize_axis(_resize_axis(arr, h_axis % arr.ndim, size[0], interpolation), w_axis % arr.ndim, size[1],
                       interpolation)
    if arr.dtype == np.uint8:
        out = np.clip(np.round(out), 0, 255).astype(np.uint8)
    return _wrap_like(img, out.astype(arr.dtype, copy=False))


class Resize:
    """Resize to ``size`` (h, w), or make the shorter side ``size`` keeping the aspect ratio. Bilinear
    follows torch's interpolate without antialiasing (torchvision antialiases when shrinking)."""

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError(f"minitorch's Resize supports nearest and bilinear, not {interpolation}")
        self.size, self.interpolation = size, interpolation

    def __call__(self, img):
        return resize(img, self.size, self.interpolation)

    def __repr__(self):
        return f"Resize(size={self.size}, interpolation={self.interpolation}, max_size=None, antialias=True)"


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
