"""minitorch.special against torch.special: the aliases (same values, gradients and node names as torch gives the
special.* call), the orthogonal polynomials (values over wide ranges and their edges, torch's dtypes, no graph),
ndtr / log_ndtr / ndtri / erfcx / entr / xlog1py / zeta (values far into their tails, gradients of first and second
order, node names) and torch's errors word for word.

Float64 values agree with torch's to 1e-12 relative (tails included) unless a test says otherwise; float32 to the
suite's float32 tolerance (torch computes some of these in float32, minitorch in float64 rounded once).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import array, broadcast_pair, check, check_same, check_second_order, same_error, same_graphs
from minitorch.testing import _gradients


def _close(mine, theirs, rtol=1e-12, atol=0.0):
    mine, theirs = mine.detach().numpy(), theirs.detach().numpy()
    assert mine.dtype == theirs.dtype, (mine.dtype, theirs.dtype)
    np.testing.assert_allclose(mine, theirs, rtol=rtol, atol=atol, equal_nan=True)


def both(fn, *arrays):
    """``fn(lib, *tensors)`` in minitorch and in torch, on the same arrays."""
    return [fn(lib, *[lib.from_numpy(a.copy()) for a in arrays]) for lib in (minitorch, torch)]


# -- the aliases ---------------------------------------------------------------------------------------------------
ALIASES = {  # name: (function, low, high)
    "expit": (lambda lib, a: lib.special.expit(a), -10, 10),
    "logit": (lambda lib, a: lib.special.logit(a, eps=1e-3), 0.01, 0.99),
    "erf": (lambda lib, a: lib.special.erf(a), -4, 4),
    "erfc": (lambda lib, a: lib.special.erfc(a), -4, 4),
    "erfinv": (lambda lib, a: lib.special.erfinv(a), -0.99, 0.99),
    "exp2": (lambda lib, a: lib.special.exp2(a), -10, 10),
    "expm1": (lambda lib, a: lib.special.expm1(a), -10, 10),
    "log1p": (lambda lib, a: lib.special.log1p(a), -0.9, 10),
    "gammaln": (lambda lib, a: lib.special.gammaln(a), 0.1, 10),
    "digamma": (lambda lib, a: lib.special.digamma(a), 0.1, 10),
    "psi": (lambda lib, a: lib.special.psi(a), 0.1, 10),
    "polygamma": (lambda lib, a: lib.special.polygamma(2, a), 0.1, 10),
    "multigammaln": (lambda lib, a: lib.special.multigammaln(a, 3), 1.5, 10),
    "i0": (lambda lib, a: lib.special.i0(a), -5, 5),
    "sinc": (lambda lib, a: lib.special.sinc(a), -5, 5),
    "round": (lambda lib, a: lib.special.round(a), -10, 10),
    "round_decimals": (lambda lib, a: lib.special.round(a, decimals=2), -10, 10),
    "softmax": (lambda lib, a: lib.special.softmax(a, -1, dtype=lib.float64), -10, 10),
    "log_softmax": (lambda lib, a: lib.special.log_softmax(a, 0), -10, 10),
    "logsumexp": (lambda lib, a: lib.special.logsumexp(a, 0, keepdim=True), -10, 10),
    "gammainc": (lambda lib, a: lib.special.gammainc(a.detach() + 1, a), 0.5, 10),
    "gammaincc": (lambda lib, a: lib.special.gammaincc(a.detach() + 1, a), 0.5, 10),
    "xlogy": (lambda lib, a: lib.special.xlogy(a, a + 1), 0.5, 10),
}


# digamma's gradient is trigamma, where torch is good to ~5e-10 relative only (minitorch's to ~1e-15; see
# tests/test_distributions.py): compared at 1e-8
THROUGH_TRIGAMMA = {"digamma", "psi"}


@pytest.mark.parametrize("name", ALIASES)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_aliases(name, data):
    fn, low, high = ALIASES[name]
    a = data.draw(array(low=low, high=high, min_dims=1))
    if name in THROUGH_TRIGAMMA and a.dtype == np.float64:
        _gradients.compare_forward_and_vjp(fn, [a], [True], tolerance=lambda _: dict(rtol=1e-8, atol=1e-10))
    else:
        check(fn, a)


def test_every_torch_special_name_of_this_family_is_there():
    ours = {"expit", "logit", "erf", "erfc", "erfinv", "exp2", "expm1", "log1p", "gammaln", "digamma", "psi",
            "polygamma", "multigammaln", "i0", "xlogy", "gammainc", "gammaincc", "sinc", "round", "softmax",
            "log_softmax", "logsumexp", "entr", "xlog1py", "ndtr", "log_ndtr", "ndtri", "erfcx", "zeta",
            *POLYNOMIALS}
    assert ours <= set(dir(torch.special))
    assert [name for name in sorted(ours) if not hasattr(minitorch.special, name)] == []


def test_alias_out_and_keyword_only_arguments():
    check_same(lambda lib: lib.special.erfinv(lib.tensor([0.5]), out=lib.empty(1)))
    check_same(lambda lib: lib.special.logsumexp(lib.tensor([[1.0, 2.0]]), 1, out=lib.empty(1)))
    check_same(lambda lib: lib.special.softmax(lib.tensor([1.0, 2.0]), 0, lib.float64))  # dtype: positional too
    same_error(lambda lib: lib.special.polygamma(1.0, lib.tensor([1.0])))
    same_error(lambda lib: lib.special.multigammaln(lib.tensor([3.0]), 0))


# -- the orthogonal polynomials --------------------------------------------------------------------------------
POLYNOMIALS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
               "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
               "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "hermite_polynomial_h",
               "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p"]
# inside and outside [-1, 1] (and [0, 1]), the edges ±1 and 0, a hair inside 1, the non-finite
EDGES_X = np.array([-3.5, -1.0, -0.7, -2 ** -60, 0.0, 0.3, 0.5, 1 - 2 ** -53, 1.0, 1.2, 2.5, np.nan, np.inf, -np.inf])
# negative, 0, 1, the recurrence, the trigonometric forms (above 4, 6, 8), Hermite's limit (512), fractions (cut
# toward 0), the non-finite and the out-of-range (negative in torch's conversion)
EDGES_N = np.array([-3.0, -0.5, 0, 1, 2, 3, 5, 6, 7, 9, 12, 30, 100, 513, 2.7, np.nan, np.inf, -np.inf, 1e19])


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomial_edges(name):
    x, n = np.meshgrid(EDGES_X, EDGES_N)
    mine, theirs = both(lambda lib, x, n: getattr(lib.special, name)(x, n), x, n)
    # where the recurrence cancels (a value near a root), both engines' last bits are noise of the terms' size
    _close(mine, theirs, rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("name", POLYNOMIALS)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_polynomial_values(name, data):
    x = data.draw(array(dtype=np.float64, low=-1.6, high=1.6))
    n = data.draw(st.integers(0, 40))
    mine, theirs = both(lambda lib, x: getattr(lib.special, name)(x, n), x)
    _close(mine, theirs, rtol=1e-11, atol=1e-11 * float(np.max(np.abs(theirs.numpy()), initial=1.0)))


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomial_dtypes_numbers_and_no_graph(name):
    def f(lib, *args, **kwargs):
        return getattr(lib.special, name)(*args, **kwargs)
    for args in [lambda lib: (lib.tensor([1, 2, -3]), lib.tensor([2, 3, 4])),
                 lambda lib: (lib.tensor([0.25, 2.0]), 3),
                 lambda lib: (0.5, lib.tensor([0, 1, 2, 5])),
                 lambda lib: (lib.tensor([0.25], dtype=lib.float32), lib.tensor([3.0], dtype=lib.float64)),
                 lambda lib: (lib.tensor([True, False]), lib.tensor([2]))]:
        check_same(lambda lib: f(lib, *args(lib)))
    check_same(lambda lib: f(lib, x=lib.tensor([0.3]), n=4))
    check_same(lambda lib: f(lib, lib.tensor([0.3, 0.6]), 4, out=lib.empty(2)))
    # float32 is computed in float32 as torch does; the order of rounding differs a little
    mine, theirs = both(lambda lib, x: f(lib, x, 5), np.linspace(-1.5, 1.5, 61, dtype=np.float32))
    _close(mine, theirs, rtol=1e-5, atol=1e-5 * float(np.abs(theirs.numpy()).max()))
    # torch has no derivative for them: the result is not in the graph
    x = minitorch.tensor([0.3, 0.6], requires_grad=True)
    y = f(minitorch, x, 3)
    assert y.grad_fn is None and not y.requires_grad
    for bad in [lambda lib: f(lib, 0.5, 2), lambda lib: f(lib, lib.tensor([0.5]), [2])]:
        same_error(bad)
    with pytest.raises(TypeError):  # the argument is called x, whatever torch's documentation says
        f(minitorch, input=minitorch.tensor([0.5]), n=2)
    same_error(lambda lib: f(lib, lib.ones(2), lib.ones(3)))


def test_polynomials_under_forward_mode_give_plain_tensors():
    for lib in (minitorch, torch):
        with lib.autograd.forward_ad.dual_level():
            x = lib.autograd.forward_ad.make_dual(lib.tensor([0.3]), lib.tensor([1.0]))
            assert lib.autograd.forward_ad.unpack_dual(lib.special.legendre_polynomial_p(x, 3)).tangent is None


# -- ndtr, log_ndtr, ndtri, erfcx, entr ---------------------------------------------------------------------------
UNARY = {  # name: (low, high)
    "ndtr": (-8, 8), "log_ndtr": (-40, 8), "erfcx": (-26, 60), "ndtri": (0.001, 0.999), "entr": (0.01, 10),
}


@pytest.mark.parametrize("name", UNARY)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_unary(name, data):
    low, high = UNARY[name]
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    if dtype == np.float32:  # torch computes these in float32: e^(x²) and ln Φ's -t² lose x² ulps in the left tail
        low = max(low, -6)
    a = data.draw(array(low=low, high=high, dtype=dtype))
    check(lambda lib, a: getattr(lib.special, name)(a), a)


@pytest.mark.parametrize("name", UNARY)
@settings(max_examples=4, deadline=None)
@given(data=st.data())
def test_unary_second_order(name, data):
    low, high = UNARY[name]
    a = data.draw(array(low=max(low, -6), high=min(high, 6), dtype=np.float64))
    check_second_order(lambda lib, a: getattr(lib.special, name)(a), a)


def test_tails_and_edges():
    """Far into the tails, at the cut-overs between methods, and at the non-finite."""
    rng = np.random.default_rng(0)
    wide = np.concatenate([rng.uniform(-40, 60, 2000), 10.0 ** rng.uniform(-300, 300, 300),
                           -(10.0 ** rng.uniform(-300, 1.4, 300)),
                           [0.0, -0.0, -1.0, 9.999999, 10.0, 26.6, -26.6, -26.7, -27, 50, 5e7, 1e300, np.inf, -np.inf,
                            np.nan]])
    probabilities = np.concatenate([rng.uniform(0, 1, 2000), 10.0 ** rng.uniform(-320, 0, 500),
                                    1 - 10.0 ** rng.uniform(-16, 0, 500),
                                    [0.0, 1.0, 0.25, 0.5, 0.75, 5e-324, 1e-300, -1.0, 2.0, np.nan, np.inf]])
    # erfcx below -6: torch's 2 e^(x²) rounds x² first, an error x² ulps large (~7e-14 at -26): minitorch's is exact
    for name, args, rtol in [("erfcx", wide, 1e-13), ("log_ndtr", wide, 1e-12), ("ndtri", probabilities, 1e-14),
                             ("entr", wide, 1e-14)]:
        _close(*both(lambda lib, a: getattr(lib.special, name)(a), args), rtol=rtol)
    # ndtr is (1 + erf(x/√2))/2 in both: 0 in the far left tail, and erf's last bit there is absolute
    _close(*both(lambda lib, a: lib.special.ndtr(a), wide), rtol=1e-12, atol=1e-16)
    for name in ["erfcx", "log_ndtr", "ndtri", "ndtr", "entr"]:
        args = (probabilities if name == "ndtri" else wide[np.abs(wide) < 1e30]).astype(np.float32)
        _close(*both(lambda lib, a: getattr(lib.special, name)(a), args), rtol=1e-5, atol=1e-6)
        check_same(lambda lib: getattr(lib.special, name)(lib.tensor([0, 1, 2])))


def test_ndtr_is_a_formula_of_other_operations():
    """torch writes ndtr as (1 + erf(x/√2)) * 0.5 in C++: its graph is those operations' nodes."""
    a = np.array([-1.0, 0.5, 2.0])
    mine, theirs = check(lambda lib, a: lib.special.ndtr(a), a)
    same_graphs(mine, theirs)


