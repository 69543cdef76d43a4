"""Running PyTorch's own OpInfo samples (``op_db``) through minitorch and comparing with torch.

``op_db`` (torch.testing._internal.common_methods_invocations) describes each torch operator: how to call
it (function, Tensor method, in-place method, Python operator) and a generator of sample inputs
(``op.sample_inputs(device, dtype, requires_grad=...)``). For every OpInfo that minitorch has, each sample
is converted to minitorch tensors with the same values, strides and ``requires_grad``, both engines are
called, and ``run_sample`` checks outputs, the inputs after the call (in-place variants), first
and (where OpInfo says it is supported) second-order gradients, and that minitorch raises where torch does.

Which minitorch callable matches an OpInfo variant: the namesake in ``minitorch``,
``minitorch.nn.functional`` or ``minitorch.linalg`` (by the OpInfo's name), the Tensor method of the same
name, the in-place method ``X_``. OpInfo's own lambdas (``lambda x: x.T``,
``lambda self, condition, other: torch.where(condition, self, other)``) are run with their global ``torch``
bound to minitorch, so the call is exactly OpInfo's.
"""
import collections
import contextlib
import dis
import functools
import types

import numpy as np
import torch
from torch.testing._internal.common_methods_invocations import op_db

import minitorch
import minitorch.linalg
import minitorch.nn.functional

RTOL, ATOL = 1e-7, 1e-10  # float64 everywhere; transcendental functions differ in the last bits across CPUs
# the few float32 tensors a float64 sample carries (cov's aweights): float32's own tolerance, as the rest of the
# suite's (the engines may add a float32 sum's terms in another order: a few ulps)
RTOL32, ATOL32 = 1e-5, 1e-6


# What cannot be compared, and why. A sample caught by one of these is counted under its key, not run; the
# first two are still partly compared (shapes, dtypes, requires_grad, and that neither engine raises alone).
FILTERS = {
    "rng": "the op drew from torch's random generator: minitorch draws from its own NumPy stream, so the values "
           "differ by design (shapes, dtypes and requires_grad are compared)",
    "uninitialized": "empty*: the values are uninitialized memory (shapes, dtypes and requires_grad are compared)",
    "complex": "complex dtypes: minitorch has none",
    "sparse": "sparse and other non-strided layouts: minitorch has strided tensors only",
    "out=": "out= arguments: minitorch's functions have no out= (beyond matmul)",
    "not a tensor": "inputs that are tensor subclasses (masked, nested, ...), not plain strided tensors",
    "memory_format": "memory_format= arguments: minitorch has no memory formats (a tensor's layout is its NumPy "
                     "strides)",
    "layout": "layout= arguments: minitorch has no layout objects (every tensor is strided)",
}


class NotComparable(Exception):
    """A sample outside what can be compared: ``args[0]`` is its key in FILTERS."""


# -- which OpInfos, which variants -----------------------------------------------------------------------
def float64_cpu_ops():
    """The OpInfos that support float64 on the CPU (the census's denominator)."""
    return [op for op in op_db if torch.float64 in op.supported_dtypes("cpu")]


def op_id(op):
    return op.name + ("." + op.variant_test_name if op.variant_test_name else "")


def family(op):
    """torch.*, nn.functional, linalg, or Tensor-only (no torch.X function): for the list of missing ops."""
    if op.name.startswith("nn.functional."):
        return "nn.functional"
    if op.name.startswith("linalg."):
        return "linalg"
    if "." in op.name:
        return op.name.split(".")[0]  # special, fft, sparse, masked, signal, ...
    return "torch" if hasattr(torch, op.name) else "Tensor-only"


def _namesake(op, tensor_too=False):
    """minitorch's function of the OpInfo's name (``tensor_too``: or its Tensor method/attribute), or None."""
    name = op.name
    if name.startswith("nn.functional."):
        return getattr(minitorch.nn.functional, name[len("nn.functional."):], None)
    if name.startswith("linalg."):
        return getattr(minitorch.linalg, name[len("linalg."):], None)
    if "." in name:  # special.zeta, signal.windows.hann, masked.sum, sparse.mm, fft.fft: the same path in minitorch
        found = minitorch
        for part in name.split("."):
            found = getattr(found, part, None)
            if found is None or found is minitorch.Tensor:
                return None
        return found
    return getattr(minitorch, name, None) or (getattr(minitorch.Tensor, name, None) if tensor_too else None)


def _is_tensor_method(fn):
    """torch.Tensor.abs (C), torch.Tensor.__rpow__ (Python), ...: called as ``input.name(...)``."""
    return getattr(fn, "__objclass__", None) is torch._C.TensorBase or \
        getattr(fn, "__qualname__", "").startswith("Tensor.")


