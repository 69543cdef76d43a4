"""What vmap runs on: the BatchedTensor, and the interpreter that hands each operation on one to a batching
rule (minitorch/func/_vmap_rules.py). minitorch/func/vmap.py says how the pieces fit.

A BatchedTensor shows one sample's shape; ``_value`` holds the batch, batch dimension first. Its ``_data`` is
sample 0 of the batch as a ``_Sample``: Python code that reads shapes and dtypes sees one sample's, and
NumPy maths on the values (a comparison, ``where``'s condition, an index) is done on the whole batch
(``_Sample.__array_ufunc__``), so that ``_make`` of the result (minitorch/tensor.py) is batched too; what
cannot be done on the batch raises rather than computing with sample 0 alone.
"""
import numpy as np

from ..autograd.function import BackwardNode
from ..tensor import Tensor, _make

ITEM_ERROR = ("vmap: It looks like you're calling .item() on a Tensor. We don't support vmap over calling .item() on "
              "a Tensor, please try to rewrite what you're doing with other operations. If error is occurring "
              "somewhere inside PyTorch internals, please file a bug report.")
CONTROL_FLOW_ERROR = ("vmap: It looks like you're attempting to use a Tensor in some data-dependent control flow. We "
                      "don't support that yet, please file an issue at https://github.com/pytorch/pytorch/issues .")
NO_STORAGE_ERROR = "Cannot access data pointer of Tensor that doesn't have storage"
NO_STORAGE_IMPL_ERROR = "Cannot access storage of BatchedTensorImpl"
MASK_ERROR = ("vmap: We do not support batching operators that can support dynamic shape. Attempting to batch over "
              "indexing with a boolean mask.")
DYNAMIC_SHAPE_ERROR = ("vmap: We do not support batching operators that can output dynamic shape. Attempted to vmap "
                       "over aten::{}. Please file an issue at https://github.com/pytorch/pytorch/issues if you need "
                       "this feature.")
REQUIRES_GRAD_ERROR = (
    "You are attempting to call Tensor.requires_grad_() (or perhaps using torch.autograd.functional.* APIs) inside of "
    "a function being transformed by a functorch transform. This is unsupported, please attempt to use the functorch "
    "transforms (e.g. grad, vjp, jacrev, jacfwd, hessian) or call requires_grad_() outside of a function being "
    "transformed instead.")


# -- the batched tensor ----------------------------------------------------------------------------------------
def _refused(name):
    """ndarray's method ``name``, refused on an array that stands for a batch (an op without a batching rule
    reading the values: it would see sample 0's only)."""
    method = getattr(np.ndarray, name)

    def refused(self, *args, **kwargs):
        if self.batched is not None:
            raise RuntimeError(_LOOSE_ERROR)
        return method(self, *args, **kwargs)
    refused.__name__ = name
    return refused


