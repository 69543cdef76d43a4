"""The autograd profiler: ``with minitorch.autograd.profiler.profile() as prof: ...``, as torch's.

Every operation run inside the ``with`` block - forward ops, the backward pass's nodes and the ops of their
VJPs - becomes an event with its wall time, nested as they ran: a backward node's VJP ops are children of
``autograd::engine::evaluate_function: <node>`` and ``<node>`` (``AddmmBackward0``), as in torch's profile.
``prof.key_averages().table(sort_by="self_cpu_time_total")`` prints torch's table (Name, Self CPU %, Self
CPU, CPU total %, CPU total, CPU time avg, # of Calls, Input Shapes with ``record_shapes=True``, and the
footer ``Self CPU time total``); ``prof.export_chrome_trace(path)`` writes the events for chrome://tracing
or Perfetto; ``record_function("label")`` adds an event of your own around a block.

Rows are named as torch names them (``aten::addmm``: minitorch/autograd/op_names.py). torch's rows also
show the aten ops its C++ runs inside an op (``aten::linear`` -> ``aten::t``, ``aten::addmm``); minitorch's
ops are one NumPy call each, so a profile has the ops the Python called, which line up with the
corresponding rows of torch's.

How it watches: forward ops through ``autograd.function.observer`` (checked once per op in ``Op.apply``
and ``Function.apply``), backward through the engine's observers (``engine.observers``). Neither costs
anything outside a ``with profile()`` block. An op of a user ``Function`` is one event: the ops its
forward runs inside are not separate rows.
"""
import functools
import json
import os
import threading
import time
import traceback

from . import engine, function
from .op_names import inplace_op_name, op_name

_ENGINE = "autograd::engine::evaluate_function: "


class FunctionEvent:
    """One timed event: an op, a backward node, or a ``record_function`` block (times in microseconds)."""

    def __init__(self, id, name, start_us, thread=0, input_shapes=None, stack=None, parent=None):
        self.id, self.name, self.thread = id, name, thread
        self.start_us, self.end_us = start_us, start_us
        self.input_shapes, self.stack = input_shapes, stack
        self.cpu_parent, self.cpu_children = parent, []
        self.count = 1

    key = property(lambda self: self.name)
    cpu_time_total = property(lambda self: self.end_us - self.start_us)
    cpu_time = cpu_time_total  # one call: the average is the total

    @property
    def self_cpu_time_total(self):
        """The time not spent in its children."""
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    def __repr__(self):
        return (f"<FunctionEvent id={self.id} name={self.name} cpu_time={_format_time(self.cpu_time_total)} "
                f"start_us={self.start_us:.3f} end_us={self.end_us:.3f} cpu_children={[c.id for c in self.cpu_children]} "
                f"input_shapes={self.input_shapes}>")


class FunctionEventAvg:
    """The events of one key (name, and input shapes when grouped by them), summed: one row of the table."""

    def __init__(self, key, input_shapes=None, stack=None):
        self.key, self.input_shapes, self.stack = key, input_shapes, stack
        self.count = 0
        self.cpu_time_total = self.self_cpu_time_total = 0.0
        self.cpu_parent = None

    def add(self, event):
        self.count += event.count
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total
        return self

    @property
    def cpu_time(self):
        return self.cpu_time_total / self.count if self.count else 0.0

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={_format_time(self.self_cpu_time_total)} "
                f"cpu_time={_format_time(self.cpu_time)} input_shapes={self.input_shapes}>")


