"""How the operations reach Tensor: each Tensor method and operator that tensor.py does not define is attached
here, one line each, and each line names the module that defines it - ``Tensor.__mul__ = arithmetic._mul_operator``
is in ops/arithmetic.py, ``Tensor.exp = exp_log.exp`` in ops/pointwise/exp_log.py.

``t.exp()`` is ``exp(t)``: a method is the function itself, with the tensor as its first argument. An in-place
twin such as ``t.exp_()`` is ``make_inplace(exp)`` (ops/inplace.py): it computes ``exp(t)`` and writes the result
into ``t``, with the version counter and graph bookkeeping that in-place changes need.
"""
from ..tensor import Tensor
from . import (arithmetic, compare, convert, diagonal, indexing, inplace, linalg, products, reduction, scan, scatter,
               shape, softmax, sorting, view_copy, where)
from . import linalg_cholesky, linalg_lu, linalg_solve
from . import sampling  # the in-place random samplers
from . import linalg_householder, linalg_matrix, linalg_pinv, linalg_spectral  # linalg spectral family
from .inplace import make_inplace
from .pointwise import activations, bessel, blend, clamping, exp_log, floats, remainders, rounding, special, trig

# -- arithmetic: ops/arithmetic.py ---------------------------------------------------------------------------------
Tensor.add = arithmetic.add
Tensor.sub = Tensor.subtract = arithmetic.sub
Tensor.mul = Tensor.multiply = arithmetic.mul
Tensor.div = Tensor.divide = Tensor.true_divide = arithmetic.div
Tensor.floor_divide = arithmetic.floor_divide
Tensor.neg = Tensor.negative = Tensor.__neg__ = arithmetic.neg
Tensor.pow = Tensor.__pow__ = arithmetic.pow
Tensor.reciprocal = arithmetic.reciprocal
Tensor.__add__ = Tensor.__radd__ = arithmetic._add_operator
Tensor.__sub__ = arithmetic._sub_operator
Tensor.__rsub__ = arithmetic._rsub
Tensor.__mul__ = Tensor.__rmul__ = arithmetic._mul_operator
Tensor.__truediv__ = arithmetic._div_operator
Tensor.__rtruediv__ = arithmetic.rdiv
Tensor.__rdiv__ = arithmetic.rdiv  # (torch's Python 2 name, kept: OpInfo tests it)
Tensor.__floordiv__ = arithmetic._floordiv_operator
Tensor.__rfloordiv__ = arithmetic._rfloordiv_operator
Tensor.__rpow__ = arithmetic._rpow
Tensor.add_ = make_inplace(arithmetic.add)
Tensor.sub_ = make_inplace(arithmetic.sub)
Tensor.mul_ = make_inplace(arithmetic.mul)
Tensor.div_ = make_inplace(arithmetic.div)
Tensor.pow_ = make_inplace(arithmetic.pow)
Tensor.neg_ = make_inplace(arithmetic.neg)
Tensor.reciprocal_ = make_inplace(arithmetic.reciprocal)
Tensor.subtract_ = make_inplace(arithmetic.sub)
Tensor.multiply_ = make_inplace(arithmetic.mul)
Tensor.divide_ = make_inplace(arithmetic.div)
Tensor.true_divide_ = make_inplace(arithmetic.div)
Tensor.negative_ = make_inplace(arithmetic.neg)
Tensor.floor_divide_ = make_inplace(arithmetic.floor_divide)
Tensor.float_power = arithmetic.float_power
Tensor.float_power_ = arithmetic.float_power_
Tensor.__iadd__, Tensor.__isub__ = arithmetic._iadd, arithmetic._isub  # ``x += 1`` is in place, as in torch
Tensor.__imul__, Tensor.__itruediv__ = arithmetic._imul, arithmetic._itruediv
Tensor.__ifloordiv__, Tensor.__imod__ = arithmetic._ifloordiv, arithmetic._imod
Tensor.__ipow__ = arithmetic._ipow

# -- copies: ops/convert.py ----------------------------------------------------------------------------------------
Tensor.clone = convert.clone
Tensor.contiguous = convert.contiguous
Tensor.positive = convert.positive
Tensor.conj = convert.conj
Tensor.conj_physical = convert.conj_physical
Tensor.resolve_conj = convert.resolve_conj
Tensor.resolve_neg = convert.resolve_neg
Tensor.conj_physical_ = convert.conj_physical_
Tensor.real = property(convert.real, inplace.copy_)  # ``x.real = y`` writes y into x, as torch's

