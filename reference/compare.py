"""Running one example in both engines and comparing what they did.

Two things are compared:

- the printed lines, one by one: ✔ identical (memory addresses, torch's ``device='cuda:0'`` and the
  device a tutorial announces, ``Using cuda device``, aside),
  ≈ identical apart from numbers that agree within a tolerance the example states for such lines
  (``engine.tolerate``: only for numbers after thousands of float32 steps, or from a GPU), ✘ otherwise;
- the values the example ``record``-ed (``examples/_engine.py``): the max absolute and relative difference
  of each, ✔ when ``numpy.allclose`` holds with the tolerance the example gave (the looser of the two
  engines'), strings and name lists must be equal.

Each run is a fresh process (run as ``python -m examples.NAME --engine E ...``; started by ``launcher.py``, whose
processes start with torch and minitorch already imported), so one engine cannot leak state into the other and a
crash is reported, not fatal. torch runs first and saves its nets' initial weights;
minitorch loads them, so both train the same model.
"""
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .launcher import launch

ROOT = Path(__file__).resolve().parent.parent
RUN_ORDER = ("torch", "minitorch")  # torch first: it saves the initial weights minitorch starts from
# What may differ between the engines without a difference in results: object addresses, torch's device
# in tensor reprs, and the device a tutorial announces ("Using cuda device"; the report names each
# engine's device)
IGNORED = [(re.compile(r" at 0x[0-9a-fA-F]+"), " at 0x…"), (re.compile(r", device='cuda(:\d+)?'"), ""),
           (re.compile(r"^Using (cuda|mps|cpu) device$"), "Using … device")]
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


@dataclass
class Run:
    """One engine's run of one example."""
    engine: str
    device: str
    lines: list
    returncode: int
    seconds: float
    records: dict = field(default_factory=dict)
    line_tolerance: list = field(default_factory=list)
    stderr: str = ""
    threads: int = None  # the CPU threads it was given (None: the libraries' defaults)


@dataclass
class Comparison:
    """The two runs of one example, compared."""
    name: str
    runs: dict          # engine -> Run
    lines: list         # (mark, minitorch line, torch line), mark in ✔ ≈ ✘
    records: list       # dicts: name, ok, max_abs, max_rel, rtol, atol, minitorch, torch

    @property
    def ok(self):
        return (all(run.returncode == 0 for run in self.runs.values())
                and all(mark != "✘" for mark, _, _ in self.lines) and all(r["ok"] for r in self.records))


def _follow(path, sink, process):
    """Copy what a running child writes to the file ``path`` to ``sink`` as it comes (its progress bar stays
    live), until the child has exited and the file is read to its end."""
    with open(path, "rb") as f:
        while True:
            running = process.is_alive()
            chunk = f.read()
            if chunk:
                sink.write(chunk.decode(errors="replace"))
                sink.flush()
            elif not running:
                return
            else:
                time.sleep(0.1)


