"""Diagonals and triangles: diagonal (a view), diag_embed, diag, diagflat, trace, tril, triu.

One mechanism serves the diagonal ops: ``_diagonal_view`` is the (writable) NumPy view of the elements
``a[..., i, i + offset]`` of two dims, and ``ZerosWithDiagonal`` writes values into that view of zeros. Taking
a diagonal and scattering one are each other's VJPs: diagonal's VJP scatters g onto the diagonal of zeros
shaped like the input, diag_embed's (which scatters its input) reads the diagonal of g. diag and diagflat are
compositions, as in torch (their nodes tell: diag of a matrix is diagonal_copy, of a vector diag_embed).
"""
import numpy as np

from .indexing import index_fill
from .op import Op
from ..tensor import _make, _wrap_dim
from .convert import contiguous
from .shape import view


def _diagonal_dims(dim1, dim2, ndim):
    d1, d2 = _wrap_dim(dim1, ndim), _wrap_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def _diagonal_view(a, offset, d1, d2):
    """The view of ``a[..., i, i + offset]`` over dims d1, d2, the diagonal as the last dim (as torch and
    np.diagonal order them); writable, unlike np.diagonal's."""
    b = np.moveaxis(a, (d1, d2), (-2, -1))
    b = b[..., :, offset:] if offset >= 0 else b[..., -offset:, :]
    n = max(min(b.shape[-2], b.shape[-1]), 0)
    return np.lib.stride_tricks.as_strided(b, b.shape[:-2] + (n,), b.strides[:-2] + (b.strides[-2] + b.strides[-1],))


class Diagonal(Op):
    """z = a[..., i, i + offset] over dims d1, d2 (a view).   VJP: da = zeros like a with g on that diagonal."""
    node_name = "DiagonalBackward0"
    linear = True  # JVP: linear (dz = the diagonal of da)
    is_view = True

    @staticmethod
    def forward(ctx, a, offset, d1, d2):
        ctx.shape, ctx.args = a.shape, (offset, d1, d2)
        return _diagonal_view(a, offset, d1, d2)

    @staticmethod
    def backward(ctx, g):
        return DiagonalBackwardBackward.apply(g, ctx.shape, *ctx.args)


class ZerosWithDiagonal(Op):
    """z = zeros of ``shape`` with g on the diagonal (offset, d1, d2).   VJP: dg = the diagonal of gz.
    (The maths of the two ops below, which torch names.)"""
    linear = True  # JVP: linear in g

    @staticmethod
    def forward(ctx, g, shape, offset, d1, d2):
        ctx.args = offset, d1, d2
        out = np.zeros(shape, g.dtype)
        _diagonal_view(out, offset, d1, d2)[...] = g
        return out

    @staticmethod
    def backward(ctx, gz):
        return Diagonal.apply(gz, *ctx.args)


class DiagonalBackwardBackward(ZerosWithDiagonal):
    """Diagonal's VJP as an op (so that it differentiates again)."""
    node_name = "DiagonalBackwardBackward0"


class DiagEmbed(ZerosWithDiagonal):
    """z = a's last dim laid on the diagonal (offset, d1, d2) of new square dims, zeros elsewhere.
    VJP: da = the diagonal of g."""
    node_name = "DiagEmbedBackward0"


def diagonal(input, offset=0, dim1=0, dim2=1, _op=Diagonal):
    d1, d2 = _diagonal_dims(dim1, dim2, input.ndim)
    return _op.apply(input, int(offset), d1, d2)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    ndim = input.ndim + 1
    d1, d2 = _diagonal_dims(dim1, dim2, ndim)
    n = (input.shape[-1] if input.ndim else 1) + abs(offset)  # (a 0-d input fails above: dim -2 of 1 dim)
    rest = iter(input.shape[:-1])
    shape = tuple(n if d in (d1, d2) else next(rest) for d in range(ndim))
    return DiagEmbed.apply(input, shape, int(offset), d1, d2)


def diag(input, diagonal=0, *, out=None):
    """A vector's diagonal matrix (diag_embed), or a matrix's diagonal (a copy: diagonal_copy)."""
    if input.ndim == 1:
        return _out(out, diag_embed(input, diagonal), derivative=False)
    if input.ndim == 2:
        from .view_copy import diagonal_copy
        return _out(out, diagonal_copy(input, diagonal), derivative=False)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


def _out(out, result, derivative=True):
    """torch's ``out=``: the result written into ``out`` (or the result itself, without one). torch's diag(out=)
    has no derivative (``derivative=False``): it writes the values where other ops refuse an input requiring grad."""
    from .inplace import copy_into_out
    return result if out is None else copy_into_out(out, result if derivative else result.detach())


def diagflat(input, offset=0):
    """The flattened input on the diagonal of a square matrix: diag_embed of ``input.contiguous().view(-1)``
    (of the input itself when it is a contiguous vector, as torch's graphs show)."""
    flat = input if input.ndim == 1 and input.is_contiguous() else view(contiguous(input), -1)
    return diag_embed(flat, offset)


class Trace(Op):
    """z = sum_i a[i, i].   VJP: da = zeros like a with g on the diagonal."""
    node_name = "TraceBackward0"
    linear = True  # JVP: linear (dz = trace(da))

    @staticmethod
    def forward(ctx, a, dtype):
        ctx.shape = a.shape
        return np.asarray(np.trace(a, dtype=dtype))

    @staticmethod
    def backward(ctx, g):
        # as torch builds it: g written at the diagonal's places in the flattened matrix, viewed as the matrix
        rows, cols = ctx.shape
        places = _make(np.arange(min(rows, cols), dtype=np.int64) * (cols + 1))
        return index_fill(_make(np.zeros(rows * cols, g._data.dtype)), 0, places, g).view(ctx.shape)


def trace(input):
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    kind = input._data.dtype.kind
    if kind == "b":
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    # integers add up in int64, as torch's sum does
    return Trace.apply(input, np.int64 if kind in "iu" else input._data.dtype)


class Tril(Op):
    """z = a with the elements above diagonal k of its last two dims zeroed.   VJP: da = tril(g, k)."""
    node_name = "TrilBackward0"
    linear = True  # JVP: linear (dz = tril(da, k))
    keep = staticmethod(np.tril)

    @classmethod
    def forward(cls, ctx, a, k):
        ctx.k = k
        return cls.keep(a, k)

    @classmethod
    def backward(cls, ctx, g):
        return cls.apply(g, ctx.k)


class Triu(Tril):
    """z = a with the elements below diagonal k of its last two dims zeroed.   VJP: da = triu(g, k)."""
    node_name = "TriuBackward0"
    keep = staticmethod(np.triu)


def _triangle(op, name):
    def fn(input, diagonal=0, *, out=None):
        if input.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return _out(out, op.apply(input, int(diagonal)))
    fn.__name__ = name
    return fn


tril = _triangle(Tril, "tril")
triu = _triangle(Triu, "triu")
