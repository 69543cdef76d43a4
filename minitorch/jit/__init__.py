"""``minitorch.jit``: ``trace`` (a dynamic graph recorded as a static one, replayed without the Python),
and ``save``/``load`` of what it returns in minitorch's own safe format (not TorchScript's).

    traced = minitorch.jit.trace(net, example)   # runs net once, records its ops
    traced(other)                                # replays them: no Python of net.forward runs
    print(traced.graph)                          # the recorded ops, in torch's IR layout
    print(traced.code)                           # the same as Python
    minitorch.jit.save(traced, "net.pt"); minitorch.jit.load("net.pt")

How a trace is recorded and replayed: minitorch/jit/_trace.py; its printing: minitorch/jit/_printing.py;
``trace``, ``ScriptFunction`` and ``TracedModule``: minitorch/jit/_traced.py; the file format:
minitorch/jit/_serialization.py.
"""
from ._trace import TracerWarning, TracingCheckError
from ._traced import ScriptFunction, TracedModule, trace
from ._serialization import save, load

__all__ = ["trace", "save", "load", "ScriptFunction", "TracedModule", "TracerWarning", "TracingCheckError"]
