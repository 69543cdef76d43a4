"""Indexing against torch: t[index] and t[index] = value (values, node names, gradients of self and value),
memory sharing of basic indexing, index_select / gather / masked_fill / take_along_dim / index_fill / index_put,
and errors."""
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


# -- random torch indices -----------------------------------------------------------------------------------
def _items(draw, shape, state, complete):
    """Index items for the dims ``shape``, covering all of them when ``complete``."""
    items, dim = [], 0
    while dim < len(shape) and (complete or draw(st.integers(0, 4))):
        kinds = ["int", "slice"] + ["none"] * (state["nones"] < 2)
        if state["allow_advanced"]:
            kinds += ["list"] * (state["advanced"] in (None, "list")) + ["mask"] * (state["advanced"] is None)
        kind = draw(st.sampled_from(kinds))
        n = shape[dim]
        if kind == "int":
            items.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            bound = st.none() | st.integers(-n - 2, n + 2)
            items.append(slice(draw(bound), draw(bound), draw(st.none() | st.integers(1, 3))))
        elif kind == "none":
            items.append(None)
            state["nones"] += 1
            continue
        elif kind == "list":  # distinct positions (some written negative), so that setitem is well defined
            positions = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4, unique=True))
            items.append(np.array([p - n if draw(st.booleans()) else p for p in positions]))
        else:
            k = draw(st.integers(1, len(shape) - dim))
            size = int(np.prod(shape[dim:dim + k]))
            mask = draw(st.lists(st.booleans(), min_size=size, max_size=size))
            items.append(np.array(mask).reshape(shape[dim:dim + k]))
            dim += k - 1
        state["advanced"] = state["advanced"] or (kind if kind in ("list", "mask") else None)
        dim += 1
    return items


@st.composite
def indices(draw, shape, advanced=True):
    """A torch index for ``shape``: ints, slices, None, an optional ``...`` and (when ``advanced``) integer
    lists or one boolean mask, kept as NumPy arrays (``for_lib`` makes them tensors)."""
    state = {"nones": 0, "advanced": None, "allow_advanced": advanced}
    if draw(st.booleans()):  # with an ellipsis standing for shape[i:j]
        i = draw(st.integers(0, len(shape)))
        j = draw(st.integers(i, len(shape)))
        items = _items(draw, shape[:i], state, True) + [Ellipsis] + _items(draw, shape[j:], state, True)
    else:
        items = _items(draw, shape, state, False)
    lists = [i for i in items if isinstance(i, np.ndarray) and i.dtype != bool]
    if lists:  # several index lists must broadcast: cut them to one length
        m = min(len(i) for i in lists)
        items = [i[:m] if isinstance(i, np.ndarray) and i.dtype != bool else i for i in items]
    return items[0] if len(items) == 1 and draw(st.booleans()) else tuple(items)


def for_lib(lib, index):
    """The index with its arrays as ``lib`` tensors."""
    convert = lambda i: lib.tensor(i) if isinstance(i, np.ndarray) else i  # noqa: E731
    return tuple(convert(i) for i in index) if isinstance(index, tuple) else convert(index)


shapes = st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple)


@given(data=st.data(), shape=shapes, dtype=float_dtypes)
def test_getitem(data, shape, dtype):
    a = data.draw(array(shape=shape, dtype=dtype))
    index = data.draw(indices(shape))
    check(lambda lib, x: x[for_lib(lib, index)], a)


@given(data=st.data(), shape=shapes)
def test_getitem_second_order(data, shape):
    a = data.draw(array(shape=shape, dtype=np.float64))
    index = data.draw(indices(shape))
    double_backward(lambda lib, x: x[for_lib(lib, index)], a)


