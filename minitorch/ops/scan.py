"""Scans - cumulative operations along one dim: cumprod, cummax/cummin, logcumsumexp - and diff, the
difference of neighbours (cumsum, the first scan, lives with the sums in reduction.py); the trapezoidal rule
(trapezoid, trapz, cumulative_trapezoid), composed of them.

Each output z_i depends on the inputs a_0..a_i of its slice, so each VJP gathers, for a_k, the gradient of
every z_i with i >= k: a cumulative sum taken from the end (``ReverseCumsum``), or, for cummax/cummin, the
gradient sent back to the element each z_i selected. The VJPs are minitorch operations, so they
differentiate again (``create_graph=True``).
"""
import numpy as np

from .._dtype import bool_
from .indexing import IndexPut, _zeros
from .op import Op
from .reduction import ReverseCumsum, _const, _np_dtype, _one_dim, _product_of_others, _return_type


def _along(a):
    """``a`` with a 0-d array seen as shape (1,), so that a scan runs along dim 0 of it."""
    return a.reshape(a.shape or (1,))


# -- cumprod -------------------------------------------------------------------------------------------------
class Cumprod(Op):
    """z_i = Π_{j≤i} a_j along ``dim``.
    VJP: da_k = Σ_{i≥k} g_i Π_{j≤i, j≠k} a_j  (= ReverseCumsum(g·z)_k / a_k when no a_j is 0)."""
    node_name = "CumprodBackward0"

    @staticmethod
    def forward(ctx, a, dim, dtype):
        ctx.dim = dim
        out = np.cumprod(_along(a), axis=dim, dtype=_np_dtype(dtype, a)).reshape(a.shape)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        if a.numel() <= 1 or a.shape[ctx.dim] == 1:  # z = a: as torch, g itself (no second derivative)
            return g
        if not (a._data == 0).any():
            return ReverseCumsum.apply(g * z, ctx.dim) / a
        return _cumprod_backward_with_zeros(g, a, ctx.dim)


def _cumprod_backward_with_zeros(g, a, dim):
    """Σ_{i≥k} g_i Π_{j≤i, j≠k} a_j when some a_j are 0 (so z_i / a_k would be 0 / 0): one row per i, the
    prefix a_0..a_i (ones after it), whose "product of the others" at k is prod's VJP core - it handles the
    zeros, second derivatives included. O(n²) per slice, where torch's is O(n) without create_graph."""
    if a.ndim == 0:
        return g
    a_last, g_last = a.movedim(dim, -1), g.movedim(dim, -1)  # (..., n)
    n = a_last.shape[-1]
    prefix = _const(np.tri(n), a)  # prefix[i, j] = 1 where j <= i
    rows = a_last.unsqueeze(-2) * prefix + (1 - prefix)  # rows[..., i, j] = a_j for j <= i, else 1
    others = _product_of_others(rows, rows._data == 0, (rows.ndim - 1,))
    da = (g_last.unsqueeze(-1) * others * prefix).sum(-2)  # Σ over i (where k <= i)
    return da.movedim(-1, dim)


def cumprod(input, dim, *, dtype=None):
    """The cumulative product along ``dim`` (integers and bools in int64, as torch)."""
    if dtype is bool_:
        raise NotImplementedError("\"cumprod_out_cpu\" not implemented for 'Bool'")
    return Cumprod.apply(input, _one_dim(dim, input.ndim), dtype)


