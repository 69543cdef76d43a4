"""Mistakes a learner makes, answered in torch's words: each one runs in minitorch and in torch, and the
exception (type and message) or the warning (category and text) must be torch's. Where the call is not a
mistake in torch (``dtype=float``, ``t // 2``, ``F.one_hot``), the results must be torch's."""
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch
from harness import assert_close, error_of, same_error


def error(call):
    """(type name, message) of the exception ``call(lib)`` raises, for minitorch and for torch: for the
    tests below that look into the two messages instead of asking them to be equal (``same_error``)."""
    out = []
    for lib in (minitorch, torch):
        raised = error_of(lambda: call(lib))
        assert raised is not None, f"{lib.__name__} does not raise"
        out.append((raised[0].__name__, raised[1]))
    return out


# -- dtype= given something that is not a dtype -------------------------------------------------------------
x_np = np.arange(6.0).reshape(2, 3)

# torch checks dtype= with a message naming the function: "zeros(): argument 'dtype' must be torch.dtype, not str"
SIMPLE_FACTORIES = {
    "tensor": lambda lib, d: lib.tensor([1.0, 2.0], dtype=d),
    "as_tensor": lambda lib, d: lib.as_tensor([1.0, 2.0], dtype=d),
    "zeros": lambda lib, d: lib.zeros(2, 3, dtype=d),
    "ones": lambda lib, d: lib.ones((2, 3), dtype=d),
    "empty": lambda lib, d: lib.empty(2, dtype=d),
    "full": lambda lib, d: lib.full((2,), 7, dtype=d),
    "zeros_like": lambda lib, d: lib.zeros_like(lib.from_numpy(x_np), dtype=d),
    "ones_like": lambda lib, d: lib.ones_like(lib.from_numpy(x_np), dtype=d),
    "empty_like": lambda lib, d: lib.empty_like(lib.from_numpy(x_np), dtype=d),
    "full_like": lambda lib, d: lib.full_like(lib.from_numpy(x_np), 7, dtype=d),
}
# torch's parser has several signatures for these and lists them all; minitorch says the same as above
OVERLOADED_FACTORIES = {
    "arange": lambda lib, d: lib.arange(5, dtype=d),
    "linspace": lambda lib, d: lib.linspace(0, 1, 5, dtype=d),
    "logspace": lambda lib, d: lib.logspace(0, 1, 5, dtype=d),
    "eye": lambda lib, d: lib.eye(3, dtype=d),
    "rand": lambda lib, d: lib.rand(2, 3, dtype=d),
    "randn": lambda lib, d: lib.randn(2, dtype=d),
    "randint": lambda lib, d: lib.randint(0, 5, (3,), dtype=d),
    "randperm": lambda lib, d: lib.randperm(4, dtype=d),
    "rand_like": lambda lib, d: lib.rand_like(lib.from_numpy(x_np), dtype=d),
    "randn_like": lambda lib, d: lib.randn_like(lib.from_numpy(x_np), dtype=d),
    "randint_like": lambda lib, d: lib.randint_like(lib.from_numpy(x_np), 5, dtype=d),
    "to": lambda lib, d: lib.from_numpy(x_np).to(dtype=d),
}
NOT_DTYPES = {"str": "float32", "numpy type": np.float32, "numpy dtype": np.dtype("float32"), "int": 3,
              "list": [1]}


@pytest.mark.parametrize("bad", NOT_DTYPES.values(), ids=NOT_DTYPES.keys())
@pytest.mark.parametrize("name", SIMPLE_FACTORIES)
def test_not_a_dtype_in_factories(name, bad):
    same_error(lambda lib: SIMPLE_FACTORIES[name](lib, bad))


