"""transforms.resize / Resize against torchvision 0.29: tensors through torch's interpolate (with and
without antialiasing), uint8 image arrays through PIL (torchvision's path for PIL images)."""
import warnings

import numpy as np
import pytest
import torch
import torchvision
import torchvision.transforms.functional as TF
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

import minitorch
from harness import same_error
from minitorch.vision import transforms

MODES = ["nearest", "bilinear", "bicubic"]
sides, out_sides = st.integers(1, 24), st.integers(1, 40)


def tv_mode(mode):
    return getattr(torchvision.transforms.InterpolationMode, mode.upper())


def torch_resize(x, size, mode, antialias):
    """torchvision on a tensor. torch 2.14's CPU antialiased kernel gives wrong rows when the output
    width is 1 and the height changes (every row gets the first row's weights); resizing the transposed
    image, whose output *height* is 1, does not hit it, and is the same resize."""
    t = torch.from_numpy(x)
    if antialias and size[1] == 1 and size[0] != x.shape[-2] and mode != "nearest":
        return TF.resize(t.transpose(-1, -2), size[::-1], tv_mode(mode), antialias=True).transpose(-1, -2).numpy()
    return TF.resize(t, list(size), tv_mode(mode), antialias=antialias).numpy()


@given(h=sides, w=sides, oh=out_sides, ow=out_sides, mode=st.sampled_from(MODES), antialias=st.booleans(),
       seed=st.integers(0, 2 ** 16))
def test_float_tensor_matches_torchvision(h, w, oh, ow, mode, antialias, seed):
    x = np.random.default_rng(seed).standard_normal((2, h, w)).astype(np.float32)
    mine = transforms.resize(minitorch.from_numpy(x), [oh, ow], mode, antialias=antialias)
    assert mine.dtype == minitorch.float32
    np.testing.assert_allclose(mine.numpy(), torch_resize(x, (oh, ow), mode, antialias), rtol=1e-5, atol=2e-5)


@given(h=sides, w=sides, oh=out_sides, ow=out_sides, mode=st.sampled_from(MODES), antialias=st.booleans(),
       seed=st.integers(0, 2 ** 16))
def test_uint8_tensor_matches_torchvision_within_rounding(h, w, oh, ow, mode, antialias, seed):
    # torchvision computes uint8 tensors in float32 and rounds: a value within float32 error of k + 0.5
    # may round either way, so ±1 is allowed (nearest copies pixels, exactly)
    x = np.random.default_rng(seed).integers(0, 256, (3, h, w), dtype=np.uint8)
    mine = transforms.resize(minitorch.from_numpy(x), [oh, ow], mode, antialias=antialias).numpy()
    theirs = torch_resize(x, (oh, ow), mode, antialias)
    assert mine.dtype == np.uint8
    np.testing.assert_allclose(mine.astype(int), theirs.astype(int), atol=0 if mode == "nearest" else 1, rtol=0)


def pil_resize(img, size, mode):
    return np.asarray(TF.resize(Image.fromarray(img), list(size), tv_mode(mode)))


@given(h=sides, w=sides, out=out_sides, axis=st.sampled_from([0, 1]), channels=st.sampled_from([0, 3]),
       mode=st.sampled_from(MODES), seed=st.integers(0, 2 ** 16))
def test_uint8_image_matches_pil_exactly_along_one_axis(h, w, out, axis, channels, mode, seed):
    shape = (h, w) + ((channels,) if channels else ())
    img = np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)
    size = (out, w) if axis == 0 else (h, out)
    mine = transforms.resize(img, list(size), mode)
    assert isinstance(mine, np.ndarray) and mine.dtype == np.uint8
    np.testing.assert_array_equal(mine, pil_resize(img, size, mode))


@given(h=sides, w=sides, oh=out_sides, ow=out_sides, mode=st.sampled_from(["nearest", "bilinear"]),
       seed=st.integers(0, 2 ** 16))
