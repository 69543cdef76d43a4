"""F.pad: grow (or, with negative sizes, shrink) the last dims of a tensor by a border.

``pad`` lists (before, after) pairs starting from the LAST dim: ``(1, 2)`` adds one column on the left and
two on the right; ``(1, 2, 3, 4)`` also adds three rows on top and four at the bottom. The border is

* ``constant``: the value (0 unless given)           [a b c] -> 0 0 [a b c] 0
* ``reflect``: a mirror image, edge not repeated      [a b c] -> c b [a b c] b
* ``replicate``: the edge element repeated            [a b c] -> a a [a b c] c
* ``circular``: the other end, wrapped around         [a b c] -> b c [a b c] a

Every mode is linear and only moves elements, so each VJP moves the gradient back: constant padding's VJP
is constant padding by the negated sizes (it cuts the border off); a reflect or replicate pad reads input
position ``idx[j]`` for output position ``j``, so its VJP adds each output gradient into position ``idx[j]``.
torch computes circular padding out of slices and ``copy_`` (its graph is ``CopySlices`` nodes), and so
does this module.
"""
import operator

import numpy as np

from ...ops.op import Op
from ...ops.indexing import CopySlices, Slice, _key
from ...ops.inplace import apply_inplace
from ...ops.linalg import _check_not_bool

MODES = ("constant", "reflect", "replicate", "circular")


