"""Every activation and loss at NaN, ±inf, ±0 and huge values, compared with torch: values (NaN where torch has
NaN), gradients, errors, and silence - no NumPy RuntimeWarning where torch prints nothing.

Each value goes through torch in a tensor of its own. torch's CPU kernels have an elementwise path and a
vectorised one that runs on the longer tensors (8+ float64 elements with AVX2, 16+ with AVX-512), and for some
ops they disagree at NaN: hardtanh's gradient at NaN is 1 on the elementwise path (its formula,
``x <= min or x >= max ? 0 : grad``) and 0 on the vectorised one. minitorch follows the formula; a test against
the vectorised path would depend on the CPU's vector width. The softmax family needs a row: 3 values."""
import inspect
import warnings

import numpy as np
import pytest
import torch

import minitorch
from harness import TOLERANCE

DTYPES = {np.float64: 1e300, np.float32: 3e38}  # the huge value of each dtype (float32's largest is 3.4e38)


def specials(dtype):
    huge = DTYPES[dtype]
    return np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, huge, -huge, 0.3, -2.5], dtype)


def _run(fn, make_inputs):
    """``fn(*inputs)`` then backward with ones: (value, input gradients) or (error type, message), and the warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            inputs = make_inputs()
            out = fn(*inputs)
            out.backward(torch.ones_like(out) if isinstance(out, torch.Tensor) else minitorch.ones_like(out))
            result = [out.detach().numpy().copy()] + [t.grad.numpy().copy() if t.grad is not None else None
                                                       for t in inputs if t.requires_grad]
        except Exception as e:  # noqa: BLE001 - compared with torch's outcome
            result = (type(e).__name__, str(e))
    return result, [f"{w.category.__name__}: {w.message}" for w in caught]


def _compare(mine, theirs, dtype, what):
    (mine, mine_warnings), (theirs, theirs_warnings) = mine, theirs
    assert mine_warnings == theirs_warnings, f"{what}: warnings"
    if isinstance(theirs, tuple) or isinstance(mine, tuple):
        assert mine == theirs, f"{what}: outcome"
        return
    assert len(mine) == len(theirs)
    tol = TOLERANCE[dtype]
    for i, (m, t) in enumerate(zip(mine, theirs)):
        label = f"{what}: {'value' if i == 0 else f'gradient {i}'}"
        if t is None:
            assert m is None or not np.any(m), label
            continue
        assert m.shape == t.shape and m.dtype == t.dtype, label
        np.testing.assert_allclose(m, t, rtol=tol["rtol"], atol=tol["atol"], equal_nan=True, err_msg=label)


# -- activations ---------------------------------------------------------------------------------------------------
def _inplace(fn):
    """An in-place activation, applied to a non-leaf copy of the input (a leaf that requires grad cannot change)."""
    return lambda lib, x: fn(lib, x * 1)


ACTIVATIONS = {
    # nn.functional
    "relu": lambda lib, x: lib.nn.functional.relu(x),
    "relu6": lambda lib, x: lib.nn.functional.relu6(x),
    "hardtanh": lambda lib, x: lib.nn.functional.hardtanh(x),
    "hardtanh(-2, 3)": lambda lib, x: lib.nn.functional.hardtanh(x, -2.0, 3.0),
    "leaky_relu": lambda lib, x: lib.nn.functional.leaky_relu(x),
    "leaky_relu(0.2)": lambda lib, x: lib.nn.functional.leaky_relu(x, 0.2),
    "elu": lambda lib, x: lib.nn.functional.elu(x),
    "elu(0.5)": lambda lib, x: lib.nn.functional.elu(x, 0.5),
    "selu": lambda lib, x: lib.nn.functional.selu(x),
    "gelu": lambda lib, x: lib.nn.functional.gelu(x),
    "gelu(tanh)": lambda lib, x: lib.nn.functional.gelu(x, approximate="tanh"),
    "silu": lambda lib, x: lib.nn.functional.silu(x),
    "softplus": lambda lib, x: lib.nn.functional.softplus(x),
    "softplus(2, 5)": lambda lib, x: lib.nn.functional.softplus(x, 2.0, 5.0),
    "logsigmoid": lambda lib, x: lib.nn.functional.logsigmoid(x),
    "softshrink": lambda lib, x: lib.nn.functional.softshrink(x),
    "softshrink(0)": lambda lib, x: lib.nn.functional.softshrink(x, 0.0),
    "softsign": lambda lib, x: lib.nn.functional.softsign(x),
    "tanhshrink": lambda lib, x: lib.nn.functional.tanhshrink(x),
    "sigmoid": lambda lib, x: lib.nn.functional.sigmoid(x),
    "tanh": lambda lib, x: lib.nn.functional.tanh(x),
    "relu_": _inplace(lambda lib, x: lib.nn.functional.relu_(x)),
    "relu(inplace)": _inplace(lambda lib, x: lib.nn.functional.relu(x, inplace=True)),
    "relu6(inplace)": _inplace(lambda lib, x: lib.nn.functional.relu6(x, inplace=True)),
    "hardtanh_": _inplace(lambda lib, x: lib.nn.functional.hardtanh_(x)),
    "leaky_relu_": _inplace(lambda lib, x: lib.nn.functional.leaky_relu_(x)),
    "elu_": _inplace(lambda lib, x: lib.nn.functional.elu_(x)),
    "selu(inplace)": _inplace(lambda lib, x: lib.nn.functional.selu(x, inplace=True)),
    "silu(inplace)": _inplace(lambda lib, x: lib.nn.functional.silu(x, inplace=True)),
    # nn modules
    "ReLU": lambda lib, x: lib.nn.ReLU()(x),
    "ReLU6": lambda lib, x: lib.nn.ReLU6()(x),
    "Hardtanh": lambda lib, x: lib.nn.Hardtanh(-0.5, 2.0)(x),
    "LeakyReLU": lambda lib, x: lib.nn.LeakyReLU(0.1)(x),
    "ELU": lambda lib, x: lib.nn.ELU(2.0)(x),
    "SELU": lambda lib, x: lib.nn.SELU()(x),
    "GELU": lambda lib, x: lib.nn.GELU()(x),
    "GELU(tanh)": lambda lib, x: lib.nn.GELU("tanh")(x),
    "SiLU": lambda lib, x: lib.nn.SiLU()(x),
    "Softplus": lambda lib, x: lib.nn.Softplus(0.5, 10.0)(x),
    "LogSigmoid": lambda lib, x: lib.nn.LogSigmoid()(x),
    "Softshrink": lambda lib, x: lib.nn.Softshrink(1.0)(x),
    "Softsign": lambda lib, x: lib.nn.Softsign()(x),
    "Tanhshrink": lambda lib, x: lib.nn.Tanhshrink()(x),
    "Sigmoid": lambda lib, x: lib.nn.Sigmoid()(x),
    "Tanh": lambda lib, x: lib.nn.Tanh()(x),
    "ReLU(inplace)": _inplace(lambda lib, x: lib.nn.ReLU(inplace=True)(x)),
    "ELU(inplace)": _inplace(lambda lib, x: lib.nn.ELU(inplace=True)(x)),
    # the activations added with the rest of nn.functional (eval mode where a layer draws: rrelu's mean slope)
    "celu": lambda lib, x: lib.nn.functional.celu(x, 0.5),
    "celu_": _inplace(lambda lib, x: lib.nn.functional.celu_(x)),
    "hardshrink": lambda lib, x: lib.nn.functional.hardshrink(x),
    "hardsigmoid": lambda lib, x: lib.nn.functional.hardsigmoid(x),
    "hardswish": lambda lib, x: lib.nn.functional.hardswish(x),
    "mish": lambda lib, x: lib.nn.functional.mish(x),
    "threshold": lambda lib, x: lib.nn.functional.threshold(x, 0.5, -1.0),
    "threshold_": _inplace(lambda lib, x: lib.nn.functional.threshold_(x, 0.5, -1.0)),
    "rrelu": lambda lib, x: lib.nn.functional.rrelu(x, training=False),
    "rrelu_": _inplace(lambda lib, x: lib.nn.functional.rrelu_(x, training=False)),
    "prelu": lambda lib, x: lib.nn.functional.prelu(x, lib.full((1,), 0.25, dtype=x.dtype)),
    "glu (of x and 1)": lambda lib, x: lib.nn.functional.glu(lib.cat([x, lib.ones_like(x)])),
    "CELU": lambda lib, x: lib.nn.CELU()(x),
    "Hardshrink": lambda lib, x: lib.nn.Hardshrink()(x),
    "Hardsigmoid": lambda lib, x: lib.nn.Hardsigmoid()(x),
    "Hardswish": lambda lib, x: lib.nn.Hardswish()(x),
    "Mish": lambda lib, x: lib.nn.Mish()(x),
    "Threshold": lambda lib, x: lib.nn.Threshold(0.1, 20.0)(x),
    "RReLU": lambda lib, x: lib.nn.RReLU().eval()(x),
    "PReLU": lambda lib, x: lib.nn.PReLU().to(x.dtype)(x),
    "GLU (of 1 and x)": lambda lib, x: lib.nn.GLU()(lib.cat([lib.ones_like(x), x])),
}

ROW_ACTIVATIONS = {  # along dim 1 of rows [special, 1, -2]
    "softmax": lambda lib, x: lib.nn.functional.softmax(x, 1),
    "log_softmax": lambda lib, x: lib.nn.functional.log_softmax(x, 1),
    "softmin": lambda lib, x: lib.nn.functional.softmin(x, 1),
    "Softmax": lambda lib, x: lib.nn.Softmax(dim=1)(x),
    "LogSoftmax": lambda lib, x: lib.nn.LogSoftmax(dim=1)(x),
    "Softmin": lambda lib, x: lib.nn.Softmin(dim=1)(x),
}


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_at_special_values(name, dtype):
    """relu/relu6/hardtanh passed no gradient at NaN (torch's masks are ``x <= 0``, false for NaN), Softshrink(NaN)
    was 0, ELU/SELU's gradients at +inf were NaN (0·inf in a multiplied-in mask), and GELU, SiLU, softsign and
    softplus printed NumPy warnings on inf and huge values."""
    fn = ACTIVATIONS[name]
    for value in specials(dtype):
        outcomes = [_run(lambda x: fn(lib, x), lambda: [lib.from_numpy(np.array([value], dtype)).requires_grad_()])
                    for lib in (minitorch, torch)]
        _compare(*outcomes, dtype, f"{name} at {value}")


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", ROW_ACTIVATIONS)
def test_softmax_family_at_special_values(name, dtype):
    fn = ROW_ACTIVATIONS[name]
    for value in specials(dtype):
        row = np.array([[value, 1.0, -2.0]], dtype)
        outcomes = [_run(lambda x: fn(lib, x), lambda: [lib.from_numpy(row.copy()).requires_grad_()])
                    for lib in (minitorch, torch)]
        _compare(*outcomes, dtype, f"{name} at {value}")


# -- losses -------------------------------------------------------------------------------------------------------
def _pos_weight(lib, x):
    return lib.full((1,), 2.0, dtype=x.dtype)


def _joined(lib, losses):
    """Several modules' losses in one tensor (cat, not a sum: inf - inf would be a NaN of the test's making)."""
    return lib.cat([loss.reshape(-1) for loss in losses])


# name -> (loss(lib, input, target, reduction), kind of input/target)
LOSSES = {
    "mse_loss": (lambda lib, x, t, r: lib.nn.functional.mse_loss(x, t, reduction=r), "regression"),
    "l1_loss": (lambda lib, x, t, r: lib.nn.functional.l1_loss(x, t, reduction=r), "regression"),
    "binary_cross_entropy": (lambda lib, x, t, r: lib.nn.functional.binary_cross_entropy(x, t, reduction=r), "binary"),
    "binary_cross_entropy(weight)": (lambda lib, x, t, r: lib.nn.functional.binary_cross_entropy(
        x, t, weight=lib.full(tuple(x.shape), 0.5, dtype=x.dtype), reduction=r), "binary"),
    "binary_cross_entropy_with_logits": (lambda lib, x, t, r: lib.nn.functional.binary_cross_entropy_with_logits(
        x, t, reduction=r), "binary"),
    "binary_cross_entropy_with_logits(pos_weight)": (
        lambda lib, x, t, r: lib.nn.functional.binary_cross_entropy_with_logits(
            x, t, reduction=r, pos_weight=_pos_weight(lib, x)), "binary"),
    "nll_loss": (lambda lib, x, t, r: lib.nn.functional.nll_loss(x, t, reduction=r), "classes"),
    "cross_entropy": (lambda lib, x, t, r: lib.nn.functional.cross_entropy(x, t, reduction=r), "classes"),
    "cross_entropy(label_smoothing)": (lambda lib, x, t, r: lib.nn.functional.cross_entropy(
        x, t, reduction=r, label_smoothing=0.1), "classes"),
    "cross_entropy(probabilities)": (lambda lib, x, t, r: lib.nn.functional.cross_entropy(x, t, reduction=r),
                                     "probabilities"),
    "MSELoss": (lambda lib, x, t, r: lib.nn.MSELoss(reduction=r)(x, t), "regression"),
    "L1Loss": (lambda lib, x, t, r: lib.nn.L1Loss(reduction=r)(x, t), "regression"),
    "BCELoss": (lambda lib, x, t, r: lib.nn.BCELoss(reduction=r)(x, t), "binary"),
    "BCEWithLogitsLoss": (lambda lib, x, t, r: lib.nn.BCEWithLogitsLoss(
        reduction=r, pos_weight=_pos_weight(lib, x))(x, t), "binary"),
    "NLLLoss": (lambda lib, x, t, r: lib.nn.NLLLoss(reduction=r)(x, t), "classes"),
    "CrossEntropyLoss": (lambda lib, x, t, r: lib.nn.CrossEntropyLoss(reduction=r, label_smoothing=0.2)(x, t),
                         "classes"),
    "huber_loss": (lambda lib, x, t, r: lib.nn.functional.huber_loss(x, t, reduction=r, delta=0.5), "regression"),
    "smooth_l1_loss": (lambda lib, x, t, r: lib.nn.functional.smooth_l1_loss(x, t, reduction=r, beta=2.0),
                       "regression"),
    "kl_div": (lambda lib, x, t, r: lib.nn.functional.kl_div(x, t, reduction=r), "regression"),
    "kl_div(log_target)": (lambda lib, x, t, r: lib.nn.functional.kl_div(x, t, reduction=r, log_target=True),
                           "regression"),
    "poisson_nll_loss": (lambda lib, x, t, r: lib.nn.functional.poisson_nll_loss(x, t, reduction=r), "regression"),
    "poisson_nll_loss(full)": (lambda lib, x, t, r: lib.nn.functional.poisson_nll_loss(
        x, t, log_input=False, full=True, reduction=r), "regression"),
    "gaussian_nll_loss": (lambda lib, x, t, r: lib.nn.functional.gaussian_nll_loss(
        x, t, lib.full(tuple(x.shape), 0.5, dtype=x.dtype), reduction=r), "regression"),
    "margin_ranking_loss": (lambda lib, x, t, r: lib.nn.functional.margin_ranking_loss(
        x, t, lib.ones(tuple(x.shape), dtype=x.dtype), margin=0.5, reduction=r), "regression"),
    "hinge_embedding_loss": (lambda lib, x, t, r: lib.nn.functional.hinge_embedding_loss(
        x, t.detach().sign(), reduction=r), "regression"),
    "soft_margin_loss": (lambda lib, x, t, r: lib.nn.functional.soft_margin_loss(x, t.detach(), reduction=r),
                         "regression"),
    "multilabel_soft_margin_loss": (lambda lib, x, t, r: lib.nn.functional.multilabel_soft_margin_loss(
        x, t, reduction=r), "probabilities"),
    "cosine_embedding_loss": (lambda lib, x, t, r: lib.nn.functional.cosine_embedding_loss(
        x, t, lib.ones(x.shape[0], dtype=x.dtype), reduction=r), "probabilities"),
    "multi_margin_loss": (lambda lib, x, t, r: lib.nn.functional.multi_margin_loss(x, t, p=2, reduction=r),
                          "classes"),
    "multilabel_margin_loss": (lambda lib, x, t, r: lib.nn.functional.multilabel_margin_loss(
        x, lib.zeros(tuple(x.shape), dtype=lib.int64), reduction=r), "classes"),
    "triplet_margin_loss": (lambda lib, x, t, r: lib.nn.functional.triplet_margin_loss(x, t, t * 0.5, reduction=r),
                            "probabilities"),
    "triplet_margin_with_distance_loss": (lambda lib, x, t, r: lib.nn.functional.triplet_margin_with_distance_loss(
        x, t, t * 0.5, swap=True, reduction=r), "probabilities"),
    "ctc_loss": (lambda lib, x, t, r: lib.nn.functional.ctc_loss(x, lib.tensor([1]), [x.shape[0]], [1], reduction=r),
                 "classes"),
    "HuberLoss SmoothL1Loss KLDivLoss PoissonNLLLoss GaussianNLLLoss": (lambda lib, x, t, r: _joined(
        lib, (lib.nn.HuberLoss(reduction=r)(x, t), lib.nn.SmoothL1Loss(reduction=r)(x, t),
         lib.nn.KLDivLoss(reduction=r, log_target=True)(x, t), lib.nn.PoissonNLLLoss(reduction=r)(x, t),
         # (var 0.5: with var 1, minitorch's pow VJP, g·2·a, gives -3e38 at a = -3e38 in float32 where torch's,
         # g·(2·a), overflows to -inf; a difference of pow's, not of this loss)
         lib.nn.GaussianNLLLoss(reduction=r)(x, t, lib.full(tuple(x.shape), 0.5, dtype=x.dtype)))), "regression"),
    "MarginRankingLoss HingeEmbeddingLoss SoftMarginLoss": (lambda lib, x, t, r: _joined(
        lib, (lib.nn.MarginRankingLoss(reduction=r)(x, t, -lib.ones(tuple(x.shape), dtype=x.dtype)),
         lib.nn.HingeEmbeddingLoss(reduction=r)(x, -lib.ones(tuple(x.shape), dtype=x.dtype)),
         lib.nn.SoftMarginLoss(reduction=r)(x, t.detach()))), "regression"),
    "CosineEmbeddingLoss MultiLabelSoftMarginLoss TripletMarginLoss TripletMarginWithDistanceLoss": (
        lambda lib, x, t, r: _joined(lib, (
            lib.nn.CosineEmbeddingLoss(reduction=r)(x, t, -lib.ones(x.shape[0], dtype=x.dtype)),
            lib.nn.MultiLabelSoftMarginLoss(reduction=r)(x, t), lib.nn.TripletMarginLoss(reduction=r)(x, t, -t),
            lib.nn.TripletMarginWithDistanceLoss(reduction=r)(t, x, -x))), "probabilities"),
    "MultiMarginLoss MultiLabelMarginLoss CTCLoss": (lambda lib, x, t, r: _joined(lib, (
        lib.nn.MultiMarginLoss(reduction=r)(x, t),
        lib.nn.MultiLabelMarginLoss(reduction=r)(x, lib.ones(tuple(x.shape), dtype=lib.int64)),
        lib.nn.CTCLoss(reduction=r)(x, lib.tensor([2]), [x.shape[0]], [1]))), "classes"),
}


def _loss_cases(kind, dtype):
    """(where, input, target) pairs of arrays, one sample each, with one special value in the input or the target."""
    for value in specials(dtype):
        if kind == "regression":
            yield f"input {value}", np.array([value], dtype), np.array([0.5], dtype)
            yield f"target {value}", np.array([0.5], dtype), np.array([value], dtype)
        elif kind == "binary":  # probabilities or logits; a target of 0, 1 or in between
            for target in (0.0, 1.0, 0.3):
                yield f"input {value}, target {target}", np.array([value], dtype), np.array([target], dtype)
            yield f"target {value}", np.array([0.5], dtype), np.array([value], dtype)
        elif kind == "classes":  # logits (or log-probabilities) of 3 classes, class 1 the target
            for column in (1, 2):
                x = np.array([[-1.0, -2.0, -0.5]], dtype)
                x[0, column] = value
                yield f"{value} in class {column}", x, np.array([1])
        else:  # probabilities as the target
            x, t = np.array([[-1.0, -2.0, -0.5]], dtype), np.array([[0.2, 0.5, 0.3]], dtype)
            x[0, 1] = value
            yield f"input {value}", x, t
            x, t = np.array([[-1.0, -2.0, -0.5]], dtype), np.array([[0.2, 0.5, 0.3]], dtype)
            t[0, 1] = value
            yield f"target {value}", x, t


def _tensors(lib, x, t):
    target = lib.from_numpy(t.copy())
    return [lib.from_numpy(x.copy()).requires_grad_(), target.requires_grad_() if t.dtype.kind == "f" else target]


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", LOSSES)
def test_losses_at_special_values(name, dtype, reduction):
    """BCELoss took NaN (torch: "all elements of input should be between 0 and 1"), BCE's gradient at 0 and 1
    divided by 1e-12 where torch divides by 1e-12 rounded to float32, and MSE, BCE-with-logits and the composed
    cross entropies printed NumPy warnings on inf and huge values."""
    fn, kind = LOSSES[name]
    for where, x, t in _loss_cases(kind, dtype):
        outcomes = [_run(lambda x, t: fn(lib, x, t, reduction), lambda: _tensors(lib, x, t))
                    for lib in (minitorch, torch)]
        _compare(*outcomes, dtype, f"{name} with {where}")


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("name", LOSSES)
def test_losses_reduce_a_batch_with_special_values(name, reduction):
    """The whole float64 batch at once: a NaN or inf sample makes the mean and the sum NaN or inf, as in torch."""
    fn, kind = LOSSES[name]
    cases = list(_loss_cases(kind, np.float64))
    # torch raises for a probability outside [0, 1]: the batch keeps the values it accepts
    if kind == "binary" and "logits" not in name and "Logits" not in name:
        cases = [c for c in cases if 0 <= c[1][0] <= 1 and 0 <= c[2][0] <= 1]
    x, t = np.concatenate([c[1] for c in cases]), np.concatenate([c[2] for c in cases])
    outcomes = [_run(lambda x, t: fn(lib, x, t, reduction), lambda: _tensors(lib, x, t)) for lib in (minitorch, torch)]
    _compare(*outcomes, np.float64, name)


def test_every_activation_and_loss_is_covered():
    """Each public activation and loss of nn.functional and nn.modules has a case above: a new one must add its own."""
    import minitorch.nn.functional.activation as activations
    import minitorch.nn.functional.ctc as ctc
    import minitorch.nn.functional.likelihood as likelihood
    import minitorch.nn.functional.loss as losses
    import minitorch.nn.functional.margin as margin
    from minitorch.nn.modules import activation as activation_modules, loss as loss_modules

    def public(module, kind):
        return {n for n, v in vars(module).items()
                if not n.startswith("_") and getattr(v, "__module__", None) == module.__name__
                and (inspect.isfunction(v) if kind == "function" else inspect.isclass(v))}

    covered = " ".join(list(ACTIVATIONS) + list(ROW_ACTIVATIONS) + list(LOSSES))
    names = (public(activations, "function") | public(losses, "function") | public(margin, "function")
             | public(likelihood, "function")
             | public(ctc, "function") | public(activation_modules, "class")
             | public(loss_modules, "class"))
    missing = {n for n in names if n not in covered.replace("(", " ").split()}
    assert not missing, f"no special-value case for {sorted(missing)}"
