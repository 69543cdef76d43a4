"""``jit.trace``: run a function once, record the operations it ran as a static graph, and replay that graph.

minitorch's graph is dynamic, as torch's: each run of the Python builds it anew, so an ``if`` on the data
takes whichever branch the data asks for. A *trace* is the opposite: the operations of one run, recorded in
order - which op, which earlier values it took, which constant arguments, which values it made - and
replayed on new inputs without running the Python again. The Python's decisions are frozen: a branch not
taken on the example input is not in the trace, and a Python number taken out of a tensor (``x.item()``,
``float(x)``, ``if x.sum() > 0``) is a constant of the trace, which is why tracing warns about it
(``TracerWarning``, in torch's words).

How it records: while ``trace`` runs the function, ``autograd.function.observer`` is the ``_Tracer`` below,
so that every ``Op.apply``, ``Function.apply`` and in-place op (``apply_inplace``) is handed to it; it runs
the op and notes it. A tensor argument the tracer has not seen made is a graph input, a parameter or buffer
of the traced module (read from the module again at each replay, so training it changes the trace's
results), or else a constant (a tensor made inside the function by ``minitorch.ones(3)``, say). The replay
calls the same ``apply`` of each op, so autograd records through it as through any other code.

Differences from torch's tracer, which records ATen ops in C++: the graph holds minitorch's ops (an op's
arguments are minitorch's, not the ATen schema's: ``aten::sum(%6, (1,), ...)`` may have other constants than
torch's ``aten::sum(%6, %8, %9, %10)``); sizes are constants - those the code reads (``x.shape[0]``), where
torch records ``aten::size``, and those minitorch resolves before an op runs (``view(-1, 576)`` is recorded as
``view((2, 576))``), so a trace replays at the example's shapes; an op given a NumPy array that minitorch
computed from a tensor outside any op (nll_loss's class indices) keeps it as a constant, with a
``TracerWarning``; a module's ``graph`` is inlined (torch's ``graph`` calls each submodule's traced
``forward`` through ``prim::CallMethod``; its ``inlined_graph`` is the layout used here); and the submodules
of a ``TracedModule`` are the original modules (torch makes each one a ``TracedModule`` too).
"""
import os
import sys
import warnings

import numpy as np

from ..autograd.op_names import inplace_op_name, op_name
from ..ops.inplace import apply_inplace
from ..tensor import Tensor

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # minitorch/


class TracerWarning(Warning):
    """torch.jit.TracerWarning: the trace may not generalize to other inputs."""


class TracingCheckError(Exception):
    """torch.jit.TracingCheckError: ``check_trace`` found that tracing again gives another graph."""

    def __init__(self, graph_diff_error, tensor_compare_error, extra_msg=None):
        self.message = "Tracing failed sanity checks!\n"
        if extra_msg is not None:
            self.message += extra_msg + "\n"
        if graph_diff_error is not None:
            self.message += "ERROR: Graphs differed across invocations!\n" + graph_diff_error + "\n"
        if tensor_compare_error is not None:
            self.message += ("ERROR: Tensor-valued Constant nodes differed in value across invocations. This often "
                             "indicates that the tracer has encountered untraceable code.\n" + tensor_compare_error)
        super().__init__(self.message)


PYTHON_VALUE_WARNING = ("Converting a tensor to a Python {} might cause the trace to be incorrect. We can't record "
                        "the data flow of Python values, so this value will be treated as a constant in the future. "
                        "This means that the trace might not generalize to other inputs!")
ARRAY_WARNING = ("{} got a NumPy array made outside a recorded operation (minitorch's code computed it from a "
                 "tensor's values, such as nll_loss's class indices): it is recorded as a constant, so the trace "
                 "might not generalize to other inputs!")
LIST_OUTPUT_WARNING = ("Encountering a list at the output of the tracer might cause the trace to be incorrect, this "
                     "is only valid if the container structure does not change based on the module's inputs. "
                     "Consider using a constant container instead (e.g. for `list`, use a `tuple` instead. for "
                     "`dict`, use a `NamedTuple` instead). If you absolutely need this and know the side effects, "
                     "pass strict=False to trace() to allow this behavior.")


# -- what a graph holds ------------------------------------------------------------------------------------
class Slot:
    """An argument that is a value of the graph: an input, or the output of an earlier op."""
    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


class Attr:
    """An argument that is a parameter or buffer of the traced module, by its ``state_dict`` name."""
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


