"""Activation checkpointing (seed 000, §2.17): trade compute for memory.

    python -m examples.checkpointing                  # minitorch
    python -m examples.checkpointing --engine torch   # real PyTorch

Training keeps, for backward, the tensors each operation needs (a Linear keeps its input, a Tanh its
output): for a deep net that is most of the memory of a step. ``torch.utils.checkpoint`` keeps only the
inputs of each checkpointed segment and recomputes the rest during backward. This example counts what a
forward pass keeps - with ``torch.autograd.graph.saved_tensors_hooks``, whose pack hook sees every tensor
saved for backward - without and with checkpointing, and checks that the gradients are the same.
"""
from ._engine import select_engine


def main(argv=None):
    engine = select_engine(argv)
    torch, nn = engine.torch, engine.nn
    checkpoint = torch.utils.checkpoint

    depth, width, batch, segments = 12, 256, 64, 4
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Tanh()]
    net = nn.Sequential(*layers).to(engine.device)
    engine.same_weights(net, "checkpointing_net")
    x = engine.randn(batch, width)
    target = engine.randn(batch, width)
    print(f"A deep net: {depth} x (Linear({width}, {width}), Tanh), a batch of {batch}")

    def step(run, inp):
        """One forward pass under a counting pack hook, then backward: (what was kept, loss, gradients)."""
        kept = {"tensors": 0, "bytes": 0}

        def pack(t):
            kept["tensors"] += 1
            kept["bytes"] += t.numel() * t.element_size()
            return t

        net.zero_grad()
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            loss = nn.functional.mse_loss(run(inp), target)
        loss.backward()
        return kept, loss, [p.grad.clone() for p in net.parameters()]

    def report(label, kept, loss_c, grads_c):
        same = all(torch.allclose(a, b, rtol=1e-5, atol=1e-7) for a, b in zip(grads, grads_c))
        print(f"{label}: {kept['tensors']} tensors kept, {kept['bytes']:,} bytes "
              f"({plain['bytes'] / kept['bytes']:.1f} times less); same loss: {torch.allclose(loss, loss_c)}, "
              f"same gradients: {same}")
        engine.record(f"first layer's weight gradient, {label}", grads_c[0])

    plain, loss, grads = step(net, x)
    print(f"Without checkpointing: {plain['tensors']} tensors kept for backward, {plain['bytes']:,} bytes")
    report(f"checkpoint_sequential(net, {segments}, x, use_reentrant=False)",
           *step(lambda inp: checkpoint.checkpoint_sequential(net, segments, inp, use_reentrant=False), x))
    # The re-entrant variant runs each segment without a graph and differentiates it in a backward of its
    # own, reached only through the segment's inputs: with an input that does not require grad, the
    # parameters inside get no gradient (torch warns "None of the inputs have requires_grad=True").
    # Hence x.requires_grad_() here, which also makes the first layer keep its weight for x's gradient.
    report(f"checkpoint_sequential(net, {segments}, x.requires_grad_(), use_reentrant=True)",
           *step(lambda inp: checkpoint.checkpoint_sequential(net, segments, inp, use_reentrant=True),
                 x.detach().requires_grad_()))
    engine.record("loss", loss)
    engine.record("first layer's weight gradient", grads[0])


if __name__ == "__main__":
    main()
