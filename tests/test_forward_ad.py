"""Forward-mode AD (torch.autograd.forward_ad): dual tensors, JVPs of every kind of op against torch's own forward
mode, the transpose identity between each op's JVP and VJP, finite differences, and torch's errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch

# (name, function of the library and the dual inputs, shapes): elementwise ops (JVP from the VJP's formula),
# ops with a written-out JVP (mul, div, pow, ...), linear ops (the op on the tangents) and the rest (the VJP
# transposed) - the four ways autograd/forward_ad.py pushes a tangent
OPS = [
    ("mul_div_pow", lambda L, a, b: a * b / (b.abs() + 1) + (a.abs() + 0.5) ** b - 2 ** a + 3 / (a * a + 1), [(3, 4), (3, 4)]),
    ("broadcast", lambda L, a, b: a * b + a - b, [(3, 1), (1, 4)]),
    ("exp_log", lambda L, a: L.exp(a) + (a.abs() + 0.5).log() + a.sin() * a.cos() + a.tanh() + (a * a + 1).sqrt(), [(3, 4)]),
    ("activations", lambda L, a: L.sigmoid(a) + L.relu(a) + L.nn.functional.gelu(a) + L.nn.functional.softplus(a)
     + L.erf(a), [(3, 4)]),
    ("special", lambda L, a: (a.abs() + 0.5).lgamma() + (a.abs() + 0.5).digamma() + a.clamp(-0.5, 0.5) + a.floor(), [(5,)]),
    ("binary", lambda L, a, b: L.atan2(a, b) + L.maximum(a, b) + L.hypot(a, b) + L.lerp(a, b, 0.3), [(3, 4), (3, 4)]),
    ("where", lambda L, a, b: L.where(a > 0, a, b), [(3, 4), (3, 4)]),
    ("views", lambda L, a: a.view(12).reshape(2, 6).t().unsqueeze(0).expand(2, 6, 2).permute(2, 0, 1).flip(0), [(3, 4)]),
    ("cat_stack_index", lambda L, a, b: L.stack([L.cat([a, b], 0)[1:, [0, 2]], L.cat([b, a], 0)[:4, 1:3]]), [(3, 4), (2, 4)]),
    ("reductions", lambda L, a: L.stack([a.sum(), a.mean(), a.prod(), a.var(), a.norm(), a.max(), a.logsumexp(1).sum()]),
     [(3, 4)]),
    ("reductions_dim", lambda L, a: a.sum(1) + a.mean(1) + a.max(1)[0] + a.std(1) + a.cumsum(1)[:, -1], [(3, 4)]),
    ("sort", lambda L, a: a.sort(1)[0] + a.cummax(1)[0], [(3, 4)]),
    ("matmul", lambda L, a, b, c: a @ b + L.mm(a, b) + (L.bmm(c, c.transpose(1, 2)).sum(0) @ a[:, :3].t())[:, :2] * 0
     + L.addmm(b[0], a, b), [(3, 4), (4, 2), (2, 3, 4)]),
    ("softmax", lambda L, a: a.softmax(1) + L.log_softmax(a, 0), [(3, 4)]),
    ("nn", lambda L, x, w, b: L.nn.functional.linear(x, w, b).relu().sum() + L.nn.functional.cross_entropy(
        L.nn.functional.linear(x, w, b), L.tensor([0, 1, 1])) + L.nn.functional.layer_norm(x, (4,)).sum(), [(3, 4), (2, 4), (2,)]),
    ("conv_pool", lambda L, x, w: L.nn.functional.max_pool2d(L.nn.functional.conv2d(x, w, padding=1), 2), [(2, 3, 4, 4), (2, 3, 3, 3)]),
    ("batch_norm", lambda L, x: L.nn.functional.batch_norm(x, None, None, training=True), [(5, 3)]),
    # the written-out JVPs (matmul family, reductions, norms, convolutions) with their options
    ("mv_dot", lambda L, m, v, w: L.mv(m, v) * L.dot(v, w), [(3, 4), (4,), (4,)]),
    ("addmm_scaled", lambda L, c, a, b: L.addmm(c, a, b, beta=0.5, alpha=2.0) + L.addmm(c, a, b, beta=0), [(2,), (3, 4), (4, 2)]),
    ("bmm", lambda L, a, b: L.bmm(a, b), [(2, 3, 4), (2, 4, 5)]),
    ("logsumexp_var", lambda L, a: a.logsumexp((0, 1)) + a.var(0).sum() + a.var(1, correction=0).sum()
     + L.logsumexp(a, 1, keepdim=True).sum(), [(3, 4)]),
    ("logcumsumexp", lambda L, a: a.logcumsumexp(1) + a.logcumsumexp(0), [(3, 4)]),
    ("norms_affine", lambda L, x, w, b: L.nn.functional.group_norm(x, 2, w, b) + L.nn.functional.layer_norm(x, (4, 3))
     + L.nn.functional.batch_norm(x, L.zeros(4, dtype=L.float64) + 0.5, L.ones(4, dtype=L.float64) * 2, w, b)
     + L.nn.functional.batch_norm(x, None, None, w, b, training=True), [(2, 4, 3), (4,), (4,)]),
    ("prod_extremes", lambda L, a: a.prod(1) + a.clamp(min=0).prod(0).sum() + a.amax(0).sum() + a.min(1)[0]
     + a.std(0).sum() + L.nn.functional.nll_loss(a.log_softmax(1), L.tensor([0, 3, 1]), reduction="sum"), [(3, 4)]),
    ("conv_transpose_1d", lambda L, x, w, b, w1: L.nn.functional.conv_transpose2d(x, w, b, stride=2).sum((2, 3))
     + L.nn.functional.conv1d(x[:, :, 0], w1, None, padding=1).sum(2), [(1, 2, 3, 3), (2, 3, 2, 2), (3,), (3, 2, 2)]),
]

# the ops whose JVP is written out, with a call that reaches each: the transposed VJP they replace must give the
# same tangent (tests/test_forward_ad.py removes the jvp for a while)
WRITTEN_OUT = {
    "Dot": ("mv_dot", "minitorch.ops.linalg"), "Mv": ("mv_dot", "minitorch.ops.linalg"),
    "Mm": ("matmul", "minitorch.ops.linalg"), "Bmm": ("bmm", "minitorch.ops.linalg"),
    "Addmm": ("addmm_scaled", "minitorch.ops.linalg"), "Softmax": ("softmax", "minitorch.ops.softmax"),
    "LogSoftmax": ("softmax", "minitorch.ops.softmax"), "Logsumexp": ("logsumexp_var", "minitorch.ops.reduction"),
    "Var": ("logsumexp_var", "minitorch.ops.reduction"), "Std": ("prod_extremes", "minitorch.ops.reduction"),
    "Prod": ("reductions", "minitorch.ops.reduction"), "ProdDim": ("prod_extremes", "minitorch.ops.reduction"),
    "_EvenlySplit": ("prod_extremes", "minitorch.ops.reduction"), "_Select": ("prod_extremes", "minitorch.ops.reduction"),
    "NllLoss": ("prod_extremes", "minitorch.nn.functional.loss"),
    # (not Logcumsumexp: the fallback differentiates its VJP at upstream 0, where the VJP's log|g| is -inf and its
    # derivative NaN - one reason its JVP is written out; test_logcumsumexp_jvp_against_the_sum_written_out checks it)
    "NativeBatchNorm": ("norms_affine", "minitorch.nn.functional.normalization"),
    "_RowNorm": ("norms_affine", "minitorch.nn.functional.normalization"),
    "Convolution": ("conv_transpose_1d", "minitorch.nn.functional.conv"),
    "MaxPoolWithIndices": ("conv_pool", "minitorch.nn.functional.pooling"),
}


def jvp(lib, fn, primals, tangents):
    fw = lib.autograd.forward_ad
    with fw.dual_level():
        duals = [fw.make_dual(lib.tensor(p), lib.tensor(t)) for p, t in zip(primals, tangents)]
        primal, tangent = fw.unpack_dual(fn(lib, *duals))
        return primal.detach().numpy().copy(), tangent.detach().numpy().copy()


def draw(shapes, seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes], [rng.standard_normal(s) for s in shapes]


@pytest.mark.parametrize("name, fn, shapes", OPS, ids=[o[0] for o in OPS])
@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1))
def test_jvp_matches_torch(name, fn, shapes, seed):
    """Value and tangent of every output, float64: rtol 1e-7 (sums in another order), as the OpInfo test."""
    primals, tangents = draw(shapes, seed)
    mine, theirs = jvp(minitorch, fn, primals, tangents), jvp(torch, fn, primals, tangents)
    np.testing.assert_allclose(mine[0], theirs[0], rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(mine[1], theirs[1], rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("name, fn, shapes", OPS, ids=[o[0] for o in OPS])
def test_jvp_and_vjp_are_transposes(name, fn, shapes):
    """<u, J v> (forward mode) = <Jᵀ u, v> (backward mode), minitorch alone: the check HIPS autograd uses."""
    primals, v = draw(shapes, 7)
    out, jv = jvp(minitorch, fn, primals, v)
    u = np.random.default_rng(8).standard_normal(out.shape)
    xs = [minitorch.tensor(p, requires_grad=True) for p in primals]
    grads = minitorch.autograd.grad((fn(minitorch, *xs) * minitorch.tensor(u)).sum(), xs, allow_unused=True)
    transposed = sum(float((g.numpy() * vi).sum()) for g, vi in zip(grads, v) if g is not None)
    assert np.isclose(float((u * jv).sum()), transposed, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("name, fn, shapes", [o for o in OPS if o[0] in ("mul_div_pow", "exp_log", "softmax", "matmul")],
                         ids=lambda o: o if isinstance(o, str) else "")
def test_jvp_matches_central_differences(name, fn, shapes):
    primals, v = draw(shapes, 3)
    _, jv = jvp(minitorch, fn, primals, v)
    h = 1e-6
    plus = fn(minitorch, *[minitorch.tensor(p + h * t) for p, t in zip(primals, v)]).numpy()
    minus = fn(minitorch, *[minitorch.tensor(p - h * t) for p, t in zip(primals, v)]).numpy()
    np.testing.assert_allclose(jv, (plus - minus) / (2 * h), rtol=1e-5, atol=1e-6)


def test_backward_through_a_jvp():
    """Reverse over forward: the JVP's own operations are recorded, so backward reaches the primal through the
    tangent (d/dx of <J(x) v, w>), as in torch."""
    x0, v, w = np.array([0.3, -1.2, 2.0]), np.array([1.0, 0.5, -2.0]), np.array([0.7, 1.1, -0.4])
    grads = []
    for lib in (minitorch, torch):
        fw = lib.autograd.forward_ad
        x = lib.tensor(x0, requires_grad=True)
        with fw.dual_level():
            y = (fw.make_dual(x, lib.tensor(v)).sin() * x).exp()
            (fw.unpack_dual(y).tangent * lib.tensor(w)).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10)


def test_dual_tensors_as_torch():
    x0, t0 = [0.5, -1.0, 2.0], [1.0, 0.0, -3.0]
    seen = []
    for lib in (minitorch, torch):
        fw = lib.autograd.forward_ad
        x, t = lib.tensor(x0, dtype=lib.float64), lib.tensor(t0, dtype=lib.float64)
        with fw.dual_level() as level:
            dual = fw.make_dual(x, t)
            unpacked = fw.unpack_dual(dual)
            y = dual * 2
            record = [level, type(unpacked).__name__, unpacked._fields, repr(dual), repr(y * 1),
                      fw.unpack_dual(x).tangent is None, fw.unpack_dual(dual.detach()).tangent is None,
                      unpacked.primal is not dual, repr(fw.unpack_dual(dual).primal)]
        record += [fw.unpack_dual(y).tangent is None, repr(y)]  # leaving the level drops every tangent
        seen.append(record)
    assert seen[0] == seen[1]



# (primal, tangent) pairs, each a function of the library: make_dual keeps the tangent or copies it
LAYOUTS = {
    "same layout": (lambda L: L.zeros(4, 4, dtype=L.float64), lambda L: L.ones(4, 4, dtype=L.float64)),
    "transposed tangent": (lambda L: L.zeros(4, 4, dtype=L.float64), lambda L: L.arange(16.0).reshape(4, 4).double().T),
    "float32 tangent": (lambda L: L.zeros(4, 4, dtype=L.float64), lambda L: L.ones(4, 4)),
    "float32, transposed": (lambda L: L.zeros(4, 4, dtype=L.float64), lambda L: L.arange(16.0).reshape(4, 4).T),
    "tangent in a larger block": (lambda L: L.zeros(4, 4, dtype=L.float64), lambda L: L.arange(32.0).reshape(8, 4).double()[:4]),
    "tangent at an offset": (lambda L: L.zeros(4, 4, dtype=L.float64), lambda L: L.arange(32.0).reshape(8, 4).double()[4:]),
    "expanded tangent": (lambda L: L.zeros(4, 4, dtype=L.float64), lambda L: L.arange(4.0).double().reshape(1, 4).expand(4, 4)),
    "transposed primal": (lambda L: L.zeros(4, 4, dtype=L.float64).T, lambda L: L.arange(16.0).reshape(4, 4).double()),
    "both transposed": (lambda L: L.zeros(4, 4, dtype=L.float64).T, lambda L: L.arange(16.0).reshape(4, 4).double().T),
    "strided primal": (lambda L: L.zeros(4, 8, dtype=L.float64)[:, ::2], lambda L: L.arange(16.0).reshape(4, 4).double()),
    "both at the same offset": (lambda L: L.zeros(4, 8, dtype=L.float64)[:, 3:7],
                                lambda L: L.arange(32.0).reshape(4, 8).double()[:, 3:7]),
}


@pytest.mark.parametrize("case", list(LAYOUTS))
def test_make_dual_keeps_a_tangent_laid_out_like_the_primal_and_copies_another(case):
    """As torch: the tangent itself when its strides, offset and memory block's size are the primal's; otherwise
    a copy with the primal's strides and dtype (the forward-mode tutorial's transposed tangent)."""
    seen = []
    for lib in (minitorch, torch):
        primal, tangent = (make(lib) for make in LAYOUTS[case])
        with lib.autograd.forward_ad.dual_level():
            dual = lib.autograd.forward_ad.make_dual(primal, tangent)
            kept = lib.autograd.forward_ad.unpack_dual(dual).tangent
            seen.append((kept is tangent, kept.dtype == lib.float64, kept.stride(), kept.tolist(),
                         lib.autograd.forward_ad.unpack_dual(dual[1:, 1]).tangent.tolist()))
    assert seen[0] == seen[1]

def test_in_place_ops_carry_tangents():
    results = []
    for lib in (minitorch, torch):
        fw = lib.autograd.forward_ad
        with fw.dual_level():
            x = fw.make_dual(lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64), lib.tensor([1.0, 0.0, 2.0], dtype=lib.float64))
            e = lib.ones(3, dtype=lib.float64)
            e.mul_(x)
            e.exp_()
            w = lib.tensor([0.5, 1.0, 1.5], dtype=lib.float64, requires_grad=True) * 2
            w.add_(x * x)
            results.append([fw.unpack_dual(e).tangent.numpy(), fw.unpack_dual(w).tangent.detach().numpy()])
    for mine, theirs in zip(*results):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12)


def _outcome(call):
    try:
        call()
    except Exception as e:  # the error itself is what is compared
        return type(e).__name__, str(e)
    return "ok", ""


@pytest.mark.parametrize("case", ["no_level", "shape", "int_primal", "nested", "exit_twice", "no_jvp_function",
                                  "ctc_loss", "multi_margin_loss", "unique"])
def test_errors_as_torch(case):
    outcomes = []
    for lib in (minitorch, torch):
        fw = lib.autograd.forward_ad
        x = lib.tensor([0.5, 1.5, -2.0], dtype=lib.float64)

        class Twice(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2

        def inside(fn):
            with fw.dual_level():
                return fn(fw.make_dual(x, lib.ones(3, dtype=lib.float64)))
        calls = {
            "no_level": lambda: fw.make_dual(x, x),
            "shape": lambda: inside(lambda d: fw.make_dual(x, lib.ones(4, dtype=lib.float64))),
            "int_primal": lambda: inside(lambda d: fw.make_dual(lib.arange(3), lib.arange(3))),
            "nested": lambda: inside(lambda d: fw.enter_dual_level()),
            "exit_twice": lambda: fw.exit_dual_level(),
            "no_jvp_function": lambda: inside(Twice.apply),
            "ctc_loss": lambda: inside(lambda d: lib.nn.functional.ctc_loss(
                d.view(3, 1, 1).expand(3, 1, 2).log_softmax(2), lib.tensor([[1]]), [3], [1])),
            "multi_margin_loss": lambda: inside(lambda d: lib.nn.functional.multi_margin_loss(d.view(1, 3), lib.tensor([0]))),
            "unique": lambda: inside(lambda d: lib.unique(d)),
        }
        outcomes.append(_outcome(calls[case]))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] != "ok"


def test_custom_function_jvp_as_torch():
    """A Function with a jvp staticmethod (and save_for_forward), as torch's forward-mode AD tutorial writes it."""
    tangents = []
    for lib in (minitorch, torch):
        fw = lib.autograd.forward_ad

        class P3(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_forward(x)
                return 0.5 * (5 * x ** 3 - 3 * x)

            @staticmethod
            def backward(ctx, g):
                raise AssertionError("not called in forward mode")

            @staticmethod
            def jvp(ctx, t):
                x, = ctx.saved_tensors
                return t * 1.5 * (5 * x ** 2 - 1)
        with fw.dual_level():
            x = fw.make_dual(lib.tensor([0.5, 1.0, -2.0], dtype=lib.float64), lib.tensor([1.0, 2.0, 0.5], dtype=lib.float64))
            tangents.append(fw.unpack_dual(P3.apply(x).exp()).tangent.numpy())
    np.testing.assert_allclose(tangents[0], tangents[1], rtol=1e-12)


@pytest.mark.parametrize("name", WRITTEN_OUT)
def test_written_out_jvp_matches_the_fallback_it_replaces(name, monkeypatch):
    """Each written-out JVP against the transposed VJP (autograd/forward_ad.py), which pushed the op's tangents
    before: the same tangent, to rounding."""
    import importlib
    case, module = WRITTEN_OUT[name]
    _, fn, shapes = next(o for o in OPS if o[0] == case)
    primals, v = draw(shapes, 11)
    _, written = jvp(minitorch, fn, primals, v)
    monkeypatch.delattr(getattr(importlib.import_module(module), name), "jvp")
    _, fallback = jvp(minitorch, fn, primals, v)
    np.testing.assert_allclose(written, fallback, rtol=1e-9, atol=1e-12)


def test_logcumsumexp_jvp_against_the_sum_written_out():
    """dz_i = Σ_{j≤i} exp(a_j - z_i)·da_j, summed term by term in float64; logits of 1e4 included (exp(a)
    overflows there: the JVP works in log space). torch's own forward mode is ~1e-6 off on such inputs
    (TORCH_FORWARD_BUGS in tests/opinfo_support.py)."""
    rng = np.random.default_rng(5)
    for scale in (1.0, 1e4):
        a, v = rng.standard_normal((4, 6)) * scale, rng.standard_normal((4, 6))
        z = np.logaddexp.accumulate(a, axis=1)
        expected = np.stack([(np.exp(a[:, :i + 1] - z[:, i:i + 1]) * v[:, :i + 1]).sum(1) for i in range(6)], 1)
        _, tangent = jvp(minitorch, lambda L, x: x.logcumsumexp(1), [a], [v])
        np.testing.assert_allclose(tangent, expected, rtol=1e-10, atol=1e-12)


def test_in_place_view_ops_reshape_the_tangent():
    """squeeze_, unsqueeze_, transpose_ change a dual tensor's shape in place: its tangent follows (quantile
    ends with one)."""
    results = []
    for lib in (minitorch, torch):
        fw = lib.autograd.forward_ad
        with fw.dual_level():
            x = fw.make_dual(lib.arange(6.0, dtype=lib.float64).view(2, 3), lib.ones(2, 3, dtype=lib.float64))
            y = (x * 1).unsqueeze_(0).transpose_(0, 2).squeeze_(-1)
            results.append((tuple(fw.unpack_dual(y).tangent.shape), tuple(fw.unpack_dual(lib.quantile(x, 0.5)).tangent.shape)))
    assert results[0] == results[1]


def test_explain_shows_forward_mode():
    """explain() prints each JVP pushed: the tangents an op gets (none for an argument without one), what it sends,
    and by which rule; nothing is watched once the block is left."""
    fw = minitorch.autograd.forward_ad
    w = minitorch.tensor([[1.0, -1.0], [0.5, 2.0], [0.0, 1.0]], dtype=minitorch.float64)
    with minitorch.autograd.explain(file=None) as trace, fw.dual_level():
        x = fw.make_dual(minitorch.ones(4, 3, dtype=minitorch.float64), minitorch.ones(4, 3, dtype=minitorch.float64))
        (x @ w).tanh().sum()
    assert [(p.node, p.rule, p.gets, p.sends) for p in trace.pushes] == [
        ("MmBackward0", "jvp", ["[4, 3]", None], ["[4, 2]"]),
        ("TanhBackward0", "elementwise", ["[4, 2]"], ["[4, 2]"]),
        ("SumBackward0", "linear", ["[4, 2]"], ["[]"])]
    assert trace.lines[0].startswith("fwd   1  MmBackward0  gets [4, 3], none  sends [4, 2]  mean=")
    assert trace.lines[0].endswith("(jvp)")
    assert not minitorch.autograd.forward_ad.observers
    with fw.dual_level():  # outside the block: nothing recorded
        (fw.make_dual(minitorch.ones(2, dtype=minitorch.float64), minitorch.ones(2, dtype=minitorch.float64)) * 2).sum()
    assert len(trace.pushes) == 3