@given(data=st.data(), shape=shapes)
def test_basic_indexing_is_a_view(data, shape):
    """Basic indexing shares memory: writing through the result changes the base, as in torch."""
    a = data.draw(array(shape=shape, dtype=np.float64))
    index = data.draw(indices(shape, advanced=False))
    bases = []
    for lib, make in ((minitorch, to_mini), (torch, to_torch)):
        base = make(a, False)
        view = base[index]
        view.mul_(3)
        assert view._version == base._version == 1
        bases.append(base)
    assert_close(*bases, np.float64, "base after writing through the view")
    x = to_mini(a, False)
    assert np.shares_memory(x[index].numpy(), x.numpy()) or x[index].numel() == 0


@pytest.mark.parametrize("expr", ["x[0]", "x[:, 1]", "x[0:1]", "x[::2]", "x[..., 0]", "x[None]", "x[[0, 1]]",
                                  "x[x > 0]", "x[0, 1:3]", "x[...]", "x[:]", "x[:, :]", "x[True]", "x[False]",
                                  "x[None, 0]", "x[:, None, 1]", "x[1:, [0, 1]]", "x[:, [0, 1], 0]",
                                  "x[torch.tensor(1)]", "x[torch.tensor([[0, 1]])]", "x[[0, 1], :, [0, 1]]",
                                  "x[0, :, [0, 1]]", "x[[]]", "x[[True, False]]", "x[1, True]",
                                  "x[:, 0:100]", "x[:, -3:]", "x[:, 0:3:1]", "x[:, :-0]", "x[-2:, 0]"])
def test_node_chains_like_torch(expr):
    """Not only the last node: the whole chain of nodes back to the leaf, as torch builds it."""
    def chain(lib):
        x = lib.tensor(np.arange(24.0).reshape(2, 3, 4) - 10, requires_grad=True)
        out = eval(expr.replace("torch.", "lib."), {"x": x, "lib": lib})
        names, node = [], out.grad_fn
        while node is not None and type(node).__name__ != "AccumulateGrad":
            names.append(node.name())
            node = node.next_functions[0][0]
        return names, tuple(out.shape), out.detach().numpy().tolist()
    assert chain(minitorch) == chain(torch)


def test_repeated_indices_accumulate():
    check(lambda lib, x: x[[0, 0, 1, 0]], np.arange(6.0).reshape(3, 2))
    check(lambda lib, x: x[lib.tensor([[2, 2], [0, 2]]), 1:], np.arange(6.0).reshape(3, 2))


# -- setitem ------------------------------------------------------------------------------------------------
def region_shape(shape, index):
    return tuple(torch.empty(shape)[for_lib(torch, index)].shape)


@given(data=st.data(), shape=shapes, dtype=float_dtypes)
def test_setitem_tensor_value(data, shape, dtype):
    """y = x * 1; y[index] = value: values, node name, gradients of x (through y) and of value."""
    index = data.draw(indices(shape))
    target = region_shape(shape, index)
    # the value's shape: the region's, a broadcastable suffix of it, or with extra leading 1s
    cut = data.draw(st.integers(0, len(target)))
    vshape = (1,) * data.draw(st.integers(0, 1)) + tuple(s if data.draw(st.booleans()) else 1 for s in target[cut:])
    a = data.draw(array(shape=shape, dtype=dtype))
    v = data.draw(array(shape=vshape, dtype=dtype))

    def fn(lib, x, value):
        y = x * 1
        y[for_lib(lib, index)] = value
        return y
    check(fn, a, v)


@given(data=st.data(), shape=shapes, number=st.floats(-3, 3) | st.integers(-3, 3))
def test_setitem_number(data, shape, number):
    index = data.draw(indices(shape))
    a = data.draw(array(shape=shape))

    def fn(lib, x):
        y = x * 2
        y[for_lib(lib, index)] = number
        return y
    check(fn, a)


@given(data=st.data(), shape=shapes)
def test_setitem_second_order(data, shape):
    index = data.draw(indices(shape))
    a = data.draw(array(shape=shape, dtype=np.float64))

    def fn(lib, x):
        y = x * x
        y[for_lib(lib, index)] = x[for_lib(lib, index)] ** 3
        return y
    double_backward(fn, a)