# -- cummax, cummin ------------------------------------------------------------------------------------------
class _CumExtreme(Op):
    """(values, indices): z_i = max (or min) of a_0..a_i along ``dim``, and where it is: the last of equal
    values, and a NaN, once met, stays the extreme (as torch).
    VJP: da_k = Σ of g_i over the i whose extreme is a_k (torch's scatter_add of g at the indices)."""
    accumulate = None

    @classmethod
    def forward(cls, ctx, a, dim):
        flat = _along(a)
        values = cls.accumulate(flat, axis=dim)
        # a_i is the new extreme where it equals the running one (or is a NaN); else the index carries on
        new = (flat == values) | (np.isnan(flat) if flat.dtype.kind == "f" else False)
        positions = np.arange(flat.shape[dim]).reshape([-1 if d == dim else 1 for d in range(flat.ndim)])
        indices = np.maximum.accumulate(np.where(new, positions, 0), axis=dim)
        ctx.shape = a.shape
        # where each output's gradient goes: the index along dim, open grids along the others
        grid = list(np.ix_(*(np.arange(s) for s in flat.shape)))
        grid[dim] = indices
        ctx.key = tuple(grid)
        return values.reshape(a.shape), indices.astype(np.int64).reshape(a.shape)

    @staticmethod
    def backward(ctx, g, _):
        return IndexPut.apply(_zeros(ctx.shape, g), g, ctx.key, "sum")


class Cummax(_CumExtreme):
    node_name = "CummaxBackward0"
    accumulate = np.maximum.accumulate


class Cummin(_CumExtreme):
    node_name = "CumminBackward0"
    accumulate = np.minimum.accumulate


cummax_return, cummin_return = _return_type("cummax"), _return_type("cummin")


def cummax(input, dim):
    """(values, indices): the running maximum along ``dim`` and the index it was found at."""
    return cummax_return(*Cummax.apply(input, _one_dim(dim, input.ndim)))


def cummin(input, dim):
    return cummin_return(*Cummin.apply(input, _one_dim(dim, input.ndim)))


# -- logcumsumexp --------------------------------------------------------------------------------------------
class Logcumsumexp(Op):
    """z_i = log Σ_{j≤i} exp(a_j) along ``dim`` (NumPy's logaddexp.accumulate: nothing overflows).
    VJP: da_k = Σ_{i≥k} g_i exp(a_k - z_i), computed in log space as torch does (see backward).
    JVP: dz_i = Σ_{j≤i} exp(a_j - z_i) da_j, in log space alike: a running logcumsumexp of a + log|da|."""
    node_name = "LogcumsumexpBackward0"

    @staticmethod
    def jvp(ctx, z, t, a, dim):
        t = t[0]
        if t.ndim == 0 or t.numel() == 0:
            return t
        # as in backward: the positive and negative parts of the direction apart, each weighted in log space
        # (the transposed VJP would overflow: exp(a) of logits of 1e4)
        lowest = float(np.finfo(t._data.dtype).min)
        log_abs = t.abs().log()
        parts = [(logcumsumexp(log_abs.where(keep, lowest) + a, dim) - z).exp() for keep in (t > 0, t < 0)]
        return parts[0] - parts[1]

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        out = np.logaddexp.accumulate(_along(a), axis=dim).reshape(a.shape)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        if g.ndim == 0 or g.numel() == 0:
            return g
        # torch's (after TensorFlow's): the positive and negative parts of g apart, each as exp(log|g|), so that
        # Σ_{i≥k} exp(log|g_i| - z_i) is a reversed logcumsumexp and nothing over- or underflows; "log 0" is the
        # lowest finite number rather than -inf, so that no inf - inf makes a NaN
        dim = ctx.dim
        lowest = float(np.finfo(g._data.dtype).min)
        log_abs = g.abs().log()
        parts = []
        for keep in (g > 0, g < 0):
            log_part = log_abs.where(keep, lowest) - z
            parts.append((logcumsumexp(log_part.flip(dim), dim).flip(dim) + a).exp())
        return parts[0] - parts[1]


def logcumsumexp(input, dim):
    d = _one_dim(dim, input.ndim)
    if not input.is_floating_point():
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{input.dtype.scalar_name}\'')
    return Logcumsumexp.apply(input, d)


