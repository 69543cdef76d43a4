"""Timing two engines on the same work, robustly on a shared machine.

``compare(make, ...)`` builds one closure per engine (``make(lib)`` sets up inputs and returns the thing to
time), warms both up, picks for each a number of calls that lasts at least ``min_time`` (so that the
clock's resolution and per-sample noise do not matter), then takes ``repeat`` samples *interleaved*
(minitorch, torch, minitorch, torch, ...): a burst of load from another process hits both engines alike
instead of one of them. The result is the median time per call of each engine.
"""
import statistics
import time

ENGINES = ("minitorch", "torch")


def engines():
    """The two libraries, imported late: the thread settings must be in place before NumPy loads."""
    import minitorch
    import torch
    return {"minitorch": minitorch, "torch": torch}


def _run(fn, number):
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return time.perf_counter() - start


def _calibrate(fn, min_time):
    """How many calls of ``fn`` take at least ``min_time`` seconds."""
    number = 1
    while True:
        elapsed = _run(fn, number)
        if elapsed >= min_time or number >= 1_000_000:
            return number
        # aim 20% past min_time, at least doubling so that a tiny first measurement cannot stall us
        number = max(2 * number, int(number * 1.2 * min_time / max(elapsed, 1e-9)))


def compare(make, repeat=7, min_time=0.05, warmup=2):
    """Median seconds per call of ``make(lib)()`` for each engine: ``{"minitorch": s, "torch": s}``."""
    libs = engines()
    fns = {name: make(libs[name]) for name in ENGINES}
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    numbers = {name: _calibrate(fn, min_time) for name, fn in fns.items()}
    samples = {name: [] for name in ENGINES}
    for _ in range(repeat):
        for name in ENGINES:
            samples[name].append(_run(fns[name], numbers[name]) / numbers[name])
    return {name: statistics.median(samples[name]) for name in ENGINES}


def case(group, name, times, **extra):
    """One row of the results: both times and their ratio (minitorch / torch), plus any extra fields."""
    row = {"group": group, "name": name, "minitorch_s": times["minitorch"], "torch_s": times["torch"],
           "ratio": times["minitorch"] / times["torch"]}
    row.update(extra)
    return row


def print_rows(rows):
    """Rows of ``case`` as they come, one line each (the modules' ``python -m benchmarks.X``)."""
    for row in rows:
        print(f"{row['group']:<11} {row['name']:<44} minitorch {row['minitorch_s'] * 1e3:9.3f} ms   "
              f"torch {row['torch_s'] * 1e3:9.3f} ms   ratio {row['ratio']:7.2f}", flush=True)
