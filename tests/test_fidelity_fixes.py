"""Small faithfulness gaps, each against torch: the node names of xlogy's and round's overloads, ``out=`` refused
while an argument requires grad (and what passes: ops torch does not differentiate, composites that end in a
recorded copy_), the graphs of matrix_norm/linalg.norm with ``dtype=``, and the strides of empty tensors."""
import numpy as np
import pytest
import torch

import minitorch
from harness import check, check_second_order, outcome, same_error, same_graphs

X = np.array([[0.5, 1.5, 2.0], [0.0, 3.0, 0.25]])


# -- xlogy: one node name per overload (Tensor and Tensor, number first, number second) ----------------------------
@pytest.mark.parametrize("fn", [lambda lib: lib.xlogy, lambda lib: lib.special.xlogy, lambda lib: lib.special.xlog1py,
                                lambda lib: lib.special.zeta])
@pytest.mark.parametrize("args", [lambda x: (2.0, x), lambda x: (x, 2.0), lambda x: (3, x), lambda x: (x, x * 0.5),
                                  lambda x: (x, True)])
def test_binary_specials_record_the_node_of_their_overload(fn, args):
    def call(lib, x):
        if fn(lib) is lib.special.zeta:  # zeta differentiates in q only, and is finite for x > 1
            a, b = args(x + 1)
            return lib.special.zeta(a.detach() if isinstance(a, lib.Tensor) else a, b) \
                if isinstance(b, lib.Tensor) else lib.special.zeta(a, b).detach()
        return fn(lib)(*args(x))
    mine, theirs = check(call, X + 0.5)
    same_graphs(mine, theirs)


@pytest.mark.parametrize("other", [2.0, 3, "x"])
def test_xlogy_method_records_the_node_of_its_overload(other):
    mine, theirs = check(lambda lib, x: x.xlogy(x * 0.5 if other == "x" else other), X + 0.5)
    same_graphs(mine, theirs)


@pytest.mark.parametrize("other", [2.0, "x"])
def test_xlogy_in_place_records_the_node_of_its_overload(other):
    def fn(lib, x):
        y = x * 1
        return y.xlogy_(x if other == "x" else other)
    mine, theirs = check(fn, X + 0.5)
    same_graphs(mine, theirs)


def test_xlogy_overloads_differentiate_twice():
    check_second_order(lambda lib, x: lib.xlogy(2.0, x) + lib.xlogy(x, 3.0), X + 0.5)


@pytest.mark.parametrize("name", ["xlogy", "special.xlogy"])
@pytest.mark.parametrize("args", [(2.0, 3.0), ("x", "a"), (None, "x")])
def test_xlogy_refuses_other_arguments_as_torch(name, args):
    def fn(lib, x):
        f = lib.special.xlogy if name == "special.xlogy" else lib.xlogy
        return f(*[x if a == "x" else a for a in args])
    same_error(fn, X)


# -- round: RoundBackward1 whenever decimals is passed, even 0 ------------------------------------------------------
@pytest.mark.parametrize("call", [lambda x: x.round(), lambda x: x.round(decimals=0), lambda x: x.round(decimals=2),
                                  lambda x: x.round(decimals=-1), lambda x: x.round(decimals=np.int64(1)),
                                  lambda x: (x * 1).round_(), lambda x: (x * 1).round_(decimals=0)])
def test_round_records_the_node_of_its_overload(call):
    mine, theirs = check(lambda lib, x: call(x), X * 13.37)
    same_graphs(mine, theirs)


@pytest.mark.parametrize("kwargs", [{}, {"decimals": 0}, {"decimals": 1}])
def test_round_of_integers_as_torch(kwargs):
    a = np.arange(-3, 4)
    if kwargs:
        same_error(lambda lib, t: lib.round(t, **kwargs), a)
    else:
        assert minitorch.round(minitorch.from_numpy(a)).tolist() == torch.round(torch.from_numpy(a)).tolist()


@pytest.mark.parametrize("decimals", [None, 1.0, True])
def test_round_refuses_decimals_that_are_not_ints(decimals):
    same_error(lambda lib, t: lib.round(t, decimals=decimals), X)


