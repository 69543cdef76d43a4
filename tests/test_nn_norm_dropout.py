"""batch_norm, dropout, dropout2d, embedding and their layers, compared with torch: values, node names,
gradients of input, weight and bias, running statistics (an empty batch leaves them alone), second derivatives,
errors and reprs.

Dropout's random masks differ from torch's by design (minitorch has its own generator), so dropout is
checked by its statistics and by the consistency of mask, output and gradient."""
import types
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch
from harness import assert_close, check, same_error, second_order
import importlib

# the submodules (nn.functional re-exports functions of the same names, e.g. dropout)
mdropout, mnorm, msparse = (importlib.import_module(f"minitorch.nn.functional.{m}")
                            for m in ("dropout", "normalization", "sparse"))
from minitorch.nn.modules.batchnorm import BatchNorm1d, BatchNorm2d
from minitorch.nn.modules.dropout import Dropout, Dropout2d
from minitorch.nn.modules.sparse import Embedding


MINI_F = types.SimpleNamespace(batch_norm=mnorm.batch_norm, dropout=mdropout.dropout, dropout2d=mdropout.dropout2d,
                               embedding=msparse.embedding)
MINI_NN = types.SimpleNamespace(BatchNorm1d=BatchNorm1d, BatchNorm2d=BatchNorm2d, Dropout=Dropout,
                                Dropout2d=Dropout2d, Embedding=Embedding)


def F(lib):
    return MINI_F if lib is minitorch else torch.nn.functional


def nn(lib):
    return MINI_NN if lib is minitorch else torch.nn


# -- batch norm ----------------------------------------------------------------------------------------
@given(st.sampled_from([np.float32, np.float64]), st.sampled_from([(4, 3), (2, 3, 5), (3, 2, 4, 5), (2, 3, 1, 1)]),
       st.booleans(), st.booleans(), st.sampled_from([0.1, 0.5]), st.sampled_from([1e-5, 1e-2]))
def test_batch_norm_training_matches_torch(dtype, shape, affine, running, momentum, eps):
    rng = np.random.default_rng(sum(shape))
    x = (rng.standard_normal(shape) * 3 + 1).astype(dtype)
    c = shape[1]
    w, b = rng.standard_normal(c).astype(dtype), rng.standard_normal(c).astype(dtype)
    stats = {}

    def fn(lib, x, w=None, b=None):
        rm = lib.from_numpy(np.linspace(-1, 1, c).astype(dtype)) if running else None
        rv = lib.from_numpy(np.linspace(0.5, 2, c).astype(dtype)) if running else None
        out = F(lib).batch_norm(x, rm, rv, w, b, training=True, momentum=momentum, eps=eps)
        stats[lib.__name__] = (rm, rv)
        return out

    if affine:
        check(fn, x, w, b)
    else:
        check(fn, x)
    if running:  # the running estimates moved the same way (with the unbiased variance)
        for mine, theirs in zip(stats["minitorch"], stats["torch"]):
            assert_close(mine, theirs, dtype, "running statistics")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5), (3, 3, 4, 5)])
def test_batch_norm_eval_matches_torch(dtype, shape):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape).astype(dtype)
    w, b = rng.standard_normal(3).astype(dtype), rng.standard_normal(3).astype(dtype)
    rm, rv = rng.standard_normal(3).astype(dtype), rng.uniform(0.5, 2, 3).astype(dtype)
    check(lambda lib, x, w, b, rm, rv: F(lib).batch_norm(x, rm.detach(), rv.detach(), w, b, training=False),
          x, w, b, rm, rv)


def test_batch_norm_graph_edges():
    x = minitorch.randn(4, 3, requires_grad=True)
    y = mnorm.batch_norm(x, None, None, training=True)
    assert y.grad_fn.name() == "NativeBatchNormBackward0"
    edges = y.grad_fn.next_functions
    assert len(edges) == 3 and edges[1] == (None, 0) and edges[2] == (None, 0)  # torch: (input, weight, bias)


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_second_order(training):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 3, 2, 2)) * 2
    w, b = rng.standard_normal(3), rng.standard_normal(3)
    rm, rv = np.zeros(3), np.ones(3)

    def fn(lib, x, w, b):
        return F(lib).batch_norm(x, lib.from_numpy(rm.copy()), lib.from_numpy(rv.copy()), w, b,
                                 training=training) ** 2
    second_order(fn, x, w, b)


