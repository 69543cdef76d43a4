"""Pytrees: nested tuples, lists and dicts with tensors (or anything else) at the leaves, as ``torch.utils._pytree``.

The transforms take and return such nests: ``grad(f)({"w": w, "b": b})`` gives ``{"w": dw, "b": db}``. They work
on the flat list of leaves and put the structure back at the end::

    leaves, spec = tree_flatten(((a, b), {"c": c}))   # [a, b, c], the nesting
    tree_unflatten([x, y, z], spec)                    # ((x, y), {"c": z})

``TreeSpec``'s ``repr`` and ``treespec_pprint`` are torch's, because torch's error messages print them.
"""


class TreeSpec:
    """The shape of a nest: its container type, context (a dict's keys, None for a sequence) and children."""

    def __init__(self, type, context, children):
        self.type, self.context, self.children = type, context, children
        self.num_leaves = sum(c.num_leaves for c in children) if type is not None else 1

    def __eq__(self, other):
        return (isinstance(other, TreeSpec) and self.type is other.type and self.context == other.context
                and self.children == other.children)

    def __repr__(self, indent=0):
        if self.type is None:
            return "*"
        indent += 2  # torch's layout: the first child inline, the others on their own indented lines
        parts = [c.__repr__(indent) for c in self.children]
        return f"TreeSpec({self.type.__name__}, {self.context}, [" + (",\n" + " " * indent).join(parts) + "])"


LEAF = TreeSpec(None, None, [])


def tree_flatten(tree):
    """``(leaves, spec)``: the leaves in order (a dict's in its key order)."""
    if isinstance(tree, (tuple, list)) and type(tree) in (tuple, list):
        pairs = [tree_flatten(child) for child in tree]
        return [leaf for leaves, _ in pairs for leaf in leaves], TreeSpec(type(tree), None, [s for _, s in pairs])
    if type(tree) is dict:
        pairs = [tree_flatten(child) for child in tree.values()]
        return ([leaf for leaves, _ in pairs for leaf in leaves],
                TreeSpec(dict, list(tree), [s for _, s in pairs]))
    return [tree], LEAF


def tree_unflatten(leaves, spec):
    """The nest of ``spec`` with ``leaves`` at its leaves."""
    leaves = iter(leaves)

    def build(s):
        if s.type is None:
            return next(leaves)
        children = [build(c) for c in s.children]
        return dict(zip(s.context, children)) if s.type is dict else s.type(children)
    return build(spec)


def tree_map(fn, tree):
    """The same nest with ``fn`` applied to each leaf."""
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(leaf) for leaf in leaves], spec)


class _Asterisk(str):
    def __repr__(self):
        return "*"


def treespec_pprint(spec):
    """The nest with ``*`` at each leaf, as torch prints it: ``(*, [*, *])``."""
    return repr(tree_unflatten([_Asterisk("*")] * spec.num_leaves, spec))
