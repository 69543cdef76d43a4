"""torch.signal.windows, checked against torch: values (float32 and float64, symmetric and periodic, the lengths
and parameters of OpInfo's reference inputs), the recorded graph with ``requires_grad=True``, and torch's errors
word for word."""
import numpy as np
import pytest
import torch

import minitorch
from harness import assert_close, same_error, same_graphs

# (window, its parameters): the cases of OpInfo's reference inputs (torch/testing/_internal/opinfo/definitions/
# signal.py) for lengths 8 .. 256, and every window with its defaults
WINDOWS = {
    "hamming": [{}], "hann": [{}], "bartlett": [{}], "blackman": [{}], "cosine": [{}], "nuttall": [{}],
    "exponential": [{}, {"tau": 2.78}, {"tau": 0.5}, {"tau": 43.5}, {"tau": 99}],
    "gaussian": [{}, {"std": 0.1}, {"std": 1.92}, {"std": 4.5}, {"std": 10}],
    "kaiser": [{}, {"beta": 0}, {"beta": 2}, {"beta": 30}, {"beta": 41.2}, {"beta": 100}],
    "general_cosine": [{"a": [0.54, 0.46]}, {"a": [0.5]}, {"a": [0.46, 0.23, 0.31]}, {"a": (0.1, 0.8, 0.05, 0.05)},
                       {"a": [0.2] * 5}],
    "general_hamming": [{}, {"alpha": 0.5}, {"alpha": 0.23}, {"alpha": 0.9}, {"alpha": 0.05}],
}
LENGTHS = [0, 1, 2, 3, 4, 5, 8, 16, 33, 64, 256]
CENTERS = [{"center": 4}, {"center": 8, "tau": 2.5}, {"center": 62, "tau": 99}, {"center": 1.3, "tau": 0.5}]


def _both(name, *args, **kwargs):
    dtype = kwargs.pop("dtype", None)
    mine = getattr(minitorch.signal.windows, name)(*args, dtype=dtype and getattr(minitorch, dtype), **kwargs)
    theirs = getattr(torch.signal.windows, name)(*args, dtype=dtype and getattr(torch, dtype), **kwargs)
    return mine, theirs


def _same_values(mine, theirs, what):
    assert str(mine.dtype) == str(theirs.dtype), what
    assert tuple(mine.shape) == tuple(theirs.shape), what
    assert_close(mine.detach().numpy(), theirs.detach().numpy(), theirs.detach().numpy().dtype, what)


@pytest.mark.parametrize("dtype", [None, "float32", "float64"])
@pytest.mark.parametrize("name", WINDOWS)
def test_values_as_torch(name, dtype):
    """Every length, both kinds (sym: for filter design; periodic: for spectral analysis), each parameter set."""
    for params in WINDOWS[name]:
        if dtype != "float64" and params.get("beta", 0) > 88:
            # torch's float32 i0 overflows once exp(x) does (x > 88.7; i0(90.35) is 7.3e37 < float32's max, torch
            # gives inf), so torch's window is nan where minitorch's i0(x) / i0(β) = finite / inf = 0; in float64
            # both are torch's (below)
            continue
        for M in LENGTHS:
            for sym in (True, False):
                mine, theirs = _both(name, M, sym=sym, dtype=dtype, **params)
                _same_values(mine, theirs, f"{name}({M}, sym={sym}, {params})")


@pytest.mark.parametrize("params", CENTERS)
def test_exponential_centred_elsewhere(params):
    """A periodic exponential window may be centred anywhere (a symmetric one refuses: see the errors)."""
    for M in (1, 5, 8, 64, 128):
        mine, theirs = _both("exponential", M, sym=False, dtype="float64", **params)
        _same_values(mine, theirs, f"exponential({M}, {params})")


