"""reference.interop: state_dicts move between the engines without changing a bit."""
from collections import OrderedDict

import numpy as np
import torch

import minitorch
from reference.interop import to_minitorch, to_torch


def test_state_dict_roundtrip_is_exact():
    sd = OrderedDict([("w", torch.randn(3, 4)), ("b", torch.randn(4, dtype=torch.float64)),
                      ("n", torch.tensor(7)), ("t", torch.randn(4, 3).t())])
    mine = to_minitorch(sd)
    assert list(mine) == list(sd)
    for k in sd:
        assert str(mine[k].dtype) == str(sd[k].dtype)
        np.testing.assert_array_equal(mine[k].numpy(), sd[k].numpy())
    back = to_torch(mine)
    for k in sd:
        assert torch.equal(back[k], sd[k])
    mine["w"].add_(1)  # copies, not views: changing one engine's weights leaves the other's alone
    assert not torch.equal(to_torch(mine)["w"], sd["w"])