# -- reductions: ops/reduction.py ----------------------------------------------------------------------------------
Tensor.sum = reduction.sum
Tensor.mean = reduction.mean
Tensor.sum_to_size = reduction.sum_to_size
Tensor.prod = reduction.prod
Tensor.max = reduction.max
Tensor.min = reduction.min
Tensor.amax = reduction.amax
Tensor.amin = reduction.amin
Tensor.argmax = reduction.argmax
Tensor.argmin = reduction.argmin
Tensor.var = reduction.var
Tensor.std = reduction.std
Tensor.norm = reduction.norm
Tensor.logsumexp = reduction.logsumexp
Tensor.cumsum = reduction.cumsum
Tensor.count_nonzero = reduction.count_nonzero

# -- shapes and views: ops/shape.py --------------------------------------------------------------------------------
Tensor.view = shape.view
Tensor.reshape = shape.reshape
Tensor.expand = shape.expand
Tensor.expand_as = shape.expand_as
Tensor.view_as = shape.view_as
Tensor.reshape_as = shape.reshape_as
Tensor.flatten = shape.flatten
Tensor.ravel = shape.ravel
Tensor.unflatten = shape.unflatten
Tensor.squeeze = shape.squeeze
Tensor.unsqueeze = shape.unsqueeze
Tensor.permute = shape.permute
Tensor.movedim = Tensor.moveaxis = shape.movedim
Tensor.transpose = Tensor.swapaxes = Tensor.swapdims = shape.transpose
Tensor.t = shape.t
Tensor.T = property(shape._reversed_dims)
Tensor.mT = property(shape._matrix_transpose)
Tensor.repeat = shape.repeat
Tensor.flip = shape.flip
Tensor.split = shape.split
Tensor.chunk = shape.chunk
Tensor.unbind = shape.unbind
Tensor.unsafe_split = shape.unsafe_split
Tensor.unsafe_split_with_sizes = shape.unsafe_split_with_sizes
Tensor.unsafe_chunk = shape.unsafe_chunk
Tensor.t_ = shape.t_
Tensor.transpose_ = Tensor.swapaxes_ = Tensor.swapdims_ = shape.transpose_
Tensor.unsqueeze_ = shape.unsqueeze_
Tensor.squeeze_ = shape.squeeze_

# -- writing into a tensor: ops/inplace.py -------------------------------------------------------------------------
Tensor.copy_ = inplace.copy_
Tensor.fill_ = inplace.fill_
Tensor.zero_ = inplace.zero_

# -- exponentials and logarithms: ops/pointwise/exp_log.py ---------------------------------------------------------
Tensor.exp = exp_log.exp
Tensor.exp2 = exp_log.exp2
Tensor.expm1 = exp_log.expm1
Tensor.log = exp_log.log
Tensor.log2 = exp_log.log2
Tensor.log10 = exp_log.log10
Tensor.log1p = exp_log.log1p
Tensor.sqrt = exp_log.sqrt
Tensor.rsqrt = exp_log.rsqrt
Tensor.square = exp_log.square
Tensor.exp_ = make_inplace(exp_log.exp)
Tensor.log_ = make_inplace(exp_log.log)
Tensor.sqrt_ = make_inplace(exp_log.sqrt)
Tensor.rsqrt_ = make_inplace(exp_log.rsqrt)
Tensor.square_ = make_inplace(exp_log.square)
Tensor.log1p_ = make_inplace(exp_log.log1p)
Tensor.expm1_ = make_inplace(exp_log.expm1)
Tensor.exp2_ = make_inplace(exp_log.exp2)
Tensor.log2_ = make_inplace(exp_log.log2)
Tensor.log10_ = make_inplace(exp_log.log10)

