"""Tensor: a NumPy array plus what autograd needs.

* ``_data``        the ndarray holding the values (``.numpy()`` returns it: memory is shared)
* ``requires_grad`` whether gradients flow to this tensor
* ``grad_fn``      the backward node that made it (None for leaves)
* ``grad``         for leaves: the accumulated gradient after ``backward()``
* ``_vc``          the version counter, a one-element list shared with views; in-place operations
                   bump it, so backward can tell that a saved value was overwritten
* ``_view``        for a view: (its root base, the view ops that take it from the base, whether it was made
                   with grad mode on) - what an in-place change of the view needs (see ops/inplace.py)
* ``_views``       for a base that may change in place: its live views (id -> weak reference), whose
                   history follows the base's

The operations live in ``minitorch/ops``, one module per family; ``ops/methods.py`` attaches them to this class,
one line each (``Tensor.exp = exp_log.exp``: ``t.exp()`` is ``exp(t)``; ``Tensor.__add__ = ...`` is ``t + u``),
in-place twins (``t.exp_()``) included. What is defined here: attributes, grad bookkeeping, hooks, conversions
and printing.
"""
import warnings
import weakref

import numpy as np

from . import _dtype
from ._layout import strided
from ._device import CPU, NO_DRIVER, DLDeviceType, check_device, device as _device_cls
from ._size import Size
from . import autograd as _autograd  # (being imported: its backward is looked up when Tensor.backward runs)
from .autograd import grad_mode
from .autograd import function as _function
from .autograd.function import AccumulateGrad, RemovableHandle

_INT_GRAD_ERROR = "only Tensors of floating point and complex dtype can require gradients"
_NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be "
    "populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf "
    "Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure "
    "you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information.")
_GRAD_DTYPE_HINT = (
    "The gradient must match the tensor's grad_dtype (defaults to the tensor's dtype). You can set the tensor's "
    "grad_dtype attribute with a specific dtype, or None to allow any dtype. Set grad_dtype with caution. "
    "Diverging the dtypes of a tensor and its gradient may break downstream systems that assume they match.")
