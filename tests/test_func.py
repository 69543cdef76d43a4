"""minitorch.func against torch.func: grad, grad_and_value, vjp, jvp, linearize, jacrev, jacfwd, hessian and their
compositions (values in float64, shapes, nesting of pytrees, which results stay differentiable), functional_call
and stack_module_state, and torch's errors word for word."""
import numpy as np
import pytest
import torch
import torch.func
from hypothesis import given, settings, strategies as st

import minitorch
import minitorch.func
from harness import assert_close, same_error

LIBS = ((minitorch, minitorch.func), (torch, torch.func))

# scalar functions of one tensor (any shape): polynomials, ops whose VJP uses their saved output (exp, tanh,
# sigmoid, softmax: forward over reverse must carry that output's tangent), reductions, a matrix product
SCALAR = [
    ("poly", lambda L, x: (x ** 3).sum() + (x * x).mean() * 2),
    ("saved_outputs", lambda L, x: (x.sin() * x.exp()).sum() + x.tanh().pow(2).sum() + L.sigmoid(x).prod()),
    ("softmax", lambda L, x: x.reshape(-1).logsumexp(0) + (x.reshape(-1).softmax(0) * x.reshape(-1)).sum()),
    ("outer", lambda L, x: (x.reshape(-1, 1) @ x.reshape(1, -1).cos()).tanh().mean()),
]
# tensor-valued functions
VECTOR = [
    ("elementwise", lambda L, x: x.sin() * x.exp() + x * x),
    ("mixing", lambda L, x: (x.reshape(-1, 1) * x.reshape(1, -1).tanh()).cumsum(0)),
    ("reduction", lambda L, x: L.stack([x.sum(), (x * x).mean(), x.exp().max()])),
]

shapes = st.lists(st.integers(1, 3), min_size=0, max_size=2).map(tuple)


def tensors(L, *arrays, requires_grad=False):
    return [L.tensor(a, dtype=L.float64, requires_grad=requires_grad) for a in arrays]


def draw(shape, seed, count=1):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1.5, 1.5, shape) for _ in range(count)]


