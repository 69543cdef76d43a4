"""Rearranging channels: pixel_shuffle moves channel blocks into space (C·r², H, W) -> (C, H·r, W·r),
pixel_unshuffle is its inverse, channel_shuffle interleaves the channels of ``groups`` groups. Each is a
reshape-permute-reshape of the array, and the VJP of each is its inverse rearrangement of the gradient."""
from ..._args import tensor_arg
from ...ops.op import Op


def _shuffle(x, r):
    """(*, C·r², H, W) -> (*, C, H·r, W·r)."""
    *batch, c, h, w = x.shape
    oc = c // (r * r)
    y = x.reshape(*batch, oc, r, r, h, w)
    n = len(batch)
    y = y.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)  # (*, oc, h, r, w, r)
    return y.reshape(*batch, oc, h * r, w * r)


def _unshuffle(x, r):
    """(*, C, H·r, W·r) -> (*, C·r², H, W)."""
    *batch, c, h, w = x.shape
    oh, ow = h // r, w // r
    y = x.reshape(*batch, c, oh, r, ow, r)
    n = len(batch)
    y = y.transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3)  # (*, c, r, r, oh, ow)
    return y.reshape(*batch, c * r * r, oh, ow)


def _channels(x, groups):
    """(N, g·k, *) -> (N, k·g, *): channel c = a·k + b goes to b·g + a."""
    n, c = x.shape[:2]
    return x.reshape(n, groups, c // groups, *x.shape[2:]).swapaxes(1, 2).reshape(x.shape)


class PixelShuffle(Op):
    """z = (*, C·r², H, W) rearranged to (*, C, H·r, W·r).   VJP: dx = pixel_unshuffle(g, r)."""
    node_name = "PixelShuffleBackward0"

    @staticmethod
    def forward(ctx, x, r):
        ctx.r = r
        return _shuffle(x, r)

    @staticmethod
    def backward(ctx, g):
        return PixelUnshuffle.apply(g, ctx.r)


class PixelUnshuffle(Op):
    """z = (*, C, H·r, W·r) rearranged to (*, C·r², H, W).   VJP: dx = pixel_shuffle(g, r)."""
    node_name = "PixelUnshuffleBackward0"

    @staticmethod
    def forward(ctx, x, r):
        ctx.r = r
        return _unshuffle(x, r)

    @staticmethod
    def backward(ctx, g):
        return PixelShuffle.apply(g, ctx.r)


class ChannelShuffle(Op):
    """z[:, b·g + a] = x[:, a·k + b] (g groups of k channels).   VJP: dx = channel_shuffle(g, k)."""
    node_name = "ChannelShuffleBackward0"

    @staticmethod
    def forward(ctx, x, groups):
        ctx.groups = groups
        return _channels(x, groups)

    @staticmethod
    def backward(ctx, g):
        return ChannelShuffle.apply(g, g.shape[1] // ctx.groups)


def _check_factor(input, name, factor, what):
    if input.dim() < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    if factor <= 0:
        raise RuntimeError(f"{name} expects a positive {what}, but got {factor}")


def pixel_shuffle(input, upscale_factor):
    """(*, C·r², H, W) -> (*, C, H·r, W·r), r = upscale_factor."""
    tensor_arg(input, "pixel_shuffle")
    r = upscale_factor
    _check_factor(input, "pixel_shuffle", r, "upscale_factor")
    c = input.shape[-3]
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
                           f"of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    return PixelShuffle.apply(input, r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H·r, W·r) -> (*, C·r², H, W), r = downscale_factor."""
    tensor_arg(input, "pixel_unshuffle")
    r = downscale_factor
    _check_factor(input, "pixel_unshuffle", r, "downscale_factor")
    for which, dim in (("height", -2), ("width", -1)):
        if input.shape[dim] % r:
            raise RuntimeError(f"pixel_unshuffle expects {which} to be divisible by downscale_factor, but "
                               f"input.size({dim})={input.shape[dim]} is not divisible by {r}")
    return PixelUnshuffle.apply(input, r)


def channel_shuffle(input, groups):
    """Interleave the channels (dim 1) of ``groups`` groups: (N, g·k, *) -> (N, k·g, *)."""
    tensor_arg(input, "channel_shuffle")
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes "
                           f"{list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    c = input.shape[1]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups.")
    return ChannelShuffle.apply(input, groups)
