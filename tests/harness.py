"""The suite's shared harness. Its core: run an op in minitorch and in torch on the same data and compare -
a thin layer over the public ``minitorch.testing`` (so learners use what the suite uses), with the suite's
tighter tolerances.

``check(fn, *arrays)`` calls ``fn(lib, *tensors)`` once with ``lib = minitorch`` and once with
``lib = torch``, on tensors made from the same NumPy arrays (non-contiguous layouts included, since
both libraries keep the arrays' strides). It compares the forward values and then, with one random
upstream gradient, the gradient of every floating-point input. Float64 is compared tightly, float32
loosely.

Everything else more than one test file needs lives here too (a test module never imports another):
hypothesis strategies; second derivatives (``second_order``, ``check_second_order``, ``double_backward``);
conv2d problems and its kernel's layouts; torch's errors word for word (``same_error``) and results or
errors (``outcome``, ``outcome_and_warnings``, ``check_same``); the recorded graph (``graph``,
``same_graphs``); and the blitz's LeNet (``lenet``, ``lenet_losses``). Small data files for the dataset
readers are written by tests/vision_support.py.
"""
import contextlib
import warnings

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minitorch
from minitorch import testing
from minitorch.testing import _gradients, strategies
from minitorch.testing._gradients import same_layout_copy
from reference.interop import copy_weights

TOLERANCE = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-6)}


def _tolerance(dtype, scale=1.0):
    tol = TOLERANCE.get(np.dtype(dtype).type, TOLERANCE[np.float32])
    return dict(rtol=tol["rtol"], atol=tol["atol"] * scale)


def to_torch(a, requires_grad):
    return torch.from_numpy(same_layout_copy(a)).requires_grad_(requires_grad)


def to_mini(a, requires_grad):
    return minitorch.from_numpy(same_layout_copy(a)).requires_grad_(requires_grad)


def assert_close(mine, theirs, dtype=np.float64, what="value", scale=1.0):
    """minitorch.testing.assert_close with the suite's tolerance for ``dtype``, NaNs equal, ``what`` first."""
    mine, theirs = (x if hasattr(x, "detach") else np.asarray(x) for x in (mine, theirs))
    try:
        testing.assert_close(mine, theirs, equal_nan=True, **_tolerance(dtype, scale))
    except AssertionError as error:
        raise AssertionError(f"{what}: {error}") from None


def uniform_arrays(seed, *shapes):
    """float64 arrays of ``shapes``, uniform in [-1.5, 1.5)."""
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1.5, 1.5, s) for s in shapes]


def same_nest(mine, theirs, what="value"):
    """Equal nests (tuples, lists, dicts) of tensors: plain minitorch Tensors, shapes, dtypes, float64 values to
    1e-10 relative."""
    if isinstance(theirs, torch.Tensor):
        assert type(mine) is minitorch.Tensor, f"{what}: {type(mine)}"
        assert tuple(mine.shape) == tuple(theirs.shape), f"{what}: shape {tuple(mine.shape)} vs {tuple(theirs.shape)}"
        assert str(mine.dtype) == str(theirs.dtype), f"{what}: dtype {mine.dtype} vs {theirs.dtype}"
        assert_close(mine.detach().numpy(), theirs.detach().numpy(), np.float64, what, scale=100)
        return
    assert type(mine) is type(theirs), f"{what}: {type(mine)} vs {type(theirs)}"
    assert len(mine) == len(theirs), f"{what}: length {len(mine)} vs {len(theirs)}"
    if isinstance(theirs, dict):
        assert list(mine) == list(theirs), f"{what}: keys {list(mine)} vs {list(theirs)}"
    for k in theirs.keys() if isinstance(theirs, dict) else range(len(theirs)):
        same_nest(mine[k], theirs[k], f"{what}[{k!r}]")


def check(fn, *arrays, grad=True, dtype=None, seed=0, atol_scale=1.0, check_names=True):
    """Compare ``fn(minitorch, ...)`` with ``fn(torch, ...)``: values, node names, and input gradients.

    ``arrays`` are NumPy arrays (float ones get ``requires_grad`` when ``grad``) or other values passed
    through unchanged. Returns (minitorch outputs, torch outputs).
    """
    dtype = dtype or next((a.dtype for a in arrays if isinstance(a, np.ndarray) and a.dtype.kind == "f"),
                          np.float64)
    wants = [grad and isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in arrays]
    return _gradients.compare_forward_and_vjp(fn, list(arrays), wants, seed=seed, check_names=check_names,
                                              grad=grad, tolerance=lambda _: _tolerance(dtype, atol_scale))


