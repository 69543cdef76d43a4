"""Optimizers and schedulers against torch: identical start, identical gradients, identical trajectories."""
import warnings

import numpy as np
import pytest
import torch

import minitorch
from harness import same_error

STEPS = 25

OPTIMIZERS = {
    "sgd": ("SGD", dict(lr=0.1)),
    "sgd_momentum": ("SGD", dict(lr=0.05, momentum=0.9)),
    "sgd_dampening_wd": ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    "sgd_nesterov": ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1)),
    "sgd_maximize": ("SGD", dict(lr=0.05, momentum=0.5, maximize=True)),
    "adam": ("Adam", dict(lr=0.01)),
    "adam_wd_amsgrad": ("Adam", dict(lr=0.02, betas=(0.8, 0.99), weight_decay=0.05, amsgrad=True)),
    "adam_maximize": ("Adam", dict(lr=0.01, maximize=True, eps=1e-6)),
    "adamw": ("AdamW", dict(lr=0.01)),
    "adamw_amsgrad": ("AdamW", dict(lr=0.03, weight_decay=0.1, amsgrad=True)),
    "rmsprop": ("RMSprop", dict(lr=0.01)),
    "rmsprop_centered_momentum": ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.7, centered=True,
                                                  weight_decay=0.02)),
    "adagrad": ("Adagrad", dict(lr=0.1)),
    "adagrad_decay": ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.05, initial_accumulator_value=0.2)),
    # found by mutation testing: maximize and weight_decay=1 (a `!= 0` test turned `!= 1` is invisible at 0) in
    # each optimizer, and Adam's lerp with a weight >= 0.5 (beta1 <= 0.5 takes torch's other formula)
    "sgd_wd1": ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=1.0)),
    "adam_small_betas_wd1": ("Adam", dict(lr=0.01, betas=(0.2, 0.3), weight_decay=1.0)),
    "rmsprop_maximize_wd1": ("RMSprop", dict(lr=0.01, maximize=True, weight_decay=1.0)),
    "adagrad_maximize_wd1": ("Adagrad", dict(lr=0.1, maximize=True, weight_decay=1.0)),
}


def _fake_grad(p, step):
    """A deterministic gradient that depends on the current parameter (so trajectories can diverge)."""
    return np.asarray(np.sin(3.0 * p + step) + 0.1 * p)


def _run(lib, name, kwargs, shapes, dtype):
    rng = np.random.default_rng(0)
    params = [lib.from_numpy(np.asarray(rng.standard_normal(s), dtype=dtype)).requires_grad_() for s in shapes]
    opt = getattr(lib.optim, name)(params, **kwargs)
    history = []
    for step in range(STEPS):
        opt.zero_grad()
        for p in params:
            p.grad = lib.from_numpy(_fake_grad(p.detach().numpy().copy(), step))
        opt.step()
        history.append([p.detach().numpy().copy() for p in params])
    return history, opt


@pytest.mark.parametrize("case", OPTIMIZERS)
def test_trajectory_float64(case):
    name, kwargs = OPTIMIZERS[case]
    shapes = [(3, 4), (5,), ()]
    mine, _ = _run(minitorch, name, kwargs, shapes, np.float64)
    theirs, _ = _run(torch, name, kwargs, shapes, np.float64)
    for step, (m, t) in enumerate(zip(mine, theirs)):
        for a, b in zip(m, t):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-13, err_msg=f"{case} step {step}")


@pytest.mark.parametrize("case", ["sgd_momentum", "adam", "rmsprop"])
def test_trajectory_float32_keeps_dtype(case):
    name, kwargs = OPTIMIZERS[case]
    mine, _ = _run(minitorch, name, kwargs, [(4, 3)], np.float32)
    theirs, _ = _run(torch, name, kwargs, [(4, 3)], np.float32)
    assert mine[-1][0].dtype == np.float32
    np.testing.assert_allclose(mine[-1][0], theirs[-1][0], rtol=1e-4, atol=1e-5)


