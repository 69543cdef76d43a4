"""minitorch.autograd: Function, the backward engine, grad modes, and checking tools."""
from . import grad_mode
from .engine import run_backward
from .function import Function, Node, AccumulateGrad, once_differentiable
from .grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled,
                        is_inference_mode_enabled)


def _make_grads(outputs, grad_outputs):
    """The gradients the backward pass starts from: given ones, or 1 for scalar outputs."""
    from ..tensor import _make
    import numpy as np
    grads = []
    for out, g in zip(outputs, grad_outputs):
        if g is None:
            if out.requires_grad and out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if out._data.dtype.kind != "f":
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got "
                                   f"{out.dtype}")
            g = _make(np.ones(out._data.shape, out._data.dtype))
        else:
            if tuple(g.shape) != tuple(out.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[{len(grads)}] has a shape of {g.shape} and "
                                   f"output[{len(grads)}] has a shape of {out.shape}.")
        grads.append(g)
    return grads


def _as_tuple(x):
    if x is None:
        return None
    from ..tensor import Tensor
    return (x,) if isinstance(x, Tensor) else tuple(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """``torch.autograd.backward``: accumulate d(tensors)/d(leaves) into the leaves' ``.grad``."""
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors) or (None,) * len(tensors)
    inputs = _as_tuple(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    for t in tensors:
        if not t.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    run_backward(tensors, _make_grads(tensors, grad_tensors), retain_graph, create_graph, inputs=inputs,
                 accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """``torch.autograd.grad``: the gradients of ``outputs`` w.r.t. ``inputs``, returned, not accumulated."""
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs) or (None,) * len(outputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    result = run_backward(outputs, _make_grads(outputs, grad_outputs), retain_graph, create_graph,
                          inputs=inputs, allow_unused=allow_unused, accumulate=False)
    if materialize_grads:
        from ..creation import zeros_like
        result = [zeros_like(t) if g is None else g for g, t in zip(result, inputs)]
    return tuple(result)
