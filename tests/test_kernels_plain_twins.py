"""Each fast kernel in minitorch/kernels/ against its plain twin, and the plain twins against torch.

The plain twins are what the docs send a learner to first; these tests keep them honest: the same values
as the fast kernels the Ops use (exactly where the result is a selection, within a stated float tolerance
where sums are computed in another order), and the same values as torch.
"""

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from harness import CONV_LAYOUTS, forced_conv_layout
from minitorch.kernels import (broadcast as kbroadcast, conv as kconv, erf as kerf, masks as kmasks, norm as knorm, pool as kpool,
                               power as kpower, resample as kresample, segments as ksegments, taps as ktaps)

# sums of float products in another order: float64 to ~1e-10, float32 to ~1e-5 (relative, and absolute for
# values near 0; the inputs are in [-1, 1] and no sum here has more than a few hundred terms)
TOLERANCE = {np.dtype(np.float64): 1e-10, np.dtype(np.float32): 1e-5}


def assert_near(a, b, dtype):
    tol = TOLERANCE[np.dtype(dtype)]
    assert a.dtype == b.dtype == dtype and a.shape == b.shape
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


# -- convolution: the N-d plain twins against torch; the fast 2-d kernels against them --------------------
@st.composite
def conv_geometry(draw, dims=2):
    """x, w, b, upstream g and geometry (stride, padding (before, after) per spatial dim, dilation, groups)
    for ``dims`` spatial dims, padding uneven as 'same' makes it; a batch may be empty."""
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    groups, cg, og = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kernel = tuple(draw(st.integers(1, 4 if dims < 3 else 3)) for _ in range(dims))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(dims))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(2 * dims))
    reach = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    size = tuple(max(1, r - p0 - p1) + draw(st.integers(0, 5 if dims < 3 else 3))
                 for r, p0, p1 in zip(reach, padding[::2], padding[1::2]))
    n = draw(st.integers(0, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    x = rng.uniform(-1, 1, (n, groups * cg) + size).astype(dtype)
    w = rng.uniform(-1, 1, (groups * og, cg) + kernel).astype(dtype)
    b = rng.uniform(-1, 1, groups * og).astype(dtype) if draw(st.booleans()) else np.zeros(0, dtype)
    out = kconv.out_size(size, kernel, stride, padding, dilation)
    g = rng.uniform(-1, 1, (n, groups * og) + out).astype(dtype)
    return x, w, b, g, (stride, padding, dilation, groups)


LAYOUTS = CONV_LAYOUTS
forced = forced_conv_layout


def torch_conv(x, w, b, g, geometry):
    """torch's output, dx and dW for the same problem (uneven padding applied by F.pad)."""
    stride, padding, dilation, groups = geometry
    xt, wt = torch.from_numpy(x).requires_grad_(), torch.from_numpy(w).requires_grad_()
    # F.pad takes (before, after) from the last dim to the first
    padded = torch.nn.functional.pad(xt, [p for i in reversed(range(len(stride))) for p in padding[2 * i:2 * i + 2]])
    conv = getattr(torch.nn.functional, f"conv{len(stride)}d")
    out = conv(padded, wt, torch.from_numpy(b) if b.size else None, stride, 0, dilation, groups)
    out.backward(torch.from_numpy(g))
    return out.detach().numpy(), xt.grad.numpy(), wt.grad.numpy()


def plain_conv(x, w, b, g, geometry):
    return (kconv.conv_plain(x, w, b, geometry), kconv.conv_input_grad_plain(g, w, x.shape[2:], geometry),
            kconv.conv_weight_grad_plain(g, x, w.shape[2:], geometry))


@pytest.mark.parametrize("dims", [1, 2, 3])
@settings(max_examples=25)
@given(data=st.data())
def test_conv_plain_matches_torch(dims, data):
    x, w, b, g, geometry = data.draw(conv_geometry(dims))
    for mine, theirs in zip(plain_conv(x, w, b, g, geometry), torch_conv(x, w, b, g, geometry)):
        assert_near(mine, theirs, x.dtype)


@pytest.mark.parametrize("layout", LAYOUTS)
@settings(max_examples=25)
@given(problem=conv_geometry())
def test_conv2d_fast_matches_plain(layout, problem):
    x, w, b, g, geometry = problem
    with forced(layout):
        fast = (kconv.conv2d_fast(x, w, b, geometry), kconv.conv2d_input_grad_fast(g, w, x.shape[2:], geometry),
                kconv.conv2d_weight_grad_fast(g, x, w.shape[2:], geometry))
    for f, p in zip(fast, plain_conv(x, w, b, g, geometry)):
        assert_near(f, p, x.dtype)
        assert f.flags.c_contiguous  # the Ops hand these to torch-like code that expects NCHW


# -- max pooling -------------------------------------------------------------------------------------------
@st.composite
def pool_windows(draw):
    """Windows of a padded image: ties (few distinct values), NaN, overlapping windows (stride < reach)."""
    dtype = draw(st.sampled_from([np.float32, np.float64, np.int64, np.uint8]))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    reach = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    padding = tuple(p for k in kernel for p in [draw(st.integers(0, k // 2))] * 2)
    size = tuple(max(1, r - 2 * p) + draw(st.integers(0, 4)) for r, p in zip(reach, padding[::2]))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    x = rng.integers(0, draw(st.integers(1, 4)), (2, 2) + size).astype(dtype)  # 1 distinct value: all tie
    if x.dtype.kind == "f":
        x[rng.random(x.shape) < draw(st.sampled_from([0, 0.2, 0.7]))] = np.nan
    low = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    out = kconv.out_size(size, kernel, stride, padding, dilation)
    view = kconv.windows(kconv.pad_nd(x, padding, low), kernel, stride, dilation, out)
    return x, view, (kernel, stride, padding, dilation)


@settings(max_examples=60)
@given(problem=pool_windows())
def test_max_pool_fast_matches_plain_exactly(problem):
    _, view, _ = problem
    (fast, fast_which), (plain, plain_which) = kpool.max_pool_fast(view), kpool.max_pool_plain(view)
    assert fast.dtype == plain.dtype == view.dtype
    assert fast.tobytes() == plain.tobytes()  # a selection: the same bits, NaN included
    assert np.array_equal(fast_which, plain_which)


@settings(max_examples=40)
@given(problem=pool_windows())
def test_max_pool_plain_matches_torch(problem):
    """The plain max and its position (as torch's flat H·W index) against torch's max_pool2d."""
    x, view, (kernel, stride, padding, dilation) = problem
    out, which = kpool.max_pool_plain(view)
    i, j = np.divmod(which, kernel[1])
    ho, wo = out.shape[-2:]
    rows = np.arange(ho)[:, None] * stride[0] - padding[0] + i * dilation[0]
    cols = np.arange(wo) * stride[1] - padding[2] + j * dilation[1]
    t_out, t_idx = torch.nn.functional.max_pool2d(torch.from_numpy(x), kernel, stride, padding[::2], dilation,
                                                  return_indices=True)
    assert out.tobytes() == t_out.numpy().tobytes()
    assert np.array_equal(rows * x.shape[-1] + cols, t_idx.numpy())


@settings(max_examples=40)
@given(dtype=st.sampled_from([np.float32, np.float64]), size=st.integers(1, 30), count=st.integers(0, 60),
       seed=st.integers(0, 2 ** 32 - 1))
def test_scatter_add_fast_matches_plain(dtype, size, count, seed):
    rng = np.random.default_rng(seed)
    where, values = rng.integers(0, size, count), rng.uniform(-1, 1, count).astype(dtype)
    assert_near(kpool.scatter_add_fast(where, values, size), kpool.scatter_add_plain(where, values, size), dtype)
    unique = rng.permutation(size)[:min(count, size)]  # no position twice: the assignment path, exact
    fast = kpool.scatter_add_fast(unique, values[:len(unique)], size, overlap=False)
    assert fast.tobytes() == kpool.scatter_add_plain(unique, values[:len(unique)], size).tobytes()


# -- erf ---------------------------------------------------------------------------------------------------
def ulps(a, b):
    """Distance in representable steps, for two float arrays of one dtype (NaN where both are NaN: 0)."""
    ints = {2: np.int16, 4: np.int32, 8: np.int64}[a.dtype.itemsize]
    ia, ib = a.view(ints).astype(object), b.view(ints).astype(object)  # object: no overflow across signs
    # the integer view of a negative float counts down from -0: map it so that the order is kept
    lowest = int(np.iinfo(ints).min)
    ia = np.array([v if v >= 0 else lowest - v for v in ia.ravel()], object)
    ib = np.array([v if v >= 0 else lowest - v for v in ib.ravel()], object)
    both_nan = (np.isnan(a) & np.isnan(b)).ravel()
    return np.where(both_nan, 0, np.abs(ia - ib)).astype(np.int64)


erf_inputs = st.sampled_from([np.float64, np.float32, np.float16]).flatmap(
    lambda dtype: hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=2, max_side=8),
                             elements=st.floats(width=np.dtype(dtype).itemsize * 8)
                             | st.floats(-7, 7, width=np.dtype(dtype).itemsize * 8)))


@settings(max_examples=60)
@given(a=erf_inputs)
def test_erf_fast_matches_plain(a):
    """Within 2 ulp in float64 (the series' own error); float32 and float16 round the float64 results,
    which may then fall either side of a rounding boundary: 1 ulp."""
    fast, plain = kerf.erf_fast(a), kerf.erf_plain(a)
    assert fast.dtype == plain.dtype == a.dtype and fast.shape == plain.shape == a.shape
    assert ulps(fast, plain).max(initial=0) <= (2 if a.dtype == np.float64 else 1)
    assert np.array_equal(np.signbit(fast), np.signbit(plain))


def test_erf_fast_matches_plain_on_a_grid():
    """Every half-unit interval of the series, its edges and centres included, densely."""
    x = np.concatenate([np.linspace(-7, 7, 20001), np.nextafter(np.arange(-14, 15) / 2, 0)])
    assert ulps(kerf.erf_fast(x), kerf.erf_plain(x)).max() <= 2


@settings(max_examples=40)
@given(a=erf_inputs)
def test_erf_plain_matches_torch(a):
    plain, theirs = kerf.erf_plain(a), torch.erf(torch.from_numpy(a)).numpy()
    assert plain.dtype == theirs.dtype
    assert ulps(plain, theirs).max(initial=0) <= (2 if a.dtype == np.float64 else 1)


# -- a ** p for a small whole p (Pow's forward) ------------------------------------------------------------
power_inputs = st.sampled_from([np.float64, np.float32]).flatmap(
    lambda dtype: hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=2, max_side=8),
                             elements=st.floats(width=np.dtype(dtype).itemsize * 8)
                             | st.floats(-3, 3, width=np.dtype(dtype).itemsize * 8)))


def assert_power_near(fast, plain, p):
    """Each multiplication rounds once, and squaring doubles the relative error so far: within p ulps of pow
    (itself within 1 ulp) for normal results; below the smallest normal number, within that number (there the
    partial powers themselves may have lost bits). Same infinities, NaNs and signs of zero."""
    assert fast.dtype == plain.dtype and fast.shape == plain.shape
    tiny = np.finfo(plain.dtype).tiny
    normal = ~(np.abs(plain) < tiny)  # NaN counts as normal: ulps gives 0 where both are NaN
    assert ulps(fast[normal], plain[normal]).max(initial=0) <= p + 1
    assert np.all(np.abs(fast[~normal] - plain[~normal]) <= tiny)
    numbers = ~np.isnan(plain)  # the sign of a NaN is no one's promise
    assert np.array_equal(np.signbit(fast[numbers]), np.signbit(plain[numbers]))


@settings(max_examples=60, deadline=None)
@given(a=power_inputs, p=st.sampled_from(kpower.FAST_EXPONENTS))
def test_int_power_fast_matches_plain(a, p):
    with np.errstate(all="ignore"):
        assert_power_near(kpower.int_power_fast(a, p), kpower.int_power_plain(a, p), p)


def test_int_power_fast_matches_plain_on_a_grid():
    """Densely over the range where results are finite, the largest and smallest representable included."""
    for dtype in (np.float32, np.float64):
        x = np.concatenate([np.linspace(-20, 20, 40001), np.geomspace(1e-30, 1e30, 2001)]).astype(dtype)
        x = np.concatenate([x, -x, [np.finfo(dtype).max, np.finfo(dtype).tiny, np.finfo(dtype).smallest_subnormal]])
        for p in kpower.FAST_EXPONENTS:
            with np.errstate(all="ignore"):
                assert_power_near(kpower.int_power_fast(x, p), kpower.int_power_plain(x, p), p)


@settings(max_examples=30, deadline=None)
@given(a=power_inputs, p=st.sampled_from(kpower.FAST_EXPONENTS))
def test_int_power_fast_matches_torch(a, p):
    """torch.pow computes x³ as x·x·x too (the same value); higher powers with its vectorised pow."""
    with np.errstate(all="ignore"):
        fast = kpower.int_power_fast(a, p)
    assert_power_near(fast, torch.from_numpy(a).pow(p).numpy(), p)
    if p == 3:
        assert np.array_equal(fast, torch.from_numpy(a).pow(3).numpy(), equal_nan=True)


# -- where (relu's backward) -------------------------------------------------------------------------------
SPECIAL = [np.nan, -np.inf, np.inf, -0.0, 0.0, 1.5, -2.0]


@st.composite
def where_arrays(draw):
    dtype = draw(st.sampled_from([np.float64, np.float32, np.float16, np.int64, np.int8, np.uint8, np.bool_]))
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=4)).input_shapes
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))

    def values(shape):  # np.asarray: a 0-d shape gives NumPy scalars; the Ops pass arrays
        if dtype == np.bool_:
            return np.asarray(rng.random(shape) < 0.5)
        if np.dtype(dtype).kind == "f":
            return np.asarray(np.array(SPECIAL, dtype)[rng.integers(0, len(SPECIAL), shape)])
        return np.asarray(rng.integers(0, 100, shape).astype(dtype))
    c = np.asarray(rng.random(shapes[0]) < 0.5)
    y = values(shapes[2]) if draw(st.booleans()) else np.zeros((), dtype)  # +0: relu's backward
    return c, values(shapes[1]), y


