"""torch.func.vmap: run a function written for one sample on a batch of samples.

Inside ``vmap(f)(x)`` the function sees each batched input as a ``BatchedTensor``: a Tensor whose shape is
one sample's (the batch dimension is hidden) and which holds the whole batch, with the batch dimension in
front, in ``_value``. Every operation that gets a BatchedTensor is run once, on the whole batch, by a
*batching rule* (``RULES``): most NumPy kernels already broadcast over leading dimensions, so a rule is
mostly "the batch in front, dims shifted by one" (elementwise ops, reductions, views, softmax, matmul,
indexing) or "fold the batch into N" (convolution). An operation without a rule is run once per sample and
the results stacked (``_fallback``), with torch's warning naming the op, so missing rules are visible.

How operations are intercepted: through the observer hook of ``minitorch/autograd/function.py`` (the one
``jit.trace`` and the profiler use). While a vmap runs, ``function.observer`` is the interpreter below and
``Op.apply``/``Function.apply`` hand it each operation; with vmap off the hook is the one attribute read
per op that ``Op.apply`` already pays for the profiler (nothing added to its cost). A BatchedTensor
subclass on its own would not do: ``Op.apply`` reads ``_data`` arrays, so every op would need to know
about batches. Levels are as in functorch: ``vmap(vmap(f))`` wraps a BatchedTensor of level 1 in one of
level 2; an op is handled for the highest level among its arguments, and the rule's own operations on the
unwrapped values reach the interpreter again for the lower levels.

A BatchedTensor's ``_data`` is sample 0 of the batch (a ``_Sample``), so that Python code reading shapes
and dtypes sees one sample's. Code that reads the *values* of a batched tensor in Python and hands the
array to an op (``where``'s condition, ``nll_loss``'s target) is caught: the array remembers its tensor,
and the op gets the whole batch instead; where it cannot (the array was reshaped), vmap raises rather than
computing on sample 0 alone.

Autograd: a rule runs minitorch operations on the batched values, so the graph is recorded on them and
``backward`` through a vmapped function's output works as for any function. Inside the function, as in
torch, a batched tensor does not require grad and ``requires_grad_()`` raises torch's error, so
``autograd.grad`` called there fails as torch's does: per-sample gradients are minitorch.func.grad's
(``vmap(grad(f))``).

Randomness: ``'same'`` needs nothing (a random op draws for one sample's shape, the same draw for all);
``'error'`` raises torch's error at the draw; ``'different'`` runs the function once per sample when it
draws (each call draws its own). Only draws from the default generator are watched.
"""
import functools
import warnings

import numpy as np

from .. import random as _random
from ..autograd import function as _function
from ..autograd.op_names import op_name
from ..tensor import Tensor, _make

RANDOM_ERROR = ("vmap: called random operation while in randomness error mode. Please either use the 'same' or "
                "'different' randomness flags on vmap or perform the randomness operation out of vmap")
ITEM_ERROR = ("vmap: It looks like you're calling .item() on a Tensor. We don't support vmap over calling .item() on "
              "a Tensor, please try to rewrite what you're doing with other operations. If error is occurring "
              "somewhere inside PyTorch internals, please file a bug report.")
CONTROL_FLOW_ERROR = ("vmap: It looks like you're attempting to use a Tensor in some data-dependent control flow. We "
                      "don't support that yet, please file an issue at https://github.com/pytorch/pytorch/issues .")
REQUIRES_GRAD_ERROR = (
    "You are attempting to call Tensor.requires_grad_() (or perhaps using torch.autograd.functional.* APIs) inside of "
    "a function being transformed by a functorch transform. This is unsupported, please attempt to use the functorch "
    "transforms (e.g. grad, vjp, jacrev, jacfwd, hessian) or call requires_grad_() outside of a function being "
    "transformed instead.")
FALLBACK_WARNING = ("There is a performance drop because we have not yet implemented the batching rule for {}. "
                    "Please file us an issue on GitHub so that we can prioritize its implementation.")


