"""minitorch.testing against torch.testing: assert_close's verdicts and messages, make_tensor's ranges,
layouts and errors; check_gradients passes correct ops and catches wrong values, VJPs and second
derivatives (against torch and against finite differences); the strategies draw what they promise."""
import numpy as np
import pytest
import torch
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minitorch
from harness import same_error
from minitorch.testing import assert_close, check_gradients, make_tensor, strategies


def messages(actual, expected, **kwargs):
    """(torch.testing's error, minitorch.testing's error) for the same pair: (type, text) or None."""
    def run(f, a, e):
        try:
            f(a, e, **kwargs)
        except (AssertionError, ValueError) as error:
            return type(error), str(error)
        return None
    mini = [minitorch.from_numpy(x.numpy()) if isinstance(x, torch.Tensor) else x for x in (actual, expected)]
    return run(torch.testing.assert_close, actual, expected), run(assert_close, *mini)


# -- assert_close ----------------------------------------------------------------------------------------
DTYPES = [torch.float32, torch.float64, torch.int64, torch.int32, torch.bool, torch.float16]


@st.composite
def pairs(draw):
    """Two tensors of one dtype and shape, the second with some elements moved by about the tolerance."""
    dtype = draw(st.sampled_from(DTYPES))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4))
    np_dtype = torch.empty(0, dtype=dtype).numpy().dtype
    if dtype == torch.bool:
        a = draw(hnp.arrays(np_dtype, shape))
    elif dtype.is_floating_point:
        a = draw(hnp.arrays(np_dtype, shape, elements=st.floats(-100, 100, width=np_dtype.itemsize * 8)))
    else:
        a = draw(hnp.arrays(np_dtype, shape, elements=st.integers(-100, 100)))
    b = a.copy()
    moved = draw(hnp.arrays(np.bool_, shape))
    if dtype == torch.bool:
        b[moved] = ~b[moved]
    elif dtype.is_floating_point:
        scale = draw(st.sampled_from([0.0, 1e-8, 1e-6, 1e-4, 1.0]))
        b[moved] = (b[moved] * (1 + scale) + scale).astype(np_dtype)
        if draw(st.booleans()) and b.size:
            b.flat[0] = np.nan
    else:
        b[moved] += draw(st.integers(1, 3)).__index__()
    return torch.from_numpy(a), torch.from_numpy(b)


@settings(max_examples=150)
@given(pairs(), st.booleans())
def test_assert_close_says_what_torch_says(pair, equal_nan):
    theirs, mine = messages(*pair, equal_nan=equal_nan)
    assert mine == theirs


def test_assert_close_message_layout():
    a = torch.arange(12.0, dtype=torch.float64).reshape(3, 4)
    b = a.clone()
    b[1, 2] += 1
    b[0, 0] += 0.5
    b[2, 3] -= 2
    theirs, mine = messages(a, b)
    assert mine == theirs
    assert mine[1].startswith("Tensor-likes are not close!\n\nMismatched elements: 3 / 12 (25.0%)\n"
                              "Greatest absolute difference: 2.0 at index (2, 3) (up to 1e-07 allowed)")


@pytest.mark.parametrize("actual, expected, kwargs", [
    (torch.ones(3, 4), torch.ones(2, 4), {}),                                     # shapes
    (torch.ones(3), torch.ones(3, dtype=torch.float64), {}),                      # dtypes
    (torch.ones(3), torch.zeros(3), dict(msg="custom")),
    (torch.ones(3), torch.zeros(3), dict(rtol=0.1)),                              # rtol without atol
    (torch.ones(3), torch.zeros(3), dict(atol=0.1)),
    (torch.ones(3), torch.full((3,), 1.05), dict(rtol=0.1, atol=0.0)),            # passes
    (torch.tensor(1.0), torch.tensor(2.0), {}),                                   # 0-d: "Scalars"
    (1.0, 1.1, {}),                                                               # Python numbers
    (3, 4, {}),
    (torch.tensor([float("inf"), 1.0]), torch.tensor([float("inf"), 1.0]), {}),
    (torch.tensor([float("inf")]), torch.tensor([-float("inf")]), {}),
    ([torch.ones(2), torch.ones(3)], [torch.ones(2), torch.zeros(3)], {}),        # sequences
    ([torch.ones(2)], [torch.ones(2), torch.ones(2)], {}),
])
def test_assert_close_cases(actual, expected, kwargs):
    if isinstance(actual, list):
        theirs = messages(actual, expected, **kwargs)[0]
        mini = [[minitorch.from_numpy(x.numpy()) for x in side] for side in (actual, expected)]
        try:
            assert_close(*mini, **kwargs)
            mine = None
        except AssertionError as error:
            mine = (AssertionError, str(error))
        assert mine == theirs
        return
    theirs, mine = messages(actual, expected, **kwargs)
    assert mine == theirs


