"""autograd.Function under the minitorch.func transforms, against torch.func in float64 (docs/func.md, "Custom
Functions under the transforms"): the examples of torch's page "Extending torch.func with autograd.Function"
(NumpySort/NumpyTake with vmap staticmethods, MyCube with generate_vmap_rule) and a mul-by-2 with a jvp; vmap's
in_dims None / 0 / 1 and out_dims, nested vmap, vmap(grad), grad of vmap, jvp, jacrev, second order; the node
the generated rule records; and torch's errors, word for word."""
import functools

import numpy as np
import pytest
import torch
import torch.func

import minitorch
import minitorch.func
from harness import assert_close, same_error, same_graphs, same_nest

LIBS = (minitorch, torch)


def func(L):
    return minitorch.func if L is minitorch else torch.func


@functools.lru_cache(maxsize=None)
def functions(L):
    """The Functions of the tests, for library ``L``."""
    Function = L.autograd.Function

    def to_numpy(tensor):
        return tensor.detach().cpu().numpy()

    class NumpySort(Function):
        @staticmethod
        def forward(x, dim):
            x = to_numpy(x)
            ind = np.argsort(x, axis=dim, kind="stable")
            ind_inv = np.argsort(ind, axis=dim, kind="stable")
            return L.tensor(np.take_along_axis(x, ind, axis=dim)), L.tensor(ind), L.tensor(ind_inv)

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, dim = inputs
            _, ind, ind_inv = output
            ctx.mark_non_differentiable(ind, ind_inv)
            ctx.save_for_backward(ind, ind_inv)
            ctx.dim = dim

        @staticmethod
        def backward(ctx, grad_output, _0, _1):
            ind, ind_inv = ctx.saved_tensors
            return NumpyTake.apply(grad_output, ind_inv, ind, ctx.dim), None

        @staticmethod
        def vmap(info, in_dims, x, dim):
            x_bdim, _ = in_dims
            x = x.movedim(x_bdim, 0)
            dim = dim if dim >= 0 else dim + x.dim() - 1
            return NumpySort.apply(x, dim + 1), (0, 0, 0)

    class NumpyTake(Function):
        @staticmethod
        def forward(x, ind, ind_inv, dim):
            return L.tensor(np.take_along_axis(to_numpy(x), to_numpy(ind), dim))

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, ind, ind_inv, dim = inputs
            ctx.save_for_backward(ind, ind_inv)
            ctx.dim = dim

        @staticmethod
        def backward(ctx, grad_output):
            ind, ind_inv = ctx.saved_tensors
            return NumpyTake.apply(grad_output, ind_inv, ind, ctx.dim), None, None, None

        @staticmethod
        def vmap(info, in_dims, x, ind, ind_inv, dim):
            x_bdim, ind_bdim, ind_inv_bdim, _ = in_dims
            logical_dim = x.dim() if x_bdim is None else x.dim() - 1
            dim = dim if dim >= 0 else dim + logical_dim

            def maybe_expand_bdim_at_front(x, x_bdim):
                if x_bdim is None:
                    return x.expand(info.batch_size, *x.shape)
                return x.movedim(x_bdim, 0)
            x = maybe_expand_bdim_at_front(x, x_bdim)
            ind = maybe_expand_bdim_at_front(ind, ind_bdim)
            ind_inv = maybe_expand_bdim_at_front(ind_inv, ind_inv_bdim)
            return NumpyTake.apply(x, ind, ind_inv, dim + 1), 0

    class MyCube(Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(x):
            return x ** 3, 3 * x ** 2

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, = inputs
            result, dx = output
            ctx.save_for_backward(x, dx)
            ctx.save_for_forward(x, dx)

        @staticmethod
        def backward(ctx, grad_output, grad_dx):
            x, dx = ctx.saved_tensors
            return grad_output * dx + grad_dx * 6 * x

        @staticmethod
        def jvp(ctx, x_t):
            x, dx = ctx.saved_tensors
            return x_t * dx, 6 * x * x_t

    class MulBy2(Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(x):
            return x * 2

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g):
            return g * 2

        @staticmethod
        def jvp(ctx, t):
            return t * 2

    class ScaledMul(Function):
        """x * w with a deliberately unusual gradient for w (3·g·x, not g·x): the generated rule must run this
        backward, not differentiate forward. w may broadcast against x (the gradient summed to w's shape)."""
        generate_vmap_rule = True

        @staticmethod
        def forward(x, w):
            return x * w

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(*inputs)
            ctx.w_shape = inputs[1].shape

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            return g * w, 3 * g * x  # (the engine sums 3·g·x to w's shape per sample)

    class SignSte(Function):
        """sign(x) with the straight-through gradient: backward gives ones, the same for every sample (the
        generated rule expands it over the batch)."""
        generate_vmap_rule = True

        @staticmethod
        def forward(x):
            return x.sign()

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.shape = inputs[0].shape

        @staticmethod
        def backward(ctx, g):
            return L.ones(ctx.shape, dtype=L.float64)

    class Positive(Function):
        """x * 2 and the mask x > 0 (floating), marked non-differentiable in setup_context (the generated rule names
        the batch to the node)."""
        generate_vmap_rule = True

        @staticmethod
        def forward(x):
            return x * 2, (x > 0).to(x.dtype)

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.mark_non_differentiable(output[1])

        @staticmethod
        def backward(ctx, g, _):
            return g * 2

    class Info(Function):
        """A vmap staticmethod that shows what it was given: Info(x) + batch_size, and the info in ``seen``."""
        seen = []

        @staticmethod
        def forward(x):
            return x.clone()

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g):
            return g

        @staticmethod
        def jvp(ctx, t):
            return t * 3  # (not the derivative: the test sees that this jvp ran)

        @staticmethod
        def vmap(info, in_dims, x):
            Info.seen.append((info.batch_size, info.randomness))
            return Info.apply(x.movedim(in_dims[0], 0)) + info.batch_size, 0

    class Shared(Function):
        """A vmap staticmethod with an unbatched output (out_dims None) beside a batched one."""
        @staticmethod
        def forward(x):
            return x * 2, x.sum()

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g, h):
            return g * 2

        @staticmethod
        def vmap(info, in_dims, x):
            x = x.movedim(in_dims[0], 0)
            return (Shared.apply(x)[0], L.ones(3, dtype=x.dtype)), (0, None)

    def numpy_sort(x, dim=-1):
        return NumpySort.apply(x, dim)[0]

    def my_cube(x):
        return MyCube.apply(x)[0]

    return dict(NumpySort=NumpySort, NumpyTake=NumpyTake, MyCube=MyCube, MulBy2=MulBy2, ScaledMul=ScaledMul,
                SignSte=SignSte, Positive=Positive, Info=Info, Shared=Shared, numpy_sort=numpy_sort, my_cube=my_cube)


