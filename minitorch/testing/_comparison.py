"""assert_close and make_tensor, as torch.testing has them, for minitorch tensors, torch tensors, NumPy
arrays and numbers on either side (torch is never imported: its tensors are read through ``.numpy()``)."""
import math
import numbers
import warnings

import numpy as np

from .. import _dtype
from .. import random as _random
from ..tensor import Tensor, _make

# torch.testing's default (rtol, atol) per dtype; every other dtype (bool, integers) is compared exactly
_DTYPE_PRECISIONS = {np.dtype(np.float16): (1e-3, 1e-5), np.dtype(np.float32): (1.3e-6, 1e-5),
                     np.dtype(np.float64): (1e-7, 1e-7)}


def _torch_name(np_dtype):
    return repr(_dtype.from_numpy_dtype(np_dtype))


def _is_torch_tensor(x):
    return type(x).__module__.partition(".")[0] == "torch" and hasattr(x, "detach")


def as_array(x):
    """A NumPy array of the values of a tensor-like or a number (a Python float is float64, an int int64)."""
    if isinstance(x, Tensor):
        return x._data
    if _is_torch_tensor(x):
        return x.detach().cpu().resolve_conj().resolve_neg().numpy()
    if isinstance(x, bool):
        return np.asarray(x, np.bool_)
    if isinstance(x, numbers.Integral):
        return np.asarray(x, np.int64)
    if isinstance(x, numbers.Real):
        return np.asarray(x, np.float64)
    if isinstance(x, (np.ndarray, np.generic)):
        return np.asarray(x)
    raise TypeError(f"No comparison pair was able to handle inputs of type {type(x)}.")


