"""PairwiseDistance and CosineSimilarity: layers over nn.functional.distance."""
from ..functional.distance import cosine_similarity, pairwise_distance
from .module import Module


class PairwiseDistance(Module):
    """‖x1 - x2 + ε‖_p along the last dim. (torch keeps p as the attribute ``norm``.)"""

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1, x2):
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    """The cosine of the angle between x1 and x2 along ``dim``."""

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        return cosine_similarity(x1, x2, self.dim, self.eps)