def both(run, *shapes, seed=0):
    """``run(L, F, functions(L), *tensors)`` in minitorch and torch on the same float64 values, compared."""
    rng = np.random.default_rng(seed)
    values = [rng.uniform(-1.5, 1.5, s) for s in shapes]
    mine, theirs = [run(L, func(L), functions(L), *[L.tensor(v, dtype=L.float64) for v in values]) for L in LIBS]
    same_nest(mine, theirs)


# -- the vmap staticmethod: NumpySort and NumpyTake ------------------------------------------------------------------
@pytest.mark.parametrize("in_dim,out_dim,dim", [(0, 0, -1), (1, 0, 0), (1, 1, -1), (0, 2, 1)])
def test_numpy_sort_vmap_staticmethod(in_dim, out_dim, dim):
    both(lambda L, F, fn, x: F.vmap(lambda x: fn["numpy_sort"](x, dim), in_dim, out_dim)(x), (4, 5, 3))


def test_numpy_sort_nested_vmap_and_all_outputs():
    # the inner vmap's staticmethod calls NumpySort.apply on a batch of the outer level: its staticmethod again
    both(lambda L, F, fn, x: F.vmap(F.vmap(lambda x: fn["NumpySort"].apply(x, 0)), in_dims=1)(x), (3, 2, 4))


