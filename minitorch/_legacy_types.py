"""The legacy tensor types: ``torch.FloatTensor``, ``torch.LongTensor``, ...

Before dtypes, each element type had its own tensor class. torch keeps them as constructors and for
``isinstance``, but no tensor is an instance of them in the ordinary sense: ``type(torch.FloatTensor([1]))`` is
``torch.Tensor``, and ``issubclass(torch.FloatTensor, torch.Tensor)`` is False. They are classes whose
metaclass (torch's ``tensortype``) answers ``isinstance(x, torch.FloatTensor)`` by ``x``'s dtype, and whose
``__new__`` makes a plain Tensor of their dtype - the same here.
"""
import numpy as np

from . import _dtype
from ._device import check_device
from ._layout import strided
from ._size import Size
from .tensor import Tensor, _make

_SIGNATURES = (" * (*, torch.device device = None)\n * (torch.Storage storage)\n * (Tensor other)\n"
               " * (tuple of ints size, *, torch.device device = None)\n"
               " * (object data, *, torch.device device = None)\n")


class tensortype(type):
    """The metaclass of the legacy types: ``isinstance(x, FloatTensor)`` is "x is a dense float32 tensor"."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and not obj.is_sparse

    def __subclasscheck__(cls, sub):
        return sub is cls


def _parser_type(value):
    """What torch's argument parser calls the type of an argument: ``int``, ``Tensor``, ``torch.dtype``."""
    if isinstance(value, Tensor):
        return "Tensor"
    return "torch.dtype" if isinstance(value, _dtype.dtype) else type(value).__name__


def _invalid(args, kwargs):
    """torch's TypeError for arguments no signature of ``new()`` takes (without its notes on why each
    signature did not match)."""
    got = ", ".join([_parser_type(a) for a in args] + [f"{k}={_parser_type(v)}" for k, v in kwargs.items()])
    return TypeError(f"new() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                     f"{_SIGNATURES}")


def _options(dtype):
    """torch's printout of the options of a tensor, in its type error."""
    return (f"TensorOptions(dtype={dtype.cpp_name}, device=cpu, layout=Strided, requires_grad=false (default), "
            f"pinned_memory=false (default), memory_format=(nullopt))")


def _new(dtype, args, kwargs):
    """torch's legacy ``new()``: ``T()`` empty, ``T(2, 3)`` or ``T(torch.Size)`` uninitialised of that shape,
    ``T(tensor)`` the same memory (the tensor must have T's dtype), ``T(data)`` a copy of a sequence."""
    if set(kwargs) - {"device"}:
        raise _invalid(args, kwargs)
    check_device(kwargs.get("device"))
    if len(args) == 1 and isinstance(args[0], Tensor):
        other = args[0]
        if other.dtype is not dtype:
            raise TypeError(f"expected {_options(dtype)} (got {_options(other.dtype)})")
        from .ops.shape import Alias
        return Alias.apply(other)  # torch's alias: the same memory, and the same graph (AliasBackward0)
    if not args:  # T(): an empty tensor
        args = (0,)
    if all(type(a) is int for a in args) or (len(args) == 1 and isinstance(args[0], Size)):
        shape = list(args[0] if len(args) == 1 and isinstance(args[0], Size) else args)
        for n in shape:
            if n < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {shape}")
        return _make(np.empty(shape, dtype.np))
    if len(args) > 1:
        raise _invalid(args, kwargs)
    data = args[0]
    if isinstance(data, str):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if not isinstance(data, (list, tuple, np.ndarray)):  # a bare number is not data, unlike torch.tensor(2.5)
        raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
    from .creation import tensor
    return tensor(data, dtype=dtype)


def _legacy_type(dtype):
    """The legacy class of ``dtype``: its name is ``dtype.tensor_type`` without ``torch.``."""
    def __new__(cls, *args, **kwargs):
        return _new(dtype, args, kwargs)

    name = dtype.tensor_type.split(".")[-1]
    return tensortype(name, (), {"__new__": __new__, "__module__": "torch", "__qualname__": name, "dtype": dtype,
                                 "layout": strided, "is_sparse": False, "is_cuda": False, "__doc__": None})


# torch 2.14's legacy types at top level, but BFloat16Tensor: minitorch has no bfloat16
FloatTensor = _legacy_type(_dtype.float32)
DoubleTensor = _legacy_type(_dtype.float64)
HalfTensor = _legacy_type(_dtype.float16)
LongTensor = _legacy_type(_dtype.int64)
IntTensor = _legacy_type(_dtype.int32)
ShortTensor = _legacy_type(_dtype.int16)
CharTensor = _legacy_type(_dtype.int8)
ByteTensor = _legacy_type(_dtype.uint8)
BoolTensor = _legacy_type(_dtype.bool_)
