"""minitorch.distributions against torch.distributions: values and gradients (float64) of log_prob, cdf, icdf,
entropy and the moments; shapes of sample / rsample / expand; draws in the support with the right moments;
rsample's gradients against torch's reparameterisation of the same draw; validation errors, printing and KL.

Draws come from minitorch's own generator, so they are never compared with torch's numbers: the moments of a
large sample are checked against the distribution's mean and variance, with the tolerance stated there.
"""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import assert_close, check
from minitorch.testing import _gradients

# torch's trigamma (polygamma(1, x): the derivative of digamma) is accurate to ~5e-10 relative, minitorch's to
# ~1e-15 (test_special_functions_against_mpmath): gradients through it are compared at this tolerance
TRIGAMMA_TOLERANCE = dict(rtol=1e-8, atol=1e-10)


def check_through_trigamma(fn, *arrays):
    wants = [isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in arrays]
    return _gradients.compare_forward_and_vjp(fn, list(arrays), wants, tolerance=lambda _: TRIGAMMA_TOLERANCE)

RNG = np.random.default_rng(0)


def pos(*shape, low=0.5, high=3.0):
    return RNG.uniform(low, high, shape)


def real(*shape):
    return RNG.normal(size=shape)


def _tril_mask(n, strict):
    return np.tril(np.ones((n, n)), -1 if strict else 0)


def _spd(lib, A):
    """A symmetric positive-definite matrix from any square A: A Aᵀ + I/2 (differentiable in A)."""
    return A @ A.mT + 0.5 * lib.eye(A.shape[-1], dtype=A.dtype)


def _lower(lib, A):
    """A Cholesky factor from any square A: its strict lower triangle plus exp of its diagonal."""
    n = A.shape[-1]
    eye = lib.eye(n, dtype=A.dtype)
    return A * lib.from_numpy(_tril_mask(n, True)) + eye * (A * eye).sum(-1).exp().unsqueeze(-1)


def one_hot(idx, k):
    return np.eye(k)[idx]


def simplex(*shape):
    p = RNG.uniform(0.2, 1.0, shape)
    return p / p.sum(-1, keepdims=True)


# name -> (constructor from (lib, *params), parameter arrays, a value array in the support, methods)
CONTINUOUS = ("log_prob", "entropy", "mean", "variance", "stddev")
CASES = {
    "Normal": (lambda lib, loc, scale: lib.distributions.Normal(loc, scale), [real(3), pos(3)], real(2, 3),
               CONTINUOUS + ("mode", "cdf", "icdf")),
    "Uniform": (lambda lib, low, width: lib.distributions.Uniform(low, low + width), [real(3), pos(3)],
                None, CONTINUOUS + ("cdf", "icdf")),
    "Exponential": (lambda lib, rate: lib.distributions.Exponential(rate), [pos(3)], pos(2, 3, low=0.01),
                    CONTINUOUS + ("mode", "cdf", "icdf")),
    "Laplace": (lambda lib, loc, scale: lib.distributions.Laplace(loc, scale), [real(3), pos(3)], real(2, 3),
                CONTINUOUS + ("mode", "cdf", "icdf")),
    "Gamma": (lambda lib, c, rate: lib.distributions.Gamma(c, rate), [pos(3), pos(3)], pos(2, 3, low=0.01),
              CONTINUOUS + ("mode",)),
    "Beta": (lambda lib, c1, c0: lib.distributions.Beta(c1, c0), [pos(3), pos(3)], RNG.uniform(0.05, 0.95, (2, 3)),
             CONTINUOUS + ("mode",)),
    "Dirichlet": (lambda lib, c: lib.distributions.Dirichlet(c), [pos(2, 4)], simplex(3, 2, 4),
                  CONTINUOUS + ("mode",)),
    "Bernoulli-probs": (lambda lib, p: lib.distributions.Bernoulli(probs=p), [RNG.uniform(0.1, 0.9, 3)],
                        RNG.integers(0, 2, (2, 3)).astype(float), CONTINUOUS + ("mode",)),
    "Bernoulli-logits": (lambda lib, l: lib.distributions.Bernoulli(logits=l), [real(3)],
                         RNG.integers(0, 2, (2, 3)).astype(float), CONTINUOUS + ("probs",)),
    "Categorical-probs": (lambda lib, p: lib.distributions.Categorical(probs=p), [pos(2, 4)],
                          RNG.integers(0, 4, (3, 2)), ("log_prob", "entropy", "probs", "logits", "mode")),
    "Categorical-logits": (lambda lib, l: lib.distributions.Categorical(logits=l), [real(2, 4)],
                           RNG.integers(0, 4, (3, 2)), ("log_prob", "entropy", "probs", "logits")),
    "OneHotCategorical": (lambda lib, l: lib.distributions.OneHotCategorical(logits=l), [real(2, 4)],
                          one_hot(RNG.integers(0, 4, (3, 2)), 4), CONTINUOUS + ("mode",)),
    "Poisson": (lambda lib, rate: lib.distributions.Poisson(rate), [pos(3)],
                RNG.integers(0, 6, (2, 3)).astype(float), ("log_prob", "mean", "variance", "stddev", "mode")),
    "Binomial-probs": (lambda lib, p: lib.distributions.Binomial(5, probs=p), [RNG.uniform(0.1, 0.9, 3)],
                       RNG.integers(0, 6, (2, 3)).astype(float), CONTINUOUS + ("mode",)),
    "Binomial-logits": (lambda lib, l: lib.distributions.Binomial(lib.tensor([3., 5., 7.], dtype=lib.float64),
                                                                  logits=l), [real(3)],
                        RNG.integers(0, 4, (2, 3)).astype(float), ("log_prob", "mean", "variance")),
    "MVN-cov": (lambda lib, loc, A: lib.distributions.MultivariateNormal(loc, covariance_matrix=_spd(lib, A)),
                [real(2, 3), real(3, 3)], real(4, 2, 3),
                CONTINUOUS + ("covariance_matrix", "precision_matrix", "scale_tril")),
    "MVN-precision": (lambda lib, loc, A: lib.distributions.MultivariateNormal(loc, precision_matrix=_spd(lib, A)),
                      [real(3), real(2, 3, 3)], real(4, 2, 3),
                      CONTINUOUS + ("covariance_matrix", "precision_matrix", "scale_tril")),
    "MVN-scale_tril": (lambda lib, loc, A: lib.distributions.MultivariateNormal(loc, scale_tril=_lower(lib, A)),
                       [real(2, 3), real(3, 3)], real(4, 2, 3),
                       CONTINUOUS + ("covariance_matrix", "precision_matrix")),
    "Independent": (lambda lib, loc, scale: lib.distributions.Independent(lib.distributions.Normal(loc, scale), 1),
                    [real(2, 3), pos(2, 3)], real(4, 2, 3), CONTINUOUS + ("mode",)),
}
THROUGH_TRIGAMMA = {("Gamma", "entropy"), ("Beta", "entropy"), ("Dirichlet", "entropy")}


