"""Matrix products: dot, mv, mm, bmm, addmm, outer, and matmul (``@``), which dispatches to them; singular
values and the matrix norms built on them (``minitorch.linalg``); slogdet and logdet.

The VJPs of a product are products again: for z = a @ b, da = g @ bᵀ and db = aᵀ @ g. ``matmul``
follows torch's dispatch step by step (including how it folds batch dims into a plain ``mm`` and
broadcasts batch dims for ``bmm``), so the graph it records has torch's nodes.
"""
import collections
import sys
import types

import numpy as np

from .._size import broadcast_shape
from ..tensor import Tensor, _make, _wrap_dim
from . import linalg_numpy
from .inplace import copy_into_out
from .op import Op
from .reduction import amax, amin, norm_dtype, vector_norm
from .shape import UnsafeView

# the C type names torch's mm error messages use
def _check_not_bool(name, *tensors):
    if any(t._data.dtype.kind == "b" for t in tensors):
        raise NotImplementedError(f'"{name}" not implemented for \'Bool\'')


def _product_rule(ctx, product, t, a, b, given=None):
    """d(a·b) = da·b + a·db for a bilinear ``product``, without the term of a factor that has no direction."""
    given = ctx.tangent_given if given is None else given
    if not given[0] or not given[1]:
        return product(a, t[1]) if given[1] else product(t[0], b)
    return product(t[0], b) + product(a, t[1])


