"""Run every example in real PyTorch and in minitorch, and compare them side by side.

    python -m reference                   # every tutorial; torch on CUDA when there is one
    python -m reference --quick           # training cut to a few hundred steps
    python -m reference --suite basics    # one tutorial: blitz, basics, examples, nn, tools, modules or func (default: all)
    python -m reference --device cpu      # torch on the CPU too
    python -m reference neural_networks   # only the named examples
    python -m reference --jobs 1          # one example at a time, with its progress bars

The suites are PyTorch's beginner tutorials: ``blitz`` the 60-minute blitz (tensors, autograd_demo,
neural_networks, image_classifier, data_parallel), ``basics`` "Learn the Basics" (quickstart, basics),
``examples`` "Learning PyTorch with Examples" (polynomial), ``nn`` "What is torch.nn really?" (nn_tutorial),
``tools`` the "Introduction to TorchScript" tutorial's traced cell and the "PyTorch Profiler" recipe on a blitz
training step (jit_trace, profiling);
``modules`` shows torch modules beyond the tutorials (dlpack_sharing: memory shared with NumPy; sparse_graph:
a sparse adjacency matrix in a graph convolution).
``func`` the torch.func tutorials: "Forward-mode Automatic Differentiation" (forward_ad_usage), "composing
function transforms" (its Jacobians, Hessians, hvp and vhp: jacobians), "Model ensembling" (model_ensembling),
"Per-sample-gradients" (per_sample_grads) and "Neural Tangent Kernels" (neural_tangent_kernels).

For each example torch runs first (on ``--device``) and saves its nets' initial weights; minitorch (on
the CPU) starts from them. Two examples run side by side (``--jobs``: one per CPU core, at most two; each
engine gets one thread, so two runs fill two cores), and the report prints them in order as they finish.
The report shows both engines' printed lines side by side (✔ identical, ≈ equal within the example's stated
tolerance, ✘ different), every recorded value with its max abs/rel difference, and the wall time, device and
CPU threads of each engine (``--threads``, 1 by default). It is also written to ``reference_report/`` as
report.md, report.json and report.txt (with loss_curves.png when matplotlib is installed); the files the
examples write (trained weights, their own plots) go to ``reference_report/torch/EXAMPLE/`` and
``reference_report/minitorch/EXAMPLE/``, and the datasets are read from a cache folder
(``~/.cache/minitorch/data``, or ``$MINITORCH_DATA``), so a run leaves nothing in the checkout.
Exits 1 when any example differs or fails.
"""
import argparse
import os
import pkgutil
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import examples
from examples._engine import DEVICES, resolve_device

from . import report
from .compare import ROOT, run_and_compare


# Each suite's examples, in the order the tutorial has them
SUITES = {
    "blitz": ("tensors", "autograd_demo", "neural_networks", "image_classifier", "data_parallel"),
    "basics": ("quickstart", "basics"),
    "examples": ("polynomial",),
    "nn": ("nn_tutorial",),
    # tools: jit.trace (the TorchScript tutorial's cell) and the profiler (one blitz training step)
    "tools": ("jit_trace", "profiling"),
    "modules": ("dlpack_sharing", "sparse_graph"),  # seed 000: torch.utils.dlpack, torch.sparse
    # func, in the order of PyTorch's tutorial index: "Forward-mode Automatic Differentiation" (dual tensors,
    # custom Functions' jvp, func.jvp), "Jacobians, Hessians, hvp, vhp, and more: composing function transforms"
    # (its parts without vmap), "Model ensembling" (vmap over stacked weights), "Per-sample-gradients" (vmap(grad)
    # over a small CNN through functional_call), "Neural Tangent Kernels" (vmap of jacrev; vjp then jvp)
    "func": ("forward_ad_usage", "jacobians", "model_ensembling", "per_sample_grads", "neural_tangent_kernels"),
}


def example_names():
    return sorted(m.name for m in pkgutil.iter_modules(examples.__path__) if not m.name.startswith("_"))


