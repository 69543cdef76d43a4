"""Run every example in minitorch and in real PyTorch, and compare what they print, line by line.

    python -m reference                   # torch on CUDA when there is one
    python -m reference --device cpu      # torch on the CPU too
    python -m reference autograd_demo     # only the named examples

Each run is a fresh process (``python -m examples.NAME --engine E --device D``), so one engine cannot
leak state into the other and a crash is reported, not fatal. Memory addresses (``object at 0x...``)
and torch's ``device='cuda:0'`` are ignored when lines are compared. The full report and each run's
output land in ``reference_report/``. Exits 1 when any example differs or fails.
"""
import argparse
import pkgutil
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import examples
from examples._engine import DEVICES, ENGINES, resolve_device

ROOT = Path(__file__).resolve().parent.parent
IGNORED = [(re.compile(r" at 0x[0-9a-fA-F]+"), " at 0x…"), (re.compile(r", device='cuda(:\d+)?'"), "")]


def example_names():
    return sorted(m.name for m in pkgutil.iter_modules(examples.__path__) if not m.name.startswith("_"))


def run(name, engine, device):
    """Run one example in one engine: (output lines, exit status, wall seconds)."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", f"examples.{name}", "--engine", engine, "--device", device],
                          cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    return proc.stdout.splitlines(), proc.returncode, time.perf_counter() - start


def normalize(line):
    for pattern, replacement in IGNORED:
        line = pattern.sub(replacement, line)
    return line


def clip(text, width):
    return text if len(text) <= width else text[:width - 1] + "…"


def compare(name, results, devices, width):
    """The side-by-side report of one example, and whether the two engines agree."""
    (mt_lines, mt_rc, mt_s), (pt_lines, pt_rc, pt_s) = (results[e] for e in ENGINES)
    n = max(len(mt_lines), len(pt_lines))
    mt_lines, pt_lines = mt_lines + [""] * (n - len(mt_lines)), pt_lines + [""] * (n - len(pt_lines))
    same = [normalize(m) == normalize(p) for m, p in zip(mt_lines, pt_lines)]
    ok = all(same) and mt_rc == pt_rc == 0
    col = (width - 4) // 2
    report = [f"=== {name}: {'✔ same output' if ok else '✘ outputs differ'} ({sum(same)}/{n} lines identical)",
              "  " + "  ".join(f"{e} on {devices[e]}: {results[e][2]:.2f} s wall, exit {results[e][1]}".ljust(col)
                               for e in ENGINES).rstrip()]
    report += [f"{'✔' if s else '✘'} {clip(m, col).ljust(col)} │ {clip(p, col)}".rstrip()
               for m, p, s in zip(mt_lines, pt_lines, same)]
    return report, ok


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m reference", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="EXAMPLE", help="examples to run (default: all)")
    parser.add_argument("--device", choices=DEVICES, default="auto",
                        help="torch's device (auto: CUDA when available); minitorch always uses the CPU")
    parser.add_argument("--out", type=Path, default=ROOT / "reference_report", help="where the report goes")
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(example_names())
    if unknown:
        parser.error(f"no such example: {', '.join(sorted(unknown))} (have: {', '.join(example_names())})")

    devices = {e: resolve_device(e, args.device) for e in ENGINES}
    width = max(shutil.get_terminal_size((160, 24)).columns, 80)
    args.out.mkdir(parents=True, exist_ok=True)
    report, failed = [], []
    for name in args.names or example_names():
        results = {}
        for engine in ENGINES:
            results[engine] = run(name, engine, devices[engine])
            (args.out / f"{name}.{engine}.txt").write_text("\n".join(results[engine][0]) + "\n")
        lines, ok = compare(name, results, devices, width)
        print("\n".join(lines), flush=True)
        report += lines
        failed += [] if ok else [name]

    summary = f"{len(failed)} of {len(args.names or example_names())} examples differ" + \
        (f": {', '.join(failed)}" if failed else "")
    print(summary)
    (args.out / "report.txt").write_text("\n".join(report + [summary]) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
