"""A trace's ``graph`` in torch's IR layout, and its ``code`` as Python.

    graph(%x : Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu)):
      %1 : Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu) = aten::relu(%x) # example.py:3:0
      return (%1)

As torch prints it: one line per node, values numbered in order after the inputs, each tensor's type as
``Float(sizes, strides=[...], requires_grad=0, device=cpu)``, every constant argument a ``prim::Constant``
node of its own (lists of them a ``prim::ListConstruct``), a module's parameters read with
``prim::GetAttr`` from ``%self.1``, and the source line of each op after ``#``.
"""
from ..tensor import _make
from .._dtype import dtype as _dtype_cls

# torch's ScalarType numbers: a dtype argument is printed as its number, as torch does
SCALAR_TYPE = {"uint8": 0, "int8": 1, "int16": 2, "int32": 3, "int64": 4, "float16": 5, "float32": 6, "float64": 7,
               "bool": 11}


def tensor_type(meta):
    """``Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu)``."""
    if meta is None:
        return "NoneType"
    dtype, shape, strides, requires_grad = meta
    kind = dtype.tensor_type[len("torch."):-len("Tensor")]
    sizes = "".join(f"{n}, " for n in shape)
    strides = f"strides={list(strides)}, " if shape else ""
    return f"{kind}({sizes}{strides}requires_grad={int(requires_grad)}, device=cpu)"


def module_type(cls_name):
    return f"__torch__.{cls_name}"


class _Printer:
    def __init__(self, graph):
        self.graph, self.lines, self.names, self.used = graph, [], {}, set()
        self.counter = len(graph.input_names) + (graph.module is not None)
        self.attrs = {}

    def fresh(self):
        name = f"%{self.counter}"
        self.counter += 1
        return name

    def named(self, base):
        name, n = f"%{base}", 0
        while name in self.used:
            n += 1
            name = f"%{base}.{n}"
        self.used.add(name)
        return name

    def attribute(self, path):
        """The value of parameter ``path`` (``fc.weight``): a ``prim::GetAttr`` per step from ``%self.1``."""
        owner, prefix = "%self.1", ""
        for part in path.split("."):
            prefix = f"{prefix}.{part}" if prefix else part
            if prefix not in self.attrs:
                sub = self.graph.module[1].get(prefix)
                name = self.named(part)
                kind = module_type(sub) if sub is not None else "Tensor"
                self.lines.append(f'  {name} : {kind} = prim::GetAttr[name="{part}"]({owner})')
                self.attrs[prefix] = name
            owner = self.attrs[prefix]
        return owner

    def value(self, a, where):
        from ._trace import Slot, Attr, ArrayOf
        if type(a) is Slot:
            return self.names[a.index]
        if type(a) is Attr:
            return self.attribute(a.name)
        if type(a) is ArrayOf:  # the op reads (and may update) that tensor's memory itself
            return self.value(a.ref, where)
        if type(a) in (list, tuple):
            items = [self.value(x, where) for x in a]
            name = self.fresh()
            self.lines.append(f"  {name} : {_list_type(a)} = prim::ListConstruct({', '.join(items)})")
            return name
        name = self.fresh()
        comment = f" # {where}" if where else ""
        if a is None:
            self.lines.append(f"  {name} : NoneType = prim::Constant()")
        elif hasattr(a, "_data") or hasattr(a, "__array_interface__"):  # a tensor (or array) made in the function
            t = a if hasattr(a, "_data") else _make(a)
            meta = (t.dtype, tuple(t._data.shape), t.stride(), t.requires_grad)
            shown = "{" + repr(t._data.item()) + "}" if t._data.ndim == 0 else "<Tensor>"
            self.lines.append(f"  {name} : {tensor_type(meta)} = prim::Constant[value={shown}](){comment}")
        else:
            kind, shown = _constant(a)
            self.lines.append(f"  {name} : {kind} = prim::Constant[value={shown}](){comment}")
        return name


def _constant(a):
    """(type, value) of a Python constant as torch prints them."""
    if isinstance(a, bool):
        return "bool", int(a)
    if isinstance(a, int):
        return "int", a
    if isinstance(a, float):
        return "float", repr(a)
    if isinstance(a, str):
        return "str", f'"{a}"'
    if isinstance(a, _dtype_cls):
        return "int", SCALAR_TYPE.get(a.name, a.name)
    if hasattr(a, "kind") and hasattr(a, "itemsize"):  # a NumPy dtype (minitorch's ops take some)
        return "int", SCALAR_TYPE.get(_numpy_name(a), str(a))
    return type(a).__name__, repr(a)


