"""Pooling in 1 and 3 spatial dims (and what is new in 2-d: Lp, fractional pooling, max_unpool), compared with
torch: values, indices, node names and graphs, gradients, second derivatives, errors and reprs; BatchNorm3d.

One implementation serves every dimension (nn/functional/pooling.py, pooling_adaptive.py, unpooling.py); the
2-d pools are tested in tests/test_nn_pool.py. Max pooling's gradient is only defined where each window's max
is unique, so most inputs are permutations of distinct values (no ties); the ties tests pin torch's choice."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import check, same_error, same_graphs, second_order, to_mini, to_torch
from minitorch.kernels import pool as kpool

SETTINGS = settings(max_examples=25, deadline=None)


def F(lib):
    return lib.nn.functional


def distinct(rng, shape, dtype=np.float64):
    """Distinct values (a shuffled arithmetic sequence): no two windows' maxima tie."""
    return (rng.permutation(int(np.prod(shape))).reshape(shape) * 0.37 - 5).astype(dtype)


@st.composite
def pool_problem(draw, dims, dilation=True):
    """A (batched or unbatched) input of ``dims`` spatial dims with distinct values, and arguments torch
    accepts: kernel, stride, padding (at most half the kernel), dilation, ceil_mode."""
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    stride = draw(st.sampled_from([None, tuple(draw(st.integers(1, 3)) for _ in range(dims))]))
    dil = tuple(draw(st.integers(1, 2)) for _ in range(dims)) if dilation else (1,) * dims
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    reach = [d * (k - 1) + 1 for k, d in zip(kernel, dil)]
    size = tuple(draw(st.integers(max(1, r - 2 * p), r + (5 if dims == 1 else 3))) for r, p in zip(reach, padding))
    lead = draw(st.sampled_from([(), (1,), (2,)]))  # () - unbatched
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    x = distinct(np.random.default_rng(draw(st.integers(0, 1000))), lead + (draw(st.integers(1, 3)),) + size, dtype)
    same = len(set(kernel)) == 1
    args = dict(kernel_size=kernel[0] if same and draw(st.booleans()) else kernel, stride=stride, padding=padding,
                ceil_mode=draw(st.booleans()))
    if dilation:
        args["dilation"] = dil
    return x, args


# -- max and average pooling -----------------------------------------------------------------------------
@SETTINGS
@given(st.sampled_from([1, 3]).flatmap(lambda d: st.tuples(st.just(d), pool_problem(d))))
def test_max_pool_matches_torch(problem):
    dims, (x, args) = problem
    out, theirs = check(lambda lib, x: getattr(F(lib), f"max_pool{dims}d")(x, **args, return_indices=True), x)
    assert out[1].dtype == minitorch.int64
    same_graphs(out, theirs)
    check(lambda lib, x: getattr(F(lib), f"max_pool{dims}d")(x, **args), x)


@SETTINGS
@given(st.sampled_from([1, 3]).flatmap(lambda d: st.tuples(st.just(d), pool_problem(d, dilation=False))),
       st.booleans(), st.sampled_from([None, 1, 3]))
def test_avg_pool_matches_torch(problem, count_include_pad, divisor_override):
    dims, (x, args) = problem
    if dims == 1:  # avg_pool1d has no divisor_override
        fn = lambda lib, x: F(lib).avg_pool1d(x, **args, count_include_pad=count_include_pad)  # noqa: E731
    elif any(n < k for n, k in zip(x.shape[-3:], np.broadcast_to(args["kernel_size"], 3))):
        return  # avg_pool3d refuses an input smaller than the kernel (test_errors)
    else:
        fn = lambda lib, x: F(lib).avg_pool3d(x, **args, count_include_pad=count_include_pad,  # noqa: E731
                                              divisor_override=divisor_override)
    out, theirs = check(fn, x)
    same_graphs(out, theirs)


