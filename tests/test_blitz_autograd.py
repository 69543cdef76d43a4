"""The blitz's autograd sections (seed 000 section 3 "torch.autograd", seed 001 section 2 "autograd", and the old
``Variable`` version of seed 004), run as written in minitorch and in torch: what they print must be the same
(object addresses aside). Random inputs are drawn once, by torch, and given to both."""
import re

import torch

import minitorch

ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")


def printed(capsys, snippet):
    """What ``snippet(lib)`` prints, asserted equal in both libraries (addresses of objects aside)."""
    snippet(minitorch)
    mine = ADDRESS.sub(" at 0x...>", capsys.readouterr().out)
    snippet(torch)
    theirs = ADDRESS.sub(" at 0x...>", capsys.readouterr().out)
    assert mine == theirs, f"minitorch printed:\n{mine}\ntorch printed:\n{theirs}"
    return mine


def torch_random(make, seed=0):
    """Values drawn by torch (``make(torch)`` after seeding), as nested lists both libraries accept."""
    torch.manual_seed(seed)
    return make(torch).tolist()


# -- seed 001, section 2.1: tensors and grad_fn ------------------------------------------------------------
def test_001_tensors_that_track_history(capsys):
    def snippet(lib):
        x = lib.ones(2, 2, requires_grad=True)
        print(x)
        y = x + 2
        print(y)
        print(y.grad_fn)
        z = y * y * 3
        out = z.mean()
        print('z=', z)
        print('out=', out)
        out.backward()
        print(x.grad)

    out = printed(capsys, snippet)
    assert out == ("tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)\n"
                   "tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)\n"
                   "<AddBackward0 object at 0x...>\n"
                   "z= tensor([[27., 27.],\n        [27., 27.]], grad_fn=<MulBackward0>)\n"
                   "out= tensor(27., grad_fn=<MeanBackward0>)\n"
                   "tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])\n")


def test_001_requires_grad_(capsys):
    values = torch_random(lambda lib: lib.randn(2, 2))

    def snippet(lib):
        a = lib.tensor(values)  # torch.randn(2, 2)
        a = ((a * 3) / (a - 1))
        print(a.requires_grad)
        a.requires_grad_(True)
        print(a.requires_grad)
        b = (a * a).sum()
        print(b.grad_fn)

    assert printed(capsys, snippet) == "False\nTrue\n<SumBackward0 object at 0x...>\n"


def test_001_vector_jacobian_product(capsys):
    values = torch_random(lambda lib: lib.randn(3))

    def snippet(lib):
        x = lib.tensor(values, requires_grad=True)  # torch.randn(3, requires_grad=True)
        y = x * 2
        while y.data.norm() < 1000:
            y = y * 2
        print(y)
        v = lib.tensor([0.1, 1.0, 0.0001], dtype=lib.float)
        y.backward(v)
        print(x.grad)
        print(x.requires_grad)
        print((x ** 2).requires_grad)
        with lib.no_grad():
            print((x ** 2).requires_grad)

    out = printed(capsys, snippet)
    assert "grad_fn=<MulBackward0>)\n" in out and out.endswith("True\nTrue\nFalse\n")


# -- seed 000, section 3: differentiation in autograd, the DAG, excluding from the DAG ----------------------
def test_000_collected_gradients_are_correct(capsys):
    def snippet(lib):
        a = lib.tensor([2., 3.], requires_grad=True)
        b = lib.tensor([6., 4.], requires_grad=True)
        Q = 3*a**3 - b**2
        external_grad = lib.tensor([1., 1.])
        Q.backward(gradient=external_grad)
        # check if collected gradients are correct
        print(9*a**2 == a.grad)
        print(-2*b == b.grad)
        print(Q.grad_fn, Q.grad_fn.next_functions)
        print(a.grad, b.grad)

    out = printed(capsys, snippet)
    assert out.startswith("tensor([True, True])\ntensor([True, True])\n<SubBackward0 object at 0x...>")


def test_000_Q_summed_to_a_scalar_gives_the_same_gradients(capsys):
    def snippet(lib):
        a = lib.tensor([2., 3.], requires_grad=True)
        b = lib.tensor([6., 4.], requires_grad=True)
        Q = 3*a**3 - b**2
        Q.sum().backward()
        print(a.grad, b.grad)

    assert printed(capsys, snippet) == "tensor([36., 81.]) tensor([-12.,  -8.])\n"


def test_000_exclusion_from_the_dag(capsys):
    x_values, y_values, z_values = (torch_random(lambda lib: lib.rand(5, 5), seed) for seed in (1, 2, 3))

    def snippet(lib):
        x = lib.tensor(x_values)  # torch.rand(5, 5)
        y = lib.tensor(y_values)
        z = lib.tensor(z_values, requires_grad=True)  # torch.rand((5, 5), requires_grad=True)

        a = x + y
        print(f"Does `a` require gradients? : {a.requires_grad}")
        b = x + z
        print(f"Does `b` require gradients?: {b.requires_grad}")

    assert printed(capsys, snippet) == ("Does `a` require gradients? : False\n"
                                        "Does `b` require gradients?: True\n")


def test_000_frozen_parameters_get_no_gradient(capsys):
    """The fine-tuning idea with plain tensors: frozen weights stay out of the DAG; the classifier learns."""
    values = torch_random(lambda lib: lib.randn(4, 3))

    def snippet(lib):
        features = lib.tensor(values)
        backbone = lib.tensor([[0.5, -1.0], [2.0, 0.25], [1.0, 1.0]], requires_grad=True)
        # Freeze all the parameters in the network
        backbone.requires_grad = False
        fc = lib.tensor([[1.0], [-1.0]], requires_grad=True)
        loss = ((features @ backbone) @ fc).sum()
        loss.backward()
        print(backbone.grad, fc.grad is None, loss.grad_fn)
        with lib.no_grad():
            print((features @ fc.new_ones(3, 2)).requires_grad)
        detached = loss.detach()
        print(detached.requires_grad, detached.grad_fn, detached)

    printed(capsys, snippet)


# -- seed 004: the old Variable API ------------------------------------------------------------------------
def test_004_variable(capsys):
    values = torch_random(lambda lib: lib.randn(3))

    def snippet(lib):
        from_autograd = lib.autograd
        x = from_autograd.Variable(lib.ones(2, 2), requires_grad=True)
        print(x)
        y = x + 2
        print(y)
        z = y * y * 3
        out = z.mean()
        print(z, out)
        out.backward()
        print(x.grad)
        x = lib.tensor(values)
        x = from_autograd.Variable(x, requires_grad=True)
        y = x * 2
        while y.data.norm() < 1000:
            y = y * 2
        print(y)
        y.backward(lib.tensor([0.1, 1.0, 0.0001]))
        print(x.grad)

    printed(capsys, snippet)
