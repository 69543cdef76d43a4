"""vmap's batching rules: how each op runs on a whole batch (minitorch/func/vmap.py says how they are used).

A rule gets the op, its arguments (batched ones replaced by their batch: batch dimension first), which of
them are batched, and the batch size; it returns the batch of the result (or a tuple), or None to leave
the op to ``fallback``: once per sample, the results stacked, with torch's warning naming the op.
"""
import warnings

import numpy as np

from ..autograd.op_names import op_name
from ..tensor import Tensor, _make
from ._batched import DYNAMIC_SHAPE_ERROR, _BatchedKey, _ndim, _pad

FALLBACK_WARNING = ("There is a performance drop because we have not yet implemented the batching rule for {}. "
                    "Please file us an issue on GitHub so that we can prioritize its implementation.")

RULES = {}  # op class -> rule (filled on first use by _rules; subclasses find their class's through the MRO)


def rule(cls):
    """The batching rule of op ``cls`` (None: none)."""
    if not RULES:
        _rules()
    for klass in cls.__mro__:
        rule = RULES.get(klass)
        if rule is not None:
            return rule
    if getattr(cls, "elementwise", False) or getattr(cls, "promotes", False):
        return _elementwise
    return None


def _elementwise(cls, args, batched, size):
    """Broadcasting ops: the batch in front of every batched operand, padded to the result's rank."""
    ndim = max([_ndim(a, b) for a, b in zip(args, batched) if isinstance(a, (Tensor, np.ndarray))] or [0])
    return cls.apply(*[_pad(a, ndim) if b else a for a, b in zip(args, batched)])


def _shift(d, ndim):
    """A dim of one sample as a dim of the batch."""
    return (d + ndim if d < 0 else d) + 1


def _dim_rule(*positions, extra=0):
    """Ops of one batched tensor (the first argument) and dims at ``positions`` (an int or a tuple of ints;
    ``extra`` = 1 where a dim may name a new one, as unsqueeze's): the dims shifted past the batch."""
    def rule(cls, args, batched, size):
        if not batched[0] or any(batched[1:]):
            return None
        ndim = args[0].ndim - 1 + extra
        if ndim == 0:
            return None  # a 0-d sample: dims 0 and -1 both name the sample itself
        args = list(args)
        for p in positions:
            d = args[p]
            if isinstance(d, (tuple, list)):
                args[p] = type(d)(_shift(x, ndim) for x in d)
            elif isinstance(d, int) and not isinstance(d, bool):
                args[p] = _shift(d, ndim)
            elif d is not None:
                return None
        return cls.apply(*args)
    return rule


def _register(rule, *classes):
    for cls in classes:
        RULES[cls] = rule