def test_assert_close_check_dtype_false_compares_values():
    for a, b in [(torch.ones(3), torch.ones(3, dtype=torch.float64)),
                 (torch.ones(3), torch.full((3,), 1.5, dtype=torch.float64))]:
        theirs, mine = messages(a, b, check_dtype=False)
        assert mine == theirs


def test_assert_close_accepts_any_tensor_like_on_either_side():
    values = np.array([[1.0, 2.0], [3.0, 4.0]])
    sides = [values, minitorch.from_numpy(values.copy()), torch.from_numpy(values.copy())]
    for a in sides:
        for b in sides:
            assert_close(a, b)
    moved = values.copy()
    moved[1, 0] += 1
    theirs = messages(torch.from_numpy(values), torch.from_numpy(moved))[0][1]
    for a in sides:
        for b in [moved, minitorch.from_numpy(moved), torch.from_numpy(moved)]:
            with pytest.raises(AssertionError) as error:
                assert_close(a, b)
            assert str(error.value) == theirs
    assert_close(minitorch.tensor(2.0, dtype=minitorch.float64), 2.0)  # a number beside a tensor
    with pytest.raises(AssertionError, match="Scalars are not close"):
        assert_close(2.5, minitorch.tensor(2.0))


# -- make_tensor -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "uint8", "int8", "bool"])
def test_make_tensor_defaults_as_torch(dtype):
    mine = make_tensor(400, dtype=getattr(minitorch, dtype))
    theirs = torch.testing.make_tensor(400, dtype=getattr(torch, dtype), device="cpu")
    assert mine.dtype.np == theirs.numpy().dtype and tuple(mine.shape) == tuple(theirs.shape) == (400,)
    # same bounds: torch draws 400 values that reach close to both ends, ours stay inside them
    low, high = {"float32": (-9, 9), "float64": (-9, 9), "int64": (-9, 9), "int8": (-9, 9), "uint8": (0, 9),
                 "bool": (0, 1)}[dtype]
    for t in (mine.numpy(), theirs.numpy()):
        assert low <= t.min() and t.max() <= high and t.min() < low + 1 and t.max() > high - 1
    assert not mine.requires_grad


def test_make_tensor_options():
    for shape in [(3, 4), ((3, 4),), ([2, 5],)]:
        t = make_tensor(*shape, dtype=minitorch.float64, low=-1, high=2, noncontiguous=True, requires_grad=True)
        theirs = torch.testing.make_tensor(*shape, dtype=torch.float64, device="cpu", low=-1, high=2,
                                           noncontiguous=True, requires_grad=True)
        assert tuple(t.shape) == tuple(theirs.shape) and t.stride() == theirs.stride()
        assert not t.is_contiguous() and t.requires_grad and t.is_leaf
        assert -1 <= t.min().item() and t.max().item() < 2
    assert make_tensor(1, dtype=minitorch.float32, noncontiguous=True).is_contiguous()  # as torch: one element
    nonzero = make_tensor(2000, dtype=minitorch.int8, low=-1, high=2, exclude_zero=True)
    assert set(np.unique(nonzero.numpy())) == {-1, 1}


@pytest.mark.parametrize("kwargs", [dict(dtype="int64", requires_grad=True), dict(dtype="float32", low=2, high=1),
                                    dict(dtype="float32", low=float("nan")), dict(dtype="uint8", low=-5, high=-1),
                                    dict(dtype="int64", low=3, high=3)])
def test_make_tensor_errors_as_torch(kwargs):
    name = kwargs.pop("dtype")
    # (torch's make_tensor also needs the device)
    make = {minitorch: make_tensor, torch: lambda *args, **kw: torch.testing.make_tensor(*args, device="cpu", **kw)}
    same_error(lambda lib: make[lib](3, dtype=getattr(lib, name), **kwargs))


# -- check_gradients -------------------------------------------------------------------------------------
class Cube(minitorch.autograd.Function):
    """x³, with a VJP that can be made wrong: flip=True flips its sign for negative x; detach=True
    computes it from a detached x, so it is right to first order and its own derivative is lost."""
    flip = detach = False

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        d = g * 3 * (x.detach() if Cube.detach else x) ** 2
        return minitorch.where(x < 0, -d, d) if Cube.flip else d


def cube(lib, x):
    return Cube.apply(x) if lib is minitorch else x ** 3


@pytest.fixture
def planted():
    yield Cube
    Cube.flip = Cube.detach = False


AGAINST = ["torch", "finite_differences"]


@pytest.mark.parametrize("against", AGAINST)
def test_check_gradients_passes_correct_ops(against):
    rng = np.random.default_rng(0)
    x = np.asfortranarray(rng.uniform(0.5, 2, (3, 4)))       # non-contiguous
    y = rng.uniform(-1, 1, (4,))
    check_gradients(lambda lib, x, y: (lib.log(x) * y.tanh()).sum(0), x, y, against=against)
    check_gradients(lambda lib, x, y: (x * y, x.exp()), x, y, against=against)  # two outputs
    check_gradients(cube, y, against=against, check_names=False)
    check_gradients(lambda lib, x, n: x.sum(n), minitorch.tensor(y, requires_grad=True), 0, against=against)


