"""The remaining torch.* pointwise ops against torch: values, node names, dtypes, gradients (first and second
order), in-place twins, and torch's errors word for word.

Inputs are kept inside each op's smooth domain (acosh above 1, atanh inside (-1, 1), ...) and away from ties
(fmax, fmin) by their ranges and grids, never by loosening the tolerance.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import (array, assert_close, broadcast_pair, check, check_same, check_second_order, on_grid,
                     same_error, same_graphs)


def nonzero(a, gap=0.1):
    """``a`` with elements near 0 moved to 0.5, in place."""
    a[np.abs(a) < gap] = 0.5
    return a


def off_grid(a):
    """``a`` rounded to odd multiples of 1/8, in place: never equal to a value on the quarter grid."""
    a[...] = np.floor(a * 4) / 4 + 0.125
    return a


# -- unary ops: (function, low, high, prepare) ---------------------------------------------------------------
UNARY = {
    "asinh": (lambda lib, a: lib.asinh(a), -10, 10, None),
    "arcsinh": (lambda lib, a: a.arcsinh(), -10, 10, None),
    "acosh": (lambda lib, a: lib.acosh(a), 1.125, 10, None),
    "arccosh": (lambda lib, a: lib.arccosh(a), 1.125, 10, None),
    "atanh": (lambda lib, a: a.atanh(), -0.875, 0.875, None),
    "arctanh": (lambda lib, a: lib.arctanh(a), -0.875, 0.875, None),
    "deg2rad": (lambda lib, a: lib.deg2rad(a), -400, 400, None),
    "rad2deg": (lambda lib, a: a.rad2deg(), -10, 10, None),
    "sinc": (lambda lib, a: lib.sinc(a), -5, 5, None),
    "erfc": (lambda lib, a: lib.erfc(a), -4, 4, None),
    "logit": (lambda lib, a: lib.logit(a), 0.0625, 0.9375, None),
    "logit_eps": (lambda lib, a: a.logit(eps=0.2), 0.0, 1.0, off_grid),
    "i0": (lambda lib, a: lib.i0(a), -8, 8, None),
    "mvlgamma": (lambda lib, a: lib.mvlgamma(a, 3), 1.25, 10, None),
    "frexp": (lambda lib, a: lib.frexp(a)[0], -100, 100, nonzero),
    "float_power": (lambda lib, a: lib.float_power(a, 3), -5, 5, None),
    "rsub": (lambda lib, a: lib.rsub(a, 2.5, alpha=3), -10, 10, None),
    "copysign_number": (lambda lib, a: lib.copysign(a, -1.5), -10, 10, nonzero),
}


@pytest.mark.parametrize("name", UNARY)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_unary(name, data):
    fn, low, high, prepare = UNARY[name]
    a = data.draw(array(low=low, high=high))
    check(fn, prepare(a) if prepare else a)


SMOOTH = ["asinh", "acosh", "atanh", "sinc", "erfc", "logit", "i0"]  # mvlgamma: test_mvlgamma_second_order


@pytest.mark.parametrize("name", SMOOTH)
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_unary_second_order(name, data):
    fn, low, high, prepare = UNARY[name]
    a = data.draw(array(low=low, high=high, dtype=np.float64))
    if name == "sinc":  # near 0 its derivative's formula cancels: both engines' second orders are noise there
        a = nonzero(a)
    check_second_order(fn, a)


# -- binary ops ------------------------------------------------------------------------------------------------
BINARY = {  # name: (function, prepare a, prepare b, low, high)
    "copysign": (lambda lib, a, b: lib.copysign(a, b), nonzero, nonzero, -10, 10),
    "hypot": (lambda lib, a, b: lib.hypot(a, b), nonzero, None, -10, 10),
    "logaddexp2": (lambda lib, a, b: lib.logaddexp2(a, b), None, None, -10, 10),
    "fmax": (lambda lib, a, b: lib.fmax(a, b), off_grid, on_grid, -10, 10),
    "fmin": (lambda lib, a, b: a.fmin(b), on_grid, off_grid, -10, 10),
    "fmax_ties": (lambda lib, a, b: lib.fmax(a, b), on_grid, on_grid, -1, 1),
    "nextafter": (lambda lib, a, b: lib.nextafter(a, b), None, None, -10, 10),
    "ldexp": (lambda lib, a, b: lib.ldexp(a, b), None, None, -5, 5),
    "float_power": (lambda lib, a, b: lib.float_power(a, b), lambda a: np.asarray(np.abs(a) + 0.5), None, -3, 3),
    "rsub": (lambda lib, a, b: lib.rsub(a, b, alpha=-2), None, None, -10, 10),
    "igamma": (lambda lib, a, b: lib.igamma(a.detach(), b), lambda a: np.asarray(np.abs(a) + 0.25),
               lambda b: np.asarray(np.abs(b) + 0.25), -10, 10),
    "igammac": (lambda lib, a, b: lib.igammac(a.detach(), b), lambda a: np.asarray(np.abs(a) + 0.25),
                lambda b: np.asarray(np.abs(b) + 0.25), -10, 10),
}


@pytest.mark.parametrize("name", BINARY)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_binary(name, data):
    fn, prep_a, prep_b, low, high = BINARY[name]
    a, b = data.draw(broadcast_pair(low=low, high=high))
    check(fn, prep_a(a) if prep_a else a, prep_b(b) if prep_b else b)


@pytest.mark.parametrize("name", ["hypot", "logaddexp2", "ldexp", "igamma", "igammac"])
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_binary_second_order(name, data):
    fn, prep_a, prep_b, low, high = BINARY[name]
    a, b = data.draw(broadcast_pair(low=low, high=high, dtype=np.float64))
    a, b = prep_a(a) if prep_a else a, prep_b(b) if prep_b else b
    if name.startswith("igamma"):  # no derivative for the first argument: the second order in x alone
        check_second_order(lambda lib, x: fn(lib, lib.from_numpy(a), x), b)
    else:
        check_second_order(fn, a, b)


def test_nan_edges_and_specials():
    """fmax/fmin take the number over NaN (and pass the gradient to both, as torch); the edges of igamma;
    signbit of -0.0 and NaN; the infinities."""
    a = np.array([1.0, np.nan, 2.0, 5.0, -0.0, np.inf, -np.inf, 0.0])
    b = np.array([1.0, 3.0, np.nan, 2.0, 0.0, 1.0, np.nan, -1.0])
    for fn in [lambda lib, x, y: lib.fmax(x, y), lambda lib, x, y: lib.fmin(x, y)]:
        check(fn, a, b)
    for name in ["signbit", "isposinf", "isneginf", "isreal"]:
        check_same(lambda lib: getattr(lib, name)(lib.from_numpy(a)))
        check_same(lambda lib: getattr(lib, name)(lib.tensor([1, -2, 0])))
    edges_a = np.array([-1.0, 0.0, 1.0, 0.0, 1.0, np.inf, np.inf, 2.0, np.nan, 1.0, 2.0])
    edges_x = np.array([1.0, 1.0, 0.0, 0.0, np.inf, 1.0, np.inf, -1.0, 1.0, 40.0, 60.0])
    for name in ["igamma", "igammac"]:
        check_same(lambda lib: getattr(lib, name)(lib.from_numpy(edges_a), lib.from_numpy(edges_x)))
    check_same(lambda lib: lib.heaviside(lib.from_numpy(a), lib.from_numpy(b)))
    check_same(lambda lib: lib.nextafter(lib.from_numpy(a), lib.from_numpy(b)))
    check_same(lambda lib: lib.ldexp(lib.from_numpy(a), lib.tensor([1, 2, 3, 4, 5, 6, 7, 8])))


def test_frexp_returns_mantissa_and_int32_exponent():
    a = np.array([0.0, 1.5, -3.0, 1e-300, 2.0 ** 40, np.inf, np.nan])
    mine, theirs = minitorch.frexp(minitorch.from_numpy(a)), torch.frexp(torch.from_numpy(a))
    assert str(mine.exponent.dtype) == str(theirs.exponent.dtype) == "torch.int32"
    np.testing.assert_array_equal(mine.exponent.numpy(), theirs.exponent.numpy())
    np.testing.assert_array_equal(mine.mantissa.numpy(), theirs.mantissa.numpy())  # exact: a power-of-2 scaling
    assert type(mine).__name__ == "frexp" and mine[0] is mine.mantissa


def test_dtypes():
    """Integer inputs: the default float dtype where torch computes in floats, kept where torch keeps them."""
    for name in ["asinh", "acosh", "atanh", "deg2rad", "rad2deg", "sinc", "erfc", "logit", "i0", "positive"]:
        check_same(lambda lib: getattr(lib, name)(lib.tensor([1, 2, 3])))
    check_same(lambda lib: lib.mvlgamma(lib.tensor([2, 3]), 2))
    for name in ["copysign", "fmax", "fmin", "ldexp", "float_power", "rsub"]:
        check_same(lambda lib: getattr(lib, name)(lib.tensor([1, 2, 3]), lib.tensor([3, -2, 1])))
    check_same(lambda lib: lib.fmax(lib.tensor([1, 2]), lib.tensor([1.5, 1.0])))
    check_same(lambda lib: lib.float_power(lib.tensor([1.0, 2.0]), 2))  # float32 in, float64 out
    check_same(lambda lib: lib.rsub(lib.tensor([1, 2]), 2.5))
    check_same(lambda lib: lib.heaviside(lib.tensor([-1, 0, 3]), lib.tensor([7])))
    check_same(lambda lib: lib.hypot(lib.tensor([3.0], dtype=lib.float32), lib.tensor([4.0], dtype=lib.float64)))


def test_inplace_twins():
    for name, args in [("asinh_", ()), ("acosh_", ()), ("atanh_", ()), ("arcsinh_", ()), ("arccosh_", ()),
                       ("arctanh_", ()), ("deg2rad_", ()), ("rad2deg_", ()), ("sinc_", ()), ("erfc_", ()),
                       ("logit_", ()), ("i0_", ()), ("mvlgamma_", (1,)), ("copysign_", (-1.0,)),
                       ("hypot_", ("t",)), ("nextafter_", ("t",)), ("ldexp_", ("t",)), ("igamma_", ("t",)),
                       ("igammac_", ("t",)), ("float_power_", (2,))]:
        def run(lib):
            x = lib.tensor([0.25, 0.5, 0.75], dtype=lib.float64) + (1.5 if name.startswith(("acosh", "arccosh"))
                                                                    else 0)
            other = [lib.tensor([0.5, 2.0, 1.0], dtype=lib.float64) if a == "t" else a for a in args]
            result = getattr(x, name)(*other)
            return result is x, x
        assert_close(run(minitorch)[1], run(torch)[1])
        assert run(minitorch)[0]


def test_node_names_and_graphs():
    """torch's node names, and its compositions: float_power is pow on float64 copies, rsub its own node,
    the complex views of a real tensor the tensor itself (no node)."""
    a = np.array([0.3, 0.6, 0.9])
    for fn in [lambda lib, x: lib.float_power(x, 2), lambda lib, x: lib.float_power(x.float(), x),
               lambda lib, x: lib.float_power(2, x), lambda lib, x: lib.rsub(x, x * 2),
               lambda lib, x: lib.rsub(x, 3), lambda lib, x: lib.copysign(x, -x),
               lambda lib, x: lib.copysign(x, 2.0), lambda lib, x: lib.i0(x), lambda lib, x: lib.frexp(x)[0],
               lambda lib, x: lib.igamma(x.detach(), x), lambda lib, x: lib.heaviside(x, x)]:
        same_graphs(fn(minitorch, minitorch.from_numpy(a).requires_grad_()),
                    fn(torch, torch.from_numpy(a).requires_grad_()))
    for name in ["positive", "conj", "conj_physical", "resolve_conj", "resolve_neg", "real"]:
        for lib in (minitorch, torch):
            x = lib.from_numpy(a).requires_grad_()
            assert getattr(lib, name)(x) is x and getattr(x, name)() is x if name != "real" else x.real is x
    x = minitorch.from_numpy(a.copy())
    x.real = minitorch.tensor([1.0, 2.0, 3.0], dtype=minitorch.float64)
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0, 3.0])


def test_mvlgamma_second_order():
    """d²/da² ln Γ₃(a) = ψ'(a) + ψ'(a - 1/2) + ψ'(a - 1), at a = 2 in closed form: (π²/6 - 1) + (π²/2 - 4) + π²/6.
    Against the closed form, not torch: torch's trigamma is ~5e-10 off here (its 1.6449340676 for π²/6)."""
    a = minitorch.tensor([2.0], dtype=minitorch.float64, requires_grad=True)
    g, = minitorch.autograd.grad(minitorch.mvlgamma(a, 3).sum(), a, create_graph=True)
    gg, = minitorch.autograd.grad(g.sum(), a)
    pi2 = np.pi ** 2
    assert_close(gg, np.array([(pi2 / 6 - 1) + (pi2 / 2 - 4) + pi2 / 6]))


