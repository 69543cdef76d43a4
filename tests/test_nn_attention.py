"""Attention and its layers, against torch: F.scaled_dot_product_attention, F.multi_head_attention_forward,
nn.MultiheadAttention, F.embedding_bag and nn.EmbeddingBag, and the Transformer layers.

Values and input gradients in float64 (rtol 1e-10, harness.check) and float32 (1e-5), node names, the recorded
graph where minitorch composes torch's math path from the same operations, second order where torch has it
(and the same refusal where it has not), torch's errors word for word, reprs, parameter names and state_dict
keys; the modules with torch's weights copied in and dropout 0, so that outputs and every gradient can be
compared. Dropout itself is random (each engine has its own generator): checked at p = 1, where it is not.
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import assert_close, check, check_second_order, graph, same_error, same_graphs
from reference.interop import copy_weights

LIBS = (minitorch, torch)
SETTINGS = dict(max_examples=25, derandomize=True, database=None, deadline=None)


def sdpa(lib, *args, **kwargs):
    return lib.nn.functional.scaled_dot_product_attention(*args, **kwargs)


# -- scaled_dot_product_attention --------------------------------------------------------------------------------
@st.composite
def attention_problem(draw):
    """Arrays q (..., L, E), k (..., S, E), v (..., S, Ev), and keyword arguments: a mask (none, bool, float,
    is_causal), a scale, grouped heads, 2-, 3- or 4-d inputs, transposed layouts."""
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    L, S, E = draw(st.integers(1, 5)), draw(st.integers(1, 5)), draw(st.integers(1, 4))
    Ev = draw(st.sampled_from([E, E, draw(st.integers(1, 4))]))  # E == Ev: the fused path (mostly)
    ndim = draw(st.sampled_from([2, 3, 4, 4]))
    heads = draw(st.integers(1, 3))
    gqa = ndim >= 3 and draw(st.booleans())
    kv_heads = heads
    if gqa:
        heads *= draw(st.integers(1, 3))
    lead = {2: (), 3: (heads,), 4: (2, heads)}[ndim]
    kv_lead = {2: (), 3: (kv_heads,), 4: (2, kv_heads)}[ndim]
    q = rng.standard_normal(lead + (L, E))
    k = rng.standard_normal(kv_lead + (S, E))
    v = rng.standard_normal(kv_lead + (S, Ev))
    if draw(st.booleans()):  # a transposed layout (still unit stride in the last dim: q's (E, L) storage is not)
        v = np.swapaxes(np.ascontiguousarray(np.swapaxes(v, 0, -2)), 0, -2)
    kwargs = dict(enable_gqa=gqa)
    mask = draw(st.sampled_from(["none", "bool", "float", "causal"]))
    if mask == "bool":
        m = rng.random((L, S)) > 0.3
        m[0] = False  # a fully masked row: weights 0, not NaN (torch's _safe_softmax)
        kwargs["attn_mask"] = m
    elif mask == "float":
        kwargs["attn_mask"] = rng.standard_normal(draw(st.sampled_from([(L, S), (1, S), lead[:1] + (1, L, S)[-2:]])))
    elif mask == "causal":
        kwargs["is_causal"] = True
    if draw(st.booleans()):
        kwargs["scale"] = draw(st.sampled_from([0.3, 1.7, -0.5]))
    return q, k, v, kwargs


def _call(lib, q, k, v, kwargs):
    kwargs = dict(kwargs)
    if "attn_mask" in kwargs:
        kwargs["attn_mask"] = lib.from_numpy(kwargs["attn_mask"].copy())
    return sdpa(lib, q, k, v, **kwargs)


@settings(**SETTINGS)
@given(attention_problem())
def test_sdpa_values_gradients_and_node_names(problem):
    q, k, v, kwargs = problem
    check(lambda lib, q, k, v: _call(lib, q, k, v, kwargs), q, k, v)


@settings(**dict(SETTINGS, max_examples=10))
@given(attention_problem())
def test_sdpa_float32(problem):
    q, k, v, kwargs = problem
    kwargs = {n: (a.astype(np.float32) if isinstance(a, np.ndarray) and a.dtype == np.float64 else a)
              for n, a in kwargs.items()}
    check(lambda lib, q, k, v: _call(lib, q, k, v, kwargs), *(a.astype(np.float32) for a in (q, k, v)))


def test_sdpa_paths_as_torch():
    """torch's CPU dispatch, case by case: its fused node, or the math path (whose whole graph minitorch
    records as torch does)."""
    rng = np.random.default_rng(0)
    r = rng.standard_normal
    cases = {  # (q, k, v shapes, kwargs): whether torch fuses
        "4-d": ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5), {}),
        "3-d": ((3, 4, 5), (3, 6, 5), (3, 6, 5), {}),
        "Ev != E": ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 2), {}),
        "2-d": ((4, 5), (6, 5), (6, 5), {}),
        "5-d": ((2, 2, 3, 4, 5), (2, 2, 3, 6, 5), (2, 2, 3, 6, 5), {}),
        "broadcast batch": ((2, 3, 4, 5), (1, 3, 6, 5), (1, 3, 6, 5), {}),
        "grouped heads": ((2, 4, 4, 5), (2, 2, 6, 5), (2, 2, 6, 5), dict(enable_gqa=True)),
        "grouped heads, math": ((2, 4, 4, 5), (2, 2, 6, 5), (2, 2, 6, 3), dict(enable_gqa=True)),
        "causal": ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5), dict(is_causal=True)),
        "causal, math": ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 2), dict(is_causal=True)),
    }
    for name, (qs, ks, vs, kwargs) in cases.items():
        mine, theirs = check(lambda lib, q, k, v: sdpa(lib, q, k, v, **kwargs), r(qs), r(ks), r(vs))
        same_graphs(mine, theirs)
    # a mask that needs a gradient: the math path (the fused kernel gives masks none)
    mask = r((4, 6))
    mine, theirs = check(lambda lib, q, k, v, m: sdpa(lib, q, k, v, attn_mask=m), r((1, 2, 4, 3)), r((1, 2, 6, 3)),
                         r((1, 2, 6, 3)), mask)
    same_graphs(mine, theirs)
    # the last dim not of unit stride: the math path too
    q, k, v = np.swapaxes(r((1, 2, 3, 4)), -1, -2), r((1, 2, 5, 3)), r((1, 2, 5, 3))
    mine, theirs = (sdpa(lib, lib.from_numpy(q).requires_grad_(), lib.from_numpy(k), lib.from_numpy(v))
                    for lib in LIBS)
    assert_close(mine, theirs)
    assert graph(mine, 0) == graph(theirs, 0) == ("UnsafeViewBackward0", "...")


def test_sdpa_second_order_math_path():
    rng = np.random.default_rng(1)
    mask = rng.random((3, 4)) > 0.4
    check_second_order(lambda lib, q, k, v: sdpa(lib, q, k, v, attn_mask=lib.from_numpy(mask)),
                       rng.standard_normal((2, 2, 3, 3)), rng.standard_normal((2, 2, 4, 3)),
                       rng.standard_normal((2, 2, 4, 2)))
    check_second_order(lambda lib, q, k, v: sdpa(lib, q, k, v, is_causal=True, scale=-0.7),
                       rng.standard_normal((3, 3)), rng.standard_normal((4, 3)), rng.standard_normal((4, 1)))


def test_sdpa_fused_path_has_no_second_order():
    """torch cannot differentiate its fused kernel's gradients; neither can minitorch (same error, and the
    gradients' node is NotImplemented, as torch's)."""
    outcomes = []
    for lib in LIBS:
        q, k, v = (lib.tensor(np.random.default_rng(i).standard_normal((1, 2, 3, 4)), requires_grad=True)
                   for i in range(3))
        grads = lib.autograd.grad(sdpa(lib, q, k, v).sum(), (q, k, v), create_graph=True)
        names = [g.grad_fn.name() for g in grads]
        try:
            lib.autograd.grad(grads[0].sum(), q)
            outcomes.append((names, None))
        except RuntimeError as e:
            outcomes.append((names, str(e)))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][1] is not None


def test_sdpa_fully_masked_rows_and_empty_inputs():
    rng = np.random.default_rng(2)
    mask = np.ones((3, 4), bool)
    mask[1] = False
    for v_dim in (5, 2):  # fused and math paths: a row with no key gives zeros
        check(lambda lib, q, k, v: sdpa(lib, q, k, v, attn_mask=lib.from_numpy(mask)),
              rng.standard_normal((1, 1, 3, 5)), rng.standard_normal((1, 1, 4, 5)),
              rng.standard_normal((1, 1, 4, v_dim)))
    # no keys, no queries or no features: torch's zeros tied to the inputs (a sum times 0), or the math path
    for qs, ks, vs in (((1, 1, 2, 3), (1, 1, 0, 3), (1, 1, 0, 3)), ((1, 1, 0, 3), (1, 1, 2, 3), (1, 1, 2, 3)),
                       ((1, 1, 2, 0), (1, 1, 2, 0), (1, 1, 2, 0)), ((2, 0, 3), (2, 0, 3), (2, 0, 3)),
                       ((1, 1, 2, 0), (1, 1, 2, 0), (1, 1, 2, 4)), ((2, 0), (2, 0), (2, 3))):
        mine, theirs = check(sdpa, rng.standard_normal(qs), rng.standard_normal(ks), rng.standard_normal(vs))
        same_graphs(mine, theirs)


def test_sdpa_dropout():
    """p = 1 drops every weight (zeros, and the math path's nodes); 0 < p < 1 keeps the shape and the mean."""
    rng = np.random.default_rng(3)
    q, k, v = rng.standard_normal((2, 2, 3, 4)), rng.standard_normal((2, 2, 5, 4)), rng.standard_normal((2, 2, 5, 4))
    mine, theirs = check(lambda lib, q, k, v: sdpa(lib, q, k, v, dropout_p=1.0), q, k, v)
    same_graphs(mine, theirs)
    minitorch.manual_seed(0)
    ones = minitorch.ones(1, 1, 200, 1, dtype=minitorch.float64)
    out = sdpa(minitorch, ones, ones, minitorch.ones(1, 1, 200, 1, dtype=minitorch.float64), dropout_p=0.5)
    values = out.numpy().ravel()  # each row: the mean of 200 weights of 1/200, each kept (x2) or dropped
    assert abs(values.mean() - 1) < 0.1 and values.std() > 0.01


@pytest.mark.parametrize("name, shapes, kwargs", [
    ("1-d", ((4,), (4,), (4,)), {}),
    ("dtypes", ((1, 2, 3), (1, 2, 3), (1, 2, 3)), dict(k_dtype=np.float32)),
    ("integer mask", ((1, 2, 3), (1, 2, 3), (1, 2, 3)), dict(mask=np.zeros((2, 2), np.int64))),
    ("float64 mask, float32 query", ((1, 2, 3), (1, 2, 3), (1, 2, 3)), dict(mask=np.zeros((2, 2)), dtype=np.float32)),
    ("mask and is_causal", ((1, 2, 3), (1, 2, 3), (1, 2, 3)), dict(mask=np.ones((2, 2), bool), is_causal=True)),
    ("mask shape", ((1, 1, 2, 3), (1, 1, 4, 3), (1, 1, 4, 3)), dict(mask=np.zeros((2, 3)))),
    ("E differs", ((1, 1, 2, 3), (1, 1, 4, 2), (1, 1, 4, 3)), {}),
    ("heads without gqa", ((1, 4, 2, 3), (1, 2, 4, 3), (1, 2, 4, 3)), {}),
    ("heads do not divide", ((1, 3, 2, 3), (1, 2, 4, 3), (1, 2, 4, 3)), dict(enable_gqa=True)),
    ("integers", ((1, 2, 2), (1, 2, 2), (1, 2, 2)), dict(dtype=np.int64)),
])
def test_sdpa_errors(name, shapes, kwargs):
    kwargs = dict(kwargs)
    dtype = kwargs.pop("dtype", np.float64)
    arrays = [np.ones(s, dtype) for s in shapes]
    if "k_dtype" in kwargs:
        arrays[1] = arrays[1].astype(kwargs.pop("k_dtype"))
    mask = kwargs.pop("mask", None)
    same_error(lambda lib, q, k, v: sdpa(lib, q, k, v, attn_mask=None if mask is None else lib.from_numpy(mask),
                                         **kwargs), *arrays)


# -- multi_head_attention_forward and nn.MultiheadAttention ------------------------------------------------------
def _mha_arrays(rng, E, kdim, vdim, bias, bias_kv):
    separate = kdim != E or vdim != E
    r = rng.standard_normal
    return dict(in_proj_weight=None if separate else r((3 * E, E)), in_proj_bias=r(3 * E) if bias else None,
                bias_k=r((1, 1, E)) if bias_kv else None, bias_v=r((1, 1, E)) if bias_kv else None,
                out_proj_weight=r((E, E)), out_proj_bias=r(E) if bias else None,
                q_proj_weight=r((E, E)) if separate else None, k_proj_weight=r((E, kdim)) if separate else None,
                v_proj_weight=r((E, vdim)) if separate else None)


@settings(**dict(SETTINGS, max_examples=12))
@given(st.data())
def test_multi_head_attention_forward(data):
    draw = data.draw
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    heads, head_dim = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    E, L, S, N = heads * head_dim, draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 3))
    kdim, vdim = draw(st.sampled_from([(E, E), (E, E), (2, 3)]))
    batched, self_attention = draw(st.booleans()), draw(st.booleans()) and (kdim, vdim) == (E, E)
    bias, bias_kv, zero_attn = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())
    need_weights, average = draw(st.booleans()), draw(st.booleans())
    seq = (lambda n, d: (n, N, d)) if batched else (lambda n, d: (n, d))
    query = rng.standard_normal(seq(L, E))
    key = query if self_attention else rng.standard_normal(seq(S, kdim))
    value = key if self_attention else rng.standard_normal(seq(S if not self_attention else L, vdim))
    S = key.shape[0]
    weights = _mha_arrays(rng, E, kdim, vdim, bias, bias_kv)
    masks = {}
    kind = draw(st.sampled_from(["none", "attn bool", "attn float", "attn 3-d", "padding", "both", "causal"]))
    if kind in ("attn bool", "both", "causal"):
        masks["attn_mask"] = np.triu(np.ones((L, S), bool), 1) if kind == "causal" else rng.random((L, S)) > 0.7
    elif kind == "attn float":
        masks["attn_mask"] = rng.standard_normal((L, S))
    elif kind == "attn 3-d":
        masks["attn_mask"] = rng.standard_normal((N * heads if batched else heads, L, S))
    if kind in ("padding", "both"):
        padding = rng.random((N, S) if batched else (S,)) > 0.7
        padding[..., 0] = False  # (a sequence with every key padded gives NaN in torch's weights)
        masks["key_padding_mask"] = padding
    names = [n for n, a in weights.items() if a is not None]

    def fn(lib, query, *params):
        key_, value_ = (query, query) if self_attention else (lib.from_numpy(key), lib.from_numpy(value))
        given_ = dict(zip(names, params))
        kwargs = {n: given_.get(n) for n in weights}
        out, w = lib.nn.functional.multi_head_attention_forward(
            query, key_, value_, E, heads, kwargs["in_proj_weight"], kwargs["in_proj_bias"], kwargs["bias_k"],
            kwargs["bias_v"], zero_attn, 0.0, kwargs["out_proj_weight"], kwargs["out_proj_bias"], training=True,
            need_weights=need_weights, use_separate_proj_weight=kdim != E or vdim != E,
            q_proj_weight=kwargs["q_proj_weight"], k_proj_weight=kwargs["k_proj_weight"],
            v_proj_weight=kwargs["v_proj_weight"], average_attn_weights=average, is_causal=kind == "causal",
            **{n: lib.from_numpy(m.copy()) for n, m in masks.items()})
        return (out,) if w is None else (out, w)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (mixed bool and float masks: both engines warn)
        check(fn, query, *[weights[n] for n in names])


