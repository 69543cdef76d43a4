"""pixel_shuffle, pixel_unshuffle, channel_shuffle and the channel-wise and alpha dropouts (dropout1d,
dropout3d, alpha_dropout, feature_alpha_dropout), and their layers, compared with torch.

The shuffles are compared exactly (values, gradients, graphs, the VJP differentiated again). The dropouts'
masks come from minitorch's own generator and differ from torch's by design: they are checked by the cases
where no mask is drawn (compared with torch exactly), by their structure (whole channels; alpha dropout's two
values), by the consistency of mask, output and gradient, by the statistics alpha dropout keeps, and by the
recorded graph (which does not depend on the draw)."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import array, check, double_backward, outcome, same_error, same_graphs

ALPHA = 1.7580993408473766


def F(lib):
    return lib.nn.functional


# -- pixel_shuffle, pixel_unshuffle, channel_shuffle -------------------------------------------------------
@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(1, 2), max_size=2), st.integers(1, 3), st.integers(1, 2), st.integers(1, 3),
       st.integers(1, 3), st.sampled_from(["shuffle", "unshuffle"]), st.data())
def test_pixel_shuffles_match_torch(batch, r, c, h, w, which, data):
    if which == "shuffle":
        shape, call = (*batch, c * r * r, h, w), lambda lib, x: F(lib).pixel_shuffle(x, r)
    else:
        shape, call = (*batch, c, h * r, w * r), lambda lib, x: F(lib).pixel_unshuffle(x, r)
    x = data.draw(array(shape=shape))
    mine, theirs = check(call, x)
    same_graphs(mine, theirs)


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.lists(st.integers(1, 3), min_size=1, max_size=2),
       st.data())
def test_channel_shuffle_matches_torch(n, groups, per_group, spatial, data):
    x = data.draw(array(shape=(n, groups * per_group, *spatial)))
    mine, theirs = check(lambda lib, x: F(lib).channel_shuffle(x, groups), x)
    same_graphs(mine, theirs)


@pytest.mark.parametrize("call, shape", [
    (lambda lib, x: F(lib).pixel_shuffle(x, 2), (2, 8, 2, 3)),
    (lambda lib, x: F(lib).pixel_unshuffle(x, 2), (1, 2, 4, 6)),
    (lambda lib, x: F(lib).channel_shuffle(x, 3), (2, 6, 2)),
], ids=["pixel_shuffle", "pixel_unshuffle", "channel_shuffle"])
def test_shuffle_backward_is_differentiable(call, shape):
    double_backward(call, np.random.default_rng(0).standard_normal(shape))


SHUFFLE_ERRORS = [
    lambda lib: F(lib).pixel_shuffle(lib.zeros(2, 2), 1),
    lambda lib: F(lib).pixel_shuffle(lib.zeros(1, 3, 2, 2), 2),
    lambda lib: F(lib).pixel_shuffle(lib.zeros(1, 4, 2, 2), 0),
    lambda lib: F(lib).pixel_unshuffle(lib.zeros(1, 1, 3, 4), 2),
    lambda lib: F(lib).pixel_unshuffle(lib.zeros(1, 1, 4, 3), 2),
    lambda lib: F(lib).pixel_unshuffle(lib.zeros(1, 1, 4, 4), -1),
    lambda lib: F(lib).channel_shuffle(lib.zeros(2, 3), 1),
    lambda lib: F(lib).channel_shuffle(lib.zeros(2, 3, 4), 2),
    lambda lib: F(lib).channel_shuffle(lib.zeros(2, 3, 4), 0),
]


@pytest.mark.parametrize("call", SHUFFLE_ERRORS, ids=[str(i) for i in range(len(SHUFFLE_ERRORS))])
def test_shuffle_errors(call):
    same_error(call)


@pytest.mark.parametrize("name, arg, shape", [("PixelShuffle", 2, (1, 8, 2, 2)), ("PixelUnshuffle", 2, (1, 2, 4, 4)),
                                              ("ChannelShuffle", 2, (2, 4, 3))])
def test_shuffle_layers_match_torch(name, arg, shape):
    mine, theirs = getattr(minitorch.nn, name)(arg), getattr(torch.nn, name)(arg)
    assert repr(mine) == repr(theirs)
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    np.testing.assert_array_equal(mine(minitorch.from_numpy(x)).numpy(), theirs(torch.from_numpy(x)).numpy())


# -- dropout1d, dropout3d, alpha_dropout, feature_alpha_dropout --------------------------------------------
def _dropouts(lib):
    f = F(lib)
    return {"dropout1d": f.dropout1d, "dropout3d": f.dropout3d, "alpha_dropout": f.alpha_dropout,
            "feature_alpha_dropout": f.feature_alpha_dropout}


SHAPES = {"dropout1d": (2, 3, 4), "dropout3d": (2, 3, 2, 2, 2), "alpha_dropout": (2, 3, 4),
          "feature_alpha_dropout": (2, 3, 4)}


@pytest.mark.parametrize("name", sorted(SHAPES))
@pytest.mark.parametrize("p, training, empty", [(0.5, False, False), (0.0, True, False), (0.5, True, True),
                                                (1.0, True, False)])
def test_dropout_without_a_draw_matches_torch(name, p, training, empty):
    """Evaluation, p = 0 and empty inputs return the input itself; p = 1 gives zeros: exactly as torch."""
    shape = (0,) + SHAPES[name][1:] if empty else SHAPES[name]
    x = np.linspace(-1, 1, int(np.prod(shape))).reshape(shape)
    results = {}
    for lib in (minitorch, torch):
        t = lib.from_numpy(x.copy()).requires_grad_()
        out = _dropouts(lib)[name](t, p, training)
        results[lib] = (out is t, outcome(lambda: out), out)
    (m_same, m_out, m), (t_same, t_out, t) = results[minitorch], results[torch]
    assert m_same == t_same and m_out == t_out
    if not t_same:
        same_graphs(m, t)


@pytest.mark.parametrize("name", sorted(SHAPES))
@pytest.mark.parametrize("inplace", [False, True])
def test_dropout_masks_are_consistent(name, inplace):
    minitorch.manual_seed(0)
    p = 0.4
    shape = SHAPES[name]
    x0 = np.random.default_rng(1).uniform(0.5, 2, shape)
    x = minitorch.from_numpy(x0.copy()).requires_grad_()
    src = x * 1 if inplace else x
    out = _dropouts(minitorch)[name](src, p, True, inplace)
    assert out is src if inplace else out is not x
    out.backward(minitorch.ones(*shape, dtype=minitorch.float64))
    y, grad = out.detach().numpy(), x.grad.numpy()
    if "alpha" in name:
        a = 1 / np.sqrt((ALPHA ** 2 * p + 1) * (1 - p))
        kept = grad == a
        assert np.all(kept | (grad == 0))
        np.testing.assert_allclose(y, np.where(kept, x0 * a + ALPHA * a * p, -ALPHA * a * (1 - p)), rtol=1e-12)
    else:
        kept = grad == 1 / (1 - p)
        assert np.all(kept | (grad == 0))
        np.testing.assert_allclose(y, np.where(kept, x0 / (1 - p), 0), rtol=1e-12)
    assert 0 < kept.mean() < 1
    if "1d" in name or "3d" in name or "feature" in name:  # one draw per (sample, channel)
        per_channel = kept.reshape(shape[0], shape[1], -1)
        assert np.all(per_channel == per_channel[..., :1])


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_dropout_graphs_match_torch(name):
    graphs = []
    for lib in (minitorch, torch):
        x = lib.ones(*SHAPES[name], dtype=lib.float64, requires_grad=True)
        graphs.append(_dropouts(lib)[name](x, 0.5, True))
    same_graphs(*graphs)  # MulBackward0 (alpha: AddBackward0 of it), the noise a constant


def test_alpha_dropout_keeps_mean_and_variance():
    minitorch.manual_seed(0)
    x = minitorch.from_numpy(np.random.default_rng(0).standard_normal(200_000))
    y = minitorch.nn.functional.alpha_dropout(x, 0.3, True).numpy()
    assert abs(y.mean()) < 0.02 and abs(y.var() - 1) < 0.02


@pytest.mark.parametrize("name", ["dropout1d", "dropout3d"])
def test_unbatched_channel_dropout(name):
    """An input without its batch dim is dropped channel by channel all the same (in place too)."""
    minitorch.manual_seed(3)
    shape = SHAPES[name][1:]
    x = minitorch.ones(*shape, dtype=minitorch.float64)
    y = _dropouts(minitorch)[name](x, 0.5, True)
    assert tuple(y.shape) == shape
    per_channel = y.numpy().reshape(shape[0], -1)
    assert np.all(per_channel == per_channel[:, :1])
    z = minitorch.ones(*shape, dtype=minitorch.float64)
    assert _dropouts(minitorch)[name](z, 0.5, True, True) is z and tuple(z.shape) == shape


DROPOUT_ERRORS = [
    lambda lib: F(lib).dropout1d(lib.zeros(3), 0.5),
    lambda lib: F(lib).dropout1d(lib.zeros(2, 3, 4, 5), 0.5),
    lambda lib: F(lib).dropout1d(lib.zeros(2, 3), 1.5),
    lambda lib: F(lib).dropout3d(lib.zeros(2, 3, 4, 5), -0.1),
    lambda lib: F(lib).alpha_dropout(lib.zeros(2, 3), 2.0),
    lambda lib: F(lib).feature_alpha_dropout(lib.zeros(3), 0.5, True),
    lambda lib: lib.nn.AlphaDropout(1.5),
]


@pytest.mark.parametrize("call", DROPOUT_ERRORS, ids=[str(i) for i in range(len(DROPOUT_ERRORS))])
def test_dropout_errors(call):
    same_error(call)


def test_dropout3d_warns_as_torch():
    for lib in (minitorch, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            F(lib).dropout3d(lib.ones(2, 3, 4), 0.5, False)
        assert [str(w.message) for w in caught] and "dropout3d: Received a 3-D input" in str(caught[0].message)


@pytest.mark.parametrize("name, args", [("Dropout1d", ()), ("Dropout3d", (0.2, True)), ("AlphaDropout", (0.1,)),
                                        ("FeatureAlphaDropout", (0.3,))])
def test_dropout_layers_match_torch(name, args):
    mine, theirs = getattr(minitorch.nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(mine) == repr(theirs)
    shape = (2, 3, 4) if name == "Dropout1d" else (2, 3, 2, 2, 2)
    mine.eval()
    x = minitorch.ones(*shape)
    assert mine(x) is x  # evaluation: the identity
    mine.train()
    assert tuple(mine(minitorch.ones(*shape)).shape) == shape
