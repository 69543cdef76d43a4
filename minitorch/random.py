"""Random numbers: minitorch's own generator (NumPy's PCG64). ``manual_seed`` makes runs repeatable;
the values differ from torch's (bit-equality with torch's RNG is not a goal: reference/ copies torch's
initial weights and data order into minitorch when the two must start equal)."""
import json

import numpy as np

from .tensor import _make


class Generator:
    """torch.Generator: an independent stream of random numbers (e.g. for DataLoader shuffling)."""

    def __init__(self, device="cpu"):
        self._seed = 67280421310721  # torch's default seed
        self.np = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed):
        """Restart the stream from ``seed``; like torch, a negative seed wraps around to 64 bits."""
        seed = int(seed)
        if not -2 ** 63 <= seed < 2 ** 64:
            raise ValueError("Overflow when unpacking long long")
        self._seed = seed % 2 ** 64
        self.np = np.random.Generator(np.random.PCG64(self._seed))
        return self

    def seed(self):
        s = int(np.random.SeedSequence().entropy % (2 ** 63))
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        state = json.dumps(self.np.bit_generator.state).encode()
        return _make(np.frombuffer(state, np.uint8).copy())

    def set_state(self, state):
        self.np.bit_generator.state = json.loads(bytes(state._data).decode())
        return self


default_generator = Generator()


def manual_seed(seed):
    """Seed the default generator; returns it, as torch does."""
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)


def rng(generator=None):
    """The NumPy generator behind ``generator`` (or the default one)."""
    return (generator or default_generator).np