def _rules():
    """Fill ``RULES`` (the ops are imported here: vmap's module is imported with the package)."""
    from ..nn.functional import activation as AC, conv as CV, loss as LS, normalization as NO, padding as PD, \
        pixelshuffle as PS, pooling as P, pooling_adaptive as PA, sparse as SP
    from ..ops import arithmetic as A, convert as C, diagonal as D, indexing as I, linalg as L, \
        linalg_cholesky as LC, linalg_matrix as LM, linalg_solve as LSO, products as PR, reduction as R, \
        scan as SC, scatter as X, shape as S, softmax as SM, sorting as SO, where as W
    from ..ops.pointwise import remainders as RM

    # pointwise ops of one tensor and numbers (the flags ``elementwise``/``promotes`` find the others)
    _register(_elementwise, A.AddScalar, A.SubScalar, A.MulScalar, A.DivScalar, A.Neg, A.Pow, A.RPow,
              A.Reciprocal, A.Rsub, RM.Remainder, RM._ModNumber, AC.Celu, AC.Elu, AC.Gelu, AC.Hardshrink,
              AC.Hardsigmoid, AC.Hardswish, AC.Hardtanh, AC.LeakyRelu, AC.LogSigmoid, AC.Mish, AC.Silu,
              AC.Softplus, AC.Softshrink, AC.Threshold, I.MaskedFill)
    _register(_where, W.Where)
    # ops along dims of one sample: the dims shifted past the batch
    _register(_dim_rule(1), R.SumDim, R.MeanDim, R.ProdDim, R._EvenlySplit, R._Select, R.Var, R.Std,
              R.Logsumexp, R.Cumsum, R.ReverseCumsum, R.Nansum, R.VarMean, R.Aminmax, SM.Softmax, SM.LogSoftmax,
              SM.SafeSoftmax, S.Squeeze, S.Flip, S.Unbind, S.Unfold, SC.Cumprod, SC._CumExtreme,
              SC.Logcumsumexp, SO._Selection, AC.Glu)
    _register(_dim_rule(2), R.VectorNorm, S.Split, S.Rot90)
    _register(_dim_rule(1, 2), S.Transpose)
    _register(_dim_rule(2, 3), D.Diagonal)
    _register(_dim_rule(1, extra=1), S.Unsqueeze)
    _register(_full_reduction, R.Sum, R.Mean, R.Prod, R.MaxAll, R.MinAll)
    _register(_per_sample, SO.MedianAll, SO.NanmedianAll)  # (not their base's dim rule: they have no dim)
    # ops whose result's shape depends on the values: no batch shape (torch refuses them)
    _register(_dynamic_shape, SO.Unique, SO.UniqueDim, SO.UniqueConsecutive)
    _register(_trace, D.Trace)
    # views and copies
    _register(_reshape, S._Reshape)
    _register(_expand, S.Expand)
    _register(_permute, S.Permute)
    _register(_t, S.T)
    _register(_squeeze_row, L.SqueezeRow)
    _register(_roll, S.Roll)
    _register(_repeat, S.Repeat)
    _register(_join, S.Cat, S.Stack)
    _register(_index, I.Select, X.Index, X.IndexSelect, X.Gather)
    _register(_embedding, SP.Embedding)
    # ops on the last dims that take any leading dims (matrices, padding, copies)
    _register(_same, S.Alias, C.Clone, C.ToCopy, D.Tril, L.LinalgInv, L.LinalgSlogdet, LSO.LinalgDet,
              LC.LinalgCholeskyEx, LM.LinalgMatrixExp, PD.ConstantPadNd)
    # products
    _register(_matmul, L.Mm, L.Bmm)
    _register(_mv, L.Mv)
    _register(_dot, L.Dot)
    _register(_addmm, L.Addmm)
    _register(_add_product, PR._AddProduct)
    _register(_cross, PR.Cross)
    # nn: the batch folded into N, or into groups, or more rows
    _register(_convolution, CV.Convolution)
    _register(_fold, P.MaxPoolWithIndices, P.AvgPool, PA.AdaptiveAvgPool, PA.MaxOverWindows, PS.PixelShuffle,
              PS.PixelUnshuffle, PS.ChannelShuffle)
    _register(_row_norm, NO._RowNorm)
    _register(_batch_norm_eval, NO.NativeBatchNorm)
    _register(_nll_loss, LS.NllLoss)
    _register(_pointwise_loss(2), LS.MseLoss, LS.HuberLoss)
    _register(_pointwise_loss(3), LS.BinaryCrossEntropy)
    _register(_pointwise_loss(4), LS.BinaryCrossEntropyWithLogits)
    global _stack, _matmul_fn
    _stack, _matmul_fn = S.stack, L.matmul


def _per_sample(cls, args, batched, size):
    """No rule of its own: the per-sample ``fallback``."""
    return None


def _dynamic_shape(cls, args, batched, size):
    raise RuntimeError(DYNAMIC_SHAPE_ERROR.format(cls.aten_name))


def _same(cls, args, batched, size):
    """Ops that act on each element or on the last dims, whatever leads them (copies, tril)."""
    if not batched[0] or any(batched[1:]):
        return None
    return cls.apply(*args)


def _fold(cls, args, batched, size):
    """(B, N, ...) as (B·N, ...) for ops that treat each of their first dim's entries alone (pooling)."""
    if not batched[0] or any(batched[1:]):
        return None
    x = args[0]
    out = cls.apply(x.reshape((-1,) + tuple(x.shape[2:])), *args[1:])
    unfold = lambda o: None if o is None else o.reshape((size, -1) + tuple(o.shape[1:]))
    return tuple(unfold(o) for o in out) if isinstance(out, tuple) else unfold(out)


def _pointwise_loss(position):
    """Losses of elementwise terms (reduction at ``position``): the terms of the batch, reduced per sample."""
    def rule(cls, args, batched, size):
        reduction = args[position]
        terms = _elementwise(cls, args[:position] + ["none"] + list(args[position + 1:]), batched, size)
        if reduction == "none":
            return terms
        dims = tuple(range(1, terms.ndim))
        return terms.sum(dims) if reduction == "sum" else terms.mean(dims)
    return rule


