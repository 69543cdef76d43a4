"""Dropout layers: active in training mode only (``model.train()``), the identity after ``model.eval()``."""
from ..functional.dropout import dropout, dropout2d
from .module import Module


class _DropoutNd(Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero each element with probability p and scale the rest by 1/(1-p)."""

    def forward(self, input):
        return dropout(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zero whole channels (feature maps) with probability p and scale the rest by 1/(1-p)."""

    def forward(self, input):
        return dropout2d(input, self.p, self.training, self.inplace)
