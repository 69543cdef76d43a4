"""The ``*_copy`` twins of the view ops: ``torch.expand_copy(x, s)`` is ``x.expand(s)`` with its own memory.

torch generates them from the view ops, and so does this module: ``_copy_twin(ViewOp)`` is the view op with
its output copied (not a view, so no shared memory or version counter) and its node named as torch names it,
the view's node name + ``_copy`` (``ExpandBackward0_copy``); the VJP is the view op's own. Each function then
calls the view function, which checks the arguments as the view does, with the twin in place of the view op.
"""
import functools

import numpy as np

from .convert import clone
from .diagonal import Diagonal, _out, diagonal
from .indexing import Select, Slice, narrow, select, slice_along
from .shape import (Alias, Expand, Permute, Split, SplitWithSizes, Squeeze, SqueezeDim, SqueezeDims, T, Transpose,
                    Unbind, Unfold, Unsqueeze, View, _squeeze, expand, permute, split, split_with_sizes, t, transpose,
                    unbind, unfold, unsqueeze, view)


def _copied(a):
    return np.array(a, copy=True, order="C")


def _copy_twin(view_op, node_name=None):
    """The op that is ``view_op`` followed by a copy of its output(s), with torch's name for its node."""
    def forward(ctx, a, *args):
        out = view_op.forward(ctx, a, *args)
        return tuple(_copied(o) for o in out) if type(out) is tuple else _copied(out)
    attrs = {"node_name": node_name or view_op.node_name + "_copy", "is_view": False,
             "forward": staticmethod(forward), "__doc__": f"{view_op.__name__}, copied: {view_op.__doc__}"}
    return type(view_op)(view_op.__name__ + "Copy", (view_op,), attrs)


ExpandCopy, PermuteCopy, TCopy, TransposeCopy = (_copy_twin(op) for op in (Expand, Permute, T, Transpose))
ViewCopy, UnsqueezeCopy, UnbindCopy, AliasCopy = (_copy_twin(op) for op in (View, Unsqueeze, Unbind, Alias))
SqueezeCopies = tuple(_copy_twin(op) for op in (Squeeze, SqueezeDim, SqueezeDims))
SplitWithSizesCopy, DiagonalCopy, UnfoldCopy = _copy_twin(SplitWithSizes), _copy_twin(Diagonal), _copy_twin(Unfold)
SelectCopy, SliceCopy, SplitCopy = _copy_twin(Select), _copy_twin(Slice), _copy_twin(Split)
NarrowCopy = _copy_twin(Slice, "NarrowCopyBackward0")  # (torch's one copy twin with a name of its own)


def expand_copy(input, size, *, implicit=False):
    return expand(input, size, _op=ExpandCopy)


def permute_copy(input, dims):
    return permute(input, dims, _op=PermuteCopy)


def t_copy(input):
    return t(input, TCopy)


def transpose_copy(input, dim0, dim1):
    return transpose(input, dim0, dim1, _op=TransposeCopy)


def view_copy(input, size):
    if hasattr(size, "np"):  # view_copy(x, dtype): the bytes reinterpreted, in memory of its own
        return clone(view(input, size))
    return view(input, size, _op=ViewCopy)


def squeeze_copy(input, dim=None):
    return _squeeze(input, dim, SqueezeCopies)


def unsqueeze_copy(input, dim):
    return unsqueeze(input, dim, _op=UnsqueezeCopy)


def unbind_copy(input, dim=0):
    return unbind(input, dim, _op=UnbindCopy)


def split_with_sizes_copy(input, split_sizes, dim=0):
    return split_with_sizes(input, split_sizes, dim, _op=SplitWithSizesCopy)


def split_copy(input, split_size, dim=0):
    if not isinstance(split_size, int):
        raise TypeError(f"split_copy(): argument 'split_size' (position 2) must be int, not "
                        f"{type(split_size).__name__}")
    return split(input, split_size, dim, _op=SplitCopy)


def select_copy(input, dim, index):
    return select(input, dim, index, _op=SelectCopy)


def slice_copy(input, dim=0, start=None, end=None, step=1):
    return slice_along(input, dim, start, end, step, _op=SliceCopy)


def alias_copy(input):
    return AliasCopy.apply(input)


def narrow_copy(input, dim, start, length):
    return narrow(input, dim, start, length, _op=NarrowCopy)


def diagonal_copy(input, offset=0, dim1=0, dim2=1):
    return diagonal(input, offset, dim1, dim2, _op=DiagonalCopy)


def unfold_copy(input, dimension, size, step):
    return unfold(input, dimension, size, step, _op=UnfoldCopy)


def _with_out(fn):
    """``fn`` taking torch's ``out=`` too (the functions of one result; torch's copies all take it)."""
    @functools.wraps(fn)
    def call(*args, out=None, **kwargs):
        return _out(out, fn(*args, **kwargs))
    return call


COPIES = {"expand_copy": expand_copy, "permute_copy": permute_copy, "t_copy": t_copy,
             "transpose_copy": transpose_copy, "view_copy": view_copy, "squeeze_copy": squeeze_copy,
             "unsqueeze_copy": unsqueeze_copy, "alias_copy": alias_copy, "diagonal_copy": diagonal_copy,
             "unfold_copy": unfold_copy, "select_copy": select_copy, "slice_copy": slice_copy,
             "narrow_copy": narrow_copy}
COPIES = {name: _with_out(fn) for name, fn in COPIES.items()}  # the one-result copies take out=
COPIES.update({"unbind_copy": unbind_copy, "split_with_sizes_copy": split_with_sizes_copy,
                  "split_copy": split_copy})