# -- hypothesis strategies: minitorch.testing.strategies, with the suite's defaults --------------------
shapes = strategies.shapes


def floats_array(shape, dtype=np.float64, low=-10.0, high=10.0):
    """An array of finite floats in [low, high]."""
    return hnp.arrays(dtype, shape, elements=strategies.floats(low=low, high=high, dtype=dtype))


float_dtypes = st.sampled_from([np.float32, np.float64])


@st.composite
def array(draw, shape=None, dtype=None, low=-10.0, high=10.0, min_dims=0, max_dims=4, layout=True):
    """A float array; sometimes a non-contiguous (transposed or sliced) view of a larger one."""
    dtype = dtype or draw(float_dtypes)
    shape = shape if shape is not None else draw(shapes(min_dims, max_dims))
    return draw(strategies.arrays(dtype=dtype, shape=shape, contiguous=None if layout else True,
                                  elements=strategies.floats(low=low, high=high, dtype=dtype)))


@st.composite
def broadcast_pair(draw, dtype=None, low=-10.0, high=10.0):
    """Two arrays whose shapes broadcast together (including 0-d and size-1 dims)."""
    dtype = dtype or draw(float_dtypes)
    a_shape, b_shape = draw(strategies.broadcastable_shapes(2, max_dims=4, max_side=4))
    return (draw(array(shape=a_shape, dtype=dtype, low=low, high=high)),
            draw(array(shape=b_shape, dtype=dtype, low=low, high=high)))


def on_grid(a):
    """``a`` rounded to multiples of 1/4, in place: equal elements (ties, comparisons) become common."""
    a[...] = np.round(a * 4) / 4
    return a


# -- second derivatives -------------------------------------------------------------------------------------
def second_order(fn, *arrays, seed=1):
    """Compare, for every input x, d/dx <w, VJP_u(x)> between minitorch and torch (u, w random): a
    Hessian-vector product through ``create_graph=True``, so the VJPs themselves must be differentiable.
    Where torch's second derivative is zero (a piecewise-linear op such as relu, whose VJP is a constant
    mask times the gradient), minitorch may give None or zeros; anywhere else the values must agree.
    (Contiguous copies of the inputs, as this check has always used.)"""
    dtype = arrays[0].dtype
    _gradients.compare_second_order(fn, [np.ascontiguousarray(a) for a in arrays], [True] * len(arrays),
                                    seed=seed, tolerance=lambda _: _tolerance(dtype))


def check_second_order(fn, *arrays, seed=1):
    """Like ``second_order`` (d/dx <w, VJP_v(x)> for random v, w, through ``create_graph=True``), but
    stricter, for ops that are smooth everywhere they are tested: the inputs keep their layouts, the
    first-order gradients are compared too, and minitorch must give a tensor wherever torch does."""
    results = []
    for lib, make in ((minitorch, to_mini), (torch, to_torch)):
        rng = np.random.default_rng(seed)
        xs = [make(a, True) for a in arrays]
        y = fn(lib, *xs)
        v = lib.tensor(rng.standard_normal(tuple(y.shape)).astype(arrays[0].dtype))
        grads = lib.autograd.grad(y, xs, v, create_graph=True)
        ws = [lib.tensor(rng.standard_normal(tuple(g.shape)).astype(arrays[0].dtype)) for g in grads]
        total = sum((g * w).sum() for g, w in zip(grads, ws))
        results.append((grads, lib.autograd.grad(total, xs)))
    (g1, gg1), (g2, gg2) = results
    for a, b in zip(g1 + gg1, g2 + gg2):
        assert_close(a, b, arrays[0].dtype, "second order")


def double_backward(fn, a, seed=1):
    """Compare d/dv <w, VJP_v(x)> between minitorch and torch, for one input array ``a`` and random v, w:
    the derivative of the VJP with respect to the upstream gradient v (the "double backward" trick, which
    gives the Jacobian-vector product J w). It checks that a VJP is itself recorded and differentiable even
    where fn is piecewise linear (indexing, reshaping), whose second derivative in x (``second_order``) is
    zero. The first-order gradients are compared too; the input keeps ``a``'s layout."""
    results = []
    for lib, make in ((minitorch, to_mini), (torch, to_torch)):
        rng = np.random.default_rng(seed)
        x = make(a, True)
        y = fn(lib, x)
        v = lib.tensor(rng.standard_normal(tuple(y.shape)), dtype=x.dtype, requires_grad=True)
        (gx,) = lib.autograd.grad(y, x, v, create_graph=True)
        w = lib.tensor(rng.standard_normal(tuple(gx.shape)), dtype=x.dtype)
        results.append((v, gx, w))
    (m_v, m_gx, m_w), (t_v, t_gx, t_w) = results
    assert_close(m_gx, t_gx, a.dtype, "first-order gradient")
    if t_gx.requires_grad:  # (torch skips the graph when the gradient is empty)
        assert_close(minitorch.autograd.grad((m_gx * m_w).sum(), m_v)[0],
                     torch.autograd.grad((t_gx * t_w).sum(), t_v)[0], a.dtype, "second-order gradient")