# -- out=: refused while the result would require grad, in the words of the aten function ---------------------------
def _x(lib, shape=(3, 3)):
    return lib.from_numpy(np.linspace(0.5, 1.5, int(np.prod(shape))).reshape(shape)).requires_grad_()


REFUSED = {
    "i0": lambda lib, o: lib.i0(_x(lib), out=o),
    "special.i0": lambda lib, o: lib.special.i0(_x(lib), out=o),
    "exp": lambda lib, o: lib.exp(_x(lib), out=o),
    "log1p": lambda lib, o: lib.log1p(_x(lib), out=o),
    "deg2rad": lambda lib, o: lib.deg2rad(_x(lib), out=o),
    "square": lambda lib, o: lib.square(_x(lib), out=o),
    "true_divide": lambda lib, o: lib.true_divide(_x(lib), 2.0, out=o),
    "xlogy": lambda lib, o: lib.xlogy(_x(lib), 2.0, out=o),
    "round decimals": lambda lib, o: lib.round(_x(lib), decimals=1, out=o),
    "special.xlog1py": lambda lib, o: lib.special.xlog1py(_x(lib), _x(lib), out=o),
    "special.i0e": lambda lib, o: lib.special.i0e(_x(lib), out=o),
    "special.zeta": lambda lib, o: lib.special.zeta(_x(lib) + 1, 2.0, out=o),
    "special.log_ndtr": lambda lib, o: lib.special.log_ndtr(_x(lib), out=o),
    "special.gammaln": lambda lib, o: lib.special.gammaln(_x(lib), out=o),
    "nan_to_num": lambda lib, o: lib.nan_to_num(_x(lib), out=o),
    "clamp": lambda lib, o: lib.clamp(_x(lib), 0.7, out=o),
    "tril": lambda lib, o: lib.tril(_x(lib), out=o),
    "matmul": lambda lib, o: lib.matmul(_x(lib), _x(lib), out=o),
    "matmul 1-D": lambda lib, o: lib.matmul(_x(lib, (3,)), _x(lib, (3,)), out=o),
    "linalg.matmul": lambda lib, o: lib.linalg.matmul(_x(lib), _x(lib), out=o),
    "cat": lambda lib, o: lib.cat([_x(lib), _x(lib)], out=o),
    "stack": lambda lib, o: lib.stack([_x(lib), _x(lib)], out=o),
    "chain_matmul": lambda lib, o: lib.chain_matmul(_x(lib), _x(lib), out=o),
}


@pytest.mark.parametrize("name", REFUSED)
def test_out_refuses_arguments_that_require_grad(name):
    same_error(lambda lib: REFUSED[name](lib, lib.empty(0, dtype=lib.float64)))


@pytest.mark.parametrize("name", ["exp", "tril", "matmul", "cat", "i0"])
def test_out_takes_them_without_grad_mode(name):
    results = []
    for lib in (minitorch, torch):
        with lib.no_grad():
            out = lib.empty(0, dtype=lib.float64)
            result = REFUSED[name](lib, out)
        assert result is out and not out.requires_grad
        results.append(out.numpy())
    np.testing.assert_allclose(*results, rtol=1e-12)


# torch's out= versions that write an argument requiring grad: composites whose last step is a recorded
# out.copy_(result) (CopyBackwards), and diag, which torch does not differentiate (its out carries a
# NotImplemented node there, here no graph: the values only)
PASSING = {
    "tensordot": (lambda lib, o: lib.tensordot(_x(lib), _x(lib), out=o), "CopyBackwards"),
    "special.ndtr": (lambda lib, o: lib.special.ndtr(_x(lib), out=o), "CopyBackwards"),
    "chain_matmul of one": (lambda lib, o: lib.chain_matmul(_x(lib), out=o), "CopyBackwards"),
    "diag": (lambda lib, o: lib.diag(_x(lib), out=o), None),
    "diag of a vector": (lambda lib, o: lib.diag(_x(lib, (3,)), out=o), None),
}


@pytest.mark.parametrize("name", PASSING)
def test_out_writes_what_torch_writes(name):
    fn, node = PASSING[name]
    mine, theirs = (fn(lib, lib.empty(0, dtype=lib.float64)) for lib in (minitorch, torch))
    np.testing.assert_allclose(mine.detach().numpy(), theirs.detach().numpy(), rtol=1e-12)
    if node is None:
        assert mine.grad_fn is None
    else:
        assert mine.grad_fn.name().endswith(node) and theirs.grad_fn.name().endswith(node)


