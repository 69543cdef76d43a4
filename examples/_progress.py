"""A progress bar on stderr (stdout stays the tutorial's output, which reference/ compares).

The bar is tqdm's when tqdm is installed (the optional extra ``progress``: ``pip install -e '.[progress]'``),
else a small one drawn here. It draws when stderr is a terminal, or when ``MINITORCH_PROGRESS=1``
(reference/ sets it when its own stderr is a terminal, and shows the bar of the run in progress);
``MINITORCH_PROGRESS=0`` turns it off.
"""
import os
import sys
import time

try:
    from tqdm import tqdm
except ImportError:  # the extra is not installed: the bar below
    tqdm = None


def wanted():
    """Whether to draw: MINITORCH_PROGRESS=1/0 decides; unset, only onto a terminal."""
    setting = os.environ.get("MINITORCH_PROGRESS")
    return setting == "1" or (setting != "0" and sys.stderr.isatty())


def progress(iterable, total, label, every=0.25):
    """Yield from ``iterable`` with a bar ``label`` counting to ``total``, redrawn at most every ``every`` s."""
    if not wanted():
        yield from iterable
        return
    if tqdm is not None:
        # leave=True: the finished bar stays, as the fallback's does; mininterval as the fallback's
        yield from tqdm(iterable, total=total, desc=label, file=sys.stderr, mininterval=every, leave=True)
        return
    yield from _plain(iterable, total, label, every)


def _plain(iterable, total, label, every):
    """``label [#####.....] i/total  rate  eta``: the bar used without tqdm."""
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
