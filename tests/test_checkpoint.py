"""Saved-tensor hooks (``autograd.graph``) and activation checkpointing (``utils.checkpoint``) against torch:
what a graph saves, what backward gets back, the gradients (first and second order), the errors, and how
many bytes a checkpointed net keeps."""
import warnings

import numpy as np
import pytest
import torch

import minitorch

ENGINES = [torch, minitorch]


def _inputs(lib, seed=0):
    rng = np.random.default_rng(seed)
    w = lib.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    x = lib.tensor(rng.standard_normal((2, 4)), requires_grad=True)
    return x, w


def _f(x, w):
    """mul, matmul, tanh, exp, sum: ops that save inputs, outputs or both."""
    return ((x * x) @ w.t()).tanh().exp().sum()


def test_pack_sees_what_each_op_saves_as_torch():
    """The tensors handed to the pack hook: the same values, shapes and requires_grad as torch's."""
    seen = {}
    for lib in ENGINES:
        x, w = _inputs(lib)
        packed = seen[lib.__name__] = []
        with lib.autograd.graph.saved_tensors_hooks(lambda t: packed.append(t.detach().numpy().copy()) or t,
                                                    lambda t: t):
            _f(x, w)
    assert len(seen["minitorch"]) == len(seen["torch"])
    # the order within one node may differ (torch's generated code saves mm's mat2 before self)
    key = lambda a: (a.shape, round(float(a.sum()), 9))  # noqa: E731
    for a, b in zip(sorted(seen["minitorch"], key=key), sorted(seen["torch"], key=key)):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("pack,unpack", [
    (lambda t: t, lambda t: t),                                     # identity
    (lambda t: t.detach().numpy().copy(), lambda a: None),          # kept as a NumPy copy (unpack set below)
    (lambda t: t * 1, lambda t: t),                                 # a copy made by an operation
])
def test_gradients_through_hooks_equal_plain_backward(pack, unpack):
    for lib in ENGINES:
        x, w = _inputs(lib)
        plain = [g.detach().numpy() for g in lib.autograd.grad(_f(x, w), (x, w), create_graph=True)]
        un = unpack if pack(x) is not None and not isinstance(pack(x), np.ndarray) else \
            (lambda a, lib=lib: lib.from_numpy(a))
        with lib.autograd.graph.saved_tensors_hooks(pack, un):
            y = _f(x, w)
        grads = lib.autograd.grad(y, (x, w), create_graph=True)
        for g, p in zip(grads, plain):
            np.testing.assert_allclose(g.detach().numpy(), p, rtol=1e-12)


def test_second_order_through_identity_hooks_as_torch():
    """create_graph through unpacked tensors: they reconnect to the graph where the saved ones were."""
    results = []
    for lib in ENGINES:
        x, w = _inputs(lib)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            y = _f(x, w)
        gx, = lib.autograd.grad(y, x, create_graph=True)
        results.append([g.detach().numpy() for g in lib.autograd.grad(gx.square().sum(), (x, w))])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-10)


def _error(fn):
    try:
        fn()
    except Exception as e:  # the error is what is compared
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize("case", ["unpack returns an int", "pack changes its input", "hooks disabled",
                                  "disable while active", "backward twice"])
def test_hook_errors_as_torch(case):
    def run(lib):
        x, w = _inputs(lib)
        graph = lib.autograd.graph
        if case == "unpack returns an int":
            with graph.saved_tensors_hooks(lambda t: t, lambda t: 3):
                y = x.exp().sum()
            y.backward()
        elif case == "pack changes its input":
            with graph.saved_tensors_hooks(lambda t: t.add_(1), lambda t: t):
                (x * 2).exp()
        elif case == "hooks disabled":
            with graph.disable_saved_tensors_hooks("no hooks here"):
                with graph.saved_tensors_hooks(lambda t: t, lambda t: t):
                    pass
        elif case == "disable while active":
            with graph.saved_tensors_hooks(lambda t: t, lambda t: t):
                with graph.disable_saved_tensors_hooks("no hooks here"):
                    pass
        else:
            with graph.saved_tensors_hooks(lambda t: t * 1, lambda t: t):
                y = x.exp().sum()
            y.backward()
            y.backward()
    theirs, mine = _error(lambda: run(torch)), _error(lambda: run(minitorch))
    assert theirs is not None and mine is not None
    assert mine[0] == theirs[0]
    assert mine[1].split("\n")[0] == theirs[1].split("\n")[0]


