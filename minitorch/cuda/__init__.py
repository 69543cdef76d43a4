"""minitorch.cuda: there is no GPU in the NumPy engine, so the blitz's ``if torch.cuda.is_available():``
branches take the CPU path, exactly as on a CPU-only PyTorch."""
from .._device import CUDA_ERROR


def is_available():
    return False


def device_count():
    return 0


def current_device():
    raise RuntimeError(CUDA_ERROR)


def manual_seed(seed):
    """Like torch.cuda.manual_seed without a GPU: nothing to seed."""


manual_seed_all = manual_seed
