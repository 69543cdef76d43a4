"""The remaining OpInfo ops (native lane) against torch: F.linear_cross_entropy (its reference and chunked paths),
torch.constant_pad_nd, torch.native_layer_norm / native_batch_norm / native_group_norm, torch.histogramdd,
torch.nonzero_static, Tensor.resize_as_, torch._softmax_backward_data: values, dtypes, gradients (first and
second order where torch has them), node names, warnings and errors word for word."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import (array, assert_close, check, check_second_order, outcome_and_warnings, same_error,
                     uniform_arrays)

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None)


# -- F.linear_cross_entropy ----------------------------------------------------------------------------------
@st.composite
def lce_case(draw):
    """(input, linear_weight, target, linear_bias or None, class weight or None, kwargs) as arrays."""
    n, c, k = draw(st.integers(1, 6)), draw(st.integers(2, 5)), draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    batched = draw(st.booleans())
    x = rng.standard_normal((n, k) if batched else (k,))
    w = rng.standard_normal((c, k))
    probabilities = draw(st.booleans())
    lead = (n,) if batched else ()
    target = rng.uniform(0, 1, lead + (c,)) if probabilities else rng.integers(0, c, lead)
    bias = rng.standard_normal(c) if draw(st.booleans()) else None
    class_weight = rng.uniform(0.5, 2, c) if draw(st.booleans()) else None
    kwargs = dict(reduction=draw(st.sampled_from(["mean", "sum", "none"])))
    if not probabilities and draw(st.booleans()):
        kwargs["ignore_index"] = 1
        target.reshape(-1)[0] = 0  # one row kept at least, for 'mean'
    return x, w, target, bias, class_weight, kwargs


@pytest.mark.parametrize("chunk", [None, 1, 2, 4])
@pytest.mark.filterwarnings("ignore:linear_cross_entropy")  # options ignored, by design: tested below
@SETTINGS
@given(lce_case())
def test_linear_cross_entropy_matches_torch(chunk, case):
    """Values, gradients and the output's node (linear + cross_entropy's, or the chunked op's) as torch's."""
    x, w, target, bias, class_weight, kwargs = case

    def fn(lib, x, w, *bias):
        options = None if chunk is None else lib.nn.LinearCrossEntropyOptions(batch_chunk_size=chunk)
        weight = None if class_weight is None else lib.from_numpy(class_weight.copy())
        # the target does not require grad: a probability target that does takes torch's reference path
        return lib.nn.functional.linear_cross_entropy(x, w, lib.from_numpy(target.copy()),
                                                      linear_bias=bias[0] if bias else None, weight=weight,
                                                      options=options, **kwargs)
    with np.errstate(all="ignore"):
        check(fn, x, w, *(() if bias is None else (bias,)))


@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_linear_cross_entropy_chunked_gradients_are_constants(reduction):
    """torch's chunked path has no second derivative: its gradients do not require grad, even with
    create_graph; the reference path's do."""
    x, w = uniform_arrays(0, (4, 3), (5, 3))
    target = np.array([0, 4, 2, 1])
    for chunked in (True, False):
        found = []
        for lib in (minitorch, torch):
            xs = [lib.from_numpy(a.copy()).requires_grad_(True) for a in (x, w)]
            options = lib.nn.LinearCrossEntropyOptions(batch_chunk_size=3) if chunked else None
            loss = lib.nn.functional.linear_cross_entropy(*xs, lib.from_numpy(target), reduction=reduction,
                                                          options=options)
            grads = lib.autograd.grad(loss.sum(), xs, create_graph=True)
            found.append([g.requires_grad for g in grads])
        assert found[0] == found[1] == [not chunked] * 2


def test_linear_cross_entropy_warns_where_options_cannot_be_used():
    """label_smoothing (and the like) takes the reference path: torch's warning, word for word."""
    x, w = uniform_arrays(1, (4, 3), (5, 3))
    target = np.array([0, 4, 2, 1])
    results = [outcome_and_warnings(lambda lib=lib: lib.nn.functional.linear_cross_entropy(
        lib.from_numpy(x), lib.from_numpy(w), lib.from_numpy(target), label_smoothing=0.1,
        options=lib.nn.LinearCrossEntropyOptions(batch_chunk_size=2)).item()) for lib in (minitorch, torch)]
    (mine, mine_warnings), (theirs, their_warnings) = results
    assert mine_warnings == their_warnings and len(their_warnings) == 1
    assert np.isclose(mine[1], theirs[1], rtol=1e-12)


