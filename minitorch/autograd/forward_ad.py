"""Forward-mode automatic differentiation: ``torch.autograd.forward_ad``.

Backward mode (``loss.backward()``) records the graph, then runs it in reverse: one pass gives the gradient of
ONE output with respect to EVERY input - a row of the Jacobian, ``uᵀJ``, for the price of about one forward
pass. Forward mode runs alongside the forward pass: every tensor carries, beside its value x, a *tangent* ẋ -
the direction the inputs are being moved in, pushed through each operation by its Jacobian-vector product
(JVP) ``ż = J ẋ``. One pass gives the derivative of EVERY output along ONE input direction - a column of the
Jacobian, ``Jv``. Nothing is recorded and nothing runs afterwards.

::

    with forward_ad.dual_level():
        x = forward_ad.make_dual(primal, tangent)    # x carries (value, direction)
        y = f(x)                                      # every op computes its value and its JVP
        jvp = forward_ad.unpack_dual(y).tangent       # J(primal) @ tangent

``Op.apply`` (minitorch/ops/op.py) calls ``push_tangents`` after each forward when a dual level is open and an
input carries a tangent (otherwise forward mode costs one attribute read per op), which uses the first of four
rules that fits the op (``explain()`` shows which):

1. a JVP written next to the VJP, with the maths in the same docstring line
   (``z = a * b.  JVP: dz = da*b + a*db.  VJP: da = g*b, db = g*a``): the same derivative, applied to a
   direction instead of an upstream gradient;
2. ``linear = True``: an op linear in its tensor arguments (``view``, ``sum``, ``cat``, ``a + b``) is its own
   JVP - the op applied to the tangents;
3. ``elementwise`` (or ``promotes``): the Jacobian is diagonal, so equal to its transpose, and the VJP's formula
   with the tangent in place of the upstream gradient is the JVP;
4. otherwise the VJP transposed: u ↦ Jᵀu is linear in u, and its transpose - one backward pass through the VJP,
   which is written in differentiable operations - gives J·ṫ (slower than a written-out rule, but exact).

As in torch, there is one level at a time (nesting raises), a tangent must have its primal's shape, and
leaving the level drops every tangent made in it.
"""
import collections
import contextlib
import re
import weakref

import numpy as np

from . import grad_mode
from .grad_mode import set_grad_enabled
from .. import tensor as _tensor


class _State:
    level = None     # the open dual level (0), or None
    tangents = None  # id(tensor) -> (weak reference to the tensor, its tangent), at the open level


STATE = _State()


UnpackedDualTensor = collections.namedtuple("UnpackedDualTensor", ["primal", "tangent"])
UnpackedDualTensor.__doc__ = "What ``unpack_dual`` returns: the primal and its tangent (None if it has none)."


def enter_dual_level():
    """Open a dual level (torch allows one at a time) and return it (0)."""
    if STATE.level is not None:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    STATE.level, STATE.tangents = 0, {}
    return 0


def exit_dual_level(*, level=None):
    """Close the level: every tangent made in it is dropped (the tensors keep their values)."""
    level = STATE.level if level is None else level
    if level is None or level < 0:
        raise RuntimeError("Dual level must be a positive number.")
    if level != STATE.level:
        raise RuntimeError(f"Trying to exit a forward AD level that was not the last one that was created. "
                           f"This is not supported.")
    STATE.level, STATE.tangents = None, None


@contextlib.contextmanager
def dual_level():
    """``with dual_level():`` - forward mode inside, every tangent dropped at the end."""
    level = enter_dual_level()
    try:
        yield level
    finally:
        exit_dual_level(level=level)


def _set_tangent(t, tangent):
    """Tangents live beside the tensors, not in them (a Tensor has no slot for one: forward mode costs the
    tensors nothing when it is off); the entry goes when the tensor does."""
    tangents, key = STATE.tangents, id(t)
    tangents[key] = (weakref.ref(t, lambda _: tangents.pop(key, None)), tangent)


def tangent_of(t):
    """The tangent ``t`` carries at the open level, or None."""
    tangents = STATE.tangents
    entry = tangents.get(id(t)) if tangents else None
    return entry[1] if entry is not None and entry[0]() is t else None


def carry_tangent(source, target):
    """``target`` takes ``source``'s tangent, if it has one (an in-place op: target now holds source's values)."""
    tangent = tangent_of(source)
    if tangent is not None:
        _set_tangent(target, tangent)


