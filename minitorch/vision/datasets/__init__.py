from .cifar import CIFAR10
from .mnist import MNIST, FashionMNIST, read_idx
from .vision import VisionDataset
