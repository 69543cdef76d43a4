"""Tensor's in-place random samplers (uniform_, normal_, cauchy_, exponential_, geometric_, log_normal_).

minitorch draws from its own generator, so its values cannot equal torch's; the distributions are checked
statistically instead, with fixed seeds (so each check is deterministic) and stated bounds loose enough that a
correct sampler fails them with probability about 1e-3 or less on a fresh seed. Against torch: dtypes, shapes, the
recorded graph (the sampler's node, zero gradients), the in-place rules (version counter, a leaf that requires grad
refuses), and the errors word for word."""
import math

import numpy as np
import pytest
import torch

import minitorch
from harness import same_error, same_graphs

N = 20000
# Kolmogorov-Smirnov: for n draws of a continuous distribution, sqrt(n) * sup|F_n - F| exceeds 1.95 with
# probability 0.001; 2.0 is the bound here
KS_BOUND = 2.0 / math.sqrt(N)


def _normal_cdf(x, mean, std):
    return 0.5 * (1 + np.vectorize(math.erf)((x - mean) / (std * math.sqrt(2))))


CONTINUOUS = {  # method: (arguments, the distribution's CDF)
    "uniform_": ((-3.0, 5.0), lambda x: (x + 3) / 8),
    "normal_": ((2.0, 0.5), lambda x: _normal_cdf(x, 2.0, 0.5)),
    "log_normal_": ((0.5, 0.75), lambda x: _normal_cdf(np.log(x), 0.5, 0.75)),
    "cauchy_": ((1.0, 2.0), lambda x: 0.5 + np.arctan((x - 1.0) / 2.0) / np.pi),
    "exponential_": ((1.5,), lambda x: 1 - np.exp(-1.5 * x)),
}
DEFAULTS = {  # method: (the arguments a call without them means, as torch's signature)
    "uniform_": (0.0, 1.0), "normal_": (0.0, 1.0), "log_normal_": (1.0, 2.0), "cauchy_": (0.0, 1.0),
    "exponential_": (1.0,),
}
ALL = {"uniform_": (), "normal_": (), "log_normal_": (), "cauchy_": (), "exponential_": (), "geometric_": (0.3,)}


def _ks(draws, cdf):
    x = np.sort(draws)
    f = cdf(x)
    n = len(x)
    return max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))


@pytest.mark.parametrize("method", CONTINUOUS)
def test_continuous_distributions(method):
    """The draws' empirical CDF is within the KS bound of the distribution's, for given arguments and for the
    defaults (checked against the same CDF formula with the default arguments)."""
    args, cdf = CONTINUOUS[method]
    gen = minitorch.Generator().manual_seed(2024)
    x = getattr(minitorch.empty(N, dtype=minitorch.float64), method)(*args, generator=gen).numpy()
    assert np.all(np.isfinite(x))
    assert _ks(x, cdf) < KS_BOUND, method
    if method == "uniform_":
        assert x.min() >= -3.0 and x.max() < 5.0
    default_args = DEFAULTS[method]
    y = getattr(minitorch.empty(N, dtype=minitorch.float64), method)(generator=gen).numpy()
    default_cdf = {
        "uniform_": lambda v: v, "normal_": lambda v: _normal_cdf(v, 0.0, 1.0),
        "log_normal_": lambda v: _normal_cdf(np.log(v), *default_args),
        "cauchy_": lambda v: 0.5 + np.arctan(v) / np.pi, "exponential_": lambda v: 1 - np.exp(-v)}[method]
    assert _ks(y, default_cdf) < KS_BOUND, f"{method} with its defaults"


def test_geometric_frequencies():
    """P(k) = (1 - p)^(k-1) p for k = 1, 2, ...: each of the first frequencies within 5 standard errors (a bound a
    correct sampler crosses with probability under 1e-5 per value); in float64 and in an integer dtype."""
    p = 0.3
    for dtype in (minitorch.float64, minitorch.int32):
        x = minitorch.empty(N, dtype=dtype).geometric_(p, generator=minitorch.Generator().manual_seed(5)).numpy()
        assert x.dtype == dtype.np and x.min() >= 1 and np.all(x == np.round(x))
        for k in range(1, 9):
            expected = (1 - p) ** (k - 1) * p
            error = math.sqrt(expected * (1 - expected) / N)
            assert abs(np.mean(x == k) - expected) < 5 * error, (dtype, k)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("method", ALL)
