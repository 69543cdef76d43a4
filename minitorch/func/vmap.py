"""torch.func.vmap: run a function written for one sample on a batch of samples.

Inside ``vmap(f)(x)`` the function sees each batched input as a ``BatchedTensor``: a Tensor whose shape is
one sample's (the batch dimension is hidden) and which holds the whole batch, with the batch dimension in
front, in ``_value``. Every operation that gets a BatchedTensor is run once, on the whole batch, by a
*batching rule* (minitorch/func/_vmap_rules.py): most NumPy kernels already broadcast over leading dimensions, so a rule is
mostly "the batch in front, dims shifted by one" (elementwise ops, reductions, views, softmax, matmul,
indexing) or "fold the batch into N" (convolution). An operation without a rule is run once per sample and
the results stacked (``fallback``), with torch's warning naming the op, so missing rules are visible. A user
``autograd.Function`` brings its own rule: its ``vmap`` staticmethod, or ``generate_vmap_rule = True``
(minitorch/func/_function_vmap.py).

How operations are intercepted: through the observer hook of ``minitorch/autograd/function.py`` (the one
``jit.trace`` and the profiler use). While a vmap runs, ``function.observer`` is the interpreter of
minitorch/func/_batched.py (which passes plain ops on to the observer that was on before, if any), and
``Op.apply``/``Function.apply`` hand it each operation; with vmap off the hook is the one attribute read
per op that ``Op.apply`` already pays for the profiler (nothing added to its cost; ``_make`` gained one
``isinstance`` on its rare path for NumPy scalars). A BatchedTensor
subclass on its own would not do: ``Op.apply`` reads ``_data`` arrays, so every op would need to know
about batches. Levels are as in functorch: ``vmap(vmap(f))`` wraps a BatchedTensor of level 1 in one of
level 2; an op is handled for the highest level among its arguments, and the rule's own operations on the
unwrapped values reach the interpreter again for the lower levels.

A BatchedTensor's ``_data`` is sample 0 of the batch (a ``_Sample``), so that Python code reading shapes
and dtypes sees one sample's. Code that reads the *values* of a batched tensor in Python (comparisons,
``where``'s condition, ``nll_loss``'s target, index tensors, argmax) is caught: the array remembers its
tensor, NumPy's elementwise maths on it is done on the whole batch, and an op that gets it gets the batch;
where that cannot be (the array was reshaped or reduced), vmap raises rather than computing on sample 0
alone. Reading the values as Python data (``item``, ``bool``, ``tolist``, ``numpy``...) raises torch's
errors (docs/func.md). The one way around it is ``np.asarray`` of such an array, which NumPy turns into sample 0.

Autograd: a rule runs minitorch operations on the batched values, so the graph is recorded on them and
``backward`` through a vmapped function's output works as for any function. Inside the function, as in
torch, a batched tensor does not require grad and ``requires_grad_()`` raises torch's error, so
``autograd.grad`` called there fails as torch's does: per-sample gradients are minitorch.func.grad's
(``vmap(grad(f))``): a transform that gets a BatchedTensor runs once on the whole batch with its unbatched arguments
expanded (minitorch/func/_at_once.py), or else once per sample (minitorch/func/_compose.py).

Randomness: ``'same'`` needs nothing (a random op draws for one sample's shape, the same draw for all);
``'error'`` raises torch's error at the draw; ``'different'`` runs the function once per sample when it
draws (each call draws its own). Only draws from the default generator are watched.
"""
import contextlib
import functools

from .. import random as _random
from ..autograd import function as _function
from ..tensor import Tensor
from ._batched import _INTERPRETER, BatchedTensor, _batched
from ._wrap import transform_running

RANDOM_ERROR = ("vmap: called random operation while in randomness error mode. Please either use the 'same' or "
                "'different' randomness flags on vmap or perform the randomness operation out of vmap")


# -- randomness ----------------------------------------------------------------------------------------------------
class _NeedsLoop(Exception):
    """A random draw in ``randomness='different'``: the function is run once per sample instead."""


class _WatchedGenerator:
    """Stands in for the default generator's NumPy generator while a vmap runs: a draw raises."""

    def __init__(self, mode):
        self.mode = mode

    def __getattr__(self, name):
        if self.mode == "error":
            raise RuntimeError(RANDOM_ERROR)
        raise _NeedsLoop()


# -- pytrees (tuples, lists, dicts) ---------------------------------------------------------------------------------
class _Spec:
    def __init__(self, kind, context, children):
        self.kind, self.context, self.children = kind, context, children

    def __eq__(self, other):
        return (self.kind, self.context, self.children) == (other.kind, other.context, other.children)

    def repr(self, indent=0):
        if self.kind is None:
            return "*"
        inner = (",\n" + " " * (indent + 2)).join(c.repr(indent + 2) for c in self.children)
        return f"TreeSpec({self.kind.__name__}, {self.context}, [{inner}])"