# -- the batched tensor ----------------------------------------------------------------------------------------
class _Sample(np.ndarray):
    """Sample 0 of a BatchedTensor's batch, as its ``_data``: one sample's shape and dtype. ``batched`` is the
    tensor it was read from (kept through ``astype`` and views), so an op that gets it can use the batch."""

    def __array_finalize__(self, obj):
        # astype and same-layout views stand for the same batch; other views (a transpose, a slice) do not
        # stand for any batch: using one raises (see _Lost) rather than computing with sample 0 alone
        batched = getattr(obj, "batched", None)
        if batched is not None and (self.shape != obj.shape or self.ndim and _element_strides(self) !=
                                    _element_strides(obj)):
            batched = _LOST
        self.batched = batched

    def physical(self):
        """The whole batch this sample stands for (batch dimension first), in this sample's dtype."""
        if self.batched is None or self.shape != tuple(self.batched.shape):
            raise RuntimeError(_LOOSE_ERROR)  # reshaped after it was read: which elements are whose is lost
        values = self.batched._value._data
        return values.astype(self.dtype, copy=False) if values.dtype != self.dtype else values

    def as_batched_tensor(self):
        """What ``_make`` (minitorch/tensor.py) returns for this array: the batch, as a BatchedTensor."""
        return _batched(_make(self.physical()), self.batched._level)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """NumPy elementwise maths on the values of batched tensors (comparisons, logic, in Python code that
        is not an Op): done on the whole batch, so that ``_make`` of the result is the batched result."""
        if method == "reduce" and ufunc in _CHECKS and kwargs.get("axis") is None and "out" not in kwargs:
            # x.all(), x.any(), x.max() over all elements: Python's checks (finite? in range?), made over
            # every sample of the batch
            return ufunc.reduce(np.asarray(inputs[0].physical()), **kwargs)
        if method != "__call__" or "out" in kwargs:
            raise RuntimeError(_LOOSE_ERROR)
        level = max(_level_of(a) for a in inputs)
        arrays = [a for a in inputs if isinstance(a, np.ndarray)]
        ndim = max([a.ndim for a in arrays] or [0])
        physical = [_pad(a.physical(), ndim) if _level_of(a) == level
                    else (a.view(np.ndarray) if type(a) is _Sample and a.batched is None else a) for a in inputs]
        result = ufunc(*physical, **kwargs)
        return tuple(_sample_of(r, level) for r in result) if isinstance(result, tuple) else _sample_of(result, level)

    def _python_value(self, *args):
        raise RuntimeError(CONTROL_FLOW_ERROR)

    __int__ = __float__ = __index__ = __bool__ = _python_value  # sample 0's value would be silently wrong

    def __array_function__(self, func, types, args, kwargs):
        if func in (np.argmax, np.argmin) and len(args) == 1 and self.batched is not None:
            batch, axis = self.physical(), kwargs.get("axis")
            result = func(batch.reshape(batch.shape[0], -1), axis=1) if axis is None else func(
                batch, axis=axis + 1 if axis >= 0 else axis, keepdims=kwargs.get("keepdims", False))
            return _sample_of(result, self.batched._level)
        if func not in _SHAPE_ONLY:
            raise RuntimeError(_LOOSE_ERROR)
        return super().__array_function__(func, types, args, kwargs)


def _element_strides(a):
    """The order of the dims in memory and their directions: kept by astype and copies, changed by a
    transpose or a reversal (dims of size 1 left out: their strides mean nothing)."""
    dims = [(abs(s), d, s < 0) for d, (s, n) in enumerate(zip(a.strides, a.shape)) if n > 1]
    return [(d, negative) for _, d, negative in sorted(dims)]


class _Lost:
    """The ``batched`` of a view that reorders or drops the elements of a batched tensor's sample."""

    @property
    def _level(self):
        raise RuntimeError(_LOOSE_ERROR)

    shape = _level


_LOST = _Lost()
_CHECKS = (np.logical_and, np.logical_or, np.maximum, np.minimum)
_SHAPE_ONLY = {np.shape, np.ndim, np.size, np.result_type, np.may_share_memory, np.shares_memory}
_LOOSE_ERROR = ("vmap: minitorch read the values of a batched tensor in Python for an operation it has no batching "
                "rule for")


