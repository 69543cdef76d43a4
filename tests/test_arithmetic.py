"""Arithmetic ops against torch: values, node names and gradients, with broadcasting."""
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

from harness import broadcast_pair, check, array, outcome, same_error, second_order

BINARY = {
    "add": lambda lib, a, b: a + b,
    "sub": lambda lib, a, b: a - b,
    "mul": lambda lib, a, b: a * b,
    "div": lambda lib, a, b: a / b,
    "add_alpha": lambda lib, a, b: lib.add(a, b, alpha=0.5),
    "sub_alpha": lambda lib, a, b: lib.sub(a, b, alpha=2),
}


@pytest.mark.parametrize("name", BINARY)
@given(pair=broadcast_pair())
def test_binary(name, pair):
    a, b = pair
    if name == "div":
        b = np.where(np.abs(b) < 0.5, 1.5, b).astype(b.dtype)
    check(BINARY[name], a, b)


SCALAR = {
    "x+2": lambda lib, a: a + 2, "2+x": lambda lib, a: 2 + a, "x-2.5": lambda lib, a: a - 2.5,
    "2-x": lambda lib, a: 2 - a, "x*3": lambda lib, a: a * 3, "3*x": lambda lib, a: 3 * a,
    "x/4": lambda lib, a: a / 4, "2/x": lambda lib, a: 2 / a, "-x": lambda lib, a: -a,
    "x**2": lambda lib, a: a ** 2, "x**3": lambda lib, a: a ** 3, "x**0": lambda lib, a: a ** 0,
    "x**-1": lambda lib, a: a ** -1, "2**x": lambda lib, a: 2 ** a, "1.5**x": lambda lib, a: 1.5 ** a,
    "pow(x,2)": lambda lib, a: lib.pow(a, 2), "x.pow(0.5)": lambda lib, a: a.abs().pow(0.5),
    "reciprocal": lambda lib, a: a.reciprocal(),
}


@pytest.mark.parametrize("name", SCALAR)
@given(a=array(low=0.5, high=3.0))
def test_scalar_forms(name, a):
    check(SCALAR[name], a)


@given(pair=broadcast_pair(low=0.5, high=2.0))
def test_pow_tensor(pair):
    check(lambda lib, a, b: a ** b, *pair)


@pytest.mark.parametrize("expr", ["x*2", "x+2", "x-2", "2-x", "x/2", "2/x", "x**2", "2**x", "x**x", "x@x"])
def test_next_functions_like_torch(expr):
    import torch
    import minitorch

    def names(lib):
        x = lib.ones(2, 2, requires_grad=True)
        g = eval(expr, {"x": x})
        return g.grad_fn.name(), [(type(n).__name__ if n is not None else None, i) for n, i in g.grad_fn.next_functions]
    if expr == "x@x":
        pytest.importorskip("minitorch.ops.linalg")
    assert names(minitorch) == names(torch)


@pytest.mark.parametrize("a_dtype,b", [("float32", 2), ("float32", 2.5), ("int64", 2.5), ("int64", 2),
                                       ("int32", 3), ("bool", 1), ("float64", 1.5)])
def test_promotion_with_numbers(a_dtype, b):
    import torch
    import minitorch
    for op in ["__add__", "__mul__", "__sub__", "__truediv__", "__radd__", "__rmul__", "__rsub__", "__rtruediv__",
               "__pow__", "__rpow__"]:
        ma = minitorch.ones(3, dtype=getattr(minitorch, a_dtype))
        ta = torch.ones(3, dtype=getattr(torch, a_dtype))
        if a_dtype == "bool" and op in ("__sub__", "__rsub__"):
            continue
        assert str(getattr(ma, op)(b).dtype) == str(getattr(ta, op)(b).dtype), op


@pytest.mark.parametrize("da,db,nd_b", [("float32", "float64", 0), ("float32", "float64", 1), ("int64", "float32", 0),
                                        ("int32", "int64", 0), ("int32", "int64", 1), ("uint8", "int8", 1),
                                        ("bool", "int32", 0)])
