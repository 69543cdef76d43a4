"""Broadcasting against torch: shapes that do not broadcast raise torch's RuntimeError, word for word, in
every elementwise operation (out of place and in place); broadcast_shapes, and the ops that broadcast two
shapes, with size-0 dims and mismatches."""
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch
from harness import error_of, outcome_and_warnings, same_error

OPS = {
    "add": lambda lib, a, b: a + b,
    "mul": lambda lib, a, b: lib.mul(a, b),
    "sub": lambda lib, a, b: a - b,
    "div": lambda lib, a, b: a / b,
    "maximum": lambda lib, a, b: lib.maximum(a, b),
    "where": lambda lib, a, b: lib.where(a > 0, a, b),
    "add_": lambda lib, a, b: a.add_(b),
    "mul_": lambda lib, a, b: a.mul_(b),
}


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("a,b", [((3,), (4,)), ((2, 3), (4, 3)), ((5, 2, 3), (4, 3)), ((7, 1), (1, 3, 5)),
                                 ((2, 3), (2, 1, 3)), ((1, 3), (2, 3))])
def test_message_is_torchs(op, a, b):
    if error_of(lambda: OPS[op](torch, torch.ones(*a), torch.ones(*b))) is not None:
        same_error(lambda lib: OPS[op](lib, lib.ones(*a), lib.ones(*b)))
    else:  # broadcasts in torch: must in minitorch too
        OPS[op](minitorch, minitorch.ones(*a), minitorch.ones(*b))


shape = st.lists(st.integers(1, 4), min_size=0, max_size=4).map(tuple)


@given(shape, shape)
def test_any_pair_of_shapes_fails_as_in_torch(a, b):
    if error_of(lambda: torch.ones(a) * torch.ones(b)) is not None:
        same_error(lambda lib: lib.ones(a) * lib.ones(b))
    else:
        assert (minitorch.ones(a) * minitorch.ones(b)).shape == torch.Size(torch.broadcast_shapes(a, b))


# -- broadcasting of shapes: one helper, size-0 dims included -------------------------------------------------------
BROADCAST_SHAPES = [((2, 3), (3,)), ((0,), (1,)), ((1,), (0,)), ((0, 3), (2, 1, 3)), ((2, 1), (1, 3), (4, 1, 1)),
                    ((),), (),
                    (2, (3, 1)), ([2, 3],), ((5, 1, 0), (1, 4, 1)), ((2,), (3,)), ((2, 3), (4, 3)), ((1, 2), (3, 4)),
                    ((3,), (2,), (4,)), ((0,), (2,)), ((-1,),), ((2, 0), (2, 3))]


@pytest.mark.parametrize("shapes", BROADCAST_SHAPES, ids=str)
def test_broadcast_shapes_matches_torch(shapes):
    mine, theirs = (outcome_and_warnings(lambda: lib.broadcast_shapes(*shapes))[0] for lib in (minitorch, torch))
    if theirs[0] == "ok":
        assert mine[0] == "ok" and tuple(mine[1]) == tuple(theirs[1]) and repr(mine[1]) == repr(theirs[1])
    else:
        assert mine == theirs


BROADCASTING_OPS = {  # ops that broadcast two shapes, and torch's message (or result) for them
    "mse_loss (0, 3) and (1, 3)": lambda lib: lib.nn.functional.mse_loss(lib.zeros(0, 3), lib.zeros(1, 3),
                                                                         reduction="none"),
    "l1_loss (1, 3) and (0, 3)": lambda lib: lib.nn.functional.l1_loss(lib.zeros(1, 3), lib.zeros(0, 3),
                                                                       reduction="none"),
    "mse_loss (2, 3) and (3, 2)": lambda lib: lib.nn.functional.mse_loss(lib.zeros(2, 3), lib.zeros(3, 2)),
    "masked_fill (2, 3) and (3, 2)": lambda lib: lib.zeros(2, 3).masked_fill(lib.zeros(3, 2, dtype=lib.bool), 1.0),
    "take_along_dim (1, 3) and (0, 2)": lambda lib: lib.take_along_dim(lib.zeros(1, 3),
                                                                       lib.zeros(0, 2, dtype=lib.long), 1),
    "add (2, 3, 4) and (5, 3, 1)": lambda lib: lib.zeros(2, 3, 4) + lib.zeros(5, 3, 1),
    "where (2, 3), (3, 2), (2,)": lambda lib: lib.where(lib.zeros(2, 3, dtype=lib.bool), lib.zeros(3, 2), lib.zeros(2)),
}


@pytest.mark.parametrize("name", BROADCASTING_OPS)
def test_ops_that_broadcast_agree_with_torch_on_size_0_and_mismatches(name):
    mine, theirs = (outcome_and_warnings(lambda: BROADCASTING_OPS[name](lib))[0] for lib in (minitorch, torch))
    if theirs[0] == "ok":
        assert mine[0] == "ok" and tuple(mine[1].shape) == tuple(theirs[1].shape)
    else:
        assert mine == theirs


@given(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=3).flatmap(
    lambda shape: st.lists(st.lists(st.sampled_from([0, 1] + list(shape) or [1]), min_size=0, max_size=4), max_size=4)))
def test_broadcast_shapes_generated_like_torch(shapes):
    """Generated shape lists (0-size dims, mismatches and all): the same shape, or the same error, as torch."""
    mine, theirs = (outcome_and_warnings(lambda: tuple(lib.broadcast_shapes(*shapes)))[0] for lib in (minitorch, torch))
    assert mine == theirs
