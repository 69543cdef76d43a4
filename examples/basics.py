"""PyTorch's "Learn the Basics", its sections after the quickstart (``examples/quickstart.py``), each as the
tutorial writes it:

1. Tensors: initialising, attributes, indexing and slicing, ``cat``, ``@``/``matmul``/``mul`` with ``out=``,
   ``item()``, in-place operations, the NumPy bridge;
2. Datasets & DataLoaders: ``FashionMNIST``, sampling with ``torch.randint(len, size=(1,))``, a custom
   ``Dataset`` reading PNG files with ``read_image`` and labels from a CSV file, a shuffled ``DataLoader``;
3. Transforms: ``ToTensor`` and a ``Lambda`` target transform that one-hot encodes with ``scatter_``;
4. Build the Model: the device (``torch.backends.mps.is_available()``), ``NeuralNetwork``, ``Flatten``,
   ``Linear``, ``ReLU``, ``Sequential``, ``Softmax``, ``named_parameters``;
5. Autograd: ``requires_grad``, ``grad_fn``, ``backward``, ``no_grad``, ``detach``, Jacobian-vector products
   and gradients that accumulate;
6. Optimization: hyperparameters, the train and test loops, ``CrossEntropyLoss`` and ``SGD``;
7. Save & Load: ``torch.save``/``torch.load`` of a ``state_dict``; ``vgg16(weights=None)`` in the full run; the
   whole module (``torch.save(model)``, loaded with ``weights_only=False``).

    python -m examples.basics                  # minitorch
    python -m examples.basics --engine torch   # real PyTorch
    python -m examples.basics --quick          # 200 batches in float64; save & load of the small model

What the tutorial draws at random (``torch.rand``, ``torch.randint``, a shuffled loader) differs between
two engines' generators: the random calls are still made, but what is printed comes from ``engine.rand``,
``engine.randn`` and ``engine.order`` (the same in both). The tutorial's pictures (matplotlib) are saved
to the ``--output`` folder when matplotlib is installed. Not here: ONNX export. The tutorial trains for 10
epochs; the full run here does ``--epochs`` (1 by default: the quickstart example already trains the same
network and loop for 5) to stay within the reference's time budget.
"""
import csv
import os
import struct
import sys
import zlib

import numpy as np

from ._data import default_root, fashion_mnist_root
from ._engine import select_engine
from ._progress import progress
from .quickstart import fashion_mnist, make_model, tutorial_device

LABELS_MAP = {0: "T-Shirt", 1: "Trouser", 2: "Pullover", 3: "Dress", 4: "Coat", 5: "Sandal", 6: "Shirt",
              7: "Sneaker", 8: "Bag", 9: "Ankle Boot"}


def add_arguments(parser):
    parser.add_argument("--root", default=None, help="the data folder (Fashion-MNIST is unpacked there from "
                        "Debian's copy if needed); default: $MINITORCH_DATA or ~/.cache/minitorch/data")
    parser.add_argument("--epochs", type=int, default=1, help="the optimization section's epochs "
                        "(the tutorial: 10; the quickstart example trains the same network for 5)")


