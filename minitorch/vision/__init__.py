"""minitorch.vision: torchvision's data sets, transforms and utilities, in NumPy."""
from . import datasets, io, models, transforms, utils
