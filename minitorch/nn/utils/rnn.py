"""Sequences of different lengths for the recurrent layers: padding them into one tensor and packing them.

A *packed* sequence stores the time steps one after another, each holding only the sequences still running
at that step: ``data`` is (sum of lengths, *) and ``batch_sizes[t]`` says how many rows step t has (the
sequences sorted longest first; ``sorted_indices`` remembers how they were sorted). A recurrent layer given a
PackedSequence runs step t on just those rows, so padding costs nothing and changes nothing.
"""
from collections import namedtuple

import numpy as np

from ... import creation
from ..._dtype import float32, float64, int64
from ..._size import broadcast_shape
from ...ops.op import Op
from ...tensor import Tensor


class PackedSequence(namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """(data, batch_sizes, sorted_indices, unsorted_indices), made by ``pack_padded_sequence`` or
    ``pack_sequence``; ``unsorted_indices`` is the inverse permutation of ``sorted_indices``."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # PackedSequence((data, batch_sizes))
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """The same sequence with ``data`` converted (a dtype or device); the indices keep theirs."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def cpu(self):
        return self.to("cpu")

    def double(self):
        return self.to(dtype=float64)

    def float(self):
        return self.to(dtype=float32)

    @property
    def is_cuda(self):
        return False

    def is_pinned(self):
        return False


def invert_permutation(permutation):
    """The permutation q with q[p[i]] = i (None for None)."""
    if permutation is None:
        return None
    inverse = np.empty_like(permutation.numpy())
    inverse[permutation.numpy()] = np.arange(permutation.numel())
    return creation.tensor(inverse, dtype=int64)


def _batch_sizes(lengths):
    """batch_sizes[t] = how many sequences are longer than t (lengths sorted longest first)."""
    return [int(n) for n in (np.asarray(lengths)[None, :] > np.arange(lengths[0])[:, None]).sum(1)]


def _pad(data, batch_sizes, batch_first, padding_value, total_length):
    """The packed rows written back into a padded (T, B, *) tensor (then (B, T, *) if batch_first): one copy
    into a slice per time step, as torch's _pad_packed_sequence does (so the graph is CopySlices)."""
    out = creation.full((total_length, batch_sizes[0]) + tuple(data.shape[1:]), padding_value, dtype=data.dtype)
    offset = 0
    for t, n in enumerate(batch_sizes):
        out[t, :n] = data[offset:offset + n]
        offset += n
    return out.transpose(0, 1) if batch_first else out


class PackPaddedSequence(Op):
    """data = the rows input[t, b] for b < batch_sizes[t], step after step (input (T, B, *), or (B, T, *)
    if batch_first).   VJP: d input = the gradient's rows padded back with zeros (``_pad``)."""
    node_name = "PackPaddedSequenceBackward0"

    @staticmethod
    def forward(ctx, input, batch_sizes, batch_first):
        ctx.batch_sizes, ctx.batch_first, ctx.total_length = batch_sizes, batch_first, input.shape[int(batch_first)]
        if batch_first:
            input = input.swapaxes(0, 1)
        return np.concatenate([input[t, :n] for t, n in enumerate(batch_sizes)])

    @staticmethod
    def backward(ctx, g):
        return _pad(g, ctx.batch_sizes, ctx.batch_first, 0.0, ctx.total_length)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch of sequences (T, B, *) (or (B, T, *)) of the given lengths. With
    ``enforce_sorted=False`` the sequences are sorted longest first here, and the order remembered."""
    lengths = np.asarray(lengths.tolist() if isinstance(lengths, Tensor) else lengths, dtype=np.int64)
    batch_dim = 0 if batch_first else 1
    sorted_indices = None
    if not enforce_sorted:
        order = np.argsort(-lengths, kind="stable")
        lengths = lengths[order]
        sorted_indices = creation.tensor(order, dtype=int64)
        input = input.index_select(batch_dim, sorted_indices)
    if len(lengths) != input.shape[batch_dim]:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {len(lengths)} "
                           f"(batch_size={input.shape[batch_dim]})")
    if len(lengths) and lengths[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    if np.any(np.diff(lengths) > 0):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You "
                           "can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep "
                           "this requirement if you do not need ONNX exportability.")
    batch_sizes = _batch_sizes(lengths)
    data = PackPaddedSequence.apply(input, batch_sizes, batch_first)
    return PackedSequence(data, creation.tensor(batch_sizes, dtype=int64), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """(padded, lengths): the inverse of pack_padded_sequence, in the caller's original order, padded to
    ``total_length`` steps if given."""
    batch_sizes = [int(n) for n in sequence.batch_sizes.tolist()]
    max_seq_length = len(batch_sizes)
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, but "
                             f"got total_length={total_length} and max sequence length being {max_seq_length}")
        max_seq_length = total_length
    padded = _pad(sequence.data, batch_sizes, batch_first, padding_value, max_seq_length)
    lengths = creation.tensor((np.asarray(batch_sizes)[:, None] > np.arange(batch_sizes[0])[None, :]).sum(0),
                              dtype=int64)
    if sequence.unsorted_indices is not None:
        return padded.index_select(0 if batch_first else 1, sequence.unsorted_indices), \
            lengths[sequence.unsorted_indices]
    return padded, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Sequences (L_i, *) padded to the longest into (T, B, *) (or (B, T, *)), on the right or the left."""
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    if not len(sequences):
        raise RuntimeError("received an empty list of sequences")
    longest = max(s.shape[0] for s in sequences)
    shape = (len(sequences), longest) if batch_first else (longest, len(sequences))
    out = creation.full(shape + tuple(sequences[0].shape[1:]), padding_value, dtype=sequences[0].dtype)
    for i, s in enumerate(sequences):  # a copy into a slice per sequence, as torch's pad_sequence does
        steps = slice(0, len(s)) if padding_side == "right" else slice(longest - len(s), longest)
        broadcast_shape((len(s),) + tuple(out.shape[2:]), tuple(s.shape))  # torch's error for unequal sizes
        if batch_first:
            out[i, steps] = s
        else:
            out[steps, i] = s
    return out


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences, each cut to its length, out of a padded batch."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:int(n)] for seq, n in zip(padded_sequences, lengths)]


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of sequences (L_i, *): pad them, then pack."""
    lengths = [s.size(0) for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences a PackedSequence holds, in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]
