"""Neural tangent kernels (PyTorch's "Neural Tangent Kernels" tutorial): the empirical NTK of a small CNN, by
two methods built from ``torch.func`` transforms, which must agree.

    python -m examples.neural_tangent_kernels                  # minitorch
    python -m examples.neural_tangent_kernels --engine torch   # real PyTorch

The empirical NTK of a network f with parameters θ, for inputs x₁ and x₂, is the matrix ``J(x₁) J(x₂)ᵀ`` - J the
Jacobian of f's outputs with respect to θ (all parameters, flattened together). For batches of N and M inputs
and O outputs it is an ``(N, M, O, O)`` tensor; its trace over the outputs ``(N, M)`` and its diagonal
``(N, M, O)`` are sometimes all one needs.

1. Jacobian contraction: ``vmap(jacrev(fnet_single), (None, 0))`` gives each input's Jacobian, one per parameter
   tensor; ``einsum`` contracts them pairwise (``'Naf,Mbf->NMab'``, ``'Naf,Maf->NM'``, ``'Naf,Maf->NMa'``)
   and the sum over the parameter tensors is the NTK.
2. NTK-vector products: for each column e_o of the identity, a VJP gives ``J(x₁)ᵀ e_o`` and a JVP pushes that
   through J(x₂) - reverse mode then forward mode, no Jacobian ever built; ``vmap`` runs the columns, and two
   nested vmaps every pair of inputs.

``fnet_single`` is the model as a function of its parameters and ONE input (``functional_call`` on the input
with a batch dimension added): the transforms see one sample, vmap adds the batch.

Where it differs from the tutorial: the sizes are much smaller (the tutorial's CNN has 32 channels on 32x32
images, ~220k parameters), and in method 2 the per-input functions take the input as an argument - the
tutorial's ``func_x1 = lambda params: func(params, x1)`` closes over x1, which the enclosing vmap batches, and
minitorch's transforms inside vmap support batched tensors only as arguments (docs/func.md): so
``vjp(func, params, x1)`` (the VJP for x1 unused) and ``jvp(func, (params, x2), (vjps, zeros_like(x2)))``
(x2 held still by a zero tangent) - the same products.
"""
from importlib import import_module

from ._engine import select_engine

# float32 sums over every parameter: the last bits depend on the order of the additions (the CPU's kernels)
TOLERANCE = dict(rtol=1e-4, atol=1e-4)


def main(argv=None):
    engine = select_engine(argv)
    torch, nn = engine.torch, engine.nn
    func = import_module(f"{engine.name}.func")
    functional_call, vmap, vjp, jvp, jacrev = func.functional_call, func.vmap, func.vjp, func.jvp, func.jacrev

    channels, size, n_train, n_test = (4, 8, 2, 1) if engine.quick else (8, 16, 6, 3)

    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, channels, (3, 3))
            self.conv2 = nn.Conv2d(channels, channels, (3, 3))
            self.conv3 = nn.Conv2d(channels, channels, (3, 3))
            self.fc = nn.Linear(channels * (size - 6) ** 2, 10)  # three 3x3 convolutions take 6 off each side

        def forward(self, x):
            x = self.conv1(x)
            x = x.relu()
            x = self.conv2(x)
            x = x.relu()
            x = self.conv3(x)
            x = x.flatten(1)
            x = self.fc(x)
            return x

    x_train = engine.randn(n_train, 3, size, size)
    x_test = engine.randn(n_test, 3, size, size)
    net = engine.same_weights(CNN().to(engine.device), "cnn")
    print(net)
    print("parameters:", sum(p.numel() for p in net.parameters()))

    # The parameters as plain tensors (no .backward() here: the transforms differentiate)
    params = {k: v.detach() for k, v in net.named_parameters()}

    def fnet_single(params, x):
        return functional_call(net, params, (x.unsqueeze(0),)).squeeze(0)

    # -- method 1: the Jacobians, contracted ----------------------------------------------------------------
    def empirical_ntk_jacobian_contraction(fnet_single, params, x1, x2, compute="full"):
        jac1 = vmap(jacrev(fnet_single), (None, 0))(params, x1)  # {name: (N, O) + parameter's shape}
        jac1 = [j.flatten(2) for j in jac1.values()]
        jac2 = vmap(jacrev(fnet_single), (None, 0))(params, x2)
        jac2 = [j.flatten(2) for j in jac2.values()]
        einsum_expr = {"full": "Naf,Mbf->NMab", "trace": "Naf,Maf->NM", "diagonal": "Naf,Maf->NMa"}[compute]
        result = torch.stack([torch.einsum(einsum_expr, j1, j2) for j1, j2 in zip(jac1, jac2)])
        return result.sum(0)  # the sum over the parameter tensors

    ntk = {compute: empirical_ntk_jacobian_contraction(fnet_single, params, x_train, x_test, compute)
           for compute in ("full", "trace", "diagonal")}
    for compute, result in ntk.items():
        print(f"NTK by Jacobian contraction, {compute}: {tuple(result.shape)}")
        engine.record(f"NTK ({compute}) of x_train and x_test, Jacobian contraction", result, **TOLERANCE)
    print("the trace is the full NTK's:", torch.allclose(ntk["trace"], torch.einsum("NMKK->NM", ntk["full"]),
                                                         **TOLERANCE))

    # -- method 2: NTK-vector products ------------------------------------------------------------------------
    def empirical_ntk_ntk_vps(func, params, x1, x2, compute="full"):
        def get_ntk(x1, x2):
            # x1 and x2 are arguments of the transformed functions (see the docstring)
            output, vjp_fn = vjp(func, params, x1)

            def get_ntk_slice(vec):
                vjps, _ = vjp_fn(vec)  # vecᵀ J(x1): one vector of the parameters' shapes
                _, jvps = jvp(func, (params, x2), (vjps, torch.zeros_like(x2)))  # J(x2) times it
                return jvps

            basis = torch.eye(output.numel(), dtype=output.dtype, device=output.device).view(output.numel(), -1)
            return vmap(get_ntk_slice)(basis)  # every column of the identity

        # every pair of one x1 and one x2
        result = vmap(vmap(get_ntk, (None, 0)), (0, None))(x1, x2)
        if compute == "full":
            return result
        if compute == "trace":
            return torch.einsum("NMKK->NM", result)
        if compute == "diagonal":
            return torch.einsum("NMKK->NMK", result)

    from_contraction = empirical_ntk_jacobian_contraction(fnet_single, params, x_test, x_train)
    from_ntk_vps = empirical_ntk_ntk_vps(fnet_single, params, x_test, x_train)
    print(f"NTK by NTK-vector products: {tuple(from_ntk_vps.shape)}, equal to the contraction's:",
          torch.allclose(from_contraction, from_ntk_vps, atol=1e-5, rtol=1e-4))
    engine.record("NTK (full) of x_test and x_train, NTK-vector products", from_ntk_vps, **TOLERANCE)
    if not engine.quick:  # the other two modes: each runs the products again
        for compute in ("trace", "diagonal"):
            print(f"{compute}, both methods agree:", torch.allclose(
                empirical_ntk_jacobian_contraction(fnet_single, params, x_test, x_train, compute),
                empirical_ntk_ntk_vps(fnet_single, params, x_test, x_train, compute), atol=1e-5, rtol=1e-4))


if __name__ == "__main__":
    main()
