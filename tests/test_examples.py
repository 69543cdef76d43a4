"""Every example runs in both engines (quick settings) and the comparisons the reference report makes hold:
the printed lines agree, the recorded values agree within their tolerances, the graph node names and
``print(net)`` are identical. Each example runs as ``python -m reference`` runs it: torch first, saving its
initial weights, then minitorch starting from them."""
import os
import subprocess
import sys

import pytest

from reference import report
from reference.__main__ import example_names
from reference.compare import ROOT, compare_line, compare_record, run_and_compare

FASHION_MNIST = "/usr/share/datasets/fashion-mnist"


def _needs_data(name):
    return name == "image_classifier" and not os.path.isdir(FASHION_MNIST)


@pytest.mark.parametrize("name", example_names())
def test_example_agrees_in_both_engines(name, tmp_path):
    if _needs_data(name):
        pytest.skip(f"Fashion-MNIST is not installed in {FASHION_MNIST} (bash .ci/setup --data)")
    c = run_and_compare(name, "cpu", tmp_path, quick=True, show_progress=False)
    text = "\n".join(report.text(c))
    assert all(run.returncode == 0 for run in c.runs.values()), text
    # quick runs: every line agrees - identical, or (≈) within a tolerance the example states for float32
    # numbers printed after matrix products, whose last bits depend on the CPU's kernels
    assert c.lines and all(mark != "✘" for mark, _, _ in c.lines), text
    if name == "image_classifier":  # trained in float64 when quick: identical on any CPU
        assert all(mark == "✔" for mark, _, _ in c.lines), text
    assert all(r["ok"] for r in c.records), text
    if name == "image_classifier":  # what it writes goes under the report folder, one folder per engine
        for engine in ("torch", "minitorch"):
            assert (tmp_path / engine / "fashion_net.pth").is_file()
            assert (tmp_path / engine / "fashion_net_loss.png").stat().st_size > 1000  # plot extra: in test
    for r in c.records:  # what the records hold must be equal, not only close, where it is text
        if r["rtol"] is None:
            assert r["minitorch"] == r["torch"], text


def test_examples_cover_the_blitz():
    assert {"tensors", "autograd_demo", "neural_networks", "image_classifier", "data_parallel"} <= set(example_names())


def test_line_comparison():
    assert compare_line("<MulBackward0 object at 0x7f00aa>", "<MulBackward0 object at 0x55bbcc>") == "✔"
    assert compare_line("tensor([1.], device='cuda:0')", "tensor([1.])") == "✔"
    assert compare_line("[1,  2000] loss: 2.189", "[1,  2000] loss: 2.190") == "✘"
    rules = [("loss:", 0.01, 0), ("", 0, 0.5)]
    assert compare_line("[1,  2000] loss: 2.189", "[1,  2000] loss: 2.190", rules) == "≈"
    assert compare_line("[1,  2000] loss: 2.189", "[1,  2000] loss: 2.500", rules) == "✘"
    assert compare_line("accuracy 2.189", "accuracy 2.190", [("loss:", 0.01, 0)]) == "✘"  # no rule matches
    assert compare_line("accuracy 2.189", "accuracy 2.5", rules) == "≈"
    assert compare_line("Predicted: Coat", "Predicted: Shirt", rules) == "✘"


def test_record_comparison():
    value = lambda v, rtol=1e-5, atol=0: {"value": v, "rtol": rtol, "atol": atol}
    assert compare_record("x", value([1.0, 2.0]), value([1.0, 2.0 + 1e-6]))["ok"]
    row = compare_record("x", value([1.0, 2.0]), value([1.0, 2.1]))
    assert not row["ok"] and row["max_abs"] == pytest.approx(0.1)
    assert not compare_record("x", value([1.0]), value([1.0, 2.0]))["ok"]  # shapes differ
    assert not compare_record("x", None, value(1.0))["ok"]  # missing in one engine
    assert compare_record("s", value("Net()"), value("Net()"))["ok"]
    assert not compare_record("s", value(["AddBackward0"]), value(["MulBackward0"]))["ok"]


def test_classifier_on_a_missing_cifar_root_says_where_the_files_go(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "examples.image_classifier", "--dataset", "cifar10",
                           "--root", str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 1
    assert f"Cannot load cifar10 from {tmp_path}/cifar-10-batches-py" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_classifier_runs_on_cifar10_files(tmp_path):
    """The CIFAR-10 path (3 channels, the blitz's own net) on small files made here, in minitorch (torchvision
    checks the real files' md5 sums, so it cannot read made-up ones)."""
    from vision_support import make_cifar
    make_cifar(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "examples.image_classifier", "--dataset", "cifar10", "--root",
                           str(tmp_path), "--quick", "--save", str(tmp_path / "net.pth")], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Conv2d(3, 6, kernel_size=(5, 5), stride=(1, 1))" in proc.stdout
    assert "Accuracy of the network on the 4 test images" in proc.stdout


def test_reference_refuses_cuda_without_a_gpu():
    import torch
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    proc = subprocess.run([sys.executable, "-m", "reference", "tensors", "--device", "cuda"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "torch sees no CUDA device" in proc.stderr


def test_markdown_report_keeps_tables_intact():
    from reference.compare import Comparison, Run
    runs = {e: Run(e, "cpu", ["x"], 0, 1.0) for e in ("minitorch", "torch")}
    row = {"name": "sum |grad|", "ok": True, "max_abs": 0.0, "max_rel": 0.0, "rtol": 1e-5, "atol": 0.0,
           "minitorch": "a|b", "torch": "a|b"}
    md = report.markdown([Comparison("demo", runs, [("✔", "x", "x")], [row])], "summary")
    line = next(line for line in md.splitlines() if line.startswith("| sum"))
    assert line.replace("\\|", "").count("|") == 8  # 7 cells
