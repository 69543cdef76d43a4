"""Edge cases where minitorch lost data or gave wrong results silently, each compared with torch: an empty batch
through BatchNorm, tensor hooks that change a gradient's size or dtype, Normalize with the wrong number of
channels, NumPy scalars in place of 0-d arrays (every op on 0-d inputs, out of place and in place), empty
batches through matmul, conv2d and max-like reductions, and broadcasting of shapes (``broadcast_shapes``)."""
import functools
import inspect
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp
import torch
import torchvision

import minitorch
from harness import assert_close, same_error
from minitorch.vision import transforms as mtransforms


def _outcome(fn):
    """What ``fn()`` gives: ("ok", value) or (exception type name, message); and the warnings it printed."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ("ok", fn())
        except Exception as e:  # noqa: BLE001 - the outcome is compared with torch's, whatever it is
            result = (type(e).__name__, str(e))
    return result, [f"{w.category.__name__}: {w.message}" for w in caught]


# -- BatchNorm on an empty batch ---------------------------------------------------------------------------------
@pytest.mark.parametrize("layer, shape", [("BatchNorm1d", (0, 3)), ("BatchNorm1d", (0, 3, 4)),
                                          ("BatchNorm1d", (2, 3, 0)), ("BatchNorm2d", (0, 3, 2, 2)),
                                          ("BatchNorm2d", (2, 3, 0, 2))])
@pytest.mark.parametrize("momentum", [0.1, None])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_on_an_empty_batch_keeps_the_running_statistics(layer, shape, momentum, affine):
    """torch returns the (empty) input scaled by weight[0] plus bias[0] and leaves running_mean/var alone; a mean
    over no values made them NaN for good (and printed five NumPy warnings). The next, real batch proves it."""
    rng = np.random.default_rng(0)
    batch = rng.standard_normal((4,) + shape[1:2] + (3,) * (len(shape) - 2))
    results = {}
    for lib in (minitorch, torch):
        m = getattr(lib.nn, layer)(3, momentum=momentum, affine=affine).double()
        if affine:
            with lib.no_grad():
                m.weight.copy_(lib.from_numpy(np.array([1.5, -2.0, 0.5])))
                m.bias.copy_(lib.from_numpy(np.array([0.1, 0.2, 0.3])))
        x = lib.zeros(*shape, dtype=lib.float64, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = m(x)
            y.sum().backward()
        stats = [m.running_mean.numpy().copy(), m.running_var.numpy().copy(), int(m.num_batches_tracked)]
        grads = [p.grad.numpy().copy() for p in (m.weight, m.bias)] if affine else []
        m(lib.from_numpy(batch.copy()))  # a real batch after the empty one
        stats += [m.running_mean.numpy().copy(), m.running_var.numpy().copy(), int(m.num_batches_tracked)]
        m.eval()
        evaluated = m(lib.zeros(*shape, dtype=lib.float64))
        results[lib] = (tuple(y.shape), y.grad_fn.name(), tuple(x.grad.shape), stats, grads, tuple(evaluated.shape),
                        [str(w.message) for w in caught])
    mine, theirs = results[minitorch], results[torch]
    assert mine[:3] == theirs[:3]  # shape, graph node, input gradient's shape
    for a, b in zip(mine[3] + mine[4], theirs[3] + theirs[4]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)  # running statistics, weight and bias gradients
    assert mine[5:] == theirs[5:]  # eval on an empty batch; no warnings


def test_functional_batch_norm_on_an_empty_batch_checks_nothing_more_than_torch():
    """torch's empty-batch path comes before the size checks of the running statistics (and the eval check)."""
    for kwargs in (dict(running_mean=None, running_var=None, training=False),
                   dict(running_mean=np.zeros(4), running_var=None, training=True)):
        shapes = []
        for lib in (minitorch, torch):
            args = {k: lib.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
            y = lib.nn.functional.batch_norm(lib.zeros(0, 3, requires_grad=True), **args)
            shapes.append((tuple(y.shape), y.grad_fn.name()))
        assert shapes[0] == shapes[1] == ((0, 3), "CloneBackward0")


# -- hooks that change the gradient's size or type ---------------------------------------------------------------
def _named_hook(lib):
    def make_it_five(grad):
        return lib.ones(5)
    return make_it_five


class _CallableHook:
    def __init__(self, lib):
        self.lib = lib

    def __call__(self, grad):
        return self.lib.ones(5)


class _NotATensor:
    pass


HOOK_RESULTS = {  # what a hook returns, for a float32 gradient of shape (3,)
    "bigger": lambda lib, g: lib.ones(5),
    "size 1": lambda lib, g: lib.ones(1),
    "0-d": lambda lib, g: lib.ones(()),
    "reshaped": lambda lib, g: g.reshape(3, 1),
    "float64": lambda lib, g: g.double(),
    "int64": lambda lib, g: g.long(),
    "a number": lambda lib, g: 3,
    "an ndarray": lambda lib, g: np.ones(3, np.float32),
    "an object": lambda lib, g: _NotATensor(),
}

HOOK_PLACES = {  # where the hook is registered; each runs backward of sum(2a) for a leaf a of shape (3,)
    "leaf": lambda lib, a, hook: (a.register_hook(hook), (a * 2).sum().backward()),
    "non-leaf": lambda lib, a, hook: (lambda b: (b.register_hook(hook), b.sum().backward()))(a * 2),
    "retained non-leaf": lambda lib, a, hook: (lambda b: (b.retain_grad(), b.register_hook(hook),
                                                          b.sum().backward()))(a * 2),
    "leaf, autograd.grad": lambda lib, a, hook: (a.register_hook(hook), lib.autograd.grad((a * 2).sum(), a)),
    "node prehook": lambda lib, a, hook: (lambda b: (b.grad_fn.register_prehook(lambda go: (hook(go[0]),)),
                                                     b.sum().backward()))(a * 2),
    "node posthook": lambda lib, a, hook: (lambda b: (b.grad_fn.register_hook(lambda gi, go: (hook(gi[0]), None)),
                                                      b.sum().backward()))(a * 2),
    "AccumulateGrad prehook": lambda lib, a, hook: (lambda b: (b.grad_fn.next_functions[0][0].register_prehook(
        lambda go: (hook(go[0]),)), b.sum().backward()))(a * 2),
}


@pytest.mark.parametrize("place", HOOK_PLACES)
@pytest.mark.parametrize("result", HOOK_RESULTS)
def test_a_hook_that_changes_the_gradient_is_refused_like_torch(place, result):
    """A (3,) leaf used to end with a (5,) .grad (and an optimizer broadcast a (1,) one into a wrong update)."""
    def run(lib):
        a = lib.zeros(3, requires_grad=True)
        hook = lambda g: HOOK_RESULTS[result](lib, g)  # noqa: E731 - torch names it '<lambda>' in its message
        HOOK_PLACES[place](lib, a, hook)
    same_error(run)


@pytest.mark.parametrize("make_hook", [_named_hook, _CallableHook,
                                       lambda lib: functools.partial(lambda g, n: lib.ones(n), n=5)],
                         ids=["function", "callable object", "partial"])
def test_a_hook_is_named_in_the_error_as_torch_names_it(make_hook):
    def run(lib):
        a = lib.zeros(3, requires_grad=True)
        a.register_hook(make_hook(lib))
        a.sum().backward()
    same_error(run)


def test_a_node_hook_cannot_put_a_gradient_where_there_was_none():
    def run(lib):
        a = lib.zeros(3, requires_grad=True)
        b = a * 2  # the second input of MulBackward0 is the constant 2: its gradient is None
        b.grad_fn.register_hook(lambda gi, go: (gi[0], lib.ones(())))
        b.sum().backward()
    same_error(run)


def test_hooks_that_keep_size_and_type_still_replace_the_gradient():
    grads = []
    for lib in (minitorch, torch):
        a = lib.zeros(3, requires_grad=True)
        b = a * 2
        b.register_hook(lambda g: g * 3)
        a.register_hook(lambda g: g + 1)
        b.sum().backward()
        grads.append(a.grad)
    assert_close(grads[0], grads[1], np.float32)


# -- vision.transforms.Normalize: the channels must match ---------------------------------------------------------
@pytest.mark.parametrize("shape, mean", [
    ((1, 4, 4), (0.5, 0.5, 0.5)),          # 3 channels of statistics for a 1-channel image: broadcast silently
    ((2, 1, 4, 4), (0.5, 0.5, 0.5)),
    ((1, 4, 3), (0.5, 0.5, 0.5, 0.5)),
    ((2, 4, 4), (0.5, 0.5, 0.5)),          # 2 against 3: NumPy's own error
    ((3, 4, 4), (0.5, 0.5)),
    ((3, 4, 4), ((0.5,), (0.5,), (0.5,))),  # a 2-d mean is not viewed as (C, 1, 1)
    ((4, 4), (0.5,)), ((4,), (0.5,)),       # not an image
    ((3, 4, 4), (0.5,)), ((3, 4, 4), 0.5), ((3, 4, 4), [[0.5]]), ((2, 3, 4, 4), (0.5, 0.25, 0.125)),
    ((0, 4, 4), (0.5,)),
])
@pytest.mark.parametrize("inplace", [False, True])
def test_normalize_checks_channels_like_torchvision(shape, mean, inplace):
    data = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape) / 7
    std = mean if not isinstance(mean, tuple) or len(mean) != 3 else (0.25, 0.5, 2.0)
    outcomes = []
    for lib, transforms in ((minitorch, mtransforms), (torch, torchvision.transforms)):
        x = lib.from_numpy(data.copy())
        result = _outcome(lambda: transforms.Normalize(mean, std, inplace=inplace)(x))[0]
        outcomes.append((result, x.numpy().copy()))
    (mine, mine_x), (theirs, theirs_x) = outcomes
    assert mine[0] == theirs[0]
    if theirs[0] == "ok":
        assert_close(mine[1], theirs[1], np.float32)
        np.testing.assert_array_equal(mine_x, theirs_x)  # changed in place exactly when inplace=True
    else:
        assert mine[1] == theirs[1]


