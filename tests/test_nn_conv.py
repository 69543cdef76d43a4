"""conv2d, unfold, fold and the Conv2d layer, compared with torch: values, node names, the gradients of
input, weight and bias, second derivatives, errors, and Conv2d's parameters and repr."""
import math
import re
import types

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch
from harness import array, assert_close, check, conv_problem, same_error, second_order
from minitorch.nn.functional import conv as mconv
from minitorch.nn.modules.conv import Conv2d

MINI_F = types.SimpleNamespace(conv2d=mconv.conv2d, unfold=mconv.unfold, fold=mconv.fold)


def F(lib):
    return MINI_F if lib is minitorch else torch.nn.functional


@given(conv_problem(), st.booleans())
def test_conv2d_matches_torch(problem, with_bias):
    x, w, b, kwargs = problem
    if with_bias:
        check(lambda lib, x, w, b: F(lib).conv2d(x, w, b, **kwargs), x, w, b, atol_scale=10)
    else:
        check(lambda lib, x, w: F(lib).conv2d(x, w, **kwargs), x, w, atol_scale=10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv2d_blitz_shapes(dtype):
    """The blitz's two convolutions, 3x32x32 -> 6x28x28 and 6x14x14 -> 16x10x10 with 5x5 kernels."""
    rng = np.random.default_rng(0)
    # the weight gradient sums 4·28·28 products: torch's own float32 result is 1.5e-4 off the float64 one
    scale = 200 if dtype == np.float32 else 1
    for c_in, c_out, size in [(3, 6, 32), (6, 16, 14)]:
        x = rng.standard_normal((4, c_in, size, size)).astype(dtype)
        w = (rng.standard_normal((c_out, c_in, 5, 5)) / 10).astype(dtype)
        b = rng.standard_normal(c_out).astype(dtype)
        mine, _ = check(lambda lib, x, w, b: F(lib).conv2d(x, w, b), x, w, b, atol_scale=scale)
        assert mine[0].shape == (4, c_out, size - 4, size - 4)
        assert mine[0].is_contiguous()


def test_conv2d_graph_edges():
    x = minitorch.randn(1, 2, 5, 5, requires_grad=True)
    w = minitorch.randn(3, 2, 3, 3, requires_grad=True)
    y = mconv.conv2d(x, w)
    assert y.grad_fn.name() == "ConvolutionBackward0"
    edges = y.grad_fn.next_functions
    assert len(edges) == 3 and edges[2] == (None, 0)  # torch: (input, weight, bias) with no bias
    assert edges[0][0] is x.grad_fn or edges[0][0].variable is x
    unbatched = mconv.conv2d(x[0].detach(), w)
    assert unbatched.grad_fn.name() == "SqueezeBackward1"
    assert unbatched.grad_fn.next_functions[0][0].name() == "ConvolutionBackward0"


@pytest.mark.parametrize("kwargs", [dict(), dict(stride=2, padding=1), dict(padding="same", dilation=(2, 1)),
                                    dict(groups=2, stride=(1, 2), dilation=2)])
def test_conv2d_second_order(kwargs):
    rng = np.random.default_rng(2)
    channels = 2 * kwargs.get("groups", 1)
    x, w, b = rng.standard_normal((2, channels, 7, 6)), rng.standard_normal((4, 2, 3, 2)), rng.standard_normal(4)
    second_order(lambda lib, x, w, b: F(lib).conv2d(x, w, b, **kwargs), x, w, b)
    # a nonlinearity after the convolution makes every second-order term non-zero
    second_order(lambda lib, x, w, b: F(lib).conv2d(x, w, b, **kwargs) ** 2, x, w, b)


def test_conv2d_double_backward_graph():
    x = minitorch.randn(1, 2, 5, 5, requires_grad=True)
    w = minitorch.randn(3, 2, 3, 3, requires_grad=True)
    gx, = minitorch.autograd.grad((mconv.conv2d(x, w) ** 2).sum(), x, create_graph=True)
    assert gx.grad_fn.name() == "ConvolutionBackwardBackward0"


@given(st.sampled_from([np.float32, np.float64]), st.integers(1, 2), st.integers(1, 3),
       st.tuples(st.integers(1, 3), st.integers(1, 3)), st.tuples(st.integers(1, 2), st.integers(1, 2)),
       st.tuples(st.integers(0, 1), st.integers(0, 1)), st.tuples(st.integers(1, 2), st.integers(1, 2)),
       st.booleans())
def test_unfold_and_fold_match_torch(dtype, n, c, kernel, dilation, padding, stride, batched):
    rng = np.random.default_rng(3)
    size = (kernel[0] * dilation[0] + 2, kernel[1] * dilation[1] + 3)
    x = rng.standard_normal(((n,) if batched else ()) + (c,) + size).astype(dtype)
    args = dict(kernel_size=kernel, dilation=dilation, padding=padding, stride=stride)
    cols, _ = check(lambda lib, x: F(lib).unfold(x, **args), x)
    assert cols[0].grad_fn.name() == "Im2ColBackward0"
    c_arr = rng.standard_normal(tuple(cols[0].shape)).astype(dtype)
    check(lambda lib, c: F(lib).fold(c, size, **args), c_arr)
    second_order(lambda lib, x: F(lib).fold(F(lib).unfold(x, **args) ** 2, size, **args), x)


def test_conv2d_is_unfold_then_matmul():
    """The definition the module docstring gives: conv = W (as a matrix) times the unfolded input."""
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 2, 3))
    cols = mconv.unfold(minitorch.tensor(x), (2, 3)).numpy()
    expected = np.einsum("ok,nkl->nol", w.reshape(4, -1), cols).reshape(2, 4, 5, 3)
    np.testing.assert_allclose(mconv.conv2d(minitorch.tensor(x), minitorch.tensor(w)).numpy(), expected,
                               rtol=1e-12)