class ArrayOf:
    """An argument that is the NumPy array of a value or parameter (``ref``: a ``Slot`` or an ``Attr``): some
    ops take a buffer's array itself, to update it in place (batch norm's running statistics)."""
    __slots__ = ("ref",)

    def __init__(self, ref):
        self.ref = ref


class Recorded:
    """One recorded op: ``target`` is the op's class (replayed as ``target.apply(*args)``) or, for an
    in-place op, the function ``apply_inplace`` ran (replayed as ``apply_inplace(args[0], target, ...)``)."""
    __slots__ = ("target", "inplace", "args", "kwargs", "outs", "where")

    def __init__(self, target, inplace, args, kwargs, outs, where):
        self.target, self.inplace, self.args, self.kwargs, self.outs, self.where = \
            target, inplace, args, kwargs, outs, where

    @property
    def kind(self):
        """The op's name in the graph: ``aten::mul``, ``aten::relu_`` for an in-place op."""
        return inplace_op_name(self.target) if self.inplace else op_name(self.target)

    def run(self, args, kwargs):
        if self.inplace:
            return apply_inplace(args[0], self.target, *args[1:], **kwargs)
        return self.target.apply(*args)


class Graph:
    """The recorded ops of one trace, with what printing needs: the inputs' names, each value's meta
    (dtype, sizes, strides, requires_grad), the output's structure and, for a module, its class."""

    def __init__(self, input_names, module=None):
        self.input_names = list(input_names)
        self.module = module            # (type name, {submodule path: type name}) for a module's graph
        self.ops = []
        self.meta = []                  # per value: (dtype, shape, strides, requires_grad) or None
        self.output = None              # the output's structure: a Slot, a constant, or a tuple/list of them

    def __str__(self):
        from ._printing import graph_text
        return graph_text(self)

    def nodes(self):
        """The recorded ops, one ``Node`` each (``node.kind()``: ``'aten::mul'``, as torch's)."""
        return [Node(op) for op in self.ops]


class Node:
    """A recorded op seen from outside: ``kind()``, as torch's ``Node.kind()``."""

    def __init__(self, op):
        self._op = op

    def kind(self):
        return self._op.kind

    def __repr__(self):
        return f"<Node {self.kind()}>"


def replay(graph, inputs, owner=None):
    """Run ``graph``'s ops on ``inputs`` (no Python of the traced function runs); ``owner`` is the module
    whose parameters and buffers ``Attr`` arguments name."""
    if len(inputs) != len(graph.input_names):
        raise RuntimeError(f"forward() expected {len(graph.input_names)} argument(s) but received "
                           f"{len(inputs)} argument(s). Declaration: forward({', '.join(graph.input_names)})")
    env = list(inputs) + [None] * (len(graph.meta) - len(inputs))

    def fill(a):
        if type(a) is Slot:
            return env[a.index]
        if type(a) is Attr:
            return _attribute(owner, a.name)
        if type(a) is ArrayOf:
            return fill(a.ref)._data
        if type(a) in (list, tuple):
            return type(a)(fill(x) for x in a)
        return a

    for op in graph.ops:
        out = op.run([fill(a) for a in op.args], {k: fill(v) for k, v in op.kwargs.items()})
        outs = out if type(out) is tuple else (out,)
        for slot, o in zip(op.outs, outs):
            if slot is not None:
                env[slot] = o
    return fill(graph.output)


def _attribute(owner, name):
    """``owner``'s parameter or buffer called ``name`` in its state_dict (``fc.weight``)."""
    *path, leaf = name.split(".")
    module = owner
    for part in path:
        module = module._modules[part]
    found = module._parameters.get(leaf)
    return found if found is not None else module._buffers[leaf]


