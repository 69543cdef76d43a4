"""``minitorch.func``: torch.func's function transforms - functions in, functions out.

``grad(f)`` is a function that returns f's gradient; transforms compose (``grad(grad(f))``,
``jacfwd(jacrev(f))``, ``vmap(grad(f))``). Built on the engine's two modes: reverse (``autograd.grad`` with ``create_graph``,
reverse.py) and forward (``autograd.forward_ad``, forward.py); docs/func.md says how.
"""
# -- function transforms ("Forward mode and function transforms") ---------------------------------------
from .reverse import grad, grad_and_value, vjp, jacrev
from .forward import jvp, linearize, jacfwd, hessian
from .functional_call import functional_call, stack_module_state
# -- vmap: batching rules per op, a per-sample loop (with torch's warning) for the rest -------------------
from .vmap import vmap
