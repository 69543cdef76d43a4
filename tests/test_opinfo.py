"""PyTorch's own test inputs, run through every operator minitorch has.

torch describes its operators in ``op_db`` (torch.testing._internal.common_methods_invocations), each with
a generator of sample inputs (``op.sample_inputs``) written by torch's developers to reach the corners:
0-d and empty tensors, negative dims, broadcasting, keyword arguments, non-contiguous inputs. For every
OpInfo that supports float64 on the CPU and whose function (``torch.X``, ``torch.nn.functional.X``,
``torch.linalg.X``), Tensor method ``X``, in-place method ``X_`` or Python operator minitorch has, each
sample is run in both engines (tests/opinfo_support.py does the work) and compared:

- the output: values (rtol 1e-7, atol 1e-10: float64, never bit for bit, since transcendental functions
  differ in the last bits across CPUs; the few float32 tensors a sample carries, at 1e-5), dtype, shape, requires_grad; integers and booleans exactly;
- every input after the call (what an in-place variant changed);
- the gradient of ``(out * upstream).sum()`` for every input that requires grad (a seeded upstream);
- where OpInfo says the op supports it, the second-order gradient (``create_graph=True``, then the
  gradient of ``(grads * v).sum()``); where torch's own second order raises (ctc_loss has no derivative of
  its gradient), minitorch's must raise the same type of error;
- where torch raises on a sample, that minitorch raises the same type of error;
- the forward-mode column, where OpInfo says ``supports_forward_ad`` (and torch's own forward-mode test is not
  skipped): each sample once more, through its first out-of-place variant and OpInfo's ``gradcheck_wrapper``,
  with every input that requires grad made dual (a seeded random tangent), in both engines; the outputs'
  tangents compared as values are (rtol 1e-7), and where torch raises in forward mode minitorch must raise the
  same type. ``TORCH_FORWARD_BUGS`` in opinfo_support.py lists the torch bugs the column shows.

Filtered, because they cannot be compared (``FILTERS`` in opinfo_support.py, each with its reason, counted in
the census): complex dtypes, sparse layouts, ``out=`` arguments, tensor subclasses, memory formats and
layout objects minitorch does not have; values drawn from torch's random generator and uninitialized memory
(``empty*``) are compared in all but their values. An op with more than MAX_SAMPLES (200) samples runs an
evenly spread 200 of them (the census names those ops). Node names are compared by the other tests, not here.

Out of scope, so absent from minitorch on purpose (the census still counts them as missing): complex dtypes
(``fft.*``, ``polar``, ``complex``, ``view_as_complex``, ``angle``, ``stft``, ``linalg.eig``) and sparse layouts
(``sparse.sampled_addmm``).

The census line at the end of the session (tests/conftest.py) says how many ops are present, how many pass
and how many samples ran. ``MINITORCH_OPINFO_MISSING=path`` writes the float64 OpInfos minitorch lacks, by
family, to ``path``.
"""
import json
import os

import numpy as np
import pytest

import opinfo_support as S

PRESENT, TOTAL = S.present_ops()

# torch warns about some of its own samples (padding='same' with an even kernel, dropout2d of a 3-D input):
# warnings are not what this test compares
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

# Failures known and not fixed (op id -> why), run as strict xfails: counted as failing in the census, and a
# fix makes them fail loudly until the entry goes.
XFAIL = {
    "as_strided.partial_views": "its inputs are views into a larger torch storage (offset 5 of 20 elements), and "
                                "as_strided reads that storage outside the view; the samples reach minitorch as copies "
                                "of the view alone (opinfo_support.Converter), so there is no storage to read",
    "as_strided_scatter": "torch 2.14.1's VJP for self is wrong: it passes the gradient inside the scattered region "
                          "and zeros outside it (torch.autograd.gradcheck fails on it); minitorch's is the derivative, "
                          "da = g with the region zeroed (tests/test_scatter.py checks it against finite differences "
                          "and torch's gradient for src)",
}


def _write_missing(path):
    tmp = f"{path}.{os.getpid()}"  # (with pytest-xdist every worker writes it: the same text, atomically)
    with open(tmp, "w") as f:
        json.dump(S.missing_ops(), f, indent=1, sort_keys=True)
    os.replace(tmp, path)


if os.environ.get("MINITORCH_OPINFO_MISSING"):
    _write_missing(os.environ["MINITORCH_OPINFO_MISSING"])


def _describe(failures, limit=8):
    lines, seen = [], set()
    for index, kind, message, sample in failures:
        key = (kind, message.split(":")[0])
        if key in seen:
            continue
        seen.add(key)
        lines.append(f"sample {index} ({kind}): {message}\n    {str(sample)[:400]}")
        if len(lines) == limit:
            break
    more = len(failures) - len(lines)
    return "\n".join(lines) + (f"\n... and {more} more failing sample calls" if more > 0 else "")


