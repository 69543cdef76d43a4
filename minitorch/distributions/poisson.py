"""The Poisson distribution: counts of events that happen at rate λ."""
from ..autograd import grad_mode
from . import constraints
from ._sampling import draw
from ..ops.pointwise.special import lgamma, xlogy
from .distribution import Distribution
from .utils import _Number, broadcast_all


class Poisson(Distribution):
    """P(k) = λᵏ e^(-λ) / k! for k = 0, 1, 2, ..."""
    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate, validate_args=None):
        self.rate, = broadcast_all(rate)
        super().__init__(() if isinstance(rate, _Number) else self.rate.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded(Poisson, batch_shape, ("rate",), _instance)

    @property
    def mean(self):
        return self.rate

    @property
    def mode(self):
        return self.rate.floor()

    @property
    def variance(self):
        return self.rate

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        with grad_mode.no_grad():
            rate = self.rate.expand(shape)._data
            return draw(lambda g: g.poisson(rate), self.rate)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return xlogy(value, rate) - rate - lgamma(value + 1)
