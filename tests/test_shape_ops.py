"""The shape ops that rotate, roll, tile, repeat, broadcast, grid, split and block tensors, against torch: values,
node names and gradients (first and second order) on generated inputs, views' shared memory, dtypes, errors."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch
from harness import array, assert_close, check, float_dtypes, second_order, to_mini, to_torch

# torch warns when meshgrid gets no indexing= (test_meshgrid_without_indexing_warns_and_is_ij checks both do)
pytestmark = pytest.mark.filterwarnings("ignore:torch.meshgrid. in an upcoming release:UserWarning")

shapes = st.lists(st.integers(0, 3), min_size=0, max_size=4).map(tuple)


def _dim(data, ndim):
    return data.draw(st.integers(-max(ndim, 1), max(ndim, 1) - 1))


def draw_op(name, data, shape):
    """(the input's smallest number of dims, ``fn(lib, x)``) for op ``name``, its arguments drawn for ``shape``."""
    nd = len(shape)
    if name == "roll":
        k = data.draw(st.integers(0, nd))
        shifts = tuple(data.draw(st.integers(-5, 5)) for _ in range(max(k, 1)))
        dims = tuple(data.draw(st.permutations(range(nd)))[:k]) if k else None
        return 0, lambda lib, x: lib.roll(x, shifts, dims) if dims else x.roll(shifts[0])
    if name == "rot90":
        k = data.draw(st.integers(-5, 5))
        dims = tuple(data.draw(st.permutations(range(max(nd, 2))))[:2])
        return 2, lambda lib, x: x.rot90(k, dims)
    if name in ("fliplr", "flipud"):
        return (2 if name == "fliplr" else 1), lambda lib, x: getattr(lib, name)(x)
    if name == "tile":
        reps = tuple(data.draw(st.lists(st.integers(0, 3), max_size=nd + 1)))
        return 0, lambda lib, x: lib.tile(x, reps)
    if name == "repeat_interleave":
        dim = data.draw(st.none() | st.integers(-max(nd, 1), max(nd, 1) - 1)) if nd else None
        n = int(np.prod(shape)) if dim is None else shape[dim]
        counts = data.draw(st.sampled_from(["int", "one", "each"]))
        r = data.draw(st.integers(0, 3))
        each = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
        return 0, lambda lib, x: x.repeat_interleave(
            r if counts == "int" else lib.tensor([r] if counts == "one" else each, dtype=lib.int64), dim)
    if name == "broadcast_to":
        size = (2,) + tuple(data.draw(st.sampled_from([s, -1] if s != 1 else [1, 3])) for s in shape)
        return 0, lambda lib, x: lib.broadcast_to(x, size)
    if name == "unfold":
        dim = _dim(data, nd)
        n = shape[dim] if nd else 1
        size, step = data.draw(st.integers(0, n)), data.draw(st.integers(1, 3))
        return 0, lambda lib, x: x.unfold(dim, size, step)
    if name in ("hsplit", "vsplit", "dsplit"):
        need = {"hsplit": 1, "vsplit": 2, "dsplit": 3}[name]
        d = {"hsplit": 0 if nd == 1 else 1, "vsplit": 0, "dsplit": 2}[name]
        n = shape[d] if nd >= need else 0
        sections = data.draw(st.sampled_from([k for k in range(1, 4) if n % k == 0]) |
                             st.lists(st.integers(0, 4), max_size=3))
        return need, lambda lib, x: getattr(x, name)(sections)
    if name == "split_with_sizes":
        dim = _dim(data, nd)
        n = shape[dim] if nd else 0
        cut = data.draw(st.integers(0, n))
        return 1, lambda lib, x: lib.split_with_sizes(x, [cut, n - cut], dim)
    if name in ("unsafe_split", "unsafe_chunk"):
        dim, k = _dim(data, nd), data.draw(st.integers(1, 4))
        return 1, lambda lib, x: getattr(x, name)(k, dim)
    if name == "unsafe_split_with_sizes":
        dim = _dim(data, nd)
        n = shape[dim] if nd else 0
        cut = data.draw(st.integers(0, n))
        return 1, lambda lib, x: lib.unsafe_split_with_sizes(x, [cut, n - cut], dim)
    if name == "H":
        return 2, lambda lib, x: x.H
    if name == "mH":
        return 2, lambda lib, x: x.mH
    if name == "adjoint":
        return 2, lambda lib, x: x.adjoint()
    raise KeyError(name)


ONE_INPUT = ["roll", "rot90", "fliplr", "flipud", "tile", "repeat_interleave", "broadcast_to", "unfold", "hsplit",
             "vsplit", "dsplit", "split_with_sizes", "unsafe_split", "unsafe_chunk", "unsafe_split_with_sizes", "H",
             "mH", "adjoint"]
SEVERAL_OUTPUTS = ("hsplit", "vsplit", "dsplit", "split_with_sizes", "unsafe_split", "unsafe_chunk",
                   "unsafe_split_with_sizes")


def _input(name, data, dtype):
    """An input for op ``name`` (with the dims it needs: x.H exactly 2) and ``fn(lib, x)``."""
    shape = data.draw(shapes)
    need, fn = draw_op(name, data, shape)
    if name == "H" and len(shape) != 2:
        shape = (shape + (2, 2))[:2]
    elif len(shape) < need:
        shape += (2,) * (need - len(shape))
    else:
        return data.draw(array(shape=shape, dtype=dtype)), fn
    return data.draw(array(shape=shape, dtype=dtype)), draw_op(name, data, shape)[1]


@pytest.mark.parametrize("name", ONE_INPUT)
@given(data=st.data(), dtype=float_dtypes)
def test_one_input_ops(name, data, dtype):
    """Values, node names (harness.check compares them) and gradients, float32 and float64, strided inputs too."""
    a, fn = _input(name, data, dtype)
    check(fn, a)


@pytest.mark.parametrize("name", ONE_INPUT)
@given(data=st.data())
def test_one_input_ops_second_order(name, data):
    a, fn = _input(name, data, np.float64)
    joined = lambda lib, x: lib.cat([p.flatten() for p in fn(lib, x)] + [x.flatten()[:0]])  # noqa: E731
    second_order(joined if name in SEVERAL_OUTPUTS else fn, a)


vectors = st.lists(st.integers(0, 3), min_size=1, max_size=3)


@given(data=st.data(), sizes=vectors, dtype=float_dtypes)
def test_meshgrid(data, sizes, dtype):
    arrays = [data.draw(array(shape=(n,) if data.draw(st.booleans()) or n != 1 else (), dtype=dtype))
              for n in sizes]
    indexing = data.draw(st.sampled_from(["ij", "xy"]))
    if data.draw(st.booleans()):
        fn = lambda lib, *xs: lib.meshgrid(list(xs), indexing=indexing)  # noqa: E731
    else:
        fn = lambda lib, *xs: lib.meshgrid(*xs, indexing=indexing)  # noqa: E731
    check(fn, *arrays)
    second_order(lambda lib, *xs: lib.stack(fn(lib, *xs)), *arrays)


@given(data=st.data(), sizes=vectors, dtype=float_dtypes)
def test_cartesian_prod(data, sizes, dtype):
    arrays = [data.draw(array(shape=(n,), dtype=dtype)) for n in sizes]
    check(lambda lib, *xs: lib.cartesian_prod(*xs), *arrays)
    second_order(lambda lib, *xs: lib.cartesian_prod(*xs), *arrays)


@given(data=st.data(), n=st.integers(0, 5), r=st.integers(0, 4), with_replacement=st.booleans(), dtype=float_dtypes)
def test_combinations(data, n, r, with_replacement, dtype):
    a = data.draw(array(shape=(n,), dtype=dtype))
    check(lambda lib, x: lib.combinations(x, r, with_replacement=with_replacement), a)
    second_order(lambda lib, x: lib.combinations(x, r, with_replacement), a)


# (an empty vector is left out: see test_block_diag_gradient_after_an_empty_vector)
block_shapes = st.lists(st.integers(0, 3), max_size=2).map(tuple).filter(lambda s: s != (0,))


@given(data=st.data(), shapes=st.lists(block_shapes, min_size=1, max_size=3), dtype=float_dtypes)
def test_block_diag(data, shapes, dtype):
    arrays = [data.draw(array(shape=s, dtype=dtype)) for s in shapes]
    check(lambda lib, *xs: lib.block_diag(*xs), *arrays)
    second_order(lambda lib, *xs: lib.block_diag(*xs), *arrays)


def test_block_diag_gradient_after_an_empty_vector():
    """An empty vector takes a row of its own (shape (1, 0)), in torch too; torch 2.14's backward forgets that row
    and reads the next block's gradient one row too high, so here minitorch is checked against the maths: each
    input's gradient is the upstream gradient where the input sits."""
    a, b = minitorch.zeros(0, requires_grad=True), minitorch.tensor(2.0, requires_grad=True)
    z = minitorch.block_diag(a, b)
    assert z.tolist() == torch.block_diag(torch.zeros(0), torch.tensor(2.0)).tolist() == [[0.0], [2.0]]
    ga, gb = minitorch.autograd.grad(z, (a, b), minitorch.tensor([[10.0], [20.0]]))
    assert tuple(ga.shape) == (0,) and gb.item() == 20.0


@given(data=st.data(), dtype=float_dtypes)
def test_broadcast_tensors(data, dtype):
    a_shape, b_shape = data.draw(st.sampled_from([((2, 1, 3), (4, 1)), ((3,), ()), ((2, 3), (2, 3)), ((0, 1), (5,))]))
    a, b = data.draw(array(shape=a_shape, dtype=dtype)), data.draw(array(shape=b_shape, dtype=dtype))
    check(lambda lib, x, y: lib.broadcast_tensors(x, y, x), a, b)


def test_broadcast_tensors_returns_a_tensor_of_the_shape_itself():
    for lib in (minitorch, torch):
        x = lib.ones(2, 3, requires_grad=True)
        mine = lib.broadcast_tensors(x, lib.ones(3, requires_grad=True))
        assert mine[0] is x and mine[1].grad_fn.name() == "ExpandBackward0"
        assert lib.broadcast_tensors() == ()


def test_block_diag_promotes_and_places_blocks_like_torch():
    results = []
    for lib in (minitorch, torch):
        parts = [lib.tensor([[1, 2]], dtype=lib.int32), lib.tensor(True), lib.tensor([], dtype=lib.float32),
                 lib.tensor([1.5, 2.5], dtype=lib.float64)]
        results.append(lib.block_diag(*parts))
        assert tuple(lib.block_diag().shape) == (1, 0)
    assert str(results[0].dtype) == str(results[1].dtype)
    assert np.array_equal(results[0].numpy(), results[1].numpy())


def test_repeat_interleave_of_repeats_alone():
    for dtype in ("int32", "int64"):
        mine, theirs = (lib.repeat_interleave(lib.tensor([2, 0, 3], dtype=getattr(lib, dtype)))
                        for lib in (minitorch, torch))
        assert str(mine.dtype) == str(theirs.dtype) and mine.tolist() == theirs.tolist()


def test_repeat_interleave_output_size():
    for lib in (minitorch, torch):
        x = lib.arange(6.0).reshape(3, 2)
        assert lib.repeat_interleave(x, lib.tensor([1, 0, 2]), 0, output_size=3).tolist() == [[0, 1], [4, 5], [4, 5]]
        assert tuple(lib.repeat_interleave(x, 2, 1, output_size=4).shape) == (3, 4)


def test_meshgrid_without_indexing_warns_and_is_ij():
    """minitorch warns with torch's words each time; torch warns once per process (TORCH_WARN_ONCE), so whether
    it warns here depends on what ran before in this process: only its result is compared."""
    with pytest.warns(UserWarning, match="in an upcoming release, it will be required to pass the indexing argument"):
        mine = minitorch.meshgrid(minitorch.tensor([1, 2]), minitorch.tensor([3, 4, 5]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]))
    assert [g.tolist() for g in mine] == [g.tolist() for g in theirs]


