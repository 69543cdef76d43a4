"""minitorch.testing: check an operation of your own, as minitorch's tests check its built-in ones.

* ``assert_close(actual, expected)`` and ``make_tensor(*shape, dtype=...)``: torch.testing's, accepting
  minitorch tensors, torch tensors, NumPy arrays and numbers on either side;
* ``check_gradients(fn, *inputs, against="torch" | "finite_differences")``: ``fn(lib, *tensors)``'s
  values, VJP and second derivatives against torch, or against central differences (NumPy only);
* ``minitorch.testing.strategies``: hypothesis strategies for inputs (needs hypothesis, an optional extra).

torch is imported only when asked for (``against="torch"``); ``import minitorch`` never imports it.
"""
from ._comparison import assert_close, make_tensor
from ._gradients import check_gradients

__all__ = ["assert_close", "make_tensor", "check_gradients"]