@pytest.mark.parametrize("bad", NOT_DTYPES.values(), ids=NOT_DTYPES.keys())
@pytest.mark.parametrize("name", OVERLOADED_FACTORIES)
def test_not_a_dtype_in_overloaded_factories(name, bad):
    """torch answers "arange() received an invalid combination of arguments - got (int, dtype=str), but expected
    one of: <its signatures>"; minitorch gives the same TypeError in the one-signature form, which names the
    function, the argument and the type as torch's does."""
    (mine_type, mine), (theirs_type, theirs) = error(lambda lib: OVERLOADED_FACTORIES[name](lib, bad))
    type_name = minitorch._dtype.tp_name(type(bad))
    assert mine_type == theirs_type == "TypeError"
    assert mine == f"{name}(): argument 'dtype' must be torch.dtype, not {type_name}"
    assert theirs.startswith(f"{name}() received an invalid combination of arguments - got (")
    assert f"dtype={type_name}" in theirs


@pytest.mark.parametrize("python_type", [float, int, bool])
@pytest.mark.parametrize("name", list(SIMPLE_FACTORIES) + ["arange", "eye", "to"])
def test_python_types_are_dtypes(name, python_type):
    """torch reads float, int and bool as float64, int64 and bool."""
    make = {**SIMPLE_FACTORIES, **OVERLOADED_FACTORIES}[name]
    if name == "arange" and python_type is bool:
        same_error(lambda lib: make(lib, python_type))  # no arange of bools, in either
        return
    mine, theirs = make(minitorch, python_type), make(torch, python_type)
    assert repr(mine.dtype) == repr(theirs.dtype)
    if name not in ("empty", "empty_like"):
        assert_close(mine, theirs)


@pytest.mark.parametrize("call", [
    lambda lib: lib.ones(2).to("float32"),        # a dtype where a device is expected
    lambda lib: lib.ones(2).to("cuda0"),
    lambda lib: lib.device("float32"),
    lambda lib: lib.device("cuda:x"),
    lambda lib: lib.ones(2).type("float32"),      # .type() takes legacy names ('torch.DoubleTensor')
    lambda lib: lib.ones(2).type("torch.float32"),
    lambda lib: lib.ones(2).type(float),
    lambda lib: lib.ones(2).type(np.float32),
    lambda lib: lib.ones(2).type(3),
])
def test_dtype_strings_elsewhere(call):
    same_error(call)


@pytest.mark.parametrize("name", ["torch.DoubleTensor", "torch.LongTensor", "torch.BoolTensor", "torch.HalfTensor"])
def test_type_by_legacy_name(name):
    mine, theirs = minitorch.ones(2).type(name), torch.ones(2).type(name)
    assert repr(mine.dtype) == repr(theirs.dtype)
    assert mine.type() == theirs.type() == name


# -- a list or an ndarray where a tensor is expected --------------------------------------------------------
NOT_TENSORS = {"list": [[1.0, 2.0], [3.0, 4.0]], "ndarray": np.ones((2, 2), np.float32), "float": 1.5, "None": None}

