"""Watching backward run: ``with minitorch.autograd.explain(): loss.backward()``.

Prints, as the engine (``engine.run_backward``) runs, each node in the order it is visited - the
reverse topological order, newest node first, as torch's engine - with:

* the gradient arriving at the node (shape, mean and largest absolute value), and how many gradients
  were summed into it: a node whose output was used twice gets two, added in its buffer
  (``engine._add_to_buffer``);
* the gradient it sends along each edge of ``next_functions`` (``-> [i] Node: shape``), and where the
  engine summed a gradient back from a broadcast shape to the input's shape (``engine._fit_to_input``);
* each leaf's ``AccumulateGrad``: whether the gradient becomes ``.grad`` (the first time) or is added
  into it.

Forward mode (``forward_ad``) is watched too: each op run on a dual input prints the tangents it receives
(one per tensor argument: its shape, or ``none`` for an argument without a tangent, a zero direction) and
the tangent it sends to its output, with the rule that computed it - a written-out ``jvp``, the op itself
applied to the tangents (``linear``), the VJP's formula (``elementwise``) or the VJP transposed by reverse
mode (``transposed VJP``); see autograd/forward_ad.py. That view comes through ``forward_ad.observers``.

It watches through the engine's observer hook (``engine.observers``): nothing is printed, and nothing
costs, outside the ``with`` block. ``explain(file=None)`` prints nothing; the steps are also kept as
objects in ``.steps`` of what ``with`` returns, for tests and notebooks.
"""
import sys

from . import engine, forward_ad
from .labels import leaf_names, node_label, shape_text, short_name


class _Stdout:
    """The default ``file``: sys.stdout as it is when printing (so that redirect_stdout sees it)."""

    def __repr__(self):
        return "sys.stdout"


_STDOUT = _Stdout()


class _Record:
    """A plain record (a dataclass would cost ``import minitorch`` a few milliseconds)."""
    __slots__ = ()

    def __init__(self, *args, **kwargs):
        for name, default in self._fields:
            setattr(self, name, default() if callable(default) else default)
        for name, value in zip([f for f, _ in self._fields], args):
            setattr(self, name, value)
        for name, value in kwargs.items():
            setattr(self, name, value)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{f}={getattr(self, f)!r}' for f, _ in self._fields)})"


class Send(_Record):
    """A gradient sent along edge ``index`` of a node's ``next_functions`` to node ``to``: ``shape`` as
    it arrives there (None: no gradient); ``broadcast_from``: the shape the VJP returned, when the engine
    summed it down to ``shape``; ``adds_to``: how many gradients ``to`` already had for that output."""
    _fields = (("index", None), ("to", None), ("shape", None), ("broadcast_from", None), ("adds_to", 0))
    __slots__ = tuple(f for f, _ in _fields)


class Step(_Record):
    """One node run by the engine: ``number`` (its place in this pass, from 1), ``node`` (its label),
    ``shapes`` (of the gradients arriving, one per output, None where none), ``summary`` (mean and
    largest absolute value of the first), ``arrivals`` (how many gradients arrived, summed for each
    output into one), ``sends`` (``Send`` per edge), ``leaf`` (for an AccumulateGrad: "set" the first
    ``.grad``, "add" into it, or "capture" for autograd.grad)."""
    _fields = (("number", None), ("node", None), ("shapes", None), ("summary", ""), ("arrivals", 0),
               ("sends", list), ("leaf", None))
    __slots__ = tuple(f for f, _ in _fields)


class Push(_Record):
    """One JVP pushed in forward mode: ``number`` (from 1, per ``with`` block), ``node`` (the op's node name),
    ``rule`` (how its JVP was computed), ``gets`` (the shape of each tensor argument's tangent, None for none),
    ``sends`` (the shape of each output's tangent), ``summary`` (of the first one sent)."""
    _fields = (("number", None), ("node", None), ("rule", None), ("gets", list), ("sends", list), ("summary", ""))
    __slots__ = tuple(f for f, _ in _fields)


def summary(g):
    """``mean=0.25 |max|=0.25`` for a gradient tensor."""
    data = g._data
    if data.size == 0:
        return "empty"
    return f"mean={float(data.mean()):.4g} |max|={float(abs(data).max()):.4g}"


