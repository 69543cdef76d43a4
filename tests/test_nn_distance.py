"""cosine_similarity, pairwise_distance, pdist and bilinear, and their layers, compared with torch: values,
gradients and graphs on generated inputs (float32 and float64), second derivatives, errors word for word,
and the layers' reprs, parameters, state_dict keys and initialisation bounds."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import array, broadcast_pair, check, on_grid, same_error, same_graphs, second_order
from reference.interop import copy_weights


def F(lib):
    return lib.nn.functional


@settings(max_examples=20, deadline=None)
@given(broadcast_pair(low=-3, high=3), st.sampled_from([1e-8, 0.5]), st.data())
def test_cosine_similarity_matches_torch(pair, eps, data):
    # away from zero: for a vector of tiny norm the gradient is a difference of terms of size 1/‖x‖ that cancel,
    # and float32 rounding is all that is left of it
    a, b = (np.where(np.abs(x) < 0.25, x.dtype.type(0.5), x) for x in pair)
    ndim = max(a.ndim, b.ndim, 1)
    dim = data.draw(st.integers(-ndim, ndim - 1))
    mine, theirs = check(lambda lib, a, b: F(lib).cosine_similarity(a, b, dim, eps), a, b)
    same_graphs(mine, theirs)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([np.float32, np.float64]), st.lists(st.integers(1, 4), min_size=1, max_size=3),
       st.sampled_from([1.0, 2.0, 3.0, 0.5, float("inf")]), st.booleans(), st.data())
def test_pairwise_distance_matches_torch(dtype, shape, p, keepdim, data):
    a = data.draw(array(shape=tuple(shape), dtype=dtype, low=-3, high=3))
    b = data.draw(array(shape=tuple(shape), dtype=dtype, low=-3, high=3))
    mine, theirs = check(lambda lib, a, b: F(lib).pairwise_distance(a, b, p, keepdim=keepdim), a, b)
    same_graphs(mine, theirs)  # NormBackward1 of AddBackward1 of SubBackward0


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([np.float32, np.float64]), st.integers(1, 5), st.integers(1, 4),
       st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 3.0, float("inf")]), st.data())
def test_pdist_matches_torch(dtype, n, m, p, data):
    # on a grid of quarters: equal rows (zero distances) and ties of |d| (p = ∞) are common
    x = on_grid(data.draw(array(shape=(n, m), dtype=dtype, low=-2, high=2)))
    mine, theirs = check(lambda lib, x: F(lib).pdist(x, p), x)
    same_graphs(mine, theirs)


@settings(max_examples=15, deadline=None)
@given(st.sampled_from([np.float32, np.float64]), st.lists(st.integers(0, 3), max_size=2), st.integers(1, 4),
       st.integers(1, 4), st.integers(1, 3), st.booleans(), st.data())
def test_bilinear_matches_torch(dtype, batch, in1, in2, out, bias, data):
    x1 = data.draw(array(shape=(*batch, in1), dtype=dtype, low=-2, high=2))
    x2 = data.draw(array(shape=(*batch, in2), dtype=dtype, low=-2, high=2))
    w = data.draw(array(shape=(out, in1, in2), dtype=dtype, low=-2, high=2))
    if bias:
        b = data.draw(array(shape=(out,), dtype=dtype, low=-2, high=2))
        check(lambda lib, x1, x2, w, b: F(lib).bilinear(x1, x2, w, b), x1, x2, w, b)
    else:
        check(lambda lib, x1, x2, w: F(lib).bilinear(x1, x2, w), x1, x2, w)


def test_bilinear_graph():
    rng = np.random.default_rng(0)
    x1, x2, w, b = rng.standard_normal((2, 3)), rng.standard_normal((2, 4)), rng.standard_normal((5, 3, 4)), \
        rng.standard_normal(5)
    mine, theirs = check(lambda lib, x1, x2, w, b: F(lib).bilinear(x1, x2, w, b), x1, x2, w, b)
    same_graphs(mine, theirs)  # AddBackward0 of ViewBackward0 of TrilinearBackward0 (of views of the inputs)


@pytest.mark.parametrize("call, shapes", [
    (lambda lib, a, b: F(lib).cosine_similarity(a, b, 1), [(3, 4), (3, 4)]),
    (lambda lib, a, b: F(lib).pairwise_distance(a, b, 3.0), [(3, 4), (3, 4)]),
    (lambda lib, x: F(lib).pdist(x), [(4, 3)]),
    (lambda lib, x: F(lib).pdist(x, 1.5), [(4, 3)]),
    (lambda lib, x: F(lib).pdist(x, 3.0), [(4, 3)]),
    (lambda lib, x1, x2, w, b: F(lib).bilinear(x1, x2, w, b), [(2, 3), (2, 4), (5, 3, 4), (5,)]),
], ids=["cosine_similarity", "pairwise_distance", "pdist", "pdist 1.5", "pdist 3", "bilinear"])
def test_second_order(call, shapes):
    rng = np.random.default_rng(5)
    second_order(call, *[rng.standard_normal(s) for s in shapes])


ERRORS = [
    lambda lib: F(lib).cosine_similarity(lib.zeros(3), lib.zeros(3)),
    lambda lib: F(lib).cosine_similarity(lib.tensor([1, 2]), lib.tensor([1, 2]), 0),
    lambda lib: F(lib).cosine_similarity(lib.zeros(2, 3), lib.zeros(2, 4)),
    lambda lib: F(lib).pairwise_distance(lib.zeros(3), lib.zeros(4)),
    lambda lib: F(lib).pdist(lib.zeros(2, 3, 4)),
    lambda lib: F(lib).pdist(lib.zeros(2, 3), -1),
    lambda lib: F(lib).pdist(lib.tensor([[1, 2]])),
    lambda lib: F(lib).bilinear(lib.zeros(2, 3), lib.zeros(2, 4), lib.zeros(5, 3, 3)),
    lambda lib: F(lib).bilinear(lib.zeros(2, 2), lib.zeros(2, 4), lib.zeros(5, 3, 4)),
    lambda lib: F(lib).bilinear(lib.zeros(2, 3), lib.zeros(3, 4), lib.zeros(5, 3, 4)),
    lambda lib: F(lib).bilinear(lib.zeros(2, 3), lib.zeros(1, 2, 4), lib.zeros(5, 3, 4)),
    lambda lib: F(lib).bilinear(lib.zeros(2, 3), lib.zeros(2, 4), lib.zeros(5, 3, 4), lib.zeros(4)),
    lambda lib: F(lib).bilinear(lib.zeros(2, 3), lib.zeros(2, 4, dtype=lib.float64), lib.zeros(5, 3, 4)),
]


@pytest.mark.parametrize("call", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors(call):
    same_error(call)


@pytest.mark.parametrize("name, args", [("CosineSimilarity", ()), ("CosineSimilarity", (0, 0.1)),
                                        ("PairwiseDistance", ()), ("PairwiseDistance", (1.0, 1e-3, True))])
def test_distance_layers_match_torch(name, args):
    mine, theirs = getattr(minitorch.nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(mine) == repr(theirs)
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    np.testing.assert_allclose(mine(minitorch.from_numpy(a), minitorch.from_numpy(b)).numpy(),
                               theirs(torch.from_numpy(a), torch.from_numpy(b)).numpy(), rtol=1e-12)


@pytest.mark.parametrize("bias", [True, False])
def test_bilinear_layer_matches_torch(bias):
    mine, theirs = minitorch.nn.Bilinear(3, 4, 5, bias), torch.nn.Bilinear(3, 4, 5, bias)
    assert repr(mine) == repr(theirs)
    assert [n for n, _ in mine.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert list(mine.state_dict()) == list(theirs.state_dict())
    bound = 1 / np.sqrt(3)  # W and b uniform in ±1/√in1_features
    for p in mine.parameters():
        assert np.all(np.abs(p.detach().numpy()) <= bound) and p.detach().numpy().std() > 0
    copy_weights(theirs, mine)
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3)).astype(np.float32), rng.standard_normal((2, 4)).astype(np.float32)
    np.testing.assert_allclose(mine(minitorch.from_numpy(a), minitorch.from_numpy(b)).detach().numpy(),
                               theirs(torch.from_numpy(a), torch.from_numpy(b)).detach().numpy(), rtol=1e-5, atol=1e-6)
    same_error(lambda lib: lib.nn.Bilinear(0, 2, 3))
