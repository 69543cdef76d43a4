"""minitorch.viz: the text tree and the Graphviz DOT of a graph, the same for a torch and a minitorch
tensor of the same computation."""
import re
import shutil
from collections import Counter

import pytest
import torch

import minitorch
from minitorch import viz
from harness import lenet_losses

LIBS = [minitorch, torch]


def blitz_x(lib):
    """The blitz's autograd example: out = mean(3 * (x + 2)^2), x = ones(2, 2)."""
    x = lib.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    return x, z.mean()


BLITZ_TREE = """\
MeanBackward0
└─ [0] MulBackward0
   └─ [0] MulBackward0
      ├─ [0] AddBackward0 #1
      │  └─ [0] AccumulateGrad x [2, 2]
      └─ [1] AddBackward0 (see #1 above)"""

BLITZ_DOT = """\
digraph {
	graph [rankdir=TB]
	node [shape=box style="filled,rounded" fontname="Helvetica" fontsize=11]
	out0 [label="output\\n[]" fillcolor=darkolivegreen1]
	n0 [label="MeanBackward0" fillcolor=lightgrey]
	n1 [label="MulBackward0" fillcolor=lightgrey]
	n2 [label="MulBackward0" fillcolor=lightgrey]
	n3 [label="AddBackward0" fillcolor=lightgrey]
	n4 [label="x\\n[2, 2]" fillcolor=lightblue]
	out0 -> n0
	n0 -> n1
	n1 -> n2
	n2 -> n3
	n3 -> n4
	n2 -> n3
}
"""


def parse_dot(source):
    """{id: label} of the boxes and a Counter of the edges (tail, head) of DOT text written by draw_graph."""
    nodes = dict(re.findall(r'^\t(\w+) \[label="((?:[^"\\]|\\.)*)"', source, re.M))
    edges = Counter(re.findall(r"^\t(\w+) -> (\w+)", source, re.M))
    return nodes, edges


@pytest.mark.parametrize("lib", LIBS, ids=lambda lib: lib.__name__)
def test_blitz_graph_text_and_dot(lib):
    x, out = blitz_x(lib)
    assert viz.format_graph(out, params={"x": x}) == BLITZ_TREE
    source = viz.draw_graph(out, params={"x": x}).source
    assert source == BLITZ_DOT
    nodes, edges = parse_dot(source)
    assert nodes == {"out0": "output\\n[]", "n0": "MeanBackward0", "n1": "MulBackward0", "n2": "MulBackward0",
                     "n3": "AddBackward0", "n4": "x\\n[2, 2]"}
    # gradients flow output -> mean -> mul(3) -> mul(y, y) -> add, twice (y is used twice) -> x
    assert edges == Counter({("out0", "n0"): 1, ("n0", "n1"): 1, ("n1", "n2"): 1, ("n2", "n3"): 2, ("n3", "n4"): 1})


def test_lenet_text_and_dot_same_in_both_engines():
    text = {}
    for lib, net, loss in lenet_losses():
        params = dict(net.named_parameters())
        text[lib] = (viz.format_graph(loss, params), viz.draw_graph(loss, params).source)
    assert text[minitorch] == text[torch]
    tree = text[torch][0].splitlines()
    assert tree[0] == "MseLossBackward0"
    # the blitz's walk: loss.grad_fn.next_functions[0][0].next_functions[0][0] is fc3.bias's AccumulateGrad
    assert tree[1] == "└─ [0] AddmmBackward0" and tree[2] == "   ├─ [0] AccumulateGrad fc3.bias [10]"
    assert sum("AccumulateGrad" in line for line in tree) == 10
    assert "AccumulateGrad conv1.weight [6, 1, 3, 3]" in text[torch][0]
    nodes, edges = parse_dot(text[torch][1])
    assert len(nodes) == 1 + 16 + 10 and sum(edges.values()) == 26  # output, 16 op nodes, 10 leaves: a tree


def test_params_as_pairs_and_unnamed_leaves():
    x, out = blitz_x(minitorch)
    assert viz.format_graph(out, params=[("x", x)]) == BLITZ_TREE
    assert viz.format_graph(out).splitlines()[4].endswith("[0] AccumulateGrad [2, 2]")
    assert 'n4 [label="[2, 2]"' in viz.draw_graph(out).source


