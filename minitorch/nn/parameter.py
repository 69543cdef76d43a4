"""Parameter: a Tensor that a Module registers as one of its learnable weights.

Assigning a Parameter to a module attribute (``self.weight = Parameter(...)``) adds it to the module's
``parameters()``; assigning a plain Tensor does not. Apart from that, a Parameter is a leaf Tensor that
requires grad. Operations on it return plain Tensors, as in torch.
"""
import numpy as np

from ..tensor import Tensor, _init, _make

_INT_PARAM_ERROR = "Only Tensors of floating point and complex dtype can require gradients"


class Parameter(Tensor):
    """``Parameter(data, requires_grad=True)``: shares ``data``'s memory (and version counter)."""

    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        array = np.empty(0, np.float32) if data is None else data._data
        if requires_grad and array.dtype.kind != "f":
            raise RuntimeError(_INT_PARAM_ERROR)
        _init(self, array)
        if data is not None:
            self._vc = data._vc
        self._requires_grad = bool(requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce__(self):
        return (_rebuild_parameter, (self._data, self._requires_grad))

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = Parameter(self.detach().clone(), self._requires_grad)
        return memo[id(self)]


def _rebuild_parameter(data, requires_grad):
    return Parameter(_make(data), requires_grad)
