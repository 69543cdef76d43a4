"""The differentiable operations of sparse COO tensors, each an ``Op`` on the tensors' values.

A sparse tensor reaches an Op's ``forward`` as its values array (``_data``, shape ``(nnz, *dense dims)``); the
indices come as plain arguments - here ``lin``, each entry's position in the sparse dims as one number
(``_linear``). The gradient of a sparse tensor is, likewise, the gradient of its values: one row per entry.
Every operation of a sparse tensor depends on it through the dense tensor it stands for, so each entry's
gradient is the dense gradient at the entry's position (torch's ``grad.sparse_mask(self)``).
"""
import numpy as np

from ..kernels.segments import add_rows_fast as add_rows
from ..ops import indexing, scatter
from ..ops.op import Op
from ..tensor import _make


def _linear(indices, size):
    """Each entry's position among the sparse dims, as one number: ``(i, j)`` -> ``i * size[1] + j``."""
    if indices.shape[0] == 0:  # no sparse dims (a 0-d tensor): every entry is at the one position
        return np.zeros(indices.shape[1], np.int64)
    return np.ravel_multi_index(tuple(indices), tuple(size[:indices.shape[0]]))


def _positions(size, dense_ndim):
    """How many positions the sparse dims of ``size`` have (``size`` without its dense dims)."""
    return int(np.prod(size[:len(size) - dense_ndim], dtype=np.int64))


def _scatter(values, lin, size):
    """The dense array of shape ``size`` holding each value at its position (duplicates add up)."""
    return add_rows(lin, values, _positions(size, values.ndim - 1)).reshape(size)


def _gather(dense, lin, dense_ndim):
    """The rows of ``dense`` at positions ``lin`` of its sparse dims: what ``_scatter`` put there."""
    positions = _positions(dense.shape, dense_ndim)
    return dense.reshape((positions,) + dense.shape[dense.ndim - dense_ndim:])[lin]


def _constant(array):
    """An array as a tensor outside the graph (indices, and the values a VJP multiplies by)."""
    return _make(array)


class ToDense(Op):
    """z = the dense tensor of size ``size`` with each value at its position (duplicates add up).
    VJP: dvalues = g at each entry's position."""
    node_name = "ToDenseBackward0"

    @staticmethod
    def forward(ctx, values, lin, size):
        ctx.lin, ctx.dense_ndim = lin, values.ndim - 1
        return _scatter(values, lin, size)

    @staticmethod
    def backward(ctx, g):
        return SparseMask.apply(g, ctx.lin, ctx.dense_ndim)


class SparseMask(Op):
    """z = the values of dense ``a`` at the positions ``lin`` (torch's ``a.sparse_mask(s)``).
    VJP: da = the values' gradients put back at their positions (duplicates add up)."""
    node_name = "SparseMaskBackward0"

    @staticmethod
    def forward(ctx, a, lin, dense_ndim):
        ctx.lin, ctx.size = lin, a.shape
        return _gather(a, lin, dense_ndim)

    @staticmethod
    def backward(ctx, g):
        return ToDense.apply(g, ctx.lin, ctx.size)


class ToSparseBackward1(SparseMask):
    """``dense.to_sparse()``: the values at the nonzero positions (found by the caller)."""
    node_name = "ToSparseBackward1"


class ToSparseBackward0(SparseMask):
    """``dense.to_sparse(sparse_dim)``."""
    node_name = "ToSparseBackward0"


class SparseCooTensor(Op):
    """z = values (``sparse_coo_tensor(indices, values)``: the same memory, as torch's).   VJP: dvalues = g."""
    node_name = "SparseCooTensorWithDimsAndTensorsBackward0"

    @staticmethod
    def forward(ctx, values):
        return values

    @staticmethod
    def backward(ctx, g):
        return g


class Values(SparseCooTensor):
    """z = the values of a coalesced sparse tensor (``s.values()``, a plain tensor).   VJP: dvalues = g."""
    node_name = "ValuesBackward0"


