"""minitorch needs NumPy and nothing else at run time: torch is only the tests' reference."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = set(sys.stdlib_module_names) | {"numpy", "minitorch"}

# Run in a fresh interpreter where importing anything but the standard library, NumPy and minitorch fails.
NUMPY_ONLY = f"""
import importlib, pkgutil, sys

class OnlyNumpy:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] not in {sorted(ALLOWED)!r}:
            raise ModuleNotFoundError(f"blocked: minitorch imported {{name}}", name=name)

sys.meta_path.insert(0, OnlyNumpy())
import minitorch
for module in pkgutil.walk_packages(minitorch.__path__, "minitorch."):
    if module.name != "minitorch.testing.strategies":  # needs hypothesis, an optional extra: tried below
        importlib.import_module(module.name)

x = minitorch.ones(2, 2, requires_grad=True)
out = ((x + 2) * (x + 2) * 3).mean()
out.backward()
assert x.grad.tolist() == [[4.5, 4.5], [4.5, 4.5]], x.grad
# minitorch.testing's checks against finite differences need nothing but NumPy
import numpy as np
from minitorch.testing import assert_close, check_gradients, make_tensor
check_gradients(lambda lib, x: (x * x).exp(), make_tensor(2, 3, dtype=minitorch.float64, low=-1, high=1,
                                                              requires_grad=True),
                against="finite_differences")
assert_close(minitorch.ones(2), np.ones(2, np.float32))
try:
    import minitorch.testing.strategies
except ImportError as e:
    assert "needs hypothesis, an optional extra of minitorch" in str(e), e
else:
    raise AssertionError("minitorch.testing.strategies imported without hypothesis")
assert "torch" not in sys.modules
print("ok")
"""


def test_minitorch_imports_and_runs_with_numpy_only():
    proc = subprocess.run([sys.executable, "-c", NUMPY_ONLY], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def imported_modules(path):
    """Top-level names of the absolute imports in one source file (imports inside functions too)."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.partition(".")[0]


# minitorch.testing's optional extras: torch only inside check_gradients(against="torch"), hypothesis only
# in the strategies module (whose ImportError says so)
OPTIONAL = {"minitorch/testing/_gradients.py": {"torch"}, "minitorch/testing/strategies.py": {"hypothesis"}}


def test_no_source_file_imports_beyond_numpy():
    # The subprocess test only sees imports that run at import time; this also sees the ones in functions.
    offenders = {f"{path.relative_to(ROOT)}: {name}" for path in (ROOT / "minitorch").rglob("*.py")
                 for name in imported_modules(path)
                 if name not in ALLOWED | OPTIONAL.get(path.relative_to(ROOT).as_posix(), set())}
    assert not offenders, sorted(offenders)


def test_runtime_dependency_is_numpy_only():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert [dep.split(">")[0].split("=")[0].strip() for dep in project["dependencies"]] == ["numpy"]


def test_no_test_module_imports_another():
    """Helpers shared by test files live in tests/harness.py or a tests/*_support.py module: a test module
    imported by another ties the two files together (and runs the first one's module code in the second)."""
    offenders = {f"tests/{path.name}: {name}" for path in (ROOT / "tests").glob("*.py")
                 for name in imported_modules(path) if name.startswith("test_")}
    assert not offenders, sorted(offenders)


def test_top_level_names_are_torchs():
    """What ``import minitorch as torch`` exposes at top level is torch's: no method-only names (``torch.view``,
    ``torch.T`` do not exist) leak out of the method tables. minitorch's own modules are the exceptions."""
    import torch

    import minitorch
    # minitorch's own modules (where the factories and the fast kernels live; torchvision's counterpart and
    # the learner tools, present once something imported them)
    own = {"creation", "kernels", "vision", "viz"}
    extra = sorted(n for n in dir(minitorch) if not n.startswith("_") and not hasattr(torch, n) and n not in own)
    assert extra == []


def test_top_level_in_place_functions_as_torchs():
    """``torch.sin_(t)`` changes t and returns it; every such top-level function torch has that minitorch's
    Tensor has as a method is at minitorch's top level too, and does the same."""
    import numpy as np
    import torch

    import minitorch
    from minitorch.ops import INPLACE_FUNCTIONS
    wanted = {n for n in dir(torch) if n.endswith("_") and not n.startswith("_") and callable(getattr(torch, n))
              and hasattr(torch.Tensor, n) and hasattr(minitorch.Tensor, n)}
    assert set(INPLACE_FUNCTIONS) <= wanted and all(hasattr(minitorch, n) for n in wanted)
    extra = {"addmv_": lambda lib: (lib.ones(2, 3, dtype=lib.float64), lib.ones(3, dtype=lib.float64)),
             "xlogy_": lambda lib: (lib.tensor([2.0, 3.0], dtype=lib.float64),),
             "clamp_": lambda lib: (0.4,), "clip_": lambda lib: (0.4,), "clamp_min_": lambda lib: (0.4,),
             "clamp_max_": lambda lib: (0.4,), "ldexp_": lambda lib: (lib.tensor([2, 3]),)}
    for name in INPLACE_FUNCTIONS:
        results = []
        for lib in (minitorch, torch):
            x = lib.tensor([0.25, 0.75], dtype=lib.float64)
            y = getattr(lib, name)(x, *extra.get(name, lambda lib: ())(lib))
            assert y is x, name
            results.append(x.tolist())
        np.testing.assert_allclose(results[0], results[1], rtol=1e-12, err_msg=name)
