"""Determinants, inverses and linear solves: linalg.det, inv, inv_ex, solve, solve_ex, solve_triangular, the legacy
triangular_solve, and what torch composes from them (tensorinv, tensorsolve) or keeps beside them (vecdot,
linalg.diagonal).

The VJPs all come from one identity. For X = A⁻¹ B, differentiating A X = B gives dA X + A dX = dB, so
dX = A⁻¹ (dB - dA X), and the adjoint of that map is

    gB = A⁻ᵀ gX,    gA = -gB Xᵀ.

inv is the case B = I (gA = -Zᵀ g Zᵀ), det follows from Jacobi's formula d(det A) = det A · tr(A⁻¹ dA), a
triangular solve keeps only the triangle of gA that A's triangle is. docs/linalg_vjps.md derives each.
"""
import collections
import warnings

import numpy as np

from .._size import broadcast_shape
from ..autograd import grad_mode
from ..tensor import _make
from . import linalg_numpy as lapack
from .diagonal import diag_embed, diagonal as _diagonal, tril, triu
from .linalg import LinalgInv, LinalgSvd, _check_square, matmul
from .op import Op
from .scan import cumprod
from .shape import cat


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a matrix the factorization or solve cannot handle (singular, not positive-definite)."""


LinAlgError.__name__ = LinAlgError.__qualname__ = "_LinAlgError"  # torch's class name (torch._C._LinAlgError)


def return_type(name, fields):
    """torch.return_types.<name>: a tuple whose elements are also named ``fields``, printed as torch prints it."""
    def __repr__(self):
        return f"torch.return_types.{name}(\n" + ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self)) + ")"
    return type(name, (collections.namedtuple(name, fields),), {"__slots__": (), "__repr__": __repr__})


def raise_info(info, name, message, error=LinAlgError):
    """torch's error for the first matrix whose LAPACK ``info`` is not 0: ``message(info)``, after
    "(Batch element i): " when the input is a batch."""
    bad = np.flatnonzero(np.asarray(info).reshape(-1))
    if bad.size:
        i = bad[0]
        where = f"(Batch element {i}): " if np.ndim(info) else ""
        raise error(f"{name}: {where}{message(int(np.asarray(info).reshape(-1)[i]))}")


def warn_deprecated(name, message, _warned=set()):
    """torch's deprecation warning of an older solver, once per process as torch gives it (without its
    "Triggered internally at" C++ location)."""
    if name not in _warned:
        _warned.add(name)
        warnings.warn(message, UserWarning, stacklevel=3)


def _int32(info):
    return _make(np.asarray(info, np.int32))


def require_kernel(t, kernel):
    """torch's error where its LAPACK kernel has no version for the dtype (integers, and float16: LAPACK works in
    float32 and float64 only)."""
    if t.dtype.name == "float16" or not t.is_floating_point():
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{t.dtype.scalar_name}'")


def _check_float(A, name):
    if not A.is_floating_point():
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {A.dtype.scalar_name}")


# -- determinant ----------------------------------------------------------------------------------------------------
class LinalgDet(Op):
    """det A of each matrix.   VJP (Jacobi's formula d det = det · tr(A⁻¹ dA)): dA = g · det A · A⁻ᵀ, the
    cofactor matrix times g.

    As torch: a first-order backward solves Aᵀ X = g·det·I with A's LU, a zero pivot replaced by machine epsilon
    (so a matrix whose LU has an exact zero pivot, det = 0, gets a zero gradient). Under ``create_graph``,
    matrices with |det| < 100·eps get the cofactors from the SVD A = U diag(s) Vᵀ instead, which needs no
    inverse: dA = g · det U · det Vᵀ · U diag(Π_{j≠i} s_j) Vᵀ; the others get solve(Aᵀ, g·det·I). Both are
    Tensor operations there, so the gradient differentiates again."""
    node_name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx, a):
        det = np.asarray(np.linalg.det(a) if a.size else np.ones(a.shape[:-2]), a.dtype)
        ctx.save_for_backward(a, det)
        return det

    @staticmethod
    def backward(ctx, g):
        a, det = ctx.saved_tensors
        if a.numel() == 0:
            return _make(np.zeros(a.shape, a.dtype.np))
        if a.shape[-1] == 1:  # det [a] = a: the gradient is g itself (as torch, no formula that depends on A)
            return g.unsqueeze(-1).unsqueeze(-1)
        d = g * det
        if not grad_mode.STATE.enabled:
            lu, pivots, _ = lapack.lu_factor(a._data)
            zero = np.diagonal(lu, 0, -2, -1) == 0
            lu = lu + np.eye(lu.shape[-1], dtype=lu.dtype) * np.where(zero, np.finfo(lu.dtype).eps, 0)[..., None, :]
            rhs = d._data[..., None, None] * np.eye(a.shape[-1], dtype=lu.dtype)
            return _make(lapack.lu_solve(lu, pivots, rhs, adjoint=True).astype(lu.dtype))
        singular = np.abs(det._data) < 100 * np.finfo(det._data.dtype).eps
        if not singular.any():
            return _det_grad_invertible(a, d)
        if singular.all():
            return _det_grad_singular(a, g)
        # a batch of both kinds: each formula on its matrices, put back in order by one index_select
        n, shape = a.shape[-1], a.shape
        flat_a, flat_g, flat_d = a.reshape(-1, n, n), g.reshape(-1), d.reshape(-1)
        one, other = np.flatnonzero(singular.reshape(-1)), np.flatnonzero(~singular.reshape(-1))
        parts = cat([_det_grad_singular(flat_a[_make(one)], flat_g[_make(one)]),
                     _det_grad_invertible(flat_a[_make(other)], flat_d[_make(other)])])
        return parts.index_select(0, _make(np.argsort(np.concatenate([one, other])))).reshape(shape)


def _det_grad_invertible(a, d):
    """g·det·A⁻ᵀ, as the solution of Aᵀ X = (g·det) I."""
    return solve(a.mT, diag_embed(d.unsqueeze(-1).expand(tuple(a.shape[:-1]))))


def _det_grad_singular(a, g):
    """The cofactors of A times g from its SVD (torch's formula for singular matrices): A = U S Vᵀ has
    det A = det U · det Vᵀ · Π s_i, whose derivative in s_i is det U · det Vᵀ · Π_{j≠i} s_j."""
    u, s, vh = LinalgSvd.apply(a)
    alpha = det(u) * det(vh) * g
    return matmul(u * _prod_others(s, alpha).unsqueeze(-2), vh)


def _prod_others(s, alpha):
    """alpha · Π_{j≠i} s_j along the last dim, without dividing (zeros allowed): the products of the s before i
    and after i (exclusive cumulative products from both ends)."""
    if s.shape[-1] == 1:
        return alpha.unsqueeze(-1).expand(tuple(s.shape))
    ones = s[..., :1] * 0 + 1
    before = cumprod(cat([ones, s[..., :-1]], -1), -1)
    after = cumprod(cat([ones, s[..., 1:].flip(-1)], -1), -1).flip(-1)
    return alpha.unsqueeze(-1) * before * after


def det(A):
    """torch.linalg.det (torch.det, Tensor.det): the determinant of each square matrix."""
    _check_square(A, "linalg.det")
    require_kernel(A, "lu_cpu")
    return LinalgDet.apply(A)


# -- inverse --------------------------------------------------------------------------------------------------------
linalg_inv_ex_return = return_type("linalg_inv_ex", ["inverse", "info"])


def _singular_message(i):
    return (f"The diagonal element {i} is zero, the inversion could not be completed because the input matrix is "
            "singular.")


def inv_ex(A, *, check_errors=False):
    """torch.linalg.inv_ex: (A⁻¹, info), info the LU's first zero pivot (1-based) of each matrix, 0 when it has
    an inverse. The inverse is LinalgInv (ops/linalg.py): VJP dA = -A⁻ᵀ g A⁻ᵀ."""
    _check_square(A, "linalg.inv_ex")
    if A.dtype.name == "float16":
        raise RuntimeError(f"linalg.inv: Low precision dtypes not supported. Got {A.dtype.scalar_name}")
    inverse = LinalgInv.apply(A)
    info = np.zeros(A.shape[:-2], np.int32)
    if not np.isfinite(inverse._data).all():  # a singular matrix perhaps: which one, which pivot, from the LU
        info = lapack.lu_factor(A._data)[2]
    if check_errors:
        raise_info(info, "linalg.inv_ex", _singular_message)
    return linalg_inv_ex_return(inverse, _int32(info))


def inv(A):
    """torch.linalg.inv (torch.inverse, Tensor.inverse): A⁻¹, torch's error for a singular matrix."""
    _check_square(A, "linalg.inv")
    inverse, info = inv_ex(A)
    raise_info(info._data, "linalg.inv", _singular_message)
    return inverse


# -- solve ----------------------------------------------------------------------------------------------------------
def _is_vector_rhs(A, B):
    """torch's NumPy-compatible rule: B is a vector (or a batch of them) when it is 1-D, or shaped as A less its
    last dim."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


class LinalgSolveEx(Op):
    """X = A⁻¹ B (``left``) or X = B A⁻¹, batch dims broadcast; B may be a vector.
    VJP: gB = A⁻ᵀ gX (solve(Aᵀ, gX)),  gA = -gB Xᵀ (or -Xᵀ gB for X A = B)."""
    node_name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx, a, b, left, vector):
        a_in, b_ = a, (b[..., None] if vector else b)
        if not left:  # X A = B  ⇔  Aᵀ Xᵀ = Bᵀ
            a, b_ = np.swapaxes(a, -1, -2), np.swapaxes(b_, -1, -2)
        batch = np.broadcast_shapes(a.shape[:-2], b_.shape[:-2])
        a, b_ = np.broadcast_to(a, batch + a.shape[-2:]), np.broadcast_to(b_, batch + b_.shape[-2:])
        info = np.zeros(a_in.shape[:-2], np.int32)  # (of A's own batch, not the broadcast one, as torch's)
        try:
            x = np.linalg.solve(a, b_) if a.size and b_.size else np.zeros(b_.shape, a.dtype)
        except np.linalg.LinAlgError:  # singular: LAPACK's getrf + getrs, infs and NaNs included
            info = lapack.lu_factor(a_in)[2]
            lu, pivots, _ = lapack.lu_factor(a)
            with np.errstate(all="ignore"):
                x = lapack.lu_solve(lu, pivots, b_).astype(a.dtype)
        if not left:
            x = np.swapaxes(x, -1, -2)
        x = x[..., 0] if vector else x
        ctx.left, ctx.vector = left, vector
        ctx.save_for_backward(a_in, x)
        return x, info

    @staticmethod
    def backward(ctx, g, _):
        a, x = ctx.saved_tensors
        ga, gb = ctx.needs_input_grad
        g_ = g.unsqueeze(-1) if ctx.vector else g
        gB = solve(a.mT, g_, left=ctx.left)
        gA = None
        if ga:
            x_ = x.unsqueeze(-1) if ctx.vector else x
            gA = -matmul(gB, x_.mT) if ctx.left else -matmul(x_.mT, gB)
        return gA, ((gB.squeeze(-1) if ctx.vector else gB) if gb else None)


linalg_solve_ex_return = return_type("linalg_solve_ex", ["result", "info"])


def check_square_batches(A, name):
    """torch's squareCheckInputs: A a matrix or a batch of them, square."""
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")


def check_solver(A, B, left, name):
    """torch's checkInputsSolver: A a batch of square matrices, B of matrices, with sizes that fit A X = B
    (``left``) or X A = B."""
    check_square_batches(A, name)
    if B.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    if (A.shape[-1] != B.shape[-2]) if left else (A.shape[-2] != B.shape[-1]):
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation {'AX = B' if left else 'XA = B'} "
                           f"({A.shape[-2]}x{A.shape[-1]} and {B.shape[-2]}x{B.shape[-1]})")


def _solver_failed(_):
    return "The solver failed because the input matrix is singular."


def solve_ex(A, B, *, left=True, check_errors=False):
    """torch.linalg.solve_ex: (X, info) with A X = B (or X A = B), info the first zero pivot of A's LU."""
    if A.dtype != B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{A.dtype.scalar_name} and B of type {B.dtype.scalar_name} instead")
    vector = _is_vector_rhs(A, B)
    check_solver(A, B.unsqueeze(-1) if vector else B, left, "linalg.solve")
    _check_float(A, "linalg.solve")
    require_kernel(A, "lu_cpu")
    if vector and not left:
        raise RuntimeError("linalg.solve: Vector broadcasting of the left hand side is not supported for left=False. "
                           "In this case linalg.solve is equivalent to B / A.squeeze(-1)")
    broadcast_shape(B.shape[:-1 if vector else -2], A.shape[:-2])  # torch's message when the batches do not fit
    x, info = LinalgSolveEx.apply(A, B, left, vector)
    if check_errors:
        raise_info(info._data, "torch.linalg.solve_ex", _solver_failed)
    return linalg_solve_ex_return(x, info)


def solve(A, B, *, left=True):
    """torch.linalg.solve: X = A⁻¹ B (or B A⁻¹), torch's error for a singular A."""
    x, info = solve_ex(A, B, left=left)
    raise_info(info._data, "torch.linalg.solve", _solver_failed)
    return x


# -- triangular solves ----------------------------------------------------------------------------------------------
def _triangle(a, upper, unit):
    """The triangle of ``a`` a triangular solve reads (its diagonal taken as ones when ``unit``)."""
    t = np.triu(a) if upper else np.tril(a)
    if unit:
        t = t * (1 - np.eye(a.shape[-1], dtype=a.dtype)) + np.eye(a.shape[-1], dtype=a.dtype)
    return t


def _keep_triangle(g, upper, unit):
    """A gradient for a triangular A: the triangle A's solve reads, less the diagonal when it is taken as ones."""
    return triu(g, int(unit)) if upper else tril(g, -int(unit))


class LinalgSolveTriangular(Op):
    """X = A⁻¹ B (``left``) or B A⁻¹, A the upper or lower triangle of the input (unit diagonal if asked).
    VJP: gB = A⁻ᵀ gX (a triangular solve with the other triangle),  gA = -gB Xᵀ (or -Xᵀ gB), kept to the
    triangle A is (strictly, when its diagonal is taken as ones): only those elements reach X."""
    node_name = "LinalgSolveTriangularBackward0"

    @staticmethod
    def forward(ctx, a, b, upper, left, unit):
        t = _triangle(a, upper, unit)
        x = lapack.triangular_solve(t, b, upper) if left else \
            np.swapaxes(lapack.triangular_solve(np.swapaxes(t, -1, -2), np.swapaxes(b, -1, -2), not upper), -1, -2)
        x = x.astype(np.result_type(a, b), copy=False)  # the output itself is saved: X's VJP depends on it
        ctx.flags = upper, left, unit
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        upper, left, unit = ctx.flags
        ga, gb = ctx.needs_input_grad
        gB = solve_triangular(a.mT, g, upper=not upper, left=left, unitriangular=unit)
        gA = None
        if ga:
            gA = _keep_triangle(-matmul(gB, x.mT) if left else -matmul(x.mT, gB), upper, unit)
        return gA, (gB if gb else None)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """torch.linalg.solve_triangular: X with A X = B (``left``) or X A = B, reading only A's upper or lower
    triangle (and not its diagonal if ``unitriangular``). A zero on the diagonal gives infs and NaNs, no error."""
    check_solver(A, B, left, "linalg.solve_triangular")
    for t in (A, B):
        require_kernel(t, "triangular_solve_cpu")
    broadcast_shape(B.shape[:-2], A.shape[:-2])
    return LinalgSolveTriangular.apply(A, B, bool(upper), bool(left), bool(unitriangular))


triangular_solve_return = return_type("triangular_solve", ["solution", "cloned_coefficient"])


def check_legacy_solver(b, A, name):
    """The checks torch's older solvers (triangular_solve, cholesky_solve) share: one dtype, square A, sizes."""
    if b.dtype != A.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {b.dtype.scalar_name} and A "
                           f"of type {A.dtype.scalar_name} instead.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"A must be batches of square matrices, but they are {A.shape[-2]} by {A.shape[-1]} "
                           "matrices")
    if A.shape[-1] != b.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for {name}: each A matrix is {A.shape[-1]} by {A.shape[-1]} but "
                           f"each b matrix is {b.shape[-2]} by {b.shape[-1]}")
    broadcast_shape(b.shape[:-2], A.shape[:-2])