def test_multi_head_attention_forward_second_order():
    """With need_weights the weights are formed in ordinary operations (baddbmm, softmax, bmm): torch
    differentiates them twice, and so does minitorch."""
    rng = np.random.default_rng(13)
    mask = np.where(rng.random((3, 4)) > 0.7, -np.inf, 0.0)
    mask[:, 0] = 0.0

    def fn(lib, query, key, in_w, in_b, out_w):
        return lib.nn.functional.multi_head_attention_forward(
            query, key, key, 4, 2, in_w, in_b, None, None, False, 0.0, out_w, None, attn_mask=lib.from_numpy(mask),
            need_weights=True)[0]
    check_second_order(fn, rng.standard_normal((3, 2, 4)), rng.standard_normal((4, 2, 4)),
                       rng.standard_normal((12, 4)), rng.standard_normal(12), rng.standard_normal((4, 4)))


def _twins(cls, *args, **kwargs):
    """{lib: module} of nn.<cls> in both engines, torch's weights copied into minitorch's, in float64."""
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (TransformerEncoder's enable_nested_tensor note: both warn, checked below)
        theirs = getattr(torch.nn, cls)(*args, **kwargs).double()
        mine = getattr(minitorch.nn, cls)(*args, **kwargs).double()
    return {minitorch: copy_weights(theirs, mine), torch: theirs}


def _compare_modules(modules, inputs, call=None, train=True, tol=np.float64):
    """Run both modules on the same inputs: outputs, every parameter's gradient and the inputs' gradients."""
    results = {}
    for lib, m in modules.items():
        m.train(train)
        xs = [lib.tensor(a, requires_grad=True) if a.dtype.kind == "f" else lib.from_numpy(a.copy())
              for a in inputs]
        outs = (call or (lambda m, *xs: m(*xs)))(m, *xs)
        outs = [o for o in (outs if isinstance(outs, tuple) else (outs,)) if o is not None]
        rng = np.random.default_rng(1)
        sum((o * lib.tensor(rng.standard_normal(tuple(o.shape)))).sum() for o in outs).backward()
        results[lib] = (outs, [p.grad for p in m.parameters()], [x.grad for x in xs if x.requires_grad])
    for mine, theirs in zip(results[minitorch], results[torch]):
        assert len(mine) == len(theirs)
        for i, (a, b) in enumerate(zip(mine, theirs)):
            assert (a is None) == (b is None), i
            if b is not None:
                assert tuple(a.shape) == tuple(b.shape)
                assert_close(a, b, tol, f"tensor {i}", scale=10)
    return results


@pytest.mark.parametrize("kwargs", [dict(), dict(bias=False), dict(add_bias_kv=True, add_zero_attn=True),
                                    dict(kdim=3, vdim=5), dict(batch_first=True)],
                         ids=["plain", "no bias", "bias_kv, zero attention", "kdim, vdim", "batch_first"])
def test_multihead_attention_module(kwargs):
    modules = _twins("MultiheadAttention", 6, 2, **kwargs)
    rng = np.random.default_rng(4)
    shape = (lambda n, d: (2, n, d)) if kwargs.get("batch_first") else (lambda n, d: (n, 2, d))
    q, k, v = rng.standard_normal(shape(3, 6)), rng.standard_normal(shape(4, kwargs.get("kdim", 6))), \
        rng.standard_normal(shape(4, kwargs.get("vdim", 6)))
    padding = np.zeros((2, 4), bool)
    padding[1, -1] = True
    _compare_modules(modules, [q, k, v, padding], lambda m, q, k, v, p: m(q, k, v, key_padding_mask=p))
    _compare_modules(modules, [q, k, v], lambda m, q, k, v: m(q, k, v, need_weights=False,
                                                               average_attn_weights=False))
    if "kdim" not in kwargs:  # self-attention: one tensor as query, key and value
        _compare_modules(modules, [q], lambda m, q: m(q, q, q, average_attn_weights=False))


def test_multihead_attention_merge_masks():
    rng = np.random.default_rng(12)
    attn, padding = np.where(rng.random((3, 3)) > 0.5, -np.inf, 0.0), np.where(rng.random((2, 3)) > 0.5, -np.inf, 0.0)
    attn3 = rng.standard_normal((4, 3, 3))
    for masks in ((None, None), (None, padding), (attn, None), (attn, padding), (attn3, padding)):
        merged = []
        for lib in LIBS:
            m = lib.nn.MultiheadAttention(4, 2)
            merged.append(m.merge_masks(*(None if a is None else lib.tensor(a) for a in masks),
                                        lib.zeros(2, 3, 4)))
        assert merged[0][1] == merged[1][1]
        if merged[1][0] is not None:
            assert_close(merged[0][0], merged[1][0])


def test_multihead_attention_parameters_repr_and_init():
    for kwargs in (dict(), dict(kdim=3, vdim=5, add_bias_kv=True), dict(bias=False)):
        mods = {lib: lib.nn.MultiheadAttention(8, 2, **kwargs) for lib in LIBS}
        assert repr(mods[minitorch]) == repr(mods[torch])
        assert list(mods[minitorch].state_dict()) == list(mods[torch].state_dict())
        assert [n for n, _ in mods[minitorch].named_parameters()] == [n for n, _ in mods[torch].named_parameters()]
    m = minitorch.nn.MultiheadAttention(64, 4)
    bound = (6 / (64 + 3 * 64)) ** 0.5  # xavier_uniform_ of (3E, E)
    w = m.in_proj_weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert not m.in_proj_bias.detach().numpy().any() and not m.out_proj.bias.detach().numpy().any()
    assert type(m.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    for lib in LIBS:
        with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
            lib.nn.MultiheadAttention(6, 4)
    same_error(lambda lib: lib.nn.MultiheadAttention(0, 2))


@pytest.mark.parametrize("name, call", [
    ("is_causal without mask", lambda lib, m, x: m(x, x, x, is_causal=True)),
    ("2-d mask shape", lambda lib, m, x: m(x, x, x, attn_mask=lib.zeros(2, 2, dtype=lib.bool))),
    ("3-d mask shape", lambda lib, m, x: m(x, x, x, attn_mask=lib.zeros(3, 3, 3))),
    ("4-d mask", lambda lib, m, x: m(x, x, x, attn_mask=lib.zeros(1, 1, 3, 3))),
    ("integer mask", lambda lib, m, x: m(x, x, x, attn_mask=lib.zeros(3, 3, dtype=lib.int64))),
    ("padding mask dims", lambda lib, m, x: m(x, x, x, key_padding_mask=lib.zeros(2, dtype=lib.bool))),
    ("1-d query", lambda lib, m, x: m(x[0, 0], x[0, 0], x[0, 0])),
    ("embedding size", lambda lib, m, x: m(x[..., :2], x[..., :2], x[..., :2])),
])
def test_multihead_attention_errors(name, call):
    modules = _twins("MultiheadAttention", 4, 2)
    x = np.ones((3, 2, 4))
    same_error(lambda lib: call(lib, modules[lib], lib.from_numpy(x.copy())))


# -- embedding_bag, nn.EmbeddingBag --------------------------------------------------------------------------------
@st.composite
def bag_problem(draw):
    """weight (num, D), indices (1-D with offsets, or 2-D), and embedding_bag's keyword arguments."""
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    num, dim = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    mode = draw(st.sampled_from(["sum", "mean", "max"]))
    kwargs = dict(mode=mode)
    if draw(st.booleans()):
        n = draw(st.integers(0, 10))
        indices = rng.integers(0, num, n)
        nbags = draw(st.integers(1, 4))
        offsets = np.sort(rng.integers(0, n + 1, nbags))
        offsets[0] = 0  # (empty bags: repeated offsets)
        if draw(st.booleans()):
            kwargs["include_last_offset"] = True
            offsets = np.append(offsets, n)
        kwargs["offsets"] = offsets
    else:
        indices = rng.integers(0, num, (draw(st.integers(0, 3)), draw(st.integers(1, 4))))
    if draw(st.booleans()):
        kwargs["padding_idx"] = draw(st.integers(-num, num - 1))
    if mode != "max" and draw(st.booleans()):
        kwargs["scale_grad_by_freq"] = True
    per_sample = rng.standard_normal(indices.shape) if mode == "sum" and draw(st.booleans()) else None
    return rng.standard_normal((num, dim)), indices, per_sample, kwargs


def _bag(lib, weight, indices, per_sample, kwargs):
    kwargs = {n: lib.from_numpy(v.copy()) if isinstance(v, np.ndarray) else v for n, v in kwargs.items()}
    return lib.nn.functional.embedding_bag(lib.from_numpy(indices.copy()), weight,
                                           per_sample_weights=per_sample, **kwargs)


@settings(**dict(SETTINGS, max_examples=40))
@given(bag_problem())
def test_embedding_bag(problem):
    weight, indices, per_sample, kwargs = problem
    if per_sample is None:
        mine, theirs = check(lambda lib, w: _bag(lib, w, indices, None, kwargs), weight)
    else:
        mine, theirs = check(lambda lib, w, p: _bag(lib, w, indices, p, kwargs), weight, per_sample)
    same_graphs(mine, theirs)  # EmbeddingBagBackward0, edges to weight and per_sample_weights ((None, 0) if absent)


def test_embedding_bag_float32_and_int32():
    rng = np.random.default_rng(5)
    indices, offsets = np.array([1, 2, 4, 5, 4, 3, 2, 9], np.int32), np.array([0, 3, 3, 6], np.int32)
    for mode in ("sum", "mean", "max"):
        check(lambda lib, w: lib.nn.functional.embedding_bag(lib.from_numpy(indices), w, lib.from_numpy(offsets),
                                                             mode=mode), rng.standard_normal((10, 3)).astype(np.float32))


def test_embedding_bag_second_order_as_torch():
    """torch cannot differentiate embedding_bag's gradients (the weight's node EmbeddingBagBackwardBackward0
    raises NotImplementedError, the per-sample weights' node is NotImplemented); minitorch refuses the same way."""
    def gradients(lib):
        w = lib.tensor(np.random.default_rng(0).standard_normal((10, 3)), requires_grad=True)
        p = lib.tensor(np.random.default_rng(1).standard_normal(8), requires_grad=True)
        y = lib.nn.functional.embedding_bag(lib.tensor([1, 2, 4, 5, 4, 3, 2, 9]), w, lib.tensor([0, 4]), mode="sum",
                                            per_sample_weights=p)
        return (w, p), lib.autograd.grad((y * y).sum(), (w, p), create_graph=True)
    names = {lib: [g.grad_fn.name() for g in gradients(lib)[1]] for lib in LIBS}
    assert names[minitorch] == names[torch] == ["EmbeddingBagBackwardBackward0", "torch::autograd::NotImplemented"]
    for wrt in (0, 1):
        def second(lib):
            leaves, grads = gradients(lib)
            return lib.autograd.grad(grads[wrt].sum(), leaves)
        same_error(second)


@pytest.mark.parametrize("name, call", [
    ("offsets[0]", lambda F, lib, w: F.embedding_bag(lib.tensor([1, 2]), w, lib.tensor([1]))),
    ("offsets past the end", lambda F, lib, w: F.embedding_bag(lib.tensor([1, 2]), w, lib.tensor([0, 3]))),
    ("index too large", lambda F, lib, w: F.embedding_bag(lib.tensor([1, 10]), w, lib.tensor([0]))),
    ("negative index", lambda F, lib, w: F.embedding_bag(lib.tensor([-1]), w, lib.tensor([0]))),
    ("padding_idx", lambda F, lib, w: F.embedding_bag(lib.tensor([1]), w, lib.tensor([0]), padding_idx=10)),
    ("float indices", lambda F, lib, w: F.embedding_bag(lib.tensor([1.0]), w, lib.tensor([0]))),
    ("per_sample_weights, mean", lambda F, lib, w: F.embedding_bag(
        lib.tensor([1]), w, lib.tensor([0]), per_sample_weights=lib.ones(1, dtype=lib.float64))),
    ("per_sample_weights shape", lambda F, lib, w: F.embedding_bag(
        lib.tensor([1]), w, lib.tensor([0]), mode="sum", per_sample_weights=lib.ones(2, dtype=lib.float64))),
    ("2-d with offsets", lambda F, lib, w: F.embedding_bag(lib.tensor([[1]]), w, lib.tensor([0]))),
    ("3-d", lambda F, lib, w: F.embedding_bag(lib.tensor([[[1]]]), w)),
    ("1-d without offsets", lambda F, lib, w: F.embedding_bag(lib.tensor([1]), w)),
    ("2-d offsets", lambda F, lib, w: F.embedding_bag(lib.tensor([1]), w, lib.tensor([[0]]))),
    ("mode", lambda F, lib, w: F.embedding_bag(lib.tensor([1]), w, lib.tensor([0]), mode="min")),
    ("max with scale_grad_by_freq", lambda F, lib, w: F.embedding_bag(
        lib.tensor([1]), w, lib.tensor([0]), mode="max", scale_grad_by_freq=True)),
    ("1-d weight", lambda F, lib, w: F.embedding_bag(lib.tensor([1]), w[0], lib.tensor([0]))),
    ("float offsets", lambda F, lib, w: F.embedding_bag(lib.tensor([1]), w, lib.tensor([0.0]))),
    ("integer weight", lambda F, lib, w: F.embedding_bag(lib.tensor([1]), w.long(), lib.tensor([0]))),
    ("per_sample_weights dtype", lambda F, lib, w: F.embedding_bag(
        lib.tensor([1]), w, lib.tensor([0]), mode="sum", per_sample_weights=lib.ones(1))),
    ("2-d with no columns", lambda F, lib, w: F.embedding_bag(lib.zeros(2, 0, dtype=lib.int64), w)),
])
def test_embedding_bag_errors(name, call):
    same_error(lambda lib: call(lib.nn.functional, lib, lib.ones(10, 3, dtype=lib.float64)))


def test_embedding_bag_max_norm_renormalises_in_place():
    results = []
    for lib in LIBS:
        w = lib.tensor(np.random.default_rng(6).standard_normal((10, 3)) * 2)
        y = lib.nn.functional.embedding_bag(lib.tensor([1, 2, 4, 5, 4, 3]), w, lib.tensor([0, 2]), max_norm=1.0)
        results.append((y.numpy(), w.numpy()))
    assert_close(results[0][0], results[1][0])
    assert_close(results[0][1], results[1][1])


def test_embedding_bag_module():
    for kwargs in (dict(), dict(mode="sum", padding_idx=-1, max_norm=1.0), dict(mode="max", norm_type=1.0,
                                                                                 include_last_offset=True)):
        mods = {lib: lib.nn.EmbeddingBag(10, 3, **kwargs) for lib in LIBS}
        assert repr(mods[minitorch]) == repr(mods[torch])
        assert list(mods[minitorch].state_dict()) == ["weight"]
    m = minitorch.nn.EmbeddingBag(10, 3, padding_idx=4)
    assert not m.weight[4].detach().numpy().any() and m.weight.detach().numpy().std() > 0.3  # N(0, 1), row 4 zero
    modules = _twins("EmbeddingBag", 10, 3, mode="sum")
    indices, offsets = np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array([0, 4, 4])
    _compare_modules(modules, [indices, offsets, np.linspace(0.5, 2, 8)])
    table = np.random.default_rng(7).standard_normal((5, 2))
    for freeze in (True, False):
        bags = {lib: lib.nn.EmbeddingBag.from_pretrained(lib.tensor(table), freeze=freeze, mode="max")
                for lib in LIBS}
        assert repr(bags[minitorch]) == repr(bags[torch])
        assert bags[minitorch].weight.requires_grad is (not freeze)
        assert_close(bags[minitorch](minitorch.tensor([[0, 3], [4, 4]])), bags[torch](torch.tensor([[0, 3], [4, 4]])))
    same_error(lambda lib: lib.nn.EmbeddingBag.from_pretrained(lib.ones(3)))
    same_error(lambda lib: lib.nn.EmbeddingBag(3, 2, padding_idx=3))


# -- the Transformer layers ----------------------------------------------------------------------------------------
def test_transformer_encoder_equals_torch_with_copied_weights():
    """The task's check: a 2-layer TransformerEncoder (with a final LayerNorm) in float64, torch's weights
    copied, dropout 0: the output and the gradients of the input and of every parameter equal torch's."""
    layer = dict(d_model=8, nhead=2, dim_feedforward=16, dropout=0.0)
    modules = {}
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for lib in LIBS:
            modules[lib] = lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(**layer), 2,
                                                     norm=lib.nn.LayerNorm(8)).double()
    copy_weights(modules[torch], modules[minitorch])
    src = np.random.default_rng(8).standard_normal((5, 3, 8))
    padding = np.zeros((3, 5), bool)
    padding[0, -2:] = True
    _compare_modules(modules, [src])
    _compare_modules(modules, [src, padding], lambda m, x, p: m(x, src_key_padding_mask=p))
    mask = np.triu(np.full((5, 5), -np.inf), 1)
    _compare_modules(modules, [src, mask], lambda m, x, mask: m(x, mask=mask))
    _compare_modules(modules, [src, mask], lambda m, x, mask: m(x, mask=mask, is_causal=True))


@pytest.mark.parametrize("kwargs", [dict(), dict(norm_first=True, activation="gelu"), dict(batch_first=True),
                                    dict(bias=False), dict(activation="relu", layer_norm_eps=1e-3),
                                    dict(dropout=1.0)],
                         ids=["plain", "norm_first, gelu", "batch_first", "no bias", "eps", "dropout 1"])
def test_transformer_layers(kwargs):
    """Each layer and the whole Transformer, torch's weights copied in, in training mode: dropout 0, or 1
    (every dropout zeroes its input: not random, so it checks where the dropouts are)."""
    rng = np.random.default_rng(9)
    kwargs = dict(kwargs)
    dropout = kwargs.pop("dropout", 0.0)
    shape = (lambda n: (2, n, 6)) if kwargs.get("batch_first") else (lambda n: (n, 2, 6))
    src, tgt = rng.standard_normal(shape(4)), rng.standard_normal(shape(3))
    causal = np.triu(np.full((3, 3), -np.inf), 1)
    _compare_modules(_twins("TransformerEncoderLayer", 6, 2, 12, dropout, **kwargs), [src])
    _compare_modules(_twins("TransformerDecoderLayer", 6, 2, 12, dropout, **kwargs), [tgt, src, causal],
                     lambda m, t, s, c: m(t, s, tgt_mask=c, tgt_is_causal=True))
    _compare_modules(_twins("Transformer", 6, 2, 1, 2, 12, dropout, **kwargs), [src, tgt, causal],
                     lambda m, s, t, c: m(s, t, tgt_mask=c))


def test_transformer_callable_activation_and_unbatched():
    rng = np.random.default_rng(10)
    modules = {}
    torch.manual_seed(0)
    for lib in LIBS:
        modules[lib] = lib.nn.TransformerEncoderLayer(4, 2, 8, 0.0, activation=lib.nn.functional.silu).double()
    copy_weights(modules[torch], modules[minitorch])
    _compare_modules(modules, [rng.standard_normal((3, 4))])  # one unbatched sequence (L, E)
    modules = _twins("TransformerDecoderLayer", 4, 2, 8, 0.0, activation=torch.nn.GELU())
    modules[minitorch].activation = minitorch.nn.GELU()  # (a module activation is a child: GELU in both reprs)
    assert repr(modules[minitorch]) == repr(modules[torch])
    _compare_modules(modules, [rng.standard_normal((3, 4)), rng.standard_normal((2, 4))])


@pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors")  # (torch's own note on its fast path)
def test_transformer_inference_as_torch():
    """In inference torch takes fused fast paths; minitorch computes the math, to the same values, and, where
    TransformerEncoder runs nested tensors (a key padding mask alone), puts zeros at the padded positions
    before the final norm, as torch does."""
    rng = np.random.default_rng(11)
    src = rng.standard_normal((2, 5, 8))
    padding = np.zeros((2, 5), bool)
    padding[1, -2:] = True
    torch.manual_seed(0)
    encoders = {lib: lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2,
                                               norm=lib.nn.LayerNorm(8)).double().eval() for lib in LIBS}
    copy_weights(encoders[torch], encoders[minitorch])
    attention = _twins("MultiheadAttention", 8, 2, batch_first=True)
    outs = []
    for lib in LIBS:
        with lib.no_grad():
            x, p = lib.tensor(src), lib.from_numpy(padding)
            attention[lib].eval()
            outs.append((encoders[lib](x, src_key_padding_mask=p), encoders[lib](x), encoders[lib].layers[0](x),
                         *attention[lib](x, x, x, key_padding_mask=p)))
    for a, b in zip(*outs):
        assert_close(a, b, scale=10)


