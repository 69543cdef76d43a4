"""SparseTensor: a tensor in the sparse COO layout - the indices of its entries and their values.

Why a subclass of Tensor, not a layout flag on it: the dense path stays as it is (no Tensor method, no
operation checks a flag; ``mm``, ``matmul`` and ``addmm`` ask ``is_sparse`` of their first argument, once), and
Python itself routes the mixed case here - ``dense + sparse`` calls this class's ``__radd__`` first, because it
is a subclass that overrides it.

How autograd sees it: ``_data`` is the values array, ``(nnz, *dense dims)``, so the engine - which moves
arrays and shapes - treats a sparse tensor as its values, and the gradient of a sparse tensor is the
gradient of its values: one row per entry (sparse/ops.py). ``.grad`` shows it as torch does, a sparse
tensor at the (coalesced) positions of the entries.

* ``_sparse_indices``  int64 array ``(sparse_dim, nnz)``: entry k is at ``_sparse_indices[:, k]``
* ``_sparse_size``     the full size, sparse dims then dense dims
* ``_coalesced``       whether the indices are known to be sorted and unique (``coalesce()`` makes them so)
"""
import numpy as np

from .. import _dtype
from .._layout import sparse_coo
from .._size import Size
from .._tensor_str import sparse_repr
from ..ops import arithmetic
from ..tensor import Tensor, _make, _wrap_dim
from . import ops

_FIELDS = tuple(name for name in Tensor.__slots__ if name != "__weakref__")
_DENSE_ADD = "add(sparse, dense) is not supported. Use add(dense, sparse) instead."


