"""``functional_call``: run a module with other tensors in place of its parameters and buffers; and
``stack_module_state``: the parameters and buffers of several same-shaped models, stacked.

Together with ``grad``, they make a module a function of its weights: ``grad(lambda p: loss(functional_call(net,
p, (x,))))(params)`` is the gradient with respect to ``params`` without touching ``net``'s own parameters. The
swap is torch's (``torch.nn.utils.stateless``): the given tensors go into the modules' ``_parameters`` /
``_buffers`` for the length of the call (plain tensors, not Parameters), and the originals come back afterwards,
whatever happens. A buffer updated in place by the call (BatchNorm's running stats) is the given tensor.
"""
import contextlib

_MISSING = object()


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """``module(*args, **kwargs)`` with the named tensors of ``parameter_and_buffer_dicts`` (a dict, or a tuple or
    list of dicts with distinct keys) in place of its own. ``tie_weights``: a value given for one of several
    names of a tied parameter serves them all. ``strict``: every parameter and buffer must be given, and only
    those."""
    tensors = _merged(parameter_and_buffer_dicts)
    args = () if args is None else args if isinstance(args, tuple) else (args,)
    with _reparametrized(module, tensors, tie_weights, strict):
        return module(*args, **(kwargs or {}))


def _merged(dicts):
    if isinstance(dicts, dict):
        return dicts
    if not isinstance(dicts, (list, tuple)):
        raise ValueError(f"Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got "
                         f"{type(dicts)}")
    if not all(isinstance(d, dict) for d in dicts):
        raise ValueError("Expected all elements of parameter_and_buffer_dicts to be dictionaries")
    counts = {}
    for d in dicts:
        for k in d:
            counts[k] = counts.get(k, 0) + 1
    repeated = [k for k, n in counts.items() if n > 1]
    if repeated:
        raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of functional call is ambiguous")
    return {k: v for d in dicts for k, v in d.items()}


@contextlib.contextmanager
def _reparametrized(module, tensors, tie_weights, strict):
    named = dict(module.named_parameters(remove_duplicate=False))
    named.update(module.named_buffers(remove_duplicate=False))
    if tie_weights:
        tensors = _untied(named, tensors)
    if strict:
        missing, unexpected = sorted(set(named) - set(tensors)), sorted(set(tensors) - set(named))
        errors = ([f"Unexpected key(s): {', '.join(map(repr, unexpected))}."] if unexpected else []) + \
                 ([f"Missing key(s): {', '.join(map(repr, missing))}."] if missing else [])
        if errors:
            raise RuntimeError(f"Error(s) in reparametrizing for {module._get_name()}:\n\t" + "\n\t".join(errors))
    originals = {}
    try:
        for name, value in tensors.items():
            originals[name] = _swap(module, name, value)
        yield
    finally:
        for name, value in originals.items():
            _swap(module, name, value)


def _untied(named, tensors):
    """``tensors`` plus, for each name of a tied tensor given a value, its other names with that value."""
    names_of = {}
    for name, t in named.items():
        names_of.setdefault(id(t), set()).add(name)
    result = dict(tensors)
    for group in names_of.values():
        given = group & set(tensors)
        if len(group) < 2 or not given:
            continue
        values = {id(tensors[n]) for n in given}
        if len(values) > 1:
            raise ValueError(f"functional_call got multiple values for keys {sorted(group)}, which are tied. "
                             "Consider using tie_weights=False")
        value = tensors[next(iter(given))]
        result.update((n, value) for n in group)
    return result


def _swap(module, name, value):
    """Put ``value`` at the dotted ``name`` (``_MISSING``: remove it); return what was there."""
    *path, leaf = name.split(".")
    for part in path:
        if not hasattr(module, part):
            raise AttributeError(f"{module._get_name()} has no attribute `{part}`")
        module = getattr(module, part)
    for registry in (module._parameters, module._buffers):
        if leaf in registry:
            old = registry[leaf]
            if value is _MISSING:
                del registry[leaf]
            else:
                registry[leaf] = value
            return old
    old = getattr(module, leaf, _MISSING)  # a name the module does not have (strict=False): set, then removed
    if value is _MISSING:
        delattr(module, leaf)
    else:
        setattr(module, leaf, value)
    return old


def stack_module_state(models):
    """``(params, buffers)``: each name's tensors from every model, stacked along a new first dimension; the
    stacked parameters are new leaves that require grad (when the models' do)."""
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")
    if any(type(m) is not type(models[0]) for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    params = {name: _stacked_leaf([dict(m.named_parameters())[name] for m in models], name)
              for name, _ in models[0].named_parameters()}
    buffers = {name: _stacked_leaf([dict(m.named_buffers())[name] for m in models], name)
               for name, _ in models[0].named_buffers()}
    return params, buffers


def _stacked_leaf(tensors, name):
    from .. import stack
    wanted = [t.requires_grad for t in tensors]
    if any(wanted) and not all(wanted):
        raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
    result = stack(tensors)
    return result.detach().requires_grad_() if all(wanted) else result
