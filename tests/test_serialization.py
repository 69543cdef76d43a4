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


def test_unsupported_object_is_a_clear_error():
    with pytest.raises(TypeError, match="cannot store an object of type set"):
        minitorch.save({1, 2}, io.BytesIO())
