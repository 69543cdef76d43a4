"""Blends: lerp, addcmul, addcdiv."""
import numpy as np

from ..._dtype import bool_, result_type
from ...tensor import Tensor
from ..arithmetic import _out
from ..op import Op
from ._common import _compute, _not_implemented, _number


def _lerp(a, b, w):
    # torch's formula: from the nearer end, so that w = 0 gives exactly a and w = 1 exactly b
    return np.where(w < 0.5, a + w * (b - a), b - (b - a) * (1 - w))


class Lerp(Op):
    """z = a + w (b - a) for a number w.   VJP: da = g (1 - w),  db = g w."""
    node_name = "LerpBackward0"
    elementwise = True

    @staticmethod
    def forward(ctx, a, b, w):
        ctx.w = w
        return _lerp(a, b, np.asarray(w, a.dtype))

    @staticmethod
    def backward(ctx, g):
        return g * (1 - ctx.w), g * ctx.w


class LerpTensor(Op):
    """z = a + w (b - a) for a tensor w.   VJP: da = g (1 - w),  db = g w,  dw = g (b - a)."""
    node_name = "LerpBackward1"
    elementwise = True

    @staticmethod
    def forward(ctx, a, b, w):
        w = w.astype(a.dtype, copy=False)  # a 0-d weight of another float type is allowed
        ctx.save_for_backward(a, b, w)
        return _lerp(a, b, w)

    @staticmethod
    def backward(ctx, g):
        a, b, w = ctx.saved_tensors
        da, db, dw = ctx.needs_input_grad
        return (g * (1 - w) if da else None), (g * w if db else None), (g * (b - a) if dw else None)


def lerp(input, end, weight, *, out=None):
    """input + weight * (end - input); ``weight`` a number or a tensor."""
    if not input.is_floating_point():
        raise _not_implemented("lerp_kernel_tensor" if isinstance(weight, Tensor) else "lerp_kernel_scalar", input)
    _same_dtype(input, end, "end")
    if isinstance(weight, Tensor):
        if weight.ndim:
            _same_dtype(input, weight, "weight")
        return _out(LerpTensor.apply(input, end, weight), out)
    return _out(Lerp.apply(input, end, weight), out)


def _same_dtype(input, other, name):
    if other.dtype is not input.dtype:
        raise RuntimeError(f"expected dtype {input.dtype.cpp_name} for `{name}` but got dtype "
                           f"{other.dtype.cpp_name}")


class Addcmul(Op):
    """z = a + v·b·c for a number v.   VJP: da = g,  db = g v c,  dc = g v b."""
    node_name = "AddcmulBackward0"
    promotes = 3  # a, b, c; not the number v

    @staticmethod
    def forward(ctx, a, b, c, value):
        ctx.save_for_backward(b, c)
        ctx.value = value
        return a + _number(value, a.dtype) * b * c

    @staticmethod
    def backward(ctx, g):
        b, c = ctx.saved_tensors
        da, db, dc = ctx.needs_input_grad
        v = ctx.value
        return g, (g * v * c if db else None), (g * v * b if dc else None)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 * tensor2."""
    if result_type(input, tensor1, tensor2) is bool_:
        raise _not_implemented("addcmul_cpu_out", input)
    return _out(Addcmul.apply(input, tensor1, tensor2, value), out)


class Addcdiv(Op):
    """z = a + v·b/c for a number v.   VJP: da = g,  db = g v / c,  dc = -g v b / c²."""
    node_name = "AddcdivBackward0"
    promotes = 3  # a, b, c; not the number v

    @staticmethod
    def forward(ctx, a, b, c, value):
        ctx.save_for_backward(b, c)
        ctx.value = value
        return _compute(lambda a, b, c: a + _number(value, a.dtype) * b / c, a, b, c)

    @staticmethod
    def backward(ctx, g):
        b, c = ctx.saved_tensors
        da, db, dc = ctx.needs_input_grad
        v = ctx.value
        return g, (g * v / c if db else None), (-g * v * b / (c * c) if dc else None)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 / tensor2."""
    if not result_type(tensor1, tensor2).is_floating_point:
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform "
            "a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as "
            "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
            "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter "
            "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
    return _out(Addcdiv.apply(input, tensor1, tensor2, value), out)
