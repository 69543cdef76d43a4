"""vision against torchvision: readers on small files the tests write, transforms (Normalize's checks of the
channels included), make_grid."""
import os
import pickle


import numpy as np
import pytest
import torch
import torchvision

import minitorch
from harness import assert_close, outcome_and_warnings
from minitorch.vision import datasets, transforms, utils
from vision_support import make_cifar, make_mnist

rng = np.random.default_rng(0)


@pytest.mark.parametrize("name", ["FashionMNIST", "MNIST"])
@pytest.mark.parametrize("train", [True, False])
def test_mnist_reader_matches_torchvision(tmp_path, name, train):
    make_mnist(tmp_path, name)
    mine = getattr(datasets, name)(str(tmp_path), train=train, transform=transforms.ToTensor())
    theirs = getattr(torchvision.datasets, name)(str(tmp_path), train=train,
                                                 transform=torchvision.transforms.ToTensor())
    assert len(mine) == len(theirs)
    np.testing.assert_array_equal(mine.data, theirs.data.numpy())
    np.testing.assert_array_equal(mine.targets, theirs.targets.numpy())
    for i in range(len(mine)):
        (mi, ml), (ti, tl) = mine[i], theirs[i]
        np.testing.assert_allclose(mi.numpy(), ti.numpy(), rtol=0, atol=0)
        assert ml == tl and isinstance(ml, int)
    assert mine.classes == theirs.classes


def test_gz_files_are_read(tmp_path):
    make_mnist(tmp_path, compress=True)
    ds = datasets.FashionMNIST(str(tmp_path), train=False)
    assert len(ds) == 3 and ds[0][0].shape == (28, 28) and ds[0][0].dtype == np.uint8


def test_missing_dataset_says_where_to_put_files(tmp_path):
    with pytest.raises(RuntimeError, match="Dataset not found.*t10k-images-idx3-ubyte"):
        datasets.MNIST(str(tmp_path), train=False, download=True)


def test_truncated_idx_names_file_and_sizes(tmp_path):
    raw = make_mnist(tmp_path)
    path = os.path.join(raw, "train-images-idx3-ubyte")
    data = open(path, "rb").read()
    open(path, "wb").write(data[:-100])
    with pytest.raises(RuntimeError, match="train-images-idx3-ubyte is truncated.*needs 5504 bytes"):
        datasets.FashionMNIST(str(tmp_path))
    open(path, "wb").write(b"\x01\x02")
    with pytest.raises(RuntimeError, match="not an IDX file"):
        datasets.FashionMNIST(str(tmp_path))


@pytest.mark.skipif(not os.path.exists("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"),
                    reason="Debian's dataset-fashion-mnist is not installed")
def test_fashion_mnist_debian_default(tmp_path):
    ds = datasets.FashionMNIST(str(tmp_path / "empty"), train=False)
    assert len(ds) == 10000 and ds.data.shape == (10000, 28, 28)
    assert np.bincount(ds.targets).tolist() == [1000] * 10


class _TorchvisionCIFAR10(torchvision.datasets.CIFAR10):
    meta = {"filename": "batches.meta", "key": "label_names", "md5": None}  # our small files have other md5s

    def _check_integrity(self):
        return True


@pytest.mark.parametrize("train", [True, False])
def test_cifar_reader_matches_torchvision(tmp_path, train):
    make_cifar(tmp_path)
    mine = datasets.CIFAR10(str(tmp_path), train=train, transform=transforms.ToTensor())
    theirs = _TorchvisionCIFAR10(str(tmp_path), train=train, transform=torchvision.transforms.ToTensor())
    assert len(mine) == len(theirs) and mine.classes == theirs.classes and mine.targets == theirs.targets
    np.testing.assert_array_equal(mine.data, theirs.data)
    for i in range(len(mine)):
        np.testing.assert_array_equal(mine[i][0].numpy(), theirs[i][0].numpy())


