"""The fast kernels' own paths, compared with torch where the general tests would not reach them:
conv2d's two layouts (batch last, per image in chunks) forced on random problems; max pooling where windows
tie or hold NaN (which position gets the gradient, and the returned indices); erf in float64 against
torch.erf over its whole range."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import CONV_LAYOUTS, assert_close, check, conv_problem, forced_conv_layout, second_order
from minitorch.kernels import conv as mconv  # the layout constants live beside the fast kernel


# -- conv2d: both layouts on the same problems ------------------------------------------------------------
LAYOUTS = CONV_LAYOUTS
forced = forced_conv_layout


@pytest.mark.parametrize("layout", LAYOUTS)
@settings(max_examples=25)
@given(problem=conv_problem(), with_bias=st.booleans())
def test_conv2d_layouts_match_torch(layout, problem, with_bias):
    x, w, b, kwargs = problem
    with forced(layout):
        if with_bias:
            check(lambda lib, x, w, b: lib.nn.functional.conv2d(x, w, b, **kwargs), x, w, b, atol_scale=10)
        else:
            check(lambda lib, x, w: lib.nn.functional.conv2d(x, w, **kwargs), x, w, atol_scale=10)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_conv2d_layouts_second_order(layout):
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((3, 4, 7, 6)), rng.standard_normal((6, 2, 3, 2)), rng.standard_normal(6)
    with forced(layout):
        second_order(lambda lib, x, w, b: lib.nn.functional.conv2d(x, w, b, stride=(2, 1), padding=1, dilation=(1, 2),
                                                        groups=2), x, w, b)


def test_conv2d_blitz_layer_uses_per_image_layout():
    """The blitz's first layer (28x28 output) is the per-image case; its result is contiguous NCHW."""
    assert mconv._per_image((28, 28)) and not mconv._per_image((10, 10))
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 3, 32, 32)).astype(np.float32)
    w = (rng.standard_normal((6, 3, 5, 5)) / 10).astype(np.float32)
    b = rng.standard_normal(6).astype(np.float32)
    mine, _ = check(lambda lib, x, w, b: lib.nn.functional.conv2d(x, w, b), x, w, b, atol_scale=200)
    assert mine[0].is_contiguous() and mine[0].dtype == minitorch.float32


# -- max pooling: ties and NaN ----------------------------------------------------------------------------
def _pool_both(x, **kwargs):
    """max_pool2d with indices in both engines, and the gradient of a random upstream."""
    results = []
    for lib in (minitorch, torch):
        t = lib.from_numpy(x.copy()).requires_grad_(x.dtype.kind == "f")
        out, idx = lib.nn.functional.max_pool2d(t, return_indices=True, **kwargs)
        grad = None
        if t.requires_grad:
            up = np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(x.dtype)
            out.backward(lib.from_numpy(up))
            grad = t.grad
        results.append((out, idx, grad))
    return results


POOLS = [dict(kernel_size=2), dict(kernel_size=2, stride=2), dict(kernel_size=3, stride=2, padding=1),
         dict(kernel_size=(2, 3), stride=1, dilation=(2, 1)), dict(kernel_size=3, stride=3, ceil_mode=True)]


