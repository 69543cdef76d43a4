"""max_pool2d, avg_pool2d, adaptive_avg_pool2d, adaptive_max_pool2d and their layers, compared with torch:
values, indices, node names, gradients, second derivatives, errors and reprs.

Max pooling's gradient is only defined where each window's max is unique, so the inputs are permutations
of distinct values (no ties) - except in the tests of ties at the end, where torch's choice is pinned."""
import types

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch
from harness import check, same_error, second_order
from minitorch.nn.functional import conv as mconv, pooling as mpool, pooling_adaptive as mpool_adaptive
from minitorch.nn.modules.pooling import AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, MaxPool2d


MINI_F = types.SimpleNamespace(max_pool2d=mpool.max_pool2d, avg_pool2d=mpool.avg_pool2d,
                               adaptive_avg_pool2d=mpool_adaptive.adaptive_avg_pool2d,
                               adaptive_max_pool2d=mpool_adaptive.adaptive_max_pool2d)


def F(lib):
    return MINI_F if lib is minitorch else torch.nn.functional


def distinct(rng, shape, dtype):
    """Distinct values (a shuffled arithmetic sequence): no two windows' maxima tie."""
    return (rng.permutation(int(np.prod(shape))).reshape(shape) * 0.37 - 5).astype(dtype)


@st.composite
def pool_problem(draw, dilation=True):
    """A (batched or unbatched) input with distinct values, and pooling arguments torch accepts."""
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = draw(st.sampled_from([None, (1, 1), (2, 2), (draw(st.integers(1, 3)), draw(st.integers(1, 3)))]))
    dil = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilation else (1, 1)
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    ceil_mode = draw(st.booleans())
    reach = [d * (k - 1) + 1 for k, d in zip(kernel, dil)]
    size = tuple(draw(st.integers(max(1, r - 2 * p), r + 6)) for r, p in zip(reach, padding))
    lead = draw(st.sampled_from([(), (1,), (2,), (3,)]))  # () - an unbatched image
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    x = distinct(np.random.default_rng(draw(st.integers(0, 1000))), lead + (draw(st.integers(1, 3)),) + size, dtype)
    args = dict(kernel_size=draw(st.sampled_from([kernel, kernel[0]])) if kernel[0] == kernel[1] else kernel,
                stride=stride, padding=padding, ceil_mode=ceil_mode)
    if dilation:
        args["dilation"] = dil
    return x, args


@given(pool_problem())
def test_max_pool2d_matches_torch(problem):
    x, args = problem
    out, _ = check(lambda lib, x: F(lib).max_pool2d(x, **args, return_indices=True), x)
    assert out[1].dtype == minitorch.int64
    check(lambda lib, x: F(lib).max_pool2d(x, **args), x)


@given(pool_problem(dilation=False), st.booleans(), st.sampled_from([None, 1, 3]))
def test_avg_pool2d_matches_torch(problem, count_include_pad, divisor_override):
    x, args = problem
    check(lambda lib, x: F(lib).avg_pool2d(x, **args, count_include_pad=count_include_pad,
                                           divisor_override=divisor_override), x)


@given(st.sampled_from([np.float32, np.float64]), st.sampled_from([(), (2,)]),
       st.tuples(st.integers(1, 9), st.integers(1, 9)),
       st.one_of(st.integers(1, 5), st.tuples(st.one_of(st.none(), st.integers(1, 6)), st.integers(1, 6))))
def test_adaptive_pools_match_torch(dtype, lead, size, output_size):
    x = distinct(np.random.default_rng(size[0] * 10 + size[1]), lead + (3,) + size, dtype)
    check(lambda lib, x: F(lib).adaptive_avg_pool2d(x, output_size), x)
    check(lambda lib, x: F(lib).adaptive_max_pool2d(x, output_size, return_indices=True), x)


