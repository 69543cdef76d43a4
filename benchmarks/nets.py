"""The blitz's two classifier nets, written once for either engine (``lib`` is minitorch or torch)."""


def blitz_net(lib, in_channels=3, side=32):
    """The 60-minute blitz's CIFAR-10 net (in_channels=1 for Fashion-MNIST padded to 32x32)."""
    nn, F = lib.nn, lib.nn.functional
    flat = 16 * ((((side - 4) // 2) - 4) // 2) ** 2

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(in_channels, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(flat, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = lib.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    return Net()
