"""minitorch.distributions against torch.distributions: values and gradients (float64) of log_prob, cdf, icdf,
entropy and the moments; shapes of sample / rsample / expand; draws in the support with the right moments;
rsample's gradients against torch's reparameterisation of the same draw; validation errors, printing and KL.

Draws come from minitorch's own generator, so they are never compared with torch's numbers: the moments of a
large sample are checked against the distribution's mean and variance, with the tolerance stated there.
"""
import math
import warnings

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

from minitorch.distributions import _gamma_functions, _linalg, _special  # noqa: E402
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
    np.testing.assert_array_equal(_special.lgamma(minitorch.from_numpy(edges)).numpy(), torch.lgamma(torch.from_numpy(edges)))
    np.testing.assert_array_equal(_special.digamma(minitorch.from_numpy(edges)).numpy(),
                                  torch.digamma(torch.from_numpy(edges)))
    ones = np.array([-1.0, 1.0, 0.0])
    np.testing.assert_array_equal(_special.erfinv(minitorch.from_numpy(ones)).numpy(), torch.erfinv(torch.from_numpy(ones)))


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
        return _linalg.cholesky(S) if lib is minitorch else torch.linalg.cholesky(S)

    def solve(lib, A, B):
        L = _lower(lib, A)
        if lib is minitorch:
            return _linalg.solve_triangular(L, B, upper=False), _linalg.solve_triangular(L.mT, B, upper=True)
        return torch.linalg.solve_triangular(L, B, upper=False), torch.linalg.solve_triangular(L.mT, B, upper=True)
    check(chol, A)
    check(solve, A, B, check_names=False)  # _lower's own nodes differ; the solves' names are checked below
    second_order(chol, A)
    second_order(solve, A, B)
    L = minitorch.from_numpy(np.tril(pos(3, 3))).requires_grad_()
    assert _linalg.solve_triangular(L, minitorch.from_numpy(B), upper=False).grad_fn.name() == \
        "LinalgSolveTriangularBackward0"
    assert _linalg.cholesky(L @ L.mT).grad_fn.name() == "LinalgCholeskyExBackward0"


def test_log_prob_second_order_as_torch():
    """log_prob differentiates twice (Hessians of a log-likelihood, as in natural gradients)."""
    for name in ("Normal", "Gamma", "Beta", "MVN-cov", "Categorical-logits", "Binomial-logits"):
        params = CASES[name][1]
        fn, args = _method(name, "log_prob", params, _value_for(name, params))
        wants = [isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in args]
        _gradients.compare_second_order(fn, args, wants, seed=1, tolerance=lambda _: TRIGAMMA_TOLERANCE)
