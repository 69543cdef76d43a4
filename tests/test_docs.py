"""The walkthroughs in docs/ run: every ```python block is executed (the blocks of one file in order, in
one namespace, in a scratch directory) and what it prints must be exactly the ```text block that follows
it - or nothing, when no text block follows. So the docs cannot drift from the code."""
import contextlib
import io
import linecache
import os
import re
import shutil
import warnings

import pytest

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs")
WALKTHROUGHS = ["how_backward_works.md", "learner_tools.md", "write_your_own_op.md", "convolution.md",
                "linalg_vjps.md", "linalg_spectral_vjps.md", "sparse_and_dlpack.md", "func.md",
                "forward_and_reverse.md"]

FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)


def blocks(text):
    """[(python source, expected output or None, line number)] of a markdown text."""
    found = [(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1, m.start(), m.end())
             for m in FENCE.finditer(text)]
    result = []
    for k, (lang, body, line, start, end) in enumerate(found):
        if lang != "python":
            continue
        expected = None
        if k + 1 < len(found):
            next_lang, next_body, _, next_start, _ = found[k + 1]
            if next_lang == "text" and not text[end:next_start].strip():
                expected = next_body
        result.append((body, expected, line))
    return result


def run_blocks(name, workdir):
    """Run the python blocks of docs/<name> in ``workdir``: [(line, expected, printed)]."""
    with open(os.path.join(DOCS, name)) as f:
        text = f.read()
    namespace = {"__name__": "__doc__"}
    results = []
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        for source, expected, line in blocks(text):
            filename = f"<{name} line {line}>"
            # the source is known to linecache, so tracebacks and anomaly mode's stacks show the lines
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            out = io.StringIO()
            with contextlib.redirect_stdout(out), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. anomaly mode's warnings, shown on purpose in the docs
                exec(compile(source, filename, "exec"), namespace)
            results.append((line, expected, out.getvalue()))
    finally:
        os.chdir(cwd)
    return results, namespace


@pytest.mark.parametrize("name", WALKTHROUGHS)
def test_walkthrough_blocks_print_what_the_doc_says(name, tmp_path):
    results, _ = run_blocks(name, tmp_path)
    assert len(results) >= 3
    for line, expected, printed in results:
        assert printed == (expected or ""), f"docs/{name}, the python block at line {line} printed:\n{printed}"


def test_lenet_picture_is_the_walkthroughs_graph(tmp_path):
    """docs/lenet_graph.dot is what the walkthrough's draw_graph gives, and docs/lenet_graph.svg was
    rendered from it (the same boxes)."""
    _, namespace = run_blocks("how_backward_works.md", tmp_path)
    with open(os.path.join(DOCS, "lenet_graph.dot")) as f:
        committed = f.read()
    with open(tmp_path / "lenet_graph.dot") as f:
        assert f.read() == committed
    with open(os.path.join(DOCS, "lenet_graph.svg")) as f:
        svg = f.read()
    labels = [line for label in re.findall(r'label="((?:[^"\\]|\\.)*)"', committed) for line in label.split("\\n")]
    texts = [t.replace("&#45;", "-") for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    assert sorted(texts) == sorted(labels)
    if shutil.which("dot"):
        namespace["graph"].render(str(tmp_path / "check.svg"))
        with open(tmp_path / "check.svg") as f:
            assert sorted(re.findall(r"<text[^>]*>([^<]*)</text>", f.read())) == sorted(
                re.findall(r"<text[^>]*>([^<]*)</text>", svg))


def test_architecture_names_only_what_exists():
    """docs/architecture.md names files (`minitorch/...`, `tests/...`) and the functions `loss.backward()`
    passes through; each file must exist, and each function must be defined in the file the text puts it
    in, so the map cannot drift from the tree."""
    root = os.path.dirname(DOCS)
    with open(os.path.join(DOCS, "architecture.md")) as f:
        text = f.read()
    paths = set(re.findall(r"`((?:minitorch|examples|reference|tests|benchmarks)/[\w/.]*)`", text))
    assert len(paths) > 20
    for path in paths:
        assert os.path.exists(os.path.join(root, path)), f"architecture.md names {path}, which does not exist"
    functions = {"minitorch/ops/op.py": ["Op", "apply", "OpNode", "_run_backward"],
                 "minitorch/autograd/function.py": ["_link", "_save", "edge_of", "AccumulateGrad"],
                 "minitorch/tensor.py": ["backward"], "minitorch/autograd/__init__.py": ["backward"],
                 "minitorch/autograd/engine.py": ["run_backward", "_discover", "_add_to_buffer",
                                                  "_tensor_pre_hooks", "_fit_to_input", "_leaf", "_accumulate",
                                                  "_Wanted", "_before_vjp", "_vjp", "_BackwardMode"]}
    for path, names in functions.items():
        with open(os.path.join(root, path)) as f:
            source = f.read()
        for name in names:
            assert f"`{name}`" in text or f"`{name.lstrip('_')}" in text or f".{name}`" in text, \
                f"{name} is listed here but architecture.md does not name it"
            assert re.search(rf"^\s*(def|class) {name}\b", source, re.M), f"{path} defines no {name}"
