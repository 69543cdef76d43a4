"""Forward-mode transforms: ``jvp``, ``linearize``, ``jacfwd``, ``hessian``.

* ``jvp(f, primals, tangents)``: ``(f(x), J v)`` in one pass with forward mode (``autograd.forward_ad``): each
  primal becomes a dual tensor carrying its tangent, and every op pushes the tangent along.
* ``jacfwd(f)(x)``: J, whose column k is ``J eₖ``: all columns in one forward-mode pass batched over the basis
  tangents eₖ, as torch's vmap over the JVP (minitorch/func/_basis.py), or a loop of one JVP per column.
* ``hessian(f) = jacfwd(jacrev(f))``: forward over reverse, as torch.

Inside ``vmap`` (an argument is a BatchedTensor) each transform runs once per sample: minitorch/func/_compose.py.

Nesting. minitorch's forward mode has one dual level at a time (as ``torch.autograd.forward_ad``'s API). A
``jvp`` called while a level is already open (``jacfwd(jacfwd(f))``, ``jvp`` of a ``jvp``) cannot open its own;
it computes J v by the "double backward trick" instead: ``g(u) = uᵀJ`` is linear in u, so the gradient of
``⟨g(u), v⟩`` with respect to u is J v - two reverse passes (``create_graph``), whose ops push the outer level's
tangents as any other ops do. Same values, the cost of two backward passes instead of one forward.
"""
import functools

from .. import autograd
from ..autograd import forward_ad
from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor
from .. import random as _random
from ._pytree import tree_flatten, tree_unflatten
from ._compose import batch_level, check_unbatched, one_sample_at_a_time, per_sample, rng_watched
from ._wrap import slice_argnums, replace_args, differentiable, undo, one_hot, outputs_of, split_aux, transform_running
from .reverse import jacrev, _view
from . import _basis