TAKING_A_TENSOR = {
    "F.relu": lambda lib, x: lib.nn.functional.relu(x),
    "F.relu inplace": lambda lib, x: lib.nn.functional.relu(x, inplace=True),
    "F.relu_": lambda lib, x: lib.nn.functional.relu_(x),
    "nn.ReLU": lambda lib, x: lib.nn.ReLU()(x),
    "F.leaky_relu": lambda lib, x: lib.nn.functional.leaky_relu(x),
    "F.leaky_relu_": lambda lib, x: lib.nn.functional.leaky_relu_(x),
    "nn.LeakyReLU": lambda lib, x: lib.nn.LeakyReLU()(x),
    "F.hardtanh": lambda lib, x: lib.nn.functional.hardtanh(x),
    "F.relu6": lambda lib, x: lib.nn.functional.relu6(x),
    "F.relu6 inplace": lambda lib, x: lib.nn.functional.relu6(x, inplace=True),
    "nn.ReLU6": lambda lib, x: lib.nn.ReLU6()(x),
    "F.elu": lambda lib, x: lib.nn.functional.elu(x),
    "F.elu_": lambda lib, x: lib.nn.functional.elu_(x),
    "F.selu": lambda lib, x: lib.nn.functional.selu(x),
    "F.gelu": lambda lib, x: lib.nn.functional.gelu(x),
    "F.gelu bad approximate": lambda lib, x: lib.nn.functional.gelu(x, approximate="x"),
    "nn.GELU": lambda lib, x: lib.nn.GELU()(x),
    "F.silu": lambda lib, x: lib.nn.functional.silu(x),
    "F.softplus": lambda lib, x: lib.nn.functional.softplus(x),
    "F.logsigmoid": lambda lib, x: lib.nn.functional.logsigmoid(x),
    "F.softshrink": lambda lib, x: lib.nn.functional.softshrink(x),
    "nn.Sigmoid": lambda lib, x: lib.nn.Sigmoid()(x),
    "nn.Tanh": lambda lib, x: lib.nn.Tanh()(x),
    "F.sigmoid": lambda lib, x: lib.nn.functional.sigmoid(x),  # torch: an AttributeError, 'sigmoid'
    "F.softmax": lambda lib, x: lib.nn.functional.softmax(x, dim=1),
    "nn.Softmax": lambda lib, x: lib.nn.Softmax(dim=1)(x),
    "F.log_softmax": lambda lib, x: lib.nn.functional.log_softmax(x, dim=1),
    "nn.Linear": lambda lib, x: lib.nn.Linear(2, 3)(x),
    "nn.Linear no bias": lambda lib, x: lib.nn.Linear(2, 3, bias=False)(x),
    "F.linear weight": lambda lib, x: lib.nn.functional.linear(lib.ones(2, 2), x),
    "F.linear bias": lambda lib, x: lib.nn.functional.linear(lib.ones(2, 2), lib.ones(3, 2), x),
    "nn.Sequential": lambda lib, x: lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.ReLU())(x),
    "nn.Conv2d": lambda lib, x: lib.nn.Conv2d(1, 2, 1)(x),
    "nn.Conv2d no bias": lambda lib, x: lib.nn.Conv2d(1, 2, 1, bias=False, padding=1)(x),
    "F.conv2d all arguments": lambda lib, x: lib.nn.functional.conv2d(x, lib.ones(2, 1, 1, 1), None, 1, 0, 1, 1),
    "F.conv2d weight": lambda lib, x: lib.nn.functional.conv2d(lib.ones(1, 1, 2, 2), x, None, (1, 1), 0, 1, 1),
    "F.mse_loss input": lambda lib, x: lib.nn.functional.mse_loss(x, lib.ones(2, 2)),
    "F.mse_loss target": lambda lib, x: lib.nn.functional.mse_loss(lib.ones(2, 2), x),
    "nn.MSELoss": lambda lib, x: lib.nn.MSELoss()(x, lib.ones(2, 2)),
    "F.l1_loss": lambda lib, x: lib.nn.functional.l1_loss(x, lib.ones(2, 2)),
    "F.binary_cross_entropy": lambda lib, x: lib.nn.functional.binary_cross_entropy(x, lib.ones(2, 2)),
    "nn.BCEWithLogitsLoss": lambda lib, x: lib.nn.BCEWithLogitsLoss()(x, lib.ones(2, 2)),
    "F.cross_entropy input": lambda lib, x: lib.nn.functional.cross_entropy(x, lib.tensor([0, 1])),
    "F.cross_entropy target": lambda lib, x: lib.nn.functional.cross_entropy(lib.ones(2, 2), x),
    "F.cross_entropy weight": lambda lib, x: lib.nn.functional.cross_entropy(lib.ones(2, 2), lib.tensor([0, 1]), x),
    "nn.CrossEntropyLoss": lambda lib, x: lib.nn.CrossEntropyLoss()(x, lib.tensor([0, 1])),
    "F.nll_loss input": lambda lib, x: lib.nn.functional.nll_loss(x, lib.tensor([0, 1])),
    "F.nll_loss target": lambda lib, x: lib.nn.functional.nll_loss(lib.ones(2, 2), x),
    "F.one_hot": lambda lib, x: lib.nn.functional.one_hot(x),
}