def run_example(name, engine, device, workdir, quick=False, extra=(), show_progress=None, threads=None):
    """Run ``examples.NAME`` in ``engine`` as a fresh process (a fork of the preloaded server in
    ``launcher.py``, run as ``python -m examples.NAME`` would run it); its records and weights go to ``workdir``,
    the files it writes to ``workdir/ENGINE/NAME``. ``threads``: the CPU threads it may use (None: the libraries'
    defaults)."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    record = workdir / f"{name}.{engine}.json"
    record.unlink(missing_ok=True)
    weights = workdir / "weights" / name  # one folder per example, so that examples may run side by side
    argv = ["--engine", engine, "--device", device, "--record", str(record),
            "--save-weights" if engine == "torch" else "--load-weights", str(weights)]
    argv += ["--output", str(workdir / engine / name)]  # files the example writes stay with the report
    argv += ["--quick"] if quick else []
    argv += list(extra)
    if show_progress is None:
        show_progress = sys.stderr.isatty()
    stdout, stderr = (workdir / f"{name}.{engine}.{stream}" for stream in ("stdout", "stderr"))
    stderr.write_bytes(b"")  # there before the child starts, for _follow to open
    start = time.perf_counter()
    process = launch(f"examples.{name}", argv, {"MINITORCH_PROGRESS": "1" if show_progress else "0"}, ROOT,
                     stdout, stderr, threads)
    if show_progress:
        _follow(stderr, sys.stderr, process)
    process.join()
    seconds = time.perf_counter() - start
    out, err = stdout.read_text(errors="replace"), stderr.read_text(errors="replace")
    stdout.unlink()
    stderr.unlink()
    run = Run(engine, device, out.splitlines(), process.exitcode, seconds, stderr=err, threads=threads)
    if record.exists():
        saved = json.loads(record.read_text())
        run.records, run.device = saved["records"], saved["device"]
        run.line_tolerance = [tuple(rule) for rule in saved.get("line_tolerance") or ()]
    return run


def normalize(line):
    for pattern, replacement in IGNORED:
        line = pattern.sub(replacement, line)
    return line


def compare_line(mine, theirs, rules=()):
    """✔ identical; ≈ the same apart from numbers within the tolerance of the first rule (pattern, rtol,
    atol) whose pattern the line matches; ✘ otherwise."""
    mine, theirs = normalize(mine), normalize(theirs)
    if mine == theirs:
        return "✔"
    tolerance = next(((rtol, atol) for pattern, rtol, atol in rules if re.search(pattern, theirs)), None)
    if tolerance and NUMBER.sub("#", mine) == NUMBER.sub("#", theirs):
        a = np.array([float(x) for x in NUMBER.findall(mine)])
        b = np.array([float(x) for x in NUMBER.findall(theirs)])
        if np.allclose(a, b, rtol=tolerance[0], atol=tolerance[1]):
            return "≈"
    return "✘"


def _summary(value, width=48):
    text = value.replace("\n", "⏎") if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= width else text[:width - 1] + "…"


def compare_record(name, mine, theirs):
    """One recorded value of both engines: the differences and whether they are within tolerance."""
    row = {"name": name, "ok": False, "max_abs": None, "max_rel": None, "rtol": None, "atol": None,
           "minitorch": _summary(mine["value"]) if mine else "(missing)",
           "torch": _summary(theirs["value"]) if theirs else "(missing)"}
    if mine is None or theirs is None:
        return row
    a, b = mine["value"], theirs["value"]
    if isinstance(a, str) or isinstance(b, str) or (a and isinstance(a, list) and isinstance(a[0], str)):
        row["ok"] = a == b
        return row
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    row["rtol"], row["atol"] = max(mine["rtol"], theirs["rtol"]), max(mine["atol"], theirs["atol"])
    if a.shape != b.shape:
        row["minitorch"] += f" shape {a.shape}"
        row["torch"] += f" shape {b.shape}"
        return row
    diff = np.abs(a - b)
    row["max_abs"] = float(diff.max()) if diff.size else 0.0
    row["max_rel"] = float((diff / np.maximum(np.abs(b), 1e-12)).max()) if diff.size else 0.0
    row["ok"] = bool(np.allclose(a, b, rtol=row["rtol"], atol=row["atol"], equal_nan=True))
    return row


def compare(name, runs):
    """Compare the minitorch run with the torch run of example ``name``."""
    mine, theirs = runs["minitorch"], runs["torch"]
    rules = list(theirs.line_tolerance) + list(mine.line_tolerance)  # (torch on a GPU may add its own)
    n = max(len(mine.lines), len(theirs.lines))
    a, b = mine.lines + [""] * (n - len(mine.lines)), theirs.lines + [""] * (n - len(theirs.lines))
    lines = [(compare_line(x, y, rules), x, y) for x, y in zip(a, b)]
    records = [compare_record(k, mine.records.get(k), theirs.records.get(k))
               for k in dict.fromkeys(list(theirs.records) + list(mine.records))]
    return Comparison(name, runs, lines, records)


def run_and_compare(name, device, workdir, quick=False, extra=(), show_progress=None, threads=None):
    """Run example ``name`` in torch (on ``device``), then in minitorch (CPU), and compare."""
    runs = {}
    for engine in RUN_ORDER:
        runs[engine] = run_example(name, engine, device if engine == "torch" else "cpu", workdir, quick, extra,
                                   show_progress, threads)
    return compare(name, runs)
