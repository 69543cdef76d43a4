"""grid_sample and affine_grid: reading an image at arbitrary points, and the points of an affine map.

``grid_sample(input, grid)`` reads ``input`` (N, C, H, W) at the points ``grid`` (N, Ho, Wo, 2) gives, in
[-1, 1] coordinates (x along W first, then y along H; a 5-D input takes (x, y, z) points). Each point
becomes an input position p = unnormalize(grid) (then clipped or reflected back in, by ``padding_mode``),
and the output is a weighted sum of a few input elements around p, its taps:

    z[n, c, q] = Σ_k W[n, q, k] · x[n, c, i[n, q, k]]

    nearest   1 tap   the nearest element (ties to even)                  W = 1
    bilinear  2 taps per dim at ⌊p⌋, ⌊p⌋+1 with weights 1-t, t           (t = p - ⌊p⌋)
    bicubic   4 taps per dim at ⌊p⌋-1 .. ⌊p⌋+2, torch's A=-0.75 cubic weights of t, each tap padded itself

W is the product of the per-dim weights; taps outside the input read 0 ('zeros' padding). Three small Ops
on flattened planes carry the maths (``TapSum``, ``TapScatter``, ``TapCorrelate``); each one's VJP is made
of the other two, so gradients of every order follow. The gradient for the grid goes through the weights:
dgrid = Σ_k (Σ_c g · x[i_k]) · ∂W_k/∂t · ∂t/∂grid, with ∂t/∂grid the unnormalizing scale times the padding's
slope (0 where a clip holds the point, ±1 through reflections): piecewise constant, as torch's.
"""
import warnings

import numpy as np

from ...ops.op import Op
from ...kernels.taps import tap_correlate_fast, tap_scatter_fast, tap_sum_fast
from ...creation import tensor
from ...ops.shape import stack as stack_tensors
from .interpolate import CUBIC_A, cubic_weights

MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
PADDING_MODES = {"zeros": 0, "border": 1, "reflection": 2}


# -- the taps' linear algebra: x (N, C, S) flattened planes, W and i (N, Q, K) (kernels/taps.py) ------------
class TapSum(Op):
    """z[n,c,q] = Σ_k W[n,q,k] · x[n,c,i[n,q,k]].
    VJP: dx = TapScatter(g, W) (each g·W sent back to its tap), dW = TapCorrelate(g, x)."""
    node_name = "TapSumBackward0"

    @staticmethod
    def forward(ctx, x, weight, index):
        ctx.save_for_backward(x, weight)
        ctx.index, ctx.size = index, x.shape[2]
        return tap_sum_fast(x, weight, index)

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.saved_tensors
        return TapScatter.apply(g, weight, ctx.index, ctx.size), TapCorrelate.apply(g, x, ctx.index)


class TapScatter(Op):
    """dx[n,c,s] = Σ_{q,k: i[n,q,k]=s} W[n,q,k] · g[n,c,q]  (the transpose of TapSum in x).
    VJP: dg = TapSum(h, W), dW = TapCorrelate(g, h)."""
    node_name = "TapScatterBackward0"

    @staticmethod
    def forward(ctx, g, weight, index, size):
        ctx.save_for_backward(g, weight)
        ctx.index = index
        return tap_scatter_fast(g, weight, index, size)

    @staticmethod
    def backward(ctx, h):
        g, weight = ctx.saved_tensors
        return TapSum.apply(h, weight, ctx.index), TapCorrelate.apply(g, h, ctx.index)


class TapCorrelate(Op):
    """dW[n,q,k] = Σ_c g[n,c,q] · x[n,c,i[n,q,k]]  (the transpose of TapSum in W).
    VJP: dg = TapSum(x, h), dx = TapScatter(g, h)."""
    node_name = "TapCorrelateBackward0"

    @staticmethod
    def forward(ctx, g, x, index):
        ctx.save_for_backward(g, x)
        ctx.index, ctx.size = index, x.shape[2]
        return tap_correlate_fast(g, x, index)

    @staticmethod
    def backward(ctx, h):
        g, x = ctx.saved_tensors
        return TapSum.apply(x, h, ctx.index), TapScatter.apply(g, h, ctx.index, ctx.size)