# -- norms with dtype=: cast inside the vector norm's node, as torch -----------------------------------------------
NORMS = {
    **{f"matrix_norm {o}": (lambda o: lambda lib, x: lib.linalg.matrix_norm(x, o, dtype=lib.float64))(o)
       for o in ("fro", "nuc", 2, -2, 1, -1, float("inf"), -float("inf"))},
    **{f"linalg.norm {o}": (lambda o: lambda lib, x: lib.linalg.norm(x, o, dtype=lib.float64))(o)
       for o in (None, "fro", "nuc", 2, 1, -float("inf"))},
    "linalg.norm dim": lambda lib, x: lib.linalg.norm(x, 1, dim=(0, 1), dtype=lib.float64),
    "matrix_norm keepdim": lambda lib, x: lib.linalg.matrix_norm(x, -1, keepdim=True, dtype=lib.float64),
}


@pytest.mark.parametrize("name", NORMS)
def test_norms_with_dtype_record_torchs_graph(name):
    a = np.array([[0.5, -1.5, 2.0, 0.75], [1.0, 3.0, -0.25, 0.5], [2.0, -1.0, 0.5, 1.25]], np.float32)
    mine, theirs = check(NORMS[name], a)
    assert [m.dtype for m in mine] == [minitorch.float64]
    same_graphs(mine, theirs)


@pytest.mark.parametrize("norm", ["matrix_norm", "vector_norm", "norm"])
@pytest.mark.parametrize("dtypes", [("float64", "float32"), ("float64", "int64"), ("int64", "int64"),
                                    ("int64", "float64"), ("int32", None)])
def test_norms_refuse_dtypes_as_torch(norm, dtypes):
    a, dtype = dtypes
    same_error(lambda lib, x: getattr(lib.linalg, norm)(x, dtype=dtype and getattr(lib, dtype)), X.astype(a))


# -- strides of empty tensors ------------------------------------------------------------------------------------
EMPTY = {
    "empty(0, 3)": lambda lib: lib.empty(0, 3),
    "empty(3, 0)": lambda lib: lib.empty(3, 0),
    "zeros(2, 0, 3)": lambda lib: lib.zeros(2, 0, 3),
    "empty(0)": lambda lib: lib.empty(0),
    "tensor([])": lambda lib: lib.tensor([]),
    "arange(0)": lambda lib: lib.arange(0),
    "transposed": lambda lib: lib.zeros(0, 3).t(),
    "permuted": lambda lib: lib.zeros(0, 2, 3).permute(2, 0, 1),
    "transposed, contiguous()": lambda lib: lib.zeros(0, 3).t().contiguous(),
    "expanded": lambda lib: lib.empty(0, 1, 3).expand(0, 4, 3),
    "a column": lambda lib: lib.empty(0, 3)[:, 1],
    "an empty slice": lambda lib: lib.ones(4, 3)[:0],
    "an empty slice, transposed": lambda lib: lib.ones(4, 3).t()[:0],
    "unsqueezed": lambda lib: lib.zeros(0, 3).unsqueeze(1),
    "an op's result": lambda lib: lib.ones(0, 3) * 2,
    "a reduction's": lambda lib: lib.ones(0, 3).sum(1),
    "cat": lambda lib: lib.cat([lib.empty(0, 3), lib.empty(0, 3)]),
    "from_numpy": lambda lib: lib.from_numpy(np.empty((0, 3))),  # NumPy's zeros, in both
    "from_numpy, transposed": lambda lib: lib.from_numpy(np.empty((0, 3))).t(),
    "from_numpy, an op's result": lambda lib: lib.from_numpy(np.empty((0, 3))) + 1,
    "empty_strided": lambda lib: lib.empty_strided((0, 3), (1, 5)),
}


@pytest.mark.parametrize("name", EMPTY)
def test_strides_of_empty_tensors(name):
    mine, theirs = EMPTY[name](minitorch), EMPTY[name](torch)
    assert mine.stride() == theirs.stride()
    assert [mine.stride(d) for d in range(-mine.ndim, mine.ndim)] == \
           [theirs.stride(d) for d in range(-theirs.ndim, theirs.ndim)]
    assert mine.is_contiguous() == theirs.is_contiguous()


