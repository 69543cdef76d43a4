"""Stochastic gradient descent, with momentum, dampening, Nesterov, weight decay and maximize."""
from .optimizer import Optimizer, required, state_tensor


class SGD(Optimizer):
    """For each parameter p with gradient g:

        g  = g + weight_decay * p                         (if weight_decay)
        b  = g  (first step)   or   momentum * b + (1 - dampening) * g
        g  = g + momentum * b  (nesterov)   or   b
        p  = p - lr * g
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        if lr is not required and lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def _update(self, p, grad, state, group):
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p._data
        momentum = group["momentum"]
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = state_tensor(grad.copy())
            else:
                buf._data *= momentum
                buf._data += (1 - group["dampening"]) * grad if group["dampening"] else grad
            grad = grad + momentum * buf._data if group["nesterov"] else buf._data
        p._data -= group["lr"] * grad