def same(mine, theirs, what="value", grads=False):
    """Equal nests (tuple/list/dict) of tensors: shapes, dtypes, float64 values to 1e-10 relative; and, with
    ``grads``, whether each still requires grad."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(mine, minitorch.Tensor), f"{what}: minitorch gives {type(mine)}"
        assert tuple(mine.shape) == tuple(theirs.shape), f"{what}: shape {tuple(mine.shape)} vs {tuple(theirs.shape)}"
        assert str(mine.dtype) == str(theirs.dtype), f"{what}: dtype {mine.dtype} vs {theirs.dtype}"
        assert_close(mine.detach().numpy(), theirs.detach().numpy(), np.float64, what, scale=100)
        if grads:
            assert mine.requires_grad == theirs.requires_grad, f"{what}: requires_grad {mine.requires_grad}"
        return
    assert type(mine) is type(theirs), f"{what}: {type(mine)} vs {type(theirs)}"
    if isinstance(theirs, dict):
        assert list(mine) == list(theirs), f"{what}: keys {list(mine)} vs {list(theirs)}"
        for k in theirs:
            same(mine[k], theirs[k], f"{what}[{k!r}]", grads)
    elif isinstance(theirs, (tuple, list)):
        assert len(mine) == len(theirs), f"{what}: length {len(mine)} vs {len(theirs)}"
        for i, (m, t) in enumerate(zip(mine, theirs)):
            same(m, t, f"{what}[{i}]", grads)
    else:
        assert mine == theirs, f"{what}: {mine!r} vs {theirs!r}"


def both(fn, *arrays, grads=True):
    """``fn(L, F, *tensors)`` for (minitorch, minitorch.func) and (torch, torch.func): the same results."""
    mine, theirs = ([fn(L, F, *tensors(L, *arrays))] for L, F in LIBS)
    same(mine[0], theirs[0], grads=grads)


@pytest.mark.parametrize("name, f", SCALAR, ids=[s[0] for s in SCALAR])
@settings(max_examples=4, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2 ** 32 - 1))
def test_grad_and_value_and_second_derivatives(name, f, shape, seed):
    """grad, grad_and_value, and the Hessian five ways: hessian, jacfwd(jacrev), jacrev(jacrev), jacfwd(jacfwd)
    (forward over forward: the inner jvp by two backward passes), grad(grad(f)·v)."""
    x, v = draw(shape, seed, 2)
    both(lambda L, F, x: F.grad(lambda x: f(L, x))(x), x)
    both(lambda L, F, x: F.grad_and_value(lambda x: f(L, x))(x), x)
    both(lambda L, F, x: F.hessian(lambda x: f(L, x))(x), x)
    both(lambda L, F, x: F.jacfwd(F.jacrev(lambda x: f(L, x)))(x), x)
    both(lambda L, F, x: F.jacrev(F.jacrev(lambda x: f(L, x)))(x), x)
    both(lambda L, F, x: F.jacfwd(F.jacfwd(lambda x: f(L, x)))(x), x)
    both(lambda L, F, x, v: F.grad(lambda x: (F.grad(lambda x: f(L, x))(x) * v).sum())(x), x, v)


@pytest.mark.parametrize("name, f", VECTOR, ids=[s[0] for s in VECTOR])
@settings(max_examples=4, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2 ** 32 - 1))
def test_jacobians_vjp_jvp_linearize(name, f, shape, seed):
    x, v = draw(shape, seed, 2)
    u = np.random.default_rng(seed).standard_normal(tuple(f(torch, torch.tensor(x)).shape))
    both(lambda L, F, x: F.jacrev(lambda x: f(L, x))(x), x)
    both(lambda L, F, x: F.jacfwd(lambda x: f(L, x))(x), x)
    both(lambda L, F, x: F.jacrev(F.jacfwd(lambda x: f(L, x)))(x), x)

    def vjp(L, F, x, u):
        out, vjp_fn = F.vjp(lambda x: f(L, x), x)
        return out, vjp_fn(u), vjp_fn(2 * u)  # (the function can be called again)
    both(vjp, x, u)
    both(lambda L, F, x, v: F.jvp(lambda x: f(L, x), (x,), (v,)), x, v)

    def linearize(L, F, x, v):
        out, jvp_fn = F.linearize(lambda x: f(L, x), x)
        return out, jvp_fn(v), jvp_fn(v * 3)
    both(linearize, x, v)


@pytest.mark.parametrize("name, f", SCALAR, ids=[s[0] for s in SCALAR])
@settings(max_examples=3, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2 ** 32 - 1))
def test_forward_over_reverse_and_reverse_over_forward(name, f, shape, seed):
    """jvp of grad (a Hessian-vector product, forward through the backward pass) and grad of a function that
    calls jvp (backward through the tangents)."""
    x, v = draw(shape, seed, 2)
    both(lambda L, F, x, v: F.jvp(F.grad(lambda x: f(L, x)), (x,), (v,)), x, v)
    both(lambda L, F, x, v: F.grad(lambda x: F.jvp(lambda x: f(L, x), (x,), (v,))[1])(x), x, v)
    both(lambda L, F, x, v: F.vjp(F.grad(lambda x: f(L, x)), x)[1](v), x, v)  # vhp


def test_argnums_pytrees_and_aux():
    """Arguments and outputs as nests of tuples, lists and dicts; argnums an int, a tuple, negative; has_aux."""
    a, b, c, d = draw((2, 3), 0, 4)

    def f(L, a, pair, table):
        b, c = pair
        return (a * b.sin()).sum() + (c * table["d"].exp()).sum() * a.sum()

    def vector(L, a, pair, table):
        return {"y": a * pair[0], "z": [pair[1].cos(), table["d"] * a]}

    for argnums in (0, 1, 2, -1, (0, 2), (2, 1)):
        both(lambda L, F, a, b, c, d: F.grad(lambda *args: f(L, *args), argnums=argnums)(a, (b, c), {"d": d}),
             a, b, c, d)
        both(lambda L, F, a, b, c, d: F.jacrev(lambda *args: vector(L, *args), argnums=argnums)(a, [b, c], {"d": d}),
             a, b, c, d)
        if argnums != -1:  # torch 2.14's jacfwd gives zeros for a negative argnum (_replace_args compares the
            # unnormalized -1 with the positions); minitorch's jacfwd agrees with its jacrev there (below)
            both(lambda L, F, a, b, c, d: F.jacfwd(lambda *args: vector(L, *args), argnums=argnums)(
                a, [b, c], {"d": d}), a, b, c, d)
    A, B, C, D = (minitorch.tensor(t) for t in (a, b, c, d))
    same(minitorch.func.jacfwd(lambda *args: vector(minitorch, *args), argnums=-1)(A, [B, C], {"d": D}),
         torch.func.jacrev(lambda *args: vector(torch, *args), argnums=-1)(*(torch.tensor(t) for t in (a,)),
                                                                           [torch.tensor(b), torch.tensor(c)],
                                                                           {"d": torch.tensor(d)}))
    both(lambda L, F, a, b: F.grad(lambda a, b: ((a * b).sum(), {"aux": a * 2}), has_aux=True)(a, b), a, b)
    both(lambda L, F, a, b: F.grad_and_value(lambda a, b: ((a * b).sum(), (a,)), argnums=(0, 1), has_aux=True)(a, b),
         a, b)
    both(lambda L, F, a, b: F.jacrev(lambda a: (a.exp(), a.sum()), has_aux=True)(a), a, b)
    both(lambda L, F, a, b: F.jacfwd(lambda a: (a.exp(), a.sum()), has_aux=True)(a), a, b)
    both(lambda L, F, a, b: F.jvp(lambda a, b: (a * b, [a]), (a, b), (b, a), has_aux=True), a, b)
    both(lambda L, F, a, b: F.vjp(lambda a, b: ((a * b, b.exp()), {"k": a}), a, b, has_aux=True)[::2], a, b)
    both(lambda L, F, a, b: F.vjp(lambda a, b: (a * b, b.exp()), a, b)[1]((a, b)), a, b)
    both(lambda L, F, a, b: F.jvp(lambda p: {"s": p["a"] * p["b"]}, ({"a": a, "b": b},), ({"a": b, "b": a},)), a, b)
    # outputs independent of the inputs: zeros (strict=False)
    both(lambda L, F, a, b: F.grad(lambda a: b.sum())(a), a, b)
    both(lambda L, F, a, b: F.jvp(lambda a: b * 2, (a,), (a,)), a, b)
    both(lambda L, F, a, b: F.jacrev(lambda a, b: a + b)(a, b), a, b)


def test_nested_transforms_over_closures():
    """An inner transform closing over the outer one's argument (each differentiates with respect to its own),
    transforms of mixed modes nested either way, a Hessian over several arguments and over a dict."""
    a, b = draw((3,), 9, 1)[0], draw((2,), 10, 1)[0]
    both(lambda L, F, x, y: F.hessian(lambda x, y: (x.sin().sum() * y.exp()).prod(), argnums=(0, 1))(x, y), a, b)
    both(lambda L, F, x: F.grad(lambda x: F.grad(lambda y: (x * y).sum())(x).sum())(x), a)
    both(lambda L, F, x: F.grad(lambda x: F.grad(lambda y: (x * y * y).sum())(x.sin()).sum())(x), a)
    both(lambda L, F, x: F.jacrev(lambda x: F.jvp(lambda y: x * y.exp(), (x,), (x,))[1])(x), a)
    both(lambda L, F, x: F.jvp(lambda x: F.vjp(lambda y: x * y.exp(), x)[1](x)[0], (x,), (x * 2,)), a)
    both(lambda L, F, x: F.jacfwd(lambda x: F.jacfwd(lambda y: x * y.sin())(x))(x), a)
    both(lambda L, F, x: F.hessian(lambda p: (p["w"] * p["b"].exp()).sum())({"w": x, "b": x * 2}), a)


def test_results_stay_differentiable_only_through_what_is_outside():
    """Results are plain tensors, unless they depend on something outside the transform that requires grad (an
    input, a tensor the function closes over): backward through them reaches it, as in torch."""
    a, b, v = draw((3,), 1, 3)
    for fn in (lambda L, F, x, y: F.grad(lambda x: (x.exp() * y).sum())(x),
               lambda L, F, x, y: F.jacrev(lambda x: x.sin() * y)(x),
               lambda L, F, x, y: F.jacfwd(lambda x: x.sin() * y)(x),
               lambda L, F, x, y: F.hessian(lambda x: (x.sin() * y).sum())(x),
               lambda L, F, x, y: F.vjp(lambda x: x.tanh() * y, x)[1](y),
               lambda L, F, x, y: F.jvp(lambda x: x.tanh() * y, (x,), (y,))):
        for wants in ((False, False), (True, False), (False, True), (True, True)):
            results, leaves = [], []
            for L, F in LIBS:
                x, y = (L.tensor(t, dtype=L.float64, requires_grad=w) for t, w in zip((a, b), wants))
                out = fn(L, F, x, y)
                outs = out if isinstance(out, tuple) else (out,)
                results.append(outs)
                total = sum((o * L.tensor(v[:1].repeat(o.numel()).reshape(o.shape))).sum() for o in outs)
                if total.requires_grad:
                    total.backward()
                leaves.append([t.grad for t in (x, y)])
            same(results[0], results[1], f"wants {wants}", grads=True)
            for m, t in zip(*leaves):
                assert (m is None) == (t is None)
                if t is not None:
                    same(m, t, f"grad, wants {wants}")


def test_grad_ignores_an_outer_no_grad():
    a, = draw((3,), 2)
    both(lambda L, F, x: _under_no_grad(L, lambda: F.grad(lambda x: (x ** 3).sum())(x)), a)
    both(lambda L, F, x: _under_no_grad(L, lambda: F.jacrev(lambda x: x.exp())(x)), a)


def _under_no_grad(L, call):
    with L.no_grad():
        return call()


def test_jacfwd_randomness():
    """'same' replays the random numbers for every column; 'error' raises torch's error when f draws any."""
    x = minitorch.ones(3, dtype=minitorch.float64)
    minitorch.manual_seed(5)
    r = minitorch.rand(3, dtype=minitorch.float64)
    minitorch.manual_seed(5)
    J = minitorch.func.jacfwd(lambda x: x * minitorch.rand(3, dtype=minitorch.float64), randomness="same")(x)
    assert_close(J, minitorch.diag(r))
    same_error(lambda L: L.func.jacfwd(lambda x: x * L.rand(3, dtype=L.float64))(L.ones(3, dtype=L.float64)))
    J = minitorch.func.jacfwd(lambda x: x * minitorch.rand(3, dtype=minitorch.float64), randomness="different")(x)
    assert (J.numpy()[~np.eye(3, dtype=bool)] == 0).all()