@pytest.mark.parametrize("value", NOT_TENSORS.values(), ids=NOT_TENSORS.keys())
@pytest.mark.parametrize("name", TAKING_A_TENSOR)
def test_not_a_tensor(name, value):
    if value is None and name in ("F.linear bias", "F.cross_entropy weight"):
        pytest.skip("None is the default there: no mistake")
    same_error(lambda lib: TAKING_A_TENSOR[name](lib, value))


def test_conv2d_of_a_list_in_torch_words():
    """nn.Conv2d passes conv2d all seven arguments: torch's message then says, for both of its signatures,
    which arguments it could not match (the values, one by one)."""
    call = lambda lib: lib.nn.Conv2d(1, 1, (1, 1), stride=(2, 1))([[1.0], [2.0, 3.0]])  # noqa: E731
    same_error(call)
    (_, mine), _ = error(call)

    assert "!list of [list, list]!" in mine and "!tuple of (int, int)!" in mine


# -- floor division ----------------------------------------------------------------------------------------
def floor_divide_pair(dtype):
    """Two arrays that broadcast together, with negatives; integer divisors never 0."""
    shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4)
    if np.dtype(dtype).kind == "f":
        elements = st.floats(-50, 50, allow_nan=False, width=np.dtype(dtype).itemsize * 8)
        divisors = st.one_of(elements, st.sampled_from([-2.0, -0.5, 0.25, 3.0]))
    else:
        info = np.iinfo(dtype)
        elements = st.integers(max(info.min, -1000), min(info.max, 1000))
        divisors = elements.filter(lambda v: v != 0)
    return shapes.flatmap(lambda s: st.tuples(hnp.arrays(dtype, s.input_shapes[0], elements=elements),
                                              hnp.arrays(dtype, s.input_shapes[1], elements=divisors)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int32, np.int8, np.uint8])
@given(data=st.data())
def test_floor_divide_values(dtype, data):
    """Rounded toward -inf (torch >= 1.13), for every sign of both operands; integers stay integers. The
    floating results are compared exactly: both engines take the same IEEE steps (fmod, a subtraction, a
    division, floor), each correctly rounded."""
    a, b = data.draw(floor_divide_pair(dtype))
    for op in (lambda lib, x, y: x // y, lambda lib, x, y: lib.floor_divide(x, y),
               lambda lib, x, y: x.floor_divide(y)):
        mine = op(minitorch, minitorch.from_numpy(a.copy()), minitorch.from_numpy(b.copy()))
        theirs = op(torch, torch.from_numpy(a.copy()), torch.from_numpy(b.copy()))
        assert mine.dtype.name == str(theirs.dtype).split(".")[1]
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())


@pytest.mark.parametrize("call", [
    lambda lib: lib.tensor([-7, -3, 0, 5, 7]) // 2,
    lambda lib: lib.tensor([-7, -3, 0, 5, 7]) // -2,
    lambda lib: lib.tensor([-7, -3, 0, 5, 7]) // 2.5,                          # int tensor, float number: float32
    lambda lib: 7 // lib.tensor([-3, -2, 2, 3]),                               # __rfloordiv__
    lambda lib: -7.5 // lib.tensor([-3, -2, 2, 3]),
    lambda lib: lib.tensor([5, -5], dtype=lib.int32) // lib.tensor(2),         # a 0-d int64 does not widen
    lambda lib: lib.tensor([200], dtype=lib.uint8) // lib.tensor([-3], dtype=lib.int8),  # int16
    lambda lib: lib.tensor([True, False]) // 2,
    lambda lib: lib.tensor([5.0, -5.0], dtype=lib.float64) // lib.tensor([3.0]),
    lambda lib: lib.tensor([-3.0, -0.0, 0.0, 2.5]) // 0,                       # ±inf and nan, as IEEE
    lambda lib: lib.tensor([-3.0, 0.0, 2.5]) // lib.tensor([0.0, -0.0, -0.0]),
    lambda lib: lib.tensor([-2 ** 63]) // -1,                                  # wraps, silently
    lambda lib: lib.tensor([], dtype=lib.int64) // 0,                          # nothing divided: no error
    lambda lib: lib.floor_divide(lib.tensor([5.0, 7.0]), 2, out=lib.empty(2)),
    lambda lib: lib.tensor(7) // lib.tensor(-2),
])
def test_floor_divide_promotion_and_edges(call):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch is silent here, so must minitorch be
        mine, theirs = call(minitorch), call(torch)
    assert mine.dtype.name == str(theirs.dtype).split(".")[1]
    assert mine.shape == theirs.shape
    np.testing.assert_array_equal(mine.numpy(), theirs.numpy())