def _is_testing_helper(fn):
    """OpInfo's own lambdas and helper functions (as opposed to a torch function or Tensor method)."""
    return isinstance(fn, types.FunctionType) and fn.__module__.startswith("torch.testing")


def _plain_call(fn, *args, **kwargs):
    """Stands in for OpInfo's ``wrapper_set_seed`` (which reseeds torch and then restores its RNG state):
    calling the op directly lets the test see whether it drew from torch's random generator."""
    return fn(*args, **kwargs)


def rebind(fn, namespace):
    """OpInfo's helper ``fn`` with its global ``torch`` bound to ``namespace`` (torch or minitorch)."""
    g = dict(fn.__globals__, torch=namespace, wrapper_set_seed=_plain_call)
    new = types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, fn.__closure__)
    new.__kwdefaults__ = fn.__kwdefaults__
    return new


def _has_everything(fn):
    """Whether minitorch has every ``torch.a.b`` attribute and every Tensor attribute (``x.T``,
    ``x.contiguous``) that OpInfo's helper ``fn`` uses (read from its bytecode)."""
    chain = None  # the object reached so far along torch.a.b..., or the Tensor class after an argument
    for ins in dis.get_instructions(fn):
        if ins.opname == "LOAD_GLOBAL" and ins.argval == "torch":
            chain = minitorch
        elif ins.opname.startswith("LOAD_FAST") and ins.argval in fn.__code__.co_varnames[:fn.__code__.co_argcount]:
            chain = minitorch.Tensor
        elif ins.opname in ("LOAD_ATTR", "LOAD_METHOD") and chain is not None:
            chain = getattr(chain, ins.argval, None)
            if chain is None:
                return False
        else:
            chain = None
    return True


def _method(name):
    def call(self, *args, **kwargs):
        return getattr(self, name)(*args, **kwargs)
    call.__name__ = name
    return call


def variants(op):
    """``[(kind, torch callable, minitorch callable)]`` for the variants minitorch has."""
    found = []
    fn = op.op
    if _is_testing_helper(fn):
        if _namesake(op, tensor_too=True) is not None and _has_everything(fn):
            found.append(("function", rebind(fn, torch), rebind(fn, minitorch)))
    elif _is_tensor_method(fn):  # __radd__, __getitem__, ...
        if hasattr(minitorch.Tensor, fn.__name__):
            found.append(("function", fn, _method(fn.__name__)))
    else:
        mine = _namesake(op)
        if mine is not None and callable(mine) and not isinstance(mine, type):
            found.append(("function", fn, mine))
    for kind, fn in (("method", op.method_variant), ("inplace", op.inplace_variant)):
        if fn is None:
            continue
        if _is_testing_helper(fn):
            if _namesake(op, tensor_too=True) is not None and _has_everything(fn):
                found.append((kind, rebind(fn, torch), rebind(fn, minitorch)))
        elif isinstance(fn, functools.partial):  # F.hardsigmoid with inplace=True, ...
            mine = _namesake(op)
            if mine is not None:
                found.append((kind, fn, functools.partial(mine, *fn.args, **fn.keywords)))
        elif hasattr(minitorch.Tensor, fn.__name__):
            found.append((kind, fn, _method(fn.__name__)))
    for kind, fn in (("operator", op.operator_variant), ("inplace_operator", op.inplace_operator_variant)):
        # Python's operator.add, operator.iadd, ...: the same call in both engines
        if fn is not None and found:
            found.append((kind, fn, fn))
    return found


# -- converting a sample ---------------------------------------------------------------------------------
_DTYPES = {getattr(torch, d.name): d for d in minitorch._dtype.ALL}


def _strided_copy(a):
    """A copy of the NumPy view ``a`` with ``a``'s strides (zero strides of expanded tensors included)."""
    if a.size == 0 or a.ndim == 0:
        return a.copy()
    span = 1 + sum((n - 1) * s for n, s in zip(a.shape, a.strides)) // a.itemsize
    buf = np.empty(span, a.dtype)
    out = np.lib.stride_tricks.as_strided(buf, a.shape, a.strides)
    np.copyto(out, a)
    return out


