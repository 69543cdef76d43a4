"""grad, grad_and_value, vjp and jacrev inside vmap run once on the whole batch (minitorch/func/_at_once.py):
the same values as torch.func in float64 (the per-sample-gradients tutorial's CNN, an MLP, in_dims (None, 0, 0),
has_aux, nested vmap, jacrev, vjp, a closure over a tensor of the same vmap), the function called once; and the
cases that run once per sample instead (a random draw, an op without a batching rule, an in-place write to an
unbatched tensor, a Python read of a value, an autograd.Function), still right."""
import re

import numpy as np
import pytest
import torch
import torch.func

import minitorch
import minitorch.func
from harness import assert_close, same_nest as same, uniform_arrays as arrays

LIBS = ((minitorch, minitorch.func), (torch, torch.func))


class Calls:
    """A function wrapped to count its calls: 1 when the transform ran at once, 1 + B when it looped."""

    def __init__(self, fn):
        self.fn, self.count = fn, 0

    def __call__(self, *args, **kwargs):
        self.count += 1
        return self.fn(*args, **kwargs)


def both(run, values, calls=1):
    """``run(L, F, counted, *tensors)`` in both engines on the same float64 values, compared; ``counted(f)``
    wraps a function whose calls in minitorch must number ``calls``."""
    results, counters = [], []
    for L, F in LIBS:
        counter = []

        def counted(fn):
            counter.append(Calls(fn))
            return counter[-1]
        results.append(run(L, F, counted, *[L.tensor(v, dtype=L.float64) for v in values]))
        counters.append(counter)
    same(*results)
    assert [c.count for c in counters[0]] == [calls] * len(counters[0])


def mse(w, x, y):
    return ((x @ w.T).tanh() - y).pow(2).sum()


def test_per_sample_gradients_run_once():
    both(lambda L, F, c, w, x, y: F.vmap(F.grad(c(mse)), in_dims=(None, 0, 0))(w, x, y),
         arrays(0, (3, 4), (5, 4), (5, 3)))
    # in_dims (0, None, 0): a batched weight, a shared input; and the batch dimension elsewhere
    both(lambda L, F, c, w, x, y: F.vmap(F.grad(c(mse)), in_dims=(0, None, 1))(w, x, y),
         arrays(1, (5, 3, 4), (2, 4), (2, 5, 3)))


def test_argnums_aux_and_value():
    def f(w, x, y):
        return mse(w, x, y), {"scaled": (x * w.sum()).sum(), "w": w * 2}
    values = arrays(2, (3, 4), (5, 4), (5, 3))
    both(lambda L, F, c, w, x, y: F.vmap(F.grad(c(f), argnums=(0, 1), has_aux=True), in_dims=(None, 0, 0))(w, x, y),
         values)
    both(lambda L, F, c, w, x, y: F.vmap(F.grad_and_value(c(f), has_aux=True), in_dims=(None, 0, 0),
                                         out_dims=(1, 0))(w, x, y), values)
    both(lambda L, F, c, w, x, y: F.vmap(F.grad_and_value(c(mse), argnums=2), in_dims=(None, 0, 0))(w, x, y), values)


def test_mlp_through_functional_call():
    """An MLP (linear, tanh, log_softmax, nll_loss) as a function of its parameters, per-sample gradients."""
    w1, b1, w2, b2, data = arrays(3, (8, 6), (8,), (3, 8), (3,), (5, 6))
    results = []
    for L, F in LIBS:
        model = L.nn.Sequential(L.nn.Linear(6, 8), L.nn.Tanh(), L.nn.Linear(8, 3), L.nn.LogSoftmax(1)).double()
        params = {k: L.tensor(v, dtype=L.float64) for k, v in zip(("0.weight", "0.bias", "2.weight", "2.bias"),
                                                                     (w1, b1, w2, b2))}
        loss = Calls(lambda p, x, t: L.nn.functional.nll_loss(F.functional_call(model, p, (x.unsqueeze(0),)),
                                                              t.unsqueeze(0)))
        results.append(F.vmap(F.grad(loss), in_dims=(None, 0, 0))(params, L.tensor(data), L.tensor([0, 2, 1, 2, 0])))
        assert L is torch or loss.count == 1
    same(*results)


