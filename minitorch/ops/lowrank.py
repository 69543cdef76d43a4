"""Randomized low-rank SVD and PCA (``torch.svd_lowrank``, ``torch.pca_lowrank``): torch's algorithm
(torch/_lowrank.py; Halko, Martinsson and Tropp 2009, algorithms 4.4 and 5.1) step by step, with minitorch's
random generator, so the random projection differs from torch's while everything it determines (a full-rank
result, up to the signs of the singular vectors) agrees. The graph is that of the ops used (qr, svd, matmul).
"""
from .._dtype import float32
from .linalg import matmul
from .linalg_spectral import qr, svd


def _floating(A):
    return A.dtype if A.is_floating_point() else float32


def get_approximate_basis(A, q, niter=2, M=None):
    """Q with q orthonormal columns such that Q Qᵀ A approximates A (of A - M when M is given): a random
    projection, then ``niter`` rounds of subspace iteration, each re-orthonormalised by QR."""
    from ..creation import randn  # creation imports the ops; it is complete by the time this runs
    niter = 2 if niter is None else niter
    R = randn(A.shape[-1], q, dtype=_floating(A))
    X = matmul(A, R)
    if M is not None:
        X = X - matmul(M, R)
    Q = qr(X).Q
    for _ in range(niter):
        X = matmul(A.mH, Q)
        if M is not None:
            X = X - matmul(M.mH, Q)
        Q = qr(X).Q
        X = matmul(A, Q)
        if M is not None:
            X = X - matmul(M, Q)
        Q = qr(X).Q
    return Q


def svd_lowrank(A, q=6, niter=2, M=None):
    """(U, S, V) with A - M ≈ U diag(S) Vᵀ, of rank q: the SVD of the small matrix B = Qᵀ (A - M), lifted by Q.
    A wide matrix is transposed first (and the factors swapped back)."""
    q = 6 if q is None else q
    m, n = A.shape[-2:]
    if M is not None:
        M = M.broadcast_to(A.shape)
    if m < n:
        A = A.mH
        if M is not None:
            M = M.mH
    Q = get_approximate_basis(A, q, niter=niter, M=M)
    B = matmul(Q.mH, A)
    if M is not None:
        B = B - matmul(Q.mH, M)
    U, S, Vh = svd(B, full_matrices=False)
    V = Vh.mH
    U = Q.matmul(U)
    if m < n:
        U, V = V, U
    return U, S, V


def pca_lowrank(A, q=None, center=True, niter=2):
    """(U, S, V): svd_lowrank of A with its column means removed (``center``); q defaults to min(6, m, n)."""
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not (q >= 0 and q <= min(m, n)):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}")
    if not (niter >= 0):
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return svd_lowrank(A, q, niter=niter, M=None)
    C = A.mean(dim=(-2,), keepdim=True)
    return svd_lowrank(A - C, q, niter=niter, M=None)
