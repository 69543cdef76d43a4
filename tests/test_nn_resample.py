"""interpolate (every mode, antialias, lanczos), the deprecated upsample*, nn.Upsample and its two subclasses,
grid_sample (every mode and padding, 4-D and 5-D), grid_sampler*, affine_grid: compared with torch -
values, node names, gradients (for the grid too), second derivatives, errors, warnings and reprs.

Floats are compared at the suite's tolerances (float64 ~1e-10, float32 ~1e-5): the sampling positions and
weights are computed as torch computes them (in the input's float type, floorf where torch rounds to float),
but sums run in another order. Grid points are drawn on multiples of 1/8 as often as off them, so that
points land exactly on pixels, on the corners (±1) and on the reflection and clipping boundaries, where the
gradient's conventions (which side a tie belongs to) must be torch's.
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import check, check_second_order, double_backward, outcome_and_warnings, same_error


def F(lib):
    return lib.nn.functional


def channels_last(x):
    """The same values with the channels innermost in memory (torch's channels_last layout)."""
    return np.moveaxis(np.ascontiguousarray(np.moveaxis(x, 1, -1)), -1, 1)


DIMS_MODES = {3: ["nearest", "nearest-exact", "linear", "area"],
              4: ["nearest", "nearest-exact", "bilinear", "bicubic", "area"],
              5: ["nearest", "nearest-exact", "trilinear", "area"]}


# -- interpolate -----------------------------------------------------------------------------------------------
@st.composite
def interpolate_problem(draw):
    """An input of 3, 4 or 5 dims (channels innermost in memory half of the time) and interpolate's arguments:
    a size or a scale factor (each an int/float or one per spatial dim), align_corners for the interpolating
    modes, recompute_scale_factor sometimes."""
    ndim = draw(st.sampled_from([3, 4, 5]))
    mode = draw(st.sampled_from(DIMS_MODES[ndim]))
    spatial = tuple(draw(st.integers(1, 6 if ndim < 5 else 4)) for _ in range(ndim - 2))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    x = np.random.default_rng(draw(st.integers(0, 2 ** 16))).standard_normal(
        (draw(st.integers(1, 2)), draw(st.integers(1, 3))) + spatial).astype(dtype)
    if draw(st.booleans()):
        x = channels_last(x)
    args = dict(mode=mode)
    if draw(st.booleans()):
        sizes = [draw(st.integers(1, 9)) for _ in spatial]
        args["size"] = sizes[0] if draw(st.booleans()) else tuple(sizes)
    else:
        # factors that give at least one output element, some exactly representable, some not
        factors = [draw(st.sampled_from([1.0, 2.0, 0.5, 3.0, 1.7, 0.75, 2.4, 1 / 3])) for _ in spatial]
        factors = [max(f, 1.0 / n) for f, n in zip(factors, spatial)]
        if ndim != 4 and mode == "nearest":
            # torch's 1-d and 3-d nearest backward reads the sizes first (the same size: o; twice: o/2), as its
            # 2-d kernel does, while their forward samples with 1/scale_factor: where the two differ, torch's
            # gradient is not its forward's (minitorch's is); those factors are left out
            factors = [f if int(n * f) not in (n, 2 * n) or f in (1.0, 2.0) else 1.0 for f, n in zip(factors, spatial)]
        if mode == "bicubic" and all(int(n * f) == n for f, n in zip(factors, spatial)):
            # torch's bicubic backward copies g when no size changes, while its forward samples with
            # 1/scale_factor (minitorch's gradient is its forward's transpose); those factors are left out
            factors = [1.0 for _ in spatial]
        args["scale_factor"] = factors[0] if len(set(factors)) == 1 and draw(st.booleans()) else tuple(factors)
        args["recompute_scale_factor"] = draw(st.sampled_from([None, False, True]))
    if mode not in ("nearest", "nearest-exact", "area"):
        args["align_corners"] = draw(st.sampled_from([None, False, True]))
    return x, args


@settings(max_examples=80)
@given(interpolate_problem())
def test_interpolate_matches_torch(problem):
    x, args = problem
    check(lambda lib, x: F(lib).interpolate(x, **args), x)


@settings(max_examples=30)
@given(st.sampled_from(["bilinear", "bicubic", "lanczos"]), st.booleans(), st.sampled_from([np.float32, np.float64]),
       st.tuples(st.integers(1, 12), st.integers(1, 12)), st.tuples(st.integers(1, 12), st.integers(2, 12)))
def test_interpolate_antialias_matches_torch(mode, align_corners, dtype, size, out):
    """antialias=True (torch's _upsample_*_aa): shrinking widens the filter over every input pixel. Lanczos
    exists only antialiased, without align_corners. (An output width of 1: test_interpolate_antialias_to_width_one.)"""
    align_corners = align_corners and mode != "lanczos"
    x = np.random.default_rng(size[0] * 13 + out[1]).standard_normal((2, 2) + size).astype(dtype)
    check(lambda lib, x: F(lib).interpolate(x, size=out, mode=mode, align_corners=align_corners, antialias=True), x)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "lanczos"])
