"""jacrev, jacfwd and hessian as one batched pass over the basis (minitorch/func/_basis.py), against torch.func in
float64: a sweep of unary, binary, reduction, linalg and nn ops; argnums tuples, several outputs, has_aux,
chunk_size, nesting (hessian, jacrev of jacrev, jacfwd of jacfwd). For the common ops the pass is checked to be
the batched one (one backward pass, one forward-mode pass); the loop it falls back to gives the same numbers; and
a VJP or JVP reading a batched direction's raw values sends the Jacobian to its loop instead of computing it from
one sample (the guard of minitorch/func/_batched.py's ShapeOnly)."""
import numpy as np
import pytest
import torch
import torch.func

import minitorch
import minitorch.func
import minitorch.func.forward as forward
from minitorch.func import _basis
from minitorch.ops.op import Op
from minitorch.tensor import _make
from harness import same_nest as same, uniform_arrays as arrays

B = np.random.default_rng(7).standard_normal((4, 4))
IDX = np.array([[0, 1], [2, 2], [3, 0]])

# name: (function of (lib, x) for x of shape (3, 4), batched in jacrev, batched in jacfwd). False where an op of
# the backward (the JVP) has no batching rule yet, or forward mode takes its JVP from the transposed VJP: those
# run the loop (checked for values only)
OPS = {
    "sin": (lambda L, x: x.sin(), True, True),
    "exp": (lambda L, x: x.exp() * x, True, True),
    "tanh": (lambda L, x: x.tanh(), True, True),
    "sigmoid": (lambda L, x: x.sigmoid(), True, True),
    "relu": (lambda L, x: L.relu(x), True, True),
    "abs": (lambda L, x: x.abs(), True, True),
    "sqrt": (lambda L, x: (x * x + 1).sqrt(), True, True),
    "log": (lambda L, x: (x * x + 1).log(), True, True),
    "erf": (lambda L, x: x.erf(), True, True),
    "pow": (lambda L, x: x ** 3, True, True),
    "div": (lambda L, x: x / (x * x + 1), True, True),
    "atan2": (lambda L, x: L.atan2(x, x + 2), True, True),
    "clamp": (lambda L, x: x.clamp(-0.5, 0.5), True, True),
    "where": (lambda L, x: L.where(x > 0, x, x * 2), True, True),
    "sum": (lambda L, x: x.sum(0), True, True),
    "mean": (lambda L, x: x.mean(), True, True),
    "prod": (lambda L, x: x.prod(1), True, True),
    "max": (lambda L, x: x.max(1).values, True, True),
    "amax": (lambda L, x: x.amax(0), True, True),
    "std": (lambda L, x: x.std(1), True, True),
    "logsumexp": (lambda L, x: x.logsumexp(1), True, True),
    "cumsum": (lambda L, x: x.cumsum(1), True, True),
    "transpose": (lambda L, x: x.t() * 1, True, True),
    "cat": (lambda L, x: L.cat([x, x * 2]), True, True),
    "matmul": (lambda L, x: x @ L.tensor(B), True, True),
    "linear": (lambda L, x: L.nn.functional.linear(x, L.tensor(B)), True, True),
    "softmax": (lambda L, x: L.softmax(x, 0), True, True),
    "log_softmax": (lambda L, x: L.log_softmax(x, -1), True, True),
    "layer_norm": (lambda L, x: L.nn.functional.layer_norm(x, (4,)), True, True),
    "cross_entropy": (lambda L, x: L.nn.functional.cross_entropy(x, L.tensor([0, 1, 3])), True, True),
    "dropout_p0": (lambda L, x: L.nn.functional.dropout(x, 0.0), True, True),
    "vector_norm": (lambda L, x: L.linalg.norm(x), True, False),
    "gelu": (lambda L, x: L.nn.functional.gelu(x), True, False),
    "softplus": (lambda L, x: L.nn.functional.softplus(x), True, False),
    "mse_loss": (lambda L, x: L.nn.functional.mse_loss(x, x.detach() * 0), True, False),
    "masked_fill": (lambda L, x: x.masked_fill(x > 0.5, 0.0), True, False),
    "svdvals": (lambda L, x: L.linalg.svdvals(x), True, False),
    "qr": (lambda L, x: L.linalg.qr(x.t())[1], True, False),
    "sort": (lambda L, x: x.sort(1).values, False, False),
    "index": (lambda L, x: x[:, [0, 2]], False, True),
    "gather": (lambda L, x: x.gather(1, L.tensor(IDX)), False, True),
    "expand": (lambda L, x: x[0].expand(2, 4) * x[1], False, True),
    "conv1d": (lambda L, x: L.nn.functional.conv1d(x.unsqueeze(0), L.tensor(B[:2, :3].reshape(2, 3, 1))), False,
               True),
    "inv": (lambda L, x: L.linalg.inv(x[:, :3]), False, False),
    "det": (lambda L, x: L.linalg.det(x[:, :3]), False, False),
    "solve": (lambda L, x: L.linalg.solve(x[:, :3] + 3 * L.eye(3, dtype=L.float64), x[:, 3]), False, False),
}