@pytest.mark.parametrize("op, found", [
    pytest.param(op, found, id=S.op_id(op),
                 marks=[pytest.mark.xfail(strict=True, reason=XFAIL[S.op_id(op)])] if S.op_id(op) in XFAIL else [])
    for op, found in PRESENT])
def test_opinfo_samples(op, found, record_property):
    counts, failures, made = S.run_op(op, found)
    record_property("opinfo", dict(op=S.op_id(op), present=len(PRESENT), total=TOTAL, made=made,
                                   passed=not failures, counts=dict(counts)))
    if failures:
        pytest.fail(f"{len(failures)} sample calls (of {counts['samples']} samples) differ from torch:\n"
                    + _describe(failures), pytrace=False)


# -- what the samples found, call by call --------------------------------------------------------------------
# The OpInfo samples compare error types only; these compare torch's messages too (and values and gradients
# of the edge cases), for the calls the samples showed minitorch got wrong.
def _f64(lib, data):
    return lib.tensor(data, dtype=lib.float64, requires_grad=True)


def _inplace(op):
    def run(lib):
        x = _f64(lib, [[1.5, -2.0], [3.0, 0.5]]).clone()
        y = x
        if op == "%":
            y %= lib.tensor([2.0, 0.75], dtype=lib.float64)
        else:
            y **= 2
        assert y is x  # in place: the same tensor, as torch
        return y
    return run


FINDINGS = {
    "flip dims=": lambda lib: _f64(lib, [[1.0, 2.0], [3.0, 4.0]]).flip(dims=(0,)),
    "torch.flip dims=": lambda lib: lib.flip(_f64(lib, [[1.0, 2.0], [3.0, 4.0]]), dims=[0, 1]),
    "flip dims twice": lambda lib: _f64(lib, [1.0, 2.0]).flip(0, dims=(0,)),
    "flip no dims": lambda lib: _f64(lib, [1.0, 2.0]).flip(),
    "x %= y": _inplace("%"),
    "x **= 2": _inplace("**"),
    "gather 0-d input": lambda lib: lib.gather(_f64(lib, 1.5), 0, lib.tensor([0, 0, 0])),
    "gather 0-d input and index": lambda lib: lib.gather(_f64(lib, 1.5), -1, lib.tensor(0)),
    "gather 0-d index of a vector": lambda lib: lib.gather(_f64(lib, [1.0, 2.0, 3.0]), 0, lib.tensor(2)),
    "gather empty uint8 index": lambda lib: lib.gather(_f64(lib, [1.0, 2.0]), 0, lib.zeros(0, dtype=lib.uint8)),
    "gather empty index, other dims": lambda lib: lib.gather(_f64(lib, [[1.0, 2.0]]), 1, lib.zeros(0, 3, 0).long()),
    "gather uint8 index": lambda lib: lib.gather(_f64(lib, [1.0, 2.0]), 0, lib.zeros(2, dtype=lib.uint8)),
    "gather 0-d out of bounds": lambda lib: lib.gather(_f64(lib, 1.5), 0, lib.tensor([1])),
    "gather 0-d, 2-d index": lambda lib: lib.gather(_f64(lib, 1.5), 0, lib.tensor([[0]])),
    "index_select 0-d": lambda lib: _f64(lib, 1.5).index_select(0, lib.tensor([0])),
    "index_select 0-d, 0-d index": lambda lib: _f64(lib, 1.5).index_select(0, lib.tensor(0)),
    "index_select 0-d, two values": lambda lib: _f64(lib, 1.5).index_select(0, lib.tensor([0, 0])),
    "index_select 0-d, no value": lambda lib: _f64(lib, 1.5).index_select(0, lib.zeros(0).long()),
    "index_select 0-d out of range": lambda lib: _f64(lib, 1.5).index_select(0, lib.tensor([1])),
    "take_along_dim negative": lambda lib: lib.take_along_dim(_f64(lib, [[1.0, 2.0, 3.0]] * 2),
                                                              lib.tensor([[-1, -3], [0, -5]]), 1),
    "take_along_dim past the end": lambda lib: lib.take_along_dim(_f64(lib, [[1.0, 2.0, 3.0]]), lib.tensor([[3, 4]]),
                                                                  -1),
    "take_along_dim no dim, negative": lambda lib: lib.take_along_dim(_f64(lib, [1.0, 2.0]), lib.tensor([-1])),
    "take_along_dim int32": lambda lib: lib.take_along_dim(_f64(lib, [[1.0]]), lib.tensor([[0]], dtype=lib.int32), 1),
    "take_along_dim 0-d": lambda lib: lib.take_along_dim(_f64(lib, 1.5), lib.tensor(0), -1),
    "take_along_dim empty dim": lambda lib: lib.take_along_dim(lib.zeros(2, 0, dtype=lib.float64),
                                                               lib.zeros(2, 1).long(), 1),
    "unfold empty batch": lambda lib: lib.nn.functional.unfold(
        lib.zeros(0, 2, 3, 3, dtype=lib.float64, requires_grad=True), 2),
    "unfold no channels": lambda lib: lib.nn.functional.unfold(lib.zeros(2, 0, 3, 3), 2),
    "unfold empty 3-d": lambda lib: lib.nn.functional.unfold(lib.zeros(0, 3, 3), 2),
    "fold empty batch": lambda lib: lib.nn.functional.fold(
        lib.zeros(0, 8, 4, dtype=lib.float64, requires_grad=True), (3, 3), 2),
    "fold no blocks": lambda lib: lib.nn.functional.fold(lib.zeros(1, 8, 0), (3, 3), 2),
    "batch_norm 1-d empty": lambda lib: lib.nn.functional.batch_norm(
        _f64(lib, []), lib.zeros(0, dtype=lib.float64), lib.ones(0, dtype=lib.float64), training=True),
    "batch_norm 1-d": lambda lib: lib.nn.functional.batch_norm(_f64(lib, [1.0, 2.0]), None, None, training=True),
    "norm at zero, 2nd order": lambda lib: lib.autograd.grad(
        lib.linalg.vector_norm(x := _f64(lib, [0.0, 0.0, 0.0]), 2), x, create_graph=True)[0],
    "norm -1 at zero, 2nd order": lambda lib: lib.autograd.grad(
        lib.linalg.vector_norm(x := _f64(lib, [[0.0, 0.0]]), -1, 1), x, create_graph=True)[0],
}