class SparseTensor(Tensor):
    __slots__ = ("_sparse_indices", "_sparse_size", "_coalesced")
    is_sparse = True
    _torch_addmm = ops.Addmm  # what torch.addmm(M, self, d) records (minitorch.ops.linalg asks for it here)

    def __init__(self, *args, **kwargs):
        raise TypeError("a sparse tensor is made by minitorch.sparse_coo_tensor(indices, values, size) or "
                        "dense.to_sparse()")

    # -- shape: the size of the dense tensor it stands for ---------------------------------------------------
    @property
    def shape(self):
        return Size(self._sparse_size)

    def size(self, dim=None):
        if dim is None:
            return Size(self._sparse_size)
        return self._sparse_size[_wrap_dim(dim, len(self._sparse_size))]

    def dim(self):
        return len(self._sparse_size)

    ndimension = dim

    @property
    def ndim(self):
        return len(self._sparse_size)

    def numel(self):
        return int(np.prod(self._sparse_size, dtype=np.int64))

    nelement = numel

    @property
    def layout(self):
        return sparse_coo

    def is_contiguous(self, memory_format=None):
        return False

    def sparse_dim(self):
        return self._sparse_indices.shape[0]

    def dense_dim(self):
        return self._data.ndim - 1

    def _nnz(self):
        return self._data.shape[0]

    def is_coalesced(self):
        return self._coalesced

    # -- indices and values ----------------------------------------------------------------------------------
    def _indices(self):
        return _make(self._sparse_indices)

    def _values(self):
        """The values, outside the graph (torch's ``_values()`` is not differentiable; ``values()`` is)."""
        return _make(self._data)

    def indices(self):
        if not self._coalesced:
            raise RuntimeError("Cannot get indices on an uncoalesced tensor, please call .coalesce() first")
        return self._indices()

    def values(self):
        if not self._coalesced:
            raise RuntimeError("Cannot get values on an uncoalesced tensor, please call .coalesce() first")
        return ops.Values.apply(self)

    @property
    def grad(self):
        """The gradient as torch gives it: a sparse tensor with an entry at each position this one has an
        entry at (sorted, once each), holding the gradient of the dense tensor there."""
        g = self._grad
        if g is None:
            return None
        lin = ops._linear(self._sparse_indices, self._sparse_size)
        unique, first = np.unique(lin, return_index=True)
        values = g._data if self._coalesced else g._data[first]
        return wrap(_make(values), _unravel(unique, self._sparse_size, self.sparse_dim()), self._sparse_size,
                    coalesced=False)

    grad = grad.setter(Tensor.grad.fset)

    # -- conversions -----------------------------------------------------------------------------------------
    def to_dense(self, dtype=None, *, masked_grad=None):
        if dtype is not None:
            raise RuntimeError("dtype argument is not supported by sparse_to_dense")
        return ops.ToDense.apply(self, self._lin(), self._sparse_size)

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        if layout is not None and layout is not sparse_coo:
            return self.to_dense()
        if sparse_dim is not None and sparse_dim != self.sparse_dim():
            raise RuntimeError("to_sparse: conversion from Sparse to Sparse with sparse_dim argument "
                               "!=self.sparse_dim() is not supported")
        return self

    def coalesce(self):
        """Entries at one position added into one, sorted by position (row-major); ``self`` if coalesced."""
        if self._coalesced:
            return self
        unique, inverse = np.unique(self._lin(), return_inverse=True)
        values = ops.Coalesce.apply(self, inverse, len(unique))
        return wrap(values, _unravel(unique, self._sparse_size, self.sparse_dim()), self._sparse_size, True)

    def to(self, *args, **kwargs):
        out = Tensor.to(self, *args, **kwargs)  # self, or the converted values (a plain tensor)
        return out if out.is_sparse else self._like(out)

    def double(self):
        return self.to(_dtype.float64)

    def float(self):
        return self.to(_dtype.float32)

    def detach(self):
        out = wrap(_make(self._data), self._sparse_indices, self._sparse_size, self._coalesced)
        out._vc = self._vc
        return out

    def clone(self, *, memory_format=None):
        from ..ops.convert import clone
        return self._like(clone(self))

    def numpy(self, force=False):
        raise TypeError("can't convert Sparse layout tensor to numpy. Use Tensor.to_dense() first.")

    def __array__(self, dtype=None, copy=None):
        return self.numpy()

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None, read_only=False):
        raise BufferError("Can't export tensors with layout other than torch.strided")

    def data_ptr(self):
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    def __repr__(self):
        return sparse_repr(self)

    def __len__(self):
        if not self._sparse_size:
            raise TypeError("len() of a 0-d tensor")
        return self._sparse_size[0]

    __hash__ = Tensor.__hash__  # (this class's comparison operators refuse; tensors stay hashable, by identity)

    def type(self, dtype=None, non_blocking=False, **kwargs):
        if dtype is None:
            return f"torch.sparse.{self.dtype.scalar_name}Tensor"
        return Tensor.type(self, dtype, non_blocking, **kwargs)

    def transpose(self, dim0, dim1, *, _op=ops.TransposeBackward0):
        """The same entries with two sparse dims swapped: their index rows swap, the values stay."""
        d0, d1 = _wrap_dim(dim0, self.ndim), _wrap_dim(dim1, self.ndim)
        sd = self.sparse_dim()
        if d0 >= sd or d1 >= sd:
            raise RuntimeError(f"sparse transpose: transposed dimensions must be sparse Got sparse_dim: {sd}, "
                               f"d0: {d0}, d1: {d1}")
        order = list(range(sd))
        order[d0], order[d1] = d1, d0
        size = list(self._sparse_size)
        size[d0], size[d1] = size[d1], size[d0]
        # swapped, the entries are no longer in sorted order: uncoalesced (unless nothing moved)
        return wrap(_op.apply(self), self._sparse_indices[order], size, self._coalesced and d0 == d1)

    def t(self):
        if self.sparse_dim() > 2 or self.dense_dim():
            raise RuntimeError(f"t() expects a tensor with <= 2 sparse and 0 dense dimensions, but got "
                               f"{self.sparse_dim()} sparse and {self.dense_dim()} dense dimensions")
        return self.transpose(0, self.ndim - 1 if self.ndim else 0, _op=ops.TBackward0)

    # -- arithmetic ------------------------------------------------------------------------------------------
    def __add__(self, other, alpha=1, _op=ops.AddSparse):
        if not isinstance(other, Tensor):
            return NotImplemented
        if not other.is_sparse:
            raise RuntimeError(_DENSE_ADD)
        if other._sparse_size != self._sparse_size:
            raise RuntimeError(f"add: expected sizes of 'self' and 'other' to match, but {list(self.shape)} != "
                               f"{list(other.shape)}")
        coalesced = self._coalesced and other._coalesced
        lin, to_a, to_b = ops.merge(self._lin(), other._lin(), coalesced)
        values = _op.apply(self, other, to_a, to_b, len(lin), alpha)
        return wrap(values, _unravel(lin, self._sparse_size, self.sparse_dim()), self._sparse_size, coalesced)

    def __radd__(self, other):
        """``dense + sparse``: a dense tensor (Python calls this before Tensor.__add__, as the subclass's)."""
        if not isinstance(other, Tensor) or other.shape != self.shape or other.dtype != self.dtype:
            raise RuntimeError(f"add: expected a dense tensor of size {list(self.shape)} and dtype {self.dtype} "
                               f"(minitorch adds dense and sparse tensors of one size and dtype)")
        return ops.AddDense.apply(other, self, self._lin())

    def __sub__(self, other):
        return self.__add__(other, -1, ops.SubSparse)

    sub = __sub__

    def add(self, other, *, alpha=1):
        return self.__add__(other, alpha)

    # ``s * 2``, ``s / 2``, ``-s``: the dense ops on the values (a Python number becomes a 0-d tensor, as in
    # torch, whose node has an edge to nothing for it), at the same entries
    def __mul__(self, other):
        if not isinstance(other, (int, float)):
            raise RuntimeError("minitorch's sparse tensors multiply by a Python number only")
        return self._like(arithmetic.Mul.apply(self, other))

    __rmul__ = mul = __mul__

    def __truediv__(self, other):
        if not isinstance(other, (int, float)):
            raise RuntimeError("minitorch's sparse tensors divide by a Python number only")
        return self._like(arithmetic.Div.apply(self, other))

    div = __truediv__

    def __neg__(self):
        return self._like(arithmetic.Neg.apply(self))

    neg = __neg__

    # -- products and sums -----------------------------------------------------------------------------------
    def mm(self, mat2):
        rows, cols = self._matrix_entries(mat2, "mm")
        return ops.SparseMm.apply(self, mat2, rows, cols, self._sparse_size[0])

    __matmul__ = matmul = mm

    def _rmm(self, dense):
        """``dense @ self`` (``torch.mm(dense, s)``; Python calls ``__rmatmul__`` first, as the subclass's), with
        torch's checks, which are those of ``self^T @ dense^T``."""
        if not isinstance(dense, Tensor) or dense.ndim != 2:
            raise RuntimeError("mm: minitorch multiplies a dense matrix by a sparse matrix")
        rows, cols = self._matrix_entries(dense.t(), "mm", transposed=True)
        return ops.DenseSparseMm.apply(dense, self, rows, cols, self._sparse_size[1])

    __rmatmul__ = _rmm

    def _addmm(self, input, mat2, beta=1, alpha=1, _op=ops.SparseAddmm):
        """``beta * input + alpha * (self @ mat2)``: ``torch.sparse.addmm``, ``torch.addmm(input, self, mat2)``,
        and with ``input=None``, ``torch.sparse.mm``."""
        rows, cols = self._matrix_entries(mat2, "addmm")
        if input is None:  # torch.sparse.mm: a product alone
            input = self.new_zeros((self._sparse_size[0], mat2.shape[1]))
        return _op.apply(input, self, mat2, rows, cols, beta, alpha)

    def _matrix_entries(self, mat2, name, transposed=False):
        """The rows and columns of the entries of this sparse matrix, after torch's checks on ``self @ mat2``
        (``transposed``: on ``self^T @ mat2``)."""
        if self.ndim != 2:
            _wrap_dim(-2, self.ndim)  # torch's IndexError for a 1-d tensor
        if self.sparse_dim() != 2:
            raise RuntimeError(f"{name}: minitorch multiplies sparse matrices without dense dims (sparse_dim 2)")
        if not isinstance(mat2, Tensor) or mat2.is_sparse or mat2.ndim != 2:
            raise RuntimeError(f"{name}: minitorch multiplies a sparse matrix by a dense matrix")
        inner = self._sparse_size[0 if transposed else 1]
        if mat2.shape[0] != inner:
            raise RuntimeError(f"addmm: Argument #3 (dense): Expected dim 0 size {inner}, got {mat2.shape[0]}")
        if mat2.dtype != self.dtype:
            raise RuntimeError(f"expected scalar type {self.dtype.scalar_name} but found {mat2.dtype.scalar_name}")
        return self._sparse_indices[0], self._sparse_indices[1]

    def sum(self, dim=None, *, _op=ops.SumBackward1):
        """The sum of all entries (a dense 0-d tensor), or over ``dim``: sparse again, unless every sparse dim
        is summed."""
        if dim is None:
            return ops.SumAll.apply(self)
        dims = sorted({_wrap_dim(d, self.ndim) for d in (dim if isinstance(dim, (tuple, list)) else (dim,))})
        sd = self.sparse_dim()
        kept = [d for d in range(sd) if d not in dims]
        dense_dims = tuple(d - sd + 1 for d in dims if d >= sd)  # axes of the values
        kept_size = tuple(self._sparse_size[d] for d in kept)
        unique, inverse = np.unique(ops._linear(self._sparse_indices[kept], kept_size), return_inverse=True)
        values = _op.apply(self, inverse, len(unique), dense_dims, not kept)
        if not kept:  # every sparse dim summed: a dense result
            return values
        size = kept_size + tuple(n for d, n in enumerate(self._sparse_size) if d >= sd and d not in dims)
        return wrap(values, _unravel(unique, size, len(kept)), size, True)

    # -- helpers ---------------------------------------------------------------------------------------------
    def _lin(self):
        return ops._linear(self._sparse_indices, self._sparse_size)

    def _like(self, values):
        """A sparse tensor at this one's entries, with ``values`` (a Tensor an operation just made)."""
        return wrap(values, self._sparse_indices, self._sparse_size, self._coalesced)


