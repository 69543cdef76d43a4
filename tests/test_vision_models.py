"""torchvision's model families in minitorch.vision.models: the same module trees (repr), state_dict keys and
shapes, the same builders' configurations, torchvision's initialisation statistics, and - with torchvision's
weights copied in - the same outputs and gradients."""
import numpy as np
import pytest
import torch
import torchvision

import minitorch
from minitorch.vision import models as mini_models

RESNET_BUILDERS = ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d",
                   "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2"]
VGG_BUILDERS = ["vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"]


def _shapes(module):
    return [(k, tuple(v.shape), str(v.dtype)) for k, v in module.state_dict().items()]


class _Recorder:
    """Stands in for a model class: records what a builder passes to it."""

    def __init__(self, *args, **kwargs):
        self.args = [getattr(a, "__name__", a) for a in args]
        self.kwargs = kwargs


@pytest.mark.parametrize("name", RESNET_BUILDERS)
def test_resnet_builders_configure_as_torchvision(name, monkeypatch):
    """Each builder gives the model class the same block, layer counts, groups and widths as torchvision's
    (without building the big ones)."""
    monkeypatch.setattr(mini_models.resnet, "ResNet", _Recorder)
    monkeypatch.setattr(torchvision.models.resnet, "ResNet", _Recorder)
    mine = getattr(mini_models, name)(num_classes=10)
    theirs = getattr(torchvision.models, name)(num_classes=10)
    assert (mine.args, mine.kwargs) == (theirs.args, theirs.kwargs)


@pytest.mark.parametrize("name", VGG_BUILDERS)
def test_vgg_builders_configure_as_torchvision(name, monkeypatch):
    """Each VGG builder passes torchvision's layer configuration and batch-norm choice to make_layers."""
    calls = {}
    monkeypatch.setattr(mini_models.vgg, "make_layers", lambda cfg, batch_norm=False: calls.setdefault("mine", (cfg, batch_norm)))
    monkeypatch.setattr(torchvision.models.vgg, "make_layers", lambda cfg, batch_norm=False: calls.setdefault("theirs", (cfg, batch_norm)))
    monkeypatch.setattr(mini_models.vgg, "VGG", _Recorder)
    monkeypatch.setattr(torchvision.models.vgg, "VGG", _Recorder)
    getattr(mini_models, name)()
    getattr(torchvision.models, name)()
    assert calls["mine"] == calls["theirs"]


@pytest.mark.parametrize("name", ["resnet18", "resnet50", "resnext50_32x4d"])
def test_resnet_tree_and_state_dict(name):
    mine, theirs = getattr(mini_models, name)(), getattr(torchvision.models, name)()
    assert repr(mine) == repr(theirs)
    assert _shapes(mine) == _shapes(theirs)


@pytest.mark.parametrize("batch_norm", [False, True])
def test_vgg_features_tree(batch_norm):
    cfg = torchvision.models.vgg.cfgs["A"]
    assert repr(mini_models.vgg.make_layers(cfg, batch_norm)) == repr(torchvision.models.vgg.make_layers(cfg, batch_norm))


def test_vgg16_tree_state_dict_and_initialisation():
    """The model PyTorch's save-and-load tutorial builds: the same tree and keys, and torchvision's
    initialisation (He-normal convolutions with fan_out, N(0, 0.01) linear weights, zero biases)."""
    mine, theirs = mini_models.vgg16(), torchvision.models.vgg16()
    assert repr(mine) == repr(theirs)
    assert _shapes(mine) == _shapes(theirs)
    conv = mine.features[28].weight.detach().numpy()
    fan_out = conv.shape[0] * conv.shape[2] * conv.shape[3]
    assert conv.std() == pytest.approx(np.sqrt(2.0 / fan_out), rel=0.02)
    assert mine.classifier[3].weight.detach().numpy().std() == pytest.approx(0.01, rel=0.02)
    assert not mine.classifier[0].bias.detach().numpy().any() and not mine.features[0].bias.detach().numpy().any()


@pytest.mark.parametrize("build", [
    lambda lib: lib.resnet18(num_classes=5),
    # bottlenecks with groups, a custom width and dilation instead of stride: every path of the ResNet code
    lambda lib: lib.ResNet(lib.Bottleneck, [1, 2, 1, 1], num_classes=7, groups=2, width_per_group=32,
                           replace_stride_with_dilation=[False, True, True], zero_init_residual=True),
])
@pytest.mark.parametrize("train", [True, False])
def test_resnet_forward_and_backward_match_with_copied_weights(build, train):
    torch.manual_seed(0)
    theirs = build(torchvision.models.resnet).double().train(train)
    mine = build(mini_models.resnet).double()
    mine.load_state_dict({k: minitorch.from_numpy(v.detach().numpy().copy()) for k, v in theirs.state_dict().items()})
    mine.train(train)
    x = np.random.default_rng(0).standard_normal((2, 3, 40, 40))
    out_t = theirs(torch.from_numpy(x))
    out_m = mine(minitorch.from_numpy(x.copy()))
    np.testing.assert_allclose(out_m.detach().numpy(), out_t.detach().numpy(), rtol=1e-9, atol=1e-11)
    out_t.square().sum().backward()
    out_m.square().sum().backward()
    for (name, p_t), (_, p_m) in zip(theirs.named_parameters(), mine.named_parameters()):
        np.testing.assert_allclose(p_m.grad.numpy(), p_t.grad.numpy(), rtol=1e-8, atol=1e-10, err_msg=name)
    if train:  # batch norm's running statistics moved the same way
        for (name, b_t), (_, b_m) in zip(theirs.named_buffers(), mine.named_buffers()):
            np.testing.assert_allclose(b_m.numpy(), b_t.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("name", ["resnet50", "vgg16"])
def test_no_pretrained_weights(name):
    with pytest.raises(RuntimeError, match="no pretrained weights"):
        getattr(mini_models, name)(weights="IMAGENET1K_V1")
    with pytest.raises(RuntimeError, match="no pretrained weights"):
        getattr(mini_models, name)(pretrained=True)


def test_block_errors_as_torchvision():
    for lib in (torchvision.models.resnet, mini_models.resnet):
        with pytest.raises(ValueError, match="BasicBlock only supports groups=1 and base_width=64"):
            lib.BasicBlock(4, 4, groups=2)
        with pytest.raises(NotImplementedError, match="Dilation > 1 not supported in BasicBlock"):
            lib.BasicBlock(4, 4, dilation=2)
