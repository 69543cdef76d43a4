"""Comparisons, logic, bitwise ops, any/all and isclose against torch: values and dtypes, numbers on
either side, dtype promotion, errors, and that tensors stay hashable."""
import numpy as np
import pytest
import torch
from hypothesis import given

import minitorch
from harness import broadcast_pair, check, check_same, on_grid


def quarters(pair):
    """Values on a coarse grid, so that equal elements (the interesting case here) are common."""
    return tuple(on_grid(a) for a in pair)


COMPARISONS = {
    "==": lambda lib, a, b: a == b, "!=": lambda lib, a, b: a != b, "<": lambda lib, a, b: a < b,
    "<=": lambda lib, a, b: a <= b, ">": lambda lib, a, b: a > b, ">=": lambda lib, a, b: a >= b,
    "eq": lambda lib, a, b: lib.eq(a, b), "ne": lambda lib, a, b: a.ne(b), "lt": lambda lib, a, b: lib.lt(a, b),
    "le": lambda lib, a, b: a.le(b), "gt": lambda lib, a, b: lib.gt(a, b), "ge": lambda lib, a, b: a.ge(b),
    "greater_equal": lambda lib, a, b: lib.greater_equal(a, b), "less": lambda lib, a, b: a.less(b),
    "isclose": lambda lib, a, b: lib.isclose(a, b, rtol=0.1, atol=0.25),
    "logical_and": lambda lib, a, b: lib.logical_and(a, b), "logical_or": lambda lib, a, b: a.logical_or(b),
    "logical_xor": lambda lib, a, b: lib.logical_xor(a, b), "maximum": lambda lib, a, b: lib.maximum(a, b) > 0,
}


@pytest.mark.parametrize("name", COMPARISONS)
@given(pair=broadcast_pair(low=-2, high=2))
def test_comparisons(name, pair):
    check(COMPARISONS[name], *quarters(pair), grad=False)


NUMBER_FORMS = {
    "x == 0.5": lambda lib, a: a == 0.5, "0.5 == x": lambda lib, a: 0.5 == a, "x < 1": lambda lib, a: a < 1,
    "1 < x": lambda lib, a: 1 < a, "x >= -0.25": lambda lib, a: a >= -0.25, "-1 >= x": lambda lib, a: -1 >= a,
    "x != 0": lambda lib, a: a != 0, "eq(x, 1.0)": lambda lib, a: lib.eq(a, 1.0), "x.gt(0)": lambda lib, a: a.gt(0),
    "logical_not": lambda lib, a: lib.logical_not(a), "~(x > 0)": lambda lib, a: ~(a > 0),
    "(x > 0) & (x < 1)": lambda lib, a: (a > 0) & (a < 1), "(x > 0) | True": lambda lib, a: (a > 0) | True,
    "False ^ (x > 0)": lambda lib, a: False ^ (a > 0), "any": lambda lib, a: (a > 0).any(),
    "all(x)": lambda lib, a: lib.all(a), "any(dim=0)": lambda lib, a: lib.any(a > 0, dim=0) if a.ndim else a > 0,
    "all(dim=-1, keepdim)": lambda lib, a: (a > 0).all(-1, keepdim=True) if a.ndim else a > 0,
    "any(dims)": lambda lib, a: lib.any(a, dim=tuple(range(a.ndim))),
}


@pytest.mark.parametrize("name", NUMBER_FORMS)
@given(a=broadcast_pair(low=-2, high=2).map(lambda pair: on_grid(pair[0])))
def test_with_numbers_and_reductions(name, a):
    check(NUMBER_FORMS[name], a, grad=False)


def test_results_are_bool_and_carry_no_gradient():
    for lib in (minitorch, torch):
        x = lib.tensor([1.0, -2.0], requires_grad=True)
        for r in [x > 0, x == x, lib.isclose(x, x), lib.logical_not(x), lib.any(x), (x > 0) & (x < 1)]:
            assert r.dtype == lib.bool and not r.requires_grad and r.grad_fn is None


def test_tensors_stay_hashable_and_compare_to_other_objects_by_identity():
    for lib in (minitorch, torch):
        x, y = lib.ones(3), lib.ones(3)
        assert {x: 1}[x] == 1 and len({x, y}) == 2 and x in {x}
        assert x in [x]  # identity first: no element-wise == (which would be ambiguous as a bool)
        assert (x == None) is False and (x != None) is True and (x == "a") is False  # noqa: E711
        assert (x == [1, 2, 3]) is False