def test_uint8_image_matches_pil_on_both_axes(h, w, oh, ow, mode, seed):
    # PIL rounds to uint8 between its two passes; Pillow 13 picks which pass runs first by a rule not
    # reproduced here (minitorch always goes horizontal first, as Pillow's ImagingResampleInner is
    # written), so bilinear may differ by 1 where Pillow chose the vertical pass first
    img = np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)
    mine = transforms.resize(img, [oh, ow], mode)
    np.testing.assert_allclose(mine.astype(int), pil_resize(img, (oh, ow), mode).astype(int),
                               atol=0 if mode == "nearest" else 1, rtol=0)


def test_downsampling_is_antialiased():
    # a 1-pixel checkerboard averages to grey when shrunk 3x; without antialiasing every output pixel
    # samples one input pixel, and the board comes back as a coarser board
    board = (np.indices((12, 12)).sum(0) % 2).astype(np.float32)[None]
    smooth = transforms.resize(minitorch.from_numpy(board), [4, 4]).numpy()
    np.testing.assert_allclose(smooth, torch_resize(board, (4, 4), "bilinear", True), atol=1e-6)
    assert np.abs(smooth - 0.5).max() < 0.01  # not exactly: the edge cuts some windows
    aliased = transforms.resize(minitorch.from_numpy(board), [4, 4], antialias=False).numpy()
    np.testing.assert_allclose(aliased, torch_resize(board, (4, 4), "bilinear", False), atol=1e-6)
    np.testing.assert_array_equal(aliased, board[:, 1::3, 1::3])


@given(h=st.integers(1, 60), w=st.integers(1, 60), size=st.integers(1, 30),
       max_size=st.one_of(st.none(), st.integers(1, 80)))
def test_int_size_and_max_size_as_torchvision(h, w, size, max_size):
    x = np.zeros((1, h, w), np.float32)
    try:  # a size can round down to 0: torch's interpolate refuses it (RuntimeError), as minitorch does
        expected = tuple(TF.resize(torch.from_numpy(x), size, max_size=max_size).shape)
    except (ValueError, RuntimeError) as e:
        with pytest.raises(type(e)) as got:
            transforms.resize(minitorch.from_numpy(x), size, max_size=max_size)
        assert str(got.value) == str(e)
        return
    assert tuple(transforms.Resize(size, max_size=max_size)(minitorch.from_numpy(x)).shape) == expected
    img = np.zeros((h, w), np.uint8)
    assert transforms.resize(img, [size], max_size=max_size).shape == expected[1:]


def test_same_size_returns_the_image_and_errors_match():
    x = minitorch.from_numpy(np.ones((1, 5, 7), np.float32))
    assert transforms.resize(x, [5, 7]) is x
    assert transforms.resize(x, 5) is x
    cases = [(lambda: transforms.resize(x, [1, 2, 3]), lambda: TF.resize(torch.ones(1, 5, 7), [1, 2, 3])),
             (lambda: transforms.resize(x, [3, 4], max_size=9), lambda: TF.resize(torch.ones(1, 5, 7), [3, 4],
                                                                                      max_size=9)),
             (lambda: transforms.Resize(2.5), lambda: torchvision.transforms.Resize(2.5)),
             (lambda: transforms.Resize([1, 2, 3]), lambda: torchvision.transforms.Resize([1, 2, 3]))]
    for mine, theirs in cases:
        same_error(lambda lib: (mine if lib is minitorch else theirs)())


def test_pil_stand_in_ignores_antialias_false_with_torchvisions_warning():
    img = np.random.default_rng(0).integers(0, 256, (9, 9), dtype=np.uint8)
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        expected = np.asarray(TF.resize(Image.fromarray(img), [4, 4], antialias=False))
    with pytest.warns(UserWarning) as mine:
        out = transforms.resize(img, [4, 4], antialias=False)
    assert str(mine[0].message) == str(theirs[0].message)
    np.testing.assert_array_equal(out, expected)


def test_resize_repr_as_torchvision():
    for args in [(8,), ((4, 6), "nearest", None, False), (10, "bicubic", 20, True)]:
        mode = args[1] if len(args) > 1 else "bilinear"
        tv_args = (args[0], tv_mode(mode)) + tuple(args[2:])
        assert repr(transforms.Resize(*args)) == repr(torchvision.transforms.Resize(*tv_args))