def test_transformer_reprs_state_dicts_and_warnings():
    def build(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            nets = [lib.nn.Transformer(8, 2, 1, 1, 16),
                    lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16, norm_first=True), 2),
                    lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 1),
                    lib.nn.TransformerDecoder(lib.nn.TransformerDecoderLayer(8, 2, 16), 2, lib.nn.LayerNorm(8))]
        return nets, [str(w.message) for w in caught]
    (mine, my_warnings), (theirs, their_warnings) = build(minitorch), build(torch)
    assert my_warnings == their_warnings
    for a, b in zip(mine, theirs):
        assert repr(a) == repr(b)
        assert list(a.state_dict()) == list(b.state_dict())
        assert [tuple(p.shape) for p in a.parameters()] == [tuple(p.shape) for p in b.parameters()]
    for lib in LIBS:  # copies, not one layer shared
        enc = lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(4, 2, 8), 2, enable_nested_tensor=False)
        assert enc.layers[0].linear1.weight is not enc.layers[1].linear1.weight


def test_generate_square_subsequent_mask_and_errors():
    for args in ((4,), (1,), (3, None, None)):
        mine = minitorch.nn.Transformer.generate_square_subsequent_mask(*args)
        theirs = torch.nn.Transformer.generate_square_subsequent_mask(*args)
        assert mine.tolist() == theirs.tolist() and str(mine.dtype) == str(theirs.dtype)
    mine = minitorch.nn.Transformer.generate_square_subsequent_mask(3, dtype=minitorch.float64)
    assert str(mine.dtype) == "torch.float64"
    modules = _twins("Transformer", 4, 2, 1, 1, 8, 0.0)
    same_error(lambda lib: modules[lib](lib.ones(3, 2, 4, dtype=lib.float64), lib.ones(3, 3, 4, dtype=lib.float64)))
    same_error(lambda lib: modules[lib](lib.ones(3, 2, 4, dtype=lib.float64), lib.ones(3, 2, 2, dtype=lib.float64)))
    same_error(lambda lib: lib.nn.TransformerEncoderLayer(4, 2, activation="tanh"))


def test_mixed_mask_types_warn_as_torch():
    """A bool padding mask with a float attention mask: torch's deprecation warnings, where torch gives them
    (once per module that first sees both; the layers below get the float masks)."""
    def warnings_of(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            x = lib.ones(3, 2, 4)
            encoder = lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(4, 2, 8), 2, enable_nested_tensor=False)
            encoder(x, mask=lib.zeros(3, 3), src_key_padding_mask=lib.zeros(2, 3, dtype=lib.bool))
            lib.nn.MultiheadAttention(4, 2)(x, x, x, attn_mask=lib.zeros(3, 3),
                                            key_padding_mask=lib.zeros(2, 3, dtype=lib.bool))
            lib.nn.TransformerDecoderLayer(4, 2, 8)(x, x, tgt_mask=lib.zeros(3, 3),
                                                    tgt_key_padding_mask=lib.zeros(2, 3, dtype=lib.bool))
        return [f"{w.category.__name__}: {w.message}" for w in caught]
    assert warnings_of(minitorch) == warnings_of(torch)
