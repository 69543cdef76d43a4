"""torch.gradient: the derivative of sampled values, estimated by finite differences along each dim asked for.

For samples f_0 .. f_{n-1} at spacing h (a number per dim) the estimate is the central difference inside,
(f_{i+1} - f_{i-1}) / 2h, and at the two ends a one-sided difference: (f_1 - f_0) / h with ``edge_order=1``, or the
second-order (-3/2 f_0 + 2 f_1 - 1/2 f_2) / h with ``edge_order=2`` (and its mirror image at the end). With sample
coordinates x_i (a 1-d tensor per dim) the spacings dx_i = x_{i+1} - x_i vary, and the interior estimate is the
derivative of the parabola through three neighbours:

    f'_i ≈ -dx2 / (dx1 (dx1 + dx2)) f_{i-1} + (dx2 - dx1) / (dx1 dx2) f_i + dx1 / (dx2 (dx1 + dx2)) f_{i+1}

(dx1 = dx_{i-1}, dx2 = dx_i), which is the central difference when the spacing is even.

Composed of slices, products and a cat as torch's C++ composes them (its nodes are the ones here: CatBackward0 of
DivBackward1, ...), so the gradients and second orders are torch's. Integers come out in the default dtype.
"""
import numbers

from .. import _dtype
from ..tensor import Tensor, _wrap_dim
from .arithmetic import DivScalar
from .scan import _scaled
from .shape import _wrap_dims, cat


def gradient(input, *, spacing=None, dim=None, edge_order=1):
    """A tuple of the estimated derivatives of ``input`` along each dim of ``dim`` (default: every dim).

    ``spacing``: the distance between samples - one number for every dim, a list of numbers (one per dim), or a
    list of 1-d tensors holding each dim's sample coordinates."""
    dims = _dims(input, dim)
    spacings = _spacings(spacing, len(dims))
    _check(input, spacing, spacings, dim, dims, edge_order)
    wrapped = [_wrap_dim(d, input.ndim) for d in dims]
    if spacings and isinstance(spacings[0], Tensor):
        return tuple(_along_coordinates(input, x, d, edge_order) for x, d in zip(spacings, wrapped))
    return tuple(_evenly_spaced(input, h, d, edge_order) for h, d in zip(spacings, wrapped))


def _evenly_spaced(f, h, d, edge_order):
    """The estimate along dim d for samples h apart."""
    center = _divided(_part(f, d, 2, None) - _part(f, d, 0, -2), h)
    if edge_order == 1:
        first = _divided(_part(f, d, 1, 2) - _part(f, d, 0, 1), h)
        last = _divided(_part(f, d, -1, None) - _part(f, d, -2, -1), h)
    else:
        first = _divided(_scaled(_part(f, d, 0, 1), -1.5) + _scaled(_part(f, d, 1, 2), 2)
                         - _scaled(_part(f, d, 2, 3), 0.5), h)
        last = _divided(_scaled(_part(f, d, -3, -2), 0.5) - _scaled(_part(f, d, -2, -1), 2)
                        + _scaled(_part(f, d, -1, None), 1.5), h)
    return cat([first, _divided(center, 2), last], d)


