"""torch.nn.functional: the layers' computations as plain functions (``F.relu(x)``, ``F.cross_entropy``)."""
from .linear import linear
from .activation import (relu, relu_, sigmoid, tanh, leaky_relu, leaky_relu_, hardtanh, hardtanh_, relu6, elu,
                         elu_, selu, gelu, silu, softplus, logsigmoid, softmax, softmin, log_softmax)
from .loss import (mse_loss, l1_loss, nll_loss, cross_entropy, binary_cross_entropy,
                   binary_cross_entropy_with_logits)