@pytest.mark.parametrize("call", [
    lambda lib: lib.tensor([4, 5]) // 0,                                       # RuntimeError: ZeroDivisionError
    lambda lib: lib.tensor([4, 5]) // lib.tensor([1, 0]),
    lambda lib: 7 // lib.tensor([1, 0]),
    lambda lib: lib.tensor([4, 5], dtype=lib.uint8).floor_divide_(0),
    lambda lib: lib.tensor([True]) // lib.tensor([True]),                      # no bool kernel
    lambda lib: lib.ones(2, 3) // lib.ones(4),                                 # shapes
    lambda lib: lib.tensor([5, 6]).floor_divide_(2.5),                         # float result into an int tensor
    lambda lib: lib.ones(2, requires_grad=True).floor_divide_(2),              # a leaf, in place
    lambda lib: (lib.tensor([-3.0, 2.5], requires_grad=True) // 2).sum().backward(),
    lambda lib: lib.autograd.grad((7 // lib.tensor([-3.0, 2.5], requires_grad=True)).sum(),
                                  [lib.tensor(1.0, requires_grad=True)]),
])
def test_floor_divide_errors(call):
    same_error(call)


def test_floor_divide_in_place():
    for lib in (minitorch, torch):
        t = lib.tensor([-7, -3, 5, 7])
        same = t
        t //= 2
        assert t is same
        u = lib.tensor([-7.5, 3.0])
        u.floor_divide_(lib.tensor([2.0, -2.0]))
        assert t.tolist() == [-4, -2, 2, 3] and u.tolist() == [-4.0, -2.0]


def test_floor_divide_graph():
    """torch has no derivative for floor_divide: the result of a tensor that requires grad requires grad, its
    node is NotImplemented, with an edge to each input that requires grad (and none to the others)."""
    def graph(lib):
        x = lib.tensor([-3.0, 2.5], requires_grad=True)
        c = lib.tensor([1.0, 2.0])
        nodes = []
        for y in (x // 2, 7 // x, x // x, lib.floor_divide(c, x), x.clone().floor_divide_(c)):
            nodes.append((y.requires_grad, y.grad_fn.name(),
                          [fn.name() if fn is not None else None for fn, _ in y.grad_fn.next_functions]))
        with lib.no_grad():
            nodes.append((x // 2).requires_grad)
        return nodes
    assert graph(minitorch) == graph(torch)


# -- default_collate of samples of different sizes ----------------------------------------------------------
@pytest.mark.parametrize("samples", [
    lambda lib: [lib.ones(2), lib.ones(3)],
    lambda lib: [lib.ones(2, 3), lib.ones(2, 3), lib.ones(3, 2)],
    lambda lib: [lib.ones(2), lib.ones(2, 1)],
    lambda lib: [(lib.ones(2), 0), (lib.ones(3), 1)],
    lambda lib: [{"image": lib.ones(1, 2)}, {"image": lib.ones(1, 3)}],
    lambda lib: [np.ones(2), np.ones(3)],
])
def test_collate_of_unequal_sizes(samples):
    same_error(lambda lib: lib.utils.data.default_collate(samples(lib)))
    same_error(lambda lib: next(iter(lib.utils.data.DataLoader(samples(lib), batch_size=3))))


def test_collate_stacks_as_torch():
    """torch's collate is torch.stack: mixed dtypes promote as torch promotes them (int64 with float32 is
    float32, where NumPy would give float64), samples that require grad give a graph."""
    for make in (lambda lib: [lib.ones(2, dtype=lib.int64), lib.ones(2, dtype=lib.float32)],
                 lambda lib: [lib.ones(2, dtype=lib.int32), lib.ones(2, dtype=lib.int64)],
                 lambda lib: [lib.ones(2, requires_grad=True), lib.ones(2)],
                 lambda lib: [np.ones(2, np.float32), np.ones(2, np.float32)]):
        mine, theirs = minitorch.utils.data.default_collate(make(minitorch)), \
            torch.utils.data.default_collate(make(torch))
        assert_close(mine, theirs)
        assert (mine.grad_fn and mine.grad_fn.name()) == (theirs.grad_fn and theirs.grad_fn.name())


# -- calling an autograd.Function object ------------------------------------------------------------------
def square(lib):
    class Square(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * a

        @staticmethod
        def backward(ctx, g):
            return g
    return Square


@pytest.mark.parametrize("args", [(), (2.0,)])
def test_function_instance(args):
    """``Square()(x)``, the old style: a DeprecationWarning on making the object, torch's error on calling it."""
    seen = []
    for lib in (minitorch, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fn = square(lib)()
        with pytest.raises(Exception) as e:
            fn(*(lib.tensor(a, requires_grad=True) for a in args))
        seen.append(([(w.category, str(w.message), w.filename, w.lineno) for w in caught],
                     type(e.value), str(e.value)))
    assert seen[0] == seen[1]
    assert seen[0][0][0][0] is DeprecationWarning and seen[0][0][0][2] == __file__


# -- F.one_hot ---------------------------------------------------------------------------------------------
@given(indices=hnp.arrays(np.int64, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
                          elements=st.integers(0, 5)),
       extra=st.sampled_from([None, 0, 1, 3]))
def test_one_hot_values(indices, extra):
    """int64, a new last dim; num_classes -1 (the default) infers max + 1."""
    num_classes = -1 if extra is None else (int(indices.max()) + 1 if indices.size else 0) + extra
    results = []
    for lib in (minitorch, torch):
        try:
            results.append(lib.nn.functional.one_hot(lib.from_numpy(indices.copy()), num_classes))
        except RuntimeError as e:
            results.append(str(e))
    mine, theirs = results
    if isinstance(theirs, str):
        assert mine == theirs
    else:
        assert not mine.requires_grad
        assert_close(mine, theirs)


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.one_hot(lib.tensor([0, -1])),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([0, -1]), 3),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([0, 3]), 3),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([0, 1]), 0),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([0, 1]), -2),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([0, 1], dtype=lib.int32)),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([0.0, 1.0])),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([], dtype=lib.int64)),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([], dtype=lib.int64), -2),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([], dtype=lib.int32), 3),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([1]), 3.0),
    lambda lib: lib.nn.functional.one_hot([0, 1]),
])
def test_one_hot_errors(call):
    same_error(call)