@pytest.mark.parametrize("stmt", ["y[:, 1] = 0", "y[:, 1] = v", "y[0] = v", "y[y > 0] = 0", "y[[0, 1]] = v",
                                  "y[0, [0, 1]] = v", "y[...] = v",
                                  "y[:] = v", "y[None] = v", "y[0, 0, 0] = 5",
                                  "y[0] = w", "y[[0, 1], 0] = w[0]", "y[...] = 3", "y[...] = s", "y[1] = s",
                                  "y[0, 0, 0] = u", "y[0] = u", "y[...] = u",
                                  "y[:, -3:] = 1", "y[0:2] = 1", "y[-2:] = 1", "y[:5, 0:3] = v"])
def test_setitem_graph_like_torch(stmt):
    """grad_fn (CopySlices, IndexPutBackward0, FillBackward3, CopyBackwards) and its edges, as in torch."""
    def graph(lib):
        x = lib.tensor(np.arange(24.0, dtype=np.float32).reshape(2, 3, 4) - 10, requires_grad=True)
        y, v, w = x * 1, lib.ones(4, requires_grad=True), lib.ones(1, 1, 4, requires_grad=True)
        s, u = lib.tensor(2.0, requires_grad=True), lib.ones(1, requires_grad=True)
        exec(stmt, {"y": y, "v": v, "w": w, "s": s, "u": u})
        node = y.grad_fn
        return repr(node).split(" ")[0], node.name(), [type(n).__name__ if n else None for n, _ in node.next_functions]
    assert graph(minitorch) == graph(torch)


def test_setitem_without_grad_writes_in_place():
    found = []
    for lib in (minitorch, torch):
        x = lib.zeros(2, 3)
        shared = x.numpy()
        x[:, 1] = 5
        x[x > 4] += 1
        x[[0, 0], [2, 2]] = lib.tensor([1.0, 2.0])
        assert np.shares_memory(shared, x.numpy())
        t = lib.zeros(2, 3, dtype=lib.int64)
        t[0] = 2.7  # cast to the tensor's dtype
        found.append((x._version, shared.tolist(), t.tolist()))
    assert found[0] == found[1]


def test_setitem_value_requiring_grad_into_plain_tensor():
    for lib in (minitorch, torch):
        x, v = lib.zeros(2, 3), lib.tensor([1.0, 2.0], requires_grad=True)
        x[:, 1] = v
        (x * lib.arange(6.0).reshape(2, 3)).sum().backward()
        assert not x.is_leaf and v.grad.tolist() == [1.0, 4.0]


@pytest.mark.parametrize("stmt", ["row = y[0]; row[1] = v", "row = y[:, 1:]; row[row > 0] = v",
                                  "row = y[0]; row[[0, 2]] = v", "row = y.t(); row[1] = v"])
def test_setitem_through_view_of_non_leaf(stmt):
    """Writing through a view rewrites the base's history too (torch's CopySlices on the base)."""
    def fn(lib, x, v):
        y = x * 1
        exec(stmt, {"y": y, "v": v})
        return y
    check(fn, np.arange(6.0).reshape(2, 3), np.array(5.0))


def test_setitem_through_view_of_plain_tensor_changes_base():
    for lib in (minitorch, torch):
        base = lib.zeros(3, 4)
        row = base[1]
        row[::2] = 7
        assert base.sum().item() == 14 and base._version == row._version == 1


# -- index_select, gather, take_along_dim, masked_fill -------------------------------------------------------
@given(data=st.data(), dtype=float_dtypes)
def test_index_select(data, dtype):
    a = data.draw(array(dtype=dtype, min_dims=1))
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    idx = np.array(data.draw(st.lists(st.integers(0, a.shape[dim] - 1), max_size=5)), dtype=np.int64)
    check(lambda lib, x: x.index_select(dim, lib.tensor(idx)), a)
    double_backward(lambda lib, x: lib.index_select(x, dim, lib.tensor(idx)), a.astype(np.float64))


