"""Creating tensors: from data, filled, ranges, random, and the ``*_like`` forms.

Each follows torch's rule for the result's dtype (``tensor([1, 2.5])`` is float32, ``full((2,), 7)``
int64, ``arange(0, 1, 0.1)`` float32 with 10 values) and raises torch's error for a bad argument.
"""
import functools
import inspect
import math
import numbers
import operator

import numpy as np

from . import _dtype
from ._device import check_factory_device
from .ops.op import Op
from .random import rng
from .tensor import Tensor, _make


def _finish(data, requires_grad):
    t = _make(data)
    if requires_grad:
        if data.dtype.kind != "f":  # factories word it differently from the requires_grad setter
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad = True
    return t


# -- from data ------------------------------------------------------------------------------------------
def _number_dtype(x):
    """The dtype torch gives one number: NumPy numbers and tensors keep theirs; Python bool, int and
    float are bool, int64 and the default dtype."""
    if isinstance(x, Tensor):
        if x.numel() != 1:  # inside a list a tensor counts as one number
            raise ValueError("only one element tensors can be converted to Python scalars")
        return x.dtype
    if isinstance(x, (np.generic, np.ndarray)):  # a NumPy number or 0-d array
        return _dtype.from_numpy_dtype(x.dtype)
    if isinstance(x, bool):
        return _dtype.bool_
    if isinstance(x, numbers.Integral):
        return _dtype.int64
    if isinstance(x, numbers.Real):
        return _dtype.get_default_dtype()
    if isinstance(x, str):
        raise TypeError("new(): invalid data type 'str'")
    raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")


def _is_sequence(x):
    return isinstance(x, (list, tuple, range)) or (isinstance(x, np.ndarray) and x.ndim > 0)


def _infer_dtype(data):
    """The dtype torch infers for (nested sequences of) numbers, checking that they are rectangular.

    The first element at each depth fixes that dimension's length; the dtype promotes the dtypes of
    all the numbers: ``[1, 2.5]`` is float32, ``[True, 2]`` int64, ``[np.float64(1), 2]`` float64.
    """
    shape, first = [], data
    while _is_sequence(first):
        if isinstance(first, np.ndarray):
            shape.extend(first.shape)
            break
        shape.append(len(first))
        if not len(first):
            break
        first = first[0]
    found = set()

    def visit(x, dim):
        if dim == len(shape):
            if _is_sequence(x):
                raise TypeError(f"must be real number, not {type(x).__name__}")
            found.add(_number_dtype(x))
        elif not _is_sequence(x):
            raise TypeError("not a sequence")
        elif len(x) != shape[dim]:
            raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(x)})")
        elif isinstance(x, np.ndarray) and x.shape == tuple(shape[dim:]):  # a whole block of one dtype
            found.add(_dtype.from_numpy_dtype(x.dtype))
        else:
            for item in x:
                visit(item, dim + 1)

    visit(data, 0)
    return functools.reduce(_dtype.promote_types, found) if found else _dtype.get_default_dtype()


def _to_nested(data):
    """``data`` as NumPy reads it: a tensor becomes its array, a tensor inside a list its number."""
    if isinstance(data, Tensor):
        return data.numpy(force=True)  # (its array; inside vmap a batched tensor refuses, as torch's does)
    if isinstance(data, (list, tuple)):
        return [x.item() if isinstance(x, Tensor) else _to_nested(x) for x in data]
    return data


def _store(data, dtype):
    """``data``'s values in ``dtype``. Arrays and tensors are cast as NumPy casts; numbers are stored as
    torch stores them: floats truncate toward zero into integer types, and a value outside the type's
    range is an error (negative integers wrap into unsigned types, as in C)."""
    nested = _to_nested(data)
    if isinstance(data, (Tensor, np.ndarray)) or dtype.np.kind not in "iu":
        with np.errstate(over="ignore"):  # as in torch, a float too big for the dtype becomes inf
            return np.array(nested, dtype=dtype.np)
    info = np.iinfo(dtype.np)
    exact = np.array(nested)
    if exact.dtype.kind not in "bi":  # floats, or integers past int64: number by number
        values = [_integer(x, dtype) for x in np.array(nested, dtype=object).flat]
        exact = np.array(values, np.int64).reshape(exact.shape)
    elif np.any((exact > info.max) | (exact < (info.min or -info.max))):
        raise RuntimeError(f"value cannot be converted to type {dtype.name} without overflow")
    return exact.astype(dtype.np)