class EventList(list):
    """A list of events (``FunctionEvent`` or, after ``key_averages``, ``FunctionEventAvg``)."""

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        """One row per name (and input shapes, when ``group_by_input_shape``), in the order first seen."""
        rows = {}
        for e in self:
            name = "ProfilerStep*" if e.key.startswith("ProfilerStep#") else e.key  # as torch: steps as one row
            key = (name, str(e.input_shapes) if group_by_input_shape else None,
                   tuple((e.stack or [])[:group_by_stack_n]) if group_by_stack_n else None)
            if key not in rows:
                rows[key] = FunctionEventAvg(name, e.input_shapes if group_by_input_shape else None,
                                             (e.stack or [])[:group_by_stack_n] if group_by_stack_n else None)
            rows[key].add(e)
        return EventList(rows.values())

    @property
    def self_cpu_time_total(self):
        return sum(e.self_cpu_time_total for e in self)

    def total_average(self):
        total = FunctionEventAvg("Total")
        for e in self:
            total.add(e)
        return total

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False, time_unit=None):
        """torch's table of these events (``sort_by``: an attribute such as ``"self_cpu_time_total"``)."""
        return _build_table(self, sort_by, header, row_limit, max_src_column_width, max_name_column_width,
                            max_shapes_column_width, top_level_events_only, time_unit)

    def export_chrome_trace(self, path):
        """Write the events in the Chrome trace event format (open in chrome://tracing or ui.perfetto.dev)."""
        events = []
        for e in self:
            if not isinstance(e, FunctionEvent):
                continue
            args = {"Input Dims": e.input_shapes} if e.input_shapes is not None else {}
            if e.stack:
                args["Call stack"] = ";".join(e.stack)
            events.append({"ph": "X", "cat": "cpu_op", "name": e.name, "pid": os.getpid(), "tid": e.thread,
                           "ts": e.start_us, "dur": e.cpu_time_total, "args": args})
        with open(path, "w") as f:
            json.dump({"schemaVersion": 1, "traceEvents": events, "displayTimeUnit": "ms"}, f)

    def __str__(self):
        return self.table()


class profile:
    """``torch.autograd.profiler.profile``: records the ops run inside ``with``, forward and backward.
    ``record_shapes`` keeps each op's input sizes, ``with_stack`` the Python lines that ran it. Memory and
    FLOPs are not measured: ``profile_memory`` and ``with_flops`` are accepted and add no columns."""

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False, with_flops=False,
                 profile_memory=False, with_stack=False, with_modules=False, use_kineto=False, use_cpu=True,
                 experimental_config=None, acc_events=False, custom_trace_id_callback=None):
        self.enabled = enabled
        self.record_shapes, self.with_stack = record_shapes, with_stack
        self.profile_memory = profile_memory  # accepted; minitorch does not measure memory per op
        self.function_events = None
        self._recorder = None

    def __enter__(self):
        if self.enabled:
            self._recorder = _Recorder(self.record_shapes, self.with_stack)
            self._recorder.start()
        return self

    def __exit__(self, *exc):
        if self._recorder is not None:
            self._recorder.stop()
            self.function_events = EventList(self._recorder.events)
            self._recorder = None
        return False

    def _events(self):
        if self.function_events is None:
            raise RuntimeError("Profiler didn't finish running")
        return self.function_events

    def events(self):
        return self._events()

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        return self._events().key_averages(group_by_input_shape, group_by_stack_n)

    def table(self, sort_by=None, row_limit=100, **kwargs):
        return self._events().table(sort_by=sort_by, row_limit=row_limit, **kwargs)

    def export_chrome_trace(self, path):
        self._events().export_chrome_trace(path)

    @property
    def self_cpu_time_total(self):
        return self._events().self_cpu_time_total

    def total_average(self):
        return self._events().total_average()

    def __str__(self):
        return self.table()


class record_function:
    """An event of your own around a block: ``with record_function("label"):`` or ``@record_function("label")``.
    Outside a profile it does nothing."""

    def __init__(self, name, args=None):
        self.name, self.args = name, args
        self._event = None

    def __enter__(self):
        recorder = _ACTIVE[0]
        if recorder is not None:
            self._event = recorder.push(self.name, None)
        return self

    def __exit__(self, *exc):
        if self._event is not None:
            _ACTIVE[0].pop(self._event)
            self._event = None
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)
        return wrapper


