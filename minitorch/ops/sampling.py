"""Tensor's in-place random samplers: ``x.uniform_(a, b)``, ``normal_``, ``cauchy_``, ``exponential_``,
``geometric_`` and ``log_normal_`` overwrite x with draws from a distribution, in x's shape and dtype.

The draws come from minitorch's generator (minitorch/random.py; ``generator=`` picks another), so they are not
torch's, value for value; the distributions, the checks of the arguments (in torch's words and order) and the
bookkeeping are. Each sampler is an in-place op (ops/inplace.py): the version counter moves, a leaf that requires
grad refuses (``nn.init`` samples under ``no_grad``), and in a recorded graph the tensor's history becomes the
sampler's node (``UniformBackward0``, ...), whose VJP is zero: the new values do not depend on the old ones.
"""
import math
import numbers

import numpy as np

from .. import _dtype
from ..creation import _normal, _random_dtype, _uniform
from ..random import rng
from ..tensor import Tensor
from .inplace import apply_inplace
from .op import Op


class _Sampler(Op):
    """z = draws of a's shape and dtype (a's values are not read).   VJP: da = 0."""

    @classmethod
    def forward(cls, ctx, a, *params):
        return cls.draw(a, *params).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        return g * 0


def _unit(a, generator):
    """Uniform draws on [0, 1) in a's shape with as many random bits as a's dtype holds, as float64: a
    transformation of them rounded to a's dtype afterwards rounds once. (An integer tensor gets here only empty.)"""
    dtype = _dtype.from_numpy_dtype(a.dtype) if a.dtype.kind == "f" else _dtype.float64
    return _uniform(generator, a.shape, dtype).astype(np.float64)


def _standard_normal(a, generator):
    """Standard normal draws in a's shape: in float64 for float64, else in float32 (twice as fast)."""
    return _normal(generator, a.shape, _dtype.float64 if a.dtype == np.float64 else _dtype.float32)


class Uniform(_Sampler):
    """z ~ U[low, high):  low + (high - low) u,  u ~ U[0, 1)."""
    node_name = "UniformBackward0"

    @staticmethod
    def draw(a, low, high, generator):
        return low + (high - low) * _unit(a, generator)


class Normal(_Sampler):
    """z ~ N(mean, std²):  mean + std x,  x ~ N(0, 1)."""
    node_name = "NormalBackward0"

    @staticmethod
    def draw(a, mean, std, generator):
        return _standard_normal(a, generator) * std + mean


class LogNormal(_Sampler):
    """z = exp(y),  y ~ N(mean, std²)."""
    node_name = "LogNormalBackward0"

    @staticmethod
    def draw(a, mean, std, generator):
        return np.exp(_standard_normal(a, generator) * std + mean)


class Cauchy(_Sampler):
    """z ~ Cauchy(median, sigma):  median + sigma tan(π (u - ½)),  u ~ U[0, 1) (the inverse of the CDF
    ½ + atan((z - median) / sigma) / π)."""
    node_name = "CauchyBackward0"

    @staticmethod
    def draw(a, median, sigma, generator):
        return median + sigma * np.tan(math.pi * (_unit(a, generator) - 0.5))


class Exponential(_Sampler):
    """z ~ Exp(λ):  -log(1 - u) / λ,  u ~ U[0, 1) (the inverse of the CDF 1 - exp(-λz))."""
    node_name = "ExponentialBackward0"

    @staticmethod
    def draw(a, lambd, generator):
        return np.log1p(-_unit(a, generator)) / -lambd  # (so u = 0 gives +0, not -0)


class Geometric(_Sampler):
    """z ~ Geometric(p): the number of Bernoulli(p) trials up to and including the first success (1, 2, ...)."""
    node_name = "GeometricBackward0"

    @staticmethod
    def draw(a, p, generator):
        return rng(generator).geometric(p, a.shape)  # (int64; cast to a's dtype, wrapping as torch's does)


