"""The LAPACK routines torch's solvers call and NumPy does not offer, on NumPy arrays, batched over leading dims:
the LU factorization with partial pivoting (getrf), triangular substitution (trsm), the solve with an LU factor
(getrs), the pivots as a permutation matrix, and where a Cholesky factorization fails (potrf's ``info``).

These are the forward passes of ops/linalg_solve.py, ops/linalg_cholesky.py and ops/linalg_lu.py; their VJPs are
written there in Tensor operations. The loops run over a matrix's rows or columns (n steps of NumPy work on the
whole batch), the textbook algorithms, so they round like LAPACK's unblocked versions.
"""
import numpy as np


def _count(batch):
    """The number of matrices in a batch of shape ``batch`` (reshape's -1 cannot tell when a matrix is empty)."""
    return int(np.prod(batch, dtype=np.int64))


def lu_factor(a):
    """(LU, pivots, info) of each (m, n) matrix of ``a``, as LAPACK's getrf: P A = L U with L unit lower triangular
    (m x k, k = min(m, n)) and U upper triangular (k x n), stored together in LU (L's unit diagonal not stored).
    pivots[j] (1-based, int32): row j was swapped with row pivots[j] - 1 at step j, the largest |value| of the
    column at or below the diagonal (the first of equal ones). info: 0, or the 1-based index of the first exactly
    zero diagonal element of U (the factorization is complete, but U is singular)."""
    batch, (m, n) = a.shape[:-2], a.shape[-2:]
    k = min(m, n)
    lu = np.array(a, dtype=a.dtype).reshape((_count(batch), m, n))
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
    order = np.broadcast_to(np.arange(m), batch + (m,)).reshape(_count(batch), m).copy()  # row i of Pᵀ A: order[i]
    swaps = pivots.reshape(_count(batch), k).astype(np.int64) - 1
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
    ls = np.tril(a).reshape((_count(a.shape[:-2]), n, n))
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


ALPHA = (1 + np.sqrt(17)) / 8  # Bunch and Kaufman's threshold: it bounds the growth of the factors' elements


def ldl_factor(a):
    """(LD, pivots, info) of each symmetric matrix of ``a`` (its lower triangle), as LAPACK's sytrf (Bunch-Kaufman
    pivoting, unblocked as sytf2): P A Pᵀ = L D Lᵀ with D block diagonal of 1x1 and 2x2 blocks. LD holds L
    (unit diagonal not stored) below D; pivots (1-based) > 0 for a 1x1 block whose row was swapped with row
    pivots[k] - 1, < 0 (the same number on both rows) for a 2x2 block whose second row was swapped with row
    -pivots[k] - 1. info: the first 1x1 block that is exactly zero (D singular), else 0."""
    n = a.shape[-1]
    lds = np.tril(a).reshape((_count(a.shape[:-2]), n, n)).astype(a.dtype)
    pivots = np.zeros((lds.shape[0], n), np.int32)
    info = np.zeros(lds.shape[0], np.int32)
    for b, A in enumerate(lds):  # pivots differ from matrix to matrix: one at a time
        info[b] = _sytf2(A, pivots[b])
    return lds.reshape(a.shape), pivots.reshape(a.shape[:-1]), info.reshape(a.shape[:-2])


