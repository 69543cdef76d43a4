"""Weighted taps over flattened planes, for grid_sample's Ops in nn/functional/grid.py.

x is (N, C, S): N images of C channels, each a plane of S elements; every output point q of image n reads
K elements of the plane at ``index`` (N, Q, K) with ``weight`` (N, Q, K). A tap outside the image has the
index S: it reads a zero (whatever its weight, so a NaN or inf in the image does not leak to it) and what
is scattered to it is dropped. Three maps, each the transpose of another in one argument:

    tap_sum        z[n,c,q]  = Σ_k W[n,q,k] · x[n,c,i[n,q,k]]
    tap_scatter    dx[n,c,s] = Σ_{q,k: i[n,q,k]=s} W[n,q,k] · g[n,c,q]
    tap_correlate  dW[n,q,k] = Σ_c g[n,c,q] · x[n,c,i[n,q,k]]

Plain: ``np.take_along_axis`` and ``np.einsum`` for the gathers, ``np.add.at`` for the scatter. Fast: the
channels moved last, so that a tap is one row of C contiguous values: one fancy index of N·Q·K rows gathers
them all (the plain gather indexes N·C·Q·K single elements), and the scatter is one ``np.bincount`` per
channel over N·Q·K positions (summing in float64). At 8x16x32x32 with 4 taps: the sum 5x, the scatter 4x faster.
"""
import numpy as np


# -- plain ---------------------------------------------------------------------------------------------------
def _padded(x):
    """x with a zero after every plane: (N, C, S + 1), where the taps outside the image read."""
    return np.concatenate([x, np.zeros(x.shape[:2] + (1,), x.dtype)], axis=2)


def _gather_plain(x, index):
    """x[n, c, i[n, q, k]] as (N, C, Q, K) (0 at i = S)."""
    n, q, k = index.shape
    return np.take_along_axis(_padded(x), index.reshape(n, 1, q * k), axis=2).reshape(x.shape[:2] + (q, k))


def tap_sum_plain(x, weight, index):
    return np.einsum("ncqk,nqk->ncq", _gather_plain(x, index), weight)


def tap_scatter_plain(g, weight, index, size):
    n, c, _ = g.shape
    dx = np.zeros((n, c, size + 1), g.dtype)
    batch = np.arange(n)[:, None, None, None]
    channel = np.arange(c)[None, :, None, None]
    np.add.at(dx, (batch, channel, index[:, None]), g[..., None] * weight[:, None])
    return dx[..., :size]


def tap_correlate_plain(g, x, index):
    return np.einsum("ncqk,ncq->nqk", _gather_plain(x, index), g)


# -- fast: channels last ---------------------------------------------------------------------------------------
def _rows(index, size):
    """The flat row of every tap in the (N·(S+1), C) channels-last array: i + n·(S+1), as (N·Q·K,)."""
    return (index + np.arange(index.shape[0])[:, None, None] * (size + 1)).ravel()


def _gather_rows(x, index):
    """x[n, :, i[n, q, k]] as (N, Q, K, C): one fancy index of whole rows of the channels-last copy (a row
    of zeros after every image)."""
    n, c, size = x.shape
    rows = np.zeros((n, size + 1, c), x.dtype)
    rows[:, :size] = np.swapaxes(x, 1, 2)
    rows = rows.reshape(n * (size + 1), c)
    # np.take along axis 0 copies whole rows; rows[positions] goes element by element (15x slower here)
    return np.take(rows, _rows(index, size), axis=0).reshape(index.shape + (c,))


def tap_sum_fast(x, weight, index):
    return np.einsum("nqkc,nqk->ncq", _gather_rows(x, index), weight)


def tap_scatter_fast(g, weight, index, size):
    n, c, _ = g.shape
    rows, weight = _rows(index, size), weight.astype(np.float64)  # (bincount sums float64 weights)
    dx = np.empty((n, c, size), g.dtype)
    for channel in range(c):
        values = weight * g[:, channel, :, None]
        sums = np.bincount(rows, weights=values.ravel(), minlength=n * (size + 1)).reshape(n, size + 1)
        dx[:, channel] = sums[:, :size]
    return dx


def tap_correlate_fast(g, x, index):
    return np.einsum("nqkc,ncq->nqk", _gather_rows(x, index), g)