def test_i0_second_order_through_i1():
    a = np.array([0.0, 1.0, -2.0, 3.5])
    check_second_order(lambda lib, x: lib.i0(x), a)


def test_errors():
    x = np.array([1.0, -2.0])
    i = np.array([1, 2])
    same_error(lambda lib, a: lib.frexp(a), i)
    same_error(lambda lib, a: lib.hypot(a, a), i)
    same_error(lambda lib, a: lib.logaddexp2(a, a), i)
    same_error(lambda lib, a: lib.nextafter(a, a), i)
    same_error(lambda lib, a: lib.igamma(a, a), i)
    same_error(lambda lib, a: lib.igammac(a, 2.0), x)
    for name in ["hypot", "fmax", "fmin", "nextafter", "logaddexp2", "ldexp", "heaviside"]:
        same_error(lambda lib, a: getattr(lib, name)(a, 2.0), x)
    same_error(lambda lib, a, b: lib.heaviside(a, b), x, i)
    same_error(lambda lib, a: lib.mvlgamma(a, 0), x)
    same_error(lambda lib, a: lib.positive(a), np.array([True]))
    same_error(lambda lib, a: lib.rsub(a, a), np.array([True]))
    same_error(lambda lib, a: a.float_power_(2), x.astype(np.float32))
    same_error(lambda lib, a, b: lib.hypot(a, b), np.ones(3), np.ones(2))

    def backward(lib, op):
        a = lib.from_numpy(x).requires_grad_()
        getattr(lib, op)(a, a).sum().backward()
    same_error(lambda lib: backward(lib, "heaviside"))
    same_error(lambda lib: backward(lib, "igamma"))
    same_error(lambda lib: backward(lib, "igammac"))