def _value_for(name, params):
    value = CASES[name][2]
    if name == "Uniform":  # inside [low, low + width)
        low, width = params
        return low + width * RNG.uniform(0, 1, (2, 3))
    return value


def _method(name, method, params, value):
    ctor = CASES[name][0]

    def fn(lib, *args):
        d = ctor(lib, *args[:len(params)])
        if method in ("log_prob", "cdf"):
            return getattr(d, method)(args[len(params)])
        if method == "icdf":
            return d.icdf(args[len(params)])
        if method == "entropy":
            return d.entropy()
        return getattr(d, method)
    args = list(params)
    if method in ("log_prob", "cdf"):
        args.append(value)
    if method == "icdf":
        args.append(RNG.uniform(0.02, 0.98, (2, 3)))
    return fn, args


@pytest.mark.parametrize("name,method", [(n, m) for n, case in CASES.items() for m in case[3]])
def test_values_and_gradients_match_torch(name, method):
    params = CASES[name][1]
    value = _value_for(name, params)
    fn, args = _method(name, method, params, value)
    (check_through_trigamma if (name, method) in THROUGH_TRIGAMMA else check)(fn, *args)


def test_dirichlet_mode_at_a_corner_as_torch():
    """Where every concentration is below 1 the density peaks at a corner; torch picks the first (the argmax
    of a NaN vector), through an in-place index_put."""
    c = np.array([[0.5, 0.7, 0.9], [2.0, 3.0, 0.5]])
    check(lambda lib, c: lib.distributions.Dirichlet(c).mode, c)


# -- the special functions and linear algebra the distributions are built from ---------------------------------

from minitorch.distributions import _gamma_functions  # noqa: E402
from minitorch.ops.pointwise import special as _special  # noqa: E402
from harness import second_order  # noqa: E402


