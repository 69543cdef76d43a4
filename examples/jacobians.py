"""Jacobians, Hessians, hvp and vhp by composing function transforms (PyTorch's tutorial of that name, its parts
that need no vmap).

    python -m examples.jacobians                  # minitorch
    python -m examples.jacobians --engine torch   # real PyTorch

``torch.func`` turns functions into functions: ``jacrev(f)`` computes f's Jacobian a row at a time by reverse
mode (one vector-Jacobian product per output), ``jacfwd(f)`` a column at a time by forward mode (one
Jacobian-vector product per input), and they compose - ``hessian(f)`` is ``jacfwd(jacrev(f))``, a Hessian-vector
product is ``jvp(grad(f))``. The tutorial's batched Jacobians with vmap are left out; its "sum trick" (the
Jacobian of the batch's summed outputs) gives them without vmap.
"""
from ._engine import select_engine


def main(argv=None):
    engine = select_engine(argv)
    torch = engine.torch
    F = torch.nn.functional
    jacrev, jacfwd, hessian, vjp, jvp, grad = (torch.func.jacrev, torch.func.jacfwd, torch.func.hessian,
                                               torch.func.vjp, torch.func.jvp, torch.func.grad)

    def predict(weight, bias, x):
        return F.linear(x, weight, bias).tanh()

    D = 16
    weight, bias, x = engine.randn(D, D), engine.randn(D), engine.randn(D)

    # The Jacobian one row at a time: a vjp per unit vector, as the tutorial starts
    _, vjp_fn = vjp(lambda x: predict(weight, bias, x), x)
    unit_vectors = torch.eye(D, device=engine.device)
    rows = torch.stack([vjp_fn(v)[0] for v in unit_vectors])
    jacobian = jacrev(predict, argnums=2)(weight, bias, x)
    print(f"jacrev(predict, argnums=2): shape {tuple(jacobian.shape)}, equal to the vjp rows: "
          f"{torch.allclose(jacobian, rows, atol=1e-6)}")
    engine.record("Jacobian with respect to x", jacobian)

    ft_jac_weight, ft_jac_bias = jacrev(predict, argnums=(0, 1))(weight, bias, x)
    print(f"jacrev(predict, argnums=(0, 1)): shapes {tuple(ft_jac_weight.shape)} and {tuple(ft_jac_bias.shape)}")
    engine.record("Jacobian with respect to the bias", ft_jac_bias)

    # Forward mode gives the same matrix, a column at a time
    jacobian_fwd = jacfwd(predict, argnums=2)(weight, bias, x)
    print(f"jacfwd equals jacrev: {torch.allclose(jacobian_fwd, jacobian, atol=1e-6)}")

    # Hessians: forward over reverse (hessian's own), forward over forward, reverse over reverse
    hess_api = hessian(predict, argnums=2)(weight, bias, x)
    hess_fwdfwd = jacfwd(jacfwd(predict, argnums=2), argnums=2)(weight, bias, x)
    hess_revrev = jacrev(jacrev(predict, argnums=2), argnums=2)(weight, bias, x)
    print(f"hessian: shape {tuple(hess_api.shape)}; jacfwd(jacfwd) agrees: "
          f"{torch.allclose(hess_api, hess_fwdfwd, atol=1e-5)}; jacrev(jacrev) agrees: "
          f"{torch.allclose(hess_api, hess_revrev, atol=1e-5)}")
    engine.record("Hessian with respect to x", hess_api, rtol=1e-4, atol=1e-5)

    # A batch's Jacobians without vmap: each output row depends on its own input row only, so the Jacobian of
    # the summed outputs holds every sample's Jacobian
    batch = engine.randn(8, D)
    summed = jacrev(lambda weight, bias, x: predict(weight, bias, x).sum(0), argnums=2)(weight, bias, batch)
    per_sample = summed.movedim(1, 0)
    first = jacrev(predict, argnums=2)(weight, bias, batch[0])
    print(f"Batch Jacobians by the sum trick: shape {tuple(per_sample.shape)}, the first equals its own jacrev: "
          f"{torch.allclose(per_sample[0], first, atol=1e-6)}")

    # Hessian-vector and vector-Hessian products, without forming the Hessian
    def hvp(f, primals, tangents):
        return jvp(grad(f), primals, tangents)[1]

    def vhp(f, x, v):
        return vjp(grad(f), x)[1](v)[0]

    def f(x):
        return x.sin().sum()

    x, tangent = engine.randn(2048), engine.randn(2048)
    result = hvp(f, (x,), (tangent,))
    print(f"hvp of sum(sin(x)) is -sin(x) * v: {torch.allclose(result, tangent * -x.sin(), atol=1e-6)}; vhp too: "
          f"{torch.allclose(vhp(f, x, tangent), tangent * -x.sin(), atol=1e-6)}")
    engine.record("hvp", result[:16])


if __name__ == "__main__":
    main()