def test_node_names():
    x = minitorch.randn(2, 3, 8, 8, requires_grad=True)
    assert mpool.max_pool2d(x, 2).grad_fn.name() == "MaxPool2DWithIndicesBackward0"
    assert mpool.avg_pool2d(x, 2).grad_fn.name() == "AvgPool2DBackward0"
    assert mpool_adaptive.adaptive_avg_pool2d(x, 1).grad_fn.name() == "MeanBackward1"  # torch takes the mean here
    assert mpool_adaptive.adaptive_avg_pool2d(x, 3).grad_fn.name() == "AdaptiveAvgPool2DBackward0"
    assert mpool_adaptive.adaptive_max_pool2d(x, 3).grad_fn.name() == "AdaptiveMaxPool2DBackward0"
    g, = minitorch.autograd.grad((mpool.max_pool2d(x, 2) ** 2).sum(), x, create_graph=True)
    assert g.grad_fn.name() == "MaxPool2DWithIndicesBackwardBackward0"
    g, = minitorch.autograd.grad((mpool.avg_pool2d(x, 2) ** 2).sum(), x, create_graph=True)
    assert g.grad_fn.name() == "AvgPool2DBackwardBackward0"


def test_overlapping_max_windows_accumulate():
    """With stride < kernel one input can be the max of several windows: its gradient is their sum."""
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 5.0
    x[0, 0] += np.arange(9).reshape(3, 3) * 0.01  # distinct, the centre still the largest
    t = minitorch.tensor(x, requires_grad=True)
    mpool.max_pool2d(t, 2, stride=1).sum().backward()
    expected = np.zeros((3, 3))
    expected[1, 1] = 4.0
    np.testing.assert_array_equal(t.grad.numpy()[0, 0], expected)


@pytest.mark.parametrize("fn", [
    lambda F, x: F.max_pool2d(x, 2) ** 2,
    lambda F, x: F.max_pool2d(x, 3, stride=1, padding=1, dilation=(1, 2)) ** 2,
    lambda F, x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False) ** 2,
    lambda F, x: F.adaptive_avg_pool2d(x, (3, 4)) ** 2,
    lambda F, x: F.adaptive_max_pool2d(x, (3, 4)) ** 2,
])
def test_pool_second_order(fn):
    x = distinct(np.random.default_rng(6), (2, 2, 7, 9), np.float64)
    second_order(lambda lib, x: fn(F(lib), x), x)


@pytest.mark.parametrize("fn", [
    lambda F, x: F.max_pool2d(x, 3, padding=2),
    lambda F, x: F.avg_pool2d(x, 3, padding=2),
    lambda F, x: F.max_pool2d(x, (2, 2), padding=(1, 2)),
    lambda F, x: F.max_pool2d(x, (1, 3), padding=(0, 2), dilation=2),
    lambda F, x: F.max_pool2d(x, 0),
    lambda F, x: F.avg_pool2d(x, 0),
    lambda F, x: F.max_pool2d(x, 0, stride=2),
    lambda F, x: F.max_pool2d(x, 2, stride=(2, 0)),
    lambda F, x: F.max_pool2d(x, (2, 3, 4)),
    lambda F, x: F.avg_pool2d(x, (2, 3, 4)),
    lambda F, x: F.max_pool2d(x, 2, padding=-1),
    lambda F, x: F.avg_pool2d(x, 2, padding=-1),
    lambda F, x: F.max_pool2d(x, 2, dilation=0),
    lambda F, x: F.avg_pool2d(x, 2, divisor_override=0),
    lambda F, x: F.max_pool2d(x[0, 0], 2),
    lambda F, x: F.avg_pool2d(x[0, 0], 2),
    lambda F, x: F.max_pool2d(x[:, :, :1], 2),
    lambda F, x: F.max_pool2d(x[:, :0], 2),
    lambda F, x: F.avg_pool2d(x[:, :, :1], 2),
    lambda F, x: F.adaptive_avg_pool2d(x[0, 0], 2),
    lambda F, x: F.adaptive_avg_pool2d(x, (2, 3, 4)),
    lambda F, x: F.adaptive_avg_pool2d(x, -1),
    lambda F, x: F.adaptive_max_pool2d(x[0, 0], 2),
    lambda F, x: F.adaptive_max_pool2d(x, (2, 3, 4)),
    lambda F, x: F.adaptive_max_pool2d(x, -1),
])
def test_pool_errors(fn):
    same_error(lambda lib, x: fn(F(lib), x), np.zeros((1, 3, 8, 8), np.float32))


