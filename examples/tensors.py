"""The blitz's tensor section: making tensors, their attributes, operations on them, and the bridge to
NumPy (seed 000, "二、张量", with what seed 001's tensor section adds: ``empty``, ``new_ones``,
``randn_like``, ``size()``, ``add(out=)``, ``view``, ``item`` and CUDA tensors).

    python -m examples.tensors                  # minitorch
    python -m examples.tensors --engine torch   # real PyTorch

The tutorial prints ``torch.rand`` output, which cannot be the same in two engines whose random generators
differ. Here the random *functions* are still called, but what is printed of them is their shape, dtype and
range; the numbers that are printed come from ``engine.randn`` (the same in both engines). Uninitialised
memory (``torch.empty``) is never printed either.
"""
import numpy as np

from ._engine import select_engine


def main(argv=None):
    engine = select_engine(argv)
    torch, device = engine.torch, engine.device

    print("--- Initialising a tensor ---")
    # Directly from data: the dtype is inferred from the data (Python ints -> int64)
    data = [[1, 2], [3, 4]]
    x_data = torch.tensor(data)
    print(f"From data: \n {x_data} \n")

    # From a NumPy array (and back, see the NumPy bridge below)
    np_array = np.array(data)
    x_np = torch.from_numpy(np_array)
    print(f"From NumPy: \n {x_np} \n")

    # From another tensor: the new one keeps its shape and dtype unless told otherwise
    x_ones = torch.ones_like(x_data)  # keeps the properties of x_data
    print(f"Ones Tensor: \n {x_ones} \n")

    x_rand = torch.rand_like(x_data, dtype=torch.float)  # overrides the dtype of x_data: int -> float
    # Its values differ between the engines' generators; what they share is the shape, the new dtype, and
    # that every value lies in [0, 1).
    print(f"Random Tensor: {x_rand.shape}, {x_rand.dtype}, in [0, 1): {((x_rand >= 0) & (x_rand < 1)).all()} \n")

    # With a shape: a tuple of the tensor's dimensions
    shape = (2, 3,)
    rand_tensor = torch.rand(shape)
    ones_tensor = torch.ones(shape)
    zeros_tensor = torch.zeros(shape)
    print(f"Random Tensor: {rand_tensor.shape}, in [0, 1): {((rand_tensor >= 0) & (rand_tensor < 1)).all()} \n")
    print(f"Ones Tensor: \n {ones_tensor} \n")
    print(f"Zeros Tensor: \n {zeros_tensor}")

    print("--- More ways: empty, new_*, *_like, size() ---")
    # Seed 001 starts with torch.empty: a tensor whose memory is not initialised. Its contents are whatever
    # was in that memory, so only its shape is printed.
    x = torch.empty(5, 3)
    print(x.shape)
    zero_x = torch.zeros(5, 3, dtype=torch.long)  # all zeros, dtype long (int64)
    print(zero_x)
    tensor1 = torch.tensor([5.5, 3])
    print(tensor1)
    # new_* methods take a size and keep the tensor's dtype and device, unless told otherwise
    tensor2 = tensor1.new_ones(5, 3, dtype=torch.double)
    print(tensor2)
    # randn_like keeps the size; the dtype is overridden. Random again, so its size and dtype are printed ...
    tensor3 = torch.randn_like(tensor2, dtype=torch.float)
    print('tensor3: ', tensor3.size(), tensor3.dtype)
    # ... and for the operations below tensor3 takes the same normal samples in both engines.
    tensor3 = engine.randn(5, 3)
    print('tensor3: ', tensor3)
    print(tensor3.size())  # torch.Size is a tuple, and supports all tuple operations
    rows, cols = tensor3.size()
    print(rows * cols, tensor3.size()[1:], tensor3.size() == (5, 3))

    print("--- Attributes of a tensor ---")
    tensor = torch.rand(3, 4)
    print(f"Shape of tensor: {tensor.shape}")
    print(f"Datatype of tensor: {tensor.dtype}")
    print(f"Device tensor is stored on: {tensor.device}")

    print("--- Operations on tensors ---")
    # Move the tensor to the GPU if there is one: the tutorial's `if torch.cuda.is_available(): tensor =
    # tensor.to('cuda')`. Here `device` is the engine's choice: the CPU when there is no GPU, in minitorch,
    # or with --device cpu, where .to(device) returns the tensor itself.
    tensor = tensor.to(device)

    # Standard numpy-like indexing and slicing
    tensor = torch.ones(4, 4, device=device)
    print(f"First row: {tensor[0]}")
    print(f"First column: {tensor[:, 0]}")
    print(f"Last column: {tensor[..., -1]}")
    tensor[:, 1] = 0  # column 1 (counting from 0) set to 0
    print(tensor)

    # Joining tensors: torch.cat concatenates along an existing dimension (torch.stack adds a new one)
    t1 = torch.cat([tensor, tensor, tensor], dim=1)
    print(t1)
    print(torch.stack([tensor, tensor]).shape)

    # Element-wise product
    print(f"tensor.mul(tensor): \n {tensor.mul(tensor)} \n")
    # Alternative syntax:
    print(f"tensor * tensor: \n {tensor * tensor}")
    # ... or into an existing tensor with out=. Its old (random) values are overwritten.
    z3 = torch.rand_like(tensor)
    torch.mul(tensor, tensor, out=z3)
    print(f"torch.mul(tensor, tensor, out=z3): \n {z3} \n")

    # Matrix multiplication
    print(f"tensor.matmul(tensor.T): \n {tensor.matmul(tensor.T)} \n")
    # Alternative syntax:
    print(f"tensor @ tensor.T: \n {tensor @ tensor.T}")
    y3 = torch.rand_like(tensor)
    torch.matmul(tensor, tensor.T, out=y3)
    print(f"torch.matmul(tensor, tensor.T, out=y3): \n {y3} \n")

    # Single-element tensors: aggregate to one value, then .item() turns it into a Python number
    agg = tensor.sum()
    agg_item = agg.item()
    print(agg_item, type(agg_item))

    # In-place operations end in _ (x.copy_(y), x.t_() change x). They save memory, but lose history,
    # which is a problem when computing derivatives, so their use is discouraged.
    print(tensor, "\n")
    tensor.add_(5)
    print(tensor)

    # Seed 001's addition, four ways: the operator, torch.add, torch.add(out=), and in place
    tensor4 = engine.randn(5, 3)  # torch.rand(5, 3) in the tutorial; the same numbers in both engines here
    print('tensor3 + tensor4= ', tensor3 + tensor4)
    print('tensor3 + tensor4= ', torch.add(tensor3, tensor4))
    result = torch.empty(5, 3, device=device)  # uninitialised, but out= overwrites all of it
    torch.add(tensor3, tensor4, out=result)
    print('add result= ', result)
    tensor3.add_(tensor4)
    print('tensor3= ', tensor3)
    print(tensor3[:, 0])  # the first column of tensor3

    # view reshapes without copying; -1 is inferred from the other dimensions
    x = engine.randn(4, 4)
    y = x.view(16)
    z = x.view(-1, 8)
    print(x.size(), y.size(), z.size())

    # A one-element tensor's value, as a Python number
    x = engine.randn(1)
    print(x)
    print(x.item())

    print("--- Bridge with NumPy ---")
    # On the CPU a tensor and the NumPy array made from it share their memory: changing one changes the other.
    t = torch.ones(5)
    print(f"t: {t}")
    n = t.numpy()
    print(f"n: {n}")
    t.add_(1)
    print(f"t: {t}")
    print(f"n: {n}")

    # The other way round: from_numpy shares the array's memory too
    n = np.ones(5)
    t = torch.from_numpy(n)
    np.add(n, 1, out=n)
    print(f"t: {t}")
    print(f"n: {n}")

    print("--- CUDA tensors ---")
    # Tensors move between devices with .to. The tutorial runs this only `if torch.cuda.is_available()`;
    # here `device` is the engine's choice (CUDA for torch when there is a GPU and --device allows it, the CPU
    # otherwise, and always the CPU in minitorch), so the same lines run everywhere. On CUDA, z prints with
    # device='cuda:0', which the reference report ignores.
    y = torch.ones_like(x, device=device)  # made directly on the device
    x = x.to(device)  # or .to("cuda")
    z = x + y
    print(z)
    print(z.to("cpu", torch.double))  # .to can change the device and the dtype at once

    engine.record("x_data", x_data)
    engine.record("tensor", tensor)
    engine.record("tensor3", tensor3)
    engine.record("z", z)


if __name__ == "__main__":
    main()
