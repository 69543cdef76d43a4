"""torch.nn: Module and Parameter, the layers, their functional forms (``nn.functional``), weight
initialisation (``nn.init``) and DataParallel."""
from .parameter import Parameter
from .modules import *  # noqa: F401,F403
from . import functional, init, utils
from .parallel import DataParallel
# -- the remaining OpInfo ops (native lane): the options of F.linear_cross_entropy's chunked path
from .functional.linear_cross_entropy import LinearCrossEntropyOptions
