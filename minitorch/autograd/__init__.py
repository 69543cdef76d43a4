"""minitorch.autograd: Function, the backward engine, grad modes, and checking tools."""
import numpy as np

from . import grad_mode, functional, graph, forward_ad
from .engine import run_backward
from .function import Function, Node, AccumulateGrad, once_differentiable
from .grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled,
                        is_inference_mode_enabled)
from .gradcheck import gradcheck, gradgradcheck, GradcheckError
# learner tools: anomaly mode (as torch's) and explain() (minitorch's own: prints backward as it runs)
from . import anomaly_mode
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .explain import explain  # the class; the module stays reachable as sys.modules[...]
# the autograd profiler (as torch.autograd.profiler)
from . import profiler
# minitorch.tensor is being imported when this package is; it is complete by the time it is used
from .. import tensor as _tensor


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, _tensor.Tensor)


class Variable(metaclass=_VariableMeta):
    """torch's old ``Variable`` (kept for old code such as ``Variable(t, requires_grad=True)``): it makes
    a Tensor sharing ``data``'s values, detached from any graph. Every Tensor is a Variable."""

    def __new__(cls, data, requires_grad=False):
        return data.detach().requires_grad_(requires_grad)


def _as_tuple(x):
    return (x,) if isinstance(x, _tensor.Tensor) else tuple(x)


def _make_grads(outputs, grad_outputs):
    """The gradients the backward pass starts from: the given ones (at the output's dtype), or 1 for a
    scalar output."""
    _make = _tensor._make
    grads = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            if out.requires_grad and out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            shape, dtype = out._data.shape, out._data.dtype
            # a 0-d output (the usual loss): np.array(1) costs a tenth of np.ones, once per backward
            g = _make(np.array(1, dtype) if shape == () else np.ones(shape, dtype))
        else:
            if g.shape != out.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                                   f"output[{i}] has a shape of {out.shape}.")
            if g.dtype != out.dtype:
                g = g.to(out.dtype)
        grads.append(g)
    return grads


def _run(outputs, grad_outputs, inputs, **options):
    """The checks torch's engine makes before it starts, then the backward pass."""
    grads = _make_grads(outputs, (None,) * len(outputs) if grad_outputs is None else _as_tuple(grad_outputs))
    if len(grads) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grads)} gradients")
    for i, t in enumerate(outputs):
        if not t.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    for t in inputs or ():
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    return run_backward(outputs, grads, inputs=inputs, **options)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """``torch.autograd.backward``: accumulate the gradients of ``tensors`` (weighted by ``grad_tensors``)
    into the ``.grad`` of the leaves - or only of ``inputs``, when given."""
    tensors = _as_tuple(tensors)
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
        for t in inputs:
            t.retain_grad()  # as torch: a non-leaf input gets its .grad this way (for a leaf it is a no-op)
    _run(tensors, grad_tensors, inputs, retain_graph=retain_graph, create_graph=create_graph, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """``torch.autograd.grad``: the gradients of ``outputs`` (weighted by ``grad_outputs``) with respect
    to ``inputs``, returned as a tuple; ``.grad`` is left alone. ``create_graph=True`` records the
    computation, so the result can be differentiated again."""
    if is_grads_batched:
        raise NotImplementedError("minitorch.autograd.grad does not support is_grads_batched=True")
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if allow_unused is None:
        allow_unused = materialize_grads
    result = _run(outputs, grad_outputs, inputs, retain_graph=retain_graph, create_graph=create_graph,
                  allow_unused=allow_unused, accumulate=False)
    if materialize_grads:
        from ..creation import zeros_like
        result = [zeros_like(t) if g is None else g for g, t in zip(result, inputs)]
    return tuple(result)
