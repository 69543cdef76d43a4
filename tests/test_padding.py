"""F.pad, the padding modules and Conv2d's padding modes against torch: values, gradients (first and second
order), node names down the graph, reprs and errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch
from harness import array, assert_close, check, same_error, same_graphs, second_order

MODES = ["constant", "reflect", "replicate", "circular"]


@st.composite
def padding_case(draw, mode):
    """An input array and pad sizes valid for ``mode`` (negative sizes included)."""
    spatial = draw(st.integers(1, 3))
    batch = draw(st.integers(1, 2)) if mode != "constant" else draw(st.integers(0, 2))
    if mode == "constant":
        spatial = draw(st.integers(1, 3))
    sizes = draw(st.lists(st.integers(1, 4), min_size=spatial, max_size=spatial))
    lead = draw(st.lists(st.integers(1, 2), min_size=batch, max_size=batch))
    pad = []
    for n in reversed(sizes):  # F.pad's order: the last dim first
        lo = -((n - 1) // 2)  # no empty outputs here (torch's reflect VJP leaves their gradient uninitialised)
        hi = {"reflect": n - 1, "circular": n}.get(mode, 3)
        before, after = draw(st.integers(lo, hi)), draw(st.integers(lo, hi))
        if mode == "circular":  # a border may not wrap past what negative padding left of the input
            before, after = min(before, n + min(after, 0)), min(after, n + min(before, 0))
        pad += [before, after]
    return draw(array(shape=tuple(lead + sizes))), tuple(pad)


@pytest.mark.parametrize("mode", MODES)
@given(data=st.data())
def test_pad_matches_torch(mode, data):
    a, pad = data.draw(padding_case(mode))
    value = data.draw(st.sampled_from([None, 0.0, -1.5])) if mode == "constant" else None
    # a border element's gradient is a float32 sum of up to ~30 upstream values (replicate, reflect, circular):
    # summed in another order, it may differ by about eps·Σ|g| (CI found 2.3e-6 where the sum cancelled to 0.08),
    # so atol is 1e-5 rather than 1e-6
    mine, theirs = check(lambda lib, x: lib.nn.functional.pad(x, pad, mode=mode, value=value), a, atol_scale=10)
    same_graphs(mine, theirs)


@pytest.mark.parametrize("mode, shape, pad", [
    ("constant", (2, 3, 4), (1, 2)), ("reflect", (2, 3, 4), (2, 1)), ("reflect", (2, 3, 4), (1, 2, 0, 1)),
    ("reflect", (1, 2, 3, 3, 4), (1, 2, 0, 1, 2, 1)), ("replicate", (2, 3, 4), (2, 3)),
    ("replicate", (2, 2, 3, 4), (1, 2, 3, 1)), ("replicate", (2, 2, 2, 3), (1, 1, 2, 0, 1, 1)),
    ("circular", (2, 3, 4), (1, 2, 3, 1))])
def test_pad_second_order(mode, shape, pad):
    a = np.random.default_rng(0).standard_normal(shape)
    second_order(lambda lib, x: lib.nn.functional.pad(x, pad, mode=mode) ** 2, a)


@pytest.mark.parametrize("mode", ["reflect", "replicate"])
def test_pad_double_backward_node(mode):
    """The VJP of a reflect/replicate pad is an op of its own, with torch's name and edges."""
    grads = []
    for lib in (minitorch, torch):
        x = lib.randn(2, 3, 4, 5, dtype=lib.float64, requires_grad=True)
        y = lib.nn.functional.pad(x, (1, 2, 2, 1), mode=mode)
        g = lib.ones(tuple(y.shape), dtype=lib.float64, requires_grad=True)
        grads.append(lib.autograd.grad(y, x, g, create_graph=True)[0])
    same_graphs(*grads)


@pytest.mark.parametrize("data, pad, kw", [
    ([[1, 2, 3]], (1, 1), dict(value=-1.7)), ([[True, False]], (1, 0), dict(value=1)),
    ([[1, 2, 3]], (2, 1), dict(mode="reflect")), ([[1, 2, 3]], (2, 1), dict(mode="replicate", value=0)),
    ([[1, 2, 3]], (1, 2), dict(mode="circular")), (2.5, (), {})])