def _sample_of(result, level):
    """Sample 0 of a batched NumPy result, standing for the whole batch."""
    sample = np.asanyarray(result)[0, ...].view(_Sample)
    sample.batched = _batched(_make(result), level)
    return sample


class BatchedTensor(Tensor):
    """A tensor inside ``vmap``: one sample's shape; ``_value`` holds the batch (batch dimension first)."""
    __slots__ = ("_value", "_level")

    @property
    def _data(self):
        sample = self._value._data[0, ...].view(_Sample)
        sample.batched = self
        return sample

    def requires_grad_(self, requires_grad=True):
        raise RuntimeError(REQUIRES_GRAD_ERROR)

    def _set_requires_grad(self, value):
        raise RuntimeError(REQUIRES_GRAD_ERROR)

    # as in torch, a batched tensor is not part of a graph (the batch is): autograd inside vmap is func.grad's
    requires_grad = property(lambda self: False, _set_requires_grad)

    def __repr__(self):
        return f"BatchedTensor(lvl={self._level}, bdim=0, value=\n{self._value!r}\n)"


def _batched(value, level):
    t = BatchedTensor.__new__(BatchedTensor)
    t._value, t._level = value, level
    t._requires_grad, t._grad, t.grad_fn, t._output_nr = False, None, None, 0
    t._vc, t._acc, t._hooks, t._retains_grad, t._view, t._views = [0], None, None, False, None, None
    return t


def _level_of(a):
    """The level a value is batched at (0: not batched); a key (tuple) is batched where an index in it is."""
    if isinstance(a, BatchedTensor):
        return a._level
    if isinstance(a, _Sample) and a.batched is not None:
        return a.batched._level
    if isinstance(a, tuple):
        return max([_level_of(k) for k in a] or [0])
    return 0


# -- the interpreter: the observer while a vmap runs -------------------------------------------------------------
class _Interpreter:
    """Gets every operation run while a vmap is on (``function.observer``); ``sizes`` holds the batch size of
    each level (level n is ``sizes[n - 1]``)."""

    def __init__(self):
        self.busy = False
        self.sizes = []
        self.previous = None

    def op(self, cls, args):
        level = max([_level_of(a) for a in args] or [0])
        if level == 0:  # nothing batched: the op as it is
            # an op on plain tensors: the op itself, or through jit.trace or the profiler if one was on
            return self._plain(cls.apply if self.previous is None else lambda *a: self.previous.op(cls, a), args)
        size = self.sizes[level - 1]
        batched = [_level_of(a) == level for a in args]
        values = [_unwrap(a, level) if b else a for a, b in zip(args, batched)]
        rule = _rule(cls)
        out = None if rule is None else rule(cls, values, batched, size)
        if out is None:
            out = _fallback(cls, values, batched, size)
        if isinstance(out, tuple):
            return tuple(None if o is None else _batched(o, level) for o in out)
        return _batched(out, level)

    def inplace(self, apply_inplace, tensor, fn, args, kwargs):
        level = max([_level_of(a) for a in (tensor,) + tuple(args)] + [_level_of(v) for v in kwargs.values()])
        if level == 0:
            if self.previous is not None:
                return self._plain(lambda *a: self.previous.inplace(apply_inplace, tensor, fn, a, kwargs), args)
            return self._plain(lambda *a: apply_inplace(*a, **kwargs), (tensor, fn) + tuple(args))
        if _level_of(tensor) != level:  # torch: the written tensor cannot hold a batch
            shape = (self.sizes[level - 1],) + _broadcast([tuple(a.shape) for a in (tensor,) + tuple(args)
                                                             if isinstance(a, Tensor)])
            raise RuntimeError(f"output with shape {list(tensor.shape)} doesn't match the broadcast shape "
                               f"{list(shape)}")
        result = fn(tensor, *args, **kwargs)  # out of place, batched; then written into the batch
        tensor._value.copy_(_unwrap(result, level) if _level_of(result) == level else result)
        return tensor

    def python_value(self, tensor, kind):
        if isinstance(tensor, BatchedTensor):
            raise RuntimeError(ITEM_ERROR if kind == "number" else CONTROL_FLOW_ERROR)
        if self.previous is not None:
            self.previous.python_value(tensor, kind)

    def _plain(self, fn, args):
        self.busy = True
        try:
            return fn(*args)
        finally:
            self.busy = False