def make_dual(tensor, tangent, *, level=None):
    """A view of ``tensor`` that carries ``tangent`` (its shape; a floating dtype) at the open level."""
    if STATE.level is None:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
                           "enter_dual_level() first.")
    if not (tensor.dtype.is_floating_point or tensor.dtype.is_complex):
        raise ValueError(f"Expected primal to be floating point or complex, but got: {tensor.dtype}")
    if not (tangent.dtype.is_floating_point or tangent.dtype.is_complex):
        raise ValueError(f"Expected tangent to be floating point or complex, but got: {tangent.dtype}")
    if tuple(tangent.shape) != tuple(tensor.shape):
        raise RuntimeError(f"Trying to set a forward gradient that has a different size than that of the original "
                           f"Tensor, this is not supported. Tensor is of size {list(tensor.shape)} while the given "
                           f"forward gradient is of size {list(tangent.shape)}.")
    dual = tensor.view_as(tensor)  # a view, as torch's (ViewBackward0 when tensor requires grad)
    _set_tangent(dual, _laid_out_like(tangent, tensor))
    return dual


def _laid_out_like(tangent, primal):
    """The tangent a dual tensor keeps, as torch's make_dual does: ``tangent`` itself when it is laid out like the
    primal (the same strides, at the same place in a memory block of the same size), otherwise a copy of it in the
    primal's layout and dtype - a block of the primal's block's size, viewed with the primal's strides - so that
    what is true of the primal's memory (contiguous or not, a view's place in its base) is true of the tangent's."""
    if not isinstance(tangent._data, np.ndarray):  # batched in a Jacobian's pass (func/_basis.py): shape only
        return tangent
    if _layout(tangent._data) == _layout(primal._data):
        return tangent
    p = primal._data
    block_size, offset = _layout(p)[1:]
    block = np.zeros(block_size, p.dtype)
    copy = np.lib.stride_tricks.as_strided(block[offset:], p.shape, p.strides)
    copy[...] = tangent._data
    return _tensor._make(copy)


