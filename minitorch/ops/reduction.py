"""Reductions: sum, mean, prod, max/min, var/std, norm, logsumexp over all or some dims (``keepdim``),
plus cumsum, argmax/argmin and count_nonzero.

Their VJPs spread the gradient back over the reduced dims: reshape it so that the reduced dims are
size 1 again, then let it broadcast against the input. What selects elements (max, min, the zeros
of a product, the sign inside a norm) is computed once in forward as a constant mask, so every VJP is
plain minitorch arithmetic and can itself be differentiated (``create_graph=True``).
"""
import builtins
import collections
import warnings

import numpy as np

from .._dtype import bool_, get_default_dtype
from ..tensor import Tensor, _make
from .op import Op
from .pointwise.clamping import maximum, minimum


def _all_dims(dim):
    return dim is None or (not isinstance(dim, int) and len(dim) == 0)


def normalize_dims(dim, ndim):
    """``dim`` (None, int, or tuple) as a sorted tuple of non-negative dims; None means all."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    n = builtins.max(ndim, 1)
    out = []
    for d in dims:
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
        out.append(d % n)
    if len(set(out)) != len(out):
        raise RuntimeError(f"dim {out[0]} appears multiple times in the list of dims")
    return tuple(sorted(out)) if ndim else ()


def _one_dim(dim, ndim):
    """A single ``dim`` as a non-negative index; a 0-d tensor counts as one element along dim 0."""
    dims = normalize_dims(int(dim), ndim)
    return dims[0] if dims else 0


def reduced_dims(dim, ndim):
    """The dims a reduction runs over: for sum, mean, amax, var, norm, ... an empty ``dim`` means all."""
    return normalize_dims(None if _all_dims(dim) else dim, ndim)


def unsqueeze_reduced(t, shape, dims, keepdim):
    """A reduction's result ``t`` with the reduced ``dims`` of the input ``shape`` back as size 1, so
    that it broadcasts against the input."""
    if keepdim or not dims:
        return t
    kept = list(shape)
    for d in dims:
        kept[d] = 1
    return t.reshape(kept)


def expand_reduced(g, shape, dims, keepdim):
    """Broadcast a reduction's output gradient ``g`` back to the input ``shape``."""
    return unsqueeze_reduced(g, shape, dims, keepdim).expand(shape)


def _const(array, like):
    """A constant tensor (no graph) of ``array`` in the dtype of tensor ``like``."""
    return _make(np.asarray(array, like._data.dtype))


def _sum_dtype(a):
    # torch sums integers (and bools) in int64
    return np.int64 if a.dtype.kind in "biu" else None


def _np_dtype(dtype, a):
    return dtype.np if dtype is not None else _sum_dtype(a)


# -- sum and mean ------------------------------------------------------------------------------------------
class Sum(Op):
    """z = Σ a over all elements.   VJP: da = g broadcast to a's shape."""
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "SumBackward0"

    @staticmethod
    def forward(ctx, a, dtype=None):
        ctx.shape = a.shape
        return a.sum(dtype=_np_dtype(dtype, a))

    @staticmethod
    def backward(ctx, g):
        return g.expand(ctx.shape)


class SumDim(Op):
    """z = Σ a over ``dims``.   VJP: da = g, with the summed dims restored, broadcast to a's shape."""
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "SumBackward1"

    @staticmethod
    def forward(ctx, a, dims, keepdim, dtype=None):
        ctx.shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
        return a.sum(axis=dims, keepdims=keepdim, dtype=_np_dtype(dtype, a))

    @staticmethod
    def backward(ctx, g):
        return expand_reduced(g, ctx.shape, ctx.dims, ctx.keepdim)


class Mean(Op):
    """z = (1/n) Σ a.   VJP: da = g / n broadcast to a's shape."""
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "MeanBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.shape = a.shape
        ctx.n = a.size
        if not a.size:  # the mean of nothing is NaN, as torch's, without NumPy's "Mean of empty slice" warning
            return np.full((), np.nan, a.dtype)
        return a.mean()

    @staticmethod
    def backward(ctx, g):
        return (g / ctx.n).expand(ctx.shape)