@st.composite
def gather_args(draw, dtype=None):
    a = draw(array(dtype=dtype, min_dims=1))
    dim = draw(st.integers(-a.ndim, a.ndim - 1))
    shape = [draw(st.integers(1, s)) for s in a.shape]
    shape[dim] = draw(st.integers(1, 4))
    idx = draw(st.lists(st.integers(0, a.shape[dim] - 1), min_size=int(np.prod(shape)),
                        max_size=int(np.prod(shape))))
    return a, dim, np.array(idx, dtype=np.int64).reshape(shape)


@given(args=gather_args())
def test_gather(args):
    a, dim, idx = args
    check(lambda lib, x: x.gather(dim, lib.tensor(idx)), a)
    double_backward(lambda lib, x: lib.gather(x, dim, lib.tensor(idx)), a.astype(np.float64))


@given(data=st.data(), dtype=float_dtypes)
def test_take_along_dim(data, dtype):
    a = data.draw(array(dtype=dtype, min_dims=1))
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    shape = [1 if data.draw(st.booleans()) else s for s in a.shape]  # broadcast against a
    shape[dim] = data.draw(st.integers(1, 3))
    idx = data.draw(st.lists(st.integers(0, a.shape[dim] - 1), min_size=int(np.prod(shape)),
                             max_size=int(np.prod(shape))))
    idx = np.array(idx, dtype=np.int64).reshape(shape)
    check(lambda lib, x: lib.take_along_dim(x, lib.tensor(idx), dim), a)
    flat = data.draw(st.lists(st.integers(0, a.size - 1), min_size=1, max_size=5))
    check(lambda lib, x: x.contiguous().take_along_dim(lib.tensor(flat)), a)  # (torch views: needs contiguous)


@given(data=st.data(), dtype=float_dtypes, value=st.floats(-5, 5))
def test_masked_fill(data, dtype, value):
    a = data.draw(array(dtype=dtype))
    mask = data.draw(array(shape=a.shape[data.draw(st.integers(0, a.ndim)):], dtype=np.float64)) > 0
    check(lambda lib, x: x.masked_fill(lib.tensor(mask), value), a)
    check(lambda lib, x, v: lib.masked_fill(x, lib.tensor(mask), v), a, np.array(value, dtype))
    double_backward(lambda lib, x: x.masked_fill(lib.tensor(mask), value) * x, a.astype(np.float64))


def test_masked_fill_casts_value_to_input_dtype():
    for lib in (minitorch, torch):
        x = lib.ones(2, 3, dtype=lib.int64).masked_fill(lib.ones(2, 3, dtype=lib.bool), 2.5)
        y = lib.ones(2).masked_fill(lib.tensor([True, False]), lib.tensor(2.0, dtype=lib.float64))
        assert x.tolist() == [[2] * 3] * 2 and str(y.dtype).endswith("float32")


# -- errors -------------------------------------------------------------------------------------------------
ERRORS = [
    "x[0, 0, 0, 0]", "x[5]", "x[-3]", "x[:, 3]", "x[0, 5]", "x[None, 0, 5]", "x[..., 7]", "x[[0], 5]", "x[[0, 5]]",
    "x[:, [0, 5]]", "x[[0], :, [7]]",
    "x[lib.tensor([True, False, True])]", "x[:, lib.ones(3, 2, dtype=lib.bool)]", "x[1.5]",
    "x[::0]", "x[:, :, ::-1]", "x[[0, 1], [0, 1, 2]]", "x[lib.tensor([0, 1.0])]", "lib.tensor(3.0)[0]",
    "lib.tensor(3.0)[:]", "lib.tensor(3.0)[[0]]", "x.select(0, 5)", "x.select(1, -4)",
    "x.index_select(0, lib.tensor([0, 3]))", "x.index_select(1, lib.tensor([[0]]))",
    "x.index_select(1, lib.tensor([0.0]))", "x.index_select(-1, lib.tensor([-1]))",
    "x.gather(1, lib.tensor([[[5]]]))", "x.gather(1, lib.ones(2, 1))", "x.gather(1, lib.ones(2, dtype=lib.int64))",
    "x.gather(1, lib.ones(3, 1, 1, dtype=lib.int64))", "x.gather(1, lib.full((2, 1, 1), -1))",
    "x.masked_fill(lib.ones(3, dtype=lib.bool), 0.0)", "x.masked_fill(lib.ones(4), 0.0)",
    "x.masked_fill(lib.ones(4, dtype=lib.int64), 0.0)", "x.masked_fill(x > 0, lib.ones(2))",
    "x.take_along_dim(lib.tensor([[0, 1]]), 0)", "x.take_along_dim(lib.tensor([[[[0]]]]), 0)",
    "exec('y = x * 1; y[:, 1] = lib.randn(3)')", "exec('y = x * 1; y[:, 1] = lib.randn(2, 2)')",
    "exec('y = x * 1; y[[0, 1]] = lib.randn(3, 3)')", "exec('y = x * 1; y[:, 1] = lib.ones(1, 5)')",
    "exec('y = x * 1; y[[0, 1]] = lib.ones(3, 4, dtype=lib.float64)')", "exec('x[:, 1] = 0')",
    "exec('x[x > 0] = 0')", "exec('x[0] = 0')", "exec('x[...] = 0')",
]


