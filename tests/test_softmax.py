"""softmax and log_softmax against torch: values, gradients (first and second order), dims, dtypes,
extreme logits and errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from harness import array, check, check_same, check_second_order

FORMS = {
    "softmax": lambda lib, a, dim: lib.softmax(a, dim), "log_softmax": lambda lib, a, dim: lib.log_softmax(a, dim),
    "x.softmax": lambda lib, a, dim: a.softmax(dim), "x.log_softmax": lambda lib, a, dim: a.log_softmax(dim=dim),
    "softmax(dtype)": lambda lib, a, dim: lib.softmax(a, dim, dtype=lib.float64),
    "log_softmax(dtype)": lambda lib, a, dim: a.log_softmax(dim, dtype=lib.float64),
    "softmax * exp": lambda lib, a, dim: lib.softmax(a, dim) * a.exp(),
}


@pytest.mark.parametrize("name", FORMS)
@given(a=array(low=-20, high=20), data=st.data())
def test_softmax(name, a, data):
    dim = data.draw(st.integers(-max(a.ndim, 1), max(a.ndim, 1) - 1))
    check(lambda lib, x: FORMS[name](lib, x, dim), a)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@given(a=array(dtype=np.float64, low=-5, high=5, min_dims=1), data=st.data())
def test_second_order(name, a, data):
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    check_second_order(lambda lib, x: FORMS[name](lib, x, dim) * x.sin(), a)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_logits_are_finite_and_equal_to_torch(name, dtype):
    a = np.array([[1e4, -1e4, 0.0], [1e4, 1e4 - 1, -1e4], [-1e4, -1e4, -1e4]], dtype)
    mine, theirs = check(lambda lib, x: FORMS[name](lib, x, 1), a)
    assert np.isfinite(mine[0].detach().numpy()).all()
    check(lambda lib, x: FORMS[name](lib, x, 0), a)


@pytest.mark.parametrize("expr", [
    "lib.softmax(lib.tensor([0., -inf, 1.]), 0)", "lib.log_softmax(lib.tensor([0., -inf, 1.]), 0)",
    "lib.softmax(lib.tensor([-inf, -inf]), 0)", "lib.softmax(lib.tensor(2.0), 0)",
    "lib.log_softmax(lib.tensor(2.0), -1)",
    "lib.softmax(lib.ones(0, 3), 0)", "lib.log_softmax(lib.ones(0, 3), 0)", "lib.softmax(lib.ones(2, 3), 2)",
    "lib.softmax(lib.ones(2, 3, dtype=lib.int64), 0)", "lib.log_softmax(lib.ones(2, 3, dtype=lib.int64), 1)",
    "lib.softmax(lib.tensor([True]), 0)", "lib.softmax(lib.ones(2, 3, dtype=lib.int64), 0, dtype=lib.float64)",
    "lib.softmax(lib.tensor([1., 2., -3.]).half(), 0)",
])
def test_special_values_and_errors(expr):
    check_same(lambda lib: eval(expr, {"lib": lib, "inf": float("inf")}))


def test_dim_is_required():
    import minitorch
    import torch
    for lib in (minitorch, torch):
        for call in [lambda: lib.softmax(lib.ones(3)), lambda: lib.ones(3).log_softmax()]:
            with pytest.raises(TypeError):
                call()


def test_dtype_argument_records_the_conversion():
    import minitorch
    import torch
    for lib in (minitorch, torch):
        y = lib.softmax(lib.ones(3, requires_grad=True), 0, dtype=lib.float64)
        assert y.dtype == lib.float64
        assert [type(n).__name__ for n, _ in y.grad_fn.next_functions] == ["ToCopyBackward0"]