class MeanDim(Op):
    """z = mean of a over ``dims``.   VJP: da = g / n (n = elements per mean) broadcast to a's shape."""
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "MeanBackward1"

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
        ctx.n = int(np.prod([a.shape[d] for d in dims]))
        if not ctx.n:  # means of nothing are NaN, as torch's, without NumPy's "Mean of empty slice" warning
            return np.full(a.sum(axis=dims, keepdims=keepdim).shape, np.nan, a.dtype)
        return a.mean(axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        return expand_reduced(g / ctx.n, ctx.shape, ctx.dims, ctx.keepdim)


def sum(input, dim=None, keepdim=False, *, dtype=None):
    if dim is None and not keepdim:
        return Sum.apply(input, dtype)
    return SumDim.apply(input, reduced_dims(dim, input.ndim), keepdim, dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    if not input.is_floating_point():
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point "
                           f"or complex dtype. Got: {input.dtype.scalar_name}")
    if dim is None and not keepdim:
        return Mean.apply(input)
    return MeanDim.apply(input, reduced_dims(dim, input.ndim), keepdim)


def sum_to_size(input, *size):
    """Sum ``input`` down to ``size`` (the reverse of broadcasting): used for gradients of broadcast ops."""
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)
    if tuple(input.shape) == shape:
        return input
    if not shape:  # as torch's sum_to: one sum of everything (SumBackward0), not a sum and a view
        return Sum.apply(input, None)
    lead = input.ndim - len(shape)
    if lead < 0:
        raise RuntimeError(f"size {list(shape)} is not expandable to size {list(input.shape)}.")
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                      if s == 1 and input.shape[lead + i] != 1)
    for i, s in enumerate(shape):
        if s != 1 and s != input.shape[lead + i]:
            raise RuntimeError(f"size {list(shape)} is not expandable to size {list(input.shape)}.")
    out = SumDim.apply(input, dims, True, None) if dims else input
    return out.reshape(shape) if lead else out


# -- prod --------------------------------------------------------------------------------------------------
class Prod(Op):
    """z = Π a over all elements.   JVP: dz = Σ_i (Π_{j≠i} a_j) · da_i.
    VJP: da_i = g · Π_{j≠i} a_j  (= g · z / a_i when no a_j is 0)."""
    node_name = "ProdBackward0"

    @staticmethod
    def jvp(ctx, z, t, a, dtype):  # the VJP's factors, the product of the others, weighting the direction
        return _prod_backward(t[0], a, z, ctx.dims).sum()

    @staticmethod
    def forward(ctx, a, dtype):
        ctx.dims = tuple(range(a.ndim))
        out = a.prod(dtype=_np_dtype(dtype, a))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        return _prod_backward(g, a, z, ctx.dims)


class ProdDim(Op):
    """z = Π a over ``dims``.   JVP: dz = Σ_i (product of the other factors of a_i's slice) · da_i.
    VJP: da_i = g · (product of the other factors of a_i's slice)."""
    node_name = "ProdBackward1"

    @staticmethod
    def jvp(ctx, z, t, a, dims, keepdim, dtype):
        others = _prod_backward(t[0], a, unsqueeze_reduced(z, ctx.shape, dims, keepdim), dims)
        return others.sum(dims, keepdim=keepdim) if dims else others

    @staticmethod
    def forward(ctx, a, dims, keepdim, dtype):
        ctx.shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
        out = a.prod(axis=dims, keepdims=keepdim, dtype=_np_dtype(dtype, a))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        restore = lambda t: unsqueeze_reduced(t, ctx.shape, ctx.dims, ctx.keepdim)  # noqa: E731
        return _prod_backward(restore(g), a, restore(z), ctx.dims)


def _prod_backward(g, a, z, dims):
    """g · Π_{j≠i} a_j along ``dims``, for g and z broadcastable against a."""
    if a.ndim == 0:  # z = a: g itself, as torch (z / a would add a second derivative of rounding errors)
        return g
    zero = a._data == 0
    if not zero.any():
        return g * (z / a)
    return g * _product_of_others(a, zero, dims)


def _product_of_others(a, zero, dims):
    """Π_{j≠i} a_j for each a_i, where some a_j are 0 (so z / a_i would be 0 / 0).

    The zero factors are set aside: with ones in their place the product p has no zero factor, and
    p / a_i is the product of the other non-zero ones. The other zero factors of a slice then multiply
    in: none gives 1; exactly one, a_k, gives a_k itself (its value is 0, but its derivative is what
    makes the second derivative right); two or more give 0 with a zero first derivative.
    """
    zero_mask = _const(zero, a)
    ones_for_zeros = a + zero_mask
    p = ProdDim.apply(ones_for_zeros, dims, True, None)
    other_zeros = zero.sum(axis=dims, keepdims=True) - zero
    zero_factors = a * zero_mask
    other_zero_factor = zero_factors.sum(dims, keepdim=True) - zero_factors
    zero_part = _const(other_zeros == 0, a) + _const(other_zeros == 1, a) * other_zero_factor
    return p / ones_for_zeros * zero_part


def prod(input, dim=None, keepdim=False, *, dtype=None):
    if dim is None:
        return Prod.apply(input, dtype)
    return ProdDim.apply(input, normalize_dims(int(dim), input.ndim), keepdim, dtype)