def test_zero_grad_set_to_none_and_zeros():
    p = minitorch.ones(3, requires_grad=True)
    opt = minitorch.optim.SGD([p], lr=0.1)
    p.grad = minitorch.ones(3)
    opt.zero_grad(set_to_none=False)
    assert p.grad.tolist() == [0.0, 0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None


def test_param_groups_and_state_dict_roundtrip():
    a, b = (minitorch.ones(2, requires_grad=True) for _ in range(2))
    opt = minitorch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    for p in (a, b):
        p.grad = minitorch.ones(2)
    opt.step()
    state = opt.state_dict()
    assert sorted(state["state"]) == [0, 1] and state["param_groups"][1]["params"] == [1]
    t_a, t_b = (torch.ones(2, requires_grad=True) for _ in range(2))
    t_opt = torch.optim.SGD([{"params": [t_a]}, {"params": [t_b], "lr": 0.5}], lr=0.1, momentum=0.9)
    assert set(state["param_groups"][0]) == set(t_opt.state_dict()["param_groups"][0])
    c, d = (minitorch.ones(2, requires_grad=True) for _ in range(2))
    opt2 = minitorch.optim.SGD([{"params": [c]}, {"params": [d], "lr": 0.5}], lr=0.1, momentum=0.9)
    opt2.load_state_dict(state)
    assert opt2.state[d]["momentum_buffer"].tolist() == [1.0, 1.0]


def test_add_param_group_duplicate_rejected_like_torch():
    p = minitorch.ones(2, requires_grad=True)
    opt = minitorch.optim.SGD([p], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [p]})
    with pytest.raises(ValueError, match="empty parameter list"):
        minitorch.optim.SGD([], lr=0.1)


def test_bad_hyperparameters_raise_like_torch():
    for name, kwargs in [("SGD", dict(lr=-1)), ("SGD", dict(lr=0.1, nesterov=True)), ("Adam", dict(betas=(1.0, 0.9))),
                         ("RMSprop", dict(alpha=-1)), ("Adagrad", dict(lr_decay=-1))]:
        same_error(lambda lib: getattr(lib.optim, name)([lib.ones(2, requires_grad=True)], **kwargs))


SCHEDULERS = {
    "step": ("StepLR", dict(step_size=3, gamma=0.5)),
    "multistep": ("MultiStepLR", dict(milestones=[2, 5, 5, 9], gamma=0.3)),
    "exponential": ("ExponentialLR", dict(gamma=0.9)),
    "cosine": ("CosineAnnealingLR", dict(T_max=7, eta_min=0.001)),
    "lambda": ("LambdaLR", dict(lr_lambda=lambda e: 1.0 / (1 + e))),
    "onecycle": ("OneCycleLR", dict(max_lr=1.0, total_steps=30)),
    "onecycle_linear_3phase": ("OneCycleLR", dict(max_lr=0.5, total_steps=30, anneal_strategy="linear",
                                                  three_phase=True)),
}


@pytest.mark.parametrize("case", SCHEDULERS)
@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_scheduler_lr_sequence(case, optimizer):
    name, kwargs = SCHEDULERS[case]

    def run(lib):
        p = lib.ones(2, requires_grad=True)
        opt = getattr(lib.optim, optimizer)([p], lr=0.1, **({"momentum": 0.9} if optimizer == "SGD" else {}))
        sched = getattr(lib.optim.lr_scheduler, name)(opt, **kwargs)
        lrs, momenta = [], []
        for _ in range(29 if "onecycle" in case else 25):
            opt.step()
            sched.step()
            lrs.append(sched.get_last_lr()[0])
            group = opt.param_groups[0]
            momenta.append(group.get("momentum", group.get("betas", (None,))[0]))
        return lrs, momenta
    mine, theirs = run(minitorch), run(torch)
    np.testing.assert_allclose(mine[0], theirs[0], rtol=1e-14)
    assert mine[1] == pytest.approx(theirs[1], rel=1e-14)


@pytest.mark.parametrize("kwargs", [dict(), dict(mode="max", patience=2, threshold_mode="abs", cooldown=1),
                                    dict(factor=0.5, patience=1, min_lr=0.02)])