def test_per_sample_grads_tutorial_cnn():
    """examples/per_sample_grads.py's SimpleCNN (conv, relu, max_pool2d, linear, log_softmax, nll_loss), at a
    batch of 3 in float64: torch.func's per-sample gradients, from one call of the loss."""
    results = []
    for L, F in LIBS:
        nn, fn = L.nn, L.nn.functional
        L.manual_seed(0)
        convs = nn.Conv2d(1, 32, 3, 1), nn.Conv2d(32, 64, 3, 1)
        fcs = nn.Linear(9216, 128), nn.Linear(128, 10)
        model = nn.ModuleDict({"conv1": convs[0], "conv2": convs[1], "fc1": fcs[0], "fc2": fcs[1]}).double()

        def forward(p, x):
            x = fn.relu(fn.conv2d(x, p["conv1.weight"], p["conv1.bias"]))
            x = fn.max_pool2d(fn.relu(fn.conv2d(x, p["conv2.weight"], p["conv2.bias"])), 2)
            x = fn.relu(fn.linear(L.flatten(x, 1), p["fc1.weight"], p["fc1.bias"]))
            return fn.log_softmax(fn.linear(x, p["fc2.weight"], p["fc2.bias"]), dim=1)
        loss = Calls(lambda p, x, t: fn.nll_loss(forward(p, x.unsqueeze(0)), t.unsqueeze(0)))
        params = {k: L.tensor(v, dtype=L.float64) for k, v in zip(
            [k for k, _ in model.named_parameters()], arrays(4, *[tuple(v.shape) for v in model.parameters()]))}
        params = {k: v / (v[0].numel() ** 0.5 if v.ndim > 1 else 4) for k, v in params.items()}
        data, targets = L.tensor(arrays(5, (3, 1, 28, 28))[0]), L.tensor([3, 9, 0])
        results.append(F.vmap(F.grad(loss), in_dims=(None, 0, 0))(params, data, targets))
        assert L is torch or loss.count == 1
    same(*results)


def test_nested_vmap_jacrev_vjp():
    f = lambda r, s: (r.sin() * s).sum()  # noqa: E731
    x = arrays(6, (3, 4))
    both(lambda L, F, c, x: F.vmap(F.vmap(F.grad(c(f), argnums=(0, 1)), in_dims=(None, 0)), in_dims=(0, None))(x, x),
         x)
    g = lambda w, a: (a @ w.T).sin() * a.sum()  # noqa: E731
    values = arrays(7, (3, 4), (5, 4))
    both(lambda L, F, c, w, a: F.vmap(F.jacrev(c(g), argnums=(0, 1)), in_dims=(None, 0))(w, a), values)
    both(lambda L, F, c, w, a: F.vmap(F.jacrev(c(lambda w, a: (g(w, a), {"n": a * w.sum()})), has_aux=True),
                                      in_dims=(None, 0))(w, a), values)
    both(lambda L, F, c, w, a: F.vmap(lambda a: F.vjp(c(g), w, a)[1](a[:3].cos()))(a), values)
    with_aux = lambda w, a: (g(w, a), w.sum() * a)  # noqa: E731
    both(lambda L, F, c, w, a: F.vmap(lambda a: F.vjp(c(with_aux), w, a, has_aux=True)[2])(a), values)
    # second order: jacrev of jacrev per sample, and grad of each sample's gradient norm
    both(lambda L, F, c, w, a: F.vmap(F.jacrev(F.jacrev(c(lambda a: a.sin() * a.sum()))))(a), values)
    both(lambda L, F, c, w, a: F.grad(lambda w: F.vmap(F.grad(c(lambda w, a: (a @ w.T).tanh().sum())),
                                                       in_dims=(None, 0))(w, a).pow(2).sum())(w), values)


def test_inplace_on_the_batch_and_embedding():
    # an in-place op on an intermediate (relu_) stays at once; an embedding table differentiated per sample is a
    # batched table (each sample's indices into its own copy; scale_grad_by_freq counts one sample's indices)
    both(lambda L, F, c, w, x: F.vmap(F.grad(c(lambda w, x: L.nn.functional.relu(x @ w.T, inplace=True).pow(2).sum())),
                                      in_dims=(None, 0))(w, x), arrays(12, (3, 4), (5, 6, 4)))
    indices = np.array([[0, 2, 2, 1], [1, 1, 1, 1], [2, 0, 1, 2]])
    for scale in (False, True):
        both(lambda L, F, c, w: F.vmap(F.grad(c(lambda w, i: L.nn.functional.embedding(
            i, w, scale_grad_by_freq=scale).sin().pow(2).sum())), in_dims=(None, 0))(w, L.tensor(indices)),
             arrays(13, (3, 5)))
    both(lambda L, F, c, w: F.vmap(lambda w: L.nn.functional.embedding(L.tensor(indices), w).sin())(w),
         arrays(14, (2, 3, 5)), calls=0)