_ACTIVE = [None]  # the recorder of the profile running now (one at a time, as torch's on one thread)


class _Recorder:
    """The observer behind ``profile``: an event per op (``op``, ``inplace``) and per backward node (the
    engine's ``run``/``ran``/``leaf``), nested by a stack of the events open now."""

    busy = False  # True while an op it times runs (the nested Op.apply then runs plainly)

    def __init__(self, record_shapes, with_stack):
        self.record_shapes, self.with_stack = record_shapes, with_stack
        self.events, self.open, self.nodes = [], [], []  # all events; open events; open backward nodes
        self.thread = threading.get_ident()

    def start(self):
        if function.observer is not None or _ACTIVE[0] is not None:
            raise RuntimeError("Profiler is already enabled on this thread, or jit.trace is recording: "
                               "one at a time")
        function.observer = _ACTIVE[0] = self
        engine.observers.append(self)

    def stop(self):
        self._close_leaf()
        while self.open:  # a block left by an exception
            self.pop(self.open[-1])
        engine.observers.remove(self)
        function.observer = _ACTIVE[0] = None

    # -- events ------------------------------------------------------------------------------------------
    def push(self, name, args):
        shapes = None if not self.record_shapes else [_shape(a) for a in args] if args is not None else []
        stack = _user_stack() if self.with_stack else None
        event = FunctionEvent(len(self.events), name, time.perf_counter_ns() / 1e3, self.thread, shapes, stack,
                              self.open[-1] if self.open else None)
        if event.cpu_parent is not None:
            event.cpu_parent.cpu_children.append(event)
        self.events.append(event)
        self.open.append(event)
        return event

    def pop(self, event):
        event.end_us = time.perf_counter_ns() / 1e3
        while self.open and self.open.pop() is not event:
            pass

    # -- forward: the operation observer (autograd.function.observer) ------------------------------------
    def op(self, cls, args):
        event = self.push(op_name(cls), args)
        self.busy = True
        try:
            return cls.apply(*args)
        finally:
            self.busy = False
            self.pop(event)

    def inplace(self, apply_inplace, tensor, fn, args, kwargs):
        event = self.push(inplace_op_name(fn), (tensor,) + tuple(args))
        self.busy = True
        try:
            return apply_inplace(tensor, fn, *args, **kwargs)
        finally:
            self.busy = False
            self.pop(event)

    def python_value(self, tensor, kind):
        pass  # only jit.trace cares

    # -- backward: the engine's observer (engine.observers) -----------------------------------------------
    def begin(self, roots, accumulate):
        pass

    def run(self, node, grads):
        self._close_leaf()
        self._open_node(node, node.name())

    def ran(self, node, grads, grads_in):
        if self.nodes and self.nodes[-1][0] is node:
            self._close_node()

    def leaf(self, node, grad):
        # the engine tells when a leaf's AccumulateGrad starts, not when it ends: it ends at the next event
        self._close_leaf()
        self._open_node(None, node.name())

    def failed(self, node, error):
        self.end()

    def end(self):
        while self.nodes:
            self._close_node()

    def _open_node(self, node, name):
        """Two events for a node, as torch's: ``autograd::engine::evaluate_function: <name>`` and ``<name>``
        inside it (``node`` None: a leaf's, closed at the next event)."""
        outer = self.push(_ENGINE + name, None)
        self.nodes.append((node, outer, self.push(name, None)))

    def _close_node(self):
        _, outer, inner = self.nodes.pop()
        self.pop(inner)
        self.pop(outer)

    def _close_leaf(self):
        if self.nodes and self.nodes[-1][0] is None:
            self._close_node()


def _shape(a):
    """An argument's entry in Input Shapes: a tensor's sizes, a list of tensors' sizes, [] for anything else."""
    if hasattr(a, "_data"):
        return list(a._data.shape)
    if isinstance(a, (list, tuple)) and a and all(hasattr(t, "_data") for t in a):
        return [list(t._data.shape) for t in a]
    return []