def _along_coordinates(f, x, d, edge_order):
    """The estimate along dim d for samples at the coordinates x (the weights of the parabola through three
    neighbours, shaped to broadcast along d)."""
    if x.ndim != 1:
        raise RuntimeError(f"torch.gradient expected each element of spacing to have one dimension, but got an "
                           f"element with {x.ndim} dimensions!")
    shape = [1] * f.ndim
    shape[d] = -1
    dx = x.diff(1, 0)
    dx1, dx2 = dx[:-1], dx[1:]
    a = (-dx2 / (dx1 * (dx1 + dx2))).reshape(shape)
    b = ((dx2 - dx1) / (dx1 * dx2)).reshape(shape)
    c = (dx1 / (dx2 * (dx1 + dx2))).reshape(shape)
    center = a * _part(f, d, 0, -2) + b * _part(f, d, 1, -1) + c * _part(f, d, 2, None)
    if edge_order == 1:
        first = (_part(f, d, 1, 2) - _part(f, d, 0, 1)) / dx[0]
        last = (_part(f, d, -1, None) - _part(f, d, -2, -1)) / dx[-1]
    else:  # the one-sided parabolas through the first three and the last three samples
        h1, h2 = dx[0], dx[1]
        first = (-(2.0 * h1 + h2) / (h1 * (h1 + h2)) * _part(f, d, 0, 1) + (h1 + h2) / (h1 * h2) * _part(f, d, 1, 2)
                 + (-h1) / (h2 * (h1 + h2)) * _part(f, d, 2, 3))
        h1, h2 = dx[-2], dx[-1]
        last = (h2 / (h1 * (h2 + h1)) * _part(f, d, -3, -2) + -(h2 + h1) / (h2 * h1) * _part(f, d, -2, -1)
                + (2 * h2 + h1) / (h2 * (h2 + h1)) * _part(f, d, -1, None))
    return cat([first, center, last], d)


def _part(t, d, start, stop):
    """t[..., start:stop, ...] along dim d."""
    return t[(slice(None),) * d + (slice(start, stop),)]


def _divided(t, number):
    """t / number as torch's C++ divides by a number (div.Scalar: DivBackward1); integers divide into the default
    dtype."""
    if not t.dtype.is_floating_point:
        t = t.to(_dtype.get_default_dtype())
    return DivScalar.apply(t, number)


# -- the arguments, checked as torch checks them ----------------------------------------------------------------
def _dims(input, dim):
    """The dims asked for, as given (wrapped later): all of input's when ``dim`` is None."""
    if dim is None:
        return list(range(input.ndim))
    if isinstance(dim, bool) or not isinstance(dim, (numbers.Integral, list, tuple)):
        raise TypeError(f"gradient() received an invalid combination of arguments - got (Tensor, "
                        f"dim={type(dim).__name__})")
    return [dim] if isinstance(dim, numbers.Integral) else list(dim)


def _spacings(spacing, n):
    """``spacing`` as a list: a number (or a 0-d tensor) repeated for each of the ``n`` dims (1.0 when None, as
    torch), a list of numbers, or a list of coordinate tensors."""
    if spacing is None:
        return [1.0] * n
    if isinstance(spacing, Tensor) and spacing.ndim == 0:
        spacing = spacing.item()
    if isinstance(spacing, numbers.Number):
        return [spacing] * n
    if not isinstance(spacing, (list, tuple)):
        raise TypeError(f"gradient() received an invalid combination of arguments - got (Tensor, "
                        f"spacing={type(spacing).__name__})")
    if any(isinstance(s, Tensor) for s in spacing):  # then all must be tensors
        for i, s in enumerate(spacing):
            if not isinstance(s, Tensor):
                raise TypeError(f"expected Tensor as element {i} in argument 1, but got {type(s).__name__}")
    return list(spacing)


def _check(input, spacing, spacings, dim, dims, edge_order):
    """torch's pre_check_gradient, in its order."""
    if input.dtype is _dtype.uint8:
        raise RuntimeError("torch.gradient does not support uint8 input.")
    if isinstance(spacing, (list, tuple)):  # (a number is repeated to the right length: nothing to check)
        if dim is None and len(spacings) != input.ndim:
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar, or a list of length "
                               f"equal to 'self.dim() = {input.ndim}', since dim argument was not given, but got a "
                               f"list of length {len(spacings)}")
        if dim is not None and len(spacings) != len(dims):
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim "
                               f"arguments to have the same length, but got a spacing argument of length "
                               f"{len(spacings)} and a dim argument of length {len(dims)}.")
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    if dim is not None:
        _wrap_dims(dims, input.ndim)  # (out of range, or repeated)
    if any(input.shape[d] < edge_order + 1 for d in dims):
        raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
