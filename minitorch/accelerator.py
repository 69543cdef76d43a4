"""``torch.accelerator``: the device-neutral way to ask for a GPU (CUDA, MPS, XPU, ...), answered as a
CPU-only torch build answers it. minitorch computes with NumPy on the CPU, so there is no accelerator:
``current_accelerator()`` is None, ``is_available()`` False, ``device_count()`` 0. Code written the
tutorials' way - ``device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available()
else "cpu"`` - therefore picks ``"cpu"``.

(A torch wheel built with CUDA reports ``current_accelerator()`` as ``device(type='cuda')`` even on a
machine without a GPU - it says what the build supports - and ``is_available()`` False there too.)
"""


def current_accelerator(check_available=False):
    """The accelerator this build was compiled for (None: a CPU-only build), checked to be usable at run
    time too with ``check_available=True``."""
    return None


def is_available():
    """Whether an accelerator can be used: an accelerator was built in and a device is visible. Never here."""
    return current_accelerator() is not None


def device_count():
    """How many accelerator devices are visible: 0, as in a CPU-only build."""
    return 0
