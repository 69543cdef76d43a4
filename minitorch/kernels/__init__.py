"""Kernels: the array code behind a few ops, where speed needed tricks that hide the maths.

Each module holds a fast kernel and, beside it, its plain twin: the same result computed the obvious way,
a few lines long. Read the plain twin first; the fast one computes the same thing (tests/
test_kernels_plain_twins.py checks that they agree), only in an order the CPU likes better.

    conv.py    conv2d and its two gradients     plain: unfold + one matmul per group
    pool.py    max pooling and its scatter      plain: windows + max, np.add.at
    erf.py     erf (NumPy has none)             plain: math.erf on each element
    masks.py   where (relu's backward)          plain: np.where
    resample.py  interpolate along one axis, and its transpose   plain: gather + weights, np.add.at

The Ops that call them (nn/functional/conv.py, nn/functional/pooling.py, nn/functional/interpolate.py,
ops/pointwise/) hold the maths
and the VJPs. Kernels work on NumPy arrays only and import nothing from minitorch.
"""