def _trace(cls, args, batched, size):
    from .._dtype import from_numpy_dtype
    diagonal = args[0].diagonal(0, 1, 2)
    return diagonal.sum(-1, dtype=None if args[1] is None else from_numpy_dtype(np.dtype(args[1])))


def _roll(cls, args, batched, size):
    a, shifts, dims = args
    if not dims:
        return None  # a roll of the flattened sample: the batch would roll into it
    return _dim_rule(2)(cls, args, batched, size)


def _repeat(cls, args, batched, size):
    a, repeats = args
    return cls.apply(_pad(a, len(repeats)), (1,) + tuple(repeats))


def _cross(cls, args, batched, size):
    a, b, dim = args
    ndim = max(_ndim(a, batched[0]), _ndim(b, batched[1]))
    # both with the batch's rank: NumPy's cross takes the axis of each operand as given
    padded = [_pad(t, ndim) if flag else t.reshape((1,) * (ndim + 1 - t.ndim) + tuple(t.shape))
              for t, flag in zip((a, b), batched)]
    return cls.apply(*padded, _shift(dim, ndim))


def _add_product(cls, args, batched, size):
    """addmv, addr, baddbmm, addbmm: β·c + α·P(a, b), with P batched as mv, outer and bmm are."""
    c, a, b, beta, alpha = args
    name = cls.__name__
    if name == "Addmv":
        product = _matmul_fn(a, b.unsqueeze(-1)).squeeze(-1) if batched[2] else _matmul_fn(a, b)
    elif name == "Addr":
        product = a.unsqueeze(-1) * b.unsqueeze(-2)
    else:
        product = _matmul_fn(a, b)
        product = product.sum(-3) if name == "Addbmm" else product
    product = product if alpha == 1 else product * alpha
    if beta == 0:
        return product
    ndim = product.ndim - (batched[1] or batched[2])
    return product + (_pad(c, ndim) if batched[0] else c) * beta


def _row_norm(cls, args, batched, size):
    """layer_norm, group_norm (x batched only): the batch's rows are more rows of the same length."""
    x, w, b, stats, affine, wshape, eps = args
    if any(batched[1:]):
        return None
    more = lambda shape: (size * shape[0],) + tuple(shape[1:])  # noqa: E731
    return cls.apply(x, w, b, more(stats), more(affine), wshape, eps)


def _batch_norm_eval(cls, args, batched, size):
    """batch_norm in eval mode (the running estimates, not batched: constants): each sample's (N, C, ...) is more
    rows N; with a batched weight or bias (per-sample gradients), y = (x - μ)·r·w + b written out per channel.
    Training (batch statistics, the running estimates updated in place) is left to the per-sample loop."""
    x, w, b, mean, var, training, momentum, eps = args
    if training or batched[3] or batched[4] or _ndim(x, batched[0]) < 2:
        return None
    if not (batched[1] or batched[2]):
        out = cls.apply(x.reshape((-1,) + tuple(x.shape[2:])), *args[1:])
        return out.reshape(tuple(x.shape[:2]) + tuple(out.shape[1:]))
    if not batched[0]:
        x = x.expand((size,) + tuple(x.shape))
    trailing = (1,) * (x.ndim - 3)  # per channel: (C, 1, ...) against a sample's (N, C, ...)
    dtype = x._data.dtype
    y = (x - _make(mean.astype(dtype).reshape((-1,) + trailing))) * \
        _make((1 / np.sqrt(var + eps)).astype(dtype).reshape((-1,) + trailing))
    for t, flag, add in ((w, batched[1], False), (b, batched[2], True)):
        if t.numel():
            t = t.reshape((size, 1, -1) + trailing) if flag else t.reshape((-1,) + trailing)
            y = y + t if add else y * t
    return y