# -- conv2d: random problems; the fast kernel's layouts (kernels/conv.py picks one by image size) forced --
@st.composite
def conv_problem(draw, dtype=None):
    """Input, weight, bias arrays and conv2d keyword arguments that torch accepts."""
    dtype = dtype or draw(st.sampled_from([np.float32, np.float64]))
    groups = draw(st.integers(1, 3))
    cg, og = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = draw(st.sampled_from(["int", "pair", "same", "valid"]))
    stride = (1, 1) if padding == "same" else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    if padding == "int":
        padding = draw(st.integers(0, 2))
    elif padding == "pair":
        padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    pads = (padding, padding) if isinstance(padding, int) else (0, 0) if isinstance(padding, str) else padding
    reach = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    low = [max(1, r - 2 * p) for r, p in zip(reach, pads)]
    size = tuple(draw(st.integers(lo, lo + 5)) for lo in low)
    batch = draw(st.sampled_from([None, 1, 2, 3]))  # None: an unbatched (C, H, W) image
    x_shape = ((batch,) if batch else ()) + (groups * cg,) + size
    x = draw(array(shape=x_shape, dtype=dtype, low=-1, high=1))
    w = draw(array(shape=(groups * og, cg) + kernel, dtype=dtype, low=-1, high=1))
    b = draw(array(shape=(groups * og,), dtype=dtype, low=-1, high=1))
    stride_arg = draw(st.sampled_from([stride, stride[0]])) if stride[0] == stride[1] else stride
    return x, w, b, dict(stride=stride_arg, padding=padding, dilation=dilation, groups=groups)


CONV_LAYOUTS = {"batch last": dict(PER_IMAGE_MIN_PIXELS=10 ** 9),
                "per image, one image per chunk": dict(PER_IMAGE_MIN_PIXELS=0, CHUNK_ELEMENTS=1),
                "per image, whole batch": dict(PER_IMAGE_MIN_PIXELS=0, CHUNK_ELEMENTS=10 ** 9)}


