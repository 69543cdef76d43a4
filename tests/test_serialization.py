"""save/load: round trips, torch.save files read without unpickling code, hostile and truncated files."""
import io
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch

import minitorch


def test_roundtrip_nested_structures(tmp_path):
    obj = {"a": minitorch.randn(3, 4), "b": [minitorch.arange(5), (1, 2.5, "x", None, True)],
           "c": OrderedDict([("k", minitorch.ones(2, dtype=minitorch.float64).requires_grad_())]), 7: "int key",
           "dt": minitorch.float16, "scalar": minitorch.tensor(3.5)}
    path = tmp_path / "obj.pt"
    minitorch.save(obj, path)
    back = minitorch.load(path)
    assert set(back) == set(obj) and isinstance(back["c"], OrderedDict) and back[7] == "int key"
    np.testing.assert_array_equal(back["a"].numpy(), obj["a"].numpy())
    assert back["b"][0].dtype == minitorch.int64 and back["b"][1] == (1, 2.5, "x", None, True)
    assert back["c"]["k"].requires_grad and back["c"]["k"].dtype == minitorch.float64
    assert back["dt"] is minitorch.float16 and back["scalar"].item() == 3.5 and back["scalar"].shape == ()


def test_non_contiguous_tensor_and_file_object():
    t = minitorch.from_numpy(np.arange(12.0).reshape(3, 4)).T
    buffer = io.BytesIO()
    minitorch.save(t, buffer)
    buffer.seek(0)
    np.testing.assert_array_equal(minitorch.load(buffer).numpy(), t.numpy())


def test_optimizer_state_roundtrip(tmp_path):
    p = minitorch.ones(3, requires_grad=True)
    opt = minitorch.optim.Adam([p], lr=0.1)
    p.grad = minitorch.ones(3)
    opt.step()
    minitorch.save(opt.state_dict(), tmp_path / "opt.pt")
    q = minitorch.ones(3, requires_grad=True)
    opt2 = minitorch.optim.Adam([q], lr=0.5)
    opt2.load_state_dict(minitorch.load(tmp_path / "opt.pt"))
    assert opt2.param_groups[0]["lr"] == 0.1
    np.testing.assert_array_equal(opt2.state[q]["exp_avg"].numpy(), opt.state[p]["exp_avg"].numpy())


def test_reads_torch_save_state_dict(tmp_path):
    sd = OrderedDict([("w", torch.randn(2, 3)), ("b", torch.arange(3)), ("t", torch.randn(4, 5).t()),
                      ("h", torch.ones(2, dtype=torch.float16)), ("m", torch.tensor([True, False])),
                      ("s", torch.tensor(2.5)), ("sliced", torch.arange(10.0)[2:8:2])])
    torch.save(sd, tmp_path / "torch.pth")
    back = minitorch.load(tmp_path / "torch.pth")
    assert list(back) == list(sd)
    for k in sd:
        np.testing.assert_array_equal(back[k].numpy(), sd[k].numpy())
        assert str(back[k].dtype) == str(sd[k].dtype)


def test_minitorch_file_is_not_torch_pickle_but_data_roundtrips(tmp_path):
    minitorch.save({"w": minitorch.ones(2)}, tmp_path / "m.pt")
    assert "structure.json" in zipfile.ZipFile(tmp_path / "m.pt").namelist()


def test_hostile_torch_file_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))
    path = tmp_path / "evil.pth"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("evil/data.pkl", pickle.dumps({"w": Evil()}, protocol=2))
    with pytest.raises(minitorch.serialization.UnpicklingError, match="refusing to load posix.system"):
        minitorch.load(path)
    assert not marker.exists()


def test_truncated_and_garbage_files(tmp_path):
    path = tmp_path / "m.pt"
    minitorch.save({"w": minitorch.ones(100)}, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(minitorch.serialization.UnpicklingError, match="truncated"):
        minitorch.load(path)
    path.write_bytes(b"hello")
    with pytest.raises(minitorch.serialization.UnpicklingError, match="not a minitorch or torch save file"):
        minitorch.load(path)
    with pytest.raises(FileNotFoundError):
        minitorch.load(tmp_path / "missing.pt")


def _saved(lib, obj):
    buffer = io.BytesIO()
    lib.save(obj, buffer)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("lib", [minitorch, torch], ids=["minitorch", "torch"])
def test_whole_module_is_pickled_and_loads_only_when_trusted(lib):
    """save(model) pickles the module, as torch does; load refuses it by default (weights_only=True: unpickling
    could run code) with torch's message, and reads it back with weights_only=False."""
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.ReLU())
    with pytest.raises(Exception) as refused:
        lib.load(_saved(lib, model))
    assert type(refused.value).__name__ == "UnpicklingError"
    assert str(refused.value).startswith("Weights only load failed. This file can still be loaded")
    module = "minitorch.nn.modules.container" if lib is minitorch else "torch.nn.modules.container"
    assert f"Unsupported global: GLOBAL {module}.Sequential was not an allowed global by default" in str(refused.value)
    loaded = lib.load(_saved(lib, model), weights_only=False)
    assert repr(loaded) == repr(model) == "Sequential(\n  (0): Linear(in_features=3, out_features=2, bias=True)\n  (1): ReLU()\n)"
    for (name, p), (name2, q) in zip(model.named_parameters(), loaded.named_parameters()):
        assert name == name2 and type(p) is type(q) and bool((p == q).all()) and q.requires_grad


def test_pickled_file_runs_nothing_by_default(tmp_path):
    """A file made to run a command when unpickled: refused at its first global, before anything runs."""
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))
    with pytest.raises(minitorch.serialization.UnpicklingError, match="GLOBAL posix.system"):
        minitorch.load(_saved(minitorch, [Evil()]))
    assert not marker.exists()


def test_plain_python_data_round_trips_as_in_torch():
    """A set is not in minitorch's data format: pickled, as torch does, and (no class in it) loaded by default."""
    for lib in (minitorch, torch):
        assert lib.load(_saved(lib, {1, 2})) == {1, 2}
