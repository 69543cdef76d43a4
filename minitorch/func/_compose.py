"""vmap composed with the other transforms, the plain way: a transform called inside ``vmap`` runs once per sample.

torch.func gives each transform a level: inside ``vmap(grad(f))`` the grad sees one sample, and its autograd runs on
that sample alone. minitorch's reverse transforms (grad, grad_and_value, vjp and its vjp_fn, jacrev) first try to
run once on the whole batch (minitorch/func/_at_once.py: the unbatched arguments expanded to one copy per sample,
one backward pass for every sample); forward mode (jvp, jacfwd, and so hessian and linearize), and the reverse
transforms where that run stops (an op without a batching rule, an autograd.Function, a random draw, an in-place
write to an unbatched tensor, any error), run here in the plainest way: when one of their arguments is a
BatchedTensor (minitorch/func/_batched.py), the transform is called once per sample of the highest vmap level among
them - each batched argument replaced by its sample, the others (``in_dims=None``, such as the weights of per-sample
gradients) passed as they are - and each result is stacked back into a BatchedTensor of that level. So an unbatched
argument gets one gradient per sample, and every value is exactly the one-sample transform's. A nested vmap peels
one level per loop: the sample of a level-2 batched argument is a level-1 one, for which the transform loops again.

Why not plain autograd on the whole batch: the gradient of the batch's summed loss equals the stacked
per-sample gradients only for the batched arguments; an unbatched one would get the sum over samples (unless
it is first expanded to one copy per sample, as _at_once.py does). The loop costs one transform call per sample
(torch runs them as one batched call).

Outside vmap nothing changes: ``Op.apply`` is untouched; a transform checks its arguments once per call.

Not supported: a transformed function that reads a tensor batched by an enclosing vmap only through its closure
(``vmap(lambda x: grad(lambda w: (w * x).sum())(w0))``) - its output is batched though no argument is, which
the transform detects and refuses with NotImplementedError rather than returning a wrong gradient. (A closure
over a tensor batched by the same vmap as an argument is fine at once: it is one more batched input.)
"""
from ..tensor import Tensor
from ._batched import _INTERPRETER, BatchedTensor, _batched
from ._pytree import tree_flatten, tree_unflatten

CLOSURE_ERROR = ("{api}: the function's output is batched by an enclosing vmap through a tensor it closes over "
                 "(not through its arguments); minitorch does not support this composition: pass that tensor as an "
                 "argument of the transformed function")


def batch_level(tree):
    """The highest vmap level among the tensors of ``tree`` (0 when no vmap runs or none is batched)."""
    if not _INTERPRETER.sizes:  # no vmap running: the common case, one list read
        return 0
    return max([t._level for t in tree_flatten(tree)[0] if isinstance(t, BatchedTensor)] or [0])


def sample(tree, level, i):
    """``tree`` with each tensor batched at ``level`` replaced by its sample ``i``."""
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([t._value.select(0, i) if isinstance(t, BatchedTensor) and t._level == level else t
                           for t in leaves], spec)


def stack(results, level):
    """Per-sample results (trees of tensors, nested alike) as one tree of BatchedTensors at ``level``."""
    from ..ops.shape import stack as stack_
    columns = [tree_flatten(r)[0] for r in results]
    spec = tree_flatten(results[0])[1]
    return tree_unflatten([_batched(stack_(list(c)), level) if isinstance(c[0], Tensor) else c[0]
                           for c in zip(*columns)], spec)


def one_sample_at_a_time(transform):
    """A transform's function (``grad(f)``, ``jacrev(f)``, ...) that inside vmap runs once per sample."""
    def wrapper(*args, **kwargs):
        level = batch_level((args, kwargs))
        if level:
            return per_sample(wrapper, args, kwargs, level)
        return transform(*args, **kwargs)
    return wrapper


def batch_size(level):
    return _INTERPRETER.sizes[level - 1]


def per_sample(call, args, kwargs, level):
    """``call(*args, **kwargs)`` once per sample of vmap level ``level``, stacked at that level."""
    samples = [sample((args, kwargs), level, i) for i in range(batch_size(level))]
    # randomness='same' (the only mode in which a vmap leaves the generator to draw): every sample gets the
    # draws of the first, as one batched call would; the modes 'error' and 'different' watch the draws
    # themselves (minitorch/func/vmap.py)
    from .. import random
    state = random.get_rng_state() if not rng_watched(random.default_generator) else None
    results = []
    for a, k in samples:
        if state is not None:
            random.set_rng_state(state)
        results.append(call(*a, **k))
    return stack(results, level)


def rng_watched(generator):
    """Whether a vmap watches the generator's draws (its 'error' and 'different' randomness)."""
    from .vmap import _WatchedGenerator
    return isinstance(generator.np, _WatchedGenerator)


def check_unbatched(outputs, api):
    """Refuse an output batched through a closure (see the module's docstring)."""
    if _INTERPRETER.sizes and any(isinstance(o, BatchedTensor) for o in tree_flatten(outputs)[0]):
        raise NotImplementedError(CLOSURE_ERROR.format(api=api))
