"""Tensor attributes, conversions and devices, and the blitz's tensor examples (seeds 000 and 001), whose
printed text must be what torch prints."""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch

DTYPES = [np.float32, np.float64, np.float16, np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]
arrays = hnp.arrays(st.sampled_from(DTYPES), hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4))


def needs(*names):
    """The names a test uses exist (a test fails, rather than skips, when one goes missing)."""
    missing = [n for n in names if not hasattr(minitorch.Tensor, n) and not hasattr(minitorch, n)]
    assert not missing, f"missing: {', '.join(missing)}"


def both(make):
    """``make(lib)`` for minitorch and torch: the value's repr, or the error's type and message."""
    out = []
    for lib in (minitorch, torch):
        try:
            out.append(repr(make(lib)))
        except Exception as e:  # noqa: BLE001 - the error is the result being compared
            out.append(f"{type(e).__name__}: {e}")
    return out


def same(make):
    mine, theirs = both(make)
    assert mine == theirs


def printed(capsys, snippet):
    """What ``snippet(lib)`` prints, asserted equal in both libraries."""
    snippet(minitorch)
    mine = capsys.readouterr().out
    snippet(torch)
    theirs = capsys.readouterr().out
    assert mine == theirs, f"minitorch printed:\n{mine}\ntorch printed:\n{theirs}"
    return mine


# -- shape, size, dtype, device ---------------------------------------------------------------------------
@given(arrays)
def test_shape_attributes_match_torch(a):
    for attr in (lambda lib, t: t.shape, lambda lib, t: t.size(), lambda lib, t: str(t.shape),
                 lambda lib, t: f"{t.shape}", lambda lib, t: t.dim(), lambda lib, t: t.ndim,
                 lambda lib, t: t.ndimension(), lambda lib, t: t.numel(), lambda lib, t: t.nelement(),
                 lambda lib, t: lib.numel(t), lambda lib, t: t.dtype, lambda lib, t: str(t.dtype),
                 lambda lib, t: t.device, lambda lib, t: str(t.device), lambda lib, t: t.is_cuda,
                 lambda lib, t: t.is_floating_point(), lambda lib, t: t.element_size(), lambda lib, t: t.type(),
                 lambda lib, t: t.stride(), lambda lib, t: t.is_contiguous(), lambda lib, t: len(t),
                 lambda lib, t: t.tolist(), lambda lib, t: t.item(), lambda lib, t: lib.is_tensor(t)):
        same(lambda lib: attr(lib, lib.from_numpy(a)))
    for dim in range(-a.ndim - 1, a.ndim + 1) if a.ndim else ():
        same(lambda lib: lib.from_numpy(a).size(dim))
        same(lambda lib: lib.from_numpy(a).stride(dim))


@pytest.mark.parametrize("dim", [0, -1, 1])
def test_size_of_a_0d_tensor(dim):
    same(lambda lib: lib.tensor(3.0).size(dim))
    same(lambda lib: lib.tensor(3.0).stride(dim))


def test_size_is_a_tuple_that_prints_like_torch():
    for lib in (minitorch, torch):
        s = lib.ones(3, 4).shape
        assert isinstance(s, tuple) and s == (3, 4) and s != [3, 4] and hash(s) == hash((3, 4))
    for make in (lambda lib: lib.Size([3, 4]), lambda lib: lib.Size(), lambda lib: lib.Size([0]),
                 lambda lib: lib.Size(range(3)), lambda lib: lib.Size([3, 4])[1:], lambda lib: lib.Size([3, 4])[0],
                 lambda lib: lib.Size([3, 4]) + (1,), lambda lib: lib.Size([1]) + lib.Size([2]),
                 lambda lib: lib.Size([3, 4]).numel(), lambda lib: f"{lib.Size([3, 4])!r:>30}",
                 lambda lib: str(lib.Size([5, 3])), lambda lib: lib.ones(2, 3).size()[1:]):
        same(make)


@pytest.mark.parametrize("make", [lambda lib: (1,) + lib.Size([3, 4]), lambda lib: lib.Size([3, 4]) * 2,
                                  lambda lib: f"{lib.Size([3, 4]):>30}"], ids=["radd", "mul", "format spec"])
def test_size_arithmetic_and_format_spec(make):
    same(make)


