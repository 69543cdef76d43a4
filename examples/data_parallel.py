"""The blitz's data-parallelism section (seed 001, §5): wrap a model in ``nn.DataParallel`` when there is
more than one GPU, and watch the batch being split between them.

    python -m examples.data_parallel                  # minitorch
    python -m examples.data_parallel --engine torch   # real PyTorch

minitorch has no GPU: ``torch.cuda.device_count()`` is 0 there, so the model is not wrapped and runs whole,
as torch's does on the CPU or on a single GPU; the two engines then print the same lines. With several
GPUs torch splits each batch of 30 across them, and prints one "In Model" line per GPU and batch (the
tutorial shows 2, 3 and 8 GPUs): those lines are expected to differ from minitorch's.
"""
from ._engine import select_engine


def main(argv=None):
    engine = select_engine(argv)
    # The tutorial's device is "cuda:0" when CUDA is available; here the engine decides (--device).
    torch, device = engine.torch, engine.device
    nn = engine.nn
    Dataset, DataLoader = torch.utils.data.Dataset, torch.utils.data.DataLoader

    # Parameters and DataLoaders
    input_size = 5
    output_size = 2

    batch_size = 30
    data_size = 100

    # A dummy (random) dataset. engine.randn instead of torch.randn gives both engines the same numbers;
    # they stay on the CPU, like the tutorial's, and each batch moves to the device below.
    class RandomDataset(Dataset):

        def __init__(self, size, length):
            self.len = length
            self.data = engine.randn(length, size).cpu()

        def __getitem__(self, index):
            return self.data[index]

        def __len__(self):
            return self.len

    # shuffle=True in the tutorial; engine.order shuffles the same way in both engines (their generators
    # differ), so the two see the same batches and their outputs can be compared.
    rand_loader = DataLoader(dataset=RandomDataset(input_size, data_size),
                             batch_size=batch_size, sampler=engine.order(data_size))

    # A simple model: one linear layer, printing the sizes of what it gets and gives
    class Model(nn.Module):
        # Our model

        def __init__(self, input_size, output_size):
            super(Model, self).__init__()
            self.fc = nn.Linear(input_size, output_size)

        def forward(self, input):
            output = self.fc(input)
            print("\tIn Model: input size", input.size(),
                  "output size", output.size())

            return output

    # Create the model and wrap it in DataParallel when there are several GPUs. DataParallel splits each
    # batch along dim 0: [30, ...] -> [10, ...], [10, ...], [10, ...] on 3 GPUs. The tutorial asks only
    # device_count(); the device is asked too, since with --device cpu the model stays on the CPU, where
    # DataParallel over the GPUs would refuse it.
    model = Model(input_size, output_size)
    engine.same_weights(model, "data_parallel_model")  # torch's initial weights in both engines
    if device.type == "cuda" and torch.cuda.device_count() > 1:
        print("Let's use", torch.cuda.device_count(), "GPUs!")
        model = nn.DataParallel(model)

    model.to(device)

    # Run the model: the "Outside" sizes are the whole batches (30, 30, 30 and the last 10)
    outputs = []
    for data in rand_loader:
        input = data.to(device)
        output = model(input)
        print("Outside: input size", input.size(),
              "output_size", output.size())
        outputs.append(output)

    engine.record("outputs of all batches", torch.cat(outputs))


if __name__ == "__main__":
    main()