# -- diff ----------------------------------------------------------------------------------------------------
def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference along ``dim``: out_i = a_{i+1} - a_i, n times, after ``prepend`` and
    ``append`` are joined on. Composed as torch's: slices and a subtraction (logical_xor for bools)."""
    from .shape import cat
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = _one_dim(dim, input.ndim)
    parts = [t for t in (prepend, input, append) if t is not None]
    if any(t.ndim != input.ndim for t in parts):
        raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    if n == 0:  # torch: a copy of the input (zeros_like, then copy_), prepend and append left out
        from ..creation import zeros_like
        return zeros_like(input).copy_(input)
    out = cat(parts, d) if len(parts) > 1 else input
    for _ in range(n):
        if out.shape[d] == 0:  # nothing left to take differences of
            break
        length = out.shape[d] - 1
        later, earlier = out.narrow(d, 1, length), out.narrow(d, 0, length)
        out = later.logical_xor(earlier) if out.dtype.name == "bool" else later - earlier
    return out


# -- the trapezoidal rule: trapezoid (trapz) and cumulative_trapezoid ----------------------------------------
# Composed of slices, sums and products, as torch composes them (its nodes are theirs), so the gradients and
# second orders are theirs too.
def _scaled(t, number):
    """t times a number, as torch's C++ multiplies (mul.Scalar: MulBackward1, not the operator's MulBackward0)."""
    from .arithmetic import MulScalar
    if not t.dtype.is_floating_point and isinstance(number, float):  # integers times 0.5: the default dtype
        from .._dtype import get_default_dtype
        t = t.to(get_default_dtype())
    return MulScalar.apply(t, number)


def _halved(t):
    from .arithmetic import DivScalar
    return DivScalar.apply(t, 2.0)


def _trapezoid_args(name, y, x, dx, dim):
    from ..tensor import Tensor
    if isinstance(x, Tensor) and "bool" in (x.dtype.name, y.dtype.name):
        raise NotImplementedError(f"{name}: received a bool input for `x` or `y`, but bool is not supported")
    if y.dtype.name == "bool":
        raise NotImplementedError(f"{name}: received a bool input for `y`, but bool is not supported")
    if y.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = _one_dim(dim, y.ndim)
    if not isinstance(x, Tensor):
        return d, None
    if x.ndim == 1:  # (n,) seen as (1, .., n, .., 1) along dim, so that its differences broadcast against y's
        if x.shape[0] != y.shape[d]:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        x = x.view(*[x.shape[0] if i == d else 1 for i in range(y.ndim)])
    elif x.ndim < y.ndim:  # ones in front, so that dim reaches into x as into y
        x = x.view(*([1] * (y.ndim - x.ndim) + list(x.shape)))
    length = max(x.shape[d] - 1, 0)
    return d, x.narrow(d, min(1, x.shape[d]), length) - x.narrow(d, 0, length)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """∫ y along ``dim`` by the trapezoidal rule, at the points ``x`` or spaced ``dx`` (1) apart:
    Σᵢ (xᵢ₊₁ - xᵢ)(yᵢ + yᵢ₊₁)/2, or with a constant spacing dx (Σᵢ yᵢ - (y₀ + yₙ₋₁)/2)."""
    from ..creation import zeros
    d, spacing = _trapezoid_args("trapezoid", y, x, dx, dim)
    if y.shape[d] == 0:  # no samples: 0, as NumPy
        return zeros(*(y.shape[:d] + y.shape[d + 1:]), dtype=y.dtype if y.dtype.is_floating_point else None)
    if spacing is None:
        return _scaled(y.sum(d) - _scaled(y.select(d, 0) + y.select(d, -1), 0.5), 1 if dx is None else dx)
    n = y.shape[d] - 1
    return _halved(((y.narrow(d, 1, n) + y.narrow(d, 0, n)) * spacing).sum(d))


def trapz(y, x=None, *, dx=None, dim=-1):
    """trapezoid, its older name."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running integrals of ``trapezoid``: out_k = Σᵢ≤ₖ (xᵢ₊₁ - xᵢ)(yᵢ + yᵢ₊₁)/2 (n - 1 of them)."""
    d, spacing = _trapezoid_args("cumulative_trapezoid", y, x, dx, dim)
    n = max(y.shape[d] - 1, 0)
    pairs = y.narrow(d, 0, n) + y.narrow(d, min(1, y.shape[d]), n)
    if spacing is None:
        return _scaled(pairs, (1 if dx is None else dx) / 2.0).cumsum(d)
    return _halved((pairs * spacing).cumsum(d))