def test_promotion_between_tensors(da, db, nd_b):
    import torch
    import minitorch
    shape = (3,) if nd_b else ()
    m = minitorch.ones(2, 3, dtype=getattr(minitorch, da)) + minitorch.ones(shape, dtype=getattr(minitorch, db))
    t = torch.ones(2, 3, dtype=getattr(torch, da)) + torch.ones(shape, dtype=getattr(torch, db))
    assert str(m.dtype) == str(t.dtype)


# -- pow with negative bases: the other tests draw bases from [0.5, 3], where a VJP written with |a|, or
# as exp((p - 1) ln a), is right too. An integer exponent gives a real power and gradient w.r.t. the base;
# the gradient w.r.t. the exponent, z ln a, is NaN for a < 0 in torch (and must be NaN here).
def _integer_valued(a, low=-3, high=3):
    """``a`` (any floats) rounded to integers in [low, high], same dtype and layout."""
    return np.asarray(np.clip(np.round(a), low, high), a.dtype)


@pytest.mark.parametrize("p", [0, 1, 2, 3, -1, -2, 2.0, -3.0])
@given(a=array(low=-3.0, high=-0.5))
def test_pow_negative_base_integer_exponent(p, a):
    check(lambda lib, a: a ** p, a)


@given(pair=broadcast_pair(low=-3.0, high=3.0))
def test_pow_tensor_negative_base_integer_valued_exponent(pair):
    a, b = pair
    a = np.asarray(-np.abs(a) - 0.5, a.dtype)  # in [-3.5, -0.5]
    check(lambda lib, a, b: a ** b, a, _integer_valued(b))


@pytest.mark.parametrize("c", [-2, -1.5])
@given(x=array(low=-3.0, high=3.0))
def test_pow_negative_number_to_a_tensor(c, x):
    """(-2) ** x: real for integer-valued x; its gradient z ln(-2) is NaN."""
    check(lambda lib, x: c ** x, _integer_valued(x))


@pytest.mark.parametrize("fn", [
    lambda lib, a: a ** 2.5,
    lambda lib, a: a ** lib.full_like(a, -0.5),
    lambda lib, a: (-2.0) ** (a + 0.5),
    lambda lib, a: (a + 2.0) ** -1,
    lambda lib, a: (a * 1e200) ** 2.0,
    lambda lib, a: (a * 1e200) ** lib.full_like(a, 2.0),
    lambda lib, a: 10.0 ** (a * 400),
], ids=["tensor**float", "tensor**tensor", "number**tensor", "zero**-1", "overflow tensor**float",
        "overflow tensor**tensor", "overflow number**tensor"])
