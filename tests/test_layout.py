"""Rules of the source's layout that a reader relies on (docs/architecture.md): where a Tensor method comes
from can be found with grep, and the layers import only downwards."""
import ast
from pathlib import Path

import minitorch

PACKAGE = Path(minitorch.__file__).resolve().parent


def _tensor_body_names():
    """The names that the class statement in tensor.py defines."""
    tree = ast.parse((PACKAGE / "tensor.py").read_text())
    body = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Tensor").body
    names = {"__module__", "__qualname__", "__doc__"}
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                names.update(t.id for t in ast.walk(target) if isinstance(t, ast.Name))
                if isinstance(target, ast.Name) and target.id == "__slots__":
                    names.update(ast.literal_eval(node.value))
    return names


def _attached_names():
    """The names that ops/methods.py assigns as ``Tensor.<name> = ...``, one statement each."""
    tree = ast.parse((PACKAGE / "ops" / "methods.py").read_text())
    names = []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for t in (target.elts if isinstance(target, ast.Tuple) else [target]):
                    if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "Tensor":
                        names.append(t.attr)
    return names


def test_every_tensor_method_is_defined_in_tensor_py_or_attached_by_name_in_ops_methods():
    """``grep -n "__mul__" minitorch`` finds where ``t * u`` comes from: every attribute of Tensor is defined in
    tensor.py or written out as ``Tensor.__mul__ = arithmetic._mul_operator`` in ops/methods.py, never
    attached by a loop."""
    attached = _attached_names()
    assert len(attached) == len(set(attached)), "ops/methods.py attaches a name twice"
    from_elsewhere = set(vars(minitorch.Tensor)) - _tensor_body_names()
    assert from_elsewhere == set(attached), sorted(from_elsewhere ^ set(attached))


def _imported_modules(path):
    """The absolute names of the modules that a source file of minitorch imports, anywhere in it."""
    package = ".".join(("minitorch",) + path.relative_to(PACKAGE).parent.parts)
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_autograd_imports_nothing_from_the_layers_above_it():
    """autograd/ (the graph, the engine, Function, and the learner tools that watch the engine) sits below the
    operations and the top-level learner tools: none of its modules imports minitorch.viz, minitorch.ops or
    minitorch.nn, not even inside a function."""
    for path in sorted((PACKAGE / "autograd").glob("*.py")):
        above = {m for m in _imported_modules(path)
                 if m.split(".")[:2] in (["minitorch", "viz"], ["minitorch", "ops"], ["minitorch", "nn"])}
        assert not above, f"{path.name} imports {sorted(above)}"