# -- trigonometric functions: ops/pointwise/trig.py ----------------------------------------------------------------
Tensor.sin = trig.sin
Tensor.cos = trig.cos
Tensor.tan = trig.tan
Tensor.asin = Tensor.arcsin = trig.asin
Tensor.acos = Tensor.arccos = trig.acos
Tensor.atan = Tensor.arctan = trig.atan
Tensor.sinh = trig.sinh
Tensor.cosh = trig.cosh
Tensor.tanh = trig.tanh
Tensor.atan2 = Tensor.arctan2 = trig.atan2
Tensor.sin_ = make_inplace(trig.sin)
Tensor.cos_ = make_inplace(trig.cos)
Tensor.tanh_ = make_inplace(trig.tanh)
Tensor.atan2_ = make_inplace(trig.atan2)
Tensor.tan_ = make_inplace(trig.tan)
Tensor.asin_ = make_inplace(trig.asin)
Tensor.acos_ = make_inplace(trig.acos)
Tensor.atan_ = make_inplace(trig.atan)
Tensor.sinh_ = make_inplace(trig.sinh)
Tensor.cosh_ = make_inplace(trig.cosh)
Tensor.asinh = Tensor.arcsinh = trig.asinh
Tensor.acosh = Tensor.arccosh = trig.acosh
Tensor.atanh = Tensor.arctanh = trig.atanh
Tensor.asinh_ = Tensor.arcsinh_ = make_inplace(trig.asinh)
Tensor.acosh_ = Tensor.arccosh_ = make_inplace(trig.acosh)
Tensor.atanh_ = Tensor.arctanh_ = make_inplace(trig.atanh)
Tensor.hypot = trig.hypot
Tensor.deg2rad = trig.deg2rad
Tensor.rad2deg = trig.rad2deg
Tensor.sinc = trig.sinc
Tensor.hypot_ = make_inplace(trig.hypot)
Tensor.deg2rad_ = make_inplace(trig.deg2rad)
Tensor.rad2deg_ = make_inplace(trig.rad2deg)
Tensor.sinc_ = make_inplace(trig.sinc)

# -- activations: ops/pointwise/activations.py ---------------------------------------------------------------------
Tensor.sigmoid = activations.sigmoid
Tensor.relu = activations.relu
Tensor.erf = activations.erf
Tensor.logaddexp = activations.logaddexp
Tensor.sigmoid_ = make_inplace(activations.sigmoid)
Tensor.relu_ = make_inplace(activations.relu)
Tensor.logaddexp2 = activations.logaddexp2
Tensor.erfc = activations.erfc
Tensor.logit = activations.logit
Tensor.erfc_ = make_inplace(activations.erfc)
Tensor.logit_ = make_inplace(activations.logit)

# -- the parts of a float: ops/pointwise/floats.py -----------------------------------------------------------------
Tensor.copysign = floats.copysign
Tensor.signbit = floats.signbit
Tensor.nextafter = floats.nextafter
Tensor.ldexp = floats.ldexp
Tensor.frexp = floats.frexp
Tensor.heaviside = floats.heaviside
Tensor.copysign_ = make_inplace(floats.copysign)
Tensor.nextafter_ = make_inplace(floats.nextafter)
Tensor.ldexp_ = make_inplace(floats.ldexp)
Tensor.heaviside_ = make_inplace(floats.heaviside)

# -- sign and rounding: ops/pointwise/rounding.py ------------------------------------------------------------------
Tensor.abs = Tensor.absolute = Tensor.__abs__ = rounding.abs
Tensor.sign = rounding.sign
Tensor.sgn = rounding.sgn
Tensor.floor = rounding.floor
Tensor.ceil = rounding.ceil
Tensor.trunc = Tensor.fix = rounding.trunc
Tensor.round = rounding.round
Tensor.frac = rounding.frac
Tensor.nan_to_num = rounding.nan_to_num
Tensor.nan_to_num_ = make_inplace(rounding.nan_to_num)
Tensor.isnan = rounding.isnan
Tensor.isinf = rounding.isinf
Tensor.isfinite = rounding.isfinite
Tensor.isposinf = rounding.isposinf
Tensor.isneginf = rounding.isneginf
Tensor.isreal = rounding.isreal
Tensor.abs_ = make_inplace(rounding.abs)
Tensor.sign_ = make_inplace(rounding.sign)
Tensor.floor_ = make_inplace(rounding.floor)
Tensor.ceil_ = make_inplace(rounding.ceil)
Tensor.round_ = make_inplace(rounding.round)
Tensor.trunc_ = make_inplace(rounding.trunc)
Tensor.frac_ = make_inplace(rounding.frac)
Tensor.sgn_ = make_inplace(rounding.sgn)