# -- max, min, amax, amin ----------------------------------------------------------------------------------
class _EvenlySplit(Op):
    """z = max (or min) of a over ``dims``.   VJP: da = g / n where a equals z (n ties per slice), else 0.
    JVP: dz = the mean of da over the ties (the same shares, summed).

    torch splits the gradient evenly among ties for ``max()``, ``amax`` and ``amin``."""
    reduce = None
    nan_ties = True

    @staticmethod
    def jvp(ctx, z, t, a, dims, keepdim):
        share, = ctx.saved_tensors
        return (t[0] * share).sum(dims, keepdim=keepdim) if dims else t[0] * share

    @classmethod
    def forward(cls, ctx, a, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
        z, share = _extreme_and_share(cls.reduce, a, dims, keepdim, cls.nan_ties)
        ctx.save_for_backward(share)
        return z

    @staticmethod
    def backward(ctx, g):
        share, = ctx.saved_tensors
        return unsqueeze_reduced(g, ctx.shape, ctx.dims, ctx.keepdim) * share


def _extreme_and_share(reduce, a, dims, keepdim, nan_ties=True):
    """The max (or min: ``reduce``) z of a over ``dims``, and each element's share of z's gradient: 1/n for
    the n elements equal to z, 0 for the others. A NaN is the max (and the min), as in torch; its gradient
    goes to the NaNs (``nan_ties``: max(), min()) or, as torch's amax, amin and aminmax have it, is NaN for
    the whole slice (no element equals NaN: 0/0)."""
    z = reduce(a, axis=dims, keepdims=True)
    ties = a == z
    if nan_ties and a.dtype.kind == "f":
        ties |= np.isnan(a) & np.isnan(z)
    with np.errstate(invalid="ignore"):
        share = ties / ties.sum(axis=dims, keepdims=True, dtype=a.dtype)
    return (z if keepdim else z.reshape([s for d, s in enumerate(a.shape) if d not in dims])), share


class MaxAll(_EvenlySplit):
    node_name = "MaxBackward1"
    reduce = np.max


class MinAll(_EvenlySplit):
    node_name = "MinBackward1"
    reduce = np.min


class Amax(_EvenlySplit):
    node_name = "AmaxBackward0"
    reduce, nan_ties = np.max, False


class Amin(_EvenlySplit):
    node_name = "AminBackward0"
    reduce, nan_ties = np.min, False


class _Select(Op):
    """(values, indices) = max (or min) of a along ``dim`` and where it is (the first one, on ties).
    JVP: dvalues = da at the selected element of each slice.   VJP: da = g at the selected element, 0 elsewhere."""
    arg = None

    @staticmethod
    def jvp(ctx, z, t, a, dim, keepdim):
        selected, = ctx.saved_tensors
        picked = t[0] * selected
        return (picked.sum(ctx.dims, keepdim=keepdim) if ctx.dims else picked), None

    @classmethod
    def forward(cls, ctx, a, dim, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = a.shape, (dim,) if a.ndim else (), keepdim
        flat = a.reshape(a.shape or (1,))  # a 0-d tensor has one element along dim 0
        idx = np.expand_dims(cls.arg(flat, axis=dim), dim)
        values = np.take_along_axis(flat, idx, axis=dim)
        selected = np.zeros(flat.shape, a.dtype)
        np.put_along_axis(selected, idx, 1, axis=dim)
        ctx.save_for_backward(selected.reshape(a.shape))
        if not keepdim or not a.ndim:
            values, idx = values.squeeze(dim), idx.squeeze(dim)
        return values, idx.astype(np.int64)

    @staticmethod
    def backward(ctx, g, _):
        selected, = ctx.saved_tensors
        return unsqueeze_reduced(g, ctx.shape, ctx.dims, ctx.keepdim) * selected


class MaxDim(_Select):
    node_name = "MaxBackward0"
    arg = np.argmax


class MinDim(_Select):
    node_name = "MinBackward0"
    arg = np.argmin


def _return_type(name):
    """torch.return_types.<name>: a ``(values, indices)`` tuple whose fields also have names."""
    def __repr__(self):
        return f"torch.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"
    return type(name, (collections.namedtuple(name, ["values", "indices"]),), {"__slots__": (), "__repr__": __repr__})


max_return, min_return = _return_type("max"), _return_type("min")


def _extreme(name, all_op, dim_op, result, input, dim, keepdim):
    if isinstance(dim, Tensor):  # torch.max(a, b) is the elementwise maximum (minimum for min)
        return (maximum if name == "max" else minimum)(input, dim)
    if dim is None:
        if keepdim:
            raise TypeError(f"{name}() received an invalid combination of arguments - got (keepdim=bool)")
        if input.numel() == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                               f"Specify the reduction dim with the 'dim' argument.")
        return all_op.apply(input, tuple(range(input.ndim)), False)
    d = _one_dim(dim, input.ndim)
    if input.ndim and input.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return result(*dim_op.apply(input, d, keepdim))


def max(input, dim=None, keepdim=False):
    """``max(input)``; ``max(input, dim, keepdim)`` -> (values, indices); ``max(input, other)`` = maximum."""
    return _extreme("max", MaxAll, MaxDim, max_return, input, dim, keepdim)


def min(input, dim=None, keepdim=False):
    """``min(input)``; ``min(input, dim, keepdim)`` -> (values, indices); ``min(input, other)`` = minimum."""
    return _extreme("min", MinAll, MinDim, min_return, input, dim, keepdim)


def _amax_amin(name, op, input, dim, keepdim):
    if input.numel() == 0:
        if _all_dims(dim):
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                               f"Specify the reduction dim with the 'dim' argument.")
        # a maximum has no identity: a slice along an empty dim has none (torch names the dim as given)
        for d in _empty_dims(input, dim):
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return op.apply(input, reduced_dims(dim, input.ndim), keepdim)


