"""minitorch.masked against torch.masked: values, dtypes, gradients and the recorded graph for random inputs and
masks (broadcast from fewer dims and size-1 dims), dims as None, ints and tuples; what a fully masked-out slice
gives (each op's identity, or NaN); integer inputs; var/std's unbiased and correction; second order; errors."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch
import torch
from harness import array, check, check_same, check_second_order, same_error, same_graphs

# the reductions over dim (None, an int or a tuple): name -> fn(lib, x, mask, dim, keepdim)
REDUCTIONS = {
    "sum": lambda lib, x, m, dim, k: lib.masked.sum(x, dim, keepdim=k, mask=m),
    "prod": lambda lib, x, m, dim, k: lib.masked.prod(x, dim, keepdim=k, mask=m),
    "amax": lambda lib, x, m, dim, k: lib.masked.amax(x, dim, keepdim=k, mask=m),
    "amin": lambda lib, x, m, dim, k: lib.masked.amin(x, dim, keepdim=k, mask=m),
    "mean": lambda lib, x, m, dim, k: lib.masked.mean(x, dim, keepdim=k, mask=m),
    "logsumexp": lambda lib, x, m, dim, k: lib.masked.logsumexp(x, dim, keepdim=k, mask=m),
    "norm": lambda lib, x, m, dim, k: lib.masked.norm(x, 2.0, dim, keepdim=k, mask=m),
    "norm(1)": lambda lib, x, m, dim, k: lib.masked.norm(x, 1, dim, keepdim=k, mask=m),
    "norm(inf)": lambda lib, x, m, dim, k: lib.masked.norm(x, float("inf"), dim, keepdim=k, mask=m),
    "norm(-inf)": lambda lib, x, m, dim, k: lib.masked.norm(x, -float("inf"), dim, keepdim=k, mask=m),
    "var": lambda lib, x, m, dim, k: lib.masked.var(x, dim, keepdim=k, mask=m),
    "std(unbiased=False)": lambda lib, x, m, dim, k: lib.masked.std(x, dim, False, keepdim=k, mask=m),
    "var(correction=2)": lambda lib, x, m, dim, k: lib.masked.var(x, dim, correction=2, keepdim=k, mask=m),
}

# along one dim (an int): name -> fn(lib, x, mask, dim)
ALONG_DIM = {
    "argmax": lambda lib, x, m, d: lib.masked.argmax(x, d, mask=m),
    "argmin(keepdim)": lambda lib, x, m, d: lib.masked.argmin(x, d, keepdim=True, mask=m),
    "cumsum": lambda lib, x, m, d: lib.masked.cumsum(x, d, mask=m),
    "cumprod": lambda lib, x, m, d: lib.masked.cumprod(x, d, mask=m),
    "softmax": lambda lib, x, m, d: lib.masked.softmax(x, d, mask=m),
    "log_softmax": lambda lib, x, m, d: lib.masked.log_softmax(x, d, mask=m),
    "softmin": lambda lib, x, m, d: lib.masked.softmin(x, d, mask=m),
    "normalize": lambda lib, x, m, d: lib.masked.normalize(x, 2.0, d, mask=m),
    "normalize(1, eps)": lambda lib, x, m, d: lib.masked.normalize(x, 1, d, eps=0.5, mask=m),
}


@st.composite
def input_and_mask(draw, dtype=None, min_dims=0):
    """A float array and a boolean mask that broadcasts to it: the input's trailing dims, some of them 1."""
    x = draw(array(dtype=dtype, low=-3, high=3, min_dims=min_dims, max_dims=3))
    dropped = draw(st.integers(0, x.ndim))
    shape = tuple(draw(st.sampled_from([n, 1])) for n in x.shape[dropped:])
    return x, draw(hnp.arrays(np.bool_, shape))


@st.composite
def dims(draw, ndim):
    """None, one dim or a tuple of distinct dims (negative ones too) of an ``ndim``-dim tensor."""
    n = max(ndim, 1)
    one = st.integers(-n, n - 1)
    return draw(st.one_of(st.none(), one, st.lists(one, min_size=1, max_size=n, unique_by=lambda d: d % n)
                          .map(tuple)))


