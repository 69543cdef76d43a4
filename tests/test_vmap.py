"""minitorch.func.vmap against torch.func.vmap: values over random shapes, in_dims and out_dims (float64),
nesting, chunks, randomness modes, errors word for word, the fallback warning, backward through vmap."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings, strategies as st

import minitorch
import minitorch.nn.functional as MF
from harness import assert_close, same_error
from minitorch.func._vmap_rules import RULES
from minitorch.func.vmap import vmap

torch.set_num_threads(1)
B = 3


def lib_of(lib):
    return lib, (MF if lib is minitorch else TF)


# name -> (function of (lib, F, *samples), one sample's shapes, int arguments (positions) or None)
CASES = {
    "mul_broadcast": (lambda L, F, a, b: a * b + 1.5, [(2, 4), (4,)]),
    "sin_exp": (lambda L, F, a: L.sin(a).exp() - a.abs(), [(3, 2)]),
    "div_pow": (lambda L, F, a, b: (a / (b.abs() + 1)) ** 2, [(4,), (2, 4)]),
    "maximum_clamp": (lambda L, F, a, b: L.maximum(a, b).clamp(-0.5, 0.5), [(2, 3), (2, 3)]),
    "matmul_mat": (lambda L, F, a, b: a @ b, [(2, 3), (3, 4)]),
    "matmul_vec": (lambda L, F, a, b: L.matmul(a, b), [(2, 3), (3,)]),
    "matmul_vec_mat": (lambda L, F, a, b: L.matmul(a, b), [(3,), (3, 2)]),
    "matmul_batched": (lambda L, F, a, b: L.matmul(a, b), [(2, 2, 3), (3, 4)]),
    "dot": (lambda L, F, a, b: L.dot(a, b), [(5,), (5,)]),
    "bmm": (lambda L, F, a, b: L.bmm(a, b), [(2, 2, 3), (2, 3, 2)]),
    "addmm": (lambda L, F, c, a, b: L.addmm(c, a, b, beta=0.5, alpha=2.0), [(4,), (2, 3), (3, 4)]),
    "sum_all": (lambda L, F, a: a.sum(), [(2, 3)]),
    "sum_dim": (lambda L, F, a: a.sum(-1) + a.sum(0).sum(), [(2, 3)]),
    "mean_keepdim": (lambda L, F, a: a.mean((0, 2), keepdim=True), [(2, 3, 2)]),
    "var_std": (lambda L, F, a: a.var(1) + a.std(0, keepdim=True).sum(), [(3, 4)]),
    "amax_max": (lambda L, F, a: a.amax(-1) + a.max(0).values.sum() + a.max(), [(3, 4)]),
    "logsumexp_norm": (lambda L, F, a: L.logsumexp(a, 1) + L.linalg.vector_norm(a, dim=-1), [(2, 5)]),
    "cumsum": (lambda L, F, a: L.cumsum(a, dim=-1), [(2, 4)]),
    "prod_mean": (lambda L, F, a: a.prod() + a.mean(), [(2, 3)]),
    "softmax": (lambda L, F, a: L.softmax(a, -1) + L.log_softmax(a, 0), [(3, 4)]),
    "view_reshape": (lambda L, F, a: a.reshape(-1, 2).t()[:, :2] + a.view(6, 2)[:2].t(), [(3, 4)]),
    "permute_transpose": (lambda L, F, a: a.permute(2, 0, 1).transpose(0, -1), [(2, 3, 4)]),
    "squeeze_unsqueeze": (lambda L, F, a: a.unsqueeze(-1).unsqueeze(0).squeeze(0) * 2, [(2, 3)]),
    "expand_flip": (lambda L, F, a: a.expand(2, 3, 4).flip(-1), [(3, 1)]),
    "movedim_diagonal": (lambda L, F, a: L.diagonal(a, 0, 0, 1) + a.movedim(0, 1).diagonal().sum(), [(3, 3)]),
    "cat_stack": (lambda L, F, a, b: L.cat([a, b], -1).sum() + L.stack([a, b], 1), [(2, 3), (2, 3)]),
    "split_unbind": (lambda L, F, a: a.split(2, 1)[0] + a.unbind(1)[-1].unsqueeze(1), [(2, 5)]),
    "index_basic": (lambda L, F, a: a[1:, ::2] + a[0, None, 1:2], [(3, 4)]),
    "index_tensor": (lambda L, F, a: a[L.tensor([2, 0, 2])] + a[:, L.tensor([1, 1, 0])].t(), [(3, 3)]),
    "index_ellipsis": (lambda L, F, a: a[..., 1], [(2, 3)]),
    "where": (lambda L, F, a, b: L.where(a > 0, a, b), [(2, 3), (3,)]),
    "tril_clone": (lambda L, F, a: L.tril(a).clone() + a.tril(-1).to(L.float64), [(3, 3)]),
    "linear": (lambda L, F, x, w, b: F.linear(x, w, b), [(2, 4), (3, 4), (3,)]),
    "relu_gelu": (lambda L, F, x: F.relu(x) + F.gelu(x) + F.silu(x), [(2, 4)]),
    "conv2d": (lambda L, F, x, w: F.conv2d(x, w, padding=1), [(2, 3, 5, 5), (4, 3, 3, 3)]),
    "conv2d_unbatched": (lambda L, F, x, w: F.conv2d(x, w), [(3, 5, 5), (2, 3, 3, 3)]),
    "cross_entropy": (lambda L, F, x, t: F.cross_entropy(x, t), [(4, 5), ("target", 4, 5)]),
    "nll_mean": (lambda L, F, x: F.nll_loss(F.log_softmax(x, -1), L.tensor([0, 2, 1])), [(3, 4)]),
    "mse": (lambda L, F, x, y: F.mse_loss(x, y), [(2, 3), (2, 3)]),
    "pow_scalars": (lambda L, F, a: a.abs() ** 1.5 + 2 ** a - (a.abs() + 1).reciprocal() + (1 - a) + a.remainder(0.7),
                    [(3, 2)]),
    "activations": (lambda L, F, a: F.elu(a) + F.softplus(a) + F.leaky_relu(a) + F.hardtanh(a) + F.mish(a)
                    + F.logsigmoid(a) + F.hardswish(a) + F.threshold(a, 0.1, 2.0), [(3, 2)]),
    "sort_topk": (lambda L, F, a: a.sort(-1).values + a.topk(2, 0).values.sum() + a.median(1).values.unsqueeze(1),
                  [(3, 4)]),
    "inv_det": (lambda L, F, a: L.linalg.inv(a @ a.mT + L.eye(3, dtype=L.float64)) + L.linalg.det(a), [(3, 3)]),
    "pad_pool": (lambda L, F, a: F.max_pool2d(F.pad(a, (1, 0, 0, 1)), 2) + F.avg_pool2d(a, 2),
                 [(2, 3, 4, 4)]),
    "losses": (lambda L, F, a, b: F.huber_loss(a, b) + F.binary_cross_entropy_with_logits(a, b.sigmoid())
               + F.mse_loss(a, b, reduction="sum"), [(2, 3), (2, 3)]),
    "trace": (lambda L, F, a: L.trace(a), [(3, 3)]),
    "gather_index_select": (lambda L, F, a: L.gather(a, 1, L.tensor([[0, 2], [1, 1], [2, 0]]))
                            + L.index_select(a, 1, L.tensor([2, 0])), [(3, 3)]),
    "compare_masked_fill": (lambda L, F, a, b: (a > b).to(L.float64) + a.masked_fill(b > 0, 1.0), [(3,), (3,)]),
    "argmax": (lambda L, F, a: a.argmax(-1).to(L.float64) + a.argmin(1, keepdim=True).to(L.float64), [(3, 4)]),
    "batched_index": (lambda L, F, a, i: a[i] + a[i[0]], [(4,), ("target", 2, 4)]),
    "layer_group_norm": (lambda L, F, a: F.layer_norm(a, (4,)) + F.group_norm(a.unsqueeze(0), 1)[0], [(3, 4)]),
    "embedding": (lambda L, F, i: F.embedding(i, L.arange(15.0, dtype=L.float64).reshape(5, 3)),
                  [("target", 2, 5)]),
    "roll_repeat_rot90": (lambda L, F, a: a.roll((1, -1), (0, 1)) + a.repeat(2, 1)[:3] + L.rot90(a, 1, (0, 1)),
                          [(3, 3)]),
    "cross_glu_unfold": (lambda L, F, a, b: L.linalg.cross(a, b) + F.glu(a, 0).sum() + a.unfold(1, 2, 1)[..., 0].sum(),
                         [(2, 3), (2, 3)]),
    "addmv_addr_baddbmm": (lambda L, F, c, a, b: L.addmv(c[0, :, 0], a[0], b[0, :, 0], beta=0.5).unsqueeze(-1)
                           + L.addr(c[0], a[0, :, 0], b[0, 0]) + L.baddbmm(c, a, b, alpha=2.0).sum(0),
                           [(2, 3, 2), (2, 3, 4), (2, 4, 2)]),
}


def make(shape, batch_dim, rng):
    """One argument: a float64 array of ``shape`` with the batch at ``batch_dim`` (None: unbatched), or
    class indices for a ("target", n, classes) shape."""
    if shape[0] == "target":
        full = (B, shape[1]) if batch_dim is not None else (shape[1],)
        t = rng.integers(0, shape[2], size=full)
        return t if batch_dim in (None, 0) else np.ascontiguousarray(np.moveaxis(t, 0, batch_dim))
    a = rng.standard_normal((B,) + shape if batch_dim is not None else shape)
    return a if batch_dim in (None, 0) else np.moveaxis(a, 0, batch_dim)  # a strided view, as torch keeps


def run_both(fn, arrays, in_dims, out_dims, **kw):
    mine = vmap(lambda *xs: fn(*lib_of(minitorch), *xs), in_dims=in_dims, out_dims=out_dims, **kw)(
        *[minitorch.from_numpy(a.copy() if a.ndim == 0 else a) for a in arrays])
    theirs = torch.func.vmap(lambda *xs: fn(*lib_of(torch), *xs), in_dims=in_dims, out_dims=out_dims, **kw)(
        *[torch.from_numpy(np.array(a)) for a in arrays])
    return mine, theirs


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_values_match_torch(name, data):
    fn, shapes = CASES[name]
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 16), "seed"))
    in_dims, batched_any = [], False
    for shape in shapes:
        ndim = 1 if shape[0] == "target" else len(shape)
        d = data.draw(st.one_of(st.none(), st.integers(-(ndim + 1), ndim)), "in_dim")
        in_dims.append(d)
        batched_any |= d is not None
    if not batched_any:
        in_dims[0] = 0
    arrays = [make(s, None if d is None else d % ((1 if s[0] == "target" else len(s)) + 1), rng)
              for s, d in zip(shapes, in_dims)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out_ndim = torch.func.vmap(lambda *xs: fn(*lib_of(torch), *xs), in_dims=tuple(in_dims))(
            *[torch.from_numpy(np.array(a)) for a in arrays]).ndim
        out_dim = data.draw(st.integers(-out_ndim, out_ndim - 1), "out_dim")
        mine, theirs = run_both(fn, arrays, tuple(in_dims), out_dim)
    assert tuple(mine.shape) == tuple(theirs.shape)
    assert mine.dtype.itemsize == theirs.dtype.itemsize
    assert_close(mine, theirs)


@pytest.mark.parametrize("name", ["mul_broadcast", "matmul_mat", "softmax", "index_basic", "conv2d",
                                  "cross_entropy", "var_std", "linear"])
def test_rules_do_not_fall_back(name):
    """These ops have batching rules: no per-sample loop, no warning."""
    fn, shapes = CASES[name]
    rng = np.random.default_rng(0)
    arrays = [make(s, 0, rng) for s in shapes]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        vmap(lambda *xs: fn(*lib_of(minitorch), *xs))(*[minitorch.from_numpy(a) for a in arrays])


def test_backward_through_vmap():
    """The graph is recorded on the batched values: gradients are those of the loop over samples."""
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((4, 3)), rng.standard_normal((3, 2))
    grads = []
    for L in (minitorch, torch):
        xs, ws = L.tensor(x, requires_grad=True), L.tensor(w, requires_grad=True)
        vm = vmap if L is minitorch else torch.func.vmap
        out = vm(lambda a: L.tanh(a @ ws).sum() * a.max(), in_dims=0)(xs)
        (out * L.arange(1.0, 5.0, dtype=L.float64)).sum().backward()
        grads.append((xs.grad.numpy().copy(), ws.grad.numpy().copy()))
    for mine, theirs in zip(*grads):
        assert_close(mine, theirs)


def test_nesting_and_trees():
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 3))

    def f(L, d):
        return {"s": (d["a"] * d["b"]).sum(), "p": d["a"] @ d["b"]}

    results = []
    for L, vm in ((minitorch, vmap), (torch, torch.func.vmap)):
        inner = vm(lambda d: f(L, d), in_dims=({"a": 0, "b": None},))
        outer = vm(inner, in_dims=({"a": 1, "b": 1},), out_dims={"s": 0, "p": 1})
        results.append(outer({"a": L.tensor(x), "b": L.tensor(y)}))
    for key in ("s", "p"):
        assert tuple(results[0][key].shape) == tuple(results[1][key].shape)
        assert_close(results[0][key], results[1][key])


def test_vmap_of_vmap_of_conv_and_matmul():
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 3, 1, 2, 4, 4)), rng.standard_normal((3, 2, 3, 3))
    out = []
    for L, F, vm in ((minitorch, MF, vmap), (torch, TF, torch.func.vmap)):
        g = vm(vm(lambda a: F.conv2d(a, L.tensor(w)).flatten() @ L.ones(12, dtype=L.float64)), in_dims=1)
        out.append(g(L.tensor(x)))
    assert_close(out[0], out[1])


@pytest.mark.parametrize("chunk_size", [1, 2, 5])
def test_chunk_size(chunk_size):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((5, 3))
    mine = vmap(lambda a: (a.sin(), a.sum()), chunk_size=chunk_size, out_dims=(1, 0))(minitorch.tensor(x))
    theirs = torch.func.vmap(lambda a: (a.sin(), a.sum()), chunk_size=chunk_size, out_dims=(1, 0))(torch.tensor(x))
    for m, t in zip(mine, theirs):
        assert_close(m, t)


def test_unbatched_and_none_outputs():
    x = np.arange(6.0).reshape(2, 3)
    for L, vm in ((minitorch, vmap), (torch, torch.func.vmap)):
        a, b = vm(lambda a: (L.ones(2, dtype=L.float64), L.zeros(1, dtype=L.float64)), out_dims=(0, None))(L.tensor(x))
        assert tuple(a.shape) == (2, 2) and tuple(b.shape) == (1,)


def test_fallback_loops_and_warns_with_torchs_text():
    """An op without a rule runs once per sample, with torch's warning naming the aten op."""
    x = np.random.default_rng(5).standard_normal((3, 2, 2))
    with pytest.warns(UserWarning) as record:
        mine = vmap(lambda a: minitorch.renorm(a, 2, 0, 1.0))(minitorch.tensor(x))
    texts = [str(w.message) for w in record]
    assert ("There is a performance drop because we have not yet implemented the batching rule for aten::renorm. "
            "Please file us an issue on GitHub so that we can prioritize its implementation.") in texts
    torch._C._functorch._set_vmap_fallback_warning_enabled(True)
    try:
        with pytest.warns(UserWarning) as theirs_record:
            theirs = torch.func.vmap(lambda a: torch.renorm(a, 2, 0, 1.0))(torch.tensor(x))
    finally:
        torch._C._functorch._set_vmap_fallback_warning_enabled(False)
    assert any(str(w.message).startswith(texts[0]) for w in theirs_record)
    assert_close(mine, theirs)