# -- the trapezoidal rule, isin, logdet --------------------------------------------------------------------------
TRAPEZOID = {
    "trapezoid": lambda lib, y, x: lib.trapezoid(y),
    "trapezoid_dx": lambda lib, y, x: lib.trapezoid(y, dx=0.5, dim=0),
    "trapezoid_x": lambda lib, y, x: lib.trapezoid(y, x, dim=-1),
    "trapz_x": lambda lib, y, x: lib.trapz(y, x),
    "cumulative_trapezoid": lambda lib, y, x: lib.cumulative_trapezoid(y, dim=0),
    "cumulative_trapezoid_dx": lambda lib, y, x: lib.cumulative_trapezoid(y, dx=3.0),
    "cumulative_trapezoid_x": lambda lib, y, x: lib.cumulative_trapezoid(y, x),
}


@pytest.mark.parametrize("name", TRAPEZOID)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_trapezoid(name, data):
    """Values, gradients for y and x, and the recorded graph (torch composes these of slices, sums, products)."""
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    rows, n = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 5))
    y = data.draw(array(shape=(rows, n), dtype=dtype))
    x = data.draw(array(shape=(n,), dtype=dtype))
    check(TRAPEZOID[name], y, x)


def test_trapezoid_edges_and_second_order():
    check_same(lambda lib: lib.trapezoid(lib.ones(2, 0)))
    check_same(lambda lib: lib.cumulative_trapezoid(lib.ones(2, 0)))
    check_same(lambda lib: lib.trapezoid(lib.tensor([1, 2, 4])))  # integers: the default float dtype
    check_same(lambda lib: lib.trapezoid(lib.ones(2, 3), lib.ones(3, 3)))
    same_error(lambda lib: lib.trapezoid(lib.ones(3), lib.ones(2)))
    same_error(lambda lib: lib.trapezoid(lib.tensor([True])))
    same_error(lambda lib: lib.cumulative_trapezoid(lib.ones(3), lib.tensor([True, False, True])))
    same_error(lambda lib: lib.trapezoid(lib.tensor(1.0)))
    y, x = np.array([[1.0, 2.0, 4.0], [3.0, -5.0, 6.0]]), np.array([0.0, 1.0, 3.0])
    check_second_order(lambda lib, a, b: lib.trapezoid(a * a, b * b), y, x)
    check_second_order(lambda lib, a, b: lib.cumulative_trapezoid(a * a, b * b), y, x)


