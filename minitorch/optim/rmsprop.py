"""RMSprop and Adagrad: per-parameter step sizes from running averages of squared gradients."""
import numpy as np

from .adam import lerp_
from .optimizer import Optimizer, state_tensor, step_count


class RMSprop(Optimizer):
    """For each parameter p with gradient g:

        g  = g + weight_decay * p
        s  = alpha * s + (1 - alpha) * g²
        d  = sqrt(s - a²) + eps  (centered, a = running mean of g)   or   sqrt(s) + eps
        b  = momentum * b + g / d ;  p = p - lr * b      (momentum)   or   p = p - lr * g / d
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        for name, value in (("learning rate", lr), ("epsilon value", eps), ("momentum value", momentum),
                            ("weight_decay value", weight_decay), ("alpha value", alpha)):
            if value < 0.0:
                raise ValueError(f"Invalid {name}: {value}")
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _update(self, p, grad, state, group):
        alpha, eps = group["alpha"], group["eps"]
        if group["maximize"]:
            grad = -grad
        if not state:
            state["square_avg"] = state_tensor(np.zeros_like(p._data))
            if group["momentum"] > 0:
                state["momentum_buffer"] = state_tensor(np.zeros_like(p._data))
            if group["centered"]:
                state["grad_avg"] = state_tensor(np.zeros_like(p._data))
        step_count(state)
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p._data
        s = state["square_avg"]._data
        s *= alpha
        s += (1 - alpha) * grad * grad
        if group["centered"]:
            a = state["grad_avg"]._data
            lerp_(a, grad, 1 - alpha)
            avg = np.sqrt(s - a * a)
        else:
            avg = np.sqrt(s)
        avg += eps
        if group["momentum"] > 0:
            b = state["momentum_buffer"]._data
            b *= group["momentum"]
            b += grad / avg
            p._data -= group["lr"] * b
        else:
            p._data -= group["lr"] * (grad / avg)


class Adagrad(Optimizer):
    """For each parameter p with gradient g, at step t:

        g  = g + weight_decay * p
        s  = s + g²
        p  = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        for name, value in (("learning rate", lr), ("lr_decay value", lr_decay),
                            ("weight_decay value", weight_decay),
                            ("initial_accumulator_value value", initial_accumulator_value),
                            ("epsilon value", eps)):
            if value < 0.0:
                raise ValueError(f"Invalid {name}: {value}")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))

    def _update(self, p, grad, state, group):
        if group["maximize"]:
            grad = -grad
        if not state:
            state["sum"] = state_tensor(np.full_like(p._data, group["initial_accumulator_value"]))
        t = step_count(state)
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p._data
        clr = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        s = state["sum"]._data
        s += grad * grad
        p._data -= clr * (grad / (np.sqrt(s) + group["eps"]))
