"""Views after in-place changes, against torch: once a view or its base is changed in place, the view's
history is one ``AsStridedBackward0`` node leading to the base's new node, whatever view ops made it
(slices, selects, transposes, reshapes, permutes, unsqueezes, expands, chains of them). Node names and
edges, values, first and second derivatives are compared; an expanded view (several of its elements are
one element of the base) must send the base the sum of their gradients."""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch
from harness import assert_close, floats_array

# view kinds of a base of shape (m, n), m, n >= 2: (the view, whether it may itself be changed in place)
VIEWS = {
    "slice": (lambda x: x[1:], True),
    "strided slice": (lambda x: x[:, ::2], True),
    "select": (lambda x: x[1], True),
    "narrow": (lambda x: x.narrow(1, 1, 1), True),
    "t": (lambda x: x.t(), True),
    "transpose": (lambda x: x.transpose(0, 1), True),
    "view": (lambda x: x.view(-1), True),
    "reshape": (lambda x: x.reshape(x.shape[1], x.shape[0]), True),
    "permute": (lambda x: x.permute(1, 0), True),
    "unsqueeze": (lambda x: x.unsqueeze(1), True),
    "squeeze": (lambda x: x[:1].squeeze(0), True),
    "chain": (lambda x: x[1:].t()[0], True),
    # expanded views cannot be changed in place (one element stands for several): only their base
    "expand": (lambda x: x[:, :1].expand(x.shape[0], 3), False),
    "expand new dim": (lambda x: x.unsqueeze(0).expand(2, *x.shape).transpose(0, 1), False),
}

# in-place ops; ``s`` is a 0-d leaf that requires grad (it broadcasts to any view)
OPS = {
    "mul_ number": lambda t, s: t.mul_(2.5),
    "mul_ tensor": lambda t, s: t.mul_(s),
    "add_": lambda t, s: t.add_(s * s),
    "exp_": lambda t, s: t.exp_(),
    "zero_": lambda t, s: t.zero_(),
    "copy_": lambda t, s: t.copy_(s),
}


def edges(t):
    """The names and output numbers of ``t.grad_fn`` and of its edges."""
    node = t.grad_fn
    if node is None:
        return None
    return node.name(), [(n and n.name(), nr) for n, nr in node.next_functions]


def same_grads(mine, theirs, dtype, what):
    """Gradients (tuples of tensors or None): None and zeros are the same gradient."""
    for i, (m, t) in enumerate(zip(mine, theirs)):
        if t is None or not t.detach().numpy().any():
            assert m is None or not m.detach().numpy().any(), f"{what} {i}: torch's is zero"
        else:
            assert m is not None, f"{what} {i}: minitorch has none, torch's is not zero"
            assert_close(m, t, dtype, f"{what} {i}")


def scenario(lib, a, s, view, target, op, weights):
    """Change a view (``target`` "view") or its base ("base") in place, with another view alive; then
    differentiate a loss that is nonlinear in the view twice (create_graph) w.r.t. the leaves."""
    a = lib.from_numpy(a.copy()).requires_grad_()
    s = lib.from_numpy(s.copy()).requires_grad_()
    x = a.clone()
    v, other = VIEWS[view][0](x), x[0]
    OPS[op](v if target == "view" else x, s)
    graph = {"base": edges(x), "view": edges(v), "other view": edges(other)}
    c1, c2, c3, r1, r2 = (lib.from_numpy(w) for w in weights(tuple(x.shape), tuple(v.shape), tuple(other.shape)))
    loss = (x * c1).sum() + (v * v * c2).sum() + (other * c3).sum()
    first = lib.autograd.grad(loss, (a, s), create_graph=True, allow_unused=True)
    total = sum((g * r).sum() for g, r in zip(first, (r1, r2)) if g is not None)
    second = lib.autograd.grad(total, (a, s), allow_unused=True) if total.requires_grad else (None, None)
    return graph, (x.detach(), v.detach(), other.detach(), v.requires_grad), first, second


@st.composite
def cases(draw):
    view = draw(st.sampled_from(sorted(VIEWS)))
    target = draw(st.sampled_from(["view", "base"] if VIEWS[view][1] else ["base"]))
    op = draw(st.sampled_from(sorted(OPS)))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = (draw(st.integers(2, 4)), draw(st.integers(2, 4)))
    a = draw(floats_array(shape, dtype, -1.0, 1.0))  # small, so that exp_ stays tame
    s = draw(floats_array((), dtype, -1.0, 1.0))
    return view, target, op, dtype, a, s, draw(st.integers(0, 2 ** 16))