@pytest.mark.parametrize("momentum", [0.1, None])
@pytest.mark.parametrize("layer, shape", [("BatchNorm1d", (8, 4)), ("BatchNorm1d", (4, 4, 3)),
                                          ("BatchNorm2d", (3, 4, 5, 5))])
def test_batch_norm_module_running_stats(layer, shape, momentum):
    """Several training steps, then eval: running estimates, counter and outputs equal torch's."""
    mine, theirs = getattr(MINI_NN, layer)(4, momentum=momentum), getattr(torch.nn, layer)(4, momentum=momentum)
    rng = np.random.default_rng(3)
    for _ in range(4):
        x = (rng.standard_normal(shape) * 2 + 0.5).astype(np.float32)
        assert_close(mine(minitorch.from_numpy(x.copy())), theirs(torch.from_numpy(x.copy())), np.float32)
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        assert_close(getattr(mine, name), getattr(theirs, name), np.float32, name)
    mine.eval()
    theirs.eval()
    x = rng.standard_normal(shape).astype(np.float32)
    assert_close(mine(minitorch.from_numpy(x.copy())), theirs(torch.from_numpy(x.copy())), np.float32)
    assert mine.num_batches_tracked.item() == 4  # eval does not count


@pytest.mark.parametrize("kwargs", [dict(), dict(affine=False), dict(track_running_stats=False),
                                    dict(affine=False, track_running_stats=False, momentum=None),
                                    dict(eps=1e-3, momentum=0.3, bias=False)])
@pytest.mark.parametrize("layer", ["BatchNorm1d", "BatchNorm2d"])
def test_batch_norm_module_attributes(layer, kwargs):
    mine, theirs = getattr(MINI_NN, layer)(6, **kwargs), getattr(torch.nn, layer)(6, **kwargs)
    assert repr(mine) == repr(theirs)
    assert list(mine.state_dict()) == list(theirs.state_dict())
    for name, value in theirs.state_dict().items():
        assert_close(mine.state_dict()[name], value, np.float32, name)
    shape = (5, 6) if layer == "BatchNorm1d" else (2, 6, 3, 3)
    x = np.random.default_rng(4).standard_normal(shape).astype(np.float32)
    for mode in ("train", "eval"):  # without running stats, eval still uses the batch's statistics
        getattr(mine, mode)()
        getattr(theirs, mode)()
        assert_close(mine(minitorch.from_numpy(x.copy())), theirs(torch.from_numpy(x.copy())), np.float32)


@pytest.mark.parametrize("fn", [
    lambda lib, x: nn(lib).BatchNorm2d(3)(x[0]),
    lambda lib, x: nn(lib).BatchNorm1d(3)(x),
    lambda lib, x: nn(lib).BatchNorm1d(3)(x[0, 0, 0]),
    lambda lib, x: F(lib).batch_norm(x[:1, :, :1, :1], None, None, training=True),
    lambda lib, x: F(lib).batch_norm(x[:, :, 0, 0], lib.zeros(4), lib.ones(4), training=True),
    lambda lib, x: F(lib).batch_norm(x[:, :, 0, 0], None, None, lib.ones(4), training=True),
    lambda lib, x: F(lib).batch_norm(x[:, :, 0, 0], None, None, training=False),
    lambda lib, x: F(lib).batch_norm(x[0, 0, 0], None, None, training=True),
    lambda lib, x: F(lib).batch_norm(x, None, None, training=True, eps=0.0),
])
def test_batch_norm_errors(fn):
    same_error(fn, np.zeros((2, 3, 4, 4), np.float32))