def _integer(x, dtype):
    """One number as a Python int for integer ``dtype``, or torch's error."""
    if isinstance(x, numbers.Integral) and not -2 ** 63 <= x < 2 ** 63:
        raise ValueError("Overflow when unpacking long long")
    if not _fits(x, dtype):
        raise RuntimeError(f"value cannot be converted to type {dtype.name} without overflow")
    return int(x)  # toward zero


def _fits(x, dtype):
    """Whether torch stores the number ``x`` into ``dtype``: inside the type's range, where a float
    going into an integer type counts once truncated toward zero (negative integers wrap into
    unsigned types, as in C; inf and nan go into floating types only)."""
    if dtype is _dtype.bool_:
        return True
    if dtype.is_floating_point:
        info = np.finfo(dtype.np)
        return not math.isfinite(x) or float(info.min) <= x <= float(info.max)
    info = np.iinfo(dtype.np)
    if isinstance(x, numbers.Integral):
        return (info.min or -info.max) <= x <= info.max
    return info.min <= float(x) < info.max + 1  # False for nan


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data``: a number, nested sequences of numbers, an ndarray or a tensor."""
    check_factory_device(device)
    dtype = _dtype.as_dtype(dtype, "tensor")
    if dtype is None:
        dtype = data.dtype if isinstance(data, Tensor) else _infer_dtype(data)
    return _finish(_store(data, dtype), requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory with an ndarray or tensor when no conversion is needed."""
    check_factory_device(device)
    dtype = _dtype.as_dtype(dtype, "as_tensor")
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
    t = _make(ndarray)
    t._data = ndarray  # NumPy's own strides, an empty array's zeros included (_make gives new ones torch's)
    return t


# -- filled ---------------------------------------------------------------------------------------------
def _index(x):
    """``x`` as an int if it is one (a Python or NumPy integer, an integer tensor of one element)."""
    try:
        return operator.index(x)
    except TypeError:
        return None


def _size(name, size):
    """The shape given to factory ``name`` as ``f(2, 3)`` or ``f((2, 3))``, checked as torch checks it."""
    if not size:
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
        for pos, s in enumerate(size):
            if _index(s) is None:
                raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, but found element "
                                f"of type {type(s).__name__} at pos {pos}")
    elif len(size) == 1:
        if isinstance(size[0], bool) or _index(size[0]) is None:  # a lone bool is refused, listed ones are 0/1
            raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not "
                            f"{type(size[0]).__name__}")
    else:
        for pos, s in enumerate(size, 1):
            if _index(s) is None:
                raise TypeError(f"{name}(): argument 'size' failed to unpack the object at pos {pos} with error "
                                f"\"type must be tuple of ints,but got {type(s).__name__}\"")
    shape = tuple(operator.index(s) for s in size)
    negative = [s for s in shape if s < 0]
    if negative:
        if name == "zeros":  # torch.zeros checks sizes on a path of its own
            raise RuntimeError("zeros: Dimension size must be non-negative.")
        raise RuntimeError(f"Trying to create tensor with negative dimension {negative[0]}: {list(shape)}")
    return shape


def _dt(dtype, fn):
    """The NumPy dtype for factory ``fn``'s ``dtype=`` argument (default: the default dtype)."""
    return (_dtype.as_dtype(dtype, fn) or _dtype.get_default_dtype()).np


def _factory(fn):
    """The calling forms torch accepts for every factory, added to ``fn``: ``out=`` (the tensor is made in
    out's dtype, or in ``dtype=`` if it is the same, and written into ``out``, resized), and, for the
    ``f(*size)`` factories, the shape as ``size=`` keyword (``rand(size=(2, 3))``)."""
    name = fn.__name__
    star_size = fn.__code__.co_flags & inspect.CO_VARARGS

    @functools.wraps(fn)
    def factory(*args, out=None, **kwargs):
        if star_size and "size" in kwargs:
            size = kwargs.pop("size")
            if args:
                got = ", ".join(type(a).__name__ for a in args)
                raise TypeError(f"{name}() received an invalid combination of arguments - got ({got}, size="
                                f"{type(size).__name__}), but expected one of:\n * (tuple of ints size, *, ...)")
            args = (size,)
        if out is None:
            return fn(*args, **kwargs)
        return _into_out(name, fn, args, kwargs, out)
    return factory


