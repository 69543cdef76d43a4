"""Item b: single operations at the blitz net's shapes, forward alone and forward + backward.

Forward runs with inputs that require grad, as in training, so it includes recording the graph. Forward +
backward backpropagates a fixed random upstream gradient and then drops the inputs' ``.grad`` (what
``zero_grad()`` does), so nothing accumulates from one call to the next. ``needs_grad`` follows training:
the image fed to the first conv layer needs no gradient, so neither engine computes one for it.
"""
import numpy as np

from benchmarks.timing import case, compare


def _conv(lib, x, w, b):
    return lib.nn.functional.conv2d(x, w, b)


def _pool(lib, x):
    return lib.nn.functional.max_pool2d(x, 2, 2)


def _linear(lib, x, w, b):
    return lib.nn.functional.linear(x, w, b)


def _relu(lib, x):
    return lib.nn.functional.relu(x)


def _cross_entropy(lib, x, y):
    return lib.nn.functional.cross_entropy(x, y)


def _matmul(lib, a, b):
    return a @ b


def op_specs(batch):
    """(name, fn, [(shape, needs_grad) per float input], integer labels or None) at the blitz's shapes."""
    n = batch
    return [
        (f"conv2d {n}x3x32x32 * 6x3x5x5", _conv, [((n, 3, 32, 32), False), ((6, 3, 5, 5), True), ((6,), True)], None),
        (f"conv2d {n}x6x14x14 * 16x6x5x5", _conv, [((n, 6, 14, 14), True), ((16, 6, 5, 5), True), ((16,), True)],
         None),
        (f"max_pool2d {n}x6x28x28", _pool, [((n, 6, 28, 28), True)], None),
        (f"max_pool2d {n}x16x10x10", _pool, [((n, 16, 10, 10), True)], None),
        (f"linear {n}x400 -> 120", _linear, [((n, 400), True), ((120, 400), True), ((120,), True)], None),
        (f"linear {n}x84 -> 10", _linear, [((n, 84), True), ((10, 84), True), ((10,), True)], None),
        (f"relu {n}x6x28x28", _relu, [((n, 6, 28, 28), True)], None),
        (f"cross_entropy {n}x10", _cross_entropy, [((n, 10), True)], n),
    ]


def matmul_specs():
    return [(f"matmul {k}x{k} @ {k}x{k}", _matmul, [((k, k), True), ((k, k), True)], None) for k in (64, 256, 1024)]


def _layer_norm(lib, x, w, b):
    return lib.nn.functional.layer_norm(x, (x.shape[-1],), w, b)


def layer_norm_specs():
    """layer_norm over the features of a transformer-sized batch of tokens (32 x 128 tokens of 256)."""
    return [("layer_norm 32x128x256 over 256", _layer_norm, [((32, 128, 256), True), ((256,), True), ((256,), True)],
             None)]


def _sort(lib, x):
    return lib.sort(x, dim=-1).values


_SCATTER_INDEX = np.random.default_rng(3).integers(0, 1000, (128, 1000))
_index_tensors = {}  # per engine: the index is made once, outside the timed call


def _scatter_add(lib, x, src):
    index = _index_tensors.get(lib.__name__)
    if index is None:
        index = _index_tensors[lib.__name__] = lib.from_numpy(_SCATTER_INDEX.copy())
    return x.scatter_add(1, index, src)


def _einsum(lib, a, b):
    return lib.einsum("bij,bjk->bik", a, b)


def family_specs():
    """One case per core of the breadth work: the selection core (sort), the scatter core, einsum."""
    return [("sort 128x1000 along the last dim", _sort, [((128, 1000), True)], None),
            ("scatter_add 128x1000 into 128x1000", _scatter_add, [((128, 1000), True), ((128, 1000), True)], None),
            ("einsum bij,bjk->bik 32x64x64", _einsum, [((32, 64, 64), True), ((32, 64, 64), True)], None)]


def _conv1d(lib, x, w, b):
    return lib.nn.functional.conv1d(x, w, b)


def _conv3d(lib, x, w, b):
    return lib.nn.functional.conv3d(x, w, b)


def _conv_transpose2d(lib, x, w, b):
    return lib.nn.functional.conv_transpose2d(x, w, b, stride=2)