class TransposeBackward0(SparseCooTensor):
    """``s.transpose(d0, d1)``: the entries' values as they are (their indices swap rows).   VJP: dvalues = g."""
    node_name = "TransposeBackward0"


class TBackward0(SparseCooTensor):
    """``s.t()``."""
    node_name = "TBackward0"


class Coalesce(Op):
    """z = the values of entries that share a position, added up: entry k goes to row ``inverse[k]``.
    VJP: dvalues = g[inverse] (each entry gets the gradient of its sum)."""
    node_name = "CoalesceBackward0"

    @staticmethod
    def forward(ctx, values, inverse, count):
        ctx.inverse = inverse
        return add_rows(inverse, values, count)

    @staticmethod
    def backward(ctx, g):
        return indexing.index_select(g, 0, _constant(ctx.inverse))


class SparseSum(Op):
    """z = the values summed over some sparse dims (entries that meet at a position add up, ``inverse``) and
    some dense dims (``dense_dims``, axes of the values); with every sparse dim summed, the one position left
    is the (dense) result.   VJP: dvalues = g, back over the dense dims, at each entry's sum."""
    node_name = "SparseSumBackward0"

    @staticmethod
    def forward(ctx, values, inverse, count, dense_dims, dense_result):
        ctx.inverse, ctx.dense_dims, ctx.shape, ctx.dense_result = inverse, dense_dims, values.shape, dense_result
        out = add_rows(inverse, values, count)
        out = out.sum(axis=dense_dims) if dense_dims else out
        return out[0] if dense_result else out

    @staticmethod
    def backward(ctx, g):
        if ctx.dense_result:
            g = g.unsqueeze(0)
        for d in sorted(ctx.dense_dims):
            g = g.unsqueeze(d)
        g = g.expand((g.shape[0],) + tuple(ctx.shape[1:]))
        return indexing.index_select(g, 0, _constant(ctx.inverse))


class SumBackward1(SparseSum):
    """``s.sum(dim)``: ``torch.sparse.sum(s, dim)`` under the node name of the Tensor method."""
    node_name = "SumBackward1"


class SumAll(Op):
    """z = the sum of all values (``s.sum()``: the positions without an entry are zeros).
    VJP: dvalues = g, broadcast to every value."""
    node_name = "SumBackward0"

    @staticmethod
    def forward(ctx, values):
        ctx.shape = values.shape
        return values.sum()

    @staticmethod
    def backward(ctx, g):
        return g.expand(ctx.shape)


def merge(a, b, coalesced):
    """Where torch's sparse ``a + b`` puts each entry: the merge step of merge sort on the two lists of
    positions, entries at equal heads added into one. Returns the result's positions and, for each entry of
    a and of b, its row in the result. On coalesced (sorted, unique) lists this is their sorted union, found
    here by NumPy; on uncoalesced ones torch runs the same merge anyway, so the loop below gives its order."""
    if coalesced:
        union, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
        return union, inverse[:len(a)], inverse[len(a):]
    out, to_a, to_b = [], np.empty(len(a), np.int64), np.empty(len(b), np.int64)
    i = j = 0
    while i < len(a) or j < len(b):
        take_a = j == len(b) or (i < len(a) and a[i] <= b[j])
        take_b = i == len(a) or (j < len(b) and b[j] <= a[i])
        if take_a:
            to_a[i] = len(out)
        if take_b:
            to_b[j] = len(out)
        out.append(a[i] if take_a else b[j])
        i, j = i + take_a, j + take_b
    return np.array(out, np.int64), to_a, to_b


class AddSparse(Op):
    """z = the entries of a and of alpha * b, each added into its row of the result (``to_a``, ``to_b``: see
    ``merge``).   VJP: da = g[to_a], db = alpha * g[to_b]."""
    node_name = "AddBackward0"

    @staticmethod
    def forward(ctx, a, b, to_a, to_b, count, alpha):
        ctx.to_a, ctx.to_b, ctx.alpha = to_a, to_b, alpha
        return add_rows(np.concatenate([to_a, to_b]), np.concatenate([a, b * alpha if alpha != 1 else b]), count)

    @staticmethod
    def backward(ctx, g):
        da = indexing.index_select(g, 0, _constant(ctx.to_a))
        db = indexing.index_select(g, 0, _constant(ctx.to_b))
        return da, db * ctx.alpha if ctx.alpha != 1 else db