ERRORS = [
    ("not scalar", lambda L, F, x: F.grad(lambda x: x * 2)(x)),
    ("not scalar, value", lambda L, F, x: F.grad_and_value(lambda x: x.reshape(3, 1))(x)),
    ("not a tensor", lambda L, F, x: F.grad(lambda x: 3.0)(x)),
    ("integer input", lambda L, F, x: F.grad(lambda x: x.sum())(L.ones(3, dtype=L.int64))),
    ("argnum out of range", lambda L, F, x: F.grad(lambda x: x.sum(), argnums=2)(x)),
    ("argnum too negative", lambda L, F, x: F.jacrev(lambda x: x, argnums=-2)(x)),
    ("argnums float", lambda L, F, x: F.grad(lambda x: x.sum(), argnums=1.0)(x)),
    ("argnums empty", lambda L, F, x: F.grad(lambda x: x.sum(), argnums=())(x)),
    ("argnums repeated", lambda L, F, x: F.grad(lambda x, y: x.sum(), argnums=(0, 0))(x, x)),
    ("argnums element float", lambda L, F, x: F.grad(lambda x, y: x.sum(), argnums=(0, 1.0))(x, x)),
    ("no arguments", lambda L, F, x: F.grad(lambda: x.sum())()),
    ("aux not a pair", lambda L, F, x: F.grad(lambda x: x.sum(), has_aux=True)(x)),
    ("aux not tensors", lambda L, F, x: F.grad(lambda x: (x.sum(), 1), has_aux=True)(x)),
    ("argument not a tensor", lambda L, F, x: F.grad(lambda x: x)(3.0)),
    ("leaf not a tensor", lambda L, F, x: F.grad(lambda x: x[0].sum())([x, 3])),
    ("vjp output not a tensor", lambda L, F, x: F.vjp(lambda x: 3.0, x)),
    ("vjp empty output", lambda L, F, x: F.vjp(lambda x: (), x)),
    ("vjp integer output", lambda L, F, x: F.vjp(lambda x: x.long(), x)),
    ("vjp primal not a tensor", lambda L, F, x: F.vjp(lambda x: x, 3.0)),
    ("vjp aux", lambda L, F, x: F.vjp(lambda x: x, x, has_aux=True)),
    ("vjp cotangent shape", lambda L, F, x: F.vjp(lambda x: x * 2, x)[1](L.ones(2, dtype=L.float64))),
    ("vjp cotangent nest", lambda L, F, x: F.vjp(lambda x: x * 2, x)[1]((x,))),
    ("jvp primals not a tuple", lambda L, F, x: F.jvp(lambda x: x, x, x)),
    ("jvp tangents not a tuple", lambda L, F, x: F.jvp(lambda x: x, (x,), x)),
    ("jvp lengths", lambda L, F, x: F.jvp(lambda x: x, (x,), (x, x))),
    ("jvp nests", lambda L, F, x: F.jvp(lambda x: x, ((x, x),), ([x, x],))),
    ("jvp tangent shape", lambda L, F, x: F.jvp(lambda x: x, (x,), (L.ones(2, dtype=L.float64),))),
    ("jvp nothing", lambda L, F, x: F.jvp(lambda: x, (), ())),
    ("jvp not tensors", lambda L, F, x: F.jvp(lambda x: x, (3.0,), (1.0,))),
    ("jvp tangent not a tensor", lambda L, F, x: F.jvp(lambda x: x, (x,), (1.0,))),
    ("jvp output not a tensor", lambda L, F, x: F.jvp(lambda x: 3.0, (x,), (x,))),
    ("jvp aux", lambda L, F, x: F.jvp(lambda x: x, (x,), (x,), has_aux=True)),
    ("jvp strict", lambda L, F, x: F.jvp(lambda x: L.ones(2), (x,), (x,), strict=True)),
    ("jvp integer primal", lambda L, F, x: F.jvp(lambda x: x, (x.long(),), (x,))),
    ("jacrev output not a tensor", lambda L, F, x: F.jacrev(lambda x: 3.0)(x)),
    ("jacrev chunk_size", lambda L, F, x: F.jacrev(lambda x: x, chunk_size=0)),
    ("jacrev aux", lambda L, F, x: F.jacrev(lambda x: x, has_aux=True)(x)),
    ("jacrev integer input", lambda L, F, x: F.jacrev(lambda x: x)(L.ones(3, dtype=L.int64))),
    ("jacfwd randomness", lambda L, F, x: F.jacfwd(lambda x: x, randomness="foo")(x)),
    ("jacfwd integer input", lambda L, F, x: F.jacfwd(lambda x: x)(L.ones(3, dtype=L.int64))),
    ("jacfwd aux", lambda L, F, x: F.jacfwd(lambda x: x, has_aux=True)(x)),
    ("linearize tangent shape", lambda L, F, x: F.linearize(lambda x: x.sin(), x)[1](L.ones(2, dtype=L.float64))),
    ("linearize tangents count", lambda L, F, x: F.linearize(lambda x: x.sin(), x)[1](x, x)),
]