# -- errors --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("x_shape, w_shape, kwargs", [
    ((1, 1, 32, 32), (6, 3, 5, 5), {}),
    ((1, 32, 32), (6, 3, 5, 5), {}),
    ((32, 32), (6, 3, 5, 5), {}),
    ((1, 1, 2, 32, 32), (6, 3, 5, 5), {}),
    ((1, 3, 3, 3), (6, 3, 5, 5), {}),
    ((1, 3, 8, 8), (6, 3, 3, 3), dict(dilation=4)),
    ((1, 4, 8, 8), (6, 2, 3, 3), dict(groups=4)),
    ((1, 4, 8, 8), (6, 2, 3, 3), dict(groups=3)),
    ((1, 4, 8, 8), (6, 2, 3, 3), dict(groups=0)),
    ((1, 4, 8, 8), (6, 2, 3, 3), dict(groups=2, stride=0)),
    ((1, 4, 8, 8), (6, 2, 3, 3), dict(groups=2, padding=-1)),
    ((1, 4, 8, 8), (6, 2, 3, 3), dict(groups=2, dilation=0)),
    ((1, 4, 8, 8), (6, 2, 3, 3), dict(groups=2, stride=2, padding="same")),
    ((1, 4, 8, 8), (6, 2, 3, 3), dict(groups=2, padding="foo")),
    ((1, 3, 8, 8), (6, 3, 3, 3), dict(stride=(1, 2, 3))),
    ((1, 3, 8, 8), (6, 3, 3, 3), dict(padding=(1, 2, 3))),
    ((1, 3, 8, 8), (6, 3, 3, 3), dict(dilation=(1, 2, 3))),
])
def test_conv2d_errors(x_shape, w_shape, kwargs):
    x, w = np.zeros(x_shape, np.float32), np.zeros(w_shape, np.float32)
    same_error(lambda lib, x, w: F(lib).conv2d(x, w, **kwargs), x, w)


