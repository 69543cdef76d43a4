"""minitorch.cuda: there is no GPU in the NumPy engine, so ``torch.cuda`` answers as torch does on a machine
without one - the reference torch here (2.14.1, a CUDA build on a machine with no NVIDIA driver).

The rule torch follows, and so this module: what only *asks* (``is_available``, ``device_count``,
``is_initialized``, the memory counters) answers False, 0 or empty; what would have to *start* CUDA
(``synchronize``, ``set_device(0)``, ``current_device``, ``get_device_name``, ``Event().record()``) raises
torch's RuntimeError ("Found no NVIDIA driver ..."); seeding is silently skipped (a script seeds CUDA
"just in case"). So the blitz's ``if torch.cuda.is_available():`` branches take the CPU path, exactly as on
a machine without a GPU.
"""
from .. import _device
from .._device import NO_DRIVER


def _init():
    """What torch's ``_lazy_init`` does here: there is no driver to start."""
    raise RuntimeError(NO_DRIVER)


def _device_index(d, optional=False):
    """torch.cuda's ``_get_device_index``: an int as it is, a CUDA device (or its string) by its index; a
    device of another type, or nothing that names an index where one is needed, is torch's ValueError."""
    if isinstance(d, int):
        return d
    index = None
    if isinstance(d, (str, _device.device)):
        parsed = _device.device(d)
        if parsed.type != "cuda":
            raise ValueError(f"Expected a cuda device, but got: {parsed}")
        index = parsed.index
    if index is None and not optional:
        raise ValueError(f"Expected a torch.device with a specified index or an integer, but got:{d}")
    return index


# -- what only asks: no GPU, nothing started, nothing allocated --------------------------------------------------
def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def is_bf16_supported(including_emulation=True):
    return False


def memory_stats(device=None):
    """CUDA's allocator statistics: empty while CUDA is not initialized (always, here)."""
    return {}


def memory_allocated(device=None):
    return memory_stats(device).get("allocated_bytes.all.current", 0)


def max_memory_allocated(device=None):
    return memory_stats(device).get("allocated_bytes.all.peak", 0)


def memory_reserved(device=None):
    return memory_stats(device).get("reserved_bytes.all.current", 0)


def max_memory_reserved(device=None):
    return memory_stats(device).get("reserved_bytes.all.peak", 0)


def empty_cache():
    """Frees CUDA's cached memory - none here, so nothing (as torch does before CUDA is initialized)."""


def get_rng_state_all():
    return []  # one state per device: no devices


# -- seeding: silently nothing, as torch ("it is safe to call this function if CUDA is not available") ----------
def manual_seed(seed):
    int(seed)  # torch converts first: manual_seed("a") is int's ValueError


manual_seed_all = manual_seed


def seed():
    """Seeds each device's generator from a random number: no devices, nothing to seed."""


seed_all = seed


# -- what would start CUDA: torch's RuntimeError -----------------------------------------------------------------
def init():
    _init()


def synchronize(device=None):
    _init()


def current_device():
    _init()


def set_device(device):
    index = _device_index(device)
    if index >= 0:  # a negative index is a no-op, as torch
        _init()


def get_device_name(device=None):
    _init()


def get_device_capability(device=None):
    _init()


def get_device_properties(device=None):
    _init()


def mem_get_info(device=None):
    _init()


def initial_seed():
    _init()


def get_rng_state(device="cuda"):
    _init()


def current_stream(device=None):
    _init()


def default_stream(device=None):
    _init()


def reset_peak_memory_stats(device=None):
    _device_index(device, optional=True)  # a CPU device is torch's ValueError first
    raise RuntimeError("invalid argument to reset_peak_memory_stats")


class device:
    """``with torch.cuda.device(i):`` selects GPU i inside the block: a negative index is a no-op; any other
    one starts CUDA (torch's RuntimeError), and None has no device to exchange."""

    def __init__(self, device):
        self.idx = _device_index(device, optional=True)
        self.prev_idx = -1

    def __enter__(self):
        if self.idx is None:
            raise RuntimeError("invalid argument to exchangeDevice")
        if self.idx >= 0:
            _init()

    def __exit__(self, *exc):
        return False


class Event:
    """A CUDA event: made lazily (no GPU needed until it is recorded), as torch's."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        self.enable_timing, self.blocking, self.interprocess = enable_timing, blocking, interprocess

    def record(self, stream=None):
        _init()

    def query(self):
        return True  # nothing was recorded, so nothing is pending

    def synchronize(self):
        pass  # nothing was recorded: nothing to wait for

    def __repr__(self):
        return "<torch.cuda.Event uninitialized>"
