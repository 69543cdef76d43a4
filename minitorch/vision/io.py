"""torchvision.io's image reading, for PNG: ``read_file``, ``read_image``, ``decode_image``, ``decode_png``.

A PNG file is a signature and a list of chunks (length, type, data, CRC). ``IHDR`` gives the size and the
pixel format, ``PLTE`` a palette, ``tRNS`` transparency, and the ``IDAT`` chunks together are one zlib
stream: the rows of pixels, each prefixed by the filter that predicted it from its neighbours (none, left,
up, average, Paeth). Decoding is: check, inflate, undo the filters row by row, unpack the samples, and
convert to the channels asked for. NumPy and the standard library's zlib are all it takes.

Other formats (JPEG, GIF, WebP, ...) need real codecs; they get an error that says so.
"""
import enum
import struct
import zlib

import numpy as np

from ..tensor import Tensor, _make

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type -> samples per pixel
DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
# Adam7 interlacing: (first column, first row, column step, row step) of each of the 7 passes
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
MAX_PIXELS = 1 << 28  # a crafted header cannot make the decoder allocate more than this many samples


class ImageReadMode(enum.Enum):
    """The channels to decode to: as stored, gray, gray + alpha, RGB, or RGB + alpha."""
    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = 4  # torchvision's alias of RGB_ALPHA


def read_file(path):
    """The bytes of the file at ``path`` as a 1-D uint8 tensor."""
    with open(path, "rb") as f:
        return _make(np.frombuffer(f.read(), np.uint8).copy())


