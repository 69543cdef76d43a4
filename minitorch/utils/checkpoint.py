"""``torch.utils.checkpoint``: trade compute for memory. A checkpointed part of the forward pass keeps none
of the tensors its operations would save for backward; backward runs that part again to get them back.

Two ways, as in torch:

* ``use_reentrant=False`` (recommended): the forward runs inside ``saved_tensors_hooks`` whose pack hook
  keeps only a numbered placeholder (and the tensor's shape and dtype). The first unpack in backward
  re-runs the function under hooks that collect the saved tensors by number, and stops as soon as it has
  them all; each placeholder then unpacks to its recomputed tensor.
* ``use_reentrant=True``: the part becomes one ``CheckpointFunction`` node whose forward runs the function
  with grad mode off (so it records and keeps nothing) and whose backward re-runs it with grad mode on and
  calls ``backward`` on that inner graph: a backward pass inside a backward pass.

The random number generator is put back to its state at the forward pass before re-running
(``preserve_rng_state``), so that dropout draws the same mask twice.
"""
import contextlib
import warnings

import numpy as np

from .. import random as _random
from ..autograd import grad_mode, engine
from ..autograd.function import Function
from ..autograd.graph import saved_tensors_hooks
from ..tensor import Tensor, _make

_REENTRANT_DEFAULT_WARNING = (
    "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in PyTorch 2.9, "
    "calling checkpoint without use_reentrant will raise an exception. use_reentrant=False is recommended, but "
    "if you need to preserve the current default behavior, you can pass use_reentrant=True. Refer to docs for "
    "more details on the differences between the two variants.")


class CheckpointError(RuntimeError):
    """The recomputation did not save what the forward pass saved (a non-deterministic function)."""


def noop_context_fn():
    return contextlib.nullcontext(), contextlib.nullcontext()