INT_DTYPES = ["int64", "int32", "uint8", "int8", "bool", "float32", "float64"]
CASES = {
    "==": lambda lib, a, b: a == b, "<": lambda lib, a, b: a < b, "eq(a, 1.5)": lambda lib, a, b: lib.eq(a, 1.5),
    "a == 300": lambda lib, a, b: a == 300, "a < 300": lambda lib, a, b: a < 300, "a > -1": lambda lib, a, b: a > -1,
    "a == True": lambda lib, a, b: a == True,  # noqa: E712
    "a & b": lambda lib, a, b: a & b, "a | b": lambda lib, a, b: a | b, "a ^ b": lambda lib, a, b: a ^ b,
    "a & 6": lambda lib, a, b: a & 6, "3 | a": lambda lib, a, b: 3 | a, "a ^ True": lambda lib, a, b: a ^ True,
    "~a": lambda lib, a, b: ~a, "bitwise_not": lambda lib, a, b: lib.bitwise_not(a),
    "bitwise_and": lambda lib, a, b: lib.bitwise_and(a, b), "bitwise_xor(a, 5)": lambda lib, a, b: a.bitwise_xor(5),
    "logical_and": lambda lib, a, b: lib.logical_and(a, b), "logical_or(a, 0)": lambda lib, a, b: lib.logical_or(a, 0),
    "any": lambda lib, a, b: a.any(), "all": lambda lib, a, b: lib.all(a), "any(0)": lambda lib, a, b: a.any(0),
    "all(0, keepdim)": lambda lib, a, b: lib.all(a, 0, True), "any(dim=1)": lambda lib, a, b: lib.any(a, dim=1),
    "equal": lambda lib, a, b: lib.equal(a, b), "equal(a, a.double())": lambda lib, a, b: a.equal(a.double()),
    "isclose": lambda lib, a, b: lib.isclose(a, b), "isclose(a, a)": lambda lib, a, b: lib.isclose(a, a, rtol=0.5),
    "allclose(a, a)": lambda lib, a, b: lib.allclose(a, a),
}


@pytest.mark.parametrize("dtype_b", ["int64", "bool", "float32"])
@pytest.mark.parametrize("dtype_a", INT_DTYPES)
@pytest.mark.parametrize("name", CASES)
def test_dtypes_like_torch(name, dtype_a, dtype_b):
    def run(lib):
        a = lib.tensor([0, 1, 2, 44, 7], dtype=getattr(lib, dtype_a))
        b = lib.tensor([1, 1, 0, 3, 7], dtype=getattr(lib, dtype_b))
        return CASES[name](lib, a, b)
    check_same(run)


@pytest.mark.parametrize("expr", [
    "lib.tensor([16777217]) == 16777216.0",  # compared as float32, as torch does
    "lib.tensor([0.1]) == lib.tensor(0.1, dtype=lib.float64)",  # the 0-d double does not win
    "lib.tensor([0.1], dtype=lib.float64) == 0.1", "lib.tensor([]) == 1", "lib.tensor(2) > lib.tensor([1, 3])",
    "lib.allclose(lib.ones(2), lib.ones(2) + 1e-9)", "lib.allclose(lib.ones(2), lib.ones(2) + 1e-3)",
    "lib.allclose(lib.ones(2), lib.ones(2, dtype=lib.float64))", "lib.isclose(lib.ones(2), lib.ones(2), rtol=-1)",
    "lib.isclose(lib.tensor([float('nan'), float('inf'), 1.]), lib.tensor([float('nan'), float('inf'), 1.]))",
    "lib.isclose(lib.tensor([float('nan'), -float('inf')]), lib.tensor([float('nan'), float('inf')]), equal_nan=True)",
    "lib.equal(lib.ones(2), lib.ones(3))", "lib.equal(lib.tensor([float('nan')]), lib.tensor([float('nan')]))",
    "lib.equal(lib.ones(2, 1), lib.ones(2))", "lib.all(lib.tensor([]))", "lib.any(lib.tensor([]))",
    "lib.all(lib.ones(2, 3), dim=(0, 1))", "lib.any(lib.ones(2, 3), dim=2)", "lib.all(lib.tensor(1.), 0)",
    "lib.ones(2) & lib.ones(2)", "~lib.ones(2)", "lib.bitwise_not(lib.ones(2))", "lib.logical_or(lib.ones(2), 1)",
    "bool(lib.tensor(2.0) > 1)", "lib.tensor([1., 2.]) == np.int64(1)", "lib.tensor([1, 2]) < np.float64(1.5)",
    "lib.tensor([1., 2.]) != np.float32(2)", "lib.tensor([1, 2]) & np.int64(3)", "lib.tensor([1., 2.]) == lib.tensor([[1.], [2.]])",
])
def test_special_values_and_errors(expr):
    check_same(lambda lib: eval(expr, {"lib": lib, "np": np}))
