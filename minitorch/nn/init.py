"""Weight initialisation (torch.nn.init): fill a tensor in place, without recording a graph, with
values from a distribution scaled to the layer's size, so that activations keep a sensible variance
from layer to layer.

* Xavier/Glorot (for tanh/sigmoid nets): variance 2 / (fan_in + fan_out), times gain².
* Kaiming/He (for ReLU nets): variance gain² / fan, fan = fan_in (forward) or fan_out (backward).

fan_in of a weight (out, in, *kernel) is in·prod(kernel); fan_out is out·prod(kernel). The random
numbers come from minitorch's generator, so the values differ from torch's; the distributions are the
same.
"""
import math
import warnings

import numpy as np

from .. import creation
from ..autograd import grad_mode


def calculate_gain(nonlinearity, param=None):
    """The factor by which ``nonlinearity`` scales the standard deviation of its input, to undo in init."""
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                  "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif (isinstance(param, int) and not isinstance(param, bool)) or isinstance(param, float):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field_size = math.prod(tensor.shape[2:])
    return tensor.size(1) * receptive_field_size, tensor.size(0) * receptive_field_size


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _write(tensor, values):
    """Copy ``values`` into ``tensor`` in place, unrecorded (a parameter stays a leaf)."""
    with grad_mode.no_grad():
        tensor.copy_(values)
    return tensor


def _uniform(tensor, a, b, generator):
    """Samples of U[a, b) shaped and typed like ``tensor``."""
    u = creation.rand(*tensor.shape, generator=generator, dtype=tensor.dtype)
    return u * (b - a) + a


def _normal(tensor, mean, std, generator):
    """Samples of N(mean, std²) shaped and typed like ``tensor``."""
    return creation.randn(*tensor.shape, generator=generator, dtype=tensor.dtype) * std + mean


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    return _write(tensor, _uniform(tensor, a, b, generator))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    return _write(tensor, _normal(tensor, mean, std, generator))


def _norm_cdf(x):
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """N(mean, std²) conditioned on [a, b], by rejection sampling (as torch does): when [a, b] holds much of
    the normal's mass, draw normals and redraw those outside; otherwise draw uniformly on [a, b] and keep
    each draw x with probability density(x) / density(mode)."""
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values "
                      "may be incorrect.", stacklevel=2)
    from_normal = _norm_cdf((b - mean) / std) - _norm_cdf((a - mean) / std) > 0.3
    mode = max(a, min(mean, b))
    values = np.empty(tuple(tensor.shape), tensor.dtype.np)
    pending = np.ones(values.shape, bool)
    while pending.any():
        if from_normal:
            proposal = _normal(tensor, mean, std, generator)._data
            accept = (proposal >= a) & (proposal <= b)
        else:
            proposal = _uniform(tensor, a, b, generator)._data
            log_ratio = 0.5 * ((mode - mean) / std) ** 2 - 0.5 * ((proposal - mean) / std) ** 2
            with np.errstate(divide="ignore"):  # log(0) = -inf: accepted, correctly
                accept = np.log(_uniform(tensor, 0.0, 1.0, generator)._data) < log_ratio
        taken = pending & accept
        values[taken] = proposal[taken]
        pending &= ~accept
    return _write(tensor, creation.from_numpy(values))


def constant_(tensor, val):
    with grad_mode.no_grad():
        return tensor.fill_(val)


def ones_(tensor):
    return constant_(tensor, 1.0)


def zeros_(tensor):
    with grad_mode.no_grad():
        return tensor.zero_()


def eye_(tensor):
    """The identity matrix (ones on the diagonal) in a 2-d tensor."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _write(tensor, creation.eye(*tensor.shape, dtype=tensor.dtype))


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """U(-a, a) with a = gain·√(6 / (fan_in + fan_out))  (variance gain²·2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std  # U(-b, b) has std b/√3
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """N(0, std²) with std = gain·√(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """U(-b, b) with b = gain·√(3 / fan); ``a`` is leaky_relu's negative slope (for its gain)."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """N(0, std²) with std = gain / √fan."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)
