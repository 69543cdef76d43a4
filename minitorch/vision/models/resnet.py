"""The ResNet family (ResNet-18 to 152, ResNeXt, Wide ResNet) with torchvision's module tree, ``repr``,
initialisation and state_dict keys, so torchvision's weights load into it.

A residual network learns ``x + f(x)`` per block: the identity path carries the signal (and the gradient,
in backward) past every block, which is what lets such deep stacks train. ``BasicBlock`` is two 3x3
convolutions (ResNet-18/34); ``Bottleneck`` is 1x1 down, 3x3, 1x1 up (ResNet-50 and deeper), where
``groups`` and ``width_per_group`` give ResNeXt and the wide variants.

minitorch has no pretrained weights to download, so ``weights`` must be None (copy torchvision's weights in
with ``load_state_dict`` instead).
"""
from ... import nn


def conv3x3(in_planes, out_planes, stride=1, groups=1, dilation=1):
    """3x3 convolution with padding."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=dilation, groups=groups,
                     bias=False, dilation=dilation)


def conv1x1(in_planes, out_planes, stride=1):
    """1x1 convolution."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with batch norm, added to the input (the residual connection)."""

    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1,
                 norm_layer=None):
        super().__init__()
        norm_layer = norm_layer or nn.BatchNorm2d
        if groups != 1 or base_width != 64:  # torchvision's words
            raise ValueError("BasicBlock only supports groups=1 and base_width=64")
        if dilation > 1:
            raise NotImplementedError("Dilation > 1 not supported in BasicBlock")
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return self.relu(out)


class Bottleneck(nn.Module):
    """1x1 (to ``width`` channels), 3x3 (strided, grouped), 1x1 (to ``planes * 4``), each with batch norm,
    added to the input. The stride sits on the 3x3, as in torchvision (ResNet v1.5)."""

    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1,
                 norm_layer=None):
        super().__init__()
        norm_layer = norm_layer or nn.BatchNorm2d
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm_layer(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        out += identity
        return self.relu(out)


class ResNet(nn.Module):
    """torchvision's ResNet: a 7x7 stem, four stages of ``block`` (``layers[i]`` blocks each, 64 to 512
    planes, stages 2-4 halving the resolution), global average pooling and a linear classifier."""

    def __init__(self, block, layers, num_classes=1000, zero_init_residual=False, groups=1, width_per_group=64,
                 replace_stride_with_dilation=None, norm_layer=None):
        super().__init__()
        self._norm_layer = norm_layer = norm_layer or nn.BatchNorm2d
        self.inplanes = 64
        self.dilation = 1
        if replace_stride_with_dilation is None:
            replace_stride_with_dilation = [False, False, False]
        if len(replace_stride_with_dilation) != 3:
            raise ValueError("replace_stride_with_dilation should be None or a 3-element tuple, got "
                             f"{replace_stride_with_dilation}")
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2, dilate=replace_stride_with_dilation[0])
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2, dilate=replace_stride_with_dilation[1])
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2, dilate=replace_stride_with_dilation[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        for m in self.modules():  # torchvision's initialisation
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:  # each block starts as the identity: its last batch norm scales by 0
            for m in self.modules():
                if isinstance(m, Bottleneck) and m.bn3.weight is not None:
                    nn.init.constant_(m.bn3.weight, 0)
                elif isinstance(m, BasicBlock) and m.bn2.weight is not None:
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
        norm_layer = self._norm_layer
        downsample = None
        previous_dilation = self.dilation
        if dilate:  # keep the resolution: dilate the convolutions instead of striding
            self.dilation *= stride
            stride = 1
        if stride != 1 or self.inplanes != planes * block.expansion:  # the identity path must change shape too
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       norm_layer(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample, self.groups, self.base_width, previous_dilation,
                        norm_layer)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes, groups=self.groups, base_width=self.base_width,
                         dilation=self.dilation, norm_layer=norm_layer) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(self.avgpool(x).flatten(1))


def no_pretrained_weights(name, weights, pretrained):
    """torchvision's builders download trained weights when asked; minitorch has none to download."""
    if weights is not None or pretrained:
        raise RuntimeError(f"minitorch has no pretrained weights to download. Build {name}() and load torchvision's "
                           f"state_dict into it (see reference/interop.py) to start from trained weights.")


def _resnet(name, block, layers, weights, pretrained, progress, **kwargs):
    no_pretrained_weights(name, weights, pretrained)
    return ResNet(block, layers, **kwargs)


def resnet18(*, weights=None, progress=True, pretrained=False, **kwargs):
    """ResNet-18: BasicBlocks (2, 2, 2, 2)."""
    return _resnet("resnet18", BasicBlock, [2, 2, 2, 2], weights, pretrained, progress, **kwargs)


def resnet34(*, weights=None, progress=True, pretrained=False, **kwargs):
    """ResNet-34: BasicBlocks (3, 4, 6, 3)."""
    return _resnet("resnet34", BasicBlock, [3, 4, 6, 3], weights, pretrained, progress, **kwargs)


def resnet50(*, weights=None, progress=True, pretrained=False, **kwargs):
    """ResNet-50: Bottlenecks (3, 4, 6, 3)."""
    return _resnet("resnet50", Bottleneck, [3, 4, 6, 3], weights, pretrained, progress, **kwargs)


def resnet101(*, weights=None, progress=True, pretrained=False, **kwargs):
    """ResNet-101: Bottlenecks (3, 4, 23, 3)."""
    return _resnet("resnet101", Bottleneck, [3, 4, 23, 3], weights, pretrained, progress, **kwargs)


def resnet152(*, weights=None, progress=True, pretrained=False, **kwargs):
    """ResNet-152: Bottlenecks (3, 8, 36, 3)."""
    return _resnet("resnet152", Bottleneck, [3, 8, 36, 3], weights, pretrained, progress, **kwargs)


def resnext50_32x4d(*, weights=None, progress=True, pretrained=False, **kwargs):
    """ResNeXt-50 32x4d: ResNet-50 with 32 groups of width 4 in each 3x3."""
    return _resnet("resnext50_32x4d", Bottleneck, [3, 4, 6, 3], weights, pretrained, progress,
                   **{**kwargs, "groups": 32, "width_per_group": 4})


def resnext101_32x8d(*, weights=None, progress=True, pretrained=False, **kwargs):
    """ResNeXt-101 32x8d."""
    return _resnet("resnext101_32x8d", Bottleneck, [3, 4, 23, 3], weights, pretrained, progress,
                   **{**kwargs, "groups": 32, "width_per_group": 8})


def resnext101_64x4d(*, weights=None, progress=True, pretrained=False, **kwargs):
    """ResNeXt-101 64x4d."""
    return _resnet("resnext101_64x4d", Bottleneck, [3, 4, 23, 3], weights, pretrained, progress,
                   **{**kwargs, "groups": 64, "width_per_group": 4})


def wide_resnet50_2(*, weights=None, progress=True, pretrained=False, **kwargs):
    """Wide ResNet-50-2: ResNet-50 with twice the channels inside each bottleneck."""
    return _resnet("wide_resnet50_2", Bottleneck, [3, 4, 6, 3], weights, pretrained, progress,
                   **{**kwargs, "width_per_group": 128})


def wide_resnet101_2(*, weights=None, progress=True, pretrained=False, **kwargs):
    """Wide ResNet-101-2."""
    return _resnet("wide_resnet101_2", Bottleneck, [3, 4, 23, 3], weights, pretrained, progress,
                   **{**kwargs, "width_per_group": 128})
