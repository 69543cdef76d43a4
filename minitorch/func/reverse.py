"""Reverse-mode transforms: ``grad``, ``grad_and_value``, ``vjp``, ``jacrev`` - all ``autograd.grad`` underneath.

Each records ``func``'s graph from fresh differentiable inputs (``_wrap.differentiable``) and runs backward with
``create_graph=True``, so that its results are themselves differentiable: ``grad(grad(f))`` is the second
derivative, ``jacfwd(jacrev(f))`` the Hessian (forward mode pushes tangents through the backward pass's own ops).

* ``grad(f)(x)``: ∇f(x) for a scalar f - one backward pass.
* ``vjp(f, x)``: ``(f(x), u ↦ uᵀJ)`` - the graph is kept, each call of the function is one backward pass.
* ``jacrev(f)(x)``: J, whose row k is ``eₖᵀJ``: all rows in one backward pass batched over the basis
  cotangents eₖ, as torch's vmap over the VJP (minitorch/func/_basis.py), or a loop of one pass per row.

Inside ``vmap`` (an argument is a BatchedTensor) each transform runs once on the whole batch where it can
(minitorch/func/_at_once.py), else once per sample (minitorch/func/_compose.py).
"""
import functools

from .. import autograd
from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor
from ._pytree import tree_flatten, tree_unflatten, treespec_pprint
from . import _at_once, _basis
from ._at_once import at_once, at_once_or_per_sample
from ._compose import batch_level, batch_size, check_unbatched, per_sample, sample, stack
from ._wrap import slice_argnums, replace_args, differentiable, undo, one_hot, outputs_of, split_aux, transform_running


def grad_and_value(func, argnums=0, has_aux=False):
    """``(gradient, value)`` of a function returning a scalar Tensor (``((gradient), (value, aux))`` with aux).
    The gradient has the structure of the arguments ``argnums`` names."""
    @functools.wraps(func)
    @at_once_or_per_sample(_at_once.grad_and_value(grad_and_value, func, argnums, has_aux))  # inside vmap
    def wrapper(*args, **kwargs):
        own = {}
        with enable_grad():
            diff_args, output, aux = _call(func, args, kwargs, argnums, has_aux, "grad_and_value(f)(*args)", own)
            if not isinstance(output, Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                                   f"{type(output)}")
            if output.dim() != 0:
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                                   f"tensor with {output.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs "
                                   f"instead?")
            inputs, spec = tree_flatten(diff_args)
            grads = _grads([output], inputs, None)
        result = undo(tree_unflatten(grads, spec), own)
        value = undo(output, own)
        return (result, (value, undo(aux, own))) if has_aux else (result, value)
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """The gradient of a function returning a scalar Tensor (``(gradient, aux)`` with ``has_aux``)."""
    with_value = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        gradient, value = with_value(*args, **kwargs)
        return (gradient, value[1]) if has_aux else gradient
    return wrapper


def _grads(outputs, inputs, cotangents):
    """Σ (cotangent · ∂output/∂input) for each input, recorded (create_graph); zeros where it does not depend."""
    pairs = [(o, c) for o, c in zip(outputs, cotangents or [None] * len(outputs)) if o.requires_grad]
    found = [None] * len(inputs)
    if pairs:
        found = autograd.grad([o for o, _ in pairs], inputs, None if cotangents is None else [c for _, c in pairs],
                              retain_graph=True, create_graph=True, allow_unused=True)
    return [x.new_zeros(x.shape) if g is None else g for g, x in zip(found, inputs)]


def _call(func, args, kwargs, argnums, has_aux, api, own):
    """``func`` called with the arguments ``argnums`` names made differentiable: (those arguments, output, aux)."""
    diff_args, argnums_ = slice_argnums(args, argnums)
    diff_args = differentiable(diff_args, own)
    with transform_running():
        output = func(*replace_args(args, diff_args, argnums_), **kwargs)
    output, aux = split_aux(output, api) if has_aux else (output, None)
    check_unbatched(output, api)
    return diff_args, output, aux


def _floating(outputs_and_spec):
    """torch's check that reverse mode has something to differentiate: floating outputs only."""
    for o in outputs_and_spec[0]:
        if not (o.dtype.is_floating_point or o.dtype.is_complex):
            raise RuntimeError(f"vjp(f, ...): All outputs of f must be floating-point or complex Tensors, got "
                               f"Tensor with dtype {o.dtype}")
    return outputs_and_spec


