"""torch.signal: signal-processing helpers. ``windows`` holds the window functions (tapers for spectral analysis
and filter design)."""
from . import windows  # noqa: F401
