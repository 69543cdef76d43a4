"""The paths made fast for loops over small tensors (benchmarks/tutorials.py, benchmarks/overhead.py) against
torch: whole powers by products (kernels/power.py), a gradient summed to a 0-d input in one sum (as torch's
sum_to), the inlined common case of Op.apply's promotion, and the two tutorial steps end to end."""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import array, assert_close, check, check_second_order, same_graphs


# -- a ** p for whole p: products in forward, and again in the VJP's a ** (p - 1) -------------------------
@settings(max_examples=30, deadline=None)
@given(a=array(low=-3, high=3), p=st.sampled_from([3, 4, 5, 6, 7, 8, 3.0, 5.0]))
def test_whole_powers_match_torch(a, p):
    mine, theirs = check(lambda lib, x: x ** p, a)
    same_graphs(mine, theirs)


@pytest.mark.parametrize("p", [3, 4, 5, 8])
def test_whole_powers_second_order(p):
    a = np.random.default_rng(p).uniform(-2, 2, (3, 4))
    check_second_order(lambda lib, x: x ** p, a)


def test_whole_powers_of_integers_and_specials():
    """Integer tensors keep NumPy's exact integer power; inf, NaN and -0.0 come out as torch's."""
    ints = np.arange(-4, 5, dtype=np.int64)
    assert np.array_equal((minitorch.from_numpy(ints) ** 5).numpy(), (torch.from_numpy(ints) ** 5).numpy())
    special = np.array([np.inf, -np.inf, np.nan, -0.0, 0.0, 1e30, -1e-30], np.float32)
    for p in (3, 4, 7):
        mine, theirs = (minitorch.from_numpy(special) ** p).numpy(), (torch.from_numpy(special) ** p).numpy()
        assert mine.dtype == theirs.dtype
        assert np.array_equal(mine, theirs, equal_nan=True)
        assert np.array_equal(np.signbit(mine[3:]), np.signbit(theirs[3:]))


# -- sum_to_size: a 0-d target is one sum, as torch's at::sum_to ------------------------------------------
@pytest.mark.parametrize("size", [(), (1, 1), (4,), (1, 4), (3, 1), (3, 4)])
def test_sum_to_size_graphs_match_torch(size):
    a = np.random.default_rng(0).standard_normal((3, 4))
    mine, theirs = check(lambda lib, x: x.sum_to_size(size), a)
    if size != (3, 4):
        same_graphs(mine, theirs)


def test_gradient_of_a_scalar_times_a_vector_records_torch_graph():
    """The engine sums a broadcast gradient back to a 0-d parameter (dynamic_net's a + b * x): under
    create_graph the gradient's graph is torch's (SumBackward0 over MulBackward0)."""
    grads = []
    for lib in (minitorch, torch):
        b = lib.tensor(0.5, dtype=lib.float64, requires_grad=True)
        x = lib.linspace(-1, 1, 7, dtype=lib.float64, requires_grad=True)
        g, = lib.autograd.grad((b * x ** 3).sum(), b, create_graph=True)
        grads.append(g)
    same_graphs(*grads)
    assert_close(*grads)


# -- Op.apply: the two-tensor case it decides without _promote, and those it leaves to _promote -----------
@pytest.mark.parametrize("dtypes", [("float32", "float32"), ("float32", "float64"), ("int64", "float32"),
                                    ("float64", "bool")])
def test_binary_ops_promote_as_torch(dtypes):
    """Same dtypes (inlined), mixed dtypes and a Parameter (a Tensor subclass) on the left (left to _promote)."""
    rng = np.random.default_rng(1)
    a, b = (rng.uniform(1, 3, (2, 3)).astype(d) for d in dtypes)
    for fn in (lambda lib, x, y: x * y, lambda lib, x, y: x + y, lambda lib, x, y: x / y,
               lambda lib, x, y: lib.nn.Parameter(x) * y if x.is_floating_point() else x * y):
        mine, theirs = fn(minitorch, minitorch.from_numpy(a), minitorch.from_numpy(b)), \
            fn(torch, torch.from_numpy(a), torch.from_numpy(b))
        assert str(mine.dtype) == str(theirs.dtype)
        assert_close(mine.detach(), theirs.detach(), np.float32)
        assert (mine.grad_fn and mine.grad_fn.name()) == (theirs.grad_fn and theirs.grad_fn.name())