def test_randomness_modes():
    x = minitorch.zeros(4, 3, dtype=minitorch.float64)
    with pytest.raises(RuntimeError) as mine:
        vmap(lambda a: a + minitorch.rand(3))(x)
    with pytest.raises(RuntimeError) as theirs:
        torch.func.vmap(lambda a: a + torch.rand(3))(torch.zeros(4, 3))
    assert str(mine.value) == str(theirs.value)
    same = vmap(lambda a: MF.dropout(a + 1), randomness="same")(x)
    assert all(np.array_equal(same[0].numpy(), row.numpy()) for row in same)
    different = vmap(lambda a: a + minitorch.rand(3), randomness="different")(x)
    assert tuple(different.shape) == (4, 3)
    assert len({tuple(row.tolist()) for row in different}) == 4
    like = vmap(lambda a: minitorch.rand_like(a), randomness="different")(x)
    assert len({tuple(row.tolist()) for row in like}) == 4
    same_error(lambda L: (vmap if L is minitorch else torch.func.vmap)(L.sin, randomness="x")(L.ones(2)))


ERRORS = [
    ("sizes", lambda L, vm: vm(L.add)(L.ones(3), L.ones(4))),
    ("in_dim range", lambda L, vm: vm(L.sin, in_dims=2)(L.ones(2, 3))),
    ("in_dim negative", lambda L, vm: vm(L.sin, in_dims=-3)(L.ones(2, 3))),
    ("in_dims type", lambda L, vm: vm(L.sin, in_dims=1.0)(L.ones(2, 3))),
    ("in_dims None", lambda L, vm: vm(L.sin, in_dims=None)(L.ones(2, 3))),
    ("in_dims structure", lambda L, vm: vm(L.add, in_dims=(0,))(L.ones(2), L.ones(2))),
    ("in_dims dict", lambda L, vm: vm(lambda d: d["a"], in_dims=({"b": 0},))({"a": L.ones(2)})),
    ("in_dim float", lambda L, vm: vm(lambda a: a, in_dims=(0.5,))(L.ones(2))),
    ("all None", lambda L, vm: vm(L.sin, in_dims=(None,))(L.ones(2))),
    ("non-tensor input", lambda L, vm: vm(lambda a, b: a * b, in_dims=(0, 0))(L.ones(2), 2.0)),
    ("0-d input", lambda L, vm: vm(L.sin)(L.tensor(1.0))),
    ("no inputs", lambda L, vm: vm(lambda: L.ones(1))()),
    ("non-tensor output", lambda L, vm: vm(lambda a: (a, 1))(L.ones(2))),
    ("batched output, out_dim None", lambda L, vm: vm(lambda a: a, out_dims=None)(L.ones(2))),
    ("out_dims type", lambda L, vm: vm(L.sin, out_dims="a")(L.ones(2))),
    ("out_dims structure", lambda L, vm: vm(lambda a: (a, a), out_dims=(0, 1, 2))(L.ones(2))),
    ("out_dim range", lambda L, vm: vm(L.sin, out_dims=3)(L.ones(2, 3))),
    ("chunk_size", lambda L, vm: vm(L.sin, chunk_size=0)(L.ones(2))),
    ("item", lambda L, vm: vm(lambda a: a.sum().item())(L.ones(2, 3))),
    ("control flow", lambda L, vm: vm(lambda a: a if a.sum() > 0 else -a)(L.ones(2, 3))),
    ("rand_like", lambda L, vm: vm(L.rand_like)(L.ones(2, 3))),
    ("dropout", lambda L, vm: vm(lambda a: (MF if L is minitorch else TF).dropout(a))(L.ones(2, 3))),
    ("in-place into unbatched", lambda L, vm: vm(lambda a, b: a.add_(b), in_dims=(None, 0))(L.ones(4), L.ones(3, 4))),
]