class TriangularSolve(Op):
    """(X, A's copy): X = A⁻¹ b (or A⁻ᵀ b with ``transpose``), A triangular.
    VJP: gb = A⁻ᵀ gX (A⁻¹ gX with ``transpose``),  gA = -gb Xᵀ (-X gbᵀ with ``transpose``) kept to A's
    triangle, plus the gradient of the copy."""
    node_name = "TriangularSolveBackward0"

    @staticmethod
    def forward(ctx, b, a, upper, transpose, unit):
        t = _triangle(a, upper, unit)
        x = lapack.triangular_solve(np.swapaxes(t, -1, -2), b, not upper) if transpose else \
            lapack.triangular_solve(t, b, upper)
        batch = np.broadcast_shapes(b.shape[:-2], a.shape[:-2])
        x = x.astype(a.dtype, copy=False)
        ctx.flags = upper, transpose, unit
        ctx.save_for_backward(a, x)
        ctx.set_materialize_grads(False)
        return x, np.array(np.broadcast_to(a, batch + a.shape[-2:]))

    @staticmethod
    def backward(ctx, gx, gm):
        a, x = ctx.saved_tensors
        upper, transpose, unit = ctx.flags
        gb = ga = None
        if gx is not None:
            gb = triangular_solve(gx, a, upper, not transpose, unit)[0]
            ga = _keep_triangle(-matmul(x, gb.mT) if transpose else -matmul(gb, x.mT), upper, unit)
        if gm is not None:
            ga = gm if ga is None else ga + gm
        return gb, ga


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False):
    """torch.triangular_solve (legacy; linalg.solve_triangular replaces it): (X, a copy of A) with A X = b
    (Aᵀ X = b with ``transpose``), A upper triangular by default."""
    for what, t in (("b", b), ("A", A)):
        if t.ndim < 2:
            raise RuntimeError(f"torch.triangular_solve: Expected {what} to have at least 2 dimensions, but it has "
                               f"{t.ndim} dimensions instead")
    check_legacy_solver(b, A, "triangular_solve")
    require_kernel(A, "triangular_solve_cpu")
    warn_deprecated("triangular_solve", "torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangular"
                    "and will be removed in a future PyTorch release.\ntorch.linalg.solve_triangular has its arguments "
                    "reversed and does not return a copy of one of the inputs.\nX = torch.triangular_solve(B, A)."
                    "solution\nshould be replaced with\nX = torch.linalg.solve_triangular(A, B).")
    return triangular_solve_return(*TriangularSolve.apply(b, A, bool(upper), bool(transpose), bool(unitriangular)))