# -- xlog1py, zeta ----------------------------------------------------------------------------------------------
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_xlog1py(data):
    a, b = data.draw(broadcast_pair(low=-0.9, high=10))
    a[np.abs(a) < 0.05] = 0.0  # the zeros where 0 ln(1 + b) = 0
    check(lambda lib, a, b: lib.special.xlog1py(a, b), a, b)
    check_second_order(lambda lib, a, b: lib.special.xlog1py(a, b), np.asarray(a + 1.0, np.float64),
                       np.asarray(b, np.float64))


def test_xlog1py_edges_numbers_and_errors():
    a = np.array([0.0, 0.0, 0.0, 2.0, 1.0, np.nan, 0.0, 3.0])
    b = np.array([-1.0, np.nan, -2.0, -1.0, 1e-300, 1.0, np.inf, -0.5])
    check(lambda lib, a, b: lib.special.xlog1py(a, b), a, b)
    check(lambda lib, b: lib.special.xlog1py(2.0, b), np.array([0.5, 3.0]))
    check(lambda lib, a: lib.special.xlog1py(a, 2.0), np.array([0.5, 3.0]))
    check_same(lambda lib: lib.special.xlog1py(lib.tensor([1, 0]), lib.tensor([2, 3])))
    same_error(lambda lib: lib.special.xlog1py(2.0, 3.0))
    same_error(lambda lib: lib.special.xlog1py(lib.tensor([1.0]), "a"))


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_zeta(data):
    x, q = data.draw(broadcast_pair(low=1.1, high=30))
    check(lambda lib, x, q: lib.special.zeta(x.detach(), q), x, q)
    q_negative = np.asarray(-q + 0.5 * (q == np.round(q)), q.dtype)  # negative q: defined for integer x only
    mine, theirs = both(lambda lib, x, q: lib.special.zeta(x, q), np.asarray(np.round(x), x.dtype), q_negative)
    _close(mine, theirs, rtol=1e-5 if x.dtype == np.float32 else 1e-12, atol=1e-30)