@pytest.mark.parametrize("name, fn", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, fn):
    same_error(lambda L: fn(L, L.func, L.tensor([0.5, -1.0, 2.0], dtype=L.float64)))


# dtypes, 0-d and empty tensors, keyword arguments: the same result or the same error as torch
EDGES = [
    ("float64 to float32", lambda L, F, x: (F.jacrev(lambda x: x.float() * 2)(x), F.jacfwd(lambda x: x.float() * 2)(x))),
    ("float32 to float64", lambda L, F, x: (F.jacrev(lambda x: x.double() * 2)(x.float()),
                                            F.jacfwd(lambda x: x.double() * 2)(x.float()),
                                            F.grad(lambda x: (x.double() * 2).sum())(x.float()))),
    ("integer output, forward", lambda L, F, x: (F.jacfwd(lambda x: (x > 0).long())(x),
                                                 F.jvp(lambda x: (x > 0).long(), (x,), (x,)))),
    ("integer output, jacrev", lambda L, F, x: F.jacrev(lambda x: (x > 0).long())(x)),
    ("integer output, grad", lambda L, F, x: F.grad(lambda x: (x > 0).sum())(x)),
    ("0-d", lambda L, F, x: (F.jacrev(lambda x: x * x)(x[0]), F.jacfwd(lambda x: x * x)(x[0]),
                             F.hessian(lambda x: x ** 3)(x[0]))),
    ("empty", lambda L, F, x: (F.jacrev(lambda x: x * 2)(x[:0]), F.jacfwd(lambda x: x * 2)(x[:0]))),
    ("keyword arguments", lambda L, F, x: F.grad(lambda x, s=1.0: (x * s).sum())(x, s=3.0)),
    ("aux None", lambda L, F, x: F.grad(lambda x: (x.sum(), None), has_aux=True)(x)),
    ("mixed dtypes", lambda L, F, x: (F.jvp(lambda x: x * 2, (x,), (x.float(),)),
                                      F.vjp(lambda x: x * 2, x)[1](x.float()))),
]