def test_pad_dtypes_and_values(data, pad, kw):
    mine = minitorch.nn.functional.pad(minitorch.tensor(data), pad, **kw)
    theirs = torch.nn.functional.pad(torch.tensor(data), pad, **kw)
    assert str(mine.dtype) == str(theirs.dtype) and mine.tolist() == theirs.tolist()


def test_pad_saves_its_input_for_reflect_only():
    """torch's reflect/replicate nodes save the input: changing it in place before backward is an error."""
    for lib in (minitorch, torch):
        x = lib.randn(2, 3, 5, requires_grad=True)
        y = x * 1
        constant, reflect = lib.nn.functional.pad(y, (1, 1)), lib.nn.functional.pad(y, (1, 1), mode="reflect")
        y.add_(1)
        constant.sum().backward()
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            reflect.sum().backward()


@pytest.mark.parametrize("shape, pad, kw", [
    ((2, 3, 5), (1,), {}), ((2, 3, 5), (1, 1, 1, 1, 1, 1, 1, 1), {}), ((2, 3, 5), (1, 2), dict(mode="foo")),
    ((2, 3, 5), (1, 1, 1), dict(mode="reflect")), ((2, 3, 5), (1, 2), dict(mode="reflect", value=1.0)),
    ((2, 3, 5), (1, 2), dict(mode="circular", value=2)), ((2, 3, 5), (-3, -3), {}), ((2, 3, 5), (-6, 2), {}),
    ((2, 3, 5), (5, 1), dict(mode="reflect")), ((2, 3, 5), (1, 5), dict(mode="reflect")),
    ((2, 3, 4, 5), (1, 1, 4, 1), dict(mode="reflect")), ((2, 2, 3, 4, 5), (1, 1, 1, 1, 3, 1), dict(mode="reflect")),
    ((2, 3, 5), (1, 2, 2, 1, 1, 1), dict(mode="reflect")), ((5,), (1, 1), dict(mode="replicate")),
    ((2, 2, 2, 2, 2, 2), (1, 1), dict(mode="circular")), ((2, 3, 0), (1, 1), dict(mode="reflect")),
    ((2, 0, 4, 5), (1, 1, 1, 1), dict(mode="replicate")), ((0, 3), (1, 1), dict(mode="replicate")),
    ((2, 3, 5), (-3, -3), dict(mode="reflect")), ((2, 3, 5), (-5, 0), dict(mode="replicate")),
    ((2, 3, 4, 5), (-6, 0, -5, 0), dict(mode="reflect")), ((1, 1, 4, 5), (0, 0, -5, 0), dict(mode="reflect")),
    ((1, 4, 5, 6), (-7, 0, -6, 0, -5, 0), dict(mode="reflect")),
    ((1, 4, 5, 6), (0, 0, -4, 0, -5, 0), dict(mode="reflect")),
    ((2, 3, 4, 5), (1, 1, -3, -3), dict(mode="replicate")),
    ((2, 2, 3, 4, 5), (1, 1, 1, 1, -3, -3), dict(mode="replicate")),
    ((2, 3, 5), (6, 1), dict(mode="circular")), ((2, 3, 5), (-5, -1), dict(mode="circular")),
    ((1, 3, 1, 1), (0, 0, 0, 0, -1, 3), dict(mode="circular")), ((1, 1, 3), (2, -2), dict(mode="circular")),
    ((1, 1, 3, 2), (1, 0, 2, -2), dict(mode="circular")),
    ((), (1, 1), {}), ((2, 3, 5), [1, 1.5], {})])
def test_pad_errors_as_torch(shape, pad, kw):
    same_error(lambda lib: lib.nn.functional.pad(lib.zeros(shape), pad, **kw))


