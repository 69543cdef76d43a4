"""minitorch.masked: torch.masked's reductions and normalizations of a tensor whose elements are kept or
ignored by a boolean ``mask`` (broadcastable to the input; None keeps every element).

    x = minitorch.tensor([[-3., -2., -1.], [0., 1., 2.]])
    mask = minitorch.tensor([[True, False, True], [False, False, False]])
    minitorch.masked.sum(x, 1, mask=mask)     # tensor([-4., 0.]): a row with nothing kept sums to 0
    minitorch.masked.amax(x, 1, mask=mask)    # tensor([-1., -inf])

Each is written, as torch writes it, on ordinary ops: the ignored elements replaced by a value that drops out
of the operation (_mask.py), then the operation. reductions.py has the reductions (sum, prod, amax, amin,
argmax, argmin, mean, median, norm, var, std, logsumexp), normalizations.py the ops that keep the input's
shape (softmax, log_softmax, softmin, normalize, cumsum, cumprod, logaddexp). Strided tensors only (torch's
also take sparse COO/CSR inputs, and MaskedTensor).
"""
# -- torch.masked: masked reductions and normalizations ----------------------------------------------------
from .reductions import amax, amin, argmax, argmin, logsumexp, mean, median, norm, prod, std, sum, var
from .normalizations import cumprod, cumsum, log_softmax, logaddexp, normalize, softmax, softmin
from ._mask import _input_mask, _output_mask  # torch.masked's private helpers, which OpInfo's wrappers call

__all__ = ["amax", "amin", "argmax", "argmin", "cumprod", "cumsum", "log_softmax", "logaddexp", "logsumexp",
           "mean", "median", "norm", "normalize", "prod", "softmax", "softmin", "std", "sum", "var"]
