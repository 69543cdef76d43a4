"""More products: the fused ``β·input + α·product`` family (addmv, addr, baddbmm, addbmm), vdot, cross,
einsum, tensordot, inner, kron, pairwise distances (cdist) and covariance (cov, corrcoef).

The VJP of a product is a product again: for z = a·b (any contraction), the gradient of a contracts the
output gradient with b, and of b contracts a with it. einsum says this once for every contraction there is
(see ``Einsum``); tensordot, inner, kron and cov are composed, as torch composes them, of permutes, views, mm
and mul, so their graphs have torch's nodes.
"""
import string
import warnings

import numpy as np

from .._dtype import get_default_dtype, result_type
from .._size import broadcast_shape
from ..tensor import Tensor, _make
from .linalg import _check_dot, _check_expandable, _check_not_bool, bmm, dot, linalg, mm, mv, outer, Dot
from .op import Op
from .reduction import _const, _one_dim, norm_vjp, vector_norm_array
from .shape import UnsafeView


# -- β·input + α·product --------------------------------------------------------------------------------------
class _AddProduct(Op):
    """z = β·c + α·P(a, b), c broadcast to P's shape (β = 0: c is ignored, NaNs included, as torch).
    VJP: dc = β·g,  da = α·(P's VJP for a),  db = α·(P's VJP for b)."""

    @classmethod
    def forward(cls, ctx, c, a, b, beta, alpha):
        ctx.save_for_backward(a, b)
        ctx.beta, ctx.alpha = beta, alpha
        product = cls.product(a, b)
        product = product if alpha == 1 else alpha * product
        if beta == 0:
            return np.asarray(product, a.dtype)
        return np.asarray(product + (c if beta == 1 else beta * c), a.dtype)

    @classmethod
    def backward(cls, ctx, g):
        a, b = ctx.saved_tensors
        dc, da, db = ctx.needs_input_grad
        scaled = lambda t, s: t if s == 1 else t * s  # noqa: E731
        return (scaled(g, ctx.beta) if dc else None), (scaled(cls.grad_a(g, b), ctx.alpha) if da else None), \
            (scaled(cls.grad_b(a, g), ctx.alpha) if db else None)


class Addmv(_AddProduct):
    """P = A @ v.   VJP: dA = g vᵀ,  dv = Aᵀ g."""
    node_name = "AddmvBackward0"
    product = staticmethod(lambda a, b: a @ b)
    grad_a = staticmethod(lambda g, b: outer(g, b))
    grad_b = staticmethod(lambda a, g: mv(a.t(), g))


class Addr(_AddProduct):
    """P = u vᵀ (an outer product).   VJP: du = g v,  dv = gᵀ u."""
    node_name = "AddrBackward0"
    product = staticmethod(lambda a, b: np.multiply.outer(a, b))
    grad_a = staticmethod(lambda g, b: mv(g, b))
    grad_b = staticmethod(lambda a, g: mv(g.t(), a))


class Baddbmm(_AddProduct):
    """P[i] = A[i] @ B[i].   VJP: dA[i] = g[i] B[i]ᵀ,  dB[i] = A[i]ᵀ g[i]."""
    node_name = "BaddbmmBackward0"
    product = staticmethod(lambda a, b: a @ b)
    grad_a = staticmethod(lambda g, b: bmm(g, b.mT))
    grad_b = staticmethod(lambda a, g: bmm(a.mT, g))


class Addbmm(_AddProduct):
    """P = Σ_i A[i] @ B[i].   VJP: dA[i] = g B[i]ᵀ,  dB[i] = A[i]ᵀ g  (g the same for every i)."""
    node_name = "AddbmmBackward0"
    product = staticmethod(lambda a, b: (a @ b).sum(0) if len(a) else np.zeros((a.shape[1], b.shape[2]), a.dtype))
    grad_a = staticmethod(lambda g, b: bmm(g.expand(b.shape[0], *g.shape), b.mT))
    grad_b = staticmethod(lambda a, g: bmm(a.mT, g.expand(a.shape[0], *g.shape)))