class explain:
    """Context manager: print each step of every backward pass run inside it.

    ``file``: where to print (default: sys.stdout at the time of printing; None: print nothing).
    ``params``: names for the leaves (a dict ``name -> tensor`` or ``net.named_parameters()``). ``with explain() as trace:`` gives the
    ``explain`` object; ``trace.steps`` lists the ``Step`` of every node run, ``trace.lines`` the text.
    """

    def __init__(self, file=_STDOUT, params=None):
        self.file = file
        self.names = leaf_names(params)
        self.steps, self.lines = [], []
        self._passes = []  # per (nested) backward pass: ({(node, output_nr): gradients received}, mode, [steps])
        self.pushes = []  # the forward-mode JVPs, as Push records

    def __enter__(self):
        engine.observers.append(self)
        forward_ad.observers.append(self)
        return self

    def __exit__(self, *exc):
        engine.observers.remove(self)
        forward_ad.observers.remove(self)

    # -- what forward mode tells (see forward_ad.push_tangents) ----------------------------------------------
    def pushed(self, op, rule, args, sent):
        Tensor = forward_ad._tensor.Tensor
        gets = [shape_text(t) if t is not None else None
                for t in (forward_ad.tangent_of(a) for a in args if isinstance(a, Tensor))]
        sends = [None if t is None else shape_text(t) for t in sent]
        first = next((t for t in sent if t is not None), None)
        push = Push(len(self.pushes) + 1, op.node_name or op.__name__, rule, gets, sends,
                    summary(first) if first is not None else "")
        self.pushes.append(push)
        self._print(f"fwd {push.number:>3}  {push.node}  gets {', '.join(g or 'none' for g in gets)}  "
                    f"sends {', '.join(s or 'none' for s in sends)}  {push.summary}  ({rule})")

    def _print(self, text):
        self.lines.append(text)
        if self.file is not None:
            print(text, file=sys.stdout if self.file is _STDOUT else self.file, flush=True)

    def _label(self, node, shape=True):
        """The node's name; a leaf's with its name (and shape, unless ``shape=False``)."""
        if shape or getattr(node, "variable", None) is None:
            return node_label(node, self.names)
        name = self.names.get(id(node.variable))
        return short_name(node) + (" " + name if name else "")

    # -- what the engine tells (see engine._observe) -------------------------------------------
    def begin(self, roots, accumulate):
        received = {}
        self._passes.append((received, accumulate, [0]))  # gradients received, mode, steps so far
        what = "backward" if accumulate else "autograd.grad"
        for (node, nr), g in roots:
            if node is not None:
                received[(node, nr)] = received.get((node, nr), 0) + 1
                self._print(f"{what}: start at {self._label(node)} with gradient {shape_text(g)} "
                            f"({summary(g)})")

    def run(self, node, grads):
        pass

    def ran(self, node, grads, grads_in):
        if not self._passes:  # entered while a backward pass was already running: watch the next one
            return
        received, _, count = self._passes[-1]
        count[0] += 1
        shapes = [None if g is None else shape_text(g) for g in grads]
        first = next((g for g in grads if g is not None), None)
        per_output = [received.get((node, nr), 0) for nr in range(len(grads))]
        step = Step(count[0], self._label(node), shapes, summary(first) if first is not None else "",
                    sum(per_output))
        self.steps.append(step)
        got = ", ".join(s or "none" for s in shapes) if first is not None else "no gradient"
        text = f"{step.number:>3}  {step.node}  gets {got}"
        if first is not None:
            text += f"  {step.summary}"
        if len(per_output) == 1 and per_output[0] > 1:
            text += f"  (sum of {per_output[0]} gradients)"
        elif len(per_output) > 1:
            text += "".join(f"  (output {nr}: sum of {k} gradients)" for nr, k in enumerate(per_output) if k > 1)
        self._print(text)
        for i, (child, nr) in enumerate(node.next_functions):
            if child is None:
                continue
            g = grads_in[i] if i < len(grads_in) else None
            send = Send(i, self._label(child, shape=False), adds_to=received.get((child, nr), 0))
            if g is not None:
                shape = list(node._input_meta[i][0])
                send.shape = str(shape)
                if list(g._data.shape) != shape:
                    send.broadcast_from = shape_text(g)
                received[(child, nr)] = send.adds_to + 1
            step.sends.append(send)
            self._print(self._send_text(send, nr))

    @staticmethod
    def _send_text(send, nr):
        to = send.to + (f" (output {nr})" if nr else "")
        if send.shape is None:
            return f"       -> [{send.index}] {to}: no gradient"
        text = f"       -> [{send.index}] {to}: {send.shape}"
        if send.broadcast_from:
            text += f" (summed from broadcast shape {send.broadcast_from})"
        if send.adds_to:
            text += f" (added to the {send.adds_to} already there)" if send.adds_to > 1 else \
                " (added to the one already there)"
        return text

    def leaf(self, node, grad):
        if not self._passes or grad is None:
            return
        received, accumulate, count = self._passes[-1]
        count[0] += 1
        variable = node.variable
        what = "capture" if not accumulate else "set" if variable._grad is None else "add"
        arrivals = received.get((node, 0), 0)
        step = Step(count[0], self._label(node, shape=False), [shape_text(grad)], summary(grad), arrivals,
                    leaf=what)
        self.steps.append(step)
        action = {"set": ".grad = gradient (first: a copy)", "add": ".grad += gradient",
                  "capture": "gradient returned by autograd.grad"}[what]
        text = f"{step.number:>3}  {step.node}  gets {shape_text(grad)}  {step.summary}"
        if arrivals > 1:
            text += f"  (sum of {arrivals} gradients)"
        self._print(text + f"  ->  {action}")

    def failed(self, node, error):
        if node is not None:
            self._print(f"     {self._label(node)} failed: {type(error).__name__}: {error}")

    def end(self):
        if self._passes:
            self._passes.pop()
