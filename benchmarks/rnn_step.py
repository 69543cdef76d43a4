"""Item rnn: one training step (forward, backward, plain SGD) of an ``LSTM(64, 128)`` with a linear head, at
batch 32 and sequence length 50, in float32 - a recurrent net is hundreds of small operations per batch, so
this measures the engine's cost per operation more than the arithmetic. Both engines start from the same
weights (torch's, copied) on the same batch; the first step's loss shows they did the same work.

    python -m benchmarks --only rnn --threads 1
"""
import numpy as np

from benchmarks.timing import case, compare, engines

INPUT, HIDDEN, BATCH, STEPS, CLASSES = 64, 128, 32, 50, 10


def net(lib):
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = lib.nn.LSTM(INPUT, HIDDEN)
            self.head = lib.nn.Linear(HIDDEN, CLASSES)

        def forward(self, x):
            out, _ = self.lstm(x)
            return self.head(out[-1])
    return Net()


def cases(repeat, min_time):
    from reference.interop import copy_weights
    libs = engines()
    libs["torch"].manual_seed(0)
    nets = {"torch": net(libs["torch"])}
    nets["minitorch"] = copy_weights(nets["torch"], net(libs["minitorch"]))
    rng = np.random.default_rng(0)
    x = rng.standard_normal((STEPS, BATCH, INPUT)).astype(np.float32)
    y = rng.integers(0, CLASSES, BATCH)
    first = {}

    def make(lib):
        model = nets[lib.__name__]
        opt = lib.optim.SGD(model.parameters(), lr=1e-3)
        criterion = lib.nn.CrossEntropyLoss()
        inputs, labels = lib.from_numpy(x), lib.from_numpy(y)

        def step():
            opt.zero_grad()
            loss = criterion(model(inputs), labels)
            loss.backward()
            opt.step()
            return loss
        first[lib.__name__] = step().item()
        return step
    times = compare(make, repeat, min_time)
    return [case("train step", f"LSTM(64, 128), batch 32, sequence 50", times,
                 loss_minitorch=first["minitorch"], loss_torch=first["torch"])]