def _beta_alpha(input, beta, alpha):
    if not input.is_floating_point():
        if isinstance(beta, float) or isinstance(alpha, float):
            # torch: "For integral input tensors, argument beta must not be a floating point number."
            which = "beta" if isinstance(beta, float) else "alpha"
            raise RuntimeError(f"For integral input tensors, argument {which} must not be a floating point number.")


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """β·input + α·(mat @ vec)."""
    if mat.ndim != 2 or vec.ndim != 1 or input.ndim > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, {vec.ndim}")
    n, m = mat.shape
    if vec.shape[0] != m or (input.ndim == 1 and input.shape[0] not in (1, n)):
        got = input.shape[0] if input.ndim else 1
        raise RuntimeError(f"size mismatch, got input ({got}), mat ({n}x{m}), vec ({vec.shape[0]})")
    if not input.dtype == mat.dtype == vec.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {input.dtype.scalar_name}, "
                           f"{mat.dtype.scalar_name}, and {vec.dtype.scalar_name}")
    _check_not_bool("addmv_impl_cpu", mat)
    _beta_alpha(mat, beta, alpha)
    return Addmv.apply(input, mat, vec, beta, alpha)


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """β·input + α·(vec1 ⊗ vec2) (an outer product); the dtypes promote, as torch's."""
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v.ndim}-D")
    _check_expandable(input, (vec1.shape[0], vec2.shape[0]))
    dtype = result_type(input, vec1, vec2)
    input, vec1, vec2 = (t if t.dtype == dtype else t.to(dtype) for t in (input, vec1, vec2))
    _check_not_bool("addr", vec1)
    _beta_alpha(vec1, beta, alpha)
    return Addr.apply(input, vec1, vec2, beta, alpha)


def _check_batches(name, batch1, batch2):
    for which, t in (("batch1", batch1), ("batch2", batch2)):
        if t.ndim != 3:
            raise RuntimeError(f"{which} must be a 3D tensor")
    _check_not_bool(name, batch1)


def _check_dtype(t, other):
    if t.dtype != other.dtype:
        raise RuntimeError(f"expected scalar type {t.dtype.scalar_name} but found {other.dtype.scalar_name}")


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """β·input + α·(batch1 @ batch2), matrix by matrix."""
    _check_batches("baddbmm", batch1, batch2)
    _check_dtype(batch1, batch2)
    (b, n, k), (b2, k2, p) = batch1.shape, batch2.shape
    if (b2, k2) != (b, k):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{b}, {k}] but got: "
                           f"[{b2}, {k2}].")
    _check_expandable(input, (b, n, p))
    _check_dtype(batch1, input)
    _beta_alpha(batch1, beta, alpha)
    return Baddbmm.apply(input, batch1, batch2, beta, alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """β·input + α·Σ_i batch1[i] @ batch2[i]."""
    _check_batches("addbmm", batch1, batch2)
    (b, n, k), (b2, k2, p) = batch1.shape, batch2.shape
    if b != b2:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {b} and {b2}")
    if k != k2:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({n}x{k} and {k2}x{p})")
    _check_expandable(input, (n, p))
    if input.dtype != batch2.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {input.dtype.scalar_name} and "
                           f"{batch2.dtype.scalar_name}")
    _check_dtype(batch1, batch2)
    _beta_alpha(batch1, beta, alpha)
    return Addbmm.apply(input, batch1, batch2, beta, alpha)


# -- vdot, cross ---------------------------------------------------------------------------------------------
class Vdot(Dot):
    """z = Σ conj(a_i) b_i = Σ a_i b_i for real vectors (a Dot with its own node name)."""
    node_name = "VdotBackward0"


def vdot(input, other):
    _check_dot(input, other)
    return Vdot.apply(input, other)


class Cross(Op):
    """z = a × b along ``dim`` (of size 3; the other dims broadcast).   VJP: da = b × g,  db = g × a."""
    node_name = "LinalgCrossBackward0"

    @staticmethod
    def forward(ctx, a, b, dim):
        ctx.dim = dim
        ctx.save_for_backward(a, b)
        return np.asarray(np.cross(a, b, axis=dim), a.dtype)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (Cross.apply(b, g, ctx.dim) if da else None), (Cross.apply(g, a, ctx.dim) if db else None)


def linalg_cross(input, other, *, dim=-1):
    """The cross product of 3-vectors along ``dim``."""
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = _one_dim(dim, input.ndim)
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[d]} and "
                           f"{other.shape[d]}")
    if input.dtype != other.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype.scalar_name} but found {other.dtype.scalar_name}")
    return Cross.apply(input, other, d)