def test_normalize_refuses_what_is_not_a_float_tensor_image():
    for make in (lambda lib: np.zeros((3, 4, 4), np.float32), lambda lib: lib.zeros(3, 4, 4, dtype=lib.uint8)):
        mine = _outcome(lambda: mtransforms.Normalize((0.5,), (0.5,))(make(minitorch)))[0]
        theirs = _outcome(lambda: torchvision.transforms.Normalize((0.5,), (0.5,))(make(torch)))[0]
        assert mine == theirs and mine[0] == "TypeError"


# -- 0-d tensors hold 0-d arrays, never NumPy scalars ---------------------------------------------------------------
# NumPy's ufuncs and reductions return NumPy scalars (np.float64) for 0-d arrays; a tensor holding one could not be
# written in place. Every public function and Tensor method torch also has is called on 0-d tensors with the first
# of these argument patterns that torch accepts.
_SIDE_EFFECTS = {"manual_seed", "seed", "set_default_dtype", "set_printoptions", "save", "load", "set_rng_state",
                 "set_grad_enabled", "set_anomaly_enabled", "backward", "register_hook", "retain_grad"}
_RANDOM = {"rand", "randn", "randint", "rand_like", "randn_like", "randint_like", "bernoulli", "multinomial", "empty",
           "empty_like", "new_empty", "uniform_", "normal_", "bernoulli_", "exponential_", "random_", "cauchy_",
           "log_normal_", "geometric_"}
