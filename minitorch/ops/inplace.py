"""In-place operations (``add_``, ``mul_``, ``zero_``, ``t[i] = v``, ...).

An in-place op computes the out-of-place result and writes it into the tensor's own array, so every
view and every NumPy array sharing that memory sees the change. It then bumps the version counter:
if backward later needs the old value (saved by some op), it sees the version changed and raises
torch's "modified by an inplace operation" error instead of silently using the new value.

When the op is recorded (grad mode on and something requires grad), the tensor's ``grad_fn`` becomes
the new op's node, whose edge leads to the tensor's previous node - the tensor has moved one step
down the graph, exactly as in torch.
"""
import numpy as np

from ..autograd import grad_mode
from ..autograd.function import Op

LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation."


def apply_inplace(self, fn, *args, **kwargs):
    """Run ``fn(self, *args)`` out of place and store the result in ``self``."""
    from ..tensor import Tensor, _make
    recording = grad_mode.STATE.enabled and (
        self._requires_grad or any(isinstance(a, Tensor) and a._requires_grad for a in args))
    if not recording:
        with grad_mode.no_grad():
            result = fn(self, *args, **kwargs)
        _write(self, result)
        self._vc[0] += 1
        return self
    if self._requires_grad and self.grad_fn is None:
        raise RuntimeError(LEAF_ERROR)
    # the op reads self's current value: give it a snapshot, so that saving it for backward is safe
    before = _make(self._data.copy())
    before.grad_fn, before._output_nr, before._requires_grad = self.grad_fn, self._output_nr, self._requires_grad
    result = fn(before, *args, **kwargs)
    _write(self, result)
    self._vc[0] += 1
    if result._requires_grad:
        self.grad_fn, self._output_nr, self._requires_grad = result.grad_fn, result._output_nr, True
        _retarget_saved_output(result, self)
    return self


def _write(self, result):
    if not np.can_cast(result._data.dtype, self._data.dtype, casting="same_kind"):
        raise RuntimeError(f"result type {_word(result)} can't be cast to the desired output type {_word(self)}")
    np.copyto(self._data, result._data, casting="unsafe")


def _word(t):
    return {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
            "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}[t.dtype.name]


def _retarget_saved_output(result, self):
    """A node that saved its output saved ``result``; its values now live in ``self``: watch self's
    version counter instead, so that a later in-place change of self is caught in backward."""
    node = result.grad_fn
    if not node._saved_outputs:
        return
    saved, versions = list(node._saved), dict(node._saved_versions)
    for i, _ in node._saved_outputs:
        saved[i] = self.detach()
        versions[i] = self._vc[0]
    node._saved, node._saved_versions = tuple(saved), tuple(versions.items())


def copy_into_out(out, result):
    """torch's ``out=``: the result written into ``out`` (resized if its shape differs)."""
    if tuple(out.shape) != tuple(result.shape):
        out._data = np.empty(result._data.shape, out._data.dtype)
    return apply_inplace(out, lambda _old, r: r, result.detach() if result.requires_grad else result)


# -- the in-place methods ------------------------------------------------------------------------------
class Copy(Op):
    """z = src broadcast to a's shape and cast to a's dtype (a's old values are discarded).
    VJP: da = 0,  dsrc = g (the engine sums it to src's shape and casts it to src's dtype)."""
    node_name = "torch::autograd::CopyBackwards"

    @staticmethod
    def forward(ctx, a, src):
        _check_broadcast(src.shape, a.shape)
        return np.broadcast_to(src, a.shape).astype(a.dtype)

    @staticmethod
    def backward(ctx, g):
        return g * 0, g


def copy_(self, src, non_blocking=False):
    """Copy ``src`` (broadcast to self's shape, cast to self's dtype) into self."""
    return apply_inplace(self, Copy.apply, src)


def fill_(self, value):
    if hasattr(value, "_data"):
        if value._data.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value._data.ndim} dimensions.")
        return copy_(self, value)
    return apply_inplace(self, _full_like, value)


def zero_(self):
    return apply_inplace(self, _full_like, 0)


def _full_like(old, value):
    from ..tensor import _make
    return _make(np.full(old._data.shape, value, old._data.dtype))


def _check_broadcast(src_shape, dst_shape):
    try:
        np.broadcast_shapes(src_shape, dst_shape)
        ok = np.broadcast_shapes(src_shape, dst_shape) == tuple(dst_shape)
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(f"output with shape {list(dst_shape)} doesn't match the broadcast shape "
                           f"{list(np.broadcast_shapes(src_shape, dst_shape)) if _broadcastable(src_shape, dst_shape) else list(src_shape)}")


def _broadcastable(a, b):
    try:
        np.broadcast_shapes(a, b)
        return True
    except ValueError:
        return False


def make_inplace(fn):
    """The in-place twin ``x.fn_(...)`` of an out-of-place op ``fn``."""
    def method(self, *args, **kwargs):
        return apply_inplace(self, fn, *args, **kwargs)
    method.__name__ = fn.__name__ + "_"
    method.__doc__ = f"In-place version of ``{fn.__name__}``: writes the result into this tensor."
    return method


TENSOR_METHODS = {"copy_": copy_, "fill_": fill_, "zero_": zero_}