class _Sample(np.ndarray):
    """Sample 0 of a BatchedTensor's batch, as its ``_data``: one sample's shape and dtype. ``batched`` is the
    tensor it was read from (kept through ``astype`` and same-layout views), so an op that gets it can use the
    batch."""

    def __array_finalize__(self, obj):
        # astype and same-layout views stand for the same batch; other views (a transpose, a slice) do not
        # stand for any batch: using one raises (see _Lost) rather than computing with sample 0 alone
        batched = getattr(obj, "batched", None)
        if batched is not None and (self.shape != obj.shape or self.ndim and _element_strides(self) !=
                                    _element_strides(obj)):
            batched = _LOST
        self.batched = batched

    def physical(self):
        """The whole batch this sample stands for (batch dimension first), in this sample's dtype."""
        if self.batched is None or self.shape != tuple(self.batched.shape):
            raise RuntimeError(_LOOSE_ERROR)  # reshaped after it was read: which elements are whose is lost
        values = self.batched._value._data
        return values.astype(self.dtype, copy=False) if values.dtype != self.dtype else values

    def as_batched_tensor(self):
        """What ``_make`` (minitorch/tensor.py) returns for this array: the batch, as a BatchedTensor."""
        return _batched(_make(self.physical()), self.batched._level)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """NumPy elementwise maths on the values of batched tensors (comparisons, logic, in Python code that
        is not an Op): done on the whole batch, so that ``_make`` of the result is the batched result."""
        if method == "reduce" and ufunc in _CHECKS and kwargs.get("axis") is None and "out" not in kwargs:
            # x.all(), x.any(), x.max() over all elements: Python's checks (finite? in range?), made over
            # every sample of the batch
            return _checked(ufunc.reduce(np.asarray(inputs[0].physical()), **kwargs))
        if method != "__call__" or "out" in kwargs:
            raise RuntimeError(_LOOSE_ERROR)
        level = max(_level_of(a) for a in inputs)
        arrays = [a for a in inputs if isinstance(a, np.ndarray)]
        ndim = max([a.ndim for a in arrays] or [0])
        physical = [_pad(a.physical(), ndim) if _level_of(a) == level
                    else (a.view(np.ndarray) if type(a) is _Sample and a.batched is None else a) for a in inputs]
        result = ufunc(*physical, **kwargs)
        return tuple(_sample_of(r, level) for r in result) if isinstance(result, tuple) else _sample_of(result, level)

    def _python_value(self, *args):
        raise RuntimeError(CONTROL_FLOW_ERROR)

    __int__ = __float__ = __index__ = __bool__ = _python_value  # sample 0's value would be silently wrong

    def nonzero(self):
        """A boolean mask's positions (indexing ``x[mask]``): each sample has its own count, so no batch shape."""
        if self.batched is not None:
            raise RuntimeError(MASK_ERROR)
        return super().nonzero()

    def __array_function__(self, func, types, args, kwargs):
        if func in (np.argmax, np.argmin) and len(args) == 1 and self.batched is not None:
            batch, axis = self.physical(), kwargs.get("axis")
            result = func(batch.reshape(batch.shape[0], -1), axis=1) if axis is None else func(
                batch, axis=axis + 1 if axis >= 0 else axis, keepdims=kwargs.get("keepdims", False))
            return _sample_of(result, self.batched._level)
        if func in (np.any, np.all) and len(args) == 1 and self.batched is not None:
            # any/all over a sample's dims (None: all of them): the same dims of the batch, one past
            batch, axis = self.physical(), kwargs.get("axis")
            axes = tuple(range(1, batch.ndim)) if axis is None else tuple(
                a + 1 if a >= 0 else a for a in (axis if isinstance(axis, tuple) else (axis,)))
            return _sample_of(func(batch, axis=axes, keepdims=kwargs.get("keepdims", False)), self.batched._level)
        if func in (np.isposinf, np.isneginf) and self.batched is not None:  # elementwise, as a ufunc
            return self.__array_ufunc__(func, "__call__", *args, **kwargs)
        if func in _REFUSED and self.batched is not None:
            raise RuntimeError(_REFUSED[func])
        if func not in _SHAPE_ONLY:
            raise RuntimeError(_LOOSE_ERROR)
        return super().__array_function__(func, types, args, kwargs)


# NumPy's methods that read or write the values without __array_function__: on sample 0 alone, silently wrong
# for the others
for _name in ("item", "tolist", "tobytes", "argsort", "sort", "partition", "argpartition", "searchsorted", "take",
              "compress", "choose", "put", "fill"):
    setattr(_Sample, _name, _refused(_name))


def _checked(value):
    """The max or min of a whole batch, for comparisons (a check that every sample's values are in range): as
    a Python number it is refused, since each sample has its own (``float(x.max())`` as a histogram's range)."""
    if isinstance(value, np.bool_) or not isinstance(value, np.generic):  # (any, all: checks only)
        return value
    return np.asarray(value).view(_WholeBatch)