# The rest of Tensor's API is the dense one: it would read the values array as if it were the tensor (``s.exp()``
# the exponential of the values, not of the tensor, whose zeros would become ones). Each such method refuses
# here instead, so that nothing on the dense path has to check for sparse tensors. (A function called with a
# sparse tensor, ``minitorch.exp(s)``, is not checked: the sparse API is the one above and in sparse/__init__.py.)
_INHERITED = {  # what Tensor defines that is right for a sparse tensor too
    "backward", "register_hook", "retain_grad", "retains_grad", "requires_grad", "requires_grad_", "is_leaf",
    "grad_fn", "output_nr", "dtype", "device", "is_cuda", "is_floating_point", "element_size", "new_tensor",
    "new_zeros", "new_ones", "new_full", "new_empty", "cpu", "cuda", "half", "long", "int", "short", "char", "byte",
    "bool", "to_sparse_coo", "detach_", "nelement", "ndimension"}
_DENSE_OPERATORS = {
    "__getitem__", "__setitem__", "__iter__", "__bool__", "__float__", "__int__", "__index__", "__abs__",
    "__invert__", "__pow__", "__rpow__", "__rsub__", "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__",
    "__rmod__", "__and__", "__rand__", "__or__", "__ror__", "__xor__", "__rxor__", "__eq__", "__ne__", "__lt__",
    "__le__", "__gt__", "__ge__", "__iadd__", "__isub__", "__imul__", "__itruediv__",
    "__ifloordiv__", "__imod__", "__ipow__", "__reduce__", "__deepcopy__"}