@settings(max_examples=60)
@given(arrays=where_arrays())
def test_select_fast_matches_plain_and_torch_bit_for_bit(arrays):
    c, x, y = arrays
    fast, plain = kmasks.select_fast(c, x, y), kmasks.select_plain(c, x, y)
    theirs = torch.where(torch.from_numpy(c), torch.from_numpy(x), torch.from_numpy(y)).numpy()
    assert fast.dtype == plain.dtype == theirs.dtype and fast.shape == plain.shape == theirs.shape
    assert fast.tobytes() == plain.tobytes() == theirs.tobytes()


# -- row normalisation (layer_norm, group_norm) --------------------------------------------------------------
@st.composite
def row_norm_problem(draw):
    """x, w, b, upstream g and the layouts of a layer_norm or a group_norm, perhaps without w and b, perhaps
    with more rows than one block of the fast backward (kernels/norm.py, _BLOCK)."""
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    if draw(st.booleans()):  # layer_norm over the last dim
        m, k = draw(st.sampled_from([(0, 3), (1, 1), (5, 7), (3000, 40)]))
        shape, stats, affine, wshape, norm = (m, k), (m, k), (m, k), (1, k), "layer"
    else:  # group_norm: N, C = G * per_group, spatial
        n, groups, per_group, spatial = draw(st.sampled_from([(2, 2, 3, 5), (1, 1, 1, 2), (70, 4, 2, 300)]))
        shape = (n, groups * per_group, spatial)
        stats, affine, wshape, norm = (n, groups, per_group * spatial), shape, (1, groups * per_group, 1), "group"
    affine_params = draw(st.booleans())
    x, g = rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal(wshape[1]).astype(dtype) if affine_params else None
    b = rng.standard_normal(wshape[1]).astype(dtype) if affine_params else None
    return x, w, b, g, stats, affine, wshape, norm


