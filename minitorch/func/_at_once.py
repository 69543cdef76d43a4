"""The reverse transforms inside vmap, run once on the whole batch: ``vmap(grad(f))``, ``vmap(grad_and_value(f))``,
``vmap(vjp(f, ...))`` and ``vmap(jacrev(f))`` - per-sample gradients by one backward pass.

Inside ``vmap``, ``grad(f)`` gets BatchedTensors (one sample's shape, the batch in ``_value``) and unbatched
tensors (``in_dims=None``, such as the weights). Each argument to differentiate is made *physical*: a batched one
is its batch, ``(B,) + shape``; an unbatched one is expanded to that shape (a broadcast view: one copy per sample,
so that its gradient is one per sample). ``f`` is called with the physical arguments wrapped as BatchedTensors
again, so its ops run through vmap's batching rules on the physical arrays and autograd records one graph over
them. Under vmap the samples are independent - sample b's output depends on the b-th slice of each physical input
and on nothing else of them - so the gradient of the sum of the B losses with respect to a physical input holds,
in its slice b, exactly the gradient of sample b's loss: one backward pass, seeded with ones, gives every
sample's gradient. Likewise a VJP with the batch of cotangents gives each sample's VJP, and the Jacobian of the
batch's summed outputs holds each sample's Jacobian (block b of it, for the inputs of sample b).

The physical function (``p ↦ Σ_b f_b(p_b)``) is differentiated by the ordinary transform itself, so everything
that one does is reused: argnums, has_aux, its checks, plain results, create_graph for higher orders. Under a
nested vmap the physical arguments are batched at the level below, where the transform runs at once again: one
level is peeled off per physical call.

Where it is not known to be right, the transform runs once per sample instead (minitorch/func/_compose.py):
while ``f`` runs, an op without a batching rule (which vmap would run per sample), an autograd.Function (its
backward is the user's, written for one sample), a random draw, and an in-place op on a tensor that is not
batched at this level or on an argument stop the run (``NotBatchable``); any error
does the same, so that the loop gives the one-sample transform's own error, or its result (reading a value in
Python, for instance, works on one sample); and so does an output batched through a closure at a higher level.
"""
from .. import random
from ..tensor import Tensor
from ._batched import _INTERPRETER, BatchedTensor, NotBatchable, _batched
from ._compose import batch_level, batch_size, per_sample, rng_watched
from ._pytree import tree_flatten, tree_unflatten
from ._wrap import replace_args, slice_argnums, split_aux


def at_once(batched, looped):
    """``batched()``: the transform on the whole batch; where that stops or fails, ``looped()``: per sample."""
    from .vmap import _NeedsLoop
    try:
        return batched()
    except _NeedsLoop:  # randomness='different' and a draw: vmap runs the whole function per sample
        raise
    except Exception:
        return looped()


def at_once_or_per_sample(batched):
    """A transform's function that inside vmap runs ``batched(args, kwargs, level)`` on the whole batch, or where
    that stops, once per sample (the wrapper itself on each sample)."""
    def decorate(transform):
        def wrapper(*args, **kwargs):
            level = batch_level((args, kwargs))
            if not level:
                return transform(*args, **kwargs)
            return at_once(lambda: batched(args, kwargs, level), lambda: per_sample(wrapper, args, kwargs, level))
        return wrapper
    return decorate


def physical(tree, level):
    """Each tensor of ``tree`` as its batch at ``level``, ``(B,) + shape`` (an unbatched one expanded)."""
    size = batch_size(level)

    def batch(t):
        if not isinstance(t, Tensor):
            return t
        if isinstance(t, BatchedTensor) and t._level >= level:
            if t._level > level:  # batched through a closure by an inner vmap: not this level's to unwrap
                raise NotBatchable()
            return t._value
        return t.expand((size,) + tuple(t.shape))
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([batch(t) for t in leaves], spec)


def logical(tree, level):
    """Each tensor of ``tree`` (a batch) as a BatchedTensor of ``level``."""
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([_batched(t, level) if isinstance(t, Tensor) else t for t in leaves], spec)


def watched_call(func, args, kwargs, level):
    """``func(*args, **kwargs)``, with what cannot run at once stopping it (see the module's docstring)."""
    generator = random.default_generator
    saved = watcher = generator.np
    if not rng_watched(generator):  # randomness='same': vmap lets draws happen; here they stop the run
        generator.np = watcher = _NoDraws()
    arguments = {id(t) for t in tree_flatten((args, kwargs))[0] if isinstance(t, Tensor)}
    _INTERPRETER.at_once.append((level, arguments))
    try:
        result = func(*args, **kwargs)
    finally:
        _INTERPRETER.at_once.pop()
        reseeded, generator.np = generator.np is not watcher, saved
    if reseeded:  # manual_seed inside: its draws were not watched (the loop seeds once per sample)
        raise NotBatchable()
    return result