# -- clamping: ops/pointwise/clamping.py --------------------------------------------------------------------------
Tensor.clamp = clamping.clamp
Tensor.clip = clamping.clip
Tensor.clamp_min = clamping.clamp_min
Tensor.clamp_max = clamping.clamp_max
Tensor.maximum = clamping.maximum
Tensor.minimum = clamping.minimum
Tensor.clamp_ = make_inplace(clamping.clamp)
Tensor.clip_ = make_inplace(clamping.clip)
Tensor.clamp_min_ = make_inplace(clamping.clamp_min)
Tensor.clamp_max_ = make_inplace(clamping.clamp_max)
Tensor.maximum_ = make_inplace(clamping.maximum)
Tensor.minimum_ = make_inplace(clamping.minimum)
Tensor.fmax = clamping.fmax
Tensor.fmin = clamping.fmin

# -- where: ops/where.py ------------------------------------------------------------------------------------------
Tensor.where = where._where_method  # x.where(condition, y) is where(condition, x, y)
Tensor.where_ = make_inplace(where._where_method)

# -- blends: ops/pointwise/blend.py --------------------------------------------------------------------------------
Tensor.lerp = blend.lerp
Tensor.addcmul = blend.addcmul
Tensor.addcdiv = blend.addcdiv
Tensor.lerp_ = make_inplace(blend.lerp)
Tensor.addcmul_ = make_inplace(blend.addcmul)
Tensor.addcdiv_ = make_inplace(blend.addcdiv)

# -- remainders: ops/pointwise/remainders.py ----------------------------------------------------------------------
Tensor.fmod = remainders.fmod
Tensor.remainder = Tensor.__mod__ = remainders.remainder
Tensor.__rmod__ = remainders._rmod
Tensor.fmod_ = make_inplace(remainders.fmod)
Tensor.remainder_ = make_inplace(remainders.remainder)

# -- comparisons and logic: ops/compare.py -------------------------------------------------------------------------
Tensor.eq = compare.eq
Tensor.ne = Tensor.not_equal = compare.ne
Tensor.lt = Tensor.less = compare.lt
Tensor.le = Tensor.less_equal = compare.le
Tensor.gt = Tensor.greater = compare.gt
Tensor.ge = Tensor.greater_equal = compare.ge
Tensor.__eq__ = compare._operator(compare.eq)
Tensor.__ne__ = compare._operator(compare.ne)
Tensor.__lt__ = compare._operator(compare.lt)
Tensor.__le__ = compare._operator(compare.le)
Tensor.__gt__ = compare._operator(compare.gt)
Tensor.__ge__ = compare._operator(compare.ge)
Tensor.equal = compare.equal
Tensor.isclose = compare.isclose
Tensor.allclose = compare.allclose
Tensor.logical_and = compare.logical_and
Tensor.logical_or = compare.logical_or
Tensor.logical_xor = compare.logical_xor
Tensor.logical_not = compare.logical_not
Tensor.any = compare.any
Tensor.all = compare.all
Tensor.bitwise_and = compare.bitwise_and
Tensor.bitwise_or = compare.bitwise_or
Tensor.bitwise_xor = compare.bitwise_xor
Tensor.bitwise_not = compare.bitwise_not
Tensor.__and__ = Tensor.__rand__ = compare._operator(compare.bitwise_and)
Tensor.__or__ = Tensor.__ror__ = compare._operator(compare.bitwise_or)
Tensor.__xor__ = Tensor.__rxor__ = compare._operator(compare.bitwise_xor)
Tensor.__invert__ = compare._invert
Tensor.logical_not_ = make_inplace(compare.logical_not)
Tensor.logical_and_ = make_inplace(compare.logical_and)
Tensor.logical_or_ = make_inplace(compare.logical_or)

# -- matrix products: ops/linalg.py --------------------------------------------------------------------------------
Tensor.matmul = linalg.matmul
Tensor.mm = linalg.mm
Tensor.bmm = linalg.bmm
Tensor.mv = linalg.mv
Tensor.dot = linalg.dot
Tensor.addmm = linalg.addmm
Tensor.outer = Tensor.ger = linalg.outer
Tensor.logdet = linalg.logdet
Tensor.slogdet = linalg.slogdet
Tensor.__matmul__ = linalg._matmul_method
Tensor.__rmatmul__ = linalg._rmatmul_method