@settings(max_examples=25, deadline=None)
@given(problem=row_norm_problem(), block=st.sampled_from([64, 1000, knorm._BLOCK]))
def test_row_norm_fast_matches_plain(problem, block):
    """``block``: the elements the fast backward recomputes x̂ for at a time (several blocks, one block)."""
    default, knorm._BLOCK = knorm._BLOCK, block
    try:
        _fast_matches_plain(*problem)
    finally:
        knorm._BLOCK = default


def _fast_matches_plain(x, w, b, g, stats, affine, wshape, _):
    y_fast, mu_fast, r_fast = knorm.row_norm_fast(x, w, b, stats, affine, wshape, 1e-5)
    y_plain, mu_plain, r_plain = knorm.row_norm_plain(x, w, b, stats, affine, wshape, 1e-5)
    for fast, plain in ((y_fast, y_plain), (mu_fast, mu_plain), (r_fast, r_plain)):
        assert_near(fast, plain, x.dtype)
    fast = knorm.row_norm_vjp_fast(g.reshape(affine), x, w, mu_plain, r_plain, stats, affine, wshape)
    plain = knorm.row_norm_vjp_plain(g.reshape(affine), x, w, mu_plain, r_plain, stats, affine, wshape)
    assert_near(fast[0], plain[0], x.dtype)
    if w is not None:  # sums over up to 21,000 products in another order: float32 relative to their size
        scale = np.abs(g).sum() / max(1, wshape[1]) if x.dtype == np.float32 else 1.0
        np.testing.assert_allclose(fast[1], plain[1], rtol=TOLERANCE[x.dtype], atol=TOLERANCE[x.dtype] * scale)
        np.testing.assert_allclose(fast[2], plain[2], rtol=TOLERANCE[x.dtype], atol=TOLERANCE[x.dtype] * scale)


