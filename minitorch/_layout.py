"""Memory layouts (torch.layout): ``strided``, the dense layout of every ordinary tensor, and ``sparse_coo``, the
coordinate format of minitorch/sparse/ (indices and values of the nonzero entries)."""


class layout:
    """torch.layout: compared by identity, printed as ``torch.strided``."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return self.name  # pickled as the module-level name, so it unpickles as the same object


strided = layout("strided")
sparse_coo = layout("sparse_coo")
