"""Speed and memory of minitorch against torch, both engines in one process on the same inputs.

    python -m benchmarks.run               # 1 thread, then all threads; writes benchmarks/results/
    python -m benchmarks.run --quick       # fewer repetitions
    python -m benchmarks.run --epoch       # also one Fashion-MNIST epoch with the blitz recipe

Each pass runs in a fresh subprocess, because BLAS thread counts must be fixed before NumPy loads.
Times are the median of several repetitions, after a warm-up.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results")


def _median_time(fn, repeat, number):
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    samples.sort()
    return samples[len(samples) // 2]


def _case(name, make, repeat, number):
    """Time ``make(lib)()`` for both engines; ``make`` builds the inputs and returns the timed closure."""
    import minitorch
    import torch
    times = {lib.__name__: _median_time(make(lib), repeat, number) for lib in (minitorch, torch)}
    return {"name": name, "minitorch_s": times["minitorch"], "torch_s": times["torch"],
            "ratio": times["minitorch"] / times["torch"]}


def _same_weights(net_m, net_t):
    from reference.interop import copy_weights
    copy_weights(net_t, net_m)


def training_step_cases(repeat, number):
    import numpy as np
    from benchmarks.nets import blitz_net
    import minitorch
    import torch
    cases = []
    for label, channels in (("CIFAR net 3x32x32", 3), ("Fashion-MNIST net 1x32x32", 1)):
        nets = {"minitorch": blitz_net(minitorch, channels), "torch": blitz_net(torch, channels)}
        _same_weights(nets["minitorch"], nets["torch"])
        for batch in (1, 4, 32, 128):
            x = np.random.default_rng(0).standard_normal((batch, channels, 32, 32)).astype(np.float32)
            y = np.random.default_rng(1).integers(0, 10, batch)

            def make(lib, x=x, y=y):
                net = nets[lib.__name__]
                opt = lib.optim.SGD(net.parameters(), lr=1e-3, momentum=0.9)
                criterion = lib.nn.CrossEntropyLoss()
                inputs, labels = lib.from_numpy(x.copy()), lib.from_numpy(y.copy())

                def step():
                    opt.zero_grad()
                    criterion(net(inputs), labels).backward()
                    opt.step()
                return step
            cases.append(_case(f"train step, {label}, batch {batch}", make, repeat, max(1, number // batch)))
    return cases


def op_cases(repeat, number):
    import numpy as np
    rng = np.random.default_rng(0)
    cases = []

    def forward_backward(fn, *shapes, ints=None):
        arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]

        def make(lib):
            inputs = [lib.from_numpy(a.copy()).requires_grad_() for a in arrays]
            extra = [lib.from_numpy(ints.copy())] if ints is not None else []

            def run():
                out = fn(lib, *inputs, *extra)
                out.backward(lib.ones_like(out))
            return run
        return make

    conv = lambda lib, x, w, b: lib.nn.functional.conv2d(x, w, b)
    cases.append(_case("conv2d 4x3x32x32 * 6x3x5x5", forward_backward(conv, (4, 3, 32, 32), (6, 3, 5, 5), (6,)),
                       repeat, number))
    cases.append(_case("conv2d 4x6x14x14 * 16x6x5x5", forward_backward(conv, (4, 6, 14, 14), (16, 6, 5, 5), (16,)),
                       repeat, number))
    cases.append(_case("max_pool2d 4x6x28x28", forward_backward(
        lambda lib, x: lib.nn.functional.max_pool2d(x, 2, 2), (4, 6, 28, 28)), repeat, number))
    cases.append(_case("linear 4x400 -> 120", forward_backward(
        lambda lib, x, w, b: lib.nn.functional.linear(x, w, b), (4, 400), (120, 400), (120,)), repeat, number))
    cases.append(_case("relu 4x6x28x28", forward_backward(lambda lib, x: lib.relu(x), (4, 6, 28, 28)),
                       repeat, number))
    cases.append(_case("cross_entropy 4x10", forward_backward(
        lambda lib, x, y: lib.nn.functional.cross_entropy(x, y), (4, 10), ints=rng.integers(0, 10, 4)),
        repeat, number))
    for n in (64, 256, 1024):
        cases.append(_case(f"matmul {n}x{n}", forward_backward(lambda lib, a, b: a @ b, (n, n), (n, n)),
                           repeat, max(1, number * 64 // n)))
    return cases


def overhead_cases(repeat, number):
    import numpy as np

    def scalar_chain(lib):
        a, b, x = (lib.tensor(v, requires_grad=True) for v in (1.5, 0.5, 2.0))

        def run():
            z = x
            for _ in range(5):
                z = z * b + a
            z.backward()
        return run

    w = np.random.default_rng(0).standard_normal((8, 8)).astype(np.float32)

    def small_matmul(lib):
        x = lib.from_numpy(w.copy()).requires_grad_()

        def run():
            (x @ x).tanh().sum().backward()
        return run
    return [_case("10-op scalar chain fwd+bwd", scalar_chain, repeat, number * 20),
            _case("8x8 matmul-tanh-sum fwd+bwd", small_matmul, repeat, number * 20)]


def one_pass(args):
    import torch
    torch.set_num_threads(args.threads)
    repeat, number = (3, 5) if args.quick else (7, 20)
    results = {"threads": args.threads, "cases": []}
    for group in (overhead_cases, op_cases, training_step_cases):
        for case in group(repeat, number):
            results["cases"].append(case)
            print(f"  {case['name']:<44} minitorch {case['minitorch_s'] * 1e3:9.3f} ms   "
                  f"torch {case['torch_s'] * 1e3:9.3f} ms   ratio {case['ratio']:6.2f}", flush=True)
    print(json.dumps(results), file=open(args.out, "w"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--threads", type=int, help="internal: run one pass with this many threads")
    parser.add_argument("--out", help="internal: where a pass writes its JSON")
    args = parser.parse_args()
    if args.threads:
        return one_pass(args)
    os.makedirs(RESULTS, exist_ok=True)
    report = {"machine": f"{os.cpu_count()} cores", "date": time.strftime("%Y-%m-%d"), "passes": []}
    for threads in (1, os.cpu_count()):
        print(f"== {threads} thread(s)", flush=True)
        env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
                   MKL_NUM_THREADS=str(threads))
        out = os.path.join(RESULTS, f"pass_{threads}.json")
        cmd = [sys.executable, "-m", "benchmarks.run", "--threads", str(threads), "--out", out]
        subprocess.run(cmd + (["--quick"] if args.quick else []), env=env, check=True)
        report["passes"].append(json.load(open(out)))
    with open(os.path.join(RESULTS, "benchmarks.json"), "w") as f:
        json.dump(report, f, indent=1)
    print(f"results: {os.path.join(RESULTS, 'benchmarks.json')}")


if __name__ == "__main__":
    main()
