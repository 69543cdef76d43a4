"""Shape ops against torch: values, node names, gradients (first and second order), memory sharing, errors;
cat/stack and hstack/vstack/dstack/column_stack, atleast_nd, split/tensor_split."""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch
from harness import (array, assert_close, check, double_backward, float_dtypes, outcome, same_error, same_graphs,
                     to_mini, to_torch)

# torch deprecates x.T for ndim != 2 (the harness and these tests use it to make non-contiguous inputs)
pytestmark = [pytest.mark.filterwarnings("ignore:The use of `x.T`:UserWarning"),
              pytest.mark.filterwarnings("ignore:Tensor.T is deprecated:UserWarning")]


# -- single-tensor ops, with arguments drawn to fit the input's shape ----------------------------------
def _dim(data, a, extra=0):
    n = max(a.ndim + extra, 1)
    return data.draw(st.integers(-n, n - 1))


def _perm(data, a):
    return tuple(data.draw(st.permutations(range(a.ndim))))


def draw_op(name, data, a):
    """``fn(lib, x)`` for op ``name``, with its arguments drawn for an input like ``a``."""
    nd = a.ndim
    if name == "flatten":
        s = _dim(data, a)
        e = data.draw(st.integers(s % max(nd, 1), max(nd, 1) - 1))
        return lambda lib, x: x.flatten(s, e)
    if name == "squeeze":
        return lambda lib, x: x.squeeze()
    if name == "squeeze_dim":
        d = _dim(data, a)
        return lambda lib, x: x.squeeze(d)
    if name == "squeeze_dims":
        dims = tuple(data.draw(st.sets(st.integers(0, max(nd, 1) - 1))))
        return lambda lib, x: lib.squeeze(x, dims)
    if name == "unsqueeze":
        d = _dim(data, a, 1)
        return lambda lib, x: x.unsqueeze(d)
    if name == "permute":
        p = _perm(data, a)
        return (lambda lib, x: x.permute(*p)) if p and data.draw(st.booleans()) else (lambda lib, x: x.permute(p))
    if name in ("transpose", "swapaxes", "swapdims"):
        d0, d1 = _dim(data, a), _dim(data, a)
        return lambda lib, x: getattr(x, name)(d0, d1)
    if name == "t":
        return lambda lib, x: x.t() if x.ndim <= 2 else x.flatten(1).t()
    if name == "T":
        return lambda lib, x: x.T
    if name == "mT":
        return lambda lib, x: x.mT if x.ndim >= 2 else x.reshape(1, -1).mT
    if name == "movedim":
        k = data.draw(st.integers(0, nd))
        src = tuple(data.draw(st.permutations(range(nd)))[:k])
        dst = tuple(data.draw(st.permutations(range(nd)))[:k])
        return lambda lib, x: x.movedim(src, dst)
    if name == "repeat":
        reps = tuple(data.draw(st.lists(st.integers(0, 3), min_size=nd, max_size=nd + 2)))
        return lambda lib, x: x.repeat(reps)
    if name == "flip":
        dims = tuple(data.draw(st.sets(st.integers(0, max(nd, 1) - 1)))) if nd else ()
        return lambda lib, x: x.flip(dims)
    if name == "unflatten":
        d = _dim(data, a)
        n = a.shape[d] if nd else 1
        sizes = (n, 1) if data.draw(st.booleans()) else (1, -1)
        return lambda lib, x: x.reshape(1).unflatten(0, sizes) if x.ndim == 0 else x.unflatten(d, sizes)
    if name == "view_as":
        return lambda lib, x: x.contiguous().view_as(lib.zeros(x.numel()))
    if name == "reshape_as":
        return lambda lib, x: x.reshape_as(lib.zeros(x.numel(), 1))
    if name == "narrow":
        d = _dim(data, a)
        n = a.shape[d] if nd else 1
        start = data.draw(st.integers(0, n))
        length = data.draw(st.integers(0, n - start))
        return lambda lib, x: x.narrow(d, start, length) if x.ndim else x.reshape(1).narrow(0, start, length)
    if name == "ravel":
        return lambda lib, x: x.ravel()
    raise KeyError(name)


