"""User-defined ``autograd.Function``s, written once and run in minitorch and in torch: values, node names,
gradients (also of second order), ctx features (save_for_backward, needs_input_grad,
mark_non_differentiable, set_materialize_grads, mark_dirty, once_differentiable) and their errors."""
import gc
import weakref

import numpy as np
import pytest
import torch
from hypothesis import given

import minitorch
from harness import array, assert_close, error_of, same_error


def functions(lib):
    """The same Functions, subclassing ``lib.autograd.Function``."""
    Function = lib.autograd.Function

    class Exp(Function):
        @staticmethod
        def forward(ctx, a):
            out = a.exp()
            ctx.save_for_backward(out)
            return out

        @staticmethod
        def backward(ctx, g):
            out, = ctx.saved_tensors
            return g * out

    class Scale(Function):
        """a * k + b for a number k: gradients for a tensor, None for the number."""
        @staticmethod
        def forward(ctx, a, k, b):
            ctx.k = k
            return a * k + b

        @staticmethod
        def backward(ctx, g):
            return (g * ctx.k if ctx.needs_input_grad[0] else None), None, (g if ctx.needs_input_grad[2] else None)

    class MulAdd(Function):
        """(a * b, a + b): two outputs."""
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b, a + b

        @staticmethod
        def backward(ctx, g_prod, g_sum):
            a, b = ctx.saved_tensors
            return g_prod * b + g_sum, g_prod * a + g_sum

    class Identity(Function):
        @staticmethod
        def forward(ctx, a):
            return a

        @staticmethod
        def backward(ctx, g):
            return g * 2  # deliberately not 1: shows that the gradient goes through this node

    class Cube(Function):
        """a³ with the input saved: differentiable twice through its backward."""
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a * a

        @staticmethod
        def backward(ctx, g):
            a, = ctx.saved_tensors
            return g * 3 * a * a

    return dict(Exp=Exp, Scale=Scale, MulAdd=MulAdd, Identity=Identity, Cube=Cube)


FUNCTIONS = {lib: functions(lib) for lib in (minitorch, torch)}


def run(fn, *arrays, **kwargs):
    """``fn(lib, F, *leaves)`` in both libraries on leaves made from ``arrays`` (requiring grad)."""
    out = []
    for lib in (minitorch, torch):
        leaves = [lib.tensor(a, requires_grad=True) for a in arrays]
        out.append((fn(lib, FUNCTIONS[lib], *leaves), leaves))
    return out


def same_tensor(mine, theirs, what="value"):
    if theirs is None:
        assert mine is None, f"{what}: torch has None"
        return
    assert mine is not None, f"{what}: minitorch has None"
    assert_close(mine, theirs, theirs.detach().numpy().dtype, what)
    assert mine.requires_grad == theirs.requires_grad, what


@given(array(dtype=np.float64, low=-3, high=3))
def test_exp_function_matches_torch(a):
    def fn(lib, F, x):
        y = F["Exp"].apply(x)
        y.backward(lib.ones_like(y) * 0.5)
        return y
    (y, (x,)), (ty, (tx,)) = run(fn, a)
    same_tensor(y, ty)
    same_tensor(x.grad, tx.grad, "grad")
    assert y.grad_fn.name() == ty.grad_fn.name() == "ExpBackward"


def test_node_class_name_and_repr():
    mine = FUNCTIONS[minitorch]["Exp"].apply(minitorch.ones(2, requires_grad=True)).grad_fn
    theirs = FUNCTIONS[torch]["Exp"].apply(torch.ones(2, requires_grad=True)).grad_fn
    assert type(mine).__name__ == type(theirs).__name__ == "ExpBackward"
    assert repr(mine).startswith("<minitorch.autograd.function.ExpBackward object at 0x")
    assert repr(theirs).startswith("<torch.autograd.function.ExpBackward object at 0x")
    acc, their_acc = mine.next_functions[0][0], theirs.next_functions[0][0]
    assert acc.name() == their_acc.name() == "torch::autograd::AccumulateGrad"
    assert repr(acc).startswith("<AccumulateGrad object at 0x") and repr(their_acc).startswith("<AccumulateGrad object at 0x")


@pytest.mark.parametrize("needs", [(True, True), (True, False), (False, True)])
def test_non_tensor_arguments_and_needs_input_grad(needs):
    seen = []
    for lib in (minitorch, torch):
        a = lib.tensor([1.0, -2.0, 3.0], requires_grad=needs[0])
        b = lib.tensor([0.5, 0.25, 2.0], requires_grad=needs[1])
        y = FUNCTIONS[lib]["Scale"].apply(a, 3.0, b)
        assert y.grad_fn.name() == "ScaleBackward"
        y.sum().backward()
        seen.append((y, a.grad, b.grad))
    for mine, theirs in zip(*seen):
        same_tensor(mine, theirs)


def test_needs_input_grad_is_one_bool_per_argument():
    for lib in (minitorch, torch):
        class Probe(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a, k, b):
                Probe.needs = ctx.needs_input_grad
                return a * k + b

            @staticmethod
            def backward(ctx, g):
                return g, None, None
        Probe.apply(lib.ones(2, requires_grad=True), 2, lib.ones(2))
        assert Probe.needs == (True, False, False)


