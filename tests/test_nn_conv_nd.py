"""conv1d, conv3d and the transposed convolutions conv_transpose1d/2d/3d (one N-d implementation, with
conv2d), and their layers Conv1d, Conv3d, ConvTranspose1d/2d/3d, compared with torch: values, gradients of
input, weight and bias, second derivatives, node names, errors, and the layers' repr, parameters, init,
padding modes and ``output_size=``. (conv2d and Conv2d themselves: tests/test_nn_conv.py.)"""
import math

import re

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import array, check, same_error, second_order

# float32 sums of up to a few hundred products, in another order than torch's
F32_SCALE = 10


def F(lib):
    return lib.nn.functional


def conv_name(dims, transposed):
    return f"conv_transpose{dims}d" if transposed else f"conv{dims}d"


# -- random problems ---------------------------------------------------------------------------------------
@st.composite
def conv_problem(draw, dims, transposed=False, dtype=None):
    """Input, weight and bias arrays and keyword arguments that torch accepts, for a convolution (or a
    transposed convolution) with ``dims`` spatial dims; the input may be unbatched or an empty batch."""
    dtype = dtype or draw(st.sampled_from([np.float32, np.float64]))
    groups, cg, og = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    small = dims == 3  # keep 3-d problems small: hypothesis runs many of them
    kernel = tuple(draw(st.integers(1, 2 if small else 4)) for _ in range(dims))
    stride = tuple(draw(st.integers(1, 2 if small else 3)) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(dims))
    if transposed:
        padding = tuple(draw(st.integers(0, 2)) for _ in range(dims))
        output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
        # the output, (L-1)·s - 2p + d·(k-1) + 1 + op, at least 1 long (torch's kernels disagree on empty ones)
        low = [1 + max(0, -(-(2 * p - d * (k - 1)) // s))
               for p, d, k, s in zip(padding, dilation, kernel, stride)]
        kwargs = dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
        x_channels, w_shape = groups * cg, (groups * cg, og) + kernel
    else:
        padding = draw(st.sampled_from(["ints", "int", "same", "valid"]))
        if padding == "same":
            stride = (1,) * dims
        padding = {"ints": tuple(draw(st.integers(0, 2)) for _ in range(dims)), "int": draw(st.integers(0, 2)),
                   "same": "same", "valid": "valid"}[padding]
        pads = (padding,) * dims if isinstance(padding, int) else (0,) * dims if isinstance(padding, str) else padding
        reach = [1 if padding == "same" else d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
        low = [max(1, r - 2 * p) for r, p in zip(reach, pads)]
        kwargs = dict(stride=stride, padding=padding, dilation=dilation)
        x_channels, w_shape = groups * cg, (groups * og, cg) + kernel
    kwargs["groups"] = groups
    if draw(st.booleans()):  # one number for all dims, where they agree
        kwargs = {k: (v[0] if isinstance(v, tuple) and len(set(v)) == 1 else v) for k, v in kwargs.items()}
    size = tuple(draw(st.integers(lo, lo + (2 if small else 4))) for lo in low)
    batch = draw(st.sampled_from([None, 0, 1, 2]))  # None: an unbatched input
    x = draw(array(shape=((batch,) if batch is not None else ()) + (x_channels,) + size, dtype=dtype, low=-1, high=1))
    w = draw(array(shape=w_shape, dtype=dtype, low=-1, high=1))
    b = draw(array(shape=(groups * og,), dtype=dtype, low=-1, high=1))
    return x, w, b, kwargs


def _check_problem(dims, transposed, problem, with_bias):
    x, w, b, kwargs = problem
    name = conv_name(dims, transposed)
    scale = F32_SCALE if x.dtype == np.float32 else 1
    if with_bias:
        check(lambda lib, x, w, b: getattr(F(lib), name)(x, w, b, **kwargs), x, w, b, atol_scale=scale)
    else:
        check(lambda lib, x, w: getattr(F(lib), name)(x, w, **kwargs), x, w, atol_scale=scale)


@pytest.mark.parametrize("dims", [1, 3])
@settings(max_examples=30)
@given(data=st.data(), with_bias=st.booleans())
def test_conv_matches_torch(dims, data, with_bias):
    _check_problem(dims, False, data.draw(conv_problem(dims)), with_bias)


@pytest.mark.parametrize("dims", [1, 2, 3])
@settings(max_examples=30)
@given(data=st.data(), with_bias=st.booleans())
def test_conv_transpose_matches_torch(dims, data, with_bias):
    _check_problem(dims, True, data.draw(conv_problem(dims, transposed=True)), with_bias)


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_transposed_convolution_is_the_adjoint(dims):
    """<conv(x, W), y> = <x, conv_transpose(y, W)>: the transposed convolution is the convolution's
    adjoint in its input, with the same weight, stride, padding, dilation and groups."""
    rng = np.random.default_rng(dims)
    kwargs = dict(stride=2, padding=1, dilation=2, groups=2)
    x = minitorch.tensor(rng.standard_normal((2, 4) + (9,) * dims))
    w = minitorch.tensor(rng.standard_normal((6, 2) + (3,) * dims))
    y = minitorch.tensor(rng.standard_normal(tuple(getattr(F(minitorch), f"conv{dims}d")(x, w, **kwargs).shape)))
    # (9 + 2·1 - 2·(3-1) - 1) // 2 + 1 = 4 outputs, which the transposed convolution maps back to
    # (4-1)·2 - 2·1 + 2·(3-1) + 1 = 9
    back = getattr(F(minitorch), f"conv_transpose{dims}d")(y, w, **kwargs)
    assert tuple(back.shape) == tuple(x.shape)
    lhs = (getattr(F(minitorch), f"conv{dims}d")(x, w, **kwargs) * y).sum().item()
    assert math.isclose(lhs, (x * back).sum().item(), rel_tol=1e-12)


# -- node names, second derivatives ------------------------------------------------------------------------
@pytest.mark.parametrize("name, x_shape, w_shape", [
    ("conv1d", (2, 4, 7), (3, 4, 2)), ("conv3d", (2, 4, 4, 5, 3), (3, 4, 2, 2, 1)),
    ("conv_transpose1d", (2, 4, 7), (4, 3, 2)), ("conv_transpose2d", (2, 4, 5, 3), (4, 3, 2, 2)),
    ("conv_transpose3d", (2, 4, 3, 4, 3), (4, 3, 2, 2, 1))])
def test_node_names_and_edges(name, x_shape, w_shape):
    rng = np.random.default_rng(5)
    names = []
    for lib in (minitorch, torch):
        x = lib.tensor(rng.standard_normal(x_shape), requires_grad=True)
        w = lib.tensor(rng.standard_normal(w_shape), requires_grad=True)
        y = getattr(F(lib), name)(x, w, stride=2)
        edges = y.grad_fn.next_functions
        assert len(edges) == 3 and edges[2] == (None, 0)  # (input, weight, bias) with no bias
        gx, = lib.autograd.grad((y ** 2).sum(), x, create_graph=True)
        unbatched = getattr(F(lib), name)(x[0], w)
        names.append((y.grad_fn.name(), gx.grad_fn.name(), unbatched.grad_fn.name(),
                      unbatched.grad_fn.next_functions[0][0].name()))
    assert names[0] == names[1] == ("ConvolutionBackward0", "ConvolutionBackwardBackward0", "SqueezeBackward1",
                                    "ConvolutionBackward0")


@pytest.mark.parametrize("name, x_shape, w_shape, kwargs", [
    ("conv1d", (2, 4, 7), (6, 2, 3), dict(stride=2, padding=1, dilation=2, groups=2)),
    ("conv1d", (2, 3, 6), (4, 3, 2), dict(padding="same")),
    ("conv3d", (2, 4, 5, 4, 5), (6, 2, 2, 3, 2), dict(stride=(2, 1, 1), padding=(1, 0, 1), dilation=(1, 1, 2),
                                                      groups=2)),
    ("conv_transpose1d", (2, 4, 5), (4, 3, 3), dict(stride=2, padding=1, output_padding=1, dilation=2, groups=2)),
    ("conv_transpose2d", (2, 4, 4, 3), (4, 3, 3, 2), dict(stride=(2, 3), padding=(1, 0), output_padding=(1, 2))),
    # an output_padding of at least the stride (allowed by a larger dilation): rows no input reaches
    ("conv_transpose2d", (2, 2, 3, 3), (2, 3, 2, 2), dict(stride=1, output_padding=1, dilation=2)),
    ("conv_transpose3d", (2, 4, 3, 3, 2), (4, 3, 2, 2, 2), dict(stride=2, padding=(0, 1, 0), output_padding=(1, 0, 1),
                                                                groups=2))])
def test_second_order(name, x_shape, w_shape, kwargs):
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[1] * kwargs.get("groups", 1) if "transpose" in name else w_shape[0])
    check(lambda lib, x, w, b: getattr(F(lib), name)(x, w, b, **kwargs), x, w, b)
    second_order(lambda lib, x, w, b: getattr(F(lib), name)(x, w, b, **kwargs), x, w, b)
    # a nonlinearity after the convolution makes every second-order term non-zero
    second_order(lambda lib, x, w, b: getattr(F(lib), name)(x, w, b, **kwargs) ** 2, x, w, b)


# -- errors: torch's exception and message, word for word ---------------------------------------------------
@pytest.mark.parametrize("name, x_shape, w_shape, kwargs", [
    ("conv1d", (2, 3, 8), (4, 3, 3, 3), {}),
    ("conv1d", (2, 3, 8, 8), (4, 3, 3), {}),
    ("conv1d", (8,), (4, 3, 3), {}),
    ("conv1d", (2, 3, 8), (4, 3), {}),
    ("conv1d", (2, 3, 8), (4, 2, 3), {}),
    ("conv1d", (2, 4, 8), (4, 2, 3), dict(groups=3)),
    ("conv1d", (2, 4, 8), (4, 2, 3), dict(groups=5)),
    ("conv1d", (2, 3, 8), (4, 3, 3), dict(stride=2, padding="same")),
    ("conv1d", (2, 3, 8), (4, 3, 3, 3), dict(padding="same")),
    ("conv1d", (2, 3, 2), (4, 3, 3), {}),
    ("conv1d", (2, 3, 8), (4, 3, 3), dict(stride=(1, 2))),
    ("conv1d", (2, 3, 8), (4, 3, 3), dict(padding=(1, 2))),
    ("conv1d", (2, 3, 8), (4, 3, 3), dict(dilation=(1, 2))),
    ("conv1d", (2, 3, 8), (4, 3, 3), dict(stride=0)),
    ("conv1d", (2, 3, 8), (4, 3, 3), dict(padding=-1)),
    ("conv1d", (2, 3, 8), (4, 3, 3), dict(dilation=0)),
    ("conv1d", (2, 3, 8), (4, 3, 3), dict(groups=0)),
    ("conv1d", (2, 3, 8), (4, 3, 3), dict(padding="foo")),
    ("conv3d", (2, 3, 8, 8, 8), (4, 3, 3, 3), {}),
    ("conv3d", (2, 3, 8, 8), (4, 3, 3, 3, 3), {}),
    ("conv3d", (2, 3, 2, 8, 8), (4, 3, 3, 3, 3), {}),
    ("conv3d", (2, 3, 0, 0, 0), (4, 3, 3, 3, 3), {}),
    ("conv3d", (2, 3, 8, 8, 8), (4, 3, 3, 3, 3), dict(stride=(1, 2))),
    ("conv_transpose1d", (2, 3, 8), (3, 4, 3, 3), {}),
    ("conv_transpose1d", (2, 3, 8, 8), (3, 4, 3), {}),
    ("conv_transpose1d", (2, 4, 8), (3, 4, 3), {}),
    ("conv_transpose1d", (2, 3, 8), (3, 4, 3), dict(output_padding=2, stride=2)),
    ("conv_transpose1d", (2, 3, 8), (3, 4, 3), dict(groups=2)),
    ("conv_transpose1d", (2, 3, 8), (3, 4, 3), dict(padding="same")),
    ("conv_transpose1d", (2, 3, 8), (3, 4, 3), dict(padding=-1)),
    ("conv_transpose1d", (2, 3, 8), (3, 4, 3), dict(output_padding=-1)),
    ("conv_transpose1d", (2, 3, 8), (3, 4, 3), dict(stride=0)),
    ("conv_transpose1d", (2, 3, 8), (3, 4, 3), dict(groups=0)),
    ("conv_transpose1d", (2, 3, 8), (3, 4, 3), dict(stride=(1, 2))),
    ("conv_transpose1d", (2, 3, 8), (3, 4, 3), dict(output_padding=(1, 2))),
    ("conv_transpose1d", (2, 3, 0), (3, 4, 3), {}),
    ("conv_transpose2d", (2, 3, 8, 8), (3, 4, 3, 3), dict(output_padding=1)),
    ("conv_transpose2d", (2, 3, 8, 8), (3, 4, 3), {}),
    ("conv_transpose3d", (2, 3, 4, 4, 4), (3, 4, 3, 3, 3), dict(output_padding=2, stride=2)),
    ("conv_transpose3d", (2, 3, 4, 4, 4), (3, 4, 3, 3, 3), dict(output_padding=(0, 1, 0), dilation=(1, 1, 2))),
])
def test_errors(name, x_shape, w_shape, kwargs):
    x, w = np.zeros(x_shape, np.float32), np.zeros(w_shape, np.float32)
    same_error(lambda lib, x, w: getattr(F(lib), name)(x, w, **kwargs), x, w)


@pytest.mark.parametrize("name, x_shape, w_shape, b_shape", [
    ("conv1d", (2, 3, 8), (4, 3, 3), (5,)), ("conv3d", (2, 3, 4, 4, 4), (4, 3, 3, 3, 3), (4, 1)),
    ("conv_transpose1d", (2, 3, 8), (3, 4, 3), (5,)), ("conv_transpose2d", (2, 4, 5, 5), (4, 1, 3, 3), (3,))])
def test_bias_errors(name, x_shape, w_shape, b_shape):
    groups = 2 if name == "conv_transpose2d" else 1
    same_error(lambda lib, x, w, b: getattr(F(lib), name)(x, w, b, groups=groups),
               np.zeros(x_shape, np.float32), np.zeros(w_shape, np.float32), np.zeros(b_shape, np.float32))


@pytest.mark.parametrize("name, x_shape, w_shape", [
    ("conv1d", (2, 3, 8), (4, 3, 3)), ("conv3d", (1, 3, 4, 4, 4), (4, 3, 3, 3, 3)),
    ("conv_transpose1d", (2, 3, 8), (3, 4, 3)), ("conv_transpose3d", (1, 3, 4, 4, 4), (3, 2, 3, 3, 3))])
def test_dtype_errors(name, x_shape, w_shape):
    """A float64 input with a float32 weight (the message torch gives on every path)."""
    same_error(lambda lib, x, w: getattr(F(lib), name)(x, w), np.zeros(x_shape), np.zeros(w_shape, np.float32))


@pytest.mark.parametrize("name", ["conv1d", "conv3d", "conv_transpose1d", "conv_transpose3d"])
def test_a_list_for_a_tensor(name):
    """All arguments given, as the layers give them (minitorch's message lists them all: see _args.py)."""
    rest = (None, 1, 0, 0, 1, 1) if "transpose" in name else (None, 1, 0, 1, 1)
    same_error(lambda lib: getattr(F(lib), name)([[1.0]], lib.zeros(1, 1, 1), *rest))


# -- the layers ---------------------------------------------------------------------------------------------
LAYERS = [
    ("Conv1d", (3, 8, 3), {}),
    ("Conv1d", (4, 8, 2), dict(stride=2, padding=1, dilation=2, groups=2, bias=False)),
    ("Conv1d", (3, 8, 4), dict(padding="same", padding_mode="circular")),
    ("Conv3d", (3, 8, 3), {}),
    ("Conv3d", (4, 6, (3, 2, 1)), dict(stride=(2, 1, 1), padding=(1, 0, 1), groups=2, padding_mode="reflect")),
    ("Conv3d", (2, 4, 3), dict(padding="valid", padding_mode="replicate")),
    ("ConvTranspose1d", (3, 8, 3), {}),
    ("ConvTranspose1d", (4, 8, 3), dict(stride=2, padding=1, output_padding=1, groups=2, dilation=2)),
    ("ConvTranspose2d", (3, 8, (3, 2)), dict(stride=2, output_padding=(1, 0), bias=False)),
    ("ConvTranspose3d", (4, 6, 2), dict(stride=(2, 1, 2), padding=1, groups=2)),
]


def _same_layer(name, args, kwargs, dtype):
    """The layer in both libraries, minitorch's with torch's parameters."""
    theirs = getattr(torch.nn, name)(*args, dtype=dtype, **kwargs)
    mine = getattr(minitorch.nn, name)(*args, dtype=getattr(minitorch, str(dtype).split(".")[1]), **kwargs)
    mine.load_state_dict({k: minitorch.from_numpy(v.detach().numpy().copy()) for k, v in theirs.state_dict().items()})
    return mine, theirs


@pytest.mark.parametrize("name, args, kwargs", LAYERS)
def test_layer_repr_parameters_and_output(name, args, kwargs):
    mine, theirs = _same_layer(name, args, kwargs, torch.float64)
    assert repr(mine) == repr(theirs)
    assert [(k, tuple(v.shape)) for k, v in mine.named_parameters()] == \
        [(k, tuple(v.shape)) for k, v in theirs.named_parameters()]
    assert mine._reversed_padding_repeated_twice == theirs._reversed_padding_repeated_twice
    dims = len(theirs.kernel_size)
    x = np.random.default_rng(7).standard_normal((2, args[0]) + (5,) * dims)
    for batched in (x, x[0]):
        mine_y, theirs_y = mine(minitorch.from_numpy(batched)), theirs(torch.from_numpy(batched))
        np.testing.assert_allclose(mine_y.detach().numpy(), theirs_y.detach().numpy(), rtol=1e-10, atol=1e-12)
        assert mine_y.grad_fn.name() == theirs_y.grad_fn.name()


@pytest.mark.parametrize("name, args, kwargs", [layer for layer in LAYERS if layer[2].get("padding_mode")])
def test_layer_padding_modes_gradients(name, args, kwargs):
    mine, theirs = _same_layer(name, args, kwargs, torch.float64)
    dims = len(theirs.kernel_size)
    x = np.random.default_rng(8).standard_normal((2, args[0]) + (6,) * dims)
    check(lambda lib, x: (mine if lib is minitorch else theirs)(x), x)
    mine(minitorch.from_numpy(x)).sum().backward()
    theirs(torch.from_numpy(x)).sum().backward()
    for (k, p), (_, q) in zip(mine.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-10, atol=1e-10, err_msg=k)


@pytest.mark.parametrize("name, args", [("Conv1d", (6, 8, 5)), ("Conv3d", (4, 6, (3, 2, 2))),
                                        ("ConvTranspose1d", (6, 8, 5)), ("ConvTranspose3d", (4, 6, (3, 2, 2))),
                                        ("ConvTranspose2d", (8, 4, 3))])
def test_layer_init_distribution(name, args):
    """kaiming_uniform_(a=√5): W uniform in ±1/√fan_in; b uniform in the same bound. fan_in = W.shape[1] · Πk
    (out_channels/groups for a transposed layer, as torch computes it)."""
    minitorch.manual_seed(0)
    layer = getattr(minitorch.nn, name)(*args, groups=2)
    w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    assert w.shape == tuple(getattr(torch.nn, name)(*args, groups=2).weight.shape)
    bound = 1 / math.sqrt(w.shape[1] * math.prod(w.shape[2:]))
    for values in (w, b):
        assert np.abs(values).max() <= bound
    # about uniform: the largest of n uniform values is within 5/n of the bound (all but never)
    assert np.abs(w).max() > bound * (1 - 5 / w.size)
    assert abs(w.std() - bound / math.sqrt(3)) < 0.2 * bound / math.sqrt(3)


@pytest.mark.parametrize("output_size", [None, (12, 12), (11, 12), [2, 4, 12, 11]])
def test_conv_transpose_output_size(output_size):
    mine, theirs = _same_layer("ConvTranspose2d", (3, 4, 3), dict(stride=2), torch.float64)
    x = np.random.default_rng(9).standard_normal((2, 3, 5, 5))
    check(lambda lib, x: (mine if lib is minitorch else theirs)(x, output_size=output_size), x)


@pytest.mark.parametrize("output_size", [(14, 12), (10, 11), [11], (1, 2, 3)])
def test_conv_transpose_output_size_errors(output_size):
    mine, theirs = _same_layer("ConvTranspose2d", (3, 4, 3), dict(stride=2), torch.float64)
    same_error(lambda lib, x: (mine if lib is minitorch else theirs)(x, output_size=output_size),
               np.zeros((2, 3, 5, 5)))


@pytest.mark.parametrize("call", [
    lambda nn: nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect"),
    lambda nn: nn.ConvTranspose1d(2, 2, 3, groups=3),
    lambda nn: nn.Conv1d(2, 2, 3, padding="full"),
    lambda nn: nn.Conv3d(2, 2, 3, stride=2, padding="same"),
    lambda nn: nn.Conv1d(2, 3, 3, groups=2),
    lambda nn: nn.Conv3d(2, 2, 3, padding_mode="mirror"),
])
def test_layer_errors(call):
    # torch names the valid padding modes as a Python set, whose order changes from process to process (string
    # hashes are salted): the names are compared as a set
    def words(message):
        return re.sub(r"\{([^}]*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", message)
    same_error(lambda lib: call(lib.nn), words=words)