class _NoDraws:
    """The default generator's NumPy generator while ``f`` runs at once: a draw stops the run."""

    def __getattr__(self, name):
        raise NotBatchable()


def split(args, kwargs, argnums, level):
    """The arguments of a call at once: those ``argnums`` names made physical; the rest as the inner transform's
    further (not differentiated) argument, each tensor batched at ``level`` unwrapped, so that the transform
    runs at the level below where they are batched there; and ``rebuild(diff, rest)``: ``f``'s arguments again."""
    diff, argnums_ = slice_argnums(args, argnums)
    leaves, spec = tree_flatten((args, kwargs))
    here = [isinstance(t, BatchedTensor) and t._level == level for t in leaves]

    def rebuild(diff, rest):
        args, kwargs = tree_unflatten([_batched(t, level) if b else t for t, b in zip(rest, here)], spec)
        return replace_args(args, logical(diff, level), argnums_), kwargs
    return physical(diff, level), [t._value if b else t for t, b in zip(leaves, here)], rebuild


def grad_and_value(transform, func, argnums, has_aux):
    """``transform(func, argnums, has_aux)`` (reverse.py's grad_and_value) on the whole batch: the gradient of
    the sum of the per-sample outputs with respect to the physical arguments."""
    def run(args, kwargs, level):
        diff, rest, rebuild = split(args, kwargs, argnums, level)

        def on_batch(diff, rest):
            output = watched_call(func, *rebuild(diff, rest), level)
            output, aux = split_aux(output, "grad_and_value(f)(*args)") if has_aux else (output, ())
            if not isinstance(output, Tensor) or output.dim() != 0:
                raise NotBatchable()  # the loop raises the transform's error
            output = physical(output, level)
            return output.sum(), (output, physical(aux, level))
        grads, (_, (value, aux)) = transform(on_batch, 0, True)(diff, rest)
        grads, value = logical(grads, level), _batched(value, level)
        return (grads, (value, logical(aux, level))) if has_aux else (grads, value)
    return run


def jacrev(transform, func, argnums, has_aux, chunk_size):
    """``transform(func, argnums, has_aux=..., chunk_size=...)`` (jacrev) on the whole batch: the Jacobian of the
    outputs summed over the batch, each block ``out + (B,) + in`` with the batch moved to the front."""
    def run(args, kwargs, level):
        diff, rest, rebuild = split(args, kwargs, argnums, level)
        ranks = []

        def on_batch(diff, rest):
            output = watched_call(func, *rebuild(diff, rest), level)
            output, aux = split_aux(output, "vjp(f, *primals)") if has_aux else (output, ())
            outputs, spec = tree_flatten(output)
            ranks[:] = [o.dim() for o in outputs]
            return tree_unflatten([physical(o, level).sum(0) for o in outputs], spec), physical(aux, level)
        jacobian, aux = transform(on_batch, 0, has_aux=True, chunk_size=chunk_size)(diff, rest)
        blocks, spec = tree_flatten(jacobian)
        inputs = len(tree_flatten(diff)[0])  # blocks: for each output, one per input
        jacobian = tree_unflatten([_batched(b.movedim(ranks[i // inputs], 0), level) for i, b in enumerate(blocks)],
                                  spec)
        return (jacobian, logical(aux, level)) if has_aux else jacobian
    return run


def vjp(transform, func, primals, has_aux, level, looped):
    """``transform(func, *primals, has_aux=...)`` (vjp) on the whole batch; its ``vjp_fn`` takes the batch of
    cotangents (``looped()``: the per-sample vjp, for what its ``vjp_fn`` cannot do at once)."""
    def on_batch(*batch):
        output = watched_call(func, logical(batch, level), {}, level)
        output, aux = split_aux(output, "vjp(f, *primals)") if has_aux else (output, ())
        return physical(output, level), physical(aux, level)
    output, batch_fn, aux = transform(on_batch, *physical(primals, level), has_aux=True)

    def vjp_fn(cotangents):
        inner = batch_level(cotangents)
        if inner > level:  # called inside a vmap of its own (vmap(vjp_fn)): one call per cotangent sample
            return per_sample(vjp_fn, (cotangents,), {}, inner)
        return at_once(lambda: logical(batch_fn(physical(cotangents, level)), level),
                       lambda: looped()[1](cotangents))
    output = logical(output, level)
    return (output, vjp_fn, logical(aux, level)) if has_aux else (output, vjp_fn)