@contextlib.contextmanager
def forced_conv_layout(layout):
    """kernels/conv.py's layout choice forced to ``layout`` (a key of CONV_LAYOUTS), whatever the image size."""
    from minitorch.kernels import conv as kconv
    saved = {name: getattr(kconv, name) for name in CONV_LAYOUTS[layout]}
    for name, value in CONV_LAYOUTS[layout].items():
        setattr(kconv, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(kconv, name, value)


# -- errors: the same exception as torch's, word for word ---------------------------------------------------
def error_of(call):
    """(exception type, message) that ``call()`` raises, or None when it returns. What it warns on the way
    is not looked at here (tests that check warnings record them themselves)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            call()
        except Exception as e:  # noqa: BLE001 - whatever torch raises is what minitorch must raise
            return type(e), str(e)
    return None


def same_error(fn, *arrays, words=lambda message: message):
    """``fn(lib, *tensors)`` raises in torch (or the test is wrong), and in minitorch it raises the same
    exception type with the same message, word for word. ``arrays`` (NumPy) become each library's tensors;
    without them ``fn(lib)`` is called. ``words`` rewrites both messages where they cannot agree (torch's C++
    backtrace, a module path such as ``torch.Tensor``); leave it out everywhere else."""
    def call(lib):
        return lambda: fn(lib, *[lib.from_numpy(a) if isinstance(a, np.ndarray) else a for a in arrays])
    theirs = error_of(call(torch))
    assert theirs is not None, "torch does not raise here: the test is wrong"
    mine = error_of(call(minitorch))
    assert mine is not None, f"minitorch does not raise; torch raises {theirs[0].__name__}: {theirs[1]}"
    assert mine[0] is theirs[0], f"minitorch raises {mine[0].__name__}: {mine[1]}\ntorch raises {theirs[0].__name__}"
    assert words(mine[1]) == words(theirs[1]), f"minitorch says:\n{mine[1]}\ntorch says:\n{theirs[1]}"


def outcome(call):
    """What ``call()`` gives, in a form to compare with ==: its error (``error_of``), or for each tensor it
    returns (one, or a tuple of them) its shape, dtype and values, exactly (as lists: for results that IEEE
    754 makes exact, such as copies and selections)."""
    result = []
    error = error_of(lambda: result.append(call()))
    if error is not None:
        return error
    tensors = result[0] if isinstance(result[0], tuple) else (result[0],)
    return [(tuple(x.shape), str(x.dtype), x.detach().numpy().tolist()) for x in tensors]


def outcome_and_warnings(call):
    """What ``call()`` gives: ("ok", its value) or (exception type name, message); and the warnings it gave
    on the way, as "Category: text" - for comparisons where torch is silent and minitorch must be too."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ("ok", call())
        except Exception as e:  # noqa: BLE001 - the outcome is compared with torch's, whatever it is
            result = (type(e).__name__, str(e))
    return result, [f"{w.category.__name__}: {w.message}" for w in caught]


def check_same(fn):
    """``fn(minitorch)`` and ``fn(torch)`` give equal results (value and dtype; floats within the suite's
    tolerance) or raise the same error (``same_error``)."""
    result = []
    if error_of(lambda: result.append(fn(torch))) is not None:
        same_error(fn)
        return
    mine, theirs = fn(minitorch), result[0]
    if not isinstance(theirs, torch.Tensor):
        assert mine == theirs, f"minitorch gives {mine!r}, torch {theirs!r}"
        return
    assert str(mine.dtype) == str(theirs.dtype), f"minitorch's dtype {mine.dtype}, torch's {theirs.dtype}"
    m, t = mine.detach().numpy(), theirs.detach().numpy()
    if t.dtype.kind == "f":
        assert_close(mine, theirs, t.dtype)
    else:
        np.testing.assert_array_equal(m, t)
        assert m.shape == t.shape, f"minitorch's shape {m.shape}, torch's {t.shape}"


# -- the recorded graph, as the blitz walks it ---------------------------------------------------------------
def graph(t, depth=None):
    """The backward graph below tensor ``t``, as nested (node name, [(child, its output number)]) along
    ``grad_fn.next_functions``, with None for an edge to nothing (an input that needs no gradient), down to
    ``depth`` levels (all when None; below that, names without children). torch's names are compared as they
    are (``torch::autograd::AccumulateGrad`` included): ``graph(mine) == graph(theirs)``."""
    def walk(node, depth):
        if node is None:
            return None
        if depth == 0:
            return node.name(), "..."
        return node.name(), [(walk(child, None if depth is None else depth - 1), number)
                             for child, number in node.next_functions]
    return walk(t.grad_fn, depth)


def same_graphs(mine, theirs, depth=None):
    """Each of minitorch's outputs (a tensor or a sequence of them, as ``check`` returns) recorded the same
    graph as torch's (``graph``)."""
    mine, theirs = ((x,) if hasattr(x, "grad_fn") else x for x in (mine, theirs))
    assert len(mine) == len(theirs)
    for i, (m, t) in enumerate(zip(mine, theirs)):
        m_graph, t_graph = graph(m, depth), graph(t, depth)
        assert m_graph == t_graph, f"output {i}: minitorch's graph\n{m_graph}\ntorch's\n{t_graph}"


# -- the 60-minute blitz's LeNet ("Neural Networks", 3x3 convolutions), for either engine --------------------
def lenet(lib):
    """The blitz's ``Net``, written as the tutorial writes it (``num_flat_features`` included), for
    ``lib`` = minitorch or torch; examples/neural_networks.py runs the same net."""
    nn, F = lib.nn, lib.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.conv1 = nn.Conv2d(1, 6, 3)
            self.conv2 = nn.Conv2d(6, 16, 3)
            self.fc1 = nn.Linear(16 * 6 * 6, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.view(-1, self.num_flat_features(x))
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

        def num_flat_features(self, x):
            size = x.size()[1:]
            num_features = 1
            for s in size:
                num_features *= s
            return num_features

    return Net()


def lenet_losses():
    """The blitz LeNet's MSE loss in both engines, same weights and inputs: [(lib, net, loss)] for minitorch,
    then torch."""
    nets = {torch: lenet(torch), minitorch: lenet(minitorch)}
    copy_weights(nets[torch], nets[minitorch])
    result = []
    for lib in (minitorch, torch):
        x = lib.arange(1024, dtype=lib.float32).view(1, 1, 32, 32) / 1024
        target = lib.arange(10, dtype=lib.float32).view(1, -1) / 10
        result.append((lib, nets[lib], lib.nn.MSELoss()(nets[lib](x), target)))
    return result