def vjp(func, *primals, has_aux=False):
    """``(func(*primals), vjp_fn)`` (and aux): ``vjp_fn(cotangents)`` is ``uᵀJ`` for cotangents ``u`` shaped as
    the output, a tuple with one entry per primal."""
    level = batch_level(primals)
    if level:  # inside vmap: on the whole batch (minitorch/func/_at_once.py), or one vjp per sample
        looped = lambda: _looped_vjp(func, primals, has_aux, level)  # noqa: E731
        return at_once(lambda: _at_once.vjp(vjp, func, primals, has_aux, level, looped), looped)
    own = {}
    with enable_grad():
        inputs, primals_spec = tree_flatten(differentiable(primals, own))
        with transform_running():
            output = func(*tree_unflatten(inputs, primals_spec))
        aux = None
        if has_aux:
            output, aux = split_aux(output, "vjp(f, *primals)")
        check_unbatched(output, "vjp(f, *primals)")
        outputs, out_spec = _floating(outputs_of(output, "vjp(f, *primals)"))

    def vjp_fn(cotangents):
        if batch_level(cotangents):  # vmap(vjp_fn): one call per cotangent sample
            return per_sample(vjp_fn, (cotangents,), {}, batch_level(cotangents))
        flat, spec = tree_flatten(cotangents)
        if spec != out_spec:
            raise RuntimeError(f"Expected pytree structure of cotangents to be the same as pytree structure of "
                               f"outputs to the function. cotangents: {treespec_pprint(spec)}, primal output: "
                               f"{treespec_pprint(out_spec)}")
        with enable_grad():
            grads = _grads(outputs, inputs, flat)
        return undo(tree_unflatten(grads, primals_spec), own)

    result = undo(output, own)
    return (result, vjp_fn, undo(aux, own)) if has_aux else (result, vjp_fn)


def _looped_vjp(func, primals, has_aux, level):
    """vjp inside vmap: a vjp per sample; its ``vjp_fn`` calls each sample's with that sample's cotangents."""
    runs = [vjp(func, *sample(primals, level, i), has_aux=has_aux) for i in range(batch_size(level))]

    def vjp_fn(cotangents):
        inner = batch_level(cotangents)
        if inner > level:  # called inside a vmap of its own (vmap(vjp_fn)): one call per cotangent sample
            return per_sample(vjp_fn, (cotangents,), {}, inner)
        return stack([run[1](sample(cotangents, level, i)) for i, run in enumerate(runs)], level)

    output = stack([run[0] for run in runs], level)
    return (output, vjp_fn, stack([run[2] for run in runs], level)) if has_aux else (output, vjp_fn)


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None):
    """The Jacobian by reverse mode: for each output tensor and each input tensor, ``output.shape +
    input.shape``; nested as the outputs, and within that as the arguments ``argnums`` names."""
    if chunk_size is not None and not chunk_size > 0:
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    @functools.wraps(func)
    @at_once_or_per_sample(_at_once.jacrev(jacrev, func, argnums, has_aux, chunk_size))  # inside vmap
    def wrapper(*args, **kwargs):
        own = {}
        with enable_grad():
            diff_args, output, aux = _call(func, args, kwargs, argnums, has_aux, "vjp(f, *primals)", own)
            outputs, out_spec = _floating(outputs_of(output, "vjp(f, *primals)"))
            inputs, in_spec = tree_flatten(diff_args)
            blocks = [tree_unflatten(b, in_spec) for b in _blocks(outputs, inputs, chunk_size)]
        jacobian = undo(tree_unflatten(blocks, out_spec), own)
        return (jacobian, undo(aux, own)) if has_aux else jacobian
    return wrapper


def _blocks(outputs, inputs, chunk_size):
    """∂output/∂input for each output and input, shaped ``output.shape + input.shape``. Row k of the Jacobian
    is the VJP of the basis cotangent eₖ: all rows in one batched backward pass (minitorch/func/_basis.py) where
    that is known to be right, else one backward pass per row (``chunk_size=1`` asks for that, as in torch)."""
    if chunk_size != 1:
        try:
            rows = _basis.vjp_rows(_grads, outputs, inputs, chunk_size)
        except Exception:  # (what the batched pass cannot do, or an error the loop raises in its own words)
            rows = None
        if rows is not None:
            return _split_rows(rows, outputs, inputs)
    rows = [_grads([o], inputs, [one_hot(o, k)]) for o in outputs for k in range(o.numel())]
    return _split_rows([_stack([r[i] for r in rows], x) for i, x in enumerate(inputs)], outputs, inputs)


def _stack(rows, x):
    from .. import stack
    return stack(rows) if rows else x.new_zeros((0,) + tuple(x.shape))


def _split_rows(rows, outputs, inputs):
    """For each output, its blocks ``output.shape + input.shape`` out of the rows ``(N,) + input.shape``."""
    blocks, start = [], 0
    for o in outputs:
        n = o.numel()
        blocks.append([_view(r.narrow(0, start, n), tuple(o.shape) + tuple(x.shape)) for r, x in zip(rows, inputs)])
        start += n
    return blocks


def _view(t, shape):
    """``t.view(shape)`` as torch's jacrev and jacfwd take their blocks (ViewBackward0), a reshape where the
    layout of the batched pass's result does not allow a view."""
    try:
        return t.view(shape)
    except RuntimeError:
        return t.reshape(shape)
