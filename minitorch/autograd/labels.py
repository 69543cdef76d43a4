"""How the learner tools name what they show: a node by torch's name, a leaf by the name it was given and its
shape (``AccumulateGrad conv1.bias [6]``). ``autograd.explain`` and ``minitorch.viz`` print the same labels, for
a minitorch graph and for a torch one alike: these read only ``name()``, ``.variable`` and ``.shape``."""


def leaf_names(params):
    """``{id(tensor): name}`` from a dict ``name -> tensor`` or pairs ``(name, tensor)`` (such as
    ``net.named_parameters()``)."""
    if params is None:
        return {}
    items = params.items() if hasattr(params, "items") else params
    return {id(t): name for name, t in items}


def shape_text(t):
    """A shape as both engines print it the same way: ``[2, 3]`` (``[]`` for a scalar)."""
    return str([int(s) for s in t.shape])


def short_name(node):
    """torch's node name without its C++ namespace: ``torch::autograd::AccumulateGrad`` -> ``AccumulateGrad``."""
    return node.name().rpartition("::")[2]


def node_label(node, names=None):
    """One line for a node: its name and, for a leaf's AccumulateGrad, the leaf's name (from ``names``,
    see ``leaf_names``) and shape: ``AccumulateGrad conv1.bias [6]``."""
    variable = getattr(node, "variable", None)
    if variable is None:
        return short_name(node)
    name = (names or {}).get(id(variable))
    return " ".join([short_name(node)] + ([name] if name else []) + [shape_text(variable)])