def test_multi_output_function_with_one_output_unused_gets_zeros():
    def fn(lib, F, a, b):
        prod, total = F["MulAdd"].apply(a, b)
        assert (prod.output_nr, total.output_nr) == (0, 1)
        prod.sum().backward()
        return prod, total
    ((p, s), (a, b)), ((tp, ts), (ta, tb)) = run(fn, np.array([1.0, 2.0]), np.array([3.0, -1.0]))
    same_tensor(p, tp)
    same_tensor(s, ts)
    same_tensor(a.grad, ta.grad)
    same_tensor(b.grad, tb.grad)


def test_set_materialize_grads_false_passes_none():
    seen = {}
    for lib in (minitorch, torch):
        class TwoOut(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                ctx.set_materialize_grads(False)
                return a * 2, a * 3

            @staticmethod
            def backward(ctx, g1, g2):
                seen[lib] = (g1 is None, g2 is None)
                return g1 * 2
        x = lib.ones(2, requires_grad=True)
        TwoOut.apply(x)[0].sum().backward()
        assert x.grad.tolist() == [2.0, 2.0]
    assert seen[minitorch] == seen[torch] == (False, True)


def test_mark_non_differentiable():
    results = []
    for lib in (minitorch, torch):
        class SortLike(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                doubled, flag = a * 2, a * 0
                ctx.mark_non_differentiable(flag)
                return doubled, flag

            @staticmethod
            def backward(ctx, g, g_flag):
                return g * 2 + g_flag
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        doubled, flag = SortLike.apply(x)
        doubled.sum().backward()
        results.append((doubled.requires_grad, flag.requires_grad, flag.grad_fn is None, x.grad.tolist()))
    assert results[0] == results[1] == (True, False, True, [2.0, 2.0])


def test_returning_an_input_gives_a_new_tensor_with_the_functions_node():
    def fn(lib, F, a):
        y = F["Identity"].apply(a)
        assert y is not a and a.is_leaf and not y.is_leaf
        assert y.grad_fn.name() == "IdentityBackward"
        y.sum().backward()
        with lib.no_grad():
            a.add_(1)  # y shares a's memory and version counter
        assert y._version == a._version == 1
        return y
    (y, (a,)), (ty, (ta,)) = run(fn, np.array([1.0, 2.0]))
    same_tensor(y, ty)
    same_tensor(a.grad, ta.grad)


def test_returning_an_input_under_no_grad():
    for lib in (minitorch, torch):
        a = lib.ones(2, requires_grad=True)
        with lib.no_grad():
            y = FUNCTIONS[lib]["Identity"].apply(a)
        assert y is not a and y.grad_fn is None and not y.requires_grad


def test_mark_dirty_returns_the_modified_input():
    results = []
    for lib in (minitorch, torch):
        class DoubleInPlace(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                ctx.mark_dirty(a)
                return a.mul_(2)

            @staticmethod
            def backward(ctx, g):
                return g * 2
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        z = DoubleInPlace.apply(y)
        assert z is y and y.grad_fn.name() == "DoubleInPlaceBackward"
        z.sum().backward()
        results.append((y.tolist(), x.grad.tolist(), y._version))
    assert results[0] == results[1]


def test_mark_dirty_on_a_leaf_is_refused():
    def fn(lib):
        class DoubleInPlace(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                ctx.mark_dirty(a)
                return a.mul_(2)

            @staticmethod
            def backward(ctx, g):
                return g * 2
        DoubleInPlace.apply(lib.ones(2, requires_grad=True))
    same_error(fn)


@given(array(dtype=np.float64, low=-2, high=2))
def test_second_and_third_order_through_a_function(a):
    def fn(lib, F, x):
        y = F["Cube"].apply(x).sum()
        g1, = lib.autograd.grad(y, x, create_graph=True)
        g2, = lib.autograd.grad(g1.sum(), x, create_graph=True)
        g3, = lib.autograd.grad(g2.sum(), x)
        return g1, g2, g3
    (mine, _), (theirs, _) = run(fn, a)
    for m, t in zip(mine, theirs):
        same_tensor(m, t)


def test_saved_output_is_differentiable_under_create_graph():
    """Exp saves its output; the second derivative must flow back through it."""
    def fn(lib, F, x):
        g, = lib.autograd.grad(F["Exp"].apply(x).sum(), x, create_graph=True)
        g2, = lib.autograd.grad(g.sum(), x)
        return g, g2
    (mine, _), (theirs, _) = run(fn, np.array([0.5, -1.0, 2.0]))
    for m, t in zip(mine, theirs):
        same_tensor(m, t)


def test_once_differentiable_backward_runs_without_recording():
    results = []
    for lib in (minitorch, torch):
        once = lib.autograd.function.once_differentiable

        class Square(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                ctx.save_for_backward(a)
                return a * a

            @staticmethod
            @once
            def backward(ctx, g):
                a, = ctx.saved_tensors
                return 2 * a * g
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        g, = lib.autograd.grad(Square.apply(x).sum(), x, create_graph=True)
        results.append((g.tolist(), g.requires_grad, g.grad_fn is None))
    assert results[0] == results[1] == ([2.0, 4.0], False, True)


def test_setup_context_style():
    results = []
    for lib in (minitorch, torch):
        class Square(lib.autograd.Function):
            @staticmethod
            def forward(a):
                return a * a

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.save_for_backward(inputs[0])
                ctx.grad_mode_in_setup = lib.is_grad_enabled()

            @staticmethod
            def backward(ctx, g):
                a, = ctx.saved_tensors
                assert not ctx.grad_mode_in_setup
                return 2 * a * g
        x = lib.tensor([1.0, -3.0], requires_grad=True)
        Square.apply(x).sum().backward()
        results.append(x.grad.tolist())
    assert results[0] == results[1] == [2.0, -6.0]


@pytest.mark.parametrize("names", [("vjp",), ("backward", "vjp")])
def test_backward_may_be_named_vjp(names):
    results = []
    for lib in (minitorch, torch):
        methods = {"forward": staticmethod(lambda ctx, a: a * 2)}
        methods.update({name: staticmethod(lambda ctx, g: g * 2) for name in names})
        x = lib.ones(2, requires_grad=True)
        try:
            type("Double", (lib.autograd.Function,), methods).apply(x).sum().backward()
            results.append(x.grad.tolist())
        except RuntimeError as e:
            results.append(str(e))
    assert results[0] == results[1]


def test_forward_runs_without_recording():
    for lib in (minitorch, torch):
        class Probe(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                Probe.inside = (lib.is_grad_enabled(), (a * 2).requires_grad)
                return a * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2
        Probe.apply(lib.ones(1, requires_grad=True))
        assert Probe.inside == (False, False)


def test_saved_tensors_are_freed_after_backward_unless_retained():
    for retain in (False, True):
        x = minitorch.tensor([1.0, 2.0], requires_grad=True)
        y = FUNCTIONS[minitorch]["Cube"].apply(x)
        node = y.grad_fn
        y.sum().backward(retain_graph=retain)
        assert (node._saved is None) == (not retain)


def test_graph_of_a_function_is_freed_by_reference_counting():
    """The node saved its own output (Exp): it must not keep it alive in a cycle."""
    gc.disable()
    try:
        x = minitorch.ones(3, requires_grad=True)
        y = FUNCTIONS[minitorch]["Exp"].apply(x * 2)
        node = weakref.ref(y.grad_fn)
        del y
        assert node() is None
    finally:
        gc.enable()


# -- errors, compared with torch's ------------------------------------------------------------------------
def bad_function(lib, backward, forward=lambda ctx, a, n: a * n):
    return type("Bad", (lib.autograd.Function,), {"forward": staticmethod(forward),
                                                   "backward": staticmethod(backward)})


@pytest.mark.parametrize("backward", [
    lambda ctx, g: g,                          # too few gradients
    lambda ctx, g: (g, g),                     # a gradient for the number argument
    lambda ctx, g: (g, None, g),               # too many, not None
], ids=["too-few", "for-a-number", "too-many"])
def test_wrong_gradients_from_backward(backward):
    def fn(lib):
        x = lib.ones(2, requires_grad=True)
        bad_function(lib, backward).apply(x, 2).sum().backward()
    same_error(fn)


def test_extra_none_gradients_are_allowed():
    for lib in (minitorch, torch):
        x = lib.ones(2, requires_grad=True)
        bad_function(lib, lambda ctx, g: (g, None, None)).apply(x, 2).sum().backward()
        assert x.grad.tolist() == [1.0, 1.0]


def test_gradient_of_the_wrong_shape():
    def fn(lib):
        x = lib.ones(2, requires_grad=True)
        bad_function(lib, lambda ctx, g: lib.ones(3), lambda ctx, a: a * 2).apply(x).sum().backward()
    same_error(fn)


def test_saving_a_non_tensor():
    def fn(lib):
        def forward(ctx, a):
            ctx.save_for_backward(a, 3)
            return a * 2
        bad_function(lib, lambda ctx, g: g, forward).apply(lib.ones(2, requires_grad=True))
    same_error(fn)


def test_saved_tensors_after_they_were_freed():
    def fn(lib):
        x = lib.ones(2, requires_grad=True)
        y = FUNCTIONS[lib]["Cube"].apply(x).sum()
        y.backward()
        y.backward()
    same_error(fn)


def test_saved_input_modified_in_place():
    def fn(lib):
        x = lib.ones(2, requires_grad=True)
        h = x * 1
        y = FUNCTIONS[lib]["Cube"].apply(h)
        h.add_(1)
        y.sum().backward()
    same_error(fn)
    assert "which is output 0 of Add" in error_of(lambda: fn(minitorch))[1]


def test_saved_output_modified_in_place():
    def fn(lib):
        x = lib.ones(2, 2, requires_grad=True)
        y = FUNCTIONS[lib]["Exp"].apply(x)
        with lib.no_grad():
            y.mul_(2)
        y.sum().backward()
    same_error(fn)
    assert "which is output 0 of Exp," in error_of(lambda: fn(minitorch))[1]