JVP = "jvp(f, primals, tangents)"


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``(func(*primals), J·tangents)`` (and aux); tangents nested as primals, each shaped as its primal."""
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{JVP}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals).")
    flat_primals, spec = tree_flatten(primals)
    flat_tangents, tangents_spec = tree_flatten(tangents)
    if spec != tangents_spec:
        raise RuntimeError(f"{JVP}: Expected primals and tangents to have the same python structure. For example, "
                           f"if primals is a tuple of 3 tensors, tangents also must be. Got primals with structure "
                           f"{spec} and tangents with structure {tangents_spec}")
    for name, flat in (("primals", flat_primals), ("tangents", flat_tangents)):
        if not flat:
            raise RuntimeError(f"{JVP}: Expected {name} to contain at least one Tensor.")
        for x in flat:
            if not isinstance(x, Tensor):
                raise RuntimeError(f"{JVP}: Expected {name} to only contain Tensors, got {type(x)}")
    level = batch_level((primals, tangents))
    if level:  # inside vmap: one jvp per sample (minitorch/func/_compose.py)
        return per_sample(lambda p, t: jvp(func, p, t, strict=strict, has_aux=has_aux), (primals, tangents), {},
                          level)
    run = _jvp_nested if forward_ad.STATE.level is not None else _jvp_dual
    output, aux, outputs, out_tangents, out_spec = run(func, flat_primals, flat_tangents, spec, strict, has_aux)
    check_unbatched(outputs, JVP)
    result = tree_unflatten(outputs, out_spec), tree_unflatten(out_tangents, out_spec)
    return result + (aux,) if has_aux else result


def _jvp_dual(func, primals, tangents, spec, strict, has_aux):
    """Forward mode proper: one pass at a dual level of its own."""
    with forward_ad.dual_level():
        duals = [forward_ad.make_dual(p, t) for p, t in zip(primals, tangents)]
        output, aux = _call(func, tree_unflatten(duals, spec), has_aux)
        outputs, out_spec = _outputs(output)
        if has_aux:
            aux = undo(aux, {})  # (its tensors checked; they lose their tangents with the level)
        primals_out, tangents_out = [], []
        for o in outputs:
            primal, tangent = forward_ad.unpack_dual(o)
            if tangent is None:
                _check_strict(strict)
                tangent = primal.new_zeros(primal.shape)
            primals_out.append(primal)
            tangents_out.append(tangent)
    return output, aux, primals_out, tangents_out, out_spec


def _jvp_nested(func, primals, tangents, spec, strict, has_aux):
    """J v by two reverse passes, for a jvp inside an open dual level (see the module's docstring)."""
    own = {}
    with enable_grad():
        inputs = [differentiable(p, own) for p in primals]
        output, aux = _call(func, tree_unflatten(inputs, spec), has_aux)
        outputs, out_spec = _outputs(output)
        tangents_out = [None] * len(outputs)
        wanted = [i for i, o in enumerate(outputs) if o.requires_grad]
        if wanted:
            # u ↦ uᵀJ at u = 0 (its value does not matter, it is linear in u), then its gradient along v
            us = [outputs[i].new_zeros(outputs[i].shape).requires_grad_() for i in wanted]
            own.update((id(u), u) for u in us)
            g = autograd.grad([outputs[i] for i in wanted], inputs, us, create_graph=True, allow_unused=True)
            used = [(gi, t) for gi, t in zip(g, tangents) if gi is not None]
            if used:
                found = autograd.grad([gi for gi, _ in used], us, [t for _, t in used], create_graph=True,
                                      allow_unused=True)
                for i, j in zip(wanted, found):
                    tangents_out[i] = j
        for i, o in enumerate(outputs):
            if tangents_out[i] is None:
                _check_strict(strict)
                tangents_out[i] = o.new_zeros(o.shape)
    outputs = undo(outputs, own)
    return output, undo(aux, own) if has_aux else None, outputs, undo(tangents_out, own), out_spec


def _call(func, args, has_aux):
    with transform_running():
        output = func(*args)
    return split_aux(output, JVP) if has_aux else (output, None)


def _outputs(output):
    return outputs_of(output, JVP)


def _check_strict(strict):
    if strict:
        raise RuntimeError("jvp(f, primals, tangents, strict=True): The output of f is independent of the inputs. "
                           "This is not allowed with strict=True.")


def linearize(func, *primals):
    """``(func(*primals), jvp_fn)``: ``jvp_fn(*tangents)`` is J·tangents at ``primals``. torch traces ``func`` once
    and replays the JVP; here ``jvp_fn`` runs ``jvp`` again (same values; ``func`` runs again each call)."""
    output = func(*primals)
    flat_primals, spec = tree_flatten(primals)

    def jvp_fn(*tangents):
        flat, tangents_spec = tree_flatten(tangents)
        if tangents_spec != spec:
            raise RuntimeError(f"Expected the tangents {tangents_spec} to have the same argspec as the primals {spec}")
        for i, (t, p) in enumerate(zip(flat, flat_primals)):
            if tuple(t.shape) != tuple(p.shape):
                raise RuntimeError(f"tangent:{i} with shape {t.shape} in flattened pytree doesn't match the shape "
                                   f"{p.shape} of the corresponding primal.")
        return jvp(func, primals, tangents)[1]
    return output, jvp_fn


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """The Jacobian by forward mode: shaped and nested as ``jacrev``'s. ``randomness``: ``'same'`` replays the
    random numbers for every column, ``'different'`` lets each column draw its own, ``'error'`` (torch's default)
    raises if ``func`` draws any."""
    @functools.wraps(func)
    @one_sample_at_a_time  # inside vmap (minitorch/func/_compose.py)
    def wrapper(*args, **kwargs):
        if randomness not in ("error", "different", "same"):  # (torch checks when called, as vmap does)
            raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. "
                               f"Got {randomness}")
        diff_args, argnums_ = slice_argnums(args, argnums)
        inputs, in_spec = tree_flatten(diff_args)

        def f(*diff):
            return func(*replace_args(args, tree_unflatten(diff, in_spec), argnums_), **kwargs)

        if forward_ad.STATE.level is None:  # all columns in one batched forward-mode pass, where it is right
            try:
                output, columns, aux = _basis.jvp_columns(_jvp_dual, f, inputs, has_aux)
            except Exception:  # (what the batched pass cannot do, a draw, an error the loop raises in its words)
                columns = None
            if columns is not None:
                jacobian = _jacobian(tree_flatten(output), inputs, in_spec, lambda j, i, start, n: columns[j].narrow(
                    0, start, n).movedim(0, -1))
                return (jacobian, aux) if has_aux else jacobian
        zeros = [x.new_zeros(x.shape) if isinstance(x, Tensor) else x for x in inputs]
        # inside a vmap whose randomness is 'error' or 'different', the vmap watches the draws itself (and its
        # watcher refuses the state being read): no state to compare or replay here
        state = None if rng_watched(_random.default_generator) else _random.get_rng_state()
        columns = []  # columns[i][k]: J·eₖ over input i, one tangent per output
        first = None
        for i, x in enumerate(inputs):
            columns.append([])
            for k in range(x.numel()):
                tangents = list(zeros)
                tangents[i] = one_hot(x, k)
                first = _column(f, inputs, tangents, has_aux, randomness, state)
                columns[i].append(first[1])
        if first is None:  # no input element: func still runs once, for its output
            first = _column(f, inputs, zeros, has_aux, randomness, state)
        output, _, aux = first
        jacobian = _jacobian(tree_flatten(output), inputs, in_spec,
                             lambda j, i, start, n: _stack([c[j] for c in columns[i]], output, j))
        return (jacobian, aux) if has_aux else jacobian
    return wrapper