def test_pow_nan_and_inf_come_silently(fn):
    """A negative base to a fractional power is NaN, value and gradients, 0 ** -1 and an overflow are inf,
    and torch says nothing."""
    a = np.array([-2.0, -0.5, 1.5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(fn, a)


NEGATIVE_AND_POSITIVE = np.array([[-2.5, -1.0, -0.5], [0.75, 1.5, -3.0]])
EXPONENTS = np.array([[3.0, -2.0, 2.0], [-1.0, 0.0, 1.0]])


@pytest.mark.parametrize("fn", [
    lambda lib, a: a ** 3,
    lambda lib, a: a ** -2,
    lambda lib, a: lib.pow(a, 4.0),
    lambda lib, a: a ** lib.from_numpy(EXPONENTS),
    lambda lib, a: (a * 0.5) ** lib.from_numpy(EXPONENTS) * a,
], ids=["a**3", "a**-2", "pow(a,4.0)", "a**b", "(a/2)**b*a"])
def test_pow_negative_base_second_order(fn):
    second_order(fn, NEGATIVE_AND_POSITIVE)


# -- what mutation testing found untested (bash .ci/mutate minitorch/ops/arithmetic.py tests/test_arithmetic.py)
A = np.array([[1.5, -2.0, 0.25], [3.0, -0.5, 2.0]])
B = np.array([0.75, -1.25, 2.5])

FUNCTION_FORMS = {  # the functions, not the operators: their defaults and branches are their own
    "add": lambda lib, a, b: lib.add(a, b), "add_alpha_2": lambda lib, a, b: lib.add(a, b, alpha=2),
    "sub": lambda lib, a, b: lib.sub(a, b), "sub_alpha_-3": lambda lib, a, b: lib.sub(a, b, alpha=-3),
    "mul": lambda lib, a, b: lib.mul(a, b), "div": lambda lib, a, b: lib.div(a, b),
    "a.add(b,alpha=2)": lambda lib, a, b: a.add(b, alpha=2), "a.sub(b)": lambda lib, a, b: a.sub(b),
    "pow": lambda lib, a, b: lib.pow(a.abs(), b), "pow_number": lambda lib, a, b: lib.pow(a, 3) * b,
    "number_pow": lambda lib, a, b: lib.pow(2.5, a) * b,
}


@pytest.mark.parametrize("name", FUNCTION_FORMS)
def test_function_forms(name):
    check(FUNCTION_FORMS[name], A, B)


OUT_FORMS = {
    "add": lambda lib, a, b, out: lib.add(a, b, out=out),
    "add_alpha": lambda lib, a, b, out: lib.add(a, b, alpha=0.5, out=out),
    "sub": lambda lib, a, b, out: lib.sub(a, b, out=out),
    "sub_alpha": lambda lib, a, b, out: lib.sub(a, b, alpha=2, out=out),
    "mul": lambda lib, a, b, out: lib.mul(a, b, out=out),
    "div": lambda lib, a, b, out: lib.div(a, b, out=out),
    "pow": lambda lib, a, b, out: lib.pow(a.abs(), b, out=out),
    "pow_number": lambda lib, a, b, out: lib.pow(a, 2, out=out),
    "number_pow": lambda lib, a, b, out: lib.pow(1.5, a, out=out),
    "div_floor": lambda lib, a, b, out: lib.div(a, b, rounding_mode="floor", out=out),
    "div_trunc": lambda lib, a, b, out: lib.div(a, b, rounding_mode="trunc", out=out),
    "floor_divide": lambda lib, a, b, out: lib.floor_divide(a, b, out=out),
}


@pytest.mark.parametrize("name", OUT_FORMS)
def test_out_argument_is_written_and_returned(name):
    def fn(lib, a, b):
        out = lib.full((2, 3), 7.0, dtype=lib.float64)
        result = OUT_FORMS[name](lib, a, b, out)
        assert result is out
        return out
    check(fn, A, B, grad=False)


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8"])
def test_integers_with_floats_give_the_default_float_dtype(dtype):
    import torch
    import minitorch
    for fn in (lambda lib, x: x.reciprocal(), lambda lib, x: 2 / x, lambda lib, x: 2.5 - x):
        mine = fn(minitorch, minitorch.tensor([1, 2, 4], dtype=getattr(minitorch, dtype)))
        theirs = fn(torch, torch.tensor([1, 2, 4], dtype=getattr(torch, dtype)))
        assert str(mine.dtype) == str(theirs.dtype)
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())


# Zero bases: 0 ** b is flat in b where b >= 0 (torch's gradient w.r.t. b is 0 there, not z ln 0 = nan), and
# d(a ** b)/da is 0 where b == 0 (not 0 * 0 ** -1 = nan); for b < 0 the gradients are infinite.
ZERO_BASES = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 2.0, -1.5])
EXPONENTS_AT_ZERO = np.array([-1.0, 0.0, 0.5, 1.0, 2.0, 0.0, 2.0])


def test_pow_tensor_at_zero_base():
    check(lambda lib, a, b: a ** b, ZERO_BASES, EXPONENTS_AT_ZERO)


