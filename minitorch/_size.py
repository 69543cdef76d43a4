"""torch.Size: a tuple that prints as ``torch.Size([2, 3])``; broadcasting of shapes."""
from collections.abc import Sequence


class Size(tuple):
    __slots__ = ()

    def __repr__(self):
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        out = tuple.__getitem__(self, item)
        return Size(out) if isinstance(item, slice) else out

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple(self) * n)

    __rmul__ = __mul__

    def __format__(self, spec):
        if spec:
            raise TypeError(f"unsupported format string passed to torch.Size.__format__")
        return repr(self)


# -- broadcasting, the one place that computes broadcast shapes ------------------------------------------
def broadcast_shape(a, b):
    """The shape that tensors of shapes ``a`` and ``b`` broadcast to (torch's C++ ``infer_size``), with
    torch's message when they do not. A dim of size 1 takes the other's size, even 0: (0, 3) and (1, 3) give
    (0, 3). As torch, the dims are compared from the last, so a mismatch names the last dim that differs,
    counted in the result."""
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    out = [0] * n
    for dim in range(n - 1, -1, -1):
        x, y = a[dim], b[dim]
        if x == y or y == 1:
            out[dim] = x
        elif x == 1:
            out[dim] = y
        else:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                               f"non-singleton dimension {dim}")
    return tuple(out)


def broadcast_shapes(*shapes):
    """``torch.broadcast_shapes``: the shape that tensors of all ``shapes`` broadcast to (an int is a 1-d
    shape), with the messages of torch's Python implementation, which differ from ``broadcast_shape``'s."""
    shapes = [(s,) if isinstance(s, int) else s for s in shapes if s is not None]
    for shape in shapes:
        if not isinstance(shape, Sequence):
            raise RuntimeError(f"Input shapes should be of type ints, a tuple of ints, or a list of ints, got {shape}")
    common = [1] * max((len(s) for s in shapes), default=0)
    for arg, shape in enumerate(shapes):
        for idx in range(-1, -1 - len(shape), -1):
            if shape[idx] == common[idx]:
                continue
            if common[idx] == 1:
                if shape[idx] < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative length!")
                common[idx] = shape[idx]
            if shape[idx] != 1 and common[idx] != shape[idx]:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {shape[idx]} at {idx}! Mismatching "
                                   f"argument at index {arg} had {shape}; but expected shape should be broadcastable "
                                   f"to {common}")
    return Size(common)