class Converter:
    """torch sample values -> minitorch values; one minitorch tensor per torch tensor (by identity)."""

    def __init__(self):
        self.memo = {}

    def tensor(self, t):
        if id(t) in self.memo:
            return self.memo[id(t)]
        if type(t) is not torch.Tensor and type(t) is not torch.nn.Parameter:
            raise NotComparable("not a tensor")
        if t.layout != torch.strided:
            raise NotComparable("sparse")
        if t.is_complex():
            raise NotComparable("complex")
        m = minitorch.from_numpy(_strided_copy(t.detach().numpy()))
        if t.requires_grad:
            m.requires_grad_(True)
        self.memo[id(t)] = m
        return m

    @staticmethod
    def module(m):
        """A torch module without parameters (triplet_margin_with_distance_loss's ``PairwiseDistance()``) as
        minitorch's module of the same class name, with the same options (its plain attributes); torch's module
        itself where minitorch lacks the class (minitorch's call then fails, as it should)."""
        cls = getattr(minitorch.nn, type(m).__name__, None)
        if cls is None or any(True for _ in m.parameters()) or any(True for _ in m.buffers()):
            return m
        mine = cls.__new__(cls)
        minitorch.nn.Module.__init__(mine)
        mine.__dict__.update({k: v for k, v in m.__dict__.items() if not k.startswith("_")})
        return mine

    def __call__(self, x):
        if isinstance(x, torch.Tensor):
            return self.tensor(x)
        if isinstance(x, torch.Size):
            return minitorch.Size(x)
        if isinstance(x, (list, tuple)):
            return type(x)(self(v) for v in x)
        if isinstance(x, dict):
            return {k: self(v) for k, v in x.items()}
        if isinstance(x, torch.dtype):
            if x.is_complex:
                raise NotComparable("complex")
            return _DTYPES.get(x, x)  # (a dtype minitorch lacks stays torch's: minitorch must refuse it)
        if isinstance(x, torch.device):
            return minitorch.device(str(x))
        if isinstance(x, complex):
            raise NotComparable("complex")
        if isinstance(x, torch.layout):
            raise NotComparable("layout")
        if isinstance(x, torch.nn.Module):
            return self.module(x)
        if isinstance(x, torch.memory_format):
            raise NotComparable("memory_format")
        return x


def tensors_in(x):
    """The tensors in a (nested) sample value, in order."""
    if isinstance(x, (torch.Tensor, minitorch.Tensor)):
        yield x
    elif isinstance(x, (list, tuple)):
        for v in x:
            yield from tensors_in(v)
    elif isinstance(x, dict):
        for v in x.values():
            yield from tensors_in(v)


# ops whose output is uninitialized memory: only its shape and dtype can be compared
UNINITIALIZED = {"empty", "empty_like", "new_empty", "new_empty_strided", "empty_strided", "empty_permuted"}


# -- outputs defined up to signs --------------------------------------------------------------------------------
# Singular vectors and eigenvectors are unique only up to sign (each pair u_j, v_j flips together), and the extra
# columns of a full SVD (U beyond min(m, n) columns) are any orthonormal basis of the complement. LAPACK builds
# differ there (torch's MKL and NumPy's OpenBLAS pick different signs). For these ops both engines' outputs are
# compared in a canonical form that keeps everything the decomposition determines: each vector's sign chosen so
# that its entry of largest magnitude is positive (its partner flipped with it), and the extra columns as the
# projector onto their span. Shapes, dtypes and requires_grad are compared on the raw outputs as for every op;
# gradients go through OpInfo's own sign-invariant output_process_fn_grad (|U|, |V|, U Vᴴ).
def _sign_fixed(cols, *partners):
    """``cols`` (..., m, k) with each column's largest-magnitude entry positive; ``partners`` flipped alike."""
    if cols.shape[-1] == 0 or cols.shape[-2] == 0:
        return (cols,) + partners
    top = np.take_along_axis(cols, np.abs(cols).argmax(-2)[..., None, :], -2)
    sign = np.where(top < 0, -1.0, 1.0)
    return (cols * sign,) + tuple(p * sign for p in partners)


def _canonical_svd(u, s, v):
    """U (..., m, a), S (..., k), V (..., n, b) as columns: the first k columns sign-fixed in pairs, the extra
    columns of a full SVD as projectors."""
    k = s.shape[-1]
    u_k, v_k = _sign_fixed(u[..., :k], v[..., :k])
    projector = lambda w: w @ np.swapaxes(w, -1, -2)  # noqa: E731
    return u_k, s, v_k, projector(u[..., k:]), projector(v[..., k:])


def _arrays(out):
    return [t.detach().numpy(force=True) if isinstance(t, torch.Tensor) else t.detach().numpy() for t in out]