@pytest.mark.parametrize("expr", ERRORS)
def test_errors_like_torch(expr):
    same_error(lambda lib: eval(f"(lambda x: {expr})(lib.ones(2, 3, 4, requires_grad=True))", {"lib": lib}))


# -- index_fill -----------------------------------------------------------------------------------------------
@given(a=array(min_dims=1, max_dims=3), data=st.data())
def test_index_fill(a, data):
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    n = a.shape[dim]
    index = np.array(data.draw(st.lists(st.integers(-n, n - 1), max_size=4)), np.int64)
    value = data.draw(st.floats(-5, 5))
    tensor_value = data.draw(st.booleans())
    if tensor_value:  # (torch's VJP for the value fails on negative indices - index_select refuses them)
        index %= n
    v = np.array(value, a.dtype)

    def fn(lib, x, v):
        return x.index_fill(dim, lib.from_numpy(index), v if tensor_value else value)
    mine, theirs = check(fn, a, v)
    same_graphs(mine, theirs)


def test_index_fill_inplace():
    a = np.random.default_rng(0).standard_normal((3, 4))
    mine, theirs = check(lambda lib, x: (x * 1).index_fill_(1, lib.tensor([0, 2, 0]), -1.0), a)
    same_graphs(mine, theirs)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.ones(3, 4).index_fill(1, lib.tensor([0, 2]), lib.tensor([2.5])),
    lambda lib: lib.ones(3, 4).index_fill(1, lib.tensor([[1]]), 2),
    lambda lib: lib.ones(3, 4).index_fill(1, lib.tensor([1.]), 2),
    lambda lib: lib.ones(3, 4).index_fill(1, lib.tensor([4]), 2),
    lambda lib: lib.ones(3, 4).index_fill(1, lib.tensor([-5]), 2),
    lambda lib: lib.ones(3, 4).index_fill(2, lib.tensor([1]), 2),
    lambda lib: lib.ones(3, 4).index_fill(1, lib.tensor([1]).int(), 2),
    lambda lib: lib.tensor(3.).index_fill(0, lib.tensor([0]), 2),
    lambda lib: lib.tensor([1, 2, 3]).index_fill(0, lib.tensor([0]), 2.7),
    lambda lib: lib.tensor([1., 2, 3]).index_fill(0, lib.tensor([0]), lib.tensor(2.5, dtype=lib.float64)),
    lambda lib: lib.ones(2, 3, requires_grad=True).index_fill_(0, lib.tensor([0]), 2)])
def test_index_fill_edges_as_torch(fn):
    assert outcome(lambda: fn(minitorch)) == outcome(lambda: fn(torch))


