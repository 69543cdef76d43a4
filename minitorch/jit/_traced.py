"""``trace`` itself, and what it returns: a ``ScriptFunction`` for a function, a ``TracedModule`` for a module.

``trace`` records one run (minitorch/jit/_trace.py), then, with ``check_trace=True``, traces again on the
check inputs (the example inputs by default) and compares: another graph raises ``TracingCheckError``, a
traced result that differs from the Python's warns (``TracerWarning``), as torch does.
"""
import difflib
import inspect
import re
import warnings

from .. import nn
from ..autograd import function as _function
from ..tensor import Tensor
from . import _trace
from ._printing import code_text
from ._trace import Graph, TracerWarning, TracingCheckError, replay  # noqa: F401 (re-exported by jit)

OUTPUT_MISMATCH = ("Output nr {}. of the traced function does not match the corresponding output of the Python "
                   "function. Detailed error:\n{}")


class ScriptFunction:
    """A traced function: calling it replays the recorded ops on new inputs."""

    def __init__(self, graph, name):
        self.graph, self.name = graph, name

    @property
    def inlined_graph(self):
        return self.graph

    @property
    def code(self):
        return code_text(self.graph, self.name)

    def __call__(self, *inputs):
        return replay(self.graph, inputs)

    def save(self, f):
        from ._serialization import save
        save(self, f)

    def __repr__(self):
        return f"<minitorch.jit.ScriptFunction object at {hex(id(self))}>"


class TracedModule(nn.Module):
    """A traced module: ``forward`` replays the recorded ops; the parameters, buffers and submodules are
    the original module's own objects (training either trains both), under the same names."""

    def __init__(self, original, graph, original_name=None, structure=None):
        super().__init__()
        if original is not None:
            self._parameters.update(original._parameters)
            self._buffers.update(original._buffers)
            self._non_persistent_buffers_set.update(original._non_persistent_buffers_set)
            self._modules.update(original._modules)
            object.__setattr__(self, "training", original.training)
        object.__setattr__(self, "graph", graph)
        object.__setattr__(self, "original_name", original_name or type(original).__name__)
        # (name, [(child name, structure), ...]) of the original modules: what the repr shows
        object.__setattr__(self, "_structure", structure or _structure(original))

    @property
    def inlined_graph(self):
        return self.graph

    @property
    def code(self):
        return code_text(self.graph, "forward")

    def forward(self, *inputs):
        return replay(self.graph, inputs, self)

    def save(self, f):
        from ._serialization import save
        save(self, f)

    def _get_name(self):
        return self.original_name

    def __repr__(self):
        return _structure_repr(self._structure)


def _structure(module):
    return (type(module).__name__, [(name, _structure(m)) for name, m in module._modules.items() if m is not None])


def _structure_repr(structure):
    """torch's repr of a traced module: each module's ``original_name``, its children indented."""
    name, children = structure
    if not children:
        return f"{name}(original_name={name})"
    lines = [f"original_name={name}"] + [f"({child}): " + _structure_repr(s).replace("\n", "\n  ")
                                         for child, s in children]
    return f"{name}(\n  " + "\n  ".join(lines) + "\n)"


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5,
          strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None,
          example_kwarg_inputs=None, _store_inputs=True):
    """``torch.jit.trace``: run ``func`` (a function or an ``nn.Module``) once on ``example_inputs`` (a tensor
    or a tuple of tensors), record its ops, and return a ``ScriptFunction`` or ``TracedModule`` that replays
    them."""
    if example_inputs is None:
        raise RuntimeError("example_inputs must be given: minitorch traces positional tensor inputs only")
    inputs = (example_inputs,) if isinstance(example_inputs, Tensor) else tuple(example_inputs)
    if not all(isinstance(t, Tensor) for t in inputs):
        kinds = ", ".join("Tensor" if isinstance(t, Tensor) else type(t).__name__ for t in inputs)
        raise RuntimeError(f"Type 'Tuple[{kinds}]' cannot be traced. Only Tensors and (possibly nested) Lists, "
                           f"Dicts, and Tuples of Tensors can be traced")
    graph = _record(func, inputs, strict)
    if isinstance(func, nn.Module):
        traced = TracedModule(func, graph)
    else:
        traced = ScriptFunction(graph, getattr(func, "__name__", "fn").replace("<lambda>", "lambda"))
    if check_trace:
        for check in check_inputs or [inputs]:
            check = (check,) if isinstance(check, Tensor) else tuple(check)
            _check(func, traced, graph, check, check_tolerance, strict)
    return traced


