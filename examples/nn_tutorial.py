"""PyTorch's "What is torch.nn really?": logistic regression on 28x28 images built from tensor operations
alone, then refactored one step at a time - ``F.cross_entropy``, ``nn.Module`` with ``nn.Parameter``,
``nn.Linear``, ``optim``, ``TensorDataset``, ``DataLoader``, a validation set, ``fit()``/``get_data()`` -
then a CNN, the CNN as an ``nn.Sequential`` with a ``Lambda`` layer, and a ``WrappedDataLoader`` with
``AdaptiveAvgPool2d``; each step prints its loss as the tutorial does.

    python -m examples.nn_tutorial                  # minitorch
    python -m examples.nn_tutorial --engine torch   # real PyTorch
    python -m examples.nn_tutorial --quick          # 40 batches per fit, in float64
    python -m examples.nn_tutorial --root DIR       # MNIST: its IDX files in DIR or DIR/MNIST/raw
    python -m examples.nn_tutorial --cnn-epochs 2   # the tutorial's 2 epochs for each CNN (default: 1)

The tutorial downloads MNIST as NumPy arrays (50,000 training and 10,000 validation images, flattened to
784 floats in [0, 1]). Without ``--root`` the same arrays are made from the local Fashion-MNIST (its first
50,000 training images, then the next 10,000 for validation); the first line says which data it is.
Both engines start from the same weights (``engine.randn`` for the hand-made ones, ``engine.same_weights``
for the layers) and read the shuffled batches in the same order (``engine.order``).

The logistic regression learns at the tutorial's lr = 0.5 on MNIST, at 0.1 on Fashion-MNIST (said in the
output): its brighter images make 0.5 a step past the stable size, and the fit then jumps about (validation
loss 0.94 after one epoch, 3.3 after two) so chaotically that float32 rounding alone moves the two engines'
weights apart by 0.1 within two epochs (measured). At 0.1 they stay within 1e-6.

``--quick`` trains in float64 (the engines then agree to ~1e-10): the printed numbers, 4 decimals of a
tensor or the 17 digits of NumPy's float64, are compared within 1e-7. The full run is the tutorial's
float32. The CNNs (SGD with momentum 0.9, lr 0.1: the tutorial's on both data sets) amplify rounding too:
measured, their validation losses ended up to 2.4 % apart, so they are compared within 5 %.
"""
import gzip
import math
import os

import numpy as np

from ._data import default_root, fashion_mnist_root
from ._engine import select_engine
from ._progress import progress


def add_arguments(parser):
    parser.add_argument("--root", default=None, help="a folder holding MNIST's IDX files (train-images-idx3-ubyte, "
                        "train-labels-idx1-ubyte; plain or .gz; in DIR or DIR/MNIST/raw); default: Fashion-MNIST")
    parser.add_argument("--epochs", type=int, default=2, help="epochs of each logistic-regression fit (the tutorial's 2)")
    parser.add_argument("--cnn-epochs", type=int, default=1, help="epochs of each of the four CNN fits (the "
                        "tutorial: 2; 1 keeps python -m reference under 10 minutes)")


def read_idx(path):
    """An IDX file (the MNIST format: magic 0x0000080N, N big-endian sizes, then uint8 data) as an array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[:3] != b"\0\0\x08":
        raise SystemExit(f"{path} is not an IDX file of unsigned bytes")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    if len(data) != 4 + 4 * ndim + math.prod(shape):
        raise SystemExit(f"{path}: its header announces {shape}, its size does not match")
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def find_idx(folders, name):
    for folder in folders:
        for candidate in (name, name + ".gz"):
            if os.path.exists(os.path.join(folder, candidate)):
                return os.path.join(folder, candidate)
    raise SystemExit(f"{name} (or {name}.gz) is in none of {', '.join(folders)}")


def load_arrays(root=None):
    """The tutorial's ``((x_train, y_train), (x_valid, y_valid))``: float32 rows of 784 pixels in [0, 1] and
    int64 labels; 50,000 for training, the next 10,000 for validation. ``root``: MNIST's files; None:
    Fashion-MNIST from the local copy. Returns them with the data set's name."""
    if root:
        name, folders = "MNIST", [root, os.path.join(root, "MNIST", "raw")]
    else:
        name, folders = "Fashion-MNIST", [os.path.join(fashion_mnist_root(default_root()), "FashionMNIST", "raw")]
    images = read_idx(find_idx(folders, "train-images-idx3-ubyte"))
    labels = read_idx(find_idx(folders, "train-labels-idx1-ubyte")).astype(np.int64)
    x = (images.reshape(len(images), -1) / np.float32(255)).astype(np.float32)
    return name, (x[:50000], labels[:50000]), (x[50000:60000], labels[50000:60000])


