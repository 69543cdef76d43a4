"""utils.data against torch: collate structure, batch shapes, lengths, samplers, splits."""
import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import minitorch
import minitorch.utils.data as mdata
from harness import same_error


def _shapes(x):
    if hasattr(x, "shape"):
        return (str(x.dtype), tuple(x.shape))
    if isinstance(x, dict):
        return {k: _shapes(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x).__name__, [_shapes(v) for v in x]
    return x


SAMPLES = {
    "tensor_label": lambda lib, i: (lib.ones(1, 4, 4) * i, i),
    "floats": lambda lib, i: (float(i), i * 2),
    "dict": lambda lib, i: {"x": lib.zeros(3), "y": i, "name": f"s{i}"},
    "numpy": lambda lib, i: (np.full((2, 2), i, np.float32), np.int64(i)),
    "nested_list": lambda lib, i: [lib.ones(2), [i, float(i)]],
    "bool": lambda lib, i: (lib.tensor([True]), i % 2 == 0),
}


@pytest.mark.parametrize("case", SAMPLES)
def test_default_collate_matches_torch(case):
    mine = mdata.default_collate([SAMPLES[case](minitorch, i) for i in range(3)])
    theirs = tdata.default_collate([SAMPLES[case](torch, i) for i in range(3)])
    assert _shapes(mine) == _shapes(theirs)


@pytest.mark.parametrize("n,batch_size,drop_last", [(10, 4, False), (10, 4, True), (8, 4, False), (3, 5, False),
                                                    (3, 5, True), (1, 1, False)])
def test_batches_and_lengths_like_torch(n, batch_size, drop_last):
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    y = np.arange(n)
    mine = mdata.DataLoader(mdata.TensorDataset(minitorch.from_numpy(x), minitorch.from_numpy(y)),
                            batch_size=batch_size, drop_last=drop_last)
    theirs = tdata.DataLoader(tdata.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
                              batch_size=batch_size, drop_last=drop_last)
    assert len(mine) == len(theirs)
    m_batches, t_batches = list(mine), list(theirs)
    assert len(m_batches) == len(t_batches)
    for (mx, my), (tx, ty) in zip(m_batches, t_batches):
        np.testing.assert_array_equal(mx.numpy(), tx.numpy())
        np.testing.assert_array_equal(my.numpy(), ty.numpy())
        assert str(mx.dtype) == str(tx.dtype) and str(my.dtype) == str(ty.dtype)


def test_shuffle_with_generator_is_a_permutation_and_repeatable():
    ds = mdata.TensorDataset(minitorch.arange(20))

    def order(seed):
        g = minitorch.Generator().manual_seed(seed)
        return [int(v) for (b,) in mdata.DataLoader(ds, batch_size=3, shuffle=True, generator=g) for v in b.tolist()]
    first = order(7)
    assert sorted(first) == list(range(20)) and first != list(range(20))
    assert order(7) == first
    assert order(8) != first


def test_shuffle_follows_manual_seed():
    ds = mdata.TensorDataset(minitorch.arange(10))
    minitorch.manual_seed(3)
    a = [b[0].tolist() for b in mdata.DataLoader(ds, batch_size=2, shuffle=True)]
    minitorch.manual_seed(3)
    b = [b[0].tolist() for b in mdata.DataLoader(ds, batch_size=2, shuffle=True)]
    assert a == b


def test_new_epoch_new_order():
    ds = mdata.TensorDataset(minitorch.arange(30))
    loader = mdata.DataLoader(ds, batch_size=30, shuffle=True, generator=minitorch.Generator().manual_seed(0))
    assert next(iter(loader))[0].tolist() != next(iter(loader))[0].tolist()


def test_samplers():
    seq = list(mdata.SequentialSampler(range(5)))
    assert seq == list(tdata.SequentialSampler(range(5)))
    batches = list(mdata.BatchSampler(mdata.SequentialSampler(range(10)), 3, drop_last=False))
    assert batches == list(tdata.BatchSampler(tdata.SequentialSampler(range(10)), 3, drop_last=False))
    assert len(mdata.BatchSampler(range(10), 3, True)) == len(tdata.BatchSampler(range(10), 3, True))
    draws = list(mdata.RandomSampler(range(4), replacement=True, num_samples=50))
    assert len(draws) == 50 and set(draws) <= {0, 1, 2, 3}
    loader = mdata.DataLoader(list(range(10)), batch_sampler=mdata.BatchSampler(range(10), 4, False))
    assert [b.tolist() for b in loader] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_sampler_and_shuffle_are_exclusive_like_torch():
    same_error(lambda lib: lib.utils.data.DataLoader(list(range(4)), sampler=lib.utils.data.SequentialSampler(range(4)),
                                                     shuffle=True))


def test_subset_concat_random_split():
    ds = mdata.TensorDataset(minitorch.arange(10))
    sub = mdata.Subset(ds, [3, 1])
    assert len(sub) == 2 and sub[0][0].item() == 3
    both = mdata.ConcatDataset([ds, sub])
    assert len(both) == 12 and both[11][0].item() == 1 and both[-1][0].item() == 1
    parts = mdata.random_split(ds, [7, 3], generator=minitorch.Generator().manual_seed(1))
    assert [len(p) for p in parts] == [7, 3]
    assert sorted(p[0].item() for part in parts for p in part) == list(range(10))
    fractions = mdata.random_split(range(10), [0.5, 0.3, 0.2])
    assert [len(p) for p in fractions] == [len(p) for p in tdata.random_split(range(10), [0.5, 0.3, 0.2])]
    with pytest.raises(ValueError):
        mdata.random_split(ds, [5, 4])


def test_iterable_dataset():
    class Stream(mdata.IterableDataset):
        def __iter__(self):
            return iter(range(7))
    assert [b.tolist() for b in mdata.DataLoader(Stream(), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]


@pytest.mark.parametrize("n,batch_size,drop_last", [(7, 3, True), (7, 3, False), (6, 3, True), (2, 3, True)])
def test_iterable_dataset_batches_and_lengths_like_torch(n, batch_size, drop_last):
    """A stream is batched by the DataLoader itself (no BatchSampler): drop_last must drop its short
    last batch there too, and len() must count the same batches."""
    def run(data):
        class Stream(data.IterableDataset):
            def __iter__(self):
                return iter(range(n))

            def __len__(self):
                return n
        loader = data.DataLoader(Stream(), batch_size=batch_size, drop_last=drop_last)
        return [b.tolist() for b in loader], len(loader)
    assert run(mdata) == run(tdata)


@pytest.mark.parametrize("lib,data", [(minitorch, mdata), (torch, tdata)], ids=["minitorch", "torch"])
def test_random_sampler_with_replacement_is_uniform_over_the_whole_range(lib, data):
    """Draws with replacement are uniform over range(n), first and last index included. The streams of
    the two libraries differ, so both are held to the same property. With 2000 draws from 5 indices,
    P(an index never drawn) = 5 * 0.8^2000 < 1e-190, and a correct sampler's chi-square statistic (4
    degrees of freedom) exceeds 33.4 with probability 1e-6; the seed is fixed, so the test is repeatable."""
    n, draws = 5, 2000
    sampler = data.RandomSampler(range(n), replacement=True, num_samples=draws,
                                 generator=lib.Generator().manual_seed(0))
    indices = list(sampler)
    assert len(indices) == draws and min(indices) == 0 and max(indices) == n - 1
    counts = np.bincount(indices, minlength=n)
    expected = draws / n
    assert ((counts - expected) ** 2 / expected).sum() < 33.4, counts
