"""The legacy tensor types (``torch.FloatTensor``, ...) against torch: as constructors, for ``isinstance``, and
in ``x.type(...)``; with torch's errors."""
import numpy as np
import pytest
import torch

import minitorch
from harness import check_same, same_error

NAMES = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
         "ByteTensor", "BoolTensor"]


def test_minitorch_has_torchs_legacy_types_but_bfloat16():
    have = {n for n in dir(torch) if n.endswith("Tensor") and n != "Tensor" and isinstance(getattr(torch, n), type)}
    assert have - set(NAMES) == {"BFloat16Tensor"}  # minitorch has no bfloat16


@pytest.mark.parametrize("name", NAMES)
def test_the_class_as_torchs(name):
    mine, theirs = getattr(minitorch, name), getattr(torch, name)
    assert repr(mine) == repr(theirs) and mine.__name__ == theirs.__name__ and mine.__module__ == "torch"
    assert str(mine.dtype) == str(theirs.dtype) and mine.is_sparse is False and mine.is_cuda is False
    assert str(mine.layout) == str(theirs.layout)
    assert issubclass(mine, minitorch.Tensor) is issubclass(theirs, torch.Tensor) is False
    assert type(mine).__name__ == type(theirs).__name__ == "tensortype"


MADE = {
    "shape": lambda T: T(2, 3).shape,
    "a Size": lambda T: T(T(2, 3).shape).shape,  # a Size is a shape (any other tuple is data)
    "nothing": lambda T: T(),
    "zero": lambda T: T(0),
    "empty tuple": lambda T: T(()),
    "data": lambda T: T([1, 2]),
    "tuple data": lambda T: T((2, 3)),
    "nested data": lambda T: T([[1.7, 2.2], [0, 1]]),
    "bools": lambda T: T([True, False]),
    "ndarray": lambda T: T(np.arange(4.0).reshape(2, 2)),
    "device": lambda T: T(3, device="cpu").shape,
    "type()": lambda T: T(1, 2).type(),
}


@pytest.mark.parametrize("case", MADE)
@pytest.mark.parametrize("name", NAMES)
def test_made_as_torch(name, case):
    result = (MADE[case](getattr(minitorch, name)), MADE[case](getattr(torch, name)))
    if isinstance(result[1], torch.Tensor):
        check_same(lambda lib: MADE[case](getattr(lib, name)))
    else:
        assert tuple(result[0]) == tuple(result[1]) if not isinstance(result[1], str) else result[0] == result[1]


ERRORS = {
    "negative size": lambda lib: lib.IntTensor(-1),
    "negative in shape": lambda lib: lib.FloatTensor(2, -1),
    "a number": lambda lib: lib.FloatTensor(2.5),
    "a bool": lambda lib: lib.FloatTensor(True),
    "a string": lambda lib: lib.FloatTensor("a"),
    "tensor of another dtype": lambda lib: lib.DoubleTensor(lib.ones(2)),
    "long from float": lambda lib: lib.LongTensor(lib.ones(2)),
    "bool from long": lambda lib: lib.BoolTensor(lib.ones(2, dtype=lib.int64)),
    "cuda type by name": lambda lib: lib.ones(2).type("torch.cuda.FloatTensor"),
    "unknown type name": lambda lib: lib.ones(2).type("torch.float"),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_as_torch(name):
    same_error(ERRORS[name])


@pytest.mark.parametrize("call", [lambda lib: lib.FloatTensor(3, dtype=lib.float64),
                                  lambda lib: lib.FloatTensor(3, requires_grad=True),
                                  lambda lib: lib.FloatTensor(lib.ones(2), 3)])
def test_argument_errors_are_torchs_type_error(call):
    """torch's message lists the signatures and which argument did not match each; the first line agrees."""
    same_error(call, words=lambda message: message.split(", but expected")[0])


def test_a_tensor_of_the_type_is_the_same_memory_and_graph():
    x = minitorch.ones(2, requires_grad=True)
    y = minitorch.FloatTensor(x)
    theirs = torch.FloatTensor(torch.ones(2, requires_grad=True))
    assert y is not x and y.grad_fn.name() == theirs.grad_fn.name() == "AliasBackward0"
    z = minitorch.ones(3)
    w = minitorch.FloatTensor(z)
    w[0] = 5.0
    assert z[0].item() == 5.0 and w.data_ptr() == z.data_ptr()


ISINSTANCE = [
    lambda lib: isinstance(lib.ones(2), lib.FloatTensor),
    lambda lib: isinstance(lib.ones(2, dtype=lib.float64), lib.FloatTensor),
    lambda lib: isinstance(lib.ones(2, dtype=lib.float64), lib.DoubleTensor),
    lambda lib: isinstance(lib.tensor([1, 2]), lib.LongTensor),
    lambda lib: isinstance(lib.tensor([True]), lib.BoolTensor),
    lambda lib: isinstance(lib.tensor([True]), lib.ByteTensor),
    lambda lib: isinstance(lib.nn.Parameter(lib.ones(2)), lib.FloatTensor),
    lambda lib: isinstance(lib.ones(2).to_sparse(), lib.FloatTensor),
    lambda lib: isinstance(2.0, lib.FloatTensor),
    lambda lib: type(lib.FloatTensor([1])) is lib.Tensor,
    lambda lib: issubclass(lib.FloatTensor, lib.FloatTensor),
    lambda lib: issubclass(lib.Tensor, lib.FloatTensor),
]


@pytest.mark.parametrize("i", range(len(ISINSTANCE)))
def test_isinstance_as_torch(i):
    assert ISINSTANCE[i](minitorch) == ISINSTANCE[i](torch)


TYPE = {
    "to a type": lambda lib: lib.ones(2).type(lib.DoubleTensor),
    "to a name": lambda lib: lib.ones(2).type("torch.DoubleTensor"),
    "to a dtype": lambda lib: lib.ones(2).type(lib.float64),
    "to bool by name": lambda lib: lib.tensor([0.0, 2.0]).type("torch.BoolTensor"),
    "to long by type": lambda lib: lib.tensor([1.7, -2.5]).type(lib.LongTensor),
    "name": lambda lib: lib.ones(2, dtype=lib.int16).type(),
}


@pytest.mark.parametrize("name", TYPE)
def test_type_as_torch(name):
    check_same(TYPE[name])


def test_type_to_its_own_type_is_the_tensor_itself():
    x = minitorch.ones(2)
    assert x.type(minitorch.FloatTensor) is x and x.type("torch.FloatTensor") is x


def test_tensor_of_a_size_is_that_shape_as_torch():
    """``torch.Tensor`` is the legacy constructor of the default type: a Size is a shape there too."""
    assert minitorch.Tensor(minitorch.Size([2, 3])).shape == torch.Tensor(torch.Size([2, 3])).shape == (2, 3)
    assert minitorch.Tensor((2, 3)).tolist() == torch.Tensor((2, 3)).tolist() == [2.0, 3.0]  # a tuple is data
