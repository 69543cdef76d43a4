"""hardshrink, threshold, hardsigmoid, hardswish, mish, celu, glu, prelu and rrelu, and their layers, compared
with torch: values, gradients and node names on generated inputs (float32 and float64, on a grid of quarters so
that the kinks at ±3, λ and the threshold are hit), the in-place variants, second derivatives, errors word for
word, and the layers' reprs, parameters and state_dict keys.

rrelu's training slopes are drawn from minitorch's own generator (they differ from torch's by design): they are
checked by their range and by the consistency of slope, output and gradient."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import array, check, on_grid, same_error, same_graphs, second_order

UNARY = {
    "hardshrink": lambda lib, x: lib.nn.functional.hardshrink(x),
    "hardshrink 1.25": lambda lib, x: lib.nn.functional.hardshrink(x, 1.25),
    "threshold": lambda lib, x: lib.nn.functional.threshold(x, 0.5, -2.0),
    "hardsigmoid": lambda lib, x: lib.nn.functional.hardsigmoid(x),
    "hardswish": lambda lib, x: lib.nn.functional.hardswish(x),
    "mish": lambda lib, x: lib.nn.functional.mish(x),
    "celu": lambda lib, x: lib.nn.functional.celu(x),
    "celu 0.5": lambda lib, x: lib.nn.functional.celu(x, 0.5),
    "glu": lambda lib, x: lib.nn.functional.glu(x, 0),
    "rrelu eval": lambda lib, x: lib.nn.functional.rrelu(x, 0.1, 0.3),
    "prelu one weight": lambda lib, x: lib.nn.functional.prelu(x, lib.tensor([0.2], dtype=x.dtype)),
}


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(sorted(UNARY)), st.data())
def test_values_gradients_and_names_match_torch(name, data):
    shape = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    if name == "glu":
        shape[0] *= 2
    x = on_grid(data.draw(array(shape=tuple(shape), low=-5, high=5)))
    mine, theirs = check(UNARY[name], x)
    same_graphs(mine, theirs)


@settings(max_examples=15, deadline=None)
@given(st.sampled_from([np.float32, np.float64]), st.lists(st.integers(1, 3), min_size=2, max_size=4),
       st.booleans(), st.data())
def test_prelu_per_channel_matches_torch(dtype, shape, one, data):
    x = on_grid(data.draw(array(shape=tuple(shape), dtype=dtype, low=-4, high=4)))
    w = data.draw(array(shape=(1 if one else shape[1],), dtype=dtype, low=-1, high=1))
    mine, theirs = check(lambda lib, x, w: lib.nn.functional.prelu(x, w), x, w)
    same_graphs(mine, theirs)  # PreluKernelBackward0 of the input and of a ViewBackward0 of the weight


@pytest.mark.parametrize("name, call", [
    ("celu_", lambda lib, x: lib.nn.functional.celu(x, 2.0, inplace=True)),
    ("celu_ function", lambda lib, x: lib.nn.functional.celu_(x)),
    ("threshold_", lambda lib, x: lib.nn.functional.threshold_(x, 0.25, 9.0)),
    ("threshold inplace", lambda lib, x: lib.nn.functional.threshold(x, 0.25, 9.0, True)),
    ("rrelu_", lambda lib, x: lib.nn.functional.rrelu_(x)),
    ("hardswish inplace", lambda lib, x: lib.nn.functional.hardswish(x, True)),
    ("hardsigmoid inplace", lambda lib, x: lib.nn.functional.hardsigmoid(x, True)),
    ("mish inplace", lambda lib, x: lib.nn.functional.mish(x, True)),
])
def test_inplace_variants_match_torch(name, call):
    x = np.linspace(-4, 4, 12).reshape(3, 4)
    mine, theirs = check(lambda lib, x: call(lib, x * 1), x)  # (x * 1: a leaf cannot change in place)
    same_graphs(mine, theirs)


@pytest.mark.parametrize("call, shapes", [
    (lambda lib, x: lib.nn.functional.mish(x), [(3, 4)]),
    (lambda lib, x: lib.nn.functional.celu(x, 0.7), [(3, 4)]),
    (lambda lib, x: lib.nn.functional.hardswish(x), [(3, 4)]),
    (lambda lib, x: lib.nn.functional.glu(x, 1), [(3, 4)]),
    (lambda lib, x, w: lib.nn.functional.prelu(x, w), [(2, 3, 2), (3,)]),
], ids=["mish", "celu", "hardswish", "glu", "prelu"])
def test_second_order(call, shapes):
    rng = np.random.default_rng(3)
    second_order(call, *[rng.uniform(-2.5, 2.5, s) for s in shapes])


@pytest.mark.parametrize("lower, upper", [(0.1, 0.3), (0.2, 0.2)])
def test_rrelu_training_draws_slopes_in_range(lower, upper):
    x = minitorch.tensor(np.linspace(-3, 3, 200), requires_grad=True)
    y = minitorch.nn.functional.rrelu(x, lower, upper, training=True)
    assert y.grad_fn.name() == "RreluWithNoiseBackward0"
    y.sum().backward()
    slope = x.grad.numpy()
    xs = x.detach().numpy()
    assert np.all(slope[xs > 0] == 1)
    negative = slope[xs <= 0]
    assert np.all((negative >= lower) & (negative <= upper))
    if upper > lower:
        assert len(np.unique(negative)) > 1  # drawn per element
    np.testing.assert_allclose(y.detach().numpy(), xs * slope, rtol=1e-15)


ERRORS = [
    lambda lib: lib.nn.functional.glu(lib.tensor(1.0)),
    lambda lib: lib.nn.functional.glu(lib.zeros(2, 3), 1),
    lambda lib: lib.nn.functional.glu(lib.zeros(2, 4), 2),
    lambda lib: lib.nn.functional.celu(lib.zeros(2), 0.0),
    lambda lib: lib.nn.functional.celu(lib.tensor([1, 2])),
    lambda lib: lib.nn.functional.mish(lib.tensor([1, 2])),
    lambda lib: lib.nn.functional.hardshrink(lib.tensor([1, 2])),
    lambda lib: lib.nn.functional.hardswish(lib.tensor([1, 2])),
    lambda lib: lib.nn.functional.rrelu(lib.zeros(2), 0.5, 0.1),
    lambda lib: lib.nn.functional.rrelu(lib.tensor([1, 2])),
    lambda lib: lib.nn.functional.prelu(lib.zeros(2, 4, dtype=lib.float64), lib.ones(4)),
    lambda lib: lib.nn.functional.prelu(lib.zeros(2, 4), lib.ones(2, 2)),
    lambda lib: lib.nn.functional.prelu(lib.zeros(2, 4), lib.ones(3)),
    lambda lib: lib.nn.functional.prelu(lib.tensor(1.0), lib.ones(2)),
    lambda lib: lib.nn.functional.prelu([1.0], lib.ones(1)),
    lambda lib: lib.nn.functional.threshold([1.0], 0.0, 1.0),
]


@pytest.mark.parametrize("call", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors(call):
    same_error(call)


def test_threshold_keeps_integers():
    x = np.array([1, 2, 3])
    mine, theirs = (lib.nn.functional.threshold(lib.from_numpy(x), 1.5, 7.7) for lib in (minitorch, torch))
    assert str(mine.dtype) == str(theirs.dtype)
    np.testing.assert_array_equal(mine.numpy(), theirs.numpy())


LAYERS = [("Threshold", (0.1, 2.0), {}), ("Threshold", (0.1, 2.0), dict(inplace=True)), ("RReLU", (), {}),
          ("RReLU", (0.2, 0.4, True), {}), ("Hardsigmoid", (), {}), ("Hardswish", (), {}), ("Mish", (), {}),
          ("Mish", (True,), {}), ("CELU", (), {}), ("CELU", (2.0, True), {}), ("GLU", (), {}), ("GLU", (0,), {}),
          ("Hardshrink", (), {}), ("Hardshrink", (1.5,), {}), ("PReLU", (), {}), ("PReLU", (4, 0.1), {})]


@pytest.mark.parametrize("name, args, kwargs", LAYERS, ids=[f"{n}{a}{k}" for n, a, k in LAYERS])
def test_layers_match_torch(name, args, kwargs):
    mine, theirs = getattr(minitorch.nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(mine) == repr(theirs)
    assert [n for n, _ in mine.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert list(mine.state_dict()) == list(theirs.state_dict())
    for m, t in zip(mine.state_dict().values(), theirs.state_dict().values()):
        np.testing.assert_array_equal(m.numpy(), t.numpy())
    mine.eval()
    theirs.eval()  # rrelu: the mean slope
    x = np.linspace(-4, 4, 32, dtype=np.float32).reshape(2, 4, 4)
    ym, yt = mine(minitorch.from_numpy(x.copy())), theirs(torch.from_numpy(x.copy()))
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=1e-6, atol=1e-7)