@pytest.mark.parametrize("dtype", [np.int64, np.float32])
def test_max_pool3d_other_dtypes_and_nan(dtype):
    x = np.random.default_rng(1).integers(-3, 3, (2, 2, 4, 5, 4)).astype(dtype)
    if dtype == np.float32:
        x[0, 0, 1, 1, 1] = x[1, 1, 2, 3, 0] = np.nan
    check(lambda lib, x: F(lib).max_pool3d(x, 2, stride=1, return_indices=True), x, grad=False)


@pytest.mark.parametrize("args", [dict(kernel_size=2), dict(kernel_size=2, stride=1),
                                  dict(kernel_size=3, stride=1, padding=1), dict(kernel_size=2, stride=1, dilation=2)])
@pytest.mark.parametrize("dims", [1, 3])
def test_max_pool_ties_take_the_first_maximum(args, dims):
    x = np.random.default_rng(3).integers(0, 3, (2, 2) + (5,) * dims).astype(np.float64)
    check(lambda lib, x: getattr(F(lib), f"max_pool{dims}d")(x, **args, return_indices=True), x)
    second_order(lambda lib, x: getattr(F(lib), f"max_pool{dims}d")(x, **args) ** 2, x)


# -- adaptive pooling ------------------------------------------------------------------------------------
@SETTINGS
@given(st.sampled_from([1, 3]), st.sampled_from([np.float32, np.float64]), st.sampled_from([(), (2,)]),
       st.data())
def test_adaptive_pools_match_torch(dims, dtype, lead, data):
    size = tuple(data.draw(st.integers(1, 7)) for _ in range(dims))
    out = data.draw(st.one_of(st.integers(1, 5), st.tuples(*[st.one_of(st.none(), st.integers(1, 6))] * dims)))
    if dims == 1 and isinstance(out, tuple) and out[0] is None:
        out = 3  # the 1-d functions take an int or a 1-sequence of ints
    x = distinct(np.random.default_rng(sum(size)), lead + (2,) + size, dtype)
    mine, theirs = check(lambda lib, x: getattr(F(lib), f"adaptive_avg_pool{dims}d")(x, out), x)
    same_graphs(mine, theirs)
    mine, theirs = check(lambda lib, x: getattr(F(lib), f"adaptive_max_pool{dims}d")(x, out, return_indices=True), x)
    same_graphs(mine, theirs)


def test_adaptive_max_pool3d_ties_and_nan():
    x = np.random.default_rng(4).integers(0, 2, (2, 2, 5, 6, 7)).astype(np.float64)
    x[0, 1, 2, 2, 2] = x[0, 1, 2, 2, 3] = x[1, 0, 4, 5, 6] = np.nan
    check(lambda lib, x: F(lib).adaptive_max_pool3d(x, (2, 4, 3), return_indices=True), x, grad=False)


# -- Lp pooling ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("norm_type", [1, 2, 3.5, float("inf"), -float("inf")])
@pytest.mark.parametrize("dims, kernel, stride", [(1, 3, None), (1, 2, 1), (2, (2, 3), (1, 2)), (3, 2, None),
                                                  (3, (1, 2, 2), 1)])
def test_lp_pool_matches_torch(norm_type, dims, kernel, stride):
    x = np.abs(distinct(np.random.default_rng(5), (2, 2) + (6,) * dims)) + 0.5  # x^p of non-integral p: x > 0
    fn = lambda lib, x: getattr(F(lib), f"lp_pool{dims}d")(x, norm_type, kernel, stride, ceil_mode=True)  # noqa: E731
    mine, theirs = check(fn, x)
    same_graphs(mine, theirs)
    second_order(fn, x)


# -- max_unpool ------------------------------------------------------------------------------------------
@SETTINGS
@given(st.sampled_from([1, 2, 3]), st.sampled_from([(), (2,)]), st.integers(1, 3), st.integers(0, 1),
       st.booleans(), st.data())