CANONICAL = {
    "svd": lambda out: _canonical_svd(*_arrays(out)),  # torch.svd: (U, S, V)
    "linalg.svd": lambda out: (lambda u, s, vh: _canonical_svd(u, s, np.swapaxes(vh, -1, -2)))(*_arrays(out)),
    "linalg.eigh": lambda out: (lambda w, v: (w,) + _sign_fixed(v))(*_arrays(out)),
}


def compare_canonical(op, mine, theirs, what):
    """The outputs of a sign-ambiguous op: shapes, dtypes and requires_grad as they are, values canonical."""
    compare(mine, theirs, what, rng=True)
    for i, (m, t) in enumerate(zip(CANONICAL[op.name](mine), CANONICAL[op.name](theirs))):
        try:
            np.testing.assert_allclose(m, t, rtol=RTOL32 if t.dtype == np.float32 else RTOL,
                                       atol=ATOL32 if t.dtype == np.float32 else ATOL, equal_nan=True)
        except AssertionError as e:
            raise Mismatch(f"{what} (canonical form {i}): values differ{e}") from None


def sample_filter(sample):
    """The FILTERS key of a sample that cannot be compared, or None."""
    if "out" in sample.kwargs:
        return "out="
    return None


# -- comparing -------------------------------------------------------------------------------------------
class Mismatch(AssertionError):
    pass


def compare(mine, theirs, what, rng=False, graph=True):
    """Values (rtol/atol above), dtypes, shapes and (with ``graph``) requires_grad of nested outputs; with
    ``rng`` all but the values."""
    if isinstance(theirs, torch.Tensor):
        if not isinstance(mine, minitorch.Tensor):
            raise Mismatch(f"{what}: minitorch gave {type(mine).__name__}, torch a Tensor")
        if theirs.layout != torch.strided or mine.is_sparse:  # a sparse COO result (to_sparse): where, then what
            if str(mine.layout) != str(theirs.layout):
                raise Mismatch(f"{what}: layout {mine.layout} != torch's {theirs.layout}")
            compare(mine._indices(), theirs._indices(), f"{what} (indices)", rng, graph=False)
            mine, theirs = mine.to_dense(), theirs.to_dense()
        if tuple(mine.shape) != tuple(theirs.shape):
            raise Mismatch(f"{what}: shape {tuple(mine.shape)} != torch's {tuple(theirs.shape)}")
        if str(mine.dtype) != str(theirs.dtype):
            raise Mismatch(f"{what}: dtype {mine.dtype} != torch's {theirs.dtype}")
        if graph and mine.requires_grad != theirs.requires_grad:
            raise Mismatch(f"{what}: requires_grad {mine.requires_grad} != torch's {theirs.requires_grad}")
        if rng:
            return
        m, t = mine.detach().numpy(), theirs.detach().numpy(force=True)  # force: torch's ZeroTensor gradients
        if t.dtype.kind == "f":
            try:
                rtol, atol = (RTOL32, ATOL32) if t.dtype == np.float32 else (RTOL, ATOL)
                np.testing.assert_allclose(m, t, rtol=rtol, atol=atol, equal_nan=True)
            except AssertionError as e:
                raise Mismatch(f"{what}: values differ{e}") from None
        elif not np.array_equal(m, t):
            raise Mismatch(f"{what}: values differ\nminitorch: {m}\ntorch:     {t}")
        return
    if isinstance(theirs, (tuple, list)) and not isinstance(theirs, torch.Size):
        if not isinstance(mine, (tuple, list)) or len(mine) != len(theirs):
            raise Mismatch(f"{what}: minitorch gave {type(mine).__name__} "
                           f"{'of ' + str(len(mine)) if isinstance(mine, (tuple, list)) else ''}, torch a "
                           f"{type(theirs).__name__} of {len(theirs)}")
        for field in getattr(theirs, "_fields", ()):  # torch.return_types: values/indices, ...
            if not hasattr(mine, field):
                raise Mismatch(f"{what}: minitorch's result has no field {field!r}")
        for i, (m, t) in enumerate(zip(mine, theirs)):
            compare(m, t, f"{what}[{i}]", rng, graph)
        return
    if isinstance(theirs, torch.Size):
        theirs = tuple(theirs)
        mine = tuple(mine) if isinstance(mine, (tuple, list)) else mine
    if isinstance(theirs, (bool, int, float)) or theirs is None or isinstance(theirs, tuple):
        if type(mine) is not type(theirs):
            raise Mismatch(f"{what}: minitorch gave {type(mine).__name__} {mine!r}, torch "
                           f"{type(theirs).__name__} {theirs!r}")
        if isinstance(theirs, float) and not rng:
            if not np.isclose(mine, theirs, rtol=RTOL, atol=ATOL, equal_nan=True):
                raise Mismatch(f"{what}: {mine!r} != torch's {theirs!r}")
        elif mine != theirs and not rng:
            raise Mismatch(f"{what}: {mine!r} != torch's {theirs!r}")
        return
    raise Mismatch(f"{what}: torch returned a {type(theirs).__name__}, which this test cannot compare")