def test_reduce_lr_on_plateau(kwargs):
    metrics = [1.0, 0.9, 0.95, 0.95, 0.96, 0.97, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99, 1.2] * 2

    def run(lib):
        p = lib.ones(2, requires_grad=True)
        opt = lib.optim.SGD([p], lr=0.1)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
        out = []
        for m in metrics:
            opt.step()
            sched.step(m)
            out.append(opt.param_groups[0]["lr"])
        return out
    assert run(minitorch) == pytest.approx(run(torch), rel=1e-14)


def test_zero_grad_without_set_to_none_zeroes_the_same_tensor_in_place():
    """torch zeroes ``.grad`` in place: a reference taken before sees the zeros, and the version counter
    moves. A gradient that backward(create_graph=True) gave a graph is detached from it first."""
    import warnings

    def run(lib):
        plain = lib.tensor([1.0, -2.0], requires_grad=True)
        graphed = lib.tensor([3.0, 0.5], requires_grad=True)
        (plain * 2).sum().backward()
        with warnings.catch_warnings():  # the create_graph=True reference-cycle warning
            warnings.simplefilter("ignore")
            (graphed ** 3).sum().backward(create_graph=True)
        before = [plain.grad, graphed.grad]
        versions = [g._version for g in before]
        had_graph = [g.grad_fn is not None for g in before]
        lib.optim.SGD([plain, graphed], lr=0.1).zero_grad(set_to_none=False)
        return [(p.grad is g, g.tolist(), g.requires_grad, g.grad_fn is None, g._version - v, h)
                for p, g, v, h in zip([plain, graphed], before, versions, had_graph)]
    assert run(minitorch) == run(torch)



# -- what mutation testing found untested (bash .ci/mutate 'minitorch/optim/*' tests/test_optim.py ...) -------
def _state(opt):
    """An optimizer's state_dict as plain values: tensors as (dtype, values)."""
    def plain(v):
        return (str(v.dtype), v.detach().numpy().tolist()) if hasattr(v, "detach") else v
    sd = opt.state_dict()
    return {i: {k: plain(v) for k, v in s.items()} for i, s in sd["state"].items()}, sd["param_groups"]


@pytest.mark.parametrize("case", OPTIMIZERS)
def test_state_after_a_trajectory_like_torch(case):
    """The whole state, not only the parameters: which buffers exist (a momentum buffer only with
    momentum), their values and dtypes, the step counters, and every hyperparameter of the groups."""
    name, kwargs = OPTIMIZERS[case]
    (mine, mine_groups), (theirs, theirs_groups) = (_state(_run(lib, name, kwargs, [(3,), ()], np.float64)[1])
                                                    for lib in (minitorch, torch))
    assert mine_groups == theirs_groups
    assert {i: sorted(s) for i, s in mine.items()} == {i: sorted(s) for i, s in theirs.items()}
    for i in theirs:
        for key, (dtype, values) in theirs[i].items():
            assert mine[i][key][0] == dtype, (i, key)
            np.testing.assert_allclose(mine[i][key][1], values, rtol=1e-12, atol=1e-13, err_msg=f"{i} {key}")


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_default_hyperparameters_like_torch(name):
    groups = [getattr(lib.optim, name)([lib.ones(2, requires_grad=True)]).state_dict()["param_groups"]
              for lib in (minitorch, torch)]
    assert groups[0] == groups[1]


def _outcome(make):
    """What constructing (or calling) gives: "ok", or the error's type and message."""
    try:
        make()
    except Exception as e:  # noqa: BLE001 - the point is to compare whatever is raised
        return type(e).__name__, str(e)
    return "ok"


