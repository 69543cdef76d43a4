"""The differentiable operations, one module per family (pointwise/ is a package of families), each op a
subclass of ``Op`` (op.py). methods.py attaches them to Tensor, one line per method (``Tensor.exp =
exp_log.exp``); ``FUNCTIONS`` below is what minitorch exports at top level (``minitorch.exp``, ``minitorch.cat``).
"""
from ..tensor import Tensor
from . import (arithmetic, compare, convert, diagonal, indexing, inplace, linalg, products, reduction, scan, scatter,
               shape, softmax, sorting, view_copy, where)
from . import linalg_cholesky, linalg_ldl, linalg_lu, linalg_solve  # linalg solvers and factorizations
# the linalg spectral family
from . import linalg_householder, linalg_matrix, linalg_pinv, linalg_polar, linalg_spectral, lowrank
from . import finite_differences  # torch.gradient
from . import histogramdd  # the remaining OpInfo ops (native lane)
from . import methods  # noqa: F401 (attaches the methods to Tensor)
from .pointwise import activations, bessel, blend, clamping, exp_log, floats, remainders, rounding, special, trig

# A method that is also a function, ``t.exp()`` and ``minitorch.exp(t)``, is the same object, except ``where``:
# ``t.where(condition, y)`` against ``minitorch.where(condition, t, y)``. Only what torch has at top level is here
# (``t.view`` and ``t.T`` are methods only; tests/test_packaging.py checks).
FUNCTIONS = {
    # ops/arithmetic.py
    "add": arithmetic.add, "sub": arithmetic.sub, "subtract": arithmetic.sub, "mul": arithmetic.mul,
    "multiply": arithmetic.mul, "div": arithmetic.div, "divide": arithmetic.div, "true_divide": arithmetic.div,
    "floor_divide": arithmetic.floor_divide, "neg": arithmetic.neg, "negative": arithmetic.neg,
    "pow": arithmetic.pow, "reciprocal": arithmetic.reciprocal, "float_power": arithmetic.float_power,
    "rsub": arithmetic.rsub,
    # ops/convert.py
    "clone": convert.clone, "positive": convert.positive, "conj": convert.conj,
    "conj_physical": convert.conj_physical, "resolve_conj": convert.resolve_conj, "resolve_neg": convert.resolve_neg,
    "real": convert.real, "conj_physical_": convert.conj_physical_,
    # ops/reduction.py
    "sum": reduction.sum, "mean": reduction.mean, "prod": reduction.prod,
    "max": reduction.max, "min": reduction.min, "amax": reduction.amax, "amin": reduction.amin,
    "argmax": reduction.argmax, "argmin": reduction.argmin, "var": reduction.var, "std": reduction.std,
    "norm": reduction.norm, "logsumexp": reduction.logsumexp, "cumsum": reduction.cumsum,
    "count_nonzero": reduction.count_nonzero,
    # ops/shape.py
    "reshape": shape.reshape, "flatten": shape.flatten, "ravel": shape.ravel, "unflatten": shape.unflatten,
    "squeeze": shape.squeeze, "unsqueeze": shape.unsqueeze, "permute": shape.permute, "movedim": shape.movedim,
    "moveaxis": shape.movedim, "transpose": shape.transpose, "swapaxes": shape.transpose, "swapdims": shape.transpose,
    "t": shape.t, "flip": shape.flip, "split": shape.split, "chunk": shape.chunk, "unbind": shape.unbind,
    "unsafe_split": shape.unsafe_split, "unsafe_split_with_sizes": shape.unsafe_split_with_sizes,
    "unsafe_chunk": shape.unsafe_chunk,
    "cat": shape.cat, "concat": shape.cat, "concatenate": shape.cat, "stack": shape.stack, "hstack": shape.hstack,
    "vstack": shape.vstack, "row_stack": shape.vstack, "dstack": shape.dstack, "column_stack": shape.column_stack,
    "atleast_1d": shape.atleast_1d, "atleast_2d": shape.atleast_2d, "atleast_3d": shape.atleast_3d,
    # ops/inplace.py
    "fill_": inplace.fill_, "zero_": inplace.zero_,
    # ops/pointwise/exp_log.py
    "exp": exp_log.exp, "exp2": exp_log.exp2, "expm1": exp_log.expm1, "log": exp_log.log, "log2": exp_log.log2,
    "log10": exp_log.log10, "log1p": exp_log.log1p, "sqrt": exp_log.sqrt, "rsqrt": exp_log.rsqrt,
    "square": exp_log.square,
    # ops/pointwise/trig.py
    "sin": trig.sin, "cos": trig.cos, "tan": trig.tan, "asin": trig.asin, "acos": trig.acos, "atan": trig.atan,
    "arcsin": trig.asin, "arccos": trig.acos, "arctan": trig.atan, "sinh": trig.sinh, "cosh": trig.cosh,
    "tanh": trig.tanh, "atan2": trig.atan2, "arctan2": trig.atan2, "asinh": trig.asinh, "arcsinh": trig.asinh,
    "acosh": trig.acosh, "arccosh": trig.acosh, "atanh": trig.atanh, "arctanh": trig.atanh, "hypot": trig.hypot,
    "deg2rad": trig.deg2rad, "rad2deg": trig.rad2deg, "sinc": trig.sinc,
    # ops/pointwise/activations.py
    "sigmoid": activations.sigmoid, "relu": activations.relu, "erf": activations.erf,
    "logaddexp": activations.logaddexp, "logaddexp2": activations.logaddexp2, "erfc": activations.erfc,
    "logit": activations.logit,
    # ops/pointwise/floats.py
    "copysign": floats.copysign, "signbit": floats.signbit, "nextafter": floats.nextafter, "ldexp": floats.ldexp,
    "frexp": floats.frexp, "heaviside": floats.heaviside,
    # ops/pointwise/rounding.py
    "abs": rounding.abs, "absolute": rounding.abs, "sign": rounding.sign, "sgn": rounding.sgn,
    "floor": rounding.floor, "ceil": rounding.ceil, "trunc": rounding.trunc, "fix": rounding.trunc,
    "round": rounding.round, "frac": rounding.frac, "nan_to_num": rounding.nan_to_num, "isnan": rounding.isnan,
    "isinf": rounding.isinf, "isfinite": rounding.isfinite, "isposinf": rounding.isposinf,
    "isneginf": rounding.isneginf, "isreal": rounding.isreal,
    # ops/pointwise/clamping.py
    "clamp": clamping.clamp, "clip": clamping.clip, "clamp_min": clamping.clamp_min,
    "clamp_max": clamping.clamp_max, "maximum": clamping.maximum, "minimum": clamping.minimum,
    "fmax": clamping.fmax, "fmin": clamping.fmin,
    # ops/where.py
    "where": where.where,
    # ops/pointwise/blend.py
    "lerp": blend.lerp, "addcmul": blend.addcmul, "addcdiv": blend.addcdiv,
    # ops/pointwise/remainders.py
    "fmod": remainders.fmod, "remainder": remainders.remainder,
    # ops/compare.py
    "eq": compare.eq, "ne": compare.ne, "lt": compare.lt, "le": compare.le, "gt": compare.gt, "ge": compare.ge,
    "not_equal": compare.ne, "less": compare.lt, "less_equal": compare.le, "greater": compare.gt,
    "greater_equal": compare.ge, "equal": compare.equal, "isclose": compare.isclose, "allclose": compare.allclose,
    "logical_and": compare.logical_and, "logical_or": compare.logical_or, "logical_xor": compare.logical_xor,
    "logical_not": compare.logical_not, "any": compare.any, "all": compare.all, "bitwise_and": compare.bitwise_and,
    "bitwise_or": compare.bitwise_or, "bitwise_xor": compare.bitwise_xor, "bitwise_not": compare.bitwise_not,
    # ops/linalg.py
    "matmul": linalg.matmul, "mm": linalg.mm, "bmm": linalg.bmm, "mv": linalg.mv, "dot": linalg.dot,
    "addmm": linalg.addmm, "chain_matmul": linalg.chain_matmul, "outer": linalg.outer, "ger": linalg.outer, "linalg": linalg.linalg,
    "logdet": linalg.logdet, "slogdet": linalg.slogdet,
    # ops/indexing.py
    "select": indexing.select, "narrow": indexing.narrow, "tensor_split": indexing.tensor_split,
    "index_select": indexing.index_select, "gather": indexing.gather, "take_along_dim": indexing.take_along_dim,
    "masked_fill": indexing.masked_fill, "index_fill": indexing.index_fill, "index_put": indexing.index_put,
    "index_put_": indexing.index_put_,
    # ops/softmax.py
    "softmax": softmax.softmax, "log_softmax": softmax.log_softmax,
    # ops/sorting.py
    "sort": sorting.sort, "argsort": sorting.argsort, "msort": sorting.msort, "topk": sorting.topk,
    "kthvalue": sorting.kthvalue, "median": sorting.median, "nanmedian": sorting.nanmedian, "mode": sorting.mode,
    "unique": sorting.unique, "unique_consecutive": sorting.unique_consecutive, "histc": sorting.histc,
    "histogram": sorting.histogram, "quantile": sorting.quantile, "nanquantile": sorting.nanquantile,
    "searchsorted": sorting.searchsorted, "bucketize": sorting.bucketize,
    "isin": sorting.isin,
    # ops/scatter.py
    "scatter": scatter.scatter, "scatter_add": scatter.scatter_add, "scatter_reduce": scatter.scatter_reduce,
    "index_add": scatter.index_add, "index_copy": scatter.index_copy, "index_reduce": scatter.index_reduce,
    "take": scatter.take, "put": scatter.put, "masked_select": scatter.masked_select,
    "masked_scatter": scatter.masked_scatter, "nonzero": scatter.nonzero,
    "argwhere": scatter.argwhere, "select_scatter": scatter.select_scatter, "slice_scatter": scatter.slice_scatter,
    "diagonal_scatter": scatter.diagonal_scatter, "as_strided": scatter.as_strided,
    "as_strided_": scatter.as_strided_, "as_strided_scatter": scatter.as_strided_scatter,
    "as_strided_copy": scatter.as_strided_copy,
    # ops/diagonal.py
    "diagonal": diagonal.diagonal, "diag_embed": diagonal.diag_embed, "diag": diagonal.diag,
    "diagflat": diagonal.diagflat, "trace": diagonal.trace, "tril": diagonal.tril, "triu": diagonal.triu,
    # ops/shape.py (more)
    "split_with_sizes": shape.split_with_sizes, "roll": shape.roll, "rot90": shape.rot90, "fliplr": shape.fliplr,
    "flipud": shape.flipud, "tile": shape.tile, "repeat_interleave": shape.repeat_interleave,
    "broadcast_to": shape.broadcast_to, "hsplit": shape.hsplit, "vsplit": shape.vsplit, "dsplit": shape.dsplit,
    "adjoint": shape.adjoint,
    "broadcast_tensors": shape.broadcast_tensors, "meshgrid": shape.meshgrid, "cartesian_prod": shape.cartesian_prod,
    "combinations": shape.combinations, "block_diag": shape.block_diag,
    # ops/scan.py
    "cumprod": scan.cumprod, "cummax": scan.cummax, "cummin": scan.cummin, "logcumsumexp": scan.logcumsumexp,
    "diff": scan.diff, "trapezoid": scan.trapezoid, "trapz": scan.trapz,
    "cumulative_trapezoid": scan.cumulative_trapezoid,
    # ops/products.py
    "addmv": products.addmv, "addr": products.addr, "baddbmm": products.baddbmm, "addbmm": products.addbmm,
    "vdot": products.vdot, "cross": products.cross, "inner": products.inner, "kron": products.kron,
    "cov": products.cov, "corrcoef": products.corrcoef, "einsum": products.einsum, "tensordot": products.tensordot,
    "cdist": products.cdist,
    # ops/reduction.py (more)
    "nansum": reduction.nansum, "nanmean": reduction.nanmean, "aminmax": reduction.aminmax, "dist": reduction.dist,
    "renorm": reduction.renorm, "var_mean": reduction.var_mean, "std_mean": reduction.std_mean,
    # ops/pointwise/special.py
    "lgamma": special.lgamma, "digamma": special.digamma, "polygamma": special.polygamma, "erfinv": special.erfinv,
    "xlogy": special.xlogy, "igamma": special.igamma, "igammac": special.igammac,
    "mvlgamma": special.mvlgamma,
    # ops/pointwise/bessel.py
    "i0": bessel.i0,
}
# -- torch.gradient: ops/finite_differences.py ------------------------------------------------------------------------
FUNCTIONS["gradient"] = finite_differences.gradient
# -- linalg solvers and factorizations: ops/linalg_solve.py, linalg_cholesky.py, linalg_lu.py, linalg_ldl.py ---------
FUNCTIONS.update({
    "det": linalg_solve.det, "inverse": linalg_solve.inv, "triangular_solve": linalg_solve.triangular_solve,
    "cholesky": linalg_cholesky.removed_cholesky, "cholesky_solve": linalg_cholesky.cholesky_solve,
    "cholesky_inverse": linalg_cholesky.cholesky_inverse, "lu": linalg_lu.torch_lu, "lu_unpack": linalg_lu.lu_unpack,
    "lu_solve": linalg_lu.torch_lu_solve,
})
linalg.linalg.det = linalg_solve.det
linalg.linalg.inv = linalg_solve.inv
linalg.linalg.inv_ex = linalg_solve.inv_ex
linalg.linalg.solve = linalg_solve.solve
linalg.linalg.solve_ex = linalg_solve.solve_ex
linalg.linalg.solve_triangular = linalg_solve.solve_triangular
linalg.linalg.tensorinv = linalg_solve.tensorinv
linalg.linalg.tensorsolve = linalg_solve.tensorsolve
linalg.linalg.vecdot = linalg_solve.vecdot
linalg.linalg.diagonal = linalg_solve.linalg_diagonal
linalg.linalg.LinAlgError = linalg_solve.LinAlgError
linalg.linalg.cholesky = linalg_cholesky.cholesky
linalg.linalg.cholesky_ex = linalg_cholesky.cholesky_ex
linalg.linalg.lu_factor = linalg_lu.lu_factor
linalg.linalg.lu_factor_ex = linalg_lu.lu_factor_ex
linalg.linalg.lu = linalg_lu.lu
linalg.linalg.lu_solve = linalg_lu.lu_solve
linalg.linalg.ldl_factor = linalg_ldl.ldl_factor
linalg.linalg.ldl_factor_ex = linalg_ldl.ldl_factor_ex
linalg.linalg.ldl_solve = linalg_ldl.ldl_solve
# -- linalg spectral family: ops/linalg_spectral.py, linalg_pinv.py, linalg_matrix.py, linalg_householder.py,
# linalg_polar.py, lowrank.py (the torch.linalg names are attached to minitorch.linalg below)
FUNCTIONS.update({
    "svd": linalg_spectral.torch_svd, "pinverse": linalg_pinv.pinverse, "matrix_power": linalg_matrix.matrix_power,
    "matrix_exp": linalg_matrix.matrix_exp, "orgqr": linalg_householder.householder_product,
    "geqrf": linalg_householder.geqrf, "ormqr": linalg_householder.ormqr, "svd_lowrank": lowrank.svd_lowrank,
    "pca_lowrank": lowrank.pca_lowrank,
})
linalg.linalg.qr, linalg.linalg.eigh, linalg.linalg.eigvalsh = linalg_spectral.qr, linalg_spectral.eigh, \
    linalg_spectral.eigvalsh
