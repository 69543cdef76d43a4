"""``torch.backends.cudnn``: NVIDIA's cuDNN library. Not in minitorch; its flags exist (with torch's
defaults) so that programs that set them run unchanged."""
enabled = True        # torch's default: use cuDNN where it is available
benchmark = False     # pick the fastest convolution algorithm by timing
deterministic = False
allow_tf32 = True


def is_available():
    """Whether cuDNN can be used: no, as in a CPU-only torch build."""
    return False


def version():
    """cuDNN's version: None, since there is none (a CPU-only torch build answers the same)."""
    return None