HYPERPARAMETERS = [
    ("SGD", dict(lr=0.0, momentum=0.0, dampening=0.0, weight_decay=0.0)),  # the boundaries are allowed
    ("SGD", dict(momentum=-0.1)), ("SGD", dict(weight_decay=-0.1)), ("SGD", dict(lr=-1e-9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.5, nesterov=True)),
    ("Adam", dict(lr=0.0, eps=0.0, betas=(0.0, 0.0), weight_decay=0.0)),
    ("Adam", dict(lr=-1.0)), ("Adam", dict(eps=-1.0)), ("Adam", dict(betas=(-0.1, 0.9))),
    ("Adam", dict(betas=(0.9, 1.0))), ("Adam", dict(betas=(0.9, -0.5))), ("Adam", dict(weight_decay=-1.0)),
    ("AdamW", dict(lr=0.0, eps=0.0, betas=(0.0, 0.0), weight_decay=0.0)), ("AdamW", dict(betas=(0.9, 1.5))),
    ("RMSprop", dict(lr=0.0, alpha=0.0, eps=0.0, momentum=0.0, weight_decay=0.0)),
    ("RMSprop", dict(lr=-1.0)), ("RMSprop", dict(eps=-1.0)), ("RMSprop", dict(momentum=-1.0)),
    ("RMSprop", dict(weight_decay=-1.0)),
    ("Adagrad", dict(lr=0.0, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=0.0)),
    ("Adagrad", dict(lr=-1.0)), ("Adagrad", dict(weight_decay=-1.0)), ("Adagrad", dict(eps=-1.0)),
    ("Adagrad", dict(initial_accumulator_value=-1.0)),
]


@pytest.mark.parametrize("name,kwargs", HYPERPARAMETERS, ids=[f"{n}-{k}" for n, k in HYPERPARAMETERS])
def test_hyperparameter_checks_like_torch(name, kwargs):
    assert (_outcome(lambda: getattr(minitorch.optim, name)([minitorch.ones(2, requires_grad=True)], **kwargs))
            == _outcome(lambda: getattr(torch.optim, name)([torch.ones(2, requires_grad=True)], **kwargs)))


PARAMS = {
    "a tensor": lambda lib: lib.ones(2, dtype=lib.float64, requires_grad=True),
    "a number among them": lambda lib: [lib.ones(2, requires_grad=True), 3],
    "a non-leaf": lambda lib: [lib.ones(2, requires_grad=True) * 2],
    "nothing": lambda lib: [],
    "a group of one tensor": lambda lib: [{"params": lib.ones(2, requires_grad=True), "lr": 0.5}],
    "a tensor in two groups": lambda lib: (lambda p: [{"params": [p]}, {"params": [p]}])(lib.ones(2, requires_grad=True)),
}


@pytest.mark.parametrize("params", PARAMS.values(), ids=PARAMS)
def test_params_checked_like_torch(params):
    def groups(lib):
        outcome = _outcome(lambda: lib.optim.SGD(params(lib), lr=0.1))
        if outcome != "ok":
            return outcome
        return [{k: v for k, v in g.items() if k != "params"} for g in lib.optim.SGD(params(lib), lr=0.1).param_groups]
    assert groups(minitorch) == groups(torch)


def test_a_required_hyperparameter_missing_from_a_group():
    from minitorch.optim.optimizer import required as mine
    from torch.optim.optimizer import required as theirs

    def outcome(lib):
        class Custom(lib.optim.Optimizer):
            def __init__(self, params):
                super().__init__(params, dict(lr=mine if lib is minitorch else theirs, momentum=0.0))
        p, q = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
        return (_outcome(lambda: Custom([{"params": [p], "lr": 0.1}, {"params": [q]}])),
                Custom([{"params": [p], "lr": 0.1}]).param_groups[0]["momentum"])
    assert outcome(minitorch) == outcome(torch)


def test_load_state_dict_restores_hyperparameters_casts_state_and_checks_groups():
    """The loaded groups' hyperparameters replace the optimizer's; float state takes each parameter's
    dtype (the step counter stays float32); groups that do not match are refused with torch's words."""
    def run(lib):
        source_params = [lib.ones(2, requires_grad=True), lib.ones(3, requires_grad=True)]
        source = lib.optim.Adam([{"params": [source_params[0]]}, {"params": [source_params[1]], "lr": 0.5}],
                                lr=0.01, betas=(0.8, 0.9))
        for p in source_params:
            p.grad = lib.ones_like(p)
        source.step()
        saved = source.state_dict()
        params = [lib.ones(2, dtype=lib.float64, requires_grad=True), lib.ones(3, dtype=lib.float64, requires_grad=True)]
        target = lib.optim.Adam([{"params": [params[0]]}, {"params": [params[1]]}], lr=0.1)
        target.load_state_dict(saved)
        state = {i: {k: (str(v.dtype), v.tolist()) for k, v in target.state[p].items()} for i, p in enumerate(params)}
        groups = [{k: v for k, v in g.items() if k != "params"} for g in target.param_groups]
        one_group = lib.optim.Adam(params, lr=0.1)
        smaller = lib.optim.Adam([{"params": [params[0]]}, {"params": [lib.ones(3, requires_grad=True), params[1]]}])
        return (state, groups, _outcome(lambda: one_group.load_state_dict(saved)),
                _outcome(lambda: smaller.load_state_dict(saved)))
    assert run(minitorch) == run(torch)


