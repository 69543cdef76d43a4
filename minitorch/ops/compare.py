"""Comparisons and logic: == < & | any all isclose ...

Their results are bool tensors (or integer ones, for bitwise operations on integers). They have no
gradient - the derivative of a comparison is 0 wherever it exists - so they are plain functions, not
Ops, and their results never require grad.
"""
import numpy as np

from .._dtype import result_type, uint8
from ..tensor import Tensor, _make
from .reduction import normalize_dims


def _operands(input, other):
    """Both operands as arrays of torch's common dtype: ``int_tensor < 2.5`` compares as floats, and a
    number is cast as torch casts it (300 is 44 as a uint8)."""
    dtype = result_type(input, other).np
    return [(x._data if isinstance(x, Tensor) else np.asarray(x)).astype(dtype, copy=False) for x in (input, other)]


def _is_operand(x):
    return isinstance(x, (Tensor, bool, int, float, np.number, np.bool_))


def _compare(ufunc, input, other):
    a, b = _operands(input, other)
    return _make(ufunc(a, b))


def eq(input, other):
    return _compare(np.equal, input, other)


def ne(input, other):
    return _compare(np.not_equal, input, other)


def lt(input, other):
    return _compare(np.less, input, other)


def le(input, other):
    return _compare(np.less_equal, input, other)


def gt(input, other):
    return _compare(np.greater, input, other)


def ge(input, other):
    return _compare(np.greater_equal, input, other)


def _operator(fn):
    """``t == x`` and friends: for anything that is neither a tensor nor a number Python falls back to
    identity (``t == None`` is False), as with torch."""
    def method(self, other):
        return fn(self, other) if _is_operand(other) else NotImplemented
    return method


def equal(input, other):
    """True if both have the same shape and the same values (of any dtypes)."""
    return input.shape == other.shape and bool(np.array_equal(input._data, other._data))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other|, elementwise (infinities are close only to themselves)."""
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{input.dtype.scalar_name} did not match {other.dtype.scalar_name}")
    for name, value in (("rtol", rtol), ("atol", atol)):
        if value < 0:
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {value}")
    return _make(np.isclose(input._data, other._data, rtol, atol, equal_nan))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


# -- logic: any value that is not zero is true ---------------------------------------------------------
def _tensor_only(fn_name, other):
    if not isinstance(other, Tensor):
        raise TypeError(f"{fn_name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")


def logical_and(input, other):
    _tensor_only("logical_and", other)
    return _make(np.logical_and(input._data, other._data))


def logical_or(input, other):
    _tensor_only("logical_or", other)
    return _make(np.logical_or(input._data, other._data))


def logical_xor(input, other):
    _tensor_only("logical_xor", other)
    return _make(np.logical_xor(input._data, other._data))


def logical_not(input):
    return _make(np.logical_not(input._data))


def _reduce_truth(np_fn, input, dim, keepdim):
    """any/all over all elements or ``dim``: bool, except uint8 stays uint8 (as torch)."""
    dims = None if dim is None else normalize_dims(dim, input.ndim)
    out = np_fn(input._data, axis=dims, keepdims=keepdim)
    return _make(out.astype(np.uint8) if input.dtype is uint8 else out)


def any(input, dim=None, keepdim=False):
    return _reduce_truth(np.any, input, dim, keepdim)


def all(input, dim=None, keepdim=False):
    return _reduce_truth(np.all, input, dim, keepdim)


# -- bitwise operations: on the bits of integers; on bools, the same as logic -------------------------
def _bitwise(ufunc, kernel, input, other):
    dtype = result_type(input, other)
    if dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{dtype.scalar_name}'")
    a, b = _operands(input, other)
    return _make(ufunc(a, b))


def bitwise_and(input, other):
    return _bitwise(np.bitwise_and, "bitwise_and_cpu", input, other)


def bitwise_or(input, other):
    return _bitwise(np.bitwise_or, "bitwise_or_cpu", input, other)


def bitwise_xor(input, other):
    return _bitwise(np.bitwise_xor, "bitwise_xor_cpu", input, other)


def bitwise_not(input):
    if input.is_floating_point():
        raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for '{input.dtype.scalar_name}'")
    return _make(np.invert(input._data))


def _invert(self):
    """``~t``."""
    if self.is_floating_point():
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return bitwise_not(self)