def _record(func, inputs, strict):
    """Run ``func`` on ``inputs`` with the tracer watching; return the graph it recorded."""
    module = func if isinstance(func, nn.Module) else None
    fn = func.forward if module is not None else func
    attributes = {}
    if module is not None:
        for name, t in list(module.named_parameters()) + list(module.named_buffers()):
            attributes[id(t)] = (t, name)
        subs = {name: _qualified(type(m)) for name, m in module.named_modules() if name}
        info = (_qualified(type(module)), subs)
    graph = Graph(_input_names(fn, len(inputs)), info if module is not None else None)
    tracer = _trace._Tracer(graph, inputs, attributes)
    if _function.observer is not None:
        raise RuntimeError("jit.trace cannot run inside a profile or another trace")
    _function.observer = tracer
    try:
        out = func(*inputs)
    finally:
        _function.observer = None
    graph.output = tracer.output(out, strict)
    _drop_dead_ops(graph)
    return graph


def _drop_dead_ops(graph):
    """Drop the ops whose values nothing uses (``x.sum()`` of ``if x.sum() > 0``: its Python result decided
    the branch and is gone), as torch's tracer does; in-place ops stay (they change a tensor that may be
    used)."""
    from ._trace import Slot

    def slots(a, into):
        if type(a) is Slot:
            into.add(a.index)
        elif type(a) in (list, tuple):
            for x in a:
                slots(x, into)
        return into

    used = slots(graph.output, set())
    kept = []
    for op in reversed(graph.ops):
        if op.inplace or any(s in used for s in op.outs if s is not None):
            kept.append(op)
            slots(list(op.args) + list(op.kwargs.values()), used)
    graph.ops = kept[::-1]


def _qualified(cls):
    """The class's name in the graph's types, as torch's ``__torch__.<module>.<class>`` (a class of
    ``__main__`` or defined inside a function: its name alone)."""
    if cls.__module__ == "__main__" or "<locals>" in cls.__qualname__:
        return cls.__name__
    return f"{cls.__module__}.{cls.__qualname__}"


def _input_names(fn, n):
    """The graph's input names: the function's parameter names (``x``, ``y``), as torch's graph has them."""
    try:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params[:n]]
    return names + [f"input.{i}" for i in range(len(names), n)]


def _fresh(inputs):
    return tuple(t.detach().clone().requires_grad_(t.requires_grad) for t in inputs)


def _check(func, traced, graph, inputs, tolerance, strict):
    """``check_trace``: the same graph when traced again, and the traced results equal to the Python's."""
    again = _record(func, _fresh(inputs), strict)
    before, after = _without_locations(str(graph)), _without_locations(str(again))
    if before != after:
        diff = "\n".join(difflib.unified_diff(before.splitlines(), after.splitlines(), "first trace", "check trace",
                                              lineterm=""))
        raise TracingCheckError(diff, None)
    expected, got = func(*_fresh(inputs)), traced(*_fresh(inputs))
    expected = expected if isinstance(expected, (list, tuple)) else [expected]
    got = got if isinstance(got, (list, tuple)) else [got]
    from ..testing import assert_close  # the message torch's check gives is torch.testing's
    for i, (e, g) in enumerate(zip(expected, got)):
        try:
            assert_close(g.detach(), e.detach(), rtol=tolerance, atol=tolerance, equal_nan=True)
        except AssertionError as error:
            warnings.warn(OUTPUT_MISMATCH.format(i + 1, error), TracerWarning, stacklevel=4)


def _without_locations(text):
    return re.sub(r" # \S+:\d+:0$", "", text, flags=re.M)