def test_zero_grad_goes_past_a_parameter_without_gradient_and_step_returns_the_closure_loss():
    def run(lib):
        a, b = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
        opt = lib.optim.SGD([a, b], lr=0.1)
        b.grad = lib.ones(2)
        opt.zero_grad(set_to_none=False)  # a has no gradient: b is still zeroed
        zeroed = b.grad.tolist()
        opt.zero_grad()
        no_closure = opt.step()
        return zeroed, b.grad, no_closure, opt.step(lambda: 42.0)
    assert run(minitorch) == run(torch)


def _same(mine, theirs, rel=1e-14):
    """Equal structure and values, floats within ``rel`` (the lr arithmetic may round differently)."""
    if isinstance(theirs, (list, tuple)):
        assert type(mine) is type(theirs) and len(mine) == len(theirs), (mine, theirs)
        for m, t in zip(mine, theirs):
            _same(m, t, rel)
    elif isinstance(theirs, dict):
        assert sorted(mine) == sorted(theirs), (mine, theirs)
        for k in theirs:
            _same(mine[k], theirs[k], rel)
    elif isinstance(theirs, float):
        assert mine == pytest.approx(theirs, rel=rel, abs=0), (mine, theirs)
    else:
        assert mine == theirs


def _groups(lib, optimizer):
    """Two parameter groups (lr 0.1 and 0.05) of `optimizer` ("SGD" with momentum, "Adam", "Adagrad")."""
    params = [{"params": [lib.ones(2, requires_grad=True)]}, {"params": [lib.ones(3, requires_grad=True)], "lr": 0.05}]
    extra = {"SGD": {"momentum": 0.9}}.get(optimizer, {})
    return getattr(lib.optim, optimizer)(params, lr=0.1, **extra)


def _hyper(opt):
    """What a scheduler may change: every group's hyperparameters (lr, momentum or betas, and what the
    scheduler keeps there: initial_lr, max_lr, ...)."""
    return [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]


SCHEDULER_CASES = [  # (scheduler, kwargs, optimizer): defaults, per-group values, and the argument checks
    ("StepLR", dict(step_size=2), "SGD"), ("MultiStepLR", dict(milestones=[1, 3]), "SGD"),
    ("CosineAnnealingLR", dict(T_max=4), "SGD"),
    ("LambdaLR", dict(lr_lambda=[lambda e: 0.9 ** e, lambda e: 1 / (e + 1)]), "SGD"),
    ("LambdaLR", dict(lr_lambda=[lambda e: 0.9 ** e]), "SGD"),
    ("OneCycleLR", dict(max_lr=[1.0, 0.5], epochs=2, steps_per_epoch=5), "SGD"),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=10, base_momentum=[0.8, 0.7], max_momentum=[0.95, 0.9]), "Adam"),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=10, pct_start=0.0, div_factor=5.0, final_div_factor=2.0), "SGD"),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=10, pct_start=1.0, cycle_momentum=False), "Adagrad"),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=1), "SGD"),
    ("OneCycleLR", dict(max_lr=1.0), "SGD"), ("OneCycleLR", dict(max_lr=1.0, epochs=2), "SGD"),
    ("OneCycleLR", dict(max_lr=1.0, steps_per_epoch=2), "SGD"), ("OneCycleLR", dict(max_lr=1.0, total_steps=0), "SGD"),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=5.0), "SGD"),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=10, pct_start=1.5), "SGD"),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=10, pct_start=-0.1), "SGD"),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=10, pct_start=1), "SGD"),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=10, anneal_strategy="step"), "SGD"),
    ("OneCycleLR", dict(max_lr=[1.0, 2.0, 3.0], total_steps=10), "SGD"),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=10, max_momentum=[0.9, 0.9, 0.9]), "SGD"),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=10, base_momentum=[0.8]), "SGD"),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=10), "Adagrad"),  # no momentum to cycle
    ("ReduceLROnPlateau", dict(factor=1.0), "SGD"), ("ReduceLROnPlateau", dict(mode="median"), "SGD"),
    ("ReduceLROnPlateau", dict(threshold_mode="relative"), "SGD"),
    ("ReduceLROnPlateau", dict(min_lr=[0.1, 0.2, 0.3]), "SGD"),
    ("StepLR", dict(step_size=2, last_epoch=3), "SGD"),  # resuming, but the groups have no initial_lr
]


