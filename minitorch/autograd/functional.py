"""Higher-level differentiation, as ``torch.autograd.functional``: vjp, jvp, jacobian, hessian, vhp, hvp.

All are built on ``autograd.grad``:

* ``vjp``: one backward pass, ``v^T J``.
* ``jacobian``: one backward pass per output element (one row of J each).
* ``jvp`` and ``hvp``: forward-mode products from two backward passes - the "double backward trick".
  ``g(u) = u^T J`` is linear in ``u``, so differentiating ``g(u)`` with respect to ``u`` along ``v`` gives
  ``J v``.
* ``hessian``: the jacobian of the gradient; ``vhp``: the vjp of the gradient.

Inputs and outputs are a Tensor or a tuple of Tensors; results keep the same structure. Unless
``create_graph=True``, results are detached from the graph.
"""
import numpy as np

from .grad_mode import enable_grad, set_grad_enabled, is_grad_enabled
# both are still being imported when this module is; they are complete by the time it is used
from .. import autograd as _autograd, tensor as _tensor


def vjp(func, inputs, v=None, create_graph=False):
    """``(func(inputs), v^T J)``: the vector-Jacobian product of ``func`` at ``inputs``."""
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "vjp")
        if v is not None:
            v = _prepare(_as_tuple(v, "v", "vjp")[1], create_graph, need_graph=False)
            _validate_v(v, outputs, outputs_tuple)
        elif len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function returns a single "
                               "Tensor with a single element.")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        result = _zeros_for_none(_grads(outputs, inputs, v, create_graph), inputs)
    return _finish(outputs, outputs_tuple, create_graph), _finish(result, inputs_tuple, create_graph)


def jvp(func, inputs, v=None, create_graph=False):
    """``(func(inputs), J v)``: the Jacobian-vector product, by the double backward trick."""
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        if v is not None:
            v = _prepare(_as_tuple(v, "v", "jvp")[1], create_graph, need_graph=False)
            _validate_v(v, inputs, inputs_tuple)
        elif len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                               "single Tensor with a single element.")
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jvp")
        # u^T J is linear in u: its value (zeros) does not matter, only its graph
        u = tuple(_zeros_like(out, requires_grad=True) for out in outputs)
        u_jacobian = _grads(outputs, inputs, u, create_graph=True)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        result = _zeros_for_none(_grads(u_jacobian, u, v, create_graph), outputs)
    return _finish(outputs, outputs_tuple, create_graph), _finish(result, outputs_tuple, create_graph)


def jacobian(func, inputs, create_graph=False):
    """The Jacobian of ``func`` at ``inputs``: for output ``o`` and input ``x``, a tensor of shape
    ``o.shape + x.shape``. For tuples, a tuple (per output) of tuples (per input)."""
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jacobian")
        from .. import stack
        result = []
        for out in outputs:
            rows = [[] for _ in inputs]  # rows[j][k]: the gradient of out.flatten()[k] with respect to inputs[j]
            for k in range(out.numel()):
                one_hot = _tensor._make(np.eye(1, out.numel(), k, out._data.dtype).reshape(out._data.shape))
                grads = _zeros_for_none(_grads((out,), inputs, (one_hot,), create_graph), inputs)
                for row, g in zip(rows, grads):
                    row.append(g)
            result.append(tuple(stack(row).reshape(tuple(out.shape) + tuple(x.shape)) for row, x in zip(rows, inputs)))
    result = tuple(_finish(r, inputs_tuple, create_graph) for r in result)
    return result if outputs_tuple else result[0]