# float() of a tensor that requires grad: torch warns, once per process (TORCH_WARN_ONCE); it drops the tensor's
# history, which a learner may not mean (torch's message ends with where in its C++ it was raised, left out here)
_SCALAR_GRAD_WARNING = ("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                        "Consider using tensor.detach() first.")
_scalar_grad_warned = [False]


class Tensor:
    __slots__ = ("_data", "_requires_grad", "_grad", "grad_fn", "_output_nr", "_vc", "_acc", "_hooks",
                 "_retains_grad", "_view", "_views", "__weakref__")

    def __init__(self, *args, dtype=None, device=None, requires_grad=False):
        """``Tensor([[1, 2]])`` copies data as float32 (like ``torch.Tensor``); ``Tensor(2, 3)`` and
        ``Tensor(torch.Size([2, 3]))`` are an uninitialised 2x3 float32 tensor (a Size is a shape, as in torch)."""
        check_device(device)
        if len(args) == 1 and not isinstance(args[0], (int, Size)):
            data = _array_from(args[0], dtype or _dtype.get_default_dtype())
        else:
            shape = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
            data = np.empty(tuple(shape), (dtype or _dtype.get_default_dtype()).np)
        _init(self, data)
        if requires_grad:
            self.requires_grad = True

    # -- autograd attributes -------------------------------------------------------------------------
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if self.grad_fn is not None and not value:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use "
                               "a computed variable in a subgraph that doesn't require differentiation use "
                               "var_no_grad = var.detach().")
        if value and self._data.dtype.kind != "f":
            raise RuntimeError(_INT_GRAD_ERROR)
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad=True):
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")  # sic, as torch
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self):
        """The gradient accumulated by backward (leaves, and non-leaves that ``retain_grad()``)."""
        if self._grad is None and self.grad_fn is not None and not self._retains_grad:
            warnings.warn(_NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(f"attempting to assign a gradient with dtype '{value.dtype.cpp_name}' "
                                   f"to a tensor with grad_dtype '{self.dtype.scalar_name}'. " + _GRAD_DTYPE_HINT)
            if value._data.shape != self._data.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of "
                                   f"size '{list(self.shape)}'. Please ensure that the gradient and the tensor are "
                                   f"the same size")
        self._grad = value

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def _base(self):
        """The tensor this one is a view of (None if it is not a view)."""
        return self._view[0] if self._view is not None else None

    @property
    def output_nr(self):
        return self._output_nr

    @property
    def _version(self):
        return self._vc[0]

    def _accumulator(self):
        """The AccumulateGrad node of this leaf; kept alive by the graphs that use it, as in torch."""
        acc = self._acc() if self._acc is not None else None
        if acc is None:
            acc = AccumulateGrad(self)
            self._acc = weakref.ref(acc)
        return acc

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute the gradient of this tensor w.r.t. the graph leaves and add it into their ``.grad``."""
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def retain_grad(self):
        """Keep ``.grad`` for this non-leaf tensor after backward."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        node = self.grad_fn
        node._retained = dict(node._retained or {})
        node._retained[self._output_nr] = weakref.ref(self)
        self._retains_grad = True

    @property
    def retains_grad(self):
        return bool(self._retains_grad)

    def register_hook(self, hook):
        """``hook(grad)`` runs when this tensor's gradient is computed; it may return a new gradient."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is None:
            self._hooks = (self._hooks or []) + [hook]
            return RemovableHandle(self, "_hooks", hook)
        node = self.grad_fn
        hooks = dict(node._tensor_hooks or {})
        hooks[self._output_nr] = hooks.get(self._output_nr, []) + [hook]
        node._tensor_hooks = hooks
        return _TensorHookHandle(node, self._output_nr, hook)

    def detach(self):
        """The same values (shared memory and version counter), cut from the graph."""
        out = _make(self._data)
        out._vc = self._vc
        return out

    def detach_(self):
        self.grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self):
        """A tensor sharing this one's memory but not its graph or version counter: changes made
        through ``.data`` are invisible to autograd (that is its purpose, and its danger)."""
        return _make(self._data)

    @data.setter
    def data(self, value):
        self._data = value._data

    # -- shape and type ------------------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_shape_dim(dim, self._data.ndim)]

    def dim(self):
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._data.ndim

    def numel(self):
        return self._data.size

    nelement = numel

    @property
    def dtype(self):
        return _dtype.from_numpy_dtype(self._data.dtype)

    @property
    def device(self):
        return CPU

    @property
    def is_cuda(self):
        return False

    # -- layout: a Tensor is dense (strided); minitorch/sparse/ has the sparse COO subclass, which overrides these
    is_sparse = False

    @property
    def layout(self):
        return strided

    def to_dense(self, dtype=None, *, masked_grad=None):
        """A dense tensor is its own dense form (``dtype=`` converts, as torch)."""
        return self if dtype is None else self.to(dtype)

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        """This tensor in the sparse COO layout: the nonzero entries' indices and values (minitorch/sparse/)."""
        from .sparse.convert import to_sparse
        return to_sparse(self, sparse_dim)

    def to_sparse_coo(self):
        return self.to_sparse()

    def sparse_dim(self):
        return 0

    def dense_dim(self):
        return self._data.ndim

    def indices(self):
        raise RuntimeError("indices expected sparse coordinate tensor layout but got Strided")

    def values(self):
        raise RuntimeError("values expected sparse tensor layout but got Strided")

    def coalesce(self):
        raise RuntimeError("coalesce expected sparse coordinate tensor layout but got Strided")

    def is_coalesced(self):
        raise RuntimeError("is_coalesced expected sparse coordinate tensor layout but got Strided")

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def element_size(self):
        return self._data.itemsize

    def stride(self, dim=None):
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[_wrap_shape_dim(dim, self._data.ndim)]

    def is_contiguous(self, memory_format=None):
        return self._data.flags.c_contiguous

    def data_ptr(self):
        return self._data.__array_interface__["data"][0]

    def item(self):
        if _function.observer is not None:  # jit.trace: the value becomes a constant of the trace
            _function.observer.python_value(self, "number")
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.item()

    def tolist(self):
        if _function.observer is not None:  # jit.trace: the value becomes a constant of the trace
            _function.observer.python_value(self, "list")
        return self._data.tolist()

    def numpy(self, force=False):
        """The underlying ndarray itself: writing to it changes the tensor and vice versa."""
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        return self._data if dtype is None else self._data.astype(dtype)

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None, read_only=False):
        """This tensor's memory as a DLPack capsule, for ``torch.from_dlpack``, ``np.from_dlpack`` or
        ``minitorch.from_dlpack`` to read without a copy. It is NumPy's export of ``_data``: DLPack describes
        memory by pointer, shape and strides (in elements), so a view (a slice, a transpose) exports as it is.
        The checks before it are torch's, in torch's order."""
        if self._requires_grad:  # the consumer would write behind autograd's back
            raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
        if stream is not None and type(stream) is not int:
            raise TypeError("stream must be ``int`` or ``none``")
        if stream is not None and stream != -1:  # -1: "no synchronisation", what torch's own default says
            raise AssertionError("stream should be None on cpu.")
        if dl_device is not None and dl_device[0] == DLDeviceType.kDLCUDA:  # torch would copy to the GPU
            raise RuntimeError(NO_DRIVER)
        if max_version is None or max_version[0] < 1:  # the unversioned capsule ("dltensor") has no flags
            if read_only:
                raise BufferError("read_only export requires the versioned DLPack protocol; pass "
                                  "max_version=(1, 0) or higher")
            return _writeable_alias(self._data).__dlpack__(dl_device=dl_device, copy=copy)
        data = self._data
        if read_only:  # the versioned capsule carries NumPy's read-only flag
            data = data.view()
            data.flags.writeable = False
        return data.__dlpack__(max_version=max_version, dl_device=dl_device, copy=copy)

    def __dlpack_device__(self):
        return (DLDeviceType.kDLCPU, 0)

    def to(self, *args, **kwargs):
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``; ``copy=True`` forces a copy."""
        dtype = _dtype.as_dtype(kwargs.pop("dtype", None), "to")
        dev = kwargs.pop("device", None)
        copy = kwargs.pop("copy", False)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        for a in args:
            if isinstance(a, _dtype.dtype) or a is float or a is int or a is bool:  # to(float) is float64
                dtype = _dtype.as_dtype(a, "to")
            elif isinstance(a, Tensor):
                dtype, dev = a.dtype, a.device
            elif isinstance(a, (str, _device_cls)):
                dev = a
        check_device(dev)
        if dtype is None or dtype.np == self._data.dtype:
            return self.clone() if copy else self
        from .ops.convert import to_dtype
        return to_dtype(self, dtype)

    def type(self, dtype=None, non_blocking=False, **kwargs):
        """``t.type()`` is the legacy type name (``'torch.FloatTensor'``); ``t.type(dtype)`` and
        ``t.type('torch.DoubleTensor')`` convert to that type, as torch."""
        if dtype is None:
            return self.dtype.tensor_type
        if isinstance(dtype, type) and isinstance(getattr(dtype, "dtype", None), _dtype.dtype):
            dtype = dtype.dtype  # a legacy type (minitorch.DoubleTensor): its dtype
        elif isinstance(dtype, (str, type)):  # a legacy name; a class (float, say) by its name, as torch
            name = dtype if isinstance(dtype, str) else _dtype.tp_name(dtype)
            if name.startswith("torch.cuda."):  # a CUDA type: torch would start CUDA to make it
                raise RuntimeError(NO_DRIVER)
            dtype = next((d for d in _dtype.ALL if d.tensor_type == name), None)
            if dtype is None:
                raise ValueError(f"invalid type: '{name}'")
        elif not isinstance(dtype, _dtype.dtype):
            raise TypeError("dtype must be a type, str, or dtype object")
        return self.to(dtype)

    def float(self):
        return self.to(_dtype.float32)

    def double(self):
        return self.to(_dtype.float64)

    def half(self):
        return self.to(_dtype.float16)

    def long(self):
        return self.to(_dtype.int64)

    def int(self):
        return self.to(_dtype.int32)

    def short(self):
        return self.to(_dtype.int16)

    def char(self):
        return self.to(_dtype.int8)

    def byte(self):
        return self.to(_dtype.uint8)

    def bool(self):
        return self.to(_dtype.bool_)

    def cpu(self):
        return self

    def cuda(self, device=None, non_blocking=False):
        check_device(device if device is not None else "cuda")

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        from .creation import tensor
        return tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        from .creation import zeros
        return zeros(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        from .creation import ones
        return ones(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        from .creation import full
        return full(size, fill_value, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        from .creation import empty
        return empty(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_empty_strided(self, size, stride, dtype=None, device=None, requires_grad=False):
        from .creation import empty_strided
        return empty_strided(size, stride, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    # -- Python protocol -----------------------------------------------------------------------------
    def __repr__(self):
        from ._tensor_str import tensor_repr
        return tensor_repr(self)

    def __format__(self, spec):
        # as torch: a plain 0-dim tensor formats as its Python number (f"{t}" -> "True"); anything else as
        # object does, its repr for an empty spec and a TypeError for any other
        if self._data.ndim == 0 and type(self) is Tensor:
            return self._data.item().__format__(spec)
        return object.__format__(self, spec)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __bool__(self):
        if _function.observer is not None:  # jit.trace: the value becomes a constant of the trace
            _function.observer.python_value(self, "boolean")
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {'no values' if self._data.size == 0 else 'more than one value'} "
                               f"is ambiguous")
        return bool(self._data)

    def __float__(self):
        if _function.observer is not None:  # jit.trace: the value becomes a constant of the trace
            _function.observer.python_value(self, "float")
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        if self._requires_grad and not _scalar_grad_warned[0]:  # as torch: float() only (not int(), item())
            _scalar_grad_warned[0] = True
            warnings.warn(_SCALAR_GRAD_WARNING, UserWarning, stacklevel=2)
        return float(self._data.item())

    def __int__(self):
        if _function.observer is not None:  # jit.trace: the value becomes a constant of the trace
            _function.observer.python_value(self, "integer")
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self._data.item())

    def __index__(self):
        if _function.observer is not None:  # jit.trace: the value becomes a constant of the trace
            _function.observer.python_value(self, "index")
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data)

    __hash__ = object.__hash__

    def __reduce__(self):
        return (_rebuild, (self._data, self._requires_grad))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the "
                               "deepcopy protocol at the moment.  If you were attempting to deepcopy a module, "
                               "this may be because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        out = type(self).__new__(type(self))
        _init(out, self._data.copy())
        out._requires_grad = self._requires_grad
        if self._grad is not None:
            out._grad = self._grad.clone()
        memo[id(self)] = out
        return out


class _TensorHookHandle(RemovableHandle):
    """The handle of a hook on a non-leaf tensor: the hook lives on the tensor's node, under its output_nr."""

    def __init__(self, node, output_nr, hook):
        self._node, self._output_nr, self._fn = node, output_nr, hook

    def remove(self):
        hooks = self._node._tensor_hooks
        hooks[self._output_nr] = [h for h in hooks.get(self._output_nr, []) if h is not self._fn]