class Dot(Op):
    """z = Σ a_i b_i for vectors.   JVP: dz = da·b + a·db.   VJP: da = g·b,  db = g·a."""
    node_name = "DotBackward0"

    @staticmethod
    def jvp(ctx, z, t, a, b):  # bilinear: each factor's direction times the other factor
        return _product_rule(ctx, dot, t, a, b)

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.dot(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (g * b if da else None), (g * a if db else None)


class Mv(Op):
    """z = A @ v (matrix times vector).   JVP: dz = dA @ v + A @ dv.   VJP: dA = g vᵀ (an outer product),  dv = Aᵀ @ g."""
    node_name = "MvBackward0"

    @staticmethod
    def jvp(ctx, z, t, m, v):
        return _product_rule(ctx, mv, t, m, v)

    @staticmethod
    def forward(ctx, m, v):
        ctx.save_for_backward(m, v)
        return m @ v

    @staticmethod
    def backward(ctx, g):
        m, v = ctx.saved_tensors
        dm, dv = ctx.needs_input_grad
        return (outer(g, v) if dm else None), (mv(m.t(), g) if dv else None)


class Mm(Op):
    """z = a @ b for matrices.   JVP: dz = da @ b + a @ db.   VJP: da = g @ bᵀ,  db = aᵀ @ g."""
    node_name = "MmBackward0"

    @staticmethod
    def jvp(ctx, z, t, a, b):  # the product rule: one matrix product per factor (the fallback needs four)
        return _product_rule(ctx, mm, t, a, b)

    @staticmethod
    def forward(ctx, a, b):
        # da needs b, db needs a: keep each only if the other's gradient will be asked for (as torch)
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        return a @ b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (mm(g, b.t()) if da else None), (mm(a.t(), g) if db else None)


class Bmm(Op):
    """z[i] = a[i] @ b[i] for a batch of matrices.   JVP: dz[i] = da[i] @ b[i] + a[i] @ db[i].
    VJP: da[i] = g[i] @ b[i]ᵀ,  db[i] = a[i]ᵀ @ g[i]."""
    node_name = "BmmBackward0"

    @staticmethod
    def jvp(ctx, z, t, a, b):
        return _product_rule(ctx, bmm, t, a, b)

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        return a @ b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (bmm(g, b.mT) if da else None), (bmm(a.mT, g) if db else None)


class Addmm(Op):
    """z = β·c + α·(a @ b)  (c broadcasts to the result: ``nn.Linear`` is addmm(bias, x, Wᵀ)).
    JVP: dz = β·dc + α·(da @ b + a @ db).   VJP: dc = β·g,  da = α·g @ bᵀ,  db = α·aᵀ @ g."""
    node_name = "AddmmBackward0"

    @staticmethod
    def jvp(ctx, z, t, c, a, b, beta, alpha):
        product = _product_rule(ctx, mm, t[1:], a, b, ctx.tangent_given[1:])
        product = product if alpha == 1 else product * alpha
        if beta == 0:  # c is ignored, its direction too (as its nans are)
            return product
        return product + (t[0] if beta == 1 else t[0] * beta)  # (dc broadcasts, as c does)

    @staticmethod
    def forward(ctx, c, a, b, beta, alpha):
        ctx.save_for_backward(a if ctx.needs_input_grad[2] else None, b if ctx.needs_input_grad[1] else None)
        ctx.beta, ctx.alpha = beta, alpha
        product = a @ b if alpha == 1 else alpha * (a @ b)
        if beta == 0:  # torch ignores c then, even its nans
            return np.asarray(product, a.dtype)
        return np.asarray(product + (c if beta == 1 else beta * c), a.dtype)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        dc, da, db = ctx.needs_input_grad
        scaled = lambda t, s: t if s == 1 else t * s  # noqa: E731
        return (scaled(g, ctx.beta) if dc else None), (scaled(mm(g, b.t()), ctx.alpha) if da else None), \
            (scaled(mm(a.t(), g), ctx.alpha) if db else None)


class SqueezeRow(Op):
    """z = a (1 x n) as a vector (n,).   VJP: da = g as a 1 x n matrix.

    vector @ matrix is computed as ``v.unsqueeze(0).mm(M).squeeze_(0)``; torch names the node of that
    in-place squeeze SqueezeBackward4."""
    node_name = "SqueezeBackward4"
    is_view = True

    @staticmethod
    def forward(ctx, a):
        return a.reshape(a.shape[1:])

    @staticmethod
    def backward(ctx, g):
        return g.unsqueeze(0)


def dot(input, tensor):
    _check_dot(input, tensor)
    return Dot.apply(input, tensor)


def _check_dot(input, tensor):
    """torch's errors for dot (and vdot): two 1-D tensors of one dtype and size."""
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D tensors")
    if input.dtype != tensor.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {input.dtype.scalar_name} and "
                           f"{tensor.dtype.scalar_name}")
    if input.shape[0] != tensor.shape[0]:
        n, m = input.shape[0], tensor.shape[0]
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
                           f"number of elements, but got {n} and {m} elements respectively")
    _check_not_bool("dot", input)


def mv(input, vec):
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    if input.dtype != vec.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {vec.dtype.scalar_name}, "
                           f"{input.dtype.scalar_name}, and {vec.dtype.scalar_name}")
    if input.shape[1] != vec.shape[0]:
        n, m = input.shape
        raise RuntimeError(f"size mismatch, got input ({n}), mat ({n}x{m}), vec ({vec.shape[0]})")
    _check_not_bool("addmv_impl_cpu", input)
    return Mv.apply(input, vec)


def _check_mm(a_shape, b_shape):
    (n, k), (k2, m) = a_shape, b_shape
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({n}x{k} and {k2}x{m})")


def mm(input, mat2):
    # (the checks read the arrays, not the Size and dtype properties: mm runs three times per linear layer
    # and step, forward and backward)
    if input.is_sparse or mat2.is_sparse:  # a product with a sparse matrix (minitorch/sparse/)
        return input.mm(mat2) if input.is_sparse else mat2._rmm(input)
    if input._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _check_mm(input._data.shape, mat2._data.shape)
    if input._data.dtype != mat2._data.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {input.dtype.cpp_name} "
                           f"!= {mat2.dtype.cpp_name}")
    _check_not_bool("addmm_impl_cpu_", input)
    return Mm.apply(input, mat2)


