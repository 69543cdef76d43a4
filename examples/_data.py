"""Where the image classifier's data comes from, without a network.

The blitz downloads CIFAR-10 with ``download=True``. Here Fashion-MNIST is the default: Debian's package
``dataset-fashion-mnist`` puts its four IDX files (gzipped) in ``/usr/share/datasets/fashion-mnist``.
torchvision reads them only from ``ROOT/FashionMNIST/raw/`` and only unpacked, so ``fashion_mnist_root``
unpacks them there once (about 55 MB); minitorch reads that folder too. ROOT is a cache folder, not the
checkout: ``$MINITORCH_DATA`` when set, else ``$XDG_CACHE_HOME/minitorch/data`` (``~/.cache/minitorch/data``).
"""
import gzip
import os
import shutil

DEBIAN = "/usr/share/datasets/fashion-mnist"
FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def default_root():
    """The folder datasets are read from (and Fashion-MNIST unpacked into) unless ``--root`` says otherwise."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.environ.get("MINITORCH_DATA") or os.path.join(cache, "minitorch", "data")


def fashion_mnist_root(root=None, source=DEBIAN):
    """Make ``root/FashionMNIST/raw`` hold the four unpacked IDX files (from ``source``) and return ``root``."""
    root = root or default_root()
    raw = os.path.join(root, "FashionMNIST", "raw")
    missing = [name for name in FILES if not os.path.exists(os.path.join(raw, name))]
    if not missing:
        return root
    os.makedirs(raw, exist_ok=True)
    for name in missing:
        plain, packed = os.path.join(source, name), os.path.join(source, name + ".gz")
        # written under a name of this process's own, then renamed (atomic): two examples started side by side
        # may unpack the same file at once, and neither may read the other's half-written copy
        part = os.path.join(raw, f"{name}.{os.getpid()}.part")
        if os.path.exists(plain):
            shutil.copyfile(plain, part)
        elif os.path.exists(packed):
            with gzip.open(packed, "rb") as f, open(part, "wb") as out:
                shutil.copyfileobj(f, out)
        else:
            raise SystemExit(f"Fashion-MNIST's {name} is in neither {raw} nor {source}. On Debian, as root: "
                             f"apt-get install dataset-fashion-mnist (or: bash .ci/setup --data)")
        os.replace(part, os.path.join(raw, name))
    return root
