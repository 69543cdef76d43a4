"""``python -m minitorch.utils.bottleneck /path/to/script.py [args]``, as torch.utils.bottleneck.

Runs the script twice - once under Python's cProfile, once under minitorch's autograd profiler - and
prints an environment summary, the functions that took the most time (by ``tottime``, the time in the
function itself, and by ``cumtime``, with what it called), and the profiler's table of the operations
that took the most time (forward and backward). The script runs as ``__main__`` with ``sys.argv`` set to
``[script.py, args...]``, so it must end by itself.
"""
import argparse
import cProfile
import io
import os
import platform
import pstats
import sys

import numpy as np

import minitorch
from minitorch.autograd import profiler

DESCRIPTION = """`bottleneck` is a tool that can be used as an initial step for debugging
bottlenecks in your program.

It summarizes runs of your script with the Python profiler and minitorch's
autograd profiler. Because your script will be profiled, please ensure that it
exits in a finite amount of time.

For more complicated uses of the profilers, please see
https://docs.python.org/3/library/profile.html and minitorch/autograd/profiler.py."""

RULE = "-" * 80


def section(title):
    return f"\n{RULE}\n  {title}\n{RULE}"


def environment():
    return "\n".join([
        section("Environment Summary"),
        f"minitorch {minitorch.__version__} (NumPy {np.__version__}), CPU only",
        f"Running with Python {platform.python_version()} on {platform.system()} {platform.machine()}",
        f"CPU cores: {os.cpu_count()}",
    ])


def run(code, path, argv):
    """Run the compiled script as ``__main__`` with ``sys.argv = argv``."""
    sys.argv[:] = argv
    exec(code, {"__name__": "__main__", "__file__": path, "__package__": None, "__cached__": None})


def cprofile_report(prof, sort_by, top):
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats(sort_by).print_stats(top)
    return out.getvalue().rstrip()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m minitorch.utils.bottleneck", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scriptfile", help="path to the script to be run")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="command-line arguments to pass to the script")
    parser.add_argument("--top", type=int, default=15, help="rows of each table (default 15)")
    args = parser.parse_args(argv)
    path = os.path.abspath(args.scriptfile)
    sys.path.insert(0, os.path.dirname(path))
    with open(path, "rb") as f:
        code = compile(f.read(), path, "exec")
    script_argv = [args.scriptfile] + args.args

    print(DESCRIPTION)
    print("Running environment analysis...")
    env = environment()
    print("Running your script with cProfile")
    prof = cProfile.Profile()
    prof.enable()
    try:
        run(code, path, script_argv)
    finally:
        prof.disable()
    print("Running your script with the autograd profiler...")
    with profiler.profile() as autograd_prof:
        run(code, path, script_argv)

    print(env)
    print(section("cProfile output"))
    print(cprofile_report(prof, "tottime", args.top))
    print(cprofile_report(prof, "cumulative", args.top))
    print(section("autograd profiler output (CPU mode)"))
    print(f"        top {args.top} events sorted by cpu_time_total\n")
    print(autograd_prof.key_averages().table(sort_by="cpu_time_total", row_limit=args.top))


if __name__ == "__main__":
    main()
