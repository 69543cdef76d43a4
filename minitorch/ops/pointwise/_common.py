"""Helpers shared by the pointwise families: float conversion, computing as torch does, torch's errors."""
import numpy as np

from ..._dtype import get_default_dtype
from ...tensor import Tensor, _make


def _float(a):
    """``a`` itself if floating point, else converted to the default dtype."""
    return a if a.dtype.kind == "f" else a.astype(get_default_dtype().np)


def _compute(fn, *arrays):
    """``fn(*arrays)`` as torch computes it: half precision in float32, rounded once at the end, and
    without NumPy's warnings (torch returns inf and nan silently: log(0), exp(1000))."""
    dtype = arrays[0].dtype
    if dtype == np.float16:
        arrays = [x.astype(np.float32) for x in arrays]
    with np.errstate(all="ignore"):
        return np.asarray(fn(*arrays)).astype(dtype, copy=False)


def _number(value, dtype):
    """A number as torch casts it into a tensor's dtype (-1 is 255 as a uint8); None stays None."""
    return None if value is None else np.asarray(value).astype(dtype)


def _zeros(g):
    """The gradient of a function that is flat almost everywhere (sign, floor, ...)."""
    return _make(np.zeros_like(g._data))


def _not_implemented(kernel, input):
    return NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype.scalar_name}'")


def _tensor_only(fn_name, value):
    """torch's TypeError for a number where only a Tensor is accepted (``maximum(x, 2)``)."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn_name}(): argument 'other' (position 2) must be Tensor, not {type(value).__name__}")


def _overload(name, input, other, ops, names=("input", "other")):
    """Which of ``ops`` = (for Tensor and Tensor, Number and Tensor, Tensor and Number) torch's binary function
    ``name`` runs (each is a node name of its own in torch: SpecialZetaBackward0, 1, 2), or its TypeError for any
    other pair of arguments."""
    number = (bool, int, float)
    if isinstance(input, Tensor) and isinstance(other, (Tensor, *number)):
        return ops[0] if isinstance(other, Tensor) else ops[2]
    if isinstance(input, number) and isinstance(other, Tensor):
        return ops[1]
    a, b = names
    raise TypeError(f"{name}() received an invalid combination of arguments - got ({type(input).__name__}, "
                    f"{type(other).__name__}), but expected one of:\n"
                    f" * (Tensor {a}, Tensor {b}, *, Tensor out = None)\n"
                    f" * (Number {'self' if a == 'input' else a}, Tensor {b}, *, Tensor out = None)\n"
                    f" * (Tensor {a}, Number {b}, *, Tensor out = None)\n")


def apply_overload(name, input, other, ops, names=("input", "other")):
    """``name(input, other)`` by the one of ``ops`` (from ``number_overloads``) that torch runs (``_overload``)."""
    op = _overload(name, input, other, ops, names)
    return op.apply(other, input) if op is ops[1] else op.apply(input, other)  # (tensor, number) always


def number_overloads(op, first_name, second_name):
    """The (number, Tensor) and (Tensor, number) overloads of a binary elementwise Op ``op(a, b)``, with torch's
    node names for them. torch keeps the number out of the graph (its node has one edge, to the tensor), so
    each is applied as ``(tensor, number)``: only the tensor is an operand, and forward wraps the number in the
    tensor's floating dtype and runs ``op``'s forward. Backward runs ``op``'s and keeps the tensor's gradient."""
    def forward_with(position):
        def forward(ctx, tensor, number):
            number = np.asarray(number, _float(tensor).dtype)
            needs = ctx.needs_input_grad[0]
            ctx.needs_input_grad = (False, needs) if position == 0 else (needs, False)  # as op's backward reads it
            return op.forward(ctx, *((number, tensor) if position == 0 else (tensor, number)))
        return staticmethod(forward)

    def backward_with(position):
        def backward(ctx, g):
            return op.backward(ctx, g)[1 - position]
        return staticmethod(backward)

    return tuple(type(op.__name__ + suffix, (op,), {"node_name": name, "promotes": 1, "__module__": op.__module__,
                                                     "forward": forward_with(position),
                                                     "backward": backward_with(position)})
                 for position, (suffix, name) in enumerate((("NumberFirst", first_name),
                                                           ("NumberSecond", second_name))))



def _check_bool_out(name, out):
    """``out=`` of a predicate (isposinf, isneginf, signbit): torch writes it only into a bool tensor."""
    if out is not None and out._data.dtype != np.bool_:
        raise RuntimeError(f"{name} does not support non-boolean outputs.")