def test_cifar_tarball(tmp_path):
    import tarfile
    make_cifar(tmp_path / "src")
    with tarfile.open(tmp_path / "cifar-10-python.tar.gz", "w:gz") as tar:
        tar.add(tmp_path / "src" / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    ds = datasets.CIFAR10(str(tmp_path), train=True)
    assert len(ds) == 20 and ds[0][0].shape == (32, 32, 3)


def test_cifar_missing_malformed_and_hostile(tmp_path):
    with pytest.raises(RuntimeError, match="Dataset not found.*cifar-10-batches-py"):
        datasets.CIFAR10(str(tmp_path), download=True)
    folder = make_cifar(tmp_path)
    os.remove(os.path.join(folder, "data_batch_3"))
    with pytest.raises(RuntimeError, match="Missing file .*data_batch_3"):
        datasets.CIFAR10(str(tmp_path))
    with open(os.path.join(folder, "data_batch_3"), "wb") as f:
        f.write(b"not a pickle")
    with pytest.raises(RuntimeError, match="data_batch_3 is not a valid CIFAR-10 batch file"):
        datasets.CIFAR10(str(tmp_path))

    class Evil:
        def __reduce__(self):
            return (os.system, ("touch " + str(tmp_path / "pwned"),))
    with open(os.path.join(folder, "data_batch_3"), "wb") as f:
        pickle.dump({"data": Evil(), "labels": []}, f)
    with pytest.raises(RuntimeError, match="refusing to load"):
        datasets.CIFAR10(str(tmp_path))
    assert not (tmp_path / "pwned").exists()


def _img(shape=(5, 7, 3)):
    return rng.integers(0, 256, shape).astype(np.uint8)


def test_to_tensor_and_normalize_match_torchvision():
    for shape in [(5, 7), (5, 7, 3)]:
        img = _img(shape)
        mine = transforms.Normalize((0.5,) * (1 if len(shape) == 2 else 3), (0.25,) * (1 if len(shape) == 2 else 3))(
            transforms.ToTensor()(img))
        theirs = torchvision.transforms.Normalize((0.5,) * (1 if len(shape) == 2 else 3),
                                                  (0.25,) * (1 if len(shape) == 2 else 3))(
            torchvision.transforms.ToTensor()(img))
        np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-7)
        assert mine.dtype.name == "float32"


@pytest.mark.parametrize("padding,mode", [(2, "constant"), ((1, 3), "edge"), ((1, 2, 3, 4), "reflect"),
                                          (2, "symmetric")])
def test_pad_on_tensors_matches_torchvision(padding, mode):
    x = rng.standard_normal((3, 6, 5)).astype(np.float32)
    mine = transforms.Pad(padding, fill=0.5 if mode == "constant" else 0, padding_mode=mode)(minitorch.from_numpy(x))
    theirs = torchvision.transforms.Pad(padding, fill=0.5 if mode == "constant" else 0, padding_mode=mode)(
        torch.from_numpy(x))
    np.testing.assert_array_equal(mine.numpy(), theirs.numpy())


@pytest.mark.parametrize("size,mode", [((12, 10), "nearest"), ((9, 16), "bilinear"), (11, "bilinear"),
                                       ((3, 2), "nearest"), ((4, 3), "bilinear")])
def test_resize_on_tensors_matches_torchvision(size, mode):
    x = rng.standard_normal((2, 6, 5)).astype(np.float32)
    mine = transforms.Resize(size, interpolation=mode, antialias=False)(minitorch.from_numpy(x))
    tv_mode = getattr(torchvision.transforms.InterpolationMode, mode.upper())
    theirs = torchvision.transforms.Resize(size, interpolation=tv_mode, antialias=False)(torch.from_numpy(x))
    np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)