def checkpoint(function=None, *args, use_reentrant=None, preserve_rng_state=True, context_fn=noop_context_fn,
               determinism_check="default", early_stop=True, **kwargs):
    """``function(*args, **kwargs)``, keeping none of its saved tensors; backward recomputes them.
    ``checkpoint(use_reentrant=False)`` alone is a decorator."""
    if function is None and not args:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        return lambda fn: (lambda *a, **k: checkpoint(fn, *a, use_reentrant=use_reentrant,
                                                      preserve_rng_state=preserve_rng_state, context_fn=context_fn,
                                                      determinism_check=determinism_check, early_stop=early_stop,
                                                      **k))
    if use_reentrant is None:
        warnings.warn(_REENTRANT_DEFAULT_WARNING, stacklevel=2)
        use_reentrant = True
    if determinism_check not in ("default", "none"):
        raise ValueError(f"determinism_check should be one of ['default', 'none'], but got {determinism_check}")
    if use_reentrant:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        if context_fn is not noop_context_fn:
            raise ValueError("Passing `context_fn`, `debug`, or `respect_saved_tensors_hooks` is only supported "
                             "when use_reentrant=False.")
        return CheckpointFunction.apply(function, preserve_rng_state, *args)
    frame = _Frame(function, args, kwargs, preserve_rng_state, context_fn, determinism_check == "default",
                   early_stop)
    forward_context, _ = context_fn()
    with saved_tensors_hooks(frame.pack, frame.unpack), forward_context:
        return function(*args, **kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Run ``functions`` (a list or an ``nn.Sequential``) on ``input`` in ``segments`` parts, checkpointing
    all but the last part (its output is what backward starts from)."""
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be passed "
                      "explicitly. In version 2.9 we will raise an exception if use_reentrant is not passed. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default "
                      "behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
                      "differences between the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if hasattr(functions, "children"):  # an nn.Sequential: its layers
        functions = list(functions.children())

    def run(start, end):
        def forward(x):
            for f in functions[start:end + 1]:
                x = f(x)
            return x
        return forward

    size = len(functions) // segments
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant, preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1)(input)


class _StopRecomputation(Exception):
    """Raised inside the recomputation once it has saved everything the forward pass saved (early stop)."""


class _Placeholder:
    """What a node keeps for a tensor saved inside a non-reentrant checkpoint: its number, nothing else."""
    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


class _Frame:
    """One non-reentrant checkpointed call: numbers the tensors its forward saves, and recomputes them."""

    def __init__(self, function, args, kwargs, preserve_rng_state, context_fn, check, early_stop):
        self.function, self.kwargs = function, kwargs
        self.context_fn, self.check, self.early_stop = context_fn, check, early_stop
        # the arguments are kept as the saved tensors of a node of their own (as torch does), so that outer
        # hooks see them and they go with the graph; the rest of the call keeps nothing
        self.args = [None if isinstance(a, Tensor) else a for a in args]
        dummy = _make(np.empty(0)).requires_grad_()  # requires grad: the node is recorded whatever the args
        self.saver = _SaveInputs.apply(dummy, *[a for a in args if isinstance(a, Tensor)]).grad_fn
        self.rng_state = _random.get_rng_state() if preserve_rng_state else None
        self.metadata = []    # (shape, dtype) of each tensor the forward saved, by number
        self.recomputed = {}  # number -> recomputed tensor, until it is unpacked

    def pack(self, t):
        self.metadata.append((tuple(t.shape), t.dtype))
        return _Placeholder(len(self.metadata) - 1)

    def unpack(self, placeholder):
        if placeholder.index not in self.recomputed:
            self.recompute()
        t = self.recomputed.pop(placeholder.index, None)
        if t is None:
            raise CheckpointError("torch.utils.checkpoint: Unpack is being triggered for a tensor that was already "
                                  "unpacked once. If you are calling ctx.saved_tensors in backward, make sure to do "
                                  "so only once. Otherwise please open an issue with details on your use case.")
        return t

    def recompute(self):
        """Run the function again, as the forward pass ran it, collecting what its operations save."""
        recomputed, saved = {}, [0]

        def collect(t):
            i = saved[0]
            saved[0] += 1
            if i >= len(self.metadata):
                raise CheckpointError("torch.utils.checkpoint: trying to save more tensors during recomputation "
                                      "than during the original forward pass.")
            recomputed[i] = t.detach()  # its values; the node reconnects it to the graph
            if self.early_stop and saved[0] == len(self.metadata):
                raise _StopRecomputation
            return None

        _, recompute_context = self.context_fn()
        state = _random.get_rng_state()
        try:
            if self.rng_state is not None:
                _random.set_rng_state(self.rng_state)
            with saved_tensors_hooks(collect, lambda _: None), grad_mode.enable_grad(), recompute_context:
                self.function(*self._arguments(), **self.kwargs)
        except _StopRecomputation:
            pass
        finally:
            _random.set_rng_state(state)
        if self.check:
            self._check(recomputed)
        self.recomputed = recomputed

    def _arguments(self):
        tensors = iter(self.saver.saved_tensors)
        return [next(tensors) if a is None else a for a in self.args]

    def _check(self, recomputed):
        """torch's determinism check: the same number of tensors, with the same shapes and dtypes."""
        if len(recomputed) != len(self.metadata):
            raise CheckpointError(f"torch.utils.checkpoint: A different number of tensors was saved during the "
                                  f"original forward and recomputation.\nNumber of tensors saved during forward: "
                                  f"{len(self.metadata)}\nNumber of tensors saved during recomputation: "
                                  f"{len(recomputed)}.")
        different = ""
        for i, (shape, dtype) in enumerate(self.metadata):
            t = recomputed[i]
            if (tuple(t.shape), t.dtype) != (shape, dtype):
                different += (f"tensor at position {i}:\nsaved metadata: {{'shape': {shape}, 'dtype': {dtype}}}\n"
                              f"recomputed metadata: {{'shape': {tuple(t.shape)}, 'dtype': {t.dtype}}}\n")
        if different:
            raise CheckpointError("torch.utils.checkpoint: Recomputed values for the following tensors have "
                                  f"different metadata than during the forward pass.\n{different}.")


class _SaveInputs(Function):
    """A node that only keeps the tensor arguments of a checkpointed call as its saved tensors (never run by
    backward: nothing depends on its empty output)."""

    # torch 2's style (forward without ctx), which the minitorch.func transforms accept
    @staticmethod
    def forward(dummy, *tensors):
        return dummy.new_empty((0,))

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(*inputs[1:])

    @staticmethod
    def vmap(info, in_dims, dummy, *tensors):
        """Under func.vmap: the batches kept (the output, empty, is the same for every sample)."""
        return _SaveInputs.apply(dummy, *tensors), None

    @staticmethod
    def backward(ctx, *grads):
        raise AssertionError("Did not expect to backward on this graph")


class CheckpointFunction(Function):
    """The re-entrant checkpoint: forward without a graph; backward re-runs the function with one and
    backpropagates through it (a backward pass inside this node's backward)."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        ctx.run_function = run_function
        ctx.rng_state = _random.get_rng_state() if preserve_rng_state else None
        ctx.tensor_positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.inputs = [None if isinstance(a, Tensor) else a for a in args]
        ctx.save_for_backward(*[a for a in args if isinstance(a, Tensor)])
        if not any(a.requires_grad for a in args if isinstance(a, Tensor)):
            warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=4)
        with grad_mode.no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        if not engine.is_checkpoint_valid():
            raise RuntimeError("When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad() or "
                               "passing an `inputs` parameter to .backward(). To resolve this error, you can either "
                               "set use_reentrant=False, or call .backward() without passing the `inputs` argument.")
        inputs = list(ctx.inputs)
        for i, t in zip(ctx.tensor_positions, ctx.saved_tensors):
            inputs[i] = t.detach().requires_grad_(t.requires_grad)
        state = _random.get_rng_state()
        try:
            if ctx.rng_state is not None:
                _random.set_rng_state(ctx.rng_state)
            with grad_mode.enable_grad():
                outputs = ctx.run_function(*inputs)
        finally:
            _random.set_rng_state(state)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grads) if isinstance(o, Tensor) and o.requires_grad]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        from ..autograd import backward
        backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None) + tuple(inputs[i].grad if isinstance(inputs[i], Tensor) else None
                                    for i in range(len(inputs)))