@pytest.mark.parametrize("name", REDUCTIONS)
@settings(max_examples=25, deadline=None)
@given(xm=input_and_mask(), keepdim=st.booleans(), data=st.data())
def test_reductions(name, xm, keepdim, data):
    x, m = xm
    dim = data.draw(dims(x.ndim))
    mine, theirs = check(lambda lib, t, mask: REDUCTIONS[name](lib, t, mask, dim, keepdim), x, m)
    same_graphs(mine, theirs)


@pytest.mark.parametrize("name", ALONG_DIM)
@settings(max_examples=25, deadline=None)
@given(xm=input_and_mask(), data=st.data())
def test_along_one_dim(name, xm, data):
    x, m = xm
    dim = data.draw(st.integers(-max(x.ndim, 1), max(x.ndim, 1) - 1))
    mine, theirs = check(lambda lib, t, mask: ALONG_DIM[name](lib, t, mask, dim), x, m)
    same_graphs(mine, theirs)


@settings(max_examples=25, deadline=None)
@given(xm=input_and_mask(dtype=np.float64, min_dims=1), keepdim=st.booleans(), data=st.data())
def test_median(xm, keepdim, data):
    """Distinct values (ties would leave which of the equal elements gets the gradient to the sort)."""
    x, m = xm
    x = np.array(data.draw(st.permutations(range(x.size))), np.float64).reshape(x.shape) / 4
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    mine, theirs = check(lambda lib, t, mask: lib.masked.median(t, dim, keepdim=keepdim, mask=mask), x, m)
    same_graphs(mine, theirs)


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_logaddexp(data):
    """Each operand with its own mask; a masked-out element counts as -inf."""
    x, xm = data.draw(input_and_mask(dtype=np.float64))
    y = data.draw(array(shape=x.shape, dtype=np.float64, low=-3, high=3))
    ym = data.draw(hnp.arrays(np.bool_, xm.shape))
    mine, theirs = check(lambda lib, a, b, am, bm: lib.masked.logaddexp(a, b, input_mask=am, other_mask=bm),
                         x, y, xm, ym)
    same_graphs(mine, theirs)


@pytest.mark.parametrize("name", ["sum", "amax", "mean", "var", "norm(-inf)", "logsumexp"])
def test_without_mask_is_the_plain_reduction(name):
    x = np.random.default_rng(0).uniform(-2, 2, (3, 4))
    mine, theirs = check(lambda lib, t: REDUCTIONS[name](lib, t, None, (0, 1), False), x)
    same_graphs(mine, theirs)


ROWS = np.array([[1.5, -2.0, 3.0], [0.5, 4.0, -1.0]])
EMPTY_ROW = np.array([[True, False, True], [False, False, False]])


@pytest.mark.parametrize("name", list(REDUCTIONS) + list(ALONG_DIM) + ["median"])
def test_a_fully_masked_out_row(name, dtype=np.float64):
    """The second row has nothing kept: the identity (sum 0, prod 1, amax -inf, norm 0 (inf for -inf)), NaN
    for mean/var/std/median/softmax; the gradient there is zero (or NaN where torch's is)."""
    if name == "median":
        def fn(lib, t, mask):
            return lib.masked.median(t, 1, mask=mask)
    elif name in REDUCTIONS:
        def fn(lib, t, mask):
            return REDUCTIONS[name](lib, t, mask, 1, False)
    else:
        def fn(lib, t, mask):
            return ALONG_DIM[name](lib, t, mask, 1)
    mine, theirs = check(fn, ROWS.astype(dtype), EMPTY_ROW)
    same_graphs(mine, theirs)


