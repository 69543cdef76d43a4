"""torch.special's Bessel functions and their relatives against torch: values over wide ranges (negative, 0,
huge, ±inf, NaN) in float64 and float32, the edges of each function's pieces, dtypes, gradients (first and second
order, forward mode) where torch has them (i0e, i1, i1e), none where it has none, and torch's errors word for word.

minitorch computes them as torch does (Cephes' series and rational functions, in the input's dtype), so float64
agrees to ~1e-15 relative except next to a zero of an oscillating function (J, Y, Ai), where both engines' values
are the difference of nearly equal terms: there the tolerance is absolute, 1e-15 (float64) and 1e-6 (float32).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import assert_close, check, check_second_order, same_error
from minitorch.testing import strategies

NO_DERIVATIVE = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
                 "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
                 "spherical_bessel_j0", "airy_ai"]
DIFFERENTIABLE = ["i0e", "i1", "i1e"]
ALL = DIFFERENTIABLE + NO_DERIVATIVE
TOLERANCE = {np.float64: dict(rtol=1e-12, atol=1e-15), np.float32: dict(rtol=1e-5, atol=1e-6)}

# where the pieces meet (5 for J and Y, 8 for I, 2 for K, ±2.09 and 103.892 for Ai, 0.5 for sin x / x), the tiny-x
# branch of J₀ (1e-5), and the non-finite and signed-zero inputs
EDGES = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-300, -1e-300, 5e-324, 1e-5, 0.99999e-5, 0.5, -0.5, 2.0, -2.0, 2.09,
         -2.09, 2.0899999, 5.0, -5.0, 5.000001, 8.0, -8.0, 7.999999, 8.3203353, 103.892, 103.8921, 700.0, -710.0,
         1e300, -1e300]


def _values(name, a):
    """(minitorch's result, torch's) of torch.special.``name`` on array ``a``, as arrays; dtypes compared."""
    mine = getattr(minitorch.special, name)(minitorch.from_numpy(a.copy()))
    theirs = getattr(torch.special, name)(torch.from_numpy(a.copy()))
    assert str(mine.dtype) == str(theirs.dtype), f"{name}: dtype {mine.dtype} vs {theirs.dtype}"
    assert tuple(mine.shape) == tuple(theirs.shape)
    return mine.numpy(), theirs.numpy()


def _same_values(name, a):
    m, t = _values(name, a)
    np.testing.assert_allclose(m, t, equal_nan=True, err_msg=f"{name} at {a!r}", **TOLERANCE[t.dtype.type])


def _wide(dtype):
    """Any float of ``dtype``: ±inf and NaN, subnormals, huge."""
    return st.floats(allow_nan=True, allow_infinity=True, width=np.finfo(dtype).bits)


@pytest.mark.parametrize("name", ALL)
@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_values_match_torch(name, data):
    dtype = data.draw(st.sampled_from([np.float64, np.float32]))
    elements = data.draw(st.sampled_from([_wide(dtype), strategies.floats(low=-30, high=30, dtype=dtype)]))
    a = data.draw(strategies.arrays(dtype=dtype, shape=data.draw(strategies.shapes(0, 3)), elements=elements))
    _same_values(name, a)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", ALL)
def test_dense_ranges_and_edges(name, dtype):
    """Every piece of each function, densely, and the points where the pieces meet; the signs of zero results
    (J₁(-0) = -0, e^-x I₁(-∞) = -0) as torch's."""
    with np.errstate(over="ignore"):
        a = np.concatenate([np.linspace(-40, 40, 1601), np.geomspace(1e-8, 1e3, 200), -np.geomspace(1e-8, 1e3, 200),
                            EDGES]).astype(dtype)
    m, t = _values(name, a)
    np.testing.assert_allclose(m, t, equal_nan=True, **TOLERANCE[dtype])
    zeros = t == 0
    np.testing.assert_array_equal(np.signbit(m[zeros]), np.signbit(t[zeros]))


@pytest.mark.parametrize("name", ALL)
def test_dtypes_as_torch(name):
    """Integers and booleans compute in the default dtype; float16: i0e, i1, i1e compute in float32 and round,
    the rest refuse it, as torch does."""
    for values, dtype in (([0, 1, 3, -2], np.int64), ([True, False], np.bool_), ([1, 7], np.uint8)):
        _same_values(name, np.array(values, dtype))
    previous = minitorch.get_default_dtype()
    minitorch.set_default_dtype(minitorch.float64)
    torch.set_default_dtype(torch.float64)
    try:
        _same_values(name, np.array([0, 1, 3, -2]))
    finally:
        minitorch.set_default_dtype(previous)
        torch.set_default_dtype(getattr(torch, str(previous).split(".")[1]))
    half = np.array([0.5, -3.0, 9.0], np.float16)
    if name in DIFFERENTIABLE:
        m, t = _values(name, half)
        np.testing.assert_allclose(m.astype(np.float32), t.astype(np.float32), rtol=1e-3)
    else:
        same_error(lambda lib, x: getattr(lib.special, name)(x), half)


def test_empty_and_layouts():
    a = np.linspace(-9, 9, 24).reshape(4, 6).T[::2]  # non-contiguous
    for name in ALL:
        _same_values(name, a)
        _same_values(name, np.zeros((1, 0, 3)))


