"""The OpInfo census printed at the end of a test session (pytest hooks; tests/conftest.py imports them).

Each test of tests/test_opinfo.py records what it ran (``record_property("opinfo", ...)``); the records reach
this process with the test reports, with or without pytest-xdist, and the summary adds them up. Nothing here
imports torch: a session without the OpInfo tests prints nothing and pays nothing.
"""
_records = []


def pytest_runtest_logreport(report):
    if report.when == "call":
        _records.extend(value for name, value in report.user_properties if name == "opinfo")


def _counted(counts, keys):
    return ", ".join(f"{key} {counts[key]}" for key in keys if counts.get(key))


def pytest_terminal_summary(terminalreporter):
    if not _records:
        return
    first = _records[0]
    present, total = first["present"], first["total"]
    counts = {}
    for record in _records:
        for key, n in record["counts"].items():
            counts[key] = counts.get(key, 0) + n
    passing = sum(record["passed"] for record in _records)
    ran = "" if len(_records) == present else f" ({len(_records)} of them run)"
    capped = sorted((r["op"], r["made"]) for r in _records if r["made"] > r["counts"]["samples"])
    write = terminalreporter.write_line
    write(f"OpInfo census: {present} ops present of {total} (float64, CPU){ran}; {passing} fully passing; "
          f"{counts['samples']} samples run")
    write(f"  sample calls (a sample through each variant: function, method, in-place, operator): "
          f"{counts.get('ok', 0)} compared in full, {counts.get('error', 0)} raised in both engines, "
          f"{counts.get('failed', 0)} differing"
          f"{_counted(counts, ('second-order torch bug',)) and '; ' + _counted(counts, ('second-order torch bug',))}"
          f"; all but values compared: "
          f"{_counted(counts, ('rng', 'uninitialized')) or 'none'}; filtered: "
          f"{_counted(counts, ('complex', 'sparse', 'out=', 'not a tensor', 'memory_format', 'layout')) or 'none'}")
    write(f"  forward mode (dual inputs, tangents compared with torch's forward AD, one variant per sample): "
          f"{counts.get('forward', 0)} compared, {counts.get('forward error', 0)} raised in both engines, "
          f"{counts.get('forward failed', 0)} differing, {counts.get('forward torch bug', 0)} on torch bugs "
          f"(TORCH_FORWARD_BUGS in opinfo_support.py)")
    if capped:
        write("  capped at an evenly spread 200 samples: " + ", ".join(f"{op} (of {n})" for op, n in capped))
    failing = [r["op"] for r in _records if not r["passed"]]
    if failing:
        write("  not fully passing: " + ", ".join(failing))