# one global lookup each in _make, not two: it runs for every tensor an operation makes (Tensor has no __new__ of
# its own: object's makes the bare instance)
_ndarray, _asarray, _new = np.ndarray, np.asarray, object.__new__
_as_strided = np.lib.stride_tricks.as_strided


def _make(data):
    """Wrap an ndarray in a Tensor without copying (the fast internal constructor).

    The invariant: ``_data`` is always an ndarray. NumPy's ufuncs and reductions on 0-d arrays return NumPy
    scalars (``np.float64``), which look like arrays but cannot be written in place (``+=`` on the tensor
    failed in ``np.copyto``); every op's result passes here, so this is the one place that turns them back
    into 0-d arrays."""
    if type(data) is not _ndarray:
        if isinstance(data, _ndarray) and hasattr(data, "as_batched_tensor"):  # inside vmap: values read from
            return data.as_batched_tensor()  # a batched tensor (minitorch/func/vmap.py): the result is batched
        data = _asarray(data)
    if data.size == 0 and data.ndim and data.base is None and not any(data.strides):  # (a view keeps its own)
        data = _strided_empty(data)
    t = _new(Tensor)
    t._data = data
    t._requires_grad = False
    t._grad = None
    t.grad_fn = None
    t._output_nr = 0
    t._vc = [0]
    t._acc = None
    t._hooks = None
    t._retains_grad = False
    t._view = None
    t._views = None
    return t