# where minitorch does not take what torch takes (not about 0-d arrays; left for another change)
_NOT_YET = {("function", "normal"): "torch.normal(mean) with the mean alone",
            ("function", "randperm"): "a 0-d tensor as n"}
_NOT_YET_WITH_GRAD = {("function", "arange"): "a 0-d tensor as a number",
                      ("function", "full_like"): "a 0-d tensor as a number",
                      ("method", "logical_and_"): "in place on a leaf that requires grad: torch allows the logical ops",
                      ("method", "logical_or_"): "the same", ("method", "logical_not_"): "the same"}


def _patterns(lib, grad=False):
    f = lambda v: lib.tensor(v, dtype=lib.float64, requires_grad=grad)  # noqa: E731
    i, j = lib.tensor(6), lib.tensor(3)
    return {"x": (f(0.7),), "x, y": (f(0.7), f(1.3)), "x, y, z": (f(0.7), f(1.3), f(0.4)), "x, 0": (f(0.7), 0),
            "x, 2": (f(0.7), 2), "x, 0.5": (f(0.7), 0.5), "i, j": (i, j), "i": (i,)}


def _call(lib, kind, name, pattern, grad=False):
    args = _patterns(lib, grad)[pattern]
    fn = getattr(lib, name) if kind == "function" else getattr(args[0], name)
    return args, (fn(*args) if kind == "function" else fn(*args[1:]))