def test_max_unpool_inverts_max_pool(dims, lead, kernel, padding, given_size, data):
    padding = min(padding, kernel // 2)
    stride = data.draw(st.integers(kernel, kernel + 1))  # windows that do not overlap: each index once
    size = tuple(data.draw(st.integers(kernel, kernel + 5)) for _ in range(dims))
    x = distinct(np.random.default_rng(sum(size)), lead + (2,) + size)
    pooled, indices = getattr(F(torch), f"max_pool{dims}d")(torch.from_numpy(x), kernel, stride, padding,
                                                            return_indices=True)
    output_size = size if given_size or padding else None  # (padded: the default size may be too small)

    def unpool(lib, p, i):
        return getattr(F(lib), f"max_unpool{dims}d")(p, i, kernel, stride, padding, output_size)
    mine, theirs = check(unpool, pooled.numpy(), indices.numpy())
    same_graphs(mine, theirs)
    second_order(lambda lib, p: unpool(lib, p, lib.from_numpy(indices.numpy())) ** 2, pooled.numpy())


# -- fractional max pooling ------------------------------------------------------------------------------
@SETTINGS
@given(st.sampled_from([2, 3]), st.sampled_from([np.float32, np.float64]), st.sampled_from([(), (1,), (3,)]),
       st.data())
def test_fractional_max_pool_with_given_samples_is_torchs(dims, dtype, lead, data):
    """With the same ``_random_samples`` the windows are torch's: the same values and indices, exactly."""
    kernel = tuple(data.draw(st.integers(1, 3)) for _ in range(dims))
    size = tuple(data.draw(st.integers(k, k + 6)) for k in kernel)
    # torch's limits: o + k - 1 <= n in 2-d, < n in 3-d
    out = tuple(data.draw(st.integers(0, n - k + 1 - (dims == 3))) for n, k in zip(size, kernel))
    rng = np.random.default_rng(sum(size))
    x = distinct(rng, lead + (2,) + size, dtype)
    samples = rng.random(((lead or (1,))[0] + data.draw(st.integers(0, 1)), 2, dims)).astype(dtype)
    ratio = data.draw(st.booleans()) and min(out) > 0

    def pool(lib, x, u):
        how = dict(output_ratio=[o / n + 1e-3 for o, n in zip(out, size)]) if ratio else dict(output_size=out)
        return getattr(F(lib), f"fractional_max_pool{dims}d")(x, kernel, **how, return_indices=True,
                                                               _random_samples=u)
    mine, theirs = check(pool, x, samples, grad=False)
    for m, t in zip(mine, theirs):
        assert m.detach().numpy().tobytes() == t.detach().numpy().tobytes()  # a selection: the same bits
    xs = x
    check(lambda lib, x: pool(lib, x, lib.from_numpy(samples))[0], xs)


def test_fractional_max_pool_draws_from_minitorchs_generator():
    x = minitorch.from_numpy(distinct(np.random.default_rng(6), (2, 3, 9, 8)))
    minitorch.manual_seed(7)
    drawn = F(minitorch).fractional_max_pool2d(x, 2, output_size=(4, 5))
    minitorch.manual_seed(7)
    samples = minitorch.rand(2, 3, 2, dtype=x.dtype)
    assert minitorch.equal(drawn, F(minitorch).fractional_max_pool2d(x, 2, output_size=(4, 5), _random_samples=samples))


@pytest.mark.parametrize("dims", [2, 3])
def test_fractional_max_pool_second_order(dims):
    x = distinct(np.random.default_rng(8), (2, 2) + (7,) * dims)
    u = np.random.default_rng(9).random((2, 2, dims))
    second_order(lambda lib, x: getattr(F(lib), f"fractional_max_pool{dims}d")(
        x, 2, output_size=4, _random_samples=lib.from_numpy(u)) ** 2, x)


# -- node names and second order ---------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda F, x: F.max_pool1d(x[..., 0, 0], 3, stride=1, padding=1) ** 2,
    lambda F, x: F.max_pool3d(x, 2, stride=1, dilation=(1, 2, 1)) ** 2,
    lambda F, x: F.avg_pool1d(x[..., 0, 0], 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False) ** 2,
    lambda F, x: F.avg_pool3d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False) ** 2,
    lambda F, x: F.adaptive_avg_pool1d(x[..., 0, 0], 4) ** 2,
    lambda F, x: F.adaptive_avg_pool3d(x, (3, 1, 4)) ** 2,
    lambda F, x: F.adaptive_max_pool1d(x[..., 0, 0], 4) ** 2,
    lambda F, x: F.adaptive_max_pool3d(x, (3, 2, 4)) ** 2,
])
def test_pool_second_order(fn):
    x = distinct(np.random.default_rng(6), (2, 2, 7, 6, 5))
    second_order(lambda lib, x: fn(F(lib), x), x)


