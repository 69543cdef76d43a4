"""Choose the engine an example runs on, so each example is written once, against the name ``torch``.

    python -m examples.autograd_demo                      # minitorch (the default)
    python -m examples.autograd_demo --engine torch       # real PyTorch, on CUDA when there is one
    python -m examples.autograd_demo --engine torch --device cpu

An example starts with::

    engine = select_engine()
    torch, device = engine.torch, engine.device

and from there reads like the tutorial. ``python -m reference`` runs every example in both engines and
compares what they print.
"""
import argparse
import importlib

import numpy as np

ENGINES = ("minitorch", "torch")
DEVICES = ("auto", "cpu", "cuda")


def resolve_device(engine, device="auto"):
    """The device type ``engine`` computes on: minitorch always on the CPU; torch on CUDA when asked,
    or on ``auto`` when a GPU is there."""
    if engine == "minitorch" or device == "cpu":
        return "cpu"
    if device == "cuda":
        return "cuda"
    return "cuda" if importlib.import_module("torch").cuda.is_available() else "cpu"


class Engine:
    """The library playing ``torch`` (``.torch``, ``.nn``, ``.F``, ``.optim``) and the device it runs on."""

    def __init__(self, name, device="auto"):
        self.name = name
        self.torch = importlib.import_module(name)
        self.device = self.torch.device(resolve_device(name, device))
        # The engines' random generators differ, so numbers an example prints come from here instead.
        self._rng = np.random.default_rng(0)

    @property
    def nn(self):
        return importlib.import_module(f"{self.name}.nn")

    @property
    def F(self):
        return importlib.import_module(f"{self.name}.nn.functional")

    @property
    def optim(self):
        return importlib.import_module(f"{self.name}.optim")

    def randn(self, *size, requires_grad=False):
        """Like ``torch.randn(*size)``, but the same numbers in both engines (float32, on ``device``)."""
        values = self._rng.standard_normal(size, dtype=np.float32)
        return self.torch.tensor(values, device=self.device, requires_grad=requires_grad)


def select_engine(argv=None):
    """Parse ``--engine minitorch|torch`` and ``--device auto|cpu|cuda`` (from ``sys.argv`` by default)."""
    parser = argparse.ArgumentParser(description="Run this example in minitorch or in real PyTorch.")
    parser.add_argument("--engine", choices=ENGINES, default="minitorch")
    parser.add_argument("--device", choices=DEVICES, default="auto",
                        help="torch's device (auto: CUDA when available); minitorch always uses the CPU")
    args = parser.parse_args(argv)
    return Engine(args.engine, args.device)