def _outcome(fn, lib):
    """What ``fn(lib)`` does: its error (type and message), or its value, dtype and the gradient of its squares'
    sum with respect to the graph's leaves (the inputs ``fn`` made)."""
    try:
        out = fn(lib)
    except Exception as e:  # noqa: BLE001 - the error is the outcome compared
        return type(e).__name__, str(e)
    leaves, stack, seen = [], [out.grad_fn], set()
    while stack:  # the leaves that require grad, found along grad_fn
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if hasattr(node, "variable"):
            leaves.append(node.variable)
        stack.extend(n for n, _ in node.next_functions)
    grads = lib.autograd.grad((out * out).sum(), leaves, allow_unused=True) if leaves and out.requires_grad else ()
    return (str(out.dtype), out.detach().numpy(),
            [None if g is None else g.numpy() for g in grads])


@pytest.mark.parametrize("name", FINDINGS)
def test_opinfo_findings(name):
    mine, theirs = _outcome(FINDINGS[name], S.minitorch), _outcome(FINDINGS[name], S.torch)
    if isinstance(theirs[1], str):
        assert mine == theirs
        return
    assert not isinstance(mine[1], str), f"minitorch raised {mine}"
    assert mine[0] == theirs[0]
    np.testing.assert_allclose(mine[1], theirs[1], rtol=1e-12, atol=0, equal_nan=True)
    assert len(mine[2]) == len(theirs[2])
    for m, t in zip(mine[2], theirs[2]):
        np.testing.assert_allclose(m, t, rtol=1e-12, atol=0, equal_nan=True)


@pytest.mark.parametrize("draw", [
    lambda lib, p: lib.bernoulli(p),
    lambda lib, p: lib.normal(p, 1.0),
    lambda lib, p: lib.normal(1.0, p),
    lambda lib, p: lib.normal(p, p),
    lambda lib, p: lib.normal(p.detach(), p),
    lambda lib, p: lib.normal(0.0, 1.0, (2,), dtype=lib.float64, device="cpu", requires_grad=True)],
    ids=["bernoulli", "normal(t, 1)", "normal(1, t)", "normal(t, t)", "normal(c, t)", "normal(0, 1, size)"])
def test_random_draws_recorded_as_torch(draw):
    """The samples found that torch records a draw from tensor parameters (its values are random, so the
    samples compare all but them): the result requires grad, and the parameters get zero gradients."""
    outcomes = []
    for lib in (S.minitorch, S.torch):
        p = lib.tensor([0.2, 0.9, 0.5], dtype=lib.float64, requires_grad=True)
        out = draw(lib, p)
        grads = lib.autograd.grad(out.sum(), p, allow_unused=True) if out.grad_fn is not None else None
        outcomes.append((out.grad_fn and out.grad_fn.name(), out.requires_grad, str(out.dtype), tuple(out.shape),
                         grads and [g.tolist() for g in grads]))
    assert outcomes[0] == outcomes[1]
