"""Function-transform timings, minitorch against torch.func (``python -m benchmarks.transforms [per_sample]
[jacobian]``; torch at 1 thread).

- ``per_sample``: per-sample gradients of the blitz net (benchmarks/nets.py, LeNet on 3x32x32) at batch 64,
  ``vmap(grad(loss), in_dims=(None, 0, 0))`` over a ``functional_call`` of the net; beside it the same gradients
  by a Python loop (one sample at a time, a batch of one through the net, ``autograd.grad``) in each engine.
  The target (issue 18): minitorch's vmap at most 3x torch.func's, and faster than minitorch's own loop.
- ``jacobian``: ``jacfwd`` against ``jacrev`` on a map 100 -> 10 (reverse mode's case: 10 VJPs against 100 JVPs)
  and 10 -> 100 (forward mode's case).
"""
import sys

import numpy as np

from benchmarks.nets import blitz_net
from benchmarks.timing import case, compare, print_rows

BATCH = 64


def _blitz(lib):
    """The net, its parameters as plain tensors, a batch of 64 images and labels, and the loss of a batch."""
    lib.manual_seed(0)
    net = blitz_net(lib)
    params = {k: v.detach() for k, v in net.named_parameters()}
    rng = np.random.default_rng(0)
    x = lib.from_numpy(rng.standard_normal((BATCH, 3, 32, 32)).astype(np.float32))
    y = lib.from_numpy(rng.integers(0, 10, BATCH))

    def loss(params, x, y):
        return lib.nn.functional.cross_entropy(lib.func.functional_call(net, params, (x,)), y)
    return net, params, x, y, loss


def per_sample_vmap(lib):
    """vmap(grad): one sample's loss, its gradient with respect to the shared parameters, mapped."""
    _, params, x, y, loss = _blitz(lib)
    one = lambda p, xi, yi: loss(p, xi.unsqueeze(0), yi.unsqueeze(0))  # noqa: E731
    per_sample = lib.func.vmap(lib.func.grad(one), in_dims=(None, 0, 0))
    return lambda: per_sample(params, x, y)


def per_sample_loop(lib):
    """A Python loop: each sample through the net as a batch of one, ``autograd.grad`` of its loss."""
    net, _, x, y, _ = _blitz(lib)
    F, weights = lib.nn.functional, list(net.parameters())

    def run():
        grads = [lib.autograd.grad(F.cross_entropy(net(x[i:i + 1]), y[i:i + 1]), weights) for i in range(BATCH)]
        return [lib.stack(g) for g in zip(*grads)]
    return run


def jacobian(n_in, n_out, mode):
    """jacfwd or jacrev of x -> tanh(W x) * 2 + (W x)^2, W of n_out x n_in (float64)."""
    def make(lib):
        rng = np.random.default_rng(1)
        w = lib.from_numpy(rng.standard_normal((n_out, n_in)) / n_in ** 0.5)
        x = lib.from_numpy(rng.standard_normal(n_in))
        fn = lambda x: (w @ x).tanh() * 2 + (w @ x) ** 2  # noqa: E731
        jac = (lib.func.jacfwd if mode == "jacfwd" else lib.func.jacrev)(fn)
        return lambda: jac(x)
    return make


def cases(repeat=7, min_time=0.05, groups=("per_sample", "jacobian")):
    made = []
    if "per_sample" in groups:
        made += [(f"per-sample grads blitz b={BATCH} vmap(grad)", per_sample_vmap),
                 (f"per-sample grads blitz b={BATCH} loop", per_sample_loop)]
    if "jacobian" in groups:
        made += [(f"{mode} {n_in}->{n_out}", jacobian(n_in, n_out, mode))
                 for n_in, n_out in ((100, 10), (10, 100)) for mode in ("jacfwd", "jacrev")]
    return [case("transforms", name, compare(make, repeat, min_time)) for name, make in made]


if __name__ == "__main__":
    import torch
    torch.set_num_threads(1)
    print_rows(cases(repeat=5, min_time=0.02, groups=sys.argv[1:] or ("per_sample", "jacobian")))
