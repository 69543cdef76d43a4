"""Item c: engine overhead on graphs so small that the arithmetic costs nothing, so what is timed is
building the graph and walking it backward."""
import numpy as np

from benchmarks.timing import case, compare


def scalar_chain(lib):
    """``z = z * b + a`` five times on 0-d tensors (10 ops), then backward."""
    a, b, x = (lib.tensor(v, requires_grad=True) for v in (1.5, 0.5, 2.0))

    def run():
        z = x
        for _ in range(5):
            z = z * b + a
        z.backward()
        a.grad = b.grad = x.grad = None
    return run


def small_matmul(lib):
    """An 8x8 matmul, tanh, sum, then backward."""
    w = np.random.default_rng(0).standard_normal((8, 8)).astype(np.float32)
    x = lib.from_numpy(w).requires_grad_()

    def run():
        (x @ x).tanh().sum().backward()
        x.grad = None
    return run


def cases(repeat, min_time):
    return [case("overhead", "10-op 0-d chain fwd+bwd", compare(scalar_chain, repeat, min_time)),
            case("overhead", "8x8 matmul-tanh-sum fwd+bwd", compare(small_matmul, repeat, min_time))]