@given(data=st.data())
def test_unfold_is_a_view(data):
    """Writing through the windows (taken without overlap) changes the base, as in torch."""
    shape = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    dim = _dim(data, len(shape))
    size = data.draw(st.integers(1, shape[dim]))
    step = data.draw(st.integers(size, size + 2))
    a = data.draw(array(shape=shape, dtype=np.float64))
    bases = []
    for lib, make in ((minitorch, to_mini), (torch, to_torch)):
        base = make(a, False)
        w = base.unfold(dim, size, step)
        w.mul_(2).add_(1)
        assert w._version == base._version == 2
        bases.append(base)
    assert_close(bases[0], bases[1], what="base after writing through the windows")


def test_unsafe_pieces_share_memory_but_are_not_views():
    for lib in (minitorch, torch):
        x = lib.arange(6.0)
        for piece in lib.unsafe_split(x, 4) + lib.unsafe_chunk(x, 2) + lib.unsafe_split_with_sizes(x, [1, 5]):
            assert piece._base is None
            piece.add_(1)
            assert x._version == 0
        assert x.tolist() == [3.0, 4.0, 5.0, 6.0, 7.0, 8.0]


@pytest.mark.parametrize("attr", ["H", "mH", "adjoint()"])
def test_adjoint_of_a_scalar_warns_and_is_the_scalar(attr):
    """minitorch warns each time; torch once per process (so its warning is not asserted here)."""
    with pytest.warns(UserWarning, match="deprecated on 0-D tensors"):
        assert eval(f"x.{attr}", {"x": minitorch.tensor(1.5)}).item() == 1.5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert eval(f"x.{attr}", {"x": torch.tensor(1.5)}).item() == 1.5


