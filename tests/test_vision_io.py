"""minitorch.vision.io's PNG decoding against torchvision.io on the same files: every colour type and bit
depth, every row filter, Adam7 interlacing, and each read mode; and clear errors for damaged, crafted and
non-PNG files."""
import struct
import zlib

import numpy as np
import pytest
import torchvision.io as tv_io
from PIL import Image

import minitorch
from minitorch.vision import io as mini_io

# torchvision 0.29 warns that its image decoding moves to TorchCodec; it is still the reference here
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

MODES = ["UNCHANGED", "GRAY", "GRAY_ALPHA", "RGB", "RGB_ALPHA"]


def _both(path, mode):
    theirs = tv_io.read_image(str(path), getattr(tv_io.ImageReadMode, mode)).numpy()
    mine = mini_io.read_image(str(path), getattr(mini_io.ImageReadMode, mode))
    assert mine.dtype == minitorch.uint8
    return mine.numpy(), theirs


def _pil_images(tmp_path):
    rng = np.random.default_rng(0)
    files = {}
    for mode, shape in [("RGB", (9, 13, 3)), ("RGBA", (9, 13, 4)), ("L", (9, 13)), ("LA", (9, 13, 2))]:
        # smooth images as well as noise, so that PIL's adaptive filtering picks every filter type
        noise = rng.integers(0, 256, shape, dtype=np.uint8)
        ramp = (np.add.outer(np.arange(shape[0]) * 7, np.arange(shape[1]) * 5) % 256).astype(np.uint8)
        smooth = np.broadcast_to(ramp.reshape(ramp.shape + (1,) * (len(shape) - 2)), shape).copy()
        for name, a in (("noise", noise), ("smooth", smooth)):
            files[f"{mode}-{name}"] = Image.fromarray(a, mode=mode)
    rgb = rng.integers(0, 256, (9, 13, 3), dtype=np.uint8)
    files["P-256"] = Image.fromarray(rgb).convert("P", palette=Image.ADAPTIVE, colors=256)
    files["P-256-tRNS"] = files["P-256"].copy()
    files["P-256-tRNS"].info["transparency"] = bytes(range(0, 200, 3))
    files["1-bit"] = Image.fromarray(rng.integers(0, 2, (9, 13)).astype(bool))
    paths = {}
    for name, image in files.items():
        paths[name] = tmp_path / f"{name}.png"
        image.save(paths[name], **({"transparency": image.info["transparency"]} if "tRNS" in name else {}))
    return paths


def test_pil_written_pngs_decode_as_torchvision(tmp_path):
    for name, path in _pil_images(tmp_path).items():
        for mode in MODES:
            if name in ("1-bit", "P-256") and "ALPHA" in mode:
                continue  # torchvision's output is an artefact here (see test_known_torchvision_quirks)
            mine, theirs = _both(path, mode)
            assert mine.shape == theirs.shape and (mine == theirs).all(), (name, mode)


def _chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _filtered(rows, bpp, kinds):
    """Each row filtered with the filter given for it (the encoder's side of PNG's row filters)."""
    out, up = [], np.zeros_like(rows[0], dtype=np.int64)
    for row, kind in zip(rows.astype(np.int64), kinds):
        left = np.concatenate([np.zeros(bpp, np.int64), row[:-bpp]])
        corner = np.concatenate([np.zeros(bpp, np.int64), up[:-bpp]])
        if kind == 0:
            f = row
        elif kind == 1:
            f = row - left
        elif kind == 2:
            f = row - up
        elif kind == 3:
            f = row - (left + up) // 2
        else:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            f = row - np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, up, corner))
        out.append(bytes([kind]) + (f % 256).astype(np.uint8).tobytes())
        up = row
    return b"".join(out)


def _png(image, colour, interlace, depth=8):
    """A PNG of ``image`` (H, W, C uint8) written here, every filter type used in turn, optionally Adam7."""
    h, w, c = image.shape
    bpp = c
    if interlace:
        passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        data = b""
        for x0, y0, dx, dy in passes:
            sub = image[y0::dy, x0::dx]
            if sub.size:
                rows = sub.reshape(sub.shape[0], -1)
                data += _filtered(rows, bpp, [i % 5 for i in range(len(rows))])
    else:
        rows = image.reshape(h, -1)
        data = _filtered(rows, bpp, [i % 5 for i in range(h)])
    header = struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, int(interlace))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(data)) +
            _chunk(b"IEND", b""))


@pytest.mark.parametrize("interlace", [False, True])
@pytest.mark.parametrize("colour,channels", [(0, 1), (2, 3), (4, 2), (6, 4)])
@pytest.mark.parametrize("size", [(1, 1), (5, 3), (11, 17)])
def test_every_filter_and_adam7_as_torchvision(tmp_path, interlace, colour, channels, size):
    image = np.random.default_rng(sum(size) + colour).integers(0, 256, size + (channels,), dtype=np.uint8)
    path = tmp_path / "x.png"
    path.write_bytes(_png(image, colour, interlace))
    for mode in MODES:
        mine, theirs = _both(path, mode)
        assert mine.shape == theirs.shape and (mine == theirs).all(), mode
    assert (mini_io.read_image(str(path)).numpy() == image.transpose(2, 0, 1)).all()