def pad(input, pad, mode="constant", value=None):
    """torch.nn.functional.pad: pad the last ``len(pad) // 2`` dims of ``input``."""
    pad = _ints(pad)
    if mode not in MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) > 2 * input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.ndim}")
    if mode == "constant":
        return ConstantPadNd.apply(input, pad, 0 if value is None else value)
    if value is not None and value != 0:  # (torch lets an explicit 0 through)
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    spatial = len(pad) // 2
    if spatial not in (1, 2, 3) or input.ndim not in (spatial + 1, spatial + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    if mode == "circular":
        return _pad_circular(input, pad)
    return _pad_by_index(input, pad, mode)


def _ints(pad, refusal=lambda i, p: f"pad(): argument 'pad' failed to unpack the object at pos {i + 1} with error "
                                   f"\"type must be tuple of ints,but got {type(p).__name__}\""):
    """The pad sizes as a tuple of ints (torch refuses floats, as its argument parser does, in the words of
    ``refusal(position, value)``)."""
    sizes = []
    for i, p in enumerate(pad):
        try:
            sizes.append(operator.index(p))
        except TypeError:
            raise TypeError(refusal(i, p)) from None
    return tuple(sizes)


def _pairs(pad, ndim):
    """``[(dim, before, after)]`` for the padded dims, from the first padded dim to the last."""
    n = len(pad) // 2
    return [(ndim - n + k, pad[2 * (n - 1 - k)], pad[2 * (n - 1 - k) + 1]) for k in range(n)]


# -- constant ---------------------------------------------------------------------------------------------
class ConstantPadNd(Op):
    """z = a inside a border of ``value`` (negative sizes cut a's edges off instead).
    VJP: da = g with the border cut off = constant pad of g by the negated sizes.
    JVP: dz = da inside a border of zeros (the border is a constant)."""
    node_name = "ConstantPadNdBackward0"

    @staticmethod
    def jvp(ctx, z, t, a, pad, value):
        return ConstantPadNd.apply(t[0], pad, 0)

    @staticmethod
    def forward(ctx, a, pad, value):
        ctx.pad = pad
        source, target, shape = [slice(None)] * a.ndim, [slice(None)] * a.ndim, list(a.shape)
        for dim, before, after in _pairs(pad, a.ndim):
            n = a.shape[dim]
            # torch narrows the input by the negative sizes first: a length below zero is narrow's error
            if n + min(before, 0) < 0 or n + min(before, 0) + min(after, 0) < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
            source[dim] = slice(max(-before, 0), n - max(-after, 0))
            shape[dim] = n + before + after
            target[dim] = slice(max(before, 0), shape[dim] - max(after, 0))
        out = np.full(shape, np.asarray(value).astype(a.dtype), a.dtype)
        out[tuple(target)] = a[tuple(source)]
        return out

    @staticmethod
    def backward(ctx, g):
        return ConstantPadNd.apply(g, tuple(-p for p in ctx.pad), 0)


# -- reflect and replicate: each output element is read from one input position per dim -----------------------
def _reflect_index(n, before, after):
    """Input position of each output position along a dim of size n: i = j - before, mirrored at both ends
    (the edge itself not repeated: -1 -> 1, n -> n - 2)."""
    i = np.abs(np.arange(-before, n + after))
    return (n - 1) - np.abs((n - 1) - i)


def _replicate_index(n, before, after):
    """Input position of each output position: i = j - before, clamped into [0, n - 1]."""
    return np.clip(np.arange(-before, n + after), 0, n - 1)


class PadByIndex(Op):
    """z = a read at positions idx_k along each padded dim k: z[..., j] = a[..., idx[j]] (reflect, replicate).
    VJP: da[..., i] = Σ_{j: idx[j] = i} g[..., j] along each dim: g times the 0/1 matrix S, S[i, j] = [idx[j] = i]
    (a border element's gradient lands on the input element it copies)."""
    linear = True  # JVP: linear (dz = da read at the same positions)

    @staticmethod
    def forward(ctx, a, index):
        ctx.index = index
        ctx.save_for_backward(a)  # (for its shape only; torch saves it too, so changing it in place is an error)
        return a[(...,) + np.ix_(*index)]

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return ctx._function.Backward.apply(g, a, ctx.index)


class PadByIndexBackward(Op):
    """z = g with each padded dim folded back to a's size: z[..., i] = Σ_{j: idx[j] = i} g[..., j] (the VJP of
    PadByIndex; a, the padded input, gives the sizes, and an edge as in torch).
    VJP: dg = the padding again, gz read at idx;  da = none (z does not depend on a's values)."""

    @staticmethod
    def forward(ctx, g, a, index):
        ctx.index = index
        sizes = a.shape[a.ndim - len(index):]
        out = g
        for k, (idx, n) in enumerate(zip(index, sizes)):
            select = np.zeros((n, len(idx)), g.dtype)
            select[idx, np.arange(len(idx))] = 1
            axis = g.ndim - len(index) + k
            out = np.moveaxis(np.moveaxis(out, axis, -1) @ select.T, -1, axis)
        return np.ascontiguousarray(out)

    @staticmethod
    def backward(ctx, gz):
        return ctx._function.Forward.apply(gz, ctx.index) if ctx.needs_input_grad[0] else None, None


def _pad_classes(name):
    """The forward op and its VJP op for one mode and dim count, named as torch names their nodes."""
    forward = type(name, (PadByIndex,), {"node_name": f"{name}Backward0", "__doc__": PadByIndex.__doc__})
    backward = type(name + "Backward", (PadByIndexBackward,),
                    {"node_name": f"{name}BackwardBackward0", "__doc__": PadByIndexBackward.__doc__})
    forward.Backward = backward.Backward = backward
    forward.Forward = backward.Forward = forward
    return forward


PADS = {(mode, n): _pad_classes(f"{word}Pad{n}D") for mode, word in (("reflect", "Reflection"),
                                                                      ("replicate", "Replication"))
        for n in (1, 2, 3)}


def _pad_by_index(input, pad, mode):
    spatial = len(pad) // 2
    kernel = f"{'reflection' if mode == 'reflect' else 'replication'}_pad{spatial}d"
    _check_not_bool(kernel, input)
    batch = input.ndim == spatial + 2
    if any(s == 0 for s in input.shape[batch:]):
        raise RuntimeError(f"Expected {spatial + 1}D or {spatial + 2}D (batch mode) tensor with possibly 0 batch size "
                           f"and other non-zero dimensions for input, but got: {list(input.shape)}")
    pairs = _pairs(pad, input.ndim)
    sizes = [input.shape[dim] for dim, _, _ in pairs]
    out = [n + before + after for n, (_, before, after) in zip(sizes, pairs)]
    if mode == "reflect":
        for k, (dim, before, after) in reversed(list(enumerate(pairs))):  # W first, then H, then D
            if before >= sizes[k] or after >= sizes[k]:
                raise RuntimeError(f"Argument #{4 + 2 * (spatial - 1 - k)}: Padding size should be less than the "
                                   f"corresponding input dimension, but got: padding ({before}, {after}) at dimension "
                                   f"{dim} of input {list(input.shape)}")
    _check_output_size(mode, input, sizes, out)
    index = [(_reflect_index if mode == "reflect" else _replicate_index)(n, before, after)
             for n, (_, before, after) in zip(sizes, pairs)]
    return PADS[mode, spatial].apply(input, index)


def _check_output_size(mode, input, sizes, out):
    """torch's checks of the output size, each kernel with its own words."""
    names = "DHW"[3 - len(sizes):]
    if len(sizes) == 1 and out[0] < 1:
        raise RuntimeError(f"input (W: {sizes[0]}) is too small. Calculated output W: {out[0]}")
    if mode == "replicate" and min(out) < 1:
        raise RuntimeError(f"Calculated output {' '.join(f'{c}: {o}' for c, o in zip(names, out))} must be >= 1 in "
                           f"every dimension (input {', '.join(f'{c}: {n}' for c, n in zip(names, sizes))})")
    if mode == "reflect" and max(out) < 1:
        given = " ".join(f"{c}: {n}," for c, n in zip(names, sizes))[:-1]
        if len(sizes) == 3:  # (sic: torch writes "D: 4 H: 5, W: 6")
            given = given.replace(",", "", 1)
        raise RuntimeError(f"input ({given}) is too small. Calculated output "
                           f"{' '.join(f'{c}: {o}' for c, o in zip(names, out))}")
    if mode == "reflect" and min(out) < 0:  # (torch's reflect kernels then fail allocating the output)
        if len(sizes) == 2:
            raise RuntimeError("numel: integer multiplication overflow")
        shape = list(input.shape[:input.ndim - 3]) + out
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(out)}: {shape}")


