"""Creating tensors: from data, filled, ranges, random, and the ``*_like`` forms."""
import numbers

import numpy as np

from . import _dtype
from ._device import check_device
from .random import rng
from .tensor import Tensor, _make


def _finish(data, requires_grad):
    t = _make(data)
    if requires_grad:
        t.requires_grad = True  # the setter rejects integer dtypes with torch's error
    return t


def _infer_dtype(data):
    """torch's inference: bools -> bool, ints -> int64, any float -> the default dtype (float32)."""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, np.ndarray):
        return _dtype.from_numpy_dtype(data.dtype)
    if isinstance(data, np.generic):
        return _dtype.from_numpy_dtype(data.dtype)
    kinds = set()
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, Tensor):
            kinds.add("f" if x.is_floating_point() else ("b" if x.dtype is _dtype.bool_ else "i"))
        elif isinstance(x, (bool, np.bool_)):
            kinds.add("b")
        elif isinstance(x, numbers.Integral):
            kinds.add("i")
        elif isinstance(x, numbers.Real):
            kinds.add("f")
        else:
            raise TypeError(f"Could not infer dtype of {type(x).__name__}")
    if "f" in kinds:
        return _dtype.get_default_dtype()
    if "i" in kinds:
        return _dtype.int64
    if "b" in kinds:
        return _dtype.bool_
    return _dtype.get_default_dtype()  # empty list


def _to_nested(data):
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)):
        return [_to_nested(x) for x in data]
    return data


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data`` (nested lists, numbers, arrays or tensors)."""
    check_device(device)
    dtype = dtype or _infer_dtype(data)
    return _finish(np.array(_to_nested(data), dtype=dtype.np), requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory with an ndarray or tensor when no conversion is needed."""
    check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or dtype.np == data.dtype):
        return from_numpy(data)
    return tensor(data, dtype=dtype)


def from_numpy(ndarray):
    """A tensor sharing ``ndarray``'s memory: changing one changes the other."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)  # raises for unsupported dtypes
    return _make(ndarray)


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"size must be tuple of ints, but got {type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return tuple(int(s) for s in size)


def _dt(dtype):
    return (dtype or _dtype.get_default_dtype()).np


def zeros(*size, dtype=None, device=None, requires_grad=False, out=None):
    check_device(device)
    return _finish(np.zeros(_size(size), _dt(dtype)), requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False, out=None):
    check_device(device)
    return _finish(np.ones(_size(size), _dt(dtype)), requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False, memory_format=None, out=None):
    """Uninitialised memory, as in torch: the values are whatever was there."""
    check_device(device)
    return _finish(np.empty(_size(size), _dt(dtype)), requires_grad)


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False, out=None):
    check_device(device)
    if dtype is None:
        dtype = _infer_dtype(fill_value)
    return _finish(np.full(_size((size,)), fill_value, dtype.np), requires_grad)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    check_device(device)
    return _finish(np.eye(n, n if m is None else m, dtype=_dt(dtype)), requires_grad)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False, out=None):
    """Values from start (default 0) up to, not including, end; int64 unless some bound is a float."""
    check_device(device)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if dtype is None:
        bounds = [float(x) if isinstance(x, Tensor) and x.is_floating_point() else x for x in (start, end, step)]
        dtype = _dtype.get_default_dtype() if any(isinstance(x, float) for x in bounds) else _dtype.int64
    n = int(np.ceil((float(end) - float(start)) / float(step)))
    if n < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    return _finish((start + step * np.arange(n, dtype=np.float64)).astype(dtype.np)
                   if dtype.is_floating_point else np.arange(start, end, step, dtype=dtype.np), requires_grad)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False, out=None):
    check_device(device)
    return _finish(np.linspace(start, end, steps, dtype=np.float64).astype(_dt(dtype)), requires_grad)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    check_device(device)
    return _finish((base ** np.linspace(start, end, steps)).astype(_dt(dtype)), requires_grad)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    """Uniform on [0, 1)."""
    check_device(device)
    return _finish(rng(generator).random(_size(size), dtype=np.float64).astype(_dt(dtype)), requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    """Standard normal."""
    check_device(device)
    return _finish(rng(generator).standard_normal(_size(size)).astype(_dt(dtype)), requires_grad)


def randint(low, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Integers uniform on [low, high); ``randint(high, size)`` starts at 0."""
    check_device(device)
    if size is None:
        low, high, size = 0, low, high
    dtype = dtype or _dtype.int64
    return _finish(rng(generator).integers(low, high, _size((size,))).astype(dtype.np), requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    check_device(device)
    return _finish(rng(generator).permutation(n).astype((dtype or _dtype.int64).np), requires_grad)


def normal(mean, std, size=None, *, generator=None, dtype=None):
    if size is not None:
        return _finish(rng(generator).normal(mean, std, _size((size,))).astype(_dt(dtype)), False)
    mean_a = mean._data if isinstance(mean, Tensor) else mean
    std_a = std._data if isinstance(std, Tensor) else std
    out = rng(generator).normal(mean_a, std_a)
    like = mean if isinstance(mean, Tensor) else std
    return _make(np.asarray(out, like._data.dtype))


def bernoulli(input, p=None, *, generator=None):
    probs = input._data if p is None else np.full(input._data.shape, p)
    return _make((rng(generator).random(input._data.shape) < probs).astype(input._data.dtype))


def multinomial(input, num_samples, replacement=False, *, generator=None):
    p = input._data.astype(np.float64)
    def draw(row):
        return rng(generator).choice(len(row), num_samples, replace=replacement, p=row / row.sum())
    out = np.stack([draw(r) for r in p]) if p.ndim == 2 else draw(p)
    return _make(out.astype(np.int64))


def _like(input, dtype):
    return (dtype or input.dtype).np


def zeros_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _finish(np.zeros(input._data.shape, _like(input, dtype)), requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _finish(np.ones(input._data.shape, _like(input, dtype)), requires_grad)


def empty_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _finish(np.empty(input._data.shape, _like(input, dtype)), requires_grad)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _finish(np.full(input._data.shape, fill_value, _like(input, dtype)), requires_grad)


def _float_like(input, dtype):
    d = dtype or input.dtype
    if not d.is_floating_point:
        name = {"int64": "Long", "int32": "Int", "bool": "Bool"}.get(d.name, d.name)
        raise NotImplementedError(f"\"check_uniform_bounds\" not implemented for '{name}'")
    return d.np


def rand_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, generator=None):
    return _finish(rng(generator).random(input._data.shape).astype(_float_like(input, dtype)), requires_grad)


def randn_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, generator=None):
    return _finish(rng(generator).standard_normal(input._data.shape).astype(_float_like(input, dtype)),
                   requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False, generator=None):
    if high is None:
        low, high = 0, low
    return _finish(rng(generator).integers(low, high, input._data.shape).astype(_like(input, dtype)),
                   requires_grad)
