"""A user ``autograd.Function`` under ``vmap``: its own ``vmap`` staticmethod, or the rule that
``generate_vmap_rule = True`` asks vmap to make from its forward, backward and jvp (torch's
torch/_functorch/autograd_function.py, in minitorch's terms).

While a vmap runs, the interpreter (minitorch/func/_batched.py) hands each ``Function.apply`` of a user Function
here (``check``, then ``apply`` when an argument is batched); built-in ops go to their batching rules instead.

* Refused, with torch's errors: a Function whose forward takes ctx (no ``setup_context``), inside any transform
  (``Function.apply`` itself refuses it inside grad, vjp, jvp, ...); inside vmap, one with neither a ``vmap``
  staticmethod nor ``generate_vmap_rule``, or with both - even when no argument is batched, as torch.
* No argument batched at this level: the Function runs as it is.
* ``vmap`` staticmethod: ``cls.vmap(info, in_dims, *batches)`` with ``info = VmapInfo(batch_size, randomness)`` and
  one in_dim per argument (0 for a batch: minitorch keeps the batch dim in front; None otherwise). It returns
  ``(output, out_dims)``; each output becomes a BatchedTensor, its batch dim moved to the front (None: the output
  is the same for every sample and stays unbatched). It runs below this vmap level, as torch's does: its
  operations on the batches are plain operations (batched only by enclosing vmaps), and so are its random draws.
* ``generate_vmap_rule``: ``Vmapped<Name>``, a Function made for this call (``_generated``), is applied to the
  batches: so the graph gets one node, ``Vmapped<Name>Backward``, as in torch. Its forward is the Function's
  forward under a vmap level of its own (``_in_level``: each of its operations batched by its rule); its
  setup_context the Function's, under that level too, so that it sees one sample's shapes while what it saves is
  kept as the batch and its batch dim (``_SavingCtx``); its backward and jvp the Function's, under vmap again,
  with each result brought back to the batching of its input (or output) (``_fit``: summed over the batch for an
  unbatched input, expanded over it for a gradient the same for every sample, summed to the sample's shape).
"""
import collections

from ..autograd.function import Function, SETUP_CONTEXT_ERROR
from ..tensor import Tensor
from ._batched import BatchedTensor, _INTERPRETER, _batched, _level_of, _unwrap
from ._pytree import tree_flatten, tree_unflatten
from .vmap import levels_set_aside, open_level

VmapInfo = collections.namedtuple("VmapInfo", ["batch_size", "randomness"])

_SEE = "For more details, please see https://pytorch.org/docs/main/notes/extending.func.html"
NO_RULE_ERROR = ("You tried to vmap over {}, but it does not have vmap support. Please override and implement the "
                 "vmap staticmethod or set generate_vmap_rule=True. " + _SEE)
BOTH_ERROR = ("You tried to vmap over {}, but it has both generate_vmap_rule=True and an overridden vmap "
              "staticmethod. Please set generate_vmap_rule=False or delete the overridden vmap staticmethod to avoid "
              "ambiguity. " + _SEE)
RETURNS_ERROR = ("Expected the vmap staticmethod to have two returns, an output and out_dims with pytree structure "
                 "compatible with the output. ")
OUT_DIMS_ERROR = ("The autograd.Function's vmap staticmethod returned an incompatible (output, out_dims) tuple. "
                  "Expected out_dims={} to be compatible with the structure of `output`. out_dims has structure {} "
                  "but output has structure {}. " + _SEE)


def check(cls):
    """torch's refusals of a Function inside vmap (in torch's order)."""
    if cls.setup_context is Function.setup_context:
        raise RuntimeError(SETUP_CONTEXT_ERROR)
    own_rule = cls.vmap is not Function.vmap
    if cls.generate_vmap_rule and own_rule:
        raise RuntimeError(BOTH_ERROR.format(cls.__name__))
    if not cls.generate_vmap_rule and not own_rule:
        raise RuntimeError(NO_RULE_ERROR.format(cls.__name__))


