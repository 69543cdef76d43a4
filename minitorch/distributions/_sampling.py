"""Draws from minitorch's generator (minitorch.random: NumPy's PCG64) as constant tensors of a parameter's
dtype. The numbers differ from torch's; their distribution is the same."""
import numpy as np

from .. import random
from ..tensor import _make


def draw(fn, like):
    """``fn(numpy_generator)`` as a tensor of ``like``'s dtype, outside the graph."""
    return _make(np.asarray(fn(random.rng()), like._data.dtype))