def hessian(func, inputs, create_graph=False):
    """The Hessian of a scalar function: for inputs ``x`` and ``y``, a tensor of shape
    ``x.shape + y.shape``; for a tuple of inputs, a tuple of tuples."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")

    def scalar_output(*args):
        out = func(*args)
        if not isinstance(out, _tensor.Tensor):
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single "
                               "element")
        return out.reshape(())

    def gradient(*args):
        return jacobian(scalar_output, args, create_graph=True)

    result = jacobian(gradient, inputs, create_graph=create_graph)
    return result if inputs_tuple else result[0][0]


def vhp(func, inputs, v=None, create_graph=False):
    """``(func(inputs), v^T H)`` for a scalar function: the vjp of its gradient."""
    return _hessian_product(func, inputs, v, create_graph, "vhp")


def hvp(func, inputs, v=None, create_graph=False):
    """``(func(inputs), H v)`` for a scalar function, by the double backward trick."""
    return _hessian_product(func, inputs, v, create_graph, "hvp")


def _hessian_product(func, inputs, v, create_graph, name):
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", name)
        inputs = _prepare(inputs, create_graph, need_graph=True)
        if v is not None:
            v = _prepare(_as_tuple(v, "v", name)[1], create_graph, need_graph=False)
            _validate_v(v, inputs, inputs_tuple)
        elif len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                               "single Tensor with a single element.")
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", name)
        if outputs_tuple:
            raise RuntimeError(f"The function given to {name} should return a single Tensor")
        if outputs[0].numel() != 1:
            raise RuntimeError(f"The Tensor returned by the function given to {name} should contain a single "
                               f"element")
        gradient = _grads(outputs, inputs, None, create_graph=True)
        if name == "hvp":  # H is symmetric, but torch computes H v as a forward-mode product of the gradient
            u = tuple(_zeros_like(x, requires_grad=True) for x in inputs)
            gradient, wrt = _grads(gradient, inputs, u, create_graph=True), u
        else:
            wrt = inputs
    with set_grad_enabled(create_graph or is_grad_enabled()):
        result = _zeros_for_none(_grads(gradient, wrt, v, create_graph), inputs)
    return _finish(outputs, outputs_tuple, create_graph), _finish(result, inputs_tuple, create_graph)


# -- helpers, as in torch.autograd.functional ----------------------------------------------------------
def _as_tuple(x, arg_name, fn_name):
    """(whether ``x`` was a tuple, ``x`` as a tuple of Tensors)."""
    is_tuple = isinstance(x, tuple)
    items = x if is_tuple else (x,)
    for i, item in enumerate(items):
        if not isinstance(item, _tensor.Tensor):
            where = f"the value at index {i}" if is_tuple else f"the given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
                            f"{where} has type {type(item)}.")
    return is_tuple, items


def _prepare(tensors, create_graph, need_graph):
    """Fresh tensors to differentiate with respect to: linked to the originals only under create_graph."""
    return tuple(t.view_as(t) if create_graph and t.requires_grad else t.detach().requires_grad_(need_graph)
                 for t in tensors)


def _validate_v(v, other, other_is_tuple):
    if len(v) != len(other):
        if other_is_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, other)):
        if a.shape != b.shape:
            entry = f"Entry {i} in " if len(other) > 1 else ""
            raise RuntimeError(f"{entry}v has invalid size: should be {b.shape} but got {a.shape}.")


def _grads(outputs, inputs, grad_outputs, create_graph):
    """autograd.grad over the outputs that require grad (None for every input when none does)."""
    grad_outputs = (None,) * len(outputs) if grad_outputs is None else grad_outputs
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return _autograd.grad([o for o, _ in pairs], inputs, [g for _, g in pairs], retain_graph=True,
                 create_graph=create_graph, allow_unused=True)


def _zeros_like(t, requires_grad=False):
    from ..creation import zeros_like
    return zeros_like(t, requires_grad=requires_grad)


def _zeros_for_none(grads, refs):
    return tuple(_zeros_like(r) if g is None else g for g, r in zip(grads, refs))


def _finish(tensors, was_tuple, create_graph):
    """Detach (unless create_graph) and unpack a single result."""
    if not create_graph:
        tensors = tuple(t.detach() for t in tensors)
    return tensors if was_tuple else tensors[0]