# -- dropout -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_statistics_and_scaling(p):
    minitorch.manual_seed(0)
    x = minitorch.ones(200, 500, dtype=minitorch.float64)
    y = mdropout.dropout(x, p).numpy()
    dropped = np.mean(y == 0)
    assert abs(dropped - p) < 4 * np.sqrt(p * (1 - p) / y.size)  # within 4 standard deviations
    np.testing.assert_array_equal(np.unique(y), [0.0, 1 / (1 - p)])  # survivors scaled by exactly 1/(1-p)


@pytest.mark.parametrize("dtype", [minitorch.float32, minitorch.float64])
def test_dropout_gradient_uses_the_forward_mask(dtype):
    x = minitorch.rand(30, 40, dtype=dtype) + 0.5  # no zeros in x: a zero in y means "dropped"
    x.requires_grad_()
    y = mdropout.dropout(x, 0.3)
    assert y.dtype == dtype and y.grad_fn.name() == "MulBackward0"
    assert y.grad_fn.next_functions[1] == (None, 0)  # x * noise, the noise a constant (as in torch)
    g = minitorch.randn(30, 40, dtype=dtype)
    y.backward(g)
    kept = y.detach().numpy() != 0
    np.testing.assert_allclose(y.detach().numpy(), x.detach().numpy() * kept / np.float32(0.7), rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), g.numpy() * kept / np.float32(0.7), rtol=1e-6)


def test_dropout_identity_cases():
    x = minitorch.randn(3, 4, requires_grad=True)
    assert mdropout.dropout(x, 0.5, training=False) is x
    assert mdropout.dropout(x, 0.0) is x
    assert mdropout.dropout2d(x, 0.5, training=False) is x
    layer = Dropout(0.5)
    layer.eval()
    assert layer(x) is x


def test_dropout_p_one_is_all_zeros():
    x = minitorch.randn(3, 4, requires_grad=True)
    y = mdropout.dropout(x, 1.0)
    assert y.grad_fn.name() == "MulBackward0" and not y.detach().numpy().any()
    y.sum().backward()
    assert not x.grad.numpy().any()


def test_dropout_is_reproducible_with_manual_seed():
    x = minitorch.ones(50)
    minitorch.manual_seed(7)
    first = mdropout.dropout(x, 0.5).numpy()
    minitorch.manual_seed(7)
    np.testing.assert_array_equal(mdropout.dropout(x, 0.5).numpy(), first)


def test_dropout_inplace():
    x = minitorch.randn(20, 30, requires_grad=True)
    h = x * 1
    out = mdropout.dropout(h, 0.5, inplace=True)
    assert out is h and h.grad_fn.name() == "MulBackward0"
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), (h.detach().numpy() != 0) * 2.0)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        mdropout.dropout(x, 0.5, inplace=True)


def test_dropout2d_drops_whole_channels():
    minitorch.manual_seed(1)
    x = (minitorch.rand(40, 50, 3, 4) + 1).requires_grad_()
    y = mdropout.dropout2d(x, 0.4)
    assert y.grad_fn.name() == "MulBackward0"
    kept = y.detach().numpy() != 0
    assert (kept == kept[:, :, :1, :1]).all()  # one decision per (sample, channel)
    assert abs(1 - kept[:, :, 0, 0].mean() - 0.4) < 4 * np.sqrt(0.24 / 2000)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), kept / np.float32(0.6), rtol=1e-6)


def test_dropout2d_warnings_like_torch():
    for shape in [(2, 3, 4), (2, 3)]:
        with warnings.catch_warnings(record=True) as mine:
            warnings.simplefilter("always")
            mdropout.dropout2d(minitorch.ones(shape), 0.5)
        with warnings.catch_warnings(record=True) as theirs:
            warnings.simplefilter("always")
            torch.nn.functional.dropout2d(torch.ones(shape), 0.5)
        assert [str(w.message) for w in mine] == [str(w.message) for w in theirs]
    x = minitorch.ones(30, 40, 5)  # 3-D input: channel-wise dropout over (N, C, L)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kept = mdropout.dropout2d(x, 0.5).numpy() != 0
    assert (kept == kept[:, :, :1]).all()


