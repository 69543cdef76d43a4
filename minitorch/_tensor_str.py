"""How tensors print (repr/str)."""
import numpy as np

_WORDS = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
          "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def type_name(t):
    """torch's legacy type string, e.g. ``torch.FloatTensor`` (used in error messages and ``t.type()``)."""
    return f"torch.{_WORDS[t.dtype.name]}Tensor"


def tensor_repr(t):
    body = np.array2string(t._data, separator=", ", prefix="tensor(")
    extras = []
    if t.grad_fn is not None:
        extras.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        extras.append("requires_grad=True")
    return "tensor(" + ", ".join([body] + extras) + ")"
