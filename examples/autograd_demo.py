"""The blitz's autograd section: tensors that record their history, ``backward()``, vector-Jacobian
products, and turning the recording off.

    python -m examples.autograd_demo                  # minitorch
    python -m examples.autograd_demo --engine torch   # real PyTorch

Random inputs come from ``engine.randn`` (the same numbers in both engines), so the two runs print the
same text; only the objects' memory addresses (and torch's ``device='cuda:0'``) differ.
"""
from ._engine import select_engine


def main(argv=None):
    engine = select_engine(argv)
    torch, device = engine.torch, engine.device

    print("--- Tensors that record their history ---")
    x = torch.ones(2, 2, requires_grad=True, device=device)
    print(x)
    y = x + 2
    print(y)
    print(y.grad_fn)  # y was made by an operation, so it knows which one
    z = y * y * 3
    out = z.mean()
    print('z=', z)
    print('out=', out)

    a = engine.randn(2, 2)
    a = ((a * 3) / (a - 1))
    print(a.requires_grad)
    a.requires_grad_(True)
    print(a.requires_grad)
    b = (a * a).sum()
    print(b.grad_fn)

    print("--- Gradients ---")
    out.backward()  # out is a scalar: the same as out.backward(torch.tensor(1.))
    print(x.grad)  # d(out)/dx_i = 3/2 (x_i + 2) = 4.5

    # y is a vector, so backward needs the vector v of a vector-Jacobian product v^T J
    x = engine.randn(3, requires_grad=True)
    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2
    print(y)
    v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float, device=device)
    y.backward(v)
    print(x.grad)

    print("--- Q = 3a^3 - b^2 ---")
    a = torch.tensor([2., 3.], requires_grad=True, device=device)
    b = torch.tensor([6., 4.], requires_grad=True, device=device)
    Q = 3 * a ** 3 - b ** 2
    print(Q)
    external_grad = torch.tensor([1., 1.], device=device)  # dQ/dQ
    Q.backward(gradient=external_grad)
    print(9 * a ** 2 == a.grad)  # dQ/da = 9a^2
    print(-2 * b == b.grad)  # dQ/db = -2b

    print("--- Stopping the recording ---")
    print(x.requires_grad)
    print((x ** 2).requires_grad)
    with torch.no_grad():
        print((x ** 2).requires_grad)

    y = x.detach()  # same values, no history
    print(y.requires_grad)
    print(x.eq(y).all())

    # An operation's output requires grad as soon as one input does
    x = torch.rand(5, 5, device=device)
    y = torch.rand(5, 5, device=device)
    z = torch.rand((5, 5), requires_grad=True, device=device)
    a = x + y
    print(f"Does `a` require gradients? : {a.requires_grad}")
    b = x + z
    print(f"Does `b` require gradients?: {b.requires_grad}")


if __name__ == "__main__":
    main()