def apply(cls, args, level):
    """``cls.apply(*args)`` with some of ``args`` batched at vmap level ``level``: the outputs, batched."""
    size = _INTERPRETER.sizes[level - 1]
    randomness = _INTERPRETER.randomness[level - 1][0]
    batched = [_level_of(a) == level for a in args]
    values = [_unwrap(a, level) if b else a for a, b in zip(args, batched)]
    in_dims = tuple(0 if b else None for b in batched)
    with levels_set_aside(level):
        if cls.generate_vmap_rule:
            state = {}
            output = _generated(cls, in_dims, size, randomness, state).apply(*values)
            out_dims = state["out_dims"]
        else:
            result = cls.vmap(VmapInfo(size, randomness), in_dims, *values)
            if not isinstance(result, tuple):
                raise RuntimeError(RETURNS_ERROR + f"Got a {type(result)} instead")
            if len(result) != 2:
                raise RuntimeError(RETURNS_ERROR + f"Got {len(result)} returns instead")
            output, out_dims = result
    return _wrap(output, out_dims, values, args, level)


def _wrap(output, out_dims, values, args, level):
    """The outputs as BatchedTensors at ``level`` (batch dim of each at ``out_dims``); an output that is one of
    the batches given (a Function that returns an input, or modifies it in place) is that argument itself."""
    flat, spec = tree_flatten(output)
    dims = _broadcast(out_dims, spec)
    if dims is None:
        raise RuntimeError(OUT_DIMS_ERROR.format(out_dims, tree_flatten(out_dims)[1], spec))
    wrapped = []
    for o, d in zip(flat, dims):
        given = [a for v, a in zip(values, args) if v is o]
        if given:
            wrapped.append(given[0])
        elif not isinstance(o, Tensor) or d is None:
            wrapped.append(o)
        else:
            wrapped.append(_batched(o if d == 0 else o.movedim(d, 0), level))
    return tree_unflatten(wrapped, spec)


def _broadcast(prefix, spec):
    """One entry of ``prefix`` per leaf of ``spec``, a leaf of ``prefix`` standing for a whole subtree (torch's
    ``_broadcast_to_and_flatten``); None when they do not fit."""
    if type(prefix) not in (tuple, list, dict):
        return [prefix] * spec.num_leaves
    if spec.type is not type(prefix) or len(spec.children) != len(prefix) or (spec.type is dict
                                                                               and spec.context != list(prefix)):
        return None
    parts = [_broadcast(p, child) for p, child in zip(prefix.values() if spec.type is dict else prefix, spec.children)]
    return None if any(p is None for p in parts) else [d for part in parts for d in part]


# -- generate_vmap_rule ----------------------------------------------------------------------------------------------
def _in_level(fn, args, dims, size, randomness):
    """``fn(*args)`` under a vmap level of its own, ``args[i]`` batched (batch dim first) where ``dims[i]`` is 0:
    ``(output, out_dims)``, each output unwrapped, with 0 where it came out batched and None where not
    (torch's ``restore_vmap``)."""
    level = len(_INTERPRETER.sizes) + 1
    wrapped = [a if d is None or a is None else _batched(a, level) for a, d in zip(args, dims)]
    with open_level(size, randomness):
        output = fn(*wrapped)
    return _unwrap_all(output, level)


def _unwrap_all(tree, level):
    """``(tree with each tensor batched at level replaced by its batch, the same tree with 0 there and None
    elsewhere)``."""
    flat, spec = tree_flatten(tree)
    batched = [isinstance(t, BatchedTensor) and t._level == level for t in flat]
    return (tree_unflatten([t._value if b else t for t, b in zip(flat, batched)], spec),
            tree_unflatten([0 if b else None for b in batched], spec))


def _fit(result, dim, target_dim, size, shape=None):
    """A gradient (or tangent) ``result`` with batch dim ``dim`` (0 or None) made right for a value with batch dim
    ``target_dim``: summed over the batch for an unbatched value, expanded over it for a result the same for every
    sample, and (``shape``: the value's sample shape) summed to the sample's shape, since autograd's own summing
    to the input's shape cannot tell the batch dim from the others (torch's ``reductify_leaf``)."""
    if result is None or dim is None and target_dim is None:
        return result
    if target_dim is None:
        return result.sum(0)
    if dim is None:
        result = result.expand((size,) + tuple(result.shape))
    if shape is not None and tuple(result.shape[1:]) != shape:
        result = _in_level(lambda r: r.sum_to_size(shape), [result], [0], size, "error")[0]
    return result