def read_image(path, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """The image at ``path`` as a uint8 tensor of shape (channels, height, width)."""
    return decode_image(read_file(path), mode, apply_exif_orientation)


def decode_image(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """An encoded image (a 1-D uint8 tensor of the file's bytes, or a path) decoded to (C, H, W) uint8."""
    if isinstance(input, str):
        input = read_file(input)
    data = _bytes_of(input, "decode_image")
    if data.startswith(SIGNATURE):
        return decode_png(input, mode, apply_exif_orientation)
    kind = ("JPEG" if data[:3] == b"\xff\xd8\xff" else "GIF" if data[:4] == b"GIF8" else
            "WebP" if data[:4] == b"RIFF" and data[8:12] == b"WEBP" else "BMP" if data[:2] == b"BM" else None)
    if kind is None:
        raise RuntimeError("Unsupported image file. Only jpeg, png, webp and gif are currently supported. For avif "
                           "and heic format, please rely on `decode_avif` and `decode_heic` directly.")
    raise RuntimeError(f"This is a {kind} image. minitorch.vision.io decodes PNG only (what NumPy and zlib can "
                       f"do); decode {kind} with Pillow (PIL.Image.open) and convert the array with "
                       f"minitorch.from_numpy, or convert the file to PNG.")


def decode_png(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """A PNG file's bytes (1-D uint8 tensor) decoded to a (C, H, W) uint8 tensor."""
    data = _bytes_of(input, "decode_png")
    header, palette, transparency, stream = _chunks(data)
    width, height, depth, colour, interlace = header
    if depth == 16:
        raise RuntimeError("This PNG has 16-bit samples, which torchvision decodes to uint16; minitorch has no "
                           "uint16 dtype. Convert the image to 8 bits per sample.")
    raw = _inflate(stream, _stored_size(width, height, depth, colour, interlace))
    samples = _deinterlace(raw, width, height, depth, colour) if interlace else \
        _pixels(raw, width, height, depth, colour)
    return _make(np.ascontiguousarray(_convert(samples, colour, depth, palette, transparency, mode)
                                      .transpose(2, 0, 1)))


# -- reading the file ---------------------------------------------------------------------------------------
def _bytes_of(input, fn):
    if not isinstance(input, Tensor) or input._data.dtype != np.uint8 or input._data.ndim != 1:
        raise RuntimeError(f"{fn}: expected a 1-D uint8 tensor of the file's bytes")
    return input._data.tobytes()


def _chunks(data):
    """The header fields, palette, tRNS data and the concatenated IDAT data, each chunk checked (its
    length inside the file, its CRC) so that a damaged or crafted file fails with a clear error."""
    if not data.startswith(SIGNATURE):
        raise RuntimeError("Content is not png")
    pos, header, palette, transparency, idat = len(SIGNATURE), None, None, None, []
    while True:
        if pos + 8 > len(data):
            raise RuntimeError("Invalid png: the file ends before its IEND chunk")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = data[pos + 8 + length:pos + 12 + length]
        if len(body) != length or len(crc) != 4:
            raise RuntimeError(f"Invalid png: chunk {kind!r} claims {length} bytes, more than the file holds")
        if zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
            raise RuntimeError(f"Invalid png: chunk {kind!r} is corrupted (its CRC does not match)")
        pos += 12 + length
        if kind == b"IHDR":
            header = _header(body)
        elif kind == b"PLTE":
            palette = np.frombuffer(body, np.uint8).reshape(-1, 3)
        elif kind == b"tRNS":
            transparency = np.frombuffer(body, np.uint8)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None or not idat:
        raise RuntimeError("Invalid png: no IHDR or no IDAT chunk")
    if header[3] == 3 and palette is None:
        raise RuntimeError("Invalid png: a palette image without a PLTE chunk")
    return header, palette, transparency, b"".join(idat)


def _header(body):
    if len(body) != 13:
        raise RuntimeError("Invalid png: IHDR must hold 13 bytes")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", body)
    if colour not in CHANNELS or depth not in DEPTHS[colour] or compression or filtering or interlace > 1:
        raise RuntimeError(f"Invalid png: colour type {colour} with bit depth {depth} (compression {compression}, "
                           f"filter {filtering}, interlace {interlace}) is not a PNG format")
    if not 0 < width * height * CHANNELS[colour] <= MAX_PIXELS:
        raise RuntimeError(f"Invalid png: a {width}x{height} image is empty or too large to decode")
    return width, height, depth, colour, interlace


def _row_bytes(width, depth, colour):
    return (width * CHANNELS[colour] * depth + 7) // 8


def _stored_size(width, height, depth, colour, interlace):
    """Bytes of filtered rows (one filter byte per row) the zlib stream must hold."""
    if not interlace:
        return height * (1 + _row_bytes(width, depth, colour))
    return sum(h * (1 + _row_bytes(w, depth, colour)) for w, h in _pass_sizes(width, height) if w and h)


def _inflate(stream, size):
    """The zlib stream inflated to exactly ``size`` bytes (never more: a small file cannot expand without bound)."""
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(stream, size)
    except zlib.error as e:
        raise RuntimeError(f"Invalid png: its image data does not inflate ({e})") from None
    if len(raw) < size:
        raise RuntimeError(f"Invalid png: its image data holds {len(raw)} bytes where {size} are needed")
    return raw


# -- undoing the filters and unpacking ------------------------------------------------------------------------
def _unfilter(raw, height, row_bytes, bpp):
    """Rows of bytes with each row's prediction added back (bpp: bytes per whole pixel, at least 1).

    Filter 1 (left) is a running sum along the row; 2 (up) adds the row above; 3 (average) and 4 (Paeth)
    depend on the left neighbour just reconstructed, so they go pixel by pixel."""
    rows = np.frombuffer(raw, np.uint8)[:height * (1 + row_bytes)].reshape(height, 1 + row_bytes)
    out = np.zeros((height + 1, row_bytes), np.uint8)  # out[0] is the virtual zero row above the image
    for y in range(height):
        kind, line, up = rows[y, 0], rows[y, 1:].astype(np.int64), out[y].astype(np.int64)
        if kind == 0:
            cur = line
        elif kind == 1:
            cur = line.copy()
            for i in range(bpp):  # each byte position within a pixel is its own running sum
                cur[i::bpp] = np.cumsum(line[i::bpp])
        elif kind == 2:
            cur = line + up
        elif kind in (3, 4):
            cur = line.copy()
            for i in range(row_bytes):
                left = cur[i - bpp] & 255 if i >= bpp else 0
                if kind == 3:
                    cur[i] += (left + up[i]) >> 1
                else:
                    corner = up[i - bpp] if i >= bpp else 0
                    p = left + up[i] - corner
                    pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - corner)
                    cur[i] += left if pa <= pb and pa <= pc else up[i] if pb <= pc else corner
        else:
            raise RuntimeError(f"Invalid png: row {y} has filter type {kind} (0 to 4 exist)")
        out[y + 1] = cur & 255
    return out[1:]


def _pixels(raw, width, height, depth, colour):
    """Samples (height, width, channels) of a non-interlaced image (or one interlace pass)."""
    channels = CHANNELS[colour]
    bpp = max(1, channels * depth // 8)
    rows = _unfilter(raw, height, _row_bytes(width, depth, colour), bpp)
    if depth < 8:  # several samples per byte, most significant first
        shifts = np.arange(8 - depth, -1, -depth, dtype=np.uint8)
        rows = ((rows[:, :, None] >> shifts) & ((1 << depth) - 1)).reshape(height, -1)
    return rows[:, :width * channels].reshape(height, width, channels)


def _pass_sizes(width, height):
    return [((width - x0 + dx - 1) // dx, (height - y0 + dy - 1) // dy) for x0, y0, dx, dy in ADAM7]


def _deinterlace(raw, width, height, depth, colour):
    """Adam7: seven smaller images, each filtered on its own, whose pixels interleave into the whole."""
    image = np.zeros((height, width, CHANNELS[colour]), np.uint8)
    pos = 0
    for (x0, y0, dx, dy), (w, h) in zip(ADAM7, _pass_sizes(width, height)):
        if w == 0 or h == 0:
            continue
        size = h * (1 + _row_bytes(w, depth, colour))
        image[y0::dy, x0::dx] = _pixels(raw[pos:pos + size], w, h, depth, colour)
        pos += size
    return image


# -- converting to the channels asked for ---------------------------------------------------------------------
def _to_gray(rgb):
    """RGB to gray as torchvision has libpng do it: weights 0.2989 and 0.587 for red and green (blue the
    rest) in fixed point of 1/32768 (9794, 19234, 3740), and the sum truncated."""
    r, g, b = (rgb[..., i].astype(np.int64) for i in range(3))
    return ((9794 * r + 19234 * g + 3740 * b) >> 15).astype(np.uint8)[..., None]


def _convert(samples, colour, depth, palette, transparency, mode):
    """(H, W, C) uint8 in the channels ``mode`` asks for."""
    mode = ImageReadMode(mode)
    if colour == 3 and mode is ImageReadMode.UNCHANGED:
        return samples  # as torchvision: a palette image's indices, unchanged
    if colour in (0, 4) and depth < 8:  # gray below 8 bits is scaled to 0..255, as libpng expands it
        samples = samples * np.uint8(255 // ((1 << depth) - 1))
    alpha = None
    if colour == 3:  # expand the palette (and its tRNS alphas: missing entries are opaque)
        index = samples[..., 0]
        if index.max(initial=0) >= len(palette):
            raise RuntimeError("Invalid png: a pixel's palette index is past the end of the palette")
        colours = palette[index]
        if transparency is not None:
            table = np.full(len(palette), 255, np.uint8)
            table[:min(len(transparency), len(palette))] = transparency[:len(palette)]
            alpha = table[index][..., None]
        samples = colours
    elif colour in (4, 6):
        samples, alpha = samples[..., :-1], samples[..., -1:]
    if mode is ImageReadMode.UNCHANGED:
        return samples if alpha is None else np.concatenate([samples, alpha], axis=2)
    gray_out = mode in (ImageReadMode.GRAY, ImageReadMode.GRAY_ALPHA)
    if gray_out and samples.shape[2] == 3:
        samples = _to_gray(samples)
    elif not gray_out and samples.shape[2] == 1:
        samples = np.repeat(samples, 3, axis=2)
    if mode in (ImageReadMode.GRAY_ALPHA, ImageReadMode.RGB_ALPHA):
        if alpha is None:
            alpha = np.full(samples.shape[:2] + (1,), 255, np.uint8)
        samples = np.concatenate([samples, alpha], axis=2)
    return samples
