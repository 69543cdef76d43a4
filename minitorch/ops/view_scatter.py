"""The ``*_scatter`` twins of the view ops: ``torch.diagonal_scatter(x, src)`` is a copy of ``x`` with
``src`` written where ``x.diagonal()`` would look (likewise select_scatter, slice_scatter).

The maths is that of an in-place change through a view, seen from its base: ``CopyIntoView`` (ops/inplace.py),
whose VJP is: da = g with the region zeroed (the same scatter, of zeros into g), dsrc = the region of g (the
view op applied to g). Each scatter op is CopyIntoView under torch's node name. Each function asks the view
function for the region's view op and arguments (``_Region`` stands in for the view op: the view function
checks the arguments, with the view's own errors, and hands them back instead of taking the view).
"""
from .diagonal import Diagonal, diagonal
from .indexing import Select, Slice, select, slice_along
from .inplace import CopyIntoView, _view_of_array


class DiagonalScatter(CopyIntoView):
    node_name = "DiagonalScatterBackward0"


class SelectScatter(CopyIntoView):
    node_name = "SelectScatterBackward0"


class SliceScatter(CopyIntoView):
    node_name = "SliceScatterBackward0"


class _Region:
    """In place of a view op: ``apply`` returns the steps (as views record them, ops/op.py's view_ops) of the
    view it would take."""

    def __init__(self, view_op):
        self.view_op = view_op

    def apply(self, input, *args):
        return (), self.view_op, args


def _scatter(op, input, src, steps):
    region = _view_of_array(input._data, steps).shape
    if tuple(src.shape) != region:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(region)}")
    return op.apply(input, src, steps)


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    return _scatter(DiagonalScatter, input, src, diagonal(input, offset, dim1, dim2, _op=_Region(Diagonal)))


def select_scatter(input, src, dim, index):
    return _scatter(SelectScatter, input, src, select(input, dim, index, _op=_Region(Select)))


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    return _scatter(SliceScatter, input, src, slice_along(input, dim, start, end, step, _op=_Region(Slice)))


TENSOR_METHODS = {"diagonal_scatter": diagonal_scatter, "select_scatter": select_scatter,
                  "slice_scatter": slice_scatter}
