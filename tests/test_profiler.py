"""The autograd profiler, minitorch.profiler and bottleneck, against torch's: the table's layout (on the
same numbers, character for character), the rows and call counts of a small graph and of a blitz training
step (times are not compared), nesting of backward, record_function, the Chrome trace, schedules, and that
nothing is left watching after a profile."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch.autograd import profiler_util

import minitorch
from minitorch.autograd import engine, function, profiler
from harness import lenet

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

ROWS = [("aten::mm", 3, 120.5, 100.25, [[8, 4], [4, 3]]), ("aten::relu", 2, 40.0, 40.0, [[8, 3]]),
        ("autograd::engine::evaluate_function: MaxPool2DWithIndicesBackward0", 1, 3000.0, 12.0, []),
        ("Optimizer.step#SGD.step", 1, 2.5e6, 2.5e6, [])]


def _averages(lib_avg, lib_list, shapes):
    rows = []
    for key, count, total, self_time, input_shapes in ROWS:
        e = lib_avg()
        e.key, e.count, e.cpu_time_total, e.self_cpu_time_total = key, count, total, self_time
        e.input_shapes = input_shapes if shapes else None
        e.node_id = -1
        rows.append(e)
    return lib_list(rows)


@pytest.mark.parametrize("shapes", [False, True])
@pytest.mark.parametrize("options", [dict(sort_by="self_cpu_time_total", row_limit=10), dict(row_limit=2),
                                     dict(sort_by="cpu_time_total", max_name_column_width=30, time_unit="ms"),
                                     dict(header="LeNet", top_level_events_only=False)])
def test_table_is_torchs_on_the_same_numbers(shapes, options):
    mine = _averages(lambda: profiler.FunctionEventAvg(""), profiler.EventList, shapes).table(**options)
    theirs = _averages(profiler_util.FunctionEventAvg, profiler_util.EventList, shapes).table(**options)
    assert mine == theirs


def _small(lib):
    x = lib.tensor(np.arange(32, dtype=np.float32).reshape(8, 4) / 10, requires_grad=True)
    w = lib.tensor(np.ones((4, 3), dtype=np.float32), requires_grad=True)
    with lib.autograd.profiler.profile(record_shapes=True) as prof:
        y = (x @ w).relu().sum()
        y.backward()
    return prof


# rows torch shows for _small that minitorch names alike (torch adds its C++ internals: aten::empty, ...)
SMALL_ROWS = ["aten::mm", "aten::relu", "aten::sum", "autograd::engine::evaluate_function: SumBackward0",
              "SumBackward0", "autograd::engine::evaluate_function: ReluBackward0", "ReluBackward0",
              "aten::threshold_backward", "autograd::engine::evaluate_function: MmBackward0", "MmBackward0",
              "autograd::engine::evaluate_function: torch::autograd::AccumulateGrad",
              "torch::autograd::AccumulateGrad"]


def test_small_graph_rows_and_counts_as_torchs():
    mine, theirs = _small(minitorch), _small(torch)
    counts = {e.key: e.count for e in mine.key_averages()}
    torch_counts = {e.key: e.count for e in theirs.key_averages()}
    assert {k: counts.get(k) for k in SMALL_ROWS} == {k: torch_counts.get(k) for k in SMALL_ROWS}
    table, torch_table = mine.key_averages().table(), theirs.key_averages().table()
    assert table.splitlines()[1].split() == torch_table.splitlines()[1].split()  # same column headers
    assert "Input Shapes" not in table  # as torch: shown only when grouped by them
    grouped = mine.key_averages(group_by_input_shape=True).table()
    torch_grouped = theirs.key_averages(group_by_input_shape=True).table()
    assert grouped.splitlines()[1].split() == torch_grouped.splitlines()[1].split()
    assert grouped.splitlines()[1].endswith("Input Shapes  ")
    for name in ("aten::mm", "aten::relu"):  # forward and backward's: x @ w, then g @ w.t() and x.t() @ g
        shapes = sorted(e.input_shapes for e in mine.key_averages(group_by_input_shape=True) if e.key == name)
        assert shapes == sorted(e.input_shapes for e in theirs.key_averages(group_by_input_shape=True)
                                if e.key == name)
        assert shapes[0] == [[4, 8], [8, 3]] if name == "aten::mm" else [[8, 3]]
    assert table.splitlines()[-1].startswith("Self CPU time total: ")


def test_backward_nodes_nest_their_vjp_ops():
    events = _small(minitorch).events()
    by_name = {}
    for e in events:
        by_name.setdefault(e.name, []).append(e)
    outer, = by_name["autograd::engine::evaluate_function: MmBackward0"]
    node, = outer.cpu_children
    assert node.name == "MmBackward0"
    assert {c.name for c in node.cpu_children} == {"aten::mm", "aten::t"}
    assert all(c.cpu_parent is node for c in node.cpu_children)
    forward_mm = [e for e in by_name["aten::mm"] if e.cpu_parent is None]
    assert len(forward_mm) == 1
    for e in events:  # a parent's time covers its children's
        assert e.self_cpu_time_total >= -1e-6 and e.cpu_time_total >= 0
        assert e.start_us <= min([c.start_us for c in e.cpu_children], default=e.start_us)
    roots = [e for e in events if e.cpu_parent is None]
    assert abs(sum(e.cpu_time_total for e in roots) - events.self_cpu_time_total) < 1e-3


def _step(lib):
    net = lenet(lib)
    optimizer = lib.optim.SGD(net.parameters(), lr=0.01)
    x = lib.tensor(np.random.default_rng(0).standard_normal((1, 1, 32, 32), dtype=np.float32))
    with lib.profiler.profile(activities=[lib.profiler.ProfilerActivity.CPU]) as prof:
        optimizer.zero_grad()
        net(x).square().mean().backward()
        optimizer.step()
    return {e.key: e.count for e in prof.key_averages()}


def test_blitz_step_rows_line_up_with_torchs():
    mine, theirs = _step(minitorch), _step(torch)
    shared = set(mine) & set(theirs)
    for name in ("aten::convolution", "aten::relu", "aten::max_pool2d_with_indices", "aten::addmm",
                 "aten::convolution_backward", "aten::max_pool2d_with_indices_backward", "aten::threshold_backward",
                 "ConvolutionBackward0", "AddmmBackward0", "autograd::engine::evaluate_function: AddmmBackward0",
                 "torch::autograd::AccumulateGrad", "Optimizer.step#SGD.step", "Optimizer.zero_grad#SGD.zero_grad"):
        assert name in shared, name
    assert {k: mine[k] for k in shared if "Backward" in k or "Optimizer" in k or "Accumulate" in k} == \
           {k: theirs[k] for k in shared if "Backward" in k or "Optimizer" in k or "Accumulate" in k}
    assert not [k for k in mine if not (k.startswith(("aten::", "autograd::", "torch::autograd::", "Optimizer."))
                                        or k.endswith(("Backward0", "Backward1")))]


def test_record_function_as_context_and_decorator():
    @minitorch.autograd.profiler.record_function("scaled")
    def scaled(t):
        return t * 2

    x = minitorch.ones(3)
    assert scaled(x).tolist() == [2.0, 2.0, 2.0]  # outside a profile it does nothing
    with minitorch.autograd.profiler.profile() as prof:
        with minitorch.profiler.record_function("block"):
            scaled(x)
            scaled(x)
    events = prof.events()
    block, = [e for e in events if e.name == "block"]
    assert [c.name for c in block.cpu_children] == ["scaled", "scaled"]
    assert [c.name for c in block.cpu_children[0].cpu_children] == ["aten::mul"]
    assert {e.key: e.count for e in prof.key_averages()}["scaled"] == 2


def test_with_stack_shows_where_ops_ran():
    with minitorch.autograd.profiler.profile(with_stack=True) as prof:
        minitorch.ones(2) * 3  # this line
    table = prof.key_averages(group_by_stack_n=3).table()
    assert "Source Location" in table.splitlines()[1]
    mul, = [e for e in prof.events() if e.name == "aten::mul"]
    assert mul.stack[0].startswith(f"{__file__}(") and mul.stack[0].endswith("test_with_stack_shows_where_ops_ran")


def test_chrome_trace(tmp_path):
    prof = _small(minitorch)
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    trace = json.loads(path.read_text())
    names = [e["name"] for e in trace["traceEvents"]]
    assert "aten::mm" in names and "MmBackward0" in names
    assert all(e["ph"] == "X" and e["dur"] >= 0 for e in trace["traceEvents"])
    mm = next(e for e in trace["traceEvents"] if e["name"] == "aten::mm")
    assert mm["args"]["Input Dims"] == [[8, 4], [4, 3]]


def _scheduled(lib):
    ready = []
    sched = lib.profiler.schedule(wait=1, warmup=1, active=2, repeat=1)
    x = lib.ones(2, 2)
    with lib.profiler.profile(activities=[lib.profiler.ProfilerActivity.CPU], schedule=sched,
                              on_trace_ready=lambda p: ready.append(sorted(
                                  e.key for e in p.key_averages() if e.key.startswith("ProfilerStep")))) as prof:
        for _ in range(6):
            x = x * 2
            prof.step()
    return ready, [lib.profiler.schedule(wait=1, warmup=1, active=2, skip_first=1)(i).name for i in range(8)]


def test_schedule_records_the_active_steps_as_torch():
    assert _scheduled(minitorch) == _scheduled(torch)


def test_nothing_watches_after_a_profile_even_after_an_error():
    with pytest.raises(ValueError):
        with profiler.profile():
            minitorch.ones(2) * 2
            raise ValueError("stop")
    assert function.observer is None and profiler._ACTIVE[0] is None and not engine.observers
    with profiler.profile():
        with pytest.raises(RuntimeError, match="already enabled"):
            profiler.profile().__enter__()
    assert function.observer is None
    with profiler.profile(enabled=False) as prof:
        minitorch.ones(2) * 2
    with pytest.raises(RuntimeError, match="Profiler didn't finish running"):
        prof.key_averages()


def test_inplace_ops_are_named_as_torchs():
    def run(lib):
        x = lib.ones(3)
        with lib.autograd.profiler.profile() as prof:
            x.mul_(2)
            x.relu_()
            x.copy_(lib.zeros(3))
        return sorted(e.key for e in prof.key_averages() if e.key in ("aten::mul_", "aten::relu_", "aten::copy_"))
    assert run(minitorch) == run(torch)


def test_bottleneck_on_a_tiny_script(tmp_path):
    script = tmp_path / "tiny.py"
    script.write_text("import sys\nimport minitorch\nx = minitorch.ones(4, 3, requires_grad=True)\n"
                      "(x @ minitorch.ones(3, 2)).relu().sum().backward()\nprint('tiny ran with', sys.argv[1:])\n")
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.run([sys.executable, "-m", "minitorch.utils.bottleneck", str(script), "--n", "2"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr
    assert out.count("tiny ran with ['--n', '2']") == 2  # once under cProfile, once under the profiler
    for title in ("Environment Summary", "cProfile output", "autograd profiler output (CPU mode)"):
        assert f"\n  {title}\n" in out
    assert "Ordered by: internal time" in out and "Ordered by: cumulative time" in out
    assert "top 15 events sorted by cpu_time_total" in out
    assert " aten::mm " in out and "Self CPU time total:" in out