def bmm(input, mat2):
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    (b, _, k), (b2, k2, _) = input.shape, mat2.shape
    if (b2, k2) != (b, k):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{b}, {k}] but got: "
                           f"[{b2}, {k2}].")
    if input.dtype != mat2.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype.scalar_name} but found {mat2.dtype.scalar_name}")
    _check_not_bool("bmm", input)
    return Bmm.apply(input, mat2)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2)."""
    if mat1.is_sparse:  # a sparse matrix times a dense one (minitorch/sparse/)
        return mat1._addmm(input, mat2, beta, alpha, _op=mat1._torch_addmm)
    if input._data.dtype != mat2._data.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {input.dtype.scalar_name} and "
                           f"{mat2.dtype.scalar_name}")
    if mat1._data.dtype != mat2._data.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {mat1.dtype.scalar_name} and "
                           f"{mat2.dtype.scalar_name}")
    for name, m in (("mat1", mat1), ("mat2", mat2)):
        if m.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {m.ndim}-D tensor")
    shape1, shape2 = mat1.shape, mat2.shape  # (mat2 may be sparse: its shape is not its array's)
    _check_mm(shape1, shape2)
    _check_expandable(input, (shape1[0], shape2[1]))
    return Addmm.apply(input, mat1, mat2, beta, alpha)


def _check_expandable(t, shape):
    """torch's expand error when ``t`` does not broadcast to ``shape``."""
    if t.ndim > len(shape):
        raise RuntimeError(f"expand({t.dtype.tensor_type}{{{list(t.shape)}}}, size={list(shape)}): the "
                           f"number of sizes provided ({len(shape)}) must be greater or equal to the number of "
                           f"dimensions in the tensor ({t.ndim})")
    lead = len(shape) - t.ndim
    for i, s in enumerate(t.shape):
        if s != 1 and s != shape[lead + i]:
            raise RuntimeError(f"The expanded size of the tensor ({shape[lead + i]}) must match the existing size "
                               f"({s}) at non-singleton dimension {lead + i}.  Target sizes: {list(shape)}.  "
                               f"Tensor sizes: {list(t.shape)}")


def outer(input, vec2):
    """a bᵀ for vectors: torch computes it as a.reshape(n, 1) * b."""
    for name, v in (("self", input), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v.ndim}-D")
    return input.reshape(input.shape[0], 1) * vec2


# -- matmul ------------------------------------------------------------------------------------------------
def matmul(input, other, *, out=None):
    """The matrix product of two tensors of any dims >= 1, as torch computes it:

    1D @ 1D: dot;  2D @ 1D: mv;  1D @ 2D: the vector as a 1-row matrix, mm, squeezed back;  2D @ 2D: mm;
    a 3D+ tensor with a 1D/2D one: the batch dims folded into the rows of one mm (or mv) when that
    needs no copy or the small tensor requires grad;  otherwise: batch dims broadcast, flattened, bmm.
    ``out=`` writes the product into ``out`` (resized if needed), as torch's.
    """
    if out is not None:
        return copy_into_out(out, matmul(input, other), "matmul")
    if input.is_sparse or other.is_sparse:  # a product with a sparse matrix (minitorch/sparse/)
        return input.mm(other) if input.is_sparse else other._rmm(input)
    d1, d2 = input.ndim, other.ndim
    if d1 == 0 or d2 == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {d1}D and {d2}D")
    if d1 == 1 and d2 == 1:
        return dot(input, other)
    if d1 == 2 and d2 == 1:
        return mv(input, other)
    if d1 == 1 and d2 == 2:
        return SqueezeRow.apply(mm(input.unsqueeze(0), other))
    if d1 == 2 and d2 == 2:
        return mm(input, other)
    if _should_fold(input, other):
        return _folded(input, other)
    return _batched(input, other)