@pytest.mark.parametrize("shapes, kwargs", [
    (((2, 3, 3), (2, 3), (3, 2)), {}),
    (((2, 3), (2,), (2, 2)), {}),
    (((2, 3), (2, 4), (2, 2)), {}),
    (((2, 3), (2, 3), (2, 2)), {"ignore_index": 0}),
    (((3,), (2, 4, 3), (2, 4)), {}),
])
def test_linear_cross_entropy_errors(shapes, kwargs):
    same_error(lambda lib, x, w, t: lib.nn.functional.linear_cross_entropy(x, w, t, **kwargs),
               *uniform_arrays(2, *shapes))


def test_linear_cross_entropy_bias_shape_error():
    same_error(lambda lib, x, w, t, b: lib.nn.functional.linear_cross_entropy(x, w, t, linear_bias=b),
               *uniform_arrays(3, (2, 3), (2, 3), (2,), (3,)))


def test_linear_cross_entropy_k_dimensional():
    """A linear_weight (C, d, in): logits (N, C, d), a loss per (sample, d)."""
    x, w, b = uniform_arrays(4, (3, 2), (4, 5, 2), (4, 5))
    target = np.random.default_rng(0).integers(0, 4, (3, 5))
    check(lambda lib, x, w, t, b: lib.nn.functional.linear_cross_entropy(x, w, t, linear_bias=b, reduction="none"),
          x, w, target, b)