def _grads(outputs, upstream, inputs, create_graph, engine):
    loss = sum((o * u).sum() for o, u in zip(outputs, upstream))
    return engine.autograd.grad(loss, inputs, allow_unused=True, create_graph=create_graph)


def _draw(shapes, seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes]


def _differentiable(outputs):
    return [i for i, t in enumerate(outputs) if isinstance(t, torch.Tensor) and t.requires_grad]


@contextlib.contextmanager
def _quiet():
    with np.errstate(all="ignore"):
        yield


def _rng_state():
    return torch.get_rng_state()


def run_sample(op, kind, torch_fn, mini_fn, sample, seed):
    """Compare one sample of one variant. Returns "ok", "error" (both engines raised), or the FILTERS key
    ("rng", "uninitialized") when all but the values were compared; raises Mismatch on a difference and
    NotComparable for a sample that cannot be compared."""
    why = sample_filter(sample)
    if why:
        raise NotComparable(why)
    inplace = kind in ("inplace", "inplace_operator")
    conv = Converter()
    m_input, m_args, m_kwargs = conv(sample.input), conv(sample.args), conv(sample.kwargs)
    t_input = sample.input
    if inplace:  # change a copy (torch refuses in-place changes of a leaf that requires grad)
        t_input = sample.input.clone()
        m_input = m_input.clone()

    before = _rng_state()
    try:
        t_out = torch_fn(t_input, *sample.args, **sample.kwargs)
    except Exception as t_err:
        try:
            with _quiet():
                mini_fn(m_input, *m_args, **m_kwargs)
        except Exception as m_err:
            if type(m_err) is not type(t_err) and not isinstance(m_err, type(t_err)):
                raise Mismatch(f"torch raised {type(t_err).__name__}: {t_err}; minitorch raised "
                               f"{type(m_err).__name__}: {m_err}") from None
            return "error"
        raise Mismatch(f"torch raised {type(t_err).__name__}: {str(t_err)[:300]}; minitorch did not raise")
    # values that cannot be compared: the op drew from torch's generator, or returns uninitialized memory
    rng = "rng" if not torch.equal(before, _rng_state()) else "uninitialized" if op.name in UNINITIALIZED else None

    try:
        with _quiet():
            m_out = mini_fn(m_input, *m_args, **m_kwargs)
    except Mismatch:
        raise
    except Exception as e:
        raise Mismatch(f"minitorch raised {type(e).__name__}: {e}") from e
    if op.name in CANONICAL and not rng and isinstance(t_out, tuple):
        compare_canonical(op, m_out, t_out, "output")
    else:
        compare(m_out, t_out, "output", rng)
    if inplace and t_out is t_input and m_out is not m_input:
        raise Mismatch("in-place variant did not return its input")
    for i, (m, t) in enumerate(zip(tensors_in((m_input, m_args, m_kwargs)),
                                   tensors_in((t_input, sample.args, sample.kwargs)))):
        compare(m, t, f"input {i} after the call", rng)
    if rng:
        return rng

    # gradients of (out * upstream).sum() for every input that requires grad
    if not op.supports_autograd or (inplace and not op.supports_inplace_autograd):
        return "ok"
    t_leaves = [t for t in tensors_in((sample.input, sample.args, sample.kwargs)) if t.requires_grad]
    if not t_leaves:
        return "ok"
    m_leaves = [conv.memo[id(t)] for t in t_leaves]
    t_outs = sample.output_process_fn_grad(t_out)
    m_outs = rebind(sample.output_process_fn_grad, minitorch)(m_out) \
        if _is_testing_helper(sample.output_process_fn_grad) else sample.output_process_fn_grad(m_out)
    t_outs = list(t_outs) if isinstance(t_outs, (tuple, list)) else [t_outs]
    m_outs = list(m_outs) if isinstance(m_outs, (tuple, list)) else [m_outs]
    which = _differentiable(t_outs)
    if not which:
        return "ok"
    gradgrad = op.supports_gradgrad
    upstream = _draw([t_outs[i].shape for i in which], seed)
    t_grads = _grads([t_outs[i] for i in which], [torch.from_numpy(u) for u in upstream], t_leaves, gradgrad,
                     torch)
    try:
        with _quiet():
            m_grads = _grads([m_outs[i] for i in which], [minitorch.from_numpy(u) for u in upstream], m_leaves,
                             gradgrad, minitorch)
    except Exception as e:
        raise Mismatch(f"minitorch's backward raised {type(e).__name__}: {e}") from e
    _compare_grads(m_grads, t_grads, "gradient")
    if not gradgrad:
        return "ok"
    # second order: the gradient of (grads * v).sum(). A gradient that does not require grad is a constant
    # of the inputs and adds nothing (minitorch's leaky_relu VJP, g * slope where x < 0, is one; torch marks
    # such gradients as requiring grad, through a node of zero derivative): each engine sums only its own
    # differentiable gradients, and the results must agree.
    present = [i for i, g in enumerate(t_grads) if g is not None]
    v = dict(zip(present, _draw([t_grads[i].shape for i in present], seed + 1)))
    t_pairs = [(t_grads[i], torch.from_numpy(v[i])) for i in present if t_grads[i].requires_grad]
    m_pairs = [(m_grads[i], minitorch.from_numpy(v[i])) for i in present
               if m_grads[i] is not None and m_grads[i].requires_grad]
    if not t_pairs and not m_pairs:
        return "ok"
    try:
        t_gg = _grads(*zip(*t_pairs), t_leaves, False, torch) if t_pairs else [None] * len(t_leaves)
    except RuntimeError as t_err:  # torch has no derivative of this VJP (ctc_loss's): minitorch must refuse too
        if op_id(op) in TORCH_GRADGRAD_BUGS:  # ... unless torch refuses by a bug: minitorch's must then run
            try:
                with _quiet():
                    _grads(*zip(*m_pairs), m_leaves, False, minitorch)
            except Exception as e:
                raise Mismatch(f"second order (torch raises by a bug, TORCH_GRADGRAD_BUGS): minitorch raised "
                               f"{type(e).__name__}: {e}") from e
            return "second-order torch bug"
        try:
            with _quiet():
                _grads(*zip(*m_pairs), m_leaves, False, minitorch)
        except Exception as m_err:
            if type(m_err) is not type(t_err):
                raise Mismatch(f"second order: torch raised {type(t_err).__name__}: {t_err}; minitorch raised "
                               f"{type(m_err).__name__}: {m_err}") from None
            return "ok"
        raise Mismatch(f"second order: torch raised {type(t_err).__name__}: {t_err}; minitorch did not") from None
    try:
        with _quiet():
            m_gg = _grads(*zip(*m_pairs), m_leaves, False, minitorch) if m_pairs else [None] * len(m_leaves)
    except Exception as e:
        raise Mismatch(f"minitorch's second-order backward raised {type(e).__name__}: {e}") from e
    _compare_grads(m_gg, t_gg, "second-order gradient")
    return "ok"