def _column(f, inputs, tangents, has_aux, randomness, state):
    """One JVP, with the random numbers ``randomness`` asks for: ``(output, flat output tangents, aux)``."""
    if randomness == "same" and state is not None:
        _random.set_rng_state(state)
    result = jvp(f, tuple(inputs), tuple(tangents), has_aux=has_aux)
    if randomness == "error" and state is not None and not _same_state(_random.get_rng_state(), state):
        raise RuntimeError("vmap: called random operation while in randomness error mode. Please either use the "
                           "'same' or 'different' randomness flags on vmap or perform the randomness operation out "
                           "of vmap")
    return result[0], tree_flatten(result[1])[0], result[2] if has_aux else None


def _same_state(a, b):
    return bool((a == b).all()) if a.shape == b.shape else False


def _jacobian(outputs_and_spec, inputs, in_spec, columns):
    """The blocks ``output.shape + x.shape``, nested as the outputs and within that as the inputs, from
    ``columns(j, i, start, n)``: output j's tangents for input i's n elements, shaped ``output.shape + (n,)``."""
    outputs, out_spec = outputs_and_spec
    blocks = []
    for j, o in enumerate(outputs):
        row, start = [], 0
        for i, x in enumerate(inputs):
            row.append(_view(columns(j, i, start, x.numel()), tuple(o.shape) + tuple(x.shape)))
            start += x.numel()
        blocks.append(tree_unflatten(row, in_spec))
    return tree_unflatten(blocks, out_spec)


def _stack(cols, output, j):
    """Output j's columns ``J eₖ`` stacked last: ``output.shape + (n,)``."""
    from .. import stack
    if not cols:
        o = tree_flatten(output)[0][j]
        return o.new_zeros(tuple(o.shape) + (0,))
    return stack(cols, dim=-1)


def hessian(func, argnums=0):
    """The Hessian: ``jacfwd(jacrev(func, argnums), argnums)`` - forward mode over reverse mode, as torch."""
    return jacfwd(jacrev(func, argnums), argnums)
