"""torch.nn: Module and Parameter, the layers, their functional forms (``nn.functional``), weight
initialisation (``nn.init``) and DataParallel."""
from .parameter import Parameter
from .modules import *  # noqa: F401,F403
from . import functional, init, utils
from .parallel import DataParallel
