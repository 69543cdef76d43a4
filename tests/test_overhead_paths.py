"""The changes made for tiny-graph overhead (benchmarks/overhead.py) against torch: Tanh's VJP as one op
(torch's tanh_backward, TanhBackwardBackward0), what a recorded op keeps of what forward saved, the engine's
gradient fitting (called only where a gradient's shape or dtype differs from its input's), mm/addmm's checks
on the arrays, and expand's direct broadcast of a 0-d gradient (kernels/broadcast.py)."""
import numpy as np
import pytest
import torch

import minitorch
from harness import assert_close, check, check_second_order, double_backward, same_error, same_graphs

LIBS = (minitorch, torch)


# -- tanh's VJP: one op, torch's node, differentiable again (backward and forward mode) --------------------
def test_tanh_gradient_records_torchs_tanh_backward_node():
    """Under create_graph the gradient of tanh is one TanhBackwardBackward0 node over (upstream, TanhBackward0),
    as torch records it - with an upstream gradient that needs no gradient, and with one that does."""
    x = np.linspace(-2, 2, 7)
    for upstream_requires_grad in (False, True):
        grads = []
        for lib in LIBS:
            t = lib.tensor(x, requires_grad=True)
            v = lib.tensor(np.cos(x), requires_grad=upstream_requires_grad)
            g, = lib.autograd.grad(t.tanh(), t, v, create_graph=True)
            grads.append(g)
        same_graphs(*grads)
        assert_close(*grads)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tanh_second_order_and_double_backward_match_torch(dtype):
    a = np.random.default_rng(0).uniform(-2, 2, (3, 4)).astype(dtype)
    check_second_order(lambda lib, x: x.tanh(), a)
    double_backward(lambda lib, x: x.tanh(), a)


def test_tanh_third_derivative_and_forward_over_reverse_match_torch():
    """d³tanh/dx³ through three create_graph passes, and jacfwd(grad(tanh)) (forward mode through the
    TanhBackward op: its JVP) - the same values as torch's."""
    x = np.linspace(-1.5, 1.5, 6)
    results = []
    for lib in LIBS:
        t = lib.tensor(x, requires_grad=True)
        g, = lib.autograd.grad(t.tanh().sum(), t, create_graph=True)
        h, = lib.autograd.grad(g.sum(), t, create_graph=True)
        k, = lib.autograd.grad(h.sum(), t)
        hessian = lib.func.jacfwd(lib.func.grad(lambda u: u.tanh().sum()))(lib.tensor(x))
        results.append((g, h, k, hessian))
    for mine, theirs in zip(*results):
        assert_close(mine, theirs)


def test_tanh_gradient_under_vmap_matches_torch():
    x = np.random.default_rng(1).uniform(-2, 2, (4, 3))
    mine, theirs = (lib.func.vmap(lib.func.grad(lambda u: u.tanh().sum()))(lib.tensor(x)) for lib in LIBS)
    assert_close(mine, theirs)


# -- what a node keeps of what forward saved -----------------------------------------------------------------
def test_a_recorded_node_keeps_its_saved_tensors_not_forwards_arrays():
    """save_for_backward's arrays are taken off the node once resolved to tensors (the node must not keep
    forward's arrays alive after backward frees its saved tensors)."""
    a = minitorch.tensor([1.0, 2.0], requires_grad=True)
    b = minitorch.tensor([3.0, 4.0], requires_grad=True)
    node = (a * b).grad_fn
    assert "_to_save" not in vars(node)
    assert [t is u for t, u in zip(node.saved_tensors, (a, b))] == [True, True]


def test_a_saved_input_changed_in_place_is_still_caught():
    def fn(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0, 4.0])
        y = (a * b).sum()
        b.add_(1)
        y.backward()
    same_error(lambda lib: fn(lib))


# -- the engine fits a gradient to its input only where shape or dtype differ ------------------------------
@pytest.mark.parametrize("shapes", [((3,), ()), ((2, 3), (1, 3)), ((2, 3), (2, 3)), ((), (4,))])
def test_broadcast_and_promoted_gradients_are_fitted_to_their_inputs(shapes):
    """Gradients summed back to a broadcast input's shape and cast back to a promoted input's dtype (a float32
    tensor times a float64 0-d tensor is float32, and the 0-d tensor's gradient float64), as torch's."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(shapes[0]).astype(np.float32), rng.standard_normal(shapes[1])
    mine, theirs = check(lambda lib, x, y: x * y + y, a, b)
    same_graphs(mine, theirs)


# -- mm and addmm: the checks read the arrays, with torch's errors -------------------------------------------
@pytest.mark.parametrize("shapes", [((2, 3), (4, 2)), ((2, 3), (3,)), ((3,), (3, 2))])
def test_mm_errors_match_torch(shapes):
    a, b = (np.ones(s) for s in shapes)
    same_error(lambda lib, x, y: lib.mm(x, y), a, b)
    same_error(lambda lib, x, y: lib.addmm(lib.zeros(2, 2, dtype=lib.float64), x, y), a, b)


def test_mm_dtype_error_matches_torch():
    same_error(lambda lib, x, y: lib.mm(x, y.float()), np.ones((2, 3)), np.ones((3, 2)))


# -- expand of a 0-d tensor (sum's and mean's VJP) ----------------------------------------------------------
@pytest.mark.parametrize("reduce", ["sum", "mean"])
def test_whole_tensor_reductions_gradients_match_torch(reduce):
    a = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    mine, theirs = check(lambda lib, x: getattr(x.tanh(), reduce)(), a)
    same_graphs(mine, theirs)


def test_an_expanded_0d_tensor_is_not_written_in_place_as_in_torch():
    same_error(lambda lib: lib.tensor(1.0).expand(3).add_(1))
    for lib in LIBS:
        assert lib.tensor(2.0).expand(2, 3).tolist() == [[2.0] * 3] * 2