@pytest.mark.parametrize("name, fn", EDGES, ids=[e[0] for e in EDGES])
def test_edge_cases_match_torch(name, fn):
    call = lambda L: fn(L, L.func, L.tensor([0.5, -1.0, 2.0], dtype=L.float64))  # noqa: E731
    try:
        theirs = call(torch)
    except RuntimeError:
        same_error(call)
        return
    same(call(minitorch), theirs, grads=True)


# -- functional_call and stack_module_state ---------------------------------------------------------------------
def _net(L, seed):
    torch.manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    if L is torch:
        return net
    mine = minitorch.nn.Sequential(minitorch.nn.Linear(2, 3), minitorch.nn.BatchNorm1d(3), minitorch.nn.Tanh(),
                                   minitorch.nn.Linear(3, 1))
    mine.load_state_dict({k: minitorch.tensor(v.numpy()) for k, v in net.state_dict().items()})
    return mine


def test_functional_call_gradients_with_respect_to_the_given_parameters():
    """grad of a loss through functional_call: the gradient with respect to the given tensors (nested as they
    are); the module's own parameters untouched afterwards. Outside a transform, a given buffer is updated in
    place (BatchNorm's running stats; torch refuses that inside grad, so the net is in eval mode there)."""
    x, = draw((4, 2), 3)
    results, own = [], []
    for L, F in LIBS:
        net = _net(L, 0)
        params = {k: (v * 0.5).detach() for k, v in net.named_parameters()}
        buffers = {k: v.clone() for k, v in net.named_buffers()}
        before = {k: v.detach().clone() for k, v in net.state_dict().items()}
        X = L.tensor(x, dtype=L.float32)
        net.eval()
        grads, loss = F.grad_and_value(lambda p: (F.functional_call(net, (p, buffers), (X,)) ** 2).mean())(params)
        net.train()
        out = F.functional_call(net, (params, buffers), X, strict=True)
        results.append((grads, loss, out, buffers))
        own.append(all(bool((before[k] == v).all()) for k, v in net.state_dict().items()))
        assert all(type(p).__name__ == "Parameter" for p in net.parameters())
    _same32(results[0], results[1])
    assert own == [True, True]


