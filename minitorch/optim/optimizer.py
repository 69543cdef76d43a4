"""The Optimizer base: parameter groups, per-parameter state, zero_grad, state_dict.

Optimizers update parameters in place with NumPy on ``p._data``: an update is not part of any graph,
exactly as torch runs ``step()`` under ``no_grad``.
"""
import copy
import functools

import numpy as np

from ..autograd import enable_grad, profiler
from ..tensor import Tensor, _make


class _Required:
    def __repr__(self):
        return "<required parameter>"


required = _Required()


class Optimizer:
    def __init_subclass__(cls, **kwargs):
        """As torch: inside a profile, each ``step`` and ``zero_grad`` is an event of its own
        (``Optimizer.step#SGD.step``)."""
        super().__init_subclass__(**kwargs)
        for name in ("step", "zero_grad"):
            setattr(cls, name, _profiled(getattr(cls, name), f"Optimizer.{name}#{cls.__name__}.{name}"))

    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = {}
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {params.type()}")
        groups = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        params = param_group["params"]
        param_group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for p in param_group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + type(p).__name__)
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization "
                                 f"parameter {name}")
            param_group.setdefault(name, default)
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in existing for p in param_group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    # as torch: the same tensor, cut from any graph create_graph=True gave it, zeroed in
                    # place (zero_ moves its version counter)
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad_(False)
                    p.grad.zero_()

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    state = self.state.get(p, {})
                    self._update(p, p.grad._data, state, group)
                    if state:  # as torch: no entry where an update keeps nothing (SGD without momentum)
                        self.state[p] = state
        return loss

    def _update(self, p, grad, state, group):
        """Update one parameter ``p`` (in place on ``p._data``) from its gradient array ``grad``."""
        raise NotImplementedError

    # -- saving and restoring --------------------------------------------------------------------------
    def state_dict(self):
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [index, ...]}]}`` as in torch."""
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        # as torch: the live per-parameter state, not a copy (copy.deepcopy(opt.state_dict()) takes a snapshot)
        state = {index[id(p)]: s for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for mine, saved in zip(self.param_groups, groups):
            if len(mine["params"]) != len(saved["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                                 "optimizer's group")
        params = {i: p for mine, saved in zip(self.param_groups, groups)
                  for i, p in zip(saved["params"], mine["params"])}
        self.state = {}
        for i, s in state_dict["state"].items():
            p = params[int(i)]
            self.state[p] = {k: (_make(np.array(v._data, dtype=p._data.dtype if v._data.ndim else v._data.dtype))
                                 if isinstance(v, Tensor) else copy.deepcopy(v)) for k, v in s.items()}
        for mine, saved in zip(self.param_groups, groups):
            mine.update({k: v for k, v in saved.items() if k != "params"})

    def __repr__(self):
        lines = [self.__class__.__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            if i:
                lines.append("")  # as torch: a blank line between groups
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)


def _profiled(method, label):
    """``method``, an event named ``label`` in the profile running now (autograd/profiler.py), if any."""
    method = getattr(method, "_unprofiled", method)  # a subclass of a subclass: wrap the method itself once

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if profiler._ACTIVE[0] is None:
            return method(self, *args, **kwargs)
        with profiler.record_function(label):
            return method(self, *args, **kwargs)
    wrapper._unprofiled = method
    return wrapper


def state_tensor(array):
    """An optimizer state entry (momentum buffer, moving averages) as a Tensor, for state_dict()."""
    return _make(array)


def step_count(state):
    """Increment and return the step counter kept in ``state['step']`` (a float32 0-d tensor, as torch)."""
    step = state.get("step")
    if step is None:
        step = state["step"] = _make(np.zeros((), np.float32))
    step._data += 1
    return float(step._data)
