"""``torch.backends.cuda``: CUDA settings. minitorch has no CUDA (see ``minitorch.cuda``); the settings that
programs commonly set exist and are kept, so that setting them is harmless."""


def is_built():
    """Whether this build has CUDA support: no, as a CPU-only torch build."""
    return False


class _MatmulSettings:
    """``torch.backends.cuda.matmul``: precision settings of CUDA matrix products (TF32 off by default)."""

    def __init__(self):
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True

    def __repr__(self):
        return "<minitorch.backends.cuda matmul settings>"


matmul = _MatmulSettings()