def _strided_empty(data):
    """A new empty array with torch's strides. NumPy gives every new empty array all-zero strides; torch gives a
    new tensor contiguous ones, each the product of the later sizes counted as at least 1 (``empty(2, 0, 3)``:
    (3, 3, 1)), which its views then carry (the transpose of ``empty(0, 3)`` has (1, 3), an expand 0s). An empty
    array may have any strides, and NumPy's views keep them, so they are set here once, where tensors are made.
    (``from_numpy`` keeps NumPy's zeros, as torch's does.)"""
    strides, step = [], data.itemsize
    for size in reversed(data.shape):
        strides.append(step)
        step *= max(size, 1)
    return _as_strided(data, data.shape, tuple(reversed(strides)))


def _init(t, data):
    """Set up ``t``, a Tensor (or Parameter) being constructed, with the fields ``_make`` gives a new one.
    The list is written out twice on purpose: ``_make`` runs for every tensor every operation makes, and
    calling this from there (or copying the fields from a fresh tensor here, 3 µs more per constructor)
    would cost every operation or every ``Tensor(...)`` for a few lines. A test keeps the two the same."""
    t._data = data
    t._requires_grad = False
    t._grad = None
    t.grad_fn = None
    t._output_nr = 0
    t._vc = [0]
    t._acc = None
    t._hooks = None
    t._retains_grad = False
    t._view = None
    t._views = None


