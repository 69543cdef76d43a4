"""``torch.backends.mps``: Apple's GPU backend. Not in minitorch (NumPy computes on the CPU)."""


def is_available():
    """Whether an MPS device can be used: never here."""
    return False


def is_built():
    """Whether this build has MPS support: no."""
    return False