# -- where a grid point lands, one spatial dim at a time (torch's GridSampler.h) ----------------------------
def _unnormalize(coord, size, align_corners):
    """[-1, 1] -> input positions: -1 and 1 are the corner pixels' centres (align_corners) or their outer
    edges. Returns the position and its slope."""
    if align_corners:
        return (coord + 1) / 2 * (size - 1), (size - 1) / 2
    return ((coord + 1) * size - 1) / 2, size / 2


def _clip(p, size):
    """Clipped into [0, size-1]; the slope is 0 where the clip holds the point (at the ends too, as torch)."""
    return np.clip(p, 0, size - 1), ((p > 0) & (p < size - 1)).astype(p.dtype)


def _reflect(p, twice_low, twice_high):
    """Reflected at low and high (given doubled) until inside; the slope is ±1 by the number of reflections."""
    if twice_low == twice_high:
        return np.zeros_like(p), np.zeros_like(p)
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    d = p - low
    sign = np.where(d < 0, -1, 1).astype(p.dtype)
    d = np.abs(d)
    extra, flips = np.fmod(d, span), np.floor(d / span)
    even = flips % 2 == 0
    return np.where(even, extra + low, span - extra + low), np.where(even, sign, -sign)


def _pad(p, size, padding_mode, align_corners):
    """The position after padding_mode's rule ('zeros' leaves it; 'border' clips; 'reflection' reflects at
    the corner pixels' centres (align_corners) or their edges, then clips), and that rule's slope."""
    if padding_mode == 0:
        return p, np.ones_like(p)
    slope = 1
    if padding_mode == 2:
        p, slope = _reflect(p, 0, 2 * (size - 1)) if align_corners else _reflect(p, -1, 2 * size - 1)
    p, clip_slope = _clip(p, size)
    return p, slope * clip_slope


def _dim_taps(coord, size, mode, padding_mode, align_corners):
    """For one spatial dim: (tap positions (Kd, N, Q), some perhaps outside the input; t (N, Q), the point's
    position past the first tap but one (bicubic) or the first (bilinear); ∂t/∂grid (N, Q)). Nearest: one tap,
    no t."""
    p, scale = _unnormalize(coord, size, align_corners)
    if mode == 2:  # bicubic: the point is not padded, each of its taps is
        base = np.floor(p)
        taps = base + np.arange(-1, 3).reshape(4, 1, 1)
        taps = _pad(taps, size, padding_mode, align_corners)[0]
        return taps, p - base, scale * np.ones_like(p)
    p, slope = _pad(p, size, padding_mode, align_corners)
    if mode == 1:  # nearest, ties to even as std::nearbyint
        return np.rint(p)[None], None, None
    base = np.floor(p)
    return base + np.arange(2).reshape(2, 1, 1), p - base, scale * slope


def _dim_weights(t, mode, order):
    """One dim's tap weights (N, Q, Kd) at t, differentiated ``order`` (0, 1, 2) times in t - on arrays or on
    Tensors of t (then differentiable again)."""
    if mode == 0:
        w = ([1 - t, t], [-1 + 0 * t, 1 + 0 * t], [0 * t, 0 * t])[order]
    else:
        w = (cubic_weights, _cubic_slopes, _cubic_curvatures)[order](t, CUBIC_A)
    return (np.stack if isinstance(t, np.ndarray) else stack_tensors)(w, -1)


def _cubic_slopes(t, a):
    """d/dt of ``cubic_weights(t, a)`` (the taps at distances t+1, t, 1-t, 2-t)."""
    def near(x):  # d/dx of ((a+2)x - (a+3))x² + 1
        return (3 * (a + 2) * x - 2 * (a + 3)) * x

    def far(x):   # d/dx of ((ax - 5a)x + 8a)x - 4a
        return (3 * a * x - 10 * a) * x + 8 * a
    return [far(t + 1), near(t), -near(1 - t), -far(2 - t)]


def _cubic_curvatures(t, a):
    """d²/dt² of ``cubic_weights(t, a)``."""
    def near(x):
        return 6 * (a + 2) * x - 2 * (a + 3)

    def far(x):
        return 6 * a * x - 10 * a
    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _outer(factors):
    """W[n, q, (k1, k2, ...)] = Π_d factors[d][n, q, k_d]: the taps of all dims, the last dim fastest."""
    w = factors[0]
    for f in factors[1:]:
        w = (w[..., :, None] * f[..., None, :]).reshape(tuple(w.shape[:2]) + (w.shape[2] * f.shape[2],))
    return w


