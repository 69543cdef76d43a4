"""check_gradients: an op's values, VJP and second derivatives, against torch or finite differences.

``fn(lib, *tensors)`` is written once against either library (``lib.exp(x)``, ``x.sum(1)``); the checker
calls it with ``lib = minitorch`` and, for ``against="torch"``, with ``lib = torch`` on tensors made from
the same values and memory layout. torch is imported only then: minitorch itself stays NumPy-only.
"""
import numpy as np

from .. import autograd as _autograd
from .. import creation as _creation
from ..tensor import Tensor
from ._comparison import as_array, assert_close, _is_torch_tensor


def same_layout_copy(a):
    """A fresh copy of ``a`` with ``a``'s memory layout: transposed (F-ordered) and strided-slice inputs
    stay non-contiguous, so both engines really see non-contiguous tensors."""
    if a.ndim >= 1 and not a.flags.c_contiguous:
        if a.flags.f_contiguous:
            return np.ascontiguousarray(a.T).T
        return np.repeat(a, 2, axis=0)[::2]  # every other row of a bigger array
    return a.copy()


def _outputs(result):
    return list(result) if isinstance(result, (tuple, list)) else [result]


def _as_values(inputs, grad):
    """(values, wants_grad): tensors and arrays become NumPy arrays (a tensor keeps its requires_grad, an
    array of floats gets one when ``grad``); anything else is passed to ``fn`` unchanged."""
    values, wants = [], []
    for x in inputs:
        if isinstance(x, Tensor) or _is_torch_tensor(x):
            values.append(as_array(x))
            wants.append(grad and bool(x.requires_grad))
        elif isinstance(x, np.ndarray):
            values.append(x)
            wants.append(grad and x.dtype.kind == "f")
        else:
            values.append(x)
            wants.append(False)
    return values, wants


def _tensors(lib, values, wants):
    return [lib.from_numpy(same_layout_copy(v)).requires_grad_(w) if isinstance(v, np.ndarray) else v
            for v, w in zip(values, wants)]


def _torch():
    try:
        import torch
    except ImportError:
        raise ImportError("check_gradients(against='torch') needs torch (pip install torch); "
                          "against='finite_differences' needs nothing but NumPy") from None
    return torch


def _close(mine, theirs, what, **tolerance):
    try:
        assert_close(mine, theirs, equal_nan=True, **tolerance)
    except AssertionError as error:
        raise AssertionError(f"{what}: {error}") from None


def compare_forward_and_vjp(fn, values, wants, *, seed=0, check_names=True, grad=True, tolerance=None):
    """``fn``'s outputs, node names and input gradients (one random upstream gradient per output that
    requires grad), minitorch against torch. Returns (minitorch outputs, torch outputs)."""
    import minitorch
    torch = _torch()
    tolerance = tolerance or (lambda dtype: {})
    mine_in, theirs_in = _tensors(minitorch, values, wants), _tensors(torch, values, wants)
    mine_out = _outputs(fn(minitorch, *mine_in))
    theirs_out = _outputs(fn(torch, *theirs_in))
    assert len(mine_out) == len(theirs_out), f"{len(mine_out)} outputs, torch's function gives {len(theirs_out)}"
    for i, (m, t) in enumerate(zip(mine_out, theirs_out)):
        _close(m, t, f"output {i}", **tolerance(as_array(t).dtype))
        if check_names:
            mine_name, their_name = m.grad_fn and m.grad_fn.name(), t.grad_fn and t.grad_fn.name()
            assert mine_name == their_name, f"output {i}: node name {mine_name} != torch's {their_name}"
    if not grad:
        return mine_out, theirs_out
    diff = [(m, t) for m, t in zip(mine_out, theirs_out) if t.requires_grad]
    if not diff:
        return mine_out, theirs_out
    rng = np.random.default_rng(seed)
    upstream = [rng.standard_normal(tuple(t.shape)).astype(as_array(t).dtype) for _, t in diff]
    minitorch.autograd.backward([m for m, _ in diff], [minitorch.tensor(u) for u in upstream])
    torch.autograd.backward([t for _, t in diff], [torch.from_numpy(u) for u in upstream])
    for i, (m, t) in enumerate(zip(mine_in, theirs_in)):
        if isinstance(t, torch.Tensor) and t.requires_grad:
            if t.grad is None:
                assert m.grad is None or not np.any(m.grad.numpy()), \
                    f"grad of input {i}: torch's is None (no path), minitorch's is not zero"
                continue
            assert m.grad is not None, f"grad of input {i}: minitorch computed no gradient, torch did"
            _close(m.grad, t.grad, f"grad of input {i}", **tolerance(as_array(t.grad).dtype))
    return mine_out, theirs_out


def _random_vectors(seed, shapes, dtypes):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape).astype(dtype) for shape, dtype in zip(shapes, dtypes)]


def hessian_vector_products(lib, fn, values, wants, seed, graph=True):
    """For every input x that wants a gradient: d/dx <w, VJP_u(x)> (u then w drawn from ``seed``), through
    ``create_graph=True``, so the VJPs themselves must be differentiable. None where nothing depends on x.
    With ``graph=False``: the number <w, VJP_u(x)> itself (for finite differences of it)."""
    xs = _tensors(lib, values, wants)
    outs = [o for o in _outputs(fn(lib, *xs)) if o.requires_grad]
    leaves = [x for x, w in zip(xs, wants) if w]
    shapes = [tuple(t.shape) for t in outs + leaves]
    vectors = _random_vectors(seed, shapes, [as_array(t).dtype for t in outs + leaves])
    u, w = vectors[:len(outs)], vectors[len(outs):]
    grads = (lib.autograd.grad(outs, leaves, [lib.from_numpy(v) for v in u], create_graph=graph, allow_unused=True)
             if outs else [None] * len(leaves))
    terms = [(g * lib.from_numpy(wj)).sum() for g, wj in zip(grads, w) if g is not None]
    total = sum(terms[1:], terms[0]) if terms else None
    if not graph:
        return 0.0 if total is None else float(as_array(total))
    if total is None or not total.requires_grad:  # no graph at all: every second derivative is zero
        return [None] * len(leaves)
    return list(lib.autograd.grad(total, leaves, allow_unused=True))