def test_interpolate_antialias_to_width_one(mode):
    """torch 2.14's antialiased kernel gets an output width of 1 with more than one output row wrong: every
    row is a copy of the first (below: torch's one-step result against torch's own two steps, which the
    separable filter must equal). minitorch gives the two-step result in one step."""
    x = np.random.default_rng(16).standard_normal((1, 2, 8, 5))

    def resize(lib, x, size):
        return F(lib).interpolate(x, size=size, mode=mode, antialias=True)
    t = torch.from_numpy(x)
    two_steps = resize(torch, resize(torch, t, (3, 5)), (3, 1))
    assert not torch.allclose(resize(torch, t, (3, 1)), two_steps)          # torch's bug, shown
    np.testing.assert_allclose(resize(minitorch, minitorch.from_numpy(x), (3, 1)).numpy(), two_steps.numpy(),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mode, shape", [("nearest", (2, 3, 4, 5)), ("nearest-exact", (2, 2, 3, 4, 2)),
                                         ("linear", (2, 3, 5)), ("bilinear", (2, 3, 4, 5)),
                                         ("bicubic", (1, 2, 4, 5)), ("trilinear", (1, 2, 3, 4, 2)),
                                         ("area", (2, 3, 7)), ("area", (1, 2, 5, 4, 3))])
def test_interpolate_second_order(mode, shape):
    """The VJP is the taps' transpose, recorded: differentiable in the upstream gradient (double backward)
    and, times a function of x, in x."""
    x = np.random.default_rng(2).standard_normal(shape)
    align = {} if mode in ("nearest", "nearest-exact", "area") else dict(align_corners=True)
    double_backward(lambda lib, x: F(lib).interpolate(x, scale_factor=1.6, mode=mode, **align), x)
    check_second_order(lambda lib, x: F(lib).interpolate(x, size=3, mode=mode, **align) * x.sum(), x)


@pytest.mark.parametrize("mode, scale_factor", [("linear", (1.1,)), ("bilinear", (1.17, 1.1)), ("bilinear", (1.1, 0.9)),
                                                ("trilinear", (1.0, 1.2, 1.1)), ("bicubic", (1.17, 1.1)),
                                                ("nearest", (1.17, 1.1)), ("nearest-exact", (1.1, 1.17))])
def test_interpolate_axes_that_keep_their_size(mode, scale_factor):
    """An axis whose size a scale factor leaves as it was (⌊8 · 1.1⌋ = 8): torch's linear kernels copy it,
    its cubic and nearest kernels still sample it with 1/scale_factor."""
    x = np.random.default_rng(21).standard_normal((1, 2) + (8,) * len(scale_factor))
    align = dict(align_corners=False) if mode in ("linear", "bilinear", "trilinear", "bicubic") else {}
    check(lambda lib, x: F(lib).interpolate(x, scale_factor=scale_factor, mode=mode, **align), x)


@pytest.mark.parametrize("mode, shape", [("nearest", (1, 2, 5, 6)), ("linear", (2, 2, 7)), ("bilinear", (1, 2, 5, 6)),
                                         ("bicubic", (1, 2, 5, 6)), ("trilinear", (1, 1, 3, 4, 5)),
                                         ("area", (1, 1, 5, 4, 6))])
def test_interpolate_nan_and_inf_stay_local(mode, shape):
    """A NaN or an infinity reaches only the outputs whose taps read it (the fast kernel's matrix product
    would spread 0·NaN along the whole line); the gradients stay finite. ('area' of 3-D and 4-D inputs is
    pooling.py's adaptive_avg_pool2d, whose averaging matrices spread a NaN today: not tested here.)"""
    x = np.random.default_rng(19).standard_normal(shape)
    x.flat[[1, -3]] = np.nan, np.inf
    align = {} if mode in ("nearest", "area") else dict(align_corners=False)
    check(lambda lib, x: F(lib).interpolate(x, scale_factor=2 if mode != "area" else 0.5, mode=mode, **align), x)


