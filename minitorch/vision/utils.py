"""torchvision.utils.make_grid: lay a batch of images out in a grid, for showing."""
import math

import numpy as np

from ..tensor import Tensor, _make


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0):
    """(B, C, H, W) images -> one (C', H', W') image with ``nrow`` per row; grey images become 3-channel."""
    if isinstance(tensor, (list, tuple)):
        arr = np.stack([t._data for t in tensor])
    else:
        arr = tensor._data
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim == 3:
        arr = np.concatenate([arr] * 3, 0) if arr.shape[0] == 1 else arr
        arr = arr[None]
    if arr.ndim == 4 and arr.shape[1] == 1:
        arr = np.concatenate([arr] * 3, 1)
    arr = arr.copy()
    if normalize:
        def norm(img, low, high):
            np.clip(img, low, high, out=img)
            img -= low
            img /= max(high - low, 1e-5)
        if scale_each:
            for img in arr:
                norm(img, *(value_range or (float(img.min()), float(img.max()))))
        else:
            norm(arr, *(value_range or (float(arr.min()), float(arr.max()))))
    if arr.shape[0] == 1:
        return _make(arr[0])
    n, c, h, w = arr.shape
    cols = min(nrow, n)
    rows = int(math.ceil(n / cols))
    cell_h, cell_w = h + padding, w + padding
    grid = np.full((c, cell_h * rows + padding, cell_w * cols + padding), pad_value, arr.dtype)
    for k in range(n):
        y, x = divmod(k, cols)
        grid[:, y * cell_h + padding:(y + 1) * cell_h, x * cell_w + padding:(x + 1) * cell_w] = arr[k]
    return _make(grid)