def compare_second_order(fn, values, wants, *, seed=1, tolerance=None):
    """minitorch's Hessian-vector products against torch's. Where torch's is zero (a piecewise-linear op
    such as relu, whose VJP is a constant mask times the gradient), minitorch may give None or zeros."""
    import minitorch
    torch = _torch()
    tolerance = tolerance or (lambda dtype: {})
    mine = hessian_vector_products(minitorch, fn, values, wants, seed)
    theirs = hessian_vector_products(torch, fn, values, wants, seed)
    names = [i for i, w in enumerate(wants) if w]
    for i, m, t in zip(names, mine, theirs):
        if t is None or not as_array(t).any():
            assert m is None or not as_array(m).any(), \
                f"second derivative of input {i}: torch's is zero, minitorch's is not"
        else:
            assert m is not None, f"second derivative of input {i}: minitorch has none, torch's is not zero"
            _close(m, t, f"second derivative of input {i}", **tolerance(as_array(t).dtype))


def _finite_differences(fn, values, wants, *, seed, eps, rtol, atol, second_order):
    """The VJP and the Hessian-vector product of minitorch's ``fn`` against central differences, in float64."""
    import minitorch
    values = [v.astype(np.float64) if isinstance(v, np.ndarray) and w else v for v, w in zip(values, wants)]
    xs = _tensors(minitorch, values, wants)
    outs = _outputs(fn(minitorch, *xs))
    upstream = _random_vectors(seed, [tuple(o.shape) for o in outs], [as_array(o).dtype for o in outs])

    def weighted_output(vals):  # <u, fn(vals)>, the function whose gradient is the VJP with upstream u
        with _autograd.no_grad():
            new = _outputs(fn(minitorch, *_tensors(minitorch, vals, [False] * len(vals))))
        return sum(float(np.sum(u * as_array(o))) for u, o in zip(upstream, new))

    diff = [(o, u) for o, u in zip(outs, upstream) if o.requires_grad]
    leaves = [i for i, w in enumerate(wants) if w]
    grads = (minitorch.autograd.grad([o for o, _ in diff], [xs[i] for i in leaves],
                                     [_creation.tensor(u, dtype=o.dtype) for o, u in diff], allow_unused=True)
             if diff else [None] * len(leaves))
    for i, g in zip(leaves, grads):
        numerical = _numerical_gradient(weighted_output, values, i, eps)
        _close(np.zeros_like(values[i]) if g is None else g, numerical,
               f"grad of input {i} (against central differences)", rtol=rtol, atol=atol)
    if not second_order:
        return
    hvps = hessian_vector_products(minitorch, fn, values, wants, seed + 1)

    def weighted_vjp(vals):  # <w, VJP_u(vals)>, whose gradient is the Hessian-vector product
        return hessian_vector_products(minitorch, fn, vals, wants, seed + 1, graph=False)

    for i, h in zip(leaves, hvps):
        numerical = _numerical_gradient(weighted_vjp, values, i, eps)
        _close(np.zeros_like(values[i]) if h is None else h, numerical,
               f"second derivative of input {i} (against central differences)", rtol=rtol, atol=atol)


def _numerical_gradient(f, values, i, eps):
    """d f / d values[i], one element at a time: (f(x + eps) - f(x - eps)) / (2 eps)."""
    x = values[i]
    result = np.zeros(x.shape)
    for k in np.ndindex(x.shape):
        shifted = []
        for sign in (1, -1):
            moved = x.copy()
            moved[k] += sign * eps
            shifted.append(f(values[:i] + [moved] + values[i + 1:]))
        result[k] = (shifted[0] - shifted[1]) / (2 * eps)
    return result


def check_gradients(fn, *inputs, against="torch", second_order=True, check_names=True, rtol=None, atol=None,
                    seed=0, eps=1e-6):
    """Check ``fn(lib, *tensors)``'s gradients; raise AssertionError naming the output or input, the
    index and the difference on the first disagreement.

    ``inputs``: NumPy arrays (float ones require grad), minitorch or torch tensors (their requires_grad is
    kept), or other values passed to ``fn`` unchanged. With ``against="torch"``: the values, node names
    and dtypes of the outputs, the VJP with a random upstream gradient, and (``second_order``) a
    Hessian-vector product, against torch's, with torch.testing's tolerances unless given. With
    ``against="finite_differences"`` (no torch needed): the VJP and the Hessian-vector product against
    central differences of minitorch's own ``fn`` in float64 (tolerances of ``gradcheck``: rtol 1e-3, atol 1e-5).
    """
    values, wants = _as_values(inputs, grad=True)
    if against == "torch":
        tolerance = (lambda dtype: {}) if rtol is None and atol is None else (lambda dtype: dict(rtol=rtol, atol=atol))
        compare_forward_and_vjp(fn, values, wants, seed=seed, check_names=check_names, tolerance=tolerance)
        if second_order and any(wants):
            compare_second_order(fn, values, wants, seed=seed + 1, tolerance=tolerance)
    elif against == "finite_differences":
        _finite_differences(fn, values, wants, seed=seed, eps=eps, rtol=1e-3 if rtol is None else rtol,
                            atol=1e-5 if atol is None else atol, second_order=second_order)
    else:
        raise ValueError(f"against must be 'torch' or 'finite_differences', but got {against!r}")
