"""The LAPACK routines torch's solvers call and NumPy does not offer, on NumPy arrays, batched over leading dims:
the LU factorization with partial pivoting (getrf), triangular substitution (trsm), the solve with an LU factor
(getrs), the pivots as a permutation matrix, and where a Cholesky factorization fails (potrf's ``info``).

These are the forward passes of ops/linalg_solve.py, ops/linalg_cholesky.py and ops/linalg_lu.py; their VJPs are
written there in Tensor operations. The loops run over a matrix's rows or columns (n steps of NumPy work on the
whole batch), the textbook algorithms, so they round like LAPACK's unblocked versions.
"""
import numpy as np


def lu_factor(a):
    """(LU, pivots, info) of each (m, n) matrix of ``a``, as LAPACK's getrf: P A = L U with L unit lower triangular
    (m x k, k = min(m, n)) and U upper triangular (k x n), stored together in LU (L's unit diagonal not stored).
    pivots[j] (1-based, int32): row j was swapped with row pivots[j] - 1 at step j, the largest |value| of the
    column at or below the diagonal (the first of equal ones). info: 0, or the 1-based index of the first exactly
    zero diagonal element of U (the factorization is complete, but U is singular)."""
    batch, (m, n) = a.shape[:-2], a.shape[-2:]
    k = min(m, n)
    lu = np.array(a, dtype=a.dtype).reshape((-1, m, n))
    pivots = np.zeros((lu.shape[0], k), np.int32)
    info = np.zeros(lu.shape[0], np.int32)
    rows = np.arange(lu.shape[0])
    for j in range(k):
        p = j + np.argmax(np.abs(lu[:, j:, j]), axis=1)
        pivots[:, j] = p + 1
        row_j = lu[rows, j].copy()
        lu[rows, j] = lu[rows, p]
        lu[rows, p] = row_j
        pivot = lu[:, j, j]
        zero = pivot == 0
        info[(info == 0) & zero] = j + 1
        # a zero pivot leaves its column as it is (all zeros below it: it was the largest)
        lu[:, j + 1:, j] /= np.where(zero, 1, pivot)[:, None]
        lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j, None] * lu[:, j, None, j + 1:]
    return lu.reshape(a.shape), pivots.reshape(batch + (k,)), info.reshape(batch)


def permutation(pivots, m, dtype):
    """The (m, m) permutation matrix P of A = P L U for LAPACK's ``pivots`` (the row swaps applied in order to
    the identity give Pᵀ)."""
    batch, k = pivots.shape[:-1], pivots.shape[-1]
    order = np.broadcast_to(np.arange(m), batch + (m,)).reshape(-1, m).copy()  # row i of Pᵀ A is row order[i]
    swaps = pivots.reshape(-1, k).astype(np.int64) - 1
    rows = np.arange(order.shape[0])
    for j in range(k):
        p = swaps[:, j]
        order_j = order[:, j].copy()
        order[:, j] = order[rows, p]
        order[rows, p] = order_j
    pt = np.zeros((order.shape[0], m, m), dtype)
    pt[rows[:, None], np.arange(m), order] = 1
    return np.swapaxes(pt, -1, -2).reshape(batch + (m, m))


def triangular_solve(t, b, upper, unit=False):
    """X with T X = B by substitution, T the upper or lower triangle of ``t`` (its diagonal taken as ones with
    ``unit``): x_i = (b_i - Σ_j t_ij x_j) / t_ii, last row first for an upper T. Batch dims broadcast; a zero
    on the diagonal gives infs and NaNs, as LAPACK's trsm (no error)."""
    batch = np.broadcast_shapes(t.shape[:-2], b.shape[:-2])
    n = t.shape[-1]
    dtype = np.result_type(t, b)
    t = np.broadcast_to(t, batch + t.shape[-2:])
    x = np.array(np.broadcast_to(b, batch + b.shape[-2:]), dtype=dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in (range(n - 1, -1, -1) if upper else range(n)):
            done = slice(i + 1, n) if upper else slice(0, i)
            if (done.stop or 0) > (done.start or 0):
                x[..., i, :] -= (t[..., i, None, done] @ x[..., done, :])[..., 0, :]
            if not unit:
                x[..., i, :] /= t[..., i, i, None]
    return x


def lu_solve(lu, pivots, b, adjoint=False):
    """X with A X = B (or Aᵀ X = B with ``adjoint``) for A = P L U given as LAPACK's (LU, pivots), as getrs:
    X = U⁻¹ L⁻¹ Pᵀ B, or X = P L⁻ᵀ U⁻ᵀ B. Batch dims broadcast."""
    batch = np.broadcast_shapes(lu.shape[:-2], pivots.shape[:-1], b.shape[:-2])
    p = permutation(np.broadcast_to(pivots, batch + pivots.shape[-1:]), lu.shape[-1], lu.dtype)
    if adjoint:
        y = triangular_solve(np.swapaxes(lu, -1, -2), b, upper=False)
        return p @ triangular_solve(np.swapaxes(lu, -1, -2), y, upper=True, unit=True)
    y = triangular_solve(lu, np.swapaxes(p, -1, -2) @ b, upper=False, unit=True)
    return triangular_solve(lu, y, upper=True)


def cholesky(a):
    """(L, info) of each matrix of ``a``, as LAPACK's potrf on the lower triangle: A = L Lᵀ. Where A is not
    positive-definite, info is the order of the first leading minor that is not, and L is left as potrf leaves
    it: the columns before that one computed, the failing diagonal element as it came out (≤ 0 or NaN), and
    the rest of the lower triangle still A's."""
    try:
        return np.linalg.cholesky(a), np.zeros(a.shape[:-2], np.int32)
    except np.linalg.LinAlgError:
        pass
    n = a.shape[-1]
    ls = np.tril(a).reshape((-1, n, n))
    info = np.zeros(ls.shape[0], np.int32)
    for b, L in enumerate(ls):
        for j in range(n):
            ajj = L[j, j] - L[j, :j] @ L[j, :j]
            if not ajj > 0:
                L[j, j] = ajj
                info[b] = j + 1
                break
            L[j, j] = np.sqrt(ajj)
            L[j + 1:, j] = (L[j + 1:, j] - L[j + 1:, :j] @ L[j, :j]) / L[j, j]
    return ls.reshape(a.shape), info.reshape(a.shape[:-2])