@pytest.mark.parametrize("against", AGAINST)
def test_check_gradients_catches_a_wrong_vjp(against, planted):
    planted.flip = True
    x = np.array([[0.5, 1.0, 2.0], [1.5, -2.0, 3.0]])
    with pytest.raises(AssertionError, match=r"^grad of input 0.*\n\nMismatched elements: 1 / 6 .*\n"
                                             r"Greatest absolute difference: .* at index \(1, 1\)"):
        check_gradients(cube, x, against=against, check_names=False)
    check_gradients(cube, np.abs(x), against=against, check_names=False)  # right where x >= 0


@pytest.mark.parametrize("against", AGAINST)
def test_check_gradients_catches_a_wrong_second_derivative(against, planted):
    planted.detach = True
    x = np.array([0.5, -1.0, 2.0])
    check_gradients(cube, x, against=against, check_names=False, second_order=False)  # first order is right
    with pytest.raises(AssertionError, match=r"^second derivative of input 0"):
        check_gradients(cube, x, against=against, check_names=False)


def test_check_gradients_against_torch_checks_values_names_and_dtypes():
    x = np.array([1.0, 2.0])
    with pytest.raises(AssertionError, match=r"^output 0: Tensor-likes are not close"):
        check_gradients(lambda lib, x: x * (2 if lib is minitorch else 3), x)
    with pytest.raises(AssertionError, match=r"^output 0: node name MulBackward0 != torch's AddBackward0"):
        check_gradients(lambda lib, x: x * 1.0 if lib is minitorch else x + 0.0, x, second_order=False)
    with pytest.raises(AssertionError, match=r"^output 0: The values for attribute 'dtype' do not match"):
        check_gradients(lambda lib, x: x.float() if lib is minitorch else x, x)
    with pytest.raises(ValueError, match="against must be 'torch' or 'finite_differences'"):
        check_gradients(cube, x, against="numpy")


def test_check_gradients_tolerances():
    x = np.array([1.0, 2.0])
    off = lambda lib, x: x * (1 + 1e-6) if lib is minitorch else x  # noqa: E731
    with pytest.raises(AssertionError):
        check_gradients(off, x, check_names=False)
    check_gradients(off, x, check_names=False, rtol=1e-5, atol=0)


def test_a_planted_mistake_shrinks_to_one_element(planted):
    """The learner's experience: hypothesis finds the sign flip and shrinks it to a single negative number."""
    planted.flip = True

    def fails(x):
        try:
            check_gradients(cube, x, check_names=False, second_order=False)
        except AssertionError:
            return True
        return False

    found = find(strategies.tensors(dtype=minitorch.float64), fails,
                 settings=settings(derandomize=True, database=None, max_examples=200))
    assert found.numel() <= 2 and (found < 0).any().item()


# -- strategies ------------------------------------------------------------------------------------------
@given(strategies.tensors(contiguous=False, domain="positive"))
def test_tensors_non_contiguous_in_domain(x):
    assert isinstance(x, minitorch.Tensor) and x.requires_grad and x.dtype in (minitorch.float32, minitorch.float64)
    assert (x > 0).all().item()
    # a shape has a non-contiguous layout when its first dimension or two of its dimensions are longer than 1
    if x.ndim and (x.shape[0] > 1 or sum(s > 1 for s in x.shape) >= 2):
        assert not x.is_contiguous()


@given(st.data())
def test_layouts_drawn(data):
    x = data.draw(strategies.tensors(shape=(3, 4), contiguous=False, dtype=np.float32))
    assert not x.is_contiguous() and x.dtype == minitorch.float32
    assert data.draw(strategies.tensors(shape=(3, 4), contiguous=True)).is_contiguous()
    u = data.draw(strategies.arrays(shape=(5,), domain="unit"))
    assert (np.abs(u) < 1).all()


@given(strategies.broadcastable_shapes(3))
def test_broadcastable_shapes(shapes):
    assert len(shapes) == 3
    assert tuple(minitorch.broadcast_shapes(*shapes)) == tuple(torch.broadcast_shapes(*shapes))


@given(strategies.shapes().flatmap(lambda s: st.tuples(st.just(s), strategies.dims(s), strategies.index_keys(s))))
def test_dims_and_index_keys_work_on_both_libraries(case):
    shape, dim, key = case
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    assert_close(minitorch.from_numpy(a).sum(dim), torch.from_numpy(a).sum(dim))
    assert_close(minitorch.from_numpy(a)[key], torch.from_numpy(a)[key])