def _same32(mine, theirs, what="value"):
    if isinstance(theirs, torch.Tensor):
        assert tuple(mine.shape) == tuple(theirs.shape) and str(mine.dtype) == str(theirs.dtype), what
        assert_close(mine.detach().numpy(), theirs.detach().numpy(), np.float32, what, scale=10)
    elif isinstance(theirs, dict):
        assert list(mine) == list(theirs), what
        for k in theirs:
            _same32(mine[k], theirs[k], f"{what}[{k}]")
    else:
        assert len(mine) == len(theirs), what
        for i, (m, t) in enumerate(zip(mine, theirs)):
            _same32(m, t, f"{what}[{i}]")


class _Tied:
    """A module with one weight under two names (torch's and minitorch's, the same code)."""

    @staticmethod
    def make(L):
        class Tied(L.nn.Module):
            def __init__(self):
                super().__init__()
                self.a, self.b = L.nn.Linear(2, 2), L.nn.Linear(2, 2)
                self.b.weight = self.a.weight

            def forward(self, x):
                return self.b(self.a(x))
        return Tied()


def test_functional_call_tied_weights_kwargs_and_errors():
    x, w = draw((3, 2), 4) + draw((2, 2), 5)
    for tie in (True, False):
        results = []
        for L, F in LIBS:
            L.manual_seed(0)
            net = _Tied.make(L)
            with L.no_grad():
                for p, value in zip(net.parameters(), draw((2, 2), 6) + draw((2,), 7) + draw((2,), 8)):
                    p.copy_(L.tensor(value, dtype=L.float32))
            W = L.tensor(w, dtype=L.float32)
            results.append((F.functional_call(net, {"a.weight": W}, (L.tensor(x, dtype=L.float32),), tie_weights=tie),
                            F.functional_call(net.a, {}, (), {"input": L.tensor(x, dtype=L.float32)})))
            assert net.a.weight is net.b.weight
        _same32(results[0], results[1])
    W = np.ones((2, 2), np.float32)
    same_error(lambda L: L.func.functional_call(_Tied.make(L), {"a.weight": L.tensor(W), "b.weight": L.tensor(W * 2)},
                                                (L.ones(1, 2),)))
    for dicts in (lambda L, p: (p, p), lambda L, p: [1], lambda L, p: 3, lambda L, p: {"0.foo.bar": L.ones(1)}):
        same_error(lambda L: L.func.functional_call(_net(L, 0), dicts(L, dict(_net(L, 0).named_parameters())),
                                                    (L.ones(4, 2),)))
    same_error(lambda L: L.func.functional_call(_net(L, 0), {"0.weight": L.ones(3, 2)}, (L.ones(4, 2),), strict=True))
    same_error(lambda L: L.func.functional_call(_net(L, 0), dict(_net(L, 0).named_parameters(), foo=L.ones(1)),
                                                (L.ones(4, 2),), strict=True))


def test_stack_module_state():
    for L, F in LIBS:
        models = [L.nn.BatchNorm1d(3) for _ in range(4)]
        params, buffers = F.stack_module_state(models)
        assert {k: (tuple(v.shape), v.requires_grad, v.is_leaf) for k, v in params.items()} == {
            "weight": ((4, 3), True, True), "bias": ((4, 3), True, True)}
        assert {k: (tuple(v.shape), v.requires_grad) for k, v in buffers.items()} == {
            "running_mean": ((4, 3), False), "running_var": ((4, 3), False), "num_batches_tracked": ((4,), False)}
    same_error(lambda L: L.func.stack_module_state([]))
    same_error(lambda L: L.func.stack_module_state([L.nn.Linear(2, 3), L.nn.Linear(2, 3).eval()]))
    same_error(lambda L: L.func.stack_module_state([L.nn.Linear(2, 3), L.nn.Conv1d(2, 3, 1)]))

    def mixed(L):
        a = L.nn.Linear(2, 3)
        a.weight.requires_grad_(False)
        return L.func.stack_module_state([a, L.nn.Linear(2, 3)])
    same_error(mixed)
