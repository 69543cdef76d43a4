"""minitorch.sparse: sparse COO tensors (torch.sparse) - a tensor stored as the indices of its nonzero entries
and their values, for matrices that are mostly zeros (a graph's adjacency matrix, say).

    s = minitorch.sparse_coo_tensor([[0, 1, 1], [2, 0, 2]], [3., 4., 5.], (2, 3))
    s.to_dense()                 # tensor([[0., 0., 3.], [4., 0., 5.]])
    minitorch.sparse.mm(s, d)    # the product, in nnz * d.shape[1] multiplications

tensor.py is the SparseTensor class (why a subclass, and how autograd sees it), ops.py the differentiable
operations, convert.py how sparse tensors are made.
"""
import numpy as _np

from . import ops as _ops
from .convert import sparse_coo_tensor, to_sparse
from .tensor import SparseTensor, _unravel, wrap as _wrap

__all__ = ["addmm", "log_softmax", "mm", "softmax", "sum"]


def mm(mat1, mat2):
    """``mat1 @ mat2`` for a sparse matrix ``mat1``; its gradient is sparse too, at mat1's entries."""
    return mat1._addmm(None, mat2, beta=0)


def addmm(mat, mat1, mat2, *, beta=1.0, alpha=1.0):
    """``beta * mat + alpha * (mat1 @ mat2)`` for a sparse matrix ``mat1`` and dense ``mat``, ``mat2``."""
    return mat1._addmm(mat, mat2, beta, alpha)


def sum(input, dim=None, dtype=None):
    """The sum of a sparse tensor: of all its entries (a dense 0-d tensor), or over ``dim`` (sparse again,
    unless every sparse dim is summed)."""
    if dtype is not None:
        input = input.to(dtype)
    if dim is None:  # as torch records it: the sum of the coalesced values (s.sum() is one node)
        return input.coalesce().values().sum()
    return input.sum(dim, _op=_ops.SparseSum)


def softmax(input, dim, *, dtype=None):
    """The softmax of a sparse tensor along ``dim`` over its entries only: a position without an entry counts
    as -inf (it takes no share and stays without an entry). A coalesced result."""
    return _softmax(input, dim, dtype, _ops.SparseSoftmax)


def log_softmax(input, dim, *, dtype=None):
    """The log of ``softmax``, computed as such (stable)."""
    return _softmax(input, dim, dtype, _ops.SparseLogSoftmax)


def _softmax(input, dim, dtype, op):
    if dtype is not None:
        input = input.to(dtype)
    if input.dense_dim():
        raise RuntimeError("minitorch's sparse softmax takes tensors without dense dims")
    dim = dim % max(input.ndim, 1)
    size = input._sparse_size
    unique, inverse = _np.unique(input._lin(), return_inverse=True)
    indices = _unravel(unique, size, input.sparse_dim())
    others = [d for d in range(input.sparse_dim()) if d != dim]  # a group: the entries equal in all but dim
    groups, key = _np.unique(_ops._linear(indices[others], tuple(size[d] for d in others)), return_inverse=True)
    values = op.apply(input, inverse, len(unique), key, len(groups))
    return _wrap(values, indices, size, True)