# -- torch.constant_pad_nd -------------------------------------------------------------------------------------
@SETTINGS
@given(st.data())
def test_constant_pad_nd_matches_torch(data):
    a = data.draw(array(min_dims=1, max_dims=3, low=-5, high=5))
    pad = []
    for n in reversed(a.shape[-data.draw(st.integers(1, a.ndim)):]):
        pad += [data.draw(st.integers(-(n // 2), 3)), data.draw(st.integers(-(n // 2), 3))]
    value = data.draw(st.sampled_from([0, -1.5, 2]))
    check(lambda lib, x: lib.constant_pad_nd(x, pad, value), a)


def test_constant_pad_nd_second_order_and_node():
    a, = uniform_arrays(5, (2, 3))
    check_second_order(lambda lib, x: lib.constant_pad_nd(x, [1, -1, 2, 0], 3.0) ** 2, a)


@pytest.mark.parametrize("pad", [[1], [1, 2, 3, 4, 5, 6], [1.5, 2], [-3, -1]])
def test_constant_pad_nd_errors(pad):
    same_error(lambda lib, x: lib.constant_pad_nd(x, pad), *uniform_arrays(6, (2, 3)))


# -- torch.native_layer_norm, native_batch_norm, native_group_norm ---------------------------------------------------
@pytest.mark.parametrize("shape, normalized, affine", [
    ((2, 3, 4), (4,), (True, True)), ((2, 3, 4), (3, 4), (False, True)), ((5, 2), (2,), (True, False)),
    ((1, 2, 3), (1, 2, 3), (False, False)), ((0, 3), (3,), (True, True)),
])
def test_native_layer_norm_matches_torch(shape, normalized, affine):
    """(out, mean, rstd): the statistics of torch's shapes, as constants; out's node NativeLayerNormBackward0."""
    x, w, b = uniform_arrays(7, shape, normalized, normalized)

    def fn(lib, x, w, b):
        return lib.native_layer_norm(x, normalized, w if affine[0] else None, b if affine[1] else None, 1e-5)
    check(fn, x, w, b)
    if affine[0] and x.size:
        check_second_order(lambda lib, x, w: fn(lib, x, w, lib.from_numpy(b.copy()))[0], x, w)


def test_native_layer_norm_second_order_without_weight():
    """torch raises on this second derivative (weight=None with a bias: pytorch issue 79705, see
    TORCH_GRADGRAD_BUGS in opinfo_support.py); minitorch's is the one torch gives for weight=ones, the same
    function."""
    x, b = uniform_arrays(8, (2, 3, 4), (4,))
    rng = np.random.default_rng(0)
    v, u = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 3, 4))
    results = []
    for lib, weight in ((minitorch, None), (torch, torch.ones(4, dtype=torch.float64))):
        xs = [lib.from_numpy(a.copy()).requires_grad_(True) for a in (x, b)]
        y = lib.native_layer_norm(xs[0], (4,), weight, xs[1], 1e-5)[0]
        gx, gb = lib.autograd.grad((y * lib.from_numpy(v)).sum(), xs, create_graph=True)
        results.append(lib.autograd.grad((gx * lib.from_numpy(u)).sum() + gb.sum(), xs[0])[0])
    assert_close(results[0], results[1], np.float64, "second order")
    with pytest.raises(RuntimeError, match="Expected a proper Tensor but got None"):  # the bug, still in torch
        xs = [torch.from_numpy(a.copy()).requires_grad_(True) for a in (x, b)]
        y = torch.native_layer_norm(xs[0], (4,), None, xs[1], 1e-5)[0]
        gx, gb = torch.autograd.grad((y * torch.from_numpy(v)).sum(), xs, create_graph=True)
        torch.autograd.grad((gx * torch.from_numpy(u)).sum() + gb.sum(), xs)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("running", [True, False])
def test_native_batch_norm_matches_torch(training, running):
    """(out, save_mean, save_invstd): the batch's statistics in training, empty tensors in evaluation; the
    running estimates moved as torch moves them."""
    if not training and not running:  # (torch 2.14.1's native_batch_norm crashes the process on this one)
        return
    x, w, b = uniform_arrays(9, (4, 3, 2), (3,), (3,))
    stats = {}

    def fn(lib, x, w, b):
        mean, var = (lib.zeros(3, dtype=lib.float64), lib.ones(3, dtype=lib.float64)) if running else (None, None)
        out = lib.native_batch_norm(x, w, b, mean, var, training, 0.3, 1e-5)
        stats[lib.__name__] = (mean, var)
        return out
    check(fn, x, w, b)
    if running:
        for mine, theirs in zip(stats["minitorch"], stats["torch"]):
            assert_close(mine, theirs, np.float64, "running estimate")


@pytest.mark.parametrize("shape, groups, affine", [
    ((2, 4, 3), 2, True), ((3, 6, 2, 2), 3, False), ((2, 4), 4, True), ((0, 2), 1, True),
])
def test_native_group_norm_matches_torch(shape, groups, affine):
    """(out, mean, rstd) of shape (N, group), all outputs of one NativeGroupNormBackward0 node, and the
    statistics differentiable (their gradients, second derivatives and tangents as torch's)."""
    x, w, b = uniform_arrays(10, shape, shape[1:2], shape[1:2])
    n, c, hw = shape[0], shape[1], int(np.prod(shape[2:]))

    def fn(lib, x, w, b):
        return lib.native_group_norm(x, w if affine else None, b if affine else None, n, c, hw, groups, 1e-5)
    check(fn, x, w, b)
    if x.size:
        # the output through x and w (the bias's gradient is a constant), the statistics through x
        if affine:
            check_second_order(lambda lib, x, w: fn(lib, x, w, lib.from_numpy(b.copy()))[0] ** 2, x, w)
        for k in range(3):
            check_second_order(lambda lib, x: fn(lib, x, lib.from_numpy(w.copy()), lib.from_numpy(b.copy()))[k] ** 2, x)


def test_native_group_norm_forward_mode():
    x, = uniform_arrays(11, (2, 4, 3))
    t, = uniform_arrays(12, (2, 4, 3))
    found = []
    for lib in (minitorch, torch):
        with lib.autograd.forward_ad.dual_level():
            dual = lib.autograd.forward_ad.make_dual(lib.from_numpy(x.copy()), lib.from_numpy(t.copy()))
            outs = lib.native_group_norm(dual, None, None, 2, 4, 3, 2, 1e-5)
            found.append([lib.autograd.forward_ad.unpack_dual(o).tangent for o in outs])
    for mine, theirs in zip(*found):
        assert_close(mine, theirs, np.float64, "tangent")


# -- torch.histogramdd, nonzero_static, Tensor.resize_as_ -----------------------------------------------------------
@SETTINGS
@given(st.data())
def test_histogramdd_matches_torch(data):
    d = data.draw(st.integers(1, 3))
    points = data.draw(array(shape=(data.draw(st.integers(0, 3)), data.draw(st.integers(0, 6)), d), dtype=np.float64,
                             low=-3, high=3))
    kind = data.draw(st.sampled_from(["int", "ints", "tensors", "range"]))
    counts = data.draw(st.lists(st.integers(1, 4), min_size=d, max_size=d))
    weight = data.draw(st.booleans())
    density = data.draw(st.booleans())
    edges = [np.sort(np.random.default_rng(i).uniform(-3, 3, n + 1)) for i, n in enumerate(counts)]

    def fn(lib, x, w):
        bins = {"int": counts[0], "ints": counts, "range": counts,
                "tensors": [lib.from_numpy(e.copy()) for e in edges]}[kind]
        extra = {"range": [-1.0, 2.0] * d} if kind == "range" else {}
        hist, bin_edges = lib.histogramdd(x, bins, weight=w if weight else None, density=density, **extra)
        return (hist,) + bin_edges
    with np.errstate(all="ignore"):
        check(fn, points, np.random.default_rng(1).uniform(0, 1, points.shape[:-1]), grad=False)


def test_histogramdd_return_type_and_errors():
    x, = uniform_arrays(13, (4, 2))
    h = minitorch.histogramdd(minitorch.from_numpy(x), [2, 3])
    assert type(h).__name__ == "histogramdd" and type(h.bin_edges) is tuple and tuple(h.hist.shape) == (2, 3)
    same_error(lambda lib, x: lib.histogramdd(x, [1, 1, 1]), x)
    same_error(lambda lib, x: lib.histogramdd(x, [2, 2], range=[0.0, 1.0]), x)
    same_error(lambda lib, x: lib.histogramdd(x, [2, 0]), x)
    same_error(lambda lib, x: lib.histogramdd(x, [2, 2], range=[0.0, 1.0, 1.0, 0.0]), x)
    same_error(lambda lib, x: lib.histogramdd(x, [2, 2], range=[0.0, float("inf"), 0.0, 1.0]), x)
    same_error(lambda lib, x, e: lib.histogramdd(x, [e, e.float()]), x, np.linspace(0, 1, 3))
    same_error(lambda lib, x, w: lib.histogramdd(x, [2, 2], weight=w), x, x[:, 0].copy()[:2])
    same_error(lambda lib, x: lib.histogramdd(x.requires_grad_(), [2, 2]).hist.sum().backward(), x)


@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (5, 0, 5), (2, 1, 3)])
@pytest.mark.parametrize("size, fill_value", [(0, -1), (1, -1), (4, -1), (30, 7)])
def test_nonzero_static_matches_torch(shape, size, fill_value):
    a = np.random.default_rng(14).uniform(-1, 1, shape)
    a[np.random.default_rng(15).uniform(0, 1, shape) < 0.5] = 0
    check(lambda lib, x: lib.nonzero_static(x, size=size, fill_value=fill_value), a, grad=False)
    check(lambda lib, x: x.nonzero_static(size=size), a, grad=False)