def _empty_dims(input, dim):
    """The dims of ``dim`` (an int or a sequence, as the caller gave them) along which ``input`` has size 0."""
    dims = (dim,) if isinstance(dim, int) else dim
    return [d for d in dims if input.shape[_one_dim(d, input.ndim)] == 0]


def amax(input, dim=(), keepdim=False):
    return _amax_amin("amax", Amax, input, dim, keepdim)


def amin(input, dim=(), keepdim=False):
    return _amax_amin("amin", Amin, input, dim, keepdim)


def _arg(name, fn, input, dim, keepdim):
    a = input._data
    if a.dtype == np.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        if a.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        out = np.asanyarray(fn(a), np.int64)  # (asanyarray: inside vmap the result stays batched, func/vmap.py)
        return _make(out.reshape((1,) * a.ndim) if keepdim else out)
    d = _one_dim(dim, a.ndim)
    if a.ndim and a.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    out = fn(a.reshape(a.shape or (1,)), axis=d, keepdims=keepdim and a.ndim > 0)
    return _make(np.asanyarray(out, np.int64).reshape(out.shape if a.ndim else ()))


def argmax(input, dim=None, keepdim=False):
    """The index of the (first) largest element; of the flattened tensor when ``dim`` is None."""
    return _arg("argmax", np.argmax, input, dim, keepdim)


def argmin(input, dim=None, keepdim=False):
    return _arg("argmin", np.argmin, input, dim, keepdim)