def _should_fold(t1, t2):
    """Whether the batch dims of the larger tensor fold into one mm/mv (torch's should_fold)."""
    larger = t1.ndim >= t2.ndim
    big = t1 if larger else t2.mT
    small = t2 if larger else t1
    if not (big.ndim >= 3 and small.ndim <= 2):
        return False
    if small.requires_grad:
        # folding keeps the small tensor's gradient one mm, instead of a batch of them summed up
        return True
    if t1.ndim == 2:
        return False  # the result would need a transposed copy
    if big.numel() == 0:
        return True
    # foldable when big.view(-1, big.size(-1)) needs no copy: the leading dims merge into one, dims of size 1
    # aside (their strides mean nothing; torch's view ignores them too)
    lead = [(n, s) for n, s in zip(big.shape[:-1], big.stride()[:-1]) if n != 1]
    return all(s1 == s2 * n2 for (_, s1), (n2, s2) in zip(lead, lead[1:]))


def _folded(input, other):
    """(..., n, k) @ (k, m) as one (N, k) @ (k, m) mm; a 2D @ 3D+ product goes through the transposes."""
    transpose = other.ndim > input.ndim
    big = other.mT if transpose else input
    small = (input.t() if input.ndim == 2 else input) if transpose else other
    out_shape = tuple(big.shape[:-1])
    rows = int(np.prod(out_shape))
    folded = big.reshape(rows, big.shape[-1])
    if small.ndim == 1:
        return UnsafeView.apply(mv(folded, small), out_shape)
    out = UnsafeView.apply(mm(folded, small), out_shape + (small.shape[1],))
    return out.mT.contiguous() if transpose else out


def _batched(input, other):
    """Broadcast the batch dims, flatten them into one, bmm, and view the result in the batch shape."""
    d1, d2 = input.ndim, other.ndim
    n = input.shape[-2] if d1 > 1 else 1
    k1 = input.shape[-1]
    k2 = other.shape[-2] if d2 > 1 else other.shape[0]
    p = other.shape[-1] if d2 > 1 else 1
    batch1, batch2 = tuple(input.shape[:-2]), tuple(other.shape[:-2])
    if d1 == 3 and d2 == 3 and batch1[0] != batch2[0]:
        # broadcasting a batch of one: drop it, so that its gradient is one mm rather than a sum of bmm's
        if batch1[0] == 1 and input.requires_grad:
            return matmul(input.squeeze(0), other)
        if batch2[0] == 1 and other.requires_grad:
            return matmul(input, other.squeeze(0))
    batch = broadcast_shape(batch1, batch2)
    size = int(np.prod(batch))
    a = input.expand(batch + (n, k1)).reshape(size, n, k1)
    if d2 == 1:
        b = other.expand(batch + (k2,)).reshape(size, k2).unsqueeze(2)
    else:
        b = other.expand(batch + (k2, p)).reshape(size, k2, p)
    out_shape = batch + ((n,) if d1 > 1 else ()) + ((p,) if d2 > 1 else ())
    out = bmm(a, b)
    return UnsafeView.apply(out.squeeze(-1) if d2 == 1 else out, out_shape)


