"""``jit.save`` / ``jit.load``: a trace in minitorch's own file format - not TorchScript's.

TorchScript files hold code (TorchScript source and pickles) that ``torch.jit.load`` compiles and runs;
torch cannot read minitorch's files, nor minitorch torch's. A minitorch trace file is a ``minitorch.save``
file (a zip of ``structure.json`` and ``.npy`` arrays: no pickle, nothing run on load) holding:

* the op table: each recorded op by name (``minitorch.ops.arithmetic:Mul``), its arguments (graph values,
  parameter names, constants) and the values it makes;
* each value's dtype, sizes and strides (for printing the graph), the inputs' names, the output's structure;
* for a module, its parameters and buffers by ``state_dict`` name, and its submodules' names and types.

Loading resolves each op name inside the ``minitorch`` package only, and only to an operation class (or, for
an in-place op, a function of minitorch's): a file cannot name anything else to run. Traces that call a
user's own ``autograd.Function`` cannot be saved for that reason (``save`` says so).
"""
import importlib

import numpy as np

from .. import serialization
from .._dtype import dtype as _dtype_cls
from ..autograd.function import Function
from ..tensor import Tensor
from ..tensor import _make
from ._trace import ArrayOf, Attr, Graph, Recorded, Slot
from ._traced import ScriptFunction, TracedModule

FORMAT = "minitorch-jit-trace-1"
NUMPY_DTYPES = {"bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"}


def save(m, f):
    """Write a traced function or module (what ``jit.trace`` returned) to a path or binary file."""
    if not isinstance(m, (ScriptFunction, TracedModule)):
        raise TypeError(f"minitorch.jit.save saves what minitorch.jit.trace returns, not {type(m).__name__}")
    g = m.graph
    document = {
        "format": FORMAT,
        "kind": "module" if isinstance(m, TracedModule) else "function",
        "name": m.original_name if isinstance(m, TracedModule) else m.name,
        "input_names": list(g.input_names),
        "meta": [None if x is None else [x[0], list(x[1]), list(x[2]), x[3]] for x in g.meta],
        "ops": [[_op_name(op), op.inplace, [_encode(a) for a in op.args],
                 [[k, _encode(v)] for k, v in op.kwargs.items()], list(op.outs), op.where] for op in g.ops],
        "output": _encode(g.output),
    }
    if isinstance(m, TracedModule):
        document["module"] = [g.module[0], [[k, v] for k, v in g.module[1].items()]]
        document["structure"] = _encode_structure(m._structure)
        document["parameters"] = [[name, p] for name, p in m.named_parameters()]
        document["buffers"] = [[name, b] for name, b in m.named_buffers()]
    serialization.save(document, f)


def load(f, map_location=None, _extra_files=None):
    """Read a file ``save`` wrote; returns a ``ScriptFunction`` or a ``TracedModule`` (whose submodules are
    plain containers of the saved parameters). Runs no code from the file."""
    document = serialization.load(f)
    name = str(f) if isinstance(f, (str, bytes)) or hasattr(f, "__fspath__") else getattr(f, "name", "<file>")
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RuntimeError(f"{name}: not a minitorch trace file (expected format {FORMAT!r}); "
                           f"minitorch.jit.load reads only what minitorch.jit.save wrote, not TorchScript files")
    try:
        return _decode_document(document)
    except (KeyError, TypeError, ValueError, IndexError) as e:
        raise RuntimeError(f"{name}: malformed minitorch trace file ({type(e).__name__}: {e})") from None


def _decode_document(d):
    module = None
    if d["kind"] == "module":
        module = (d["module"][0], {k: v for k, v in d["module"][1]})
    g = Graph(d["input_names"], module)
    g.meta = [None if x is None else (x[0], tuple(x[1]), tuple(x[2]), bool(x[3])) for x in d["meta"]]
    for target, inplace, args, kwargs, outs, where in d["ops"]:
        for slot in outs:
            if slot is not None and not 0 <= slot < len(g.meta):
                raise ValueError(f"value {slot} out of range")
        g.ops.append(Recorded(_resolve(target, inplace), bool(inplace), [_decode(a, g) for a in args],
                              {k: _decode(v, g) for k, v in kwargs}, list(outs), where))
    g.output = _decode(d["output"], g)
    if d["kind"] == "function":
        return ScriptFunction(g, d["name"])
    traced = TracedModule(None, g, d["name"], _decode_structure(d["structure"]))
    for path, t in d["parameters"]:
        _owner(traced, path).register_parameter(path.rpartition(".")[2], t)
    for path, t in d["buffers"]:
        _owner(traced, path).register_buffer(path.rpartition(".")[2], t)
    return traced


