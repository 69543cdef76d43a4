"""Distances and similarities between vectors: cosine_similarity and pairwise_distance (of matching rows of
two tensors, composed of tensor operations as torch composes them) and pdist (between every pair of rows of
one matrix, one op)."""
import numpy as np

from ..._args import tensor_arg
from ..._dtype import result_type
from ..._size import broadcast_shape
from ...autograd.grad_mode import no_grad
from ...ops.arithmetic import AddScalar
from ...ops.indexing import index_put
from ...ops.op import Op
from ...ops.reduction import VectorNorm, normalize_dims
from ...tensor import _make


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Σ x1·x2 / (max(‖x1‖, ε)·max(‖x2‖, ε)) along ``dim``, x1 and x2 broadcast together. As torch computes
    it: each input divided by its own (clamped) norm first, then the products summed; the clamping is not
    recorded (torch clamps a copy of the norm in place, without grad)."""
    tensor_arg(x1, "cosine_similarity", "x1")
    tensor_arg(x2, "cosine_similarity", "x2", 2)
    common = result_type(x1, x2)
    if not common.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {common.scalar_name}")
    x1, x2 = (x if x.is_floating_point() else x.to(common) for x in (x1, x2))
    shape = broadcast_shape(tuple(x1.shape), tuple(x2.shape))
    if tuple(x1.shape) != tuple(x2.shape):  # (torch's expand_outplace: both expanded, or neither)
        x1, x2 = x1.expand(shape), x2.expand(shape)
    norms = []
    for x in (x1, x2):
        n = x.norm(2, dim, keepdim=True).clone()
        with no_grad():
            n.clamp_min_(eps)
        norms.append(n)
    return ((x1 / norms[0]) * (x2 / norms[1])).sum(dim)


class Norm(VectorNorm):
    """The p-norm as ``at::norm`` records it (pairwise_distance calls it): VectorNorm under torch's other name."""
    node_name = "NormBackward1"


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """‖x1 - x2 + ε‖_p along the last dim (of the two, broadcast together)."""
    tensor_arg(x1, "pairwise_distance", "x1")
    tensor_arg(x2, "pairwise_distance", "x2", 2)
    innermost = max(x1.dim(), x2.dim()) - 1
    diff = AddScalar.apply(x1 - x2, eps)  # torch's C++ adds the number: AddBackward1
    return Norm.apply(diff, float(p), normalize_dims(innermost, diff.dim()), keepdim)


class Pdist(Op):
    """z_k = ‖x_i - x_j‖_p for every pair of rows i < j (in the order of the upper triangle, row by row).
    VJP (torch's pdist backward): with d = x_i - x_j, dx_i += g_k·∂z_k/∂d and dx_j -= the same, where ∂z/∂d is
      p = 1: sign(d);  p = 2: d/z;  p = ∞: sign(d) where |d| = z;  p < 2: sign(d)·|d|^(p-1)/z^(p-1);
      otherwise d·|d|^(p-2)/z^(p-1);  0 where z = 0 (and, for p < 1, where d = 0), and for p = 0.
    d is taken again from x with tensor operations and z is the recorded output, so it differentiates again."""
    node_name = "PdistBackward0"

    @staticmethod
    def forward(ctx, x, p):
        n = x.shape[0]
        i, j = np.triu_indices(n, 1)
        d = x[i] - x[j]
        a = np.abs(d)
        if p == 0:
            z = np.count_nonzero(d, axis=1)
        elif p == np.inf:
            z = a.max(axis=1, initial=0)
        elif p == 1:
            z = a.sum(1)
        elif p == 2:
            z = np.sqrt((d * d).sum(1))
        else:
            z = (a ** p).sum(1) ** (1 / p)
        z = z.astype(x.dtype)
        ctx.save_for_backward(x, z)
        ctx.p, ctx.pairs = p, (i, j)
        return z

    @staticmethod
    def backward(ctx, g):
        x, z = ctx.saved_tensors
        p, (i, j) = ctx.p, ctx.pairs
        n = x.shape[0]
        if p == 0:  # the count of non-zeros is flat: zeros, as torch's
            return _make(np.zeros(x.shape, x._data.dtype))
        d = x.index_select(0, _make(i)) - x.index_select(0, _make(j))
        z = z.unsqueeze(1)
        sign = _make(np.sign(d._data))
        zero = z == 0
        if p == 1:
            slope = sign
        elif p == 2:
            slope = (d / z).masked_fill(zero, 0)
        elif p == np.inf:
            slope = sign * _make((np.abs(d._data) == z._data).astype(d._data.dtype))
        elif p < 2:
            slope = (sign * (d * sign) ** (p - 1) / z ** (p - 1)).masked_fill(zero, 0)
            if p < 1:
                slope = slope.masked_fill(d == 0, 0)
        else:
            slope = (d * (d * sign) ** (p - 2) / z ** (p - 1)).masked_fill(zero, 0)
        per_pair = g.unsqueeze(1) * slope  # (pairs, features): the gradient of each d_k = x_i - x_j
        # scattered into an n×n grid of pairs: row i gets +, column j gets - (index_put: recorded, linear in g)
        grid = index_put(_make(np.zeros((n * n, x.shape[1]), x._data.dtype)), (_make(i * n + j),), per_pair)
        grid = grid.view(n, n, x.shape[1])
        return grid.sum(1) - grid.sum(0)


def pdist(input, p=2):
    """The p-norm distance between every pair of rows of ``input`` (N, M): N·(N-1)/2 values."""
    tensor_arg(input, "pdist")
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if not input.is_floating_point():
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    return Pdist.apply(input.contiguous(), float(p))
