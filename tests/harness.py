"""The one shared helper: run an op in minitorch and in torch on the same data and compare.

``check(fn, *arrays)`` calls ``fn(lib, *tensors)`` once with ``lib = minitorch`` and once with
``lib = torch``, on tensors made from the same NumPy arrays (non-contiguous layouts included, since
both libraries keep the arrays' strides). It compares the forward values and then, with one random
upstream gradient, the gradient of every floating-point input. Float64 is compared tightly, float32
loosely.
"""
import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minitorch

TOLERANCE = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-6)}


def same_layout_copy(a):
    """A fresh copy of ``a`` with ``a``'s memory layout: transposed (F-ordered) and strided-slice inputs
    stay non-contiguous, so both engines really see non-contiguous tensors."""
    if a.ndim >= 2 and not a.flags.c_contiguous:
        if a.flags.f_contiguous:
            return np.ascontiguousarray(a.T).T
        return np.repeat(a, 2, axis=0)[::2]  # every other row of a bigger array
    return a.copy()


def to_torch(a, requires_grad):
    return torch.from_numpy(same_layout_copy(a)).requires_grad_(requires_grad)


def to_mini(a, requires_grad):
    return minitorch.from_numpy(same_layout_copy(a)).requires_grad_(requires_grad)


def assert_close(mine, theirs, dtype=np.float64, what="value", scale=1.0):
    mine = np.asarray(mine.detach().numpy() if hasattr(mine, "detach") else mine)
    theirs = np.asarray(theirs.detach().numpy() if hasattr(theirs, "detach") else theirs)
    assert mine.shape == theirs.shape, f"{what}: shape {mine.shape} != torch's {theirs.shape}"
    assert mine.dtype == theirs.dtype, f"{what}: dtype {mine.dtype} != torch's {theirs.dtype}"
    tol = TOLERANCE.get(np.dtype(dtype).type, TOLERANCE[np.float32])
    np.testing.assert_allclose(mine, theirs, rtol=tol["rtol"], atol=tol["atol"] * scale, err_msg=what,
                               equal_nan=True)


def _outputs(result):
    return list(result) if isinstance(result, (tuple, list)) else [result]


def check(fn, *arrays, grad=True, dtype=None, seed=0, atol_scale=1.0, check_names=True):
    """Compare ``fn(minitorch, ...)`` with ``fn(torch, ...)``: values, node names, and input gradients.

    ``arrays`` are NumPy arrays (float ones get ``requires_grad`` when ``grad``) or other values passed
    through unchanged. Returns (minitorch outputs, torch outputs).
    """
    def tensors(make):
        return [make(a, grad and a.dtype.kind == "f") if isinstance(a, np.ndarray) else a for a in arrays]

    mine_in, theirs_in = tensors(to_mini), tensors(to_torch)
    mine_out = _outputs(fn(minitorch, *mine_in))
    theirs_out = _outputs(fn(torch, *theirs_in))
    dtype = dtype or next((a.dtype for a in arrays if isinstance(a, np.ndarray) and a.dtype.kind == "f"),
                          np.float64)
    assert len(mine_out) == len(theirs_out)
    for i, (m, t) in enumerate(zip(mine_out, theirs_out)):
        assert_close(m, t, dtype, f"output {i}", atol_scale)
        if check_names:
            assert (m.grad_fn and m.grad_fn.name()) == (t.grad_fn and t.grad_fn.name()), \
                f"node name {m.grad_fn and m.grad_fn.name()} != torch's {t.grad_fn and t.grad_fn.name()}"
    if not grad:
        return mine_out, theirs_out
    rng = np.random.default_rng(seed)
    diff = [(m, t) for m, t in zip(mine_out, theirs_out) if t.requires_grad]
    if not diff:
        return mine_out, theirs_out
    upstream = [rng.standard_normal(t.shape).astype(t.detach().numpy().dtype) for _, t in diff]
    minitorch.autograd.backward([m for m, _ in diff], [minitorch.tensor(u) for u in upstream])
    torch.autograd.backward([t for _, t in diff], [torch.from_numpy(u) for u in upstream])
    for i, (m, t) in enumerate(zip(mine_in, theirs_in)):
        if isinstance(t, torch.Tensor) and t.requires_grad:
            if t.grad is None:
                assert m.grad is None or not np.any(m.grad.numpy()), f"input {i}: torch has no grad"
                continue
            assert m.grad is not None, f"input {i}: minitorch computed no gradient"
            assert_close(m.grad, t.grad, dtype, f"grad of input {i}", atol_scale)
    return mine_out, theirs_out