def test_device_and_cuda():
    same(lambda lib: lib.ones(2).device)
    same(lambda lib: lib.device("cuda" if lib.cuda.is_available() else "cpu"))
    same(lambda lib: str(lib.device("cuda:0")))
    same(lambda lib: lib.device("cuda", 1))
    same(lambda lib: lib.device("gpu"))
    same(lambda lib: lib.device("cpu") == lib.device("cpu"))
    assert minitorch.cuda.is_available() is False and minitorch.cuda.device_count() == 0


def test_device_does_not_equal_a_string():
    same(lambda lib: lib.device("cpu") == "cpu")


@pytest.mark.parametrize("move", [
    lambda t: t.to("cuda"), lambda t: t.to("cuda:0"), lambda t: t.cuda(),
    lambda t: t.to(minitorch.device("cuda")), lambda t: t.to("cuda", minitorch.float64),
    lambda t: minitorch.ones(2, device="cuda"), lambda t: minitorch.ones_like(t, device="cuda"),
    lambda t: minitorch.tensor([1.0], device=minitorch.device("cuda:0")),
])
def test_cuda_is_refused_with_a_pointer_to_the_reference_engine(move):
    with pytest.raises(RuntimeError, match="reference"):
        move(minitorch.ones(2))


def test_moves_that_change_nothing_return_the_tensor_itself():
    def moves(lib):
        t = lib.ones(2)
        return [t.cpu() is t, t.to("cpu") is t, t.to(lib.device("cpu")) is t, t.to(lib.float32) is t,
                t.to(lib.float32, copy=True) is t, t.float() is t, t.to(lib.float64) is t]
    same(moves)


# -- values out ---------------------------------------------------------------------------------------------
@given(arrays)
def test_item_and_tolist_give_torchs_python_values(a):
    for make in (lambda lib: lib.from_numpy(a).tolist(), lambda lib: lib.from_numpy(a).item(),
                 lambda lib: type(lib.from_numpy(a).item())):
        same(make)
    if a.size == 1 and np.isfinite(a).all():
        for make in (lambda lib: float(lib.from_numpy(a)), lambda lib: int(lib.from_numpy(a)),
                     lambda lib: bool(lib.from_numpy(a))):
            same(make)


@pytest.mark.parametrize("make", [lambda lib: float(lib.ones(2)), lambda lib: int(lib.ones(0)),
                                  lambda lib: bool(lib.ones(0)), lambda lib: bool(lib.ones(2)),
                                  lambda lib: lib.ones(2).item()], ids=["float", "int", "bool", "bool2", "item"])
def test_python_number_conversions_of_many_elements(make):
    same(make)


def test_blitz_item_is_a_python_float():
    x = minitorch.randn(1)
    assert type(x.item()) is float and x.item() == float(x.numpy()[0])


# -- autograd attributes ------------------------------------------------------------------------------------
def test_leaf_attributes_match_torch():
    for make in (lambda lib: lib.ones(2).is_leaf, lambda lib: lib.ones(2).requires_grad,
                 lambda lib: lib.ones(2).grad_fn, lambda lib: lib.ones(2, requires_grad=True).is_leaf,
                 lambda lib: lib.ones(2, requires_grad=True).grad_fn,
                 lambda lib: (lib.ones(2, requires_grad=True) * 2).is_leaf,
                 lambda lib: (lib.ones(2, requires_grad=True) * 2).requires_grad,
                 lambda lib: (lib.ones(2, requires_grad=True) * 2).grad_fn.name(),
                 lambda lib: type((lib.ones(2, requires_grad=True) * 2).grad_fn).__name__,
                 lambda lib: (lib.ones(2) * 2).requires_grad, lambda lib: (lib.ones(2) * 2).is_leaf,
                 lambda lib: (lib.ones(2, requires_grad=True) * 2).detach().is_leaf,
                 lambda lib: lib.ones(2).requires_grad_().requires_grad,
                 lambda lib: lib.ones(2, requires_grad=True).numpy(),
                 lambda lib: lib.ones(2, dtype=lib.int64).requires_grad_(False).requires_grad):
        same(make)


def test_setting_requires_grad_on_an_integer_tensor():
    def set_it(lib):
        t = lib.ones(2, dtype=lib.int64)
        t.requires_grad = True
    same(set_it)