@pytest.mark.parametrize("kwargs", POOLS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_max_pool_ties_pick_torchs_position(kwargs, dtype):
    """After relu most windows tie at 0 (and a few at other values): torch takes the first maximum."""
    rng = np.random.default_rng(0)
    x = np.maximum(rng.integers(-3, 3, (2, 3, 9, 8)), 0).astype(dtype)
    (m_out, m_idx, m_grad), (t_out, t_idx, t_grad) = _pool_both(x, **kwargs)
    assert_close(m_out, t_out, dtype)
    assert np.array_equal(m_idx.numpy(), t_idx.numpy())
    assert_close(m_grad, t_grad, dtype, "grad")


@pytest.mark.parametrize("kwargs", POOLS)
def test_max_pool_nan_windows(kwargs):
    """NaN propagates, and a window with several NaN points at its last one (torch's scan: a later element
    wins when it is NaN)."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 2, 9, 8))
    x[rng.random(x.shape) < 0.3] = np.nan
    x[0, 0, :2, :2] = np.nan  # a whole window of NaN
    (m_out, m_idx, m_grad), (t_out, t_idx, t_grad) = _pool_both(x, **kwargs)
    assert_close(m_out, t_out)
    assert np.array_equal(m_idx.numpy(), t_idx.numpy())
    assert_close(m_grad, t_grad, what="grad")


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8])
def test_max_pool_integer_ties(dtype):
    x = np.random.default_rng(2).integers(0, 3, (1, 2, 6, 6)).astype(dtype)
    (m_out, m_idx, _), (t_out, t_idx, _) = _pool_both(x, kernel_size=2)
    assert np.array_equal(m_out.numpy(), t_out.numpy()) and m_out.numpy().dtype == t_out.numpy().dtype
    assert np.array_equal(m_idx.numpy(), t_idx.numpy())


# -- where (relu's backward): bit-exact selection -----------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int64, np.int8, np.bool_])
def test_where_selects_exact_bits(dtype):
    """NaN, inf and -0.0 come through whole from the side that is picked, the other side leaves no trace."""
    rng = np.random.default_rng(4)
    if dtype == np.bool_:
        x, y = rng.random((5, 7)) < 0.5, rng.random((7,)) < 0.5
    elif np.dtype(dtype).kind == "f":
        x = np.array([np.nan, -np.inf, np.inf, -0.0, 0.0, 1.5, -2.0], dtype)[rng.integers(0, 7, (5, 7))]
        y = np.array([np.nan, -0.0, 3.0, -np.inf, 0.0, 7.0, -1.0], dtype)
    else:
        x, y = rng.integers(-100, 100, (5, 7)).astype(dtype), rng.integers(-100, 100, (7,)).astype(dtype)
    c = rng.random((5, 7)) < 0.5
    for yy in (y, y[:1].reshape(()), np.zeros((), dtype)):
        mine = minitorch.where(minitorch.from_numpy(c), minitorch.from_numpy(x), minitorch.from_numpy(yy)).numpy()
        theirs = torch.where(torch.from_numpy(c), torch.from_numpy(x), torch.from_numpy(yy)).numpy()
        assert mine.dtype == theirs.dtype and mine.shape == theirs.shape
        assert mine.tobytes() == theirs.tobytes()


def test_relu_backward_masks_nan_gradient():
    """torch's relu backward selects (0 where the output is 0), so a NaN or inf upstream stays out."""
    x = np.array([-1.0, 0.0, 2.0, -3.0, 4.0], np.float32)
    up = np.array([np.nan, np.inf, -0.0, -np.inf, np.nan], np.float32)
    grads = []
    for lib in (minitorch, torch):
        t = lib.from_numpy(x.copy()).requires_grad_()
        lib.relu(t).backward(lib.from_numpy(up.copy()))
        grads.append(t.grad.numpy())
    assert grads[0].tobytes() == grads[1].tobytes()


# -- erf: float64 to about an ulp ------------------------------------------------------------------------
def test_erf_float64_matches_torch_to_an_ulp():
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.uniform(-7, 7, 20000), rng.standard_normal(5000) * 1e-3,
                        10.0 ** rng.uniform(-300, 0, 2000), -(10.0 ** rng.uniform(-300, 0, 2000)),
                        np.arange(-700, 701) / 100,                               # interval edges and centres
                        np.nextafter(np.arange(2, 13) / 2, 0), [1e300, -1e300, 6.0, -6.0]])
    mine = minitorch.erf(minitorch.from_numpy(x)).numpy()
    theirs = torch.erf(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(mine, theirs, rtol=1e-15, atol=0)
    ulps = np.abs(mine.view(np.int64) - theirs.view(np.int64))  # same sign: distance in representable steps
    assert ulps.max() <= 2 and np.mean(ulps == 0) > 0.5


@pytest.mark.parametrize("value", [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -1e-310])
def test_erf_special_values(value):
    x = np.array([value, value])
    mine = minitorch.erf(minitorch.from_numpy(x)).numpy()
    theirs = torch.erf(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(mine, theirs, rtol=1e-13, atol=0, equal_nan=True)
    assert np.array_equal(np.signbit(mine), np.signbit(theirs))


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_erf_low_precision_within_an_ulp(dtype):
    x = np.random.default_rng(6).uniform(-5, 5, 5000).astype(dtype)
    mine = minitorch.erf(minitorch.from_numpy(x)).numpy()
    theirs = torch.erf(torch.from_numpy(x)).numpy()
    assert mine.dtype == theirs.dtype
    bits = np.int32 if dtype == np.float32 else np.int16
    assert np.abs(mine.view(bits).astype(np.int64) - theirs.view(bits)).max() <= 1


def test_erf_zero_dim_and_gradient():
    check(lambda lib, x: lib.erf(x), np.array(0.7))
    check(lambda lib, x: lib.erf(x), np.linspace(-4, 4, 33))
