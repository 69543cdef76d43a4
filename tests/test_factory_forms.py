"""The calling forms of torch's factories that the tutorials use, compared with torch: the shape as ``size=``,
``out=``, every ``randint`` form, the default device, and ``torch.backends`` answering as a CPU-only build."""
import pytest
import torch

import minitorch

ENGINES = [torch, minitorch]


def _outcome(lib, make):
    """What ``make(lib)`` gives: (shape, dtype name, requires_grad, values if not random) or the error."""
    try:
        t = make(lib)
    except Exception as e:  # the error itself is the outcome to compare
        return type(e).__name__, str(e).split("\n")[0]
    return tuple(t.shape), str(t.dtype), t.requires_grad


FORMS = {
    "zeros size=": lambda lib: lib.zeros(size=(2, 3)),
    "ones size= list": lambda lib: lib.ones(size=[4]),
    "empty size=": lambda lib: lib.empty(size=(1, 2)),
    "rand size=": lambda lib: lib.rand(size=(2, 3)),
    "randn size= dtype": lambda lib: lib.randn(size=(2,), dtype=lib.float64),
    "rand size= and positional": lambda lib: lib.rand(2, size=(3,)),
    "randint high, size=": lambda lib: lib.randint(10, size=(3,)),
    "randint high=, size=": lambda lib: lib.randint(high=10, size=(2, 2)),
    "randint low=, high=, size=": lambda lib: lib.randint(low=3, high=10, size=(2,)),
    "randint low high size": lambda lib: lib.randint(3, 10, (2,)),
    "randint dtype": lambda lib: lib.randint(10, (2,), dtype=lib.int32),
    "randint empty range": lambda lib: lib.randint(3, 3, (2,)),
    "rand out=": lambda lib: lib.rand(2, out=lib.empty(3)),
    "rand out= float64": lambda lib: lib.rand(2, 2, out=lib.empty(1, dtype=lib.float64)),
    "zeros out= int64": lambda lib: lib.zeros(2, out=lib.empty(3, dtype=lib.int64)),
    "zeros dtype differs from out": lambda lib: lib.zeros(2, dtype=lib.float64, out=lib.empty(3)),
    "zeros out= requires_grad=True": lambda lib: lib.zeros(2, out=lib.empty(2), requires_grad=True),
    "zeros out= that requires grad": lambda lib: lib.zeros(2, out=lib.ones(2, requires_grad=True)),
    "randn out= int64": lambda lib: lib.randn(2, out=lib.empty(2, dtype=lib.int64)),
    "randint out= int32": lambda lib: lib.randint(5, (2,), out=lib.empty(2, dtype=lib.int32)),
    "randint dtype differs from out": lambda lib: lib.randint(3, (2,), dtype=lib.int32,
                                                              out=lib.empty(2, dtype=lib.int64)),
    "full out= int32": lambda lib: lib.full((2,), 3, out=lib.empty(1, dtype=lib.int32)),
    "arange out=": lambda lib: lib.arange(3, out=lib.empty(3)),
    "eye out=": lambda lib: lib.eye(2, out=lib.empty(1)),
    "linspace out= float64": lambda lib: lib.linspace(0, 1, 3, out=lib.empty(3, dtype=lib.float64)),
    "randperm out=": lambda lib: lib.randperm(3, out=lib.empty(1, dtype=lib.int64)),
}


@pytest.mark.parametrize("form", FORMS)
def test_factory_form_as_torch(form):
    assert _outcome(minitorch, FORMS[form]) == _outcome(torch, FORMS[form])


@pytest.mark.parametrize("make", [
    lambda lib, out: lib.zeros(2, 2, out=out), lambda lib, out: lib.full((3,), 7, out=out),
    lambda lib, out: lib.arange(1, 4, out=out), lambda lib, out: lib.linspace(0, 1, 5, out=out),
    lambda lib, out: lib.eye(3, out=out)])
def test_out_is_written_and_returned(make):
    """out= writes the values into ``out`` itself (resized) and returns it."""
    results = []
    for lib in ENGINES:
        out = lib.empty(1, dtype=lib.float64)
        r = make(lib, out)
        assert r is out
        results.append(out.tolist())
    assert results[0] == results[1]


