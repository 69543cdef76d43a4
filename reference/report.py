"""The side-by-side report of the compared examples: text for the terminal, Markdown and JSON files, and
the loss curves of both engines on one PNG (when matplotlib is installed)."""
import json

from .compare import RUN_ORDER

ENGINES = ("minitorch", "torch")  # the report's column order


def _clip(text, width):
    return text if len(text) <= width else text[:width - 1] + "…"


def _number(x):
    return "" if x is None else f"{x:.3g}"


def _header(c):
    lines = sum(mark != "✘" for mark, _, _ in c.lines)
    return (f"=== {c.name}: {'✔ same results' if c.ok else '✘ results differ'} "
            f"({lines}/{len(c.lines)} lines agree, {sum(r['ok'] for r in c.records)}/{len(c.records)} "
            f"recorded values agree)")


def _threads(run):
    return f", {run.threads} thread{'s' if run.threads > 1 else ''}" if run.threads else ""


def _timing(c):
    return "  ".join(f"{e} on {c.runs[e].device}{_threads(c.runs[e])}: {c.runs[e].seconds:.1f} s wall, "
                     f"exit {c.runs[e].returncode}" for e in ENGINES)


def text(c, width=160):
    """The terminal report of one example: both engines' lines side by side, then the recorded values."""
    col = (width - 4) // 2
    out = [_header(c), "  " + _timing(c), f"  {'minitorch'.ljust(col)} │ torch"]
    out += [f"{mark} {_clip(m, col).ljust(col)} │ {_clip(t, col)}".rstrip() for mark, m, t in c.lines]
    if c.records:
        out.append(f"  recorded values ({'max abs diff':>12} {'max rel diff':>12}  tolerance)")
        for r in c.records:
            tolerance = f"rtol {r['rtol']:g}, atol {r['atol']:g}" if r["rtol"] is not None else "equal"
            out.append(f"{'✔' if r['ok'] else '✘'} {r['name']:<40} {_number(r['max_abs']):>12} "
                       f"{_number(r['max_rel']):>12}  {tolerance}  ({r['minitorch']} | {r['torch']})")
    for e in RUN_ORDER:
        if c.runs[e].returncode != 0:
            out.append(f"✘ {e} failed; its stderr ends with:")
            out += ["    " + line for line in c.runs[e].stderr.strip().splitlines()[-15:]]
    return out


def markdown(comparisons, summary):
    """The whole report as Markdown: a summary table, then per example its values and its lines."""
    out = ["# minitorch vs PyTorch: the tutorials side by side", "", summary, "",
           "| example | result | lines agree | values agree | minitorch | torch |", "|---|---|---|---|---|---|"]
    for c in comparisons:
        lines = sum(mark != "✘" for mark, _, _ in c.lines)
        cells = [f"{c.runs[e].seconds:.1f} s on {c.runs[e].device}{_threads(c.runs[e])}" for e in ENGINES]
        out.append(f"| {c.name} | {'✔' if c.ok else '✘'} | {lines}/{len(c.lines)} | "
                   f"{sum(r['ok'] for r in c.records)}/{len(c.records)} | {cells[0]} | {cells[1]} |")
    for c in comparisons:
        out += ["", f"## {c.name} {'✔' if c.ok else '✘'}", "", _timing(c), ""]
        if c.records:
            out += ["| value | | max abs diff | max rel diff | tolerance | minitorch | torch |",
                    "|---|---|---|---|---|---|---|"]
            for r in c.records:
                tolerance = f"rtol {r['rtol']:g}, atol {r['atol']:g}" if r["rtol"] is not None else "equal"
                cells = [r["minitorch"].replace("|", "\\|"), r["torch"].replace("|", "\\|")]
                out.append(f"| {r['name'].replace('|', chr(92) + '|')} | {'✔' if r['ok'] else '✘'} | {_number(r['max_abs'])} | "
                           f"{_number(r['max_rel'])} | {tolerance} | `{cells[0]}` | `{cells[1]}` |")
            out.append("")
        out += ["```text"] + [f"{mark} {m:<70} │ {t}" for mark, m, t in c.lines] + ["```"]
    return "\n".join(out) + "\n"


def as_json(comparisons, summary):
    return json.dumps({"summary": summary, "examples": [{
        "name": c.name, "ok": c.ok,
        "runs": {e: {"device": r.device, "threads": r.threads, "seconds": r.seconds, "returncode": r.returncode}
                 for e, r in c.runs.items()},
        "lines": [{"mark": mark, "minitorch": m, "torch": t} for mark, m, t in c.lines],
        "records": c.records} for c in comparisons]}, indent=1, ensure_ascii=False)


def loss_curves(comparisons, path):
    """Plot every recorded value named ``... curve`` of both engines on one PNG; False without matplotlib."""
    curves = [(c.name, name) for c in comparisons for name in c.runs["torch"].records if name.endswith("curve")]
    if not curves:
        return False
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axes = plt.subplots(len(curves), 1, figsize=(8, 3.5 * len(curves)), squeeze=False)
    for ax, (example, name) in zip(axes[:, 0], curves):
        c = next(c for c in comparisons if c.name == example)
        for engine, style in zip(ENGINES, ("-", "--")):
            values = c.runs[engine].records.get(name, {}).get("value")
            if values:
                ax.plot(range(1, len(values) + 1), values, style, label=f"{engine} ({c.runs[engine].device})")
        ax.set_title(f"{example}: {name}")
        ax.set_xlabel("report interval")
        ax.set_ylabel("loss")
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True