@pytest.mark.parametrize("make", [
    lambda nn: nn.MaxPool2d(2),
    lambda nn: nn.MaxPool2d((2, 3), 1, 1, ceil_mode=True),
    lambda nn: nn.MaxPool2d(3, stride=2, dilation=2, return_indices=True),
    lambda nn: nn.AvgPool2d(2),
    lambda nn: nn.AvgPool2d(3, 2, 1, True, False, 2),
    lambda nn: nn.AdaptiveAvgPool2d((5, 7)),
    lambda nn: nn.AdaptiveAvgPool2d((None, 2)),
    lambda nn: nn.AdaptiveMaxPool2d(3),
    lambda nn: nn.AdaptiveMaxPool2d(3, return_indices=True),
])
def test_pool_modules(make):
    mine_nn = types.SimpleNamespace(MaxPool2d=MaxPool2d, AvgPool2d=AvgPool2d, AdaptiveAvgPool2d=AdaptiveAvgPool2d,
                                    AdaptiveMaxPool2d=AdaptiveMaxPool2d)
    mine, theirs = make(mine_nn), make(torch.nn)
    assert repr(mine) == repr(theirs)
    x = distinct(np.random.default_rng(7), (2, 3, 9, 10), np.float64)
    check(lambda lib, x: (mine if lib is minitorch else theirs)(x), x)


def test_blitz_feature_extractor_matches_torch():
    """The blitz network's front: conv -> relu -> 2x2 max pool, twice."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal((4, 3, 32, 32))
    w1, b1 = rng.standard_normal((6, 3, 5, 5)) / 8, rng.standard_normal(6) / 8
    w2, b2 = rng.standard_normal((16, 6, 5, 5)) / 12, rng.standard_normal(16) / 12

    def features(lib, x, w1, b1, w2, b2):
        conv = mconv.conv2d if lib is minitorch else torch.nn.functional.conv2d
        h = F(lib).max_pool2d(lib.relu(conv(x, w1, b1)), 2)
        return F(lib).max_pool2d(lib.relu(conv(h, w2, b2)), 2)
    out, _ = check(features, x, w1, b1, w2, b2)
    assert out[0].shape == (4, 16, 5, 5)


# -- ties: torch takes the first maximum of a window, scanning it row by row (and its index, and sends it
# the whole gradient); the tests above use distinct values, where any choice among equals would pass
TIED_POOLS = {
    "k2_s2": dict(kernel_size=2),
    "k2_s1_overlapping": dict(kernel_size=2, stride=1),
    "k3_s1_p1": dict(kernel_size=3, stride=1, padding=1),
    "k3x2_s(2,1)_p(1,0)_ceil": dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), ceil_mode=True),
    "k2_s1_d2": dict(kernel_size=2, stride=1, dilation=2),
}


@pytest.mark.parametrize("args", TIED_POOLS.values(), ids=TIED_POOLS)
@pytest.mark.parametrize("values", ["0-1-2", "all equal", "negative"])
def test_max_pool2d_ties_take_the_first_maximum(args, values):
    rng = np.random.default_rng(3)
    x = {"0-1-2": rng.integers(0, 3, (2, 2, 6, 7)), "all equal": np.ones((2, 2, 6, 7)),
         "negative": rng.integers(-2, 0, (2, 2, 6, 7))}[values].astype(np.float64)
    check(lambda lib, x: F(lib).max_pool2d(x, **args, return_indices=True), x)
    check(lambda lib, x: F(lib).max_pool2d(x, **args), x)
    second_order(lambda lib, x: F(lib).max_pool2d(x, **args) ** 2, x)


@pytest.mark.parametrize("output_size", [(2, 3), 4, (5, 7)])
def test_adaptive_max_pool2d_ties_take_the_first_maximum(output_size):
    x = np.random.default_rng(4).integers(0, 2, (2, 3, 6, 7)).astype(np.float32)
    check(lambda lib, x: F(lib).adaptive_max_pool2d(x, output_size, return_indices=True), x)
