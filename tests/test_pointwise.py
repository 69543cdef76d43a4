"""Pointwise ops against torch: values, node names, dtypes and gradients (first and second order).

Inputs are kept away from the points where an op or its derivative is undefined (log of 0, |x| at 0, a
tie in maximum, ...) by choosing their ranges or grids, never by loosening the tolerance.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch
from harness import (array, assert_close, broadcast_pair, check, check_same, check_second_order, float_dtypes,
                     on_grid)


# -- helpers -----------------------------------------------------------------------------------------
def nonzero(a, gap=0.1):
    """``a`` with elements near 0 moved to 0.5, in place (keeping a non-contiguous layout)."""
    a[np.abs(a) < gap] = 0.5
    return a


def off_grid(a):
    """``a`` rounded to odd multiples of 1/8, in place: never equal to a value on the quarter grid."""
    a[...] = np.floor(a * 4) / 4 + 0.125
    return a


def halves(a):
    """``a`` rounded to k + 1/2, in place: where rounding must break the tie (to even)."""
    a[...] = np.floor(a) + 0.5
    return a


@st.composite
def broadcast_triple(draw, dtype=None, low=-10.0, high=10.0):
    """Three arrays whose shapes broadcast together."""
    dtype = dtype or draw(float_dtypes)
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3)).input_shapes
    return tuple(draw(array(shape=s, dtype=dtype, low=low, high=high)) for s in shapes)


# -- unary ops: (function, low, high, prepare) with ranges inside the op's smooth domain ---------------
UNARY = {
    "exp": (lambda lib, a: lib.exp(a), -5, 5, None),
    "exp2": (lambda lib, a: lib.exp2(a), -5, 5, None),
    "expm1": (lambda lib, a: a.expm1(), -5, 5, None),
    "log": (lambda lib, a: lib.log(a), 0.125, 10, None),
    "log2": (lambda lib, a: a.log2(), 0.125, 10, None),
    "log10": (lambda lib, a: lib.log10(a), 0.125, 10, None),
    "log1p": (lambda lib, a: lib.log1p(a), -0.875, 10, None),
    "sqrt": (lambda lib, a: a.sqrt(), 0.125, 10, None),
    "rsqrt": (lambda lib, a: lib.rsqrt(a), 0.125, 10, None),
    "square": (lambda lib, a: lib.square(a), -10, 10, None),
    "sin": (lambda lib, a: lib.sin(a), -10, 10, None),
    "cos": (lambda lib, a: a.cos(), -10, 10, None),
    "tan": (lambda lib, a: lib.tan(a), -1.375, 1.375, None),
    "asin": (lambda lib, a: lib.asin(a), -0.9375, 0.9375, None),
    "acos": (lambda lib, a: a.acos(), -0.9375, 0.9375, None),
    "atan": (lambda lib, a: lib.atan(a), -10, 10, None),
    "arcsin": (lambda lib, a: lib.arcsin(a), -0.9375, 0.9375, None),
    "sinh": (lambda lib, a: lib.sinh(a), -5, 5, None),
    "cosh": (lambda lib, a: a.cosh(), -5, 5, None),
    "tanh": (lambda lib, a: lib.tanh(a), -10, 10, None),
    "sigmoid": (lambda lib, a: a.sigmoid(), -10, 10, None),
    "erf": (lambda lib, a: lib.erf(a), -4, 4, None),
    "relu": (lambda lib, a: lib.relu(a), -10, 10, nonzero),
    "abs": (lambda lib, a: lib.abs(a), -10, 10, nonzero),
    "abs()": (lambda lib, a: abs(a), -10, 10, nonzero),
    "sign": (lambda lib, a: lib.sign(a), -10, 10, nonzero),
    # torch's sgn gradient is a ZeroTensor, which .numpy() refuses: adding a makes it an ordinary one
    "sgn": (lambda lib, a: a.sgn() + a, -10, 10, nonzero),
    "floor": (lambda lib, a: lib.floor(a), -10, 10, None),
    "ceil": (lambda lib, a: a.ceil(), -10, 10, None),
    "round": (lambda lib, a: lib.round(a), -10, 10, None),
    "round_half": (lambda lib, a: lib.round(a), -10, 10, halves),
    "round_decimals": (lambda lib, a: lib.round(a, decimals=1), -10, 10, None),
    "trunc": (lambda lib, a: lib.trunc(a), -10, 10, None),
    "frac": (lambda lib, a: a.frac(), -10, 10, None),
    "clamp": (lambda lib, a: lib.clamp(a, -1.5, 2.5), -10, 10, off_grid),
    "clamp_min_only": (lambda lib, a: a.clamp(min=-1.5), -10, 10, off_grid),
    "clip_max_only": (lambda lib, a: lib.clip(a, max=2.5), -10, 10, off_grid),
    "clamp_min>max": (lambda lib, a: lib.clamp(a, 2.5, -1.5), -10, 10, off_grid),
    "clamp_int_bounds": (lambda lib, a: lib.clamp(a, -1, 2), -10, 10, off_grid),
    "clamp_min": (lambda lib, a: lib.clamp_min(a, 0.25), -10, 10, off_grid),
    "clamp_max": (lambda lib, a: a.clamp_max(0.25), -10, 10, off_grid),
    "fmod": (lambda lib, a: lib.fmod(a, 1.5), -10, 10, None),
    "remainder": (lambda lib, a: lib.remainder(a, -1.5), -10, 10, None),
    "x % 2.5": (lambda lib, a: a % 2.5, -10, 10, None),
    "lerp": (lambda lib, a: lib.lerp(a, a * 2, 0.25), -10, 10, None),
    "lerp_high_weight": (lambda lib, a: a.lerp(a.exp(), 0.75), -2, 2, None),
    "nan_to_num": (lambda lib, a: lib.nan_to_num(a), -10, 10, None),
    "square_chain": (lambda lib, a: (a * a).sin() * a.exp(), -2, 2, None),
}


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary(name, data):
    fn, low, high, prepare = UNARY[name]
    a = data.draw(array(low=low, high=high))
    check(fn, prepare(a) if prepare else a)


@given(a=array(low=-10, high=10), specials=st.lists(st.sampled_from([np.nan, np.inf, -np.inf]), max_size=3))
def test_nan_and_infinities(a, specials):
    a.flat[:len(specials)] = specials[:a.size]
    check(lambda lib, x: lib.nan_to_num(x), a)
    check(lambda lib, x: lib.nan_to_num(x, nan=1.5, posinf=2.0, neginf=-3.0), a)
    for name in ["isnan", "isinf", "isfinite"]:
        check(lambda lib, x: getattr(lib, name)(x), a)


# -- binary and ternary ops --------------------------------------------------------------------------
BINARY = {  # name: (function, prepare a, prepare b)
    "maximum": (lambda lib, a, b: lib.maximum(a, b), off_grid, on_grid),
    "minimum": (lambda lib, a, b: a.minimum(b), on_grid, off_grid),
    "atan2": (lambda lib, a, b: lib.atan2(a, b), None, nonzero),
    "logaddexp": (lambda lib, a, b: lib.logaddexp(a, b), None, None),
    "fmod": (lambda lib, a, b: lib.fmod(a, b), off_grid, lambda b: nonzero(on_grid(b))),
    "remainder": (lambda lib, a, b: a.remainder(b), off_grid, lambda b: nonzero(on_grid(b))),
    "a % b": (lambda lib, a, b: a % b, off_grid, lambda b: nonzero(on_grid(b))),
    "clamp_min": (lambda lib, a, b: lib.clamp_min(a, b), off_grid, on_grid),
    "clamp_max": (lambda lib, a, b: a.clamp_max(b), off_grid, on_grid),
    "clamp(min=t)": (lambda lib, a, b: lib.clamp(a, min=b), off_grid, on_grid),
    "clamp(max=t)": (lambda lib, a, b: a.clamp(max=b), off_grid, on_grid),
    "lerp": (lambda lib, a, b: lib.lerp(a, b, 0.3), None, None),
    "exp*log": (lambda lib, a, b: a.exp() * (b * b + 1).log(), None, None),
}


@pytest.mark.parametrize("name", BINARY)
@given(pair=broadcast_pair())
def test_binary(name, pair):
    fn, prep_a, prep_b = BINARY[name]
    a, b = pair
    check(fn, prep_a(a) if prep_a else a, prep_b(b) if prep_b else b)


TERNARY = {  # name: (function, prepare a, b, c)
    "clamp": (lambda lib, x, lo, hi: lib.clamp(x, lo, hi), (off_grid, on_grid, on_grid)),
    "lerp": (lambda lib, a, b, w: lib.lerp(a, b, w), (None, None, None)),
    "addcmul": (lambda lib, a, b, c: lib.addcmul(a, b, c, value=0.5), (None, None, None)),
    "addcdiv": (lambda lib, a, b, c: a.addcdiv(b, c, value=-2), (None, None, nonzero)),
    "addcdiv_default": (lambda lib, a, b, c: lib.addcdiv(a, b, c), (None, None, nonzero)),
}


@pytest.mark.parametrize("name", TERNARY)
@given(arrays=broadcast_triple())
def test_ternary(name, arrays):
    fn, preps = TERNARY[name]
    check(fn, *(p(x) if p else x for p, x in zip(preps, arrays)))


@given(arrays=broadcast_triple(), data=st.data())
def test_where(arrays, data):
    c, x, y = arrays
    cond = np.asarray(c > 0)
    form = data.draw(st.sampled_from(["tensors", "number_y", "number_x", "method"]))
    if form == "tensors":
        check(lambda lib, c, x, y: lib.where(c, x, y), cond, x, y)
    elif form == "number_y":
        check(lambda lib, c, x: lib.where(c, x, 2.5), cond, x)
    elif form == "number_x":
        check(lambda lib, c, y: lib.where(c, -1, y.exp()), cond, y)
    else:
        check(lambda lib, c, x, y: x.where(c, y), cond, x, y)


def test_tied_maximum_and_clamp_split_the_gradient_like_torch():
    # every ordering of x, lo, hi drawn from {0, 1, 2}, ties and lo > hi included
    grid = np.array(np.meshgrid([0., 1., 2.], [0., 1., 2.], [0., 1., 2.])).reshape(3, -1)
    x, lo, hi = grid
    for fn in [lambda lib, x, lo, hi: lib.clamp(x, lo, hi), lambda lib, x, lo, hi: lib.clamp(x, min=lo),
               lambda lib, x, lo, hi: lib.clamp(x, max=hi), lambda lib, x, lo, hi: lib.maximum(x, lo),
               lambda lib, x, lo, hi: lib.minimum(x, hi), lambda lib, x, lo, hi: lib.clamp_min(x, lo),
               lambda lib, x, lo, hi: lib.clamp_max(x, hi), lambda lib, x, lo, hi: lib.clamp(x, 1, 2),
               lambda lib, x, lo, hi: lib.clamp(x, 1.0, 1.0), lambda lib, x, lo, hi: lib.clamp_min(x, 1),
               lambda lib, x, lo, hi: lib.relu(x - 1), lambda lib, x, lo, hi: lib.abs(x - 1),
               lambda lib, x, lo, hi: lib.fmod(x, lo + 1)]:
        check(fn, x, lo, hi)


def test_next_functions_like_torch():
    def edges(lib, expr):
        x = lib.ones(3, requires_grad=True)
        y = lib.ones(3, requires_grad=True)
        g = eval(expr, {"x": x, "y": y, "lib": lib}).grad_fn
        return g.name(), [type(n).__name__ if n is not None else None for n, _ in g.next_functions]
    for expr in ["lib.clamp(x, 0, 1)", "lib.clamp(x, y, y + 1)", "lib.clamp(x, min=y)", "lib.clamp(x, max=y)",
                 "lib.where(x > 0, x, 1.0)", "lib.where(x > 0, 1.0, y)", "lib.where(x > 0, x, y)",
                 "lib.lerp(x, y, 0.5)", "lib.lerp(x, y, x)", "lib.addcmul(x, x, y)", "lib.fmod(x, 2)",
                 "lib.fmod(x, y)", "x % y", "lib.clamp_min(x, y)", "lib.maximum(x, y)", "lib.square(x)",
                 "lib.softmax(x, 0)", "lib.nan_to_num(x)", "lib.round(x, decimals=1)"]:
        assert edges(minitorch, expr) == edges(torch, expr), expr


# -- second order: the VJPs are differentiable themselves ----------------------------------------------
SMOOTH = {
    "exp": (lambda lib, a: a.exp(), -3, 3), "log": (lambda lib, a: a.log(), 0.25, 5),
    "sin": (lambda lib, a: a.sin(), -5, 5), "cos": (lambda lib, a: a.cos(), -5, 5),
    "tanh": (lambda lib, a: a.tanh(), -3, 3), "sigmoid": (lambda lib, a: a.sigmoid(), -5, 5),
    "sqrt": (lambda lib, a: a.sqrt(), 0.25, 5), "rsqrt": (lambda lib, a: a.rsqrt(), 0.25, 5),
    "exp2": (lambda lib, a: a.exp2(), -3, 3), "expm1": (lambda lib, a: a.expm1(), -3, 3),
    "log1p": (lambda lib, a: a.log1p(), -0.5, 5), "log2": (lambda lib, a: a.log2(), 0.25, 5),
    "tan": (lambda lib, a: a.tan(), -1.25, 1.25), "asin": (lambda lib, a: a.asin(), -0.875, 0.875),
    "acos": (lambda lib, a: a.acos(), -0.875, 0.875), "atan": (lambda lib, a: a.atan(), -5, 5),
    "sinh": (lambda lib, a: a.sinh(), -3, 3), "cosh": (lambda lib, a: a.cosh(), -3, 3),
    "erf": (lambda lib, a: a.erf(), -3, 3),
    "mul_chain": (lambda lib, a: a * a * a.sin() * 3, -3, 3),
    "softmax": (lambda lib, a: a.softmax(-1), -5, 5), "log_softmax": (lambda lib, a: lib.log_softmax(a, 0), -5, 5),
    "logaddexp": (lambda lib, a: lib.logaddexp(a, a.sin()), -3, 3),
    "atan2": (lambda lib, a: lib.atan2(a, a.exp()), -3, 3),
    "lerp": (lambda lib, a: lib.lerp(a, a.exp(), a.sin()), -3, 3),
    "addcdiv": (lambda lib, a: lib.addcdiv(a, a.sin(), a.exp(), value=0.5), -3, 3),
}


@pytest.mark.parametrize("name", SMOOTH)
@given(data=st.data())
def test_second_order(name, data):
    fn, low, high = SMOOTH[name]
    check_second_order(fn, data.draw(array(dtype=np.float64, low=low, high=high, min_dims=1)))


# -- integer and bool inputs: torch's dtypes, values and errors ----------------------------------------
INT_VALUES = [0, 1, 2, 5, 7]


def _int_input(lib, dtype):
    return lib.tensor([True, False, True, True, False] if dtype == "bool" else INT_VALUES, dtype=getattr(lib, dtype))


INT_UNARY = ["exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "square", "sin", "cos",
             "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "sigmoid", "relu", "abs", "sign", "sgn", "floor",
             "ceil", "round", "trunc", "frac", "erf", "isnan", "isinf", "isfinite", "nan_to_num"]
INT_OTHER = {
    "round(decimals)": lambda lib, x: lib.round(x, decimals=1),
    "clamp(int)": lambda lib, x: lib.clamp(x, 1, 3), "clamp(float)": lambda lib, x: lib.clamp(x, 0.5),
    "clamp_min": lambda lib, x: lib.clamp_min(x, 2), "clamp_max(float)": lambda lib, x: lib.clamp_max(x, 2.5),
    "clamp(tensor)": lambda lib, x: lib.clamp(x, min=lib.tensor([2.5])),
    "clamp(int tensor)": lambda lib, x: lib.clamp(x, max=lib.tensor(3)),
    "maximum": lambda lib, x: lib.maximum(x, lib.tensor(2)),
    "minimum(float)": lambda lib, x: lib.minimum(x, lib.ones(5)),
    "minimum(0-d double)": lambda lib, x: lib.minimum(x, lib.tensor(2.0, dtype=lib.float64)),
    "maximum(number)": lambda lib, x: lib.maximum(x, 2),
    "where": lambda lib, x: lib.where(x > 1, x, 0), "where(float)": lambda lib, x: lib.where(x > 1, x, 2.5),
    "where(cond not bool)": lambda lib, x: lib.where(x, x, 0),
    "where(numbers)": lambda lib, x: lib.where(x > 1, 1.0, 0.0), "where(one arg)": lambda lib, x: lib.where(x > 1)[0],
    "fmod": lambda lib, x: lib.fmod(x, 3), "fmod(float)": lambda lib, x: lib.fmod(x, 2.5),
    "fmod(0)": lambda lib, x: lib.fmod(x, 0), "remainder": lambda lib, x: lib.remainder(x, -3),
    "remainder(tensor 0)": lambda lib, x: lib.remainder(x, lib.zeros(5, dtype=lib.int64)),
    "x % 3": lambda lib, x: x % 3, "7 % x": lambda lib, x: 7 % (x + 1),
    "atan2": lambda lib, x: lib.atan2(x, x + 1), "atan2(number)": lambda lib, x: lib.atan2(x, 2),
    "logaddexp": lambda lib, x: lib.logaddexp(x, x),
    "lerp": lambda lib, x: lib.lerp(x, x, 0.5), "lerp(tensor)": lambda lib, x: lib.lerp(x, x, x),
    "addcmul": lambda lib, x: lib.addcmul(x, x, x, value=2), "addcdiv": lambda lib, x: lib.addcdiv(x, x, x + 1),
    "addcmul(mixed)": lambda lib, x: lib.addcmul(x, x.float(), x),
}


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
@pytest.mark.parametrize("name", INT_UNARY + list(INT_OTHER))
def test_integer_and_bool_inputs(name, dtype, request):
    fn = INT_OTHER.get(name) or (lambda lib, x: getattr(lib, name)(x))
    check_same(lambda lib: fn(lib, _int_input(lib, dtype)))


def test_integer_results_carry_no_gradient_and_float_ones_do():
    for lib in (minitorch, torch):
        x = lib.tensor([1.5, -2.5], requires_grad=True)
        assert not lib.isnan(x).requires_grad and lib.isnan(x).grad_fn is None
        assert lib.relu(lib.tensor([1, -2])).dtype == lib.int64
        assert lib.exp(x).requires_grad


@pytest.mark.parametrize("expr", [
    "lib.maximum(f, 1.5)", "lib.atan2(f, 1)", "lib.logaddexp(f, 2.0)", "lib.clamp(f)", "lib.clamp(f, None, None)",
    "lib.lerp(f, f.double(), 0.5)", "lib.lerp(f, f, f.double())", "lib.lerp(f, f, lib.tensor(0.5, dtype=lib.float64))",
    "lib.lerp(f, lib.tensor([1, 2, 3]), 0.5)", "lib.frac(lib.tensor([True]))", "lib.relu(lib.tensor(True))",
    "lib.abs(lib.tensor([True]))", "lib.ceil(lib.tensor([True]))", "lib.where(f, f, f)", "lib.clamp(f, 2, 1)",
    "lib.clamp(f, lib.tensor(2.), 1.5)", "lib.clamp(f, 0.5, lib.tensor([2., 1., 0.]))",
    "lib.clip(f, 1, lib.tensor([2.]))", "lib.clamp(f, lib.tensor(2., requires_grad=True), 3)",
    "lib.clamp(lib.tensor([1, 2, 3]), lib.tensor(2.5), 3)",
    "lib.nan_to_num(lib.tensor([float('nan'), float('inf'), -float('inf')]))",
    "lib.where(lib.tensor([[True, False], [False, True]]))[1]", "lib.where(lib.tensor(True), 1, 0)",
    "lib.sign(lib.tensor([float('nan'), -0.0, -3.0]))", "lib.round(lib.tensor([0.5, 1.5, 2.5, -0.5, -2.5]))",
    "lib.round(lib.tensor([1234.5678, -0.125]), decimals=-2)", "lib.round(lib.tensor([0.125, 2.675]), decimals=2)",
    "lib.remainder(-7.5, f)", "lib.fmod(lib.tensor([-7.5, 7.5]), -2)", "lib.sigmoid(lib.tensor([-800., 800.]))",
    "lib.exp(lib.tensor([1000., -1000.]))", "lib.log(lib.tensor([0., -1.]))", "lib.sqrt(lib.tensor([-1., 0.]))",
    "lib.erf(lib.tensor([0., 1e-300, 6., -30., float('inf')], dtype=lib.float64))",
    "lib.exp(f, out=lib.empty(3))", "lib.clamp(f, 0, 2, out=lib.zeros(3))",
    "lib.tensor([1.5, -0.5]).float().half().exp()",
])
def test_special_values_and_errors(expr):
    check_same(lambda lib: eval(expr, {"lib": lib, "f": lib.tensor([1., 2., 3.])}))


def test_remainder_of_a_number_by_a_tensor():
    # torch has no derivative for ``2 % x`` (its node is a NotImplemented placeholder): compare values only
    check(lambda lib, x: 7.5 % x, nonzero(np.linspace(-3, 3, 7)), grad=False, check_names=False)


@pytest.mark.parametrize("name", ["exp", "sigmoid", "relu", "clamp", "tanh", "sqrt", "abs"])
def test_in_place_twins(name):
    op = (lambda y: y.clamp_(-0.5, 1.5)) if name == "clamp" else (lambda y: getattr(y, name + "_")())
    check(lambda lib, a: op(a * 2) * 3, np.array([[0.3, 1.7, 2.1], [0.6, 1.1, 0.9]]))


def test_methods_are_the_functions():
    for name in INT_UNARY:
        assert getattr(minitorch.Tensor, name) is getattr(minitorch, name), name
    assert minitorch.where is not minitorch.Tensor.where  # the method's first argument is the input


def test_float_results_follow_the_default_dtype():
    def run(lib):
        lib.set_default_dtype(lib.float64)
        try:
            x = lib.tensor([1, 2])
            return lib.exp(x), lib.sigmoid(x), lib.where(x > 1, 1.0, 0.0), lib.clamp(x, 0.5), x.erf()
        finally:
            lib.set_default_dtype(lib.float32)
    for mine, theirs in zip(run(minitorch), run(torch)):
        assert_close(mine, theirs)
