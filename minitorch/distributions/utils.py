"""Helpers the distributions share: broadcasting parameters, probabilities <-> logits, lazy properties."""
import numpy as np

from .. import creation
from .._dtype import get_default_dtype
from .._size import Size, broadcast_shapes
from ..autograd import grad_mode
from ..tensor import Tensor

euler_constant = 0.57721566490153286060  # the Euler-Mascheroni constant

_Number = (int, float)


def broadcast_all(*values):
    """Tensors and numbers broadcast to one shape (numbers become tensors of the first tensor's dtype, or
    the default dtype), as torch.broadcast_tensors: expanded views, no copies."""
    if not all(isinstance(v, (Tensor,) + _Number) for v in values):
        raise ValueError("Input arguments must all be instances of Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    dtype = next((v.dtype for v in values if isinstance(v, Tensor)), get_default_dtype())
    values = [v if isinstance(v, Tensor) else creation.tensor(v, dtype=dtype) for v in values]
    shape = broadcast_shapes(*[v.shape for v in values])
    return tuple(v if v.shape == shape else v.expand(shape) for v in values)


def _standard_normal(shape, dtype):
    return creation.randn(tuple(shape), dtype=dtype)


def _sum_rightmost(value, dim):
    """``value`` summed over its ``dim`` rightmost dims."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:-dim]) + (-1,)).sum(-1)


def logits_to_probs(logits, is_binary=False):
    """sigmoid (binary) or softmax over the last dim."""
    if is_binary:
        return logits.sigmoid()
    return logits.softmax(-1)


def clamp_probs(probs):
    """Probabilities kept a machine epsilon away from 0 and 1 (so that their logs are finite)."""
    eps = float(np.finfo(probs._data.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    """log p (categorical), or log p - log(1-p) (binary), of the clamped probabilities."""
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return ps_clamped.log() - (-ps_clamped).log1p()
    return ps_clamped.log()


class lazy_property:
    """A property computed on first use (with grad enabled, so it joins the graph of the parameters) and then
    stored on the instance: Bernoulli keeps whichever of probs / logits it was given and makes the other."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__
        self.__name__ = wrapped.__name__

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        with grad_mode.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


def _size(shape):
    return shape if isinstance(shape, Size) else Size(shape)