def test_grad_of_vmap_runs_the_functions_backward_on_the_batch():
    def run(L, F, fn, x, u):
        return F.grad(lambda x: (F.vmap(fn["numpy_sort"])(x) * u).sum())(x)
    both(run, (3, 5), (3, 5))


def test_vmap_of_grad_and_jacrev_through_numpy_sort():
    def run(L, F, fn, x, u):
        per_sample = F.vmap(F.grad(lambda x, u: (fn["numpy_sort"](x) * u).sum()))(x, u)
        jacobians = F.vmap(F.jacrev(fn["numpy_sort"]), in_dims=1)(x)
        return per_sample, jacobians
    both(run, (3, 4), (3, 4))


def test_vmap_staticmethod_gets_batch_size_and_randomness():
    for L in LIBS:
        fn, F = functions(L), func(L)
        fn["Info"].seen.clear()
        x = L.arange(6, dtype=L.float64).reshape(2, 3)
        out = [F.vmap(fn["Info"].apply, in_dims=1, randomness=r)(x) for r in ("error", "same", "different")]
        # the inner level's staticmethod (batch 3, 'error') applies Info to a batch of the outer level (2, 'same')
        inner = F.vmap(F.vmap(fn["Info"].apply), randomness="same")(x)
        assert fn["Info"].seen == [(3, "error"), (3, "same"), (3, "different"), (3, "error"), (2, "same")]
        np.testing.assert_array_equal(out[0].numpy(), x.T.numpy() + 3)
        np.testing.assert_array_equal(inner.numpy(), x.numpy() + 5)


def test_jvp_through_a_vmap_staticmethod():
    # the staticmethod applies Info to the batch, whose jvp staticmethod gives the tangent (x + B: tangent 3·t)
    both(lambda L, F, fn, x, t: F.jvp(F.vmap(fn["Info"].apply, in_dims=1), (x,), (t,)), (2, 3), (2, 3))


def test_vmap_staticmethod_out_dims_none_and_unbatched_arguments():
    def run(L, F, fn, x):
        doubled, ones = F.vmap(fn["Shared"].apply)(x)
        unbatched = F.vmap(lambda a: fn["Shared"].apply(L.ones(2, dtype=L.float64))[0].sum() + a)(x)
        return doubled, ones, unbatched
    both(run, (4, 3))


# -- generate_vmap_rule: MyCube, ScaledMul -------------------------------------------------------------------------
@pytest.mark.parametrize("in_dim", [0, 1])
def test_my_cube_generated_rule(in_dim):
    both(lambda L, F, fn, x: F.vmap(fn["MyCube"].apply, in_dims=in_dim)(x), (3, 4))


def test_my_cube_generated_rule_records_one_node_running_the_backward():
    results = []
    for L in LIBS:
        x = L.tensor(np.linspace(-1, 1, 12).reshape(3, 4), dtype=L.float64, requires_grad=True)
        y, dx = func(L).vmap(functions(L)["MyCube"].apply)(x)
        assert y.grad_fn.name() == "VmappedMyCubeBackward"
        (gx,) = L.autograd.grad((y * dx).sum(), x, create_graph=True)
        (ggx,) = L.autograd.grad(gx.sum(), x)
        results.append((y, gx, ggx))
    same_graphs(results[0][:1], results[1][:1])
    same_nest(*results)