def test_random_crop_flip_lambda_compose():
    x = minitorch.from_numpy(np.arange(2 * 6 * 6, dtype=np.float32).reshape(2, 6, 6))
    out = transforms.RandomCrop(4, padding=1)(x)
    assert tuple(out.shape) == (2, 4, 4)
    flipped = transforms.RandomHorizontalFlip(p=1.0)(x)
    np.testing.assert_array_equal(flipped.numpy(), x.numpy()[..., ::-1])
    assert transforms.RandomHorizontalFlip(p=0.0)(x) is x
    pipeline = transforms.Compose([transforms.Lambda(lambda t: t * 2), transforms.RandomCrop((6, 6))])
    np.testing.assert_array_equal(pipeline(x).numpy(), x.numpy() * 2)
    with pytest.raises(ValueError, match="larger than input image size"):
        transforms.RandomCrop(8)(x)
    assert repr(transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])) == \
        repr(torchvision.transforms.Compose([torchvision.transforms.ToTensor(),
                                             torchvision.transforms.Normalize((0.5,), (0.5,))]))


@pytest.mark.parametrize("kwargs", [dict(), dict(nrow=3, padding=1), dict(normalize=True),
                                    dict(normalize=True, scale_each=True, pad_value=1.0),
                                    dict(normalize=True, value_range=(-1, 1))])
@pytest.mark.parametrize("shape", [(5, 3, 4, 6), (4, 1, 5, 5), (1, 3, 4, 4)])
def test_make_grid_matches_torchvision(kwargs, shape):
    x = rng.standard_normal(shape).astype(np.float32)
    mine = utils.make_grid(minitorch.from_numpy(x), **kwargs)
    theirs = torchvision.utils.make_grid(torch.from_numpy(x), **kwargs)
    np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-6)


# -- vision.transforms.Normalize: the channels must match ---------------------------------------------------------
@pytest.mark.parametrize("shape, mean", [
    ((1, 4, 4), (0.5, 0.5, 0.5)),          # 3 channels of statistics for a 1-channel image: broadcast silently
    ((2, 1, 4, 4), (0.5, 0.5, 0.5)),
    ((1, 4, 3), (0.5, 0.5, 0.5, 0.5)),
    ((2, 4, 4), (0.5, 0.5, 0.5)),          # 2 against 3: NumPy's own error
    ((3, 4, 4), (0.5, 0.5)),
    ((3, 4, 4), ((0.5,), (0.5,), (0.5,))),  # a 2-d mean is not viewed as (C, 1, 1)
    ((4, 4), (0.5,)), ((4,), (0.5,)),       # not an image
    ((3, 4, 4), (0.5,)), ((3, 4, 4), 0.5), ((3, 4, 4), [[0.5]]), ((2, 3, 4, 4), (0.5, 0.25, 0.125)),
    ((0, 4, 4), (0.5,)),
])
@pytest.mark.parametrize("inplace", [False, True])
def test_normalize_checks_channels_like_torchvision(shape, mean, inplace):
    data = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape) / 7
    std = mean if not isinstance(mean, tuple) or len(mean) != 3 else (0.25, 0.5, 2.0)
    outcomes = []
    for lib, tf in ((minitorch, transforms), (torch, torchvision.transforms)):
        x = lib.from_numpy(data.copy())
        result = outcome_and_warnings(lambda: tf.Normalize(mean, std, inplace=inplace)(x))[0]
        outcomes.append((result, x.numpy().copy()))
    (mine, mine_x), (theirs, theirs_x) = outcomes
    assert mine[0] == theirs[0]
    if theirs[0] == "ok":
        assert_close(mine[1], theirs[1], np.float32)
        np.testing.assert_array_equal(mine_x, theirs_x)  # changed in place exactly when inplace=True
    else:
        assert mine[1] == theirs[1]


def test_normalize_refuses_what_is_not_a_float_tensor_image():
    for make in (lambda lib: np.zeros((3, 4, 4), np.float32), lambda lib: lib.zeros(3, 4, 4, dtype=lib.uint8)):
        mine = outcome_and_warnings(lambda: transforms.Normalize((0.5,), (0.5,))(make(minitorch)))[0]
        theirs = outcome_and_warnings(lambda: torchvision.transforms.Normalize((0.5,), (0.5,))(make(torch)))[0]
        assert mine == theirs and mine[0] == "TypeError"