class _WholeBatch(np.ndarray):
    """A 0-d max or min over a whole batch: compared (NumPy's maths) as the number it is; read as a Python
    number, refused."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        plain = [a.view(np.ndarray) if isinstance(a, _WholeBatch) else a for a in inputs]
        return getattr(ufunc, method)(*plain, **kwargs)

    def _refused(self, *args):
        raise RuntimeError(_LOOSE_ERROR)

    __float__ = __int__ = __index__ = __complex__ = item = tolist = _refused


def _element_strides(a):
    """The order of the dims in memory and their directions: kept by astype and copies, changed by a
    transpose or a reversal (dims of size 1 left out: their strides mean nothing)."""
    dims = [(abs(s), d, s < 0) for d, (s, n) in enumerate(zip(a.strides, a.shape)) if n > 1]
    return [(d, negative) for _, d, negative in sorted(dims)]


class _Lost:
    """The ``batched`` of a view that reorders or drops the elements of a batched tensor's sample."""

    @property
    def _level(self):
        raise RuntimeError(_LOOSE_ERROR)

    shape = _level


_LOST = _Lost()
_CHECKS = (np.logical_and, np.logical_or, np.maximum, np.minimum)
_SHAPE_ONLY = {np.shape, np.ndim, np.size, np.result_type, np.may_share_memory, np.shares_memory}
# NumPy functions that the ops torch refuses under vmap read the values with: torch's error
_REFUSED = {np.nonzero: DYNAMIC_SHAPE_ERROR.format("nonzero"),
            np.array_equal: "Batching rule not implemented for aten::equal. We could not generate a fallback."}
_LOOSE_ERROR = ("vmap: minitorch read the values of a batched tensor in Python for an operation it has no batching "
                "rule for")


def _sample_of(result, level):
    """Sample 0 of a batched NumPy result, standing for the whole batch."""
    sample = np.asanyarray(result)[0, ...].view(_Sample)
    sample.batched = _batched(_make(result), level)
    return sample


class BatchedTensor(Tensor):
    """A tensor inside ``vmap``: one sample's shape; ``_value`` holds the batch (batch dimension first)."""
    __slots__ = ("_value", "_level")

    @property
    def _data(self):
        if self._level >= _INTERPRETER.guarded_from:  # a Jacobian's batched pass (func/_basis.py): shape only
            return ShapeOnly(self._value._data)
        sample = self._value._data[0, ...].view(_Sample)
        sample.batched = self
        return sample

    def requires_grad_(self, requires_grad=True):
        raise RuntimeError(REQUIRES_GRAD_ERROR)

    def _set_requires_grad(self, value):
        raise RuntimeError(REQUIRES_GRAD_ERROR)

    def _requires_grad_of(self):
        # as in torch, a batched tensor is not part of a graph (the batch is): autograd inside vmap is func.grad's.
        # In a Jacobian's batched pass (func/_basis.py) a JVP or VJP that asks would take "no" for "nothing to
        # differentiate" where its batch is in a graph (forward_ad's transposed VJP): that stops the pass
        if self._level >= _INTERPRETER.guarded_from and self._value.requires_grad:
            raise NotBatchable()
        return False

    requires_grad = property(_requires_grad_of, _set_requires_grad)

    def __repr__(self):
        return f"BatchedTensor(lvl={self._level}, bdim=0, value=\n{self._value!r}\n)"

    # as torch: a batched tensor has no memory of its own to hand out (the batch's is not one sample's)
    def _no_storage(self, *args, **kwargs):
        raise RuntimeError(NO_STORAGE_ERROR)

    numpy = __array__ = data_ptr = __dlpack__ = _no_storage

    def _not_copyable(self, *args):
        raise NotImplementedError(NO_STORAGE_IMPL_ERROR)

    __reduce__ = __deepcopy__ = _not_copyable  # copy, deepcopy, pickle

    def __format__(self, spec):
        # torch formats a 0-d tensor as its item(), anything else as object does
        if self.ndim == 0:
            raise RuntimeError(ITEM_ERROR)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return str(self)


