"""Kernels: the array code behind a few ops, where speed needed tricks that hide the maths.

Each module holds a fast kernel and, beside it, its plain twin: the same result computed the obvious way,
a few lines long. Read the plain twin first; the fast one computes the same thing (tests/
test_kernels_plain_twins.py checks that they agree), only in an order the CPU likes better.

    conv.py      convolution (1-d, 2-d, 3-d)          plain: unfold + one matmul per group, any number of dims
    pool.py      max pooling and its scatter          plain: windows + max, np.add.at
    erf.py       erf (NumPy has none)                 plain: math.erf on each element
    masks.py     where (relu's backward)              plain: np.where
    norm.py      layer_norm/group_norm and VJP        plain: the formulas, one new array per step
    segments.py  rows added up by index (sparse)      plain: np.add.at
    resample.py  interpolate along one axis           plain: gather + weights, np.add.at
    taps.py      grid_sample's weighted taps          plain: take_along_axis, einsum, np.add.at
    power.py     a ** p for whole p from 3 to 8       plain: NumPy's a ** p
    broadcast.py a 0-d array expanded (sum's VJP)     plain: np.broadcast_to

The Ops that call them (nn/functional/conv.py, nn/functional/pooling.py, nn/functional/normalization.py,
nn/functional/interpolate.py, nn/functional/grid.py, ops/arithmetic.py, ops/pointwise/, ops/shape.py,
sparse/ops.py) hold the maths and the VJPs. Kernels work on NumPy arrays only and import nothing from minitorch.
"""
