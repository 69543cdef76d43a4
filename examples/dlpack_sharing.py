"""Sharing a tensor's memory with NumPy, without a copy: DLPack (torch.utils.dlpack, seed 000).

    python -m examples.dlpack_sharing                  # minitorch
    python -m examples.dlpack_sharing --engine torch   # real PyTorch

DLPack is the common format in which array libraries hand each other memory: a pointer, a dtype, a shape and
strides, in a capsule the receiver takes over. ``np.from_dlpack(t)`` and ``torch.from_dlpack(a)`` build an
array over the other library's memory - nothing is copied, so a write through one is seen through the other.
This example shows it between the engine and NumPy, on the CPU (where NumPy's memory is): whole tensors,
views with their strides, a capsule, and the refusal to share a tensor that requires grad.
"""
import numpy as np

from ._engine import select_engine


def main(argv=None):
    engine = select_engine(argv)
    torch = engine.torch

    x = torch.arange(12.0, dtype=torch.float64).reshape(3, 4)
    a = np.from_dlpack(x)  # the engine's tensor, seen by NumPy
    print(f"np.from_dlpack(x): shape {a.shape}, dtype {a.dtype}, same memory: "
          f"{a.__array_interface__['data'][0] == x.data_ptr()}")
    a[0, 0] = 100.0
    print(f"a[0, 0] = 100 in NumPy -> x[0, 0] = {x[0, 0].item()}")

    column = x[:, 1]  # a view: every 4th element, starting at the second
    c = np.from_dlpack(column)
    c[:] = -1.0
    print(f"a column view (stride {column.stride()}) as NumPy (strides {c.strides} bytes), set to -1:")
    print(x)

    b = np.zeros((2, 3), dtype=np.float32)
    y = torch.from_dlpack(b)  # NumPy's array, seen by the engine
    y += 1.5
    print(f"torch.from_dlpack(b) += 1.5 -> b = {b.tolist()}")

    capsule = torch.utils.dlpack.to_dlpack(x)
    print(f"to_dlpack(x) is a {type(capsule).__name__}")
    z = torch.from_dlpack(capsule)
    z[2] = 0.0
    print(f"a tensor from the capsule, its last row zeroed -> x[2] = {x[2].tolist()}")

    w = torch.ones(3, requires_grad=True)
    try:
        np.from_dlpack(w)
    except BufferError as error:
        print(f"a tensor that requires grad: BufferError: {error}")
    print(f"w.detach() shares: {np.from_dlpack(w.detach())}")
    engine.record("x after the writes", x)
    engine.record("b after the writes", torch.from_dlpack(b))


if __name__ == "__main__":
    main()
