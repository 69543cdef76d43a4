"""Speed and memory of minitorch against torch: both engines in one process, on the same inputs.

    python -m benchmarks                          # everything: a 1-thread pass, then an all-threads pass
    python -m benchmarks --quick                  # fewer repetitions, a 3,000-step epoch
    python -m benchmarks --only step,overhead     # some items: step, ops, overhead, epoch, memory
    python -m benchmarks --threads 1              # only the 1-thread pass

Items: ``step`` one SGD training step of the blitz nets (batch 1, 4, 32, 128); ``rnn``
one step of an LSTM(64, 128) at batch 32, sequence 50; ``tutorials`` one step of the beginner tutorials
dynamic_net and nn_tutorial logistic regression (per-op overhead on small tensors); ``forward_ad`` forward-mode AD
(the blitz LeNet with a dual input, Jacobians column by column and row by row: benchmarks/forward_ad.py);
``transforms`` torch.func's transforms (per-sample gradients of the blitz net by vmap(grad) and by a Python loop,
jacfwd against jacrev: benchmarks/transforms.py); ``ops`` single operations at
the blitz's shapes, forward and forward + backward; ``overhead`` tiny graphs (engine overhead); ``epoch``
Fashion-MNIST with the blitz recipe (wall time and test accuracy); ``memory`` peak RSS and RSS growth of a
training run, each engine in its own process (1-thread pass only).

Each pass runs in a fresh subprocess, because NumPy's BLAS fixes its number of threads when it loads: the
pass's environment sets OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and MKL_NUM_THREADS before anything imports
NumPy, and ``torch.set_num_threads`` does the same for torch. Times are medians of interleaved repetitions
after a warm-up (benchmarks/timing.py). Results go to benchmarks/results/: ``benchmarks.json``, a Markdown
table ``benchmarks.md`` and, when matplotlib is installed, a chart ``benchmarks.png``.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, "results")
ITEMS = ("overhead", "ops", "step", "rnn", "tutorials", "forward_ad", "transforms", "epoch", "memory")
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


# -- printing ------------------------------------------------------------------------------------------
def _seconds(s):
    if s is None:
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:.1f} µs"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


def _cells(row):
    """(case, minitorch, torch, ratio, note) as text, for seconds and for MB rows alike."""
    if row.get("unit") == "MB":
        m, t = f"{row['minitorch']:.1f} MB", f"{row['torch']:.1f} MB"
    else:
        m, t = _seconds(row["minitorch_s"]), _seconds(row["torch_s"])
    ratio = "-" if row.get("ratio") is None else f"{row['ratio']:.2f}"
    note = ""
    if "loss_minitorch" in row:
        note = f"first loss {row['loss_minitorch']:.6f} / {row['loss_torch']:.6f}"
    if "accuracy_minitorch" in row:
        note = (f"test accuracy {row['accuracy_minitorch']:.2f}% / {row['accuracy_torch']:.2f}%, "
                f"mean loss {row['mean_loss_minitorch']:.4f} / {row['mean_loss_torch']:.4f}")
    return row["name"], m, t, ratio, note


def print_row(row):
    name, m, t, ratio, note = _cells(row)
    print(f"  {name:<50} {m:>11} {t:>11} {ratio:>7}  {note}", flush=True)


def markdown(report):
    lines = [f"Machine: {report['machine']}; {report['date']}; commit {report['commit']}", ""]
    for p in report["passes"]:
        lines += [f"**{p['threads']} thread(s)** (load average {p['load_before']} before, {p['load_after']} after)",
                  "", "| case | minitorch | torch | ratio | note |", "|---|---:|---:|---:|---|"]
        lines += ["| " + " | ".join(_cells(row)) + " |" for row in p["cases"]]
        lines.append("")
    return "\n".join(lines)


def chart(report, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no PNG chart (pip install matplotlib to get one)")
        return
    passes = report["passes"]
    rows = [[r for r in p["cases"] if r.get("ratio") is not None] for p in passes]
    height = max(len(r) for r in rows) * 0.22 + 1.5
    fig, axes = plt.subplots(1, len(passes), figsize=(7 * len(passes), height), squeeze=False)
    for ax, p, r in zip(axes[0], passes, rows):
        ax.barh(range(len(r)), [x["ratio"] for x in r], color=["tab:red" if x["ratio"] > 1 else "tab:green" for x in r])
        ax.set_yticks(range(len(r)), [x["name"] for x in r], fontsize=7)
        ax.invert_yaxis()
        ax.axvline(1.0, color="black", linewidth=0.8)
        ax.set_xlabel("minitorch / torch (lower is better)")
        ax.set_title(f"{p['threads']} thread(s)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"chart: {path}")


# -- one pass (a subprocess with its thread settings) ----------------------------------------------------
def one_pass(args):
    import torch
    torch.set_num_threads(args.pass_threads)
    repeat, min_time = (3, 0.02) if args.quick else (7, 0.05)
    only = args.only.split(",")
    result = {"threads": args.pass_threads, "torch_threads": torch.get_num_threads(),
              "environment": {v: os.environ.get(v) for v in THREAD_VARIABLES},
              "load_before": _load(), "cases": []}

    def items():
        """(name, function returning rows) of the selected items, importing each only when it runs."""
        if "overhead" in only:
            yield "overhead", lambda: __import__("benchmarks.overhead").overhead.cases(repeat, min_time)
        if "ops" in only:
            yield "ops", lambda: __import__("benchmarks.ops").ops.cases(repeat, min_time)
        if "step" in only:
            yield "step", lambda: __import__("benchmarks.step").step.cases(repeat, min_time)
        if "rnn" in only:
            yield "rnn", lambda: __import__("benchmarks.rnn_step").rnn_step.cases(repeat, min_time)
        if "tutorials" in only:
            yield "tutorials", lambda: __import__("benchmarks.tutorials").tutorials.cases(repeat, min_time)
        if "forward_ad" in only:
            yield "forward_ad", lambda: __import__("benchmarks.forward_ad").forward_ad.cases(repeat, min_time)
        if "transforms" in only:
            yield "transforms", lambda: __import__("benchmarks.transforms").transforms.cases(repeat, min_time)
        if "epoch" in only:
            steps = args.steps or (3000 if args.quick else None)
            yield "epoch", lambda: __import__("benchmarks.epoch").epoch.cases(steps=steps, epochs=args.epochs)
        if "memory" in only and args.pass_threads == 1:
            yield "memory", lambda: __import__("benchmarks.memory").memory.cases(args.quick)

    print(f"  {'case':<50} {'minitorch':>11} {'torch':>11} {'ratio':>7}", flush=True)
    for name, run in items():
        try:
            for row in run():
                result["cases"].append(row)
                print_row(row)
        except Exception:  # one broken item must not lose the others' results
            error = traceback.format_exc()
            print(f"  item {name} failed:\n{error}", flush=True)
            result.setdefault("errors", {})[name] = error
    result["load_after"] = _load()
    with open(args.out, "w") as f:
        json.dump(result, f)


def _load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _machine():
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def _commit():
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout
    except OSError:
        return "unknown"
    return (head.strip() or "unknown") + (" (with uncommitted changes)" if dirty.strip() else "")


def _versions():
    out = subprocess.run([sys.executable, "-c", "import numpy, torch, sys; print(sys.version.split()[0], "
                          "numpy.__version__, torch.__version__)"], capture_output=True, text=True, cwd=ROOT)
    return dict(zip(("python", "numpy", "torch"), out.stdout.split()))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions; the epoch is 3,000 steps")
    parser.add_argument("--only", default=",".join(ITEMS), help=f"comma-separated items out of {','.join(ITEMS)}")
    parser.add_argument("--threads", default="1,all", help="passes: comma-separated thread counts, 'all' = "
                        "every core (default 1,all)")
    parser.add_argument("--epochs", type=int, default=1, help="epochs of the epoch item (default 1)")
    parser.add_argument("--steps", type=int, help="stop the epoch item after this many steps")
    parser.add_argument("--pass-threads", type=int, help=argparse.SUPPRESS)  # internal: run one pass
    parser.add_argument("--out", help=argparse.SUPPRESS)                     # internal: the pass's JSON
    args = parser.parse_args(argv)
    unknown = set(args.only.split(",")) - set(ITEMS)
    if unknown:
        parser.error(f"unknown item(s) {', '.join(sorted(unknown))}; choose from {', '.join(ITEMS)}")
    if args.pass_threads:
        return one_pass(args)

    os.makedirs(RESULTS, exist_ok=True)
    report = {"machine": _machine(), "date": time.strftime("%Y-%m-%d %H:%M"), "commit": _commit(),
              "versions": _versions(), "passes": []}
    print(f"{report['machine']}; {report['versions']}; commit {report['commit']}")
    threads = [os.cpu_count() if t == "all" else int(t) for t in args.threads.split(",")]
    for n in dict.fromkeys(threads):  # once each, in order
        print(f"== {n} thread(s)", flush=True)
        env = dict(os.environ, **{v: str(n) for v in THREAD_VARIABLES})
        out = os.path.join(RESULTS, f"pass_{n}.json")
        cmd = [sys.executable, "-m", "benchmarks.run", "--pass-threads", str(n), "--out", out, "--only", args.only,
               "--epochs", str(args.epochs)] + (["--quick"] if args.quick else []) + \
              (["--steps", str(args.steps)] if args.steps else [])
        done = subprocess.run(cmd, env=env, cwd=ROOT)
        if done.returncode or not os.path.exists(out):
            print(f"the {n}-thread pass failed (exit status {done.returncode})", flush=True)
            continue
        with open(out) as f:
            report["passes"].append(json.load(f))
        os.remove(out)
    if not report["passes"]:
        sys.exit("no pass finished: nothing saved")
    with open(os.path.join(RESULTS, "benchmarks.json"), "w") as f:
        json.dump(report, f, indent=1)
    with open(os.path.join(RESULTS, "benchmarks.md"), "w") as f:
        f.write(markdown(report))
    print(f"results: {os.path.join(RESULTS, 'benchmarks.json')}, benchmarks.md")
    chart(report, os.path.join(RESULTS, "benchmarks.png"))


if __name__ == "__main__":
    main()