def cross(input, other, dim=None):
    """torch.cross: linalg.cross, except that without ``dim`` it takes the first dim of size 3 (deprecated)."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
        shape = np.broadcast_shapes(tuple(input.shape), tuple(other.shape)) if input.ndim == other.ndim else ()
        dim = next((d for d, s in enumerate(shape) if s == 3), None)
        if dim is None and input.ndim == other.ndim:
            raise RuntimeError("no dimension of size 3 in input")
    return linalg_cross(input, other, dim=dim if dim is not None else -1)


# -- einsum --------------------------------------------------------------------------------------------------
class _Spec:
    """A parsed einsum equation: one string of single-letter subscripts per operand and for the output, with
    every ``...`` spelled out in letters of its own, and the size of each letter (broadcast: the largest)."""

    def __init__(self, terms, out, sizes):
        self.terms, self.out, self.sizes = terms, out, sizes

    def equation(self):
        return ",".join(self.terms) + "->" + self.out

    def shape(self, term):
        return tuple(self.sizes[c] for c in term)


def _parse(equation, shapes):
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    for c in eq.replace("...", "").replace(",", "").replace("->", ""):
        if c not in string.ascii_letters:
            raise RuntimeError(f"einsum(): invalid subscript given at index {eq.index(c)} in the equation string, "
                               f"subscripts must be in [a-zA-Z]")
    ell = max([len(s) - (len(t) - 3) for t, s in zip(terms, shapes) if "..." in t] or [0])
    spare = [c for c in string.ascii_letters if c not in eq]
    ell_letters = "".join(spare[:ell])
    spelled, sizes = [], {}
    for i, (t, shape) in enumerate(zip(terms, shapes)):
        explicit = len(t) - 3 if "..." in t else len(t)
        if "..." not in t and explicit != len(shape):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({explicit}) does not match the "
                               f"number of dimensions ({len(shape)}) for operand {i} and no ellipsis was given")
        if explicit > len(shape):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({explicit}) is more than the "
                               f"number of dimensions ({len(shape)}) for operand {i}")
        t = t.replace("...", ell_letters[ell - (len(shape) - explicit):] if "..." in t else "")
        for c, s in zip(t, shape):
            seen = sizes.get(c)
            if seen is None or seen == 1:
                sizes[c] = s
            elif s != 1 and s != seen:
                raise RuntimeError(f"einsum(): subscript {c} has size {s} for operand {i} which does not broadcast "
                                   f"with previously seen size {seen}")
        spelled.append(t)
    if arrow:
        for c in rhs.replace("...", ""):
            if c not in lhs:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input "
                                   f"operand")
            if rhs.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")
        out = rhs.replace("...", ell_letters)
    else:  # implicit: the ellipsis dims, then the subscripts that appear once, in alphabetical order
        once = sorted(c for c in set(lhs) if c in string.ascii_letters and lhs.count(c) == 1)
        out = ell_letters + "".join(once)
    return _Spec(spelled, out, sizes)


class Einsum(Op):
    """z = einsum(equation, *operands): the sum, over the subscripts not in the output, of the products of
    the operands' elements whose subscripts agree.

    VJP (the classic derivation): z is linear in each operand A_k, so dA_k contracts g (subscripted as the
    output) with all the other operands: dA_k = einsum("out,others -> A_k's subscripts", g, *others). Two
    corrections: a subscript found only in A_k was summed over, so its gradient is g broadcast along it
    (a factor of ones); a subscript repeated in A_k ("ii", a diagonal) gets the gradient on that diagonal only
    (a factor of the identity). Every step is an einsum again, so it differentiates again. Operands broadcast
    (size-1 dims) get their gradient summed back to their shape.

    torch composes einsum of permutes, views and bmm (its nodes are theirs); minitorch records one node."""
    node_name = "EinsumBackward0"

    @staticmethod
    def forward(ctx, spec, *arrays):
        ctx.spec = spec
        ctx.save_for_backward(*arrays)
        full = [np.broadcast_to(a, spec.shape(t)) for a, t in zip(arrays, spec.terms)]
        out = np.einsum(spec.equation(), *full, optimize=True)  # optimize: pairs go through BLAS, as torch's bmm
        return np.asarray(out, arrays[0].dtype if arrays else np.float64)

    @staticmethod
    def backward(ctx, g):
        spec, operands = ctx.spec, ctx.saved_tensors
        return tuple(_einsum_vjp(spec, k, g, operands) if need else None
                     for k, need in enumerate(ctx.needs_input_grad))


def _einsum_vjp(spec, k, g, operands):
    term = spec.terms[k]
    full = lambda j: _expanded(operands[j], spec.shape(spec.terms[j]))  # noqa: E731 - broadcast operands
    other_terms = [spec.out] + [t for j, t in enumerate(spec.terms) if j != k]
    others = [g] + [full(j) for j in range(len(operands)) if j != k]
    elsewhere = set("".join(other_terms))
    kept = "".join(c for c in dict.fromkeys(term) if c in elsewhere)
    grad = _einsum(_Spec(other_terms, kept, spec.sizes), others)
    if kept != term:  # subscripts only in A_k (ones), and repeated ones (the identity)
        spare = iter(c for c in string.ascii_letters if c not in spec.sizes)
        factor_terms, factors, result, first = [kept], [grad], "", set()
        for c in term:
            if c in first:
                fresh = next(spare)
                factor_terms.append(c + fresh)
                factors.append(_make(np.eye(spec.sizes[c], dtype=g._data.dtype)))
                result += fresh
            else:
                first.add(c)
                result += c
        for c in first - elsewhere:
            if term.count(c) == 1:
                factor_terms.append(c)
                factors.append(_make(np.ones(spec.sizes[c], g._data.dtype)))
        sizes = dict(spec.sizes, **{r: spec.sizes[c] for r, c in zip(result, term)})
        grad = _einsum(_Spec(factor_terms, result, sizes), factors)
    shape = tuple(operands[k].shape)
    return grad if tuple(grad.shape) == shape else grad.sum_to_size(shape)


def _expanded(t, shape):
    """``t`` expanded to ``shape`` (itself when it has that shape: no node in the graph for nothing)."""
    return t if tuple(t.shape) == tuple(shape) else t.expand(*shape)


def _einsum(spec, tensors):
    return Einsum.apply(spec, *tensors)


def einsum(*args):
    """``einsum("ij,jk->ik", a, b)``, ``einsum("ij,jk", [a, b])`` or the sublist form
    ``einsum(a, [0, 1], b, [1, 2], [0, 2])``: any equation NumPy's einsum takes, ``...`` included."""
    if args and isinstance(args[0], Tensor):  # sublists: integers 0-51 for letters, Ellipsis for "..."
        letters = lambda sub: "".join("..." if s is Ellipsis else string.ascii_letters[s] for s in sub)  # noqa
        operands, subs = list(args[0::2]), list(args[1::2])
        equation = ",".join(letters(s) for s in subs[:len(operands)])
        if len(subs) > len(operands):
            equation += "->" + letters(subs[-1])
        if len(operands) > len(subs):
            operands = operands[:len(subs)]
    else:
        equation, *operands = args
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    for t in operands[1:]:
        if t.dtype != operands[0].dtype:
            raise RuntimeError(f"expected scalar type {operands[0].dtype.scalar_name} but found "
                               f"{t.dtype.scalar_name}")
    return _einsum(_parse(equation, [tuple(t.shape) for t in operands]), operands)