linalg.linalg.svd = linalg_spectral.svd
linalg.linalg.pinv, linalg.linalg.matrix_rank, linalg.linalg.lstsq = linalg_pinv.pinv, linalg_pinv.matrix_rank, \
    linalg_pinv.lstsq
linalg.linalg.matrix_power, linalg.linalg.matrix_exp = linalg_matrix.matrix_power, linalg_matrix.matrix_exp
linalg.linalg.cond, linalg.linalg.vander = linalg_matrix.cond, linalg_matrix.vander
linalg.linalg.householder_product = linalg_householder.householder_product
linalg.linalg.matrix_sqrth, linalg.linalg.polar = linalg_polar.matrix_sqrth, linalg_polar.polar

# -- the remaining OpInfo ops (native lane): ops/histogramdd.py, ops/scatter.py (torch.native_* and constant_pad_nd
# are in nn/functional/, exported by minitorch/__init__.py)
FUNCTIONS["histogramdd"] = histogramdd.histogramdd
FUNCTIONS["nonzero_static"] = scatter.nonzero_static
FUNCTIONS["_softmax_backward_data"] = softmax._softmax_backward_data
FUNCTIONS["resize_as_"] = shape.resize_as_  # (torch.resize_as_(t, template) is t.resize_as_(template))

# torch's top-level in-place functions: ``torch.sin_(t)`` is ``t.sin_()`` (the ones torch has at top level)
INPLACE_FUNCTIONS = ("abs_", "acos_", "acosh_", "addmv_", "arccosh_", "arcsinh_", "arctanh_", "asin_", "asinh_",
                     "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_", "clamp_min_", "clip_", "cos_", "cosh_",
                     "deg2rad_", "detach_", "erfc_", "exp2_", "exp_", "expm1_", "floor_", "frac_", "i0_", "ldexp_",
                     "log10_", "log1p_", "log2_", "log_", "logit_", "nan_to_num_", "neg_", "negative_", "rad2deg_",
                     "reciprocal_", "relu_", "round_", "rsqrt_", "sigmoid_", "sin_", "sinc_", "sinh_", "sqrt_",
                     "square_", "tan_", "tanh_", "trunc_", "xlogy_")
FUNCTIONS.update({name: getattr(Tensor, name) for name in INPLACE_FUNCTIONS})
# ops/view_copy.py: the *_copy functions, each made from its view op there (one-result ones take out=)
FUNCTIONS.update(view_copy.COPIES)