# -- compositions and neighbours --------------------------------------------------------------------------------------
def tensorinv(A, ind=2):
    """torch.linalg.tensorinv: the tensor inverse for tensordot over ``ind`` dims: A as a matrix of
    prod(shape[:ind]) rows and prod(shape[ind:]) columns, inverted, and shaped shape[ind:] + shape[:ind]."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = int(np.prod(A.shape[:ind])), int(np.prod(A.shape[ind:]))
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
    return inv(A.reshape(rows, cols)).reshape(tuple(A.shape[ind:]) + tuple(A.shape[:ind]))


def tensorsolve(A, B, dims=None):
    """torch.linalg.tensorsolve: X with tensordot(A, X, X.ndim) = B: ``dims`` of A moved to the end, A as a
    matrix of B.numel() rows, solved for B flattened, X shaped A.shape[B.ndim:]."""
    if dims is not None:
        dims = [d % A.ndim for d in dims]
        A = A.permute(*[d for d in range(A.ndim) if d not in dims], *dims)
    result_shape = tuple(A.shape[B.ndim:])
    rows, cols = B.numel(), int(np.prod(result_shape))
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {cols} != {rows}")
    return solve(A.reshape(rows, cols), B.reshape(rows)).view(result_shape)


def vecdot(x, y, *, dim=-1):
    """torch.linalg.vecdot: Σ x_i y_i along ``dim`` (x conjugated: real here), broadcasting; torch's graph:
    (x * y).sum(dim)."""
    if x.dtype != y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{x.dtype.scalar_name} and y of type {y.dtype.scalar_name} instead")
    _check_float(x, "linalg.vecdot")
    return (x.conj() * y).sum(dim)


def linalg_diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """torch.linalg.diagonal: torch.diagonal with the last two dims as its default."""
    return _diagonal(A, offset, dim1, dim2)