# -- var, std ----------------------------------------------------------------------------------------------
def _var(a, dims, correction, keepdim, name="var"):
    """Σ (a - mean)² / (n - correction), accumulated in float64 as torch does on the CPU (``name``: the
    function named in the warning)."""
    n = int(np.prod([a.shape[d] for d in dims]))
    dof = n - correction
    if dof <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      "reduction factor (input numel divided by output numel).", UserWarning, stacklevel=4)
    a64 = a.astype(np.float64)
    centered = a64 - a64.mean(axis=dims, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        # no degrees of freedom: torch divides by 0 (giving nan or inf), never by a negative count
        return (centered * centered).sum(axis=dims, keepdims=keepdim) / builtins.max(dof, 0), dof


class Var(Op):
    """z = Σ (a - mean)² / (n - c) over ``dims`` (c: the correction).
    JVP: dz = (2 / (n - c)) · Σ (a - mean) · da.   VJP: da = (2 / (n - c)) · g · (a - mean)."""
    node_name = "VarBackward0"

    @staticmethod
    def jvp(ctx, z, t, a, dims, correction, keepdim):
        return _var_jvp(ctx, t[0], a, dims, keepdim)

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
        ctx.save_for_backward(a)
        out, ctx.dof = _var(a, dims, correction, keepdim)
        return np.asarray(out, a.dtype)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return _var_backward(ctx, g, a)


def _var_jvp(ctx, t, a, dims, keepdim):
    """(2 / (n - c)) · Σ (a - mean) · da over ``dims``."""
    scale = 2.0 / ctx.dof if ctx.dof > 0 else float("inf")  # no degrees of freedom: torch divides by 0
    centred = a - a.mean(dims, keepdim=True) if dims else a - a
    return scale * ((centred * t).sum(dims, keepdim=keepdim) if dims else centred * t)


def _var_backward(ctx, g, a):
    g = unsqueeze_reduced(g, ctx.shape, ctx.dims, ctx.keepdim)
    if ctx.dof <= 0 and len(ctx.dims) == len(ctx.shape):
        # torch, reducing everything with no degrees of freedom: g·∞, and NaN (∞·0) where a is at its mean
        return g * _const(np.where(a._data == a._data.mean(), np.nan, np.inf), a)
    scale = 2.0 / ctx.dof if ctx.dof else float("inf")  # a Python-number factor, as in torch
    return scale * g * (a - a.mean(ctx.dims, keepdim=True))


class Std(Op):
    """z = √var(a) over ``dims``.   JVP: dz = var's JVP / (2z)  (0 where z = 0).
    VJP: da = var's VJP of g / (2z)  (0 where z = 0)."""
    node_name = "StdBackward0"

    @staticmethod
    def jvp(ctx, z, t, a, dims, correction, keepdim):
        zero = z._data == 0
        return _var_jvp(ctx, t[0], a, dims, keepdim) / ((z + _const(zero, z)) * 2) * _const(~zero, z)

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
        var, ctx.dof = _var(a, dims, correction, keepdim, "std")
        out = np.asarray(np.sqrt(var), a.dtype)
        ctx.save_for_backward(a, out)
        ctx.zero = out == 0
        return out

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        zero = ctx.zero
        half = g / ((z + _const(zero, z)) * 2) * _const(~zero, z)
        return _var_backward(ctx, half, a)


def _correction(name, input, dim, unbiased, correction):
    if not input.is_floating_point():
        raise RuntimeError(f"{'std and var' if name in ('std', 'var') else name} only support floating point and "
                           f"complex dtypes")
    if isinstance(dim, bool):  # the legacy form var(input, unbiased)
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got both unbiased and "
                        f"correction")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return reduced_dims(dim, input.ndim), correction


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The variance over ``dim``; ``correction`` (default 1, the unbiased estimate) is subtracted from
    the count. ``unbiased=False`` is the legacy spelling of ``correction=0``."""
    dims, correction = _correction("var", input, dim, unbiased, correction)
    return Var.apply(input, dims, correction, keepdim)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dims, correction = _correction("std", input, dim, unbiased, correction)
    return Std.apply(input, dims, correction, keepdim)


# -- norm --------------------------------------------------------------------------------------------------
class VectorNorm(Op):
    """z = (Σ |a|^p)^(1/p) over ``dims``  (p = ∞: max |a|;  p = -∞: min |a|;  p = 0: number of non-zeros).

    VJP (torch's norm_backward), with s = sign(a):
      p = 1: g·s;   p = 2: g·a / z;   p = ±∞: g·s split evenly among the |a_i| = z;
      otherwise: g·s·|a|^(p-1) / z^(p-1);   0 where z = 0 (or, for p < 1, where a = 0);  none for p = 0.
    """
    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, a, p, dims, keepdim, dtype=None):
        ctx.shape, ctx.dims, ctx.keepdim, ctx.p = a.shape, dims, keepdim, p
        # dtype= (a wider float): computed at it inside this one node, as torch records it (no ToCopyBackward0
        # before it); the gradient is cast back to a's dtype on its way to a
        out = vector_norm_array(a if dtype is None else a.astype(dtype.np), p, dims, keepdim)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        restore = lambda t: unsqueeze_reduced(t, ctx.shape, ctx.dims, ctx.keepdim)  # noqa: E731
        return norm_vjp(restore(g), a.to(z.dtype), restore(z), ctx.p, ctx.dims)


def vector_norm_array(a, p, dims, keepdim):
    """The ``p``-norm of array ``a`` over ``dims`` (VectorNorm's forward; dist, renorm and cdist use it too)."""
    absolute = np.abs(a)
    if p == np.inf or p == -np.inf:
        # (the initial values change nothing, but give an empty slice 0, as torch's cdist; vector_norm refuses it)
        out = (np.max if p > 0 else np.min)(absolute, axis=dims, keepdims=keepdim, initial=0 if p > 0 else np.inf)
    elif p == 0:
        out = np.count_nonzero(a, axis=dims, keepdims=keepdim)
    elif p == 1:
        out = absolute.sum(axis=dims, keepdims=keepdim)
    elif p == 2:
        out = np.sqrt((a * a).sum(axis=dims, keepdims=keepdim))
    else:
        with np.errstate(divide="ignore"):
            out = (absolute ** p).sum(axis=dims, keepdims=keepdim) ** (1 / p)
    return np.asarray(out, a.dtype)


def norm_vjp(g, a, z, p, dims, split_ties=True):
    """The VJP of z = ‖a‖_p over ``dims`` (VectorNorm's docstring has the formulas), for g and z broadcastable
    against a. For p = ±∞ the gradient goes to the |a_i| equal to z: split evenly (``split_ties``, as torch's
    norm), or whole to each (as torch's cdist). None for p = 0."""
    if p == 0:
        return None
    sign = _const(np.sign(a._data), a)
    if p == 1:
        return g * sign
    if p in (np.inf, -np.inf):
        ties = np.abs(a._data) == z._data
        share = ties / ties.sum(axis=dims, keepdims=True, dtype=a._data.dtype) if split_ties else ties
        return sign * (g * _const(share, a))
    abs_a = a * sign  # |a|, differentiable (d|a|/da = sign a)
    # torch's formulas, zeros written over the 0/0 and x/0 of a zero norm (or, for p < 1, of a = 0) with
    # masked_fill: the same first derivative as any other way, and the same second derivative too - NaN
    # there, where the norm has none (the masked inf meets a zero gradient: 0·inf)
    if p < 1:
        return sign * (abs_a ** (p - 1)).masked_fill(a == 0, 0) * g * z ** (1 - p)
    if p == 2:
        return g * (a / z).masked_fill(z == 0, 0)
    scale = (g / z ** (p - 1)).masked_fill(z == 0, 0)
    if p < 2:
        return sign * abs_a ** (p - 1) * scale
    return a * abs_a ** (p - 2) * scale


def norm_dtype(input, dtype, fname):
    """The dtype a norm of ``input`` computes at (``dtype``, if given), with torch's errors: no narrowing,
    floating point only."""
    if not input.dtype.is_floating_point:  # (even with a floating dtype=)
        raise RuntimeError(f"{fname}: Expected a floating point or complex tensor as input. "
                           f"Got {input.dtype.scalar_name}")
    if dtype is None:
        return input.dtype
    if not dtype.is_floating_point:
        raise RuntimeError(f"{fname}: dtype should be floating point or complex, but got {dtype.scalar_name}")
    if dtype.itemsize < input.dtype.itemsize:
        raise RuntimeError(f"{fname}: the dtype of the input ({input.dtype.scalar_name}) should be "
                           f"convertible without narrowing to the specified dtype ({dtype.scalar_name})")
    return dtype


def vector_norm(input, ord=2, dim=None, keepdim=False, *, dtype=None):
    """torch.linalg.vector_norm: the ``ord``-norm of ``input`` flattened (or along ``dim``)."""
    dtype = norm_dtype(input, dtype, "linalg.vector_norm")
    if input.numel() == 0 and (ord < 0 or ord == float("inf")):
        # max |a|, min |a| and Σ|a|^p for p < 0 have no identity, so no value for an empty reduction
        if _all_dims(dim):
            raise RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on an empty tensor because the "
                               f"operation does not have an identity")
        for d in _empty_dims(input, dim):
            raise RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on the dimension {d}because this "
                               f"dimension is empty and the operation does not have an identity")  # sic, as torch
    if dtype is input.dtype:
        return VectorNorm.apply(input, float(ord), reduced_dims(dim, input.ndim), keepdim)
    return VectorNorm.apply(input, float(ord), reduced_dims(dim, input.ndim), keepdim, dtype)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """torch.norm: p is a number, 'fro' (= 2 over one or two dims, the Frobenius norm of a matrix) or 'nuc' (the
    nuclear norm, Σ singular values, of the matrix over two dims: all of a 2-D input's by default)."""
    if p == "fro" and not (dim is None or isinstance(dim, int) or len(dim) <= 2):
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    if p == "nuc":
        from .linalg import matrix_norm  # (linalg.py imports this module)
        return matrix_norm(input, "nuc", tuple(range(input.ndim)) if dim is None else dim, keepdim, dtype=dtype)
    if p is None or p == "fro":
        p = 2
    elif isinstance(p, str):
        raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
    return vector_norm(input, p, dim, keepdim, dtype=dtype)