@pytest.mark.parametrize("name,kwargs,optimizer", SCHEDULER_CASES,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(SCHEDULER_CASES)])
def test_scheduler_arguments_like_torch(name, kwargs, optimizer):
    """Constructed with these arguments: the same error as torch, or the same lr and momentum in every
    group for ten steps (and then the same error for stepping too far, where there is one)."""
    def run(lib):
        opt = _groups(lib, optimizer)
        made = []
        outcome = _outcome(lambda: made.append(getattr(lib.optim.lr_scheduler, name)(opt, **kwargs)))
        if outcome != "ok":
            return outcome
        sched, seen = made[0], [_hyper(opt)]
        for i in range(10):
            opt.step()
            step = _outcome(lambda: sched.step(*([1.0] if name == "ReduceLROnPlateau" else [])))
            seen.append(_hyper(opt) if step == "ok" else step)
        return seen
    _same(run(minitorch), run(torch))


def test_scheduler_needs_an_optimizer():
    for name, args in [("StepLR", (2,)), ("ReduceLROnPlateau", ()), ("OneCycleLR", (1.0, 10))]:
        assert (_outcome(lambda: getattr(minitorch.optim.lr_scheduler, name)(3, *args))
                == _outcome(lambda: getattr(torch.optim.lr_scheduler, name)(3, *args)))


@pytest.mark.parametrize("last_epoch", [0, 3])
@pytest.mark.parametrize("case", [c for c in SCHEDULERS if not c.startswith("onecycle")])
def test_scheduler_resumed_from_last_epoch_and_stepped_to_given_epochs(case, last_epoch):
    """Made with last_epoch >= 0 (the groups carry initial_lr, as after a restart), stepped on, then to
    given epochs (torch's closed form where there is one, with its deprecation warning)."""
    name, kwargs = SCHEDULERS[case]

    def run(lib):
        opt = _groups(lib, "SGD")
        for group in opt.param_groups:
            group["initial_lr"] = group["lr"] * 2
        sched = getattr(lib.optim.lr_scheduler, name)(opt, last_epoch=last_epoch, **kwargs)
        seen = [_hyper(opt), sched.last_epoch]
        for _ in range(4):
            opt.step()
            sched.step()
            seen.append(_hyper(opt))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for epoch in (9, 2, 5):
                sched.step(epoch)
                seen.append(_hyper(opt))
        return seen, sched.last_epoch, sched._step_count, [(w.category, str(w.message)) for w in caught]
    _same(run(minitorch), run(torch))


@pytest.mark.parametrize("case", SCHEDULERS)
def test_scheduler_state_dict_resumes_like_torch(case):
    """Saved after 4 steps and loaded into a fresh scheduler (and optimizer): the next steps are those
    of an uninterrupted run."""
    name, kwargs = SCHEDULERS[case]

    def run(lib):
        opt = _groups(lib, "SGD")
        sched = getattr(lib.optim.lr_scheduler, name)(opt, **kwargs)
        for _ in range(4):
            opt.step()
            sched.step()
        saved_opt, saved = opt.state_dict(), sched.state_dict()
        lambdas = saved.get("lr_lambdas")  # LambdaLR keeps None for a plain function, as torch
        opt = _groups(lib, "SGD")
        opt.load_state_dict(saved_opt)
        sched = getattr(lib.optim.lr_scheduler, name)(opt, **kwargs)
        sched.load_state_dict(saved)
        seen = []
        for _ in range(6):
            opt.step()
            sched.step()
            seen.append((_hyper(opt), sched.get_last_lr(), sched.last_epoch))
        return seen, lambdas
    _same(run(minitorch), run(torch))