def _taps_weight(ts, mode, *wrt):
    """W (bilinear or bicubic), or with ``wrt`` its derivative in t_d for each d listed (∂W/∂t_d,
    ∂²W/∂t_d∂t_e)."""
    return _outer([_dim_weights(t, mode, wrt.count(d)) for d, t in enumerate(ts)])


class GridSampler(Op):
    """z[n,c,q] = Σ_k W(t)[n,q,k] · x[n,c,i[n,q,k]]: the input read at the grid's points (module docstring);
    t_d, the position past the first tap in spatial dim d, moves with the grid by the slope s_d.
    VJP: dx = TapScatter(g, W) (g·W sent back to the taps); dgrid_d = s_d Σ_k TapCorrelate(g, x)_k · ∂W_k/∂t_d."""
    node_name = "GridSampler2DBackward0"

    @staticmethod
    def forward(ctx, x, grid, mode, padding_mode, align_corners):
        n, c, *sizes = x.shape
        q, plane = int(np.prod(grid.shape[1:-1])), int(np.prod(sizes))
        points = grid.reshape(n, q, len(sizes))                      # (N, Q, dims): x, y(, z)
        with np.errstate(invalid="ignore"):  # a NaN or infinite point reads nothing (torch's differ by kernel)
            dims = [_dim_taps(points[..., len(sizes) - 1 - d], size, mode, padding_mode, align_corners)
                    for d, size in enumerate(sizes)]                  # in spatial order: (D,) H, W
        # the taps of all dims: their flat positions in the input plane, and whether all of them are inside
        index, inside = np.zeros(points.shape[:2] + (1,), np.int64), np.ones(points.shape[:2] + (1,), bool)
        for (taps, _, _), size in zip(dims, sizes):
            taps = np.moveaxis(taps, 0, -1)                           # (N, Q, Kd)
            ok = (taps >= 0) & (taps < size)
            taps = np.where(ok, taps, 0).astype(np.int64)
            k = index.shape[2] * taps.shape[2]
            index = (index[..., :, None] * size + taps[..., None, :]).reshape(n, q, k)
            inside = (inside[..., :, None] & ok[..., None, :]).reshape(n, q, k)
        index = np.where(inside, index, plane)                       # outside: kernels/taps.py's zero
        ts = [t for _, t, _ in dims]
        ctx.save_for_backward(x, grid)
        ctx.geometry = index, ts, [s for _, _, s in dims], mode, grid
        weight = np.ones(index.shape, x.dtype) if mode == 1 else _taps_weight(ts, mode)
        with np.errstate(all="ignore"):  # inf · 0 is NaN, silently, as torch
            return tap_sum_fast(x.reshape(n, c, plane), weight, index).reshape((n, c) + grid.shape[1:-1])

    @staticmethod
    def backward(ctx, g):
        x, grid = ctx.saved_tensors
        backward = GridSampler2DBackward if x.dim() == 4 else GridSampler3DBackward
        return backward.apply(g, x, grid, ctx.geometry, tuple(ctx.needs_input_grad[:2]))


class GridSampler3D(GridSampler):
    node_name = "GridSampler3DBackward0"