# -- the forward-mode column ---------------------------------------------------------------------------
def _substitute(x, duals):
    """The nested sample value ``x`` with each tensor whose id is in ``duals`` replaced by its dual."""
    if isinstance(x, (torch.Tensor, minitorch.Tensor)):
        return duals.get(id(x), x)
    if isinstance(x, (list, tuple)) and not isinstance(x, torch.Size):
        return type(x)(_substitute(v, duals) for v in x)
    if isinstance(x, dict):
        return {k: _substitute(v, duals) for k, v in x.items()}
    return x


def _forward_tangents(engine, fn, process, sample, leaves, tangents, wrapper):
    """Run ``fn`` on ``sample`` (a tuple ``(input, args, kwargs)`` of ``engine``'s values) with each of
    ``leaves`` made dual with its tangent, through OpInfo's ``gradcheck_wrapper`` as torch's own forward-mode
    test does (an op of a triangular input sees the triangle of the direction: the rest of the input is not
    read, and torch's JVP is defined for triangular directions only); the outputs' tangents (after
    ``process``, OpInfo's output_process_fn_grad), None for an output without one."""
    fw = engine.autograd.forward_ad
    with fw.dual_level():
        duals = {id(t): fw.make_dual(t.detach(), engine.from_numpy(v) if engine is minitorch else torch.from_numpy(v))
                 for t, v in zip(leaves, tangents)}
        x, args, kwargs = _substitute(sample, duals)
        outs = process(wrapper(fn, x, *args, **kwargs))
        outs = list(outs) if isinstance(outs, (tuple, list)) else [outs]
        return [fw.unpack_dual(o).tangent if isinstance(o, (torch.Tensor, minitorch.Tensor)) and
                (o.dtype.is_floating_point) else None for o in outs]


