"""``torch.backends``: what a program asks to choose where it runs. minitorch answers as a CPU-only build of
torch does - no CUDA, no cuDNN, no Apple GPU (MPS) - so that ``"cuda" if torch.cuda.is_available() else
"mps" if torch.backends.mps.is_available() else "cpu"`` picks the CPU, as in PyTorch's tutorials."""
from . import cuda, cudnn, mps  # noqa: F401