def test_decode_image_takes_bytes_tensor_or_path(tmp_path):
    path = _pil_images(tmp_path)["RGB-noise"]
    data = mini_io.read_file(str(path))
    assert data.dtype == minitorch.uint8 and data.dim() == 1
    assert data.tolist() == tv_io.read_file(str(path)).tolist()
    a = mini_io.decode_image(data).numpy()
    assert (a == mini_io.decode_image(str(path)).numpy()).all()
    assert (a == mini_io.decode_png(data).numpy()).all()
    assert (a == tv_io.decode_image(tv_io.read_file(str(path))).numpy()).all()
    assert mini_io.ImageReadMode.RGBA is mini_io.ImageReadMode.RGB_ALPHA


def test_known_torchvision_quirks(tmp_path):
    """Where torchvision's output is an artefact, minitorch gives the image: a 1-bit gray image read with
    alpha gets alpha 255 (opaque; torchvision 1), and a palette image below 8 bits read UNCHANGED gives one
    index per pixel (torchvision gives the packed bytes of the row). A palette image without transparency
    read with alpha gets opaque alpha; torchvision reads its RGB buffer as if it had four channels."""
    path = tmp_path / "bw.png"
    Image.fromarray(np.eye(4, dtype=bool)).save(path)
    mine, theirs = _both(path, "GRAY_ALPHA")
    assert (mine[0] == theirs[0]).all() and (mine[1] == 255).all() and (theirs[1] == 1).all()
    path = tmp_path / "p4.png"
    indices = np.arange(12, dtype=np.uint8).reshape(3, 4) % 8
    image = Image.fromarray(indices, mode="P")
    image.putpalette(list(range(24)))
    image.save(path, bits=4)
    assert (mini_io.read_image(str(path)).numpy()[0] == indices).all()
    mine = mini_io.read_image(str(path), mini_io.ImageReadMode.RGB_ALPHA).numpy()
    assert (mine[:3] == np.arange(24).reshape(8, 3)[indices].transpose(2, 0, 1)).all() and (mine[3] == 255).all()


def _valid_png():
    return _png(np.zeros((2, 2, 3), np.uint8), 2, False)


@pytest.mark.parametrize("damage,message", [
    (lambda b: b[:-12], "ends before its IEND"),
    (lambda b: b[:-20], "more than the file holds"),
    (lambda b: b[:30] + bytes([b[30] ^ 1]) + b[31:], "CRC"),
    (lambda b: b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1 << 20, 1 << 20, 8, 2, 0, 0, 0)) +
     _chunk(b"IEND", b""), "too large"),
    (lambda b: b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 3, 2, 0, 0, 0)) +
     _chunk(b"IEND", b""), "not a PNG format"),
    (lambda b: b[:8] + struct.pack(">I", 1 << 30) + b[12:], "more than the file holds"),
    (lambda b: b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)) +
     _chunk(b"IDAT", zlib.compress(b"\x00" * 10)) + _chunk(b"IEND", b""), "where 12352 are needed"),
    (lambda b: b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
     _chunk(b"IDAT", zlib.compress(b"\x07\x00\x00\x00")) + _chunk(b"IEND", b""), "filter type 7"),
    (lambda b: b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 3, 0, 0, 0)) +
     _chunk(b"PLTE", b"\x00\x00\x00") + _chunk(b"IDAT", zlib.compress(b"\x00\x05")) + _chunk(b"IEND", b""),
     "past the end of the palette"),
])
def test_damaged_and_crafted_files_fail_clearly(damage, message):
    data = minitorch.from_numpy(np.frombuffer(damage(_valid_png()), np.uint8).copy())
    with pytest.raises(RuntimeError, match=message):
        mini_io.decode_image(data, mini_io.ImageReadMode.RGB)


def test_other_formats_name_what_is_missing():
    jpeg = minitorch.from_numpy(np.frombuffer(b"\xff\xd8\xff\xe0" + b"\x00" * 20, np.uint8).copy())
    with pytest.raises(RuntimeError, match="This is a JPEG image. minitorch.vision.io decodes PNG only"):
        mini_io.decode_image(jpeg)
    junk = minitorch.from_numpy(np.frombuffer(b"hello world!", np.uint8).copy())
    with pytest.raises(RuntimeError, match="Unsupported image file"):
        mini_io.decode_image(junk)
    with pytest.raises(RuntimeError, match="Unsupported image file"):
        tv_io.decode_image(__import__("torch").frombuffer(bytearray(b"hello world!"), dtype=__import__("torch").uint8))


def test_sixteen_bit_says_why(tmp_path):
    path = tmp_path / "g16.png"
    Image.fromarray(np.arange(12, dtype=np.uint16).reshape(3, 4) * 5000).save(path)
    with pytest.raises(RuntimeError, match="16-bit samples.*no uint16 dtype"):
        mini_io.read_image(str(path))