GRAPHS = {
    "diagonal": lambda lib, x: x.diagonal(1), "diag_embed": lambda lib, x: lib.diag_embed(x),
    "trace": lambda lib, x: lib.trace(x), "tril": lambda lib, x: x.tril(), "roll": lambda lib, x: x.roll(1, 0),
    "rot90": lambda lib, x: x.rot90(), "tile": lambda lib, x: x.tile(2, 1, 1),
    "repeat_interleave": lambda lib, x: x.repeat_interleave(2, 0), "block_diag": lambda lib, x: lib.block_diag(x, x),
    "cartesian_prod": lambda lib, x: lib.cartesian_prod(x[0], x[1]),
    "combinations": lambda lib, x: lib.combinations(x[0]),
    "meshgrid": lambda lib, x: lib.meshgrid(x[0], x[1], indexing="xy")[0], "unfold": lambda lib, x: x.unfold(1, 2, 1),
    "hsplit": lambda lib, x: x.hsplit(2)[1], "diagonal_copy": lambda lib, x: lib.diagonal_copy(x),
}


@pytest.mark.parametrize("name", GRAPHS)
def test_gradient_graph_like_torch(name):
    """The gradient, taken with create_graph=True, is built of torch's ops: its node names agree (so a learner
    reading ``x.grad.grad_fn`` sees what torch shows)."""
    names = []
    for lib in (minitorch, torch):
        x = lib.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
        y = GRAPHS[name](lib, x)
        v = lib.tensor(np.random.default_rng(0).standard_normal(tuple(y.shape)), requires_grad=True)
        (g,) = lib.autograd.grad(y, x, v, create_graph=True)
        names.append(g.grad_fn.name())
    assert names[0] == names[1]