def test_zeta_edges_numbers_gradients_and_errors():
    x = np.array([2.0, 1.0, 0.5, 3.0, 3.0, -2.0, 2.0, np.inf, 2.0, 2.0, np.nan, 4.0, 1.5, 700.0, 1 + 1e-9, 2.0])
    q = np.array([1.0, 1.0, 1.0, -2.0, -2.5, -2.5, 0.0, 1.0, np.inf, np.nan, 1.0, 1e-8, 1e10, 0.9, 1.0, 1e300])
    _close(*both(lambda lib, x, q: lib.special.zeta(x, q), x, q))
    check(lambda lib, q: lib.special.zeta(3.0, q), np.array([0.5, 3.0]))
    check(lambda lib, x: lib.special.zeta(x.detach(), 2.0), np.array([1.5, 3.0]))
    check_second_order(lambda lib, q: lib.special.zeta(3.0, q), np.array([0.5, 3.0]))
    check_same(lambda lib: lib.special.zeta(lib.tensor([2, 3]), lib.tensor([1, 2])))
    same_error(lambda lib: lib.special.zeta(lib.tensor([2.0], requires_grad=True), lib.tensor([1.0])).sum().backward())
    same_error(lambda lib: lib.special.zeta(2.0, 3.0))

    def dual(lib):
        with lib.autograd.forward_ad.dual_level():
            lib.special.zeta(3.0, lib.autograd.forward_ad.make_dual(lib.tensor([1.0]), lib.tensor([1.0])))
    same_error(dual)


def test_node_names_of_the_number_variants():
    x = np.array([0.5, 2.0])
    for fn in [lambda lib, a: lib.special.zeta(3.0, a), lambda lib, a: lib.special.xlog1py(2.0, a),
               lambda lib, a: lib.special.xlog1py(a, 2.0), lambda lib, a: lib.special.zeta(a, 2.0)]:
        mine, theirs = both(lambda lib, a: fn(lib, a.requires_grad_()), x)
        assert mine.grad_fn.name() == theirs.grad_fn.name()