def test_save_on_cpu_gradients():
    for lib in ENGINES:
        x, w = _inputs(lib)
        with lib.autograd.graph.save_on_cpu():
            y = _f(x, w)
        y.backward()
        x2, w2 = _inputs(lib)
        _f(x2, w2).backward()
        np.testing.assert_allclose(x.grad.numpy(), x2.grad.numpy(), rtol=1e-12)


def _net(lib, dropout):
    lib.manual_seed(0)
    layers = [lib.nn.Linear(6, 8), lib.nn.Tanh(), lib.nn.Linear(8, 8), lib.nn.ReLU(),
              lib.nn.Dropout(0.5 if dropout else 0.0), lib.nn.Linear(8, 3)]
    net = lib.nn.Sequential(*layers).double()
    state = torch.nn.Sequential(*[torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8),
                                  torch.nn.ReLU(), torch.nn.Dropout(0.0), torch.nn.Linear(8, 3)]).double()
    torch.manual_seed(0)
    for p in state.parameters():
        torch.nn.init.normal_(p)
    net.load_state_dict({k: lib.tensor(v.detach().numpy()) for k, v in state.state_dict().items()})
    return net


def _grads(net):
    return [p.grad.numpy().copy() for p in net.parameters()]


@pytest.mark.parametrize("use_reentrant", [False, True])
@pytest.mark.parametrize("how", ["checkpoint", "sequential"])
def test_checkpoint_gradients_as_torch_and_as_unchecked(use_reentrant, how):
    x = np.random.default_rng(1).standard_normal((5, 6))
    results = {}
    for lib in ENGINES:
        cp = lib.utils.checkpoint
        net = _net(lib, dropout=False)
        inp = lib.tensor(x, requires_grad=True)
        if how == "checkpoint":
            out = cp.checkpoint(lambda a: net[2:4](net[0:2](a)), inp, use_reentrant=use_reentrant)
            out = net[4:](out)
        else:
            out = cp.checkpoint_sequential(net, 2, inp, use_reentrant=use_reentrant)
        out.square().sum().backward()
        checked = _grads(net) + [inp.grad.numpy().copy()]
        net.zero_grad()
        inp.grad = None
        net(inp).square().sum().backward()
        plain = _grads(net) + [inp.grad.numpy().copy()]
        for a, b in zip(checked, plain):
            np.testing.assert_allclose(a, b, rtol=1e-12)
        results[lib.__name__] = checked
    for a, b in zip(results["minitorch"], results["torch"]):
        np.testing.assert_allclose(a, b, rtol=1e-10)


@pytest.mark.parametrize("use_reentrant", [False, True])
def test_dropout_mask_is_drawn_again_the_same(use_reentrant):
    """preserve_rng_state: the recomputation draws dropout's mask from the forward pass's generator state, so
    the gradients equal those of the same unchecked forward (same seed)."""
    x = minitorch.tensor(np.random.default_rng(2).standard_normal((7, 6)), requires_grad=True)
    net = _net(minitorch, dropout=True)
    minitorch.manual_seed(5)
    minitorch.utils.checkpoint.checkpoint(net, x, use_reentrant=use_reentrant).sum().backward()
    checked = _grads(net)
    net.zero_grad()
    minitorch.manual_seed(5)
    net(x).sum().backward()
    for a, b in zip(checked, _grads(net)):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_saved_bytes_with_and_without_checkpoint_as_torch():
    """What a pack hook around the whole forward sees: with checkpoint, only what is saved outside it (the
    checkpoint's own hooks keep placeholders for the rest)."""
    x = np.random.default_rng(3).standard_normal((16, 6))
    counted = {}
    for lib in ENGINES:
        net = _net(lib, dropout=False)
        for checked in (False, True):
            total = [0]

            def pack(t):
                total[0] += t.numel() * t.element_size()
                return t
            with lib.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
                inp = lib.tensor(x, requires_grad=True)
                if checked:
                    out = lib.utils.checkpoint.checkpoint_sequential(net, 3, inp, use_reentrant=False)
                else:
                    out = net(inp)
            out.sum().backward()
            counted[lib.__name__, checked] = total[0]
    assert counted["minitorch", True] < counted["minitorch", False]
    assert counted["minitorch", False] == counted["torch", False]
    assert counted["minitorch", True] == counted["torch", True]


