"""The robust regression losses (huber_loss, smooth_l1_loss) and the divergences and likelihoods (kl_div,
poisson_nll_loss, gaussian_nll_loss), functions and modules, against torch: values, gradients of every input
that requires grad, node names and whole graphs, second order, the deprecated flags and torch's errors."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
import minitorch.nn  # noqa: F401
from harness import array, check, float_dtypes, outcome_and_warnings, same_error, same_graphs, second_order

REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


def _quiet(fn):
    """``fn`` with warnings ignored (kl_div's 'mean' warning; size mismatches on purpose)."""
    def run(*args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args)
    return run


# -- huber, smooth_l1 -------------------------------------------------------------------------------------
@settings(max_examples=40)
@given(st.data(), float_dtypes, REDUCTIONS, st.sampled_from(["huber_loss", "smooth_l1_loss"]),
       st.sampled_from([0.5, 1.0, 2.5]))
def test_huber_and_smooth_l1(data, dtype, reduction, name, delta):
    x = data.draw(array(dtype=dtype, min_dims=0, max_dims=3, low=-4, high=4))
    y = data.draw(array(shape=x.shape[data.draw(st.integers(0, x.ndim)):], dtype=dtype, low=-4, high=4))
    option = "delta" if name == "huber_loss" else "beta"
    check(_quiet(lambda lib, x, y: getattr(lib.nn.functional, name)(x, y, reduction=reduction, **{option: delta})),
          x, y)


def test_huber_weight_and_smooth_l1_beta_zero():
    rng = np.random.default_rng(0)
    x, y, w = rng.standard_normal((3, 4)) * 2, rng.standard_normal((3, 4)), rng.uniform(0.5, 2, (3, 4))
    for reduction in ("mean", "sum", "none"):
        check(lambda lib, x, y: lib.nn.functional.huber_loss(x, y, reduction, 0.7, lib.from_numpy(w.copy())), x, y)
        # beta = 0 is l1_loss, composed (MeanBackward0 <- AbsBackward0 <- SubBackward0), as in torch
        mine, theirs = check(lambda lib, x, y: lib.nn.functional.smooth_l1_loss(x, y, reduction=reduction,
                                                                                beta=0.0), x, y)
        same_graphs(mine, theirs)


def test_huber_second_order():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((4, 3)) * 2, rng.standard_normal((4, 3))
    second_order(lambda lib, x, y: lib.nn.functional.huber_loss(x, y, delta=1.5), x, y)
    second_order(lambda lib, x, y: lib.nn.functional.smooth_l1_loss(x, y, reduction="none", beta=0.5), x, y)


# -- kl_div -----------------------------------------------------------------------------------------------
@settings(max_examples=40)
@given(st.data(), float_dtypes, st.sampled_from(["mean", "sum", "none", "batchmean"]), st.booleans())
def test_kl_div(data, dtype, reduction, log_target):
    x = data.draw(array(dtype=dtype, min_dims=0, max_dims=3, low=-5, high=0))
    t = data.draw(array(shape=x.shape, dtype=dtype, low=-3 if log_target else 0, high=0 if log_target else 1))
    if not log_target:
        t.flat[::3] = 0  # xlogy: 0·log 0 = 0
    mine, theirs = check(_quiet(lambda lib, x, t: lib.nn.functional.kl_div(x, t, reduction=reduction,
                                                                         log_target=log_target)), x, t)
    same_graphs(mine, theirs)


def test_kl_div_second_order_and_warning():
    rng = np.random.default_rng(2)
    x, t = np.log(rng.dirichlet(np.ones(4), 3)), rng.dirichlet(np.ones(4), 3)
    second_order(lambda lib, x, t: lib.nn.functional.kl_div(x, t, reduction="batchmean"), x, t)
    second_order(lambda lib, x, t: lib.nn.functional.kl_div(x, t, reduction="sum", log_target=True), x, np.log(t))
    results = [outcome_and_warnings(lambda: lib.nn.functional.kl_div(lib.zeros(2), lib.ones(2)).item())
               for lib in (minitorch, torch)]
    assert results[0] == results[1] and len(results[0][1]) == 1  # 'mean' warns that it is not batchmean


# -- poisson_nll, gaussian_nll ----------------------------------------------------------------------------
@settings(max_examples=40)
@given(st.data(), float_dtypes, REDUCTIONS, st.booleans(), st.booleans())
def test_poisson_nll_loss(data, dtype, reduction, log_input, full):
    x = data.draw(array(dtype=dtype, min_dims=0, max_dims=3, low=-2 if log_input else 0.1, high=3))
    t = np.round(data.draw(array(shape=x.shape, dtype=dtype, low=0, high=6)))  # counts: some <= 1 (no Stirling)
    mine, theirs = check(lambda lib, x, t: lib.nn.functional.poisson_nll_loss(
        x, t, log_input=log_input, full=full, reduction=reduction), x, np.asarray(t + 0.25 * (t > 1), dtype))
    same_graphs(mine, theirs)


@settings(max_examples=40)
@given(st.data(), float_dtypes, REDUCTIONS, st.booleans(), st.sampled_from(["same", "one fewer", "one shared"]))
def test_gaussian_nll_loss(data, dtype, reduction, full, var_shape):
    x = data.draw(array(dtype=dtype, min_dims=1, max_dims=3, low=-3, high=3))
    y = data.draw(array(shape=x.shape, dtype=dtype, low=-3, high=3))
    shape = {"same": x.shape, "one fewer": x.shape[:-1], "one shared": x.shape[:-1] + (1,)}[var_shape]
    if var_shape == "one shared" and x.shape[-1] == 1:
        shape = x.shape
    var = data.draw(array(shape=shape, dtype=dtype, low=0, high=3))
    var.flat[::4] = 1e-9  # below eps: clamped, outside the graph
    mine, theirs = check(lambda lib, x, y, v: lib.nn.functional.gaussian_nll_loss(
        x, y, v, full=full, reduction=reduction), x, y, var)
    same_graphs(mine, theirs)


def test_likelihood_second_order():
    rng = np.random.default_rng(3)
    x, t, v = rng.standard_normal((3, 4)), rng.uniform(0, 4, (3, 4)), rng.uniform(0.5, 2, (3, 4))
    second_order(lambda lib, x, t: lib.nn.functional.poisson_nll_loss(x, t), x, t)
    second_order(lambda lib, x, t: lib.nn.functional.poisson_nll_loss(x, t, log_input=False, full=True), v, t + 1)
    second_order(lambda lib, x, y, v: lib.nn.functional.gaussian_nll_loss(x, y, v, full=True), x, t, v)
    second_order(lambda lib, x, y: lib.nn.functional.gaussian_nll_loss(x, y, 0.5, reduction="sum"), x, t)


# -- modules ----------------------------------------------------------------------------------------------
MODULES = [("HuberLoss", dict(delta=0.5)), ("HuberLoss", dict(reduction="sum")), ("SmoothL1Loss", dict(beta=2.0)),
           ("SmoothL1Loss", dict(size_average=False)), ("KLDivLoss", dict(reduction="batchmean")),
           ("KLDivLoss", dict(log_target=True, reduction="none")), ("PoissonNLLLoss", dict(full=True, eps=1e-4)),
           ("PoissonNLLLoss", dict(log_input=False, reduce=False)), ("GaussianNLLLoss", dict(full=True)),
           ("GaussianNLLLoss", dict(eps=0.1, reduction="none"))]


@pytest.mark.parametrize("name, options", MODULES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_modules(name, options, dtype):
    rng = np.random.default_rng(4)
    x, t, v = (rng.uniform(0.1, 2, (4, 3)).astype(dtype) for _ in range(3))
    if name == "KLDivLoss":
        x = np.log(x)
    built = [_quiet(lambda: getattr(lib.nn, name)(**options))() for lib in (minitorch, torch)]
    assert repr(built[0]) == repr(built[1]) and built[0].reduction == built[1].reduction
    assert list(built[0].state_dict()) == list(built[1].state_dict())
    modules = {minitorch: built[0], torch: built[1]}
    if name == "GaussianNLLLoss":
        check(lambda lib, x, t, v: modules[lib](x, t, v), x, t, v)
    else:
        check(lambda lib, x, t: modules[lib](x, t), x, t)


# -- errors and warnings ----------------------------------------------------------------------------------
X = np.random.default_rng(5).standard_normal((3, 4))
ERRORS = [
    lambda lib, F, x: F.huber_loss(x, x, delta=0),
    lambda lib, F, x: F.huber_loss(x, x, reduction="average"),
    lambda lib, F, x: F.huber_loss(x, lib.zeros(5, dtype=lib.float64)),
    lambda lib, F, x: F.huber_loss(lib.ones(3, dtype=lib.int64), lib.ones(3, dtype=lib.int64)),
    lambda lib, F, x: F.huber_loss(x, x, weight=lib.ones(4, dtype=lib.float64)),
    lambda lib, F, x: F.smooth_l1_loss(x, x, beta=-1.0),
    lambda lib, F, x: F.smooth_l1_loss(lib.ones(3, dtype=lib.int64), lib.ones(3, dtype=lib.int64)),
    lambda lib, F, x: F.smooth_l1_loss(x, lib.zeros(2, 1, dtype=lib.float64)),
    lambda lib, F, x: F.kl_div(x, x, reduction="foo"),
    lambda lib, F, x: F.kl_div(x, lib.zeros(5, dtype=lib.float64)),
    lambda lib, F, x: F.poisson_nll_loss(x, x, reduction="foo"),
    lambda lib, F, x: F.poisson_nll_loss(x, lib.zeros(5, dtype=lib.float64)),
    lambda lib, F, x: F.gaussian_nll_loss(x, x, -x.abs()),
    lambda lib, F, x: F.gaussian_nll_loss(x, x, -1.0),
    lambda lib, F, x: F.gaussian_nll_loss(x, x, lib.ones(2, 4, dtype=lib.float64)),
    lambda lib, F, x: F.gaussian_nll_loss(x, x, lib.ones(4, dtype=lib.float64)),
    lambda lib, F, x: F.gaussian_nll_loss(x, x, lib.ones(1, 1, dtype=lib.float64)),
    lambda lib, F, x: F.gaussian_nll_loss(x, x, lib.ones(3, 4, dtype=lib.float64), reduction="foo"),
    lambda lib, F, x: lib.nn.HuberLoss(delta="1"),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_match_torch(index):
    same_error(lambda lib: ERRORS[index](lib, lib.nn.functional, lib.from_numpy(X.copy()).requires_grad_()))


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.huber_loss(lib.zeros(3, 1), lib.ones(4)).tolist(),
    lambda lib: lib.nn.functional.smooth_l1_loss(lib.zeros(3, 1), lib.ones(4), reduce=False).tolist(),
    lambda lib: lib.nn.functional.kl_div(lib.zeros(2), lib.ones(2), size_average=False).tolist(),
    lambda lib: lib.nn.functional.poisson_nll_loss(lib.zeros(2), lib.ones(2), reduce=False).tolist(),
    lambda lib: lib.nn.SmoothL1Loss(size_average=True, reduce=False).reduction,
], ids=["huber size warning", "smooth_l1 reduce=False", "kl_div size_average", "poisson reduce", "module flags"])
def test_warnings_and_deprecated_flags_as_torch(call):
    mine, theirs = (outcome_and_warnings(lambda: call(lib)) for lib in (minitorch, torch))
    assert mine == theirs