def _sytf2(A, ipiv):
    """sytf2 (lower) on the matrix A in place, 0-based indices; returns info."""
    n, info, k = A.shape[0], 0, 0
    while k < n:
        kstep, absakk = 1, abs(A[k, k])
        imax = k + 1 + int(np.argmax(np.abs(A[k + 1:, k]))) if k < n - 1 else k
        colmax = abs(A[imax, k]) if k < n - 1 else 0.0
        if max(absakk, colmax) == 0 or np.isnan(absakk):  # a zero column: D is singular there, nothing to do
            info, kp = info or k + 1, k
        else:
            if absakk >= ALPHA * colmax:
                kp = k  # the diagonal is large enough: a 1x1 block, no swap
            else:
                rowmax = np.max(np.abs(A[imax, k:imax]))  # the largest off-diagonal of row/column imax
                if imax < n - 1:
                    rowmax = max(rowmax, np.max(np.abs(A[imax + 1:, imax])))
                if absakk >= ALPHA * colmax * (colmax / rowmax):
                    kp = k
                elif abs(A[imax, imax]) >= ALPHA * rowmax:
                    kp = imax  # a 1x1 block with imax's diagonal
                else:
                    kp, kstep = imax, 2  # a 2x2 block of rows k and imax
            kk = k + kstep - 1
            if kp != kk:  # swap rows and columns kk and kp of the trailing lower triangle
                A[kp + 1:, kk], A[kp + 1:, kp] = A[kp + 1:, kp].copy(), A[kp + 1:, kk].copy()
                A[kk + 1:kp, kk], A[kp, kk + 1:kp] = A[kp, kk + 1:kp].copy(), A[kk + 1:kp, kk].copy()
                A[kk, kk], A[kp, kp] = A[kp, kp], A[kk, kk]
                if kstep == 2:
                    A[k + 1, k], A[kp, k] = A[kp, k], A[k + 1, k]
            if kstep == 1:
                if k < n - 1:  # A₂₂ -= x xᵀ / d, x the column below d; then the column becomes L's
                    x = A[k + 1:, k].copy()
                    A[k + 1:, k + 1:] -= np.tril(np.outer(x, x)) / A[k, k]
                    A[k + 1:, k] = x / A[k, k]
            elif k < n - 2:  # the same with the 2x2 block D = [[d11, d21], [d21, d22]]
                d21 = A[k + 1, k]
                d11, d22 = A[k + 1, k + 1] / d21, A[k, k] / d21
                d21 = 1 / (d11 * d22 - 1) / d21
                wk = d21 * (d11 * A[k + 2:, k] - A[k + 2:, k + 1])
                wkp1 = d21 * (d22 * A[k + 2:, k + 1] - A[k + 2:, k])
                A[k + 2:, k + 2:] -= np.tril(np.outer(A[k + 2:, k], wk) + np.outer(A[k + 2:, k + 1], wkp1))
                A[k + 2:, k], A[k + 2:, k + 1] = wk, wkp1
        if kstep == 1:
            ipiv[k] = kp + 1
        else:
            ipiv[k] = ipiv[k + 1] = -(kp + 1)
        k += kstep
    return info


def ldl_solve(ld, pivots, b):
    """X with A X = B for A = P L D Lᵀ Pᵀ given as sytrf's (LD, pivots), as LAPACK's sytrs (lower): the swaps
    and L, then D's blocks, then Lᵀ and the swaps back. Batch dims broadcast."""
    batch = np.broadcast_shapes(ld.shape[:-2], pivots.shape[:-1], b.shape[:-2])
    n = ld.shape[-1]
    lds = np.broadcast_to(ld, batch + (n, n)).reshape((_count(batch), n, n))
    pivs = np.broadcast_to(pivots, batch + (n,)).reshape((_count(batch), n)).astype(np.int64)
    xs = np.array(np.broadcast_to(b, batch + b.shape[-2:]), dtype=np.result_type(ld, b))
    xs = xs.reshape((_count(batch),) + b.shape[-2:])
    for A, ipiv, B in zip(lds, pivs, xs):
        _sytrs(A, ipiv, B)
    return xs.reshape(batch + b.shape[-2:])


def _sytrs(A, ipiv, B):
    """sytrs (lower) on one matrix: B becomes X in place (a singular D gives infs and NaNs, no error)."""
    n = A.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        k = 0
        while k < n:  # L D Y = Pᵀ B
            if ipiv[k] > 0:
                kp = ipiv[k] - 1
                B[[k, kp]] = B[[kp, k]]
                B[k + 1:] -= np.outer(A[k + 1:, k], B[k])
                B[k] /= A[k, k]
                k += 1
            else:
                kp = -ipiv[k] - 1
                B[[k + 1, kp]] = B[[kp, k + 1]]
                B[k + 2:] -= np.outer(A[k + 2:, k], B[k]) + np.outer(A[k + 2:, k + 1], B[k + 1])
                akm1k = A[k + 1, k]
                akm1, ak = A[k, k] / akm1k, A[k + 1, k + 1] / akm1k
                denom = akm1 * ak - 1
                bkm1, bk = B[k] / akm1k, B[k + 1] / akm1k
                B[k], B[k + 1] = (ak * bkm1 - bk) / denom, (akm1 * bk - bkm1) / denom
                k += 2
        k = n - 1
        while k >= 0:  # Lᵀ X = Y, then P
            if ipiv[k] > 0:
                B[k] -= A[k + 1:, k] @ B[k + 1:]
                kp = ipiv[k] - 1
                B[[k, kp]] = B[[kp, k]]
                k -= 1
            else:
                B[k] -= A[k + 1:, k] @ B[k + 1:]
                B[k - 1] -= A[k + 1:, k - 1] @ B[k + 1:]
                kp = -ipiv[k] - 1
                B[[k, kp]] = B[[kp, k]]
                k -= 2