def test_conv2d_dtype_and_bias_errors():
    x, w = np.zeros((1, 3, 8, 8), np.float32), np.zeros((6, 3, 3, 3), np.float32)
    same_error(lambda lib, x, w: F(lib).conv2d(x, w), x.astype(np.float64), w)
    same_error(lambda lib, x, w: F(lib).conv2d(x, w), x, w.astype(np.float64))
    same_error(lambda lib, x, w, b: F(lib).conv2d(x, w, b), x, w, np.zeros(6))
    same_error(lambda lib, x, w, b: F(lib).conv2d(x, w, b), x, w, np.zeros(5, np.float32))


@pytest.mark.parametrize("shape, fn", [
    ((8, 8), lambda F, x: F.unfold(x, 3)),
    ((2, 3, 8, 8), lambda F, x: F.unfold(x, 9)),
    ((2, 3, 8, 8), lambda F, x: F.unfold(x, (3, 2, 1))),
    ((2, 3, 8, 8), lambda F, x: F.unfold(x, 3, stride=0)),
    ((2, 3, 8, 8), lambda F, x: F.unfold(x, 3, padding=-1)),
    ((2, 3, 8, 8), lambda F, x: F.unfold(x, 3, dilation=0)),
    ((2, 27, 35), lambda F, x: F.fold(x, (8, 8), 3)),
    ((2, 26, 36), lambda F, x: F.fold(x, (8, 8), 3)),
    ((2, 27, 36, 1), lambda F, x: F.fold(x, (8, 8), 3)),
])
def test_unfold_fold_errors(shape, fn):
    same_error(lambda lib, x: fn(F(lib), x), np.zeros(shape, np.float32))


# -- the Conv2d layer ----------------------------------------------------------------------------------
@pytest.mark.parametrize("args, kwargs", [
    ((1, 6, 3), {}),
    ((1, 6, (3, 5)), dict(stride=2, padding=1, dilation=2, bias=False)),
    ((2, 6, 3), dict(padding="same", groups=2, padding_mode="reflect")),
    ((4, 4, 3), dict(padding="valid", groups=4)),
    ((3, 6, 5), dict(padding=(0, 2), stride=(1, 2))),
])
def test_conv2d_module_repr_and_shapes(args, kwargs):
    mine, theirs = Conv2d(*args, **kwargs), torch.nn.Conv2d(*args, **kwargs)
    assert repr(mine) == repr(theirs)
    assert mine.weight.shape == theirs.weight.shape
    assert (mine.bias is None) == (theirs.bias is None)
    assert [n for n, _ in mine.named_parameters()] == [n for n, _ in theirs.named_parameters()]


def test_conv2d_module_init_bounds():
    """kaiming_uniform_(a=√5) for W and the bias rule both give U(±1/√fan_in), fan_in = C/groups·kh·kw."""
    minitorch.manual_seed(0)
    layer = Conv2d(6, 16, 5)
    bound = 1 / math.sqrt(6 * 5 * 5)
    for p in (layer.weight, layer.bias):
        values = p.detach().numpy()
        assert values.dtype == np.float32 and np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.8 * bound  # really spread over the interval, not a smaller one
    assert abs(layer.weight.detach().numpy().std() - bound / math.sqrt(3)) < 0.1 * bound


@pytest.mark.parametrize("kwargs", [dict(), dict(stride=2, padding=2, bias=False), dict(padding="same", groups=3)])
def test_conv2d_module_matches_torch_with_copied_weights(kwargs):
    theirs = torch.nn.Conv2d(3, 6, 3, **kwargs).double()
    mine = Conv2d(3, 6, 3, **kwargs).double()
    mine.weight.data = minitorch.from_numpy(theirs.weight.detach().numpy().copy())
    if theirs.bias is not None:
        mine.bias.data = minitorch.from_numpy(theirs.bias.detach().numpy().copy())
    x = np.random.default_rng(5).standard_normal((2, 3, 9, 8))
    out_m, out_t = mine(minitorch.from_numpy(x.copy())), theirs(torch.from_numpy(x.copy()))
    assert_close(out_m, out_t)
    out_m.sum().backward()
    out_t.sum().backward()
    assert_close(mine.weight.grad, theirs.weight.grad)
    if theirs.bias is not None:
        assert_close(mine.bias.grad, theirs.bias.grad)