@pytest.mark.parametrize("expr", [
    # integer and bool inputs: sums and products in int64, extrema at the dtype's limits, indices in the input's
    # dtype, median in float32 and back
    "lib.masked.sum(x.int(), 1, mask=m)", "lib.masked.sum(x > 0, mask=m)", "lib.masked.prod(x.short(), 1, mask=m)",
    "lib.masked.amax(x.int(), 1, mask=m)", "lib.masked.amin(x.to(lib.uint8), 1, mask=m)",
    "lib.masked.amax(x.long(), mask=m)", "lib.masked.argmax(x, 1, mask=m)", "lib.masked.argmin(x.int(), mask=m)",
    "lib.masked.median(x.int(), 1, mask=m | True)", "lib.masked.cumsum(x.int(), 1, mask=m)",
    "lib.masked.logsumexp(x, 1, mask=m)", "lib.masked.norm(x, 0, 1, mask=m)",
    # dtype=
    "lib.masked.sum(x, 1, dtype=lib.float32, mask=m)", "lib.masked.amax(x, 1, dtype=lib.float32, mask=m)",
    "lib.masked.mean(x.int(), 1, dtype=lib.float64, mask=m)", "lib.masked.var(x.int(), 1, mask=m | True)",
    "lib.masked.std(x, 1, dtype=lib.float32, mask=m)", "lib.masked.softmax(x, 0, dtype=lib.float32, mask=m)",
    "lib.masked.argmax(x, 1, dtype=lib.int64, mask=m)", "lib.masked.cumprod(x.int(), 0, dtype=lib.float64, mask=m)",
    # var/std's arguments as torch.masked names them
    "lib.masked.var(x, 1, True, mask=m | True)", "lib.masked.std(x, None, correction=0, mask=m)",
    "lib.masked.var(x, (0, 1), correction=2.5, keepdim=True, mask=m)", "lib.masked.std(x, [1], keepdim=True)",
    # masks of other dtypes (read as nonzero), broadcast ones, 0-d inputs and dims, empty dims
    "lib.masked.sum(x, 1, mask=m.int())", "lib.masked.mean(x, 0, mask=lib.tensor([True, False, True]))",
    "lib.masked.amax(x, (), mask=lib.tensor(False))", "lib.masked.sum(lib.tensor(2.0), 0, mask=lib.tensor(True))",
    "lib.masked.softmax(lib.tensor(2.0), -1, mask=lib.tensor(False))", "lib.masked.mean(x[:, :0], 1, mask=m[:, :0])",
    "lib.masked.prod(lib.tensor(3.0), mask=lib.tensor(False))", "lib.masked.argmax(x, mask=m)",
])
def test_dtypes_arguments_and_special_values(expr):
    check_same(lambda lib: eval(expr, {"lib": lib, "x": lib.tensor(ROWS * 2), "m": lib.tensor(EMPTY_ROW)}))


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.masked.sum(x, mask=lib.ones(1, 2, 3, dtype=lib.bool)),  # more dims than the input
    lambda lib, x: lib.masked.amax(x, 0, mask=lib.ones(2, dtype=lib.bool)),  # not broadcastable
    lambda lib, x: lib.masked.sum(x, (1, -1), mask=x > 0),  # a dim twice
    lambda lib, x: lib.masked.prod(x, 2, mask=x > 0),  # out of range
    lambda lib, x: lib.masked.softmax(x, -3, mask=x > 0),
    lambda lib, x: lib.masked.mean(x.long(), 1, mask=x > 0),  # mean of integers
    lambda lib, x: lib.masked.mean(x, 1, dtype=lib.int32, mask=x > 0),
    lambda lib, x: lib.masked.median(x.int(), 1, mask=x > 10),  # an integer median of nothing
    lambda lib, x: lib.masked.var(x, 1, True, correction=1, mask=x > 0),  # both unbiased and correction
    lambda lib, x: lib.masked.norm(x.int(), -float("inf"), 1, mask=x > 0),  # no identity for ints
    lambda lib, x: lib.masked.norm(x, 2, 1, dtype=lib.float32, mask=x > 0),  # vector_norm will not narrow
    lambda lib, x: lib.masked.amax(x > 0, 1, mask=x > 1),  # bools have no lowest value to fill with
    lambda lib, x: lib.masked.argmin(x > 0, 1, mask=x > 1),
    lambda lib, x: lib.masked.cumsum(x > 0, 1, mask=x > 1),  # a bool cumsum in bool: not in torch's kernels
    lambda lib, x: lib.masked.cumprod(x > 0, 0),
    lambda lib, x: lib.masked.normalize(x, 2, 1, dtype=lib.float32, mask=x > 0),
])
def test_errors(call):
    same_error(call, ROWS)


@pytest.mark.parametrize("name", ["var", "std(unbiased=False)", "norm", "logsumexp", "var(correction=2)", "prod"])
def test_second_order_of_reductions(name):
    x = np.random.default_rng(1).uniform(0.5, 2, (3, 4))
    mask = np.array([True, False, True, True])
    check_second_order(lambda lib, t: REDUCTIONS[name](lib, t, lib.from_numpy(mask), 1, False), x)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin", "normalize", "cumprod"])
