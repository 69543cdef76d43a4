"""Arguments of the wrong kind, refused in torch's words.

torch's built-in functions are C++ behind a Python argument parser, which checks every argument before the
function runs: ``F.relu([[1., 2.]])`` is ``TypeError: relu(): argument 'input' (position 1) must be Tensor,
not list``. minitorch's functions are Python, where a list would get as far as ``input.relu()`` and fail
with an AttributeError that says nothing about what was wrong. The functions a learner calls first
(activations, ``linear``, ``conv2d``, the losses) check their tensor arguments here.
"""
from ._dtype import tp_name
from .tensor import Tensor


def tensor_arg(value, fn, name="input", position=1):
    """Refuse a ``value`` that is not a Tensor, as torch's parser refuses argument ``name`` of ``fn``."""
    if not isinstance(value, Tensor):  # one isinstance when all is well (~50 ns with the call)
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {tp_name(type(value))}")


def _described(value):
    """An argument as torch describes it in "didn't match" lines: ``tuple of (int, int)``, ``list of [list]``."""
    if isinstance(value, (tuple, list)):
        items = ", ".join(tp_name(type(v)) for v in value)
        if isinstance(value, tuple):
            return f"tuple of ({items}{',' if len(value) == 1 else ''})"
        return f"list of [{items}]"
    return tp_name(type(value))


def _marked(value, parameter):
    """Whether torch marks ``value`` (with !...!) as not matching ``parameter`` of a signature, such as
    ``Tensor input`` or ``int groups = 1``: its matcher compares the type's name with the declared one, and
    fails every parameter that has a default."""
    return "=" in parameter or tp_name(type(value)) != parameter.rsplit(" ", 1)[0]


def invalid_combination(fn, args, signatures):
    """torch's TypeError for a call of ``fn`` (a function with several ``signatures``, as ``conv2d``) that
    none of them accepts, ``args`` being all of its arguments. torch lists the arguments as passed, and when
    all were passed it adds, under each signature, the ones it could not match.
    A Python function cannot tell a default from the same value passed, so all count as passed: the message
    is torch's for the layers, which pass every argument (``nn.Conv2d`` calls ``conv2d`` with all seven)."""
    lines = [f"{fn}() received an invalid combination of arguments - got "
             f"({', '.join(tp_name(type(a)) for a in args)}), but expected one of:"]
    for signature in signatures:
        lines.append(f" * {signature}")
        described = [f"!{_described(a)}!" if _marked(a, p) else _described(a)
                     for a, p in zip(args, signature[1:-1].split(", "))]
        lines.append(f"      didn't match because some of the arguments have invalid types: ({', '.join(described)})")
    return TypeError("\n".join(lines) + "\n")
