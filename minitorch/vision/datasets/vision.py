"""The base of the image datasets: root, transforms, and torchvision's repr."""
import os

from ...utils.data import Dataset


class VisionDataset(Dataset):
    def __init__(self, root, transforms=None, transform=None, target_transform=None):
        self.root = os.path.expanduser(str(root)) if root is not None else ""
        self.transform = transform
        self.target_transform = target_transform

    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = [f"Number of datapoints: {len(self)}", f"Root location: {self.root}"]
        lines += [line for line in self.extra_repr().splitlines() if line]
        if self.transform is not None:
            lines += repr(self.transform).splitlines()
        return "\n".join([f"Dataset {type(self).__name__}"] + ["    " + line for line in lines])
