"""vmap never silently wrong: reading a batched tensor's values in Python (item, float, bool, tolist, numpy, an
f-string, a copy), boolean masks and ops of data-dependent shape refuse with torch's error, word for word; the
neighbouring cases that torch computes (unbatched masks, where, masked_fill, len, plain tensors inside vmap) keep
giving torch's values; where torch computes and minitorch cannot yet, minitorch refuses rather than guessing."""
import copy
import operator
import pickle

import numpy as np
import pytest
import torch

import minitorch
from harness import error_of, outcome, same_error

torch.set_num_threads(1)
X = np.array([[1.0, -2.0, 3.0], [-4.0, 5.0, 6.0], [0.5, 0.0, -1.0]])


def vmapped(f, **kwargs):
    """``fn(L, x)`` for the harness: ``f(L, sample)`` mapped over x's first dim by L's vmap."""
    return lambda L, x: L.func.vmap(lambda t: f(L, t), **kwargs)(x)


def keep(value):
    """A Python value read inside the function, dropped: the function returns a tensor either way."""
    return lambda L, t: (value(L, t), t + 0)[1]


def set_mask(L, t):
    out = t.clone()
    out[t > 0] = 0.0
    return out


def set_unbatched_mask(L, t):
    out = t.clone()
    out[L.tensor([True, False, True])] = 7.0
    return out