# -- singular values and matrix norms ------------------------------------------------------------------------
class LinalgSvd(Op):
    """(U, s, Vᴴ) = the thin SVD of each matrix A = U diag(s) Vᴴ, singular values largest first (real matrices).

    VJP (torch's svd_backward): with E_ij = s_j² - s_i² (1 on the diagonal), skew(X) = X - Xᵀ,
    dA = U [ (skew(Uᵀ gU) s_j + s_i skew(Vᵀ gV)) / E + diag(gs) ] Vᴴ, plus, for a tall A (m > n), the part of
    gU outside U's columns, (I - UUᵀ) gU / s, and for a wide A the same for gV; only ``U diag(gs) Vᴴ`` when
    U and V received no gradient. It is written with Tensor operations on the saved outputs, so it can be
    differentiated again (svdvals' second derivative flows through U and V). Repeated singular values give
    inf/nan where U and V are used (they are not unique there), as in torch. With ``full_matrices`` the
    extra columns of U (rows of Vᴴ) are dropped first: any orthonormal basis of the complement would do, so
    they carry no gradient (as in torch).
    """
    node_name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx, a, full_matrices=False):
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
        ctx.save_for_backward(u, s, vh)
        ctx.set_materialize_grads(False)  # None, not zeros, for U and V when only s is used (svdvals)
        return u, s, vh

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        u, s, vh = ctx.saved_tensors
        m, n, k = u.shape[-2], vh.shape[-1], s.shape[-1]
        if u.shape[-1] != k:  # full_matrices: only the first k columns of U and rows of Vᴴ count
            u, gu = u.narrow(-1, 0, k), gu if gu is None else gu.narrow(-1, 0, k)
        if vh.shape[-2] != k:
            vh, gvh = vh.narrow(-2, 0, k), gvh if gvh is None else gvh.narrow(-2, 0, k)
        if gu is None and gvh is None:  # svdvals: dA = U diag(gs) Vᴴ (exact where the s are distinct)
            return matmul(u, gs.unsqueeze(-1) * vh) if m >= n else matmul(u * gs.unsqueeze(-2), vh)
        if gs is None:
            gs = s * 0
        s2 = s * s
        e = s2.unsqueeze(-2) - s2.unsqueeze(-1) + _make(np.eye(k, dtype=s.dtype.np))  # 1 on the diagonal
        ga = gs.unsqueeze(-1) * _make(np.eye(k, dtype=s.dtype.np))
        if gu is not None:
            utgu = matmul(u.mT, gu)
            ga = ga + (utgu - utgu.mT) * s.unsqueeze(-2) / e
        if gvh is not None:
            vtgv = matmul(vh, gvh.mT)
            ga = ga + s.unsqueeze(-1) * (vtgv - vtgv.mT) / e
        if m > n and gu is not None:  # the part of gU outside the span of U
            gus = gu / s.unsqueeze(-2)
            return matmul(matmul(u, ga) + gus - matmul(u, matmul(u.mT, gus)), vh)
        if m < n and gvh is not None:  # the part of gV outside the span of V
            sgvh = gvh / s.unsqueeze(-1)
            return matmul(u, matmul(ga, vh) + sgvh - matmul(matmul(sgvh, vh.mT), vh))
        return matmul(u, matmul(ga, vh))


def svdvals(A):
    """torch.linalg.svdvals: the singular values of A (or of each matrix in a batch), in descending order."""
    if A.ndim < 2:
        raise RuntimeError("linalg.svd: The input tensor A must have at least 2 dimensions.")
    if not A.is_floating_point():
        raise RuntimeError(f"linalg.svd: Expected a floating point or complex tensor as input. Got "
                           f"{A.dtype.scalar_name}")
    return LinalgSvd.apply(A)[1]  # torch's svdvals is its SVD when a gradient is needed (same node)


