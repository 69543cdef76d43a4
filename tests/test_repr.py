"""Tensors print exactly as torch prints them: repr of the same NumPy array in both libraries is equal,
character for character (style, widths, wrapping, summarization, suffixes)."""
import contextlib
import time

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch
from minitorch._tensor_str import set_printoptions

DTYPES = [np.float32, np.float64, np.float16, np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]
SPECIALS = [0.0, -0.0, np.nan, np.inf, -np.inf]


def same_repr(a, prepare=lambda lib, t: t):
    """repr of ``prepare(lib, from_numpy(a))`` in both libraries; asserts they are equal and returns it."""
    mine = repr(prepare(minitorch, minitorch.from_numpy(a.copy())))
    theirs = repr(prepare(torch, torch.from_numpy(a.copy())))
    assert mine == theirs, f"minitorch:\n{mine}\ntorch:\n{theirs}"
    return mine


@contextlib.contextmanager
def printoptions(**options):
    """The same print options in both libraries, for the duration of a block."""
    set_printoptions(**options)
    torch.set_printoptions(**options)
    try:
        yield
    finally:
        set_printoptions(profile="default")
        torch.set_printoptions(profile="default")


# -- strategies -----------------------------------------------------------------------------------------
def _values(rng, regime, size, dtype):
    """``size`` values of one magnitude regime, so that all of torch's styles get drawn."""
    if dtype == np.bool_:
        return rng.random(size) < 0.5
    if np.dtype(dtype).kind in "iu":
        info = np.iinfo(dtype)
        bound = {"small": 10, "integral": 1000}.get(regime, info.max)
        return rng.integers(max(info.min, -bound), min(info.max, bound), size, endpoint=True, dtype=dtype)
    if regime == "small":  # fixed point, e.g. 0.1234
        values = rng.standard_normal(size)
    elif regime == "integral":  # int mode, e.g. 3.
        values = rng.integers(-1000, 1000, size).astype(np.float64)
    elif regime == "wide":  # magnitudes from 1e-10 to 1e10: scientific notation
        values = rng.choice([-1, 1], size) * 10.0 ** rng.uniform(-10, 10, size)
    else:  # huge: integral but past 1e8, or tiny
        values = rng.choice([1e9, -3e12, 2.5e-7, 1e-5], size) * rng.integers(1, 5, size)
    with np.errstate(over="ignore"):  # float16 turns the largest into inf, which is worth printing too
        return values.astype(dtype)


@st.composite
def printable_arrays(draw, min_size=0):
    dtype = draw(st.sampled_from(DTYPES))
    big = draw(st.booleans())  # past the 1000-element threshold: summarized
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=8, max_side=40) if big else
                 hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6))
    size = int(np.prod(shape))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    regime = draw(st.sampled_from(["small", "integral", "wide", "huge"]))
    a = _values(rng, regime, size, dtype)
    if np.dtype(dtype).kind == "f" and size and draw(st.booleans()):  # sprinkle zeros, -0., nan, inf
        spots = draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=4))
        a[spots] = draw(st.lists(st.sampled_from(SPECIALS), min_size=len(spots), max_size=len(spots)))
    a = a.reshape(shape)
    if a.ndim >= 2 and draw(st.booleans()):  # a non-contiguous (transposed) layout prints the same
        a = a.T
    return a


@st.composite
def small_float_arrays(draw):
    """Arrays with hypothesis-chosen elements (any finite or special float), for shrinkable edge cases."""
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    elements = st.floats(width=32 if dtype == np.float32 else 64)
    return draw(hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=3, max_side=5), elements=elements))


# -- property tests -------------------------------------------------------------------------------------
@given(printable_arrays())
def test_repr_matches_torch(a):
    text = same_repr(a)
    t = minitorch.from_numpy(a)
    assert str(t) == text


@given(small_float_arrays())
def test_repr_of_any_floats_matches_torch(a):
    same_repr(a)


@given(printable_arrays().filter(lambda a: a.dtype.kind == "f"))
def test_requires_grad_suffix(a):
    same_repr(a, lambda lib, t: t.requires_grad_())


@given(printable_arrays().filter(lambda a: a.dtype in (np.float32, np.float64)))
def test_grad_fn_suffix(a):
    text = same_repr(a, lambda lib, t: t.requires_grad_() * 2)
    assert "grad_fn=<MulBackward0>" in text


@given(printable_arrays(), st.integers(1, 6), st.integers(0, 4), st.integers(10, 120),
       st.sampled_from([None, True, False]), st.integers(0, 50))
def test_printoptions_match_torch(a, precision, edgeitems, linewidth, sci_mode, threshold):
    with printoptions(precision=precision, threshold=threshold, edgeitems=edgeitems, linewidth=linewidth,
                      sci_mode=sci_mode):
        same_repr(a)