def _refuse(name):
    def refused(self, *args, **kwargs):
        raise NotImplementedError(f"{name} is not implemented for sparse COO tensors in minitorch (layout="
                                  f"torch.sparse_coo); use .to_dense() first")
    return refused


for _name in dir(Tensor):
    if _name in vars(SparseTensor) or _name in _INHERITED or _name.startswith("_") and _name not in _DENSE_OPERATORS:
        continue
    _attr = getattr(Tensor, _name)
    if isinstance(_attr, property):  # t.T, t.data, ...
        setattr(SparseTensor, _name, property(_refuse(_name)))
    elif callable(_attr):
        setattr(SparseTensor, _name, _refuse(_name))


def wrap(values, indices, size, coalesced):
    """The SparseTensor whose values are the Tensor ``values`` (just made by an operation): it takes over that
    tensor's fields - array, grad_fn, version counter - so that autograd treats it as those values."""
    out = SparseTensor.__new__(SparseTensor)
    for name in _FIELDS:
        setattr(out, name, getattr(values, name))
    out._sparse_indices, out._sparse_size, out._coalesced = indices, tuple(size), coalesced
    return out


def _unravel(lin, size, sparse_dim):
    """The indices ``(sparse_dim, n)`` of the positions ``lin`` (``_linear``'s inverse)."""
    if sparse_dim == 0:
        return np.zeros((0, len(lin)), np.int64)
    return np.stack(np.unravel_index(lin, tuple(size[:sparse_dim]))).astype(np.int64, copy=False)