# -- tensordot, inner, kron ----------------------------------------------------------------------------------
def tensordot(a, b, dims=2, out=None):
    """Σ over the dims ``dims`` of a and b paired up (an int k: a's last k with b's first k). Composed as
    torch's: sizes of 1 summed away first, then a permute and reshape of each into a matrix, mm (dot when
    nothing is left over), and a view in the result's shape."""
    if isinstance(dims, Tensor):
        dims = int(dims.item()) if dims.numel() == 1 else dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.ndim or dims > b.ndim:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        dims_a, dims_b = list(range(-dims, 0)), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    if a.dtype != b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    t1, t2, contracted = a, b, 1
    for d1, d2 in zip(dims_a, dims_b):
        s1, s2 = a.shape[d1], b.shape[d2]
        if s2 == 1:  # a broadcast dim: summed right away
            t1 = t1.sum(d1, True)
        elif s1 == 1:
            t2 = t2.sum(d2, True)
        elif s1 != s2:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {s1} in dim {d1} and "
                               f"second has size {s2} in dim {d2}")
        else:
            contracted *= s1
    wrap_a, wrap_b = [d % a.ndim for d in dims_a], [d % b.ndim for d in dims_b]
    free_a = [d for d in range(a.ndim) if d not in wrap_a]
    free_b = [d for d in range(b.ndim) if d not in wrap_b]
    shape = [t1.shape[d] for d in free_a] + [t2.shape[d] for d in free_b]
    t1 = t1.permute(*free_a, *wrap_a)
    t2 = t2.permute(*wrap_b, *free_b)
    if not free_a and not free_b:
        result = dot(t1.reshape(contracted), t2.reshape(contracted)).reshape(shape)
    else:
        rows, cols = int(np.prod([t1.shape[i] for i in range(len(free_a))])), \
            int(np.prod([t2.shape[len(wrap_b) + i] for i in range(len(free_b))]))
        result = mm(t1.reshape(rows, contracted), t2.reshape(contracted, cols)).reshape(shape)
    if out is not None:
        from .inplace import copy_into_out
        return copy_into_out(out, result, composite=True)  # torch's tensordot(out=) ends in a recorded copy_
    return result