# -- the methods: torch's checks, then the in-place op --------------------------------------------------------
def _number(method, name, position, x):
    """A float argument as a Python float (a one-element tensor counts as its number), or torch's TypeError."""
    if isinstance(x, Tensor) and x.numel() == 1:
        x = x.item()
    if not isinstance(x, numbers.Real):
        raise TypeError(f"{method}(): argument '{name}' (position {position}) must be float, not {type(x).__name__}")
    return float(x)


def _check_continuous(self, distribution, c_names):
    """torch's refusal of an integer tensor for a continuous distribution (``c_names``: the type as C++ names it,
    else as torch's ScalarType does)."""
    if not self.dtype.is_floating_point:
        kind = self.dtype.cpp_name if c_names else self.dtype.scalar_name
        raise RuntimeError(f"{distribution} distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {kind}")


def uniform_(self, from_=0.0, to=1.0, *, generator=None, **kwargs):
    """Fill with draws of U[from, to). ``from`` is a Python keyword: ``x.uniform_(**{"from": a, "to": b})`` as in
    torch, or ``from_=``."""
    if "from" in kwargs:
        from_ = kwargs.pop("from")
    if kwargs:
        raise TypeError(f"uniform_() got an unexpected keyword argument '{next(iter(kwargs))}'")
    low, high = _number("uniform_", "from", 1, from_), _number("uniform_", "to", 2, to)
    _random_dtype(self.dtype, "check_uniform_bounds")  # even for an empty tensor (torch checks inside dispatch)
    info = np.finfo(self.dtype.np)
    for name, x in (("from", low), ("to", high)):
        if not float(info.min) <= x <= float(info.max):  # (nan too)
            raise RuntimeError(f"{name} is out of bounds for {self.dtype.cpp_name}")
    if low > high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={low:g} > to={high:g}")
    if high - low > float(info.max):
        raise RuntimeError(f"uniform_ expects to-from <= std::numeric_limits<{self.dtype.scalar_name}>::max(), but "
                           f"found to={high:g} and from={low:g} which result in to-from to exceed the limit")
    return apply_inplace(self, Uniform.apply, low, high, generator)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with draws of N(mean, std²)."""
    mean, std = _number("normal_", "mean", 1, mean), _number("normal_", "std", 2, std)
    if not std >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    if self.numel():  # torch's kernel refuses an integer tensor only when it has something to fill
        _random_dtype(self.dtype, "normal_kernel_cpu")
    return apply_inplace(self, Normal.apply, mean, std, generator)


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill with exp of draws of N(mean, std²)."""
    mean, std = _number("log_normal_", "mean", 1, mean), _number("log_normal_", "std", 2, std)
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    if self.numel():
        _random_dtype(self.dtype, "log_normal_cpu")
    return apply_inplace(self, LogNormal.apply, mean, std, generator)


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill with draws of the Cauchy distribution of ``median`` and half width ``sigma``."""
    median, sigma = _number("cauchy_", "median", 1, median), _number("cauchy_", "sigma", 2, sigma)
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}")
    _check_continuous(self, "Cauchy", c_names=True)  # (even for an empty tensor, as torch)
    return apply_inplace(self, Cauchy.apply, median, sigma, generator)


def exponential_(self, lambd=1.0, *, generator=None):
    """Fill with draws of the exponential distribution of rate ``lambd`` (mean 1 / lambd)."""
    lambd = _number("exponential_", "lambd", 1, lambd)
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    if self.numel():
        _check_continuous(self, "Exponential", c_names=False)
    return apply_inplace(self, Exponential.apply, lambd, generator)


def geometric_(self, p, *, generator=None):
    """Fill with draws of the geometric distribution: trials up to the first success of probability ``p``."""
    p = _number("geometric_", "p", 1, p)
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    if self.numel() and self.dtype is _dtype.bool_:  # integer tensors are fine: the draws are integers
        raise NotImplementedError("\"geometric_cpu\" not implemented for 'Bool'")
    return apply_inplace(self, Geometric.apply, p, generator)