# -- logsumexp, cumsum, count_nonzero ----------------------------------------------------------------------
class Logsumexp(Op):
    """z = log Σ exp(a) over ``dims``, as m + log Σ exp(a - m) with m = max a (so nothing overflows).
    JVP: dz = Σ exp(a - z) · da.   VJP: da = g · exp(a - z)  (the softmax of a)."""
    node_name = "LogsumexpBackward0"

    @staticmethod
    def jvp(ctx, z, t, a, dims, keepdim):  # the direction averaged with the softmax's weights
        weights = (a - unsqueeze_reduced(z, ctx.shape, dims, keepdim)).exp()
        return (weights * t[0]).sum(dims, keepdim=keepdim) if dims else weights * t[0]

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
        m = np.max(a, axis=dims, keepdims=True) if a.size else np.zeros((1,) * a.ndim, a.dtype)
        m = np.where(np.isinf(m), 0, m)  # all -inf (or an inf): shifting by it would give nan
        with np.errstate(divide="ignore"):
            out = np.log(np.exp(a - m).sum(axis=dims, keepdims=True)) + m
        out = out if keepdim else out.reshape([s for d, s in enumerate(a.shape) if d not in dims])
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        restore = lambda t: unsqueeze_reduced(t, ctx.shape, ctx.dims, ctx.keepdim)  # noqa: E731
        return restore(g) * (a - restore(z)).exp()


def logsumexp(input, dim, keepdim=False):
    if not input.is_floating_point():  # torch computes integers in the default float dtype
        input = input.to(get_default_dtype())
    return Logsumexp.apply(input, reduced_dims(dim, input.ndim), keepdim)


