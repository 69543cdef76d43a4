"""Pooling whose windows are chosen to give an output size: adaptive average and max pooling (torch's windows
⌊o·n/out⌋ to ⌈(o+1)·n/out⌉ along each dim) and fractional max pooling (windows of a fixed size whose starts
are drawn at random, Graham's "Fractional Max-Pooling"), in 1, 2 or 3 spatial dims with one implementation.

Adaptive averaging is one averaging matrix per spatial dim, applied along it. Max pooling over chosen windows
gathers each window's elements (one array of positions per dim), then takes the max as sliding-window max
pooling does (kernels/pool.py, torch's pick on ties and NaN); its VJP is pooling.py's scatter to the argmax.
The 1-d functions are torch's compositions over the 2-d ones (input unsqueezed to height 1).
"""
import numpy as np

from ... import creation
from ...kernels.pool import max_pool_fast
from .pooling import LinearPool, LinearPoolAdjoint, MaxPoolWithIndices, ScatterToIndices, plane_strides, refuse_dtype


# -- adaptive average pooling ------------------------------------------------------------------------------
def _adaptive_bounds(size, out):
    """torch's adaptive windows along one dim: window o covers [⌊o·n/out⌋, ⌈(o+1)·n/out⌉)."""
    o = np.arange(out)
    return (o * size) // out, -((-(o + 1) * size) // out)


