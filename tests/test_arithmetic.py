"""Arithmetic ops against torch: values, node names and gradients, with broadcasting."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from harness import broadcast_pair, check, array

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
    for op in ["__add__", "__mul__", "__sub__", "__truediv__"]:
        ma = minitorch.ones(3, dtype=getattr(minitorch, a_dtype))
        ta = torch.ones(3, dtype=getattr(torch, a_dtype))
        if a_dtype == "bool" and op == "__sub__":
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