def inner(input, other, *, out=None):
    """Σ over the last dims of both (for 0-d operands, their product)."""
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, ([-1], [-1]), out=out)


def kron(input, other):
    """The Kronecker product: every element of ``input`` times all of ``other``, block by block. As torch:
    each one viewed with a size-1 dim beside each of its dims, a broadcast product, and a view."""
    nd = max(input.ndim, other.ndim)
    a_shape = (1,) * (nd - input.ndim) + tuple(input.shape)
    b_shape = (1,) * (nd - other.ndim) + tuple(other.shape)
    a = input.reshape(tuple(s for n in a_shape for s in (n, 1)))
    b = other.reshape(tuple(s for n in b_shape for s in (1, n)))
    return UnsafeView.apply(a * b, tuple(x * y for x, y in zip(a_shape, b_shape)))


# -- cdist ---------------------------------------------------------------------------------------------------
class Cdist(Op):
    """z[..., i, j] = ‖x1[..., i, :] - x2[..., j, :]‖_p  (batch dims broadcast).
    VJP: with n_ij = the norm's VJP at the difference d_ij = x1_i - x2_j (the ±∞ norm's gradient whole to
    each tie, as torch's cdist):  dx1_i = Σ_j n_ij,  dx2_j = -Σ_i n_ij."""
    node_name = "CdistBackward0"

    @staticmethod
    def forward(ctx, x1, x2, p):
        ctx.p = p
        out = vector_norm_array(x1[..., :, None, :] - x2[..., None, :, :], p, (-1,), False)
        ctx.save_for_backward(x1, x2, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x1, x2, z = ctx.saved_tensors
        diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
        n = norm_vjp(g.unsqueeze(-1), diff, z.unsqueeze(-1), ctx.p, (diff.ndim - 1,), split_ties=False)
        if n is None:  # p = 0, a count: zero gradients (torch's too)
            return _const(np.zeros(x1.shape), x1), _const(np.zeros(x2.shape), x2)
        return n.sum(-2), -n.sum(-3)


class EuclideanDist(Op):
    """z_ij = √(|x1_i|² + |x2_j|² - 2 x1_i·x2_j), as one matrix product (torch's cdist for p = 2 with more than
    25 rows, or compute_mode='use_mm_for_euclid_dist'): fast, less exact for near points.
    VJP: with r = g / z (0 where z = 0):  dx1 = x1 Σ_j r_ij - r x2,  dx2 = x2 Σ_i r_ij - rᵀ x1."""
    node_name = "EuclideanDistBackward0"

    @staticmethod
    def forward(ctx, x1, x2):
        ones1, ones2 = np.ones(x1.shape[:-1] + (1,), x1.dtype), np.ones(x2.shape[:-1] + (1,), x2.dtype)
        a = np.concatenate([-2 * x1, (x1 * x1).sum(-1, keepdims=True), ones1], -1)
        b = np.concatenate([x2, ones2, (x2 * x2).sum(-1, keepdims=True)], -1)
        out = np.sqrt(np.clip(a @ np.swapaxes(b, -1, -2), 0, None))
        ctx.save_for_backward(x1, x2, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x1, x2, z = ctx.saved_tensors
        r = (g / z).masked_fill(z == 0, 0)
        return x1 * r.sum(-1, keepdim=True) - r.matmul(x2), x2 * r.sum(-2).unsqueeze(-1) - r.mT.matmul(x1)


_MODES = {"use_mm_for_euclid_dist_if_necessary": 0, "use_mm_for_euclid_dist": 1,
          "donot_use_mm_for_euclid_dist": 2}


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The ``p``-norm distance between each row of x1 and each row of x2 (batch dims broadcast)."""
    if x1.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D")
    if x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X2 got: {x2.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    for name, t in (("X1", x1), ("X2", x2)):
        if not t.is_floating_point():
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {t.dtype.scalar_name}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if compute_mode not in _MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    if x1.dtype != x2.dtype:
        raise RuntimeError(f"expected scalar type {x1.dtype.scalar_name} but found {x2.dtype.scalar_name}")
    batch = tuple(broadcast_shape(tuple(x1.shape[:-2]), tuple(x2.shape[:-2])))
    r1, r2, m = x1.shape[-2], x2.shape[-2], x1.shape[-1]
    mode = _MODES[compute_mode]
    x1, x2 = _expanded(x1, batch + (r1, m)), _expanded(x2, batch + (r2, m))
    if p == 2 and (mode == 1 or (mode == 0 and (r1 > 25 or r2 > 25))):
        return EuclideanDist.apply(x1, x2).reshape(*batch, r1, r2)
    return Cdist.apply(x1, x2, float(p))


# -- cov, corrcoef -------------------------------------------------------------------------------------------
def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in ``input``'s rows (observations in its columns), with frequency
    (``fweights``) and importance (``aweights``) weights of the observations; composed as torch's."""
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    if input.dtype.name == "bool":
        raise NotImplementedError("cov(): bool dtype is not supported for input")
    x = input.view(1, -1) if input.ndim < 2 else input
    if not x.is_floating_point():
        x = x.to(get_default_dtype())
    n = x.shape[1]
    w = None
    for name, weights in (("fweights", fweights), ("aweights", aweights)):
        if weights is None:
            continue
        if weights.ndim > 1:
            raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} with "
                               f"{weights.ndim} dimensions")
        if name == "fweights" and (weights.is_floating_point() or weights.dtype.name == "bool"):
            raise RuntimeError(f"cov(): expected fweights to have integral dtype but got fweights with "
                               f"{weights.dtype.scalar_name} dtype")
        if name == "aweights" and not weights.is_floating_point():
            raise RuntimeError(f"cov(): expected aweights to have floating point dtype but got aweights with "
                               f"{weights.dtype.scalar_name} dtype")
        if weights.numel() != n:
            raise RuntimeError(f"cov(): expected {name} to have the same numel as there are observations in the "
                               f"input but got {weights.numel()} != {n}")
        if n and (weights._data < 0).any():
            raise RuntimeError(f"cov(): {name} cannot be negative")
        w = weights if w is None else w * weights
    w_sum = w.sum() if w is not None else _make(np.asarray(n, np.int64))
    if w is not None and not w_sum.item():
        raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    avg = (x * w if w is not None else x).sum(1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm_factor = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm_factor = w_sum - correction
    if norm_factor.item() <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.", UserWarning, stacklevel=2)
        norm_factor = norm_factor * 0
    centered = x - avg.unsqueeze(1)
    c = mm(centered, (centered * w if w is not None else centered).t())
    with np.errstate(divide="ignore", invalid="ignore"):
        return (c / norm_factor).squeeze()


def corrcoef(input):
    """Pearson's correlation coefficients: cov normalized by the standard deviations, clipped to [-1, 1]."""
    if input.ndim > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    c = cov(input)
    with np.errstate(divide="ignore", invalid="ignore"):
        if c.ndim == 0:  # one variable: 1, or NaN where its covariance is 0, NaN or inf
            return c / c
        # the diagonal, as a sum of c times the identity (minitorch has no diagonal() yet; torch: c.diagonal())
        d = (c * _const(np.eye(c.shape[0]), c)).sum(1)
        stddev = d.sqrt()
        c = c / stddev.view(-1, 1)
        c = c / stddev.view(1, -1)
    return c.clip(-1, 1)


linalg.cross = linalg_cross  # torch.linalg.cross
