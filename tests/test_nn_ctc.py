"""ctc_loss and CTCLoss: the loss against a brute-force sum over every alignment (independent of torch), and
against torch - values, torch's gradient (CtcLossBackward0), graphs, padded and concatenated targets, list and
tensor lengths, unbatched input, zero_infinity, blank, every reduction, float32 - and torch's errors."""
import itertools

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
import minitorch.nn  # noqa: F401
from harness import check, float_dtypes, same_error, same_graphs


def brute_force_nll(log_probs, target, blank):
    """-log Σ over every path (one class per step) that collapses to ``target`` (repeats merged, then blanks
    dropped) of the path's probability: the definition of the CTC loss, for tiny problems."""
    steps, classes = log_probs.shape
    total = 0.0
    for path in itertools.product(range(classes), repeat=steps):
        collapsed = [c for i, c in enumerate(path) if (i == 0 or c != path[i - 1]) and c != blank]
        if collapsed == list(target):
            total += np.exp(sum(log_probs[t, c] for t, c in enumerate(path)))
    return -np.log(total) if total else np.inf


@pytest.mark.parametrize("target, steps, blank", [([1, 2], 4, 0), ([1, 1], 4, 0), ([1, 1], 3, 0), ([2], 5, 0),
                                                  ([], 3, 0), ([0, 2], 4, 1), ([1, 1, 1], 4, 0), ([2, 1], 2, 0)])
def test_loss_is_the_sum_over_alignments(target, steps, blank):
    rng = np.random.default_rng(len(target) + steps)
    logits = rng.standard_normal((steps, 3))
    log_probs = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    out = minitorch.nn.functional.ctc_loss(minitorch.from_numpy(log_probs), minitorch.tensor(target, dtype=minitorch.int64),
                                           [steps], [len(target)], blank=blank, reduction="sum")
    expected = brute_force_nll(log_probs, target, blank)
    if np.isinf(expected):  # ([1, 1, 1] in 4 steps: the repeats need blanks between them)
        assert out.item() == np.inf
    else:
        np.testing.assert_allclose(out.item(), expected, rtol=1e-12)


@st.composite
def ctc_problem(draw):
    steps, batch, classes = draw(st.integers(1, 8)), draw(st.integers(1, 4)), draw(st.integers(2, 5))
    blank = draw(st.integers(0, classes - 1))
    labels = [c for c in range(classes) if c != blank]
    input_lengths = [draw(st.integers(0, steps)) for _ in range(batch)]
    target_lengths = [draw(st.integers(0, max(0, min(4, length)))) for length in input_lengths]
    width = max(target_lengths) + draw(st.integers(0, 1))  # padded targets may be wider than the longest
    targets = np.array([[draw(st.sampled_from(labels)) for _ in range(width)] for _ in range(batch)],
                       dtype=np.int64).reshape(batch, width)
    return steps, batch, classes, blank, targets, input_lengths, target_lengths


@settings(max_examples=60, deadline=None)
@given(ctc_problem(), float_dtypes, st.sampled_from(["mean", "sum", "none"]), st.booleans(),
       st.sampled_from(["padded", "concatenated"]), st.sampled_from(["list", "tensor"]), st.booleans(),
       st.integers(0, 2 ** 16))
def test_against_torch(problem, dtype, reduction, zero_infinity, layout, lengths, normalized, seed):
    steps, batch, classes, blank, targets, input_lengths, target_lengths = problem
    x = np.random.default_rng(seed).standard_normal((steps, batch, classes)).astype(dtype)
    if layout == "concatenated":
        targets = np.concatenate([row[:n] for row, n in zip(targets, target_lengths)])

    def loss(lib, x):
        lengths_of = (lambda v: lib.tensor(v, dtype=lib.int64)) if lengths == "tensor" else tuple
        y = x.log_softmax(2) if normalized else x  # torch's gradient assumes normalized log_probs; both compared
        return lib.nn.functional.ctc_loss(y, lib.from_numpy(targets), lengths_of(input_lengths),
                                          lengths_of(target_lengths), blank=blank, reduction=reduction,
                                          zero_infinity=zero_infinity)
    mine, theirs = check(loss, x)
    same_graphs(mine, theirs)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_unbatched_and_int32_targets(reduction):
    x = np.random.default_rng(1).standard_normal((6, 4))
    for targets in (np.array([1, 3, 3]), np.array([1, 3, 3], dtype=np.int32)):
        mine, theirs = check(lambda lib, x: lib.nn.functional.ctc_loss(
            x.log_softmax(1), lib.from_numpy(targets), [6], [3], reduction=reduction), x)
        same_graphs(mine, theirs)
    check(lambda lib, x: lib.nn.functional.ctc_loss(x.log_softmax(1), lib.tensor([2, 1]), lib.tensor(5),
                                                    lib.tensor(2), reduction=reduction), x)


def test_impossible_targets_and_zero_infinity():
    """A target that no alignment reaches (too few steps) has an infinite loss and NaN gradients in torch;
    zero_infinity makes both 0."""
    x = np.random.default_rng(2).standard_normal((3, 2, 4))
    for zero_infinity in (False, True):
        mine, _ = check(lambda lib, x: lib.nn.functional.ctc_loss(
            x.log_softmax(2), lib.tensor([[1, 1, 2], [1, 2, 0]]), [3, 3], [3, 2], reduction="none",
            zero_infinity=zero_infinity), x)
        assert (mine[0][0].item() == 0.0) if zero_infinity else mine[0][0].item() == np.inf