# -- index_put ------------------------------------------------------------------------------------------------
@given(a=array(min_dims=1, max_dims=3), data=st.data())
def test_index_put(a, data):
    k = data.draw(st.integers(1, a.ndim))  # index tensors for the first k dims
    count = data.draw(st.integers(0, 4))
    indices = [np.array(data.draw(st.lists(st.integers(-n, n - 1), min_size=count, max_size=count)), np.int64)
               for n in a.shape[:k]]
    target = (count,) + a.shape[k:]
    shape = target[data.draw(st.integers(0, len(target))):]  # values broadcast to the indexed region
    values = data.draw(array(shape=shape, dtype=a.dtype))
    accumulate = data.draw(st.booleans())
    inplace = data.draw(st.booleans())

    def fn(lib, x, v):
        key = tuple(lib.from_numpy(i) for i in indices)
        return (x * 1).index_put_(key, v, accumulate) if inplace else x.index_put(key, v, accumulate=accumulate)
    if not accumulate:
        # repeated positions: which write wins is not specified in torch; keep each position written once
        flat = set(zip(*(i % n for i, n in zip(indices, a.shape))))
        if len(flat) < count:
            return
    mine, theirs = check(fn, a, values)
    same_graphs(mine, theirs)


def test_index_put_mask_and_accumulate():
    a = np.random.default_rng(0).standard_normal((2, 3))
    v = np.arange(3.)
    mask = np.array([[True, False, True], [False, False, True]])
    check(lambda lib, x, v: x.index_put((lib.from_numpy(mask),), v, accumulate=True), a, v)
    check(lambda lib, x, v: x.index_put((lib.from_numpy(mask),), v), a, v)
    idx = np.array([0, 0, 1])
    check(lambda lib, x, v: lib.index_put(x, (lib.from_numpy(idx),), v[:, None], True), a, v)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.ones(3, 4).index_put((lib.tensor([0, 2]),), lib.tensor(1., dtype=lib.float64)),
    lambda lib: lib.ones(3, 4).index_put((lib.tensor([0, 2, 0]),), lib.tensor([1., 2.])),
    lambda lib: lib.ones(3, 4).index_put((lib.tensor([0]),), 1.),
    lambda lib: lib.ones(3, 4).index_put(lib.tensor([0]), lib.tensor(1.)),
    lambda lib: lib.ones(3, 4).index_put((lib.tensor([0.]),), lib.tensor(1.)),
    lambda lib: lib.ones(3, 4).index_put((lib.tensor([5]),), lib.tensor(1.)),
    lambda lib: lib.ones(3, 4).index_put((lib.tensor([1]),) * 3, lib.tensor(1.)),
    lambda lib: lib.ones(3, 4).index_put((lib.tensor([1]), None), lib.tensor(1.)),
    lambda lib: lib.ones(3, 4, requires_grad=True).index_put_((lib.tensor([1]),), lib.tensor(1.)),
    lambda lib: lib.zeros(3).index_put_((lib.tensor([0, 0, 1]),), lib.tensor([1., 2, 3]), accumulate=True),
    lambda lib: lib.zeros(2, 3, 4).index_put((lib.tensor([[0], [1]]), lib.tensor([1, 2])), lib.arange(4.))])
def test_index_put_edges_as_torch(fn):
    assert outcome(lambda: fn(minitorch)) == outcome(lambda: fn(torch))


@pytest.mark.parametrize("index", [
    lambda: range(1, 3), lambda: (range(2), [0, 2]), lambda: (slice(None), range(2, -1, -1)), lambda: range(0),
    lambda: (range(2), range(2))])
def test_index_with_a_range_as_torch(index):
    """torch reads a Python range in an index as the list of its numbers (nn_tutorial: input[range(n), target])."""
    results = []
    for lib in (torch, minitorch):
        x = lib.arange(9.0, dtype=lib.float64).view(3, 3).requires_grad_()
        y = x[index()]
        y.sum().backward()
        results.append((y.tolist(), y.grad_fn.name(), x.grad.tolist()))
        with lib.no_grad():
            z = lib.zeros(3, 3)
            z[index()] = 1.0
            results.append(z.tolist())
    assert results[:2] == results[2:]