def _owner(root, path):
    """The (plain) submodule of ``root`` that holds ``path`` (``fc.weight`` -> ``root.fc``), made as needed."""
    from .. import nn
    module = root
    for part in path.split(".")[:-1]:
        if part not in module._modules:
            module._modules[part] = nn.Module()
        module = module._modules[part]
    return module


# -- the op table: names inside the minitorch package only -----------------------------------------------------
def _op_name(op):
    target = op.target
    owner = getattr(target, "__self__", None)  # an in-place op given as ``Op.apply``
    cls = owner if isinstance(owner, type) else target
    module, qualname = cls.__module__, cls.__qualname__
    if owner is not None and isinstance(owner, type):
        qualname += ".apply"
    if not module.startswith("minitorch.") or "<" in qualname:
        raise ValueError(f"minitorch.jit.save cannot save a trace that calls {module}.{qualname}: a trace file "
                         f"names only minitorch's own operations (a file must not name code to run)")
    return f"{module}:{qualname}"


def _resolve(name, inplace):
    module, _, qualname = name.partition(":")
    if not module.startswith("minitorch.") or not qualname or "<" in qualname:
        raise ValueError(f"op {name!r} is not one of minitorch's")
    found = importlib.import_module(module)
    for part in qualname.split("."):
        if part.startswith("__"):
            raise ValueError(f"op {name!r} is not one of minitorch's")
        found = getattr(found, part)
    if inplace:
        if not callable(found):
            raise ValueError(f"op {name!r} is not a function")
    elif not (isinstance(found, type) and (issubclass(found, Function) or hasattr(found, "apply"))):
        raise ValueError(f"op {name!r} is not an operation")
    return found


# -- arguments: tagged lists, so that a graph value, a parameter and a constant cannot be confused ------------
def _encode(a):
    if type(a) is Slot:
        return ["slot", a.index]
    if type(a) is Attr:
        return ["attr", a.name]
    if type(a) is ArrayOf:
        return ["array_of", _encode(a.ref)]
    if isinstance(a, np.ndarray):
        return ["ndarray", _make(a)]
    if isinstance(a, Tensor):
        return ["tensor", a]
    if type(a) in (list, tuple):
        return [type(a).__name__, [_encode(x) for x in a]]
    if isinstance(a, _dtype_cls):
        return ["dtype", a]
    if isinstance(a, np.dtype):
        return ["npdtype", str(a)]
    if a is None or isinstance(a, (bool, int, float, str)):
        return ["value", a]
    raise ValueError(f"minitorch.jit.save cannot store an argument of type {type(a).__name__}")


def _decode(x, g):
    tag, value = x
    if tag == "slot":
        if type(value) is not int or not 0 <= value < len(g.meta):
            raise ValueError(f"value {value!r} out of range")
        return Slot(value)
    if tag == "attr":
        return Attr(str(value))
    if tag == "array_of":
        ref = _decode(value, g)
        if type(ref) not in (Slot, Attr):
            raise ValueError("array_of names neither a value nor an attribute")
        return ArrayOf(ref)
    if tag == "ndarray":
        return value._data
    if tag in ("list", "tuple"):
        items = [_decode(v, g) for v in value]
        return items if tag == "list" else tuple(items)
    if tag == "npdtype":
        if value not in NUMPY_DTYPES:
            raise ValueError(f"unknown dtype {value!r}")
        return np.dtype(value)
    if tag in ("tensor", "dtype", "value"):
        return value
    raise ValueError(f"unknown argument kind {tag!r}")


def _encode_structure(s):
    return [s[0], [[name, _encode_structure(c)] for name, c in s[1]]]


def _decode_structure(s):
    return (str(s[0]), [(str(name), _decode_structure(c)) for name, c in s[1]])