_LEAF = _Spec(None, None, [])


def _flatten(tree):
    if isinstance(tree, (tuple, list)):
        kind, context, items = type(tree), None, list(tree)
    elif isinstance(tree, dict):
        kind, context, items = dict, list(tree), list(tree.values())
    else:
        return [tree], _LEAF
    leaves, children = [], []
    for item in items:
        sub, spec = _flatten(item)
        leaves += sub
        children.append(spec)
    return leaves, _Spec(kind, context, children)


def _unflatten(leaves, spec):
    it = iter(leaves)

    def build(s):
        if s.kind is None:
            return next(it)
        items = [build(c) for c in s.children]
        if s.kind is dict:
            return dict(zip(s.context, items))
        return s.kind(items) if s.kind in (tuple, list) else s.kind(*items)
    return build(spec)


def _broadcast_prefix(prefix, tree, spec):
    """One value per leaf of ``tree``: ``prefix`` is a tree whose leaves stand for whole subtrees."""
    if not isinstance(prefix, (tuple, list, dict)):
        return [prefix] * len(_flatten(tree)[0])
    if type(prefix) is not type(tree) and not (isinstance(prefix, tuple) and isinstance(tree, tuple)) \
            or len(prefix) != len(tree) or (isinstance(tree, dict) and list(prefix) != list(tree)):
        raise _Mismatch()
    items = prefix.values() if isinstance(prefix, dict) else prefix
    subtrees = tree.values() if isinstance(tree, dict) else tree
    return [d for p, t in zip(items, subtrees) for d in _broadcast_prefix(p, t, None)]


class _Mismatch(Exception):
    pass


# -- vmap ----------------------------------------------------------------------------------------------------------
def _name(func):
    return getattr(func, "__name__", repr(func))


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """torch.func.vmap: ``func`` mapped over dimension ``in_dims`` of its inputs; the results have the
    mapped dimension at ``out_dims``. ``in_dims``/``out_dims``: an int, None (not mapped), or a tuple
    (a tree) with one entry per argument/output."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        flat, dims, size = _check_inputs(func, in_dims, args)
        if chunk_size is None or chunk_size >= size:
            return _run(func, flat, dims, size, out_dims, randomness, args, kwargs)
        pieces = [_run(func, [a.narrow(d, start, min(chunk_size, size - start)) if d is not None else a
                              for a, d in zip(flat, dims)], dims, min(chunk_size, size - start),
                       out_dims, randomness, args, kwargs)
                  for start in range(0, size, chunk_size)]
        outs, spec = _flatten(pieces[0])
        out_flat = _out_dims(func, out_dims, pieces[0], spec)
        columns = zip(*[_flatten(p)[0] for p in pieces])
        return _unflatten([c[0] if d is None else _ops().cat(list(c), d) for c, d in zip(columns, out_flat)], spec)
    return wrapped


def _check_inputs(func, in_dims, args):
    """The flat inputs, their in_dims (one per leaf) and the batch size, checked as torch checks them."""
    name = _name(func)
    if not isinstance(in_dims, (int, tuple)) or isinstance(in_dims, bool):
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int or a "
                         f"(potentially nested) tuple matching the structure of inputs, got: {type(in_dims)}.")
    if not args:
        raise ValueError(f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are "
                         f"trying to vmap over a function with no inputs. The latter is unsupported.")
    flat, spec = _flatten(args)
    try:
        dims = _broadcast_prefix(in_dims, args, spec)
    except _Mismatch:
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the "
                         f"structure of `inputs`. in_dims has structure {_flatten(in_dims)[1].repr()} but inputs "
                         f"has structure {spec.repr()}.") from None
    sizes = []
    for i, (a, d) in enumerate(zip(flat, dims)):
        if d is None:
            continue
        if not isinstance(d, int) or isinstance(d, bool):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input but "
                             f"in_dim must be either an integer dimension or None.")
        if not isinstance(a, Tensor):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input but the "
                             f"input is of type {type(a)}. We cannot vmap over non-Tensor arguments, please use "
                             f"None as the respective in_dim")
        if not -a.ndim <= d < a.ndim:
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some input, but "
                             f"that input is a Tensor of dimensionality {a.ndim} so expected in_dim to satisfy "
                             f"-{a.ndim} <= in_dim < {a.ndim}.")
        dims[i] = d % a.ndim
        sizes.append(a.shape[dims[i]])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                         f"{sizes} for the mapped dimension")
    return flat, dims, sizes[0]


def _out_dims(func, out_dims, outputs, spec):
    if isinstance(out_dims, (int, type(None))) and not isinstance(out_dims, bool):
        return [out_dims] * len(_flatten(outputs)[0])
    if not isinstance(out_dims, (tuple, list, dict)):
        raise ValueError(f"vmap({_name(func)}, ..., out_dims={out_dims}): `out_dims` must be an int, None or a "
                         f"python collection of ints representing where in the outputs the vmapped dimension "
                         f"should appear.")
    try:
        return _broadcast_prefix(out_dims if not isinstance(outputs, tuple) or isinstance(out_dims, tuple)
                                 else tuple(out_dims), outputs, spec)
    except _Mismatch:
        raise ValueError(f"vmap({_name(func)}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible with "
                         f"the structure of `outputs`. out_dims has structure {_flatten(out_dims)[1].repr()} but "
                         f"outputs has structure {spec.repr()}.") from None


def _run(func, flat, dims, size, out_dims, randomness, args, kwargs):
    """One vmap level: the inputs wrapped as BatchedTensors, ``func`` called, the outputs unwrapped."""
    level = len(_INTERPRETER.sizes) + 1
    inputs = [a if d is None else _batched(a if d == 0 else a.movedim(d, 0), level) for a, d in zip(flat, dims)]
    try:
        with open_level(size, randomness):
            outputs = func(*_unflatten(inputs, _flatten(args)[1]), **kwargs)
    except _NeedsLoop:
        outputs = None
    if outputs is None:  # randomness='different' and a draw: once per sample
        return _per_sample(func, flat, dims, size, out_dims, randomness, args, kwargs)
    flat_out, spec = _flatten(outputs)
    results = []
    for out, d in zip(flat_out, _out_dims(func, out_dims, outputs, spec)):
        batched = isinstance(out, BatchedTensor) and out._level == level
        if d is None:
            if batched:
                raise ValueError(f"vmap({_name(func)}, ...): `{_name(func)}` can not return a BatchedTensor when "
                                 f"out_dim is None")
            results.append(out)
            continue
        if not isinstance(out, Tensor):
            raise ValueError(f"vmap({_name(func)}, ...): `{_name(func)}` must only return Tensors, got type "
                             f"{type(out)}. Did you mean to set out_dims= to None for output?")
        value = out._value if batched else out.expand((size,) + tuple(out.shape))
        results.append(value if d == 0 else value.movedim(0, d))
    return _unflatten(results, spec)


@contextlib.contextmanager
def open_level(size, randomness):
    """A vmap level open for the length of the block (the next level: ``len(_INTERPRETER.sizes) + 1``): its batch
    size and randomness pushed, the interpreter watching the operations and, unless randomness is 'same', the
    default generator's draws."""
    interp = _INTERPRETER
    if not interp.sizes:
        interp.previous = _function.observer
    generator = _random.default_generator
    saved_np, busy = generator.np, interp.busy
    interp.sizes.append(size)
    interp.randomness.append((randomness, saved_np))
    _function.observer = interp
    interp.busy = False  # (opened inside an operation the interpreter runs plainly: this level's ops are watched)
    if randomness != "same":
        generator.np = _WatchedGenerator(randomness)
    try:
        with transform_running():
            yield
    finally:
        generator.np, interp.busy = saved_np, busy
        interp.sizes.pop()
        interp.randomness.pop()
        if not interp.sizes:
            _function.observer = interp.previous


