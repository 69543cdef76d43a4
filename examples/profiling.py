"""Profile one training step of the blitz's LeNet (PyTorch's "PyTorch Profiler" recipe, on the blitz's net).

    python -m examples.profiling                  # minitorch
    python -m examples.profiling --engine torch   # real PyTorch

One SGD step - ``zero_grad``, forward, MSE loss, backward, ``step`` - runs inside
``torch.profiler.profile(activities=[ProfilerActivity.CPU], record_shapes=True)``. The profiler's table
(``key_averages().table(sort_by="self_cpu_time_total")``) goes to stderr and to ``profile_table.txt`` in the
output folder, with a Chrome trace (``trace.json``): its times and some of its rows differ between the
engines (torch's C++ shows the aten ops it runs inside each op - ``aten::linear`` -> ``aten::t``,
``aten::addmm`` - and bookkeeping such as ``aten::empty``; minitorch's MSE backward is a few elementwise
ops where torch has one ``aten::mse_loss_backward``). What is printed, and compared by ``python -m reference``,
is the part that lines up: the table's header, and the number of calls of each op, backward node and
optimizer event that both engines name alike.
"""
import os
import sys

from ._engine import select_engine

# Rows both engines show for this step, as torch names them (torch 2.x, CPU)
LINED_UP = [
    "aten::convolution", "aten::relu", "aten::max_pool2d_with_indices", "aten::view", "aten::addmm", "aten::mse_loss",
    "autograd::engine::evaluate_function: MseLossBackward0", "MseLossBackward0",
    "autograd::engine::evaluate_function: AddmmBackward0", "AddmmBackward0", "aten::mm",
    "autograd::engine::evaluate_function: TBackward0", "TBackward0",
    "autograd::engine::evaluate_function: ReluBackward0", "ReluBackward0", "aten::threshold_backward",
    "autograd::engine::evaluate_function: ViewBackward0", "ViewBackward0",
    "autograd::engine::evaluate_function: MaxPool2DWithIndicesBackward0", "MaxPool2DWithIndicesBackward0",
    "aten::max_pool2d_with_indices_backward",
    "autograd::engine::evaluate_function: ConvolutionBackward0", "ConvolutionBackward0", "aten::convolution_backward",
    "autograd::engine::evaluate_function: torch::autograd::AccumulateGrad", "torch::autograd::AccumulateGrad",
    "Optimizer.zero_grad#SGD.zero_grad", "Optimizer.step#SGD.step",
]


def main(argv=None):
    engine = select_engine(argv)
    torch, nn, F, optim = engine.torch, engine.nn, engine.F, engine.optim
    if engine.name == "torch":
        torch.set_num_threads(1)
    profiler = torch.profiler

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.view(-1, 16 * 5 * 5)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    net = engine.same_weights(Net().to(engine.device), "profiling_lenet")
    optimizer = optim.SGD(net.parameters(), lr=0.01)
    criterion = nn.MSELoss()
    x, target = engine.randn(1, 1, 32, 32), engine.randn(1, 10)

    def step():
        optimizer.zero_grad()
        loss = criterion(net(x), target)
        loss.backward()
        optimizer.step()
        return loss

    step()  # a first step outside the profile: what runs once (imports, allocations) is not in the table
    with profiler.profile(activities=[profiler.ProfilerActivity.CPU], record_shapes=True) as prof:
        with profiler.record_function("training_step"):
            loss = step()
    engine.record("loss of the profiled step", loss)

    table = prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=20)
    os.makedirs(engine.output, exist_ok=True)
    with open(os.path.join(engine.output, "profile_table.txt"), "w") as f:
        f.write(table)
    prof.export_chrome_trace(os.path.join(engine.output, "trace.json"))
    print(table, file=sys.stderr)  # times and the engine-specific rows: to look at, not to compare

    print("One SGD step of LeNet under torch.profiler.profile(record_shapes=True)")
    print("Table columns:", " | ".join(h.strip() for h in table.splitlines()[1].split("  ") if h.strip()))
    counts = {e.key: e.count for e in prof.key_averages()}
    print("Calls of the rows both engines name alike:")
    for name in LINED_UP:
        print(f"  {name}: {counts.get(name, 0)}")
    inputs = sorted(e.input_shapes[0] for e in prof.key_averages(group_by_input_shape=True)
                    if e.key == "aten::convolution")
    print("Shapes of the images aten::convolution got (record_shapes=True):", inputs)
    engine.record("calls of the rows named alike", [f"{name}: {counts.get(name, 0)}" for name in LINED_UP])
    print("training_step recorded:", "training_step" in counts)


if __name__ == "__main__":
    main()