def test_special_functions_match_torch_over_a_wide_range():
    """lgamma, digamma, polygamma(n), erfinv to 1e-12 relative (absolute near their zeros) in float64; 1e-11
    for negative arguments (reflected through π/tan(πx): both libraries lose a digit there)."""
    x = np.concatenate([np.linspace(1e-6, 5, 301), np.geomspace(1e-8, 1e12, 121), -np.linspace(0.01, 30.3, 121)])
    t = torch.from_numpy(x)
    pairs = [(_special.lgamma, torch.lgamma), (_special.digamma, torch.digamma),
             (lambda a: _special.polygamma(2, a), lambda a: torch.polygamma(2, a)),
             (lambda a: _special.polygamma(3, a), lambda a: torch.polygamma(3, a))]
    for mine, theirs in pairs:
        got, expected = mine(minitorch.from_numpy(x)).numpy(), theirs(t).numpy()
        np.testing.assert_allclose(got[x > 0], expected[x > 0], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(got[x < 0], expected[x < 0], rtol=1e-11)
    y = np.concatenate([np.linspace(-0.999, 0.999, 301), 1 - np.geomspace(1e-15, 1e-2, 30)])
    np.testing.assert_allclose(_special.erfinv(minitorch.from_numpy(y)).numpy(), torch.erfinv(torch.from_numpy(y)),
                               rtol=1e-12, atol=1e-15)
    # the poles and edges as torch: lgamma(0) = inf, digamma(0) = -inf, digamma(-1) = nan, erfinv(±1) = ±inf
    edges = np.array([0.0, -1.0, -2.0])
    np.testing.assert_array_equal(_special.lgamma(minitorch.from_numpy(edges)).numpy(),
                                  torch.lgamma(torch.from_numpy(edges)))
    np.testing.assert_array_equal(_special.digamma(minitorch.from_numpy(edges)).numpy(),
                                  torch.digamma(torch.from_numpy(edges)))
    ones = np.array([-1.0, 1.0, 0.0])
    np.testing.assert_array_equal(_special.erfinv(minitorch.from_numpy(ones)).numpy(),
                                  torch.erfinv(torch.from_numpy(ones)))


def test_special_functions_against_mpmath():
    """trigamma is where torch is only good to ~5e-10: minitorch's against mpmath to 1e-14."""
    mpmath = pytest.importorskip("mpmath")
    x = np.concatenate([np.linspace(0.05, 6, 40), [10.0, 33.3, 1e4]])
    expected = np.array([float(mpmath.polygamma(1, v)) for v in x])
    np.testing.assert_allclose(_special.polygamma(1, minitorch.from_numpy(x)).numpy(), expected, rtol=1e-14)


@pytest.mark.parametrize("op", ["lgamma", "digamma", "polygamma", "erfinv", "xlogy"])
def test_special_function_gradients_and_second_order(op):
    fns = {"lgamma": (lambda lib, a: (_special.lgamma if lib is minitorch else torch.lgamma)(a), [pos(5)]),
           "digamma": (lambda lib, a: (_special.digamma if lib is minitorch else torch.digamma)(a), [pos(5)]),
           "polygamma": (lambda lib, a: (_special.polygamma if lib is minitorch else torch.polygamma)(2, a), [pos(5)]),
           "erfinv": (lambda lib, a: (_special.erfinv if lib is minitorch else torch.erfinv)(a),
                      [RNG.uniform(-0.9, 0.9, 5)]),
           "xlogy": (lambda lib, a, b: (_special.xlogy if lib is minitorch else torch.xlogy)(a, b),
                     [np.array([0.0, 1.0, 2.5, 0.0, -1.0]), pos(5)])}
    fn, args = fns[op]
    if op == "digamma":  # its derivative is trigamma
        _gradients.compare_forward_and_vjp(fn, args, [True] * len(args), tolerance=lambda _: TRIGAMMA_TOLERANCE)
    else:
        check(fn, *args)  # values, node names (LgammaBackward0, ...) and gradients
    if op == "lgamma":  # its second derivative is trigamma
        _gradients.compare_second_order(fn, args, [True], seed=1, tolerance=lambda _: TRIGAMMA_TOLERANCE)
    else:
        second_order(fn, *args)


def test_linalg_ops_match_torch_with_second_order():
    A, B = real(2, 3, 3), real(3, 2)

    def chol(lib, A):
        S = _spd(lib, A)
        return lib.linalg.cholesky(S)

    def solve(lib, A, B):
        L = _lower(lib, A)
        return lib.linalg.solve_triangular(L, B, upper=False), lib.linalg.solve_triangular(L.mT, B, upper=True)
    check(chol, A)
    check(solve, A, B, check_names=False)  # _lower's own nodes differ; the solves' names are checked below
    second_order(chol, A)
    second_order(solve, A, B)
    L = minitorch.from_numpy(np.tril(pos(3, 3))).requires_grad_()
    assert minitorch.linalg.solve_triangular(L, minitorch.from_numpy(B), upper=False).grad_fn.name() == \
        "LinalgSolveTriangularBackward0"
    assert minitorch.linalg.cholesky(L @ L.mT).grad_fn.name() == "LinalgCholeskyExBackward0"


def test_log_prob_second_order_as_torch():
    """log_prob differentiates twice (Hessians of a log-likelihood, as in natural gradients)."""
    for name in ("Normal", "Gamma", "Beta", "MVN-cov", "Categorical-logits", "Binomial-logits"):
        params = CASES[name][1]
        fn, args = _method(name, "log_prob", params, _value_for(name, params))
        wants = [isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in args]
        _gradients.compare_second_order(fn, args, wants, seed=1, tolerance=lambda _: TRIGAMMA_TOLERANCE)


# -- shapes: sample, rsample, expand ---------------------------------------------------------------------------

def _both(name, params):
    ctor = CASES[name][0]
    return (ctor(minitorch, *[minitorch.from_numpy(p) for p in params]),
            ctor(torch, *[torch.from_numpy(p) for p in params]))


@pytest.mark.parametrize("name", list(CASES))
def test_shapes_of_sample_rsample_and_expand(name):
    params = CASES[name][1]
    mine, theirs = _both(name, params)
    assert (mine.batch_shape, mine.event_shape) == (theirs.batch_shape, theirs.event_shape)
    assert mine.has_rsample == theirs.has_rsample
    for shape in [(), (5,), (2, 3)]:
        x, y = mine.sample(shape), theirs.sample(shape)
        assert x.shape == y.shape and str(x.dtype) == str(y.dtype), (shape, x.shape, y.shape, x.dtype, y.dtype)
        assert not x.requires_grad
        if mine.has_rsample:
            assert mine.rsample(shape).shape == theirs.rsample(shape).shape
    big = (4,) + tuple(mine.batch_shape)
    mine_e, theirs_e = mine.expand(big), theirs.expand(big)
    assert (mine_e.batch_shape, mine_e.event_shape) == (theirs_e.batch_shape, theirs_e.event_shape)
    assert mine_e.sample((2,)).shape == theirs_e.sample((2,)).shape
    value = _value_for(name, params)[:1]  # a leading 1 broadcasts with the new leading 4
    assert_close(mine_e.log_prob(minitorch.from_numpy(value)), theirs_e.log_prob(torch.from_numpy(value)),
                 what="log_prob of the expanded distribution")


# -- draws: in the support, with the distribution's moments -------------------------------------------------------

N_DRAWS = 20000


@pytest.mark.parametrize("name", [n for n in CASES if not n.startswith("Categorical")])
def test_draws_lie_in_the_support_with_the_right_moments(name):
    """The mean of N draws within 6 standard errors (sqrt(variance / N)) of the distribution's mean, and the
    sample variance within 10% of its variance (plus a little for tiny variances)."""
    minitorch.manual_seed(0)
    d = _both(name, CASES[name][1])[0]
    x = d.sample((N_DRAWS,))
    assert bool(d.support.check(x).all())
    mean, var = d.mean.detach().numpy(), d.variance.detach().numpy()
    xs = x.numpy()
    np.testing.assert_array_less(np.abs(xs.mean(0) - mean), 6 * np.sqrt(var / N_DRAWS) + 1e-12)
    np.testing.assert_allclose(xs.var(0), var, rtol=0.1, atol=1e-3)


@pytest.mark.parametrize("name", ["Categorical-probs", "Categorical-logits"])
def test_categorical_draws_have_the_right_frequencies(name):
    minitorch.manual_seed(0)
    d = _both(name, CASES[name][1])[0]
    x = d.sample((N_DRAWS,)).numpy()
    assert x.dtype == np.int64 and x.min() >= 0 and x.max() < 4
    freq = np.stack([(x == k).mean(0) for k in range(4)], -1)
    p = d.probs.detach().numpy()
    np.testing.assert_array_less(np.abs(freq - p), 6 * np.sqrt(p * (1 - p) / N_DRAWS))


# -- rsample: gradients through the draw ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Normal", "Uniform", "Exponential", "Laplace"])
def test_rsample_gradients_equal_torchs_reparameterisation_of_the_same_draw(name):
    """The same draw in torch: the noise of minitorch's draw is its CDF value u (free of the parameters), and
    torch's icdf(u) is the draw as a function of the parameters, torch's way (loc + scale·eps, ...)."""
    params = CASES[name][1]
    ctor = CASES[name][0]
    mine_p = [minitorch.from_numpy(p).requires_grad_() for p in params]
    theirs_p = [torch.from_numpy(p).requires_grad_() for p in params]
    x = ctor(minitorch, *mine_p).rsample((4,))
    u = ctor(minitorch, *[p.detach() for p in mine_p]).cdf(x.detach())
    y = ctor(torch, *theirs_p).icdf(torch.from_numpy(u.numpy()))
    assert_close(x, y, what="the draw", scale=1e3)
    g = RNG.normal(size=tuple(x.shape))
    x.backward(minitorch.from_numpy(g))
    y.backward(torch.from_numpy(g))
    for m, t in zip(mine_p, theirs_p):
        np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=1e-7, atol=1e-9)


