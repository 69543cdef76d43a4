"""Choose the engine an example runs on, so each example is written once, against the name ``torch``.

    python -m examples.autograd_demo                      # minitorch (the default)
    python -m examples.autograd_demo --engine torch       # real PyTorch, on CUDA when there is one
    python -m examples.autograd_demo --engine torch --device cpu

An example starts with::

    engine = select_engine(argv)
    torch, device = engine.torch, engine.device

and from there reads like the tutorial. ``python -m reference`` runs every example in both engines and
compares what they print and what they ``record``:

- ``engine.record(name, value)`` notes a number, tensor or string for the report, which compares it with
  the other engine's (max abs/rel difference, ✔ within tolerance);
- ``engine.same_weights(net, name)`` makes both engines start from torch's initial weights (the torch run
  saves them, the minitorch run loads them);
- ``engine.order(n)`` is a sampler giving both engines the same shuffled data order;
- ``engine.randn(...)`` and ``engine.rand(...)`` give both engines the same random numbers (the engines'
  generators differ);
- ``engine.quick`` asks for a short run (``--quick``: a few hundred training steps);
- ``engine.output`` is the folder for the files an example writes (``--output DIR``; ``python -m reference``
  gives each engine a folder under its report folder, so nothing lands in the checkout).
"""
import argparse
import atexit
import importlib
import json
import os

import numpy as np

ENGINES = ("minitorch", "torch")
DEVICES = ("auto", "cpu", "cuda")
# Values recorded after training in float32 may drift apart a little; everything else must agree closely.
DEFAULT_RTOL, DEFAULT_ATOL = 1e-5, 1e-6


def resolve_device(engine, device="auto"):
    """The device type ``engine`` computes on: minitorch always on the CPU; torch on CUDA when asked,
    or on ``auto`` when a GPU is there."""
    if engine == "minitorch" or device == "cpu":
        return "cpu"
    if device == "cuda":
        return "cuda"
    return "cuda" if importlib.import_module("torch").cuda.is_available() else "cpu"


def node_names(tensor):
    """The names of the backward nodes behind ``tensor``, breadth first along ``next_functions`` (each
    node once) - the graph walk of the blitz, as a list both engines can compare."""
    names, seen, queue = [], set(), [tensor.grad_fn]
    while queue:
        node = queue.pop(0)
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.append(type(node).__name__)
        queue.extend(child for child, _ in node.next_functions)
    return names


class SeededOrder:
    """A sampler: a fresh permutation of ``range(n)`` each epoch from a seeded NumPy generator, so that
    torch's DataLoader and minitorch's load the same batches in the same order."""

    def __init__(self, n, seed=0):
        self.n, self._rng = n, np.random.default_rng(seed)

    def __iter__(self):
        return iter(self._rng.permutation(self.n).tolist())

    def __len__(self):
        return self.n