class SubSparse(AddSparse):
    """``s - t``: ``s + (-1) * t``."""
    node_name = "SubBackward0"


class AddDense(Op):
    """z = dense + the sparse tensor (values at positions ``lin``) - a dense result.
    VJP: ddense = g;  dvalues = g at each entry's position."""
    node_name = "AddBackward0"

    @staticmethod
    def forward(ctx, dense, values, lin):
        ctx.lin, ctx.dense_ndim = lin, values.ndim - 1
        return dense + _scatter(values, lin, dense.shape)

    @staticmethod
    def backward(ctx, g):
        return g, SparseMask.apply(g, ctx.lin, ctx.dense_ndim)


def _spmm(values, rows, cols, dense, n):
    """The (n, k) product of the sparse matrix (``values`` at ``(rows, cols)``) with ``dense`` (m, k): each
    entry adds value * (row ``col`` of dense) to row ``row`` of the result - nnz * k multiplications."""
    return add_rows(rows, values[:, None] * np.take(dense, cols, axis=0), n)


def _spmm_vjp(ctx, g):
    """The gradients of S @ D for the values of S and for D, from ``g`` = the gradient of the product:
    dvalues[e] = g[row e] . D[col e] (the dense gradient g @ D^T at each entry's position);
    dD = S^T @ g (each entry adds value * (row ``row`` of g) to row ``col``).
    Both are written with tensor operations, so that they are differentiable again (create_graph)."""
    sparse, dense = ctx.saved_tensors
    rows, cols = _constant(ctx.rows), _constant(ctx.cols)
    g_rows = indexing.index_select(g, 0, rows)
    dvalues = (g_rows * indexing.index_select(dense, 0, cols)).sum(1) if ctx.needs_input_grad[-2] else None
    ddense = None
    if ctx.needs_input_grad[-1]:
        values = Values.apply(sparse)  # S's values as a plain tensor, still in S's graph
        ddense = scatter.index_add(dense.new_zeros(dense.shape), 0, cols, values.unsqueeze(1) * g_rows)
    return dvalues, ddense


class SparseMm(Op):
    """z = S @ D for a sparse matrix S (its values, at ``rows``, ``cols``) and a dense D (``s @ d``,
    ``torch.mm(s, d)``).   VJP: dvalues = (g @ D^T) at the entries' positions;  dD = S^T @ g."""
    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx, values, dense, rows, cols, n):
        ctx.rows, ctx.cols = rows, cols
        ctx.save_for_backward(values, dense)
        return _spmm(values, rows, cols, dense, n)

    @staticmethod
    def backward(ctx, g):
        return _spmm_vjp(ctx, g)


class DenseSparseMm(Op):
    """z = D @ S for a dense D and a sparse matrix S (``d @ s``, ``torch.mm(d, s)``), computed as torch does:
    (S^T @ D^T)^T, S^T's entries being S's with rows and columns swapped.
    VJP: dD = g @ S^T = (S @ g^T)^T;  dvalues[e] = D[:, row e] . g[:, col e]."""
    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx, dense, values, rows, cols, m):
        ctx.rows, ctx.cols = rows, cols
        ctx.save_for_backward(dense, values)
        return _spmm(values, cols, rows, dense.T, m).T

    @staticmethod
    def backward(ctx, g):
        dense, sparse = ctx.saved_tensors
        rows, cols = _constant(ctx.rows), _constant(ctx.cols)
        g_cols = indexing.index_select(g.t(), 0, cols)  # g's columns at the entries' columns, as rows
        ddense = dvalues = None
        if ctx.needs_input_grad[0]:
            source = Values.apply(sparse).unsqueeze(1) * g_cols
            ddense = scatter.index_add(dense.new_zeros((dense.shape[1], dense.shape[0])), 0, rows, source).t()
        if ctx.needs_input_grad[1]:
            dvalues = (indexing.index_select(dense.t(), 0, rows) * g_cols).sum(1)
        return ddense, dvalues