# -- float() of a tensor that requires grad ------------------------------------------------------------------
SCALARS = """
import json, warnings
import minitorch, torch
seen = {}
for lib in (minitorch, torch):
    seen[lib.__name__] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x = lib.tensor(2.5, requires_grad=True)
        for step, convert in [("int", lambda: int(x)), ("item", lambda: x.item()), ("bool", lambda: bool(x)),
                              ("float", lambda: float(x)), ("float again", lambda: float(x * 2)),
                              ("format", lambda: "%f" % lib.tensor([1.0], requires_grad=True))]:
            convert()
            seen[lib.__name__] += [[step, w.category.__name__, str(w.message), w.lineno] for w in caught]
            del caught[:]
print(json.dumps(seen))
"""


def test_float_of_a_tensor_that_requires_grad():
    """torch warns at float() (not int(), item() or bool()), once per process: both engines run in a fresh one.
    torch's message ends with where its C++ raised it, which is no part of what it says."""
    import json
    seen = json.loads(subprocess.run([sys.executable, "-c", SCALARS], capture_output=True, text=True,
                                     check=True).stdout)
    for entry in seen["torch"]:
        entry[2] = re.sub(r" \(Triggered internally at .*\)$", "", entry[2])
    assert seen["minitorch"] == seen["torch"]
    assert [step for step, *_ in seen["minitorch"]] == ["float"]