# -- hypothesis strategies ----------------------------------------------------------------------------
def shapes(min_dims=0, max_dims=4, min_side=1, max_side=5):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def floats_array(shape, dtype=np.float64, low=-10.0, high=10.0):
    """An array of finite floats in [low, high]."""
    return hnp.arrays(dtype, shape, elements=st.floats(low, high, allow_nan=False, allow_infinity=False,
                                                       width=32 if dtype == np.float32 else 64))


float_dtypes = st.sampled_from([np.float32, np.float64])


@st.composite
def array(draw, shape=None, dtype=None, low=-10.0, high=10.0, min_dims=0, max_dims=4, layout=True):
    """A float array; sometimes a non-contiguous (transposed or sliced) view of a larger one."""
    dtype = dtype or draw(float_dtypes)
    shape = shape if shape is not None else draw(shapes(min_dims, max_dims))
    kind = draw(st.sampled_from(["c", "t", "s"])) if layout and len(shape) >= 2 else "c"
    if kind == "t":  # transposed: F-ordered memory
        return np.asfortranarray(draw(floats_array(shape, dtype, low, high)))
    if kind == "s":  # a strided slice of a bigger array
        big = draw(floats_array((shape[0] * 2,) + tuple(shape[1:]), dtype, low, high))
        return big[::2]
    return draw(floats_array(shape, dtype, low, high))


@st.composite
def broadcast_pair(draw, dtype=None, low=-10.0, high=10.0):
    """Two arrays whose shapes broadcast together (including 0-d and size-1 dims)."""
    dtype = dtype or draw(float_dtypes)
    a_shape, b_shape = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=4)).input_shapes
    return (draw(array(shape=a_shape, dtype=dtype, low=low, high=high)),
            draw(array(shape=b_shape, dtype=dtype, low=low, high=high)))


def second_order(fn, *arrays, seed=1):
    """Compare, for every input x, d/dx <w, VJP_u(x)> between minitorch and torch (u, w random): a
    Hessian-vector product through ``create_graph=True``, so the VJPs themselves must be differentiable.
    Where torch's second derivative is zero (a piecewise-linear op such as relu, whose VJP is a constant
    mask times the gradient), minitorch may give None or zeros; anywhere else the values must agree."""
    dtype = arrays[0].dtype
    results = []
    for lib in (minitorch, torch):
        xs = [lib.from_numpy(a.copy()).requires_grad_() for a in arrays]
        out = fn(lib, *xs)
        rng = np.random.default_rng(seed)
        up = lib.from_numpy(rng.standard_normal(tuple(out.shape)).astype(dtype))
        grads = lib.autograd.grad(out, xs, up, create_graph=True)
        total = sum((g * lib.from_numpy(rng.standard_normal(a.shape).astype(a.dtype))).sum()
                    for g, a in zip(grads, arrays))
        # no graph at all: every second derivative is zero
        results.append(lib.autograd.grad(total, xs, allow_unused=True) if total.requires_grad else [None] * len(xs))
    for i, (m, t) in enumerate(zip(*results)):
        if t is None or not t.detach().numpy().any():
            assert m is None or not m.detach().numpy().any(), f"input {i}: torch's second derivative is zero"
        else:
            assert m is not None, f"input {i}: minitorch has no second derivative, torch's is not zero"
            assert_close(m, t, dtype, f"second derivative of input {i}")
