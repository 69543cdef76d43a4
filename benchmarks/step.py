"""Item a: one training step (forward, backward, SGD with momentum) of the blitz nets, both engines from
identical weights (torch's initial weights copied into minitorch) on the same batch.

The first step's loss is kept with the timing: equal losses in both engines show that the two really did
the same work.
"""
import numpy as np

from benchmarks.nets import blitz_net
from benchmarks.timing import case, compare, engines

NETS = (("CIFAR net 3x32x32", 3), ("Fashion-MNIST net 1x32x32", 1))
BATCHES = (1, 4, 32, 128)


def twin_nets(channels, seed=0):
    """The blitz net in both engines with the same weights: ``{"minitorch": net, "torch": net}``."""
    from reference.interop import copy_weights
    libs = engines()
    libs["torch"].manual_seed(seed)
    nets = {"torch": blitz_net(libs["torch"], channels)}
    nets["minitorch"] = copy_weights(nets["torch"], blitz_net(libs["minitorch"], channels))
    return nets


def make_step(lib, net, x, y):
    """A closure doing one SGD step of ``net`` on the NumPy batch (x, y); it returns the loss tensor."""
    opt = lib.optim.SGD(net.parameters(), lr=1e-3, momentum=0.9)
    criterion = lib.nn.CrossEntropyLoss()
    inputs, labels = lib.from_numpy(x), lib.from_numpy(y)

    def step():
        opt.zero_grad()
        loss = criterion(net(inputs), labels)
        loss.backward()
        opt.step()
        return loss
    return step


def cases(repeat, min_time, batches=BATCHES):
    rows = []
    for label, channels in NETS:
        for batch in batches:
            rng = np.random.default_rng(batch)
            x = rng.standard_normal((batch, channels, 32, 32)).astype(np.float32)
            y = rng.integers(0, 10, batch)
            nets = twin_nets(channels)
            first = {}

            def make(lib, nets=nets, x=x, y=y, first=first):
                step = make_step(lib, nets[lib.__name__], x, y)
                first[lib.__name__] = step().item()  # the first step, from the shared initial weights
                return step
            times = compare(make, repeat, min_time)
            rows.append(case("train step", f"{label}, batch {batch}", times,
                             loss_minitorch=first["minitorch"], loss_torch=first["torch"]))
    return rows