# -- conversions --------------------------------------------------------------------------------------------
CONVERSIONS = {
    "float": lambda lib, t: t.float(), "double": lambda lib, t: t.double(), "half": lambda lib, t: t.half(),
    "long": lambda lib, t: t.long(), "int": lambda lib, t: t.int(), "short": lambda lib, t: t.short(),
    "char": lambda lib, t: t.char(), "byte": lambda lib, t: t.byte(), "bool": lambda lib, t: t.bool(),
    "to dtype": lambda lib, t: t.to(lib.float64), "to dtype kw": lambda lib, t: t.to(dtype=lib.int16),
    "to cpu double": lambda lib, t: t.to("cpu", lib.double), "to tensor": lambda lib, t: t.to(lib.ones(1, dtype=lib.int32)),
    "type": lambda lib, t: t.type(lib.float64),
}


@st.composite
def convertible_arrays(draw, unsigned):
    """Arrays whose values every dtype holds: integers, quarters for floats (truncated by integer
    conversions), nothing negative where an unsigned type is involved (C leaves that undefined)."""
    dtype = np.dtype(draw(st.sampled_from(DTYPES)))
    low = 0 if unsigned or dtype == np.uint8 else -100
    elements = st.booleans() if dtype == np.bool_ else st.integers(low, 100)
    if dtype.kind == "f":
        elements = elements.map(lambda x: x / 4)
    return draw(hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), elements=elements))


@given(st.data(), st.sampled_from(sorted(CONVERSIONS)))
def test_conversions_match_torch(data, name):
    a = data.draw(convertible_arrays(unsigned=name == "byte"))

    def convert(lib):
        out = CONVERSIONS[name](lib, lib.from_numpy(a.copy()))
        return out.dtype, out.tolist(), out.shape
    same(convert)


@pytest.mark.parametrize("name", sorted(CONVERSIONS))
def test_conversion_grad_fn_matches_torch(name):
    """A float-to-float copy records ToCopyBackward0; a copy to an integer type leaves the graph."""
    def convert(lib):
        x = lib.tensor([1.5, -2.0], requires_grad=True)
        out = CONVERSIONS[name](lib, x)
        return out is x, out.requires_grad, out.is_leaf, out.grad_fn and type(out.grad_fn).__name__, out.dtype
    same(convert)


def test_conversion_gradient_flows_back():
    x = minitorch.tensor([1.5, -2.0], requires_grad=True)
    (x.double() * 3).sum().backward()
    assert x.grad.dtype == minitorch.float32 and x.grad.tolist() == [3.0, 3.0]


# -- new_* --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda lib: lib.tensor([5.5, 3]).new_ones(5, 3, dtype=lib.double),
    lambda lib: lib.tensor([5.5, 3]).new_ones((2, 3)),
    lambda lib: lib.ones(2, dtype=lib.int32).new_ones(2),
    lambda lib: lib.ones(2, dtype=lib.float64).new_zeros(2, 3),
    lambda lib: lib.ones(2).new_zeros((2, 3)),
    lambda lib: lib.ones(2, dtype=lib.int32).new_full((2,), 7.5),
    lambda lib: lib.ones(2).new_tensor([1, 2]),
    lambda lib: lib.ones(2, dtype=lib.float64).new_tensor([1, 2]),
    lambda lib: lib.ones(2).new_empty(3).shape,
    lambda lib: lib.ones(2).new_ones(2, requires_grad=True),
])
def test_new_factories_match_torch(make):
    same(make)


# -- formatting ---------------------------------------------------------------------------------------------
@given(arrays.filter(lambda a: a.ndim > 0))
def test_f_strings_of_tensors_match_torch(a):
    same(lambda lib: f"{lib.from_numpy(a)}")
    same(lambda lib: f"Tensor: \n {lib.from_numpy(a)} \n")
    same(lambda lib: format(lib.from_numpy(a), ""))


@pytest.mark.parametrize("make", [lambda lib: f"{lib.tensor(4.5):.2f}", lambda lib: f"{lib.tensor(3):05d}",
                                  lambda lib: f"{lib.tensor(2.5, dtype=lib.float64):e}"])
def test_format_spec_on_0d_tensors(make):
    same(make)


@pytest.mark.parametrize("make", [lambda lib: f"{lib.tensor(4.5)}", lambda lib: f"{lib.tensor(True)}",
                                  lambda lib: f"{lib.tensor(4.5, requires_grad=True)}",
                                  lambda lib: f"{lib.ones(2):>30}"], ids=["0-d", "0-d bool", "0-d grad", "spec"])
def test_format_of_0d_tensors_is_their_item(make):
    same(make)