def conv_nd_specs():
    """The N-d convolution beside conv2d, at blitz-like sizes: a 1-d signal, a small 3-d volume, and the
    transposed (up-sampling) 2-d convolution of a decoder."""
    return [("conv1d 32x16x128 * 32x16x5", _conv1d, [((32, 16, 128), True), ((32, 16, 5), True), ((32,), True)], None),
            ("conv3d 4x4x8x16x16 * 8x4x3x3x3", _conv3d,
             [((4, 4, 8, 16, 16), True), ((8, 4, 3, 3, 3), True), ((8,), True)], None),
            ("conv_transpose2d 16x16x14x14 * 16x8x3x3 stride 2", _conv_transpose2d,
             [((16, 16, 14, 14), True), ((16, 8, 3, 3), True), ((8,), True)], None)]
def _max_pool3d(lib, x):
    return lib.nn.functional.max_pool3d(x, 2)


def _avg_pool1d(lib, x):
    return lib.nn.functional.avg_pool1d(x, 3, stride=2, padding=1)


def pool_specs():
    """The N-d pooling: a 3-d max pool (a small video or volume batch) and a 1-d average pool (a batch of
    signals)."""
    return [("max_pool3d 8x16x16x32x32 k2", _max_pool3d, [((8, 16, 16, 32, 32), True)], None),
            ("avg_pool1d 32x64x1024 k3 s2 p1", _avg_pool1d, [((32, 64, 1024), True)], None)]


def _attention(lib, q, k, v):
    return lib.nn.functional.scaled_dot_product_attention(q, k, v)


def attention_specs():
    """scaled_dot_product_attention at a transformer's size: batch 8, 8 heads, 128 tokens of 64 per head."""
    shape = (8, 8, 128, 64)
    return [("scaled_dot_product_attention 8x8x128x64", _attention, [(shape, True), (shape, True), (shape, True)],
             None)]


def _bilinear(lib, x):
    return lib.nn.functional.interpolate(x, size=(64, 64), mode="bilinear", align_corners=False)


def _grid_sample(lib, x, grid, mode="bilinear"):
    # the grid is standard normal: about half of the points fall inside [-1, 1]², the rest read the zero padding
    return lib.nn.functional.grid_sample(x, grid, mode=mode, padding_mode="zeros", align_corners=False)


def _grid_sample_bicubic(lib, x, grid):
    return _grid_sample(lib, x, grid, mode="bicubic")


def resample_specs():
    """Resampling: a bilinear 2x upsampling, and grid_sample at as many points as the image has pixels."""
    image, grid = ((8, 16, 32, 32), True), ((8, 32, 32, 2), True)
    return [("interpolate bilinear 8x16x32x32 -> 64x64", _bilinear, [image], None),
            ("grid_sample bilinear 8x16x32x32 at 8x32x32 points", _grid_sample, [image, grid], None),
            ("grid_sample bicubic 8x16x32x32 at 8x32x32 points", _grid_sample_bicubic, [image, grid], None)]


def _maker(fn, inputs, labels, backward, seed=0):
    rng = np.random.default_rng(seed)
    arrays = [(rng.standard_normal(shape).astype(np.float32), needs) for shape, needs in inputs]
    label_array = None if labels is None else rng.integers(0, 10, labels)

    def make(lib):
        tensors = [lib.from_numpy(a.copy()).requires_grad_(needs) for a, needs in arrays]
        extra = [] if label_array is None else [lib.from_numpy(label_array.copy())]
        if not backward:
            return lambda: fn(lib, *tensors, *extra)
        shape = tuple(fn(lib, *tensors, *extra).shape)
        upstream = lib.from_numpy(np.random.default_rng(seed + 1).standard_normal(shape).astype(np.float32))
        grads = [t for t in tensors if t.requires_grad]

        def run():
            fn(lib, *tensors, *extra).backward(upstream)
            for t in grads:
                t.grad = None
        return run
    return make


def cases(repeat, min_time, batches=(4, 128)):
    specs = ([s for b in batches for s in op_specs(b)] + matmul_specs() + layer_norm_specs() + family_specs()
             + conv_nd_specs() + pool_specs() + attention_specs() + resample_specs())
    rows = []
    for name, fn, inputs, labels in specs:
        for backward in (False, True):
            times = compare(_maker(fn, inputs, labels, backward), repeat, min_time)
            rows.append(case("ops", f"{name} {'fwd+bwd' if backward else 'fwd'}", times))
    return rows
