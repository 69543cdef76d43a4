"""Every example runs in both engines (quick settings) and the comparisons the reference report makes hold:
the printed lines agree, the recorded values agree within their tolerances, the graph node names and
``print(net)`` are identical. Each example runs as ``python -m reference`` runs it: torch first, saving its
initial weights, then minitorch starting from them."""
import os
import subprocess
import sys

import pytest

from reference import report
from reference.__main__ import SUITES, example_names, suite_names
from reference.compare import ROOT, compare_line, compare_record, run_and_compare

FASHION_MNIST = "/usr/share/datasets/fashion-mnist"
READS_FASHION_MNIST = {"image_classifier", "quickstart", "basics", "nn_tutorial"}
# Examples whose quick run is float64 throughout: every printed line must be identical, not only close
IDENTICAL = {"image_classifier", "quickstart"}
def _needs_data(name):
    return name in READS_FASHION_MNIST and not os.path.isdir(FASHION_MNIST)


@pytest.mark.parametrize("name", example_names())
def test_example_agrees_in_both_engines(name, tmp_path):
    if _needs_data(name):
        pytest.skip(f"Fashion-MNIST is not installed in {FASHION_MNIST} (bash .ci/setup --data)")
    # one CPU thread each, as python -m reference runs them: a second thread only adds hand-offs at these sizes
    c = run_and_compare(name, "cpu", tmp_path, quick=True, show_progress=False, threads=1)
    text = "\n".join(report.text(c))
    assert all(run.returncode == 0 for run in c.runs.values()), text
    # quick runs: every line agrees - identical, or (≈) within a tolerance the example states for float32
    # numbers printed after matrix products, whose last bits depend on the CPU's kernels
    assert c.lines and all(mark != "✘" for mark, _, _ in c.lines), text
    if name in IDENTICAL:  # trained in float64 when quick: identical on any CPU
        assert all(mark == "✔" for mark, _, _ in c.lines), text
    assert all(r["ok"] for r in c.records), text
    if name == "image_classifier":  # what it writes goes under the report folder, one folder per engine
        for engine in ("torch", "minitorch"):
            assert (tmp_path / engine / name / "fashion_net.pth").is_file()
            assert (tmp_path / engine / name / "fashion_net_loss.png").stat().st_size > 1000  # plot extra: in test
    if name == "quickstart":
        assert (tmp_path / "minitorch" / name / "model.pth").is_file()
    if name == "basics":  # the custom Dataset's files: PNGs written, read back by read_image (a printed line)
        assert len(list((tmp_path / "minitorch" / name / "custom_dataset").glob("*.png"))) == 10
    for r in c.records:  # what the records hold must be equal, not only close, where it is text
        if r["rtol"] is None:
            assert r["minitorch"] == r["torch"], text


def test_examples_cover_the_blitz():
    assert {"tensors", "autograd_demo", "neural_networks", "image_classifier", "data_parallel"} <= set(example_names())


def test_suites_name_existing_examples_and_all_runs_every_example():
    named = [name for names in SUITES.values() for name in names]
    assert len(named) == len(set(named)) and set(named) <= set(example_names())  # each in one suite at most
    everything = suite_names("all")
    assert everything[:len(named)] == named  # the suites first, in order, then the examples no suite names
    assert sorted(everything) == example_names()
    assert suite_names("basics") == ["quickstart", "basics"]