def _tensors(result):
    if isinstance(result, (tuple, list)):
        return [t for r in result for t in _tensors(r)]
    return [result] if isinstance(result, (minitorch.Tensor, torch.Tensor)) else []


def _zero_d_calls():
    """(kind, name, pattern) for every op that torch runs on 0-d tensors with one of the patterns."""
    functions = [n for n in dir(minitorch) if not n.startswith("_") and hasattr(torch, n)
                 and callable(getattr(minitorch, n)) and not inspect.isclass(getattr(minitorch, n))]
    methods = [n for n in dir(minitorch.Tensor) if not n.startswith("_") and hasattr(torch.Tensor, n)
               and callable(getattr(minitorch.Tensor, n))]
    calls = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for kind, names in (("function", functions), ("method", methods)):
            for name in sorted(set(names) - _SIDE_EFFECTS):
                for pattern in _patterns(torch):
                    try:
                        _call(torch, kind, name, pattern)
                    except Exception:  # noqa: BLE001 - not this pattern
                        continue
                    if (kind, name) not in _NOT_YET:
                        calls.append((kind, name, pattern))
                    break
    return calls


ZERO_D_CALLS = _zero_d_calls()


def test_the_zero_d_census_covers_the_ops():
    """The enumeration is not vacuous: a few hundred ops, pointwise, reductions, comparisons and in-place ones."""
    names = {name for _, name, _ in ZERO_D_CALLS}
    assert len(ZERO_D_CALLS) > 300
    assert {"add", "mul", "exp", "sum", "amax", "softmax", "eq", "add_", "exp_", "clamp", "where", "pow"} <= names


@pytest.mark.parametrize("kind, name, pattern", ZERO_D_CALLS, ids=[f"{k}:{n}({p})" for k, n, p in ZERO_D_CALLS])
def test_every_op_on_zero_d_tensors_gives_arrays_that_can_change_in_place(kind, name, pattern):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, theirs = _call(torch, kind, name, pattern)
        _, mine = _call(minitorch, kind, name, pattern)
        mine_t, theirs_t = _tensors(mine), _tensors(theirs)
        assert len(mine_t) == len(theirs_t)
        for m, t in zip(mine_t, theirs_t):
            assert type(m._data) is np.ndarray, f"holds a {type(m._data).__name__}, not an ndarray"
            assert tuple(m.shape) == tuple(t.shape) and m.dtype.itemsize == t.dtype.itemsize
            if name not in _RANDOM:
                assert_close(m, t, t.detach().numpy().dtype)
            if t.dtype.is_floating_point and not t.requires_grad:  # in place on the result
                m2, t2 = m.clone(), t.clone()
                m2 += 1
                t2.add_(1)
                assert type(m2._data) is np.ndarray
                if name not in _RANDOM:
                    assert_close(m2, t2, t.detach().numpy().dtype)


_NO_GRADIENT_CHECK = _RANDOM | {"sgn"}  # torch's gradient of sgn is a ZeroTensor that .numpy() refuses


@pytest.mark.parametrize("kind, name, pattern",
                         [c for c in ZERO_D_CALLS if c[2].startswith("x") and c[1] not in _NO_GRADIENT_CHECK
                          and c[:2] not in _NOT_YET_WITH_GRAD],
                         ids=lambda v: str(v))
