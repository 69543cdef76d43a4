"""torch.histogramdd: the histogram of points in D dimensions.

The input (..., D) is a set of points (its last dim their coordinates). Each dim d has its bin edges (``bins[d]``
equal bins over ``range`` - by default from the smallest coordinate to the largest -, or the edges given as a 1-d
tensor); a point adds its weight (or 1) to the D-dim bin of its coordinates, and counts only when it is inside
the edges of every dim (the last bin of each dim includes its right edge, as histogram's). With ``density`` the
counts become a probability density: divided by their sum and by each bin's volume (the product of its widths).
No derivative (torch's node: NotImplemented).
"""
import collections

import numpy as np

from ..tensor import Tensor
from .sorting import _NoDerivative, _bin_index, _check_weight, _even_edges, _tensor_edges


class HistogramDD(_NoDerivative):
    """(hist, *bin_edges) of the points ``a`` (..., D) among ``edges`` (one array per dim; ``hows``: how to find
    a bin, see sorting._bin_counts). No derivative."""
    node_name = "torch::autograd::NotImplemented"
    # (torch's message names the kernel of even bins, _histogramdd_from_bin_cts, whichever bins were given)
    error, message = RuntimeError, "derivative for aten::_histogramdd_from_bin_cts is not implemented"

    @staticmethod
    def forward(ctx, a, weight, edges, hows, density):
        points = a.reshape(-1, a.shape[-1])
        index = np.stack([_bin_index(points[:, d], e, how) for d, (e, how) in enumerate(zip(edges, hows))], axis=-1)
        inside = (index >= 0).all(axis=-1)
        w = np.ones(len(points), a.dtype) if weight is None else weight.reshape(-1)
        hist = np.zeros(tuple(len(e) - 1 for e in edges), a.dtype)
        np.add.at(hist, tuple(index[inside].T), w[inside])
        if density:
            with np.errstate(divide="ignore", invalid="ignore"):
                hist = hist / hist.sum(dtype=a.dtype)
                for d, e in enumerate(edges):  # each bin's width along dim d
                    hist = hist / np.diff(e).reshape((-1,) + (1,) * (len(edges) - 1 - d))
        return (hist,) + tuple(e.copy() for e in edges)


class HistogramDDTensorBins(HistogramDD):
    message = "derivative for aten::_histogramdd_from_bin_tensors is not implemented"  # (edges given as tensors)


def _histogramdd_repr(self):
    return f"torch.return_types.histogramdd(\nhist={self.hist!r},\nbin_edges={self.bin_edges!r})"


histogramdd_return = type("histogramdd", (collections.namedtuple("histogramdd", ["hist", "bin_edges"]),),
                          {"__slots__": (), "__repr__": _histogramdd_repr})


def histogramdd(input, bins, *, range=None, weight=None, density=False):
    """(hist, bin_edges) of the points ``input`` (..., D): see the module docstring. ``bins``: an int (for every
    dim), D ints, or D 1-d tensors of edges; ``range``: [min_0, max_0, min_1, max_1, ...]; ``weight``: one per
    point (input.shape[:-1])."""
    if not input.is_floating_point():
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{input.dtype.scalar_name}'")
    dims = input.shape[-1] if input.ndim else 1
    if isinstance(bins, (int, np.integer)):
        bins = [int(bins)] * dims
    if len(bins) != dims:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost dimension of the input.")
    if range is not None and len(range) != 2 * dims:
        raise RuntimeError(f"torch.histogramdd: for a {dims}-dimensional histogram range should have {2 * dims} "
                           f"elements, but got {len(range)}")
    points = input._data.reshape(-1, dims)
    given = [isinstance(b, Tensor) for b in bins]
    edges = [_tensor_edges(input, b, d) if given[d] else
             _even_edges(input, points[:, d], b, None if range is None else range[2 * d:2 * d + 2], d)
             for d, b in enumerate(bins)]
    if weight is not None:
        _check_weight(input, weight, tuple(weight.shape) == tuple(input.shape[:-1]), list(input.shape),
                      list(weight.shape))
    hows = ["search" if g else "divide, then check" for g in given]
    op = HistogramDDTensorBins if all(given) else HistogramDD
    hist, *found = op.apply(input, weight, edges, hows, bool(density))
    # edges given as tensors come back as those very tensors, as torch's
    return histogramdd_return(hist, tuple(b if g else e for b, g, e in zip(bins, given, found)))