# -- circular ---------------------------------------------------------------------------------------------
def _pad_circular(input, pad):
    """torch's ``_pad_circular``: copy the input into the middle of a new tensor, then, dim by dim from the
    last, copy the far end of the result into the left border and its near end into the right border (so
    corners come out right). Each copy into a slice is a CopySlices node, as in torch."""
    shape = list(input.shape)
    for dim, before, after in _pairs(pad, input.ndim):
        n = input.shape[dim]
        if before > n or after > n:
            raise RuntimeError("Padding value causes wrapping around more than once.")
        shape[dim] = n + before + after
        if shape[dim] < 0:
            raise RuntimeError("Negative padding value is resulting in an empty dimension")
    out = input.new_empty(shape)
    pairs = _pairs(pad, input.ndim)[::-1]  # the last dim first, as torch's loop runs
    target, source = [], input
    for dim, before, after in pairs:
        target.append((dim, slice(max(before, 0), shape[dim] - max(after, 0), 1)))
        source = Slice.apply(source, _key(dim, slice(max(-before, 0), input.shape[dim] - max(-after, 0), 1)))
    apply_inplace(out, CopySlices.apply, source, target, None)
    for dim, before, after in pairs:
        n = shape[dim]
        if before > 0:
            _copy_within(out, dim, slice(n - before - max(after, 0), n - max(after, 0), 1), slice(0, before, 1))
        if after > 0:
            _copy_within(out, dim, slice(max(before, 0), max(before, 0) + after, 1), slice(n - after, n, 1))
    return out


def _copy_within(out, dim, source, target):
    """out[target] = out[source] along ``dim``.

    A border wider than what negative padding on the other side left of the input reads memory that was never
    written (torch does not check, and gives whatever is there), and may read from the very region it writes:
    torch's copy_ refuses that where both regions are single blocks of memory (all dims before ``dim`` of size
    1), and goes ahead elsewhere."""
    dense = all(s == 1 for s in out.shape[:dim])
    if dense and source.start < target.stop and target.start < source.stop:
        raise RuntimeError("unsupported operation: some elements of the input tensor and the written-to tensor refer "
                           "to a single memory location. Please clone() the tensor before performing the operation.")
    apply_inplace(out, CopySlices.apply, Slice.apply(out, _key(dim, source)), [(dim, target)], None)


# -- the remaining OpInfo ops (native lane): torch.constant_pad_nd, F.pad's constant mode as torch's own function
def constant_pad_nd(input, pad, value=0):
    """torch.constant_pad_nd: ``F.pad(input, pad, value=value)`` (the same ConstantPadNd node), with the checks
    and messages of torch's function."""
    sizes = _ints(pad, lambda i, p: f"constant_pad_nd(): argument 'pad' (position 2) must be tuple of ints, but "
                                    f"found element of type {type(p).__name__} at pos {i}")
    if len(sizes) % 2:
        raise RuntimeError(f"Length of pad must be even but instead it equals {len(sizes)}")
    if len(sizes) > 2 * input.ndim:
        raise RuntimeError(f"Length of pad should be no more than twice the number of dimensions of the input. Pad "
                           f"length is {len(sizes)}while the input has {input.ndim}dimensions.")  # (sic: torch's)
    return ConstantPadNd.apply(input, sizes, value)