# -- the two tutorial steps, a few times, from the same weights ----------------------------------------------
def test_dynamic_net_steps_match_torch():
    """dynamic_net with a fixed sequence of extra powers (the tutorial draws it): equal losses and parameters."""
    extra = [0, 1, 2, 1, 0, 2]
    start = np.random.default_rng(2).standard_normal(5)
    results = []
    for lib in (minitorch, torch):
        params = [lib.nn.Parameter(lib.tensor(v, dtype=lib.float32)) for v in start]
        a, b, c, d, e = params
        x = lib.linspace(-math.pi, math.pi, 2000)
        y = lib.sin(x)
        optimizer = lib.optim.SGD(params, lr=1e-8, momentum=0.9)
        losses = []
        for n in extra:
            y_pred = a + b * x + c * x ** 2 + d * x ** 3
            for exp in range(4, 4 + n):
                y_pred = y_pred + e * x ** exp
            loss = lib.nn.MSELoss(reduction="sum")(y_pred, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        results.append((np.array(losses), np.array([p.item() for p in params])))
    (m_losses, m_params), (t_losses, t_params) = results
    np.testing.assert_allclose(m_losses, t_losses, rtol=1e-5)
    np.testing.assert_allclose(m_params, t_params, rtol=1e-5, atol=1e-6)


def test_logistic_regression_steps_match_torch():
    """The nn_tutorial's model from scratch: indexing by range, in-place updates under no_grad, grad.zero_()."""
    rng = np.random.default_rng(3)
    xs, ys = rng.random((3, 64, 784), dtype=np.float32), rng.integers(0, 10, (3, 64))
    w0 = (rng.standard_normal((784, 10)) / math.sqrt(784)).astype(np.float32)
    results = []
    for lib in (minitorch, torch):
        weights = lib.from_numpy(w0.copy()).requires_grad_()
        bias = lib.zeros(10, requires_grad=True)
        losses = []
        for xb, yb in zip(xs, ys):
            pred = xb_pred = lib.from_numpy(xb) @ weights + bias
            pred = xb_pred - xb_pred.exp().sum(-1).log().unsqueeze(-1)
            loss = -pred[range(64), lib.from_numpy(yb)].mean()
            loss.backward()
            with lib.no_grad():
                weights -= weights.grad * 0.5
                bias -= bias.grad * 0.5
                weights.grad.zero_()
                bias.grad.zero_()
            losses.append(loss.item())
        results.append((np.array(losses), weights.detach().numpy().copy(), bias.detach().numpy().copy()))
    for mine, theirs in zip(*results):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


# -- t[i] (a Dataset's rows) and stack (the DataLoader's collate): their direct paths ---------------------
@pytest.mark.parametrize("i", [0, 2, -1, -3, 3, -4])
def test_integer_index_matches_torch(i):
    """In range: SelectBackward0, a view sharing the version counter; out of range: torch's IndexError."""
    a = np.arange(12.0).reshape(3, 4)
    results = []
    for lib in (minitorch, torch):
        t = lib.tensor(a, requires_grad=True)
        try:
            row = t[i]
        except IndexError as error:
            results.append(str(error))
            continue
        row.sum().backward()
        results.append((row.grad_fn.name(), row.detach().numpy().tolist(), t.grad.numpy().tolist(),
                        row._version == t._version))
    assert results[0] == results[1]


def test_integer_index_of_a_0d_tensor_raises_as_torch():
    errors = []
    for lib in (minitorch, torch):
        with pytest.raises(IndexError) as info:
            lib.tensor(1.0)[0]
        errors.append(str(info.value))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("dtypes", [("float32", "float32"), ("int64", "float32"), ("int32", "int64"),
                                    ("bool", "int64")])
def test_stack_dtypes_match_torch(dtypes):
    rows = [np.ones(3, dtype=d) for d in dtypes]
    mine = minitorch.stack([minitorch.from_numpy(r) for r in rows])
    theirs = torch.stack([torch.from_numpy(r) for r in rows])
    assert str(mine.dtype) == str(theirs.dtype)
    assert np.array_equal(mine.numpy(), theirs.numpy())


def test_dataloader_over_tensor_dataset_matches_torch():
    rng = np.random.default_rng(4)
    x, y = rng.random((10, 3), dtype=np.float32), rng.integers(0, 5, 10)
    batches = []
    for lib in (minitorch, torch):
        loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(lib.from_numpy(x), lib.from_numpy(y)),
                                           batch_size=4)
        batches.append([(str(xb.dtype), xb.numpy().tolist(), str(yb.dtype), yb.numpy().tolist())
                        for xb, yb in loader])
    assert batches[0] == batches[1]


@pytest.mark.parametrize("key", [lambda lib: (range(3), lib.tensor([1, 0, 3])), lambda lib: range(0),
                                 lambda lib: range(2, -1, -1), lambda lib: (range(1, 3), range(0, 4, 2))],
                         ids=["rows_and_targets", "empty", "backwards", "two_ranges"])
def test_range_index_matches_torch(key):
    """``input[range(n), target]`` (the nn_tutorial's nll): values, node name and gradient as torch's."""
    a = np.arange(12.0).reshape(3, 4)
    results = []
    for lib in (minitorch, torch):
        t = lib.tensor(a, requires_grad=True)
        out = t[key(lib)]
        out.sum().backward()
        results.append((out.grad_fn.name(), str(out.dtype), out.detach().numpy().tolist(), t.grad.numpy().tolist()))
    assert results[0] == results[1]