@settings(max_examples=15, deadline=None)
@given(problem=row_norm_problem())
def test_row_norm_plain_matches_torch(problem):
    """The plain formulas against torch's layer_norm / group_norm, values and all three gradients (float64)."""
    x, w, b, g, stats, affine, wshape, norm = problem
    x, g = x.astype(np.float64), g.astype(np.float64)
    w, b = (None, None) if w is None else (w.astype(np.float64), b.astype(np.float64))
    y, mu, r = knorm.row_norm_plain(x, w, b, stats, affine, wshape, 1e-5)
    dx, dw, db = knorm.row_norm_vjp_plain(g.reshape(affine), x, w, mu, r, stats, affine, wshape)
    tx = torch.tensor(x, requires_grad=True)
    tw, tb = (None, None) if w is None else (torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True))
    if norm == "layer":
        ty = torch.nn.functional.layer_norm(tx, (x.shape[-1],), tw, tb, 1e-5)
    else:
        ty = torch.nn.functional.group_norm(tx, stats[1], tw, tb, 1e-5)
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(y.reshape(x.shape), ty.detach().numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(dx.reshape(x.shape), tx.grad.numpy(), rtol=1e-9, atol=1e-9)
    if w is not None:
        np.testing.assert_allclose(dw.ravel(), tw.grad.numpy(), rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(db.ravel(), tb.grad.numpy(), rtol=1e-9, atol=1e-9)


# -- segments.py (sparse tensors): rows added up by index --------------------------------------------------------
@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.integers(0, 40), st.integers(1, 12), st.sampled_from([(), (3,), (2, 2)]), st.booleans(),
       st.sampled_from([np.float32, np.float64]), st.integers(0, 2 ** 16))
def test_add_rows_fast_matches_plain(count, n, tail, sorted_index, dtype, seed):
    """Unsorted indices (with repeats) or sorted ones (a coalesced tensor's), 1-d values or rows: the same sums,
    within rounding (the fast one adds each segment in the rows' order; equal in practice, not by contract)."""
    rng = np.random.default_rng(seed)
    index = rng.integers(0, n, count)
    if sorted_index:
        index.sort()
    rows = rng.standard_normal((count,) + tail).astype(dtype)
    fast, plain = ksegments.add_rows_fast(index, rows, n), ksegments.add_rows_plain(index, rows, n)
    assert fast.dtype == plain.dtype and fast.shape == plain.shape == (n,) + tail
    np.testing.assert_allclose(fast, plain, rtol=1e-6 if dtype == np.float32 else 1e-12, atol=1e-6)


# -- resampling along one axis (interpolate) ----------------------------------------------------------------
@st.composite
def resample_problem(draw):
    """x, an axis, taps (index, weight) of K per output position - positions repeated and out of order,
    as bicubic's clamped taps are - and an upstream g; axes short (the dense-matrix path) and long (the
    gather and bincount path)."""
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    ndim = draw(st.integers(1, 4))
    axis = draw(st.integers(0, ndim - 1))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    size = draw(st.sampled_from([1, 2, 5, kresample.DENSE_MAX + 7]))
    shape = [draw(st.integers(0 if d != axis else 1, 3)) for d in range(ndim)]
    shape[axis] = size
    out, k = draw(st.integers(1, 9)), draw(st.sampled_from([1, 2, 4]))
    index = rng.integers(0, size, (k, out))
    weight = rng.uniform(-1, 1, (k, out)).astype(dtype)
    x = rng.uniform(-1, 1, shape).astype(dtype)
    g_shape = list(shape)
    g_shape[axis] = out
    return x, axis, index, weight, rng.uniform(-1, 1, g_shape).astype(dtype)


@settings(max_examples=60)
@given(problem=resample_problem())
def test_resample_fast_matches_plain(problem):
    x, axis, index, weight, g = problem
    assert_near(kresample.resample_fast(x, axis, index, weight), kresample.resample_plain(x, axis, index, weight),
                x.dtype)
    size = x.shape[axis]
    assert_near(kresample.resample_transpose_fast(g, axis, index, weight, size),
                kresample.resample_transpose_plain(g, axis, index, weight, size), x.dtype)


@settings(max_examples=20)
@given(problem=resample_problem())
def test_resample_transpose_plain_is_the_transpose(problem):
    """<g, resample(x)> = <transpose(g), x>: the VJP is the forward's adjoint."""
    x, axis, index, weight, g = problem
    x, weight, g = x.astype(np.float64), weight.astype(np.float64), g.astype(np.float64)
    left = np.sum(g * kresample.resample_plain(x, axis, index, weight))
    right = np.sum(kresample.resample_transpose_plain(g, axis, index, weight, x.shape[axis]) * x)
    np.testing.assert_allclose(left, right, rtol=1e-10, atol=1e-10)


def test_resample_plain_matches_torch_linear():
    """The plain twin with torch's linear taps (align_corners=True: src = o·(in-1)/(out-1)) is torch's
    linear interpolate along the last axis."""
    x = np.random.default_rng(17).standard_normal((2, 3, 7))
    src = np.arange(11) * 6 / 10
    low = np.minimum(np.floor(src).astype(np.int64), 5)
    lam = src - low
    index, weight = np.stack([low, low + 1]), np.stack([1 - lam, lam])
    theirs = torch.nn.functional.interpolate(torch.from_numpy(x), size=11, mode="linear", align_corners=True)
    np.testing.assert_allclose(kresample.resample_plain(x, 2, index, weight), theirs.numpy(), rtol=1e-12,
                               atol=1e-12)


# -- weighted taps over flattened planes (grid_sample) ------------------------------------------------------
@st.composite
def taps_problem(draw):
    """x (N, C, S), taps index and weight (N, Q, K) - repeated positions included - and an upstream g."""
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    n, c, size = draw(st.integers(0, 3)), draw(st.integers(0, 4)), draw(st.integers(1, 12))
    q, k = draw(st.integers(0, 6)), draw(st.sampled_from([1, 4, 8, 16]))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    return (rng.uniform(-1, 1, (n, c, size)).astype(dtype), rng.uniform(-1, 1, (n, q, k)).astype(dtype),
            rng.integers(0, size, (n, q, k)), rng.uniform(-1, 1, (n, c, q)).astype(dtype))


@settings(max_examples=60)
@given(problem=taps_problem())
def test_taps_fast_match_plain(problem):
    x, weight, index, g = problem
    assert_near(ktaps.tap_sum_fast(x, weight, index), ktaps.tap_sum_plain(x, weight, index), x.dtype)
    assert_near(ktaps.tap_scatter_fast(g, weight, index, x.shape[2]),
                ktaps.tap_scatter_plain(g, weight, index, x.shape[2]), x.dtype)
    assert_near(ktaps.tap_correlate_fast(g, x, index), ktaps.tap_correlate_plain(g, x, index), x.dtype)


@settings(max_examples=20)
@given(problem=taps_problem())
def test_taps_plain_are_each_others_transposes(problem):
    """<g, tap_sum(x, W)> = <tap_scatter(g, W), x> = <tap_correlate(g, x), W>."""
    x, weight, index, g = (a.astype(np.float64) if a.dtype.kind == "f" else a for a in problem)
    total = np.sum(g * ktaps.tap_sum_plain(x, weight, index))
    np.testing.assert_allclose(np.sum(ktaps.tap_scatter_plain(g, weight, index, x.shape[2]) * x), total,
                               rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(np.sum(ktaps.tap_correlate_plain(g, x, index) * weight), total, rtol=1e-10,
                               atol=1e-10)


def test_tap_sum_plain_matches_torch_grid_sample():
    """torch's nearest grid_sample on points at pixel centres is a tap sum with one tap of weight 1."""
    rng = np.random.default_rng(18)
    x = rng.standard_normal((2, 3, 4, 5))
    rows, cols = rng.integers(0, 4, (2, 6)), rng.integers(0, 5, (2, 6))
    grid = np.stack([(2 * cols + 1) / 5 - 1, (2 * rows + 1) / 4 - 1], -1)[:, :, None]   # (N, 6, 1, 2)
    theirs = torch.nn.functional.grid_sample(torch.from_numpy(x), torch.from_numpy(grid), mode="nearest",
                                             align_corners=False)
    mine = ktaps.tap_sum_plain(x.reshape(2, 3, 20), np.ones((2, 6, 1)), (rows * 5 + cols)[..., None])
    np.testing.assert_array_equal(mine, theirs.numpy()[..., 0])


# -- a 0-d array broadcast (expand's forward, sum's VJP) --------------------------------------------------
@settings(max_examples=40)
@given(dtype=st.sampled_from([np.float32, np.float64, np.int64, np.bool_]), value=st.integers(-3, 3),
       ndim=st.integers(0, 2), shape=st.lists(st.integers(0, 4), max_size=4))
def test_broadcast_fast_is_the_same_view_as_plain_and_torch(dtype, value, ndim, shape):
    a = np.asarray(np.full((1,) * ndim, value, dtype))  # 0-d (the fast case) or 1-d/2-d of one element
    shape = tuple(shape) if len(shape) >= ndim else (1,) * ndim
    fast, plain = kbroadcast.broadcast_fast(a, shape), kbroadcast.broadcast_plain(a, shape)
    theirs = torch.from_numpy(a).expand(shape).numpy()
    assert fast.dtype == plain.dtype == theirs.dtype and fast.shape == plain.shape == theirs.shape == shape
    assert fast.strides == plain.strides and fast.tobytes() == plain.tobytes() == theirs.tobytes()
    assert np.shares_memory(fast, a) == np.shares_memory(plain, a) and not fast.flags.writeable