ONE_INPUT = ["flatten", "squeeze", "squeeze_dim", "squeeze_dims", "unsqueeze", "permute", "transpose", "swapaxes",
             "swapdims", "t", "T", "mT", "movedim", "repeat", "flip", "unflatten", "view_as", "reshape_as",
             "narrow", "ravel"]
VIEWS = ["flatten", "squeeze", "squeeze_dim", "squeeze_dims", "unsqueeze", "permute", "transpose", "T", "t",
         "mT", "movedim", "narrow", "unflatten"]


# shapes with size-1 dims, so that squeeze has something to do
shapes_with_ones = st.lists(st.sampled_from([1, 1, 2, 3]), min_size=0, max_size=4).map(tuple)


@pytest.mark.parametrize("name", ONE_INPUT)
@given(data=st.data(), shape=shapes_with_ones, dtype=float_dtypes)
def test_one_input_ops(name, data, shape, dtype):
    a = data.draw(array(shape=shape, dtype=dtype))
    check(draw_op(name, data, a), a)


@pytest.mark.parametrize("name", ONE_INPUT)
@given(data=st.data(), shape=shapes_with_ones)
def test_one_input_ops_second_order(name, data, shape):
    a = data.draw(array(shape=shape, dtype=np.float64))
    double_backward(draw_op(name, data, a), a)


@pytest.mark.parametrize("name", VIEWS)
@given(data=st.data(), shape=shapes_with_ones)
def test_views_share_memory_like_torch(name, data, shape):
    """A view shares memory and version counter with its base: writing through it changes the base.
    (Where torch copies - flattening a transposed tensor - minitorch copies too.)"""
    a = data.draw(array(shape=shape, dtype=np.float64))
    fn = draw_op(name, data, a)
    found = []
    for lib, make in ((minitorch, to_mini), (torch, to_torch)):
        base = make(a, False)
        v = fn(lib, base)
        memory = (np.shares_memory(v.numpy(), base.numpy()) if lib is minitorch else
                  v.untyped_storage().data_ptr() == base.untyped_storage().data_ptr())
        v.mul_(2).add_(1)
        shared = v._version == base._version  # a view shares its base's version counter
        assert shared == memory or v.numel() == 0
        found.append((base, shared))
    (mine, mine_shared), (theirs, theirs_shared) = found
    assert mine_shared == theirs_shared
    assert_close(mine, theirs, np.float64, "base after writing through the view")


def test_flatten_returns_input_when_nothing_to_merge():
    x = minitorch.ones(3, requires_grad=True)
    assert x.flatten() is x and x.flatten(0, 0) is x
    assert minitorch.tensor(2.0).flatten().shape == (1,)


@pytest.mark.parametrize("expr", ["x.reshape(6, 4)", "x.transpose(0, 1).reshape(3, 2, 4, 1)",
                                  "x.transpose(0, 1).flatten()", "x[:, ::2].reshape(2, 2, 4)",
                                  "x[:, ::2].reshape(2, 8)", "x.permute(2, 0, 1).reshape(4, 6)",
                                  "x.transpose(1, 2).ravel()", "x.mT.unflatten(1, (2, 2))",
                                  "x.transpose(0, 2).flatten(1)", "x[:, 1:].reshape_as(x[:, :2].mT)"])
def test_reshape_is_a_view_or_a_copy_like_torch(expr):
    """torch's reshape: a view when the strides allow it (named differently when not contiguous), else a copy."""
    def run(lib):
        y = eval(expr, {"x": lib.ones(2, 3, 4, requires_grad=True)})
        return y.grad_fn.name(), tuple(y.shape), y.stride(), y.is_contiguous()
    assert run(minitorch) == run(torch)


@pytest.mark.parametrize("stmt", ["y.t_()", "y.transpose_(0, 1)", "y.swapdims_(1, 0)", "y.unsqueeze_(1)",
                                  "y.unsqueeze_(0).squeeze_()", "y.unsqueeze_(-1).squeeze_(2)",
                                  "y.unsqueeze_(2).squeeze_((0, 2))"])
