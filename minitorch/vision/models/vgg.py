"""The VGG family (VGG-11/13/16/19, with and without batch norm) with torchvision's module tree, ``repr``,
initialisation and state_dict keys, so torchvision's weights load into it.

VGG is the plainest deep convolutional net: stacks of 3x3 convolutions + ReLU, halved in resolution by
2x2 max pooling between stacks, then three fully connected layers. Two 3x3 convolutions see a 5x5 window
with fewer weights than one 5x5 - the design's point. ``weights`` must be None: minitorch downloads nothing.
"""
from ... import nn
from .resnet import no_pretrained_weights

# channels per convolution, "M" for a 2x2 max pool: torchvision's configurations A (VGG-11), B (13), D (16), E (19)
CONFIGS = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def make_layers(cfg, batch_norm=False):
    """The convolutional part of a VGG from its configuration: one Sequential, numbered as torchvision's."""
    layers, in_channels = [], 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(v))
        layers.append(nn.ReLU(inplace=True))
        in_channels = v
    return nn.Sequential(*layers)


class VGG(nn.Module):
    """``features`` (from ``make_layers``), average pooling to 7x7 (so any input of 32x32 or more works), and
    a classifier of two 4096-wide hidden layers with dropout."""

    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes))
        if init_weights:  # torchvision's initialisation
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(x.flatten(1))


def _vgg(name, cfg, batch_norm, weights, pretrained, progress, **kwargs):
    no_pretrained_weights(name, weights, pretrained)
    return VGG(make_layers(CONFIGS[cfg], batch_norm=batch_norm), **kwargs)


def vgg11(*, weights=None, progress=True, pretrained=False, **kwargs):
    """VGG-11 (configuration A)."""
    return _vgg("vgg11", "A", False, weights, pretrained, progress, **kwargs)


def vgg11_bn(*, weights=None, progress=True, pretrained=False, **kwargs):
    """VGG-11 with batch norm after each convolution."""
    return _vgg("vgg11_bn", "A", True, weights, pretrained, progress, **kwargs)


def vgg13(*, weights=None, progress=True, pretrained=False, **kwargs):
    """VGG-13 (configuration B)."""
    return _vgg("vgg13", "B", False, weights, pretrained, progress, **kwargs)


def vgg13_bn(*, weights=None, progress=True, pretrained=False, **kwargs):
    """VGG-13 with batch norm."""
    return _vgg("vgg13_bn", "B", True, weights, pretrained, progress, **kwargs)


def vgg16(*, weights=None, progress=True, pretrained=False, **kwargs):
    """VGG-16 (configuration D), the one PyTorch's save-and-load tutorial uses."""
    return _vgg("vgg16", "D", False, weights, pretrained, progress, **kwargs)


def vgg16_bn(*, weights=None, progress=True, pretrained=False, **kwargs):
    """VGG-16 with batch norm."""
    return _vgg("vgg16_bn", "D", True, weights, pretrained, progress, **kwargs)


def vgg19(*, weights=None, progress=True, pretrained=False, **kwargs):
    """VGG-19 (configuration E)."""
    return _vgg("vgg19", "E", False, weights, pretrained, progress, **kwargs)


def vgg19_bn(*, weights=None, progress=True, pretrained=False, **kwargs):
    """VGG-19 with batch norm."""
    return _vgg("vgg19_bn", "E", True, weights, pretrained, progress, **kwargs)