def _is_sequence(x):
    return isinstance(x, (list, tuple))


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Raise AssertionError unless ``|actual - expected| <= atol + rtol * |expected|`` elementwise, with
    the same shapes and (``check_dtype``) dtypes; torch.testing.assert_close's defaults and messages.
    Lists and tuples are compared item by item. (Device, layout and strides: minitorch has one of each
    kind that matters here, so those checks are accepted and not made.)"""
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            _fail(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}", msg)
        for i, (a, e) in enumerate(zip(actual, expected)):
            try:
                assert_close(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype, msg=msg)
            except AssertionError as error:
                raise AssertionError(f"{error}\n\nThe failure occurred for item [{i}]") from None
        return
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, "
                         f"but got no {'rtol' if rtol is None else 'atol'}.")
    numbers_only = isinstance(actual, numbers.Number) and isinstance(expected, numbers.Number)
    a, e = as_array(actual), as_array(expected)
    if a.shape != e.shape:
        _fail(f"The values for attribute 'shape' do not match: torch.Size({list(a.shape)}) != "
              f"torch.Size({list(e.shape)}).", msg)
    # a number beside a tensor takes the tensor's dtype (torch refuses the pair; we compare the values)
    if isinstance(expected, numbers.Number) and not numbers_only:
        e = e.astype(a.dtype)
    elif isinstance(actual, numbers.Number) and not numbers_only:
        a = a.astype(e.dtype)
    if rtol is None:  # the loosest of the two dtypes' tolerances, taken before any promotion, as torch
        rtol, atol = (max(t) for t in zip(*(_DTYPE_PRECISIONS.get(d, (0.0, 0.0)) for d in (a.dtype, e.dtype))))
    if a.dtype != e.dtype:
        if check_dtype:
            _fail(f"The values for attribute 'dtype' do not match: {_torch_name(a.dtype)} != "
                  f"{_torch_name(e.dtype)}.", msg)
        common = _dtype.promote_types(_dtype.from_numpy_dtype(a.dtype), _dtype.from_numpy_dtype(e.dtype)).np
        a, e = a.astype(common), e.astype(common)
    if a.dtype.kind == "f":
        with np.errstate(invalid="ignore", over="ignore"):
            matches = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    else:  # integers and bools: isclose in float64 would round large int64 values
        with np.errstate(invalid="ignore", over="ignore"):
            matches = (a == e) | (np.abs(a.astype(np.float64) - e) <= atol + rtol * np.abs(e.astype(np.float64)))
    if matches.all():
        return
    if a.ndim == 0:
        _fail(_scalar_message(a.item(), e.item(), rtol, atol), msg)
    _fail(_tensor_message(a, e, matches, rtol, atol), msg)


def _fail(text, msg):
    raise AssertionError(msg if isinstance(msg, str) else msg(text) if callable(msg) else text)


def _diff_lines(abs_diff, abs_idx, rel_diff, rel_idx, rtol, atol):
    equality = rtol == 0 and atol == 0
    lines = []
    for kind, diff, idx, tol in (("absolute", abs_diff, abs_idx, atol), ("relative", rel_diff, rel_idx, rtol)):
        line = f"{kind.title()} difference: {diff}" if idx is None else f"Greatest {kind} difference: {diff} at index {idx}"
        lines.append(line + ("" if equality else f" (up to {tol} allowed)"))
    return lines


def _scalar_message(actual, expected, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    word = "equal" if rtol == 0 and atol == 0 else "close"
    return "\n".join([f"Scalars are not {word}!", "", f"Expected {expected} but got {actual}.",
                      *_diff_lines(abs_diff, None, rel_diff, None, rtol, atol)])


def _tensor_message(a, e, matches, rtol, atol):
    total, mismatched = matches.size, int(matches.size - matches.sum())
    if a.dtype.kind != "f":  # torch computes integer differences in int64 and their ratio in float32
        a, e = a.astype(np.int64), e.astype(np.int64)
    with np.errstate(all="ignore"):
        abs_diff = np.abs(a - e).ravel()
        abs_diff[matches.ravel()] = 0
        rel_diff = abs_diff / np.abs(e).ravel()
    if a.dtype.kind != "f":
        rel_diff = rel_diff.astype(np.float32)
    rel_diff[matches.ravel()] = 0
    abs_idx, rel_idx = int(np.argmax(abs_diff)), int(np.argmax(rel_diff))  # the first NaN, as torch.max

    def index(flat):
        return tuple(int(i) for i in np.unravel_index(flat, matches.shape))

    word = "equal" if rtol == 0 and atol == 0 else "close"
    return "\n".join([f"Tensor-likes are not {word}!", "",
                      f"Mismatched elements: {mismatched} / {total} ({mismatched / total:.1%})",
                      *_diff_lines(abs_diff[abs_idx].item(), index(abs_idx), rel_diff[rel_idx].item(),
                                   index(rel_idx), rtol, atol)])


def make_tensor(*shape, dtype, device=None, low=None, high=None, requires_grad=False, noncontiguous=False,
                exclude_zero=False, memory_format=None):
    """A tensor of ``shape`` filled with random values in [low, high) (torch.testing.make_tensor's
    defaults: [-9, 9) for floats, [-9, 10) for integers, clamped to the dtype's range), drawn from
    minitorch's generator (``minitorch.manual_seed`` repeats them; they are not torch's values)."""
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = shape[0]
    shape = tuple(int(s) for s in shape)
    if noncontiguous and memory_format is not None:
        raise ValueError(f"The parameters `noncontiguous` and `memory_format` are mutually exclusive, "
                         f"but got noncontiguous={noncontiguous!r} and memory_format={memory_format!r}")
    np_dtype = dtype.np
    floating = np_dtype.kind == "f"
    if requires_grad and not floating:
        raise ValueError(f"`requires_grad=True` is not supported for boolean and integral dtypes, "
                         f"but got dtype={dtype!r}")
    if np_dtype.kind == "b":
        lowest, highest, default = 0, 2, (0, 2)
    elif not floating:
        info = np.iinfo(np_dtype)
        lowest, highest, default = int(info.min), int(info.max) + (np_dtype != np.int64), (-9, 10)
    else:
        info = np.finfo(np_dtype)
        lowest, highest, default = float(info.min), float(info.max), (-9, 9)
    low = default[0] if low is None else low
    high = default[1] if high is None else high
    if any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        raise ValueError(f"`low` and `high` cannot be NaN, but got low={low!r} and high={high!r}")
    if low == high and floating:
        warnings.warn("Passing `low==high` to `torch.testing.make_tensor` for floating or complex types is "
                      "deprecated since 2.1 and will be removed in 2.3. Use `torch.full(...)` instead.",
                      FutureWarning, stacklevel=2)
    elif low >= high:
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    elif high < lowest or low >= highest:
        raise ValueError(f"The value interval specified by `low` and `high` is [{low}, {high}), "
                         f"but {dtype!r} only supports [{lowest}, {highest})")
    low, high = min(max(low, lowest), highest), min(max(high, lowest), highest)
    # torch's trick for a layout that is not contiguous: twice the last dimension, then every other column
    noncontiguous = noncontiguous and math.prod(shape) > 1
    full = (*shape[:-1], 2 * shape[-1]) if noncontiguous else shape
    rng = _random.rng()
    if floating:
        values = rng.uniform(low, high, full) if high - low < float(info.max) else 2 * rng.uniform(low / 2, high / 2, full)
        values = values.astype(np_dtype)
    else:
        values = rng.integers(math.ceil(low), math.ceil(high), full, dtype=np.int64, endpoint=False).astype(np_dtype)
    if noncontiguous:
        values = values[..., 1::2]
    if exclude_zero:
        values[values == 0] = np.finfo(np_dtype).tiny if floating else 1
    return _make(values).requires_grad_(requires_grad) if floating else _make(values)