def _averaging_matrix(size, out, dtype):
    """P (out, size) with P[o, start(o):end(o)] = 1/(end - start): P @ v averages each window of v."""
    start, end = _adaptive_bounds(size, out)
    pos = np.arange(size)
    inside = (pos >= start[:, None]) & (pos < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def _along_dims(x, matrices):
    """x with ``matrices[i]`` applied along spatial dim i (the last ``len(matrices)`` axes): z = x ×ᵢ Pᵢ."""
    d = len(matrices)
    for i, m in enumerate(matrices):
        axis = x.ndim - d + i
        x = np.moveaxis(np.tensordot(m, x, axes=(1, axis)), 0, axis)
    return np.ascontiguousarray(x)


class AdaptiveAvgPool(LinearPool):
    """z = x ×₁ P₁ ×₂ P₂ ...  (each Pᵢ averaging the windows along spatial dim i).   VJP: dx = g ×ᵢ Pᵢᵀ."""

    @staticmethod
    def forward(ctx, x, matrices):
        ctx.args = (matrices,)
        return _along_dims(x, matrices)


class AdaptiveAvgPoolBackward(LinearPoolAdjoint):
    """dx = g ×ᵢ Pᵢᵀ.   VJP: dg = h ×ᵢ Pᵢ (the forward ``pool`` again)."""

    @staticmethod
    def forward(ctx, g, pool, matrices):
        ctx.args = pool, matrices
        return _along_dims(g, [m.T for m in matrices])


class AdaptiveAvgPool2DBackward(AdaptiveAvgPoolBackward):
    node_name = "AdaptiveAvgPool2DBackwardBackward0"


class AdaptiveAvgPool3DBackward(AdaptiveAvgPoolBackward):
    node_name = "AdaptiveAvgPool3DBackwardBackward0"


class AdaptiveAvgPool2D(AdaptiveAvgPool):
    node_name = "AdaptiveAvgPool2DBackward0"
    grad_op = AdaptiveAvgPool2DBackward


class AdaptiveAvgPool3D(AdaptiveAvgPool):
    node_name = "AdaptiveAvgPool3DBackward0"
    grad_op = AdaptiveAvgPool3DBackward


# -- max pooling over chosen windows ---------------------------------------------------------------------
def max_over_windows(x, positions):
    """The max of every window of the planes of x (P, *spatial), and where in its plane each max is.

    ``positions[i]`` (P or 1, Oᵢ, Kᵢ) are the input positions along spatial dim i of the Kᵢ elements of each
    of the Oᵢ windows along it (per plane, or the same for all). Returns (max, flat indices), (P, O₁, ..., O_d)."""
    d, planes = len(positions), x.shape[0]
    strides = plane_strides(x.shape[1:])
    # the flat position of every window element, as (P', O₁, K₁, O₂, K₂, ...), then the kernel axes in front
    flat = sum(p.reshape(p.shape[:1] + (1, 1) * i + p.shape[1:] + (1, 1) * (d - 1 - i)) * f
               for i, (p, f) in enumerate(zip(positions, strides)))
    flat = np.broadcast_to(flat, (planes,) + flat.shape[1:])
    order = tuple(range(2, 2 * d + 1, 2)) + (0,) + tuple(range(1, 2 * d, 2))
    flat = flat.transpose(order)                                              # (K₁, ..., K_d, P, O₁, ..., O_d)
    # (sizes spelled out, no -1: NumPy cannot infer a -1 beside a 0, an empty batch)
    elements, windows = int(np.prod(flat.shape[:d])), int(np.prod(flat.shape[d + 1:]))
    patches = np.take_along_axis(x.reshape(1, planes, int(np.prod(x.shape[1:]))),
                                 flat.reshape(elements, planes, windows), axis=-1).reshape(flat.shape)
    out, which = max_pool_fast(patches, d)
    indices = np.take_along_axis(flat.reshape((elements,) + out.shape), which[None], axis=0)[0]
    return out, indices.astype(np.int64)


class MaxOverWindows(MaxPoolWithIndices):
    """z[n, c, o] = max over window o (its positions given per dim);  indices = where in the plane it was.
    VJP: dx = g scattered to the argmax positions (sliding-window max pooling's backward)."""

    @staticmethod
    def forward(ctx, x, positions, return_indices):
        d = len(positions)
        lead = x.shape[:-d]
        out, indices = max_over_windows(x.reshape((int(np.prod(lead)),) + x.shape[-d:]), positions)
        out, indices = out.reshape(lead + out.shape[1:]), indices.reshape(lead + out.shape[1:])
        ctx.args = indices, x.shape, d, True  # (windows may overlap: their gradients add up)
        return (out, indices) if return_indices else out


class AdaptiveMaxPool2DBackward(ScatterToIndices):
    node_name = "AdaptiveMaxPool2DBackwardBackward0"


class AdaptiveMaxPool3DBackward(ScatterToIndices):
    node_name = "AdaptiveMaxPool3DBackwardBackward0"


class FractionalMaxPool2DBackward(ScatterToIndices):
    node_name = "FractionalMaxPool2DBackwardBackward0"


class FractionalMaxPool3DBackward(ScatterToIndices):
    node_name = "FractionalMaxPool3DBackwardBackward0"


class AdaptiveMaxPool2D(MaxOverWindows):
    node_name = "AdaptiveMaxPool2DBackward0"
    grad_op = AdaptiveMaxPool2DBackward


class AdaptiveMaxPool3D(MaxOverWindows):
    node_name = "AdaptiveMaxPool3DBackward0"
    grad_op = AdaptiveMaxPool3DBackward


class FractionalMaxPool2D(MaxOverWindows):
    node_name = "FractionalMaxPool2DBackward0"
    grad_op = FractionalMaxPool2DBackward


class FractionalMaxPool3D(MaxOverWindows):
    node_name = "FractionalMaxPool3DBackward0"
    grad_op = FractionalMaxPool3DBackward


def _adaptive_positions(size, out):
    """(1, out, K): the positions of each adaptive window along one dim, padded to the longest window K by
    repeating its last element (a repeat never changes the max, nor which element torch picks)."""
    start, end = _adaptive_bounds(size, out)
    longest = int((end - start).max(initial=1))
    return np.minimum(start[:, None] + np.arange(longest), end[:, None] - 1)[None]


def fractional_starts(samples, size, out, kernel):
    """torch's window starts along one dim for each plane's sample u in [0, 1) (``samples``, (P,)): with
    α = (n - k) / (out - 1), start(o) = ⌊(o + u)·α⌋ - ⌊u·α⌋, and the last window ends at the input's end.
    Computed in the samples' dtype, as torch does, so that the same samples give the same windows."""
    dtype = samples.dtype.type
    starts = np.empty((len(samples), out), np.int64)
    if out > 1:
        alpha = dtype(size - kernel) / dtype(out - 1)
        o = np.arange(out - 1).astype(dtype)
        starts[:, :-1] = (((o + samples[:, None]) * alpha).astype(np.int64)
                          - (samples[:, None] * alpha).astype(np.int64))
    if out > 0:
        starts[:, -1] = size - kernel
    return starts


# -- argument checking ---------------------------------------------------------------------------------
def _adaptive_size(input, output_size, fn, dims):
    """``output_size`` as a dims-tuple of ints (None: that input size), with torch's errors (which differ for
    max and avg, and for 2-d and 3-d)."""
    is_max = fn.startswith("adaptive_max")
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(f"{fn}(): Expected {dims + 1}D or {dims + 2}D tensor, but got{':' if is_max else ''} "
                           f"{list(input.shape)}")
    size = (output_size,) * dims if output_size is None or isinstance(output_size, int) else tuple(output_size)
    if len(size) != dims:
        raise RuntimeError(f"{fn}(): internal error: output_size.size() must be {dims}" if is_max else
                           f"{fn}: output_size must be {dims}")
    size = tuple(input.shape[-dims + i] if s is None else int(s) for i, s in enumerate(size))
    if min(size) < 0:
        if is_max:
            raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: "
                               f"{list(input.shape[:-dims]) + list(size)}")
        listed = f"{size[0]}, {size[1]}" if dims == 2 else f"{size[0]}, {size[1]},{size[2]}"
        raise RuntimeError(f"{fn}: elements of output_size must be greater than or equal to 0 but received {{{listed}}}")
    # the dims that must not be empty: the spatial ones, and (batched) the channels - but not for 2-d averaging
    first = input.dim() - dims if (fn == "adaptive_avg_pool2d" or input.dim() == dims + 1) else 1
    for i in range(first, input.dim()):
        if input.shape[i] == 0:
            raise RuntimeError(f"{fn}(): Expected input to have non-zero size for non-batch dimensions, but input "
                               f"has sizes {list(input.shape)} with dimension {i} being empty")
    return size