_INTERPRETER = _Interpreter()


def _unwrap(a, level):
    """The batch of ``a`` (batched at ``level``): a Tensor, or for an array read from one, the batch's array."""
    if isinstance(a, BatchedTensor):
        return a._value
    if isinstance(a, tuple):  # a key: its batched indices as their batch
        key = _BatchedKey(_unwrap(k, level) if _level_of(k) == level else k for k in a)
        key.positions = [j for j, k in enumerate(a) if _level_of(k) == level]
        return key
    return a.physical()


class _BatchedKey(tuple):
    """An index key whose indices at ``positions`` are batches (batch dimension first)."""


def _broadcast(shapes):
    return tuple(np.broadcast_shapes(*shapes)) if shapes else ()


# -- batching rules ------------------------------------------------------------------------------------------------
# A rule gets the op, its arguments (batched ones replaced by their batch: batch dimension first), which are
# batched, and the batch size; it returns the batch of the result (or a tuple), or None to fall back.
RULES = {}


def _rule(cls):
    for klass in cls.__mro__:
        rule = RULES.get(klass)
        if rule is not None:
            return rule
    if getattr(cls, "elementwise", False) or getattr(cls, "promotes", False):
        return _elementwise
    return None


def _ndim(a, batched):
    """One sample's number of dims."""
    return a.ndim - 1 if batched else a.ndim


def _pad(a, ndim):
    """A batch (B, *shape) as (B, 1, ..., *shape) with ``ndim`` dims after B: it then broadcasts against
    unbatched operands of ``ndim`` dims as one sample would."""
    extra = ndim - (a.ndim - 1)
    if extra <= 0:
        return a
    if isinstance(a, np.ndarray):
        return a.reshape((a.shape[0],) + (1,) * extra + a.shape[1:])
    return a.reshape((a.shape[0],) + (1,) * extra + tuple(a.shape[1:]))


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
    _register(_nll_loss, LS.NllLoss)
    _register(_pointwise_loss(2), LS.MseLoss, LS.HuberLoss)
    _register(_pointwise_loss(3), LS.BinaryCrossEntropy)
    _register(_pointwise_loss(4), LS.BinaryCrossEntropyWithLogits)
    global _stack, _matmul_fn, _cat
    _stack, _matmul_fn, _cat = S.stack, L.matmul, S.cat


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


def _embedding(cls, args, batched, size):
    """Batched indices into one table: the lookup of the batch of indices."""
    return None if batched[0] else cls.apply(*args)


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


def _fallback(cls, args, batched, size):
    """No rule: the op once per sample, the results stacked (torch's warning names the op)."""
    warnings.warn(FALLBACK_WARNING.format(op_name(cls)), stacklevel=4)
    per_sample = [cls.apply(*[_take(a, i) if b else a for a, b in zip(args, batched)]) for i in range(size)]
    if isinstance(per_sample[0], tuple):
        return tuple(None if outs[0] is None else _stack(list(outs)) for outs in zip(*per_sample))
    return _stack(per_sample)


# -- randomness ----------------------------------------------------------------------------------------------------
class _NeedsLoop(Exception):
    """A random draw in ``randomness='different'``: the function is run once per sample instead."""


class _WatchedGenerator:
    """Stands in for the default generator's NumPy generator while a vmap runs: a draw raises."""

    def __init__(self, mode):
        self.mode = mode

    def __getattr__(self, name):
        if self.mode == "error":
            raise RuntimeError(RANDOM_ERROR)
        raise _NeedsLoop()


# -- pytrees (tuples, lists, dicts) ---------------------------------------------------------------------------------
class _Spec:
    def __init__(self, kind, context, children):
        self.kind, self.context, self.children = kind, context, children

    def __eq__(self, other):
        return (self.kind, self.context, self.children) == (other.kind, other.context, other.children)

    def repr(self, indent=0):
        if self.kind is None:
            return "*"
        inner = (",\n" + " " * (indent + 2)).join(c.repr(indent + 2) for c in self.children)
        return f"TreeSpec({self.kind.__name__}, {self.context}, [{inner}])"