def test_out_keeps_the_random_stream():
    """rand(out=) draws the same numbers as rand() from the same seed (only where they go differs)."""
    minitorch.manual_seed(3)
    a = minitorch.rand(4)
    minitorch.manual_seed(3)
    b = minitorch.rand(4, out=minitorch.empty(4))
    assert a.tolist() == b.tolist()


def test_randint_forms_draw_in_range():
    for t in (minitorch.randint(10, size=(200,)), minitorch.randint(high=10, size=(200,)),
              minitorch.randint(low=3, high=5, size=(200,))):
        assert t.dtype == minitorch.int64
    assert 0 <= minitorch.randint(10, size=(200,)).min().item() and minitorch.randint(10, size=(200,)).max() < 10
    assert set(minitorch.randint(low=3, high=5, size=(200,)).tolist()) == {3, 4}


def test_default_device():
    """set_default_device/get_default_device as torch's: the CPU by default; a CUDA default makes factories
    fail (as in a CPU-only torch build), while .to(dtype) and Tensor methods keep working; None resets."""
    assert minitorch.get_default_device() == minitorch.device("cpu")
    assert str(minitorch.get_default_device()) == str(torch.get_default_device())
    x = minitorch.ones(2)
    minitorch.set_default_device("cuda")
    try:
        assert minitorch.get_default_device().type == "cuda"
        with pytest.raises(RuntimeError, match="no CUDA tensors"):
            minitorch.zeros(2)
        with pytest.raises(RuntimeError, match="no CUDA tensors"):
            minitorch.tensor([1.0])
        assert minitorch.zeros(2, device="cpu").tolist() == [0.0, 0.0]  # an explicit device wins
        assert x.to(minitorch.float64).dtype == minitorch.float64
    finally:
        minitorch.set_default_device(None)
    assert minitorch.get_default_device() == minitorch.device("cpu")
    minitorch.set_default_device("cpu")
    assert minitorch.zeros(1).device == minitorch.device("cpu")
    minitorch.set_default_device(None)


def test_backends_answer_as_a_cpu_only_build():
    """The tutorials' device pick: cuda if available, else mps if available, else cpu - cpu here."""
    b = minitorch.backends
    assert b.mps.is_available() is False and b.mps.is_built() is False
    assert b.cuda.is_built() is False
    assert b.cudnn.is_available() is False and b.cudnn.version() is None
    # the flags programs set exist, with torch's defaults
    assert (b.cudnn.enabled, b.cudnn.benchmark, b.cudnn.deterministic) == \
        (torch.backends.cudnn.enabled, torch.backends.cudnn.benchmark, torch.backends.cudnn.deterministic)
    assert b.cuda.matmul.allow_tf32 == torch.backends.cuda.matmul.allow_tf32
    device = ("cuda" if minitorch.cuda.is_available() else "mps" if b.mps.is_available() else "cpu")
    assert device == "cpu"
    import minitorch.backends.mps as mps_module  # importable as modules, as torch's
    assert mps_module.is_available() is False


def test_accelerator_answers_as_a_cpu_only_build():
    """torch.accelerator: no accelerator. torch's own answer for current_accelerator() depends on the wheel (a
    CUDA-built wheel says 'cuda' even without a GPU; a CPU-only wheel says None): minitorch is CPU-only."""
    acc = minitorch.accelerator
    assert acc.is_available() is False and acc.is_available() == torch.accelerator.is_available()
    assert acc.device_count() == 0 == torch.accelerator.device_count()
    assert acc.current_accelerator() is None and acc.current_accelerator(check_available=True) is None
    assert torch.accelerator.current_accelerator(check_available=True) is None
    # the pick the "Learning PyTorch with Examples" programs make
    for lib in (minitorch, torch):
        device = lib.accelerator.current_accelerator().type if lib.accelerator.is_available() else "cpu"
        assert device == "cpu"
    import minitorch.accelerator as module  # importable as a module, as torch's
    assert module.is_available is acc.is_available