def _sorted_sets(message):
    """torch formats Python sets in its messages; their order varies between processes (hash seeds)."""
    return re.sub(r"\{([^}]*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", message)


def test_conv2d_module_errors():
    for kwargs in [dict(groups=4), dict(padding_mode="foo"), dict(stride=2, padding="same"), dict(groups=0),
                   dict(padding="full")]:
        same_error(lambda lib: (Conv2d if lib is minitorch else torch.nn.Conv2d)(4, 6, 3, **kwargs),
                   words=_sorted_sets)


@pytest.mark.parametrize("grads", [(True, False, False), (False, True, False), (False, False, True)])
def test_conv2d_only_requested_gradients(grads):
    rng = np.random.default_rng(6)
    arrays = rng.standard_normal((2, 3, 6, 6)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)
    results = []
    for lib in (minitorch, torch):
        ts = [lib.from_numpy(a.copy()).requires_grad_(r) for a, r in zip(arrays, grads)]
        F(lib).conv2d(*ts, padding=1).sum().backward()
        results.append([t.grad for t in ts])
    for mine, theirs in zip(*results):
        assert (mine is None) == (theirs is None)
        if theirs is not None:
            assert_close(mine, theirs)


# -- empty batches ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("x_shape, w_shape, kwargs", [
    ((0, 1, 5, 5), (2, 1, 3, 3), {}), ((0, 2, 20, 20), (4, 2, 3, 3), {}), ((0, 4, 5, 5), (4, 2, 3, 3), dict(groups=2)),
    ((0, 1, 5, 5), (2, 1, 3, 3), dict(padding=1, stride=2)), ((0, 1, 5, 5), (2, 1, 3, 3), dict(padding="same")),
    ((0, 1, 6, 6), (2, 1, 2, 2), dict(dilation=2)),
])
def test_conv2d_of_an_empty_batch(x_shape, w_shape, kwargs):
    """Convolution reshaped with -1 beside a 0 (N = 0), which NumPy cannot infer: a raw ValueError."""
    rng = np.random.default_rng(2)
    x, w, b = (rng.standard_normal(s) for s in (x_shape, w_shape, (w_shape[0],)))
    outs = []
    for lib in (minitorch, torch):
        xt, wt, bt = (lib.from_numpy(v.copy()).requires_grad_() for v in (x, w, b))
        y = lib.nn.functional.conv2d(xt, wt, bt, **kwargs)
        y.sum().backward(retain_graph=True)
        # second order: the convolution's own backward (ConvolutionBackwardBackward0) on an empty batch
        gw, = lib.autograd.grad((y * y).sum(), wt, create_graph=True)
        gw.sum().backward()
        outs.append((tuple(y.shape), y.grad_fn.name(), xt.grad, wt.grad, bt.grad))
    assert outs[0][:2] == outs[1][:2]
    for m, t in zip(outs[0][2:], outs[1][2:]):
        assert_close(m, t)


@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular"])
def test_conv2d_layer_on_an_empty_batch(padding_mode):
    shapes = []
    for lib in (minitorch, torch):
        lib.manual_seed(0)
        layer = lib.nn.Conv2d(1, 2, 3, padding=1, padding_mode=padding_mode)
        y = layer(lib.zeros(0, 1, 5, 5))
        y.sum().backward()
        shapes.append((tuple(y.shape), layer.weight.grad.abs().sum().item(), layer.bias.grad.abs().sum().item()))
    assert shapes[0] == shapes[1]


def test_conv2d_with_no_output_channels_is_refused_like_torch():
    same_error(lambda lib: lib.nn.functional.conv2d(lib.zeros(2, 1, 5, 5), lib.zeros(0, 1, 3, 3)))
    same_error(lambda lib: lib.nn.functional.conv2d(lib.zeros(2, 4, 5, 5), lib.zeros(0, 2, 3, 3), groups=2))