def test_multivariate_normal_rsample_is_loc_plus_L_eps():
    loc, A = real(2, 3), real(3, 3)
    m_loc, m_A = minitorch.from_numpy(loc).requires_grad_(), minitorch.from_numpy(A).requires_grad_()
    d = minitorch.distributions.MultivariateNormal(m_loc, covariance_matrix=_spd(minitorch, m_A))
    x = d.rsample((5,))
    assert x.grad_fn is not None
    L = np.linalg.cholesky(A @ A.T + 0.5 * np.eye(3))
    eps = np.linalg.solve(L, (x.detach().numpy() - loc)[..., None])[..., 0]  # the noise of this draw
    t_loc, t_A = torch.from_numpy(loc).requires_grad_(), torch.from_numpy(A).requires_grad_()
    t_d = torch.distributions.MultivariateNormal(t_loc, covariance_matrix=_spd(torch, t_A))
    y = t_loc + (t_d._unbroadcasted_scale_tril @ torch.from_numpy(eps)[..., None])[..., 0]
    g = RNG.normal(size=tuple(x.shape))
    x.backward(minitorch.from_numpy(g))
    y.backward(torch.from_numpy(g))
    np.testing.assert_allclose(m_loc.grad.numpy(), t_loc.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(m_A.grad.numpy(), t_A.grad.numpy(), rtol=1e-8, atol=1e-10)


def test_gamma_rsample_gradient_is_torchs_implicit_reparameterisation():
    """dx/dα at minitorch's draw x against torch's _standard_gamma_grad at the same x and α: torch's is an
    approximation good to ~1e-3 relative, so that is the tolerance (minitorch's series is exact to ~1e-13:
    checked against the finite difference of the CDF below)."""
    minitorch.manual_seed(1)
    alpha = np.array([0.1, 0.5, 1.0, 3.0, 30.0, 300.0])
    rate = np.array([1.0, 2.0, 0.5, 1.0, 3.0, 1.5])
    a, r = minitorch.from_numpy(alpha).requires_grad_(), minitorch.from_numpy(rate).requires_grad_()
    x = minitorch.distributions.Gamma(a, r).rsample((200,))
    assert x.grad_fn.name() == "DivBackward0"
    x.sum().backward()
    draws = x.detach().numpy() * rate  # the Gamma(α, 1) draws
    torch_grad = torch._standard_gamma_grad(torch.from_numpy(np.broadcast_to(alpha, draws.shape).copy()),
                                            torch.from_numpy(draws)).numpy()
    np.testing.assert_allclose(a.grad.numpy(), (torch_grad / rate).sum(0), rtol=2e-3)
    np.testing.assert_allclose(r.grad.numpy(), (-draws / rate ** 2).sum(0), rtol=1e-12)
    # the exact derivative: -(∂P/∂α) / (∂P/∂x), ∂P/∂α by a central difference of the CDF
    x0, a0, h = draws[:5, 3], alpha[3], 1e-5
    dP = (_gamma_functions._series(a0 + h, x0)[0] - _gamma_functions._series(a0 - h, x0)[0]) / (2 * h)
    density = np.exp((a0 - 1) * np.log(x0) - x0 - math.lgamma(a0))
    np.testing.assert_allclose(_gamma_functions._standard_gamma_grad(np.full(5, a0), x0), -dP / density, rtol=1e-7)
    with pytest.raises(NotImplementedError, match="the derivative for '_standard_gamma_grad' is not implemented."):
        g, = minitorch.autograd.grad(minitorch.distributions.Gamma(a, 1.0).rsample().sum(), a, create_graph=True)
        g.sum().backward()


@pytest.mark.parametrize("name", ["Beta", "Dirichlet"])
def test_beta_and_dirichlet_rsample_gradients_average_to_the_mean_gradient(name):
    """E[x] = α / Σα: the average of the pathwise gradients over 4000 draws must be its derivative (to 0.02, about
    5 standard errors of that average): the implicit gradients are unbiased."""
    minitorch.manual_seed(2)
    if name == "Dirichlet":
        c = minitorch.from_numpy(np.array([[0.8, 2.0, 3.5]])).requires_grad_()
        x = minitorch.distributions.Dirichlet(c).rsample((4000,))[..., 0]
        leaves, exact = [c], [np.array([[2.0 + 3.5, -0.8, -0.8]]) / 6.3 ** 2]
    else:
        c1, c0 = minitorch.tensor(1.5, dtype=minitorch.float64, requires_grad=True), \
            minitorch.tensor(2.5, dtype=minitorch.float64, requires_grad=True)
        x = minitorch.distributions.Beta(c1, c0).rsample((4000,))
        leaves, exact = [c1, c0], [np.array(2.5 / 16), np.array(-1.5 / 16)]
    grads = minitorch.autograd.grad(x.mean(), leaves)
    for g, e in zip(grads, exact):
        np.testing.assert_allclose(g.numpy(), e, atol=0.02)


# -- validation: torch's errors, word for word -------------------------------------------------------------------

def _error(lib, make):
    with pytest.raises(Exception) as info:
        make(lib, lib.distributions)
    return type(info.value), str(info.value)


def _t(lib, values, dtype=None):
    return lib.tensor(values, dtype=dtype or lib.float32)


ERRORS = {
    "parameter out of its constraint": lambda lib, D: D.Normal(_t(lib, [0.0, 1.0]), _t(lib, [1.0, -1.0])),
    "NaN parameter": lambda lib, D: D.Normal(float("nan"), 1.0),
    "scalar parameters": lambda lib, D: D.Exponential(-2.0),
    "dependent bounds": lambda lib, D: D.Uniform(_t(lib, [0.0, 2.0]), _t(lib, [1.0, 1.0])),
    "independent positive": lambda lib, D: D.Dirichlet(_t(lib, [1.0, -1.0])),
    "simplex value": lambda lib, D: D.Dirichlet(_t(lib, [1.0, 2.0])).log_prob(_t(lib, [0.5, 0.6])),
    "positive definite": lambda lib, D: D.MultivariateNormal(_t(lib, [0.0, 0.0]),
                                                             covariance_matrix=_t(lib, [[1.0, 2.0], [2.0, 1.0]])),
    "lower cholesky": lambda lib, D: D.MultivariateNormal(_t(lib, [0.0, 0.0]),
                                                          scale_tril=_t(lib, [[1.0, 2.0], [0.0, 1.0]])),
    "value outside the support": lambda lib, D: D.Exponential(_t(lib, [1.0, 2.0])).log_prob(_t(lib, [1.0, -1.0])),
    "value not an integer": lambda lib, D: D.Poisson(_t(lib, [1.0])).log_prob(_t(lib, [1.5])),
    "value of the wrong event shape": lambda lib, D: D.Dirichlet(_t(lib, [1.0, 2.0])).log_prob(
        _t(lib, [0.2, 0.3, 0.5])),
    "value that does not broadcast": lambda lib, D: D.Normal(_t(lib, [0.0, 1.0]), 1.0).log_prob(
        _t(lib, [0.0, 1.0, 2.0])),
    "value not a tensor": lambda lib, D: D.Normal(0.0, 1.0).log_prob(0.5),
    "category out of range": lambda lib, D: D.Categorical(logits=_t(lib, [0.0, 1.0])).log_prob(lib.tensor(2)),
    "both probs and logits": lambda lib, D: D.Bernoulli(probs=0.5, logits=0.0),
    "neither": lambda lib, D: D.Categorical(),
    "0-d probs": lambda lib, D: D.Categorical(probs=_t(lib, 0.5)),
    "0-d concentration": lambda lib, D: D.Dirichlet(_t(lib, 0.5)),
    "several matrices": lambda lib, D: D.MultivariateNormal(_t(lib, [0.0]), covariance_matrix=_t(lib, [[1.0]]),
                                                            scale_tril=_t(lib, [[1.0]])),
    "1-d covariance": lambda lib, D: D.MultivariateNormal(_t(lib, [0.0]), covariance_matrix=_t(lib, [1.0])),
    "Independent of too many dims": lambda lib, D: D.Independent(D.Normal(_t(lib, [0.0]), 1.0), 2),
    "a number where a tensor goes": lambda lib, D: D.Normal("a", 1.0),
    "no cdf": lambda lib, D: D.Categorical(logits=_t(lib, [0.0])).cdf(_t(lib, 0.0)),
    "no cdf for Independent": lambda lib, D: D.Independent(D.Beta(_t(lib, [2.0]), 1.0), 1).expand((2,)).cdf(
        _t(lib, [0.5])),
    "kl of an unregistered pair": lambda lib, D: D.kl_divergence(D.Categorical(logits=_t(lib, [0.0, 1.0])),
                                                                 D.Normal(0.0, 1.0)),
    "kl of binomials, q with more trials": lambda lib, D: D.kl_divergence(D.Binomial(2, probs=_t(lib, [0.5])),
                                                                          D.Binomial(3, probs=_t(lib, [0.5]))),
    "kl of multivariate normals of different sizes": lambda lib, D: D.kl_divergence(
        D.MultivariateNormal(_t(lib, [0.0]), scale_tril=_t(lib, [[1.0]])),
        D.MultivariateNormal(_t(lib, [0.0, 0.0]), scale_tril=_t(lib, [[1.0, 0.0], [0.0, 1.0]]))),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_as_torch(case):
    mine, theirs = _error(minitorch, ERRORS[case]), _error(torch, ERRORS[case])
    assert mine == theirs


def test_validation_can_be_turned_off():
    D = minitorch.distributions
    d = D.Normal(0.0, -1.0, validate_args=False)
    assert math.isnan(float(d.log_prob(minitorch.tensor(0.0))))
    assert D.Exponential(1.0, validate_args=False).log_prob(minitorch.tensor(-1.0)).item() == -1.0 + 2.0
    try:
        D.Distribution.set_default_validate_args(False)
        D.Normal(0.0, -1.0)  # no error
        assert not D.Normal(0.0, 1.0)._validate_args
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Normal(0.0, -1.0)
    with pytest.raises(ValueError):
        D.Distribution.set_default_validate_args("yes")
    # an expanded distribution keeps its setting, without checking again
    assert D.Normal(0.0, 1.0, validate_args=False).expand((3,))._validate_args is False


# -- printing ---------------------------------------------------------------------------------------------------

REPRS = [
    lambda lib, D: D.Normal(0.0, 1.0),
    lambda lib, D: D.Normal(_t(lib, [0.0, 1.0]), _t(lib, [1.0, 2.0])),
    lambda lib, D: D.Uniform(_t(lib, [0.0, 1.0]), 3.0),
    lambda lib, D: D.Bernoulli(logits=_t(lib, [0.0, 1.0])),
    lambda lib, D: D.Categorical(probs=_t(lib, [0.25, 0.75])),
    lambda lib, D: D.OneHotCategorical(probs=_t(lib, [0.25, 0.75])),
    lambda lib, D: D.Binomial(10, probs=_t(lib, 0.3)),
    lambda lib, D: D.Beta(2.0, 3.0),
    lambda lib, D: D.Gamma(_t(lib, [2.0, 3.0]), 1.0),
    lambda lib, D: D.MultivariateNormal(_t(lib, [0.0, 0.0]), covariance_matrix=lib.eye(2)),
    lambda lib, D: D.Independent(D.Normal(_t(lib, [0.0, 1.0]), 1.0), 1),
    lambda lib, D: D.Normal(0.0, 1.0).expand((2, 3)),
]


@pytest.mark.parametrize("i", range(len(REPRS)))
def test_repr_as_torch(i):
    assert repr(REPRS[i](minitorch, minitorch.distributions)) == repr(REPRS[i](torch, torch.distributions))


def test_constraints_as_torch():
    for lib in (minitorch, torch):
        lib.C = lib.distributions.constraints
    pairs = [("real", None), ("positive", None), ("nonnegative", None), ("unit_interval", None), ("simplex", None),
             ("boolean", None), ("nonnegative_integer", None), ("positive_integer", None), ("real_vector", None),
             ("lower_cholesky", None), ("positive_definite", None), ("one_hot", None)]
    for name, _ in pairs:
        mine, theirs = getattr(minitorch.C, name), getattr(torch.C, name)
        assert repr(mine) == repr(theirs)
        assert (mine.event_dim, mine.is_discrete) == (theirs.event_dim, theirs.is_discrete), name
    for make in [lambda C: C.integer_interval(0, 9), lambda C: C.interval(-1.0, 2.0), lambda C: C.greater_than(2.0),
                 lambda C: C.half_open_interval(0.0, 1.0), lambda C: C.independent(C.positive, 2),
                 lambda C: C.less_than(3.0), lambda C: C.greater_than_eq(1.0)]:
        assert repr(make(minitorch.C)) == repr(make(torch.C))
    values = np.array([[0.2, 0.8], [0.5, 0.6], [-0.1, 1.1], [1.0, 0.0]])
    for name in ("simplex", "one_hot", "real_vector"):
        np.testing.assert_array_equal(getattr(minitorch.C, name).check(minitorch.from_numpy(values)).numpy(),
                                      getattr(torch.C, name).check(torch.from_numpy(values)).numpy())
    for lib in (minitorch, torch):
        del lib.C
    assert minitorch.distributions.constraints.is_dependent(minitorch.distributions.Uniform.support)
    with pytest.raises(ValueError, match="Cannot determine validity of dependent constraint"):
        minitorch.distributions.constraints.dependent.check(minitorch.tensor(1.0))


# -- KL divergences ---------------------------------------------------------------------------------------------

def _d(name, i=0):
    """A distribution constructor and fresh parameters (different for i = 0, 1)."""
    ctor, params = CASES[name][0], CASES[name][1]
    rng = np.random.default_rng(10 + i)
    fresh = [p + rng.uniform(0.0, 0.4, p.shape) * (1 if name not in ("Bernoulli-probs",) else 0.1) for p in params]
    return ctor, fresh


KL_PAIRS = [("Normal", "Normal"), ("Uniform", "Uniform"), ("Exponential", "Exponential"), ("Laplace", "Laplace"),
            ("Gamma", "Gamma"), ("Beta", "Beta"), ("Dirichlet", "Dirichlet"), ("Bernoulli-probs", "Bernoulli-logits"),
            ("Categorical-probs", "Categorical-logits"), ("OneHotCategorical", "OneHotCategorical"),
            ("Poisson", "Poisson"), ("Binomial-probs", "Binomial-probs"), ("MVN-cov", "MVN-scale_tril"),
            ("MVN-precision", "MVN-cov"), ("Independent", "Independent"), ("Bernoulli-probs", "Poisson"),
            ("Beta", "Exponential"), ("Beta", "Gamma"), ("Beta", "Normal"), ("Beta", "Uniform"),
            ("Exponential", "Gamma"), ("Exponential", "Normal"), ("Gamma", "Exponential"), ("Gamma", "Normal"),
            ("Laplace", "Normal"), ("Normal", "Laplace"), ("Uniform", "Normal"), ("Uniform", "Exponential"),
            ("Uniform", "Gamma"), ("Uniform", "Beta"), ("Normal", "Uniform"), ("Exponential", "Beta"),
            ("Gamma", "Uniform"), ("Laplace", "Gamma"), ("Poisson", "Binomial-probs")]


@pytest.mark.parametrize("p_name,q_name", KL_PAIRS)
def test_kl_divergence_values_and_gradients_as_torch(p_name, q_name):
    (p_ctor, p_params), (q_ctor, q_params) = _d(p_name, 0), _d(q_name, 1)
    if (p_name, q_name) == ("Uniform", "Beta"):  # inside (0, 1), or the KL is infinite
        p_params = [np.full(3, 0.2), np.array([0.3, 0.5, 0.9])]
    n = len(p_params)

    def fn(lib, *params):
        return lib.distributions.kl_divergence(p_ctor(lib, *params[:n]), q_ctor(lib, *params[n:]))
    through_trigamma = {"Gamma", "Beta", "Dirichlet"} & {p_name, q_name}
    (check_through_trigamma if through_trigamma else check)(fn, *p_params, *q_params)


def test_register_kl_picks_the_most_specific_pair():
    D = minitorch.distributions

    class MyNormal(D.Normal):
        pass

    assert D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0)).item() == 0.5  # falls back to (Normal, Normal)

    @D.register_kl(MyNormal, D.Normal)
    def _mine(p, q):
        return minitorch.tensor(-1.0)
    try:
        assert D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0)).item() == -1.0
        assert D.kl_divergence(D.Normal(0.0, 1.0), D.Normal(1.0, 1.0)).item() == 0.5
    finally:
        from minitorch.distributions import kl
        del kl._KL_REGISTRY[MyNormal, D.Normal]
        kl._KL_MEMOIZE.clear()


