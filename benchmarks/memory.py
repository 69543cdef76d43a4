"""Item e: memory of a training run, each engine in its own process (peak RSS is per process).

    python -m benchmarks.memory --engine minitorch --batch 4 --steps 1000   # prints one JSON line

The child imports only its own engine (and NumPy), builds the Fashion-MNIST blitz net with weights drawn
from a NumPy generator (the same in both engines, without importing torch into the minitorch process),
trains on random batches and reports its resident set size (RSS): after the imports, after 100 steps,
after all the steps, and its peak (VmHWM; see ``peak_rss_mb``). RSS after 100 and after 1,000 steps should be the
same: a graph that outlives its step, or a cache that grows, would show as growth.
"""
import argparse
import json
import os
import subprocess
import sys

CHECKPOINTS = (100, 1000)


def rss_mb():
    """The current resident set size in MB (Linux: /proc/self/statm counts pages)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb():
    """The peak RSS of this process image in MB: Linux's VmHWM. (``ru_maxrss`` would be wrong here: Linux
    carries it over from the parent through fork and exec, so a child of a big process reports the parent's
    peak; it is the fallback where /proc is missing.)"""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024  # kB
    except (OSError, StopIteration):
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KB


def child(engine, batch, steps, seed=0):
    import importlib
    lib = importlib.import_module(engine)
    import numpy as np
    from benchmarks.nets import blitz_net
    from benchmarks.step import make_step
    if engine == "torch":
        lib.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    report = {"engine": engine, "batch": batch, "steps": steps, "after_import_mb": rss_mb()}
    net = blitz_net(lib, 1)
    rng = np.random.default_rng(seed)
    net.load_state_dict({k: lib.from_numpy(rng.standard_normal(tuple(v.shape)).astype(np.float32) * 0.1)
                         for k, v in net.state_dict().items()})
    x = np.empty((batch, 1, 32, 32), np.float32)
    y = np.empty(batch, np.int64)
    step = make_step(lib, net, x, y)
    for i in range(1, steps + 1):
        x[...] = rng.standard_normal(x.shape, np.float32)
        y[...] = rng.integers(0, 10, batch)
        step()
        if i in CHECKPOINTS:
            report[f"after_{i}_steps_mb"] = rss_mb()
    report["final_mb"] = rss_mb()
    report["peak_mb"] = peak_rss_mb()
    print(json.dumps(report))


def measure(engine, batch, steps):
    """Run ``child`` in a fresh interpreter with this process's environment (thread settings included)."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.memory", "--engine", engine, "--batch", str(batch),
                          "--steps", str(steps)], capture_output=True, text=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if out.returncode:
        raise RuntimeError(f"the {engine} memory run failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def cases(quick=False):
    """Rows of MB (not seconds): peak RSS at batch 4 and 128, and RSS after 100 vs 1,000 steps."""
    rows = []
    for batch, steps in ((4, 1000), (128, 100 if quick else 200)):
        got = {engine: measure(engine, batch, steps) for engine in ("minitorch", "torch")}
        m, t = got["minitorch"], got["torch"]
        rows.append({"group": "memory", "name": f"peak RSS, {steps} steps at batch {batch}", "unit": "MB",
                     "minitorch": m["peak_mb"], "torch": t["peak_mb"], "ratio": m["peak_mb"] / t["peak_mb"],
                     "detail": got})
        rows.append({"group": "memory", "name": f"peak RSS minus RSS after imports, batch {batch}", "unit": "MB",
                     "minitorch": m["peak_mb"] - m["after_import_mb"], "torch": t["peak_mb"] - t["after_import_mb"],
                     "ratio": (m["peak_mb"] - m["after_import_mb"]) / max(t["peak_mb"] - t["after_import_mb"], 1e-9)})
        if steps >= CHECKPOINTS[-1]:
            growth = {e: r[f"after_{CHECKPOINTS[1]}_steps_mb"] - r[f"after_{CHECKPOINTS[0]}_steps_mb"]
                      for e, r in got.items()}
            rows.append({"group": "memory", "name": f"RSS growth from step {CHECKPOINTS[0]} to {CHECKPOINTS[1]}, "
                         f"batch {batch}", "unit": "MB", "minitorch": growth["minitorch"], "torch": growth["torch"],
                         "ratio": None})
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=("minitorch", "torch"), required=True)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--steps", type=int, default=1000)
    args = parser.parse_args()
    child(args.engine, args.batch, args.steps)