def test_my_cube_vmap_of_grad_and_second_order():
    def run(L, F, fn, x):
        cube = fn["my_cube"]
        return (F.vmap(F.grad(lambda x: cube(x).sum()))(x), F.vmap(F.grad(F.grad(cube)))(x.reshape(-1)),
                F.grad(lambda x: F.vmap(cube)(x).sum())(x), F.vmap(F.vmap(F.jacrev(cube)))(x))
    both(run, (3, 4))


@pytest.mark.parametrize("in_dims", [(0, None), (0, 0), (None, 0), (1, None)])
def test_generated_backward_brought_back_to_each_input(in_dims):
    # w unbatched: its gradient is summed over the batch; w (1, 4) broadcast in each sample: the per-sample gradient
    # is summed to (1, 4) (autograd's own summing could not tell the batch dim from the sample's)
    shapes = {(0, None): ((5, 3, 4), (1, 4)), (0, 0): ((5, 3, 4), (5, 1, 4)), (None, 0): ((3, 4), (5, 4)),
              (1, None): ((3, 5, 4), (3, 1, 4))}[in_dims]

    def run(L, F, fn, x, w):
        def loss(x, w):
            return (F.vmap(fn["ScaledMul"].apply, in_dims=in_dims)(x, w) ** 2).sum()
        return F.grad(loss, argnums=(0, 1))(x, w)
    both(run, *shapes)


def test_generated_backward_the_same_for_every_sample():
    def run(L, F, fn, x):
        return F.vmap(fn["SignSte"].apply)(x), F.grad(lambda x: (F.vmap(fn["SignSte"].apply, 1, 1)(x) * x).sum())(x)
    both(run, (3, 4))


def test_generated_rule_non_differentiable_output():
    def run(L, F, fn, x):
        x = x.requires_grad_()
        y, positive = F.vmap(fn["Positive"].apply)(x)
        # as without vmap; torch 2.14 loses the marking under its generated rule (there, positive.requires_grad is
        # True under vmap and False without: its CtxCustomSave passes the wrapped tensors to the node's ctx)
        assert positive.requires_grad is (L is torch)
        (gx,) = L.autograd.grad((y * y).sum(), x)
        return y, positive, gx
    both(run, (2, 3))


def test_generated_rule_jvp():
    def run(L, F, fn, x, t):
        outer = F.jvp(F.vmap(fn["MyCube"].apply), (x,), (t,))
        inner = F.vmap(lambda x, t: F.jvp(fn["MyCube"].apply, (x,), (t,)))(x, t)
        return outer, inner
    both(run, (3, 4), (3, 4))


def test_mul_by_2_jvp_and_vmap():
    def run(L, F, fn, x, t):
        mul = fn["MulBy2"].apply
        return (F.jvp(mul, (x,), (t,)), F.vmap(mul, in_dims=1, out_dims=1)(x),
                F.jvp(F.vmap(mul), (x,), (t,)), F.vmap(F.jacfwd(mul))(x))
    both(run, (2, 3), (2, 3))


def test_generated_rule_under_nested_vmap_and_outside_graph():
    def run(L, F, fn, x, w):
        w = w.requires_grad_()
        y = F.vmap(F.vmap(fn["ScaledMul"].apply, in_dims=(0, None)), in_dims=(1, None))(x, w)
        (gw,) = L.autograd.grad(y.sum(), w)
        return y, gw
    both(run, (3, 2, 4), (4,))