@given(a=array(shape=(2, 3)))
def test_inplace_view_ops(stmt, a):
    """``y.t_()`` and friends: y itself takes the new shape and moves one node down the graph."""
    def fn(lib, x):
        y = x * 1
        exec(stmt, {"y": y})
        assert y._version == stmt.count("_(")  # one version per in-place op, as in torch
        return y
    check(fn, a)


@pytest.mark.parametrize("stmt", ["y = b[0]; y.unsqueeze_(0); y.mul_(2)", "y = b[:, 1:]; y.t_(); y[0] = 0",
                                  "y = b[1:]; y.squeeze_(0); y.mul_(3)"])
def test_inplace_view_op_on_a_view(stmt):
    """A view changed by ``t_()`` and then written to: the base's history follows, as in torch."""
    def fn(lib, x):
        b = x * 1
        exec(stmt, {"b": b})
        return b
    check(fn, np.arange(6.0).reshape(2, 3))


def test_inplace_view_op_on_leaf_is_an_error():
    for lib in (minitorch, torch):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
            lib.ones(2, 3, requires_grad=True).t_()


# -- split, chunk, unbind: multi-output nodes -------------------------------------------------------------
def draw_pieces(name, data, a):
    d = _dim(data, a)
    n = a.shape[d]
    if name == "chunk":
        k = data.draw(st.integers(1, n + 1))
        return lambda lib, x: x.chunk(k, d)
    if name == "split":
        size = data.draw(st.integers(1, n + 1))
        return lambda lib, x: lib.split(x, size, d)
    if name == "split_sizes":
        cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=3)))
        sizes = [b - a for a, b in zip([0] + cuts, cuts + [n])]
        return lambda lib, x: x.split(sizes, dim=d)
    if name == "unbind":
        return lambda lib, x: x.unbind(d)
    raise KeyError(name)


PIECES = ["chunk", "split", "split_sizes", "unbind"]


@pytest.mark.parametrize("name", PIECES)
@given(data=st.data(), dtype=float_dtypes)
def test_pieces(name, data, dtype):
    a = data.draw(array(dtype=dtype, min_dims=1))
    fn = draw_pieces(name, data, a)
    mine, theirs = check(fn, a)
    assert [p.output_nr for p in mine] == [p.output_nr for p in theirs] == list(range(len(theirs)))
    x = to_mini(a, False)
    assert all(np.shares_memory(p.numpy(), x.numpy()) for p in fn(minitorch, x) if p.numel())


@pytest.mark.parametrize("name", PIECES)
@given(data=st.data(), dtype=float_dtypes)
def test_pieces_partly_used(name, data, dtype):
    """Only some pieces reach the loss: the engine gives the others zero gradients."""
    a = data.draw(array(dtype=dtype, min_dims=1))
    fn = draw_pieces(name, data, a)
    used = data.draw(st.sets(st.integers(0, 3)))
    check(lambda lib, x: [p * (i + 1) for i, p in enumerate(fn(lib, x)) if i in used] or [x.sum()], a)


@pytest.mark.parametrize("name", PIECES)
@given(data=st.data())
def test_pieces_second_order(name, data):
    a = data.draw(array(dtype=np.float64, min_dims=1))
    fn = draw_pieces(name, data, a)
    double_backward(lambda lib, x: lib.cat([p.reshape(-1) for p in fn(lib, x)] + [x.reshape(-1)[:0]]), a)


# -- cat and stack --------------------------------------------------------------------------------------
@st.composite
def cat_inputs(draw):
    shape = list(draw(st.lists(st.integers(1, 3), min_size=1, max_size=3)))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    arrays = []
    for _ in range(draw(st.integers(1, 3))):
        shape[dim] = draw(st.integers(0, 3))
        arrays.append(draw(array(shape=tuple(shape), dtype=draw(float_dtypes))))
    return arrays, dim


@given(inputs=cat_inputs())
def test_cat(inputs):
    arrays, dim = inputs
    mixed = len({a.dtype for a in arrays}) > 1
    check(lambda lib, *xs: lib.cat(xs, dim), *arrays, dtype=np.float32 if mixed else None)
    check(lambda lib, *xs: lib.concat(list(xs), dim=dim), *arrays, dtype=np.float32 if mixed else None)