# -- recording -----------------------------------------------------------------------------------------------
class _Tracer:
    """The observer of operations while ``trace`` runs the function (autograd/function.py, ``observer``)."""

    busy = False  # True while a recorded op runs (its nested Op.apply calls run plainly)

    def __init__(self, graph, inputs, attributes):
        self.graph = graph
        self.slot_of = {}    # id(tensor) -> its value in the graph
        self.array_of = {}   # id(tensor._data) -> value: a detach() of a value shares its array
        self.keep = []       # every tensor seen, alive until the trace ends (so that ids stay unique)
        self.attributes = attributes  # id(parameter or buffer) -> its state_dict name
        self.loose_arrays = 0  # arrays among the current op's arguments that no value or attribute owns
        self.attribute_arrays = {id(t._data): name for t, name in attributes.values()}
        self.attributes = {i: name for i, (t, name) in attributes.items()}
        for t in inputs:
            self._new_value(t)

    def _new_value(self, t):
        slot = len(self.graph.meta)
        if t is None:
            self.graph.meta.append(None)
            return slot
        self.graph.meta.append((t.dtype, tuple(t._data.shape), t.stride(), t.requires_grad))
        self.slot_of[id(t)] = slot
        self.array_of[id(t._data)] = slot
        self.keep += [t, t._data]
        return slot

    def argument(self, a):
        """What argument ``a`` of an op is in the graph."""
        if isinstance(a, Tensor):
            slot = self.slot_of.get(id(a))
            if slot is not None:
                return Slot(slot)
            if id(a) in self.attributes:
                return Attr(self.attributes[id(a)])
            shared = self.array_of.get(id(a._data))
            if shared is not None:  # made from a value without an op (detach, .data): record a detach
                return Slot(self._record(_DetachOp, False, [Slot(shared)], {}, a))
            self.keep.append(a)
            return a  # a tensor made inside the function: a constant of the trace
        if type(a) in (list, tuple):
            return type(a)(self.argument(x) for x in a)
        if isinstance(a, np.ndarray):  # a tensor's own array: a value's, or a parameter's or buffer's
            slot = self.array_of.get(id(a))
            if slot is not None:
                return ArrayOf(Slot(slot))
            if id(a) in self.attribute_arrays:
                return ArrayOf(Attr(self.attribute_arrays[id(a)]))
            self.keep.append(a)
            self.loose_arrays += 1
        return a

    def _record(self, target, inplace, args, kwargs, out):
        outs = out if type(out) is tuple else (out,)
        slots = [self._new_value(o) if isinstance(o, Tensor) or o is None else None for o in outs]
        self.graph.ops.append(Recorded(target, inplace, args, kwargs, slots, _user_location()))
        return slots[0]

    # -- the observer's methods (see autograd/function.py) ---------------------------------------------------
    def op(self, cls, args):
        self.loose_arrays = 0
        recorded = [self.argument(a) for a in args]
        if self.loose_arrays:  # minitorch's own code made it from some tensor's values: it cannot be followed
            _warn(ARRAY_WARNING.format(op_name(cls)))
        self.busy = True
        try:
            out = cls.apply(*args)
        finally:
            self.busy = False
        self._record(cls, False, recorded, {}, out)
        return out

    def inplace(self, apply_inplace, tensor, fn, args, kwargs):
        recorded = [self.argument(a) for a in (tensor,) + tuple(args)]
        recorded_kwargs = {k: self.argument(v) for k, v in kwargs.items()}
        self.busy = True
        try:
            out = apply_inplace(tensor, fn, *args, **kwargs)
        finally:
            self.busy = False
        self._record(fn, True, recorded, recorded_kwargs, out)  # the tensor is now the op's new value
        return out

    def python_value(self, tensor, kind):
        _warn(PYTHON_VALUE_WARNING.format(kind))

    def output(self, out, strict):
        if isinstance(out, list) and strict:
            _warn(LIST_OUTPUT_WARNING)
        if isinstance(out, (list, tuple)):
            return type(out)(self.output(o, strict) for o in out)
        if isinstance(out, Tensor):
            return self.argument(out)
        raise RuntimeError("Only tensors, lists, tuples of tensors, or dictionary of tensors can be output from "
                           "traced functions")


class _DetachOp:
    """``t.detach()`` (or ``t.data``) of a value, as the trace replays it."""

    @staticmethod
    def apply(t):
        return t.detach()


_DetachOp._Node = type("DetachBackward", (), {"_name": "DetachBackward0"})  # named aten::detach (op_names)


def _user_frame():
    """The innermost frame outside minitorch: where the traced code ran the op."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
    return frame


def _user_location():
    """``file:line:0`` of the traced code's line that ran the op, as torch's graph shows it."""
    frame = _user_frame()
    return f"{frame.f_code.co_filename}:{frame.f_lineno}:0" if frame is not None else ""


def _warn(message):
    """A TracerWarning at the traced code's line (not at minitorch's), as torch's point at the user's line."""
    frame = _user_frame()
    if frame is None:
        warnings.warn(message, TracerWarning)
        return
    warnings.warn_explicit(message, TracerWarning, frame.f_code.co_filename, frame.f_lineno,
                           frame.f_globals.get("__name__"), frame.f_globals.setdefault("__warningregistry__", {}))