# -- gradients: i0e, i1, i1e ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", DIFFERENTIABLE)
@settings(max_examples=15, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_gradients(name, data):
    """Values, node names (SpecialI0EBackward0, ...) and the VJP, over both series' ranges."""
    dtype = data.draw(st.sampled_from([np.float64, np.float32]))
    a = data.draw(strategies.arrays(dtype=dtype, shape=data.draw(strategies.shapes(0, 3)),
                                    elements=strategies.floats(low=-20, high=20, dtype=dtype)))
    check(lambda lib, x: getattr(lib.special, name)(x), a)


@pytest.mark.parametrize("name", DIFFERENTIABLE)
@settings(max_examples=8, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_second_order(name, data):
    a = data.draw(strategies.arrays(dtype=np.float64, shape=data.draw(strategies.shapes(0, 2)),
                                    elements=strategies.floats(low=-12, high=12, dtype=np.float64)))
    check_second_order(lambda lib, x: getattr(lib.special, name)(x), a)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", DIFFERENTIABLE + ["i0"])
def test_gradients_at_zero_and_tiny(name, dtype):
    """I₁'s and e^-|x| I₁'s VJPs divide by x: torch takes the limit 1/2 where |x| ≤ ε; first and second order."""
    eps = np.finfo(dtype).eps
    a = np.array([0.0, -0.0, eps / 4, -eps, eps, 2 * eps, -3 * eps, 1e-30], dtype)
    fn = (lambda lib, x: lib.i0(x)) if name == "i0" else (lambda lib, x: getattr(lib.special, name)(x))
    check(fn, a)
    if dtype == np.float64:  # (next to ±ε, z/x - z'... is the difference of two terms ~1/x: noise in both engines)
        check_second_order(fn, a[np.abs(a) <= eps])


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_forward_mode(name):
    a = np.array([-9.0, -1.5, 0.0, 0.25, 3.0, 8.5], np.float64)
    tangent = np.array([1.0, -2.0, 0.5, 3.0, 1.0, -1.0])
    results = []
    for lib in (minitorch, torch):
        with lib.autograd.forward_ad.dual_level():
            x = lib.autograd.forward_ad.make_dual(lib.tensor(a), lib.tensor(tangent))
            results.append(lib.autograd.forward_ad.unpack_dual(getattr(lib.special, name)(x)).tangent.numpy())
    assert_close(results[0], results[1], np.float64, "tangent")


# -- no derivative: the rest ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NO_DERIVATIVE)
def test_no_derivative(name):
    """torch records nothing: the output of an input that requires grad does not require grad, backward through
    it raises torch's error, and a dual input gives no tangent."""
    outcomes = []
    for lib in (minitorch, torch):
        x = lib.tensor([0.5, 3.0, 9.0], dtype=lib.float64, requires_grad=True)
        y = getattr(lib.special, name)(x * 2)
        outcomes.append((y.requires_grad, y.grad_fn, y.is_leaf))
        with lib.autograd.forward_ad.dual_level():
            dual = lib.autograd.forward_ad.make_dual(lib.tensor([0.5, 3.0]), lib.tensor([1.0, 1.0]))
            outcomes[-1] += (lib.autograd.forward_ad.unpack_dual(getattr(lib.special, name)(dual)).tangent,)
    assert outcomes[0] == outcomes[1] == (False, None, True, None)
    same_error(lambda lib: getattr(lib.special, name)(lib.ones(2, requires_grad=True)).sum().backward())


# -- errors and out= ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_errors(name):
    for value in (2.0, 3, [1.0, 2.0], None):
        same_error(lambda lib: getattr(lib.special, name)(value))
    same_error(lambda lib: getattr(lib.special, name)(lib.ones(2).half() if name in DIFFERENTIABLE else lib.ones(2),
                                                      out=lib.ones(2, dtype=lib.int64)))


@pytest.mark.parametrize("name", ALL)
def test_out(name):
    """out= takes the result (resized); with an input that requires grad, torch refuses it for the functions
    that have a derivative and records nothing for the others."""
    for lib in (minitorch, torch):
        out = lib.zeros(0, dtype=lib.float64)
        x = lib.tensor([0.5, 3.0, 9.0], dtype=lib.float64)
        result = getattr(lib.special, name)(x, out=out)
        assert result is out and tuple(out.shape) == (3,)
    mine = minitorch.zeros(3, dtype=minitorch.float64)
    theirs = torch.zeros(3, dtype=torch.float64)
    getattr(minitorch.special, name)(minitorch.tensor([0.5, 3.0, 9.0], dtype=minitorch.float64), out=mine)
    getattr(torch.special, name)(torch.tensor([0.5, 3.0, 9.0], dtype=torch.float64), out=theirs)
    assert_close(mine, theirs, np.float64)

    def with_grad(lib):
        out = lib.zeros(2, dtype=lib.float64)
        result = getattr(lib.special, name)(lib.ones(2, dtype=lib.float64, requires_grad=True), out=out)
        return result.requires_grad, out.requires_grad
    if name in DIFFERENTIABLE:
        same_error(with_grad)
    else:
        assert with_grad(minitorch) == with_grad(torch) == (False, False)


def test_vmap_and_profiler_names():
    """vmap batches them as the elementwise ops they are; the profiler names each as torch's aten op."""
    a = np.linspace(-3, 7, 12).reshape(3, 4)
    for name in ALL:
        fn = getattr(minitorch.special, name)
        batched = minitorch.func.vmap(fn)(minitorch.from_numpy(a))
        assert_close(batched, fn(minitorch.from_numpy(a)), np.float64)
    names = []
    for lib in (minitorch, torch):
        with lib.profiler.profile() as prof:
            for name in ALL:
                getattr(lib.special, name)(lib.ones(2, dtype=lib.float64))
        names.append(sorted({e.key for e in prof.key_averages() if "bessel" in e.key or "airy" in e.key
                             or e.key.startswith("aten::special_i")}))
    assert names[0] == names[1]
