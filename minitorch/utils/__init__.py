"""minitorch.utils: data loading (``minitorch.utils.data``), activation checkpointing
(``minitorch.utils.checkpoint``) and sharing memory with other libraries (``minitorch.utils.dlpack``)."""
from . import checkpoint, data, dlpack