def test_empty_tensors_stay_usable():
    x = minitorch.zeros(0, 3, requires_grad=True)
    y = (x.t() * 2).sum(0)
    y.sum().backward()
    assert x.grad.shape == (0, 3) and x.grad.stride() == (3, 1)
    z = minitorch.empty(0, 3)
    z.add_(1)
    z[:, 1:].zero_()
    assert z.shape == (0, 3) and z.stride() == (3, 1)


# -- in-place ops on a view: CopySlices takes over the op's node and its other edges, as torch's ----------------------
IN_PLACE_ON_A_VIEW = {
    "mul_ tensor": lambda v, w: v.mul_(w),
    "mul_ number": lambda v, w: v.mul_(2.5),
    "add_ alpha": lambda v, w: v.add_(w, alpha=2),
    "div_": lambda v, w: v.div_(w + 2),
    "mul_, then exp_": lambda v, w: v.mul_(w).exp_(),
    "clamp_ tensor": lambda v, w: v.clamp_(max=w),
    "addcmul_": lambda v, w: v.addcmul_(w, w, value=0.5),
    "lerp_": lambda v, w: v.lerp_(w, 0.3),
    "xlogy_": lambda v, w: v.xlogy_(w + 1),
    "copy_": lambda v, w: v.copy_(w),
    "zero_, then add_": lambda v, w: v.zero_().add_(w),
    "setitem": lambda v, w: v.__setitem__(0, w[-1]),
    "nan_to_num_": lambda v, w: v.mul_(w).nan_to_num_(nan=0.5),
}


def _changed_view(lib, op, x, w, view=lambda y: y[1]):
    y = x * 1
    IN_PLACE_ON_A_VIEW[op](view(y), w)
    return y


VIEWS = {"select": (lambda y: y[1], [0.7, 0.9]), "column slice": (lambda y: y[:, 1:], [0.7]),
         "transposed slice": (lambda y: y.t()[1:], [0.7, 0.8, 0.9])}


@pytest.mark.parametrize("op", IN_PLACE_ON_A_VIEW)
@pytest.mark.parametrize("view", VIEWS)
def test_in_place_on_a_view_records_torchs_graph(op, view):
    take, w = VIEWS[view]
    x = np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])
    mine, theirs = check(lambda lib, x, w: _changed_view(lib, op, x, w, take) ** 2, x, np.array(w))
    same_graphs(mine, theirs)


def test_in_place_on_a_view_with_itself_records_torchs_graph():
    def fn(lib):
        y = lib.ones(3, 2, requires_grad=True) * 1
        y[1].mul_(y[1])
        return y
    same_graphs(fn(minitorch), fn(torch))


@pytest.mark.parametrize("op", ["mul_ tensor", "mul_, then exp_", "div_", "addcmul_", "zero_, then add_"])
def test_in_place_on_a_view_differentiates_twice(op):
    check_second_order(lambda lib, x, w: _changed_view(lib, op, x, w) ** 2,
                       np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]), np.array([0.7, 0.9]))


def test_in_place_on_a_view_frees_the_op_with_the_graph():
    def fn(lib):
        x, w = lib.ones(3, 2, requires_grad=True), lib.ones(2, requires_grad=True)
        y = _changed_view(lib, "mul_ tensor", x, w)
        y.sum().backward()
        y.sum().backward()
    same_error(fn)


@pytest.mark.parametrize("name", ["isposinf", "isneginf", "signbit"])
@pytest.mark.parametrize("out_dtype", ["float32", "int64", "bool"])
def test_a_predicate_writes_only_into_a_bool_out(name, out_dtype):
    """isposinf, isneginf and signbit refuse a non-bool ``out=`` with torch's message, and fill a bool one."""
    def call(lib):
        out = lib.zeros(3, dtype=getattr(lib, out_dtype))
        getattr(lib, name)(lib.tensor([1.0, float("inf"), -float("inf")]), out=out)
        return out
    outcome_mine, outcome_theirs = [outcome(lambda: call(lib)) for lib in (minitorch, torch)]
    assert outcome_mine == outcome_theirs
