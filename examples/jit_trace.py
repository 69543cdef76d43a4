"""jit.trace: a dynamic graph recorded as a static one (seed 000 §2.13), with the cell of PyTorch's
"Introduction to TorchScript" tutorial.

    python -m examples.jit_trace                  # minitorch
    python -m examples.jit_trace --engine torch   # real PyTorch

``MyCell`` runs a gate whose ``if`` depends on the data. ``torch.jit.trace`` runs the cell once on an example
input and records the operations that ran - one branch of the ``if`` - as a static graph; the traced cell
replays them on any input without running the Python again. On an input that would take the other branch, the
trace still takes the recorded one: the Python result and the traced result differ, as the ``TracerWarning``
printed at tracing time said they might. Gradients flow through the replay (autograd records it as any
other code), and the trace can be saved and loaded (each engine in its own format: TorchScript for torch,
minitorch's safe format for minitorch). The graph and code (which differ between the engines in their
details: torch's ``aten::linear`` is minitorch's ``aten::t`` + ``aten::addmm``) go to stderr.
"""
import os
import sys
import warnings

from ._engine import select_engine


def main(argv=None):
    engine = select_engine(argv)
    torch, nn = engine.torch, engine.nn

    class MyDecisionGate(nn.Module):
        def forward(self, x):
            if x.sum() > 0:
                return x
            else:
                return -x

    class MyCell(nn.Module):
        def __init__(self):
            super().__init__()
            self.dg = MyDecisionGate()
            self.linear = nn.Linear(4, 4)

        def forward(self, x, h):
            new_h = torch.tanh(self.dg(self.linear(x)) + h)
            return new_h, new_h

    cell = engine.same_weights(MyCell(), "jit_trace_cell")
    x, h = engine.rand(3, 4), engine.rand(3, 4)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        traced = torch.jit.trace(cell, (x, h))
    tracer_warnings = [w for w in caught if w.category is torch.jit.TracerWarning]
    print(f"Tracing warned {len(tracer_warnings)} times (the trace, then check_trace's second trace):")
    for message in sorted({str(w.message) for w in tracer_warnings}):
        print("  TracerWarning:", message)
    print(traced)
    print(traced.graph, file=sys.stderr)
    print(traced.code, file=sys.stderr)

    def branch(inp):
        with torch.no_grad():
            return "if" if cell.linear(inp).sum() > 0 else "else"

    taken = branch(x)
    print(f"On the example input the gate took the '{taken}' branch; the trace recorded that branch only")
    # an input on which the Python takes the other branch
    other = next(c for c in (x * -10, x * 10, -x, x) if branch(c) != taken)
    print(f"On another input the Python takes the '{branch(other)}' branch")
    for label, inp in (("example input", x), ("other input", other)):
        python, replayed = cell(inp, h)[0], traced(inp, h)[0]
        same = torch.allclose(python, replayed)
        print(f"{label}: traced result equals the Python result: {same}")
        engine.record(f"traced cell, {label}", replayed)
        engine.record(f"Python cell, {label}", python)

    out, _ = traced(other, h)
    out.sum().backward()  # backward through the replayed graph
    print("The replay records a graph too: the output's grad_fn is", type(out.grad_fn).__name__)
    engine.record("linear weight gradient through the trace", cell.linear.weight.grad)

    path = os.path.join(engine.output, "traced_cell.pt")
    os.makedirs(engine.output, exist_ok=True)
    torch.jit.save(traced, path)
    loaded = torch.jit.load(path)
    print("Saved and loaded: same results:", torch.allclose(loaded(other, h)[0], traced(other, h)[0]))


if __name__ == "__main__":
    main()