def test_node_names_of_the_backward_passes():
    """The VJP nodes torch records with create_graph=True (checked in torch 2.14.1)."""
    x = distinct(np.random.default_rng(2), (2, 2, 6, 6, 6))
    calls = [lambda F, x: F.max_pool3d(x, 2), lambda F, x: F.avg_pool3d(x, 2),
             lambda F, x: F.adaptive_avg_pool3d(x, 4), lambda F, x: F.adaptive_max_pool3d(x, 4),
             lambda F, x: F.fractional_max_pool3d(x, 2, output_size=3),
             lambda F, x: F.max_pool1d(x[:, :, 0, 0], 2), lambda F, x: F.avg_pool1d(x[:, :, 0, 0], 2),
             lambda F, x: F.adaptive_avg_pool1d(x[:, :, 0, 0], 1)]
    for call in calls:
        names = []
        for lib, make in ((minitorch, to_mini), (torch, to_torch)):
            t = make(x, True)
            y = call(F(lib), t)
            g, = lib.autograd.grad((y * y).sum(), t, create_graph=True)
            names.append((y.grad_fn.name(), g.grad_fn.name()))
        assert names[0] == names[1]


# -- errors ------------------------------------------------------------------------------------------------
ERRORS = [
    lambda F, x: F.max_pool1d(x[0, 0, 0, 0], 2),
    lambda F, x: F.max_pool1d(x[0], 2),
    lambda F, x: F.max_pool1d(x[0, :, 0], 0),
    lambda F, x: F.max_pool1d(x[0, :, 0], 2, 0),
    lambda F, x: F.max_pool1d(x[0, :, 0], 2, padding=2),
    lambda F, x: F.max_pool1d(x[0, :, 0], 2, padding=-1),
    lambda F, x: F.max_pool1d(x[0, :, 0], 2, dilation=0),
    lambda F, x: F.max_pool1d(x[0, :, 0, :, :1], 2),
    lambda F, x: F.max_pool1d(x[0, :, 0], (2, 2)),
    lambda F, x: F.max_pool1d(x[0, :, 0], 2, (1, 1)),
    lambda F, x: F.max_pool1d(x[0, :1, :0, 0], 2),
    lambda F, x: F.max_pool1d(x[0, 0, 0, 0], 2, return_indices=True),
    lambda F, x: F.max_pool1d(x[0, :, 0], (2, 2), return_indices=True),
    lambda F, x: F.max_pool1d(x[0, :, 0], 2, padding=2, return_indices=True),
    lambda F, x: F.max_pool1d(x[0, :, 0, :, :1], 2, return_indices=True),
    lambda F, x: F.avg_pool1d(x[0, 0, 0, 0], 2),
    lambda F, x: F.avg_pool1d(x[0, :, 0], 0),
    lambda F, x: F.avg_pool1d(x[0, :, 0], 2, padding=2),
    lambda F, x: F.avg_pool1d(x[0, :, 0, :, :1], 2),
    lambda F, x: F.avg_pool1d(x[0, :, 0], (2, 2)),
    lambda F, x: F.max_pool3d(x[0, 0], 2),
    lambda F, x: F.max_pool3d(x, 0),
    lambda F, x: F.max_pool3d(x, 0, 1),
    lambda F, x: F.max_pool3d(x, 2, padding=2),
    lambda F, x: F.max_pool3d(x, 2, padding=-1),
    lambda F, x: F.max_pool3d(x, 2, dilation=0),
    lambda F, x: F.max_pool3d(x[..., :1], 2),
    lambda F, x: F.max_pool3d(x, (2, 2)),
    lambda F, x: F.max_pool3d(x, 2, (2, 2)),
    lambda F, x: F.max_pool3d(x, 2, 2, (0, 0)),
    lambda F, x: F.max_pool3d(x, 2, 2, 0, (1, 1)),
    lambda F, x: F.max_pool3d(x[:, :0], 2),
    lambda F, x: F.avg_pool3d(x[0, 0], 2),
    lambda F, x: F.avg_pool3d(x, 0, 1),
    lambda F, x: F.avg_pool3d(x, 2, padding=2),
    lambda F, x: F.avg_pool3d(x[..., :1], 3, padding=1),
    lambda F, x: F.avg_pool3d(x, 2, divisor_override=0),
    lambda F, x: F.avg_pool3d(x, (2, 2)),
    lambda F, x: F.avg_pool3d(x, 2, (2, 2)),
    lambda F, x: F.avg_pool3d(x[:, :0], 2),
    lambda F, x: F.adaptive_avg_pool1d(x[0, 0, 0, 0], 2),
    lambda F, x: F.adaptive_avg_pool1d(x[0, :, 0], -1),
    lambda F, x: F.adaptive_avg_pool1d(x[0, :, 0], (2, 2)),
    lambda F, x: F.adaptive_avg_pool1d(x[0, :, 0, :, :0], 2),
    lambda F, x: F.adaptive_max_pool1d(x[0, 0, 0, 0], 2),
    lambda F, x: F.adaptive_max_pool1d(x[0, :, 0], -1),
    lambda F, x: F.adaptive_avg_pool3d(x[0, 0, 0], 2),
    lambda F, x: F.adaptive_avg_pool3d(x, -1),
    lambda F, x: F.adaptive_avg_pool3d(x, (1, -2, 3)),
    lambda F, x: F.adaptive_avg_pool3d(x, (2, 2)),
    lambda F, x: F.adaptive_avg_pool3d(x[:, :0], 2),
    lambda F, x: F.adaptive_max_pool3d(x[0, 0, 0], 2),
    lambda F, x: F.adaptive_max_pool3d(x, -1),
    lambda F, x: F.adaptive_max_pool3d(x, (2, 2)),
    lambda F, x: F.adaptive_max_pool3d(x[:, :, :0], 2),
    lambda F, x: F.adaptive_max_pool2d(x[:, :0, 0], 2),
    lambda F, x: F.adaptive_avg_pool2d(x[:, :, 0, :0], 2),
    lambda F, x: F.lp_pool2d(x[:, :, 0], 0, 2),
    lambda F, x: F.fractional_max_pool2d(x[:, :, 0], 2),
    lambda F, x: F.fractional_max_pool2d(x[:, :, 0], (2, 2, 2), output_size=3),
    lambda F, x: F.fractional_max_pool2d(x[:, :, 0], 2, output_size=(3, 3, 3)),
    lambda F, x: F.fractional_max_pool2d(x[:, :, 0], 4, output_size=6),
    lambda F, x: F.fractional_max_pool2d(x[:, :, 0], (2, 4), output_size=6),
    lambda F, x: F.fractional_max_pool2d(x[:, :, 0], 0, output_size=3),
    lambda F, x: F.fractional_max_pool2d(x[:, :, 0], 2, output_size=-1),
    lambda F, x: F.fractional_max_pool2d(x[:, :, 0], 2, output_ratio=0.5),
    lambda F, x: F.fractional_max_pool2d(x[:, :, 0], 2, output_ratio=(0.5, 0.5, 0.5)),
    lambda F, x: F.fractional_max_pool2d(x[:, :0, 0], 2, output_size=3),
    lambda F, x: F.fractional_max_pool3d(x, 2),
    lambda F, x: F.fractional_max_pool3d(x, (2, 2), output_size=3),
    lambda F, x: F.fractional_max_pool3d(x, 4, output_size=6),
    lambda F, x: F.fractional_max_pool3d(x[:, :0], 2, output_size=3),
    # the dtypes torch's kernels lack
    lambda F, x: F.max_pool1d(x[0, :, 0, 0].long(), 2),
    lambda F, x: F.max_pool1d(x[0, :, 0, 0] > 0, 2),
    lambda F, x: F.max_pool3d(x > 0, 2),
    lambda F, x: F.avg_pool3d(x > 0, 2),
    lambda F, x: F.adaptive_avg_pool3d(x.long(), 2),
    lambda F, x: F.adaptive_avg_pool1d(x[0, :, 0].long(), 2),
    lambda F, x: F.adaptive_max_pool3d(x.int(), 2),
    lambda F, x: F.adaptive_max_pool1d(x[0, :, 0].long(), 2),
    lambda F, x: F.max_unpool3d(x.long(), x.long(), 2),
    lambda F, x: F.max_unpool1d(x[0, :, 0, 0].long(), x[0, :, 0, 0].long(), 2),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_errors(fn):
    same_error(lambda lib, x: fn(F(lib), x), np.zeros((1, 3, 8, 8, 8), np.float32))


@pytest.mark.parametrize("fn", [
    lambda lib, x, i, F: F.max_unpool2d(x, i + 100, 2),
    lambda lib, x, i, F: F.max_unpool2d(x, i - 1, 2),
    lambda lib, x, i, F: F.max_unpool1d(x[0], i[0] + 100, 2),
    lambda lib, x, i, F: F.max_unpool3d(x[:, None], i[:, None] + 1000, 2),
    lambda lib, x, i, F: F.max_unpool2d(x, i.int(), 2),
    lambda lib, x, i, F: F.max_unpool2d(x, i[..., :3], 2),
    lambda lib, x, i, F: F.max_unpool2d(x[0, 0], i[0, 0], 2),
    lambda lib, x, i, F: F.max_unpool3d(x[0], i[0], 2),
    lambda lib, x, i, F: F.max_unpool2d(x[:, :0], i[:, :0], 2),
    lambda lib, x, i, F: F.max_unpool2d(x, i, 2, output_size=(3, 3)),
    lambda lib, x, i, F: F.max_unpool2d(x, i, 2, output_size=(3,)),
    lambda lib, x, i, F: F.max_unpool3d(x[:, None], i[:, None], 2, stride=0),
    lambda lib, x, i, F: F.fractional_max_pool2d(x, 2, output_size=2, _random_samples=lib.rand(1, 3, 3)),
    lambda lib, x, i, F: F.fractional_max_pool2d(x, 2, output_size=2, _random_samples=lib.rand(1, 2, 2)),
    lambda lib, x, i, F: F.fractional_max_pool2d(x, 2, output_size=2,
                                                 _random_samples=lib.rand(1, 3, 2, dtype=lib.float64)),
    lambda lib, x, i, F: F.fractional_max_pool2d(x.expand(2, 3, 4, 4), 2, output_size=2,
                                                 _random_samples=lib.rand(1, 3, 2)),
    lambda lib, x, i, F: F.fractional_max_pool2d(x, 2, output_size=2, _random_samples=lib.rand(3, 2)),
    lambda lib, x, i, F: F.fractional_max_pool2d(x, 2, output_ratio=[0.5], _random_samples=lib.rand(1, 3, 2)),
])
def test_unpool_and_sample_errors(fn):
    same_error(lambda lib, x, i: fn(lib, x, i, F(lib)), np.zeros((1, 3, 4, 4), np.float32),
               np.zeros((1, 3, 4, 4), np.int64))


# -- modules -----------------------------------------------------------------------------------------------
MODULES = [
    (lambda nn: nn.MaxPool1d(3, 2, 1, ceil_mode=True), 1),
    (lambda nn: nn.MaxPool1d(2, return_indices=True), 1),
    (lambda nn: nn.MaxPool3d((2, 1, 2), 1, (1, 0, 1), dilation=(1, 2, 1)), 3),
    (lambda nn: nn.MaxPool3d(2, return_indices=True), 3),
    (lambda nn: nn.AvgPool1d(3, 2, 1, True, False), 1),
    (lambda nn: nn.AvgPool3d(2), 3),
    (lambda nn: nn.AvgPool3d(3, 2, 1, True, False, 2), 3),
    (lambda nn: nn.LPPool1d(2, 3), 1),
    (lambda nn: nn.LPPool2d(1.5, (2, 3), 1, ceil_mode=True), 2),
    (lambda nn: nn.LPPool3d(3, 2, 2), 3),
    (lambda nn: nn.AdaptiveAvgPool1d(5), 1),
    (lambda nn: nn.AdaptiveAvgPool3d((None, 2, 3)), 3),
    (lambda nn: nn.AdaptiveMaxPool1d(4, return_indices=True), 1),
    (lambda nn: nn.AdaptiveMaxPool3d(3), 3),
]


@pytest.mark.parametrize("make, dims", MODULES)
def test_pool_modules(make, dims):
    mine, theirs = make(minitorch.nn), make(torch.nn)
    assert repr(mine) == repr(theirs)
    x = np.abs(distinct(np.random.default_rng(7), (2, 3) + (7,) * dims)) + 0.5
    check(lambda lib, x: (mine if lib is minitorch else theirs)(x), x)


@pytest.mark.parametrize("make", [
    lambda nn, u: nn.FractionalMaxPool2d(2, output_size=(4, 3), _random_samples=u),
    lambda nn, u: nn.FractionalMaxPool2d((2, 3), output_ratio=0.5, return_indices=True, _random_samples=u),
    lambda nn, u: nn.FractionalMaxPool3d(2, output_size=3, _random_samples=u),
    lambda nn, u: nn.FractionalMaxPool3d((1, 2, 2), output_ratio=(0.5, 0.6, 0.7), _random_samples=u),
])
def test_fractional_modules(make):
    samples = np.random.default_rng(1).random((2, 3, 3))
    mine, theirs = make(minitorch.nn, minitorch.from_numpy(samples)), make(torch.nn, torch.from_numpy(samples))
    dims = 3 if isinstance(theirs, torch.nn.FractionalMaxPool3d) else 2
    if dims == 2:
        mine._random_samples, theirs._random_samples = (lib.from_numpy(samples[..., :2].copy())
                                                        for lib in (minitorch, torch))
    assert repr(mine) == repr(theirs)
    assert list(mine.state_dict()) == list(theirs.state_dict())
    x = distinct(np.random.default_rng(2), (2, 3) + (8,) * dims)
    check(lambda lib, x: (mine if lib is minitorch else theirs)(x), x)


@pytest.mark.parametrize("make", [
    lambda nn: nn.FractionalMaxPool2d(2),
    lambda nn: nn.FractionalMaxPool2d(2, output_size=3, output_ratio=0.5),
    lambda nn: nn.FractionalMaxPool2d(2, output_ratio=1.5),
    lambda nn: nn.FractionalMaxPool3d(0, output_size=3),
    lambda nn: nn.FractionalMaxPool3d(2, output_ratio=(0.5, 0.5, 1)),
    lambda nn: nn.LPPool2d(0, 2),
])
def test_module_argument_errors(make):
    same_error(lambda lib: make(lib.nn))


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_unpool_modules(dims):
    pool_args = dict(kernel_size=2, stride=2, return_indices=True)
    pools = [getattr(lib.nn, f"MaxPool{dims}d")(**pool_args) for lib in (minitorch, torch)]
    unpools = [getattr(lib.nn, f"MaxUnpool{dims}d")(2, stride=2) for lib in (minitorch, torch)]
    assert repr(unpools[0]) == repr(unpools[1])
    x = distinct(np.random.default_rng(3), (2, 2) + (5,) * dims)

    def round_trip(lib, x):
        pool, unpool = (pools[0], unpools[0]) if lib is minitorch else (pools[1], unpools[1])
        out, indices = pool(x)
        return unpool(out, indices, output_size=x.shape)
    mine, theirs = check(round_trip, x)
    same_graphs(mine, theirs)


# -- BatchNorm3d -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [{}, dict(affine=False, momentum=None), dict(track_running_stats=False)])
def test_batch_norm3d_matches_torch(kwargs):
    mine, theirs = minitorch.nn.BatchNorm3d(3, **kwargs), torch.nn.BatchNorm3d(3, **kwargs)
    assert repr(mine) == repr(theirs)
    assert list(mine.state_dict()) == list(theirs.state_dict())
    x = np.random.default_rng(4).standard_normal((2, 3, 3, 4, 2)).astype(np.float32)
    for training in (True, False, True):
        mine.train(training)
        theirs.train(training)
        check(lambda lib, x: (mine if lib is minitorch else theirs)(x), x)
    for m, t in zip(mine.state_dict().values(), theirs.state_dict().values()):
        np.testing.assert_allclose(m.numpy(), t.numpy(), rtol=1e-6, atol=1e-7)  # float32
    same_error(lambda lib, x: (mine if lib is minitorch else theirs)(x), x[0])


# -- the max kernel in 3 dims ------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(st.sampled_from([np.float64, np.int64]), st.tuples(*[st.integers(1, 3)] * 3), st.integers(0, 2 ** 32 - 1))
def test_max_pool_fast_matches_plain_in_3d(dtype, kernel, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, (2, 2) + tuple(k + 3 for k in kernel)).astype(dtype)
    if dtype == np.float64:
        x[rng.random(x.shape) < 0.2] = np.nan
    stride = (1, 2, 1)
    out = tuple((n - k) // s + 1 for n, k, s in zip(x.shape[2:], kernel, stride))
    view = kpool.windows(x, kernel, stride, (1, 1, 1), out)
    (fast, fast_which), (plain, plain_which) = kpool.max_pool_fast(view, 3), kpool.max_pool_plain(view, 3)
    assert fast.tobytes() == plain.tobytes()
    assert np.array_equal(fast_which, plain_which)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([np.float32, np.float64, np.int32, np.uint8]), st.integers(1, 3),
       st.integers(0, 2 ** 32 - 1))
def test_window_sum_fast_matches_plain(dtype, dims, seed):
    """The sums of average pooling: the same dtype (integers in int64, as NumPy's sum), the same values (floats
    within their tolerance: another summation order; integers exactly)."""
    rng = np.random.default_rng(seed)
    kernel = tuple(rng.integers(1, 4, dims))
    x = rng.integers(0, 200, (2, 3) + tuple(k + 4 for k in kernel)).astype(dtype)
    if x.dtype.kind == "f":
        x = x * rng.uniform(-1, 1, x.shape).astype(dtype)
    out = tuple((n - k) // 2 + 1 for n, k in zip(x.shape[2:], kernel))
    view = kpool.windows(x, kernel, (2,) * dims, (1,) * dims, out)
    fast, plain = kpool.window_sum_fast(view, dims), kpool.window_sum_plain(view, dims)
    assert fast.dtype == plain.dtype and fast.shape == plain.shape
    if x.dtype.kind == "f":
        np.testing.assert_allclose(fast, plain, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-3)
    else:
        assert np.array_equal(fast, plain)