def test_pad_bool_reflect_not_implemented():
    for lib in (minitorch, torch):
        with pytest.raises(NotImplementedError, match="\"reflection_pad1d\" not implemented for 'Bool'"):
            lib.nn.functional.pad(lib.tensor([[True, False, True]]), (1, 1), mode="reflect")


@pytest.mark.parametrize("shape, pad, mode", [
    ((2, 3, 5), (-3, -2), "constant"), ((2, 3, 4, 5), (-5, 0, 1, 1), "reflect"), ((2, 3, 5), (-6, 1), "circular"),
    ((0, 3, 4), (1, 1), "reflect"), ((2, 3, 5), (0, 0), "replicate")])
def test_pad_empty_outputs_as_torch(shape, pad, mode):
    a = np.random.default_rng(0).standard_normal(shape)
    # (no gradients compared: torch's reflect VJP leaves an empty output's input gradient uninitialised)
    mine, _ = check(lambda lib, x: lib.nn.functional.pad(x, pad, mode=mode), a, grad=False)
    x = minitorch.from_numpy(a).requires_grad_()
    y = minitorch.nn.functional.pad(x, pad, mode=mode)
    y.sum().backward()
    assert y.numel() or not np.any(x.grad.numpy())


# -- modules ----------------------------------------------------------------------------------------------
MODULES = [("ZeroPad1d", (2,)), ("ZeroPad2d", (2,)), ("ZeroPad2d", ((1, 2, 3, 0),)), ("ZeroPad3d", (1,)),
           ("ConstantPad1d", (2, 3.5)), ("ConstantPad2d", ((1, 2, 3, 4), 0)), ("ConstantPad3d", (1, 2)),
           ("ReflectionPad1d", (2,)), ("ReflectionPad2d", ((1, 2, 0, 1),)), ("ReflectionPad3d", (1,)),
           ("ReplicationPad1d", ((1, 2),)), ("ReplicationPad2d", (1,)), ("ReplicationPad3d", (1,)),
           ("CircularPad1d", (1,)), ("CircularPad2d", ((1, 2, 2, 0),)), ("CircularPad3d", (1,))]


@pytest.mark.parametrize("name, args", MODULES)
def test_padding_modules(name, args):
    mine, theirs = getattr(minitorch.nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(mine) == repr(theirs)
    assert mine.padding == theirs.padding and getattr(mine, "value", None) == getattr(theirs, "value", None)
    dims = int(name[-2])
    a = np.random.default_rng(0).standard_normal((2, 2) + (3, 4, 4)[3 - dims:])
    check(lambda lib, x: getattr(lib.nn, name)(*args)(x), a)


def test_circular_module_checks_dims():
    for lib in (minitorch, torch):
        with pytest.raises(ValueError, match=r"expected 3D or 4D input \(got 2D input\)"):
            lib.nn.CircularPad2d(1)(lib.zeros(3, 3))


# -- Conv2d with a padding mode ---------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding", [1, (2, 1), "same", "valid"])
def test_conv2d_padding_modes(mode, padding):
    rng = np.random.default_rng(0)
    w, b, a = rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3), rng.standard_normal((2, 2, 5, 6))
    up = None
    results = []
    for lib in (minitorch, torch):
        layer = lib.nn.Conv2d(2, 3, 3, padding=padding, padding_mode=mode, dtype=lib.float64)
        with lib.no_grad():
            layer.weight.copy_(lib.from_numpy(w))
            layer.bias.copy_(lib.from_numpy(b))
        x = lib.from_numpy(a.copy()).requires_grad_()
        out = layer(x)
        up = rng.standard_normal(tuple(out.shape)) if up is None else up
        out.backward(lib.from_numpy(up))
        results.append((layer, out, x.grad, layer.weight.grad, layer.bias.grad))
    (m_layer, *mine), (t_layer, *theirs) = results
    assert repr(m_layer) == repr(t_layer)
    assert m_layer._reversed_padding_repeated_twice == t_layer._reversed_padding_repeated_twice
    for what, m, t in zip(["output", "grad of x", "grad of weight", "grad of bias"], mine, theirs):
        assert_close(m, t, np.float64, what)
    same_graphs(mine, theirs)