def suite_names(suite):
    """The examples of ``suite`` ("all": every suite's, then any example no suite names)."""
    if suite != "all":
        return list(SUITES[suite])
    named = [name for names in SUITES.values() for name in names]
    return named + [name for name in example_names() if name not in named]


def _threads(n):
    return "the libraries' default CPU threads" if not n else f"{n} CPU thread{'s' if n > 1 else ''} each"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m reference", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="EXAMPLE", help="examples to run (default: the suite's)")
    parser.add_argument("--suite", choices=("all", *SUITES), default="all",
                        help="which tutorial's examples to run (default: all)")
    parser.add_argument("--device", choices=DEVICES, default="auto",
                        help="torch's device (auto: CUDA when available); minitorch always uses the CPU")
    parser.add_argument("--quick", action="store_true", help="cut training to a few hundred steps")
    parser.add_argument("--out", type=Path, default=ROOT / "reference_report",
                        help="where the report goes, with the files the examples write (weights, plots)")
    parser.add_argument("--threads", type=int, default=1, metavar="N",
                        help="CPU threads for each engine (default 1: at the blitz's batch of 4 a second thread "
                             "costs torch more than it brings; 0: the libraries' own defaults)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), metavar="N",
                        help="examples run side by side (default: one per CPU core, at most 2; progress bars "
                             "show only with --jobs 1)")
    args = parser.parse_args(argv)
    names = args.names or suite_names(args.suite)
    unknown = set(names) - set(example_names())
    if unknown:
        parser.error(f"no such example: {', '.join(sorted(unknown))} (have: {', '.join(example_names())})")

    device = resolve_device("torch", args.device)
    if device == "cuda":
        import torch
        if not torch.cuda.is_available():
            parser.error("--device cuda: torch sees no CUDA device here (torch.cuda.is_available() is False); "
                         "use --device cpu or auto")
    width = max(shutil.get_terminal_size((160, 24)).columns, 80)
    args.out.mkdir(parents=True, exist_ok=True)
    comparisons, printed, start = [], [], time.perf_counter()
    jobs = max(1, args.jobs)
    # Each example is a subprocess pair (torch, then minitorch); a thread waits on each pair. Two children
    # writing progress bars to one terminal would garble them, so the bars show only one at a time.
    show_progress = None if jobs == 1 else False
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        running = [pool.submit(run_and_compare, name, device, args.out, quick=args.quick,
                               threads=args.threads or None, show_progress=show_progress) for name in names]
        for name, future in zip(names, running):  # in the suite's order, each as soon as it is done
            c = future.result()
            for engine, run in c.runs.items():
                (args.out / f"{name}.{engine}.txt").write_text("\n".join(run.lines) + "\n")
            lines = report.text(c, width)
            print("\n".join(lines), flush=True)
            printed += lines
            comparisons.append(c)

    failed = [c.name for c in comparisons if not c.ok]
    seconds = {e: sum(c.runs[e].seconds for c in comparisons) for e in report.ENGINES}
    summary = (f"{len(comparisons) - len(failed)} of {len(comparisons)} examples agree"
               + (f"; differ: {', '.join(failed)}" if failed else "")
               + f". Wall time: minitorch {seconds['minitorch']:.1f} s (cpu), torch {seconds['torch']:.1f} s "
               f"({device}); {_threads(args.threads)}, {jobs} example{'s' if jobs > 1 else ''} at a time: "
               f"{time.perf_counter() - start:.0f} s in all{' [--quick]' if args.quick else ''}.")
    print(summary)
    (args.out / "report.txt").write_text("\n".join(printed + [summary]) + "\n")
    (args.out / "report.md").write_text(report.markdown(comparisons, summary))
    (args.out / "report.json").write_text(report.as_json(comparisons, summary))
    plotted = report.loss_curves(comparisons, args.out / "loss_curves.png")
    print(f"report: {args.out}/report.md, report.json" + (", loss_curves.png" if plotted else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