@pytest.mark.parametrize("name", [e[0] for e in ERRORS])
def test_errors_match_torch(name):
    fn = dict(ERRORS)[name]
    same_error(lambda L: fn(L, vmap if L is minitorch else torch.func.vmap))


def test_inplace_on_batched():
    x = np.arange(6.0).reshape(2, 3)
    out = []
    for L, vm in ((minitorch, vmap), (torch, torch.func.vmap)):
        out.append(vm(lambda a, b: a.clone().mul_(b).add_(1), in_dims=(0, None))(L.tensor(x), L.tensor([1.0, 2, 3],
                                                                                                       dtype=L.float64)))
    assert_close(out[0], out[1])


def test_rule_table_names_ops():
    """The rules are keyed by op class (what the report lists)."""
    vmap(minitorch.sin)(minitorch.ones(2))
    names = {cls.__name__ for cls in RULES}
    assert {"SumDim", "Softmax", "Mm", "Convolution", "Index", "Where", "Permute"} <= names


def test_autograd_inside_vmap_fails_as_in_torch():
    """A batched tensor is not part of a graph (torch's functorch says so too): per-sample gradients are
    func.grad's, composed with vmap."""
    x = np.arange(6.0).reshape(2, 3)
    same_error(lambda L: (vmap if L is minitorch else torch.func.vmap)(
        lambda a: L.autograd.grad((a ** 2).sum(), a)[0])(L.tensor(x, requires_grad=True)))
    same_error(lambda L: (vmap if L is minitorch else torch.func.vmap)(
        lambda a: a.detach().requires_grad_())(L.tensor(x)))
    seen = []
    vmap(lambda a: seen.append((a.requires_grad, a.grad_fn)) or a)(minitorch.tensor(x, requires_grad=True))
    assert seen == [(False, None)]


def test_profiler_sees_the_batched_ops():
    """Under the profiler (an observer like vmap), the ops vmap runs on the batch are profiled, and the
    profiler's observer is back in place afterwards."""
    from minitorch.autograd import function
    x = minitorch.ones(4, 3, dtype=minitorch.float64)
    with minitorch.autograd.profiler.profile() as prof:
        vmap(lambda a: a.sin() * 2)(x)
        assert function.observer is not None
    names = {e.key for e in prof.key_averages()}
    assert {"aten::sin", "aten::mul"} <= names
    assert function.observer is None