# -- linalg solvers and factorizations: ops/linalg_solve.py, ops/linalg_cholesky.py, ops/linalg_lu.py ---------------
Tensor.det = linalg_solve.det
Tensor.inverse = linalg_solve.inv
Tensor.triangular_solve = linalg_solve.triangular_solve
Tensor.cholesky = linalg_cholesky.removed_cholesky
Tensor.cholesky_solve = linalg_cholesky.cholesky_solve
Tensor.cholesky_inverse = linalg_cholesky.cholesky_inverse
Tensor.lu = linalg_lu.torch_lu
Tensor.lu_solve = linalg_lu.torch_lu_solve

# -- indexing: ops/indexing.py -------------------------------------------------------------------------------------
Tensor.__getitem__ = indexing.getitem
Tensor.__setitem__ = indexing.setitem
Tensor.select = indexing.select
Tensor.narrow = indexing.narrow
Tensor.tensor_split = indexing.tensor_split
Tensor.index_select = indexing.index_select
Tensor.gather = indexing.gather
Tensor.take_along_dim = indexing.take_along_dim
Tensor.masked_fill = indexing.masked_fill
Tensor.index_fill = indexing.index_fill
Tensor.index_put = indexing.index_put
Tensor.index_put_ = indexing.index_put_
Tensor.masked_fill_ = make_inplace(indexing.masked_fill)
Tensor.index_fill_ = make_inplace(indexing.index_fill)

# -- softmax: ops/softmax.py ---------------------------------------------------------------------------------------
Tensor.softmax = softmax.softmax
Tensor.log_softmax = softmax.log_softmax

# -- sorting: ops/sorting.py -----------------------------------------------------------------------
Tensor.sort = sorting.sort
Tensor.argsort = sorting.argsort
Tensor.msort = sorting.msort
Tensor.topk = sorting.topk
Tensor.kthvalue = sorting.kthvalue
Tensor.median = sorting.median
Tensor.nanmedian = sorting.nanmedian
Tensor.mode = sorting.mode
Tensor.unique = sorting.unique
Tensor.unique_consecutive = sorting.unique_consecutive
Tensor.histc = sorting.histc
Tensor.histogram = sorting.histogram
Tensor.quantile = sorting.quantile
Tensor.nanquantile = sorting.nanquantile

# -- scatter: ops/scatter.py -----------------------------------------------------------------------
Tensor.scatter = scatter.scatter
Tensor.scatter_add = scatter.scatter_add
Tensor.scatter_reduce = scatter.scatter_reduce
Tensor.index_add = scatter.index_add
Tensor.index_copy = scatter.index_copy
Tensor.index_reduce = scatter.index_reduce
Tensor.take = scatter.take
Tensor.put = scatter.put
Tensor.masked_select = scatter.masked_select
Tensor.masked_scatter = scatter.masked_scatter
Tensor.masked_scatter_ = scatter.masked_scatter_
Tensor.nonzero = scatter.nonzero
Tensor.argwhere = scatter.argwhere
Tensor.select_scatter = scatter.select_scatter
Tensor.slice_scatter = scatter.slice_scatter
Tensor.diagonal_scatter = scatter.diagonal_scatter
Tensor.as_strided = scatter.as_strided
Tensor.as_strided_ = scatter.as_strided_
Tensor.as_strided_scatter = scatter.as_strided_scatter
Tensor.scatter_ = make_inplace(scatter.scatter)
Tensor.scatter_add_ = make_inplace(scatter.scatter_add)
Tensor.scatter_reduce_ = make_inplace(scatter.scatter_reduce)
Tensor.index_add_ = make_inplace(scatter.index_add)
Tensor.index_copy_ = make_inplace(scatter.index_copy)
Tensor.index_reduce_ = make_inplace(scatter.index_reduce)
Tensor.put_ = make_inplace(scatter.put)

# -- diagonal: ops/diagonal.py ---------------------------------------------------------------------
Tensor.diagonal = diagonal.diagonal
Tensor.diag_embed = diagonal.diag_embed
Tensor.diag = diagonal.diag
Tensor.diagflat = diagonal.diagflat
Tensor.trace = diagonal.trace
Tensor.tril = diagonal.tril
Tensor.triu = diagonal.triu
Tensor.tril_ = make_inplace(diagonal.tril)
Tensor.triu_ = make_inplace(diagonal.triu)