def _rebuild(data, requires_grad):
    t = _make(data)
    t._requires_grad = requires_grad
    return t


def _wrap_dim(dim, ndim):
    """A dim in ``[-ndim, ndim)`` as a non-negative index, with torch's IndexError otherwise."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _wrap_shape_dim(dim, ndim):
    """``_wrap_dim`` for size(dim)/stride(dim), which, unlike reductions, have no dim 0 in a 0-d tensor."""
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrap_dim(dim, ndim)


class _Alias:
    """What ``np.asarray`` needs to view an array's memory again: its ``__array_interface__`` (pointer, shape,
    strides, dtype), and a reference that keeps the memory alive (NumPy keeps this object as the base)."""

    def __init__(self, array, writeable):
        interface = dict(array.__array_interface__)
        interface["data"] = (interface["data"][0], not writeable)
        self.__array_interface__, self._array = interface, array


def _writeable_alias(array):
    """``array``, or a writeable view of its memory where NumPy made it read-only without the memory being so:
    ``np.broadcast_to`` (minitorch's ``expand``) marks its views read-only, and ``np.from_dlpack`` what it reads
    from an unversioned capsule, which cannot say whether its memory may be written. torch writes through both
    (the unversioned capsule cannot carry a read-only flag, so it is exported writeable, as torch's)."""
    return array if array.flags.writeable else np.asarray(_Alias(array, writeable=True))


def _array_from(data, dtype):
    if isinstance(data, Tensor):
        return data._data.astype(dtype.np)
    return np.array(data, dtype=dtype.np)