class ShapeOnly:
    """A BatchedTensor's ``_data`` during a Jacobian's batched pass (minitorch/func/_basis.py): one sample's shape
    and dtype (and sample 0's memory layout: ``flags``, ``strides``), which Python code may read; reading the values (NumPy on it, ``np.asarray``, indexing, maths)
    raises ``NotBatchable``, and the Jacobian is computed by its loop instead."""
    __slots__ = ("shape", "dtype", "ndim", "size", "itemsize", "flags", "strides")

    def __init__(self, batch):
        self.shape, self.dtype, self.ndim = batch.shape[1:], batch.dtype, batch.ndim - 1
        self.size, self.itemsize = int(np.prod(self.shape)), batch.itemsize
        sample = batch[0, ...]  # (a view, values unread)
        self.flags, self.strides = sample.flags, sample.strides

    def __getattr__(self, name):
        raise NotBatchable()

    def _values(self, *args, **kwargs):
        raise NotBatchable()

    __array__ = __array_ufunc__ = __array_function__ = __getitem__ = __setitem__ = __len__ = __iter__ = _values
    __bool__ = __int__ = __float__ = __index__ = __complex__ = _values
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _values
    __neg__ = __pow__ = __rpow__ = __matmul__ = __rmatmul__ = __lt__ = __le__ = __gt__ = __ge__ = _values
    __eq__ = __ne__ = _values
    __hash__ = None


def _batched(value, level):
    t = BatchedTensor.__new__(BatchedTensor)
    t._value, t._level = value, level
    t._requires_grad, t._grad, t.grad_fn, t._output_nr = False, None, None, 0
    t._vc, t._acc, t._hooks, t._retains_grad, t._view, t._views = [0], None, None, False, None, None
    return t


def _level_of(a):
    """The level a value is batched at (0: not batched); a key (tuple) is batched where an index in it is."""
    if isinstance(a, BatchedTensor):
        return a._level
    if isinstance(a, _Sample) and a.batched is not None:
        return a.batched._level
    if isinstance(a, tuple):
        return max([_level_of(k) for k in a] or [0])
    return 0


# -- the interpreter: the observer while a vmap runs -------------------------------------------------------------
class NotBatchable(Exception):
    """Raised while a transform runs at once on a whole batch (minitorch/func/_at_once.py) by what it cannot do
    there: the transform runs once per sample instead."""


class _Interpreter:
    """Gets every operation run while a vmap is on (``function.observer``); ``sizes`` holds the batch size of
    each level (level n is ``sizes[n - 1]``); ``at_once`` a (level, ids of its arguments) for each transform
    running its function at once on a whole batch (minitorch/func/_at_once.py)."""

    def __init__(self):
        self.busy = False
        self.sizes = []
        self.randomness = []  # each level's (randomness, the generator's NumPy generator below that level)
        self.previous = None
        self.at_once = []
        self.sees_jvps = True  # forward mode's JVPs of an op it runs plainly come back to it (autograd/forward_ad.py)
        self.guarded_from = float("inf")  # BatchedTensors of this level and above: ``_data`` is a ShapeOnly

    def op(self, cls, args):
        level = max([_level_of(a) for a in args] or [0])
        if cls._node_base is BackwardNode:  # a user autograd.Function: its own vmap rule (_function_vmap.py)
            _functions.check(cls)
            if level and self.at_once:
                # whether its backward, given a batch, gives each sample's gradient is the user's code: a
                # transform running at once loops instead
                raise NotBatchable()
            if level:
                return _functions.apply(cls, args, level)
        if level == 0:  # nothing batched: the op as it is
            # an op on plain tensors: the op itself, or through jit.trace or the profiler if one was on
            return self._plain(cls.apply if self.previous is None else lambda *a: self.previous.op(cls, a), args)
        size = self.sizes[level - 1]
        batched = [_level_of(a) == level for a in args]
        values = [_unwrap(a, level) if b else a for a, b in zip(args, batched)]
        rule = _rules.rule(cls)
        out = None if rule is None else rule(cls, values, batched, size)
        if out is None:
            if self.at_once:  # the per-sample fallback: a transform running at once loops itself instead
                raise NotBatchable()
            out = _rules.fallback(cls, values, batched, size)
        if isinstance(out, tuple):
            return tuple(None if o is None else _batched(o, level) for o in out)
        return _batched(out, level)

    def inplace(self, apply_inplace, tensor, fn, args, kwargs):
        level = max([_level_of(a) for a in (tensor,) + tuple(args)] + [_level_of(v) for v in kwargs.values()])
        if self.at_once and (_level_of(tensor) < max(lv for lv, _ in self.at_once) or
                             any(id(tensor) in ids for _, ids in self.at_once)):
            raise NotBatchable()  # a write to an unbatched tensor or an argument: the transform loops instead
        if level == 0:
            if self.previous is not None:
                return self._plain(lambda *a: self.previous.inplace(apply_inplace, tensor, fn, a, kwargs), args)
            return self._plain(lambda *a: apply_inplace(*a, **kwargs), (tensor, fn) + tuple(args))
        if _level_of(tensor) != level:  # torch: the written tensor cannot hold a batch
            shape = (self.sizes[level - 1],) + _broadcast([tuple(a.shape) for a in (tensor,) + tuple(args)
                                                             if isinstance(a, Tensor)])
            raise RuntimeError(f"output with shape {list(tensor.shape)} doesn't match the broadcast shape "
                               f"{list(shape)}")
        result = fn(tensor, *args, **kwargs)  # out of place, batched; then written into the batch
        watched, self.at_once = self.at_once, []  # (this write into the batch is vmap's own, not the function's)
        try:
            tensor._value.copy_(_unwrap(result, level) if _level_of(result) == level else result)
        finally:
            self.at_once = watched
        return tensor

    def python_value(self, tensor, kind):
        if isinstance(tensor, BatchedTensor):
            _refuse(tensor, kind)
        if self.previous is not None:
            self.previous.python_value(tensor, kind)

    def _plain(self, fn, args):
        self.busy = True
        try:
            return fn(*args)
        finally:
            self.busy = False