def _backshift(d0, d1, ndim):
    """The permutation that moves dims d0, d1 to the end (in that order), the others keeping their order."""
    return tuple(d for d in range(ndim) if d not in (d0, d1)) + (d0, d1)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """torch.linalg.matrix_norm over the two dims ``dim``: 'fro' = √(Σ a²); 'nuc' = Σ singular values;
    ±2 = the largest/smallest singular value; ±1 = the max/min column sum of |a|; ±inf = the max/min row sum.
    As torch, 'nuc' and ±2 move the two dims to the end and take the singular values there."""
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    dim = (dim,) if isinstance(dim, int) else tuple(dim)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    d0, d1 = _wrap_dim(dim[0], A.ndim), _wrap_dim(dim[1], A.ndim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if isinstance(ord, str) and ord not in ("fro", "nuc") or not isinstance(ord, str) and abs(ord) not in (
            1, 2, float("inf")):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    # the vector norms cast inside their node (no ToCopyBackward0 in the graph, as torch); svdvals takes A cast
    dtype = norm_dtype(A, dtype, "linalg.matrix_norm")
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
    if ord in ("nuc", 2, -2):
        permutation = _backshift(d0, d1, A.ndim)
        s = svdvals(A.to(dtype).permute(permutation))
        result = s.sum(-1, keepdim=keepdim) if ord == "nuc" else (amax if ord == 2 else amin)(s, -1, keepdim)
        if keepdim:
            inverse = tuple(int(i) for i in np.argsort(permutation))
            result = result.unsqueeze(-1).permute(inverse)
        return result
    # ±1: the largest/smallest Σ_rows |a| over the columns; ±inf: the same with rows and columns swapped
    if abs(ord) == float("inf"):
        d0, d1 = d1, d0
    if d0 < d1 and not keepdim:
        d1 -= 1  # the sum removed dim d0 first
    return (amax if ord > 0 else amin)(vector_norm(A, 1, d0, keepdim, dtype=dtype), d1, keepdim)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """torch.linalg.norm: a matrix norm for a string ``ord`` or two dims (or a 2-D input with ``ord`` given),
    else a vector norm (``ord`` None: the 2-norm of A flattened, or along ``dim``)."""
    if dim is not None:
        dim = (dim,) if isinstance(dim, int) else tuple(dim)
    elif ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    else:
        if A.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                               f"{A.ndim}D.")
        dim = tuple(range(A.ndim))
    if isinstance(ord, str):
        return matrix_norm(A, ord, dim, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if len(dim) == 2:
        return matrix_norm(A, ord, dim, keepdim, dtype=dtype)
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


# -- determinants ------------------------------------------------------------------------------------------------
class LinalgInv(Op):
    """Z = A⁻¹ (of each matrix in a batch).   VJP: dA = -Zᵀ g Zᵀ. (Here for slogdet's VJP, so that it
    differentiates again.)"""
    node_name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, a):
        try:
            z = np.linalg.inv(a)
        except np.linalg.LinAlgError:  # a singular matrix in the batch: LAPACK's LU solve, infs and NaNs for it
            lu, pivots, _ = linalg_numpy.lu_factor(a)
            with np.errstate(all="ignore"):
                z = linalg_numpy.lu_solve(lu, pivots, np.eye(a.shape[-1], dtype=a.dtype)).astype(a.dtype)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return -matmul(z.mT, matmul(g, z.mT))


def _slogdet_type(name):
    """torch.return_types.<name>: a (sign, logabsdet) tuple whose fields also have names."""
    def __repr__(self):
        return f"torch.return_types.{name}(\nsign={self.sign!r},\nlogabsdet={self.logabsdet!r})"
    return type(name, (collections.namedtuple(name, ["sign", "logabsdet"]),), {"__slots__": (), "__repr__": __repr__})


linalg_slogdet_return, slogdet_return = _slogdet_type("linalg_slogdet"), _slogdet_type("slogdet")


class LinalgSlogdet(Op):
    """(sign, ln|det A|) of each matrix.   VJP: dA = g_logabsdet A⁻ᵀ (the sign is piecewise constant)."""
    node_name = "LinalgSlogdetBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        ctx.set_materialize_grads(False)
        sign, logabsdet = np.linalg.slogdet(a)
        return np.asarray(sign, a.dtype), np.asarray(logabsdet, a.dtype)

    @staticmethod
    def backward(ctx, gsign, glogabsdet):
        a, = ctx.saved_tensors
        if glogabsdet is None:
            return _make(np.zeros(a.shape, a.dtype.np))
        return glogabsdet.unsqueeze(-1).unsqueeze(-1) * LinalgInv.apply(a).mT


def _check_square(A, name):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    if not A.is_floating_point():
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {A.dtype.scalar_name}")


def linalg_slogdet(A):
    """torch.linalg.slogdet: (sign, ln|det A|), the determinant without overflow."""
    _check_square(A, "linalg.slogdet")
    return linalg_slogdet_return(*LinalgSlogdet.apply(A))