def _user_stack():
    """The call stack outside minitorch, innermost first (``with_stack=True``): ``file(line): function``."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frames = [f for f in traceback.extract_stack() if not os.path.abspath(f.filename).startswith(root)]
    return [f"{f.filename}({f.lineno}): {f.name}" for f in reversed(frames)]


# -- the table, as torch's (torch/autograd/profiler_util.py, _build_table: CPU columns only) ---------------
def _format_time(time_us):
    if time_us >= 1e6:
        return f"{time_us / 1e6:.3f}s"
    if time_us >= 1e3:
        return f"{time_us / 1e3:.3f}ms"
    return f"{time_us:.3f}us"


def _format_time_share(time_us, total_us):
    return "NaN" if total_us == 0 else f"{time_us * 100.0 / total_us:.2f}%"


def _unit(time_us, time_unit):
    scale = {"s": 1e6, "ms": 1e3, "us": 1.0}.get(time_unit)
    return _format_time(time_us) if scale is None else f"{time_us / scale:.3f}{time_unit}"


def _build_table(events, sort_by, header, row_limit, max_src_column_width, max_name_column_width,
                 max_shapes_column_width, top_level_events_only, time_unit):
    if not events:
        return ""
    if sort_by is not None:
        events = sorted(events, key=lambda e: getattr(e, sort_by), reverse=True)
    has_shapes = any(e.input_shapes for e in events)
    stacks = [e.stack for e in events if e.stack]
    name_width = max(len(e.key) for e in events) + 4
    if max_name_column_width is not None:
        name_width = min(name_width, max_name_column_width)
    headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", "# of Calls"]
    widths = [name_width] + [12] * 6
    aligns = [">"] * 7
    if has_shapes:
        headers.append("Input Shapes")
        widths.append(min(max(len(str(e.input_shapes)) for e in events) + 4, max_shapes_column_width))
        aligns.append(">")
    if stacks:
        src_width = min(max(len(s) for stack in stacks for s in stack) + 4, max_src_column_width)
        headers.append("Source Location")
        widths.append(src_width)
        aligns.append("<")
    row_format = "".join("{: " + a + str(w) + "}  " for a, w in zip(aligns, widths))
    separator = "".join("-" * w + "  " for w in widths)
    line_length = sum(w + 2 for w in widths) - 2
    total = sum(e.self_cpu_time_total for e in events)

    lines = []
    if header is not None:
        lines += ["=" * line_length, header]
    if top_level_events_only:
        lines += ["=" * line_length, "This report only display top-level ops statistics"]
    lines += [separator, row_format.format(*headers), separator]
    shown = 0
    for e in events:
        if shown == row_limit:
            break
        if top_level_events_only and e.cpu_parent is not None:
            continue
        shown += 1
        name = e.key
        if max_name_column_width is not None and len(name) >= max_name_column_width - 3:
            name = name[:max_name_column_width - 3] + "..."
        row = [name, _format_time_share(e.self_cpu_time_total, total), _unit(e.self_cpu_time_total, time_unit),
               _format_time_share(e.cpu_time_total, total), _unit(e.cpu_time_total, time_unit),
               _unit(e.cpu_time, time_unit), e.count]
        if has_shapes:
            row.append(str(e.input_shapes)[:widths[7]])
        if stacks:
            row.append(_trim(e.stack[0], src_width) if e.stack else "")
        lines.append(row_format.format(*row))
        if stacks:
            blank = [""] * (len(headers) - 1)
            lines += [row_format.format(*blank, _trim(s, src_width)) for s in (e.stack or [])[1:]]
            lines.append(row_format.format(*blank, ""))
    lines += [separator, f"Self CPU time total: {_unit(total, time_unit)}"]
    return "\n".join(lines) + "\n"


def _trim(path, width):
    if len(path) > width:
        path = path[len(path) - width:]
        if len(path) > 3:
            path = "..." + path[3:]
    return path