class Passes:
    """Counts the backward passes (``autograd.grad`` calls) and forward-mode passes (``_jvp_dual`` calls)."""

    def __init__(self, monkeypatch):
        self.backward = self.forward = 0
        grad, jvp_dual = minitorch.autograd.grad, forward._jvp_dual

        def counted_grad(*args, **kwargs):
            self.backward += 1
            return grad(*args, **kwargs)

        def counted_jvp(*args, **kwargs):
            self.forward += 1
            return jvp_dual(*args, **kwargs)
        monkeypatch.setattr(minitorch.autograd, "grad", counted_grad)
        monkeypatch.setattr(forward, "_jvp_dual", counted_jvp)


def looped(monkeypatch):
    """The batched passes refused: jacrev and jacfwd run their loops."""
    def refuse(*args, **kwargs):
        raise _basis.NotBatchable()
    monkeypatch.setattr(_basis, "vjp_rows", refuse)
    monkeypatch.setattr(_basis, "jvp_columns", refuse)


def both(run, *values):
    """``run(L, F, *tensors)`` in minitorch and torch on the same float64 values, compared: torch's result."""
    mine, theirs = [run(L, F, *[L.tensor(v, dtype=L.float64) for v in values])
                    for L, F in ((minitorch, minitorch.func), (torch, torch.func))]
    same(mine, theirs)
    return theirs


@pytest.mark.parametrize("name", OPS)
def test_jacobians_of_ops(name, monkeypatch):
    fn, rev_batched, fwd_batched = OPS[name]
    x = arrays(3, (3, 4))[0]
    passes = Passes(monkeypatch)
    rev = both(lambda L, F, x: F.jacrev(lambda x: fn(L, x))(x), x)
    if rev_batched:
        assert passes.backward == 1
    fwd = both(lambda L, F, x: F.jacfwd(lambda x: fn(L, x))(x), x)
    if fwd_batched:
        assert passes.forward == 1
    looped(monkeypatch)  # the loops give the same numbers
    same(minitorch.func.jacrev(lambda x: fn(minitorch, x))(minitorch.tensor(x)), rev)
    same(minitorch.func.jacfwd(lambda x: fn(minitorch, x))(minitorch.tensor(x)), fwd)


def f2(x, y):
    return (x[:, None] * y).tanh(), (x.sin() * y.sum()).exp()


@pytest.mark.parametrize("mode", ["jacrev", "jacfwd"])
def test_argnums_outputs_and_aux(mode, monkeypatch):
    passes = Passes(monkeypatch)
    xs = arrays(4, (3,), (2,))
    both(lambda L, F, x, y: getattr(F, mode)(f2, argnums=(0, 1))(x, y), *xs)
    both(lambda L, F, x, y: getattr(F, mode)(f2, argnums=1)(x, y), *xs)
    both(lambda L, F, x, y: getattr(F, mode)(lambda x, y: (f2(x, y)[0], {"aux": y * 2}), argnums=(1, 0),
                                             has_aux=True)(x, y), *xs)
    assert (passes.backward, passes.forward) == ((3, 0) if mode == "jacrev" else (0, 3))


