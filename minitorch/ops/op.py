"""The base class of built-in ops: arrays in, promotion, views.

An ``Op`` is a ``Function`` (minitorch/autograd/function.py) whose ``forward`` gets NumPy arrays and returns
arrays, so the forward maths is plain NumPy, and whose ``backward`` gets and returns Tensors, written with
minitorch operations, so that ``create_graph=True`` can differentiate the backward pass again.

What ``Op.apply`` adds to the graph bookkeeping it shares with ``Function`` (``_link``, ``_save``): elementwise
operands promoted to torch's result dtype (``_promote``), NumPy's broadcast error in torch's words
(``broadcast_error``), and, for view ops, the memory and history a view shares with its base (``_note_view``,
read back by ops/inplace.py through ``view_ops``).
"""
import functools
import weakref

import numpy as np

from .._dtype import result_type
from .._size import broadcast_shape
from ..autograd import forward_ad, grad_mode
from ..autograd import function as _function
from ..autograd.function import Function, Node, _link, _mapped, _save
# minitorch.tensor is complete before the ops are imported (they are attached to Tensor afterwards)
from ..tensor import Tensor, _make


class OpNode(Node):
    """The node of a built-in Op: its backward returns one gradient (or None) per tensor input.

    ``needs_input_grad`` is set before forward runs: like torch's, a forward may save only what the
    gradients that will be asked for need (``x @ w`` keeps ``w`` only if ``x`` requires grad)."""

    # in a forward that records nothing (grad mode off, or no input requires grad): False at every position, so
    # that a forward saving only what backward will use saves nothing (a tuple: indexing it costs nothing)
    needs_input_grad = (False,) * 8

    def _run_backward(self, grads):
        out = self._function.backward(self, *grads)
        return out if isinstance(out, tuple) else (out,)


class Op(Function):
    """A built-in operation: ``forward(ctx, *arrays)`` on NumPy arrays, ``backward(ctx, grad)`` on
    Tensors, returning one gradient per Tensor argument of forward (in order).

    Arguments that are not Tensors (dims, flags, Python numbers) reach forward unchanged.
    ``save_for_backward`` takes arrays; in backward ``ctx.saved_tensors`` gives them back as Tensors:
    the input Tensor for an input's array, the output Tensor for the output array, a constant Tensor
    for anything else.
    """

    _node_base = OpNode
    _node_module = __name__
    is_view = False   # True for ops whose output shares memory with the first input
    promotes = False  # elementwise ops: True (all arguments) or the number of leading arguments that are
                      # operands, promoted to one dtype (later ones, like add's alpha, pass unchanged)
    elementwise = False  # True for an elementwise op of one or more tensors (those with ``promotes`` are too):
                         # its JVP is its VJP's formula applied to the tangent (autograd/forward_ad.py)
    forward_ad = True  # False where torch has no forward-mode rule either (it raises NotImplementedError)
    linear = False    # True when the op is linear in its floating tensor arguments (view, sum, cat, a + b):
                      # its JVP is then the op itself applied to the tangents (autograd/forward_ad.py); other
                      # ops define ``jvp(ctx, out, tangents, *args)``: the tangent of ``out`` from the tangents of
                      # ``args`` (one per argument: a Tensor for each floating tensor, None for the others)

    @classmethod
    def apply(cls, *args):
        # This runs for every operation, forward and backward: each line here costs on every small-tensor loop
        # (benchmarks/overhead.py, benchmarks/tutorials.py), hence the inlined common cases.
        if _function.observer is not None and not _function.observer.busy:  # jit.trace or the profiler
            return _function.observer.op(cls, args)
        ctx = cls._Node()
        # The operands: ``arrays`` for forward, ``inputs`` the Tensors among them. One or two Tensors (of one dtype
        # where the op promotes) are the commonest case by far, and need no comprehension: on Python 3.11 each
        # comprehension costs a function call, more than the rest of such a line.
        n = len(args)
        if n == 1 and type(args[0]) is Tensor:
            inputs, arrays = args, (args[0]._data,)
        elif n == 2 and type(args[0]) is Tensor and type(args[1]) is Tensor \
                and (not cls.promotes or args[0]._data.dtype is args[1]._data.dtype):
            inputs, arrays = args, (args[0]._data, args[1]._data)
        else:
            if cls.promotes:
                args, arrays = _promote(args, cls.promotes)
            else:
                arrays = [a._data if isinstance(a, Tensor) else a for a in args]
            inputs = None  # (made below only where grad mode needs them)
        recorded = None
        dual = forward_ad.STATE.level is not None and forward_ad.STATE.tangents and forward_ad.has_tangent(args)
        if grad_mode.STATE.enabled:  # known before forward, so that forward saves only what backward will use
            if inputs is None:
                inputs = [a for a in args if isinstance(a, Tensor)]
            if len(inputs) == 1:
                needs = (inputs[0]._requires_grad,)
            elif len(inputs) == 2:
                needs = (inputs[0]._requires_grad, inputs[1]._requires_grad)
            else:
                needs = tuple([a._requires_grad for a in inputs])
            if True in needs:
                ctx.needs_input_grad = needs
                recorded = inputs
        if dual:  # forward mode: an elementwise JVP runs the VJP's formula, which needs what forward saves
            ctx.needs_input_grad = forward_ad.needs(args, ctx.needs_input_grad if recorded is not None else None)
        try:
            out = cls.forward(ctx, *arrays)
        except ValueError as e:  # NumPy's broadcast error, in torch's words
            if "broadcast" in str(e):
                raise RuntimeError(broadcast_error([a.shape for a in arrays if isinstance(a, np.ndarray)])) from None
            raise
        if type(out) is not tuple:
            result = _make(out)
            if recorded is not None or dual:
                _record(cls, ctx, recorded, dual, args, arrays, (out,), (result,))
            elif cls.is_view:
                _note_view(cls, args, (result,))
            return result
        results = tuple([None if o is None else _make(o) for o in out])
        _record(cls, ctx, recorded, dual, args, arrays, out, results)
        return results