def run_forward_sample(op, kind, torch_fn, mini_fn, sample, seed):
    """The forward-mode column: one sample run with every differentiable input made dual (a seeded random
    tangent), in both engines; the outputs' tangents compared as the outputs are (rtol 1e-7). Returns "forward"
    (compared), "forward error" (torch raised in forward mode, and minitorch raised the same type) or None (not
    applicable: nothing differentiable). Raises Mismatch on a difference."""
    t_leaves = [t for t in tensors_in((sample.input, sample.args, sample.kwargs)) if t.requires_grad]
    if not t_leaves:
        return None
    conv = Converter()
    m_sample = conv((sample.input, sample.args, sample.kwargs))
    m_leaves = [conv.memo[id(t)] for t in t_leaves]
    # (a tangent has its primal's dtype; where a float32 input takes part, float32's tolerance, as for values)
    tangents = [v.astype(t.detach().numpy().dtype) for v, t in zip(_draw([tuple(t.shape) for t in t_leaves], seed + 2),
                                                                    t_leaves)]
    single = any(t.dtype != torch.float64 for t in t_leaves)
    wrapper = rebind(op.gradcheck_wrapper, minitorch) if _is_testing_helper(op.gradcheck_wrapper) else op.gradcheck_wrapper
    m_process = rebind(sample.output_process_fn_grad, minitorch) \
        if _is_testing_helper(sample.output_process_fn_grad) else sample.output_process_fn_grad
    try:
        theirs = _forward_tangents(torch, torch_fn, sample.output_process_fn_grad,
                                   (sample.input, sample.args, sample.kwargs), t_leaves, tangents, op.gradcheck_wrapper)
    except Exception as t_err:
        try:
            with _quiet():
                _forward_tangents(minitorch, mini_fn, m_process, m_sample, m_leaves, tangents, wrapper)
        except Exception as m_err:
            if not isinstance(m_err, type(t_err)):
                raise Mismatch(f"forward mode: torch raised {type(t_err).__name__}: {t_err}; minitorch raised "
                               f"{type(m_err).__name__}: {m_err}") from None
            return "forward error"
        raise Mismatch(f"forward mode: torch raised {type(t_err).__name__}: {str(t_err)[:300]}; minitorch did "
                       f"not raise") from None
    try:
        with _quiet():
            mine = _forward_tangents(minitorch, mini_fn, m_process, m_sample, m_leaves, tangents, wrapper)
    except Exception as e:
        raise Mismatch(f"forward mode: minitorch raised {type(e).__name__}: {e}") from e
    if len(mine) != len(theirs):
        raise Mismatch(f"forward mode: {len(mine)} outputs, torch {len(theirs)}")
    if single:
        mine = [None if m is None else m.float() for m in mine]
        theirs = [None if t is None else t.float() for t in theirs]
    _compare_grads(mine, theirs, "forward-mode tangent of output")
    return "forward"


def _compare_grads(mine, theirs, what):
    for i, (m, t) in enumerate(zip(mine, theirs)):
        if t is None:  # torch: the input does not reach the output
            if m is not None and np.any(m.detach().numpy()):
                raise Mismatch(f"{what} of input {i}: torch has none, minitorch's is not zero")
            continue
        if m is None:
            if np.any(t.detach().numpy(force=True)):
                raise Mismatch(f"{what} of input {i}: minitorch has none, torch's is not zero")
            continue
        # not requires_grad: torch marks a gradient as differentiable even where its derivative is zero
        # (leaky_relu's, through a node of zero derivative); minitorch's then is a constant
        compare(m, t, f"{what} of input {i}", graph=False)


# -- one op, all its samples -------------------------------------------------------------------------------
MAX_SAMPLES = 200  # per op: nn.functional.max_pool2d alone has 1440 (45 s); an evenly spread 200 keep the variety


def samples_of(op):
    """``(index, sample)`` pairs, at most MAX_SAMPLES evenly spread, and how many OpInfo made. The values come
    from torch's generator, seeded here (and restored after) so that every run sees the same samples."""
    with torch.random.fork_rng():
        torch.manual_seed(0)
        samples = list(op.sample_inputs("cpu", torch.float64, requires_grad=True))
    step = max(1.0, len(samples) / MAX_SAMPLES)
    picked = sorted({int(i * step) for i in range(min(len(samples), MAX_SAMPLES))})
    return [(i, samples[i]) for i in picked], len(samples)


