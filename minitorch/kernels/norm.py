"""Row normalisation on arrays, for layer_norm and group_norm (``_RowNorm`` in nn/functional/normalization.py).

Each row x (the last axis of ``rows``, n elements) is normalised by its own statistics, and scaled:

    μ = mean(x),  r = 1/√(mean((x - μ)²) + ε),  x̂ = (x - μ)·r,  y = x̂·w + b

and the VJP, with g' = g·w the gradient reaching x̂, is

    dx = r·(g' - mean(g') - x̂·mean(g'·x̂)),   dw = Σ g·x̂,   db = Σ g

(the sums of dw and db over everything w is broadcast along).

Plain: ``row_norm_plain`` and ``row_norm_vjp_plain`` are those lines as NumPy expressions, each step a new
array. Fast: ``row_norm_fast`` and ``row_norm_vjp_fast`` compute the same with one new full-size array each
(y, dx), working in place, with the row sums of products as ``np.einsum`` dot products; the backward
recomputes x̂ a block of rows at a time from the saved μ and r, instead of keeping it from forward. On a
transformer-sized batch (4096 rows of 256 float32) most of the time of the plain version is not the
arithmetic but fresh memory: each new 4 MB array is pages the operating system has to hand over (and
zero) again, because the C allocator gives large freed blocks back to it.

The arrays have a ``stats`` layout (one row per normalised group) and an ``affine`` layout (the one w and b
broadcast in, ``wshape``): the same memory, viewed two ways. Their first dims line up: the first ``a``
entries of the affine layout are the first ``a * (rows // affine[0])`` rows.
"""
import warnings

import numpy as np


def _quiet(fn):
    """Rows of no elements give NaN statistics, and there is nothing to normalise: no warning for them."""
    def quiet(*args, **kwargs):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)
    quiet.__doc__, quiet.__name__ = fn.__doc__, fn.__name__
    return quiet


def _rows(stats):
    """The ``stats`` layout as (rows, row length): only its last axis is a row."""
    return (int(np.prod(stats[:-1])), stats[-1])


def _affine_sums(a, b, wshape):
    """Σ a·b over the dims where ``wshape`` is 1, kept as ``wshape`` (b may be None: Σ a)."""
    spread = tuple(d for d, n in enumerate(wshape) if n == 1)
    if b is None:
        return a.sum(spread, keepdims=True)
    dims = list(range(a.ndim))
    return np.einsum(a, dims, b, dims, [d for d in dims if d not in spread]).reshape(wshape)


# -- plain -------------------------------------------------------------------------------------------------
@_quiet
def row_norm_plain(x, w, b, stats, affine, wshape, eps):
    """(y, μ, r): y in the ``affine`` layout, μ and r one per row (shape (rows, 1)). w, b may be None."""
    stats = _rows(stats)
    rows = x.reshape(stats)
    mu = rows.mean(-1, keepdims=True)
    r = (1 / np.sqrt(((rows - mu) ** 2).mean(-1, keepdims=True) + eps)).astype(x.dtype)
    y = ((rows - mu) * r).reshape(affine)
    y = y * w.reshape(wshape) if w is not None else y
    return (y + b.reshape(wshape) if b is not None else y), mu, r


@_quiet
def row_norm_vjp_plain(g, x, w, mu, r, stats, affine, wshape):
    """(dx, dw, db) for the upstream ``g`` (affine layout): dx in the ``stats`` layout; dw, db as ``wshape``."""
    stats = _rows(stats)
    x_hat = (x.reshape(stats) - mu) * r
    gw = (g * w.reshape(wshape) if w is not None else g).reshape(stats)
    dx = r * (gw - gw.mean(-1, keepdims=True) - x_hat * (gw * x_hat).mean(-1, keepdims=True))
    return dx, _affine_sums(g, x_hat.reshape(affine), wshape), _affine_sums(g, None, wshape)


# -- fast --------------------------------------------------------------------------------------------------
@_quiet
def row_norm_fast(x, w, b, stats, affine, wshape, eps):
    """``row_norm_plain`` with one new full-size array: y, centred, normalised and scaled in place."""
    stats = _rows(stats)
    rows = x.reshape(stats)
    mu = rows.mean(-1, keepdims=True)
    y = rows - mu
    r = (1 / np.sqrt(np.einsum("ij,ij->i", y, y)[:, None] / rows.shape[-1] + eps)).astype(x.dtype)
    y *= r
    y = y.reshape(affine)
    if w is not None:
        y *= w.reshape(wshape)
    if b is not None:
        y += b.reshape(wshape)
    return y, mu, r


_BLOCK = 1 << 18  # elements of x̂ recomputed at a time in the backward (1 MB of float32; larger blocks cost fewer
                  # NumPy calls, smaller ones less fresh memory: 4096x256 float32 measured 5.3, 3.6, 3.0, 2.9 ms
                  # at 2^14, 2^16, 2^18, 2^20)


@_quiet
def row_norm_vjp_fast(g, x, w, mu, r, stats, affine, wshape):
    """``row_norm_vjp_plain`` with one new full-size array (dx, made as g·w and then worked in place)."""
    stats = _rows(stats)
    rows_per_lead = stats[0] // affine[0] if affine[0] else 1
    dx = (g * w.reshape(wshape) if w is not None else g.copy()).reshape(stats)
    g_rows, x_rows = g.reshape(stats), x.reshape(stats)
    lead = max(1, _BLOCK // max(1, rows_per_lead * stats[1]))  # affine entries (lead dim) per block
    dw = np.zeros(wshape, dtype=g.dtype) if w is not None else None
    n = stats[1]
    for a in range(0, affine[0], lead):
        s, e = a * rows_per_lead, min(affine[0], a + lead) * rows_per_lead
        x_hat = (x_rows[s:e] - mu[s:e]) * r[s:e]
        gw = dx[s:e]
        gw_mean = gw.mean(-1, keepdims=True)
        gx_mean = np.einsum("ij,ij->i", gw, x_hat)[:, None] / n
        gw -= gw_mean
        gw -= x_hat * gx_mean
        gw *= r[s:e]
        if dw is not None:
            block = (min(affine[0], a + lead) - a,) + affine[1:]
            dw += _affine_sums(g_rows[s:e].reshape(block), x_hat.reshape(block), wshape)
    return dx, dw, _affine_sums(g, None, wshape)
