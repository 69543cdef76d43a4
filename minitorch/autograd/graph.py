"""``torch.autograd.graph``'s saved-tensor hooks: what happens to the tensors a graph keeps for backward.

Every operation that needs its inputs (or output) in backward keeps them in its node: that is where the
memory of training goes (``x * w`` keeps both ``x`` and ``w`` until backward). Inside
``with saved_tensors_hooks(pack, unpack):`` a node keeps ``pack(tensor)`` instead, whatever it is, and
backward gets ``unpack(packed)`` back. This is the mechanism under activation checkpointing
(``minitorch.utils.checkpoint``: pack keeps nothing, unpack recomputes), offloading (``save_on_cpu``) and
memory accounting (a pack hook that adds up ``nbytes``).

As in torch, the hooks in force when a tensor is saved are the ones used for it (the innermost pair);
in-place changes of a tensor saved through hooks are not detected (the hooks decide what is kept).
"""
from .. import tensor as _tensor
from . import grad_mode

hooks = []          # stack of (pack, unpack): the innermost pair packs what nodes save
_disabled = []      # stack of messages: disable_saved_tensors_hooks


class saved_tensors_hooks:
    """``with saved_tensors_hooks(pack_hook, unpack_hook):`` - tensors saved for backward inside the block
    are kept as ``pack_hook(tensor)`` and given back to backward as ``unpack_hook(packed)`` (a Tensor)."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self):
        if _disabled:
            raise RuntimeError(_disabled[-1])
        hooks.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc):
        hooks.pop()


class save_on_cpu(saved_tensors_hooks):
    """``save_on_cpu(pin_memory=False)``: saved tensors are moved to the CPU and back to their device in
    backward. minitorch's tensors are all on the CPU, so each is kept as a copy of its values (what the
    move amounts to here); ``pin_memory`` has no meaning without a GPU."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        super().__init__(lambda t: t.detach().clone(), lambda t: t)


class disable_saved_tensors_hooks:
    """``with disable_saved_tensors_hooks(message):`` - entering ``saved_tensors_hooks`` inside raises
    ``RuntimeError(message)`` (for code that must know what its graph keeps)."""

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        if hooks:  # hooks already in force cannot be disabled: torch raises the message itself
            raise RuntimeError(self.error_message)
        _disabled.append(self.error_message)
        return self

    def __exit__(self, *exc):
        _disabled.pop()


# -- used by autograd/function.py's _save and Node.saved_tensors --------------------------------------------
def pack_saved(node, saved, outputs, results):
    """Keep ``pack(t)`` for each saved tensor ``t`` of ``node``, with what it takes to reconnect the
    unpacked tensor to the graph: the output it is (``outputs``: (index, output_nr)), or the input's edge."""
    pack, unpack = hooks[-1]
    output_nr = dict(outputs)
    packed, edges = [], []
    for i, t in enumerate(saved):
        if t is None:
            packed.append(None)
            edges.append(None)
            continue
        given = results[output_nr[i]] if i in output_nr else t  # the hook sees the output itself, as torch's
        version = given._vc[0]
        with grad_mode.no_grad():  # as torch: what the hook computes is not recorded (nor saved, nor packed)
            packed.append(pack(given))
        if given._vc[0] != version:
            raise RuntimeError("A saved tensor pack hook is modifying its input in place. Tensors provided as input "
                               "to pack hook cannot be modified by in-place operations as this can lead to "
                               "unexpected side-effects. Please open an issue if you need to perform in-place "
                               "operations on the input to a pack hook.")
        edges.append(None if i in output_nr else (t.grad_fn, t._output_nr, t._requires_grad, t._acc))
    node._saved = tuple(packed)
    node._saved_versions = ()
    node._unpack = unpack
    node._saved_edges = edges


def unpack_saved(node):
    """The tensors ``node`` saved, through the unpack hook, each reconnected where the original was."""
    output_nr = dict(node._saved_outputs)
    tensors = []
    for i, packed in enumerate(node._saved):
        if packed is None:
            tensors.append(None)
            continue
        t = node._unpack(packed)
        if not isinstance(t, _tensor.Tensor):
            raise TypeError(f"Output of saved tensor unpack_hook expected to be a Tensor but got result of type "
                            f"{type(t).__name__}")
        alias = _tensor._make(t._data)
        alias._vc = t._vc
        if i in output_nr:
            if grad_mode.STATE.enabled:  # create_graph: the output leads back to this very node
                alias.grad_fn, alias._output_nr, alias._requires_grad = node, output_nr[i], True
        else:  # an input: the same edge as the tensor that was saved (its grad_fn, or its leaf's AccumulateGrad)
            alias.grad_fn, alias._output_nr, alias._requires_grad, alias._acc = node._saved_edges[i]
        tensors.append(alias)
    return tuple(tensors)
