"""Resampling along one axis, for interpolate's Ops in nn/functional/interpolate.py, and its transpose.

Each output position o along the axis reads a few taps: z[..., o, ...] = Σ_k w[k, o] · x[..., i[k, o], ...]
(``index`` and ``weight`` are (K, out): K = 1 for nearest, 2 for linear, 4 for cubic). The transpose sends
each g[..., o, ...] · w[k, o] back to position i[k, o], adding where taps share a position.

Plain: ``resample_plain`` gathers the K taps and sums them weighted; ``resample_transpose_plain`` adds with
``np.add.at``. Fast: the taps are a sparse (out, in) matrix M; while the axis is short, the dense M is
small and one matmul per axis (BLAS) beats K gathers: ``resample_fast`` is z = M·x along the axis,
``resample_transpose_fast`` is dx = Mᵀ·g. Longer axes take the plain route forward and ``np.bincount``
backward. The sums are the same K products (the other entries of M are exact zeros), added in another order
- while x is finite: 0·NaN is NaN, so an array with NaN or ±inf takes the plain route, which reads only the
taps (as torch does).
"""
import numpy as np

DENSE_MAX = 128  # an axis up to this long is resampled with the dense matrix


def tap_matrix(index, weight, size):
    """The dense (out, size) matrix M with M[o, i[k, o]] += w[k, o]."""
    m = np.zeros((index.shape[1], size), weight.dtype)
    np.add.at(m, (np.broadcast_to(np.arange(index.shape[1]), index.shape), index), weight)
    return m


def _weights_along(weight, axis, ndim):
    """(K, out) weights shaped to broadcast against the taps gathered along ``axis`` (K in front of it)."""
    return weight.reshape(weight.shape + (1,) * (ndim - axis - 1))


def resample_plain(x, axis, index, weight):
    """z[..., o, ...] = Σ_k weight[k, o] · x[..., index[k, o], ...] along ``axis``."""
    taken = np.take(x, index, axis=axis)                      # (..., K, out, ...)
    return (taken * _weights_along(weight, axis, x.ndim)).sum(axis=axis)


def resample_transpose_plain(g, axis, index, weight, size):
    """dx (``size`` long on ``axis``) with g[..., o, ...] · weight[k, o] added at index[k, o]."""
    shape = list(g.shape)
    shape[axis] = size
    dx = np.zeros(shape, g.dtype)
    moved, target = np.moveaxis(g, axis, 0), np.moveaxis(dx, axis, 0)   # target is a view of dx
    for i, w in zip(index, weight):
        np.add.at(target, i, moved * w.reshape((-1,) + (1,) * (g.ndim - 1)))
    return dx


def _times_along(x, axis, m):
    """M·x along ``axis``: M (out, in) applied to every line of x along that axis."""
    before, after = x.shape[:axis], x.shape[axis + 1:]
    if not after:
        return x @ m.T
    flat = x.reshape((-1, x.shape[axis], int(np.prod(after))))
    return np.matmul(m, flat).reshape(before + (m.shape[0],) + after)


def resample_fast(x, axis, index, weight):
    """``resample_plain``: a matmul by the dense tap matrix while the axis is short."""
    if x.shape[axis] > DENSE_MAX or x.size == 0 or not np.isfinite(x).all():
        return resample_plain(x, axis, index, weight)
    return _times_along(x, axis, tap_matrix(index, weight, x.shape[axis]))


def resample_transpose_fast(g, axis, index, weight, size):
    """``resample_transpose_plain``: a matmul by the dense matrix's transpose while the axis is short,
    otherwise one ``np.bincount`` over the flat positions (summing in float64)."""
    if size <= DENSE_MAX and g.size and np.isfinite(g).all():
        return _times_along(g, axis, tap_matrix(index, weight, size).T)
    moved = np.moveaxis(g, axis, -1)                          # (..., out)
    lines = int(np.prod(moved.shape[:-1]))
    where = np.arange(lines)[:, None, None] * size + index    # (lines, K, out): flat positions in dx
    values = moved.reshape(lines, 1, moved.shape[-1]) * weight  # (lines, K, out)
    flat = np.bincount(where.ravel(), weights=values.ravel(), minlength=lines * size).astype(g.dtype)
    return np.moveaxis(flat.reshape(moved.shape[:-1] + (size,)), -1, axis)
