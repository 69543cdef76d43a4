"""One SGD training step of the blitz nets in both engines, from identical weights, at 1 thread:
the ``step`` item of ``python -m benchmarks`` on its own, for a quick look.

    python -m benchmarks.train_step [batch ...]      # default: 4 128
"""
import os
import sys

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"  # before NumPy loads: BLAS fixes its thread count at import

import torch  # noqa: E402

from benchmarks import step  # noqa: E402
from benchmarks.run import print_row  # noqa: E402

torch.set_num_threads(1)
batches = tuple(int(b) for b in sys.argv[1:]) or (4, 128)
for row in step.cases(repeat=5, min_time=0.05, batches=batches):
    print_row(row)
