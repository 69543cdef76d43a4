"""Forward-mode AD timings, minitorch against torch (``python -m benchmarks.forward_ad [lenet] [jacobian]``; torch at 1
thread).

- ``lenet``: the blitz's LeNet (batch 4, 3x32x32) run forward with a dual input (one JVP per op), beside the
  plain forward pass: what a forward-mode pass costs over the forward pass itself.
- ``jacobian``: docs/forward_and_reverse.md's table - the Jacobian of f: R^n -> R^1 and of g: R^1 -> R^n
  built column by column (forward mode: n JVPs, or 1) and row by row (reverse mode: 1 VJP, or n).
"""
import sys

import numpy as np

from benchmarks.nets import blitz_net
from benchmarks.timing import case, compare, print_rows


def lenet(dual):
    def make(lib):
        lib.manual_seed(0)
        net = blitz_net(lib)
        for p in net.parameters():
            p.requires_grad_(False)  # forward mode alone: no graph recorded
        rng = np.random.default_rng(0)
        x = lib.from_numpy(rng.standard_normal((4, 3, 32, 32)).astype(np.float32))
        v = lib.from_numpy(rng.standard_normal((4, 3, 32, 32)).astype(np.float32))
        fw = lib.autograd.forward_ad

        def run():
            if not dual:
                return net(x)
            with fw.dual_level():
                return fw.unpack_dual(net(fw.make_dual(x, v))).tangent
        return run
    return make


# the functions of docs/forward_and_reverse.md: f(x) = Σ tanh(W x)² (n inputs, one output), g(t) = sin(t·a)·a
# (one input, n outputs)
def f(lib, w, x):
    return ((w @ x).tanh() ** 2).sum().reshape(1)


def g(lib, a, t):
    return (t * a).sin() * a


def jacobian(function, n, mode):
    """The full Jacobian of ``function`` at a point: forward mode, one JVP per input; reverse, one VJP per output."""
    def make(lib):
        rng = np.random.default_rng(1)
        if function == "f":
            w = lib.from_numpy(rng.standard_normal((n, n)) / n ** 0.5)
            fn, x0 = (lambda x: f(lib, w, x)), lib.from_numpy(rng.standard_normal(n))
        else:
            a = lib.from_numpy(rng.standard_normal(n))
            fn, x0 = (lambda t: g(lib, a, t)), lib.from_numpy(np.array([0.3]))
        fw, eye_in = lib.autograd.forward_ad, lib.eye(x0.numel(), dtype=lib.float64)

        def forward():
            with fw.dual_level():
                return lib.stack([fw.unpack_dual(fn(fw.make_dual(x0, e))).tangent for e in eye_in], 1)

        def reverse():
            x = x0.detach().requires_grad_()
            y = fn(x)
            return lib.stack([lib.autograd.grad(y, x, e, retain_graph=True)[0]
                              for e in lib.eye(y.numel(), dtype=lib.float64)])
        return forward if mode == "forward" else reverse
    return make


def cases(repeat=7, min_time=0.05, groups=("lenet", "jacobian")):
    rows = [case("lenet", f"{'forward with a dual input' if dual else 'forward alone'}",
                 compare(lenet(dual), repeat, min_time)) for dual in (False, True)] if "lenet" in groups else []
    for function in ("f", "g") if "jacobian" in groups else ():
        for n in (10, 100, 1000):
            for mode in ("forward", "reverse"):
                rows.append(case("jacobian", f"{function} n={n} {mode}", compare(jacobian(function, n, mode),
                                                                                   repeat, min_time)))
    return rows


if __name__ == "__main__":
    import torch
    torch.set_num_threads(1)
    print_rows(cases(repeat=5, min_time=0.02, groups=sys.argv[1:] or ("lenet", "jacobian")))
