"""A small progress bar on stderr (stdout stays the tutorial's output, which reference/ compares).

It draws when stderr is a terminal, or when ``MINITORCH_PROGRESS=1`` (reference/ sets it when its own
stderr is a terminal, and shows the bar of the run in progress); ``MINITORCH_PROGRESS=0`` turns it off.
"""
import os
import sys
import time


def progress(iterable, total, label, every=0.25):
    """Yield from ``iterable``, redrawing ``label [#####.....] i/total  rate  eta`` at most every ``every`` s."""
    wanted = os.environ.get("MINITORCH_PROGRESS")
    if wanted == "0" or (wanted != "1" and not sys.stderr.isatty()):
        yield from iterable
        return
    start = last = time.perf_counter()
    i = 0
    for i, item in enumerate(iterable, 1):
        yield item
        now = time.perf_counter()
        if now - last >= every or i == total:
            last = now
            rate = i / (now - start)
            done = int(30 * i / total)
            eta = (total - i) / rate if rate else 0
            sys.stderr.write(f"\r{label} [{'#' * done}{'.' * (30 - done)}] {i}/{total} {rate:.0f} it/s, "
                             f"{now - start:.0f} s, eta {eta:.0f} s ")
            sys.stderr.flush()
    sys.stderr.write("\n")
    sys.stderr.flush()