def _check_1d(input, output_size, fn):
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for argument #1 "
                           f"'self' (while checking arguments for {fn})")
    if isinstance(output_size, int):
        return output_size
    if len(output_size) != 1:
        raise RuntimeError(f"{fn}() argument 'output_size' should contain one int (got {len(output_size)})")
    return output_size[0]


# -- public functions ----------------------------------------------------------------------------------
def _adaptive_avg_pool(input, output_size, dims, op):
    fn = f"adaptive_avg_pool{dims}d"
    size = _adaptive_size(input, output_size, fn, dims)
    if size == (1,) * dims:  # torch takes the plain mean here (its graph shows MeanBackward1)
        return input.mean(tuple(range(-1, -dims - 1, -1)), keepdim=True)
    refuse_dtype(input, fn if dims == 2 else f"{fn}_cpu")
    dtype = input._data.dtype
    return op.apply(input, [_averaging_matrix(n, o, dtype) for n, o in zip(input.shape[-dims:], size)])


def adaptive_avg_pool1d(input, output_size):
    """Average pooling of (N, C, L) or (C, L) to ``output_size``: torch's composition over the 2-d pool."""
    size = _check_1d(input, output_size, "adaptive_avg_pool1d")
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to ``output_size`` (int, pair; None keeps that input size) with torch's windows:
    output row o averages input rows ⌊o·H/Ho⌋ to ⌈(o+1)·H/Ho⌉ - 1."""
    return _adaptive_avg_pool(input, output_size, 2, AdaptiveAvgPool2D)


def adaptive_avg_pool3d(input, output_size):
    """Average pooling of (N, C, T, H, W) or (C, T, H, W) to ``output_size`` (see adaptive_avg_pool2d)."""
    return _adaptive_avg_pool(input, output_size, 3, AdaptiveAvgPool3D)


def _adaptive_max_pool(input, output_size, return_indices, dims, op):
    fn = f"adaptive_max_pool{dims}d"
    size = _adaptive_size(input, output_size, fn, dims)
    refuse_dtype(input, fn if dims == 2 else f"{fn}_cpu")
    positions = [_adaptive_positions(n, o) for n, o in zip(input.shape[-dims:], size)]
    return op.apply(input, positions, bool(return_indices))


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max pooling of (N, C, L) or (C, L) to ``output_size``: torch's composition over the 2-d pool."""
    size = _check_1d(input, output_size, "adaptive_max_pool1d")
    out = adaptive_max_pool2d(input.unsqueeze(-2), (1, size), return_indices)
    return (out[0].squeeze(-2), out[1].squeeze(-2)) if return_indices else out.squeeze(-2)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to ``output_size`` over torch's adaptive windows (see ``adaptive_avg_pool2d``)."""
    return _adaptive_max_pool(input, output_size, return_indices, 2, AdaptiveMaxPool2D)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Max pooling of (N, C, T, H, W) or (C, T, H, W) to ``output_size`` over torch's adaptive windows."""
    return _adaptive_max_pool(input, output_size, return_indices, 3, AdaptiveMaxPool3D)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):
    return adaptive_max_pool1d(input, output_size, return_indices=True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    return adaptive_max_pool2d(input, output_size, return_indices=True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=True):
    return adaptive_max_pool3d(input, output_size, return_indices=True)


# -- fractional max pooling ----------------------------------------------------------------------------
_NAMES = {2: (("height", "width"), "", "fractional_max_pool2d()"),
          3: (("time", "height", "width"), "three ", "fractional_max_pool3d_out()")}


def _fractional_max_pool(input, kernel_size, output_size, output_ratio, return_indices, _random_samples, dims, op):
    fn = f"fractional_max_pool{dims}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{fn} requires specifying either an output_size or an output_ratio")
    if input.dim() < dims + 1 and _random_samples is None:  # torch's Python reads input.size(-dims - 1)
        n = max(input.dim(), 1)
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {-dims - 1})")
    if output_size is None:
        if dims == 2 and len(output_ratio) > 2:  # (len() of a float raises TypeError, as in torch)
            raise ValueError(f"{fn} requires output_ratio to either be a single Int or tuple of Ints.")
        # torch's _pair/_triple: a number repeated, a sequence as it is (one too short fails to index, as in torch)
        ratio = (output_ratio,) * dims if isinstance(output_ratio, (int, float)) else tuple(output_ratio)
        ratio = tuple(ratio[i] for i in range(dims))
        output_size = [int(n * r) for n, r in zip(input.shape[-dims:], ratio)]
    if _random_samples is None:  # drawn from minitorch's generator (torch draws from its own)
        _random_samples = creation.rand(1 if input.dim() == dims + 1 else input.shape[0], input.shape[-dims - 1],
                                       dims, dtype=input.dtype)
    words, count, where = _NAMES[dims]
    kernel = (kernel_size,) * dims if isinstance(kernel_size, int) else tuple(kernel_size)
    size = (output_size,) * dims if isinstance(output_size, int) else tuple(output_size)
    kernel, size = (v * dims if len(v) == 1 else v for v in (kernel, size))
    for name, value in (("kernel_size", kernel), ("output_size", size)):
        if len(value) != dims:
            raise RuntimeError(f"{fn}: {name} must either be a single Int or tuple of {count}Ints")
    _check_fractional(input, kernel, size, _random_samples, dims, fn, words, where)
    # one sample per plane (n, c) and dim; torch's are (W, H) in 2-d and (T, H, W) in 3-d
    samples = _random_samples._data[:1 if input.dim() == dims + 1 else input.shape[0]].reshape(-1, dims)
    if dims == 2:
        samples = samples[:, ::-1]
    positions = [fractional_starts(np.ascontiguousarray(samples[:, i]), n, o, k)[:, :, None] + np.arange(k)
                 for i, (n, o, k) in enumerate(zip(input.shape[-dims:], size, kernel))]
    return op.apply(input, positions, bool(return_indices))


