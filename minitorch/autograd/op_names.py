"""torch's name for a minitorch operation, as its profiler and ``jit.trace`` graphs show it (``aten::addmm``).

A built-in op's node is named as torch's (``AddmmBackward0``), so the aten name is that node name without
``Backward<n>``, in snake case: ``AddmmBackward0`` -> ``aten::addmm``, ``MaxPool2DWithIndicesBackward0``
-> ``aten::max_pool2d_with_indices``, ``AddBackward1`` (add with a number) -> ``aten::add``. Where torch's
aten name is not that (``ToCopyBackward0`` is ``aten::_to_copy``), ``ATEN`` says so; minitorch's own helper ops (a node name with a leading ``_``) are ``minitorch::...``. A user's
``autograd.Function`` is shown by its class name, as torch's profiler shows it.
"""
import re

# node name stems whose aten name is not their snake case (checked in torch's profiler and jit graphs)
ATEN = {"Log1P": "log1p", "ToCopy": "_to_copy", "Unique2": "_unique2", "ThnnFusedLstmCell": "_thnn_fused_lstm_cell",
        "ReshapeAlias": "_reshape_alias", "LogSoftmax": "_log_softmax", "Softmax": "_softmax",
        "NllLoss": "nll_loss_forward", "NllLoss2D": "nll_loss2d_forward", "PreluKernel": "_prelu_kernel",
        "IndexPutImpl": "_index_put_impl_", "LinalgInvEx": "linalg_inv_ex", "SpecialI1": "special_i1",
        "Col2Im": "col2im", "Im2Col": "im2col", "Deg2Rad": "deg2rad", "Rad2Deg": "rad2deg", "Fill": "fill_",
        "Zero": "zero_"}
# nodes torch writes in C++ (``torch::autograd::CopySlices``): the aten op behind them
QUALIFIED = {"torch::autograd::CopyBackwards": "copy_", "torch::autograd::CopySlices": "copy_"}

_WORD = re.compile(r"(?<=[a-z0-9])(?=[A-Z][a-z])|(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_names = {}  # class -> name, computed once per class


def op_name(cls):
    """The row name of operation class ``cls`` (an ``Op`` or a user ``Function``) in a profile or a graph."""
    name = _names.get(cls)
    if name is None:
        name = _names[cls] = _name(cls)
    return name


def inplace_op_name(fn):
    """torch's name of an in-place op run as ``apply_inplace(t, fn, ...)``: ``aten::relu_`` for ``x.relu_()``
    (``fn`` is ``relu``), ``aten::copy_`` for ``copy_`` (``fn`` is ``Copy.apply``)."""
    owner = getattr(fn, "__self__", None)
    name = op_name(owner) if isinstance(owner, type) else "aten::" + getattr(fn, "__name__", "op")
    return name if name.endswith("_") else name + "_"


def _name(cls):
    node_name = cls._Node._name
    if node_name in QUALIFIED:
        return "aten::" + QUALIFIED[node_name]
    if not cls.__module__.startswith("minitorch."):
        return cls.__name__  # a user's Function: its own name, as torch's profiler shows it
    # a node torch names in C++ (torch::autograd::NotImplemented): the op's class name instead
    stem = cls.__name__ if "::" in node_name else re.sub(r"Backward\d*(_copy)?$", "", node_name)
    # minitorch's own helper ops (``_Reshape``, ``_Drawn``: no aten op of that name) are minitorch::
    namespace = "minitorch::" if stem.startswith("_") else "aten::"
    return namespace + ATEN.get(stem, _WORD.sub("_", stem.lstrip("_")).lower())