def test_batch_norm_in_eval_mode():
    # the running estimates are constants: per-sample gradients of a conv net with BatchNorm2d in eval mode, at once;
    # and vmap of batch_norm with a batched weight and bias
    mean, var, images = np.array([0.3, -0.2]), np.array([0.5, 2.0]), arrays(15, (4, 1, 3, 5, 5))[0]

    def per_sample(L, F, c, w, gamma, beta):
        net = L.nn.Sequential(L.nn.Conv2d(3, 2, 3), L.nn.BatchNorm2d(2), L.nn.Tanh()).double().eval()
        params = {"0.weight": w, "0.bias": beta, "1.weight": gamma, "1.bias": beta * 2}
        buffers = {"1.running_mean": L.tensor(mean), "1.running_var": L.tensor(var)}
        loss = c(lambda p, x: F.functional_call(net, (p, buffers), (x,)).pow(2).sum())
        return F.vmap(F.grad(loss), in_dims=(None, 0))(params, L.tensor(images))
    both(per_sample, arrays(16, (2, 3, 3, 3), (2,), (2,)))
    both(lambda L, F, c, x, gamma, beta: F.vmap(lambda x, g, b: L.nn.functional.batch_norm(
        x, L.tensor(mean), L.tensor(var), g, b), in_dims=(0, 0, None))(x, gamma, beta),
         arrays(17, (4, 3, 2, 5), (4, 2), (2,)), calls=0)


def test_closure_over_a_tensor_of_the_same_vmap():
    # the closed-over y is batched by the vmap that batches the argument: one more batched input (torch agrees)
    both(lambda L, F, c, x, y: F.vmap(lambda x, y: F.grad(c(lambda x: (x.sin() * y).sum()))(x))(x, y),
         arrays(8, (5, 4), (5, 4)))


@pytest.mark.filterwarnings("ignore:There is a performance drop")  # (vmap's per-sample copy into a slice)
def test_setitem_inside_vmap():
    # writing into a batched tensor writes every sample (it wrote sample 0 only); into an unbatched one, refused.
    # Under grad, the write has no batching rule: the run at once stops and grad runs per sample (1 + 3 calls)
    def f(x):
        out = x.clone()
        out[0] = x[1] * 2
        return (out * x).sum()
    both(lambda L, F, c, x: (F.vmap(f)(x), F.vmap(F.grad(c(f)))(x)), arrays(9, (3, 2)), calls=4)
    x = minitorch.ones(3, 2)
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        minitorch.func.vmap(lambda a: minitorch.zeros(2).__setitem__(0, a[1]))(x)


class Sine(minitorch.autograd.Function):
    generate_vmap_rule = True  # (vmap may run it on a batch; its backward is still written for one sample)

    @staticmethod
    def forward(a):
        return a.sin()

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, g):
        return g * ctx.saved_tensors[0].cos()


@pytest.mark.parametrize("case", ["random", "reseed", "no_rule", "inplace_unbatched", "item", "function"])
def test_what_cannot_run_at_once_loops(case):
    w, xs = [minitorch.tensor(a) for a in arrays(10, (3, 4), (5, 4))]
    buffer = minitorch.zeros(3, dtype=minitorch.float64)

    def f(w, x):
        y = x @ w.T
        if case == "random":
            y = y * minitorch.rand(3, dtype=minitorch.float64)
        elif case == "reseed":  # manual_seed inside: each sample's call seeds, then draws
            minitorch.manual_seed(3)
            y = y * minitorch.rand(3, dtype=minitorch.float64)
        elif case == "no_rule":  # cdist has no batching rule: vmap would run it per sample
            y = minitorch.cdist(y.reshape(3, 1), w[:, :1]).sum(1)
        elif case == "inplace_unbatched":  # each sample's call adds 1 to the buffer, as the loop does
            buffer.add_(1.0)
            y = y * buffer
        elif case == "item":  # a Python value: fine for one sample
            y = y * float(x.sum() > 0)
        elif case == "function":  # an autograd.Function: its backward is the user's, written for one sample
            y = Sine.apply(y)
        return y.sin().sum()
    counted = Calls(f)
    minitorch.manual_seed(0)
    grads = minitorch.func.vmap(minitorch.func.grad(counted), in_dims=(None, 0), randomness="same")(w, xs)
    assert counted.count == 1 + 5  # the run at once stopped, then once per sample
    minitorch.manual_seed(0)
    if case == "random":  # randomness='same': every sample sees the first sample's draw
        draw = minitorch.rand(3, dtype=minitorch.float64)
        expected = minitorch.stack([minitorch.func.grad(lambda w: ((x @ w.T) * draw).sin().sum())(w) for x in xs])
    else:
        buffer.zero_()  # (the stopped run wrote nothing into it)
        expected = minitorch.stack([minitorch.func.grad(f)(w, x) for x in xs])
    assert_close(grads.numpy(), expected.numpy(), np.float64, case)


def test_vjp_fn_errors_as_one_sample():
    # a cotangent of the wrong shape: the one-sample vjp_fn's error, torch's (shapes of one sample)
    for L, F in LIBS:
        w, xs = [L.tensor(a) for a in arrays(11, (3, 4), (5, 4))]
        message = "Mismatch in shape: grad_output[0] has a shape of torch.Size([4]) and output[0] has a shape of " \
                  "torch.Size([3])"
        with pytest.raises(RuntimeError, match=re.escape(message)):
            F.vmap(lambda x: F.vjp(lambda w, x: x @ w.T, w, x)[1](L.ones(4, dtype=L.float64)))(xs)