def _embedding(cls, args, batched, size):
    """Batched indices into one table: the lookup of the batch of indices. A batched table (B, V, D): one table
    of B·V rows, sample b's indices shifted by b·V (scale_grad_by_freq then counts each sample's own indices)."""
    if not batched[0]:
        return cls.apply(*args)
    w, indices, padding_idx, scale_grad_by_freq = args
    if padding_idx is not None:
        return None  # one row per sample would need no gradient: left to the per-sample loop
    rows = w.shape[1]
    if not batched[1]:
        indices = np.broadcast_to(indices, (size,) + indices.shape)
    shifted = indices + (np.arange(size) * rows).reshape((size,) + (1,) * (indices.ndim - 1))
    return cls.apply(w.reshape((-1,) + tuple(w.shape[2:])), shifted, None, scale_grad_by_freq)


def _full_reduction(cls, args, batched, size):
    """sum(x), mean(x), ...: a reduction over all of one sample's dims."""
    a = args[0]
    if a.ndim == 1:
        return None if cls.__name__ in ("MaxAll", "MinAll") and a.shape[0] == 0 else a
    from ..ops import reduction as R
    dims = tuple(range(1, a.ndim))
    if cls is R.Sum:
        return R.SumDim.apply(a, dims, False, *args[1:])
    if cls is R.Mean:
        return R.MeanDim.apply(a, dims, False)
    if cls is R.Prod:
        return a.reshape(a.shape[0], -1).prod(1, dtype=args[1])
    return (a.reshape(a.shape[0], -1).amax(1) if cls is R.MaxAll else a.reshape(a.shape[0], -1).amin(1))


def _reshape(cls, args, batched, size):
    a, shape = args
    return a.reshape((a.shape[0],) + tuple(shape))


def _expand(cls, args, batched, size):
    a, shape = args
    return cls.apply(_pad(a, len(shape)), (a.shape[0],) + tuple(shape))


def _permute(cls, args, batched, size):
    a, dims = args
    return cls.apply(a, (0,) + tuple(_shift(d, a.ndim - 1) for d in dims))


def _squeeze_row(cls, args, batched, size):
    return args[0].squeeze(1)  # (B, 1, n) -> (B, n)


def _t(cls, args, batched, size):
    a = args[0]
    return a.permute((0,) + tuple(range(a.ndim - 1, 0, -1)))


def _index(cls, args, batched, size):
    """a[key], basic or advanced, the batch kept in front. A batched ``a``: the key gets a leading ``:``
    (index arrays that are not side by side move their dims to the front in NumPy: those fall back).
    Batched index arrays: each sample's indices pick from that sample's ``a`` (an ``arange`` index)."""
    a, key = args
    key = tuple(key) if isinstance(key, tuple) else (key,)
    arrays = [j for j, k in enumerate(key) if isinstance(k, (np.ndarray, list, int, np.integer))]
    if arrays and (arrays[-1] - arrays[0] + 1 != len(arrays) or any(k is Ellipsis or k is None or isinstance(
            k, slice) for k in key[arrays[0]:arrays[-1] + 1])):
        return None
    if not batched[1]:
        return cls.apply(a, (slice(None),) + key) if batched[0] else None
    positions = args[1].positions
    if any(key[j].dtype == bool for j in positions) or any(k is Ellipsis for k in key):
        return None  # a mask's count differs between samples: no batch shape
    lead = sum(1 for k in key[:arrays[0]] if isinstance(k, slice) or k is None)
    if not batched[0]:
        out = cls.apply(a, key)
        return out.movedim(lead, 0) if lead else out
    if lead:
        return None
    depth = 1 + max(np.ndim(key[j]) - (j in positions) for j in arrays)
    batch = np.arange(size).reshape((size,) + (1,) * (depth - 1))
    return cls.apply(a, (batch,) + key)


def _join(cls, args, batched, size):
    """cat/stack(dim, dtype, *tensors): unbatched tensors are repeated over the batch."""
    dim, dtype, tensors = args[0], args[1], args[2:]
    flags = batched[2:]
    first = next(t for t, b in zip(tensors, flags) if b)
    ndim = first.ndim - 1 + (cls.__name__ == "Stack")
    tensors = [t if b else t.expand((size,) + tuple(t.shape)) for t, b in zip(tensors, flags)]
    return cls.apply(_shift(dim, ndim) if ndim else 1, dtype, *tensors)


def _matmul(cls, args, batched, size):
    """mm, bmm: matmul broadcasts over the batch in front (one batched operand or both)."""
    return _matmul_fn(args[0], args[1])


def _mv(cls, args, batched, size):
    m, v = args
    return _matmul_fn(m, v.unsqueeze(-1)).squeeze(-1) if batched[1] else _matmul_fn(m, v)