def _graph(t):
    """The names of the nodes of t's graph, depth first."""
    names, stack = [], [t.grad_fn]
    while stack:
        node = stack.pop()
        if node is not None:
            names.append(node.name())
            stack.extend(n for n, _ in node.next_functions)
    return names


COMPOSED = ["lib.diagflat(x)", "lib.diag(x)", "lib.diag(x[0])", "x.repeat_interleave(2)",
            "x.repeat_interleave(lib.tensor([1, 0, 2]), 0)", "lib.cartesian_prod(x[0], x[1, :2])",
            "lib.combinations(x[0], 3, True)", "lib.meshgrid(x[0], x[1], x[2, :1], indexing='xy')[2]",
            "lib.broadcast_tensors(x, x[:1])[1]", "lib.broadcast_to(x, (2, 3, 4))", "lib.fliplr(x)", "lib.flipud(x)",
            "lib.tile(x, (2,))", "x.hsplit([1, 3])[1]", "lib.vsplit(x, 3)[2]", "lib.expand_copy(x[:1], (2, 4))",
            "lib.narrow_copy(x, 1, 1, 2)", "lib.squeeze_copy(x[:1], 0)", "lib.split_copy(x, 2, 1)[0]"]


LAYOUTS = {  # a 3x4 input that requires grad, laid out three ways
    "contiguous": lambda lib: lib.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True) * 1,
    "transposed": lambda lib: lib.tensor(np.arange(12.0).reshape(4, 3), requires_grad=True).t(),
    "sliced": lambda lib: lib.tensor(np.arange(24.0).reshape(3, 8), requires_grad=True)[:, ::2],
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("expr", COMPOSED)
def test_graph_like_torch(expr, layout):
    """The ops built of others have torch's whole graph, node for node (contiguous or not: reshape and
    contiguous add nodes only for strided inputs)."""
    graphs = [_graph(eval(expr, {"lib": lib, "x": LAYOUTS[layout](lib)})) for lib in (minitorch, torch)]
    assert graphs[0] == graphs[1]