def _layout(array):
    """(strides, size of the memory block ``array`` views, array's first element's place in it), in elements:
    the block is the root of the chain of NumPy bases (torch's storage)."""
    root, base = array, array.base
    while isinstance(base, np.ndarray) or isinstance(getattr(base, "base", None), np.ndarray):
        root = base if isinstance(base, np.ndarray) else base.base  # (as_strided's stand-in holds the array)
        base = root.base
    start = array.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return (tuple(s // array.itemsize for s in array.strides), root.nbytes // array.itemsize,
            start // array.itemsize)


def unpack_dual(tensor, *, level=None):
    """``(primal, tangent)``: the primal is a view of ``tensor`` without the tangent; tangent None if none."""
    tangent = tangent_of(tensor) if STATE.level is not None else None
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    return UnpackedDualTensor(_primal(tensor), tangent)


def _primal(t):
    """``t`` without its tangent: a view of it made with the level closed (so the view gets no tangent)."""
    STATE.level, level = None, STATE.level
    try:
        return t.view_as(t)
    finally:
        STATE.level = level


# -- the rule Op.apply follows ------------------------------------------------------------------------
def _snake(node_name):
    """torch's op name from a node name: ``MultiMarginLossBackward0`` -> ``multi_margin_loss``, ``Deg2RadBackward0``
    -> ``deg2rad``, ``SpecialXlog1PyBackward0`` -> ``special_xlog1py`` (a digit and what follows stay one word)."""
    base = re.sub(r"Backward\d*$", "", node_name)
    return re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", base).lower()


def aten_name(op):
    """The aten function an Op is: its ``aten_name``, or else its node name in snake case."""
    return getattr(op, "aten_name", None) or _snake(op.node_name or op.__name__)


def has_tangent(args):
    """Whether a tensor among ``args`` carries a tangent."""
    Tensor = _tensor.Tensor
    return any(tangent_of(a) is not None for a in args if isinstance(a, Tensor))


def needs(args, recorded):
    """``needs_input_grad`` for a forward whose outputs get tangents: each tensor input that requires grad
    (``recorded``) or carries a tangent."""
    Tensor = _tensor.Tensor
    tensors = [a for a in args if isinstance(a, Tensor)]
    return tuple((recorded is not None and recorded[i]) or tangent_of(a) is not None for i, a in enumerate(tensors))


def _recorded(ctx, tangents):
    """Whether the JVP's own operations are recorded: when the op's node is in the backward graph (grad mode on,
    an input requiring grad), or when a tangent requires grad - so that backward can go through the tangent
    (reverse over forward: ``grad`` of a function that calls ``jvp``, with either the point or the direction)."""
    return grad_mode.STATE.enabled and (bool(ctx.next_functions) or any(
        t is not None and t.requires_grad for t in tangents))


def _elementwise_jvp(op, ctx, results, tangents, args):
    """dz = Σᵢ (∂z/∂aᵢ)·ȧᵢ for an elementwise op: its Jacobian with respect to each input is diagonal (after
    broadcasting), so it equals its transpose, and the VJP's formula with the tangent in place of the upstream
    gradient g is the JVP. (HIPS autograd and JAX derive JVPs from VJPs in the same way for such ops.)"""
    Tensor = _tensor.Tensor
    out, total, position = results[0], None, -1
    for a, t in zip(args, tangents):
        if not isinstance(a, Tensor):
            continue
        position += 1
        if t is None or tangent_of(a) is None:
            continue
        g = t if tuple(t.shape) == tuple(out.shape) else t.expand(out.shape)
        with set_grad_enabled(_recorded(ctx, tangents)):
            grads = op.backward(ctx, g)
        part = grads[position] if isinstance(grads, tuple) else grads
        if part is not None:
            total = part if total is None else total + part
    return total if total is not None else out.new_zeros(out.shape)


def _transposed_vjp_jvp(op, ctx, results, tangents, args):
    """J·ṫ for any op, from its VJP u ↦ Jᵀu alone: that map is linear in u, so its transpose is u's gradient
    of ⟨Jᵀu, ṫ⟩, which is J·ṫ - one backward pass through the VJP, taken with reverse mode itself (the VJPs
    are written in differentiable minitorch operations for exactly this reason: second derivatives). The
    price: the VJP and a backward through it, where a written-out JVP costs about one forward."""
    from . import grad  # (the package's autograd.grad; imported here, as autograd/functional.py does)
    from .grad_mode import enable_grad
    Tensor = _tensor.Tensor
    floating = [r is not None and r.dtype.is_floating_point for r in results]
    us = [r.new_zeros(r.shape).requires_grad_() if f else (None if r is None else r.new_zeros(r.shape))
          for r, f in zip(results, floating)]
    with enable_grad():
        grads = op.backward(ctx, *us)
        grads = grads if isinstance(grads, tuple) else (grads,)
        inputs = [(a, t) for a, t in zip(args, tangents) if isinstance(a, Tensor)]
        pairing = None
        for g, (a, t) in zip(grads, inputs):
            if g is not None and t is not None and tangent_of(a) is not None and t.numel():  # (empty: no direction)
                term = (g * t).sum()  # (g may still have the broadcast shape: t broadcasts into it alike)
                pairing = term if pairing is None else pairing + term
    wanted = [u for u, f in zip(us, floating) if f]
    if pairing is None or not pairing.requires_grad:  # the op does not depend on the directions given
        return tuple(r.new_zeros(r.shape) if f else None for r, f in zip(results, floating))
    found = iter(grad(pairing, wanted, allow_unused=True, create_graph=_recorded(ctx, tangents)))
    out = []
    for r, f in zip(results, floating):
        j = next(found) if f else None
        out.append(r.new_zeros(r.shape) if f and j is None else j)
    return tuple(out)


def _shape_kept(args, out):
    """Whether ``out`` has the broadcast shape of the tensor ``args``: then an op flagged elementwise is
    elementwise indeed (dist and the losses share the flag for their dtype promotion, but reduce)."""
    Tensor = _tensor.Tensor
    shape = tuple(out.shape)
    return all(a.ndim <= len(shape) and all(n in (1, m) for n, m in zip(a.shape[::-1], shape[::-1]))
               for a in args if isinstance(a, Tensor))


# the learner tools watching forward mode (autograd/explain.py): each is told every JVP pushed; an empty list
# costs one check per op that has a dual input, and nothing at all outside forward mode
observers = []


def push_tangents(op, ctx, args, results):
    """Give ``results`` (forward's outputs, as Tensors) the tangents ``op``'s JVP computes from ``args``'
    tangents. Tangent-less floating tensor arguments count as zero directions (their tangent: zeros)."""
    Tensor = _tensor.Tensor
    tangents, given = [], []
    for a in args:
        if isinstance(a, Tensor) and a.dtype.is_floating_point:
            t = tangent_of(a)
            tangents.append(t if t is not None else a.new_zeros(a.shape))
            given.append(t is not None)
        else:
            tangents.append(None)
            given.append(False)
    ctx.tangent_given = given  # (a written-out JVP may skip the terms of zero directions: a product's, a conv's)
    # The JVP is computed with minitorch operations on the primals and tangents, with the level closed for the
    # time being: its own operations push no tangents (torch has one level at a time too), while grad mode
    # still records them, so that backward can go through a JVP (reverse over forward).
    STATE.level, level = None, STATE.level
    # vmap's interpreter runs the primal op as a plain op (``busy``, its nested ops unwatched): it sees the JVP's
    # ops again, so that a batched tangent (jacfwd's basis, minitorch/func/_basis.py) goes through a batching rule
    observer = _function.observer
    watched = observer is not None and observer.busy and getattr(observer, "sees_jvps", False)
    if watched:
        observer.busy = False
    try:
        if op.linear:
            rule = "linear"
            out = op.apply(*[t if t is not None else a for t, a in zip(tangents, args)])
        elif "jvp" in _defined(op):
            rule = "jvp"
            if op.promotes and results[0] is not None:  # int / int is floating: the ints' directions are zeros
                tangents = [a.new_zeros(a.shape, dtype=results[0].dtype) if t is None and isinstance(a, Tensor)
                            else t for a, t in zip(args, tangents)]
            out = op.jvp(ctx, results[0] if len(results) == 1 else results, tangents, *args)
        elif op.forward_ad and (op.promotes or op.elementwise) and len(results) == 1 \
                and _shape_kept(args, results[0]):
            rule = "elementwise"
            out = _elementwise_jvp(op, ctx, results, tangents, args)
        elif op.forward_ad:
            rule = "transposed VJP"
            out = _transposed_vjp_jvp(op, ctx, results, tangents, args)
        else:
            raise NotImplementedError(
                f"Trying to use forward AD with {aten_name(op)}"
                " that does not support it because it has not been implemented yet.\nPlease file an issue to "
                "PyTorch at https://github.com/pytorch/pytorch/issues/new?template=feature-request.yml so that we "
                "can prioritize its implementation or submit a PR adding the implementation to derivatives.yaml")
    finally:
        STATE.level = level
        if watched:
            observer.busy = True
    outs = out if isinstance(out, (tuple, list)) else (out,)
    sent = []
    for r, t in zip(results, outs):
        if r is not None and t is not None and r.dtype.is_floating_point:
            if tuple(t.shape) != tuple(r.shape):
                t = t.expand(r.shape).contiguous()  # a direction that broadcasts into the output (a + b)
            t = t.to(r.dtype) if t.dtype != r.dtype else t
            _set_tangent(r, t)
            sent.append(t)
        else:
            sent.append(None)
    for observer in observers:
        observer.pushed(op, rule, args, sent)
    # An output the op saved for backward is kept as an alias of it (autograd/function.py's _save): the alias
    # carries the tangent too, so that a backward pass run at this level (forward over reverse: jvp of a grad,
    # jacfwd(jacrev(f))) pushes it through the VJP's formula (exp's VJP g * result needs result's tangent).
    if ctx._saved_outputs and ctx._saved and ctx._unpack is None:
        for i, nr in ctx._saved_outputs:
            carry_tangent(results[nr], ctx._saved[i])


@contextlib.contextmanager
def closed(really=True):
    """The level closed for a while (no tangents pushed): a custom Function's forward, a JVP's own ops."""
    if not really or STATE.level is None:
        yield
        return
    STATE.level, level = None, STATE.level
    try:
        yield
    finally:
        STATE.level = level


def function_jvp(cls, ctx, args, results):
    """Forward mode through a user ``autograd.Function``: its ``jvp(ctx, *tangents)`` staticmethod (one tangent
    per forward argument, None for the others and for tensors without one) gives the outputs' tangents."""
    from .function import Function
    if cls.jvp is Function.jvp:
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it "
                                  "with forward mode AD.")
    Tensor = _tensor.Tensor
    tangents = [tangent_of(a) if isinstance(a, Tensor) else None for a in args]
    for_forward = ctx.__dict__.get("_for_forward")
    if for_forward is not None and not ctx._saved:
        ctx._saved = tuple(for_forward)  # saved_tensors in jvp: what save_for_forward kept
    with closed():
        out = cls.jvp(ctx, *tangents)
    outs = out if isinstance(out, tuple) else (out,)
    for r, t in zip(results, outs):
        if isinstance(r, Tensor) and t is not None and r.dtype.is_floating_point:
            _set_tangent(r, t)


def _defined(op):
    """The attributes an Op class (or its bases below Op) define."""
    names = set()
    for klass in op.__mro__:
        if klass.__name__ in ("Op", "Function", "object"):
            break
        names.update(vars(klass))
    return names


# (imported last: minitorch/autograd/function.py imports this module)
from . import function as _function  # noqa: E402
