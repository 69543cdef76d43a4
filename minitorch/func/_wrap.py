"""What every transform does around the function it calls: pick the arguments to differentiate (``argnums``),
make them differentiable, and make the results plain again.

torch.func gives each transform its own *level*: ``grad(f)(x)`` wraps ``x`` in a fresh tensor of that level and
unwraps the results, so the gradient it returns is an ordinary tensor - unless the computation also depended on
something from outside (an outer ``grad``, a tensor that requires grad, an outer ``jvp``'s tangent), in which case
the result stays differentiable with respect to that. minitorch does the same with the ordinary graph:

* ``differentiable(x)``: an argument that already requires grad is used through a view (so the graph still leads
  back to it, and to whatever an outer transform differentiates); one that does not becomes a fresh leaf that
  requires grad (a tangent it carries at an open dual level is kept, on a dual view of that leaf).
* ``undo(t, own)``: a result whose graph reaches no leaf but this transform's own fresh leaves (``own``) is
  detached, keeping its tangent; any other result is returned as it is.
"""
import contextlib

from ..autograd import forward_ad
from ..autograd import function as _function
from ..tensor import Tensor
from ._batched import BatchedTensor, _batched
from ._pytree import tree_flatten, tree_unflatten


def slice_argnums(args, argnums):
    """The arguments ``argnums`` names (one, or a tuple for a tuple), with torch's checks; and argnums made
    non-negative."""
    if not isinstance(argnums, (int, tuple)):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    if isinstance(argnums, tuple):
        argnums = tuple(_argnum(a, len(args)) for a in argnums)
        if not argnums:
            raise RuntimeError("argnums must be non-empty")
        if len(set(argnums)) != len(argnums):
            raise RuntimeError(f"argnums elements must be unique, got {argnums}")
        return tuple(args[i] for i in argnums), argnums
    argnums = _argnum(argnums, len(args))
    return args[argnums], argnums


def _argnum(argnum, count):
    if not isinstance(argnum, int):
        raise RuntimeError(f"argnum must be int, got: {type(argnum)}")
    if -count <= argnum < count:
        return argnum % count
    raise RuntimeError(f"Got argnum={argnum}, but only {count} positional inputs")


def replace_args(args, new, argnums):
    """``args`` with the ones ``argnums`` names replaced by ``new`` (one, or a tuple for a tuple)."""
    if isinstance(argnums, int):
        return tuple(new if i == argnums else a for i, a in enumerate(args))
    return tuple(new[argnums.index(i)] if i in argnums else a for i, a in enumerate(args))


@contextlib.contextmanager
def transform_running():
    """A transform calls the function it transforms in this block: inside it, an autograd.Function without
    setup_context is refused with torch's error (``Function.apply``)."""
    _function.transforms_running += 1
    try:
        yield
    finally:
        _function.transforms_running -= 1


def differentiable(tree, own):
    """``tree`` with each tensor made differentiable (see the module's docstring); fresh leaves go into ``own``
    (a dict: id -> leaf)."""
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([_differentiable(x, own) for x in leaves], spec)


def _differentiable(x, own):
    if not isinstance(x, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
    if x.requires_grad:
        return x.view_as(x)  # (at an open dual level the view carries x's tangent: view is linear)
    leaf = x.detach().requires_grad_()
    own[id(leaf)] = leaf  # (kept alive, so that its id stays its own)
    tangent = forward_ad.tangent_of(x)
    return leaf if tangent is None else forward_ad.make_dual(leaf, tangent)


def undo(tree, own):
    """``tree`` with each tensor made plain again where it depends on ``own`` leaves only."""
    leaves, spec = tree_flatten(tree)
    for x in leaves:
        if not isinstance(x, Tensor):
            raise RuntimeError(f"Expected tensors, got unsupported type {type(x)}")
    clean = set()  # nodes already walked that reach no outside leaf (the results share most of their graph)
    return tree_unflatten([_undo(x, own, clean) for x in leaves], spec)


def _undo(t, own, clean):
    if isinstance(t, BatchedTensor):  # a tangent of jacfwd's batched pass (func/_basis.py): its batch is in the graph
        value = _undo(t._value, own, clean)
        return t if value is t._value else _batched(value, t._level)
    tangent = forward_ad.tangent_of(t)
    plain = t.detach() if t.requires_grad and not _reaches_outside(t, own, clean) else t
    if tangent is None:
        return plain
    plain_tangent = _undo(tangent, own, clean)
    if plain is t and plain_tangent is tangent:
        return t
    return forward_ad.make_dual(plain, plain_tangent)


def _reaches_outside(t, own, clean):
    """Whether the graph behind ``t`` reaches a leaf that is not one of ``own``; the nodes of a graph that does
    not go into ``clean`` (ids of nodes kept alive by the results being undone), where later walks stop."""
    if t.grad_fn is None:
        return id(t) not in own
    seen, stack = set(), [t.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen or id(node) in clean:
            continue
        seen.add(id(node))
        variable = getattr(node, "variable", None)
        if variable is not None and id(variable) not in own:
            return True
        stack.extend(n for n, _ in node.next_functions)
    clean.update(seen)
    return False


def one_hot(t, k):
    """A tensor shaped as ``t``, zero but for a 1 at flat position ``k``: the k-th direction of a Jacobian."""
    e = t.new_zeros(t.numel())
    e[k] = 1
    return e.reshape(t.shape)


def split_aux(output, api):
    """``(output, aux)`` of a function called with ``has_aux=True``, with torch's check."""
    if not (isinstance(output, tuple) and len(output) == 2):
        raise RuntimeError(f"{api}: output of function f should be a tuple: (output, aux) if has_aux is True")
    return output


def outputs_of(output, api):
    """``(the flat tensors of a function's output, its nesting)``, with torch's checks."""
    outputs, spec = tree_flatten(output)
    if not outputs:
        raise RuntimeError(f"{api}: Expected f to be a function that has non-empty output (got output = {outputs})")
    for o in outputs:
        if not isinstance(o, Tensor):
            raise RuntimeError(f"{api}: expected f(*primals) to return only tensors, got unsupported type {type(o)}")
    return outputs, spec
