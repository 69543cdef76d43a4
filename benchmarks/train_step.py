"""One SGD training step of the blitz CIFAR net, both engines from identical weights, 1 thread.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python -m benchmarks.train_step
"""
import time, numpy as np, torch, minitorch
torch.set_num_threads(1)
from benchmarks.nets import blitz_net
from reference.interop import copy_weights
for batch in (4, 128):
    nets = {"minitorch": blitz_net(minitorch), "torch": blitz_net(torch)}
    copy_weights(nets["torch"], nets["minitorch"])
    x = np.random.default_rng(0).standard_normal((batch, 3, 32, 32)).astype(np.float32); y = np.random.default_rng(1).integers(0, 10, batch)
    res = {}
    for lib in (minitorch, torch):
        net = nets[lib.__name__]; opt = lib.optim.SGD(net.parameters(), lr=1e-3, momentum=0.9); crit = lib.nn.CrossEntropyLoss()
        xi, yi = lib.from_numpy(x.copy()), lib.from_numpy(y.copy())
        losses = []
        def step():
            opt.zero_grad(); l = crit(net(xi), yi); l.backward(); opt.step(); losses.append(l.item())
        for _ in range(3): step()
        n = 40 if batch == 4 else 10; ts = []
        for _ in range(5):
            t = time.perf_counter()
            for _ in range(n): step()
            ts.append((time.perf_counter() - t) / n)
        res[lib.__name__] = (sorted(ts)[2], losses[:3])
    m, t = res["minitorch"][0], res["torch"][0]
    print(f"CIFAR net train step batch {batch}: minitorch {m*1e3:.2f} ms, torch {t*1e3:.2f} ms, ratio {m/t:.2f}; first losses m={np.round(res['minitorch'][1],6)} t={np.round(res['torch'][1],6)}")