ERRORS = [
    "lib.roll(lib.ones(2, 3), (), ())", "lib.roll(lib.ones(2, 3), (1, 2), (0,))", "lib.roll(lib.ones(2, 3), (1, 2))",
    "lib.roll(lib.tensor(1.), 1, 0)", "lib.roll(lib.ones(2), 1, 1)",
    "lib.rot90(lib.ones(3))", "lib.rot90(lib.ones(2, 3), 1, (0, 0))", "lib.rot90(lib.ones(2, 3), 1, (0, -2))",
    "lib.rot90(lib.ones(2, 3), 1, (0, 1, 1))", "lib.rot90(lib.ones(2, 3), 1, (0, 2))",
    "lib.fliplr(lib.ones(3))", "lib.flipud(lib.tensor(1.))", "lib.tile(lib.ones(2, 3), (-1,))",
    "lib.repeat_interleave(lib.ones(2, 3), -1)", "lib.repeat_interleave(lib.ones(3), lib.ones(2, 2).long(), 0)",
    "lib.repeat_interleave(lib.ones(3), lib.ones(3), 0)",
    "lib.repeat_interleave(lib.ones(3, 2), lib.tensor([1, 2]), 0)",
    "lib.repeat_interleave(lib.ones(3), lib.tensor([1, -1, 1]), 0)",
    "lib.repeat_interleave(lib.ones(3), lib.tensor([1, 1, 1]), 0, output_size=5)",
    "lib.repeat_interleave(lib.ones(3), 2, 0, output_size=5)", "lib.repeat_interleave(lib.tensor(1.), 3, 0)",
    "lib.repeat_interleave(lib.tensor(1.), lib.tensor([3]), 0)", "lib.repeat_interleave(lib.ones(2, 2).long())",
    "lib.broadcast_to(lib.ones(2, 3), (2,))", "lib.broadcast_to(lib.ones(2, 3), (3, 3))",
    "lib.broadcast_tensors(lib.ones(2, 4), lib.ones(2))",
    "lib.meshgrid()", "lib.meshgrid(lib.ones(2), lib.ones(2, dtype=lib.float64), indexing='ij')",
    "lib.meshgrid(lib.ones(2), indexing='xx')",
    "lib.hsplit(lib.tensor(1.), 1)", "lib.hsplit(lib.ones(3, 4), 3)", "lib.hsplit(lib.ones(4), 0)",
    "lib.vsplit(lib.ones(4), 2)", "lib.vsplit(lib.ones(3, 4), 2)", "lib.dsplit(lib.ones(3, 4), 2)",
    "lib.dsplit(lib.ones(2, 3, 4), 3)", "lib.split_with_sizes(lib.ones(3), [1, 1])",
    "lib.split_with_sizes(lib.ones(3), [4, -1])",
    "lib.block_diag(lib.ones(2, 2, 2))", "lib.cartesian_prod(lib.ones(2, 2))", "lib.cartesian_prod()",
    "lib.cartesian_prod(lib.tensor(1.), lib.ones(2))", "lib.combinations(lib.ones(2, 2))",
    "lib.combinations(lib.ones(3), -1)",
    "lib.ones(3, 4).unfold(1, 5, 1)", "lib.ones(3, 4).unfold(1, 2, 0)", "lib.ones(3, 4).unfold(1, -1, 1)",
    "lib.ones(3, 4).unfold(2, 1, 1)", "lib.tensor(1.).unfold(0, 2, 1)", "lib.unfold_copy(lib.ones(3), 0, 4, 1)",
    "lib.ones(3).H", "lib.ones(2, 3, 4).H", "lib.ones(3).mH", "lib.ones(3).adjoint()", "lib.adjoint(lib.ones(3))",
    "lib.unsafe_split(lib.ones(3), [1, 2])", "lib.unsafe_chunk(lib.ones(3), 0)",
    "lib.unsafe_split_with_sizes(lib.ones(3), [1, 1])",
]


def raised(lib, expr):
    try:
        eval(expr, {"lib": lib})
    except Exception as e:  # noqa: BLE001 - comparing whatever torch raises
        return type(e), str(e)
    return None


@pytest.mark.parametrize("expr", ERRORS)
def test_errors_like_torch(expr):
    theirs = raised(torch, expr)
    assert theirs is not None, "torch accepts this: the test is wrong"
    assert raised(minitorch, expr) == theirs