def write_png(path, pixels):
    """Write a uint8 (H, W) array as an 8-bit greyscale PNG: the signature, IHDR, one zlib IDAT of the rows
    (each after filter byte 0), IEND; every chunk with its CRC."""
    height, width = pixels.shape

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + row.tobytes() for row in pixels)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def show_samples(engine, samples, path):
    """The tutorial's 3x3 figure of training images, saved to ``path`` when matplotlib is installed."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    figure = plt.figure(figsize=(8, 8))
    for i, (img, label) in enumerate(samples, 1):
        figure.add_subplot(3, 3, i)
        plt.title(LABELS_MAP[label])
        plt.axis("off")
        plt.imshow(img.squeeze().cpu().numpy(), cmap="gray")
    figure.savefig(path, dpi=60)
    plt.close(figure)
    sys.stderr.write(f"samples: {path}\n")


def tensors(engine):
    torch, device = engine.torch, engine.device
    print("=== 1. Tensors ===")
    data = [[1, 2], [3, 4]]
    x_data = torch.tensor(data)
    np_array = np.array(data)
    x_np = torch.from_numpy(np_array)
    print(f"From NumPy: \n {x_np} \n")
    x_ones = torch.ones_like(x_data)  # keeps the properties of x_data
    print(f"Ones Tensor: \n {x_ones} \n")
    x_rand = torch.rand_like(x_data, dtype=torch.float)  # overrides the datatype of x_data
    # its numbers are the engine's own: what both share is the shape, the dtype and the range
    print(f"Random Tensor: {x_rand.shape} {x_rand.dtype}, in [0, 1): {bool(((x_rand >= 0) & (x_rand < 1)).all())} \n")

    shape = (2, 3,)
    rand_tensor = torch.rand(shape)
    ones_tensor = torch.ones(shape)
    zeros_tensor = torch.zeros(shape)
    print(f"Random Tensor: {rand_tensor.shape} \n")
    print(f"Ones Tensor: \n {ones_tensor} \n")
    print(f"Zeros Tensor: \n {zeros_tensor}")

    tensor = torch.rand(3, 4)
    print(f"Shape of tensor: {tensor.shape}")
    print(f"Datatype of tensor: {tensor.dtype}")
    print(f"Device tensor is stored on: {tensor.device}")
    # the tutorial moves it to the accelerator when there is one (here: the engine's device)
    tensor = tensor.to(device)

    tensor = torch.ones(4, 4, device=device)
    print(f"First row: {tensor[0]}")
    print(f"First column: {tensor[:, 0]}")
    print(f"Last column: {tensor[..., -1]}")
    tensor[:, 1] = 0
    print(tensor)
    t1 = torch.cat([tensor, tensor, tensor], dim=1)
    print(t1)

    # matrix products: y1, y2, y3 hold the same values
    y1 = tensor @ tensor.T
    y2 = tensor.matmul(tensor.T)
    y3 = torch.rand_like(y1)
    torch.matmul(tensor, tensor.T, out=y3)
    # element-wise products: z1, z2, z3 hold the same values
    z1 = tensor * tensor
    z2 = tensor.mul(tensor)
    z3 = torch.rand_like(tensor)
    torch.mul(tensor, tensor, out=z3)
    print(y1, torch.equal(y1, y2) and torch.equal(y1, y3))
    print(z1, torch.equal(z1, z2) and torch.equal(z1, z3))

    agg = tensor.sum()
    agg_item = agg.item()
    print(agg_item, type(agg_item))

    print(f"{tensor} \n")
    tensor.add_(5)
    print(tensor)

    # the NumPy bridge: a CPU tensor and its array share memory
    t = torch.ones(5)
    print(f"t: {t}")
    n = t.numpy()
    print(f"n: {n}")
    t.add_(1)
    print(f"t: {t}")
    print(f"n: {n}")
    n = np.ones(5)
    t = torch.from_numpy(n)
    np.add(n, 1, out=n)
    print(f"t: {t}")
    print(f"n: {n}")
    engine.record("tensors: t1", t1)


def datasets_and_loaders(engine, training_data):
    torch = engine.torch
    print("=== 2. Datasets & DataLoaders ===")
    print(f"{len(training_data)} training images: {training_data[0][0].shape}, label {training_data[0][1]}")
    # The tutorial picks 9 samples with torch.randint(len(training_data), size=(1,)): each engine's own
    # numbers, checked here for their range; the samples shown come from the seeded order (the same in both)
    sample_idx = torch.randint(len(training_data), size=(1,)).item()
    print(f"torch.randint(len(training_data), size=(1,)) is a valid index: {0 <= sample_idx < len(training_data)}")
    samples = [training_data[i] for i in list(engine.order(len(training_data), seed=1))[:9]]
    print("samples:", ", ".join(LABELS_MAP[label] for _, label in samples))
    show_samples(engine, samples, os.path.join(engine.output, "fashion_mnist_samples.png"))

    # A custom Dataset for files: images in a folder, labels in a CSV file. The tutorial reads its own
    # files; here 10 test images are written as PNGs first (and the CSV read with csv, not pandas)
    img_dir = os.path.join(engine.output, "custom_dataset")
    os.makedirs(img_dir, exist_ok=True)
    annotations_file = os.path.join(img_dir, "labels.csv")
    images = (training_data[i] for i in range(10))
    with open(annotations_file, "w", newline="") as f:
        for i, (img, label) in enumerate(images):
            name = f"{LABELS_MAP[label].lower().replace(' ', '').replace('-', '')}{i}.png"
            write_png(os.path.join(img_dir, name), (img[0] * 255).round().byte().cpu().numpy())
            csv.writer(f).writerow([name, label])
    read_image = engine.vision.io.read_image

    class CustomImageDataset(torch.utils.data.Dataset):
        def __init__(self, annotations_file, img_dir, transform=None, target_transform=None):
            with open(annotations_file, newline="") as f:
                self.img_labels = [(name, int(label)) for name, label in csv.reader(f)]
            self.img_dir = img_dir
            self.transform = transform
            self.target_transform = target_transform

        def __len__(self):
            return len(self.img_labels)

        def __getitem__(self, idx):
            img_path = os.path.join(self.img_dir, self.img_labels[idx][0])
            image = read_image(img_path)
            label = self.img_labels[idx][1]
            if self.transform:
                image = self.transform(image)
            if self.target_transform:
                label = self.target_transform(label)
            return image, label

    custom = CustomImageDataset(annotations_file, img_dir)
    image, label = custom[3]
    print(f"CustomImageDataset: {len(custom)} images; [3]: {image.shape} {image.dtype}, label {label}")
    print(f"read back as written: {torch.equal(image, (training_data[3][0] * 255).round().byte())}")

    # The tutorial shuffles (shuffle=True): here the order comes from the sampler, the same in both engines
    train_dataloader = torch.utils.data.DataLoader(training_data, batch_size=64,
                                                   sampler=engine.order(len(training_data)))
    train_features, train_labels = next(iter(train_dataloader))
    print(f"Feature batch shape: {train_features.size()}")
    print(f"Labels batch shape: {train_labels.size()}")
    img = train_features[0].squeeze()
    label = train_labels[0]
    print(f"img: {img.shape}, Label: {label}")
    engine.record("first shuffled batch: labels", train_labels)


def transforms(engine):
    torch = engine.torch
    ToTensor, Lambda = engine.vision.transforms.ToTensor, engine.vision.transforms.Lambda
    print("=== 3. Transforms ===")
    # The tutorial transforms the training set; here the test set (the same transforms, a sixth of the reading)
    ds = engine.vision.datasets.FashionMNIST(
        root=fashion_mnist_root(engine.args.root or default_root()),
        train=False,
        download=False,
        transform=ToTensor(),
        # one-hot: a zero vector with a 1 scattered to the label's position
        target_transform=Lambda(lambda y: torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1)),
    )
    img, target = ds[0]
    print(img.shape, img.dtype, f"in [{img.min()}, {img.max()}]")
    print(target)


def build_model(engine):
    torch, nn = engine.torch, engine.nn
    print("=== 4. Build the Neural Network ===")
    device = tutorial_device(engine)
    print(f"Using {device} device")
    model = engine.same_weights(make_model(engine), "basics_model").to(device)
    print(model)

    X = engine.rand(1, 28, 28)  # the tutorial: torch.rand(1, 28, 28, device=device)
    logits = model(X)
    pred_probab = nn.Softmax(dim=1)(logits)
    y_pred = pred_probab.argmax(1)
    print(f"Predicted class: {y_pred}")
    engine.record("build: pred_probab", pred_probab)

    input_image = engine.rand(3, 28, 28)
    print(input_image.size())
    flatten = nn.Flatten()
    flat_image = flatten(input_image)
    print(flat_image.size())
    layer1 = engine.same_weights(nn.Linear(in_features=28 * 28, out_features=20), "basics_layer1").to(device)
    hidden1 = layer1(flat_image)
    print(hidden1.size())
    print(f"Before ReLU: {hidden1}\n\n")
    hidden1 = nn.ReLU()(hidden1)
    print(f"After ReLU: {hidden1}")

    seq_modules = nn.Sequential(
        flatten,
        layer1,
        nn.ReLU(),
        engine.same_weights(nn.Linear(20, 10), "basics_linear_20_10").to(device)
    )
    input_image = engine.rand(3, 28, 28)
    logits = seq_modules(input_image)
    softmax = nn.Softmax(dim=1)
    pred_probab = softmax(logits)
    print(pred_probab.sum(1))
    engine.record("build: seq_modules softmax", pred_probab)

    print(f"Model structure: {model}\n\n")
    for name, param in model.named_parameters():
        print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n")


def autograd(engine):
    torch, F = engine.torch, engine.F
    print("=== 5. Automatic Differentiation with torch.autograd ===")
    x = torch.ones(5)  # input tensor
    y = torch.zeros(3)  # expected output
    w = engine.randn(5, 3, requires_grad=True)  # the tutorial: torch.randn(5, 3, requires_grad=True)
    b = engine.randn(3, requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = F.binary_cross_entropy_with_logits(z, y)
    print(f"Gradient function for z = {z.grad_fn}")
    print(f"Gradient function for loss = {loss.grad_fn}")
    loss.backward()
    print(w.grad)
    print(b.grad)
    engine.record("autograd: w.grad", w.grad)
    engine.record_graph("autograd: loss graph", loss)

    z = torch.matmul(x, w) + b
    print(z.requires_grad)
    with torch.no_grad():
        z = torch.matmul(x, w) + b
    print(z.requires_grad)
    z = torch.matmul(x, w) + b
    z_det = z.detach()
    print(z_det.requires_grad)

    # a vector-valued output: backward(v) gives the vector-Jacobian product v^T J; gradients accumulate
    inp = torch.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"First call\n{inp.grad}")
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"\nSecond call\n{inp.grad}")
    inp.grad.zero_()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"\nCall after zeroing gradients\n{inp.grad}")


def optimization(engine, training_data, test_data):
    torch, nn, args = engine.torch, engine.nn, engine.args
    dtype = torch.float64 if engine.quick else torch.float32  # --quick: float64, as in quickstart.py
    print("=== 6. Optimizing Model Parameters ===")
    device = tutorial_device(engine)
    if engine.quick:
        Subset = torch.utils.data.Subset
        training_data, test_data = Subset(training_data, range(200 * 64)), Subset(test_data, range(1000))
    train_dataloader = torch.utils.data.DataLoader(training_data, batch_size=64)
    test_dataloader = torch.utils.data.DataLoader(test_data, batch_size=64)
    # Build the Model's network: no ReLU after the last layer
    model = engine.same_weights(make_model(engine, final_relu=False), "basics_optimization").to(device, dtype)

    learning_rate = 1e-3
    batch_size = 64
    epochs = 1 if engine.quick else args.epochs
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    losses, accuracies = [], []

    def train_loop(dataloader, model, loss_fn, optimizer, label):
        size = len(dataloader.dataset)
        # training mode: matters for batch normalization and dropout (none here), good practice
        model.train()
        for batch, (X, y) in enumerate(progress(dataloader, len(dataloader), label)):
            X, y = X.to(device, dtype), y.to(device)
            pred = model(X)
            loss = loss_fn(pred, y)

            # Backpropagation
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()

            if batch % 100 == 0:
                loss, current = loss.item(), batch * batch_size + len(X)
                losses.append(loss)
                print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")

    def test_loop(dataloader, model, loss_fn):
        model.eval()
        size = len(dataloader.dataset)
        num_batches = len(dataloader)
        test_loss, correct = 0, 0
        # no_grad: no graph is recorded while testing
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
        train_loop(train_dataloader, model, loss_fn, optimizer, f"{engine.name} epoch {t + 1}/{epochs}")
        test_loop(test_dataloader, model, loss_fn)
    print("Done!")
    engine.record("optimization: printed losses", losses, rtol=1e-9 if engine.quick else 0,
                  atol=1e-12 if engine.quick else 2e-4)
    engine.record("optimization: test accuracy (%)", accuracies, rtol=0, atol=1e-9 if engine.quick else 0.3)
    return model


def save_and_load(engine, trained):
    torch = engine.torch
    print("=== 7. Save and Load the Model ===")
    if engine.quick:
        # vgg16 has 138 million parameters (553 MB to save and read back): --quick does the same with the
        # network trained above
        model, make, name = trained, lambda: make_model(engine, final_relu=False), "NeuralNetwork"
    else:
        models = engine.vision.models
        # the tutorial loads ImageNet weights (weights='IMAGENET1K_V1'); offline, the untrained network
        model, make, name = models.vgg16(weights=None), lambda: models.vgg16(), "vgg16"
        engine.record("print(vgg16)", str(model))
    path = os.path.join(engine.output, "model_weights.pth")
    torch.save(model.state_dict(), path)
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, "
          f"{len(model.state_dict())} state_dict entries saved to model_weights.pth")

    saved = model.state_dict()
    model = make()  # we do not specify ``weights``, i.e. create an untrained model
    model.load_state_dict(torch.load(path, weights_only=True))
    model.eval()
    loaded = model.state_dict()
    print("every tensor loaded equals the saved one:",
          all(torch.equal(loaded[k].cpu(), saved[k].cpu().to(loaded[k].dtype)) for k in saved))
    print(f"eval mode: {not model.training}")
    if not engine.quick:
        os.remove(path)  # 553 MB: not kept in the report folder

    # the tutorial's "Saving and Loading Models with Shapes": the whole module, pickled with its class (here the
    # trained network's Sequential: pickle finds a class by its import path, and NeuralNetwork is local to
    # make_model)
    whole = trained.linear_relu_stack.eval()
    path = os.path.join(engine.output, "model.pth")
    torch.save(whole, path)
    try:
        torch.load(path)
    except Exception as e:  # weights_only=True by default: a pickled class is refused
        print(f"load of a whole module by default: {type(e).__name__}: {str(e).splitlines()[0]}")
    model = torch.load(path, weights_only=False)  # the tutorial's call: only for a file you trust
    print(f"loaded the whole module: {type(model).__name__}, eval mode: {not model.training}, equal tensors:",
          all(torch.equal(t.cpu(), whole.state_dict()[k].cpu()) for k, t in model.state_dict().items()))
    os.remove(path)


def main(argv=None):
    engine = select_engine(argv, add_arguments)
    os.makedirs(engine.output, exist_ok=True)
    if engine.device.type == "cpu":
        # float32 outputs of matrix products printed to 4 decimals may round apart by one unit on another
        # CPU's kernels (as in neural_networks.py)
        engine.tolerate(r"^\s*\[?\[?-?\d|Before ReLU|After ReLU|Values|tensor\(\[", 0, 1e-4)
    else:
        engine.tolerate(r"^\s*\[?\[?-?\d|Before ReLU|After ReLU|Values|tensor\(\[", 1e-2, 1e-3)
    if not engine.quick:
        engine.tolerate(r"^loss:", 0, 2e-4)
        engine.tolerate(r"Accuracy", 0, 0.3)
    tensors(engine)
    training_data, test_data = fashion_mnist(engine, engine.args.root)
    datasets_and_loaders(engine, training_data)
    transforms(engine)
    build_model(engine)
    autograd(engine)
    trained = optimization(engine, training_data, test_data)
    save_and_load(engine, trained)


if __name__ == "__main__":
    main()
