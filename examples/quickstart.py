"""PyTorch's "Learn the Basics" quickstart: Fashion-MNIST through ``ToTensor``, a ``NeuralNetwork`` (``Flatten``
and a ``Sequential`` stack of ``Linear`` and ``ReLU``), ``CrossEntropyLoss`` and ``SGD``, the tutorial's
train and test loops for 5 epochs, then saving the ``state_dict``, loading it into a fresh model and
predicting one test image.

    python -m examples.quickstart                  # minitorch
    python -m examples.quickstart --engine torch   # real PyTorch
    python -m examples.quickstart --quick          # 200 batches in float64, 1,000 test images

The data is the local copy of Fashion-MNIST (``examples/_data.py``; the tutorial downloads it). The loaders
do not shuffle, as in the tutorial, so both engines see the same batches; both start from torch's initial
weights (``engine.same_weights``). ``--quick`` trains in float64 for the same reason as the blitz's
classifier: the engines then agree to ~1e-12 and every printed line must be identical on any CPU. The full
run is the tutorial's float32, compared within stated tolerances.
"""
import os

from ._data import default_root, fashion_mnist_root
from ._engine import select_engine
from ._progress import progress

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
           "Ankle boot"]


def add_arguments(parser):
    parser.add_argument("--root", default=None, help="the data folder (Fashion-MNIST is unpacked there from "
                        "Debian's copy if needed); default: $MINITORCH_DATA or ~/.cache/minitorch/data")
    parser.add_argument("--epochs", type=int, default=5)


def fashion_mnist(engine, root=None, quick=False, train_batches=200, test_images=1000, **kwargs):
    """The tutorial's ``datasets.FashionMNIST(root=..., train=..., download=True, transform=ToTensor())`` pair,
    read from the local copy (no download). ``quick``: the first ``train_batches`` batches of 64 and the first
    ``test_images`` test images."""
    datasets, ToTensor = engine.vision.datasets, engine.vision.transforms.ToTensor
    root = fashion_mnist_root(root or default_root())
    training_data = datasets.FashionMNIST(root=root, train=True, download=False, transform=ToTensor(), **kwargs)
    test_data = datasets.FashionMNIST(root=root, train=False, download=False, transform=ToTensor(), **kwargs)
    if quick:
        Subset = engine.torch.utils.data.Subset
        training_data = Subset(training_data, range(train_batches * 64))
        test_data = Subset(test_data, range(test_images))
    return training_data, test_data


def tutorial_device(engine):
    """The tutorial's choice - CUDA, else Apple's MPS, else the CPU - within what ``--device`` allows."""
    torch = engine.torch
    return ("cuda" if engine.device.type == "cuda" and torch.cuda.is_available()
            else "mps" if torch.backends.mps.is_available() else "cpu")


def make_model(engine, final_relu=True):
    """The tutorial's NeuralNetwork (the quickstart ends its stack with a ReLU, Build the Model does not)."""
    nn = engine.nn

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            layers = [nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)]
            self.linear_relu_stack = nn.Sequential(*layers, *([nn.ReLU()] if final_relu else []))

        def forward(self, x):
            x = self.flatten(x)
            logits = self.linear_relu_stack(x)
            return logits

    return NeuralNetwork()


def main(argv=None):
    engine = select_engine(argv, add_arguments)
    torch, nn, args = engine.torch, engine.nn, engine.args
    dtype = torch.float64 if engine.quick else torch.float32  # --quick: float64 (see the docstring)
    epochs = 1 if engine.quick else args.epochs
    if not engine.quick:
        # float32 over 5 epochs of 938 steps: the engines' sums round differently, and the printed losses
        # (6 decimals) and accuracy (1 decimal) may drift apart by this much (measured: README)
        engine.tolerate(r"^loss:", 0, 2e-4)
        engine.tolerate(r"Accuracy", 0, 0.3)

    print("--- Working with data ---")
    training_data, test_data = fashion_mnist(engine, args.root, engine.quick)
    batch_size = 64
    # Create data loaders (not shuffled: the tutorial's, and the same batches in both engines)
    train_dataloader = torch.utils.data.DataLoader(training_data, batch_size=batch_size)
    test_dataloader = torch.utils.data.DataLoader(test_data, batch_size=batch_size)
    for X, y in test_dataloader:
        print(f"Shape of X [N, C, H, W]: {X.shape}")
        print(f"Shape of y: {y.shape} {y.dtype}")
        break

    print("--- Creating Models ---")
    device = tutorial_device(engine)
    print(f"Using {device} device")
    model = engine.same_weights(make_model(engine), "quickstart").to(device, dtype)
    print(model)
    engine.record("print(model)", str(model))

    print("--- Optimizing the Model Parameters ---")
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    losses = []

    def train(dataloader, model, loss_fn, optimizer, label):
        size = len(dataloader.dataset)
        model.train()
        for batch, (X, y) in enumerate(progress(dataloader, len(dataloader), label)):
            X, y = X.to(device, dtype), y.to(device)

            # Compute prediction error
            pred = model(X)
            loss = loss_fn(pred, y)

            # Backpropagation
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()

            if batch % 100 == 0:
                loss, current = loss.item(), (batch + 1) * len(X)
                losses.append(loss)
                print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")

    accuracies = []

    def test(dataloader, model, loss_fn):
        size = len(dataloader.dataset)
        num_batches = len(dataloader)
        model.eval()
        test_loss, correct = 0, 0
        with torch.no_grad():
            for X, y in dataloader:
                X, y = X.to(device, dtype), y.to(device)
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        test_loss /= num_batches
        correct /= size
        accuracies.append(100 * correct)
        print(f"Test Error: \n Accuracy: {(100 * correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")

    for t in range(epochs):
        print(f"Epoch {t + 1}\n-------------------------------")
        train(train_dataloader, model, loss_fn, optimizer, f"{engine.name} epoch {t + 1}/{epochs}")
        test(test_dataloader, model, loss_fn)
    print("Done!")
    engine.record("printed training losses", losses, rtol=1e-9 if engine.quick else 0, atol=1e-12 if engine.quick else 2e-4)
    engine.record("test accuracy (%) per epoch", accuracies, rtol=0, atol=1e-9 if engine.quick else 0.3)

    print("--- Saving Models ---")
    path = os.path.join(engine.output, "model.pth")
    os.makedirs(engine.output, exist_ok=True)
    torch.save(model.state_dict(), path)
    print("Saved PyTorch Model State to model.pth")

    print("--- Loading Models ---")
    model = make_model(engine).to(device, dtype)
    model.load_state_dict(torch.load(path, weights_only=True))
    model.eval()
    x, y = test_data[0][0], test_data[0][1]
    with torch.no_grad():
        x = x.to(device, dtype)
        pred = model(x)
        predicted, actual = CLASSES[pred[0].argmax(0)], CLASSES[y]
        print(f'Predicted: "{predicted}", Actual: "{actual}"')
    engine.record("logits of test image 0 (loaded model)", pred, rtol=1e-9 if engine.quick else 1e-3,
                  atol=1e-9 if engine.quick else 1e-4)


if __name__ == "__main__":
    main()