def test_interpolate_node_names_and_graph():
    x = minitorch.randn(1, 2, 5, 5, dtype=minitorch.float64, requires_grad=True)
    names = {mode: F(minitorch).interpolate(x, size=7, mode=mode).grad_fn.name()
             for mode in ("nearest", "nearest-exact", "bilinear", "bicubic", "area")}
    assert names == {"nearest": "UpsampleNearest2DBackward0", "nearest-exact": "UpsampleNearestExact2DBackward0",
                     "bilinear": "UpsampleBilinear2DBackward0", "bicubic": "UpsampleBicubic2DBackward0",
                     "area": "AdaptiveAvgPool2DBackward0"}
    y = F(minitorch).interpolate(x, size=3, mode="bicubic", antialias=True)
    assert y.grad_fn.name() == "UpsampleBicubic2DAaBackward0"
    y = F(minitorch).interpolate(x, size=3, mode="lanczos", antialias=True)
    assert y.grad_fn.name() == "UpsampleLanczos2DAaBackward0"
    g, = minitorch.autograd.grad((F(minitorch).interpolate(x, size=3, mode="bilinear") ** 2).sum(), x,
                                 create_graph=True)
    assert g.grad_fn.name() == "UpsampleBilinear2DBackwardBackward0"
    x1 = minitorch.randn(1, 2, 5, requires_grad=True)
    y = F(minitorch).interpolate(x1, size=3, mode="area")   # torch's 1-d area: the 2-d pool over a height of one
    assert [y.grad_fn.name(), y.grad_fn.next_functions[0][0].name()] == ["SqueezeBackward1",
                                                                         "AdaptiveAvgPool2DBackward0"]


def test_interpolate_uint8_nearest_is_exact():
    x = np.random.default_rng(3).integers(0, 256, (2, 3, 5, 4)).astype(np.uint8)
    for mode in ("nearest", "nearest-exact"):
        mine = F(minitorch).interpolate(minitorch.from_numpy(x), scale_factor=1.7, mode=mode)
        theirs = F(torch).interpolate(torch.from_numpy(x), scale_factor=1.7, mode=mode)
        assert mine.dtype == minitorch.uint8
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())


@pytest.mark.parametrize("call", [
    lambda F, x: F.interpolate(x, size=0),
    lambda F, x: F.interpolate(x, scale_factor=0.1),
    lambda F, x: F.interpolate(x, scale_factor=-1.0),
    lambda F, x: F.interpolate(x[0], scale_factor=0.1, mode="linear"),
    lambda F, x: F.interpolate(x[None], scale_factor=0.1, mode="trilinear"),
    lambda F, x: F.interpolate(x[:, :0], size=3),
    lambda F, x: F.interpolate(x[:, :, :0], size=3, mode="bilinear"),
    lambda F, x: F.interpolate(x, size=(2, 3, 4)),
    lambda F, x: F.interpolate(x, size=(2.0, 3)),
    lambda F, x: F.interpolate(x, size=(2, None)),
    lambda F, x: F.interpolate(x, scale_factor=(2.0,)),
    lambda F, x: F.interpolate(x),
    lambda F, x: F.interpolate(x, size=2, scale_factor=2),
    lambda F, x: F.interpolate(x, size=2, recompute_scale_factor=True),
    lambda F, x: F.interpolate(x, size=2, align_corners=True),
    lambda F, x: F.interpolate(x, size=2, mode="area", align_corners=False),
    lambda F, x: F.interpolate(x, size=2, mode="linear"),
    lambda F, x: F.interpolate(x, size=2, mode="trilinear"),
    lambda F, x: F.interpolate(x[0], size=2, mode="bilinear"),
    lambda F, x: F.interpolate(x[0], size=2, mode="bicubic"),
    lambda F, x: F.interpolate(x, size=2, mode="foo"),
    lambda F, x: F.interpolate(x[0, 0], size=2),
    lambda F, x: F.interpolate(x[0], size=2, mode="linear", antialias=True),
    lambda F, x: F.interpolate(x, size=2, mode="nearest", antialias=True),
    lambda F, x: F.interpolate(x.long(), size=2, mode="area"),
    lambda F, x: F.interpolate(x[None].long(), size=2, mode="area"),
    lambda F, x: F.interpolate(x.long(), size=2, mode="bicubic"),
    lambda F, x: F.interpolate(x.int(), size=2, mode="bilinear", antialias=True),
    lambda F, x: F.interpolate(x.long(), size=2, mode="nearest-exact"),
    lambda F, x: F.interpolate(x[0].char(), size=2),
    lambda F, x: F.interpolate(x[0].byte(), size=2, mode="linear"),
    lambda F, x: F.interpolate(x, size=2, mode="lanczos"),
    lambda F, x: F.interpolate(x, size=2, mode="lanczos", antialias=True, align_corners=True),
    lambda F, x: F.interpolate(x[0], size=2, mode="lanczos"),
    lambda F, x: F.interpolate(x[0], size=2, mode="lanczos", antialias=True),
])
def test_interpolate_errors(call):
    same_error(lambda lib, x: call(F(lib), x), np.zeros((2, 3, 4, 5), np.float32))


