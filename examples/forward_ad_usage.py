"""Forward-mode automatic differentiation (PyTorch's "Forward-mode Automatic Differentiation" tutorial):
directional derivatives - Jacobian-vector products ``J v`` - computed alongside the forward pass.

    python -m examples.forward_ad_usage                  # minitorch
    python -m examples.forward_ad_usage --engine torch   # real PyTorch

A *dual tensor* pairs a value (the primal) with a direction (its tangent); every operation on it also pushes
the tangent through its derivative, so the output's tangent is ``J v`` with no backward pass. The parts, in the
tutorial's order:

1. the dual-tensor API, ``torch.autograd.forward_ad``: ``dual_level``, ``make_dual``, ``unpack_dual``, a tangent
   through a function of two tensors (one of them plain: its tangent counts as zero);
2. modules: the parameters of an ``nn.Linear`` replaced by dual tensors, then the same by ``functional_call``;
3. a custom ``autograd.Function`` with a ``jvp`` staticmethod, checked with ``gradcheck(check_forward_ad=True)``;
   then one written with ``setup_context`` (``forward`` without ``ctx``), which ``torch.func`` transforms accept;
4. the functional API, ``torch.func.jvp``: every primal with its tangent, ``functools.partial`` for the inputs
   without one, and a module's parameters as the primals.

Where it differs from the tutorial: the tutorial's last part uses functorch's ``make_functional_with_buffers``
(deprecated since torch 2.0, not in minitorch); here the module becomes a function of its parameters through
``torch.func.functional_call``, as torch's migration guide says. Random numbers come from ``engine.randn`` and
``engine.rand`` (the same in both engines) instead of ``torch.randn``/``torch.rand_like``.
"""
import functools
from importlib import import_module

from ._engine import select_engine

# float32 tangents after a matrix product: their last bits depend on the CPU's kernels
TOLERANCE = dict(rtol=1e-5, atol=1e-6)