def test_second_order_along_one_dim(name):
    x = np.random.default_rng(2).uniform(0.5, 2, (3, 4))
    mask = np.array([[True], [False], [True]])
    check_second_order(lambda lib, t: ALONG_DIM[name](lib, t, lib.from_numpy(mask), 0).sin(), x)


def test_output_mask_is_torchs():
    """torch.masked._output_mask (which OpInfo's gradcheck wrappers call): any kept element in each slice."""
    for lib in (minitorch, torch):
        x, m = lib.tensor(ROWS), lib.tensor(EMPTY_ROW)
        got = [lib.masked._output_mask(lib.masked.sum, x, 1, mask=m).tolist(),
               lib.masked._output_mask(lib.masked.norm, x, 2.0, 0, keepdim=True, mask=m).tolist(),
               lib.masked._output_mask(lib.masked.softmax, x, 1, mask=m[0]).tolist()]
        if lib is minitorch:
            mine = got
    assert mine == got


@pytest.mark.parametrize("name", ["mean", "var", "std(unbiased=False)", "var(correction=2)"])
def test_a_mean_of_nothing_is_nan_without_a_warning(name):
    """A fully masked-out row divides 0 by 0: NaN, silently, as torch (NumPy would warn)."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = REDUCTIONS[name](minitorch, minitorch.tensor(ROWS, requires_grad=True), minitorch.tensor(EMPTY_ROW), 1, False)
        out.backward(minitorch.ones_like(out))
    assert np.isnan(out.detach().numpy()[1])


@pytest.mark.parametrize("expr", [
    "lib.masked.sum(x, 1, dtype=lib.float32, mask=m)", "lib.masked.amax(x, 1, dtype=lib.float32, mask=m)",
    "lib.masked.prod(x, (0, 1), mask=m)", "lib.masked.prod(x, 1, dtype=lib.float32, mask=m)",
    "lib.masked.mean(x, 1, dtype=lib.float32, mask=m)", "lib.masked.std(x, 1, dtype=lib.float32, mask=m)",
    "lib.masked.softmax(x, 0, dtype=lib.float32, mask=m)", "lib.masked.cumprod(x, 1, dtype=lib.float32, mask=m)",
    "lib.masked.norm(x.float(), 2, 1, dtype=lib.float64, mask=m)",
    "lib.masked.normalize(x.float(), 2, 1, dtype=lib.float64, mask=m)",
    "lib.masked.logaddexp(x, x * 2, dtype=lib.float32, input_mask=m, other_mask=m)",
    "lib.masked.median(x, 1, dtype=lib.float32, mask=m | True)", "lib.masked.var(x, [1], mask=m)",
    "lib.masked.sum(x, [1, 0], mask=m.float())", "lib.masked.normalize(x, 0, 1, mask=m)",
])
def test_graphs_with_dtype_and_dim_lists(expr):
    """dtype= adds torch's casts (``ToCopyBackward0``) where torch's composition has them; dims as lists."""
    mine, theirs = check(lambda lib, x, m: eval(expr), ROWS, EMPTY_ROW, dtype=np.float32)
    same_graphs(mine, theirs)


def test_a_sparse_mask_is_read_as_its_dense_values():
    """torch.masked makes a sparse mask of a strided input dense (minitorch has sparse COO tensors)."""
    mask = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 0.0]])
    for expr in ["lib.masked.sum(x, 1, mask=lib.from_numpy(mask).to_sparse())",
                 "lib.masked.amax(x, 0, mask=lib.from_numpy(mask[0]).to_sparse())"]:
        check_same(lambda lib: eval(expr, {"lib": lib, "x": lib.tensor(ROWS), "mask": mask}))


def test_sparse_inputs_are_refused():
    """torch.masked reduces sparse COO/CSR inputs too; minitorch.masked takes strided ones only, and says so."""
    x = minitorch.tensor(ROWS).to_sparse()
    for call in [lambda: minitorch.masked.sum(x, 1, mask=minitorch.tensor(ROWS) > 0), lambda: minitorch.masked.softmax(x, 0),
                 lambda: minitorch.masked.mean(x)]:
        with pytest.raises(ValueError, match="minitorch.masked expects strided tensors"):
            call()