@contextlib.contextmanager
def levels_set_aside(level):
    """Levels ``level`` and above set aside for the length of the block, as if their vmaps were not running (torch's
    ``interpreter.lower()``): what a Function's vmap rule runs on the batches is plain operations (batched only by
    the vmaps around, below ``level``), and its random draws are watched only by those."""
    interp, generator = _INTERPRETER, _random.default_generator
    sizes, randomness = interp.sizes[level - 1:], interp.randomness[level - 1:]
    observer, above = _function.observer, generator.np
    del interp.sizes[level - 1:], interp.randomness[level - 1:]
    generator.np = randomness[0][1]
    _function.transforms_running -= len(sizes)
    if not interp.sizes:
        _function.observer = interp.previous
    try:
        yield
    finally:
        interp.sizes += sizes
        interp.randomness += randomness
        _function.observer, generator.np = observer, above
        _function.transforms_running += len(sizes)


def _per_sample(func, flat, dims, size, out_dims, randomness, args, kwargs):
    """randomness='different' with a random draw: ``func`` once per sample (each draws its own), stacked."""
    spec = _flatten(args)[1]
    runs = [func(*_unflatten([a if d is None else a.select(d, i) for a, d in zip(flat, dims)], spec), **kwargs)
            for i in range(size)]
    flat_runs = [_flatten(r)[0] for r in runs]
    out_spec = _flatten(runs[0])[1]
    dims_out = _out_dims(func, out_dims, runs[0], out_spec)
    return _unflatten([c[0] if d is None else _ops().stack(list(c), d) for c, d in zip(zip(*flat_runs), dims_out)],
                      out_spec)


def _ops():
    """cat and stack (imported when first used: minitorch/__init__.py may import this package)."""
    from ..ops import shape
    return shape