@pytest.mark.parametrize("profile", ["short", "full", "default"])
def test_profiles_match_torch(profile):
    with printoptions(profile=profile):
        same_repr(np.linspace(-1, 1, 1200).reshape(30, 40))
        same_repr(np.array([1.23456, 2.5], np.float32))


@given(printable_arrays().filter(lambda a: a.dtype.kind == "f"))
def test_default_dtype_float64_changes_suffixes(a):
    """With float64 as default, float64 tensors lose their dtype suffix and float32 ones gain one."""
    try:
        minitorch.set_default_dtype(minitorch.float64)
        torch.set_default_dtype(torch.float64)
        same_repr(a)
    finally:
        minitorch.set_default_dtype(minitorch.float32)
        torch.set_default_dtype(torch.float32)


# -- the facts, spelled out -----------------------------------------------------------------------------
@pytest.mark.parametrize("make, expected", [
    (lambda lib: lib.tensor(4.5), "tensor(4.5000)"),
    (lambda lib: lib.tensor(3), "tensor(3)"),
    (lambda lib: lib.tensor([1.0, 2.0]), "tensor([1., 2.])"),
    (lambda lib: lib.tensor([[1.0, 2.0], [3.0, 4.0]]), "tensor([[1., 2.],\n        [3., 4.]])"),
    (lambda lib: lib.tensor([5.5, 3]), "tensor([5.5000, 3.0000])"),
    (lambda lib: lib.tensor([True, False]), "tensor([ True, False])"),
    (lambda lib: lib.tensor([1, 2], dtype=lib.int32), "tensor([1, 2], dtype=torch.int32)"),
    (lambda lib: lib.tensor([1.0, 2.0], dtype=lib.float64), "tensor([1., 2.], dtype=torch.float64)"),
    (lambda lib: lib.tensor([]), "tensor([])"),
    (lambda lib: lib.zeros(0, 3), "tensor([], size=(0, 3))"),
    (lambda lib: lib.zeros(0, dtype=lib.int64), "tensor([], dtype=torch.int64)"),
    (lambda lib: lib.tensor([0.0, float("nan")]), "tensor([0., nan])"),
    (lambda lib: lib.tensor([1.0, float("inf"), 100.0]), "tensor([  1.,  inf, 100.])"),
    (lambda lib: lib.tensor([-0.0, 1.5]), "tensor([-0.0000, 1.5000])"),
    (lambda lib: lib.tensor([1e-5, 1.0]), "tensor([1.0000e-05, 1.0000e+00])"),
    (lambda lib: lib.tensor([1e-4, 1e-2], dtype=lib.float64), "tensor([0.0001, 0.0100], dtype=torch.float64)"),
    (lambda lib: lib.tensor([1e-4, 1e-2]), "tensor([1.0000e-04, 1.0000e-02])"),  # float32 1e-4 is below 1e-4
    (lambda lib: lib.tensor([1e8, 1e6], dtype=lib.float64), "tensor([100000000.,   1000000.], dtype=torch.float64)"),
    (lambda lib: lib.tensor([1e8 + 1, 1e6], dtype=lib.float64), "tensor([1.0000e+08, 1.0000e+06], dtype=torch.float64)"),
    (lambda lib: lib.tensor([0.1, 1.0, 0.001]) * 1024, "tensor([ 102.4000, 1024.0000,    1.0240])"),
    (lambda lib: lib.tensor([0.1, 1.0, 0.0001]) * 1024, "tensor([1.0240e+02, 1.0240e+03, 1.0240e-01])"),
    (lambda lib: lib.ones(2, requires_grad=True), "tensor([1., 1.], requires_grad=True)"),
    (lambda lib: lib.ones(2, requires_grad=True) * 2, "tensor([2., 2.], grad_fn=<MulBackward0>)"),
    (lambda lib: lib.arange(2000), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"),
])
def test_known_outputs(make, expected):
    assert repr(make(torch)) == expected  # the expectation is torch's own output
    assert repr(make(minitorch)) == expected
    assert str(make(minitorch)) == expected


def test_long_rows_wrap_and_suffix_moves_to_new_line():
    a = np.arange(27, dtype=np.float64) / 7  # three full rows of nine
    text = same_repr(a, lambda lib, t: t.requires_grad_())
    assert text.count("\n") == 3 and text.endswith(",\n       dtype=torch.float64, requires_grad=True)")


def test_summarized_3d_separates_blocks_by_blank_lines():
    text = same_repr(np.arange(2 * 3 * 200, dtype=np.float32).reshape(2, 3, 200))
    assert "\n\n" in text and "..." in text


def test_big_tensor_prints_fast():
    t = minitorch.from_numpy(np.random.default_rng(0).random((1000, 1000), dtype=np.float32))
    best = float("inf")
    for _ in range(3):  # the best of three: the CI machine is shared
        start = time.perf_counter()
        text = repr(t)
        best = min(best, time.perf_counter() - start)
    assert best < 0.05, f"printing a 1000x1000 tensor took {best * 1000:.1f} ms"
    assert text == repr(torch.from_numpy(t.numpy()))