def _into_out(name, fn, args, kwargs, out):
    """``fn(*args, **kwargs)`` written into ``out`` as torch's factories do it."""
    from .ops.inplace import copy_into_out  # (ops import this module's factories)
    dtype = _dtype.as_dtype(kwargs.get("dtype"), name)
    if dtype is not None and dtype is not out.dtype:
        raise RuntimeError(f"dtype {dtype.scalar_name} does not match dtype of out parameter "
                           f"({out.dtype.scalar_name})")
    requires_grad = kwargs.pop("requires_grad", False)
    if out.requires_grad:
        raise RuntimeError(f"aten::{name}(): functions with out=... arguments don't support automatic "
                           f"differentiation, but one of the arguments requires grad.")
    copy_into_out(out, fn(*args, **{**kwargs, "dtype": out.dtype}))
    return out.requires_grad_() if requires_grad else out


@_factory
def zeros(*size, dtype=None, device=None, requires_grad=False):
    check_factory_device(device)
    return _finish(np.zeros(_size("zeros", size), _dt(dtype, "zeros")), requires_grad)


@_factory
def ones(*size, dtype=None, device=None, requires_grad=False):
    check_factory_device(device)
    return _finish(np.ones(_size("ones", size), _dt(dtype, "ones")), requires_grad)


@_factory
def empty(*size, dtype=None, device=None, requires_grad=False, memory_format=None):
    """Uninitialised memory, as in torch: the values are whatever was there."""
    check_factory_device(device)
    return _finish(np.empty(_size("empty", size), _dt(dtype, "empty")), requires_grad)


def _fill_dtype(value):
    """torch's dtype for a fill value: a Python bool gives bool, any integer int64, anything else the
    default dtype (a fill value is read as a Python number, so a float64 tensor gives float32)."""
    if isinstance(value, bool):
        return _dtype.bool_
    if isinstance(value, numbers.Integral):
        return _dtype.int64
    return _dtype.get_default_dtype()


_C_TYPES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
            "float16": "c10::Half", "float32": "float"}  # the types a number may not fit (C++ names, as torch's error)


def _filled(shape, value, dtype, requires_grad):
    """A tensor of ``shape`` holding ``value`` in ``dtype``; torch refuses a value the dtype cannot hold."""
    value = _scalar(value)
    if not _fits(value, dtype):
        raise RuntimeError(f"value cannot be converted to type {_C_TYPES[dtype.name]} without overflow")
    if dtype is _dtype.bool_:
        value = bool(value)
    elif not dtype.is_floating_point:
        value = np.array(int(value)).astype(dtype.np)  # toward zero; negative wraps into unsigned types
    return _finish(np.full(shape, value, dtype.np), requires_grad)