def test_known_values():
    """The definitions, independently of torch: hann is sin²(πn/(M-1)); its periodic form is the first M samples
    of the symmetric window of length M+1; bartlett is the triangle; a kaiser window of β = 0 is rectangular."""
    w = minitorch.signal.windows
    n = np.arange(7)
    np.testing.assert_allclose(w.hann(7, dtype=minitorch.float64).numpy(), np.sin(np.pi * n / 6) ** 2, atol=1e-15)
    np.testing.assert_allclose(w.hann(6, sym=False, dtype=minitorch.float64).numpy(),
                               w.hann(7, dtype=minitorch.float64).numpy()[:6], atol=1e-15)
    np.testing.assert_allclose(w.bartlett(5, dtype=minitorch.float64).numpy(), [0, 0.5, 1, 0.5, 0], atol=1e-15)
    np.testing.assert_allclose(w.kaiser(6, beta=0.0, dtype=minitorch.float64).numpy(), np.ones(6), rtol=1e-15)


@pytest.mark.parametrize("name", WINDOWS)
def test_requires_grad_records_torchs_graph(name):
    """With requires_grad=True the window is computed from a linspace leaf, recording torch's nodes (SumBackward1
    for the cosine sums, ExpBackward0, DivBackward0 of I0Backward0 for kaiser, ...); lengths 0 and 1 are leaves
    for most windows, as in torch."""
    for M in (0, 1, 6):
        mine, theirs = _both(name, M, requires_grad=True, **WINDOWS[name][0])
        assert mine.requires_grad and theirs.requires_grad
        assert mine.is_leaf == theirs.is_leaf, (name, M)
        same_graphs(mine, theirs)
        _same_values(mine, theirs, f"{name}({M}, requires_grad=True)")


def test_default_dtype_is_followed():
    previous = minitorch.get_default_dtype()
    minitorch.set_default_dtype(minitorch.float64)
    try:
        assert minitorch.signal.windows.hann(4).dtype is minitorch.float64
    finally:
        minitorch.set_default_dtype(previous)


ERRORS = [
    (name, args, dict(kwargs, **({"a": [0.54, 0.46]} if name == "general_cosine" else {})))
    for name in WINDOWS
    for args, kwargs in [((-1,), {}), ((3,), {"dtype": "int64"}), ((3,), {"dtype": "float16"}),
                         ((-1,), {"dtype": "int64"})]
] + [
    ("exponential", (3,), {"tau": -1}), ("exponential", (3,), {"tau": 0}),
    ("exponential", (3,), {"center": 1}), ("exponential", (3,), {"center": 1, "sym": True, "tau": -1}),
    ("exponential", (0,), {"center": 2}),
    ("gaussian", (3,), {"std": -1}), ("gaussian", (3,), {"std": 0}), ("gaussian", (-1,), {"std": -1}),
    ("kaiser", (3,), {"beta": -1}), ("kaiser", (-2,), {"beta": -1}),
    ("general_cosine", (3,), {"a": None}), ("general_cosine", (3,), {"a": []}), ("general_cosine", (3,), {"a": 0.5}),
    ("general_cosine", (3,), {}),  # (a is required)
]


@pytest.mark.parametrize("name, args, kwargs", ERRORS, ids=[f"{n}{a}{k}" for n, a, k in ERRORS])
def test_errors_as_torch(name, args, kwargs):
    """torch's checks, in its order and words: the length, the dtype (float32 or float64 only), then each window's
    own parameters; hann, hamming, nuttall and general_hamming are checked as general_cosine."""
    kwargs = dict(kwargs)
    dtype = kwargs.pop("dtype", None)
    same_error(lambda lib: getattr(lib.signal.windows, name)(*args, dtype=dtype and getattr(lib, dtype), **kwargs),
               words=lambda m: m.replace("minitorch.", "torch."))


def test_layout_other_than_strided_refused():
    same_error(lambda lib: lib.signal.windows.hann(3, layout=lib.sparse_coo))
    same_error(lambda lib: lib.signal.windows.kaiser(3, layout=lib.sparse_coo))