# -- shape: ops/shape.py (more) ------------------------------------------------------------------------------
Tensor.split_with_sizes = shape.split_with_sizes
Tensor.roll = shape.roll
Tensor.rot90 = shape.rot90
Tensor.fliplr = shape.fliplr
Tensor.flipud = shape.flipud
Tensor.tile = shape.tile
Tensor.repeat_interleave = shape.repeat_interleave
Tensor.broadcast_to = shape.broadcast_to
Tensor.hsplit = shape.hsplit
Tensor.vsplit = shape.vsplit
Tensor.dsplit = shape.dsplit
Tensor.unfold = shape.unfold
Tensor.H = property(shape._conj_transpose)
Tensor.mH = property(shape._matrix_adjoint)
Tensor.adjoint = shape.adjoint

# -- view_copy: ops/view_copy.py ---------------------------------------------------------------------------------
Tensor.narrow_copy = view_copy.narrow_copy

# -- scan: ops/scan.py -----------------------------------------------------------------------------
Tensor.cumprod = scan.cumprod
Tensor.cummax = scan.cummax
Tensor.cummin = scan.cummin
Tensor.logcumsumexp = scan.logcumsumexp
Tensor.diff = scan.diff
Tensor.cumprod_ = make_inplace(scan.cumprod)

# -- products: ops/products.py ---------------------------------------------------------------------
Tensor.addmv = products.addmv
Tensor.addr = products.addr
Tensor.baddbmm = products.baddbmm
Tensor.addbmm = products.addbmm
Tensor.vdot = products.vdot
Tensor.cross = products.cross
Tensor.inner = products.inner
Tensor.kron = products.kron
Tensor.cov = products.cov
Tensor.corrcoef = products.corrcoef
Tensor.addmv_ = make_inplace(products.addmv)
Tensor.addr_ = make_inplace(products.addr)
Tensor.baddbmm_ = make_inplace(products.baddbmm)

# -- reduction: ops/reduction.py (more) --------------------------------------------------------------------------
Tensor.nansum = reduction.nansum
Tensor.nanmean = reduction.nanmean
Tensor.aminmax = reduction.aminmax
Tensor.dist = reduction.dist
Tensor.renorm = reduction.renorm
Tensor.renorm_ = make_inplace(reduction.renorm)

# -- special functions: ops/pointwise/special.py --------------------------------------------------------------
Tensor.lgamma = special.lgamma
Tensor.digamma = special.digamma
Tensor.polygamma = special._polygamma_method
Tensor.erfinv = special.erfinv
Tensor.xlogy = special.xlogy
Tensor.lgamma_ = make_inplace(special.lgamma)
Tensor.digamma_ = make_inplace(special.digamma)
Tensor.erfinv_ = make_inplace(special.erfinv)
Tensor.xlogy_ = make_inplace(special.xlogy)
Tensor.igamma = special.igamma
Tensor.igammac = special.igammac
Tensor.igamma_ = make_inplace(special.igamma)
Tensor.igammac_ = make_inplace(special.igammac)
Tensor.mvlgamma = special.mvlgamma
Tensor.mvlgamma_ = make_inplace(special.mvlgamma)

# -- Bessel functions: ops/pointwise/bessel.py ----------------------------------------------------------------
Tensor.i0 = bessel.i0
Tensor.i0_ = make_inplace(bessel.i0)

# -- linalg spectral family: ops/linalg_spectral.py, linalg_pinv.py, linalg_matrix.py, linalg_householder.py -------
Tensor.svd = linalg_spectral.torch_svd
Tensor.pinverse = linalg_pinv.pinverse
Tensor.matrix_power = linalg_matrix.matrix_power
Tensor.matrix_exp = linalg_matrix.matrix_exp
Tensor.orgqr = linalg_householder.householder_product
Tensor.geqrf = linalg_householder.geqrf
Tensor.ormqr = linalg_householder.ormqr

# -- in-place random samplers: ops/sampling.py ---------------------------------------------------------------------
Tensor.uniform_ = sampling.uniform_
Tensor.normal_ = sampling.normal_
Tensor.cauchy_ = sampling.cauchy_
Tensor.exponential_ = sampling.exponential_
Tensor.geometric_ = sampling.geometric_
Tensor.log_normal_ = sampling.log_normal_

# -- the remaining OpInfo ops (native lane): ops/scatter.py, ops/shape.py -----------------------------------------
Tensor.nonzero_static = scatter.nonzero_static
Tensor.resize_as_ = shape.resize_as_