# name -> f(L, one sample): torch refuses each, and minitorch must with the same type and message
REFUSED = {
    "item": keep(lambda L, t: t.sum().item()),
    "item_of_many": keep(lambda L, t: t.item()),
    "float": keep(lambda L, t: float(t.sum())),
    "float_of_many": keep(lambda L, t: float(t)),
    "int": keep(lambda L, t: int(t.sum())),
    "complex": keep(lambda L, t: complex(t.sum())),
    "index": keep(lambda L, t: [1, 2, 3][t.long()[0]]),
    "operator_index": keep(lambda L, t: operator.index(t.long().sum())),
    "range": keep(lambda L, t: range(t.long().sum())),
    "bool": keep(lambda L, t: bool(t.sum() > 0)),
    "bool_of_many": keep(lambda L, t: bool(t > 0)),
    "if": lambda L, t: t if t.sum() > 0 else -t,
    "tolist": keep(lambda L, t: t.tolist()),
    "tolist_0d": keep(lambda L, t: t.sum().tolist()),
    "numpy": keep(lambda L, t: t.numpy()),
    "np_asarray": keep(lambda L, t: np.asarray(t)),
    "np_array": keep(lambda L, t: np.array(t)),
    "np_sin": keep(lambda L, t: np.sin(t)),
    "numpy_of_clone": keep(lambda L, t: t.clone().detach().numpy()),
    "data_ptr": keep(lambda L, t: t.data_ptr()),
    "dlpack": keep(lambda L, t: t.__dlpack__()),
    "np_from_dlpack": keep(lambda L, t: np.from_dlpack(t)),
    "format_0d": keep(lambda L, t: f"{t.sum():.3f}"),
    "format_0d_plain": keep(lambda L, t: f"{t.sum()}"),
    "format_spec": keep(lambda L, t: f"{t:.3f}"),
    "copy": keep(lambda L, t: copy.copy(t)),
    "deepcopy": keep(lambda L, t: copy.deepcopy(t)),
    "pickle": keep(lambda L, t: pickle.dumps(t)),
    "tensor_of_0d_list": lambda L, t: L.tensor([t[0], t[1]]),
    "mask_getitem": lambda L, t: t[t > 0],
    "mask_getitem_unbatched_self": lambda L, t: L.ones(3, dtype=L.float64)[t > 0],
    "mask_setitem": set_mask,
    "mask_index_put": lambda L, t: t.index_put((t > 0,), L.tensor(0.0, dtype=L.float64)),
    "nonzero": lambda L, t: t.nonzero(),
    "unique": lambda L, t: t.unique(),
    "unique_inverse": lambda L, t: t.unique(return_inverse=True)[1],
    "unique_dim": lambda L, t: t.unique(dim=0),
    "unique_consecutive": lambda L, t: t.unique_consecutive(),
    "equal": keep(lambda L, t: t.equal(L.ones(3, dtype=L.float64))),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_refused_as_torch(name):
    same_error(vmapped(REFUSED[name]), X)


def test_refused_in_nested_vmap():
    same_error(lambda L, x: L.func.vmap(L.func.vmap(lambda t: (t.item(), t)[1]))(x), X)
    same_error(lambda L, x: L.func.vmap(L.func.vmap(lambda t: t if t > 0 else -t))(x), X)


def test_refused_at_an_inner_level_only():
    # the inner vmap maps y; x is batched at level 1 only: x.sum().item() refuses too
    same_error(lambda L, x: L.func.vmap(lambda a: L.func.vmap(lambda b: (a.sum().item(), b)[1])(a))(x), X)


# name -> f(L, one sample): torch computes these; minitorch's values must be torch's
KEPT = {
    "where": lambda L, t: L.where(t > 0, t, L.zeros((), dtype=L.float64)),
    "masked_fill": lambda L, t: t.masked_fill(t > 0, 0.0),
    "mask_getitem_unbatched": lambda L, t: t[L.tensor([True, False, True])],
    "mask_getitem_list": lambda L, t: t[[True, False, True]],
    "mask_getitem_0d": lambda L, t: t[L.tensor(True)],
    "mask_setitem_unbatched": set_unbatched_mask,
    "masked_select_unbatched_mask": lambda L, t: t.masked_select(L.tensor([True, False, True])),
    "len_iter": lambda L, t: t * len(t) + L.stack(list(t)),
    "shape_numel_stride": lambda L, t: t * (t.shape[0] + t.numel() + t.stride()[0] + t.dim()),
    "as_tensor": lambda L, t: L.as_tensor(t) * 2,
    "item_of_unbatched": lambda L, t: t * L.ones((), dtype=L.float64).item(),
    "numpy_of_unbatched": lambda L, t: t + L.from_numpy(L.ones(3, dtype=L.float64).numpy()),
    "median": lambda L, t: t.median() + t.nanmedian(),
    "median_plus": lambda L, t: t + t.median(),
    "comparisons": lambda L, t: ((t > 0) & (t < 4)).to(L.float64) + (t == t.max()).to(L.float64),
}


def test_plain_reads_unchanged_outside_vmap():
    # the same reads on plain tensors, after vmap ran: as before
    x = minitorch.tensor(X, requires_grad=True)
    assert minitorch.tensor(x).tolist() == X.tolist() and minitorch.tensor([x[0, 0], x[1, 1]]).tolist() == [1.0, 5.0]
    assert f"{x.sum():.2f}" == "8.50" and float(x[0, 0].detach()) == 1.0 and copy.deepcopy(x).tolist() == X.tolist()
    assert np.asarray(x.detach()).tolist() == X.tolist() and pickle.loads(pickle.dumps(x)).tolist() == X.tolist()


# name -> f(L, one sample): torch computes these (or refuses in other words); minitorch cannot yet and must refuse
# rather than compute with one sample's values
REFUSED_HERE = {
    "histogram": lambda L, t: L.histogram(t, 4)[0],     # its range from the values
    "histc": lambda L, t: L.histc(t, 4),
    "masked_select": lambda L, t: t.masked_select(t > 0),   # torch: its own words for the mask
    "allclose": keep(lambda L, t: t.allclose(t)),           # torch: its own words
    "tensor_of_batched": lambda L, t: L.tensor(t),          # torch: an internal error about views
    "new_tensor": lambda L, t: t.new_tensor(t),
    "argwhere": lambda L, t: t.argwhere(),                  # torch loops while the counts agree
    "one_hot_classes_from_values": lambda L, t: L.nn.functional.one_hot(t.abs().long()),
}


@pytest.mark.parametrize("name", list(REFUSED_HERE))
def test_refused_here(name):
    error = error_of(lambda: vmapped(REFUSED_HERE[name])(minitorch, minitorch.from_numpy(X.copy())))
    assert error is not None and error[0] is RuntimeError, error


def test_numpy_methods_of_a_sample_refuse():
    # an op without a batching rule that reads a batched tensor's values through an ndarray method (which
    # does not reach __array_function__) must not see sample 0 alone; the same methods of plain arrays work
    for read in (lambda a: a.tolist(), lambda a: a.item(0), lambda a: np.sort(a), lambda a: a.argsort(),
                 lambda a: a.take([0])):
        error = error_of(lambda: minitorch.func.vmap(lambda t: (read(t._data), t)[1])(minitorch.from_numpy(X.copy())))
        assert error is not None and error[0] is RuntimeError, error
    assert minitorch.func.vmap(lambda t: t + minitorch.tensor(np.array([3.0, 1.0, 2.0]).argsort().tolist()))(
        minitorch.from_numpy(X.copy())).tolist() == (X + [1, 2, 0]).tolist()


# name -> f(L, one sample): Python functions (not Ops) that read a batched tensor's values with NumPy, done on the
# whole batch: torch's values
READ_ON_THE_BATCH = {
    "any_all": lambda L, t: L.stack([(t > 0).any(), (t > 0).all(), t.any(), (t < 9).all()]),
    "any_all_dim": lambda L, t: (t.reshape(3, 1) > 0).any(0) + (t.reshape(1, 3) > 0).all(-1, keepdim=True),
    "any_0d": lambda L, t: t[0].any(),
    "isposinf_isneginf": lambda L, t: (t / 0).isposinf() | L.isneginf(t / 0),
    "argmax": lambda L, t: t.argmax() + t.reshape(3, 1).argmin(0),
    # argsort and count_nonzero: written with ops (sort, != and sum), so batched by their rules
    "argsort": lambda L, t: t.argsort() + t.reshape(3, 1).argsort(0, descending=True).reshape(3),
    "count_nonzero": lambda L, t: L.count_nonzero(t - 2) + L.count_nonzero(t.reshape(1, 3), dim=1),
}


@pytest.mark.parametrize("name", list(KEPT) + list(READ_ON_THE_BATCH))
def test_kept_as_torch(name):
    f = vmapped(KEPT.get(name) or READ_ON_THE_BATCH[name])
    mine, theirs = outcome(lambda: f(minitorch, minitorch.from_numpy(X.copy()))), \
        outcome(lambda: f(torch, torch.from_numpy(X.copy())))
    assert mine == theirs


def test_checks_on_the_whole_batch_still_raise_as_torch():
    # an op's range check (max/min of the indices) sees every sample: one bad sample raises torch's error
    weight = np.arange(15.0).reshape(5, 3)
    same_error(lambda L, w, i: L.func.vmap(lambda i: L.nn.functional.embedding(i, w))(i),
               weight, np.array([[0, 2], [1, 5], [3, 3]]))


def test_transforms_inside_vmap_read_values_per_sample():
    # torch refuses these reads under vmap(grad); minitorch's grad inside vmap runs once per sample where its run
    # on the whole batch fails (minitorch/func/_at_once.py), so they read each sample's own values: torch's
    # per-sample results, never sample 0's for all
    fns = (lambda x: x.sum() * x.sum().item(), lambda x: x.sum() if x.sum() > 0 else -2 * x.sum(),
           lambda x: (x[x > 0] ** 2).sum())
    for f in fns:
        mine = minitorch.func.vmap(minitorch.func.grad(f))(minitorch.from_numpy(X.copy()))
        theirs = torch.stack([torch.func.grad(f)(torch.from_numpy(row.copy())) for row in X])
        assert mine.tolist() == theirs.tolist()
