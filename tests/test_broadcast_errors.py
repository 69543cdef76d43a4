"""Shapes that do not broadcast raise torch's RuntimeError, word for word, in every elementwise operation
(out of place and in place)."""
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch
from harness import error_of, same_error

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
