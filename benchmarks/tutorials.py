"""Item tutorials: one step of two of PyTorch's beginner tutorials, where every tensor is small and the time
is the per-operation cost (Op.apply, the engine, the optimizer), not the arithmetic.

* "Learning PyTorch with Examples", dynamic_net: a polynomial module whose forward does ~15 ops on 2,000
  float32 numbers, then MSELoss(reduction="sum"), backward and SGD with momentum.
* "What is torch.nn really?", logistic regression from scratch: ``x @ weights + bias`` on a (64, 784) batch,
  log_softmax by hand, the negative log likelihood by ``-input[range(64), target].mean()``, backward, and the
  manual SGD update under no_grad with ``grad.zero_()``.

Each engine draws its own (seeded) random numbers; the first loss is kept with the timing only where both
start from the same weights (the logistic regression).
"""
import math
import random

import numpy as np

from benchmarks.timing import case, compare


def dynamic_net(lib):
    """The tutorial's training step; ``random.randint`` picks 0 to 2 extra terms each forward, as there."""
    draw = random.Random(0)

    class DynamicNet(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b, self.c, self.d, self.e = (lib.nn.Parameter(lib.randn(())) for _ in range(5))

        def forward(self, x):
            y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
            for exp in range(4, draw.randint(4, 6)):
                y = y + self.e * x ** exp
            return y

    lib.manual_seed(0)
    x = lib.linspace(-math.pi, math.pi, 2000)
    y = lib.sin(x)
    model = DynamicNet()
    criterion = lib.nn.MSELoss(reduction="sum")
    optimizer = lib.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)

    def step():
        y_pred = model(x)
        loss = criterion(y_pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return step


def logistic_regression(lib):
    """The nn_tutorial's model from scratch, one mini-batch step, from the same weights in both engines."""
    rng = np.random.default_rng(0)
    xb = lib.from_numpy(rng.random((64, 784), dtype=np.float32))
    yb = lib.from_numpy(rng.integers(0, 10, 64))
    weights = lib.from_numpy(rng.standard_normal((784, 10)).astype(np.float32) / math.sqrt(784))
    weights.requires_grad_()
    bias = lib.zeros(10, requires_grad=True)
    lr = 0.5

    def log_softmax(x):
        return x - x.exp().sum(-1).log().unsqueeze(-1)

    def step():
        nonlocal weights, bias  # the tutorial's `weights -= ...` (in place: the same tensor stays)
        pred = log_softmax(xb @ weights + bias)
        loss = -pred[range(64), yb].mean()
        loss.backward()
        with lib.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()
    return step


def cases(repeat, min_time):
    return [case("tutorials", "dynamic_net step (2,000 points)", compare(dynamic_net, repeat, min_time)),
            case("tutorials", "nn_tutorial logistic regression step (64x784)",
                 compare(logistic_regression, repeat, min_time))]
