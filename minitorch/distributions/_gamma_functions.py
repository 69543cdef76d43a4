"""The Gamma-distribution machinery as minitorch ops: drawing Gamma(α, 1) and Dirichlet(α) with implicit
reparameterisation gradients. Gamma's CDF, P(α, x), is the op igamma (ops/pointwise/special.py).

Implicit reparameterisation: a Gamma draw x cannot be written as a smooth function of α and α-free noise,
but u = P(α, x) is such noise (uniform whatever α is). Holding u fixed, x moves with α as
dx/dα = -(∂P/∂α) / (∂P/∂x), the derivative of the inverse CDF; ∂P/∂x is the density.

P and ∂P/∂α come from the series of P (ops/pointwise/special.py's ``_series``, the op ``igamma``'s too).
"""
import numpy as np

from ..ops.op import Op
from ..tensor import _make
from ..ops.pointwise import special as _special
from ..ops.pointwise.special import _series, igamma as gammainc  # noqa: F401 (Gamma's cdf)
from ._sampling import draw


def _standard_gamma_grad(a, x):
    """dx/dα at a draw x of Gamma(α, 1): -(∂P/∂α) / density(x)."""
    _, dp = _series(a, x)
    with np.errstate(all="ignore"):
        log_density = (a - 1) * np.log(x) - x - _special._lgamma(np.asarray(a, np.float64)).reshape(np.shape(a))
        return -dp / np.exp(log_density)


class StandardGamma(Op):
    """x ~ Gamma(α, 1), drawn.   VJP: dα = g dx/dα (implicit reparameterisation, see the module's notes)."""
    node_name = "StandardGammaBackward0"

    @staticmethod
    def forward(ctx, alpha):
        # the smallest positive normal number at the least, as torch clamps (so that log x is finite)
        x = np.maximum(draw(lambda g: g.standard_gamma(alpha), _make(alpha))._data, np.finfo(alpha.dtype).tiny)
        ctx.save_for_backward(alpha, x)
        return x

    @staticmethod
    def backward(ctx, g):
        alpha, x = ctx.saved_tensors
        return g * StandardGammaGrad.apply(alpha, x)


class StandardGammaGrad(Op):
    """z = dx/dα of a Gamma(α, 1) draw x.   VJP: not implemented (as in torch)."""
    node_name = "StandardGammaGradBackward0"

    @staticmethod
    def forward(ctx, alpha, x):
        return _standard_gamma_grad(alpha, x).astype(x.dtype)

    @staticmethod
    def backward(ctx, g):
        raise NotImplementedError("the derivative for '_standard_gamma_grad' is not implemented.")


def standard_gamma(alpha):
    return StandardGamma.apply(alpha)


def _beta_series(a, b, x):
    """(I, ∂I/∂a, ∂I/∂b) for I = I_x(a, b), the Beta(a, b) CDF, by the series
    I = x^a (1-x)^b / (a B(a, b)) · Σₙ (a+b)ₙ/(a+1)ₙ xⁿ (all terms positive), differentiated term by term.
    Meant for x ≤ a/(a+b), where the terms shrink at once (callers use I_x(a, b) = 1 - I_(1-x)(b, a) beyond)."""
    with np.errstate(all="ignore"):
        digamma = lambda v: _special._digamma(v).reshape(v.shape)  # noqa: E731
        log_pref = (a * np.log(x) + b * np.log1p(-x) - np.log(a) - _special._lgamma(a) - _special._lgamma(b)
                    + _special._lgamma(a + b))
        dlog_pref_a = np.log(x) - 1 / a - digamma(a) + digamma(a + b)
        dlog_pref_b = np.log1p(-x) - digamma(b) + digamma(a + b)
        term = np.ones_like(x)  # the n-th term of the sum, and the derivatives of its log in a and b
        dterm_a, dterm_b = np.zeros_like(x), np.zeros_like(x)
        s, ds_a, ds_b = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
        n = 0
        while True:
            s += term
            ds_a += term * dterm_a
            ds_b += term * dterm_b
            if np.all(term <= 1e-17 * s) or n > 100000:
                break
            term = term * (a + b + n) / (a + 1 + n) * x
            dterm_a = dterm_a + 1 / (a + b + n) - 1 / (a + 1 + n)
            dterm_b = dterm_b + 1 / (a + b + n)
            n += 1
        pref = np.exp(log_pref)
        return pref * s, pref * (ds_a + dlog_pref_a * s), pref * (ds_b + dlog_pref_b * s)


def _dirichlet_grad(x, alpha, total):
    """torch's _dirichlet_grad: for each xᵢ of a Dirichlet draw, dxᵢ/dαᵢ of its marginal Beta(αᵢ, T - αᵢ) with
    the second parameter held fixed, -(∂I/∂αᵢ) / density (I the marginal's CDF), divided by 1 - xᵢ; _Dirichlet's
    VJP multiplies it back in through g - Σⱼ xⱼ gⱼ (the other components give way as xᵢ grows)."""
    x, alpha, total = np.broadcast_arrays(*(np.asarray(v, np.float64) for v in (x, alpha, total)))
    beta = total - alpha
    flip = x > alpha / total  # beyond the mean: I_x(a, b) = 1 - I_(1-x)(b, a), so ∂I/∂a = -∂/∂b of that
    _, d_a, _ = _beta_series(alpha, beta, np.where(flip, 0.5, x))
    _, _, d_b = _beta_series(beta, alpha, np.where(flip, 1 - x, 0.5))
    dI = np.where(flip, -d_b, d_a)
    with np.errstate(all="ignore"):
        log_density = ((alpha - 1) * np.log(x) + (beta - 1) * np.log1p(-x) + _special._lgamma(total)
                       - _special._lgamma(alpha) - _special._lgamma(beta))
        return -dI / np.exp(log_density) / (1 - x)


class DirichletSample(Op):
    """x ~ Dirichlet(α), drawn (Gammas normalised).   VJP: dα = D (g - Σⱼ xⱼ gⱼ), D = _dirichlet_grad(x, α, Σα):
    implicit reparameterisation through each component's marginal Beta CDF, as torch's _Dirichlet."""
    node_name = "_DirichletBackward"

    @staticmethod
    def forward(ctx, alpha):
        gammas = draw(lambda g: g.standard_gamma(alpha), _make(alpha))._data
        with np.errstate(all="ignore"):
            x = np.maximum(gammas / gammas.sum(-1, keepdims=True), np.finfo(alpha.dtype).tiny)
        ctx.save_for_backward(alpha, x)
        return x

    @staticmethod
    def backward(ctx, g):
        alpha, x = ctx.saved_tensors
        a = alpha._data  # D is computed here, not in forward: sample() (no grad) never needs it
        D = _make(_dirichlet_grad(x._data, a, a.sum(-1, keepdims=True)).astype(x._data.dtype))
        return D * (g - (x * g).sum(-1, keepdim=True))


def sample_dirichlet(alpha):
    return DirichletSample.apply(alpha)