# -- expand, view/unflatten sizes, Sequential of something that is not a module ------------------------------
@pytest.mark.parametrize("call", [
    lambda lib: lib.ones(2, 3).expand(4, 3, 2),     # torch checks from the last dim
    lambda lib: lib.ones(2, 3).expand(5, 4),
    lambda lib: lib.ones(2, 3).expand([2, 3, 4]),
    lambda lib: lib.ones(2, 1).expand(2, 4, -1),
    lambda lib: lib.ones(2, 3).expand_as(lib.ones(3, 2)),
    lambda lib: lib.ones(2, 3, dtype=lib.int64).expand(3),
    lambda lib: lib.ones(2, 3, dtype=lib.float64).expand(3),
    lambda lib: lib.ones(2, 3, dtype=lib.bool).expand(3),
    lambda lib: lib.ones(6).view(-1, -1),
    lambda lib: lib.ones(6).view(-2, 3),
    lambda lib: lib.ones(6).view(-2, -1, -1),       # the first problem from the left is the one reported
    lambda lib: lib.ones(0).view(0, -1),
    lambda lib: lib.ones(0).reshape(-1, 0),
    lambda lib: lib.ones(6).reshape(4, -1),
    lambda lib: lib.ones(2, 6).unflatten(1, (4, 2)),
    lambda lib: lib.ones(2, 6).unflatten(1, (-1, 4)),
    lambda lib: lib.ones(2, 6).unflatten(1, (-1, 0)),
    lambda lib: lib.ones(2, 6).unflatten(1, ()),
    lambda lib: lib.ones(2, 6).unflatten(2, (3, 2)),
    lambda lib: lib.ones(2, 6).unflatten(1, 6),
    lambda lib: lib.nn.Unflatten(1, (4, 2))(lib.ones(2, 6)),
    lambda lib: lib.nn.Unflatten(5, (2, 3))(lib.ones(2, 6)),
])
def test_size_errors(call):
    same_error(call)


def without_backtrace(message):
    """torch's unflatten passes on another error's text with its C++ backtrace ("Exception raised from ...")."""
    return message.split("\nException raised from ")[0]


@pytest.mark.parametrize("call", [
    lambda lib: lib.ones(2, 6).unflatten(1, (-1, -1)),
    lambda lib: lib.ones(2, 6).unflatten(1, (-2, -3)),
    lambda lib: lib.ones(2, 0).unflatten(1, (-1, 0)),
    lambda lib: lib.ones(()).unflatten(0, (1,)),
    lambda lib: lib.nn.Unflatten(1, (-1, -1))(lib.ones(2, 6)),
    lambda lib: lib.nn.Unflatten(0, (2, 3))(lib.ones(())),
])
def test_unflatten_unexpected_errors(call):
    same_error(call, words=without_backtrace)
    assert error(call)[1][1] != without_backtrace(error(call)[1][1])  # there was a backtrace to cut


def relu_function(t):
    return t


class NotAModule:
    pass


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.Sequential(lib.nn.Linear(2, 2), lambda t: t),
    lambda lib: lib.nn.Sequential(relu_function),
    lambda lib: lib.nn.Sequential(NotAModule),
    lambda lib: lib.nn.Sequential(NotAModule()),
    lambda lib: lib.nn.Sequential([lib.nn.ReLU(), lib.nn.ReLU()]),
    lambda lib: lib.nn.Sequential(lib.nn.ReLU),                  # the class, not a layer
    lambda lib: lib.nn.Sequential(lib.ones(2)),
    lambda lib: lib.nn.ModuleList([lib.nn.ReLU(), 3]),
    lambda lib: lib.nn.Module().register_parameter("p", relu_function),
])
def test_not_a_module(call):
    """torch.typename: a function or a class by its own qualified name (minitorch's classes live under
    ``minitorch.`` where torch's live under ``torch.``)."""
    same_error(call, words=lambda message: message.replace("minitorch.", "torch."))

