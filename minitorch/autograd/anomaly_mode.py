"""Anomaly mode: ``torch.autograd.detect_anomaly`` and ``set_detect_anomaly``.

A NaN made in backward spreads silently into every ``.grad`` before it. Anomaly mode stops it where
it starts, as torch's does:

* while it is on, every node made by the forward pass remembers the Python stack that made it
  (``record``, called by ``_link`` in ``function.py`` - one marked line);
* while it is on, backward checks what each node's VJP returned: a NaN raises
  ``RuntimeError("Function 'SqrtBackward0' returned nan values in its 0th output.")`` (unless
  ``check_nan=False``);
* when backward fails (that error or any other), a warning shows the stack that made the failing node:
  ``Error detected in SqrtBackward0. Traceback of forward call that caused the error: ...``. A node made
  during a backward pass with ``create_graph=True`` also tells which node's backward made it
  (``Previous calculation was induced by ...``), as torch's does.

The checks watch backward through the engine's observer hook (``engine.observers``, see
``engine._observe``), which is empty when anomaly mode is off.
"""
import os
import warnings

import numpy as np


class _State:
    enabled = False
    check_nan = True   # torch's default, also while anomaly mode is off
    running = None     # the nodes whose VJP is running now (innermost last), while enabled
    marks = None       # len(running) when each (nested) backward pass began


STATE = _State()

ENABLED_WARNING = ("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                   "enabled for debugging.")


def is_anomaly_enabled():
    """``torch.is_anomaly_enabled()``."""
    return STATE.enabled


def is_anomaly_check_nan_enabled():
    """``torch.is_anomaly_check_nan_enabled()``."""
    return STATE.check_nan


def set_anomaly_enabled(enabled, check_nan=True):
    """``torch.set_anomaly_enabled(enabled, check_nan=True)``: switch anomaly mode on or off for the whole
    process (torch's flag is global, not per thread)."""
    from . import engine  # engine imports function, which imports this module: import it when used
    STATE.enabled, STATE.check_nan = bool(enabled), bool(check_nan)
    if STATE.enabled and _WATCHER not in engine.observers:
        STATE.running, STATE.marks = [], []
        engine.observers.append(_WATCHER)
    elif not STATE.enabled and _WATCHER in engine.observers:
        engine.observers.remove(_WATCHER)


class detect_anomaly:
    """``torch.autograd.detect_anomaly(check_nan=True)``: a context manager that turns anomaly mode on
    inside its block and warns that it does (on creation, as torch). As in torch it is not a decorator."""

    def __init__(self, check_nan=True):
        self.prev, self.prev_check_nan = STATE.enabled, STATE.check_nan
        self.check_nan = check_nan
        warnings.warn(ENABLED_WARNING, stacklevel=2)

    def __enter__(self):
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *args):
        set_anomaly_enabled(self.prev, self.prev_check_nan)


class set_detect_anomaly:
    """``torch.autograd.set_detect_anomaly(mode, check_nan=True)``: sets anomaly mode when called; used
    as a context manager, it restores the previous mode on exit."""

    def __init__(self, mode, check_nan=True):
        self.prev, self.prev_check_nan = STATE.enabled, STATE.check_nan
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *args):
        set_anomaly_enabled(self.prev, self.prev_check_nan)


# -- forward: where each node was made ---------------------------------------------------------------
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# minitorch's own frames that stand for torch's C++ (the op machinery): left off the end of a stack, so
# that it ends, as torch's does, at the line that called the operation. nn/, optim/ ... stay, like
# torch's Python code in torch/nn.
_CORE = tuple(os.path.join(_PACKAGE, p) for p in ("autograd" + os.sep, "ops" + os.sep, "tensor.py",
                                                   "creation.py", "_"))


def record(node):
    """Called by ``_link`` (``function.py``) for each new node while anomaly mode is on: keep the stack
    that made it and, for a node made by another node's backward (``create_graph``), that node's record."""
    import traceback  # only needed in anomaly mode
    frames = traceback.extract_stack()
    while frames and frames[-1].filename.startswith(_CORE):
        frames.pop()
    node._anomaly_trace = "".join(traceback.format_list(frames))
    if STATE.running:
        parent = STATE.running[-1]
        node._anomaly_parent = (parent.name(), getattr(parent, "_anomaly_trace", None),
                                getattr(parent, "_anomaly_parent", None))


def _warn_trace(name, trace, is_parent):
    """torch's warnings (python_anomaly_mode.cpp, without its "Triggered internally at" C++ location)."""
    if trace is None:
        warnings.warn(f"Error detected in {name}. No forward pass information available. Enable detect anomaly "
                      f"during forward pass for more information.", stacklevel=2)
    elif not is_parent:
        warnings.warn(f"Error detected in {name}. Traceback of forward call that caused the error:\n{trace}",
                      stacklevel=2)
    else:
        warnings.warn(f"\n\nPrevious calculation was induced by {name}. Traceback of forward call that induced the "
                      f"previous calculation:\n{trace}", stacklevel=2)


# -- backward: the checks ----------------------------------------------------------------------------
class _Watcher:
    """Anomaly mode's observer of backward (``engine._observe`` calls these)."""

    def begin(self, roots, accumulate):
        STATE.marks.append(len(STATE.running))

    def run(self, node, grads):
        STATE.running.append(node)  # nodes made by this VJP (create_graph) are its "children"

    def ran(self, node, grads, grads_in):
        if STATE.running and STATE.running[-1] is node:
            STATE.running.pop()
        if not STATE.check_nan:
            return
        for i, g in enumerate(grads_in):  # torch's evaluate_function check, after the hooks
            if g is not None and g._data.dtype.kind in "fc" and np.isnan(g._data).any():
                raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")

    def leaf(self, node, grad):
        pass

    def failed(self, node, error):
        if node is None:
            return
        _warn_trace(node.name(), getattr(node, "_anomaly_trace", None), False)
        parent = getattr(node, "_anomaly_parent", None)
        while parent is not None:
            name, trace, parent = parent
            _warn_trace(name, trace, True)

    def end(self):
        if STATE.marks:  # a VJP that raised left its node on the stack
            del STATE.running[STATE.marks.pop():]


_WATCHER = _Watcher()
