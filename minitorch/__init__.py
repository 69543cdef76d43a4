"""minitorch: PyTorch's tensors and autograd, re-implemented in NumPy to be read.

Use it like torch: ``import minitorch as torch``.
"""
from . import _dtype
from ._dtype import (dtype, bool_ as bool, uint8, int8, int16, int32, int64, float16, float32, float64,
                     get_default_dtype, set_default_dtype, promote_types)
from ._device import device, set_default_device, get_default_device
from ._size import Size, broadcast_shapes
from .tensor import Tensor
from ._legacy_types import (FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor,
                            ByteTensor, BoolTensor)
from . import autograd
from .autograd import (no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled,
                       is_inference_mode_enabled)
from .autograd.anomaly_mode import is_anomaly_enabled, is_anomaly_check_nan_enabled, set_anomaly_enabled
from . import ops as _ops
from .creation import (tensor, as_tensor, from_numpy, zeros, ones, empty, full, eye, arange, linspace, logspace,
                       rand, randn, randint, randperm, normal, bernoulli, multinomial, zeros_like, ones_like,
                       empty_like, full_like, rand_like, randn_like, randint_like)
# -- factories with a layout asked for, and scalar_tensor (creation.py)
from .creation import scalar_tensor, empty_strided, empty_permuted
from .random import Generator, manual_seed, seed, initial_seed, get_rng_state, set_rng_state, default_generator
from . import cuda
from . import backends
from . import accelerator
from . import optim
from . import utils
from .utils.dlpack import from_dlpack
from .serialization import save, load
# -- seed 000 modules: sparse COO tensors (minitorch/sparse/), their layouts -------------------------------------
from ._layout import layout, strided, sparse_coo
from . import sparse
from .sparse import sparse_coo_tensor
from ._tensor_str import set_printoptions
from . import nn
from . import distributions
# -- torch.masked: reductions and normalizations under a boolean mask (minitorch/masked/)
from . import masked
# tools: jit.trace (a dynamic graph recorded as a static one) and the profiler (as torch.profiler)
from . import jit
from . import profiler
# -- resampling: torch's top-level grid samplers (nn/functional/grid.py)
from .nn.functional.grid import grid_sampler, grid_sampler_2d, grid_sampler_3d, affine_grid_generator
# -- the remaining OpInfo ops (native lane): torch's native_* normalizations and constant_pad_nd (nn/functional/)
from .nn.functional.normalization import native_layer_norm, native_batch_norm, native_group_norm
from .nn.functional.padding import constant_pad_nd
# function transforms: grad, vjp, jvp, jacrev, jacfwd, hessian, functional_call (as torch.func)
from . import func
# -- torch.special: special functions and their other names (special/__init__.py)
from . import special
# -- signal windows (minitorch/signal/): torch.signal.windows.hann, kaiser, ...
from . import signal

half, float, double = float16, float32, float64
short, int, long = int16, int32, int64

globals().update({k: v for k, v in _ops.FUNCTIONS.items() if k not in globals() or k in ("sum", "max", "min", "abs", "pow", "round", "all", "any")})

__version__ = "0.1.0"


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(input):
    return input.numel()


def is_floating_point(input):
    return input.is_floating_point()


def __getattr__(name):
    """``minitorch.viz`` (learner tools: print_graph, draw_graph) is imported on first use."""
    if name == "viz":
        import importlib
        return importlib.import_module(".viz", __name__)
    raise AttributeError(f"module 'minitorch' has no attribute '{name}'")