_LEAF = _Spec(None, None, [])


def _flatten(tree):
    if isinstance(tree, (tuple, list)):
        kind, context, items = type(tree), None, list(tree)
    elif isinstance(tree, dict):
        kind, context, items = dict, list(tree), list(tree.values())
    else:
        return [tree], _LEAF
    leaves, children = [], []
    for item in items:
        sub, spec = _flatten(item)
        leaves += sub
        children.append(spec)
    return leaves, _Spec(kind, context, children)


def _unflatten(leaves, spec):
    it = iter(leaves)

    def build(s):
        if s.kind is None:
            return next(it)
        items = [build(c) for c in s.children]
        if s.kind is dict:
            return dict(zip(s.context, items))
        return s.kind(items) if s.kind in (tuple, list) else s.kind(*items)
    return build(spec)


def _broadcast_prefix(prefix, tree, spec):
    """One value per leaf of ``tree``: ``prefix`` is a tree whose leaves stand for whole subtrees."""
    if not isinstance(prefix, (tuple, list, dict)):
        return [prefix] * len(_flatten(tree)[0])
    if type(prefix) is not type(tree) and not (isinstance(prefix, tuple) and isinstance(tree, tuple)) \
            or len(prefix) != len(tree) or (isinstance(tree, dict) and list(prefix) != list(tree)):
        raise _Mismatch()
    items = prefix.values() if isinstance(prefix, dict) else prefix
    subtrees = tree.values() if isinstance(tree, dict) else tree
    return [d for p, t in zip(items, subtrees) for d in _broadcast_prefix(p, t, None)]


class _Mismatch(Exception):
    pass


