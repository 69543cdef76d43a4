"""Data types: torch's names over NumPy's dtypes, and torch's type-promotion rule.

minitorch prints dtypes as torch does (``torch.float32``) so that the blitz's output reads the same
in both engines.
"""
import numpy as np


class dtype:
    """A tensor element type: a torch name over a NumPy dtype."""

    __slots__ = ("name", "np", "is_floating_point", "is_complex", "is_signed", "itemsize", "_category",
                 "scalar_name", "cpp_name", "tensor_type")

    def __init__(self, name, np_dtype, category, scalar_name, cpp_name):
        self.name = name
        # The names torch's messages give the type (minitorch's own attributes; torch's dtype has none of
        # them): its C++ ScalarType ("Float", as kernel errors spell it), the C++ type it holds ("float",
        # as type-check errors spell it), and its legacy tensor type ("torch.FloatTensor", ``t.type()``).
        self.scalar_name = scalar_name
        self.cpp_name = cpp_name
        self.tensor_type = f"torch.{scalar_name}Tensor"
        self.np = np.dtype(np_dtype)
        self.is_floating_point = category == 2
        self.is_complex = False
        self.is_signed = self.np.kind in "if"
        self.itemsize = self.np.itemsize
        self._category = category  # 0 bool, 1 integer, 2 floating point: the order of promotion

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


bool_ = dtype("bool", np.bool_, 0, "Bool", "bool")
uint8 = dtype("uint8", np.uint8, 1, "Byte", "unsigned char")
int8 = dtype("int8", np.int8, 1, "Char", "signed char")
int16 = dtype("int16", np.int16, 1, "Short", "short int")
int32 = dtype("int32", np.int32, 1, "Int", "int")
int64 = dtype("int64", np.int64, 1, "Long", "long int")
float16 = dtype("float16", np.float16, 2, "Half", "c10::Half")
float32 = dtype("float32", np.float32, 2, "Float", "float")
float64 = dtype("float64", np.float64, 2, "Double", "double")

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64)
_FROM_NP = {d.np: d for d in ALL}
_NAMES = {d.name: d for d in ALL}


def _by_name(name):
    return _NAMES[name]


def tp_name(cls):
    """The name torch's messages give a class (CPython's ``tp_name``): a class written in Python by its name
    (``Parameter``), a built-in one by its name (``str``), a C extension's with its module
    (``numpy.ndarray``, ``numpy.dtypes.Float32DType``)."""
    if cls.__flags__ & (1 << 9) or cls.__module__ == "builtins":  # Py_TPFLAGS_HEAPTYPE: written in Python
        return cls.__name__
    return f"{cls.__module__}.{cls.__name__}"


def as_dtype(value, fn):
    """The ``dtype=`` argument of ``fn`` (None stays None), checked as torch checks it: a minitorch dtype,
    or Python's ``float``, ``int``, ``bool`` (torch reads them as float64, int64, bool); anything else -
    a string like ``"float32"``, a NumPy dtype - is torch's TypeError naming the function and the argument.
    Every function that takes ``dtype=`` passes it through here, so the check lives in one place."""
    if value is None or type(value) is dtype:
        return value
    if value is float or value is int or value is bool:
        return float64 if value is float else int64 if value is int else bool_
    raise TypeError(f"{fn}(): argument 'dtype' must be torch.dtype, not {tp_name(type(value))}")


def from_numpy_dtype(np_dtype):
    """The minitorch dtype of a NumPy dtype; TypeError for types torch has no tensor of."""
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).name}. The only supported types are: "
            "float64, float32, float16, int64, int32, int16, int8, uint8, and bool.") from None


_default = [float32]


def get_default_dtype():
    return _default[0]


def set_default_dtype(d):
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def promote_types(a, b):
    """torch.promote_types: the smallest dtype both a and b convert to without losing their kind.
    Unlike NumPy, a floating type wins over any integer type as it is (int64 with float32 is float32)."""
    if a.is_floating_point != b.is_floating_point:
        return a if a.is_floating_point else b
    return from_numpy_dtype(np.promote_types(a.np, b.np))


def _combine(higher, lower):
    """torch's combine_categories: a higher-priority dtype wins unless ``lower`` is of a higher category."""
    if higher is None:
        return lower
    if lower is None or higher.is_floating_point:
        return higher
    if higher is bool_ or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def result_type(*operands):
    """The dtype of an elementwise op on ``operands`` (Tensors and Python numbers), by torch's rule.

    Tensors with dimensions outrank 0-d tensors, which outrank Python numbers, but only within a
    category (bool < integer < floating): ``int64_tensor * 2.5`` is float32 (the default dtype), and
    ``float32_tensor + float64_0d_tensor`` stays float32 - where NumPy would give float64.
    """
    best = [None, None, None]  # highest dtype per priority: dimensioned tensors, 0-d tensors, numbers
    for x in operands:
        if isinstance(x, (bool, np.bool_)):  # NumPy scalars count as Python numbers, as in torch
            d, slot = bool_, 2
        elif isinstance(x, (int, np.integer)):
            d, slot = int64, 2
        elif isinstance(x, (float, np.floating)):
            d, slot = _default[0], 2
        else:
            d, slot = x.dtype, (0 if x._data.ndim else 1)
        cur = best[slot]
        best[slot] = d if cur is None or cur is d else promote_types(cur, d)
    return _combine(best[0], _combine(best[1], best[2]))
