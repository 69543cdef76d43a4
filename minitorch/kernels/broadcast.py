"""A 0-d array broadcast to a shape (no copy): ``expand``'s forward, which backward runs for every ``sum()`` and
``mean()`` of a whole tensor (a loss's gradient, 1, spread over the tensor's shape).

Plain: ``np.broadcast_to``. Fast: the view built directly - every stride 0, the one element as the buffer, made
read-only as ``np.broadcast_to`` makes its views (writing through one would write each element many times).
``np.broadcast_to`` is Python code that builds an ``nditer`` to check the shapes; for a 0-d array there is
nothing to check, and the direct view costs a quarter of the time.
"""
import numpy as np


def broadcast_plain(a, shape):
    """``a`` seen with the (larger) ``shape``, sharing its memory, read-only."""
    return np.broadcast_to(a, shape)


def broadcast_fast(a, shape):
    """``np.broadcast_to(a, shape)``, directly for a 0-d ``a`` (any shape is then valid)."""
    if a.ndim != 0:
        return np.broadcast_to(a, shape)
    view = np.ndarray(shape, a.dtype, a, 0, (0,) * len(shape))  # a 0-d array is one contiguous element
    # (setflags, not ``view.flags.writeable = False``: that assignment left ~50 bytes allocated per call, as
    # tracemalloc in tests/test_autograd.py's training-loop memory check showed)
    view.setflags(write=False)
    return view