@pytest.mark.parametrize("fn", [
    lambda lib, x: F(lib).dropout(x, 1.5),
    lambda lib, x: F(lib).dropout(x, -0.1),
    lambda lib, x: F(lib).dropout2d(x, -0.5),
    lambda lib, x: nn(lib).Dropout(1.5),
    lambda lib, x: nn(lib).Dropout2d(-1),
])
def test_dropout_errors(fn):
    same_error(fn, np.zeros((2, 3, 4, 4), np.float32))


@pytest.mark.parametrize("make", [lambda nn: nn.Dropout(), lambda nn: nn.Dropout(p=0.25),
                                  lambda nn: nn.Dropout2d(0.2, True), lambda nn: nn.Dropout2d()])
def test_dropout_modules_repr(make):
    assert repr(make(MINI_NN)) == repr(make(torch.nn))


# -- embedding -----------------------------------------------------------------------------------------
@given(st.sampled_from([np.float32, np.float64]), st.sampled_from([(5,), (2, 3), (3, 2, 4)]),
       st.sampled_from([None, 0, 3, -1]), st.booleans())
def test_embedding_matches_torch(dtype, index_shape, padding_idx, scale_grad_by_freq):
    rng = np.random.default_rng(len(index_shape))
    w = rng.standard_normal((6, 3)).astype(dtype)
    indices = rng.integers(0, 6, index_shape)
    indices.flat[:2] = 3  # repeated indices (and the padding row, for padding_idx=3)
    out, _ = check(lambda lib, i, w: F(lib).embedding(i, w, padding_idx=padding_idx,
                                                      scale_grad_by_freq=scale_grad_by_freq), indices, w)
    assert out[0].shape == index_shape + (3,)


def test_embedding_repeated_indices_and_padding_gradient():
    w = minitorch.randn(5, 2, dtype=minitorch.float64, requires_grad=True)
    idx = minitorch.tensor([[1, 1, 4], [1, 0, 4]])
    out = msparse.embedding(idx, w, padding_idx=4)
    assert out.grad_fn.name() == "EmbeddingBackward0" and len(out.grad_fn.next_functions) == 1
    out.backward(minitorch.ones(2, 3, 2, dtype=minitorch.float64))
    np.testing.assert_array_equal(w.grad.numpy()[:, 0], [1, 3, 0, 0, 0])  # row 1 used 3 times, row 4 padding


def test_embedding_second_order():
    rng = np.random.default_rng(5)
    w, idx = rng.standard_normal((6, 3)), np.array([[1, 2, 2], [5, 0, 1]])
    second_order(lambda lib, w: F(lib).embedding(lib.from_numpy(idx), w, padding_idx=2) ** 2, w)


def test_embedding_max_norm_renormalises_used_rows():
    w = np.random.default_rng(6).standard_normal((6, 3)) * 3
    idx = np.array([0, 2, 2, 5])
    results = []
    for lib in (minitorch, torch):
        weight = lib.from_numpy(w.copy()).requires_grad_()
        out = F(lib).embedding(lib.from_numpy(idx), weight, max_norm=1.5, norm_type=1.0)
        out.sum().backward()
        results.append((out, weight, weight.grad))
    for mine, theirs in zip(*results):
        assert_close(mine, theirs)


@pytest.mark.parametrize("args, kwargs", [((10, 3), {}), ((10, 3), dict(padding_idx=0)),
                                          ((10, 3), dict(padding_idx=-1)),
                                          ((10, 3), dict(max_norm=1.0, norm_type=1, scale_grad_by_freq=True,
                                                         sparse=True))])
def test_embedding_module(args, kwargs):
    mine, theirs = Embedding(*args, **kwargs), torch.nn.Embedding(*args, **kwargs)
    assert repr(mine) == repr(theirs) and mine.padding_idx == theirs.padding_idx
    weight = mine.weight.detach().numpy()
    assert weight.shape == (10, 3) and weight.dtype == np.float32
    if mine.padding_idx is not None:
        assert not weight[mine.padding_idx].any()
    assert 0.5 < weight.std() < 1.5  # N(0, 1)


