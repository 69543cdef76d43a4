"""minitorch.cuda answers as torch does without a GPU (the reference torch here: a CUDA build on a machine with
no NVIDIA driver): what only asks says False, 0 or empty, what would start CUDA raises torch's error, seeding is
silently nothing. Each call is made in both and compared: return value, or exception type and message."""
import pytest
import torch

import minitorch
from harness import error_of

pytestmark = pytest.mark.skipif(torch.cuda.is_available(), reason="compares with torch on a machine without a GPU")

CALLS = {
    "is_available()": lambda c: c.is_available(),
    "device_count()": lambda c: c.device_count(),
    "is_initialized()": lambda c: c.is_initialized(),
    "is_bf16_supported()": lambda c: c.is_bf16_supported(),
    "empty_cache()": lambda c: c.empty_cache(),
    "manual_seed(1)": lambda c: c.manual_seed(1),
    "manual_seed_all(1)": lambda c: c.manual_seed_all(1),
    "manual_seed('a')": lambda c: c.manual_seed("a"),
    "seed()": lambda c: c.seed(),
    "seed_all()": lambda c: c.seed_all(),
    "memory_allocated()": lambda c: c.memory_allocated(),
    "memory_allocated(0)": lambda c: c.memory_allocated(0),
    "memory_allocated('cpu')": lambda c: c.memory_allocated("cpu"),
    "max_memory_allocated()": lambda c: c.max_memory_allocated(),
    "memory_reserved()": lambda c: c.memory_reserved(),
    "max_memory_reserved('cuda:0')": lambda c: c.max_memory_reserved("cuda:0"),
    "memory_stats()": lambda c: dict(c.memory_stats()),
    "get_rng_state_all()": lambda c: c.get_rng_state_all(),
    "synchronize()": lambda c: c.synchronize(),
    "synchronize('cpu')": lambda c: c.synchronize("cpu"),
    "init()": lambda c: c.init(),
    "current_device()": lambda c: c.current_device(),
    "set_device(0)": lambda c: c.set_device(0),
    "set_device('cuda:1')": lambda c: c.set_device("cuda:1"),
    "set_device(-1)": lambda c: c.set_device(-1),
    "set_device('cuda')": lambda c: c.set_device("cuda"),
    "set_device('cpu')": lambda c: c.set_device("cpu"),
    "set_device(None)": lambda c: c.set_device(None),
    "set_device(1.5)": lambda c: c.set_device(1.5),
    "get_device_name()": lambda c: c.get_device_name(),
    "get_device_name(0)": lambda c: c.get_device_name(0),
    "get_device_capability()": lambda c: c.get_device_capability(),
    "get_device_properties(0)": lambda c: c.get_device_properties(0),
    "mem_get_info()": lambda c: c.mem_get_info(),
    "initial_seed()": lambda c: c.initial_seed(),
    "get_rng_state()": lambda c: c.get_rng_state(),
    "current_stream()": lambda c: c.current_stream(),
    "default_stream()": lambda c: c.default_stream(),
    "reset_peak_memory_stats()": lambda c: c.reset_peak_memory_stats(),
    "reset_peak_memory_stats('cpu')": lambda c: c.reset_peak_memory_stats("cpu"),
    "device('cpu')": lambda c: c.device("cpu"),
    "with device(-1)": lambda c: _enter(c.device(-1)),
    "with device(0)": lambda c: _enter(c.device(0)),
    "with device(None)": lambda c: _enter(c.device(None)),
    "device(0).idx": lambda c: c.device(0).idx,
    "Event()": lambda c: repr(c.Event()),
    "Event(enable_timing=True).query()": lambda c: c.Event(enable_timing=True).query(),
    "Event().synchronize()": lambda c: c.Event().synchronize(),
    "Event().record()": lambda c: c.Event().record(),
}


def _enter(context):
    with context:
        return "entered"


@pytest.mark.parametrize("name", CALLS)
def test_as_torch_without_a_gpu(name):
    theirs, mine = [], []
    their_error = error_of(lambda: theirs.append(CALLS[name](torch.cuda)))
    my_error = error_of(lambda: mine.append(CALLS[name](minitorch.cuda)))
    assert my_error == their_error
    assert mine == theirs


def test_the_blitz_branch_takes_the_cpu_path():
    device = minitorch.device("cuda:0" if minitorch.cuda.is_available() else "cpu")
    assert minitorch.ones(2, device=device).device == minitorch.device("cpu")