# -- PyTorch's own OpInfo samples through the ops this package adds ------------------------------------------------
# (they live in minitorch.distributions, not in minitorch's namespace, so tests/test_opinfo.py does not find them:
# they are matched to their OpInfos here, with the calling conventions OpInfo uses)

OPINFO_MATCHES = {
    "lgamma": lambda: _special.lgamma, "digamma": lambda: _special.digamma, "erfinv": lambda: _special.erfinv,
    "xlogy": lambda: _special.xlogy, "igamma": lambda: _gamma_functions.gammainc,
    "polygamma": lambda: (lambda x, n: _special.polygamma(n, x)),  # OpInfo's lambda takes (x, n)
}


def _opinfos():
    from torch.testing._internal.common_methods_invocations import op_db
    return [op for op in op_db if op.name in OPINFO_MATCHES]


@pytest.mark.parametrize("op", _opinfos(), ids=lambda op: op.name + ("." + op.variant_test_name
                                                                      if op.variant_test_name else ""))
def test_opinfo_samples_of_the_added_ops(op, monkeypatch):
    """Every sample (an evenly spread 60 at most): values, gradients and (where OpInfo supports it) second
    order, against torch."""
    import opinfo_support
    monkeypatch.setattr(opinfo_support, "MAX_SAMPLES", 60)
    counts, failures, _ = opinfo_support.run_op(op, [("function", op.op, OPINFO_MATCHES[op.name]())])
    assert not failures, [f[2][:500] for f in failures[:3]]
    assert counts["ok"] + counts["error"] == counts["samples"] > 0