_INTERPRETER = _Interpreter()


def _refuse(tensor, kind):
    """torch's error for a batched tensor's value read in Python (``kind``: as minitorch/tensor.py reports it):
    ``bool`` is control flow, ``tolist`` reads the memory, the numbers are ``item()`` - but where torch checks the
    number of elements (and for an index, the dtype) first, the tensor's own error comes first: it returns."""
    if kind == "boolean":
        raise RuntimeError(CONTROL_FLOW_ERROR)
    if kind == "list":
        raise RuntimeError(NO_STORAGE_ERROR)
    data = tensor._data
    if kind == "number" or data.size == 1 and (kind != "index" or data.dtype.kind in "iub"):
        raise RuntimeError(ITEM_ERROR)


def _unwrap(a, level):
    """The batch of ``a`` (batched at ``level``): a Tensor, or for an array read from one, the batch's array."""
    if isinstance(a, BatchedTensor):
        return a._value
    if isinstance(a, tuple):  # a key: its batched indices as their batch
        key = _BatchedKey(_unwrap(k, level) if _level_of(k) == level else k for k in a)
        key.positions = [j for j, k in enumerate(a) if _level_of(k) == level]
        return key
    return a.physical()


class _BatchedKey(tuple):
    """An index key whose indices at ``positions`` are batches (batch dimension first)."""


def _broadcast(shapes):
    return tuple(np.broadcast_shapes(*shapes)) if shapes else ()


def _ndim(a, batched):
    """One sample's number of dims."""
    return a.ndim - 1 if batched else a.ndim


def _pad(a, ndim):
    """A batch (B, *shape) as (B, 1, ..., *shape) with ``ndim`` dims after B: it then broadcasts against
    unbatched operands of ``ndim`` dims as one sample would."""
    extra = ndim - (a.ndim - 1)
    if extra <= 0:
        return a
    if isinstance(a, np.ndarray):
        return a.reshape((a.shape[0],) + (1,) * extra + a.shape[1:])
    return a.reshape((a.shape[0],) + (1,) * extra + tuple(a.shape[1:]))


# the rules use the batched tensor above
from . import _vmap_rules as _rules  # noqa: E402
from . import _function_vmap as _functions  # noqa: E402