class GridSampler2DBackward(Op):
    """(dx, dgrid) of grid_sample (GridSampler's VJP), from g, x and the grid, on arrays.
    VJP, for upstream (hx, hgrid) - with V = Σ_d hgrid_d s_d ∂W/∂t_d, the weights' change along hgrid:
    dg = TapSum(hx, W) + TapSum(x, V);  dx = TapScatter(g, V);
    dgrid_e = s_e Σ_k [TapCorrelate(g, hx)_k ∂W_k/∂t_e + TapCorrelate(g, x)_k Σ_d hgrid_d s_d ∂²W_k/∂t_d∂t_e]
    - in Tensor ops of g, x and the grid, so differentiable again."""
    node_name = "GridSampler2DBackwardBackward0"

    @staticmethod
    def forward(ctx, g, x, grid, geometry, wanted):
        ctx.save_for_backward(g, x, grid)
        ctx.geometry = geometry
        index, ts, slopes, mode, _ = geometry
        n, c, *sizes = x.shape
        dims, plane = len(sizes), int(np.prod(sizes))
        g = g.reshape(n, c, index.shape[1])
        dx = dgrid = None
        if wanted[0]:
            weight = np.ones(index.shape, g.dtype) if mode == 1 else _taps_weight(ts, mode)
            dx = tap_scatter_fast(g, weight, index, plane).reshape(x.shape)
        if wanted[1]:
            if mode == 1:  # nearest: the weights do not move with the grid
                dgrid = np.zeros_like(grid)
            else:
                corr = tap_correlate_fast(g, x.reshape(n, c, plane), index)
                parts = [(corr * _taps_weight(ts, mode, d)).sum(-1) * slopes[d] for d in range(dims)]
                dgrid = np.stack(parts[::-1], -1).reshape(grid.shape)   # back to (x, y(, z)) order
        return dx, dgrid

    @staticmethod
    def backward(ctx, hx, hgrid):
        g, x, grid = ctx.saved_tensors
        index, ts0, slopes, mode, grid0 = ctx.geometry
        shapes = g.shape, x.shape
        n, c, *sizes = x.shape
        dims, q, plane = len(sizes), index.shape[1], int(np.prod(sizes))
        g, x = g.reshape(n, c, q), x.reshape(n, c, plane)
        if mode == 1:  # nearest: dx = TapScatter(g, 1) is linear in g alone
            ones = tensor(np.ones(index.shape, g._data.dtype))
            return (None if hx is None else TapSum.apply(hx.reshape(n, c, plane), ones, index).reshape(shapes[0])), \
                None, None
        # t as a function of the grid, t0 + s · (grid - grid0): t0 in value, moving with the grid
        moved = grid.reshape(n, q, dims) - tensor(grid0.reshape(n, q, dims))
        ts = [moved[..., dims - 1 - d] * tensor(s) + tensor(t0) for d, (t0, s) in enumerate(zip(ts0, slopes))]
        dg = dx = dgrid = None
        if hgrid is not None:
            hg = hgrid.reshape(n, q, dims)
            along = [hg[..., dims - 1 - d] * tensor(slopes[d]) for d in range(dims)]   # hgrid_d s_d
            v = sum(along[d][..., None] * _taps_weight(ts, mode, d) for d in range(dims))
            dg, dx = TapSum.apply(x, v, index), TapScatter.apply(g, v, index, plane)
            corr = TapCorrelate.apply(g, x, index)
            dgrid = [(corr * sum(along[d][..., None] * _taps_weight(ts, mode, d, e) for d in range(dims))).sum(-1)
                     for e in range(dims)]
        if hx is not None:
            hx = hx.reshape(n, c, plane)
            dg_hx = TapSum.apply(hx, _taps_weight(ts, mode), index)
            dg = dg_hx if dg is None else dg + dg_hx
            corr = TapCorrelate.apply(g, hx, index)
            parts = [(corr * _taps_weight(ts, mode, e)).sum(-1) for e in range(dims)]
            dgrid = parts if dgrid is None else [a + b for a, b in zip(dgrid, parts)]
        if dgrid is not None:
            dgrid = stack_tensors([dgrid[e] * tensor(slopes[e]) for e in range(dims)][::-1], -1).reshape(grid.shape)
        return (None if dg is None else dg.reshape(shapes[0])), (None if dx is None else dx.reshape(shapes[1])), dgrid


class GridSampler3DBackward(GridSampler2DBackward):
    node_name = "GridSampler3DBackwardBackward0"


# -- argument checks and the public functions ------------------------------------------------------------
def _check(input, grid, interpolation_mode, dims):
    if input.dtype != grid.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype.scalar_name} but found {grid.dtype.scalar_name}")
    shapes = f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}"
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got {shapes}")
    if grid.shape[-1] != input.dim() - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {input.dim() - 2} in last dimension, but got "
                           f"grid with sizes {list(grid.shape)}")
    for i in range(2, input.dim()):
        if input.shape[i] <= 0:
            raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial dimensions, but input has "
                               f"sizes {list(input.shape)} with dimension {i} being empty")
    if input.dim() != dims + 2 or grid.dim() != input.dim():
        raise RuntimeError(f"grid_sampler(): expected {dims + 2}D input and grid with same number of dimensions, but "
                           f"got {shapes}")
    if dims == 3 and interpolation_mode == 2:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if not input.is_floating_point():
        raise NotImplementedError(f"\"grid_sampler_{dims}d_cpu_kernel_impl\" not implemented for "
                                  f"'{input.dtype.scalar_name}'")