def test_every_op_on_zero_d_tensors_has_array_gradients(kind, name, pattern):
    """The same ops on 0-d leaves that require grad: backward through each, the leaves' gradients as torch's."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            theirs_in, theirs = _call(torch, kind, name, pattern, grad=True)
            theirs_out = [t for t in _tensors(theirs) if t.requires_grad]
            if not theirs_out:
                return  # nothing to differentiate (comparisons, integer results)
            sum(t.sum() for t in theirs_out).backward()
        except RuntimeError:
            return  # torch refuses this op on leaves that require grad (in place on a leaf)
        mine_in, mine = _call(minitorch, kind, name, pattern, grad=True)
        sum(t.sum() for t in _tensors(mine) if t.requires_grad).backward()
    for m, t in zip(mine_in, theirs_in):
        if isinstance(t, torch.Tensor) and t.grad is not None:
            assert m.grad is not None and type(m.grad._data) is np.ndarray
            assert_close(m.grad, t.grad)


def test_augmented_assignment_on_a_zero_d_result():
    """The report: ``c = a + b; c += c + 1`` raised TypeError (copyto() argument 1 must be a numpy.ndarray)."""
    results = []
    for lib in (minitorch, torch):
        a = lib.tensor(1.0, dtype=lib.float64, requires_grad=True)
        b = lib.tensor(2.0, dtype=lib.float64, requires_grad=True)
        c = a + b
        c += c + 1
        c *= a.exp()
        c.backward()
        results.append((c, a.grad, b.grad, c.grad_fn.name()))
    for m, t in zip(results[0][:3], results[1][:3]):
        assert_close(m, t)
    assert results[0][3] == results[1][3]


# -- empty batches ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("a_shape, b_shape", [
    ((0, 2, 3), (1, 3, 4)), ((1, 2, 3), (0, 3, 4)), ((0, 2, 3), (0, 3, 4)), ((2, 0, 2, 3), (1, 1, 3, 4)),
    ((0, 2, 3), (3, 4)), ((2, 3), (0, 3, 4)), ((0, 2, 3), (3,)), ((3,), (0, 3, 4)), ((2, 0), (0, 4)), ((0, 3), (3, 0)),
    ((1, 0, 3), (5, 3, 2)), ((4, 1, 2, 3), (0, 3, 4)),
])
@pytest.mark.parametrize("grad", [False, True])
def test_matmul_of_empty_batches(a_shape, b_shape, grad):
    """(0, 2, 3) @ (1, 3, 4) is (0, 2, 4): a size-1 batch dim broadcasts to 0, as any size-1 dim does."""
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    outs = []
    for lib in (minitorch, torch):
        x, y = (lib.from_numpy(v.copy()).requires_grad_(grad) for v in (a, b))
        z = lib.matmul(x, y)
        if grad:
            (z * 2).sum().backward()
        outs.append((z, x.grad, y.grad))
    for m, t in zip(*outs):
        if t is not None:
            assert_close(m, t)


@pytest.mark.parametrize("a_shape, b_shape", [((2, 3, 4, 5), (3, 2, 5, 6)), ((0, 2, 3), (3, 3, 4)),
                                              ((2, 5, 2, 3), (4, 1, 3, 4))])
def test_matmul_batch_mismatch_names_the_last_dim_that_differs(a_shape, b_shape):
    same_error(lambda lib: lib.matmul(lib.zeros(*a_shape), lib.zeros(*b_shape)))


@pytest.mark.parametrize("x_shape, w_shape, kwargs", [
    ((0, 1, 5, 5), (2, 1, 3, 3), {}), ((0, 2, 20, 20), (4, 2, 3, 3), {}), ((0, 4, 5, 5), (4, 2, 3, 3), dict(groups=2)),
    ((0, 1, 5, 5), (2, 1, 3, 3), dict(padding=1, stride=2)), ((0, 1, 5, 5), (2, 1, 3, 3), dict(padding="same")),
    ((0, 1, 6, 6), (2, 1, 2, 2), dict(dilation=2)),
])
def test_conv2d_of_an_empty_batch(x_shape, w_shape, kwargs):
    """Convolution reshaped with -1 beside a 0 (N = 0), which NumPy cannot infer: a raw ValueError."""
    rng = np.random.default_rng(2)
    x, w, b = (rng.standard_normal(s) for s in (x_shape, w_shape, (w_shape[0],)))
    outs = []
    for lib in (minitorch, torch):
        xt, wt, bt = (lib.from_numpy(v.copy()).requires_grad_() for v in (x, w, b))
        y = lib.nn.functional.conv2d(xt, wt, bt, **kwargs)
        y.sum().backward(retain_graph=True)
        # second order: the convolution's own backward (ConvolutionBackwardBackward0) on an empty batch
        gw, = lib.autograd.grad((y * y).sum(), wt, create_graph=True)
        gw.sum().backward()
        outs.append((tuple(y.shape), y.grad_fn.name(), xt.grad, wt.grad, bt.grad))
    assert outs[0][:2] == outs[1][:2]
    for m, t in zip(outs[0][2:], outs[1][2:]):
        assert_close(m, t)


@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular"])
def test_conv2d_layer_on_an_empty_batch(padding_mode):
    shapes = []
    for lib in (minitorch, torch):
        lib.manual_seed(0)
        layer = lib.nn.Conv2d(1, 2, 3, padding=1, padding_mode=padding_mode)
        y = layer(lib.zeros(0, 1, 5, 5))
        y.sum().backward()
        shapes.append((tuple(y.shape), layer.weight.grad.abs().sum().item(), layer.bias.grad.abs().sum().item()))
    assert shapes[0] == shapes[1]


def test_conv2d_with_no_output_channels_is_refused_like_torch():
    same_error(lambda lib: lib.nn.functional.conv2d(lib.zeros(2, 1, 5, 5), lib.zeros(0, 1, 3, 3)))
    same_error(lambda lib: lib.nn.functional.conv2d(lib.zeros(2, 4, 5, 5), lib.zeros(0, 2, 3, 3), groups=2))


EMPTY_REDUCTIONS = {
    "amax(1)": lambda lib, x: x.amax(1), "amax(-2)": lambda lib, x: x.amax(-2),
    "amax((0, 1))": lambda lib, x: x.amax((0, 1)),
    "amax((2, -2))": lambda lib, x: x.amax((2, -2)), "amax(-2, keepdim)": lambda lib, x: lib.amax(x, -2, keepdim=True),
    "amin(1)": lambda lib, x: x.amin(1), "amin()": lambda lib, x: x.amin(), "amax()": lambda lib, x: x.amax(),
    "norm(inf)": lambda lib, x: x.norm(float("inf")),
    "vector_norm(inf, dim=-2)": lambda lib, x: lib.linalg.vector_norm(x, float("inf"), dim=-2),
    "vector_norm(-inf, dim=1)": lambda lib, x: lib.linalg.vector_norm(x, float("-inf"), dim=1),
    "vector_norm(-1)": lambda lib, x: lib.linalg.vector_norm(x, -1),
    "vector_norm(-1, dim=(0, 1))": lambda lib, x: lib.linalg.vector_norm(x, -1, dim=(0, 1)),
    "vector_norm(-0.5, dim=1)": lambda lib, x: lib.linalg.vector_norm(x, -0.5, dim=1),
}


@pytest.mark.parametrize("name", EMPTY_REDUCTIONS)
def test_max_like_reductions_over_an_empty_dim_raise_torchs_error(name):
    """A maximum (or an inf/negative norm) has no identity: over an empty dim, torch raises; NumPy's own ValueError
    ("zero-size array to reduction operation maximum which has no identity") leaked instead."""
    same_error(lambda lib: EMPTY_REDUCTIONS[name](lib, lib.zeros(2, 0, 3)))


@pytest.mark.parametrize("fn", [lambda lib, x: x.amax(0), lambda lib, x: x.amin((0, 2)), lambda lib, x: x.amax(-1),
                                lambda lib, x: lib.linalg.vector_norm(x, float("inf"), dim=(0, 2)),
                                lambda lib, x: lib.linalg.vector_norm(x, 2),
                                lambda lib, x: lib.linalg.vector_norm(x, 0, dim=1)])
def test_max_like_reductions_over_non_empty_dims_of_an_empty_tensor(fn):
    outs = [fn(lib, lib.zeros(2, 0, 3, dtype=lib.float64)) for lib in (minitorch, torch)]
    assert_close(outs[0], outs[1])


@pytest.mark.parametrize("fn", [lambda lib, x: x.mean(), lambda lib, x: x.mean(1),
                                lambda lib, x: x.mean((0, 1), keepdim=True),
                                lambda lib, x: x.mean(0)])
def test_the_mean_of_nothing_is_nan_without_warnings(fn):
    outs = [_outcome(lambda: fn(lib, lib.zeros(2, 0, dtype=lib.float64))) for lib in (minitorch, torch)]
    (mine, mine_warnings), (theirs, theirs_warnings) = outs
    assert_close(mine[1], theirs[1])
    assert mine_warnings == theirs_warnings == []


# -- broadcasting of shapes: one helper, size-0 dims included -------------------------------------------------------
BROADCAST_SHAPES = [((2, 3), (3,)), ((0,), (1,)), ((1,), (0,)), ((0, 3), (2, 1, 3)), ((2, 1), (1, 3), (4, 1, 1)),
                    ((),), (),
                    (2, (3, 1)), ([2, 3],), ((5, 1, 0), (1, 4, 1)), ((2,), (3,)), ((2, 3), (4, 3)), ((1, 2), (3, 4)),
                    ((3,), (2,), (4,)), ((0,), (2,)), ((-1,),), ((2, 0), (2, 3))]


@pytest.mark.parametrize("shapes", BROADCAST_SHAPES, ids=str)
def test_broadcast_shapes_matches_torch(shapes):
    mine, theirs = (_outcome(lambda: lib.broadcast_shapes(*shapes))[0] for lib in (minitorch, torch))
    if theirs[0] == "ok":
        assert mine[0] == "ok" and tuple(mine[1]) == tuple(theirs[1]) and repr(mine[1]) == repr(theirs[1])
    else:
        assert mine == theirs


BROADCASTING_OPS = {  # ops that broadcast two shapes, and torch's message (or result) for them
    "mse_loss (0, 3) and (1, 3)": lambda lib: lib.nn.functional.mse_loss(lib.zeros(0, 3), lib.zeros(1, 3),
                                                                         reduction="none"),
    "l1_loss (1, 3) and (0, 3)": lambda lib: lib.nn.functional.l1_loss(lib.zeros(1, 3), lib.zeros(0, 3),
                                                                       reduction="none"),
    "mse_loss (2, 3) and (3, 2)": lambda lib: lib.nn.functional.mse_loss(lib.zeros(2, 3), lib.zeros(3, 2)),
    "masked_fill (2, 3) and (3, 2)": lambda lib: lib.zeros(2, 3).masked_fill(lib.zeros(3, 2, dtype=lib.bool), 1.0),
    "take_along_dim (1, 3) and (0, 2)": lambda lib: lib.take_along_dim(lib.zeros(1, 3),
                                                                       lib.zeros(0, 2, dtype=lib.long), 1),
    "add (2, 3, 4) and (5, 3, 1)": lambda lib: lib.zeros(2, 3, 4) + lib.zeros(5, 3, 1),
    "where (2, 3), (3, 2), (2,)": lambda lib: lib.where(lib.zeros(2, 3, dtype=lib.bool), lib.zeros(3, 2), lib.zeros(2)),
}


@pytest.mark.parametrize("name", BROADCASTING_OPS)
def test_ops_that_broadcast_agree_with_torch_on_size_0_and_mismatches(name):
    mine, theirs = (_outcome(lambda: BROADCASTING_OPS[name](lib))[0] for lib in (minitorch, torch))
    if theirs[0] == "ok":
        assert mine[0] == "ok" and tuple(mine[1].shape) == tuple(theirs[1].shape)
    else:
        assert mine == theirs


@given(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=3).flatmap(
    lambda shape: st.lists(st.lists(st.sampled_from([0, 1] + list(shape) or [1]), min_size=0, max_size=4), max_size=4)))
def test_broadcast_shapes_generated_like_torch(shapes):
    """Generated shape lists (0-size dims, mismatches and all): the same shape, or the same error, as torch."""
    mine, theirs = (_outcome(lambda: tuple(lib.broadcast_shapes(*shapes)))[0] for lib in (minitorch, torch))
    assert mine == theirs