def _check_fractional(input, kernel, size, samples, dims, fn, words, where):
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(f"{where}: Expected {dims + 1}D or {dims + 2}D tensor, but got: {list(input.shape)}")
    for i in range(1, input.dim()):
        if input.shape[i] == 0:
            raise RuntimeError(f"{where}: Expected input to have non-zero size for non-batch dimensions, but got"
                               f"{list(input.shape)} with dimension {i} being empty.")
    if min(kernel) <= 0:
        raise RuntimeError(f"{where}: kernel size should be greater than zero, but got {'x'.join(map(str, kernel))}")
    if min(size) < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: "
                           f"{list(input.shape[:-dims]) + list(size)}")
    # torch checks 2-d windows against o + k - 1 <= n, and 3-d ones against o + k - 1 < n, in the order T, W, H
    checks = list(zip(words, input.shape[-dims:], size, kernel))
    for word, n, o, k in (checks if dims == 2 else [checks[0], checks[2], checks[1]]):
        if o + k - 1 > n - (dims == 3):
            raise RuntimeError(f"{where}: pool {word} {k} too large relative to input {word} {n}")
    if samples.dtype != input.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    if samples.dim() != 3:
        raise RuntimeError(f"Expect _random_samples to have 3 dimensions, got {samples.dim()}")
    batch = 1 if input.dim() == dims + 1 else input.shape[0]
    if samples.shape[0] < batch:
        raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")  # (torch's words)
    if samples.shape[1] != input.shape[-dims - 1]:
        raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    if samples.shape[2] != dims:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {dims}; got {samples.shape[2]}.")


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """The max of kh x kw windows whose starts are drawn at random (one sample per plane, in [0, 1), from
    ``_random_samples`` (N, C, 2) when given), placed to give ``output_size`` (or ``output_ratio`` of the input)."""
    return _fractional_max_pool(input, kernel_size, output_size, output_ratio, return_indices, _random_samples, 2,
                                FractionalMaxPool2D)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """3-d fractional max pooling of (N, C, T, H, W) or (C, T, H, W) (see fractional_max_pool2d)."""
    return _fractional_max_pool(input, kernel_size, output_size, output_ratio, return_indices, _random_samples, 3,
                                FractionalMaxPool3D)


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True, _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return fractional_max_pool3d(input, kernel_size, output_size, output_ratio, True, _random_samples)
