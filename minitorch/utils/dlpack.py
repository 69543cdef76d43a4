"""torch.utils.dlpack: tensors shared with other libraries (NumPy, torch, JAX, CuPy...) without a copy.

DLPack is a small C struct - data pointer, dtype, shape, strides, device - that one library hands another,
wrapped in a PyCapsule that the receiver takes ownership of (once). A minitorch tensor is a NumPy array, and
NumPy speaks DLPack both ways, so both directions are NumPy's: ``Tensor.__dlpack__`` (minitorch/tensor.py)
exports ``_data``, and ``from_dlpack`` here wraps what ``np.from_dlpack`` reads. Writes through either side
show in the other: it is one piece of memory.
"""
import numpy as np

from .. import _dtype
from .._device import DLDeviceType, check_device
from ..tensor import _make, _writeable_alias

__all__ = ["DLDeviceType", "from_dlpack", "to_dlpack"]

_INVALID_CAPSULE = ("from_dlpack received an invalid capsule. Note that DLTensor capsules can be consumed only "
                    "once, so you might have already constructed a tensor from it once.")


def to_dlpack(tensor):
    """The tensor's DLPack capsule (the unversioned "dltensor" one). Unlike ``tensor.__dlpack__()``, torch's
    ``to_dlpack`` does not refuse a tensor that requires grad; neither does this."""
    if tensor.is_sparse:
        tensor.data_ptr()  # torch's RuntimeError: a sparse tensor has no one piece of memory to share
    return _writeable_alias(tensor._data).__dlpack__()


def from_dlpack(ext_tensor, *, device=None, copy=None):
    """A tensor sharing the memory of ``ext_tensor``: anything with ``__dlpack__`` (a torch tensor, a NumPy
    array, a minitorch tensor), or a capsule from ``to_dlpack``. ``copy=True`` copies instead."""
    if hasattr(ext_tensor, "__dlpack__"):
        check_device(device)
        array = np.from_dlpack(ext_tensor, copy=copy)
    elif type(ext_tensor).__name__ == "PyCapsule":
        if device is not None or copy is not None:
            raise AssertionError("device and copy kwargs not supported when ext_tensor is already a DLPack "
                                 "capsule.")
        # NumPy reads an unversioned capsule ("dltensor", which has no read-only flag) as read-only to be safe;
        # torch reads it writeable, and so does this: the capsule's producer shared it to be used
        try:
            array = _writeable_alias(np.from_dlpack(_Capsule(ext_tensor)))
        except ValueError:  # NumPy's "PyCapsule_GetPointer called with incorrect name": a capsule used already
            raise RuntimeError(_INVALID_CAPSULE) from None
    else:
        raise RuntimeError(_INVALID_CAPSULE)
    _dtype.from_numpy_dtype(array.dtype)  # a dtype minitorch has no tensor of (complex, uint16): TypeError
    return _make(array)


class _Capsule:
    """A bare capsule dressed as an exporter, since ``np.from_dlpack`` takes only objects with ``__dlpack__``."""

    def __init__(self, capsule):
        self._capsule = capsule

    def __dlpack__(self, **kwargs):
        return self._capsule

    def __dlpack_device__(self):
        return (DLDeviceType.kDLCPU, 0)