# -- the blitz (seeds 000 and 001), printed ----------------------------------------------------------------
def test_blitz_tensor_initialisation(capsys):
    def snippet(lib):
        data = [[1, 2], [3, 4]]
        x_data = lib.tensor(data)
        np_array = np.array(data)
        x_np = lib.from_numpy(np_array)
        print(x_data, x_np)
        x_ones = lib.ones_like(x_data)
        print(f"Ones Tensor: \n {x_ones} \n")
        x_rand = lib.rand_like(x_data, dtype=lib.float)
        print(x_rand.shape, x_rand.dtype)
        shape = (2, 3,)
        rand_tensor = lib.rand(shape)
        ones_tensor = lib.ones(shape)
        zeros_tensor = lib.zeros(shape)
        print(rand_tensor.shape)
        print(f"Ones Tensor: \n {ones_tensor} \n")
        print(f"Zeros Tensor: \n {zeros_tensor}")

    out = printed(capsys, snippet)
    assert "Ones Tensor: \n tensor([[1, 1],\n        [1, 1]]) \n" in out
    assert "Zeros Tensor: \n tensor([[0., 0., 0.],\n        [0., 0., 0.]])\n" in out


def test_blitz_tensor_attributes(capsys):
    def snippet(lib):
        tensor = lib.rand(3, 4)
        print(f"Shape of tensor: {tensor.shape}")
        print(f"Datatype of tensor: {tensor.dtype}")
        print(f"Device tensor is stored on: {tensor.device}")
        if lib.cuda.is_available():
            tensor = tensor.to("cuda")

    out = printed(capsys, snippet)
    assert out == ("Shape of tensor: torch.Size([3, 4])\nDatatype of tensor: torch.float32\n"
                   "Device tensor is stored on: cpu\n")


def test_blitz_indexing_and_slicing(capsys):
    needs("__setitem__")

    def snippet(lib):
        tensor = lib.ones(4, 4)
        tensor[:, 1] = 0
        print(tensor)

    assert printed(capsys, snippet) == ("tensor([[1., 0., 1., 1.],\n        [1., 0., 1., 1.],\n"
                                        "        [1., 0., 1., 1.],\n        [1., 0., 1., 1.]])\n")


def _blitz_tensor(lib):
    """The blitz's 4x4 tensor of ones with a zero column."""
    tensor = lib.ones(4, 4)
    tensor[:, 1] = 0
    return tensor


def test_blitz_cat(capsys):
    needs("__setitem__", "cat")
    printed(capsys, lambda lib: print(lib.cat([_blitz_tensor(lib)] * 3, dim=1)))


def test_blitz_mul_and_matmul(capsys):
    needs("__setitem__")

    def products(lib):
        tensor = _blitz_tensor(lib)
        print(f"tensor.mul(tensor): \n {tensor.mul(tensor)} \n")
        print(f"tensor * tensor: \n {tensor * tensor}")

    printed(capsys, products)
    needs("matmul", "T")

    def matmuls(lib):
        tensor = _blitz_tensor(lib)
        print(f"tensor.matmul(tensor.T): \n {tensor.matmul(tensor.T)} \n")
        print(f"tensor @ tensor.T: \n {tensor @ tensor.T}")

    out = printed(capsys, matmuls)
    assert "tensor([[3., 3., 3., 3.],\n        [3., 3., 3., 3.]," in out


def test_blitz_add_in_place(capsys):
    needs("__setitem__")

    def snippet(lib):
        tensor = _blitz_tensor(lib)
        print(tensor, "\n")
        tensor.add_(5)
        print(tensor)

    out = printed(capsys, snippet)
    assert out.endswith("tensor([[6., 5., 6., 6.],\n        [6., 5., 6., 6.],\n        [6., 5., 6., 6.],\n"
                        "        [6., 5., 6., 6.]])\n")


def test_blitz_001_declarations(capsys):
    def snippet(lib):
        x = lib.empty(5, 3)
        print(x.shape, x.dtype)
        rand_x = lib.rand(5, 3)
        print(rand_x.shape)
        zero_x = lib.zeros(5, 3, dtype=lib.long)
        print(zero_x)
        tensor1 = lib.tensor([5.5, 3])
        print(tensor1)
        tensor2 = tensor1.new_ones(5, 3, dtype=lib.double)
        print(tensor2)
        tensor3 = lib.randn_like(tensor2, dtype=lib.float)
        print(tensor3.size())
        print(tensor3.dtype)

    out = printed(capsys, snippet)
    assert "tensor([5.5000, 3.0000])\n" in out
    assert "        [1., 1., 1.]], dtype=torch.float64)\ntorch.Size([5, 3])\ntorch.float32\n" in out