# -- property tests: generated parameters and values, float32 and float64 ---------------------------------------

from harness import float_dtypes  # noqa: E402

UNIVARIATE = {
    "Normal": (lambda lib, a, b: lib.distributions.Normal(a, b.abs() + 0.1), lambda a, b, x: x),
    "Laplace": (lambda lib, a, b: lib.distributions.Laplace(a, b.abs() + 0.1), lambda a, b, x: x),
    "Exponential": (lambda lib, a, b: lib.distributions.Exponential(a.abs() + 0.1), lambda a, b, x: np.abs(x)),
    "Gamma": (lambda lib, a, b: lib.distributions.Gamma(a.abs() + 0.1, b.abs() + 0.1),
              lambda a, b, x: np.abs(x) + 0.01),
    "Beta": (lambda lib, a, b: lib.distributions.Beta(a.abs() + 0.1, b.abs() + 0.1),
             lambda a, b, x: 1 / (1 + np.exp(-x))),
    "Uniform": (lambda lib, a, b: lib.distributions.Uniform(a, a + b.abs() + 0.1),
                lambda a, b, x: a + (np.abs(b) + 0.1) * (1 / (1 + np.exp(-x))) * 0.99),
    "Poisson": (lambda lib, a, b: lib.distributions.Poisson(a.abs()), lambda a, b, x: np.floor(np.abs(x))),
    "Bernoulli": (lambda lib, a, b: lib.distributions.Bernoulli(logits=a), lambda a, b, x: (x > 0).astype(x.dtype)),
    "Binomial": (lambda lib, a, b: lib.distributions.Binomial(6, logits=a), lambda a, b, x: np.floor(np.abs(x)) % 7),
}


