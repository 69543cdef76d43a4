"""gradcheck and gradgradcheck: autograd's gradients against finite differences, as torch checks them.

For a function ``f`` of tensors, both Jacobians are built with one row per input element and one
column per output element (torch's layout):

* numerical: column-wise central differences, ``(f(x + eps) - f(x - eps)) / (2 eps)``, perturbing one
  input element at a time, in place;
* analytical: one backward pass per output element, with a one-hot ``grad_output`` (reverse mode,
  ``check_backward_ad``); with ``check_forward_ad``, also one forward-mode pass per input element, with a
  one-hot tangent (autograd/forward_ad.py) - each gives a row of the same Jacobian.

They must agree within ``|analytical - numerical| <= atol + rtol * |numerical|``. Use float64 inputs:
with ``eps = 1e-6`` float32 rounding alone is larger than the tolerance.
"""
import warnings

import numpy as np

from .. import tensor as _tensor


class GradcheckError(RuntimeError):
    """A gradient check failed (torch's ``torch.autograd.gradcheck.GradcheckError``)."""


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_batched_grad=False, check_forward_ad=False, check_backward_ad=True):
    """True if the gradients of ``func`` at ``inputs`` (a tensor or a tuple) match finite differences;
    otherwise raises GradcheckError (or returns False when ``raise_exception=False``).

    ``check_backward_ad`` checks reverse mode's gradients, ``check_forward_ad`` forward mode's (a custom
    Function's ``jvp``); at least one must be on. ``check_undefined_grad`` is accepted as torch's: minitorch
    never hands a backward an undefined gradient (a missing one is materialized as zeros, or None where
    ``set_materialize_grads(False)``), so there is nothing more to check; ``check_batched_grad=True`` (vmap
    over the backward pass) is not implemented and raises."""
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError("Expected at least one of check_forward_ad or check_backward_ad to be True")
    if check_batched_grad:
        raise NotImplementedError("minitorch's gradcheck does not check batched gradients (check_batched_grad)")
    inputs = _as_tuple(inputs)
    wrt = [t for t in inputs if isinstance(t, _tensor.Tensor) and t.requires_grad]
    if not wrt:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them "
                         "have requires_grad=True.")
    for i, t in enumerate(inputs):
        if isinstance(t, _tensor.Tensor) and t.requires_grad and t._data.dtype != np.float64:
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point or "
                          f"complex. This check will likely fail if all the inputs are not of double precision "
                          f"floating point or complex. ", UserWarning, stacklevel=2)
    try:
        _check(func, inputs, wrt, eps, atol, rtol, nondet_tol, check_forward_ad, check_backward_ad)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
                  nondet_tol=0.0):
    """gradcheck of the backward pass itself, i.e. of the second derivatives of ``func``.

    The function checked maps (inputs, grad_outputs) to the vector-Jacobian products
    ``grad_outputs^T J(inputs)``, computed with ``create_graph=True``. Without ``grad_outputs``,
    random ones (uniform in [-1, 1]) are used.
    """
    from . import grad
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(_tensor._make(rng.uniform(-1, 1, o._data.shape).astype(o._data.dtype)).requires_grad_()
                             for o in _differentiable_outputs(func(*inputs)))
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)

    def vector_jacobian_products(*args):
        wrt = [a for a in args[:n] if isinstance(a, _tensor.Tensor) and a.requires_grad]
        grads = grad(_differentiable_outputs(func(*args[:n])), wrt, args[n:], create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(vector_jacobian_products, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol)


def _as_tuple(x):
    return (x,) if isinstance(x, _tensor.Tensor) else tuple(x)


def _differentiable_outputs(out):
    """The outputs that require grad (torch checks only those)."""
    return tuple(o for o in _as_tuple(out) if isinstance(o, _tensor.Tensor) and o.requires_grad)


def _check(func, inputs, wrt, eps, atol, rtol, nondet_tol, forward=False, backward=True):
    """Raise GradcheckError unless the analytical Jacobians (reverse mode's, forward mode's) match the
    numerical ones."""
    outputs = _tensor_outputs(func, inputs)
    numerical = _numerical_jacobians(func, inputs, wrt, eps)  # [output][input]
    if not _differentiable_outputs(outputs):
        if any(np.any(jac != 0) for per_output in numerical for jac in per_output):
            raise GradcheckError("Numerical gradient for function expected to be zero")
        return
    numerical = [per_output for o, per_output in zip(outputs, numerical) if o.requires_grad]
    if backward:
        _check_backward(outputs, numerical, wrt, atol, rtol, nondet_tol)
    if forward:
        for i, analytical in enumerate(_forward_jacobians(func, inputs, wrt)):
            for j, (a, num) in enumerate(zip(analytical, numerical[i])):
                if not np.allclose(a, num, rtol=rtol, atol=atol):
                    raise GradcheckError(f"Jacobian computed with forward mode mismatch for output {i} with respect "
                                         f"to input {j},\nnumerical:{_show(num)}\nanalytical:{_show(a)}\n")


def _check_backward(outputs, numerical, wrt, atol, rtol, nondet_tol):
    for i, out in enumerate(_differentiable_outputs(outputs)):
        analytical = _analytical_jacobians(wrt, out)
        again = _analytical_jacobians(wrt, out)
        for a, b in zip(analytical, again):
            if np.max(np.abs(a - b), initial=0.0) > nondet_tol:
                raise GradcheckError(f"Backward is not reentrant, i.e., running backward with same input and "
                                     f"grad_output multiple times gives different values, although analytical "
                                     f"gradient matches numerical gradient.The tolerance for nondeterminism "
                                     f"was {nondet_tol}.")
        for j, (a, num) in enumerate(zip(analytical, numerical[i])):
            if not np.allclose(a, num, rtol=rtol, atol=atol):
                raise GradcheckError(f"Jacobian mismatch for output {i} with respect to input {j},\n"
                                     f"numerical:{_show(num)}\nanalytical:{_show(a)}\n")


def _tensor_outputs(func, inputs):
    return [o for o in _as_tuple(func(*inputs)) if isinstance(o, _tensor.Tensor)]


def _numerical_jacobians(func, inputs, wrt, eps):
    """[output][input] Jacobians by central differences, for every output and every input in ``wrt``.
    Each input element is perturbed in place; ``func`` runs as usual (gradgradcheck's function takes
    gradients inside)."""
    outputs = _tensor_outputs(func, inputs)
    jacobians = [[np.zeros((t._data.size, o._data.size), o._data.dtype) for t in wrt] for o in outputs]
    for j, t in enumerate(wrt):
        values = t._data
        for k, index in enumerate(np.ndindex(values.shape)):
            original = values[index].copy()
            values[index] = original - eps
            before = [o._data.copy() for o in _tensor_outputs(func, inputs)]
            values[index] = original + eps
            after = [o._data.copy() for o in _tensor_outputs(func, inputs)]
            values[index] = original
            for i, (a, b) in enumerate(zip(before, after)):
                jacobians[i][j][k] = ((b - a) / (2 * eps)).reshape(-1)
    return jacobians


def _analytical_jacobians(wrt, out):
    """[input] Jacobians of ``out``, one backward pass (one column) per element of ``out``."""
    from . import grad
    jacobians = [np.zeros((t._data.size, out._data.size), t._data.dtype) for t in wrt]
    for k in range(out._data.size):
        one_hot = np.zeros(out._data.size, out._data.dtype)
        one_hot[k] = 1
        grads = grad(out, wrt, _tensor._make(one_hot.reshape(out._data.shape)), retain_graph=True,
                     allow_unused=True)
        for jac, g in zip(jacobians, grads):
            if g is not None:
                jac[:, k] = g._data.reshape(-1)
    return jacobians


def _forward_jacobians(func, inputs, wrt):
    """[output][input] Jacobians of the differentiable outputs by forward mode: one pass per element of each
    input in ``wrt``, its tangent one-hot, every other input's tangent zero; the output's tangent is a row."""
    from . import forward_ad
    outputs = _differentiable_outputs(func(*inputs))
    jacobians = [[np.zeros((t._data.size, o._data.size), o._data.dtype) for t in wrt] for o in outputs]
    for j, t in enumerate(wrt):
        for k in range(t._data.size):
            with forward_ad.dual_level():
                duals = {}
                for m, w in enumerate(wrt):
                    tangent = np.zeros(w._data.shape, w._data.dtype)
                    if m == j:
                        tangent.reshape(-1)[k] = 1
                    duals[id(w)] = forward_ad.make_dual(w, _tensor._make(tangent))
                dual_outputs = _differentiable_outputs(func(*[duals.get(id(a), a) for a in inputs]))
                for i, o in enumerate(dual_outputs):
                    tangent = forward_ad.unpack_dual(o).tangent
                    if tangent is not None:
                        jacobians[i][j][k] = tangent._data.reshape(-1)
    return jacobians


def _show(array):
    """A Jacobian printed the way torch prints it in its error message."""
    return repr(_tensor._make(array))
