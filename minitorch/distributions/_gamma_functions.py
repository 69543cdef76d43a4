"""The Gamma-distribution machinery as minitorch ops: drawing Gamma(α, 1) with implicit reparameterisation
gradients, and the regularised lower incomplete gamma function P(α, x) (Gamma's CDF).

Implicit reparameterisation: a Gamma draw x cannot be written as a smooth function of α and α-free noise,
but u = P(α, x) is such noise (uniform whatever α is). Holding u fixed, x moves with α as
dx/dα = -(∂P/∂α) / (∂P/∂x), the derivative of the inverse CDF; ∂P/∂x is the density.

P and ∂P/∂α come from the series P(α, x) = Σₙ tₙ, tₙ = x^(α+n) e^(-x) / Γ(α+n+1), whose terms are
differentiated one by one: ∂tₙ/∂α = tₙ (ln x - ψ(α+n+1)). It converges for every x; the terms peak near
n = x - α, so it is summed until past there and small. Exact to ~1e-13 where P and ∂P/∂α are not tiny.
"""
import numpy as np

from ..ops.op import Op
from ..tensor import _make
from . import _special
from ._sampling import draw


def _series(a, x):
    """(P(a, x), ∂P/∂a) by the series above, in float64, elementwise over broadcast a and x > 0."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    with np.errstate(all="ignore"):
        log_x = np.log(x)
        log_t = a * log_x - x - _special._lgamma(a + 1)  # log t₀
        psi = _special._digamma(a + 1).reshape(a.shape)  # ψ(a+n+1), moved along by ψ(z+1) = ψ(z) + 1/z
        p, dp = np.zeros_like(x), np.zeros_like(x)
        n = 0
        while True:
            t = np.exp(log_t)
            p += t
            dp += t * (log_x - psi)
            n += 1
            past_peak = a + n > x
            if np.all(((t <= 1e-17 * p) & past_peak) | (x <= 0) | ~np.isfinite(t)) or n > 100000:
                break
            log_t = log_t + log_x - np.log(a + n)
            psi = psi + 1 / (a + n)
        return np.where(x <= 0, 0.0, p), np.where(x <= 0, 0.0, dp)


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


class Igamma(Op):
    """z = P(α, x) = γ(α, x)/Γ(α), the regularised lower incomplete gamma function.
    VJP: dx = g x^(α-1) e^(-x) / Γ(α); dα is not implemented (as in torch)."""
    node_name = "IgammaBackward0"
    promotes = True

    @staticmethod
    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        a64, x64 = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
        finite = (a64 > 0) & (x64 > 0) & np.isfinite(a64) & np.isfinite(x64)
        p, _ = _series(np.where(finite, a64, 1.0), np.where(finite, x64, 1.0))
        # the edges as torch: NaN outside a, x ≥ 0 and at (0, 0); 0 at x = 0 or a = ∞; 1 at a = 0 or x = ∞
        edge = np.where((a64 == 0) | (x64 == np.inf), 1.0, 0.0)
        edge = np.where((a64 < 0) | (x64 < 0) | ((a64 == 0) & (x64 == 0)) | np.isnan(a64) | np.isnan(x64)
                        | ((a64 == np.inf) & (x64 == np.inf)), np.nan, edge)
        return np.where(finite, p, edge).astype(np.result_type(a.dtype, x.dtype))

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'igamma: input' is not implemented.")
        return None, g * ((a - 1) * x.log() - x - _special.lgamma(a)).exp()


def gammainc(input, other):
    return Igamma.apply(input, other)