def test_reference_refuses_an_unknown_suite():
    proc = subprocess.run([sys.executable, "-m", "reference", "--suite", "advanced"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "invalid choice: 'advanced'" in proc.stderr


def test_reference_runs_one_suite(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "reference", "--suite", "examples", "--quick", "--out",
                           str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "=== polynomial: ✔ same results" in proc.stdout
    assert "1 of 1 examples agree" in proc.stdout and "=== tensors" not in proc.stdout


def _idx(path, array):
    """Write ``array`` (uint8) as an IDX file, as MNIST's are."""
    header = bytes([0, 0, 8, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    path.write_bytes(header + array.tobytes())


def test_nn_tutorial_reads_mnist_files_from_root(tmp_path):
    import numpy as np
    from examples.nn_tutorial import load_arrays
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    images = np.random.default_rng(0).integers(0, 256, (50010, 28, 28), dtype=np.uint8)
    labels = (np.arange(50010) % 10).astype(np.uint8)
    _idx(raw / "train-images-idx3-ubyte", images)
    _idx(raw / "train-labels-idx1-ubyte", labels)
    name, (x_train, y_train), (x_valid, y_valid) = load_arrays(str(tmp_path))
    assert name == "MNIST"
    assert x_train.shape == (50000, 784) and x_valid.shape == (10, 784) and x_train.dtype == np.float32
    assert y_valid.tolist() == labels[50000:].tolist() and y_train.dtype == np.int64
    np.testing.assert_array_equal(x_valid[3], images[50003].reshape(-1) / np.float32(255))
    (raw / "train-images-idx3-ubyte").write_bytes(b"\0\0\x08\x03" + (5).to_bytes(4, "big") * 3 + b"x")
    with pytest.raises(SystemExit, match="its size does not match"):
        load_arrays(str(tmp_path))


@pytest.mark.parametrize("with_tqdm", [True, False])
def test_progress_bar_goes_to_stderr_only(with_tqdm, monkeypatch, capsys):
    import examples._progress as bars
    if with_tqdm:
        pytest.importorskip("tqdm")
    else:
        monkeypatch.setattr(bars, "tqdm", None)
    monkeypatch.setenv("MINITORCH_PROGRESS", "1")
    assert list(bars.progress(iter(range(5)), 5, "epoch 1")) == list(range(5))
    out, err = capsys.readouterr()
    assert out == "" and "epoch 1" in err and "5/5" in err
    assert ("100%" in err) == with_tqdm  # tqdm's bar, or the fallback's
    monkeypatch.setenv("MINITORCH_PROGRESS", "0")
    assert list(bars.progress(range(3), 3, "off")) == [0, 1, 2]
    assert capsys.readouterr() == ("", "")


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


def test_a_run_that_fails_is_reported_with_its_status_and_message(tmp_path):
    from reference.compare import run_example
    run = run_example("image_classifier", "minitorch", "cpu", tmp_path, show_progress=False, threads=1,
                      extra=("--dataset", "cifar10", "--root", str(tmp_path / "nothing")))
    assert run.returncode == 1 and run.lines == ["--- 1. Load and normalise cifar10 ---"]  # stdout up to there
    assert "Cannot load cifar10" in run.stderr and "Traceback" not in run.stderr
    assert not list(tmp_path.glob("*.stdout")) and not list(tmp_path.glob("*.stderr"))  # read, then removed


def test_launcher_runs_a_module_as_python_dash_m_does(tmp_path):
    from reference.launcher import launch
    (tmp_path / "in.json").write_text('{"b": [1, 2]}')
    (tmp_path / "bad.json").write_text("{")
    runs = []
    for name in ("in", "bad"):
        out, err = tmp_path / f"{name}.out", tmp_path / f"{name}.err"
        process = launch("json.tool", ["--compact", str(tmp_path / f"{name}.json")], {}, ROOT, out, err, threads=1)
        process.join()
        runs.append((process.exitcode, out.read_text(), err.read_text()))
    assert runs[0] == (0, '{"b":[1,2]}\n', "")
    assert runs[1][0] == 1 and runs[1][1] == "" and "Expecting property name" in runs[1][2]
    with pytest.raises(ValueError, match="started with threads=1"):
        launch("json.tool", [], {}, ROOT, tmp_path / "x", tmp_path / "y", threads=2)


def test_a_runs_stderr_is_copied_as_it_comes(tmp_path):
    # what python -m reference --jobs 1 shows live (progress bars): the child's stderr file, followed to its end
    import io
    from reference.compare import _follow
    from reference.launcher import launch
    (tmp_path / "bad.json").write_text("{")
    err = tmp_path / "err"
    err.write_bytes(b"")
    process = launch("json.tool", [str(tmp_path / "bad.json")], {}, ROOT, tmp_path / "out", err, threads=1)
    sink = io.StringIO()
    _follow(err, sink, process)
    process.join()
    assert "Expecting property name" in sink.getvalue() and sink.getvalue() == err.read_text()