def _numpy_name(np_dtype):
    return "bool" if np_dtype.kind == "b" else str(np_dtype)


def _list_type(items):
    kinds = {"Tensor" if hasattr(x, "_data") or type(x).__name__ in ("Slot", "Attr") else _constant(x)[0]
             for x in items}
    return (kinds.pop() if len(kinds) == 1 else "Any") + "[]"


def graph_text(graph):
    p = _Printer(graph)
    params = []
    if graph.module is not None:
        params.append(f"%self.1 : {module_type(graph.module[0])}")
    for i, name in enumerate(graph.input_names):
        p.names[i] = p.named(name)
        params.append(f"{p.names[i]} : {tensor_type(graph.meta[i])}")
    for op in graph.ops:
        inputs = [p.value(a, op.where) for a in op.args] + [p.value(v, op.where) for v in op.kwargs.values()]
        outs = []
        for slot in op.outs:
            if slot is not None:
                p.names[slot] = p.fresh()
                outs.append(f"{p.names[slot]} : {tensor_type(graph.meta[slot])}")
        comment = f" # {op.where}" if op.where else ""
        p.lines.append(f"  {', '.join(outs)} = {op.kind}({', '.join(inputs)}){comment}")
    out = graph.output
    if type(out) in (list, tuple):
        items = [p.value(x, "") for x in out]
        name = p.fresh()
        types = ", ".join(tensor_type(graph.meta[x.index]) if type(x).__name__ == "Slot" else "Tensor" for x in out)
        kind = "prim::TupleConstruct" if type(out) is tuple else "prim::ListConstruct"
        p.lines.append(f"  {name} : ({types}) = {kind}({', '.join(items)})")
        result = name
    else:
        result = p.value(out, "")
    header = "graph(" + ",\n      ".join(params) + "):"
    return "\n".join([header] + p.lines + [f"  return ({result})", ""])


def code_text(graph, name):
    """The trace as Python: one line per op, ``torch.<op>(...)`` (torch's ``.code`` also nests an op that is
    used once into the line that uses it; here every op has its own line)."""
    from ._trace import Slot, Attr, ArrayOf
    names, constants = {}, []
    params = (["self"] if graph.module is not None else []) + [f"{n}: Tensor" for n in graph.input_names]
    for i, n in enumerate(graph.input_names):
        names[i] = n

    def text(a):
        if type(a) is Slot:
            return names[a.index]
        if type(a) is Attr:
            return f"self.{a.name}"
        if type(a) is ArrayOf:
            return text(a.ref) + ".data"
        if type(a) in (list, tuple):
            inner = ", ".join(text(x) for x in a)
            return f"[{inner}]" if type(a) is list else f"({inner}{',' if len(a) == 1 else ''})"
        if hasattr(a, "_data") or hasattr(a, "__array_interface__"):
            constants.append(a)
            return f"CONSTANTS.c{len(constants) - 1}"
        if isinstance(a, _dtype_cls):
            return f"torch.{a.name}"
        if hasattr(a, "kind") and hasattr(a, "itemsize"):
            return f"torch.{_numpy_name(a)}"
        return repr(a)

    body, counter = [], 0
    for op in graph.ops:
        kind = op.kind
        call = ("torch." + kind[6:] if kind.startswith("aten::") else
                "minitorch." + kind[11:] if kind.startswith("minitorch::") else kind + ".apply")
        args = [text(a) for a in op.args] + [f"{k}={text(v)}" for k, v in op.kwargs.items()]
        outs = []
        for slot in op.outs:
            if slot is not None:
                names[slot] = f"_{counter}"
                counter += 1
                outs.append(names[slot])
        body.append(f"  {', '.join(outs) or '_'} = {call}({', '.join(args)})")
    out = graph.output
    returns = "Tuple[" + ", ".join("Tensor" for _ in out) + "]" if type(out) in (list, tuple) else "Tensor"
    body.append(f"  return {text(out)}")
    return f"def {name}(" + ",\n    ".join(params) + f") -> {returns}:\n" + "\n".join(body) + "\n"