@pytest.mark.parametrize("shape, template", [((5, 5, 5), (25, 5)), ((), ()), ((), (1, 1, 1)), ((6,), (3, 2))])
def test_resize_as_matches_torch(shape, template):
    a, t = uniform_arrays(16, shape, template)
    found = []
    for lib in (minitorch, torch):
        x = lib.from_numpy(a.copy())
        version = x._version
        y = x.resize_as_(lib.from_numpy(t))
        assert y is x and x._version == version + (shape != template)
        found.append(x)
    assert tuple(found[0].shape) == tuple(found[1].shape)
    assert_close(found[0], found[1])
    same_error(lambda lib, x, t: x.requires_grad_().resize_as_(t), a, t)


# -- torch._softmax_backward_data ------------------------------------------------------------------------------
@pytest.mark.parametrize("shape, dim", [((5,), 0), ((5, 5), 0), ((5, 10, 5), -1)])
def test_softmax_backward_data_matches_torch(shape, dim):
    g, x = uniform_arrays(17, shape, shape)
    z = torch.softmax(torch.from_numpy(x), dim).numpy()

    def fn(lib, g, z):
        return lib._softmax_backward_data(g, z, dim, lib.float64)
    check(fn, g, z)
    check_second_order(fn, g, z)


@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_linear_cross_entropy_chunked_and_inputs_changed_in_place(reduction):
    """An input changed in place between forward and backward: 'mean' and 'sum' computed their gradients in
    forward (as torch's op), and backward gives those; 'none' recomputes them from the saved inputs, and
    both engines refuse."""
    a, b = uniform_arrays(18, (3, 2), (3, 2))
    grads = []
    for lib in (minitorch, torch):
        x, w = (lib.from_numpy(v.copy()).requires_grad_() for v in (a, b))
        changed = x * 1  # (a leaf that requires grad cannot change in place)
        loss = lib.nn.functional.linear_cross_entropy(changed, w, lib.tensor([0, 2, 1]), reduction=reduction,
                                                      options=lib.nn.LinearCrossEntropyOptions(batch_chunk_size=2))
        changed.add_(1)
        if reduction == "none":
            with pytest.raises(RuntimeError, match="modified by an inplace operation"):
                loss.sum().backward()
            continue
        loss.backward()
        grads.append((x.grad, w.grad))
    if reduction != "none":
        for mine, theirs in zip(*grads):  # (x's gradients, then w's)
            assert_close(mine, theirs)