class Engine:
    """The library playing ``torch`` (``.torch``, ``.nn``, ``.F``, ``.optim``), the device it runs on,
    and what the example records for the reference report."""

    def __init__(self, name, device="auto", quick=False, record_to=None, save_weights=None,
                 load_weights=None, args=None, output="."):
        self.name = name
        self.output = output  # the folder an example writes its files to (weights, plots)
        self.torch = importlib.import_module(name)
        self.device = self.torch.device(resolve_device(name, device))
        self.quick = quick
        self.args = args
        self.records = {}
        # [(pattern, rtol, atol)]: printed lines that match a pattern may differ in their numbers within
        # that tolerance and still agree (≈) - see tolerate()
        self.line_tolerance = []
        self._save_weights, self._load_weights = save_weights, load_weights
        # The engines' random generators differ, so numbers an example prints come from here instead.
        self._rng = np.random.default_rng(0)
        # Seeded, so that torch's initial weights (which minitorch loads) and so every report are the same
        # from run to run
        self.torch.manual_seed(0)
        if record_to:
            atexit.register(self._write_records, record_to)

    @property
    def nn(self):
        return importlib.import_module(f"{self.name}.nn")

    @property
    def F(self):
        return importlib.import_module(f"{self.name}.nn.functional")

    @property
    def optim(self):
        return importlib.import_module(f"{self.name}.optim")

    @property
    def vision(self):
        """torchvision, or its minitorch counterpart ``minitorch.vision`` (datasets, transforms, models)."""
        return importlib.import_module("torchvision" if self.name == "torch" else "minitorch.vision")

    def randn(self, *size, requires_grad=False):
        """Like ``torch.randn(*size)``, but the same numbers in both engines (float32, on ``device``)."""
        values = self._rng.standard_normal(size, dtype=np.float32)
        return self.torch.tensor(values, device=self.device, requires_grad=requires_grad)

    def rand(self, *size):
        """Like ``torch.rand(*size)`` (uniform on [0, 1)), but the same numbers in both engines (float32)."""
        values = self._rng.random(size, dtype=np.float32)
        return self.torch.tensor(values, device=self.device)

    def order(self, n, seed=0):
        """A sampler for ``DataLoader(..., sampler=engine.order(len(dataset)))``: shuffled, the same in both."""
        return SeededOrder(n, seed)

    def record(self, name, value, rtol=DEFAULT_RTOL, atol=DEFAULT_ATOL):
        """Note ``value`` (tensor, number, string, or a list of them) under ``name`` for the reference
        report, with the tolerance it is compared to the other engine's with; returns ``value``."""
        if isinstance(value, str):
            kept = value
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
            kept = list(value)
        else:
            if hasattr(value, "detach"):
                value = value.detach().cpu().double().numpy()
            kept = np.asarray(value, dtype=np.float64).tolist()
        self.records[name] = {"value": kept, "rtol": rtol, "atol": atol}
        return value

    def tolerate(self, pattern, rtol, atol):
        """Let the printed lines that match the regular expression ``pattern`` ("" for all) differ from the
        other engine's in their numbers, within ``rtol``/``atol``: for numbers that come after thousands of
        float32 steps, or from a GPU. The first rule that matches a line is used."""
        self.line_tolerance.append((pattern, rtol, atol))

    def record_graph(self, name, tensor):
        """Record the node names of ``tensor``'s backward graph (see ``node_names``)."""
        self.record(name, node_names(tensor))

    def same_weights(self, net, name):
        """Start ``net`` from the same weights in both engines: with ``--save-weights DIR`` (the torch run)
        save its initial state_dict as DIR/name.pt; with ``--load-weights DIR`` (the minitorch run) load it.
        Without either, ``net`` keeps its own initialisation."""
        if self._save_weights:
            os.makedirs(self._save_weights, exist_ok=True)
            self.torch.save(net.state_dict(), os.path.join(self._save_weights, f"{name}.pt"))
        if self._load_weights:
            net.load_state_dict(self.torch.load(os.path.join(self._load_weights, f"{name}.pt")))
        return net

    def _write_records(self, path):
        with open(path, "w") as f:
            json.dump({"engine": self.name, "device": str(self.device), "records": self.records,
                       "line_tolerance": self.line_tolerance}, f)


def select_engine(argv=None, add_arguments=None):
    """Parse ``--engine minitorch|torch``, ``--device auto|cpu|cuda``, ``--quick`` and the reference's
    ``--record FILE``, ``--save-weights DIR``, ``--load-weights DIR`` (from ``sys.argv`` by default).
    ``add_arguments(parser)`` adds an example's own options; they end up in ``engine.args``."""
    parser = argparse.ArgumentParser(description="Run this example in minitorch or in real PyTorch.")
    parser.add_argument("--engine", choices=ENGINES, default="minitorch")
    parser.add_argument("--device", choices=DEVICES, default="auto",
                        help="torch's device (auto: CUDA when available); minitorch always uses the CPU")
    parser.add_argument("--quick", action="store_true", help="a short run (a few hundred training steps)")
    parser.add_argument("--record", metavar="FILE", help="write the recorded values as JSON (for reference/)")
    parser.add_argument("--save-weights", metavar="DIR", help="save the initial weights of each net in DIR")
    parser.add_argument("--load-weights", metavar="DIR", help="start each net from the weights saved in DIR")
    parser.add_argument("--output", metavar="DIR", default=".",
                        help="where the example writes its files, such as trained weights and plots (default: .)")
    if add_arguments:
        add_arguments(parser)
    args = parser.parse_args(argv)
    return Engine(args.engine, args.device, quick=args.quick, record_to=args.record,
                  save_weights=args.save_weights, load_weights=args.load_weights, args=args, output=args.output)
