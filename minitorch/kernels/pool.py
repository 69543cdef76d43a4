"""Max pooling on arrays, for ``MaxPool2DWithIndices`` and its backward in nn/functional/pooling.py.

The windows come in as the strided view of kernels/conv.py's ``windows``, (kh, kw, ..., Ho, Wo): the kernel
offsets (i, j) in front.

Plain: ``max_pool_plain`` stacks the windows' elements and takes the max and argmax over them;
``scatter_add_plain`` adds each gradient at its position with ``np.add.at``. Fast: ``max_pool_fast`` takes
the max with one ``np.maximum`` per kernel element over whole strided planes (no copy of the stack): 6x
faster on the blitz's 2x2 pool (batch 128, NumPy 2.4). ``scatter_add_fast`` assigns when no two windows
share a position (1.2x faster than np.add.at) and adds with ``np.bincount`` otherwise (summing in float64;
on NumPy 2.4 that is not faster than np.add.at).

Both pick the max as torch does: scanning a window, a later element wins only if it is larger or NaN - so
the first of equal maxima, or the last NaN.
"""
import numpy as np


def max_pool_plain(view):
    """(max, which) of every window of ``view`` (kh, kw, ...): ``which`` is the kernel element (0, 1, ... in
    scan order i, j) the max came from."""
    stack = view.reshape((view.shape[0] * view.shape[1],) + view.shape[2:])
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


def max_pool_fast(view):
    """``max_pool_plain`` without stacking the windows: one np.maximum per kernel element."""
    elements = [view[i, j] for i in range(view.shape[0]) for j in range(view.shape[1])]  # torch's scan order
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
