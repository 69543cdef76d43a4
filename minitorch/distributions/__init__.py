"""torch.distributions: probability distributions with sampling, log densities and KL divergences.

Each distribution keeps its parameters as Tensors, so ``log_prob`` (and ``rsample``, where the draw can be
written as a differentiable function of the parameters and parameter-free noise) join the autograd graph:
``-dist.log_prob(action) * reward`` is the REINFORCE loss, ``dist.rsample()`` the reparameterisation trick.

One module per distribution, as torch's; ``constraints`` holds the sets the parameters and values live in,
``kl`` the closed-form KL divergences, and ``_gamma_functions`` the ops they need that minitorch's core lacks
(Gamma and Dirichlet draws with implicit reparameterisation gradients). The Cholesky factor and the triangular
solves are minitorch's linalg ops (ops/linalg_cholesky.py, ops/linalg_solve.py), and the special functions
lgamma, digamma, polygamma, erfinv and xlogy minitorch ops too (ops/pointwise/special.py).
"""
from . import constraints
from .bernoulli import Bernoulli
from .beta import Beta
from .binomial import Binomial
from .categorical import Categorical
from .dirichlet import Dirichlet
from .distribution import Distribution
from .exponential import Exponential
from .gamma import Gamma
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .one_hot_categorical import OneHotCategorical
from .poisson import Poisson
from .uniform import Uniform

__all__ = ["Bernoulli", "Beta", "Binomial", "Categorical", "Dirichlet", "Distribution", "Exponential", "Gamma",
           "Independent", "Laplace", "MultivariateNormal", "Normal", "OneHotCategorical", "Poisson", "Uniform",
           "constraints", "kl_divergence", "register_kl"]