@given(data=st.data(), n=st.integers(1, 3), dtype=float_dtypes)
def test_stack(data, n, dtype):
    shape = data.draw(st.lists(st.integers(1, 3), max_size=3).map(tuple))
    arrays = [data.draw(array(shape=shape, dtype=dtype)) for _ in range(n)]
    dim = data.draw(st.integers(-len(shape) - 1, len(shape)))
    check(lambda lib, *xs: lib.stack(xs, dim), *arrays)


@given(inputs=cat_inputs())
def test_cat_second_order(inputs):
    arrays, dim = inputs
    a = arrays[0].astype(np.float64)
    double_backward(lambda lib, x: lib.cat([x, x * 2, x], dim), a)
    double_backward(lambda lib, x: lib.stack([x, x * 3], dim), a)


@pytest.mark.parametrize("dtypes", [("float32", "float64"), ("int64", "float32"), ("int32", "int64"),
                                    ("bool", "int64"), ("bool", "bool")])
def test_cat_stack_promote_like_torch(dtypes):
    for op in ("cat", "stack"):
        mine = getattr(minitorch, op)([minitorch.ones(2, dtype=getattr(minitorch, d)) for d in dtypes])
        theirs = getattr(torch, op)([torch.ones(2, dtype=getattr(torch, d)) for d in dtypes])
        assert str(mine.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())


def test_cat_skips_legacy_empty_tensor():
    for lib in (minitorch, torch):
        x = lib.ones(2, 3, requires_grad=True)
        out = lib.cat([lib.tensor([]), x])
        out.sum().backward()
        assert tuple(out.shape) == (2, 3) and x.grad.sum().item() == 6


def test_next_functions_point_at_inputs():
    for lib in (minitorch, torch):
        a, b = lib.ones(2, requires_grad=True), lib.ones(2, dtype=lib.float64, requires_grad=True)
        node = lib.cat([a, b * 2]).grad_fn
        assert [type(n).__name__ for n, _ in node.next_functions] == ["AccumulateGrad", "MulBackward0"]


# -- errors -----------------------------------------------------------------------------------------------
ERRORS = [
    "lib.ones(2, 3, 4).flatten(2, 1)", "lib.ones(2, 3, 4).flatten(5)", "lib.ones(2, 3).squeeze(3)",
    "lib.ones(2, 3).squeeze((0, 0))", "lib.ones(2, 3).unsqueeze(3)", "lib.ones(2, 3).unsqueeze(-4)",
    "lib.ones(2, 3, 4).permute(0, 1)", "lib.ones(2, 3, 4).permute(0, 1, 1)", "lib.ones(2, 3, 4).permute(0, 1, 3)",
    "lib.ones(2, 3).transpose(0, 2)", "lib.ones(2, 3, 4).t()", "lib.ones(3).mT", "lib.ones(2, 3).repeat(2)",
    "lib.ones(2, 3).chunk(0)", "lib.ones(2, 3).split(0)", "lib.ones(2, 3).split([1, 1], 1)",
    "lib.ones(2, 3).split([2, -1], dim=-1)", "lib.ones(2, 3).unbind(2)", "lib.ones(2, 3).flip(0, 0)",
    "lib.ones(2, 3).flip(2)", "lib.ones(2, 3).unflatten(1, (2, 2))", "lib.ones(2, 3).unflatten(1, ())",
    "lib.ones(2, 3).view_as(lib.ones(5))", "lib.ones(2, 3).movedim((0, 1), (0, 0))",
    "lib.ones(2, 3).movedim((0,), (0, 1))", "lib.ones(2, 3).movedim(0, 2)",
    "lib.cat([lib.ones(2, 3, 4), lib.ones(2, 1, 4)], 0)", "lib.cat([lib.ones(2, 3), lib.ones(2)])",
    "lib.cat([lib.ones(2), lib.tensor(1.)])", "lib.cat([])", "lib.cat([lib.ones(2, 3)], 2)",
    "lib.stack([lib.ones(2, 3), lib.ones(1, 3)])", "lib.stack([])", "lib.stack([lib.ones(2)], 2)",
    "lib.ones(2, 3).narrow(1, 2, 2)", "lib.ones(2, 3).narrow(0, -3, 1)", "lib.ones(2, 3).narrow(0, 0, -1)",
    "lib.ones(2, 3).narrow(3, 0, 1)", "lib.ones(2, 3).repeat(-1, 2)",
]