@pytest.mark.parametrize("name, call", [
    ("upsample", lambda F, x: F.upsample(x, scale_factor=2, mode="bilinear")),
    ("upsample_nearest", lambda F, x: F.upsample_nearest(x, size=(3, 7))),
    ("upsample_bilinear", lambda F, x: F.upsample_bilinear(x, scale_factor=1.5)),
])
def test_deprecated_upsample_warns_and_matches(name, call):
    x = np.random.default_rng(4).standard_normal((2, 3, 4, 5))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check(lambda lib, x: call(F(lib), x), x)
    messages = [str(w.message) for w in caught if w.category is UserWarning]
    expected = f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` instead."
    assert messages == [expected, expected]   # once from minitorch, once from torch


@pytest.mark.parametrize("make", [
    lambda nn: nn.Upsample(scale_factor=2),
    lambda nn: nn.Upsample(size=(3, 7), mode="bilinear", align_corners=True),
    lambda nn: nn.Upsample(scale_factor=(1.5, 2), mode="bicubic"),
    lambda nn: nn.Upsample(size=6, mode="nearest-exact"),
    lambda nn: nn.Upsample(scale_factor=0.5, mode="area"),
    lambda nn: nn.UpsamplingNearest2d(scale_factor=3),
    lambda nn: nn.UpsamplingBilinear2d(size=(5, 3)),
])
def test_upsample_modules(make):
    mine, theirs = make(minitorch.nn), make(torch.nn)
    assert repr(mine) == repr(theirs)
    assert repr(minitorch.nn.Sequential(mine)) == repr(torch.nn.Sequential(theirs))
    x = np.random.default_rng(5).standard_normal((2, 3, 4, 6))
    check(lambda lib, x: (mine if lib is minitorch else theirs)(x), x)


# -- grid_sample ------------------------------------------------------------------------------------------------
@st.composite
def grid_problem(draw, modes=("bilinear", "nearest", "bicubic")):
    """An input (N, C, H, W) or (N, C, D, H, W), a grid reaching a little outside [-1, 1] (on multiples of 1/8
    half of the time), and grid_sample's options."""
    dims = draw(st.sampled_from([2, 3]))
    mode = draw(st.sampled_from([m for m in modes if not (dims == 3 and m == "bicubic")]))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    spatial = tuple(draw(st.integers(1, 5)) for _ in range(dims))
    out = tuple(draw(st.integers(1, 4)) for _ in range(dims))
    x = rng.standard_normal((n, c) + spatial).astype(dtype)
    if draw(st.booleans()):
        x = channels_last(x)
    grid = rng.uniform(-1.4, 1.4, (n,) + out + (dims,))
    if draw(st.booleans()):
        grid = np.round(grid * 8) / 8
    args = dict(mode=mode, padding_mode=draw(st.sampled_from(["zeros", "border", "reflection"])),
                align_corners=draw(st.booleans()))
    return x, grid.astype(dtype), args


@settings(max_examples=80)
@given(grid_problem())
def test_grid_sample_matches_torch(problem):
    x, grid, args = problem
    check(lambda lib, x, grid: F(lib).grid_sample(x, grid, **args), x, grid)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_second_order(mode, padding_mode, align_corners):
    """torch differentiates grid_sample's backward again (GridSampler2DBackwardBackward0), in x and grid."""
    rng = np.random.default_rng(6)
    x, grid = rng.standard_normal((2, 2, 4, 5)), rng.uniform(-1.2, 1.2, (2, 3, 2, 2))
    check_second_order(lambda lib, x, grid: F(lib).grid_sample(x, grid, mode, padding_mode, align_corners), x, grid)


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_grid_sample_3d_second_order(padding_mode):
    rng = np.random.default_rng(7)
    x, grid = rng.standard_normal((1, 2, 3, 4, 3)), rng.uniform(-1.2, 1.2, (1, 2, 3, 2, 3))
    check_second_order(lambda lib, x, grid: F(lib).grid_sample(x, grid, "bilinear", padding_mode, False), x, grid)


def test_grid_sample_nearest_gradients():
    """Nearest: the grid's gradient is zero (a tensor, as torch's), the input's goes to the chosen elements,
    and it is differentiable in the upstream gradient."""
    rng = np.random.default_rng(8)
    x, grid = rng.standard_normal((2, 3, 4, 5)), rng.uniform(-1.2, 1.2, (2, 3, 4, 2))
    check(lambda lib, x, grid: F(lib).grid_sample(x, grid, mode="nearest", align_corners=False), x, grid)
    double_backward(lambda lib, x: F(lib).grid_sample(x, lib.tensor(grid), mode="nearest", align_corners=True), x)


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
def test_grid_sample_nan_and_inf_stay_local(mode):
    """Points reading a NaN or infinity get it; points whose taps fall outside the image read zeros, never
    the image's values (however they are weighted)."""
    rng = np.random.default_rng(20)
    x = rng.standard_normal((1, 2, 4, 5))
    x[0, :, 0, 0], x[0, :, 3, 4] = np.nan, np.inf
    grid = np.concatenate([rng.uniform(-1.5, 1.5, (1, 4, 3, 2)), [[[[-1, -1], [1, 1], [-1.7, 0.2]]]]], axis=1)
    for padding_mode in ("zeros", "border", "reflection"):
        check(lambda lib, x, g: F(lib).grid_sample(x, g, mode, padding_mode, align_corners=False), x, grid)


def test_grid_sampler_functions_and_node_names():
    rng = np.random.default_rng(9)
    x4, g4 = rng.standard_normal((2, 3, 4, 5)), rng.uniform(-1, 1, (2, 3, 4, 2))
    x5, g5 = rng.standard_normal((1, 2, 3, 4, 5)), rng.uniform(-1, 1, (1, 2, 3, 4, 3))
    check(lambda lib, x, g: lib.grid_sampler(x, g, 0, 1, True), x4, g4)
    check(lambda lib, x, g: lib.grid_sampler_2d(x, g, 2, 2, False), x4, g4)
    check(lambda lib, x, g: lib.grid_sampler_3d(x, g, 1, 0, False), x5, g5)
    check(lambda lib, x, g: lib.grid_sampler(x, g, 0, 2, True), x5, g5)
    names = []
    for lib, x, g in ((minitorch, x4, g4), (minitorch, x5, g5), (torch, x4, g4), (torch, x5, g5)):
        x, g = lib.tensor(x, requires_grad=True), lib.tensor(g, requires_grad=True)
        y = F(lib).grid_sample(x, g, align_corners=True)
        dx, dg = lib.autograd.grad((y ** 2).sum(), (x, g), create_graph=True)
        names.append((y.grad_fn.name(), dx.grad_fn.name(), dg.grad_fn.name()))
    assert names[:2] == names[2:] == [("GridSampler2DBackward0",) + ("GridSampler2DBackwardBackward0",) * 2,
                                      ("GridSampler3DBackward0",) + ("GridSampler3DBackwardBackward0",) * 2]


def test_grid_sample_empty_batches_and_outputs():
    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, 3, 4, 5))
    check(lambda lib, x, g: F(lib).grid_sample(x, g, align_corners=False), x[:0], rng.uniform(-1, 1, (0, 3, 4, 2)))
    check(lambda lib, x, g: F(lib).grid_sample(x, g, align_corners=False), x, rng.uniform(-1, 1, (2, 0, 4, 2)))
    check(lambda lib, x, g: F(lib).grid_sample(x, g, align_corners=False), x[:, :0], rng.uniform(-1, 1, (2, 3, 4, 2)))


@pytest.mark.parametrize("call", [
    lambda F, x, g: F.grid_sample(x, g, mode="foo"),
    lambda F, x, g: F.grid_sample(x, g, padding_mode="foo"),
    lambda F, x, g: F.grid_sample(x[None], g[None, ..., :1].expand(1, 2, 6, 7, 3), mode="bicubic",
                                  align_corners=False),
    lambda F, x, g: F.grid_sample(x, g.float(), align_corners=False),
    lambda F, x, g: F.grid_sample(x, g[:1], align_corners=False),
    lambda F, x, g: F.grid_sample(x, g[..., :1], align_corners=False),
    lambda F, x, g: F.grid_sample(x, g[0], align_corners=False),
    lambda F, x, g: F.grid_sample(x[0], g[0], align_corners=False),
    lambda F, x, g: F.grid_sample(x[:, :, :0], g, align_corners=False),
    lambda F, x, g: F.grid_sample(x.long(), g.long(), align_corners=False),
    lambda F, x, g: F.grid_sample(x[:, :, 0], g[:, 0, :, :1], align_corners=False),
])
def test_grid_sample_errors(call):
    rng = np.random.default_rng(11)
    x, grid = rng.standard_normal((2, 3, 4, 5)), rng.uniform(-1, 1, (2, 6, 7, 2))
    same_error(lambda lib, x, g: call(F(lib), x, g), x, grid)
    same_error(lambda lib, x, g: lib.grid_sampler_3d(x, g, 0, 0, False), x, grid)


def test_grid_sample_default_align_corners_warns():
    rng = np.random.default_rng(12)
    x, grid = rng.standard_normal((1, 1, 3, 3)), rng.uniform(-1, 1, (1, 2, 2, 2))
    outcomes = [outcome_and_warnings(lambda: F(lib).grid_sample(lib.tensor(x), lib.tensor(grid)).tolist())
                for lib in (minitorch, torch)]
    assert outcomes[0][1] == outcomes[1][1] and len(outcomes[0][1]) == 1
    np.testing.assert_allclose(outcomes[0][0][1], outcomes[1][0][1], rtol=1e-12)


# -- affine_grid ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 1, 1, 6), (2, 3, 3, 1, 4), (2, 1, 2, 3, 2)])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_affine_grid_matches_torch(size, align_corners, dtype):
    theta = np.random.default_rng(13).standard_normal((2, len(size) - 2, len(size) - 1)).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unit sizes with align_corners warn (test_affine_grid_warnings)
        check(lambda lib, t: F(lib).affine_grid(t, size, align_corners=align_corners), theta)
        check_second_order(lambda lib, t: F(lib).affine_grid(t, size, align_corners=align_corners) ** 2,
                           theta.astype(np.float64))


def test_affine_grid_and_grid_sample_make_a_spatial_transformer():
    """The spatial transformer's sampler: a grid from θ, the image read at it - gradients reach θ."""
    rng = np.random.default_rng(14)
    x, theta = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((2, 2, 3)) * 0.5 + [[1, 0, 0], [0, 1, 0]]

    def stn(lib, x, theta):
        grid = F(lib).affine_grid(theta, (2, 3, 4, 4), align_corners=False)
        return F(lib).grid_sample(x, grid, padding_mode="border", align_corners=False)
    check(stn, x, theta)


@pytest.mark.parametrize("call", [
    lambda F, t: F.affine_grid(t, (2, 3, 4, 5, 6), align_corners=False),
    lambda F, t: F.affine_grid(t, (2, 3, 4), align_corners=False),
    lambda F, t: F.affine_grid(t.long(), (2, 3, 4, 5), align_corners=False),
    lambda F, t: F.affine_grid(t, (2, 3, 0, 5), align_corners=False),
    lambda F, t: F.affine_grid(t, (3, 3, 4, 5), align_corners=False),
    lambda F, t: F.affine_grid(t[0], (2, 3, 4, 5), align_corners=False),
])
def test_affine_grid_errors(call):
    same_error(lambda lib, t: call(F(lib), t), np.zeros((2, 2, 3)))


def test_affine_grid_warnings():
    theta = np.random.default_rng(15).standard_normal((2, 2, 3))
    for args in ((2, 3, 4, 5), None), ((2, 3, 1, 5), True), ((2, 3, 4, 5), False):
        outcomes = [outcome_and_warnings(lambda: F(lib).affine_grid(lib.tensor(theta), *args).tolist())
                    for lib in (minitorch, torch)]
        assert outcomes[0][1] == outcomes[1][1]
        np.testing.assert_allclose(outcomes[0][0][1], outcomes[1][0][1], rtol=1e-12)