@pytest.mark.parametrize("name", list(UNIVARIATE))
@settings(max_examples=15)
@given(data=st.data(), dtype=float_dtypes)
def test_log_prob_and_entropy_match_torch_on_generated_inputs(name, data, dtype):
    from harness import array
    from minitorch.testing.strategies import broadcastable_shapes
    shape_a, shape_b = data.draw(broadcastable_shapes(2, max_dims=3, max_side=3))
    a = data.draw(array(shape=shape_a, dtype=dtype, low=-3, high=3))
    b = data.draw(array(shape=shape_b, dtype=dtype, low=-3, high=3))
    batch = np.broadcast_shapes(a.shape, b.shape)
    x = UNIVARIATE[name][1](*np.broadcast_arrays(a, b), data.draw(array(shape=batch, dtype=dtype, low=-4, high=4)))
    x = np.asarray(x, dtype)
    ctor = UNIVARIATE[name][0]
    tolerance = {np.float64: dict(rtol=1e-9, atol=1e-10), np.float32: dict(rtol=1e-5, atol=1e-5)}[np.dtype(dtype).type]
    wants = [True, True, name not in ("Poisson", "Bernoulli", "Binomial")]
    _gradients.compare_forward_and_vjp(lambda lib, a, b, x: ctor(lib, a, b).log_prob(x), [a, b, x], wants,
                                       tolerance=lambda _: tolerance)
    if name not in ("Poisson", "Binomial"):
        _gradients.compare_forward_and_vjp(lambda lib, a, b: ctor(lib, a, b).entropy(), [a, b], [True, True],
                                           tolerance=lambda _: tolerance)