class _SavingCtx:
    """The ctx that the Function's setup_context gets under the generated rule: what ``save_for_backward`` and
    ``save_for_forward`` get is kept as batches (``dims``: the batch dim of each, for backward and jvp), and
    ``mark_non_differentiable``/``mark_dirty`` name the batches; anything else is the node's own."""

    def __init__(self, ctx, level):
        object.__setattr__(self, "_ctx", ctx)
        object.__setattr__(self, "_level", level)
        object.__setattr__(self, "dims", {})

    def __getattr__(self, name):
        return getattr(self._ctx, name)

    def __setattr__(self, name, value):
        setattr(self._ctx, name, value)

    def _unwrapped(self, tensors):
        return _unwrap_all(tuple(tensors), self._level)

    def save_for_backward(self, *tensors):
        values, self.dims["backward"] = self._unwrapped(tensors)
        self._ctx.save_for_backward(*values)

    def save_for_forward(self, *tensors):
        values, self.dims["forward"] = self._unwrapped(tensors)
        self._ctx.save_for_forward(*values)

    def mark_non_differentiable(self, *outputs):
        self._ctx.mark_non_differentiable(*self._unwrapped(outputs)[0])

    def mark_dirty(self, *tensors):
        self._ctx.mark_dirty(*self._unwrapped(tensors)[0])


class _SavedCtx:
    """The ctx that the Function's backward or jvp gets under the generated rule: ``saved_tensors`` are the saved
    batches as BatchedTensors of the level that runs it; anything else is the node's own."""

    def __init__(self, ctx, saved):
        object.__setattr__(self, "_ctx", ctx)
        object.__setattr__(self, "saved_tensors", saved)

    def __getattr__(self, name):
        return getattr(self._ctx, name)

    def __setattr__(self, name, value):
        setattr(self._ctx, name, value)


def _generated(cls, in_dims, size, randomness, state):
    """``Vmapped<Name>``: the Function whose ``apply`` on the batches is vmap of ``cls.apply`` (torch's
    ``vmapify_autograd_function``). ``state`` gets the out_dims of forward's outputs."""

    def forward(*operands):
        output, state["out_dims"] = _in_level(cls.forward, operands, in_dims, size, randomness)
        return output

    def setup_context(ctx, inputs, output):
        flat_out, spec = tree_flatten(output)
        n = len(inputs)
        saving = _SavingCtx(ctx, len(_INTERPRETER.sizes) + 1)
        _in_level(lambda *a: cls.setup_context(saving, a[:n], tree_unflatten(a[n:], spec)), list(inputs) + flat_out,
                  list(in_dims) + tree_flatten(state["out_dims"])[0], size, randomness)
        state["saved"] = saving.dims
        state["shapes"] = [tuple(a.shape[1:]) if d == 0 else None for a, d in zip(inputs, in_dims)]

    def backward(ctx, *grads):
        out_dims = tree_flatten(state["out_dims"])[0]
        vjp = cls.vjp if cls.vjp is not Function.vjp else cls.backward  # (as BackwardNode picks)
        result, dims = _run_saved(ctx, vjp, grads, out_dims, state["saved"].get("backward", ()), size, randomness)
        return tuple(_fit(g, d, i, size, s) for g, d, i, s in zip(result, dims, in_dims, state["shapes"]))

    def jvp(ctx, *tangents):
        out_dims = tree_flatten(state["out_dims"])[0]
        result, dims = _run_saved(ctx, cls.jvp, tangents, in_dims, state["saved"].get("forward", ()), size, randomness)
        return tuple(_fit(t, d, o, size) for t, d, o in zip(result, dims, out_dims))

    return type(f"Vmapped{cls.__name__}", (Function,), {
        "forward": staticmethod(forward), "setup_context": staticmethod(setup_context),
        "backward": staticmethod(backward), "jvp": staticmethod(jvp), "generate_vmap_rule": True})


def _run_saved(ctx, method, values, dims, saved_dims, size, randomness):
    """``method(ctx, *values)`` (the Function's backward or jvp) under vmap: the saved tensors and ``values``
    batched where their dims say (a None value: not batched). Its results and their batch dims, as flat tuples."""
    saved = tuple(ctx.saved_tensors)
    saved_dims = tuple(saved_dims) + (None,) * (len(saved) - len(saved_dims))
    n = len(saved)
    dims = [None if v is None else d for v, d in zip(values, dims)]
    result, out_dims = _in_level(lambda *a: method(_SavedCtx(ctx, a[:n]), *a[n:]), saved + tuple(values),
                                 list(saved_dims) + dims, size, randomness)
    if not isinstance(result, tuple):
        result, out_dims = (result,), (out_dims,)
    return result, out_dims
