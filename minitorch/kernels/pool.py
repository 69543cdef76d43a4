"""Pooling on arrays, for the pooling Ops in nn/functional/pooling.py and nn/functional/pooling_adaptive.py,
in any number of spatial dims (the last ``len(kernel)`` axes of an array).

The window primitives: ``windows`` is every sliding window as a strided view (no copy), with the kernel
offsets (one axis per spatial dim) in front; ``fold_windows`` is its adjoint (adds each window back where it
came from); ``pad`` and ``crop`` put and take away a border around the spatial dims.

Average pooling sums the windows: ``window_sum_plain`` with NumPy's sum over the kernel axes,
``window_sum_fast`` with one np.add per kernel element (see there).

Max pooling gets the windows as such a view, (k1, ..., kd, ..., o1, ..., od): the kernel offsets in front.
Plain: ``max_pool_plain`` stacks the windows' elements and takes the max and argmax over them;
``scatter_add_plain`` adds each gradient at its position with ``np.add.at``. Fast: ``max_pool_fast`` takes
the max with one ``np.maximum`` per kernel element over whole strided planes (no copy of the stack): 6x
faster on the blitz's 2x2 pool (batch 128, NumPy 2.4). ``scatter_add_fast`` assigns when no two windows
share a position (1.2x faster than np.add.at) and adds with ``np.bincount`` otherwise (summing in float64;
on NumPy 2.4 that is not faster than np.add.at).

Both pick the max as torch does: scanning a window (the last dim fastest), a later element wins only if it
is larger or NaN - so the first of equal maxima, or the last NaN.
"""
import itertools

import numpy as np

from .conv import crop_nd, fold_windows, pad_nd, windows  # noqa: F401 (windows, fold_windows: re-exported)


# -- the window primitives: kernels/conv.py's (one N-d unfold and fold for convolution and pooling) ---------
def pad(x, pads, value=0):
    """``x`` with ``pads`` = ((before, after) per spatial dim) added around its last ``len(pads)`` axes."""
    return pad_nd(x, [p for pair in pads for p in pair], value)


def crop(x, pads):
    """Remove what ``pad`` added."""
    return crop_nd(x, [p for pair in pads for p in pair])


# -- window sums (average pooling) -------------------------------------------------------------------------
def window_sum_plain(view, dims):
    """The sum of every window of ``view`` (the ``dims`` kernel axes in front), in NumPy's sum's dtype."""
    return view.sum(axis=tuple(range(dims)))


def window_sum_fast(view, dims):
    """``window_sum_plain`` as one np.add per kernel element over whole strided planes: NumPy reduces over
    strided leading axes slowly (a 1-d pool of 32x64x1024, kernel 3: 9x faster)."""
    elements = [view[k] for k in itertools.product(*map(range, view.shape[:dims]))]
    out = elements[0].astype(np.zeros((), view.dtype).sum().dtype)  # (a fresh array: integers sum in int64)
    for e in elements[1:]:
        np.add(out, e, out=out)
    return out


# -- max pooling ----------------------------------------------------------------------------------------
def max_pool_plain(view, dims=2):
    """(max, which) of every window of ``view`` (the ``dims`` kernel axes in front): ``which`` is the kernel
    element (0, 1, ... in scan order) the max came from."""
    stack = view.reshape((int(np.prod(view.shape[:dims])),) + view.shape[dims:])
    out = stack.max(axis=0)                                   # NaN propagates
    which = (stack == out).argmax(axis=0)                     # the first of equal maxima
    if out.dtype.kind == "f":
        last_nan = len(stack) - 1 - np.isnan(stack[::-1]).argmax(axis=0)
        which = np.where(np.isnan(out), last_nan, which)
    return out, which


def scatter_add_plain(where, values, size):
    """A zero vector of ``size`` with each of ``values`` added at its position in ``where``."""
    out = np.zeros(size, values.dtype)
    np.add.at(out, where, values)
    return out


def max_pool_fast(view, dims=2):
    """``max_pool_plain`` without stacking the windows: one np.maximum per kernel element."""
    elements = [view[k] for k in itertools.product(*map(range, view.shape[:dims]))]  # torch's scan order
    out = elements[0].copy()
    for e in elements[1:]:
        np.maximum(out, e, out=out)
    return out, _argmax_position(elements, out)


def _argmax_position(elements, out):
    """Which kernel element each window's max ``out`` came from. ``done`` marks the windows whose max has
    been met; the others count one step on."""
    which = np.zeros(out.shape, np.intp)
    done = elements[0] == out
    for e in elements[1:]:
        which += ~done
        done |= e == out
    if out.dtype.kind == "f":
        nan = np.isnan(out)
        if nan.any():  # NaN equals nothing: those windows take their last NaN instead
            for k, e in enumerate(elements):
                which[nan & np.isnan(e)] = k
    return which


def scatter_add_fast(where, values, size, overlap=True):
    """``scatter_add_plain``; ``overlap=False`` promises that no position occurs twice in ``where``."""
    if not overlap:  # every position receives at most one value: a plain assignment
        out = np.zeros(size, values.dtype)
        out[where] = values
        return out
    # bincount adds the values that share a position (in float64, then back to values' dtype)
    return np.bincount(where, weights=values, minlength=size).astype(values.dtype)
