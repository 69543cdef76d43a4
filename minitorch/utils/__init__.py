"""minitorch.utils: data loading (``minitorch.utils.data``) and activation checkpointing
(``minitorch.utils.checkpoint``)."""
from . import checkpoint, data
