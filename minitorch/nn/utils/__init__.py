"""torch.nn.utils: the helpers for recurrent layers (``nn.utils.rnn``: padding and packing sequences)."""
from . import rnn
