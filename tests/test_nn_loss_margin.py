"""The margin losses (nn/functional/margin.py) and their modules against torch: values, gradients of every input
that requires grad, node names and whole graphs (composed as torch composes them), second order where torch's
OpInfo has it, the deprecated flags and torch's errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
import minitorch.nn  # noqa: F401
from harness import (array, check, float_dtypes, outcome_and_warnings, same_error, same_graphs, second_order)

REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


def signs(rng, shape, dtype):
    return np.where(rng.uniform(size=shape) < 0.5, -1.0, 1.0).astype(dtype)


def off_kinks(x, *points):
    """``x`` moved 0.1 away from each of ``points`` (where a hinge has its kink)."""
    for p in points:
        x = np.where(np.abs(x - p) < 0.05, x + 0.1, x)
    return x.astype(x.dtype)


# -- between two inputs, or against a label's sign ---------------------------------------------------------
@settings(max_examples=40)
@given(st.data(), float_dtypes, REDUCTIONS, st.sampled_from([0.0, 0.5]))
def test_margin_ranking_loss(data, dtype, reduction, margin):
    a = data.draw(array(dtype=dtype, min_dims=1, max_dims=3, low=-3, high=3))
    rng = np.random.default_rng(data.draw(st.integers(0, 99)))
    t = signs(rng, a.shape, dtype)
    b = np.asarray(a - t * off_kinks(rng.uniform(-2, 2, a.shape), margin), dtype)  # -t(a - b) + margin away from 0
    mine, theirs = check(lambda lib, a, b: lib.nn.functional.margin_ranking_loss(
        a, b, lib.from_numpy(t), margin=margin, reduction=reduction), a, b)
    same_graphs(mine, theirs)


@settings(max_examples=40)
@given(st.data(), float_dtypes, REDUCTIONS, st.sampled_from([1.0, 2.0]))
def test_hinge_embedding_loss(data, dtype, reduction, margin):
    x = off_kinks(data.draw(array(dtype=dtype, min_dims=0, max_dims=3, low=-3, high=3)), margin)
    t = signs(np.random.default_rng(data.draw(st.integers(0, 99))), x.shape, dtype)
    mine, theirs = check(lambda lib, x: lib.nn.functional.hinge_embedding_loss(
        x, lib.from_numpy(t), margin=margin, reduction=reduction), x)
    same_graphs(mine, theirs)


@settings(max_examples=40)
@given(st.data(), float_dtypes, REDUCTIONS, st.sampled_from([0.0, 0.3]), st.booleans())
def test_cosine_embedding_loss(data, dtype, reduction, margin, batched):
    shape = (data.draw(st.integers(1, 4)),) * batched + (data.draw(st.integers(1, 5)),)
    a = data.draw(array(shape=shape, dtype=dtype, low=-3, high=3))
    b = data.draw(array(shape=shape, dtype=dtype, low=-3, high=3))
    a = np.where(np.abs(a).sum(-1, keepdims=True) < 0.1, a + 1, a).astype(dtype)
    b = np.where(np.abs(b).sum(-1, keepdims=True) < 0.1, b + 1, b).astype(dtype)
    cos = (a * b).sum(-1) / np.sqrt((a * a).sum(-1) * (b * b).sum(-1))
    if np.any(np.abs(cos - margin) < 1e-2):  # the hinge's kink
        return
    t = signs(np.random.default_rng(data.draw(st.integers(0, 99))), shape[:-1], dtype)
    mine, theirs = check(lambda lib, a, b: lib.nn.functional.cosine_embedding_loss(
        a, b, lib.from_numpy(t), margin=margin, reduction=reduction), a, b, atol_scale=10)
    same_graphs(mine, theirs)


@settings(max_examples=40)
@given(st.data(), float_dtypes, REDUCTIONS)
def test_soft_margin_losses(data, dtype, reduction):
    x = data.draw(array(dtype=dtype, min_dims=1, max_dims=3, low=-6, high=6))
    rng = np.random.default_rng(data.draw(st.integers(0, 99)))
    t = signs(rng, x.shape, dtype)
    check(lambda lib, x: lib.nn.functional.soft_margin_loss(x, lib.from_numpy(t), reduction=reduction), x)
    labels = (t > 0).astype(dtype)
    w = rng.uniform(0.5, 2, x.shape[-1:]).astype(dtype)
    for weight in (None, w):
        mine, theirs = check(lambda lib, x: lib.nn.functional.multilabel_soft_margin_loss(
            x, lib.from_numpy(labels), None if weight is None else lib.from_numpy(weight), reduction=reduction), x)
        same_graphs(mine, theirs)


# -- class margins: multi_margin, multilabel_margin ----------------------------------------------------------
@settings(max_examples=40)
@given(st.data(), float_dtypes, REDUCTIONS, st.sampled_from([1, 2]), st.sampled_from([1.0, 0.5]), st.booleans(),
       st.sampled_from([2, 1, 0]))
def test_multi_margin_loss(data, dtype, reduction, p, margin, weighted, dims):
    n, c = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 5))
    shape = {2: (n, c), 1: (c,), 0: ()}[dims]
    x = np.round(data.draw(array(shape=shape, dtype=dtype, low=-2, high=2)) * 8) / 8 + 1 / 32  # z never 0
    rows = n if dims == 2 else 1
    t = np.asarray(data.draw(st.lists(st.integers(0, max(c, 1) - 1 if dims else 0), min_size=rows,
                                      max_size=rows)))
    t = t if dims == 2 else t.reshape(data.draw(st.sampled_from([(), (1,)])))
    w = np.random.default_rng(0).uniform(0.5, 2, max(c, 1) if dims else 1).astype(dtype)
    check(lambda lib, x: lib.nn.functional.multi_margin_loss(
        x, lib.from_numpy(t), p=p, margin=margin, weight=lib.from_numpy(w) if weighted else None,
        reduction=reduction), np.asarray(x, dtype))


@settings(max_examples=40)
@given(st.data(), float_dtypes, REDUCTIONS, st.booleans())
def test_multilabel_margin_loss(data, dtype, reduction, batched):
    n, c = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 5))
    shape = (n, c) if batched else (c,)
    x = np.round(data.draw(array(shape=shape, dtype=dtype, low=-2, high=2)) * 8) / 8 + 1 / 32  # z never 0
    t = np.asarray(data.draw(st.lists(st.integers(-1, c - 1), min_size=n * c, max_size=n * c))).reshape(n, c)
    t = t if batched else t[0]
    check(lambda lib, x: lib.nn.functional.multilabel_margin_loss(x, lib.from_numpy(t), reduction=reduction),
          np.asarray(x, dtype))


# -- triplets -----------------------------------------------------------------------------------------------
@settings(max_examples=40)
@given(st.data(), float_dtypes, REDUCTIONS, st.sampled_from([1.0, 2.0, 3.0]), st.booleans(), st.booleans())
def test_triplet_margin_loss(data, dtype, reduction, p, swap, batched):
    shape = (data.draw(st.integers(1, 4)),) * batched + (data.draw(st.integers(1, 5)),)
    a, pos, neg = (data.draw(array(shape=shape, dtype=dtype, low=-3, high=3)) for _ in range(3))
    mine, theirs = check(lambda lib, a, pos, neg: lib.nn.functional.triplet_margin_loss(
        a, pos, neg, margin=0.5, p=p, swap=swap, reduction=reduction), a, pos, neg, atol_scale=10)
    same_graphs(mine, theirs)


@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("distance", ["default", "cosine", "squared"])
def test_triplet_margin_with_distance_loss(swap, distance):
    rng = np.random.default_rng(6)
    a, pos, neg = (rng.standard_normal((5, 4)) for _ in range(3))

    def dist(lib):
        return {"default": None,
                "cosine": lambda x, y: 1 - (x * y).sum(-1) / ((x * x).sum(-1) * (y * y).sum(-1)).sqrt(),
                "squared": lambda x, y: ((x - y) ** 2).sum(-1)}[distance]
    for reduction in ("mean", "none"):
        mine, theirs = check(lambda lib, a, pos, neg: lib.nn.functional.triplet_margin_with_distance_loss(
            a, pos, neg, distance_function=dist(lib), margin=1.5, swap=swap, reduction=reduction), a, pos, neg)
        same_graphs(mine, theirs)


def test_second_order():
    rng = np.random.default_rng(7)
    x, y, z = (rng.standard_normal((3, 4)) for _ in range(3))
    t = signs(rng, (3, 4), np.float64)
    second_order(lambda lib, x: lib.nn.functional.soft_margin_loss(x, lib.from_numpy(t)), x)
    second_order(lambda lib, x: lib.nn.functional.multilabel_soft_margin_loss(x, lib.from_numpy((t > 0) * 1.0),
                                                                              lib.tensor([1.0, 2, 3, 4])), x)
    second_order(lambda lib, x, y: lib.nn.functional.cosine_embedding_loss(x, y, lib.from_numpy(t[:, 0]),
                                                                           reduction="sum"), x, y)
    second_order(lambda lib, x, y, z: lib.nn.functional.triplet_margin_loss(x, y, z, margin=3.0, p=3), x, y, z)
    second_order(lambda lib, x, y, z: lib.nn.functional.triplet_margin_with_distance_loss(x, y, z, margin=3.0,
                                                                                          swap=True), x, y, z)


# -- modules ------------------------------------------------------------------------------------------------
MODULES = [("MarginRankingLoss", dict(margin=0.5), 3), ("HingeEmbeddingLoss", dict(margin=2.0, reduction="sum"), 2),
           ("CosineEmbeddingLoss", dict(margin=0.2), 3), ("SoftMarginLoss", dict(size_average=False), 2),
           ("MultiLabelSoftMarginLoss", dict(weight=True), 2), ("MultiLabelMarginLoss", dict(reduction="none"), 2),
           ("MultiMarginLoss", dict(p=2, margin=0.5, weight=True), 2), ("TripletMarginLoss", dict(p=1.0, swap=True), 3),
           ("TripletMarginWithDistanceLoss", dict(margin=0.5, swap=True), 3)]


@pytest.mark.parametrize("name, options, arity", MODULES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_modules(name, options, arity, dtype):
    rng = np.random.default_rng(8)
    x, y, z = (rng.standard_normal((4, 3)).astype(dtype) for _ in range(3))
    target = {"MultiLabelMarginLoss": np.array([[0, 2, -1], [1, -1, 0], [2, 1, 0], [-1, 0, 0]]),
              "MultiMarginLoss": np.array([0, 2, 1, 1]), "MultiLabelSoftMarginLoss": (y > 0).astype(dtype),
              "MarginRankingLoss": signs(rng, (4, 3), dtype), "CosineEmbeddingLoss": signs(rng, (4,), dtype)}
    target = target.get(name, signs(rng, (4, 3), dtype))

    def build(lib):
        kwargs = {k: lib.linspace(0.5, 2, 3, dtype=lib.float64 if dtype == np.float64 else lib.float32)
                  if k == "weight" else v for k, v in options.items()}
        with pytest.warns(UserWarning) if "size_average" in kwargs else _nothing():
            return getattr(lib.nn, name)(**kwargs)
    mine, theirs = build(minitorch), build(torch)
    if name != "TripletMarginWithDistanceLoss":  # torch's default distance is a PairwiseDistance() child module
        assert repr(mine) == repr(theirs)
    assert mine.reduction == theirs.reduction and list(mine.state_dict()) == list(theirs.state_dict())
    modules = {minitorch: mine, torch: theirs}
    if arity == 3:
        if name in ("MarginRankingLoss", "CosineEmbeddingLoss"):
            check(lambda lib, x, y: modules[lib](x, y, lib.from_numpy(target)), x, y, atol_scale=10)
        else:
            check(lambda lib, x, y, z: modules[lib](x, y, z), x, y, z, atol_scale=10)
    else:
        check(lambda lib, x: modules[lib](x, lib.from_numpy(target)), x)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# -- errors -------------------------------------------------------------------------------------------------
X = np.random.default_rng(9).standard_normal((3, 4))


def _long(lib, data):
    return lib.tensor(data, dtype=lib.int64)


ERRORS = [
    lambda lib, F, x: F.margin_ranking_loss(x, x, lib.ones(3)),
    lambda lib, F, x: F.margin_ranking_loss(x, x, lib.ones(5, 4)),
    lambda lib, F, x: F.margin_ranking_loss(x, x, lib.ones(3, 4), reduction="foo"),
    lambda lib, F, x: F.hinge_embedding_loss(x, lib.ones(5, 4)),
    lambda lib, F, x: F.cosine_embedding_loss(x, x, lib.ones(3, 1)),
    lambda lib, F, x: F.cosine_embedding_loss(x, x, lib.ones(())),
    lambda lib, F, x: F.cosine_embedding_loss(x[0], x[0], lib.ones(3)),
    lambda lib, F, x: F.cosine_embedding_loss(x, x[:2], lib.ones(3)),
    lambda lib, F, x: F.soft_margin_loss(x, lib.ones(5, dtype=lib.float64)),
    lambda lib, F, x: F.soft_margin_loss(x, x),
    lambda lib, F, x: F.multilabel_soft_margin_loss(x, lib.ones(3, 4), reduction="foo"),
    lambda lib, F, x: F.multi_margin_loss(x, _long(lib, [1, 2, 4])),
    lambda lib, F, x: F.multi_margin_loss(x, _long(lib, [1, -1, 0])),
    lambda lib, F, x: F.multi_margin_loss(x, _long(lib, [1, 2])),
    lambda lib, F, x: F.multi_margin_loss(x, _long(lib, [[1, 2, 3]])),
    lambda lib, F, x: F.multi_margin_loss(x, lib.tensor([1.0, 2.0, 3.0])),
    lambda lib, F, x: F.multi_margin_loss(x, _long(lib, [1, 2, 3]), p=3),
    lambda lib, F, x: F.multi_margin_loss(x, _long(lib, [1, 2, 3]), weight=lib.ones(3, dtype=lib.float64)),
    lambda lib, F, x: F.multi_margin_loss(x, _long(lib, [1, 2, 3]), weight=lib.ones(2, 2, dtype=lib.float64)),
    lambda lib, F, x: F.multi_margin_loss(x, _long(lib, [1, 2, 3]), weight=lib.ones(4)),
    lambda lib, F, x: F.multi_margin_loss(lib.zeros(3, 0, dtype=lib.float64), _long(lib, [0, 0, 0])),
    lambda lib, F, x: F.multi_margin_loss(x.unsqueeze(0), _long(lib, [1, 2, 3])),
    lambda lib, F, x: F.multilabel_margin_loss(x, _long(lib, [1, 2, 3])),
    lambda lib, F, x: F.multilabel_margin_loss(x, lib.zeros(3, 3, dtype=lib.int64)),
    lambda lib, F, x: F.multilabel_margin_loss(x, lib.full((3, 4), 5, dtype=lib.int64)),
    lambda lib, F, x: F.multilabel_margin_loss(x, lib.full((3, 4), -2, dtype=lib.int64)),
    lambda lib, F, x: F.multilabel_margin_loss(x, lib.zeros(3, 4)),
    lambda lib, F, x: F.multilabel_margin_loss(x[0, 0], _long(lib, 1)),
    lambda lib, F, x: F.multilabel_margin_loss(x.unsqueeze(0), lib.zeros(1, 3, 4, dtype=lib.int64)),
    lambda lib, F, x: F.triplet_margin_loss(x, x, x[0]),
    lambda lib, F, x: F.triplet_margin_loss(x, x, x, margin=0),
    lambda lib, F, x: F.triplet_margin_loss(x, x[:2], x),
    lambda lib, F, x: F.triplet_margin_loss(x, x, x, reduction="foo"),
    lambda lib, F, x: F.triplet_margin_with_distance_loss(x, x, x, margin=-1.0),
    lambda lib, F, x: F.triplet_margin_with_distance_loss(x, x, x[0]),
    lambda lib, F, x: F.triplet_margin_with_distance_loss(x, x, x, reduction="foo"),
    lambda lib, F, x: lib.nn.MultiMarginLoss(p=3),
    lambda lib, F, x: lib.nn.MultiMarginLoss(weight=lib.ones(2, 2)),
    lambda lib, F, x: lib.nn.TripletMarginLoss(margin=0.0),
    lambda lib, F, x: lib.nn.TripletMarginWithDistanceLoss(margin=0.0),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_match_torch(index):
    same_error(lambda lib: ERRORS[index](lib, lib.nn.functional, lib.from_numpy(X.copy()).requires_grad_()))


def test_deprecated_flags_as_torch():
    def call(lib):
        F, x = lib.nn.functional, lib.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=lib.float64)
        return [F.margin_ranking_loss(x, -x, lib.ones(2, 2, dtype=lib.float64), size_average=False).tolist(),
                F.hinge_embedding_loss(x, -lib.ones(2, 2, dtype=lib.float64), reduce=False).tolist(),
                F.soft_margin_loss(x, lib.ones(2, 2, dtype=lib.float64), reduce=False, size_average=True).tolist(),
                F.multilabel_soft_margin_loss(x, lib.ones(2, 2, dtype=lib.float64), size_average=False).tolist(),
                F.multi_margin_loss(x, lib.tensor([0, 1]), reduce=False).tolist(),
                F.triplet_margin_loss(x, x, -x, size_average=False).tolist()]
    mine, theirs = (outcome_and_warnings(lambda: call(lib)) for lib in (minitorch, torch))
    assert mine[0] == theirs[0] and mine[1] == theirs[1] and len(mine[1]) == 6
