"""Making sparse COO tensors: ``sparse_coo_tensor(indices, values, size)`` and ``dense.to_sparse()``."""
import numpy as np

from .. import _dtype
from .._device import check_factory_device
from ..tensor import Tensor, _make
from . import ops
from .tensor import wrap


def sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None, pin_memory=False,
                      requires_grad=False, check_invariants=None, is_coalesced=None):
    """The sparse tensor with ``values[k]`` at position ``indices[:, k]`` (entries at one position add up).
    ``size`` defaults to the smallest that holds the indices; ``is_coalesced=True`` vouches that the indices are
    sorted and unique. With grad, values' gradient is the dense gradient at each entry's position."""
    check_factory_device(device)
    dtype = _dtype.as_dtype(dtype, "sparse_coo_tensor")
    index = np.asarray(indices._data if isinstance(indices, Tensor) else indices).astype(np.int64)
    if not isinstance(values, Tensor):
        from ..creation import tensor
        values = tensor(values)
    if dtype is not None:
        values = values.to(dtype)
    sparse_dim = index.shape[0] if index.ndim else 0
    if size is None:
        _check_not_negative(index)
        size = tuple(int(n) for n in (index.max(axis=1) + 1 if index.shape[1] else np.zeros(sparse_dim, int)))
        size += tuple(values.shape[1:])
    size = tuple(size)
    if len(size) != sparse_dim + values.ndim - 1:
        raise RuntimeError(f"'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = {len(size)}, "
                           f"sparse_dim = {sparse_dim}, dense_dim = {values.ndim - 1}")
    if index.shape[1] != values.shape[0]:
        raise RuntimeError(f"indices and values must have same nnz, but got nnz from indices: {index.shape[1]}, "
                           f"nnz from values: {values.shape[0]}")
    if check_invariants:
        _check_not_negative(index)
        for d in range(sparse_dim):
            if index.shape[1] and index[d].max() >= size[d]:
                raise RuntimeError(f"size is inconsistent with indices: for dim {d}, size is {size[d]} but found "
                                   f"index {index[d].max()}")
    coalesced = bool(is_coalesced) or index.shape[1] < 2  # one entry or none: nothing to sort or add up
    if requires_grad:  # a leaf of its own
        if values.dtype.np.kind != "f":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        out = wrap(_make(values._data), index, size, coalesced)
        out.requires_grad = True
        return out
    return wrap(ops.SparseCooTensor.apply(values), index, size, coalesced)


def _check_not_negative(index):
    for d, row in enumerate(index):
        if len(row) and row.min() < 0:
            raise RuntimeError(f"found negative index {row.min()} for dim {d}")


def to_sparse(input, sparse_dim=None):
    """``input`` as a (coalesced) sparse tensor: an entry at each position of the first ``sparse_dim`` dims
    (all by default) where ``input`` is nonzero; its values are the slices there."""
    a, ndim = input._data, input._data.ndim
    if sparse_dim is not None:
        if not 0 <= sparse_dim <= ndim:
            raise RuntimeError(f"dense_to_sparse: sparse_dim argument must be in [0,{ndim}] range, but "
                               f"{sparse_dim} is given")
        if sparse_dim == 0 and ndim > 0:
            raise RuntimeError("dense_to_sparse: sparse_dim argument must be in >0 when self.dim()>0")
    sd = ndim if sparse_dim is None else sparse_dim
    if ndim == 0:  # a 0-d tensor: one entry, at the one position (as torch, even for a zero)
        index = np.zeros((0, 1), np.int64)
    else:
        nonzero = (a != 0) if sd == ndim else (a.reshape(a.shape[:sd] + (-1,)) != 0).any(axis=-1)
        index = np.stack(np.nonzero(nonzero)).astype(np.int64)
    op = ops.ToSparseBackward1 if sparse_dim is None else ops.ToSparseBackward0
    values = op.apply(input, ops._linear(index, a.shape), ndim - sd)
    return wrap(values, index, a.shape, True)
