"""How tensors print: torch's algorithm (``torch/_tensor_str.py``), so that printed output reads the same
in both engines, character for character.

One formatter per tensor looks at the values that will be shown and picks one style for all of them:

* integer and bool tensors: ``str(value)`` (``3``, ``True``);
* floating tensors whose nonzero finite values are all integral ("int mode"): ``3.``;
* scientific notation (``1.0000e+05``) when those values' magnitudes span more than 1000x, pass 1e8
  or go below 1e-4;
* otherwise fixed point with ``precision`` (4) decimals.

Every element is right-aligned to the widest one; rows wrap at ``linewidth`` (80) characters. A tensor
of more than ``threshold`` (1000) elements shows only ``edgeitems`` (3) entries at each end of every
long dimension, with ``...`` between, and only those shown entries decide the style.
"""
import math
import types

import numpy as np

from . import _dtype

_DEFAULTS = dict(precision=4, threshold=1000, edgeitems=3, linewidth=80)
_PROFILES = {"default": _DEFAULTS, "short": dict(_DEFAULTS, precision=2, edgeitems=2),
             "full": dict(_DEFAULTS, threshold=float("inf"))}


# sci_mode None: chosen per tensor from its values; True/False: forced
OPTS = types.SimpleNamespace(**_DEFAULTS, sci_mode=None)


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None):
    """torch.set_printoptions: change how tensors print; ``profile`` is "default", "short" or "full".
    As in torch, ``sci_mode`` is always set: leaving it out goes back to choosing per tensor."""
    if profile is not None:
        for name, value in _PROFILES[profile].items():
            setattr(OPTS, name, value)
    for name, value in dict(precision=precision, threshold=threshold, edgeitems=edgeitems,
                            linewidth=linewidth).items():
        if value is not None:
            setattr(OPTS, name, value)
    OPTS.sci_mode = sci_mode


class _Formatter:
    """Turns each element into text of one common width, in the style the shown values call for."""

    def __init__(self, shown):
        self.floating = shown.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.width = True, False, 1
        if not self.floating:
            self.width = max((len(str(v)) for v in shown.ravel().tolist()), default=1)
            return
        values = shown[np.isfinite(shown) & (shown != 0)]
        if values.size == 0:  # only zeros, nan and inf: "0.", "nan", "inf"
            return
        magnitudes = np.abs(values).astype(np.float64)  # float16 would overflow at 1e8
        low, high = float(magnitudes.min()), float(magnitudes.max())  # Python floats: high / low may be inf
        self.int_mode = bool(np.all(values == np.ceil(values)))
        self.sci_mode = (high / low > 1000.0 or high > 1e8 or low < 1e-4) if OPTS.sci_mode is None \
            else OPTS.sci_mode
        # zeros, nan and inf do not count towards the width (so "-0.0000" may stick out, as in torch)
        self.width = max(len(self._text(v)) for v in values.tolist())

    def _text(self, value):
        if not self.floating:
            return str(value)
        if self.sci_mode:
            return f"{value:.{OPTS.precision}e}"
        if self.int_mode:  # the trailing "." says "floating point" ("nan" and "inf" say it already)
            return f"{value:.0f}" + ("." if math.isfinite(value) else "")
        return f"{value:.{OPTS.precision}f}"

    def __call__(self, value):
        return self._text(value).rjust(self.width)


def _summarized(a, edge):
    """The entries that a summarized print shows: the first and last ``edge`` along every dimension
    longer than ``2 * edge``."""
    return a[np.ix_(*[np.r_[:edge, n - edge:n] if n > 2 * edge else np.arange(n) for n in a.shape])]


def _block(shown, cut, fmt, indent):
    """``shown`` as nested brackets; ``cut[d]`` says dimension d was summarized (gets a "...")."""
    if shown.ndim == 0:
        return fmt(shown.item())
    edge = OPTS.edgeitems
    if shown.ndim == 1:
        items = [fmt(v) for v in shown.tolist()]
        if cut[0]:
            items[edge:edge] = [" ..." if edge else "..."]
        per_line = max(1, (OPTS.linewidth - indent) // (fmt.width + 2))  # 2 for ", "
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = [_block(row, cut[1:], fmt, indent + 1) for row in shown]
    if cut[0]:
        rows[edge:edge] = ["..."]
    # sub-blocks of a 3-d tensor are separated by one blank line, of a 4-d one by two, ...
    return "[" + ("," + "\n" * (shown.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def _contents(a, indent):
    summarize = a.size > OPTS.threshold
    shown = _summarized(a, OPTS.edgeitems) if summarize else a
    cut = [summarize and n > 2 * OPTS.edgeitems for n in a.shape]
    return _block(shown, cut, _Formatter(shown), indent)


def _add_suffixes(text, suffixes, indent, force_newline=False):
    """Append ``, dtype=...``-style suffixes, moving one to a new line when it would pass linewidth (the
    first one always, with ``force_newline``: a sparse tensor's ``size=``)."""
    line = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if force_newline or line + len(suffix) + 2 > OPTS.linewidth:
            text += ",\n" + " " * indent + suffix
            line = indent + len(suffix)
            force_newline = False
        else:
            text += ", " + suffix
            line += len(suffix) + 2
    return text + ")"


def _inner(a, indent):
    """A tensor's ``[...]`` inside a sparse tensor's repr, at ``indent``; ``size=`` follows an empty one."""
    return _contents(a, indent) if a.size else f"[], size={tuple(a.shape)}"


def sparse_repr(t):
    """``tensor(indices=tensor([[0, 1]]),\n       values=tensor([1., 2.]),\n       size=(2,), nnz=2,
    layout=torch.sparse_coo)``, as torch prints a sparse COO tensor."""
    indent = len("tensor(")
    body = (f"indices=tensor({_inner(t._sparse_indices, indent + len('indices=tensor('))}),\n"
            f"{' ' * indent}values=tensor({_inner(t._data, indent + len('values=tensor('))})")
    suffixes = [f"size={tuple(t._sparse_size)}", f"nnz={t._data.shape[0]}"]
    if t.dtype not in (_dtype.get_default_dtype(), _dtype.int64, _dtype.bool_):
        suffixes.append(f"dtype={t.dtype}")
    suffixes.append(f"layout={t.layout}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes("tensor(" + body, suffixes, indent, force_newline=True)


def tensor_repr(t):
    """``tensor([[1., 2.],\\n        [3., 4.]], dtype=torch.float64, requires_grad=True)``, as torch prints it."""
    # torch prints Parameters (and plain tensors) as "tensor(", other subclasses under their own name
    name = type(t).__name__
    prefix = "tensor(" if name in ("Tensor", "Parameter") else name + "("
    a, dtype = t._data, t.dtype
    suffixes = []
    if a.size == 0:
        body = "[]"
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if dtype != _dtype.get_default_dtype():  # no value shows whether it is integral
            suffixes.append(f"dtype={dtype}")
    else:
        if not OPTS.edgeitems:
            suffixes.append(f"size={tuple(a.shape)}")
        if dtype not in (_dtype.get_default_dtype(), _dtype.int64, _dtype.bool_):
            suffixes.append(f"dtype={dtype}")
        body = _contents(a, len(prefix))
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    from .autograd.forward_ad import tangent_of  # (the autograd package imports this module's users)
    tangent = tangent_of(t)
    if tangent is not None:  # a dual tensor of forward-mode AD
        suffixes.append(f"tangent={tensor_repr(tangent)}")
    return _add_suffixes(prefix + body, suffixes, len(prefix))
