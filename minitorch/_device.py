"""Devices. The NumPy engine computes on the CPU only; CUDA lives in reference/ (real PyTorch)."""
import enum
import re

CUDA_ERROR = ("minitorch computes with NumPy on the CPU and has no CUDA tensors. To run on a GPU, use the "
              "reference engine (real PyTorch): python -m reference --device cuda")
# What torch says when something would start CUDA on a machine without a GPU (torch.cuda.synchronize(), ...)
NO_DRIVER = ("Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a "
             "driver from http://www.nvidia.com/Download/index.aspx")


class DLDeviceType(enum.IntEnum):
    """The device types of the DLPack standard (torch.utils.dlpack.DLDeviceType): ``__dlpack_device__`` of a
    tensor answers ``(DLDeviceType.kDLCPU, 0)``."""
    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLOpenCL = 4
    kDLVulkan = 7
    kDLMetal = 8
    kDLVPI = 9
    kDLROCM = 10
    kDLROCMHost = 11
    kDLExtDev = 12
    kDLCUDAManaged = 13
    kDLOneAPI = 14
    kDLWebGPU = 15
    kDLHexagon = 16
    kDLMAIA = 17


_DEVICE_STRING = re.compile(r"([a-zA-Z_]+)(?::([1-9][0-9]*|0))?")


class device:
    """torch.device: ``device('cpu')``, ``device('cuda:0')``, ``device('cuda', 0)``."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif index is None:  # a string "type" or "type:index", parsed as torch parses it
            parsed = _DEVICE_STRING.fullmatch(type)
            if parsed is None:  # "float32" (a dtype meant for .to()), "cuda0", "cuda:x"
                raise RuntimeError(f"Invalid device string: '{type}'")
            type, index = parsed[1], None if parsed[2] is None else int(parsed[2])
        if type not in ("cpu", "cuda", "meta", "mps"):
            raise RuntimeError(
                f"Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, "
                f"lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device string: {type}")
        self.type = type
        self.index = index

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):  # like torch, a device never equals a string
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))


CPU = device("cpu")


_default = [CPU]  # torch.set_default_device: where factories put tensors when no device= is given


def set_default_device(device_):
    """``torch.set_default_device``: the device of tensors made without ``device=`` (None: the CPU). Any
    device torch knows is accepted here; one minitorch lacks fails when a tensor is made, as in a
    CPU-only torch build."""
    _default[0] = CPU if device_ is None else device(device_) if not isinstance(device_, device) else device_


def get_default_device():
    """``torch.get_default_device``: the device set by ``set_default_device`` (the CPU unless set)."""
    return _default[0]


def check_device(d):
    """Accept what torch accepts for a device; raise a clear error for anything but the CPU."""
    if d is None:
        return CPU
    d = device(d) if not isinstance(d, device) else d
    if d.type != "cpu":
        raise RuntimeError(f"{CUDA_ERROR} (asked for device '{d}')")
    return CPU


def check_factory_device(d):
    """``check_device`` for a factory (``zeros``, ``rand``, ``tensor``, ...): without ``device=`` the
    tensor goes to the default device (``set_default_device``)."""
    return check_device(_default[0] if d is None else d)