@pytest.mark.parametrize("chunk_size", [None, 1, 2, 4, 100])
def test_jacrev_chunk_size(chunk_size, monkeypatch):
    passes = Passes(monkeypatch)
    both(lambda L, F, x, y: F.jacrev(f2, argnums=(0, 1), chunk_size=chunk_size)(x, y), *arrays(5, (3,), (2,)))
    outputs = 6 + 3  # elements of the two outputs: one pass per chunk of them (chunk_size 1: torch's loop)
    assert passes.backward == -(-outputs // (chunk_size or outputs))


def quartic(x):
    return (x ** 3).sum() * x.sin().sum() + x.logsumexp(0)


def test_nested(monkeypatch):
    passes = Passes(monkeypatch)
    x = arrays(6, (5,))
    hessian = both(lambda L, F, x: F.hessian(quartic)(x), *x)
    assert (passes.backward, passes.forward) == (1, 1)  # one forward pass over one backward pass
    both(lambda L, F, x: F.jacrev(F.jacrev(quartic))(x), *x)
    both(lambda L, F, x: F.jacfwd(F.jacfwd(lambda x: (x.tanh() * x).sum()))(x), *x)
    both(lambda L, F, x: F.jacrev(F.jacfwd(lambda x: x.sin() * x.sum()))(x), *x)
    both(lambda L, F, x: F.vmap(F.jacrev(lambda x: x.tanh() * x.sum()))(x), *arrays(6, (3, 5)))
    both(lambda L, F, x: F.vmap(F.hessian(quartic))(x), *arrays(6, (3, 5)))
    looped(monkeypatch)
    same(minitorch.func.hessian(quartic)(minitorch.tensor(x[0])), hessian)  # the loops: the same numbers


def test_hessian_argnums():
    both(lambda L, F, x, y: F.hessian(lambda x, y: (x.exp() * y).sum() * (x * x).sum(), argnums=(0, 1))(x, y),
         *arrays(8, (3,), (3,)))


class Doubling(Op):
    """z = 2x, with a VJP and a JVP that read their direction's raw array (np.asarray): under a batch of directions
    that is one direction's worth of the batch (or sample 0), silently wrong - the batched pass must not run it."""
    node_name = "DoublingBackward"

    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return _make(np.asarray(g._data) * 2)

    @staticmethod
    def jvp(ctx, out, tangents, x):
        return _make(np.asarray(tangents[0]._data) * 2)


def test_raw_reads_of_a_direction_send_to_the_loop(monkeypatch):
    passes = Passes(monkeypatch)
    x = minitorch.tensor(arrays(9, (4,))[0])
    expected = 2 * np.diag(np.cos(x.numpy()))
    f = lambda x: Doubling.apply(x.sin())  # noqa: E731
    np.testing.assert_allclose(minitorch.func.jacrev(f)(x).numpy(), expected, rtol=1e-12)
    assert passes.backward == 1 + 4  # the batched pass stopped, then one pass per row
    np.testing.assert_allclose(minitorch.func.jacfwd(f)(x).numpy(), expected, rtol=1e-12)
    assert passes.forward == 1 + 4


def test_shape_only_data():
    """During the pass a batched direction shows its shape and dtype; its values cannot be read."""
    with _basis.batch_of_directions(3) as level:
        t = minitorch.func._batched._batched(minitorch.zeros(3, 2, dtype=minitorch.float64), level)
        assert tuple(t.shape) == (2,) and t.dtype == minitorch.float64 and t.numel() == 2
        for read in (np.asarray, lambda d: d + 1, lambda d: np.ones(2) * d, lambda d: d[0], lambda d: d.copy()):
            with pytest.raises(_basis.NotBatchable):
                read(t._data)


def test_errors_and_randomness_as_before():
    """What the batched pass cannot do runs the loop, which raises torch's errors."""
    x = minitorch.tensor(arrays(10, (3,))[0])
    with pytest.raises(RuntimeError, match="randomness error mode"):
        minitorch.func.jacfwd(lambda x: x * minitorch.rand(3))(x)
    same(minitorch.func.jacfwd(lambda x: x * 0 + x.sum(), randomness="same")(x), torch.ones(3, 3, dtype=torch.float64))
    with pytest.raises(RuntimeError, match="int"):
        minitorch.func.jacrev(lambda x: (x > 0).long())(x)


def cube(L):
    class Cube(L.autograd.Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(x):
            return x ** 3

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])
            ctx.x = inputs[0]

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * 3 * x ** 2

        @staticmethod
        def jvp(ctx, t):
            return t * 3 * ctx.x ** 2
    return Cube


@pytest.mark.parametrize("mode", ["jacrev", "jacfwd", "hessian"])
def test_autograd_function(mode):
    """A user Function (its backward and jvp the user's, written for one direction): the loop, torch's values."""
    both(lambda L, F, x: getattr(F, mode)(lambda x: (cube(L).apply(x.sin()) * x.sum()).sum(0))(x), *arrays(11, (4,)))


@pytest.mark.parametrize("mode", ["jacrev", "jacfwd"])
def test_closure_over_a_batched_tensor_refused_as_before(mode):
    xs, y = minitorch.randn(3, 4, dtype=minitorch.float64), minitorch.randn(4, dtype=minitorch.float64)
    with pytest.raises(NotImplementedError, match="batched by an enclosing vmap"):
        minitorch.func.vmap(lambda x: getattr(minitorch.func, mode)(lambda y: y * x)(y))(xs)


NAMED = {"one": (lambda x, y: x.tanh() * x.sum(), 0), "two_in": (lambda x, y: x.tanh() * y.sum(), (0, 1)),
         "two_out": (lambda x, y: (x.sin(), y * x.sum()), (0, 1)), "scalar": (lambda x, y: (x * x).sum(), 0)}


@pytest.mark.parametrize("name", NAMED)
@pytest.mark.parametrize("mode", ["jacrev", "jacfwd"])
def test_node_names_of_the_blocks(mode, name):
    """Inputs that require grad from outside: the blocks keep their graph, with torch's node names."""
    f, argnums = NAMED[name]
    names = []
    for L, F in ((minitorch, minitorch.func), (torch, torch.func)):
        x, y = (L.tensor(a, requires_grad=True) for a in arrays(12, (4,), (2, 3)))
        flat = getattr(F, mode)(f, argnums=argnums)(x, y)
        flat = [flat] if isinstance(flat, L.Tensor) else [t for part in flat
                                                          for t in (part if isinstance(part, tuple) else (part,))]
        names.append([t.grad_fn.name() if t.grad_fn else None for t in flat])
    assert names[0] == names[1]