def main(argv=None):
    engine = select_engine(argv, add_arguments)
    torch, nn, F, optim, args = engine.torch, engine.nn, engine.F, engine.optim, engine.args
    device = engine.device
    TensorDataset, DataLoader = torch.utils.data.TensorDataset, torch.utils.data.DataLoader
    if engine.quick:
        # float64: the printed numbers agree to ~1e-10 (lr 0.5 amplifies the last bits' differences in the
        # logistic fits: measured 5e-11 relative after 40 steps); compared within 1e-7
        engine.tolerate("", 1e-7, 1e-9)
    else:
        # float32 losses after thousands of steps: the engines' rounding drifts (measured: README)
        engine.tolerate(r"^\d+ ", 0.05, 0.005)  # the validation loss per epoch, printed by fit()
        engine.tolerate("", 0, 2e-3)  # the losses and accuracies printed as tensors (4 decimals)

    print("--- MNIST data setup ---")
    dataset, (x_train, y_train), (x_valid, y_valid) = load_arrays(args.root)
    # the tutorial's step on MNIST; on Fashion-MNIST a smaller one (the docstring says why)
    logistic_lr = 0.5 if dataset == "MNIST" else 0.1
    print(f"data: {dataset}" + ("" if args.root else " (MNIST is used with --root DIR); learning rate 0.1 "
                               "for the logistic regression (the tutorial's 0.5 overshoots on these images)"))
    if engine.quick:  # a few hundred steps in all: 40 batches per fit, 1,000 validation images
        x_train, y_train, x_valid, y_valid = x_train[:2560], y_train[:2560], x_valid[:1000], y_valid[:1000]
        x_train, x_valid = x_train.astype(np.float64), x_valid.astype(np.float64)
    print(x_train.shape)
    # torch.tensor copies each NumPy array into a tensor
    x_train, y_train, x_valid, y_valid = map(torch.tensor, (x_train, y_train, x_valid, y_valid))
    x_train, y_train, x_valid, y_valid = (t.to(device) for t in (x_train, y_train, x_valid, y_valid))
    dtype = x_train.dtype
    n, c = x_train.shape
    print(x_train, y_train)
    print(x_train.shape)
    print(y_train.min(), y_train.max())
    val_losses = {}

    print("--- Neural net from scratch (no torch.nn) ---")
    # Xavier initialisation (the tutorial: torch.randn(784, 10) / math.sqrt(784)); requires_grad after it,
    # so that the division is not recorded
    weights = engine.randn(784, 10).to(dtype) / math.sqrt(784)
    weights.requires_grad_()
    bias = torch.zeros(10, requires_grad=True, device=device, dtype=dtype)

    def log_softmax(x):
        return x - x.exp().sum(-1).log().unsqueeze(-1)

    def model(xb):
        return log_softmax(xb @ weights + bias)

    bs = 64  # batch size
    xb = x_train[0:bs]  # a mini-batch from x
    preds = model(xb)  # predictions
    print(preds[0], preds.shape)

    def nll(input, target):
        # the log-probability of each row's target: indexing with a range and a tensor
        return -input[range(target.shape[0]), target].mean()

    loss_func = nll
    yb = y_train[0:bs]
    print(loss_func(preds, yb))

    def accuracy(out, yb):
        preds = torch.argmax(out, dim=1)
        return (preds == yb).float().mean()

    print(accuracy(preds, yb))

    lr = logistic_lr  # learning rate
    epochs = 1 if engine.quick else args.epochs  # how many epochs to train for
    for epoch in range(epochs):
        for i in progress(range((n - 1) // bs + 1), (n - 1) // bs + 1, f"{engine.name} from scratch"):
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            pred = model(xb)
            loss = loss_func(pred, yb)

            loss.backward()
            with torch.no_grad():
                weights -= weights.grad * lr
                bias -= bias.grad * lr
                weights.grad.zero_()
                bias.grad.zero_()
    print(loss_func(model(xb), yb), accuracy(model(xb), yb))
    engine.record("from scratch: weights", weights, rtol=1e-7 if engine.quick else 1e-3, atol=1e-9 if engine.quick else 1e-4)
    engine.record_graph("from scratch: loss graph", loss)

    print("--- Using torch.nn.functional ---")
    loss_func = F.cross_entropy

    def model(xb):
        return xb @ weights + bias

    # the same loss and accuracy as before: cross_entropy is log_softmax and nll in one
    print(loss_func(model(xb), yb), accuracy(model(xb), yb))

    print("--- Refactor using nn.Module ---")

    class Mnist_Logistic(nn.Module):
        def __init__(self):
            super().__init__()
            self.weights = nn.Parameter(engine.randn(784, 10).to(dtype) / math.sqrt(784))
            self.bias = nn.Parameter(torch.zeros(10, device=device, dtype=dtype))

        def forward(self, xb):
            return xb @ self.weights + self.bias

    model = Mnist_Logistic()
    print(loss_func(model(xb), yb))

    def fit():
        for epoch in range(epochs):
            for i in range((n - 1) // bs + 1):
                start_i = i * bs
                end_i = start_i + bs
                xb = x_train[start_i:end_i]
                yb = y_train[start_i:end_i]
                pred = model(xb)
                loss = loss_func(pred, yb)

                loss.backward()
                with torch.no_grad():
                    for p in model.parameters():
                        p -= p.grad * lr
                    model.zero_grad()

    fit()
    print(loss_func(model(xb), yb))

    print("--- Refactor using nn.Linear ---")

    class Mnist_Logistic(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(784, 10)

        def forward(self, xb):
            return self.lin(xb)

    made = [0]

    def same_start(model, name):
        """Both engines start each new model from torch's initial weights (a name per model made)."""
        made[0] += 1
        return engine.same_weights(model, f"nn_tutorial_{made[0]}_{name}").to(device, dtype)

    model = same_start(Mnist_Logistic(), "linear")
    print(loss_func(model(xb), yb))
    fit()
    print(loss_func(model(xb), yb))

    print("--- Refactor using torch.optim ---")

    def get_model():
        model = same_start(Mnist_Logistic(), "linear")
        return model, optim.SGD(model.parameters(), lr=lr)

    model, opt = get_model()
    print(loss_func(model(xb), yb))
    for epoch in range(epochs):
        for i in range((n - 1) // bs + 1):
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            pred = model(xb)
            loss = loss_func(pred, yb)

            loss.backward()
            opt.step()
            opt.zero_grad()
    print(loss_func(model(xb), yb))

    print("--- Refactor using Dataset ---")
    train_ds = TensorDataset(x_train, y_train)
    model, opt = get_model()
    for epoch in range(epochs):
        for i in range((n - 1) // bs + 1):
            xb, yb = train_ds[i * bs: i * bs + bs]  # a slice of the dataset: both tensors at once
            pred = model(xb)
            loss = loss_func(pred, yb)

            loss.backward()
            opt.step()
            opt.zero_grad()
    print(loss_func(model(xb), yb))

    print("--- Refactor using DataLoader ---")
    train_ds = TensorDataset(x_train, y_train)
    train_dl = DataLoader(train_ds, batch_size=bs)
    model, opt = get_model()
    for epoch in range(epochs):
        for xb, yb in train_dl:
            pred = model(xb)
            loss = loss_func(pred, yb)

            loss.backward()
            opt.step()
            opt.zero_grad()
    print(loss_func(model(xb), yb))

    print("--- Add validation ---")
    # the tutorial shuffles the training set (shuffle=True); here both engines draw the same order
    train_ds = TensorDataset(x_train, y_train)
    train_dl = DataLoader(train_ds, batch_size=bs, sampler=engine.order(len(train_ds)))
    valid_ds = TensorDataset(x_valid, y_valid)
    valid_dl = DataLoader(valid_ds, batch_size=bs * 2)
    model, opt = get_model()
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            pred = model(xb)
            loss = loss_func(pred, yb)

            loss.backward()
            opt.step()
            opt.zero_grad()

        model.eval()
        with torch.no_grad():
            valid_loss = sum(loss_func(model(xb), yb) for xb, yb in valid_dl)

        print(epoch, valid_loss / len(valid_dl))

    print("--- Create fit() and get_data() ---")

    def loss_batch(model, loss_func, xb, yb, opt=None):
        loss = loss_func(model(xb), yb)

        if opt is not None:
            loss.backward()
            opt.step()
            opt.zero_grad()

        return loss.item(), len(xb)

    def fit(epochs, model, loss_func, opt, train_dl, valid_dl, label):
        for epoch in range(epochs):
            model.train()
            for xb, yb in progress(train_dl, len(train_dl), f"{engine.name} {label} epoch {epoch + 1}/{epochs}"):
                loss_batch(model, loss_func, xb, yb, opt)

            model.eval()
            with torch.no_grad():
                losses, nums = zip(
                    *[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl]
                )
            val_loss = np.sum(np.multiply(losses, nums)) / np.sum(nums)

            print(epoch, val_loss)
            val_losses.setdefault(label, []).append(val_loss)

    def get_data(train_ds, valid_ds, bs):
        return (
            DataLoader(train_ds, batch_size=bs, sampler=engine.order(len(train_ds))),
            DataLoader(valid_ds, batch_size=bs * 2),
        )

    train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
    model, opt = get_model()
    fit(epochs, model, loss_func, opt, train_dl, valid_dl, "logistic")

    print("--- Switch to CNN ---")

    class Mnist_CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1)
            self.conv2 = nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1)
            self.conv3 = nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1)

        def forward(self, xb):
            xb = xb.view(-1, 1, 28, 28)
            xb = F.relu(self.conv1(xb))
            xb = F.relu(self.conv2(xb))
            xb = F.relu(self.conv3(xb))
            xb = F.avg_pool2d(xb, 4)
            return xb.view(-1, xb.size(1))

    lr = 0.1
    model = same_start(Mnist_CNN(), "cnn")
    # momentum: SGD that takes the previous updates into account
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    # the tutorial trains each CNN for `epochs` (2); here --cnn-epochs (1 by default: the time budget)
    cnn_epochs = 1 if engine.quick else args.cnn_epochs
    fit(cnn_epochs, model, loss_func, opt, train_dl, valid_dl, "CNN")

    print("--- nn.Sequential ---")

    class Lambda(nn.Module):
        """A layer made from a function (torch has no view layer)."""

        def __init__(self, func):
            super().__init__()
            self.func = func

        def forward(self, x):
            return self.func(x)

    def preprocess(x):
        return x.view(-1, 1, 28, 28)

    model = nn.Sequential(
        Lambda(preprocess),
        nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.AvgPool2d(4),
        Lambda(lambda x: x.view(x.size(0), -1)),
    )
    model = same_start(model, "sequential")
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    fit(cnn_epochs, model, loss_func, opt, train_dl, valid_dl, "Sequential")

    print("--- Wrapping DataLoader ---")

    def preprocess(x, y):
        return x.view(-1, 1, 28, 28), y

    class WrappedDataLoader:
        """A DataLoader that passes each batch through ``func``: the model need not know the data's shape."""

        def __init__(self, dl, func):
            self.dl = dl
            self.func = func

        def __len__(self):
            return len(self.dl)

        def __iter__(self):
            batches = iter(self.dl)
            for b in batches:
                yield (self.func(*b))

    train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
    train_dl = WrappedDataLoader(train_dl, preprocess)
    valid_dl = WrappedDataLoader(valid_dl, preprocess)
    # AdaptiveAvgPool2d names the output's size, not the input's: any image size works
    model = nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        Lambda(lambda x: x.view(x.size(0), -1)),
    )
    model = same_start(model, "adaptive")
    print(model)
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    fit(cnn_epochs, model, loss_func, opt, train_dl, valid_dl, "wrapped")

    print("--- Using your GPU ---")
    # The tutorial moves the batches and the model to CUDA when there is one; minitorch computes on the
    # CPU, so each engine uses its own device here (engine.device) and the model trains on
    dev = device

    def preprocess(x, y):
        return x.view(-1, 1, 28, 28).to(dev), y.to(dev)

    train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
    train_dl = WrappedDataLoader(train_dl, preprocess)
    valid_dl = WrappedDataLoader(valid_dl, preprocess)
    model.to(dev)
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    fit(cnn_epochs, model, loss_func, opt, train_dl, valid_dl, "on the device")

    tolerance = dict(rtol=1e-7, atol=1e-12) if engine.quick else dict(rtol=0.05, atol=0.005)
    for label, values in val_losses.items():
        engine.record(f"{label}: validation loss per epoch", values, **tolerance)
    engine.record("validation loss curve", [v for values in val_losses.values() for v in values], **tolerance)


if __name__ == "__main__":
    main()