@_factory
def full(size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """A tensor of shape ``size`` filled with ``fill_value``: ``full((2,), 7)`` is int64, ``full((2,), 7.)``
    float32, ``full((2,), True)`` bool."""
    check_factory_device(device)
    dtype = _dtype.as_dtype(dtype, "full")
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    fill_value = _scalar(fill_value)
    return _filled(_size("full", (size,)), fill_value, dtype or _fill_dtype(fill_value), requires_grad)


@_factory
def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    """The n x m (default n x n) identity matrix."""
    check_factory_device(device)
    for position, name, k in ((1, "n", n), (2, "m", m)):
        if k is None:
            continue
        if isinstance(k, bool) or _index(k) is None:
            raise TypeError(f"eye(): argument '{name}' (position {position}) must be int, not {type(k).__name__}")
        if k < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {k}")
    return _finish(np.eye(n, n if m is None else m, dtype=_dt(dtype, "eye")), requires_grad)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    """A 0-d tensor holding the number ``s``, in the default dtype unless ``dtype`` says otherwise (whatever the
    number's type: ``scalar_tensor(1)`` is float32, unlike ``tensor(1)``)."""
    check_factory_device(device)
    if isinstance(s, Tensor) and s.ndim == 0 and not s.requires_grad:  # (a 0-d tensor is read as its number; not
        s = s.item()                                                  # one that requires grad, as torch)
    if not isinstance(s, numbers.Number):
        raise TypeError(f"scalar_tensor(): argument 's' (position 1) must be Number, not {type(s).__name__}")
    dtype = _dtype.as_dtype(dtype, "scalar_tensor") or _dtype.get_default_dtype()
    if dtype is _dtype.float16:  # torch fills a single float16 element unchecked: a number out of range is inf
        with np.errstate(over="ignore"):
            return _finish(np.array(float(s), np.float16), requires_grad)
    return _filled((), s, dtype, requires_grad)


# -- strided: memory laid out as asked ------------------------------------------------------------------------
# A minitorch tensor's layout is its NumPy array's strides (``stride()`` reports them in elements), so these are
# NumPy views of a fresh buffer just large enough: the element at index i is at sum(i_k * stride_k).
def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False):
    """Uninitialised memory of shape ``size`` whose elements lie ``stride`` elements apart along each dim (strides
    may overlap, as in torch: ``empty_strided((5, 5), (2, 1))`` takes 13 elements of memory)."""
    check_factory_device(device)
    return _finish(_strided(_size("empty_strided", (_ints("empty_strided", "size", 1, size),)),
                            _ints("empty_strided", "stride", 2, stride), _dt(dtype, "empty_strided")), requires_grad)


def _ints(name, argument, position, value):
    """A tuple-of-ints argument of factory ``name`` as a tuple, or torch's TypeError."""
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be tuple of ints, not "
                        f"{type(value).__name__}")
    for pos, s in enumerate(value):
        if isinstance(s, bool) or _index(s) is None:
            raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be tuple of ints, but "
                            f"found element of type {type(s).__name__} at pos {pos}")
    return tuple(operator.index(s) for s in value)


def _strided(shape, strides, np_dtype):
    """An uninitialised array of ``shape`` with ``strides`` (in elements), on a buffer of the span they reach."""
    if len(shape) != len(strides):
        raise RuntimeError(f"dimensionality of sizes ({len(shape)}) must match dimensionality of strides "
                           f"({len(strides)})")
    if any(s < 0 for s in strides) and 0 not in shape:
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(shape)} and strides={list(strides)}")
    span = 0 if 0 in shape else 1 + sum((n - 1) * s for n, s in zip(shape, strides))
    itemsize = np.dtype(np_dtype).itemsize
    return np.lib.stride_tricks.as_strided(np.empty(span, np_dtype), shape, tuple(s * itemsize for s in strides))


def empty_permuted(size, physical_layout, *, dtype=None, device=None, requires_grad=False):
    """Uninitialised memory of shape ``size`` laid out densely in the order ``physical_layout`` (outermost dim
    first): ``empty_permuted((2, 3, 4), (0, 2, 1))`` is channels-last-like, strides (12, 1, 3). It is ``empty`` of
    the permuted shape, permuted back."""
    check_factory_device(device)
    size = _ints("empty_permuted", "size", 1, size)
    order = _ints("empty_permuted", "physical_layout", 2, physical_layout)
    if len(size) != len(order):
        raise RuntimeError(f"Number of dimensions in size does not match the length of the physical_layout; i.e. "
                           f"len(size) = {len(size)} is not equal to len(physical_layout) = {len(order)}")
    for i, d in enumerate(order):
        if not 0 <= d < len(size):
            raise RuntimeError(f"Dimension out of range (expected to be between 0 and {len(size) - 1}, but got {d} "
                               f"at index {i}).  NB: negative dims not currently supported; file an issue if you "
                               f"want it.")
    if len(set(order)) != len(order):
        raise RuntimeError("Duplicate dim not allowed")
    physical = _size("empty_permuted", ([size[d] for d in order],))
    # the physical shape's contiguous strides, as torch counts them (an empty dim counts as 1, where NumPy would
    # make every stride of an empty array 0), then each given back to its dim
    strides, step = [0] * len(size), 1
    for d, n in zip(reversed(order), reversed(physical)):
        strides[d] = step
        step *= max(n, 1)
    return _finish(_strided(tuple(size), tuple(strides), _dt(dtype, "empty_permuted")), requires_grad)