@settings(max_examples=15)
@given(data=st.data(), dtype=float_dtypes, n=st.integers(1, 4))
def test_multivariate_normal_and_dirichlet_match_torch_on_generated_inputs(data, dtype, n):
    from harness import array
    loc = data.draw(array(shape=(2, n), dtype=dtype, low=-3, high=3))
    A = data.draw(array(shape=(n, n), dtype=dtype, low=-2, high=2))
    x = data.draw(array(shape=(3, 2, n), dtype=dtype, low=-3, high=3))
    c = np.abs(data.draw(array(shape=(2, n + 1), dtype=dtype, low=-3, high=3))) + np.asarray(0.2, dtype)
    v = np.exp(data.draw(array(shape=(2, n + 1), dtype=dtype, low=-2, high=2)))
    v = (v / v.sum(-1, keepdims=True)).astype(dtype)
    tolerance = {np.float64: dict(rtol=1e-8, atol=1e-9), np.float32: dict(rtol=1e-5, atol=1e-5)}[np.dtype(dtype).type]

    def mvn(lib, loc, A, x):
        d = lib.distributions.MultivariateNormal(loc, scale_tril=_lower(lib, A))
        return d.log_prob(x), d.entropy()

    def dirichlet(lib, c, v):
        d = lib.distributions.Dirichlet(c)
        return d.log_prob(v), d.entropy()
    _gradients.compare_forward_and_vjp(mvn, [loc, A, x], [True] * 3, check_names=False, tolerance=lambda _: tolerance)
    _gradients.compare_forward_and_vjp(dirichlet, [c, v], [True, True], check_names=False,
                                       tolerance=lambda _: tolerance)


def test_gamma_cdf_as_torch():
    """P(α, βx) (torch.special.gammainc): values, and gradients in the rate and the value; torch has no
    derivative in the concentration, and neither does minitorch (the same NotImplementedError)."""
    conc, rate, x = pos(3), pos(3), pos(2, 3, low=0.05, high=4.0)
    check(lambda lib, rate, x: lib.distributions.Gamma(lib.from_numpy(conc), rate).cdf(x), rate, x)
    assert _error(minitorch, lambda lib, D: D.Gamma(lib.from_numpy(conc).requires_grad_(), 1.0).cdf(
        lib.from_numpy(x)).sum().backward()) == \
        _error(torch, lambda lib, D: D.Gamma(lib.from_numpy(conc).requires_grad_(), 1.0).cdf(
            lib.from_numpy(x)).sum().backward())


@pytest.mark.parametrize("conc", [[0.5, 1.0, 2.0], [3.0, 7.0, 1.5], [0.1, 0.2, 0.3], [20.0, 30.0, 5.0]])
def test_dirichlet_rsample_gradient_is_torchs_for_the_same_draw(conc):
    """torch's _Dirichlet VJP, D (g - Σ x g) with D = torch._dirichlet_grad(x, α, Σα), at minitorch's draw x.
    torch's D is an approximation good to ~0.6% (minitorch's series is exact: below, against a finite
    difference of the Beta CDF), so that is the tolerance."""
    minitorch.manual_seed(3)
    alpha = np.array(conc)
    a = minitorch.from_numpy(alpha).requires_grad_()
    x = minitorch.distributions.Dirichlet(a).rsample((300,))
    assert x.grad_fn.name() == "_DirichletBackward"
    g = RNG.normal(size=tuple(x.shape))
    x.backward(minitorch.from_numpy(g))
    xs = torch.from_numpy(x.detach().numpy())
    D = torch._dirichlet_grad(xs, torch.from_numpy(alpha).expand_as(xs).contiguous(),
                              torch.full_like(xs, alpha.sum()))
    per_draw = (D * (torch.from_numpy(g) - (xs * torch.from_numpy(g)).sum(-1, True))).numpy()
    # 1% of each draw's term (the sum over draws cancels: its own relative error can be larger)
    np.testing.assert_array_less(np.abs(a.grad.numpy() - per_draw.sum(0)), 1e-2 * np.abs(per_draw).sum(0))
    # the exact derivative of the marginal Beta(α₀, T-α₀) draw x₀, by a central difference of its CDF
    x0, a0, b0, h = float(xs[0, 0]), alpha[0], alpha.sum() - alpha[0], 1e-6

    def cdf(a):
        if x0 > a / (a + b0):
            return 1 - _gamma_functions._beta_series(np.array(b0), np.array(a), np.array(1 - x0))[0]
        return _gamma_functions._beta_series(np.array(a), np.array(b0), np.array(x0))[0]
    density = math.exp((a0 - 1) * math.log(x0) + (b0 - 1) * math.log1p(-x0) + math.lgamma(a0 + b0)
                       - math.lgamma(a0) - math.lgamma(b0))
    exact = -(cdf(a0 + h) - cdf(a0 - h)) / (2 * h) / density / (1 - x0)
    np.testing.assert_allclose(_gamma_functions._dirichlet_grad(x0, a0, a0 + b0), exact, rtol=1e-6)


@pytest.mark.parametrize("name", ["Bernoulli-probs", "Categorical-logits", "OneHotCategorical", "Binomial-probs"])
def test_enumerate_support_and_perplexity_as_torch(name):
    mine, theirs = _both(name, CASES[name][1])
    assert mine.has_enumerate_support == theirs.has_enumerate_support
    for expand in (True, False):
        m, t = mine.enumerate_support(expand), theirs.enumerate_support(expand)
        assert m.shape == t.shape and str(m.dtype) == str(t.dtype)
        np.testing.assert_array_equal(m.numpy(), t.numpy())
    assert_close(mine.perplexity(), theirs.perplexity(), what="perplexity")
