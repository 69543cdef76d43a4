"""The autograd machinery against torch: backward and autograd.grad with all their options, gradient
accumulation, retain_grad, hooks, higher-order gradients, detach/.data, grad modes, deep graphs, memory,
gradcheck/gradgradcheck and autograd.functional. Every scenario runs in both libraries."""
import gc
import sys
import tracemalloc
import warnings
import weakref

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import array, assert_close, broadcast_pair, same_error


def both(fn, *arrays, requires_grad=True):
    """``fn(lib, *leaves)`` for minitorch and torch, the leaves made from ``arrays``."""
    out = []
    for lib in (minitorch, torch):
        leaves = [lib.tensor(a, requires_grad=requires_grad) for a in arrays]
        out.append(fn(lib, *leaves))
    return out


def same(mine, theirs, what="result"):
    """Nested tuples/lists of tensors, None and plain values: equal structure, values, dtypes, requires_grad."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(mine, minitorch.Tensor), f"{what}: {mine!r} is not a tensor"
        assert_close(mine, theirs, theirs.detach().numpy().dtype, what)
        assert mine.requires_grad == theirs.requires_grad, f"{what}: requires_grad"
    elif isinstance(theirs, (tuple, list)):
        assert type(mine) is type(theirs) and len(mine) == len(theirs), f"{what}: {mine!r} vs {theirs!r}"
        for i, (m, t) in enumerate(zip(mine, theirs)):
            same(m, t, f"{what}[{i}]")
    else:
        assert mine == theirs, f"{what}: {mine!r} != torch's {theirs!r}"


def compare(fn, *arrays, **kwargs):
    same(*both(fn, *arrays, **kwargs))


X = np.array([0.5, -1.5, 2.0])
W = np.array([[1.0, -2.0, 0.5], [0.25, 3.0, -1.0]])


# -- backward -------------------------------------------------------------------------------------------------
def test_gradients_accumulate_across_backward_calls():
    def fn(lib, x, w):
        grads = []
        for k in (1.0, 2.0, 3.0):
            ((w * x * k).sum() + (x * x).sum()).backward()
            grads.append((x.grad.clone(), w.grad.clone()))
        return grads
    compare(fn, X, W)


def test_grad_is_a_fresh_tensor_that_later_backward_calls_update_in_place():
    def fn(lib, x):
        (x * 2).sum().backward()
        first = x.grad
        (x * 3).sum().backward()
        return first is x.grad, x.grad
    compare(fn, X)


@given(broadcast_pair(dtype=np.float64))
def test_backward_with_a_gradient_argument(pair):
    a, b = pair
    def fn(lib, x, y):
        z = x * y + x
        z.backward(lib.tensor(np.linspace(-1, 1, z.numel()).reshape(z.shape)))
        return x.grad, y.grad
    compare(fn, a, b)


def test_gradient_argument_is_cast_to_the_output_dtype():
    def fn(lib, x):
        (x * 2).backward(lib.tensor([1, 2, 3]))  # int64 gradient for a float64 output
        return x.grad
    compare(fn, X)


def test_autograd_backward_with_several_outputs():
    def fn(lib, x, w):
        lib.autograd.backward([(w * x).sum(), x * x], [None, lib.tensor([1.0, 0.5, -1.0], dtype=lib.float64)])
        return x.grad, w.grad
    compare(fn, X, W)


def test_backward_of_a_leaf_itself():
    def fn(lib, x):
        x.backward(lib.ones_like(x) * 2)
        return x.grad
    compare(fn, X)


def test_retain_graph_allows_a_second_backward():
    def fn(lib, x):
        y = (x * x * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        return x.grad
    compare(fn, X)


def test_backward_inputs_accumulates_only_into_them():
    def fn(lib, x, w):
        (w * x * x).sum().backward(inputs=[x])
        return x.grad, w.grad
    compare(fn, X, W)


def test_backward_inputs_with_a_non_leaf_retains_its_grad():
    def fn(lib, x):
        y = x * 2
        (y * y).sum().backward(inputs=[y])
        first = y.grad.clone()
        with pytest.raises(RuntimeError) as e:  # as torch: y's own node ran, and freed what it saved
            (y * y).sum().backward(inputs=y)
        return first, y.grad, x.grad, y.retains_grad, str(e.value)
    compare(fn, X)


def test_integer_and_unused_paths_do_not_disturb_backward():
    def fn(lib, x):
        n = lib.tensor([1, 2, 3])
        y = (x * n).sum() + (x.detach() * 5).sum()
        y.backward()
        return x.grad, y.grad_fn.name()
    compare(fn, X)


# -- retain_grad and hooks -------------------------------------------------------------------------------------
def test_retain_grad_on_a_non_leaf_accumulates_like_torch():
    def fn(lib, x):
        y = x * 2
        y.retain_grad()
        z = (y * y).sum()
        z.backward(retain_graph=True)
        first = y.grad.clone()
        z.backward()
        return first, y.grad, x.grad, y.retains_grad, x.retains_grad
    compare(fn, X)


def test_retain_grad_sees_the_gradient_after_tensor_hooks():
    def fn(lib, x):
        y = x * 2
        y.retain_grad()
        handle = y.register_hook(lambda g: g * 10)
        z = (y * y).sum()
        z.backward(retain_graph=True)
        handle.remove()
        z.backward()
        return y.grad, x.grad
    compare(fn, X)


def test_grad_of_a_non_leaf_warns_unless_retained():
    messages = []
    for lib in (minitorch, torch):
        x = lib.tensor(X, requires_grad=True)
        y, kept = x * 2, x * 3
        kept.retain_grad()
        (y + kept).sum().backward()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            grads = y.grad, x.grad is None, kept.grad is None
        messages.append((grads, [(w.category, str(w.message).split(" (Triggered")[0]) for w in caught]))
    assert messages[0] == messages[1]
    assert messages[0][1][0][1].startswith("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed.")


def test_hooks_on_a_leaf_replace_its_gradient_until_removed():
    def fn(lib, x):
        seen = []
        h1 = x.register_hook(lambda g: seen.append(g.clone()) or g * 3)
        x.register_hook(lambda g: g + 1)
        (x * x).sum().backward()
        h1.remove()
        (x * x).sum().backward()
        with x.register_hook(lambda g: g * 0):  # a handle is also a context manager
            (x * x).sum().backward()
        (x * x).sum().backward()
        return seen, x.grad
    compare(fn, X)


def test_hook_on_a_non_leaf_changes_what_flows_on():
    def fn(lib, x, w):
        y = w * x
        y.register_hook(lambda g: g * -1)
        y.register_hook(lambda g: None)  # returning None keeps the gradient
        (y * y).sum().backward()
        return x.grad, w.grad
    compare(fn, X, W)


def test_node_hooks_and_prehooks():
    def fn(lib, x):
        seen = []
        y = x * 2
        z = y * y
        z.grad_fn.register_prehook(lambda grad_outputs: seen.append(("pre", grad_outputs)))
        z.grad_fn.register_hook(lambda grad_inputs, grad_outputs: seen.append(("post", grad_inputs, grad_outputs)))
        y.grad_fn.register_prehook(lambda grad_outputs: (grad_outputs[0] * 10,))
        y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: (grad_inputs[0] + 1, None))
        z.sum().backward()
        return seen, x.grad
    compare(fn, X)


def test_accumulate_grad_node_hooks():
    def fn(lib, x):
        seen = []
        y = x * 2
        acc = y.grad_fn.next_functions[0][0]
        acc.register_prehook(lambda grad_outputs: (grad_outputs[0] * 100,))
        # (a copy: torch may hand the hook the very tensor that becomes x.grad, and later add into it)
        handle = acc.register_hook(lambda grad_inputs, grad_outputs:
                                   seen.append((grad_inputs, tuple(g.clone() for g in grad_outputs))))
        y.sum().backward()
        handle.remove()
        y = x * 2
        y.sum().backward()
        plain, = lib.autograd.grad((x * 2).sum(), x)  # autograd.grad does not run the leaf's node
        return seen, x.grad, plain
    compare(fn, X)


# -- autograd.grad -----------------------------------------------------------------------------------------------
def test_grad_returns_gradients_and_leaves_grad_alone():
    def fn(lib, x, w):
        out = lib.autograd.grad((w * x * x).sum(), [x, w])
        return out, x.grad, w.grad
    compare(fn, X, W)


def test_grad_with_grad_outputs_and_several_outputs():
    def fn(lib, x, w):
        y1, y2 = w * x, x * x
        return lib.autograd.grad([y1, y2], (x, w), [lib.ones_like(y1) * 0.5, lib.tensor([1.0, 2.0, 3.0],
                                                                                         dtype=lib.float64)])
    compare(fn, X, W)


def test_grad_allow_unused_and_materialize_grads():
    def fn(lib, x, w):
        y = (x * 3).sum()
        unused = lib.autograd.grad(y, [x, w], retain_graph=True, allow_unused=True)
        materialized = lib.autograd.grad(y, [x, w], materialize_grads=True)
        return unused, materialized
    compare(fn, X, W)


def test_grad_with_respect_to_a_non_leaf():
    def fn(lib, x):
        y = x * 2
        z = (y * y * x).sum()
        return lib.autograd.grad(z, [y, x])
    compare(fn, X)


def test_grad_with_respect_to_a_non_leaf_with_a_hook():
    """torch hands back the hooked gradient of a non-leaf input, unless the graph must go on past it."""
    def fn(lib, x):
        y = x * 2
        y.register_hook(lambda g: g + 1)
        alone = lib.autograd.grad((y * y).sum(), y)
        y = x * 2
        y.register_hook(lambda g: g + 1)
        with_x = lib.autograd.grad((y * y).sum(), [y, x])
        return alone, with_x
    compare(fn, X)


def test_grad_of_an_output_with_respect_to_itself():
    def fn(lib, x):
        y = x * 2
        return lib.autograd.grad(y, y, lib.ones_like(y))
    compare(fn, X)


def test_grad_only_runs_the_part_of_the_graph_it_needs():
    runs = {}
    for lib in (minitorch, torch):
        x = lib.tensor(X, requires_grad=True)
        w = lib.tensor(X, requires_grad=True)
        a, b = x * 2, w * 3
        b.grad_fn.register_prehook(lambda g, lib=lib: runs.setdefault(lib, []).append("w branch"))
        lib.autograd.grad((a * b).sum(), x)
    assert runs == {}


def test_grad_retain_graph():
    def fn(lib, x):
        y = (x * x).sum()
        first = lib.autograd.grad(y, x, retain_graph=True)
        return first, lib.autograd.grad(y, x)
    compare(fn, X)


# -- higher order ----------------------------------------------------------------------------------------------
def test_derivatives_of_x_cubed_up_to_third_order():
    def fn(lib, x):
        y = (x * x * x).sum()
        d1, = lib.autograd.grad(y, x, create_graph=True)
        d2, = lib.autograd.grad(d1.sum(), x, create_graph=True)
        d3, = lib.autograd.grad(d2.sum(), x, create_graph=True)
        with pytest.raises(RuntimeError) as e:  # d3 is constant: it has no graph to differentiate
            lib.autograd.grad(d3.sum(), x, allow_unused=True)
        return d1, d2, d3, d1.grad_fn.name(), d2.grad_fn.name(), str(e.value)
    compare(fn, X)


def test_mixed_partials_of_xyz():
    def fn(lib, x, y, z):
        f = x * y * z
        fx, = lib.autograd.grad(f, x, create_graph=True)
        fxy, fxz = lib.autograd.grad(fx, [y, z], create_graph=True)
        fxyz = lib.autograd.grad(fxy, [x, y, z], allow_unused=True)
        return fx, fxy, fxz, fxyz
    compare(fn, np.array(2.0), np.array(3.0), np.array(5.0))


@given(broadcast_pair(dtype=np.float64, low=-2, high=2))
def test_hessian_vector_products(pair):
    a, b = pair
    def fn(lib, x, w):
        f = ((x * w).sin() * x + x.exp() * w * w / (1 + x * x)).sum()
        gx, gw = lib.autograd.grad(f, [x, w], create_graph=True)
        v = lib.tensor(np.linspace(-1, 1, x.numel()).reshape(x.shape))
        return lib.autograd.grad((gx * v).sum(), [x, w], allow_unused=True)
    compare(fn, a, b)


def test_backward_with_create_graph_builds_a_differentiable_grad():
    def fn(lib, x):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (x * x * x).sum().backward(create_graph=True)
            first = x.grad, x.grad.grad_fn.name()
            (x * x * x).sum().backward(create_graph=True)
        second = x.grad, x.grad.grad_fn.name()
        return first, second, lib.autograd.grad(x.grad.sum(), x)
    compare(fn, X)


def test_backward_with_create_graph_warns_like_torch():
    messages = []
    for lib in (minitorch, torch):
        x = lib.tensor(X, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            (x * x).sum().backward(create_graph=True)
        messages.append([(w.category, str(w.message).split(" (Triggered")[0]) for w in caught])
    if messages[1]:  # torch warns only once per process: here, if no test before this one made it warn
        assert messages[0] in ([], messages[1])


def test_grad_of_a_grad_that_did_not_need_a_graph():
    def fn(lib, x):
        g, = lib.autograd.grad((x * 2).sum(), x, create_graph=True)
        return g, g.requires_grad
    compare(fn, X)


# -- in-place changes of views ---------------------------------------------------------------------------------
V = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]])


@pytest.mark.parametrize("change", [
    lambda lib, y, w: y[0].mul_(3),
    lambda lib, y, w: y.t()[1].add_(w[:, 0]),
    lambda lib, y, w: y.view(6)[2:5].exp_(),
    lambda lib, y, w: y[:, 1:].copy_(w[:, :2] * w[:, :2]),
    lambda lib, y, w: y.transpose(0, 1).unsqueeze(0)[0, 1:].mul_(w.t()[1:]),
], ids=["select", "transpose-select", "view-slice", "copy_", "chained"])
def test_in_place_change_of_a_view_rewrites_the_base_history(change):
    def fn(lib, x, w):
        y = x * 1
        view_before = y[:, 1]  # a sibling view, taken before the change: it must see it too
        change(lib, y, w)
        (y * y).sum().backward(retain_graph=True)
        grads = x.grad.clone(), w.grad.clone() if w.grad is not None else None
        (view_before * view_before).sum().backward()
        return y, view_before, type(y.grad_fn).__name__, y._version, grads, x.grad, w.grad
    compare(fn, V, V * 0.5)


def test_in_place_change_of_a_base_reaches_its_views():
    def fn(lib, x):
        y = x * 1
        v = y[0:2]
        y.mul_(3)
        v.sum().backward()
        return v, x.grad, v._base is y
    compare(fn, X)


def test_in_place_change_of_a_view_of_a_buffer_that_needs_no_grad():
    def fn(lib, w):
        buf = lib.zeros(4, dtype=lib.float64)
        buf[1:3].mul_(0).add_(w * w)
        buf.sum().backward()
        return buf, w.grad, buf.is_leaf, type(buf.grad_fn).__name__
    compare(fn, np.array([1.0, 2.0]))


def test_in_place_view_ops_change_the_shape():
    def fn(lib, x):
        y = x * 1
        y.t_()
        y.unsqueeze_(0)
        (y * lib.tensor([[[1.0], [2.0], [3.0]]], dtype=lib.float64)).sum().backward()
        return y, y.grad_fn.name(), x.grad
    compare(fn, V)


def test_second_order_through_an_in_place_change_of_a_view():
    def fn(lib, x):
        y = x * x
        y[1:].mul_(x[1:])  # y = [x0², x1³, x2³]
        g, = lib.autograd.grad(y.sum(), x, create_graph=True)
        return g, lib.autograd.grad(g.sum(), x)
    compare(fn, X)


# -- detach, .data, requires_grad_ ----------------------------------------------------------------------------
def test_detach_shares_memory_and_version_counter():
    def fn(lib, x):
        y = x * 2
        d = y.detach()
        d.add_(1)  # seen by y: same memory and version counter
        return d.requires_grad, d.grad_fn, d.is_leaf, y, y._version, d._version
    compare(fn, X)


def test_in_place_change_through_detach_is_caught_in_backward():
    def fn(lib):
        x = lib.tensor(X, requires_grad=True)
        y = x.exp()
        y.detach().zero_()
        y.sum().backward()
    same_error(fn)


def test_data_shares_memory_but_not_the_version_counter():
    def fn(lib, x):
        y = x.exp()
        d = y.data
        d.mul_(0)  # invisible to autograd: backward uses the changed values
        y.sum().backward()
        return d.requires_grad, y._version, d._version, x.grad, y
    compare(fn, X)


def test_assigning_data():
    def fn(lib, x):
        x.data = lib.tensor([[1.0, 2.0]], dtype=lib.float64)
        (x * 3).sum().backward()
        return x, x.grad, x.requires_grad
    compare(fn, X)


def test_detach_in_place():
    def fn(lib, x):
        y = x * 2
        y.detach_()
        return y.requires_grad, y.grad_fn, y.is_leaf, y
    compare(fn, X)


def test_requires_grad_():
    def fn(lib, a):
        a = (a * 3) / (a - 1)
        before = a.requires_grad
        a.requires_grad_(True)
        b = (a * a).sum()
        return before, a.requires_grad, a.is_leaf, b.grad_fn.name()
    compare(fn, X, requires_grad=False)


def test_variable_is_the_old_name_for_tensor():
    def fn(lib, x):
        v = lib.autograd.Variable(x, requires_grad=True)
        (v * 2).sum().backward()
        return type(v).__name__, isinstance(x, lib.autograd.Variable), v.grad, v.is_leaf
    compare(fn, X, requires_grad=False)


# -- grad modes -----------------------------------------------------------------------------------------------
def inference_enabled(lib):
    # minitorch/__init__.py does not export is_inference_mode_enabled (yet): take it from autograd
    return lib.is_inference_mode_enabled() if lib is torch else lib.autograd.is_inference_mode_enabled()


def test_grad_modes_as_context_managers():
    def fn(lib, x):
        seen = []
        with lib.no_grad():
            seen.append(((x * 2).requires_grad, lib.is_grad_enabled()))
            with lib.enable_grad():
                seen.append(((x * 2).requires_grad, lib.is_grad_enabled()))
            with lib.set_grad_enabled(True):
                seen.append((x * 2).requires_grad)
        with lib.set_grad_enabled(False):
            seen.append((x * 2).requires_grad)
        with lib.inference_mode():
            seen.append(((x * 2).requires_grad, inference_enabled(lib)))
            with lib.inference_mode(False):
                seen.append(inference_enabled(lib))
        seen.append(((x * 2).requires_grad, lib.is_grad_enabled(), inference_enabled(lib)))
        return seen
    compare(fn, X)


def test_set_grad_enabled_takes_effect_at_once():
    def fn(lib, x):
        lib.set_grad_enabled(False)
        off = (x * 2).requires_grad
        lib.set_grad_enabled(True)
        return off, (x * 2).requires_grad
    compare(fn, X)


def test_grad_modes_as_decorators():
    def fn(lib, x):
        @lib.no_grad()
        def called():
            return (x * 2).requires_grad

        @lib.no_grad
        def bare():
            return (x * 2).requires_grad, lib.is_grad_enabled()

        @lib.inference_mode
        def inference():
            return (x * 2).requires_grad, inference_enabled(lib)

        @lib.enable_grad()
        def enabled():
            return (x * 2).requires_grad

        @lib.set_grad_enabled(False)
        def disabled():
            return (x * 2).requires_grad

        after_decorating = lib.is_grad_enabled()
        with lib.no_grad():
            inner = enabled()
        return called(), bare(), inference(), inner, disabled(), after_decorating, bare.__name__
    compare(fn, X)


def test_grad_mode_is_restored_after_an_exception():
    for lib in (minitorch, torch):
        with pytest.raises(ValueError):
            with lib.no_grad():
                raise ValueError
        assert lib.is_grad_enabled()

        @lib.no_grad()
        def failing():
            raise ValueError
        with pytest.raises(ValueError):
            failing()
        assert lib.is_grad_enabled()


def test_backward_inside_no_grad_still_computes_gradients():
    def fn(lib, x):
        y = (x * x).sum()
        with lib.no_grad():
            y.backward()
        return x.grad
    compare(fn, X)


# -- deep graphs, freeing, memory ------------------------------------------------------------------------------
DEPTH = 100_000


def test_a_100k_op_chain_backward_is_iterative():
    limit = sys.getrecursionlimit()
    grads = []
    for lib in (minitorch, torch):
        x0 = lib.tensor(1.0, requires_grad=True)
        x = x0
        for _ in range(DEPTH):
            x = x * 1.0001
        x.backward()
        grads.append((x, x0.grad))
    same(*grads)
    assert sys.getrecursionlimit() == limit


def test_deleting_a_100k_op_chain_frees_it_without_recursion():
    gc.disable()  # freed by reference counting alone: the graph has no cycles
    try:
        x0 = minitorch.tensor(1.0, requires_grad=True)
        x = x0 * 1.0001  # each Mul node saves its input, so the chain runs through saved tensors too
        first = weakref.ref(x.grad_fn)
        for _ in range(DEPTH):
            x = x * 1.0001
        last = weakref.ref(x.grad_fn)
        del x
        assert first() is None and last() is None
    finally:
        gc.enable()


def test_saved_tensors_are_freed_after_backward_unless_retained():
    for retain in (False, True):
        x = minitorch.tensor(X, requires_grad=True)
        y = x * x
        z = y.exp()
        nodes = [y.grad_fn, z.grad_fn]
        z.sum().backward(retain_graph=retain)
        assert all((n._saved is None) == (not retain) for n in nodes)


def test_a_graph_that_saves_its_outputs_is_freed_by_reference_counting():
    gc.disable()
    try:
        x = minitorch.tensor(X, requires_grad=True)
        y = x.exp().sigmoid().tanh()  # each of these saves its output
        nodes = [weakref.ref(y.grad_fn), weakref.ref(y.grad_fn.next_functions[0][0])]
        del y
        assert all(n() is None for n in nodes)
    finally:
        gc.enable()


def allocated():
    """Bytes allocated now, not counting CPython's free lists (which a full collection empties)."""
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def test_memory_does_not_grow_over_training_iterations():
    rng = np.random.default_rng(0)
    inputs, targets = minitorch.tensor(rng.standard_normal((16, 3))), minitorch.tensor(rng.standard_normal(16))
    w = minitorch.zeros(3, dtype=minitorch.float64, requires_grad=True)
    b = minitorch.zeros(1, dtype=minitorch.float64, requires_grad=True)
    tracemalloc.start()
    try:
        for i in range(1000):
            loss = (((inputs * w).sum(1) + b - targets) ** 2).mean()
            loss.backward()
            with minitorch.no_grad():
                w -= 0.05 * w.grad
                b -= 0.05 * b.grad
            w.grad = None
            b.grad.zero_()
            if i == 100:
                at_100 = allocated()
        at_1000 = allocated()
    finally:
        tracemalloc.stop()
    assert at_1000 - at_100 < 4_000  # bytes; one leaked tensor per iteration would be ~200 000
    assert loss.item() < 2.0  # it did train