# -- ranges ---------------------------------------------------------------------------------------------
def _fma(a, b, c, odd=False):
    """``a * b + c`` rounded once, as the fused multiply-add in torch's compiled linspace kernel; NumPy
    rounds the product and the sum separately, which can land an ulp away (and, truncated into an
    integer type, one apart). Error-free transformations carry every rounding error along in float64.

    ``odd``: round to odd instead (an inexact result gets an odd last bit), so that rounding the
    float64 result to float32 afterwards is the same as rounding once (Boldo & Melquiond)."""
    a, b, c = (np.asarray(x, np.float64) for x in (a, b, c))
    p, p_err = _two_product(a, b)
    s, s_err = _two_sum(p, c)
    t, t_err = _two_sum(s_err, p_err)
    r, r_err = _two_sum(s, t)  # now a * b + c == r + r_err + t_err exactly, and r is it rounded...
    # ...unless r + r_err fell exactly halfway between two floats and t_err pushes it past the middle
    toward = np.nextafter(r, np.copysign(np.inf, r_err))
    past_tie = (np.abs(r_err) == np.abs(toward - r) / 2) & (t_err != 0) & (np.sign(t_err) == np.sign(r_err))
    result = np.where(past_tie, toward, r)
    if not odd:
        return result
    residual = np.where(past_tie, -r_err, r_err + t_err)  # its sign: where a * b + c lies from result
    even = (result.view(np.int64) & 1) == 0
    return np.where((residual != 0) & even, np.nextafter(result, np.copysign(np.inf, residual)), result)


def _two_sum(x, y):
    """Knuth: ``x + y`` rounded, and its rounding error."""
    s = x + y
    back = s - x
    return s, (x - (s - back)) + (y - back)


def _two_product(x, y):
    """Dekker: ``x * y`` rounded, and its rounding error (from products of 26-bit halves, all exact)."""
    p = x * y
    x_hi, x_lo = _halves(x)
    y_hi, y_lo = _halves(y)
    return p, ((x_hi * y_hi - p) + x_hi * y_lo + x_lo * y_hi) + x_lo * y_lo


def _halves(x):
    """``x`` split into a high part of 26 significant bits and the rest (Veltkamp)."""
    t = x * 134217729.0  # 2**27 + 1
    hi = t - (t - x)
    return hi, x - hi


def _scalar(x):
    return x.item() if isinstance(x, Tensor) else x


