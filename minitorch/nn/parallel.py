"""DataParallel: in torch it splits each batch across GPUs, runs a replica of the module on each and
gathers the outputs. minitorch computes on the CPU only, where torch's DataParallel simply calls the
wrapped module; so does this one. Code written for several GPUs runs unchanged (``.module`` holds the
model, and state_dict keys start with ``module.``)."""
from .modules.module import Module


class DataParallel(Module):
    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids = []  # no GPU: torch ignores the ids it was given and keeps none

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)
