"""layer_norm, group_norm, instance_norm, rms_norm, local_response_norm and normalize, and their layers,
compared with torch: values and gradients of input, weight and bias (float32 and float64, generated shapes),
node names and whole graphs, second derivatives, running statistics, errors word for word, and the layers'
reprs, parameters, state_dict keys and initial values."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import assert_close, check, same_error, same_graphs, second_order
from reference.interop import copy_weights


def F(lib):
    return lib.nn.functional


# A row of one value (or of equal values) normalises to 0 and its gradient cancels to 0 - up to rounding, which
# the factor r = 1/√(σ² + ε) amplifies by up to 1/√ε: the absolute tolerance scaled by as much.
def _scale(eps):
    return 1 / np.sqrt(eps)


def _arrays(seed, dtype, *shapes):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal(s) * 2 + 0.5).astype(dtype) for s in shapes]


# -- values and gradients on generated problems -----------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(st.sampled_from([np.float32, np.float64]), st.lists(st.integers(1, 4), min_size=1, max_size=4),
       st.integers(1, 3), st.booleans(), st.booleans(), st.integers(0, 10 ** 6))
def test_layer_norm_matches_torch(dtype, shape, k, weight, bias, seed):
    k = min(k, len(shape))
    normalized = tuple(shape[len(shape) - k:])
    x, w, b = _arrays(seed, dtype, tuple(shape), normalized, normalized)
    args = [x] + ([w] if weight else []) + ([b] if bias else [])

    def fn(lib, x, *wb):
        w_, b_ = (wb[0] if weight else None), (wb[-1] if bias else None)
        return F(lib).layer_norm(x, normalized, w_, b_, eps=1e-3)

    mine, theirs = check(fn, *args, atol_scale=_scale(1e-3))
    same_graphs(mine, theirs)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from([np.float32, np.float64]), st.integers(1, 3), st.sampled_from([1, 2, 3]),
       st.integers(1, 2), st.lists(st.integers(1, 3), max_size=2), st.booleans(), st.integers(0, 10 ** 6))
def test_group_norm_matches_torch(dtype, n, groups, per_group, spatial, affine, seed):
    c = groups * per_group
    if per_group * int(np.prod(spatial)) == 1:
        spatial = [2]  # torch refuses one value per group (test_errors)
    x, w, b = _arrays(seed, dtype, (n, c, *spatial), (c,), (c,))
    if affine:
        mine, theirs = check(lambda lib, x, w, b: F(lib).group_norm(x, groups, w, b, eps=1e-4), x, w, b,
                             atol_scale=_scale(1e-4))
    else:
        mine, theirs = check(lambda lib, x: F(lib).group_norm(x, groups), x, atol_scale=_scale(1e-5))
    same_graphs(mine, theirs)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([np.float32, np.float64]), st.integers(1, 3), st.integers(1, 3),
       st.lists(st.integers(2, 3), min_size=1, max_size=2), st.booleans(), st.booleans(), st.integers(0, 10 ** 6))
def test_instance_norm_matches_torch(dtype, n, c, spatial, affine, running, seed):
    x, w, b = _arrays(seed, dtype, (n, c, *spatial), (c,), (c,))
    stats = {}

    def fn(lib, x, *wb):
        rm = lib.from_numpy(np.linspace(-1, 1, c).astype(dtype)) if running else None
        rv = lib.from_numpy(np.linspace(0.5, 2, c).astype(dtype)) if running else None
        stats[lib.__name__] = (rm, rv)
        return F(lib).instance_norm(x, rm, rv, *wb, momentum=0.3)

    mine, theirs = check(fn, x, w, b, atol_scale=_scale(1e-5)) if affine else check(fn, x, atol_scale=_scale(1e-5))
    same_graphs(mine, theirs)  # ViewBackward0 of NativeBatchNormBackward0 (of RepeatBackward0 of weight, bias)
    if running:  # each running estimate moved towards the mean of its channel's statistics over the batch
        for m, t in zip(stats["minitorch"], stats["torch"]):
            assert_close(m, t, dtype, "running statistics")


def test_instance_norm_eval_uses_the_running_statistics():
    x, = _arrays(3, np.float64, (2, 3, 4))
    rm, rv = np.array([0.5, -1.0, 2.0]), np.array([1.5, 0.5, 2.0])
    mine, theirs = check(lambda lib, x: F(lib).instance_norm(x, lib.from_numpy(rm.copy()), lib.from_numpy(rv.copy()),
                                                              use_input_stats=False), x)
    same_graphs(mine, theirs)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([np.float32, np.float64]), st.lists(st.integers(1, 4), min_size=1, max_size=3),
       st.booleans(), st.sampled_from([None, 1e-3]), st.integers(0, 10 ** 6))
def test_rms_norm_matches_torch(dtype, shape, weight, eps, seed):
    normalized = tuple(shape[-1:])
    x, w = _arrays(seed, dtype, tuple(shape), normalized)
    if weight:
        mine, theirs = check(lambda lib, x, w: F(lib).rms_norm(x, normalized, w, eps), x, w)
    else:
        mine, theirs = check(lambda lib, x: F(lib).rms_norm(x, normalized, eps=eps), x)
    same_graphs(mine, theirs)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([np.float32, np.float64]), st.sampled_from([(2, 5, 3), (1, 4, 2, 3), (2, 3, 2, 2, 2)]),
       st.integers(1, 4), st.sampled_from([(1e-4, 0.75, 1.0), (0.5, 0.5, 2.0)]), st.integers(0, 10 ** 6))
def test_local_response_norm_matches_torch(dtype, shape, size, params, seed):
    x, = _arrays(seed, dtype, shape)
    alpha, beta, k = params
    check(lambda lib, x: F(lib).local_response_norm(x, size, alpha, beta, k), x)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([np.float32, np.float64]), st.lists(st.integers(1, 4), min_size=1, max_size=3),
       st.sampled_from([1.0, 2.0, 3.0, float("inf")]), st.integers(0, 10 ** 6), st.data())
def test_normalize_matches_torch(dtype, shape, p, seed, data):
    x, = _arrays(seed, dtype, tuple(shape))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    mine, theirs = check(lambda lib, x: F(lib).normalize(x, p, dim), x)
    same_graphs(mine, theirs)


# -- second derivatives: the written-out VJPs of layer_norm and group_norm differentiate again ------------
@pytest.mark.parametrize("call, shapes", [
    (lambda lib, x, w, b: F(lib).layer_norm(x, (3, 4), w, b), [(2, 3, 4), (3, 4), (3, 4)]),
    (lambda lib, x, w, b: F(lib).layer_norm(x, (4,), w, b), [(5, 4), (4,), (4,)]),
    (lambda lib, x, w, b: F(lib).group_norm(x, 2, w, b), [(2, 4, 3), (4,), (4,)]),
    (lambda lib, x, w, b: F(lib).group_norm(x, 1, w, b), [(3, 2, 2, 2), (2,), (2,)]),
    (lambda lib, x, w, b: F(lib).instance_norm(x, weight=w, bias=b), [(2, 3, 4), (3,), (3,)]),
    (lambda lib, x, w: F(lib).rms_norm(x, (4,), w), [(3, 4), (4,)]),
    (lambda lib, x: F(lib).local_response_norm(x, 3, 0.3, 0.6, 1.5), [(2, 5, 3)]),
    (lambda lib, x: F(lib).normalize(x, 3.0, 1), [(3, 4)]),
], ids=["layer_norm 2 dims", "layer_norm", "group_norm", "group_norm one group", "instance_norm", "rms_norm",
        "local_response_norm", "normalize"])
def test_second_order(call, shapes):
    second_order(call, *_arrays(7, np.float64, *shapes))


def test_layer_norm_without_weight_has_torch_edges():
    x, = _arrays(1, np.float64, (2, 3))
    mine, theirs = check(lambda lib, x: F(lib).layer_norm(x, [3]), x)
    same_graphs(mine, theirs)  # NativeLayerNormBackward0 with (None, 0) edges for weight and bias
    assert mine[0].grad_fn.name() == "NativeLayerNormBackward0"


# -- errors, word for word ----------------------------------------------------------------------------------
X = np.arange(24.0).reshape(2, 3, 4)


@pytest.mark.parametrize("call", [
    lambda lib, x: F(lib).layer_norm(x, (3,)),
    lambda lib, x: F(lib).layer_norm(x, [3, 5]),
    lambda lib, x: F(lib).layer_norm(x, ()),
    lambda lib, x: F(lib).layer_norm(x, 4),
    lambda lib, x: F(lib).layer_norm(x, (4,), lib.ones(3, dtype=lib.float64)),
    lambda lib, x: F(lib).layer_norm(x, (4,), None, lib.ones(3, dtype=lib.float64)),
    lambda lib, x: F(lib).layer_norm(x, (4,), lib.ones(4)),
    lambda lib, x: F(lib).group_norm(x, 2),
    lambda lib, x: F(lib).group_norm(x, 3, lib.ones(2, dtype=lib.float64)),
    lambda lib, x: F(lib).group_norm(x, 3, None, lib.ones(2, dtype=lib.float64)),
    lambda lib, x: F(lib).group_norm(x[0, 0], 1),
    lambda lib, x: F(lib).group_norm(x[:1, :, :1], 3),
    lambda lib, x: F(lib).instance_norm(x[:, :, :1]),
    lambda lib, x: F(lib).instance_norm(x, use_input_stats=False),
    lambda lib, x: F(lib).instance_norm(x, weight=lib.ones(2, dtype=lib.float64)),
    lambda lib, x: F(lib).rms_norm(x, (3,)),
    lambda lib, x: F(lib).rms_norm(x, ()),
    lambda lib, x: F(lib).rms_norm(x, (4,), lib.ones(3, dtype=lib.float64)),
    lambda lib, x: F(lib).local_response_norm(x[0], 2),
    lambda lib, x: F(lib).normalize(x, dim=3),
], ids=["layer_norm shape", "layer_norm two dims", "layer_norm empty shape", "layer_norm int", "layer_norm weight",
        "layer_norm bias", "layer_norm dtypes", "group_norm groups", "group_norm weight", "group_norm bias",
        "group_norm 1-d", "group_norm one value", "instance_norm one value", "instance_norm no stats",
        "instance_norm weight", "rms_norm shape", "rms_norm empty shape", "rms_norm weight", "lrn 2-d",
        "normalize dim"])
def test_errors(call):
    same_error(call, X)


# -- the layers -----------------------------------------------------------------------------------------------
LAYERS = [("LayerNorm", (4,), {}), ("LayerNorm", ((3, 4),), dict(eps=1e-3, elementwise_affine=False)),
          ("LayerNorm", ([4],), dict(bias=False)), ("GroupNorm", (3, 6), {}), ("GroupNorm", (2, 6), dict(affine=False)),
          ("RMSNorm", (4,), {}), ("RMSNorm", ([3, 4],), dict(eps=1e-4, elementwise_affine=False)),
          ("LocalResponseNorm", (3,), dict(alpha=0.1)), ("InstanceNorm1d", (6,), {}),
          ("InstanceNorm1d", (6,), dict(affine=True, track_running_stats=True)),
          ("InstanceNorm2d", (6,), dict(momentum=None, track_running_stats=True)),
          ("InstanceNorm3d", (6,), dict(affine=True, bias=False))]
INPUTS = {"LayerNorm": (2, 6, 3, 4), "GroupNorm": (2, 6, 3), "RMSNorm": (2, 3, 4), "LocalResponseNorm": (2, 6, 3),
          "InstanceNorm1d": (2, 6, 5), "InstanceNorm2d": (2, 6, 3, 2), "InstanceNorm3d": (2, 6, 2, 2, 2)}


@pytest.mark.parametrize("name, args, kwargs", LAYERS, ids=[f"{n} {kw}" for n, _, kw in LAYERS])
def test_layers_match_torch(name, args, kwargs):
    """repr, parameter names, state_dict keys and initial values; then (torch's weights, changed so that they
    matter) two training steps' outputs, gradients and running statistics, and one in evaluation."""
    mine, theirs = getattr(minitorch.nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(mine) == repr(theirs)
    assert [n for n, _ in mine.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert list(mine.state_dict()) == list(theirs.state_dict())
    for (k, m), t in zip(mine.state_dict().items(), theirs.state_dict().values()):
        np.testing.assert_array_equal(m.numpy(), t.numpy(), err_msg=k)
    with torch.no_grad():
        for p in theirs.parameters():
            p.add_(torch.linspace(-0.5, 0.5, p.numel()).view(p.shape))
    copy_weights(theirs, mine)
    shape = INPUTS[name] if name != "LayerNorm" else (2, 3, 4)
    for step, training in enumerate([True, True, False]):
        mine.train(training)
        theirs.train(training)
        x, = _arrays(step, np.float32, shape)
        xm, xt = minitorch.from_numpy(x).requires_grad_(), torch.from_numpy(x).requires_grad_()
        ym, yt = mine(xm), theirs(xt)
        assert_close(ym, yt, np.float32, "output")
        ym.pow(2).sum().backward()
        yt.pow(2).sum().backward()
        assert_close(xm.grad, xt.grad, np.float32, "input gradient", scale=_scale(1e-5))
        for (k, p), q in zip(mine.named_parameters(), theirs.parameters()):
            assert_close(p.grad, q.grad, np.float32, f"gradient of {k}", scale=_scale(1e-5))
        for (k, m), t in zip(mine.state_dict().items(), theirs.state_dict().values()):
            assert_close(m, t, np.float32, k)


@pytest.mark.parametrize("name", ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"])
def test_instance_norm_layers_unbatched_and_errors(name):
    shape = INPUTS[name][1:]
    x, = _arrays(5, np.float64, shape)
    mine, theirs = check(lambda lib, x: getattr(lib.nn, name)(6, affine=True, dtype=lib.float64)(x), x)
    assert tuple(mine[0].shape) == shape
    same_error(lambda lib: getattr(lib.nn, name)(6)(lib.zeros(2)))
    same_error(lambda lib: getattr(lib.nn, name)(4, affine=True)(lib.zeros(*INPUTS[name])))
    with warnings.catch_warnings(record=True) as caught:  # affine=False: a mismatch only warns, as torch's
        warnings.simplefilter("always")
        getattr(minitorch.nn, name)(4)(minitorch.randn(*INPUTS[name]))
    assert any("does not match num_features" in str(w.message) for w in caught)


def test_group_norm_layer_refuses_groups_that_do_not_divide():
    same_error(lambda lib: lib.nn.GroupNorm(4, 6))
