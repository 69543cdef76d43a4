"""F.linear / nn.Linear and the activation functions against torch: values, node names (the whole
graph for linear), gradients wrt every input and parameter, and second derivatives of the smooth ones."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch
import minitorch.nn  # noqa: F401
from harness import array, assert_close, check, float_dtypes, graph, same_error, second_order


def away_from(a, *kinks, gap=1e-3):
    """``a`` with values near a kink (where the derivative jumps) moved off it."""
    a = a.copy()
    for k in kinks:
        near = np.abs(a - k) < gap
        a[near] = k + 0.25
    return a


# -- linear --------------------------------------------------------------------------------------------------
@given(st.data(), st.sampled_from([(), (3,), (2, 3), (2, 1, 3)]), st.integers(1, 4), st.integers(1, 4),
       st.booleans(), float_dtypes)
def test_linear_functional(data, batch, n_in, n_out, bias, dtype):
    x = data.draw(array(shape=batch + (n_in,), dtype=dtype, low=-3, high=3))
    w = data.draw(array(shape=(n_out, n_in), dtype=dtype, low=-3, high=3))
    b = data.draw(array(shape=(n_out,), dtype=dtype, low=-3, high=3))
    if bias:
        check(lambda lib, x, w, b: lib.nn.functional.linear(x, w, b), x, w, b)
    else:
        check(lambda lib, x, w: lib.nn.functional.linear(x, w), x, w)


@pytest.mark.parametrize("shape", [(4,), (2, 4), (5, 2, 4), (2, 2, 3, 4), "transposed3d"])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_graph_matches_torch(shape, bias):
    rng = np.random.default_rng(0)
    if shape == "transposed3d":  # non-contiguous: torch falls back to matmul + add_
        x = rng.standard_normal((4, 2, 3)).transpose(2, 1, 0)
    else:
        x = rng.standard_normal(shape)
    w, b = rng.standard_normal((3, 4)), rng.standard_normal(3)
    graphs = []
    for lib in (minitorch, torch):
        xt = lib.from_numpy(np.ascontiguousarray(x) if shape != "transposed3d" else x.transpose(2, 1, 0).copy())
        if shape == "transposed3d":
            xt = xt.permute(2, 1, 0)
        xt.requires_grad_()
        out = lib.nn.functional.linear(xt, lib.from_numpy(w).requires_grad_(),
                                       lib.from_numpy(b).requires_grad_() if bias else None)
        graphs.append(graph(out))
    assert graphs[0] == graphs[1]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_module_forward_backward(dtype):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 5)).astype(dtype)
    layers = []
    for lib in (minitorch, torch):
        layer = lib.nn.Linear(5, 3)
        if dtype == np.float64:
            layer.double()
        layers.append(layer)
    mine, theirs = layers
    mine.load_state_dict({k: minitorch.from_numpy(v.detach().numpy().copy()) for k, v in theirs.state_dict().items()})
    xs = minitorch.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(x.copy()).requires_grad_()
    outs = mine(xs[0]), theirs(xs[1])
    assert_close(outs[0], outs[1], dtype)
    assert outs[0].grad_fn.name() == "AddmmBackward0"
    for o in outs:
        (o * o).sum().backward()
    assert_close(xs[0].grad, xs[1].grad, dtype)
    assert_close(mine.weight.grad, theirs.weight.grad, dtype)
    assert_close(mine.bias.grad, theirs.bias.grad, dtype)
    assert mine.weight.dtype == minitorch.float64 if dtype == np.float64 else minitorch.float32


def test_linear_without_bias_and_repr():
    for lib in (minitorch, torch):
        layer = lib.nn.Linear(3, 2, bias=False)
        assert layer.bias is None and [n for n, _ in layer.named_parameters()] == ["weight"]
    assert repr(minitorch.nn.Linear(3, 2, bias=False)) == repr(torch.nn.Linear(3, 2, bias=False))
    assert minitorch.nn.Linear(3, 2, dtype=minitorch.float64).weight.dtype == minitorch.float64


def test_linear_default_init_bounds():
    minitorch.manual_seed(0)
    layer = minitorch.nn.Linear(50, 400)
    bound = 1 / np.sqrt(50)
    w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert np.abs(w).max() > 0.98 * bound  # uses the whole range...
    assert abs(w.std() - bound / np.sqrt(3)) < 0.02 * bound  # ...uniformly (std of U(-b, b) is b/√3)
    assert layer.weight.is_leaf and layer.weight.grad_fn is None


# -- activations ---------------------------------------------------------------------------------------------
# name -> (function of (lib, x), kinks where the derivative jumps, smooth)
ACTIVATIONS = {
    "relu": (lambda lib, x: lib.nn.functional.relu(x), (0,), False),
    "relu_inplace": (lambda lib, x: lib.nn.functional.relu(x * 1, inplace=True), (0,), False),
    "sigmoid": (lambda lib, x: lib.nn.functional.sigmoid(x), (), True),
    "tanh": (lambda lib, x: lib.nn.functional.tanh(x), (), True),
    "leaky_relu": (lambda lib, x: lib.nn.functional.leaky_relu(x, 0.2), (0,), False),
    "leaky_relu_default": (lambda lib, x: lib.nn.functional.leaky_relu(x), (0,), False),
    "leaky_relu_inplace": (lambda lib, x: lib.nn.functional.leaky_relu(x * 1, 0.3, inplace=True), (0,), False),
    "hardtanh": (lambda lib, x: lib.nn.functional.hardtanh(x, -2.0, 1.5), (-2.0, 1.5), False),
    "hardtanh_inplace": (lambda lib, x: lib.nn.functional.hardtanh_(x * 1), (-1.0, 1.0), False),
    "relu6": (lambda lib, x: lib.nn.functional.relu6(x * 2), (0, 3), False),
    "elu": (lambda lib, x: lib.nn.functional.elu(x, 0.7), (0,), False),
    "elu_inplace": (lambda lib, x: lib.nn.functional.elu(x * 1, inplace=True), (0,), False),
    "selu": (lambda lib, x: lib.nn.functional.selu(x), (0,), False),
    "gelu": (lambda lib, x: lib.nn.functional.gelu(x), (), True),
    "gelu_tanh": (lambda lib, x: lib.nn.functional.gelu(x, approximate="tanh"), (), True),
    "silu": (lambda lib, x: lib.nn.functional.silu(x), (), True),
    "silu_inplace": (lambda lib, x: lib.nn.functional.silu(x * 1, inplace=True), (), True),
    "softplus": (lambda lib, x: lib.nn.functional.softplus(x), (), True),
    "softplus_beta_threshold": (lambda lib, x: lib.nn.functional.softplus(x, beta=2, threshold=3), (1.5,), False),
    "logsigmoid": (lambda lib, x: lib.nn.functional.logsigmoid(x), (), True),
    "softshrink": (lambda lib, x: lib.nn.functional.softshrink(x, 0.7), (-0.7, 0.7), False),
    "softsign": (lambda lib, x: lib.nn.functional.softsign(x), (0,), False),
    "tanhshrink": (lambda lib, x: lib.nn.functional.tanhshrink(x), (), True),
    "softmax": (lambda lib, x: lib.nn.functional.softmax(x, dim=-1), (), True),
    "softmin": (lambda lib, x: lib.nn.functional.softmin(x, dim=0), (), True),
    "log_softmax": (lambda lib, x: lib.nn.functional.log_softmax(x, dim=-1), (), True),
    "softmax_dtype": (lambda lib, x: lib.nn.functional.softmax(x, -1, dtype=lib.float64), (), True),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
@given(data=st.data())
def test_activation_functional(name, data):
    fn, kinks, _ = ACTIVATIONS[name]
    x = away_from(data.draw(array(min_dims=1, max_dims=3)), *kinks)
    check(fn, x)


@pytest.mark.parametrize("name", [n for n, (_, _, smooth) in ACTIVATIONS.items() if smooth])
@pytest.mark.parametrize("dtype", [np.float64])
def test_activation_second_order(name, dtype):
    x = np.random.default_rng(4).standard_normal((3, 4)).astype(dtype) * 3
    second_order(ACTIVATIONS[name][0], x)


@pytest.mark.parametrize("name", ["leaky_relu", "hardtanh", "elu", "selu", "relu", "softshrink", "softsign"])
def test_activation_second_order_away_from_kinks(name):
    fn, kinks, _ = ACTIVATIONS[name]
    second_order(fn, away_from(np.random.default_rng(5).standard_normal((3, 4)) * 3, *kinks))


@pytest.mark.parametrize("value", [-1e4, -50.0, -20.5, 0.5, 20.5, 50.0, 1e4])
@pytest.mark.parametrize("name", ["sigmoid", "tanh", "elu", "silu", "softplus", "logsigmoid", "gelu", "gelu_tanh",
                                  "softplus_beta_threshold"])
def test_activation_extreme_values(name, value):
    for dtype in (np.float32, np.float64):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no overflow warnings from NumPy either
            check(ACTIVATIONS[name][0], np.array([value, -value, 1.0], dtype))


# module -> the functional form it must equal (same node names, same values)
MODULES = [
    lambda nn: nn.ReLU(), lambda nn: nn.ReLU(inplace=True), lambda nn: nn.LeakyReLU(0.05),
    lambda nn: nn.LeakyReLU(inplace=True), lambda nn: nn.Sigmoid(), lambda nn: nn.Tanh(),
    lambda nn: nn.GELU(), lambda nn: nn.GELU(approximate="tanh"), lambda nn: nn.ELU(alpha=2.0),
    lambda nn: nn.ELU(inplace=True), lambda nn: nn.SELU(), lambda nn: nn.SiLU(), lambda nn: nn.Softplus(2.0, 4.0),
    lambda nn: nn.Hardtanh(-0.5, 0.7), lambda nn: nn.ReLU6(), lambda nn: nn.LogSigmoid(),
    lambda nn: nn.Softshrink(), lambda nn: nn.Softshrink(0.25), lambda nn: nn.Softsign(), lambda nn: nn.Tanhshrink(),
    lambda nn: nn.Softmax(dim=1), lambda nn: nn.Softmin(1), lambda nn: nn.LogSoftmax(dim=0), lambda nn: nn.Identity(),
    lambda nn: nn.Flatten(), lambda nn: nn.Flatten(0, 1), lambda nn: nn.Unflatten(1, (3, 2)),
    lambda nn: nn.Sequential(nn.Flatten(), nn.Unflatten(-1, [2, 3])),
]


@pytest.mark.parametrize("index", range(len(MODULES)))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activation_modules(index, dtype):
    x = away_from(np.random.default_rng(index).standard_normal((4, 6)).astype(dtype) * 3, 0, -0.5, 0.7, 6,
                  -0.25, 0.25)
    build = MODULES[index]
    inplace = getattr(build(torch.nn), "inplace", False)
    assert repr(build(minitorch.nn)) == repr(build(torch.nn))
    check(lambda lib, x: build(lib.nn)(x * 1 if inplace else x), x)


def test_implicit_softmax_dim_warns_like_torch():
    x = np.random.default_rng(6).standard_normal((2, 3, 4))
    for fn in ("softmax", "log_softmax", "softmin"):
        messages = []
        for lib in (minitorch, torch):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                out = getattr(lib.nn.functional, fn)(lib.from_numpy(x))
            messages.append([str(w.message) for w in caught])
            messages.append(out.detach().numpy())
        assert messages[0] == messages[2]
        np.testing.assert_allclose(messages[1], messages[3], rtol=1e-12)


def test_inplace_activations_modify_input():
    for lib in (minitorch, torch):
        for fn in (lambda x: lib.nn.functional.relu(x, inplace=True), lib.nn.functional.relu_,
                   lambda x: lib.nn.functional.leaky_relu_(x, 0.5), lambda x: lib.nn.functional.elu_(x),
                   lambda x: lib.nn.functional.hardtanh(x, inplace=True)):
            x = lib.tensor([-2.0, 3.0])
            assert fn(x) is x and x[0].item() != -2.0
    same_error(lambda lib: lib.nn.functional.relu(lib.ones(2, requires_grad=True), inplace=True))


def test_gelu_bad_approximate():
    for lib in (minitorch, torch):
        with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
            lib.nn.functional.gelu(lib.ones(2), approximate="fast")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softshrink_negative_lambda(dtype):
    same_error(lambda lib: lib.nn.functional.softshrink(lib.ones(2, dtype=getattr(lib, dtype)), -1))


def test_relu_gradient_is_differentiable_like_torchs():
    """relu's VJP is an operation of its own (ThresholdBackwardBackward0) connected to relu's output, so a
    second derivative is zeros, not an error or None - as in torch."""
    results = []
    for lib in (minitorch, torch):
        x = lib.tensor([-1.5, 0.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
        g, = lib.autograd.grad(lib.relu(x), x, lib.ones(4, dtype=lib.float64), create_graph=True)
        names = (type(g.grad_fn).__name__, [type(n).__name__ for n, _ in g.grad_fn.next_functions if n])
        gg, = lib.autograd.grad((g * lib.arange(4.0, dtype=lib.float64)).sum(), x)
        results.append((names, g.tolist(), gg.tolist()))
    assert results[0] == results[1]