# torch bugs the forward-mode column shows (op id -> the demonstration): the column's mismatches for these are
# counted apart, and a column that passes fails the op, so that the entry goes once torch is fixed
TORCH_FORWARD_BUGS = {
    "cholesky_inverse": "torch 2.14.1's forward-mode tangent disagrees with finite differences and with its own "
                        "backward mode, transposed, even for lower-triangular directions (L = I + 0.3·tril(randn), "
                        "tril(randn) direction: |fwAD - central differences| ~ 30, |backward-transposed - central "
                        "differences| ~ 1e-9); minitorch's tangent is the transposed VJP, which matches both",
    "logcumsumexp": "torch 2.14.1's forward-mode tangent is accurate to ~1e-6 only: on sample 1 (5x5x5, dim 1) it "
                    "is 1.7e-6 from the float64 sum Σ_{j≤i} exp(a_j - z_i)·da_j written out term by term, where "
                    "minitorch's written-out JVP is 1.5e-12 from it (tests/test_forward_ad.py compares both with "
                    "that sum, logits of 1e4 included)",
}


# torch bugs in second derivatives (op id -> the demonstration): where torch raises on a sample's second order,
# minitorch's must run (its values are checked by the test named), and the sample is counted apart
TORCH_GRADGRAD_BUGS = {
    "native_layer_norm": "torch 2.14.1 raises 'Expected a proper Tensor but got None (or an undefined Tensor in C++) "
                         "for argument #1 'other'' on the second derivative of native_layer_norm (and F.layer_norm) "
                         "with weight=None and a bias (pytorch issue 79705, which OpInfo's skips cite), where the "
                         "same function with weight=ones has one; tests/test_native_ops.py checks minitorch's "
                         "second derivative with weight=None against torch's with weight=ones",
}


def forward_column(op):
    """Whether the forward-mode column runs ``op``: OpInfo says it supports forward AD, and torch's own
    forward-mode test (TestFwdGradients.test_forward_mode_AD) is not skipped for it on the CPU in float64
    (max_unpool's: repeated indices leave torch's choice of the value written undefined)."""
    if not op.supports_forward_ad:
        return False
    return not any(d.is_active("TestFwdGradients", "test_forward_mode_AD", "cpu", torch.float64, {})
                   for d in op.skips if hasattr(d, "is_active"))


# the forward-mode column runs one out-of-place variant per sample, the first that ran (the variants share the
# op's JVP; in-place ones would need copies of the duals - tests/test_forward_ad.py checks their bookkeeping)
FORWARD_KINDS = ("function", "method", "operator")


def run_op(op, found):
    """Every sample of ``op`` through every variant in ``found``: (counts by outcome, failures, samples made)."""
    counts, failures = collections.Counter(), []
    picked, made = samples_of(op)
    for index, sample in picked:
        forward = forward_column(op)  # the forward-mode column: once per sample, through its first variant
        for kind, torch_fn, mini_fn in found:
            try:
                outcome = run_sample(op, kind, torch_fn, mini_fn, sample, seed=index)
                counts[outcome] += 1
            except NotComparable as e:
                counts[e.args[0]] += 1
                continue
            except Mismatch as e:
                counts["failed"] += 1
                failures.append((index, kind, str(e), sample))
                continue
            if outcome != "ok" or not forward or kind not in FORWARD_KINDS:
                continue
            forward = False
            try:
                outcome = run_forward_sample(op, kind, torch_fn, mini_fn, sample, seed=index)
                if outcome:
                    counts[outcome] += 1
            except Mismatch as e:
                if op_id(op) in TORCH_FORWARD_BUGS:
                    counts["forward torch bug"] += 1
                    continue
                counts["forward failed"] += 1
                failures.append((index, kind + ", forward mode", str(e), sample))
    if op_id(op) in TORCH_FORWARD_BUGS and not counts["forward torch bug"]:
        failures.append((-1, "forward mode", "TORCH_FORWARD_BUGS lists this op, but its forward-mode column "
                         "passes: remove the entry", None))
    if op_id(op) in TORCH_GRADGRAD_BUGS and not counts["second-order torch bug"]:
        failures.append((-1, "second order", "TORCH_GRADGRAD_BUGS lists this op, but torch's second derivatives all "
                         "run: remove the entry", None))
    counts["samples"] = len(picked)
    return counts, failures, made


def present_ops():
    """``[(op, variants)]`` for the float64 CPU OpInfos of which minitorch has at least one variant, and the
    number of float64 CPU OpInfos."""
    ops = float64_cpu_ops()
    found = [(op, variants(op)) for op in ops]
    return [(op, v) for op, v in found if v], len(ops)


def missing_ops():
    """The float64 CPU OpInfos minitorch has no variant of, by family."""
    by_family = collections.defaultdict(list)
    for op in float64_cpu_ops():
        if not variants(op):
            by_family[family(op)].append(op_id(op))
    return dict(by_family)