def test_warnings_and_errors_as_torch():
    for lib in ENGINES:
        cp = lib.utils.checkpoint
        x, w = _inputs(lib)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cp.checkpoint(lambda a: a.exp(), x)
            cp.checkpoint(lambda a: a.exp(), x.detach(), use_reentrant=True)
        messages = [str(c.message) for c in caught]
        assert messages[0].startswith("torch.utils.checkpoint: the use_reentrant parameter should be passed")
        assert "None of the inputs have requires_grad=True. Gradients will be None" in messages
        y = cp.checkpoint(lambda a: a.exp(), x, use_reentrant=True).sum()
        with pytest.raises(RuntimeError, match="When use_reentrant=True, torch.utils.checkpoint is incompatible "
                                               "with .grad()"):
            lib.autograd.grad(y, x)
        y = cp.checkpoint(lambda a: (a * w[:2]).exp(), x, use_reentrant=False).sum()
        gx, = lib.autograd.grad(y, x)  # the non-reentrant one works with autograd.grad
        np.testing.assert_allclose(gx.numpy(), (w[:2] * (x * w[:2]).exp()).detach().numpy(), rtol=1e-12)
        with pytest.raises(ValueError, match="Unexpected keyword arguments: k"):
            cp.checkpoint(lambda a, k=1: a, x, use_reentrant=True, k=2)


def test_non_deterministic_function_is_caught():
    """The determinism check: a function that saves other shapes when run again raises CheckpointError."""
    for lib in ENGINES:
        calls = [0]

        def changing(a):
            calls[0] += 1
            return (a[:calls[0]] * a[:calls[0]]).sum()
        x, _ = _inputs(lib)
        y = lib.utils.checkpoint.checkpoint(changing, x, use_reentrant=False)
        with pytest.raises(lib.utils.checkpoint.CheckpointError, match="different metadata"):
            y.backward()


@pytest.mark.parametrize("op", ["mul", "mm", "linear", "bmm"])
@pytest.mark.parametrize("needs", [(True, True), (True, False), (False, True)])
def test_ops_keep_only_what_the_asked_gradients_need(op, needs):
    """As torch's: ``x @ w`` keeps ``w`` only when x's gradient will be asked for, and ``x`` only for w's
    (what the pack hook sees: the same tensors in both engines)."""
    seen = {}
    for lib in ENGINES:
        rng = np.random.default_rng(4)
        shapes = {"mul": ((3, 4), (3, 4)), "mm": ((3, 4), (4, 5)), "linear": ((3, 4), (5, 4)),
                  "bmm": ((2, 3, 4), (2, 4, 5))}[op]
        a, b = (lib.tensor(rng.standard_normal(s), requires_grad=n) for s, n in zip(shapes, needs))
        bias = lib.zeros(5, dtype=lib.float64)
        packed = seen[lib.__name__] = []
        with lib.autograd.graph.saved_tensors_hooks(lambda t: packed.append(tuple(t.shape)) or t, lambda t: t):
            {"mul": lambda: a * b, "mm": lambda: a @ b, "linear": lambda: lib.nn.functional.linear(a, b, bias),
             "bmm": lambda: lib.bmm(a, b)}[op]()
    assert sorted(seen["minitorch"]) == sorted(seen["torch"])