class SparseAddmm(Op):
    """z = beta * M + alpha * (S @ D) (``torch.sparse.addmm``, and ``torch.sparse.mm`` with beta = 0).
    VJP: dM = beta * g;  then as SparseMm with alpha * g."""
    node_name = "SparseAddmmBackward0"

    @staticmethod
    def forward(ctx, m, values, dense, rows, cols, beta, alpha):
        ctx.rows, ctx.cols, ctx.beta, ctx.alpha = rows, cols, beta, alpha
        ctx.save_for_backward(values, dense)
        product = _spmm(values, rows, cols, dense, m.shape[0])
        if alpha != 1:
            product = product * alpha
        return product if beta == 0 else product + beta * m  # beta = 0 ignores M, even its NaNs (as torch)

    @staticmethod
    def backward(ctx, g):
        dm = g * ctx.beta if ctx.needs_input_grad[0] else None
        return (dm,) + _spmm_vjp(ctx, g * ctx.alpha if ctx.alpha != 1 else g)


class Addmm(SparseAddmm):
    """``torch.addmm(M, s, d)`` with a sparse s: torch.sparse.addmm under the node name of torch.addmm."""
    node_name = "AddmmBackward0"


def _group_sum(t, key, groups):
    """The sums of the rows of ``t`` that share a ``key`` (one per group), as tensor operations."""
    return scatter.index_add(t.new_zeros((groups,) + tuple(t.shape[1:])), 0, _constant(key), t)


def _shifted(ctx, values, inverse, count, key, groups):
    """The coalesced values minus their group's largest (so that exp cannot overflow), and their exps' sums per
    group: what softmax and log_softmax are made of."""
    ctx.inverse, ctx.key, ctx.groups = inverse, key, groups
    coalesced = add_rows(inverse, values, count)
    top = np.full(groups, -np.inf, values.dtype)
    np.maximum.at(top, key, coalesced)
    shifted = coalesced - top[key]
    e = np.exp(shifted)
    return shifted, e, add_rows(key, e, groups)[key]


class SparseSoftmax(Op):
    """z = softmax of the coalesced values over the entries that share all their indices but ``dim``'s (the
    positions without an entry count as -inf: they take no share).   The values come in uncoalesced: entry k
    is at row ``inverse[k]`` of the coalesced ones, in group ``key[row]``.
    VJP: dvalues_c = z * (g - (sum of g * z over the group)); dvalues = dvalues_c[inverse]."""
    node_name = "SparseSoftmaxBackward0"

    @staticmethod
    def forward(ctx, values, inverse, count, key, groups):
        _, e, total = _shifted(ctx, values, inverse, count, key, groups)
        out = e / total
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        gz = g * z
        d = gz - z * indexing.index_select(_group_sum(gz, ctx.key, ctx.groups), 0, _constant(ctx.key))
        return indexing.index_select(d, 0, _constant(ctx.inverse))


class SparseLogSoftmax(Op):
    """z = log_softmax of the coalesced values over the groups of SparseSoftmax.
    VJP: dvalues_c = g - exp(z) * (sum of g over the group); dvalues = dvalues_c[inverse]."""
    node_name = "SparseLogSoftmaxBackward0"

    @staticmethod
    def forward(ctx, values, inverse, count, key, groups):
        shifted, _, total = _shifted(ctx, values, inverse, count, key, groups)
        out = shifted - np.log(total)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        total = indexing.index_select(_group_sum(g, ctx.key, ctx.groups), 0, _constant(ctx.key))
        return indexing.index_select(g - z.exp() * total, 0, _constant(ctx.inverse))
