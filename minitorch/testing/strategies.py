"""Hypothesis strategies for gradient tests: tensors in any memory layout, shapes that broadcast,
dimensions, index keys, and value ranges where an op is defined (log needs positives, acos [-1, 1]).

Needs hypothesis (``pip install hypothesis``, or minitorch's ``testing`` extra); minitorch itself does not.
"""
try:
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError:
    raise ImportError("minitorch.testing.strategies needs hypothesis, an optional extra of minitorch: "
                      "pip install hypothesis (or minitorch[testing])") from None
import numpy as np

from .. import _dtype
from ..tensor import _make

# Where common ops are defined and have finite, well-conditioned derivatives: (low, high) per domain.
DOMAINS = {
    "real": (-10.0, 10.0),      # exp, sin, tanh, +, *, ...
    "positive": (0.1, 10.0),    # log, sqrt, reciprocal, pow with a tensor exponent
    "unit": (-0.99, 0.99),      # acos, asin, atanh: [-1, 1] without the endpoints, where the slope is infinite
    "nonzero": (0.1, 10.0),     # division by it: positive here; negate half of it for both signs
}

float_dtypes = st.sampled_from([np.dtype(np.float32), np.dtype(np.float64)])


def shapes(min_dims=0, max_dims=4, min_side=1, max_side=5):
    """Tensor shapes (tuples), 0-d ones included by default."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def broadcastable_shapes(n, min_dims=0, max_dims=4, min_side=1, max_side=4):
    """``n`` shapes that broadcast together (size-1 and missing dimensions included): a tuple of tuples."""
    return hnp.mutually_broadcastable_shapes(num_shapes=n, min_dims=min_dims, max_dims=max_dims,
                                             min_side=min_side, max_side=max_side).map(lambda s: s.input_shapes)


def dims(shape):
    """A dimension of ``shape``, negative ones included (a 0-d tensor takes 0 and -1, as torch)."""
    n = max(len(shape), 1)
    return st.integers(-n, n - 1)


def index_keys(shape):
    """Keys for ``t[key]``: integers, slices (with steps), ``...`` and ``None``."""
    return hnp.basic_indices(tuple(shape), min_dims=0, allow_newaxis=True, allow_ellipsis=True).map(_positive_steps)


def _positive_steps(key):
    """torch has no negative slice steps (its ValueError "step must be greater than zero"): reverse them."""
    def fix(item):
        return slice(None, None, -item.step) if isinstance(item, slice) and item.step and item.step < 0 else item
    return tuple(fix(k) for k in key) if isinstance(key, tuple) else fix(key)


def floats(domain="real", dtype=np.float64, low=None, high=None):
    """Finite floats of ``dtype`` in the ``domain``'s range (see DOMAINS), or in [low, high]."""
    default_low, default_high = DOMAINS[domain]
    low, high = default_low if low is None else low, default_high if high is None else high
    # bounds as the dtype spells them (0.1 is not a float32), rounded inward so they stay in the domain
    kind = np.dtype(dtype).type
    low_, high_ = kind(low), kind(high)
    low_ = low_ if low_ >= low else np.nextafter(low_, kind(np.inf))
    high_ = high_ if high_ <= high else np.nextafter(high_, kind(-np.inf))
    return st.floats(float(low_), float(high_), allow_nan=False, allow_infinity=False,
                     width=np.dtype(dtype).itemsize * 8)


def _np_dtype(dtype):
    return dtype.np if isinstance(dtype, _dtype.dtype) else np.dtype(dtype)


@st.composite
def arrays(draw, dtype=None, shape=None, elements=None, contiguous=None, domain="real"):
    """A NumPy float array; unless ``contiguous=True``, sometimes a transposed (F-ordered) array or every
    other row of a bigger one, so both engines see non-contiguous memory (``contiguous=False``: always;
    but a shape such as (1,) or (1, 3) has no non-contiguous layout, as in torch)."""
    dtype = _np_dtype(draw(float_dtypes) if dtype is None else dtype)
    if shape is None:
        shape = draw(shapes(min_dims=1 if contiguous is False else 0))
    shape = tuple(shape)
    values = floats(domain, dtype) if elements is None else elements
    if contiguous is None:  # as the project's own tests: two-dimensional and up, any of the three
        layouts = ["c", "t", "s"] if len(shape) >= 2 else ["c"]
    elif contiguous:
        layouts = ["c"]
    else:  # only the layouts that are not contiguous for this shape (as in torch, size-1 dims do not count)
        layouts = (["s"] if shape and shape[0] > 1 else []) + (["t"] if sum(s > 1 for s in shape) >= 2 else [])
    kind = draw(st.sampled_from(layouts or ["c"]))
    if kind == "t":  # transposed: F-ordered memory
        return np.asfortranarray(draw(hnp.arrays(dtype, shape, elements=values)))
    if kind == "s":  # a strided slice of a bigger array
        return draw(hnp.arrays(dtype, (shape[0] * 2,) + shape[1:], elements=values))[::2]
    return draw(hnp.arrays(dtype, shape, elements=values))


@st.composite
def tensors(draw, dtype=None, shape=None, elements=None, requires_grad=True, contiguous=None, domain="real"):
    """A minitorch float tensor (see ``arrays`` for the layouts), requiring grad by default, as a gradient
    check needs. ``dtype``: a minitorch or NumPy dtype, float32 or float64 when omitted."""
    array = draw(arrays(dtype=dtype, shape=shape, elements=elements, contiguous=contiguous, domain=domain))
    return _make(array).requires_grad_(requires_grad)