def test_embedding_from_pretrained():
    w = minitorch.randn(4, 2)
    layer = Embedding.from_pretrained(w)
    assert repr(layer) == "Embedding(4, 2)" and not layer.weight.requires_grad
    np.testing.assert_array_equal(layer(minitorch.tensor([3, 0])).numpy(), w.numpy()[[3, 0]])
    assert Embedding.from_pretrained(w, freeze=False).weight.requires_grad


@pytest.mark.parametrize("fn", [
    lambda lib, w: F(lib).embedding(lib.tensor([10]), w),
    lambda lib, w: F(lib).embedding(lib.tensor([-1]), w),
    lambda lib, w: F(lib).embedding(lib.tensor([1.0]), w),
    lambda lib, w: F(lib).embedding(lib.tensor([1]), w, padding_idx=10),
    lambda lib, w: F(lib).embedding(lib.tensor([1]), w, padding_idx=-11),
    lambda lib, w: nn(lib).Embedding(10, 3, padding_idx=10),
    lambda lib, w: nn(lib).Embedding.from_pretrained(w[0]),
])
def test_embedding_errors(fn):
    same_error(fn, np.zeros((10, 3), np.float32))


# -- BatchNorm on an empty batch ---------------------------------------------------------------------------------
@pytest.mark.parametrize("layer, shape", [("BatchNorm1d", (0, 3)), ("BatchNorm1d", (0, 3, 4)),
                                          ("BatchNorm1d", (2, 3, 0)), ("BatchNorm2d", (0, 3, 2, 2)),
                                          ("BatchNorm2d", (2, 3, 0, 2))])
@pytest.mark.parametrize("momentum", [0.1, None])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_on_an_empty_batch_keeps_the_running_statistics(layer, shape, momentum, affine):
    """torch returns the (empty) input scaled by weight[0] plus bias[0] and leaves running_mean/var alone; a mean
    over no values made them NaN for good (and printed five NumPy warnings). The next, real batch proves it."""
    rng = np.random.default_rng(0)
    batch = rng.standard_normal((4,) + shape[1:2] + (3,) * (len(shape) - 2))
    results = {}
    for lib in (minitorch, torch):
        m = getattr(lib.nn, layer)(3, momentum=momentum, affine=affine).double()
        if affine:
            with lib.no_grad():
                m.weight.copy_(lib.from_numpy(np.array([1.5, -2.0, 0.5])))
                m.bias.copy_(lib.from_numpy(np.array([0.1, 0.2, 0.3])))
        x = lib.zeros(*shape, dtype=lib.float64, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = m(x)
            y.sum().backward()
        stats = [m.running_mean.numpy().copy(), m.running_var.numpy().copy(), int(m.num_batches_tracked)]
        grads = [p.grad.numpy().copy() for p in (m.weight, m.bias)] if affine else []
        m(lib.from_numpy(batch.copy()))  # a real batch after the empty one
        stats += [m.running_mean.numpy().copy(), m.running_var.numpy().copy(), int(m.num_batches_tracked)]
        m.eval()
        evaluated = m(lib.zeros(*shape, dtype=lib.float64))
        results[lib] = (tuple(y.shape), y.grad_fn.name(), tuple(x.grad.shape), stats, grads, tuple(evaluated.shape),
                        [str(w.message) for w in caught])
    mine, theirs = results[minitorch], results[torch]
    assert mine[:3] == theirs[:3]  # shape, graph node, input gradient's shape
    for a, b in zip(mine[3] + mine[4], theirs[3] + theirs[4]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)  # running statistics, weight and bias gradients
    assert mine[5:] == theirs[5:]  # eval on an empty batch; no warnings


def test_functional_batch_norm_on_an_empty_batch_checks_nothing_more_than_torch():
    """torch's empty-batch path comes before the size checks of the running statistics (and the eval check)."""
    for kwargs in (dict(running_mean=None, running_var=None, training=False),
                   dict(running_mean=np.zeros(4), running_var=None, training=True)):
        shapes = []
        for lib in (minitorch, torch):
            args = {k: lib.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
            y = lib.nn.functional.batch_norm(lib.zeros(0, 3, requires_grad=True), **args)
            shapes.append((tuple(y.shape), y.grad_fn.name()))
        assert shapes[0] == shapes[1] == ((0, 3), "CloneBackward0")
