"""vmap composed with minitorch.func's other transforms, against torch.func in float64: per-sample gradients
(vmap(grad) with unbatched weights, the "Per-sample-gradients" tutorial's MLP through functional_call),
vmap of grad_and_value, vjp (and vmap of a vjp_fn), jvp, jacrev, jacfwd, hessian; grad of a vmapped function;
nested vmap(vmap(grad)); and the composition minitorch refuses (NotImplementedError, never a wrong value)."""
import numpy as np
import pytest
import torch
import torch.func

import minitorch
import minitorch.func
from harness import assert_close, same_nest as same, uniform_arrays as arrays

LIBS = ((minitorch, minitorch.func), (torch, torch.func))


def both(run, *values):
    """``run(L, F, *tensors)`` in minitorch and torch on the same float64 values, compared."""
    mine, theirs = [run(L, F, *[L.tensor(v, dtype=L.float64) for v in values]) for L, F in LIBS]
    same(mine, theirs)


def loss(w, x, y):
    return ((x @ w.T - y) ** 2).sum()


@pytest.mark.parametrize("seed", range(3))
def test_per_sample_gradients_regression(seed):
    # was silently wrong (max abs diff 11.4): the unbatched W gets one gradient per sample
    both(lambda L, F, w, x, y: F.vmap(F.grad(loss), in_dims=(None, 0, 0))(w, x, y),
         *arrays(seed, (3, 4), (5, 4), (5, 3)))


def test_vmap_grad_argnums_and_aux():
    def f(w, x, y):
        return loss(w, x, y), (x * w.sum()).sum()
    both(lambda L, F, w, x, y: F.vmap(F.grad(f, argnums=(0, 1), has_aux=True), in_dims=(None, 0, 0))(w, x, y),
         *arrays(1, (3, 4), (5, 4), (5, 3)))
    both(lambda L, F, w, x, y: F.vmap(F.grad_and_value(f, has_aux=True), in_dims=(None, 0, 0),
                                      out_dims=(1, 0))(w, x, y),
         *arrays(2, (3, 4), (5, 4), (5, 3)))


def test_per_sample_gradients_tutorial():
    """PyTorch's "Per-sample-gradients" tutorial: a small model's loss for one sample, functional_call over its
    parameters, vmap(grad) over the batch; equal to the gradients taken one sample at a time."""
    w1, b1, w2, b2, data = arrays(3, (8, 6), (8,), (3, 8), (3,), (4, 6))
    targets = np.array([0, 2, 1, 2])
    results = []
    for L, F in LIBS:
        model = L.nn.Sequential(L.nn.Linear(6, 8), L.nn.ReLU(), L.nn.Linear(8, 3)).double()
        params = {k: L.tensor(v, dtype=L.float64) for k, v in zip(("0.weight", "0.bias", "2.weight", "2.bias"),
                                                                     (w1, b1, w2, b2))}

        def compute_loss(params, sample, target):
            predictions = F.functional_call(model, params, (sample.unsqueeze(0),))
            return L.nn.functional.cross_entropy(predictions, target.unsqueeze(0))

        x, t = L.tensor(data, dtype=L.float64), L.tensor(targets)
        grads = F.vmap(F.grad(compute_loss), in_dims=(None, 0, 0))(params, x, t)
        loop = [F.grad(compute_loss)(params, x[i], t[i]) for i in range(4)]
        for k in params:
            assert_close(grads[k].numpy(), L.stack([g[k] for g in loop]).numpy(), np.float64, k, scale=100)
        results.append(grads)
    same(*results)


@pytest.mark.parametrize("name, run", [
    ("jacrev", lambda L, F, x: F.vmap(F.jacrev(lambda a: a.sin() * a.sum()))(x)),
    ("jacfwd", lambda L, F, x: F.vmap(F.jacfwd(lambda a: a.sin() * a.sum()))(x)),
    ("hessian", lambda L, F, x: F.vmap(F.hessian(lambda a: (a.sin() * a).sum() * a.cos().sum()))(x)),
    ("jacrev_in_dim_1", lambda L, F, x: F.vmap(F.jacrev(lambda a: a.exp() * a[0]), in_dims=1)(x)),
    ("grad_of_vmap", lambda L, F, x: F.grad(
        lambda a: F.vmap(lambda r, s: (r * s).tanh().sum(), in_dims=(None, 0))(a[0], x).sum())(x)),
    ("grad_of_vmap_grad", lambda L, F, x: F.grad(
        lambda a: F.vmap(F.grad(lambda r, s: (r * s).tanh().sum()), in_dims=(None, 0))(a[0], x).pow(2).sum())(x)),
    ("vmap_vmap_grad", lambda L, F, x: F.vmap(F.vmap(F.grad(lambda r, s: (r.sin() * s).sum(), argnums=(0, 1)),
                                                    in_dims=(None, 0)), in_dims=(0, None))(x, x)),
])
def test_jacobians_under_vmap(name, run):
    both(run, *arrays(4, (3, 4)))