@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_isin(data):
    a = data.draw(array(low=-3, high=3, dtype=np.float64))
    b = data.draw(array(low=-3, high=3, dtype=np.float64, max_dims=2))
    a, b = np.asarray(np.round(a)), np.asarray(np.round(b))  # integers in [-3, 3]: many elements are in the other
    for invert in (False, True):
        check_same(lambda lib: lib.isin(lib.from_numpy(a), lib.from_numpy(b), invert=invert))
    check_same(lambda lib: lib.isin(lib.from_numpy(a.astype(np.int64)), lib.from_numpy(b)))
    check_same(lambda lib: lib.isin(lib.from_numpy(a), 2))
    check_same(lambda lib: lib.isin(1.0, lib.from_numpy(b)))
    check_same(lambda lib: lib.isin(lib.tensor([1.0, float("nan")]), lib.tensor([float("nan"), 1.0])))


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_logdet(data):
    """Values (NaN for a negative determinant), gradients A⁻ᵀ and the second order, on well-conditioned
    matrices (a random one plus a multiple of the identity, either sign), batched too."""
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    batch = data.draw(st.sampled_from([(), (2,), (2, 1)]))
    n = data.draw(st.integers(1, 4))
    a = data.draw(array(shape=batch + (n, n), dtype=dtype, low=-1, high=1))
    a = a + data.draw(st.sampled_from([4.0, -4.0])) * np.eye(n, dtype=dtype)
    check(lambda lib, m: lib.logdet(m), a)
    check(lambda lib, m: lib.linalg.slogdet(m).logabsdet, a)
    if dtype == np.float64:
        check_second_order(lambda lib, m: lib.linalg.slogdet(m).logabsdet, a)


def test_logdet_errors():
    same_error(lambda lib: lib.logdet(lib.ones(2, 3)))
    same_error(lambda lib: lib.logdet(lib.ones(2, 2, dtype=lib.int64)))
    same_error(lambda lib: lib.logdet(lib.ones(3)))
    same_error(lambda lib: lib.linalg.slogdet(lib.ones(2, 3)))
    same_error(lambda lib: lib.slogdet(lib.ones(2, 3)))
    for lib in (minitorch, torch):  # the return types' names, and their fields
        for fn, name in [(lib.slogdet, "slogdet"), (lib.linalg.slogdet, "linalg_slogdet")]:
            result = fn(lib.eye(2) * -3)
            assert type(result).__name__ == name and result.sign.item() == 1.0 and result[1] is result.logabsdet