@pytest.mark.parametrize("c", [0, 0.0])
def test_pow_zero_number_to_a_tensor(c):
    check(lambda lib, x: c ** x, EXPONENTS_AT_ZERO)


DIVIDENDS = np.array([[1.0, -1.0, 7.0, -7.5, 0.3], [5.0, -0.0, 2.0, 3.0, -4.0]])
DIVISORS = np.array([0.1, 0.1, 0.1, 2.0, -0.1])


@pytest.mark.parametrize("mode", ["trunc", "floor"])
def test_div_rounding_modes_like_torch(mode):
    """The exact quotient rounded once (1 / 0.1 floors to 9, not 10), torch's node DivBackward2 and zero
    gradients; integers stay integers, and divide by zero as torch says."""
    check(
lambda lib, a, b: lib.div(a, b, rounding_mode=mode), DIVIDENDS, DIVISORS)
    check(lambda lib, a: a.div(0.1, rounding_mode=mode), DIVIDENDS)
    check(lambda lib, a, b: lib.div(a, b, rounding_mode=mode), np.array([7, -7, -9, 9, 0, 6]),
          np.array([2, 2, -4, -4, -3, -3]))
    check(lambda lib, a: lib.div(a, 2.5, rounding_mode=mode), np.array([7, -7], np.int32))  # float32
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # x / 0 is inf or nan, silently, as in torch
        check(lambda lib, a: lib.div(a, lib.zeros(5, dtype=lib.float64), rounding_mode=mode), DIVIDENDS)
    for make in (lambda lib: lib.div(lib.tensor([7, 1]), lib.tensor([0, 1]), rounding_mode=mode),
                 lambda lib: lib.div(lib.tensor([True]), lib.tensor([True]), rounding_mode=mode),
                 lambda lib: lib.div(lib.ones(2), 2, rounding_mode=mode.upper())):
        same_error(make)


SUBTRACTIONS = {
    "bool - bool": lambda lib, b, i: b - b, "int - bool": lambda lib, b, i: i - b, "bool - int": lambda lib, b, i: b - i,
    "bool - 1": lambda lib, b, i: b - 1, "1 - bool": lambda lib, b, i: 1 - b, "2.5 - bool": lambda lib, b, i: 2.5 - b,
    "int - True": lambda lib, b, i: i - True, "sub(bool, bool, alpha=2)": lambda lib, b, i: lib.sub(b, b, alpha=2),
    "2.5 - int": lambda lib, b, i: 2.5 - i, "7 - int": lambda lib, b, i: 7 - i,
    "True - int": lambda lib, b, i: True - i,
    # a list is no number: the reflected operators decline it, and Python raises its TypeError, as with torch
    "list - tensor": lambda lib, b, i: [1, 2] - i, "list / tensor": lambda lib, b, i: [1, 2] / i,
    "list ** tensor": lambda lib, b, i: [1, 2] ** i,
}


@pytest.mark.parametrize("name", SUBTRACTIONS)
def test_subtraction_of_booleans_and_reflected_operators_like_torch(name):
    """torch does not subtract booleans: it says to use ~ (invert a mask) or ^ (compare two). And a
    reflected operator (number - tensor) takes numbers only."""
    import torch
    import minitorch

    def run(lib):
        return outcome(lambda: SUBTRACTIONS[name](lib, lib.tensor([True, False]), lib.tensor([1, 2])))
    assert run(minitorch) == run(torch)


@given(array(dtype=np.float64, low=-1e6, high=1e6), st.floats(-1e3, 1e3).filter(lambda b: abs(b) > 1e-3),
       st.sampled_from(["trunc", "floor"]))
def test_div_rounding_modes_on_generated_inputs(a, b, mode):
    """Generated dividends (negatives, zeros) and divisors: values, DivBackward2 and zero gradients as torch."""
    check(lambda lib, x, y: lib.div(x, y, rounding_mode=mode), a, np.full(a.shape[-1:] or (1,), b))
