"""Seeing the graph: ``print_graph`` (text) and ``draw_graph`` (Graphviz) for the DAG behind a tensor.

``loss.backward()`` walks a graph of nodes that the forward pass built: each result's ``grad_fn`` is
the node that will compute the gradients of its inputs, and ``node.next_functions`` holds one edge
``(node, output_nr)`` per input - to the input's own ``grad_fn``, to the ``AccumulateGrad`` node of a
leaf that requires grad (its ``.variable`` is the leaf), or ``(None, 0)`` for an input that needs no
gradient. These tools read only those attributes (and, with ``show_saved``, what nodes saved for
backward), so they draw a real torch tensor's graph as well as a minitorch one, and the same
computation gives the same picture in both engines.

* ``print_graph(loss, params=dict(net.named_parameters()))`` prints an indented tree: the blitz's
  ``loss.grad_fn.next_functions[0][0]...`` walk, written out. ``[i]`` is the index into the parent's
  ``next_functions``. A node reached along several edges (a shared subgraph) is printed once, marked
  ``#n``, and then referred to as ``(see #n above)``.
* ``draw_graph(loss, params=...)`` returns a ``Graph``: ``.source`` is Graphviz DOT text, one box per
  node, edges in the direction gradients flow (from the output towards the leaves); ``.render(path)``
  runs Graphviz's ``dot`` program when it is installed.

Both walk the graph iteratively, so a graph of any depth works.
"""
import os

from .autograd.function import Node
from .autograd.labels import leaf_names, node_label, shape_text, short_name

__all__ = ["print_graph", "format_graph", "draw_graph", "Graph", "node_label"]


def _outputs(output):
    return list(output) if isinstance(output, (list, tuple)) else [output]


def _edges(node, show_none=False):
    """``(index, child, output_nr)`` for the node's ``next_functions`` (the None edges only if asked)."""
    return [(i, child, nr) for i, (child, nr) in enumerate(node.next_functions) if child is not None or show_none]


def _in_degrees(roots):
    """How many edges point into each node reachable from ``roots`` (a root counts its output's edge)."""
    degree, stack = {}, []
    for node in roots:
        if node is not None:
            degree[node] = degree.get(node, 0) + 1
            if degree[node] == 1:
                stack.append(node)
    while stack:
        node = stack.pop()
        for _, child, _ in _edges(node):
            degree[child] = degree.get(child, 0) + 1
            if degree[child] == 1:
                stack.append(child)
    return degree


def _root_of(t):
    """The node behind a tensor: its ``grad_fn``, else (a leaf that requires grad) None."""
    return getattr(t, "grad_fn", None)


# -- text ----------------------------------------------------------------------------------------
def format_graph(output, params=None, show_none=False):
    """The graph behind ``output`` (a tensor of either engine, or a list of them) as an indented tree.

    Each line is a node: ``[i]`` is its index in its parent's ``next_functions``, so the line
    ``└─ [0] ReluBackward0`` under the root means ``output.grad_fn.next_functions[0][0]``. Leaves show
    their name (from ``params``: a dict ``name -> tensor`` or ``net.named_parameters()``) and shape. A
    node reached along more than one edge is expanded once, marked ``#n``, and afterwards written
    ``(see #n above)``. ``show_none=True`` also lists the ``(None, 0)`` edges of inputs that need no
    gradient.
    """
    names = leaf_names(params)
    lines = []
    roots = [_root_of(t) for t in _outputs(output)]
    degree = _in_degrees(roots)
    numbers = {}  # shared node -> its #n
    for t, root in zip(_outputs(output), roots):
        if root is None:
            if getattr(t, "requires_grad", False):
                name = names.get(id(t))
                lines.append(" ".join(["leaf"] + ([name] if name else []) + [shape_text(t)]) +
                             " (no grad_fn: gradients accumulate in its .grad)")
            else:
                lines.append("no graph: the tensor does not require grad")
            continue
        # iterative depth-first walk; each entry: (node, output_nr, index in parent, prefix, last child?)
        stack = [(root, 0, None, "", True)]
        while stack:
            node, nr, index, prefix, last = stack.pop()
            if index is None:  # the root
                line, child_prefix = "", ""
            else:
                line = prefix + ("└─ " if last else "├─ ") + f"[{index}] "
                child_prefix = prefix + ("   " if last else "│  ")
            if node is None:
                lines.append(line + "None")
                continue
            label = node_label(node, names) + (f" (output {nr})" if nr else "")
            if node in numbers:
                lines.append(line + label + f" (see #{numbers[node]} above)")
                continue
            if degree.get(node, 0) > 1:
                numbers[node] = len(numbers) + 1
                label += f" #{numbers[node]}"
            lines.append(line + label)
            children = _edges(node, show_none)
            for k in range(len(children) - 1, -1, -1):
                i, child, child_nr = children[k]
                stack.append((child, child_nr, i, child_prefix, k == len(children) - 1))
    return "\n".join(lines)


def print_graph(output, params=None, show_none=False, file=None):
    """Print ``format_graph(output, params, show_none)`` (to ``file``, default sys.stdout)."""
    print(format_graph(output, params, show_none), file=file)


# -- Graphviz ------------------------------------------------------------------------------------
INSTALL_HINT = ("Graphviz's 'dot' program was not found on PATH; it is needed to render the graph. Install it "
                "(Debian/Ubuntu: sudo apt-get install graphviz; Fedora: sudo dnf install graphviz; macOS: brew "
                "install graphviz; conda: conda install graphviz), or use the DOT text in .source, e.g. "
                "with an online Graphviz viewer.")