@given(cases())
def test_view_history_after_an_in_place_change_is_as_strided(case):
    view, target, op, dtype, a, s, seed = case

    def weights(*shapes):
        rng = np.random.default_rng(seed)
        base, view_shape, other = shapes
        return tuple(rng.standard_normal(sh).astype(dtype) for sh in (base, view_shape, other, base, ()))

    mine = scenario(minitorch, a, s, view, target, op, weights)
    theirs = scenario(torch, a, s, view, target, op, weights)
    # (CopySlices takes over the in-place op's node and its other edges, as torch's: its edges are compared too)
    graph, their_graph = mine[0], theirs[0]
    assert graph == their_graph
    assert graph["view"][0] == "AsStridedBackward0"
    for m, t, what in zip(mine[1][:3], theirs[1][:3], ("base", "view", "other view")):
        assert_close(m, t, dtype, what)
    assert mine[1][3] == theirs[1][3]
    same_grads(mine[2], theirs[2], dtype, "first derivative")
    same_grads(mine[3], theirs[3], dtype, "second derivative")


def both(fn):
    return fn(minitorch), fn(torch)


def test_the_torch_example():
    def fn(lib):
        x = lib.ones(4, requires_grad=True).clone()
        v = x[:2]
        v.mul_(2)
        return edges(x)[0], edges(v)
    mine, theirs = both(fn)
    assert mine == theirs == ("torch::autograd::CopySlices", ("AsStridedBackward0", [("torch::autograd::CopySlices", 0)]))


def test_each_change_gives_a_new_node_leading_to_the_latest_history():
    def fn(lib):
        x = lib.ones(4, 3, requires_grad=True).clone()
        v = x[1:]
        x.mul_(2)
        first = v.grad_fn
        x.add_(1)
        return first is v.grad_fn, edges(v), v.grad_fn.next_functions[0][0] is x.grad_fn
    mine, theirs = both(fn)
    assert mine == theirs == (False, ("AsStridedBackward0", [("AddBackward0", 0)]), True)


def test_every_live_view_of_the_base_takes_the_new_history():
    def fn(lib):
        x = lib.ones(4, 3, requires_grad=True).clone()
        w = x[1:]      # a view
        v = w[0]       # a view of that view: both are views of x
        v.mul_(2)
        return edges(x)[0], edges(w), edges(v)
    mine, theirs = both(fn)
    assert mine == theirs


@pytest.mark.parametrize("change", ["base", "view"])
def test_a_base_that_needed_no_grad_and_its_views_start_to_need_it(change):
    """The views were taken before anything required grad; the in-place change brings a leaf in."""
    def fn(lib):
        x = lib.zeros(4, dtype=lib.float64)
        v, w = x[:2], x[2:]
        y = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        if change == "base":
            x.add_(y.repeat(2))
        else:
            v.mul_(0).add_(y * y)
        (x * 2 + 0).sum().backward(retain_graph=True)
        (v * v).sum().backward(retain_graph=True)
        (w * 3).sum().backward()
        return edges(v), edges(w), v.requires_grad, w.requires_grad, y.grad
    mine, theirs = both(fn)
    assert mine[:4] == theirs[:4]
    assert_close(mine[4], theirs[4])


def test_an_expanded_view_sends_its_base_the_sum_of_its_gradients():
    def fn(lib):
        a = lib.tensor([[1.0], [2.0], [3.0]], dtype=lib.float64, requires_grad=True)
        x = a.clone()
        e = x.expand(3, 4)
        x.mul_(2)
        w = lib.arange(12, dtype=lib.float64).reshape(3, 4)
        g, = lib.autograd.grad((e * e * w).sum(), a, create_graph=True)
        gg, = lib.autograd.grad(g.sum(), a)
        return edges(e), e.detach(), g.detach(), gg
    mine, theirs = both(fn)
    assert mine[0] == theirs[0] == ("AsStridedBackward0", [("MulBackward0", 0)])
    for m, t in zip(mine[1:], theirs[1:]):
        assert_close(m, t)
