"""Copies and dtype conversions; the complex views (conj, real, ...), which a real tensor is its own."""
from ..autograd import grad_mode
from .op import Op


class ToCopy(Op):
    """z = a converted to another dtype.   VJP: da = g converted back (the engine casts it)."""
    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, a, dtype):
        return a.astype(dtype.np)

    @staticmethod
    def backward(ctx, g):
        return g


class Clone(Op):
    """z = a copy of a.   VJP: da = g."""
    node_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, g):
        return g


def to_dtype(input, dtype):
    if dtype.np == input._data.dtype:
        return input
    if input.requires_grad and not dtype.is_floating_point:
        with grad_mode.no_grad():  # integer results carry no gradient
            return ToCopy.apply(input, dtype)
    return ToCopy.apply(input, dtype)


def clone(input, *, memory_format=None):
    return Clone.apply(input)


def contiguous(input, memory_format=None):
    """``input`` itself when already C-contiguous (as torch), else a contiguous copy."""
    if input._data.flags.c_contiguous:
        return input
    return Clone.apply(input)


# The complex-number views, on real tensors (minitorch's only kind): torch returns the tensor itself, no node.
def positive(input):
    """+input: the tensor itself (torch refuses booleans)."""
    if input.dtype.np.kind == "b":
        raise NotImplementedError("The `+` operator, on a bool tensor is not supported.")
    return input


def conj(input):
    """The complex conjugate: a real tensor is its own (torch.conj, conj_physical, resolve_conj, resolve_neg)."""
    return input


conj_physical = resolve_conj = resolve_neg = conj


def conj_physical_(self):
    return self


def real(input):
    """The real part: a real tensor is its own (``x.real`` is x; ``x.real = y`` writes y into x)."""
    return input