def test_dtype_shape_and_memory_kept(method, dtype):
    """The tensor keeps its dtype and shape, is returned itself, changes in place (a transposed view writes its
    base's memory), and holds finite draws (a wide uniform range in float32 included)."""
    base = minitorch.zeros(4, 5, dtype=getattr(minitorch, dtype))
    view = base.t()
    out = getattr(view, method)(*ALL[method])
    assert out is view and view.dtype is base.dtype and tuple(view.shape) == (5, 4)
    assert np.all(np.isfinite(base.numpy())) and len(np.unique(base.numpy())) > 1
    t = getattr(torch.zeros(4, 5, dtype=getattr(torch, dtype)).t(), method)(*ALL[method])
    assert str(t.dtype) == str(view.dtype)
    for shape in [(), (0,), (3, 0, 2)]:
        x = getattr(minitorch.zeros(shape, dtype=getattr(minitorch, dtype)), method)(*ALL[method])
        assert tuple(x.shape) == shape


def test_uniform_stays_in_range_in_float32():
    x = minitorch.empty(N).uniform_(-100, 100).numpy()
    assert x.min() >= -100 and x.max() < 100
    assert x.dtype == np.float32


@pytest.mark.parametrize("method", ALL)
def test_same_seed_same_draws(method):
    """manual_seed and a Generator's seed repeat the draws; a draw from a Generator leaves the default stream
    where it was."""
    args = ALL[method]

    def draw(**kw):
        return getattr(minitorch.empty(50, dtype=minitorch.float64), method)(*args, **kw).numpy().copy()

    minitorch.manual_seed(11)
    first = draw()
    minitorch.manual_seed(11)
    assert np.array_equal(draw(), first)
    assert np.array_equal(draw(generator=minitorch.Generator().manual_seed(3)),
                          draw(generator=minitorch.Generator().manual_seed(3)))
    minitorch.manual_seed(11)
    draw(generator=minitorch.Generator().manual_seed(3))
    assert np.array_equal(draw(), first)


def test_keyword_arguments_as_torchs():
    """``from`` is a Python keyword: torch takes it through ``**{"from": ...}``, and so does minitorch."""
    x = minitorch.empty(1000).uniform_(**{"from": 2, "to": 3}).numpy()
    assert x.min() >= 2 and x.max() < 3
    assert minitorch.empty(1000).uniform_(to=-1, **{"from": -2}).numpy().max() < -1
    assert np.all(minitorch.empty(100).normal_(mean=5, std=0).numpy() == 5)
    assert np.all(minitorch.empty(100).cauchy_(median=2, sigma=1).numpy() != 0)
    assert np.all(minitorch.empty(100).exponential_(lambd=2).numpy() >= 0)
    assert np.all(minitorch.empty(100).log_normal_(mean=0, std=1).numpy() > 0)
    assert np.all(minitorch.empty(100).geometric_(p=0.5).numpy() >= 1)
    assert np.all(minitorch.empty(5).normal_(minitorch.tensor(1.0), 0).numpy() == 1)  # a one-element tensor


@pytest.mark.parametrize("method", ALL)
def test_recorded_as_torch(method):
    """A sampler on a tensor with history: the sampler's node (UniformBackward0, ...) after the old history, zero
    gradients for what came before, the version counter moved; on a view, the base's history is CopySlices, and
    the sampled region gets no gradient."""
    results = []
    for lib in (minitorch, torch):
        x = lib.ones(3, 2, dtype=lib.float64, requires_grad=True)
        y = x * 2
        version = y._version
        assert getattr(y, method)(*ALL[method]) is y
        assert y._version == version + 1
        grad, = lib.autograd.grad(y.sum(), x)
        z = x * 3
        getattr(z[1:], method)(*ALL[method])
        view_grad, = lib.autograd.grad(z.sum(), x)
        results.append((y, z.grad_fn.name(), grad.tolist(), view_grad.tolist()))
    (y, name, grad, view_grad), (ty, t_name, t_grad, t_view_grad) = results
    same_graphs(y, ty)
    # (the children of CopySlices are not compared: minitorch draws the op on the view as a child of CopySlices,
    # where torch's CopySlices takes over that node's edges - for every in-place op on a view, not only these)
    assert name == t_name == "torch::autograd::CopySlices"
    assert grad == t_grad == [[0.0, 0.0]] * 3
    assert view_grad == t_view_grad == [[3.0, 3.0], [0.0, 0.0], [0.0, 0.0]]


@pytest.mark.parametrize("method", ALL)
def test_leaf_rules_as_torch(method):
    """A leaf that requires grad refuses (torch's error); under no_grad it is filled and stays a leaf (how
    nn.init uses the samplers)."""
    same_error(lambda lib: getattr(lib.zeros(3, requires_grad=True), method)(*ALL[method]))
    for lib in (minitorch, torch):
        w = lib.zeros(3, requires_grad=True)
        with lib.no_grad():
            getattr(w, method)(*ALL[method])
        assert w.is_leaf and w.requires_grad and w.grad_fn is None and w._version == 1