class Cumsum(Op):
    """z_i = Σ_{j≤i} a_j along ``dim``.   VJP: da_i = Σ_{j≥i} g_j  (a cumulative sum from the end)."""
    linear = True  # JVP: the op itself, applied to the tangents
    node_name = "CumsumBackward0"

    @staticmethod
    def forward(ctx, a, dim, dtype):
        ctx.dim = dim
        return np.cumsum(a.reshape(a.shape or (1,)), axis=dim, dtype=_np_dtype(dtype, a)).reshape(a.shape)

    @staticmethod
    def backward(ctx, g):
        return ReverseCumsum.apply(g, ctx.dim)


class ReverseCumsum(Op):
    """z_i = Σ_{j≥i} a_j along ``dim`` (torch computes it as flip, cumsum, flip).   VJP: da = cumsum(g)."""

    linear = True  # JVP: the op itself, applied to the tangents
    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        flipped = np.flip(a.reshape(a.shape or (1,)), dim)
        return np.ascontiguousarray(np.flip(np.cumsum(flipped, axis=dim), dim)).reshape(a.shape)

    @staticmethod
    def backward(ctx, g):
        return Cumsum.apply(g, ctx.dim, None)


def cumsum(input, dim, *, dtype=None):
    if dtype is bool_:  # (a bool input without dtype= is summed in int64)
        raise NotImplementedError("\"cumsum_out_cpu\" not implemented for 'Bool'")
    d = _one_dim(dim, input.ndim)
    return Cumsum.apply(input, d, dtype)


def count_nonzero(input, dim=None):
    """The number of nonzero elements over ``dim`` (all by default), int64: ``(input != 0).sum(dim)``, written
    with the ops (not NumPy's count_nonzero on the array) so that vmap batches it."""
    dims = reduced_dims(dim, input.ndim)
    nonzero = input != 0
    return nonzero.sum() if dims is None else nonzero.sum(dims)


