"""``jacrev`` and ``jacfwd`` in one batched pass over the basis, as torch.func builds them.

A Jacobian is the VJP of every basis cotangent (its rows: ``jacrev``) or the JVP of every basis tangent (its
columns: ``jacfwd``). torch does not loop over the basis: it vmaps the VJP (or the JVP) over it. The same here:
a vmap level is opened whose batch is the basis (``N`` one-hot directions, the identity matrix reshaped), the
cotangents (tangents) enter as BatchedTensors of that level, and one backward pass (one forward-mode pass) runs
every VJP (JVP) at once: each op of the backward (the JVP) gets a batched direction and goes through its
batching rule (minitorch/func/_vmap_rules.py), exactly as inside ``vmap``. The function's own values are not
batched: the graph is recorded once, the basis only flows through its VJPs (JVPs).

Where that is not known to be right, the pass stops (``NotBatchable``) and the caller runs its loop over the
basis (one VJP or JVP per direction, the results the same):

* an op without a batching rule, an autograd.Function, an in-place write, a random draw - as for the
  transforms run at once inside vmap (minitorch/func/_at_once.py);
* any VJP or JVP that reads the raw values of a direction (``g._data``, ``np.asarray(g)``): a BatchedTensor's
  ``_data`` is, during the pass, an object with the sample's shape and dtype only
  (``_batched.ShapeOnly``), and reading anything else of it stops the pass. This is the general guard the
  op modules need: about forty backward functions read ``._data`` of the gradient, and a raw read of a
  batched one would see the whole physical batch (or sample 0) and silently compute something else;
* any other error, so that the loop raises the one-direction transform's own error (or gives its result).
"""
import contextlib

import numpy as np

from ..tensor import _make
from ._batched import _INTERPRETER, BatchedTensor, NotBatchable, _batched
from ._pytree import tree_flatten
from .vmap import open_level


@contextlib.contextmanager
def batch_of_directions(size):
    """A vmap level of ``size`` directions (yields the level), watched strictly: what the batched pass cannot do
    raises ``NotBatchable`` (see the module's docstring)."""
    interp = _INTERPRETER
    with open_level(size, "error"):
        level = len(interp.sizes)
        guarded, interp.guarded_from = interp.guarded_from, min(interp.guarded_from, level)
        interp.at_once.append((level, frozenset()))
        try:
            yield level
        finally:
            interp.at_once.pop()
            interp.guarded_from = guarded


def basis(tensors, start, stop):
    """Directions ``start..stop`` of the standard basis over the elements of ``tensors`` (flattened one after
    another): one array per tensor, ``(stop - start,) + shape``, zero but for the one 1 of each direction."""
    total = sum(t.numel() for t in tensors)
    eye = np.zeros((stop - start, total))  # (these rows of the identity only: a chunk's memory, not N x N)
    eye[np.arange(stop - start), np.arange(start, stop)] = 1
    pieces, offset = [], 0
    for t in tensors:
        n = t.numel()
        piece = eye[:, offset:offset + n].reshape((stop - start,) + tuple(t.shape))
        pieces.append(_make(piece.astype(t._data.dtype)))
        offset += n
    return pieces


def unbatched(result, level, size, like):
    """The batch (``(size,) + shape``) of a result of the pass: a BatchedTensor of ``level`` unwrapped, anything
    else (zeros, a value that did not depend on the direction) expanded; ``like`` gives zeros for None."""
    if result is None:
        result = like.new_zeros(like.shape)
    if isinstance(result, BatchedTensor):
        if result._level != level:
            raise NotBatchable()
        return result._value
    return result.expand((size,) + tuple(result.shape))


def vjp_rows(grads, outputs, inputs, chunk_size):
    """``grads(outputs, inputs, cotangents)`` (reverse.py's ``_grads``) for every basis cotangent over the
    elements of ``outputs``, ``chunk_size`` at a time (all at once for None): for each input, the rows
    ``(N,) + input.shape``, N the number of output elements."""
    total = sum(o.numel() for o in outputs)
    if not total:  # no rows: the loop makes the empty blocks
        raise NotBatchable()
    step = chunk_size or total
    chunks = []
    for start in range(0, total, step):
        stop = min(start + step, total)
        directions = basis(outputs, start, stop)
        with batch_of_directions(stop - start) as level:
            found = grads(outputs, inputs, [_batched(d, level) for d in directions])
            chunks.append([unbatched(g, level, stop - start, x) for g, x in zip(found, inputs)])
    return [_cat([c[i] for c in chunks]) for i in range(len(inputs))]


def jvp_columns(jvp_dual, f, inputs, has_aux):
    """``jvp_dual`` (forward.py's ``_jvp_dual``) with every basis tangent over the elements of ``inputs`` at once:
    ``(output, for each output the columns (N,) + output.shape, aux)``, N the number of input elements."""
    total = sum(x.numel() for x in inputs)
    if not total:  # no columns: the loop still runs f once, for its output
        raise NotBatchable()
    directions = basis(inputs, 0, total)
    spec = tree_flatten(tuple(inputs))[1]
    with batch_of_directions(total) as level:
        output, aux, outputs, tangents, _ = jvp_dual(f, inputs, [_batched(d, level) for d in directions], spec,
                                                     False, has_aux)
        if any(isinstance(o, BatchedTensor) for o in outputs):  # batched by a vmap around, through a closure:
            raise NotBatchable()  # the loop's jvp refuses it in torch's words
        columns = [unbatched(t, level, total, t) for t in tangents]
    return output, columns, aux


def _cat(pieces):
    if len(pieces) == 1:
        return pieces[0]
    from ..ops import shape
    return shape.cat(pieces, 0)