@pytest.mark.parametrize("lib", LIBS, ids=lambda lib: lib.__name__)
def test_show_none_and_multi_output_edges(lib):
    x = lib.arange(4.0, requires_grad=True)
    a, b = x.split(2)
    out = (a * b * 2).sum()
    expected = """\
SumBackward0
└─ [0] MulBackward0
   └─ [0] MulBackward0
      ├─ [0] SplitBackward0 #1
      │  └─ [0] AccumulateGrad x [4]
      └─ [1] SplitBackward0 (output 1) (see #1 above)"""
    assert viz.format_graph(out, {"x": x}) == expected
    with_none = viz.format_graph(out, {"x": x}, show_none=True).splitlines()
    assert with_none[2] == "   ├─ [0] MulBackward0" and with_none[-1] == "   └─ [1] None"
    assert '\tn2 -> n3 [label="output 1"]' in viz.draw_graph(out).source


@pytest.mark.parametrize("lib", LIBS, ids=lambda lib: lib.__name__)
def test_leaf_and_constant_and_several_outputs(lib):
    x = lib.ones(3, requires_grad=True)
    assert viz.format_graph(x, {"x": x}) == "leaf x [3] (no grad_fn: gradients accumulate in its .grad)"
    assert viz.format_graph(lib.ones(3)) == "no graph: the tensor does not require grad"
    y = x * 2
    both = viz.format_graph([y.sum(), y.mean()], {"x": x}).splitlines()
    assert both == ["SumBackward0", "└─ [0] MulBackward0 #1", "   └─ [0] AccumulateGrad x [3]",
                    "MeanBackward0", "└─ [0] MulBackward0 (see #1 above)"]
    nodes, edges = parse_dot(viz.draw_graph([y.sum(), y.mean()]).source)
    assert edges == Counter({("out0", "n0"): 1, ("n0", "n1"): 1, ("n1", "n2"): 1, ("out1", "n3"): 1,
                             ("n3", "n1"): 1})


@pytest.mark.parametrize("lib", LIBS, ids=lambda lib: lib.__name__)
def test_show_saved(lib):
    x, out = blitz_x(lib)
    source = viz.draw_graph(out, {"x": x}, show_saved=True).source
    nodes, edges = parse_dot(source)
    saved_by = lambda n: sorted(nodes[s].split("\\n")[1] for (t, s) in edges if t == n and s.startswith("s"))
    # y * y saves both operands; (y*y) * 3 saves the constant 3, a 0-d tensor (minitorch also saves y*y,
    # which torch leaves out because 3 needs no gradient)
    assert saved_by("n2") == ["[2, 2]", "[2, 2]"]
    assert "[]" in saved_by("n1")
    assert nodes["n0"].startswith("MeanBackward0\\n")  # its other saved values (the input's size) in its label
    out.backward()  # frees what the nodes saved: drawing still works and says so
    after = viz.draw_graph(out, {"x": x}, show_saved=True).source
    assert "freed by backward" in after


def test_deep_graph_is_walked_without_recursion():
    x = minitorch.ones(1, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0
    lines = viz.format_graph(y).splitlines()
    assert len(lines) == 5001 and lines[-1].endswith("[0] AccumulateGrad [1]")
    assert viz.draw_graph(y).source.count(" -> ") == 5001


def test_render_and_repr_svg(tmp_path):
    x, out = blitz_x(minitorch)
    graph = viz.draw_graph(out, {"x": x})
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    path = graph.render(str(tmp_path / "g.svg"))
    text = open(path).read()
    assert "<svg" in text and "MeanBackward0" in text
    assert graph.render(str(tmp_path / "g.png"))
    assert open(tmp_path / "g.png", "rb").read(4) == b"\x89PNG"
    assert "<svg" in graph._repr_svg_()


def test_render_without_dot_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot here
    x, out = blitz_x(minitorch)
    graph = viz.draw_graph(out)
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        graph.render(str(tmp_path / "g.svg"))
    assert graph._repr_svg_() is None
    assert graph.source.startswith("digraph {")  # the DOT text works regardless
