"""Moving weights between torch and minitorch, so both engines can start from identical parameters.

``to_minitorch(torch_state_dict)`` copies each tensor's values (float32 stays float32); ``to_torch`` goes
back. ``copy_weights(torch_module, minitorch_module)`` loads torch's initial weights into the minitorch
twin of a network - how reference/ makes both engines train the same model.
"""
from collections import OrderedDict

import numpy as np
import torch

import minitorch


def to_minitorch(state_dict):
    """A torch state_dict (or any mapping of tensors) as a minitorch one, values copied."""
    return OrderedDict((k, minitorch.from_numpy(v.detach().cpu().numpy().copy()) if torch.is_tensor(v) else v)
                       for k, v in state_dict.items())


def to_torch(state_dict, device="cpu"):
    """A minitorch state_dict as a torch one, values copied (onto ``device``)."""
    return OrderedDict((k, torch.from_numpy(np.array(v.detach().numpy())).to(device)
                        if isinstance(v, minitorch.Tensor) else v) for k, v in state_dict.items())


def copy_weights(torch_module, minitorch_module):
    """Load ``torch_module``'s parameters and buffers into ``minitorch_module`` (same architecture)."""
    minitorch_module.load_state_dict(to_minitorch(torch_module.state_dict()))
    return minitorch_module
