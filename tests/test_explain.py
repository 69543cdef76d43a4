"""minitorch.autograd.explain(): the trace of backward - order, accumulation at shared nodes, broadcast
reductions, leaves - checked against what torch's engine does on the same graph."""
import io

import numpy as np
import pytest
import torch

import minitorch
from minitorch import viz
from minitorch.autograd import engine, explain
from harness import lenet_losses

BLITZ_TRACE = """\
backward: start at MeanBackward0 with gradient [] (mean=1 |max|=1)
  1  MeanBackward0  gets []  mean=1 |max|=1
       -> [0] MulBackward0: [2, 2]
  2  MulBackward0  gets [2, 2]  mean=0.25 |max|=0.25
       -> [0] MulBackward0: [2, 2]
  3  MulBackward0  gets [2, 2]  mean=0.75 |max|=0.75
       -> [0] AddBackward0: [2, 2]
       -> [1] AddBackward0: [2, 2] (added to the one already there)
  4  AddBackward0  gets [2, 2]  mean=4.5 |max|=4.5  (sum of 2 gradients)
       -> [0] AccumulateGrad x: [2, 2]
  5  AccumulateGrad x  gets [2, 2]  mean=4.5 |max|=4.5  ->  .grad = gradient (first: a copy)
"""


def torch_order(outputs, names):
    """The nodes in the order torch's engine actually runs them (recorded by pre-hooks), labelled as
    explain() labels them."""
    order, seen = [], set()
    stack = [t.grad_fn for t in outputs]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        leaf = getattr(node, "variable", None) is not None
        label = " ".join([viz.short_name(node)] + ([names[id(node.variable)]] if leaf and id(node.variable) in names
                                                    else []))
        node.register_prehook(lambda grads, label=label: order.append(label))
        stack.extend(child for child, _ in node.next_functions)
    return order


def test_blitz_trace_shows_the_shared_node_summing():
    x = minitorch.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    out = z.mean()
    file = io.StringIO()
    with explain(file=file, params={"x": x}) as trace:
        out.backward()
    assert file.getvalue() == BLITZ_TRACE
    assert "\n".join(trace.lines) + "\n" == BLITZ_TRACE
    add = trace.steps[3]
    assert (add.node, add.arrivals, add.shapes) == ("AddBackward0", 2, ["[2, 2]"])
    mul = trace.steps[2]
    assert [(s.index, s.to, s.adds_to) for s in mul.sends] == [(0, "AddBackward0", 0), (1, "AddBackward0", 1)]
    assert trace.steps[-1].leaf == "set" and x.grad.tolist() == [[4.5, 4.5], [4.5, 4.5]]


def test_prints_to_stdout_by_default(capsys):
    x = minitorch.ones(2, 2, requires_grad=True)
    with explain(params={"x": x}):
        ((x + 2) * (x + 2) * 3).mean().backward()
    assert capsys.readouterr().out.startswith("backward: start at MeanBackward0")


def test_broadcast_reduction_and_leaf_accumulation():
    w = minitorch.ones(2, 3, requires_grad=True)
    b = minitorch.zeros(3, requires_grad=True)
    h = w * 2 + b
    with explain(file=None, params={"w": w, "b": b}) as trace:
        h.sum().backward(retain_graph=True)
        h.sum().backward()
    add = trace.steps[1]
    assert add.node == "AddBackward0"
    assert [(s.to, s.shape, s.broadcast_from) for s in add.sends] == [
        ("MulBackward0", "[2, 3]", None), ("AccumulateGrad b", "[3]", "[2, 3]")]
    assert "-> [1] AccumulateGrad b: [3] (summed from broadcast shape [2, 3])" in [l.strip() for l in trace.lines]
    leaves = [(s.number, s.node, s.leaf) for s in trace.steps if s.leaf]
    assert leaves == [(3, "AccumulateGrad b", "set"), (5, "AccumulateGrad w", "set"),
                      (3, "AccumulateGrad b", "add"), (5, "AccumulateGrad w", "add")]
    assert trace.lines.count("backward: start at SumBackward0 with gradient [] (mean=1 |max|=1)") == 2
    np.testing.assert_array_equal(b.grad.numpy(), [4.0, 4.0, 4.0])


def test_autograd_grad_is_shown_as_captured():
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    with explain(file=None, params={"x": x}) as trace:
        g, = minitorch.autograd.grad((x * x).sum(), [x])
    assert trace.lines[0].startswith("autograd.grad: start at SumBackward0")
    assert trace.steps[-1].leaf == "capture" and x.grad is None
    assert trace.steps[-1].summary == "mean=3 |max|=4" and g.tolist() == [2.0, 4.0]


@pytest.mark.parametrize("case", ["lenet", "branches", "two_outputs"])
def test_visit_order_is_torchs(case):
    """explain() lists the nodes in the order torch's engine runs them on the same graph."""
    orders = {}
    if case == "lenet":
        for lib, net, loss in lenet_losses():
            names = {id(p): n for n, p in net.named_parameters()}
            if lib is torch:
                orders[lib] = torch_order([loss], names)
                loss.backward()
            else:
                with explain(file=None, params=dict(net.named_parameters())) as trace:
                    loss.backward()
                orders[lib] = [step.node for step in trace.steps]
        assert orders[torch] == orders[minitorch] and len(orders[torch]) == 26
        return
    for lib in (torch, minitorch):
        a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        b = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        names = {id(a): "a", id(b): "b"}
        if case == "branches":
            u = (a * b).exp()
            v = (a + 1).sin() * u
            outputs = [(u.log() + v.tanh() - b.sum()).sum()]
        else:
            shared = a * b
            outputs = [(shared * 2).sum(), (shared.cos() + a).sum()]
        if lib is torch:
            orders[lib] = torch_order(outputs, names)
            torch.autograd.backward(outputs)
        else:
            with explain(file=None, params={"a": a, "b": b}) as trace:
                minitorch.autograd.backward(outputs)
            orders[lib] = [step.node for step in trace.steps]
    assert orders[torch] == orders[minitorch]


def test_observer_removed_after_the_block_even_on_error():
    x = minitorch.tensor([1.0], requires_grad=True)
    y = x * 2
    y.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        with explain(file=None) as trace:
            y.sum().backward()
    assert engine.observers == []
    assert any("failed: RuntimeError: Trying to backward" in line for line in trace.lines)


def test_multi_output_node_gets_one_gradient_per_output():
    x = minitorch.arange(4.0, requires_grad=True)
    a, b = x.split(2)
    with explain(file=None, params={"x": x}) as trace:
        (a * b).sum().backward()
    split = next(step for step in trace.steps if step.node == "SplitBackward0")
    assert split.shapes == ["[2]", "[2]"] and split.arrivals == 2
    assert any(line.strip() == "-> [1] SplitBackward0 (output 1): [2]" for line in trace.lines)
    assert not any("sum of" in line for line in trace.lines)  # two outputs, one gradient each: nothing summed
    assert x.grad.tolist() == [2.0, 3.0, 0.0, 1.0]