@_factory
def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """``ceil((end - start) / step)`` values from ``start`` (default 0), ``step`` apart, ``end`` excluded.

    int64 when start, end and step are all integers, else the default dtype: ``arange(0, 1, 0.1)`` is
    float32 with 10 values. An integer dtype truncates float bounds first, as torch does.
    """
    check_factory_device(device)
    if end is None:
        start, end = 0, start
    start, end, step = _scalar(start), _scalar(end), _scalar(step)
    integral = all(isinstance(x, numbers.Integral) for x in (start, end, step))
    dtype = _dtype.as_dtype(dtype, "arange") or (_dtype.int64 if integral else _dtype.get_default_dtype())
    if dtype is _dtype.bool_:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start:g} -> {end:g}")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    # exact integer ceiling for integers; torch computes it in double otherwise
    n = -((start - end) // step) if integral else math.ceil((float(end) - float(start)) / float(step))
    i = np.arange(n)
    values = float(start) + float(step) * i if dtype.is_floating_point else int(start) + int(step) * i
    return _finish(values.astype(dtype.np), requires_grad)


def _ends(start, end, steps, dtype):
    """linspace's checked arguments, with the ends rounded to ``dtype`` first, as torch rounds them."""
    steps = operator.index(steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    s, e = np.array([_scalar(start), _scalar(end)]).astype(dtype.np)
    return s, e, steps


def _two_halves(steps, counting_up, counting_down):
    """torch's even spacing: the first half counts up from the start, the second half down from the
    end (given how many steps each value is from its end), so that both ends come out exact."""
    i = np.arange(steps)
    return np.where(i < steps // 2, counting_up(i), counting_down(steps - 1 - i))


@_factory
def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    """``steps`` values evenly spaced from ``start`` to ``end``, both included (default dtype: float32).

    Bit for bit as torch's kernel: the step is taken in the dtype's precision (float64 for integer
    types), and each value is ``start + step * i`` with one rounding (a fused multiply-add)."""
    check_factory_device(device)
    dtype = _dtype.as_dtype(dtype, "linspace") or _dtype.get_default_dtype()
    s, e, steps = _ends(start, end, steps, dtype)
    if steps <= 1:
        return _finish(np.full(steps, s), requires_grad)
    if dtype.is_floating_point:
        step = float((e - s) / dtype.np.type(steps - 1))
        count = dtype.np.type  # torch converts the counts to the dtype before multiplying
    else:
        step = (float(e) - float(s)) / (steps - 1)
        count = np.int64
    narrow = dtype.is_floating_point and dtype.itemsize < 8  # computed in float64: round to odd first
    values = _two_halves(steps, lambda i: _fma(step, count(i), s, odd=narrow),
                         lambda k: _fma(-step, count(k), e, odd=narrow))
    return _finish(values.astype(dtype.np), requires_grad)


@_factory
def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    """``base ** linspace(start, end, steps)`` as torch computes it: the exponents in float64 from the
    ends rounded to ``dtype`` (without fused multiply-adds), the powers in float64, then rounded."""
    check_factory_device(device)
    dtype = _dtype.as_dtype(dtype, "logspace") or _dtype.get_default_dtype()
    s, e, steps = _ends(start, end, steps, dtype)
    if steps == 1:  # torch takes the power of the unrounded start
        exponents = np.array([float(_scalar(start))])
    else:
        step = float(e - s) / (steps - 1)
        exponents = _two_halves(steps, lambda i: float(s) + step * i, lambda k: float(e) - step * k)
    return _finish(np.power(float(base), exponents).astype(dtype.np), requires_grad)


# -- random ---------------------------------------------------------------------------------------------
def _random_dtype(dtype, kernel):
    """``dtype`` if floating point; torch has no uniform or normal sampler for integer types."""
    if not dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{dtype.scalar_name}'")
    return dtype


def _uniform(generator, shape, dtype):
    """Uniform on [0, 1) in ``dtype``: a random integer with as many bits as the dtype's significand,
    scaled down. (Rounding a float64 draw to float32 could give 1.0.)"""
    bits = np.finfo(dtype.np).nmant + 1
    return (rng(generator).integers(0, 2 ** bits, shape) * 2.0 ** -bits).astype(dtype.np)


def _normal(generator, shape, dtype):
    """Standard normal samples in ``dtype`` (drawn in float32 unless float64 is wanted: twice as fast)."""
    if math.prod(shape):  # torch's normal kernel complains only when it has something to fill
        _random_dtype(dtype, "normal_kernel_cpu")
    wide = np.float64 if dtype is _dtype.float64 else np.float32
    return rng(generator).standard_normal(shape, dtype=wide).astype(dtype.np, copy=False)


@_factory
def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform on [0, 1)."""
    check_factory_device(device)
    dtype = _random_dtype(_dtype.as_dtype(dtype, "rand") or _dtype.get_default_dtype(), "check_uniform_bounds")
    return _finish(_uniform(generator, _size("rand", size), dtype), requires_grad)


@_factory
def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal."""
    check_factory_device(device)
    dtype = _dtype.as_dtype(dtype, "randn") or _dtype.get_default_dtype()
    return _finish(_normal(generator, _size("randn", size), dtype), requires_grad)


def _integers(generator, low, high, shape, dtype):
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    return rng(generator).integers(low, high, shape).astype(dtype.np)


@_factory
def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Integers uniform on [low, high) (int64 unless ``dtype`` says otherwise); ``randint(high, size)``
    and ``randint(high, size=size)`` start at 0."""
    check_factory_device(device)
    if size is None:
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"randint(): argument 'size' (position 2) must be tuple of ints, not {type(size).__name__}")
    shape = _size("randint", (size,))
    return _finish(_integers(generator, low, high, shape, _dtype.as_dtype(dtype, "randint") or _dtype.int64),
                   requires_grad)


@_factory
def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of 0 .. n-1."""
    check_factory_device(device)
    _size("randperm", (n,))
    dtype = _dtype.as_dtype(dtype, "randperm") or _dtype.int64
    return _finish(rng(generator).permutation(n).astype(dtype.np), requires_grad)


class _Drawn(Op):
    """z = a sample drawn with tensor parameters (means, standard deviations, probabilities).
    VJP: zeros for each parameter - torch does not differentiate through the draw, but it records it, so
    that the sample requires grad when a parameter does (and backward gives the parameters zero gradients)."""

    @staticmethod
    def forward(ctx, sample, *params):
        ctx.params = [(p.shape, p.dtype) for p in params if isinstance(p, np.ndarray)]  # the tensor ones
        return sample

    @staticmethod
    def backward(ctx, g):
        return tuple(_make(np.zeros(shape, dtype)) for shape, dtype in ctx.params)


class _NormalTensorFloat(_Drawn):
    node_name = "NormalBackward1"


class _NormalFloatTensor(_Drawn):
    node_name = "NormalBackward2"


class _NormalTensorTensor(_Drawn):
    node_name = "NormalBackward3"


class _BernoulliDrawn(_Drawn):
    node_name = "BernoulliBackward0"


def normal(mean, std, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Normal samples: of ``size`` for number arguments, else elementwise over tensor means/stds."""
    if size is not None:
        check_factory_device(device)
        return _finish(rng(generator).normal(mean, std, _size("normal", (size,))).astype(_dt(dtype, "normal")),
                       requires_grad)
    mean_a = mean._data if isinstance(mean, Tensor) else mean
    std_a = std._data if isinstance(std, Tensor) else std
    like = mean if isinstance(mean, Tensor) else std
    out = np.asarray(rng(generator).normal(mean_a, std_a), like._data.dtype)
    drawn = (_NormalTensorTensor if isinstance(std, Tensor) else _NormalTensorFloat) if isinstance(mean, Tensor) \
        else _NormalFloatTensor
    return drawn.apply(out, mean, std)


def bernoulli(input, p=None, *, generator=None):
    """1 with probability ``input`` (or ``p``), else 0, elementwise."""
    probs = input._data if p is None else np.full(input._data.shape, p)
    out = (rng(generator).random(input._data.shape) < probs).astype(input._data.dtype)
    return _make(out) if p is not None else _BernoulliDrawn.apply(out, input)


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """Indices drawn with probabilities proportional to ``input``'s rows."""
    p = input._data.astype(np.float64)

    def draw(row):
        return rng(generator).choice(len(row), num_samples, replace=replacement, p=row / row.sum())

    out = np.stack([draw(r) for r in p]) if p.ndim == 2 else draw(p)
    return _make(out.astype(np.int64))


# -- *_like ---------------------------------------------------------------------------------------------
def _like(fn, input, dtype, device):
    """The shape of ``input`` and the dtype of the result (``input``'s unless given) for ``fn``."""
    check_factory_device(device)
    return input._data.shape, _dtype.as_dtype(dtype, fn) or input.dtype


def zeros_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    shape, dtype = _like("zeros_like", input, dtype, device)
    return _finish(np.zeros(shape, dtype.np), requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    shape, dtype = _like("ones_like", input, dtype, device)
    return _finish(np.ones(shape, dtype.np), requires_grad)


def empty_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    shape, dtype = _like("empty_like", input, dtype, device)
    return _finish(np.empty(shape, dtype.np), requires_grad)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    shape, dtype = _like("full_like", input, dtype, device)
    return _filled(shape, fill_value, dtype, requires_grad)


def rand_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, generator=None):
    shape, dtype = _like("rand_like", input, dtype, device)
    return _finish(_uniform(generator, shape, _random_dtype(dtype, "check_uniform_bounds")), requires_grad)


def randn_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, generator=None):
    shape, dtype = _like("randn_like", input, dtype, device)
    return _finish(_normal(generator, shape, dtype), requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False, generator=None):
    """Integers uniform on [low, high) in ``input``'s shape and dtype; ``randint_like(x, high)`` starts at 0."""
    if high is None:
        low, high = 0, low
    shape, dtype = _like("randint_like", input, dtype, device)
    return _finish(_integers(generator, low, high, shape, dtype), requires_grad)