ERRORS = [
    ("uniform_", (3, -1), "float32", (10,)), ("uniform_", (3, -1), "float32", (0,)),
    ("uniform_", (), "int64", (2,)), ("uniform_", (), "int64", (0,)), ("uniform_", (), "bool", (2,)),
    ("uniform_", (3, -1), "int32", (2,)),
    ("uniform_", (-1e308, 1e308), "float32", (2,)), ("uniform_", (-3e38, 3e38), "float32", (2,)),
    ("uniform_", (-1e308, 1e308), "float64", (2,)), ("uniform_", (-6e4, 6e4), "float16", (2,)),
    ("uniform_", (-1e5, 1), "float16", (2,)), ("uniform_", (0, float("inf")), "float64", (2,)),
    ("uniform_", (float("nan"), 1), "float32", (2,)), ("uniform_", ("a",), "float32", (2,)),
    ("normal_", (0, -1), "float32", (10,)), ("normal_", (0, -1.5), "float32", (10,)),
    ("normal_", (0, float("nan")), "float32", (2,)), ("normal_", (), "int64", (2,)), ("normal_", (), "uint8", (2,)),
    ("normal_", (0, -1), "int64", (2,)),
    ("cauchy_", (0, 0), "float32", (10,)), ("cauchy_", (0, -0.5), "float32", (2,)),
    ("cauchy_", (0, float("nan")), "float32", (2,)),
    *[("cauchy_", (), d, (2,)) for d in ("bool", "uint8", "int8", "int16", "int32", "int64")],
    ("cauchy_", (), "int64", (0,)), ("cauchy_", (0, 0), "int64", (2,)),
    ("exponential_", (0,), "float32", (10,)), ("exponential_", (-1.5,), "float32", (2,)),
    ("exponential_", (float("nan"),), "float32", (2,)), ("exponential_", (0,), "float32", (0,)),
    *[("exponential_", (), d, (2,)) for d in ("bool", "uint8", "int8", "int16", "int32", "int64")],
    ("exponential_", (0,), "int64", (2,)),
    ("geometric_", (-1,), "float32", (10,)), ("geometric_", (0,), "float32", (2,)),
    ("geometric_", (1,), "float32", (2,)), ("geometric_", (1.5,), "float32", (2,)),
    ("geometric_", (float("nan"),), "float32", (2,)), ("geometric_", (0.5,), "bool", (2,)),
    ("geometric_", (2,), "bool", (2,)),
    ("log_normal_", (0, 0), "float32", (10,)), ("log_normal_", (0, -1.25), "float32", (2,)),
    ("log_normal_", (), "int64", (2,)), ("log_normal_", (), "int8", (2,)), ("log_normal_", (0, 0), "int64", (2,)),
]


@pytest.mark.parametrize("method, args, dtype, shape", ERRORS,
                         ids=[f"{m}{a}-{d}-{s}" for m, a, d, s in ERRORS])
def test_errors_as_torch(method, args, dtype, shape):
    """torch's checks in its order: the distribution's parameter first, then the dtype (for uniform_ and cauchy_
    even of an empty tensor; the others' kernels refuse an integer tensor only when it has elements)."""
    same_error(lambda lib: getattr(lib.zeros(*shape, dtype=getattr(lib, dtype)), method)(*args))


def test_argument_count_errors_are_type_errors():
    """Too many arguments, or geometric_ without p: a TypeError, as torch's (Python words it in its own way)."""
    for lib in (minitorch, torch):
        with pytest.raises(TypeError):
            lib.zeros(2).uniform_(0, 1, 2)
        with pytest.raises(TypeError):
            lib.zeros(2).geometric_()


@pytest.mark.parametrize("method, dtype, shape", [
    ("normal_", "int64", (0,)), ("exponential_", "int64", (0,)), ("log_normal_", "int64", (0,)),
    ("geometric_", "bool", (0,)), ("geometric_", "uint8", (3,)), ("uniform_", "float64", (0,))])
def test_accepted_as_torch(method, dtype, shape):
    """Where torch does not refuse: empty integer tensors for the kernels that check late, integer tensors for
    geometric_."""
    for lib in (minitorch, torch):
        x = getattr(lib.zeros(*shape, dtype=getattr(lib, dtype)), method)(*ALL[method])
        assert tuple(x.shape) == shape and str(x.dtype) == f"torch.{dtype}"