def slogdet(input):
    """torch.slogdet: linalg.slogdet under its older name (and return type's name)."""
    return slogdet_return(*linalg_slogdet(input))


def logdet(input):
    """ln det A: NaN where det A < 0 (composed as torch's: slogdet, then a where)."""
    from .where import where
    _check_square(input, "logdet")
    sign, logabsdet = LinalgSlogdet.apply(input)
    return where(sign == -1, float("nan"), logabsdet)


# -- chains of matrix products ---------------------------------------------------------------------------------
def _chain_order(dims):
    """The cheapest way to multiply matrices of shapes dims[0] x dims[1], dims[1] x dims[2], ...: the classic
    dynamic programme over split points. split[i][j] is where the product of matrices i..j splits in two."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j], split[i][j] = min((cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1], k)
                                          for k in range(i, j))
    return split


def _chain(matrices, split, i, j):
    if i == j:
        return matrices[i]
    k = split[i][j]
    return mm(_chain(matrices, split, i, k), _chain(matrices, split, k + 1, j))


def multi_dot(tensors):
    """torch.linalg.multi_dot: A₁ A₂ ⋯ Aₙ, multiplied in the order that needs the fewest scalar
    multiplications (same result, mathematically; the graph is the chosen chain of mm's). A 1-D first or last
    argument is a row or column vector, and its dimension is dropped from the result."""
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    first, last = tensors[0], tensors[-1]
    if first.dim() not in (1, 2):
        raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got {first.dim()}D")
    if last.dim() not in (1, 2):
        raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {last.dim()}D")
    for i, t in enumerate(tensors[1:-1], 1):
        if t.dim() != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.dim()}D")
    for i, t in enumerate(tensors[1:], 1):
        if t.dtype != first.dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                               f"{first.dtype.cpp_name} and tensor {i} {t.dtype.cpp_name}")
    matrices = [first.unsqueeze(0) if first.dim() == 1 else first] + list(tensors[1:-1]) + \
        [last.unsqueeze(1) if last.dim() == 1 else last]
    for i in range(n - 1):
        a, b = matrices[i], matrices[i + 1]
        if a.shape[1] != b.shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(tensors[i].shape)} and "
                               f"{list(tensors[i + 1].shape)} cannot be multiplied")
    dims = [matrices[0].shape[0]] + [m.shape[1] for m in matrices]
    out = _chain(matrices, _chain_order(dims), 0, n - 1)
    shape = ([first.shape[0]] if first.dim() == 2 else []) + ([last.shape[1]] if last.dim() == 2 else [])
    return out.view(shape)


def chain_matmul(*matrices, out=None):
    """torch.chain_matmul (deprecated in torch for linalg.multi_dot): the product of 2-D matrices; one matrix
    is returned as a copy."""
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for t in matrices:
        if t.dim() != 2:
            raise RuntimeError(f"Tensor dimension is {t.dim()}, expected 2 instead.")
    result = matrices[0].clone() if len(matrices) == 1 else multi_dot(list(matrices))
    # torch copies one matrix into out in a recorded copy_; a product is its mm's out=
    return result if out is None else copy_into_out(out, result, "mm", composite=len(matrices) == 1)


# ``minitorch.linalg``, as ``torch.linalg`` (the part of it minitorch has)
linalg = types.ModuleType("minitorch.linalg", "torch.linalg: vector and matrix norms, singular values, matmul.")
linalg.norm, linalg.vector_norm, linalg.matrix_norm, linalg.svdvals = norm, vector_norm, matrix_norm, svdvals
linalg.matmul = matmul
linalg.slogdet = linalg_slogdet
linalg.multi_dot = multi_dot
sys.modules[linalg.__name__] = linalg  # so that ``import minitorch.linalg`` works too, as ``import torch.linalg``


def _matmul_method(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented  # Python then raises its own TypeError, as for torch
    return matmul(self, other)


def _rmatmul_method(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)