def _dot(cls, args, batched, size):
    a, b = args
    return (a * b).sum(-1)  # (B, k) * (k,) or (B, k): broadcasting puts the batch in front


def _addmm(cls, args, batched, size):
    c, a, b, beta, alpha = args
    product = _matmul_fn(a, b)
    product = product if alpha == 1 else product * alpha
    if batched[0]:
        c = _pad(c, 2)
    return product + (c if beta == 1 else c * beta) if beta != 0 else product


def _where(cls, args, batched, size):
    c, x, y, dtype = args
    ndim = max(_ndim(a, b) for a, b in zip(args[:3], batched[:3]) if isinstance(a, (Tensor, np.ndarray)))
    return cls.apply(*[_pad(a, ndim) if b else a for a, b in zip(args[:3], batched[:3])], dtype)


def _convolution(cls, args, batched, size):
    """A batched input only: the batch folded into N (each sample is (N, C, ...) or unbatched (C, ...))."""
    x, w, b, geometry, output_padding = args
    if batched[1] or batched[2]:
        return _convolution_batched_weight(cls, args, batched, size)
    folded = x.reshape((-1,) + tuple(x.shape[2:]))
    out = cls.apply(folded, w, b, geometry, output_padding)
    return out.reshape((size, x.shape[1]) + tuple(out.shape[1:]))


def _convolution_batched_weight(cls, args, batched, size):
    """Batched weights: the batch becomes groups (B·g groups over B·C channels), as torch's rule does."""
    x, w, b, geometry, output_padding = args
    if output_padding is not None:
        return None  # transposed: its weight is (C_in, C_out/g, ...); left to the per-sample loop
    if not batched[0]:
        x = x.expand((size,) + tuple(x.shape))
    if not batched[1]:
        w = w.expand((size,) + tuple(w.shape))
    n, spatial = x.shape[1], tuple(x.shape[3:])
    x = x.movedim(0, 1).reshape((n, -1) + spatial)                      # (N, B·C, ...)
    w = w.reshape((-1,) + tuple(w.shape[2:]))                            # (B·O, C/g, ...)
    if b.numel():
        b = (b if batched[2] else b.expand((size,) + tuple(b.shape))).reshape(-1)
    out = cls.apply(x, w, b, geometry[:-1] + (geometry[-1] * size,), output_padding)
    return out.reshape((n, size, -1) + tuple(out.shape[2:])).movedim(1, 0)


def _nll_loss(cls, args, batched, size):
    """nll_loss of (N, C) log-probabilities: the batch folded into N with reduction 'none', then each
    sample's losses summed (and for 'mean' divided by the sample's weights of the targets not ignored)."""
    logp, target, weight, reduction, ignore_index = args
    if batched[2] or cls.__name__ != "NllLoss" or _ndim(logp, batched[0]) != 2:
        return None
    if not batched[0]:
        logp = logp.expand((size,) + tuple(logp.shape))
    target = target if batched[1] else np.broadcast_to(target, (size,) + target.shape)
    n = logp.shape[1]
    losses = cls.apply(logp.reshape(size * n, -1), target.reshape(-1), weight, "none", ignore_index)
    losses = losses.reshape(size, n)
    if reduction == "none":
        return losses
    total = losses.sum(1)
    if reduction == "sum":
        return total
    kept = target != ignore_index
    weights = (weight[np.where(kept, target, 0)] if weight is not None else np.ones(target.shape)) * kept
    return total / _make(weights.sum(1).astype(logp._data.dtype))


def _take(a, i):
    """Sample ``i`` of an unwrapped argument (a key: of each of its batched indices)."""
    if isinstance(a, _BatchedKey):
        return tuple(k[i] if j in a.positions else k for j, k in enumerate(a))
    return a[i]


def fallback(cls, args, batched, size):
    """No rule: the op once per sample, the results stacked (torch's warning names the op)."""
    warnings.warn(FALLBACK_WARNING.format(op_name(cls)), stacklevel=4)
    per_sample = [cls.apply(*[_take(a, i) if b else a for a, b in zip(args, batched)]) for i in range(size)]
    if isinstance(per_sample[0], tuple):
        return tuple(None if outs[0] is None else _stack(list(outs)) for outs in zip(*per_sample))
    return _stack(per_sample)


_stack = _matmul_fn = None  # set by _rules (the ops import this package's parents)