PLATEAU_METRICS = [1.0, 0.5, 0.5, 1.5, 1.5, 0.25, 2.25, 2.25, 0.125, 0.125, 0.125, 3.0, 0.0625, 4.0, 4.0, 4.0]


@pytest.mark.parametrize("kwargs", [
    dict(threshold=0.0, patience=0),  # an equal metric is no improvement
    dict(threshold=0.25, patience=0),  # relative: better is below best * 0.75 (not best - 0.25)
    dict(threshold=0.5, threshold_mode="abs", patience=0),  # exactly best - threshold is none either
    dict(mode="max", threshold=0.5, patience=0), dict(mode="max", threshold=0.5, threshold_mode="abs", patience=1),
    dict(factor=0.5, patience=0, eps=0.05),  # a change of exactly eps is not made
    dict(factor=0.5, patience=0, cooldown=2, min_lr=[0.02, 0.03]),
])
def test_reduce_lr_on_plateau_state_like_torch(kwargs):
    """Every step: the lrs, and the state that decides them (best, bad epochs, cooldown, epoch)."""
    def run(lib):
        opt = _groups(lib, "SGD")
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
        seen = [(sched.get_last_lr(), sched.best, sched.num_bad_epochs, sched.cooldown_counter, sched.last_epoch)]
        for m in PLATEAU_METRICS:
            opt.step()
            sched.step(m)
            seen.append((_hyper(opt), sched.get_last_lr(), sched.best, sched.num_bad_epochs, sched.cooldown_counter,
                         sched.in_cooldown, sched.last_epoch))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sched.step(0.5, epoch=40)
        return seen, sched.last_epoch, [(w.category, str(w.message)) for w in caught]
    _same(run(minitorch), run(torch))


FLAGS = {"SGD": dict(foreach=False, fused=False, differentiable=False, maximize=True),
         "Adam": dict(foreach=False, fused=False, capturable=False, decoupled_weight_decay=True),
         "AdamW": dict(foreach=False, fused=False, capturable=False, maximize=True),
         "RMSprop": dict(foreach=False, capturable=False, maximize=True),
         "Adagrad": dict(foreach=False, fused=False, maximize=True)}


@pytest.mark.parametrize("name", FLAGS)
def test_flags_reach_the_param_groups_like_torch(name):
    """torch's implementation switches (foreach, fused, capturable, ...) do nothing here, but are kept in
    the groups as torch keeps them, so state_dicts match."""
    groups = [getattr(lib.optim, name)([lib.ones(2, requires_grad=True)], **FLAGS[name]).state_dict()["param_groups"]
              for lib in (minitorch, torch)]
    assert groups[0] == groups[1]


def test_state_dict_holds_the_live_state_like_torch():
    """opt.state_dict() is no snapshot in torch: its state is the optimizer's own, and moves on with it."""
    def run(lib):
        p = lib.ones(2, requires_grad=True)
        opt = lib.optim.SGD([p], lr=0.1, momentum=0.9)
        p.grad = lib.ones(2)
        opt.step()
        saved = opt.state_dict()
        opt.step()
        return saved["state"][0] is opt.state[p], saved["state"][0]["momentum_buffer"].tolist()
    assert run(minitorch) == run(torch)


@pytest.mark.parametrize("name", FLAGS)
def test_repr_like_torch(name):
    """Every group's hyperparameters, sorted, a blank line between groups; and the `required` marker."""
    from minitorch.optim.optimizer import required as mine
    from torch.optim.optimizer import required as theirs
    texts = [repr(getattr(lib.optim, name)([{"params": [lib.ones(2, requires_grad=True)]},
                                            {"params": [lib.ones(2, requires_grad=True)], "lr": 0.5}]))
             for lib in (minitorch, torch)]
    assert texts[0] == texts[1]
    assert repr(mine) == repr(theirs)