def test_second_order_raises_as_torch():
    def second_order(lib):
        x = lib.tensor(np.random.default_rng(3).standard_normal((4, 1, 3)), requires_grad=True)
        loss = lib.nn.functional.ctc_loss(x.log_softmax(2), lib.tensor([[1, 2]]), [4], [2])
        (g,) = lib.autograd.grad(loss, x, create_graph=True)
        assert g.requires_grad
        lib.autograd.grad(g.sum(), x)
    same_error(second_order)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", [{}, dict(blank=3, reduction="sum"), dict(zero_infinity=True, reduction="none")])
def test_module(dtype, options):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((7, 3, 4)).astype(dtype)
    blank = options.get("blank", 0)
    targets = np.array([[1, 2, 2], [2, 1, 0], [1, 1, 1]]) % 3 + (blank == 0)
    built = {minitorch: minitorch.nn.CTCLoss(**options), torch: torch.nn.CTCLoss(**options)}
    assert repr(built[minitorch]) == repr(built[torch])
    assert list(built[minitorch].state_dict()) == list(built[torch].state_dict())
    check(lambda lib, x: built[lib](x.log_softmax(2), lib.from_numpy(targets), [7, 6, 2], [3, 2, 3]), x)


def _lp(lib, shape=(6, 2, 4)):
    return lib.zeros(*shape, dtype=lib.float64, requires_grad=True)


ERRORS = [
    lambda lib, F: F.ctc_loss(_lp(lib), lib.tensor([[1, 2], [3, 3]]), [7, 5], [2, 2]),
    lambda lib, F: F.ctc_loss(_lp(lib), lib.tensor([[1, 2], [3, 3]]), [-1, 5], [2, 2]),
    lambda lib, F: F.ctc_loss(_lp(lib), lib.tensor([[1, 2], [3, 3]]), [6, 5], [3, 2]),
    lambda lib, F: F.ctc_loss(_lp(lib), lib.tensor([[1, 2], [3, 3]]), [6, 5], [-1, 2]),
    lambda lib, F: F.ctc_loss(_lp(lib), lib.tensor([[1, 2], [3, 3]]), [6], [2, 2]),
    lambda lib, F: F.ctc_loss(_lp(lib), lib.tensor([[1, 2], [3, 3]]), [6, 5], [2]),
    lambda lib, F: F.ctc_loss(_lp(lib), lib.tensor([[1, 2]]), [6, 5], [2, 2]),
    lambda lib, F: F.ctc_loss(_lp(lib), lib.tensor([1, 2, 3, 3]), [6, 5], [2, 1]),
    lambda lib, F: F.ctc_loss(_lp(lib), lib.tensor([[1, 2], [3, 3]]), [6, 5], [2, 2], blank=4),
    lambda lib, F: F.ctc_loss(_lp(lib), lib.tensor([[1, 2], [3, 3]]), [6, 5], [2, 2], blank=-1),
    lambda lib, F: F.ctc_loss(_lp(lib), lib.tensor([[[1, 2], [3, 3]]]), [6, 5], [2, 2]),
    lambda lib, F: F.ctc_loss(_lp(lib, (1, 6, 2, 4)), lib.tensor([[1, 2], [3, 3]]), [6, 5], [2, 2]),
    lambda lib, F: F.ctc_loss(_lp(lib, (4,)), lib.tensor([[1, 2], [3, 3]]), [6, 5], [2, 2]),
    lambda lib, F: F.ctc_loss(_lp(lib), lib.tensor([[1, 2], [3, 3]]), [6, 5], [2, 2], reduction="foo"),
    lambda lib, F: F.ctc_loss(_lp(lib).long(), lib.tensor([[1, 2], [3, 3]]), [6, 5], [2, 2]),
    lambda lib, F: F.ctc_loss(_lp(lib), lib.tensor([[1, 2], [3, 3]]), lib.tensor([6.0, 5.0]), lib.tensor([2, 2])),
    lambda lib, F: F.ctc_loss(_lp(lib), lib.tensor([[1, 2], [3, 3]]), lib.tensor([6, 5]), [2, 2]),
    lambda lib, F: F.ctc_loss(_lp(lib, (6, 4)), lib.tensor([1, 2]), 6, 2),
    lambda lib, F: F.ctc_loss(_lp(lib, (0, 2, 4)), lib.tensor([[1], [2]]), [0, 0], [0, 1]),
    lambda lib, F: F.ctc_loss(_lp(lib, (5, 0, 4)), lib.tensor([[1], [2]]), [], []),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_match_torch(index):
    same_error(lambda lib: ERRORS[index](lib, lib.nn.functional))


def test_empty_input_lengths_as_torch():
    """No steps at all: the loss of an empty target is 0, of any other infinite; no gradient reaches x."""
    results = []
    for lib in (minitorch, torch):
        x = lib.zeros(3, 2, 4, dtype=lib.float64, requires_grad=True)
        loss = lib.nn.functional.ctc_loss(x.log_softmax(2), lib.tensor([[1, 2], [3, 3]]), [0, 0], [0, 2],
                                          reduction="none")
        (g,) = lib.autograd.grad(loss[0], x)
        results.append((loss.tolist(), g.tolist()))
    assert results[0] == results[1]