@pytest.mark.parametrize("expr", ERRORS)
def test_errors_like_torch(expr):
    same_error(lambda lib: eval(expr, {"lib": lib}))


# -- stacking ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["hstack", "vstack", "row_stack", "dstack", "column_stack"])
@given(data=st.data())
def test_stacks(name, data):
    ndim = data.draw(st.integers(0, 3))
    rest = tuple(data.draw(st.lists(st.integers(1, 3), min_size=ndim, max_size=ndim)))
    count = data.draw(st.integers(1, 3))
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    # the joined dim may differ in size between the inputs
    joined = {"hstack": 0 if ndim == 1 else 1, "vstack": 0, "row_stack": 0, "dstack": 2, "column_stack": 1}[name]
    arrays = []
    for _ in range(count):
        shape = list(rest)
        if ndim >= {"hstack": 1, "dstack": 3}.get(name, 2):  # the joined dim is one of the input's own
            shape[joined] = data.draw(st.integers(1, 3))
        arrays.append(data.draw(array(shape=tuple(shape), dtype=dtype)))
    mine, theirs = check(lambda lib, *xs: getattr(lib, name)(list(xs)), *arrays)
    same_graphs(mine, theirs)


@pytest.mark.parametrize("name", ["atleast_1d", "atleast_2d", "atleast_3d"])
def test_atleast(name):
    for shape in [(), (3,), (2, 3), (2, 1, 3)]:
        a = np.random.default_rng(0).standard_normal(shape)
        mine, theirs = check(lambda lib, x: getattr(lib, name)(x), a)
        same_graphs(mine, theirs)
        check(lambda lib, x: getattr(lib, name)([x, x * 2]), a)
    x = minitorch.zeros(2, 3, 4)
    assert minitorch.atleast_1d(x) is x and isinstance(minitorch.atleast_1d(x, x), tuple)


def test_stack_errors():
    for name in ["hstack", "vstack", "dstack", "column_stack"]:
        assert outcome(lambda: getattr(minitorch, name)([])) == outcome(lambda: getattr(torch, name)([]))
    assert outcome(lambda: minitorch.hstack([minitorch.zeros(2, 3), minitorch.zeros(3)])) == \
        outcome(lambda: torch.hstack([torch.zeros(2, 3), torch.zeros(3)]))


# -- tensor_split ---------------------------------------------------------------------------------------------
@given(a=array(min_dims=1, max_dims=3), data=st.data())
def test_tensor_split(a, data):
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    n = a.shape[dim]
    if data.draw(st.booleans()):
        split = data.draw(st.integers(1, n + 2))
    else:  # indices, possibly decreasing, negative or past the end
        split = data.draw(st.lists(st.integers(-n - 1, n + 1), max_size=3))
    as_tensor = data.draw(st.booleans()) and split != []
    method = data.draw(st.booleans())

    def fn(lib, x):
        arg = lib.tensor(split) if as_tensor else split
        return x.tensor_split(arg, dim) if method else lib.tensor_split(x, arg, dim=dim)
    mine, theirs = check(fn, a)
    same_graphs(mine, theirs)


def test_tensor_split_pieces_are_views():
    x = minitorch.arange(7.)
    pieces = minitorch.tensor_split(x, 3)
    pieces[1][0] = 100.
    assert x[3].item() == 100.


@pytest.mark.parametrize("fn", [
    lambda lib: lib.tensor_split(lib.arange(7.), lib.tensor([[1]])),
    lambda lib: lib.tensor_split(lib.arange(7.), lib.tensor([1.])),
    lambda lib: lib.tensor_split(lib.tensor(1.), 2),
    lambda lib: lib.tensor_split(lib.arange(7.), 0),
    lambda lib: lib.tensor_split(lib.arange(7.), lib.tensor(3)),
    lambda lib: lib.tensor_split(lib.arange(7.), 2, dim=1)])
def test_tensor_split_errors_and_tensor_sections(fn):
    assert outcome(lambda: fn(minitorch)) == outcome(lambda: fn(torch))