def main(argv=None):
    engine = select_engine(argv)
    torch, nn = engine.torch, engine.nn
    fwAD = import_module(f"{engine.name}.autograd.forward_ad")
    func = import_module(f"{engine.name}.func")
    n = 4 if engine.quick else 10

    # -- 1. dual tensors --------------------------------------------------------------------------------------
    def fn(x, y):
        return x ** 2 + y ** 2

    primal, tangent = engine.randn(n, n), engine.randn(n, n)
    with fwAD.dual_level():  # tangents live only inside a level: leaving it drops them all
        dual_input = fwAD.make_dual(primal, tangent)
        # a tangent laid out like its primal is used as it is; another one is copied into the primal's layout
        print("make_dual keeps a tangent laid out like the primal:", fwAD.unpack_dual(dual_input).tangent is tangent)
        copied = fwAD.unpack_dual(fwAD.make_dual(primal, tangent.T)).tangent
        print("a transposed tangent is copied:", copied is not tangent, "- its strides", copied.stride(),
              "are the primal's", primal.stride())
        plain_tensor = engine.randn(n, n)  # no tangent: a zero direction
        dual_output = fn(dual_input, plain_tensor)
        unpacked = fwAD.unpack_dual(dual_output)
        print("unpack_dual gives a", type(unpacked).__name__, "with fields", unpacked._fields)
        jvp = unpacked.tangent
        print("the tangent of x**2 + y**2 is 2 x v:", torch.allclose(jvp, 2 * primal * tangent))
        engine.record("jvp of x**2 + y**2", jvp, **TOLERANCE)
    print("after the level, the output has no tangent:", fwAD.unpack_dual(dual_output).tangent is None)

    # -- 2. modules: the parameters as dual tensors ---------------------------------------------------------
    model = engine.same_weights(nn.Linear(5, 5), "linear")
    input = engine.randn(16, 5)
    params = {name: p for name, p in model.named_parameters()}
    tangents = {name: engine.rand(*p.shape) for name, p in params.items()}
    with fwAD.dual_level():
        for name, p in params.items():
            # a dual tensor cannot be an nn.Parameter: it replaces the parameter as a plain attribute
            delattr(model, name)
            setattr(model, name, fwAD.make_dual(p, tangents[name]))
        out = model(input)
        jvp = fwAD.unpack_dual(out).tangent
    print("Linear's output tangent, the parameters dual:", tuple(jvp.shape))
    engine.record("jvp of Linear wrt its parameters", jvp, **TOLERANCE)

    # The same through functional_call, which swaps the tensors in for one call (a fresh module: the one
    # above has lost its parameters)
    model = nn.Linear(5, 5)
    with fwAD.dual_level():
        dual_params = {name: fwAD.make_dual(p, tangents[name]) for name, p in params.items()}
        out = func.functional_call(model, dual_params, input)
        jvp2 = fwAD.unpack_dual(out).tangent
    print("functional_call gives the same tangent:", torch.allclose(jvp, jvp2))

    # -- 3. custom Functions ----------------------------------------------------------------------------------
    class Fn(torch.autograd.Function):
        """exp, with forward mode only: jvp gets the input's tangent and returns the output's."""

        @staticmethod
        def forward(ctx, foo):
            result = torch.exp(foo)
            ctx.result = result  # what jvp needs, kept on ctx
            return result

        @staticmethod
        def jvp(ctx, gI):
            gO = gI * ctx.result
            del ctx.result  # no backward will need it
            return gO

    primal = engine.randn(n, n).double().requires_grad_()
    tangent = engine.randn(n, n)  # float32: the output's tangent is float64 all the same (gI * result)
    with fwAD.dual_level():
        dual_output = Fn.apply(fwAD.make_dual(primal, tangent))
        jvp = fwAD.unpack_dual(dual_output).tangent
    print("Fn's tangent:", jvp.dtype, "equal to exp(x) v:", torch.allclose(jvp, primal.detach().exp() * tangent))
    # gradcheck compares with finite differences; forward mode only, as Fn has no backward
    print("gradcheck of Fn's jvp:", torch.autograd.gradcheck(
        Fn.apply, (primal,), check_forward_ad=True, check_backward_ad=False, check_undefined_grad=False,
        check_batched_grad=False))

    class Sin(torch.autograd.Function):
        """sin, both modes, with forward separate from setup_context - the form torch.func transforms take."""

        @staticmethod
        def forward(x):
            return torch.sin(x)

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, = inputs
            ctx.save_for_backward(x)
            ctx.save_for_forward(x)  # jvp reads ctx.saved_tensors too

        @staticmethod
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            return grad_output * torch.cos(x)

        @staticmethod
        def jvp(ctx, x_tangent):
            x, = ctx.saved_tensors
            return x_tangent * torch.cos(x)

    print("gradcheck of Sin, both modes:", torch.autograd.gradcheck(Sin.apply, (primal,), check_forward_ad=True))
    value, jvp = func.jvp(Sin.apply, (primal.detach(),), (tangent.double(),))
    print("func.jvp of Sin equals cos(x) v:", torch.allclose(jvp, primal.detach().cos() * tangent))

    # -- 4. the functional API ----------------------------------------------------------------------------
    primal0, tangent0, primal1, tangent1 = (engine.randn(n, n) for _ in range(4))
    primal_out, tangent_out = func.jvp(fn, (primal0, primal1), (tangent0, tangent1))  # one tangent per primal
    print("func.jvp returns f(primals) and J v:", torch.allclose(primal_out, fn(primal0, primal1)),
          torch.allclose(tangent_out, 2 * primal0 * tangent0 + 2 * primal1 * tangent1))
    engine.record("func.jvp of x**2 + y**2", tangent_out, **TOLERANCE)

    # An input without a tangent goes in through the function itself
    primal, tangent, y = (engine.randn(n, n) for _ in range(3))
    new_fn = functools.partial(fn, y=y)
    primal_out, tangent_out = func.jvp(new_fn, (primal,), (tangent,))
    print("y held fixed by functools.partial:", torch.allclose(tangent_out, 2 * primal * tangent))

    # A module's parameters as the primals: the module as a function of them
    model = engine.same_weights(nn.Linear(5, 5), "linear2")
    input = engine.randn(16, 5)
    params = dict(model.named_parameters())
    tangents = {name: engine.rand(*p.shape) for name, p in params.items()}

    def func_params_only(params):
        return func.functional_call(model, params, (input,))

    model_output, jvp_out = func.jvp(func_params_only, (params,), (tangents,))
    print("the output moves along the parameters' tangents:", tuple(jvp_out.shape),
          torch.allclose(jvp_out, input @ tangents["weight"].T + tangents["bias"], rtol=1e-5, atol=1e-6))
    engine.record("func.jvp of Linear wrt its parameters", jvp_out, **TOLERANCE)


if __name__ == "__main__":
    main()