def test_blitz_001_view_sizes(capsys):
    def snippet(lib):
        x = lib.randn(4, 4)
        y = x.view(16)
        z = x.view(-1, 8)
        print(x.size(), y.size(), z.size())

    assert printed(capsys, snippet) == "torch.Size([4, 4]) torch.Size([16]) torch.Size([2, 8])\n"


def test_blitz_001_numpy_bridge(capsys):
    def snippet(lib):
        a = lib.ones(5)
        print(a)
        b = a.numpy()
        print(b)
        a.add_(1)
        print(a)
        print(b)
        a = np.ones(5)
        b = lib.from_numpy(a)
        np.add(a, 1, out=a)
        print(a)
        print(b)

    assert printed(capsys, snippet) == ("tensor([1., 1., 1., 1., 1.])\n[1. 1. 1. 1. 1.]\n"
                                        "tensor([2., 2., 2., 2., 2.])\n[2. 2. 2. 2. 2.]\n"
                                        "[2. 2. 2. 2. 2.]\ntensor([2., 2., 2., 2., 2.], dtype=torch.float64)\n")


def test_blitz_001_cuda_section_takes_the_cpu_path(capsys):
    def snippet(lib):
        x = lib.ones(1) * 1.4549
        if lib.cuda.is_available():
            device = lib.device("cuda")
            y = lib.ones_like(x, device=device)
            x = x.to(device)
            print(x + y)
        print(x.to("cpu", lib.double).dtype)

    assert printed(capsys, snippet) == "torch.float64\n"


def _torch_message(fn):
    with pytest.raises(RuntimeError) as info:
        fn()
    return str(info.value)


@pytest.mark.parametrize("name", [d.name for d in minitorch._dtype.ALL])
def test_dtype_names_are_the_ones_torchs_messages_use(name):
    """Each dtype carries the names torch's messages give it: its C++ ScalarType (dot's dtype error), its
    C++ type (mm's), and its legacy tensor type (``t.type()``)."""
    d, td = getattr(minitorch._dtype, name if name != "bool" else "bool_"), getattr(torch, name)
    other = torch.float32 if td is torch.float64 else torch.float64
    dot = _torch_message(lambda: torch.dot(torch.ones(2, dtype=td), torch.ones(2, dtype=other)))
    mm = _torch_message(lambda: torch.mm(torch.ones(2, 2, dtype=td), torch.ones(2, 2, dtype=other)))
    assert dot.split("found ")[1].split(" and")[0] == d.scalar_name
    assert mm.split("got: ")[1].split(" !=")[0] == d.cpp_name
    assert torch.ones(1, dtype=td).type() == d.tensor_type


def test_dtype_name_tables_live_only_in_dtype_module():
    """One home for torch's names of the dtypes: no module of minitorch keeps its own table of them (copies
    drift apart); they read ``dtype.scalar_name``, ``dtype.cpp_name``, ``dtype.tensor_type``."""
    import ast
    import pathlib
    dtypes = {d.name: d for d in minitorch._dtype.ALL}
    root = pathlib.Path(minitorch.__file__).parent
    copies = []
    for path in root.rglob("*.py"):
        if path.name == "_dtype.py" and path.parent == root:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Dict) or len(node.keys) < 3:
                continue
            entries = [(k.value, v.value) for k, v in zip(node.keys, node.values)
                       if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)]
            for attr in ("scalar_name", "cpp_name", "tensor_type"):  # a table that is one of the attributes
                if len(entries) == len(node.keys) and all(
                        k in dtypes and getattr(dtypes[k], attr) == v for k, v in entries):
                    copies.append(f"{path.relative_to(root)}:{node.lineno} ({attr})")
    assert copies == []


def test_constructed_tensors_start_with_the_fields_operations_give():
    """``_init`` (Tensor(...), Parameter(...)) and ``_make`` (every operation's result) write the same
    fields with the same starting values; they are two lists on purpose (speed), so this keeps them equal."""
    import importlib
    tensor_module = importlib.import_module("minitorch.tensor")
    data = np.zeros(3)
    made, built = tensor_module._make(data), minitorch.Tensor(data)
    fields = [name for name in minitorch.Tensor.__slots__ if name != "__weakref__"]
    for name in fields:
        assert hasattr(made, name) and hasattr(built, name), name
        if name != "_data":
            assert getattr(made, name) == getattr(built, name), name
    parameter = minitorch.nn.Parameter(minitorch.from_numpy(data))
    assert all(hasattr(parameter, name) for name in fields)