# -- gradcheck and gradgradcheck -------------------------------------------------------------------------------
def wrong_square(lib):
    class WrongSquare(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        def backward(ctx, g):
            a, = ctx.saved_tensors
            return g * a  # should be 2 * a * g
    return WrongSquare.apply


def detached_square(lib):
    """Right first derivative, wrong second: the backward uses the input's values as a constant."""
    class DetachedSquare(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        def backward(ctx, g):
            a, = ctx.saved_tensors
            return 2 * a.detach() * g
    return DetachedSquare.apply


CHECKED = {
    "product": (lambda lib: lambda x, w: (w * x * x).sum(), [X, W]),
    "broadcast": (lambda lib: lambda x, w: x.exp() * w - x / (1 + w * w), [X, W]),
    "two outputs": (lambda lib: lambda x, w: (x * w, (x * x).sum()), [X, W]),
    "number argument": (lambda lib: lambda x, k: x * k + x * x, [X, 2.5]),
    "wrong": (wrong_square, [X]),
    "detached": (detached_square, [X]),
}


def tensors_of(lib, values):
    return [lib.tensor(v, requires_grad=True) if isinstance(v, np.ndarray) else v for v in values]


@pytest.mark.parametrize("check", ["gradcheck", "gradgradcheck"])
@pytest.mark.parametrize("name", list(CHECKED))
def test_gradchecks_agree_with_torch(check, name):
    make, values = CHECKED[name]
    results = []
    for lib in (minitorch, torch):
        func, inputs = make(lib), tensors_of(lib, values)
        extra = {}
        if check == "gradgradcheck":  # fixed grad_outputs: the same in both libraries
            outs = func(*inputs)
            outs = outs if isinstance(outs, tuple) else (outs,)
            extra["grad_outputs"] = [lib.tensor(np.linspace(-1, 1, o.numel()).reshape(o.shape)) for o in outs]
        try:
            results.append(("passed", getattr(lib.autograd, check)(func, inputs, **extra)))
        except RuntimeError as e:
            results.append((type(e).__name__, str(e)))
    assert results[0] == results[1]
    assert (results[0][0] == "passed") == ((name, check) not in [("wrong", "gradcheck"), ("detached", "gradgradcheck")])


def test_gradcheck_error_is_a_runtime_error_and_can_be_a_false_result():
    x = minitorch.tensor(X, requires_grad=True)
    with pytest.raises(RuntimeError):
        minitorch.autograd.gradcheck(wrong_square(minitorch), (x,))
    assert issubclass(minitorch.autograd.GradcheckError, RuntimeError)
    assert minitorch.autograd.gradcheck(wrong_square(minitorch), x, raise_exception=False) is False
    assert minitorch.autograd.gradcheck(lambda a: a * a, x, eps=1e-6, atol=1e-5, rtol=1e-3) is True


def test_gradcheck_messages_for_bad_calls():
    def call(lib, inputs):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = lib.autograd.gradcheck(lambda a: a * 2, inputs(lib))
            except (ValueError, RuntimeError) as e:  # float32 is too coarse for the default tolerances
                result = type(e).__name__, str(e)
        return result, [str(w.message) for w in caught]
    for inputs in (lambda lib: (lib.tensor(X),), lambda lib: (lib.tensor(X, dtype=lib.float32, requires_grad=True),)):
        same(call(minitorch, inputs), call(torch, inputs))


def test_gradcheck_of_a_function_with_an_output_that_does_not_need_grad():
    def fn(lib, x):
        zero = lib.autograd.gradcheck(lambda a: (a * 2).detach(), x, raise_exception=False)
        nonzero = lib.autograd.gradcheck(lambda a: a.detach() ** 2, x, raise_exception=False)
        mixed = lib.autograd.gradcheck(lambda a: (a * 2, (a * a).detach()), x)
        return zero, nonzero, mixed
    compare(fn, X)



def exp_with_jvp(lib, factor=1):
    """exp as a custom Function with forward mode only (its jvp scaled by ``factor``: 1 is right)."""
    class Exp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.result = a.exp()
            return ctx.result

        @staticmethod
        def jvp(ctx, tangent):
            return factor * tangent * ctx.result
    return Exp.apply


FORWARD_ONLY = dict(check_backward_ad=False, check_undefined_grad=False, check_batched_grad=False)


@pytest.mark.parametrize("case", ["jvp", "wrong jvp", "jvp without backward", "neither mode", "two outputs",
                                  "unused input", "wrong jvp, no exception"])
def test_gradcheck_of_forward_mode_agrees_with_torch(case):
    """check_forward_ad: forward mode's Jacobian (a custom Function's jvp, or the ops' JVPs) against finite
    differences, as the forward-mode tutorial checks its Function; the same verdicts and messages as torch's."""
    def run(lib):
        x = lib.tensor(X, requires_grad=True)
        y = lib.tensor(W[0])
        func, inputs, options = {
            "jvp": (exp_with_jvp(lib), (x,), dict(check_forward_ad=True, **FORWARD_ONLY)),
            "wrong jvp": (exp_with_jvp(lib, 2), (x,), dict(check_forward_ad=True, **FORWARD_ONLY)),
            "jvp without backward": (exp_with_jvp(lib), (x,), dict(check_forward_ad=True)),
            "neither mode": (lambda a: a * 2, (x,), dict(check_forward_ad=False, check_backward_ad=False)),
            "two outputs": (lambda a: (a * a, a.sin()), (x,), dict(check_forward_ad=True)),
            "unused input": (lambda a, b: a * b.sum(), (x, y), dict(check_forward_ad=True)),
            "wrong jvp, no exception": (exp_with_jvp(lib, 2), (x,),
                                        dict(check_forward_ad=True, raise_exception=False, **FORWARD_ONLY)),
        }[case]
        try:
            return "passed", lib.autograd.gradcheck(func, inputs, **options)
        except (RuntimeError, AssertionError, NotImplementedError) as e:
            return type(e).__name__, str(e).split("\n")[0]  # (the Jacobians printed after it differ in format only)
    assert run(minitorch) == run(torch)


def test_gradcheck_refuses_batched_grad_which_it_does_not_check():
    x = minitorch.tensor(X, requires_grad=True)
    with pytest.raises(NotImplementedError, match="check_batched_grad"):
        minitorch.autograd.gradcheck(lambda a: a * a, (x,), check_batched_grad=True)

# -- autograd.functional ---------------------------------------------------------------------------------------
FUNCTIONAL = {
    "one to one": (lambda x: x * x * 2 + x.sin(), (X,)),
    "two to one": (lambda x, w: (w * x * x).sum(1), (X, W)),
    "one to two": (lambda x: (x * 3, (x * x).sum()), (X,)),
    "two to two": (lambda x, w: (x * w, w.exp().sum() * x), (X, W)),
    "unused input": (lambda x, w: x * 2, (X, W)),
}


def functional_inputs(lib, arrays, create_graph=False):
    return tuple(lib.tensor(a, requires_grad=create_graph) for a in arrays)


def unpack(inputs):
    return inputs if len(inputs) > 1 else inputs[0]


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name", list(FUNCTIONAL))
def test_jacobian(name, create_graph):
    func, arrays = FUNCTIONAL[name]
    def fn(lib, *_):
        inputs = functional_inputs(lib, arrays, create_graph)
        jac = lib.autograd.functional.jacobian(func, unpack(inputs), create_graph=create_graph)
        blocks = [jac] if isinstance(jac, lib.Tensor) else [b for row in jac
                                                            for b in (row if isinstance(row, tuple) else (row,))]
        total = sum((b * b).sum() for b in blocks)
        if not total.requires_grad:  # without create_graph, or for a constant Jacobian
            return jac
        return jac, lib.autograd.grad(total, inputs, allow_unused=True)
    compare(fn)


@pytest.mark.parametrize("name", list(FUNCTIONAL))
def test_vjp_and_jvp(name):
    func, arrays = FUNCTIONAL[name]
    def fn(lib, *_):
        inputs = unpack(functional_inputs(lib, arrays))
        outputs = func(*functional_inputs(lib, arrays))
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        v_out = unpack(tuple(lib.tensor(np.linspace(-1, 2, o.numel()).reshape(o.shape)) for o in outputs))
        v_in = unpack(tuple(lib.tensor(np.linspace(1, -2, a.size).reshape(a.shape)) for a in arrays))
        return (lib.autograd.functional.vjp(func, inputs, v_out),
                lib.autograd.functional.jvp(func, inputs, v_in))
    compare(fn)


SCALAR = {
    "cubic": (lambda x: (x * x * x).sum(), (X,)),
    "two inputs": (lambda x, w: (x * w * w).sum() + (x.exp() * x).sum(), (X, W)),
    "quadratic in 0-d": (lambda x: x * x * 3, (np.array(1.5),)),
}


@pytest.mark.parametrize("name", list(SCALAR))
def test_hessian_vhp_hvp(name):
    func, arrays = SCALAR[name]
    def fn(lib, *_):
        inputs = unpack(functional_inputs(lib, arrays))
        v = unpack(tuple(lib.tensor(np.linspace(1, -2, a.size).reshape(a.shape)) for a in arrays))
        return (lib.autograd.functional.hessian(func, inputs),
                lib.autograd.functional.vhp(func, inputs, v),
                lib.autograd.functional.hvp(func, inputs, v))
    compare(fn)


def test_vjp_and_jvp_without_v_on_scalars():
    def fn(lib, *_):
        x = lib.tensor(2.0, dtype=lib.float64)
        return (lib.autograd.functional.vjp(lambda a: a * a * a, x),
                lib.autograd.functional.jvp(lambda a: a * a * a, x))
    compare(fn)


@pytest.mark.parametrize("call", [
    lambda lib: lib.autograd.functional.vjp(lambda a: a * 2, lib.ones(3)),
    lambda lib: lib.autograd.functional.jvp(lambda a: a * 2, lib.ones(3)),
    lambda lib: lib.autograd.functional.vjp(lambda a: a * 2, lib.ones(3), lib.ones(2)),
    lambda lib: lib.autograd.functional.vjp(lambda a: (a * 2, a), lib.ones(3), (lib.ones(3),)),
    lambda lib: lib.autograd.functional.jacobian(lambda a: a * 2, [lib.ones(3)]),
    lambda lib: lib.autograd.functional.jacobian(lambda a: 3, lib.ones(3)),
    lambda lib: lib.autograd.functional.hessian(lambda a: a * 2, lib.ones(3)),
], ids=["vjp no v", "jvp no v", "v size", "v length", "list inputs", "number output", "hessian non-scalar"])
def test_functional_errors(call):
    # the type's path is the one word that differs: torch.Tensor, minitorch.tensor.Tensor
    same_error(call, words=lambda message: message.replace("torch.Tensor", "Tensor")
               .replace("minitorch.tensor.Tensor", "Tensor"))


@settings(max_examples=15)
@given(array(dtype=np.float64, low=-2, high=2, max_dims=2), st.booleans())
def test_jacobian_of_random_smooth_functions(a, create_graph):
    def fn(lib, *_):
        x = lib.tensor(a, requires_grad=create_graph)
        return lib.autograd.functional.jacobian(lambda t: (t * t).sin() * t + 1, x, create_graph=create_graph)
    compare(fn)


@pytest.mark.parametrize("method,args", [("zero_", ()), ("fill_", (2.0,))])
def test_fill_and_zero_on_a_non_leaf_record_like_torch(method, args):
    import torch
    import minitorch

    def run(lib):
        x = lib.ones(3, requires_grad=True)
        y = x * 1
        getattr(y, method)(*args)
        (y * lib.arange(3.0)).sum().backward()
        return y.grad_fn.name(), x.grad.tolist(), y.tolist()
    assert run(minitorch) == run(torch)


def test_hooks_on_a_non_leaf_run_in_the_order_they_were_registered():
    """Each hook gets what the one registered before it returned: (g * 2) + 1, not (g + 1) * 2.
    retain_grad keeps the gradient after all the hooks, even when it was asked for first."""
    def fn(lib, x):
        seen = []
        y = x * 3
        y.retain_grad()
        y.register_hook(lambda g: seen.append(("double", g.clone())) or g * 2)
        y.register_hook(lambda g: seen.append(("plus one", g.clone())) or g + 1)
        (y * y).sum().backward()
        return seen, y.grad, x.grad
    compare(fn, X)


# -- what mutation testing found untested (bash .ci/mutate minitorch/autograd/engine.py tests/test_autograd.py ...)
def test_independent_branches_run_newest_first_like_torch():
    """Among nodes that are ready together, the engine runs the newest first, as torch's does: the order
    in which hooks on parallel branches (and on several roots) are called."""
    def fn(lib, x):
        seen = []
        a, b, c = x * 2, x * 3, x * 4
        for name, t in (("a", a), ("b", b), ("c", c)):
            t.register_hook(lambda g, name=name: seen.append(name))
        (a + b + c).sum().backward()
        a, b = x * 2, x * 3
        a.register_hook(lambda g: seen.append("root a"))
        b.register_hook(lambda g: seen.append("root b"))
        lib.autograd.backward([a.sum(), b.sum()])
        return seen
    compare(fn, X)


def test_nodes_that_receive_no_gradient_still_call_their_hooks_with_none():
    """A custom backward returning None: the nodes behind it get nothing and compute nothing, but torch
    still calls their hooks - tensor hooks with None, node hooks with tuples of None - and so must we."""
    def fn(lib, x, w):
        class Blocked(lib.autograd.Function):
            @staticmethod
            def forward(ctx, t):
                return t * 1

            @staticmethod
            def backward(ctx, g):
                return None
        seen = []
        y = x * 2
        y.register_hook(lambda g: seen.append(("y", g)))
        y.grad_fn.register_prehook(lambda go: seen.append(("y prehook", go)))
        y.grad_fn.register_hook(lambda gi, go: seen.append(("y hook", gi, go)))
        x.register_hook(lambda g: seen.append(("x", g)))
        acc = y.grad_fn.next_functions[0][0]
        acc.register_prehook(lambda go: seen.append(("x prehook", go)))
        acc.register_hook(lambda gi, go: seen.append(("x hook", gi, go)))
        (Blocked.apply(y) + w.sum()).sum().backward()
        p, q, r = (w * 1).unbind()  # a node with three outputs, one reached
        for name, t in (("p", p), ("q", q), ("r", r)):
            t.register_hook(lambda g, name=name: seen.append((name, g)))
        (Blocked.apply(r) + q * 2).backward()
        p, q, r = (w * 1).unbind()  # ... and none reached
        for name, t in (("p", p), ("q", q), ("r", r)):
            t.register_hook(lambda g, name=name: seen.append((name, g)))
        (Blocked.apply(r) + Blocked.apply(q) + w.sum()).backward()
        return seen, x.grad, w.grad
    compare(fn, X, X)


def test_gradients_take_each_input_dtype():
    """float32 * float64 is float64; the float32 input's gradient is float32 again (the engine casts)."""
    def fn(lib):
        x32 = lib.tensor([1.0, 2.0], dtype=lib.float32, requires_grad=True)
        y64 = lib.tensor([3.0, 4.0], dtype=lib.float64, requires_grad=True)
        (x32 * y64).sum().backward()
        g32, g64 = lib.autograd.grad((x32 * y64 * y64).sum(), [x32, y64])
        return x32.grad, y64.grad, g32, g64
    compare(fn)


def test_retain_grad_of_a_collected_tensor_or_of_an_output_without_gradient():
    def fn(lib, x):
        y = x * 2
        y.retain_grad()
        z = (y * 3).sum()
        del y  # nobody can read its .grad any more: backward goes on without it
        z.backward()
        p, q, r = (x * 1).unbind()
        p.retain_grad()
        q.retain_grad()
        (q * 2).backward()  # p gets no gradient: its .grad stays None
        return x.grad, p.grad, q.grad
    compare(fn, X)


def test_accumulating_into_grad_moves_its_version_counter():
    def fn(lib, x):
        versions = []
        for k in (2, 3, 4):
            (x * k).sum().backward()  # the first makes .grad, the others add into it in place
            versions.append(x.grad._version)
        return versions
    compare(fn, X)


CREATE_GRAPH_CALLS = """
import warnings

def run(lib):
    x = lib.ones(2, requires_grad=True)
    seen = []
    for call in ("backward", "grad", "backward(create_graph=True)", "grad(create_graph=True)",
                 "backward(create_graph=True)"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = (x * x).sum()
            if call.startswith("grad"):
                lib.autograd.grad(y, x, create_graph="create_graph" in call)
            else:
                y.backward(create_graph="create_graph" in call)
        seen.append([call] + [[w.category.__name__, str(w.message).split(" (Triggered")[0]] for w in caught])
    return seen
"""


def test_create_graph_warning_like_torch(monkeypatch):
    """backward(create_graph=True) warns about the reference cycle it makes, once per process, as torch;
    autograd.grad and plain backward do not. torch runs in a fresh process (it warns once per process);
    minitorch here, with its once-only record cleared as a fresh process would have it."""
    import json
    import subprocess
    code = CREATE_GRAPH_CALLS + "\nimport json, sys\nprint(json.dumps(run(__import__(sys.argv[1]))))"
    theirs = json.loads(subprocess.run([sys.executable, "-c", code, "torch"], capture_output=True, text=True,
                                       check=True).stdout)
    monkeypatch.setattr(minitorch.autograd.engine, "_warned", [])
    scenario = {}
    exec(CREATE_GRAPH_CALLS, scenario)
    assert scenario["run"](minitorch) == theirs
    assert [len(r) for r in theirs] == [1, 1, 2, 1, 1]  # the warning came once, at the first