STYLE = {"node": 'fillcolor=lightgrey', "leaf": 'fillcolor=lightblue', "output": 'fillcolor=darkolivegreen1',
         "saved": 'fillcolor=orange'}


def _quote(text):
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class Graph:
    """Graphviz DOT text (``.source``) of a graph; ``render``/``pipe`` run the ``dot`` program."""

    def __init__(self, source):
        self.source = source

    def __str__(self):
        return self.source

    def __repr__(self):
        return f"<minitorch.viz.Graph: {self.source.count(chr(10)) + 1} lines of DOT; .source, .render(path)>"

    def pipe(self, format="svg"):
        """The graph rendered by ``dot -T<format>``, as bytes."""
        import shutil
        import subprocess
        dot = shutil.which("dot")
        if dot is None:
            raise RuntimeError(INSTALL_HINT)
        done = subprocess.run([dot, f"-T{format}"], input=self.source.encode(), capture_output=True)
        if done.returncode != 0:
            raise RuntimeError(f"dot failed: {done.stderr.decode(errors='replace').strip()}")
        return done.stdout

    def render(self, path, format=None):
        """Write the picture to ``path`` (format from ``format``, else the path's suffix, else svg);
        returns ``path``."""
        format = format or os.path.splitext(path)[1].lstrip(".") or "svg"
        data = self.pipe(format)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def _repr_svg_(self):
        """Shown inline by Jupyter when ``dot`` is installed (None otherwise: Jupyter then uses repr)."""
        try:
            return self.pipe("svg").decode()
        except (RuntimeError, OSError):
            return None


def draw_graph(output, params=None, show_saved=False):
    """The graph behind ``output`` (a tensor of either engine, or a list of them) as a ``Graph`` whose
    ``.source`` is Graphviz DOT text.

    One box per backward node, labelled with torch's node name; leaves (``AccumulateGrad``) in blue,
    labelled with their name from ``params`` (a dict ``name -> tensor`` or ``net.named_parameters()``)
    and shape; the output tensor in green. Edges go the way gradients flow: from the output towards
    the leaves. Nodes are numbered ``n0, n1, ...`` in depth-first order along ``next_functions``, so the
    same computation gives the same text in both engines. ``show_saved=True`` adds, in orange, the
    tensors each node saved for backward (dashed lines) and its other saved values in its label.
    """
    names = leaf_names(params)
    ids = {}       # node -> "n<k>"
    lines = ["digraph {", "\tgraph [rankdir=TB]",
             '\tnode [shape=box style="filled,rounded" fontname="Helvetica" fontsize=11]']
    edges = []
    saved_count = [0]
    for k, t in enumerate(_outputs(output)):
        out = f"out{k}"
        lines.append(f'\t{out} [label={_quote("output" + chr(10) + shape_text(t))} {STYLE["output"]}]')
        root = _root_of(t)
        if root is None:
            continue
        stack = [(out, root, 0)]  # (parent id, node, output_nr), walked depth-first in next_functions order
        while stack:
            parent, node, nr = stack.pop()
            edges.append(f"\t{parent} -> {_visit(node, ids, lines, names, show_saved, saved_count, stack)}"
                         + (f' [label={_quote(f"output {nr}")}]' if nr else ""))
    return Graph("\n".join(lines + edges + ["}"]) + "\n")


def _visit(node, ids, lines, names, show_saved, saved_count, stack):
    """The DOT id of ``node``; the first time, write its box and queue its children."""
    if node in ids:
        return ids[node]
    ids[node] = nid = f"n{len(ids)}"
    label = node_label(node, None)
    variable = getattr(node, "variable", None)
    if variable is not None:
        name = names.get(id(variable))
        text = (name + "\n" if name else "") + shape_text(variable)
        lines.append(f"\t{nid} [label={_quote(text)} {STYLE['leaf']}]")
    else:
        saved = _saved_items(node) if show_saved else []
        tensors = [(what, v) for what, v in saved if hasattr(v, "shape") and hasattr(v, "dtype")]
        extra = [f"{what}={_short(v)}" for what, v in saved if not (hasattr(v, "shape") and hasattr(v, "dtype"))]
        lines.append(f"\t{nid} [label={_quote(chr(10).join([label] + extra))} {STYLE['node']}]")
        for what, value in tensors:
            sid = f"s{saved_count[0]}"
            saved_count[0] += 1
            text = (names.get(id(value)) or what) + "\n" + shape_text(value)
            lines.append(f"\t{sid} [label={_quote(text)} {STYLE['saved']}]")
            lines.append(f"\t{nid} -> {sid} [style=dashed arrowhead=none]")
    children = _edges(node)
    for i in range(len(children) - 1, -1, -1):
        _, child, child_nr = children[i]
        stack.append((nid, child, child_nr))
    return nid


def _short(value, width=40):
    text = repr(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def _saved_items(node):
    """``(what, value)`` for what a node saved for backward: torch's ``_saved_<name>`` attributes, or a
    minitorch node's saved tensors (``saved 0``, ...) and the plain values its forward kept on ctx."""
    if isinstance(node, Node):
        if node._freed:
            return [("saved", "freed by backward")]
        items = [(f"saved {i}", v) for i, v in enumerate(node._saved or ()) if v is not None]
        for key, value in vars(node).items():
            if not key.startswith("_") and key not in ("next_functions", "needs_input_grad"):
                items.append((key, value))
        return items
    items = []
    for attr in dir(node):
        if attr.startswith("_saved_"):
            try:
                value = getattr(node, attr)
            except RuntimeError:  # freed by backward
                value = "freed by backward"
            if value is not None:
                items.append((attr[len("_saved_"):], value))
    return items
