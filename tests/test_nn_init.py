"""nn.init against torch: the same gains and fans exactly, the same distributions statistically (the
random streams differ by design), in place, unrecorded, dtype kept; torch's errors and warnings."""
import math
import warnings

import numpy as np
import pytest
import torch

import minitorch
import minitorch.nn  # noqa: F401
from harness import same_error

N = 20000  # samples per statistical check: moments within a few standard errors


@pytest.mark.parametrize("nonlinearity, param", [
    ("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
    ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu", None), ("conv_transpose3d", None)])
def test_calculate_gain(nonlinearity, param):
    assert minitorch.nn.init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(nonlinearity, param)


@pytest.mark.parametrize("shape", [(3, 4), (6, 2, 3, 3), (5, 1, 7), (2, 3, 1, 1, 2)])
def test_fans(shape):
    assert minitorch.nn.init._calculate_fan_in_and_fan_out(minitorch.empty(shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


@pytest.mark.parametrize("case", [
    lambda lib: lib.nn.init.calculate_gain("swish"),
    lambda lib: lib.nn.init.calculate_gain("leaky_relu", True),
    lambda lib: lib.nn.init._calculate_fan_in_and_fan_out(lib.empty(3)),
    lambda lib: lib.nn.init.kaiming_uniform_(lib.empty(3, 3), mode="fan_avg"),
    lambda lib: lib.nn.init.eye_(lib.empty(2, 2, 2)),
    lambda lib: lib.nn.init.xavier_normal_(lib.empty(4)),
])
def test_errors_match_torch(case):
    same_error(case)


def _sample(fn, shape=(100, 200), dtype=None, seed=0):
    minitorch.manual_seed(seed)
    t = minitorch.nn.Parameter(minitorch.empty(shape, dtype=dtype or minitorch.float32))
    version = t._version
    out = fn(t)
    assert out is t and t.is_leaf and t.grad_fn is None and t.requires_grad  # in place, not recorded
    assert t._version > version and t.dtype == (dtype or minitorch.float32)
    return t.detach().numpy().astype(np.float64)


def _check_uniform(values, bound):
    assert values.min() >= -bound and values.max() <= bound
    assert values.min() < -0.99 * bound and values.max() > 0.99 * bound
    assert abs(values.mean()) < 4 * bound / math.sqrt(3 * values.size)
    assert abs(values.std() - bound / math.sqrt(3)) < 0.02 * bound


def _check_normal(values, mean, std):
    assert abs(values.mean() - mean) < 5 * std / math.sqrt(values.size)
    assert abs(values.std() - std) < 0.02 * std
    fraction_beyond_2std = np.mean(np.abs(values - mean) > 2 * std)
    assert abs(fraction_beyond_2std - 0.0455) < 0.006


def test_uniform_and_normal():
    _check_uniform(_sample(lambda t: minitorch.nn.init.uniform_(t, -3.0, 3.0)), 3.0)
    values = _sample(lambda t: minitorch.nn.init.uniform_(t))
    assert values.min() >= 0 and values.max() < 1 and abs(values.mean() - 0.5) < 0.01
    _check_normal(_sample(lambda t: minitorch.nn.init.normal_(t, 2.0, 0.5)), 2.0, 0.5)
    _check_normal(_sample(lambda t: minitorch.nn.init.normal_(t), dtype=minitorch.float64), 0.0, 1.0)


@pytest.mark.parametrize("kwargs", [{}, dict(gain=2.0)])
def test_xavier(kwargs):
    shape = (40, 30, 5)
    fan_in, fan_out = 30 * 5, 40 * 5
    std = kwargs.get("gain", 1.0) * math.sqrt(2 / (fan_in + fan_out))
    _check_uniform(_sample(lambda t: minitorch.nn.init.xavier_uniform_(t, **kwargs), shape), math.sqrt(3) * std)
    _check_normal(_sample(lambda t: minitorch.nn.init.xavier_normal_(t, **kwargs), shape), 0.0, std)


@pytest.mark.parametrize("kwargs", [{}, dict(a=math.sqrt(5)), dict(mode="fan_out", nonlinearity="relu"),
                                    dict(a=0.1, mode="FAN_IN"), dict(nonlinearity="tanh")])
def test_kaiming(kwargs):
    shape = (60, 20, 3, 3)
    fan = (60 if kwargs.get("mode", "fan_in").lower() == "fan_out" else 20) * 9
    gain = torch.nn.init.calculate_gain(kwargs.get("nonlinearity", "leaky_relu"), kwargs.get("a", 0))
    std = gain / math.sqrt(fan)
    _check_uniform(_sample(lambda t: minitorch.nn.init.kaiming_uniform_(t, **kwargs), shape), math.sqrt(3) * std)
    _check_normal(_sample(lambda t: minitorch.nn.init.kaiming_normal_(t, **kwargs), shape), 0.0, std)


@pytest.mark.parametrize("mean, std, a, b", [(0.5, 1.0, -1.0, 1.5), (0.0, 1.0, 2.0, 3.0), (0.0, 0.02, -2.0, 2.0)])
def test_trunc_normal(mean, std, a, b):
    """Both of torch's samplers: normal proposals (most mass inside) and uniform ones (a far tail)."""
    values = _sample(lambda t: minitorch.nn.init.trunc_normal_(t, mean=mean, std=std, a=a, b=b))
    assert values.min() >= a and values.max() <= b
    torch.manual_seed(0)
    reference = torch.nn.init.trunc_normal_(torch.empty(200, 200, dtype=torch.float64), mean, std, a, b)
    spread = reference.std().item()
    assert abs(values.mean() - reference.mean().item()) < 0.06 * spread  # ~ 5 standard errors
    assert abs(values.std() - spread) < 0.03 * spread


def test_trunc_normal_warns_like_torch():
    messages = []
    for lib in (minitorch, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.nn.init.trunc_normal_(lib.empty(10), mean=10.0, std=1.0, a=-2, b=2)
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1] and len(messages[0]) == 1


@pytest.mark.parametrize("name, args", [("constant_", (0.3,)), ("ones_", ()), ("zeros_", ()), ("eye_", ())])
@pytest.mark.parametrize("shape", [(3, 4), (4, 2)])
def test_deterministic_fills_match_torch(name, args, shape):
    results = []
    for lib in (minitorch, torch):
        t = lib.nn.Parameter(lib.empty(shape, dtype=lib.float64))
        out = getattr(lib.nn.init, name)(t, *args)
        assert out is t and t.is_leaf and t.requires_grad
        results.append(t.detach().numpy())
    np.testing.assert_array_equal(results[0], results[1])


def test_seeded_init_is_repeatable_and_generator_is_used():
    a = _sample(lambda t: minitorch.nn.init.kaiming_uniform_(t), seed=7)
    b = _sample(lambda t: minitorch.nn.init.kaiming_uniform_(t), seed=7)
    np.testing.assert_array_equal(a, b)
    g1, g2 = minitorch.Generator().manual_seed(3), minitorch.Generator().manual_seed(3)
    t1, t2 = minitorch.empty(5, 5), minitorch.empty(5, 5)
    minitorch.nn.init.normal_(t1, generator=g1)
    minitorch.nn.init.normal_(t2, generator=g2)
    np.testing.assert_array_equal(t1.numpy(), t2.numpy())


def test_zero_element_tensor_warns_like_torch():
    messages = []
    for lib in (minitorch, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.nn.init.kaiming_normal_(lib.empty(0, 3))
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1] == [["Initializing zero-element tensors is a no-op"]][0]