def test_vmap_jvp_vjp():
    f = lambda a: a.sin() * a.sum()  # noqa: E731
    x, v = arrays(5, (5, 4), (5, 4))
    both(lambda L, F, x, v: F.vmap(lambda a, b: F.jvp(f, (a,), (b,)))(x, v), x, v)
    both(lambda L, F, x, v: F.vmap(lambda a: F.jvp(f, (a,), (a.cos(),)))(x), x, v)
    both(lambda L, F, x, v: F.vmap(lambda a, b: F.vjp(f, a)[1](b))(x, v), x, v)
    both(lambda L, F, x, v: F.vmap(lambda a: F.vjp(f, a)[0])(x), x, v)
    # vmap of a vjp_fn made outside: the tutorial's Jacobian, one cotangent per unit vector
    both(lambda L, F, x: F.vmap(F.vjp(f, x[0])[1])(L.eye(4, dtype=L.float64)), x)
    # vjp_fn of a batched vjp called with an unbatched cotangent, and inside a vmap of its own
    both(lambda L, F, x: F.vmap(lambda a: F.vjp(f, a)[1](L.ones(4, dtype=L.float64)))(x), x)
    both(lambda L, F, x: F.vmap(lambda a: F.vmap(F.vjp(f, a)[1])(L.eye(4, dtype=L.float64)))(x), x)


def test_closure_batched_refused():
    # torch differentiates through a closed-over batched tensor; minitorch refuses rather than give a wrong value
    x, w = minitorch.tensor(arrays(6, (5, 4))[0]), minitorch.ones(4, dtype=minitorch.float64)
    F = minitorch.func
    with pytest.raises(NotImplementedError, match="closes over"):
        F.vmap(lambda a: F.grad(lambda v: (v * a).sum())(w))(x)
    with pytest.raises(NotImplementedError, match="closes over"):
        F.vmap(lambda a: F.jvp(lambda v: v * a, (w,), (w,)))(x)
    with pytest.raises(NotImplementedError, match="closes over"):
        F.vmap(lambda a: F.jacrev(lambda v: v * a)(w))(x)


def test_randomness_under_vmap_of_jacfwd():
    # jacfwd inside vmap: the vmap's randomness watches the draws (a function that draws none runs)
    for L, F in LIBS:
        x = L.ones(3, 2, dtype=L.float64)
        with pytest.raises(RuntimeError, match="randomness error mode"):
            F.vmap(F.jacfwd(lambda a: a * L.rand(2, dtype=L.float64)))(x)


def test_randomness_same_under_vmap_of_grad():
    # 'same': every sample sees the same draw, as torch's one batched call does (the engines' draws differ, so
    # each is checked against its own first sample)
    for L, F in LIBS:
        x = L.ones(3, 4, dtype=L.float64)
        g = F.vmap(F.grad(lambda a: (a * L.rand(4, dtype=L.float64)).sum()), randomness="same")(x)
        assert tuple(g.shape) == (3, 4) and bool((g == g[0]).all()) and not bool((g[0] == g[0][0]).all())
        with pytest.raises(RuntimeError, match="randomness error mode"):
            F.vmap(F.grad(lambda a: (a * L.rand(4, dtype=L.float64)).sum()))(x)
        different = F.vmap(F.grad(lambda a: (a * L.rand(4, dtype=L.float64)).sum()), randomness="different")(x)
        assert not bool((different == different[0]).all())


def test_vmap_of_aux_and_linearize():
    f = lambda a: (a.sin() * a.sum(), a.cos().sum())  # noqa: E731
    x, v = arrays(7, (5, 4), (5, 4))
    both(lambda L, F, x, v: F.vmap(lambda a, b: F.jvp(f, (a,), (b,), has_aux=True))(x, v), x, v)
    both(lambda L, F, x, v: F.vmap(lambda a, b: (lambda r: (r[0], r[1](b), r[2]))(F.vjp(f, a, has_aux=True)))(x, v),
         x, v)
    both(lambda L, F, x, v: F.vmap(F.jacrev(f, has_aux=True))(x), x, v)
    both(lambda L, F, x, v: F.vmap(F.jacfwd(f, has_aux=True))(x), x, v)
    # torch's linearize cannot be vmapped (no batching rule for aten::_make_dual); minitorch's equals vmap(jvp)
    g = lambda c: c.exp() * c.sum()  # noqa: E731
    mine = minitorch.func.vmap(lambda a, b: minitorch.func.linearize(g, a)[1](b))(minitorch.tensor(x),
                                                                                   minitorch.tensor(v))
    same(mine, torch.func.vmap(lambda a, b: torch.func.jvp(g, (a,), (b,))[1])(torch.tensor(x), torch.tensor(v)))