# -- torch's errors --------------------------------------------------------------------------------------------------
def _old_style(L):
    class OldStyle(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

        @staticmethod
        def jvp(ctx, t):
            return t * 2
    return OldStyle


def _rules(L, staticmethod_returns=None, generate=False):
    """MulBy2 with generate_vmap_rule as given, and a vmap staticmethod returning ``staticmethod_returns(L, x)``."""
    class Fn(functions(L)["MulBy2"]):
        generate_vmap_rule = generate
    if staticmethod_returns is not None:
        Fn.vmap = staticmethod(lambda info, in_dims, x: staticmethod_returns(L, x))
    return Fn


X = np.arange(12.0).reshape(3, 4)


@pytest.mark.parametrize("transform", ["vmap", "grad", "jvp", "vjp", "jacrev", "jacfwd", "vmap_grad", "closure"])
def test_function_without_setup_context_is_refused_inside_a_transform(transform):
    def run(L, x):
        F, apply = func(L), _old_style(L).apply
        return {"vmap": lambda: F.vmap(apply)(x), "grad": lambda: F.grad(lambda x: apply(x).sum())(x),
                "jvp": lambda: F.jvp(apply, (x,), (x,)), "vjp": lambda: F.vjp(apply, x),
                "jacrev": lambda: F.jacrev(apply)(x[0]), "jacfwd": lambda: F.jacfwd(apply)(x[0]),
                "vmap_grad": lambda: F.vmap(F.grad(lambda x: apply(x).sum()))(x),
                "closure": lambda: F.grad(lambda x: (apply(L.ones(4, dtype=x.dtype)) * x).sum())(x)}[transform]()
    same_error(run, X)


def test_function_without_setup_context_still_works_outside_the_transforms():
    for L in LIBS:
        x = L.tensor(X, requires_grad=True)
        _old_style(L).apply(x).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), np.full((3, 4), 2.0))


@pytest.mark.parametrize("case", ["neither", "neither_unbatched", "both", "not_a_tuple", "three", "out_dims"])
def test_vmap_rule_errors(case):
    returns = {"not_a_tuple": lambda L, x: x * 2, "three": lambda L, x: (x * 2, 0, 0),
               "out_dims": lambda L, x: (x * 2, (0, 0)), "both": lambda L, x: (x * 2, 0)}.get(case)

    def run(L, x):
        fn = _rules(L, returns, generate=case == "both")
        if case == "neither_unbatched":  # refused even when no argument is batched, as torch
            return func(L).vmap(lambda a: fn.apply(L.ones(2, dtype=L.float64)).sum() + a)(x)
        return func(L).vmap(fn.apply)(x)
    same_error(run, X, words=lambda message: message.replace("minitorch.tensor.Tensor", "torch.Tensor"))


def test_vmap_rule_error_inside_vmap_of_grad():
    same_error(lambda L, x: func(L).vmap(func(L).grad(lambda x: _rules(L).apply(x).sum()))(x), X)


def test_function_default_vmap_staticmethod_raises():
    same_error(lambda L, x: _rules(L).vmap(None, (0,), x), X)


# -- checkpoint's internal Function ----------------------------------------------------------------------------------
def test_non_reentrant_checkpoint_under_vmap():
    # (minitorch only: torch 2.14's backward through it fails inside functorch; minitorch's runs)
    from minitorch.utils.checkpoint import checkpoint
    x = minitorch.tensor(np.linspace(-1, 2, 6).reshape(2, 3), requires_grad=True)

    def f(t):
        return t.sin() * t
    y = minitorch.func.vmap(lambda x: checkpoint(f, x, use_reentrant=False, preserve_rng_state=False))(x)
    y.sum().backward()
    assert_close(y.detach().numpy(), f(x.detach()).numpy())
    assert_close(x.grad.numpy(), (x.detach().cos() * x.detach() + x.detach().sin()).numpy())


def test_generated_rule_in_place_function():
    # (minitorch only: torch 2.14 refuses mark_dirty under its generated rule, "Some elements marked as dirty during
    # the forward method were not returned as output"; minitorch modifies the batch, as without vmap)
    class AddOne(minitorch.autograd.Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(x):
            return x.add_(1)

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.mark_dirty(inputs[0])

        @staticmethod
        def backward(ctx, g):
            return g
    z = minitorch.arange(6, dtype=minitorch.float64).reshape(2, 3)
    out = minitorch.func.vmap(AddOne.apply)(z)
    assert out is z
    np.testing.assert_array_equal(z.numpy(), np.arange(1.0, 7.0).reshape(2, 3))