def _record(cls, ctx, recorded, dual, args, arrays, raw_outputs, results):
    """The rest of ``Op.apply`` where there is more to do than wrap the output: link the node into the graph and
    save what forward asked for (``recorded``: the input tensors, when one requires grad), note a view's base,
    push forward-mode tangents (``dual``)."""
    if recorded is not None:
        _link(ctx, recorded, results, ctx._non_diff and _mapped(ctx._non_diff, raw_outputs, results))
    _save(ctx, args, arrays, raw_outputs, results)
    if recorded is None:  # forward mode only (dual): the node is in no graph, so a saved output must not lead back
        ctx._saved_outputs = ()  # to it when a JVP runs the VJP's formula with grad mode on
    if cls.is_view:
        _note_view(cls, args, results)
    if dual:
        forward_ad.push_tangents(cls, ctx, args, results)


def broadcast_error(shapes):
    """torch's message for shapes that do not broadcast: they are broadcast one after another, as torch
    does (tensor a is the shape so far, tensor b the next one), and the first failure is the message."""
    try:
        functools.reduce(broadcast_shape, shapes)
    except RuntimeError as e:
        return str(e)
    return f"shapes {[list(s) for s in shapes]} cannot be broadcast together"


def _note_view(cls, args, results):
    """``results`` share the memory of ``args[0]``: they share its version counter too (as in torch), and
    remember how they were taken from their root base, so that an in-place change of a view can rewrite
    the base's history, and the base's changes the views' (ops/inplace.py)."""
    base = args[0]
    root, steps, with_grad = base._view or (base, (), True)
    if len(results) > 1 or steps is None:
        steps = None  # the outputs of split, unbind, ...: torch forbids changing them in place
    else:
        steps = (steps, cls, args[1:])  # a linked list (see view_ops): constant work per view op
    view = (root, steps, with_grad and grad_mode.STATE.enabled)
    for r in results:
        if r is not None:
            r._vc = base._vc
            r._view = view
            # a leaf that requires grad cannot change in place (nor can its views); any other root can, and
            # then its views need new histories (ops/inplace.py, _refresh_views)
            if view[2] and (root.grad_fn is not None or not root._requires_grad):
                views = root._views
                if views is None:
                    views = root._views = {}
                # id -> weak reference that removes itself when the view dies (a WeakValueDictionary does the
                # same at several times the cost, and this runs for every view op)
                key = id(r)
                views[key] = weakref.ref(r, lambda _, views=views, key=key: views.pop(key, None))


def view_ops(steps):
    """The view ops, with their arguments, that take a view from its root base (first to last), out of the
    view's linked ``steps``: ``(earlier steps, op, arguments)``, ``()`` for none."""
    ops = []
    while steps:
        steps, cls, extra = steps
        ops.append((cls, extra))
    return ops[::-1]


def _promote(args, operands):
    """Elementwise operands at torch's result dtype. Python numbers become constant 0-d tensors - torch's
    "wrapped numbers", which is why ``(x * 2).grad_fn.next_functions`` has a ``(None, 0)`` edge.
    (The commonest case, two tensors of one dtype, needs nothing done: Op.apply decides it before calling.)"""
    n = len(args) if operands is True else operands
    dtype, numbers = _plain_dtype(args[:n])
    if dtype is not None and not numbers:
        return args, [a._data if isinstance(a, Tensor) else a for a in args]
    np_dtype = dtype if dtype is not None else result_type(*args[:n]).np
    args = tuple(a if isinstance(a, Tensor) else _make(np.asarray(a, np_dtype)) for a in args[:n]) + args[n:]
    arrays = [a._data if a._data.dtype == np_dtype else a._data.astype(np_dtype) for a in args[:n]] + list(args[n:])
    return args, arrays


def _plain_dtype(operands):
    """The common cases, decided without the promotion rules: (dtype, whether there are Python numbers)
    when the operands are tensors of one dtype, with perhaps Python numbers next to a floating tensor
    (whose dtype wins); (None, _) otherwise."""
    dtype, numbers = None, False
    for a in operands:
        if type(a) is Tensor:
            if dtype is None:
                dtype = a._data.dtype
            elif a._data.dtype is not dtype:
                return None, numbers
        elif type(a) is float or type(a) is int:
            numbers = True
        else:
            return None, numbers
    if numbers and (dtype is None or dtype.kind != "f"):
        return None, numbers
    return dtype, numbers