def grid_sampler_2d(input, grid, interpolation_mode, padding_mode, align_corners):
    """``input`` (N, C, H, W) read at ``grid`` (N, Ho, Wo, 2); modes as integers (bilinear 0, nearest 1,
    bicubic 2; zeros 0, border 1, reflection 2)."""
    _check(input, grid, interpolation_mode, 2)
    return GridSampler.apply(input, grid, int(interpolation_mode), int(padding_mode), bool(align_corners))


def grid_sampler_3d(input, grid, interpolation_mode, padding_mode, align_corners):
    """``input`` (N, C, D, H, W) read at ``grid`` (N, Do, Ho, Wo, 3) (bilinear 0 - trilinear -, nearest 1)."""
    _check(input, grid, interpolation_mode, 3)
    return GridSampler3D.apply(input, grid, int(interpolation_mode), int(padding_mode), bool(align_corners))


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    """grid_sampler_2d or grid_sampler_3d, by the input's dimensions."""
    if input.dim() == 4:
        return grid_sampler_2d(input, grid, interpolation_mode, padding_mode, align_corners)
    return grid_sampler_3d(input, grid, interpolation_mode, padding_mode, align_corners)


_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please "
                  "specify align_corners=True if the old behavior is desired. See the documentation of grid_sample "
                  "for details.")


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """``input`` (N, C, H, W) or (N, C, D, H, W) read at the points of ``grid`` (N, Ho, Wo, 2) or
    (N, Do, Ho, Wo, 3), coordinates in [-1, 1] (module docstring)."""
    if mode not in MODES:
        raise ValueError("nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'")
    if padding_mode not in PADDING_MODES:
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    return grid_sampler(input, grid, MODES[mode], PADDING_MODES[padding_mode], align_corners)


# -- affine_grid ---------------------------------------------------------------------------------------------
def _base_grid(sizes, align_corners, dtype):
    """(*sizes, dims+1): every output point's (x, y(, z), 1), the coordinates evenly spaced in [-1, 1]
    (the corner pixels' centres at ±1 with align_corners, else their edges)."""
    def steps(n):
        if n <= 1:
            return np.zeros(1)
        r = np.linspace(-1, 1, n)
        return r if align_corners else r * (n - 1) / n
    axes = np.meshgrid(*[steps(n) for n in sizes], indexing="ij")            # (D,) H, W order
    return np.stack(list(axes)[::-1] + [np.ones(tuple(sizes))], -1).astype(dtype)  # x, y(, z), 1


class AffineGridGenerator(Op):
    """grid[n, q] = θ[n] · (x_q, y_q(, z_q), 1): every output point mapped by its batch's affine matrix.
    VJP: dθ[n] = Σ_q g[n, q] ⊗ (x_q, y_q(, z_q), 1) = g[n]ᵀ · base."""
    node_name = "AffineGridGeneratorBackward0"

    @staticmethod
    def forward(ctx, theta, size, align_corners):
        base = _base_grid(size[2:], align_corners, theta.dtype)
        ctx.base = base.reshape(-1, base.shape[-1])
        n = size[0]
        if theta.shape[0] != n:  # torch's bmm refuses the batch sizes in these words
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{n}, "
                               f"{base.shape[-1]}] but got: [{theta.shape[0]}, {theta.shape[2]}].")
        return np.matmul(ctx.base, np.swapaxes(theta, 1, 2)).reshape((n,) + tuple(size[2:]) + (len(size) - 2,))

    @staticmethod
    def backward(ctx, g):
        n, dims = g.shape[0], g.shape[-1]
        return g.reshape(n, len(ctx.base), dims).transpose(1, 2) @ tensor(ctx.base)


def affine_grid_generator(theta, size, align_corners):
    return AffineGridGenerator.apply(theta, tuple(int(s) for s in size), bool(align_corners))


def affine_grid(theta, size, align_corners=None):
    """The sampling grid (N, H, W, 2) or (N, D, H, W, 3) of the affine maps ``theta`` (N, 2, 3) or
    (N, 3, 4), for an output of ``size`` (N, C, H, W) or (N, C, D, H, W): grid_sample's points."""
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. Got "
                             f"{theta.shape}.")
        spatial_size = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. Got "
                             f"{theta.shape}.")
        spatial_size = size[-3:]
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    if align_corners and min(spatial_size) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation of "
                      "affine_grid for details.", stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    return affine_grid_generator(theta, size, align_corners)