# -- nansum, nanmean -------------------------------------------------------------------------------------------
class Nansum(Op):
    """z = Σ a over ``dims``, NaNs counted as 0.   VJP: da = g broadcast to a's shape, 0 where a is NaN."""
    node_name = "NansumBackward0"

    @staticmethod
    def forward(ctx, a, dims, keepdim, dtype):
        ctx.shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
        ctx.save_for_backward(~np.isnan(a) if a.dtype.kind == "f" else np.ones(a.shape, bool))
        return np.asarray(np.nansum(a, axis=dims, keepdims=keepdim, dtype=_np_dtype(dtype, a)))

    @staticmethod
    def backward(ctx, g):
        number, = ctx.saved_tensors
        return expand_reduced(g, ctx.shape, ctx.dims, ctx.keepdim) * number.to(g.dtype)


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """The sum over ``dim`` (all dims when None or empty) with NaNs treated as zeros."""
    return Nansum.apply(input, reduced_dims(dim, input.ndim), keepdim, dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """The mean of the non-NaN elements over ``dim``: torch's nansum divided by their count (a constant)."""
    from ..tensor import _make
    if not input.is_floating_point():
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{input.dtype.scalar_name}")
    dims = reduced_dims(dim, input.ndim)
    count = _make(np.asarray(np.count_nonzero(~np.isnan(input._data), axis=dims, keepdims=keepdim), np.int64))
    with np.errstate(invalid="ignore"):  # no non-NaN element: 0 / 0 is NaN, as torch's, without NumPy's warning
        return nansum(input, dim, keepdim, dtype=dtype) / count


# -- var_mean, std_mean --------------------------------------------------------------------------------------
class VarMean(Op):
    """(v, m) = (var(a), mean(a)) over ``dims`` in one pass.
    VJP: da = var's VJP of g_v + g_m / n  (n: the elements per mean)."""
    node_name = "VarMeanBackward0"
    fname, root = "var_mean", False

    @classmethod
    def forward(cls, ctx, a, dims, correction, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
        ctx.n = int(np.prod([a.shape[d] for d in dims]))
        var, ctx.dof = _var(a, dims, correction, keepdim, cls.fname)
        with np.errstate(invalid="ignore"):  # the mean of nothing is NaN, as torch's
            mean = np.asarray(a.astype(np.float64).sum(axis=dims, keepdims=keepdim) / ctx.n, a.dtype)
        out = np.asarray(np.sqrt(var) if cls.root else var, a.dtype)
        ctx.save_for_backward(a, out)
        ctx.zero = out == 0
        return out, mean

    @classmethod
    def backward(cls, ctx, g_var, g_mean):
        a, z = ctx.saved_tensors
        if cls.root:  # through the square root first: g / (2·std), 0 where std = 0 (as Std)
            zero = ctx.zero
            g_var = g_var / ((z + _const(zero, z)) * 2) * _const(~zero, z)
        return _var_backward(ctx, g_var, a) + expand_reduced(g_mean / ctx.n, ctx.shape, ctx.dims, ctx.keepdim)


class StdMean(VarMean):
    """(s, m) = (std(a), mean(a)) over ``dims``.   VJP: da = std's VJP of g_s + g_m / n."""
    node_name = "StdMeanBackward0"
    fname, root = "std_mean", True


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over ``dim``, as a tuple; ``correction`` and ``unbiased`` as for var."""
    dims, correction = _correction("var_mean", input, dim, unbiased, correction)
    return VarMean.apply(input, dims, correction, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dims, correction = _correction("std_mean", input, dim, unbiased, correction)
    return StdMean.apply(input, dims, correction, keepdim)


# -- aminmax -------------------------------------------------------------------------------------------------
class Aminmax(Op):
    """(min, max) of a over ``dims``.   VJP: each output's g split evenly among its ties (as amin, amax)."""
    node_name = "AminmaxBackward0"

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
        (low, share_low), (high, share_high) = (_extreme_and_share(f, a, dims, keepdim, False)
                                                for f in (np.min, np.max))
        ctx.save_for_backward(share_low, share_high)
        return low, high

    @staticmethod
    def backward(ctx, g_min, g_max):
        share_min, share_max = ctx.saved_tensors
        restore = lambda t: unsqueeze_reduced(t, ctx.shape, ctx.dims, ctx.keepdim)  # noqa: E731
        return restore(g_min) * share_min + restore(g_max) * share_max


aminmax_return = type("aminmax", (collections.namedtuple("aminmax", ["min", "max"]),), {
    "__slots__": (), "__repr__": lambda self: f"torch.return_types.aminmax(\nmin={self.min!r},\nmax={self.max!r})"})


def aminmax(input, *, dim=None, keepdim=False):
    """(min, max) over ``dim`` (all elements when None), a named tuple."""
    if input.numel() == 0:
        if dim is None:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                               "identity.")
        for d in _empty_dims(input, dim):
            raise IndexError(f"aminmax: Expected reduction dim {d} to have non-zero size.")
    dims = normalize_dims(None if dim is None else int(dim), input.ndim)
    return aminmax_return(*Aminmax.apply(input, dims, keepdim))


# -- dist, renorm --------------------------------------------------------------------------------------------
class Dist(Op):
    """z = ‖a - b‖_p over all elements (a and b broadcast).   VJP: da = n, db = -n, with n = the norm's VJP
    of g at a - b (norm_vjp), summed to each input's shape."""
    node_name = "DistBackward0"
    promotes = 2

    @staticmethod
    def forward(ctx, a, b, p):
        ctx.p = p
        diff = a - b
        out = vector_norm_array(diff, p, tuple(range(diff.ndim)), False)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, z = ctx.saved_tensors
        diff = a - b
        n = norm_vjp(g, diff, z, ctx.p, tuple(range(diff.ndim)))
        if n is None:
            return None, None
        return n, -n


def dist(input, other, p=2):
    """The ``p``-norm of ``input - other``."""
    for t in (input, other):
        if not t.is_floating_point():
            raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                               f"{t.dtype.scalar_name} instead.")
    return Dist.apply(input, other, float(p))


class Renorm(Op):
    """z = a · f, slice by slice along ``dim``: f = maxnorm / (‖slice‖_p + 1e-7) where the slice's norm is over
    maxnorm, else 1.
    VJP (torch's renorm_backward), with N = ‖slice‖_p and n = the norm's VJP of Σ_slice g·a:
      da = g · maxnorm / (N + 1e-7) - maxnorm · n / (N + 1e-7)²  where N > maxnorm, else g."""
    node_name = "RenormBackward0"

    @staticmethod
    def forward(ctx, a, p, dim, maxnorm):
        ctx.p, ctx.maxnorm = p, maxnorm
        ctx.dims = tuple(d for d in range(a.ndim) if d != dim)
        norm = vector_norm_array(a, p, ctx.dims, True)
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)
        ctx.save_for_backward(a)
        return np.asarray(a * factor, a.dtype)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        norm = VectorNorm.apply(a, ctx.p, ctx.dims, True)
        n = norm_vjp((a * g).sum(ctx.dims, keepdim=True), a, norm, ctx.p, ctx.dims)
        inverse = (norm + 1e-7).reciprocal()
        scaled = inverse * ctx.maxnorm * g - (ctx.maxnorm * inverse * inverse) * n
        return scaled.where(norm > ctx.maxnorm, g)


def renorm(input, p, dim, maxnorm):
    """Each slice ``input.select(dim, i)`` whose ``p``-norm is over ``maxnorm`` scaled down to norm maxnorm."""
    if input.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm:g}")
    if not input.is_floating_point():
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{input.dtype.scalar_name}")
    return Renorm.apply(input, float(p), _one_dim(dim, input.ndim), maxnorm)