# -- vmap ----------------------------------------------------------------------------------------------------------
def _name(func):
    return getattr(func, "__name__", repr(func))


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """torch.func.vmap: ``func`` mapped over dimension ``in_dims`` of its inputs; the results have the
    mapped dimension at ``out_dims``. ``in_dims``/``out_dims``: an int, None (not mapped), or a tuple
    (a tree) with one entry per argument/output."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        flat, dims, size = _check_inputs(func, in_dims, args)
        if chunk_size is None or chunk_size >= size:
            return _run(func, flat, dims, size, out_dims, randomness, args, kwargs)
        pieces = [_run(func, [a.narrow(d, start, min(chunk_size, size - start)) if d is not None else a
                              for a, d in zip(flat, dims)], dims, min(chunk_size, size - start),
                       out_dims, randomness, args, kwargs)
                  for start in range(0, size, chunk_size)]
        outs, spec = _flatten(pieces[0])
        out_flat = _out_dims(func, out_dims, pieces[0], spec)
        columns = zip(*[_flatten(p)[0] for p in pieces])
        return _unflatten([c[0] if d is None else _cat(list(c), d) for c, d in zip(columns, out_flat)], spec)
    return wrapped


def _check_inputs(func, in_dims, args):
    """The flat inputs, their in_dims (one per leaf) and the batch size, checked as torch checks them."""
    name = _name(func)
    if not isinstance(in_dims, (int, tuple)) or isinstance(in_dims, bool):
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int or a "
                         f"(potentially nested) tuple matching the structure of inputs, got: {type(in_dims)}.")
    if not args:
        raise ValueError(f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are "
                         f"trying to vmap over a function with no inputs. The latter is unsupported.")
    flat, spec = _flatten(args)
    try:
        dims = _broadcast_prefix(in_dims, args, spec)
    except _Mismatch:
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the "
                         f"structure of `inputs`. in_dims has structure {_flatten(in_dims)[1].repr()} but inputs "
                         f"has structure {spec.repr()}.") from None
    sizes = []
    for i, (a, d) in enumerate(zip(flat, dims)):
        if d is None:
            continue
        if not isinstance(d, int) or isinstance(d, bool):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input but "
                             f"in_dim must be either an integer dimension or None.")
        if not isinstance(a, Tensor):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input but the "
                             f"input is of type {type(a)}. We cannot vmap over non-Tensor arguments, please use "
                             f"None as the respective in_dim")
        if not -a.ndim <= d < a.ndim:
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some input, but "
                             f"that input is a Tensor of dimensionality {a.ndim} so expected in_dim to satisfy "
                             f"-{a.ndim} <= in_dim < {a.ndim}.")
        dims[i] = d % a.ndim
        sizes.append(a.shape[dims[i]])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                         f"{sizes} for the mapped dimension")
    return flat, dims, sizes[0]


def _out_dims(func, out_dims, outputs, spec):
    if isinstance(out_dims, (int, type(None))) and not isinstance(out_dims, bool):
        return [out_dims] * len(_flatten(outputs)[0])
    if not isinstance(out_dims, (tuple, list, dict)):
        raise ValueError(f"vmap({_name(func)}, ..., out_dims={out_dims}): `out_dims` must be an int, None or a "
                         f"python collection of ints representing where in the outputs the vmapped dimension "
                         f"should appear.")
    try:
        return _broadcast_prefix(out_dims if not isinstance(outputs, tuple) or isinstance(out_dims, tuple)
                                 else tuple(out_dims), outputs, spec)
    except _Mismatch:
        raise ValueError(f"vmap({_name(func)}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible with "
                         f"the structure of `outputs`. out_dims has structure {_flatten(out_dims)[1].repr()} but "
                         f"outputs has structure {spec.repr()}.") from None


def _run(func, flat, dims, size, out_dims, randomness, args, kwargs):
    """One vmap level: the inputs wrapped as BatchedTensors, ``func`` called, the outputs unwrapped."""
    if not RULES:
        _rules()
    interp = _INTERPRETER
    level = len(interp.sizes) + 1
    if level == 1:
        interp.previous = _function.observer
    inputs = [a if d is None else _batched(a if d == 0 else a.movedim(d, 0), level) for a, d in zip(flat, dims)]
    generator = _random.default_generator
    saved_np = generator.np
    interp.sizes.append(size)
    _function.observer = interp
    if randomness != "same":
        generator.np = _WatchedGenerator(randomness)
    try:
        outputs = func(*_unflatten(inputs, _flatten(args)[1]), **kwargs)
    except _NeedsLoop:
        outputs = None
    finally:
        generator.np = saved_np
        interp.sizes.pop()
        if not interp.sizes:
            _function.observer = interp.previous
    if outputs is None:  # randomness='different' and a draw: once per sample
        return _per_sample(func, flat, dims, size, out_dims, randomness, args, kwargs)
    flat_out, spec = _flatten(outputs)
    results = []
    for out, d in zip(flat_out, _out_dims(func, out_dims, outputs, spec)):
        batched = isinstance(out, BatchedTensor) and out._level == level
        if d is None:
            if batched:
                raise ValueError(f"vmap({_name(func)}, ...): `{_name(func)}` can not return a BatchedTensor when "
                                 f"out_dim is None")
            results.append(out)
            continue
        if not isinstance(out, Tensor):
            raise ValueError(f"vmap({_name(func)}, ...): `{_name(func)}` must only return Tensors, got type "
                             f"{type(out)}. Did you mean to set out_dims= to None for output?")
        value = out._value if batched else out.expand((size,) + tuple(out.shape))
        results.append(value if d == 0 else value.movedim(0, d))
    return _unflatten(results, spec)


def _per_sample(func, flat, dims, size, out_dims, randomness, args, kwargs):
    """randomness='different' with a random draw: ``func`` once per sample (each draws its own), stacked."""
    spec = _flatten(args)[1]
    runs = [func(*_unflatten([a if d is None else a.select(d, i) for a, d in zip(flat, dims)], spec), **kwargs)
            for i in range(size)]
    flat_runs = [_flatten(r)[0] for r in runs]
    out_spec = _flatten(runs[0])[1]
    dims_out = _out_dims(func, out_dims, runs[0], out_spec)
    return _unflatten([c[0] if d is None else _stack(list(c), d) for c, d in zip(zip(*flat_runs), dims_out)],
                      out_spec)


_stack = _matmul_fn = _cat = None  # set by _rules (the ops import this package's parents)
