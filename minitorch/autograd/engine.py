"""The backward engine: runs the vector-Jacobian products of the graph in reverse topological order.

``loss.backward()`` and ``autograd.grad`` come here (``run_backward``). The steps, all iterative (no
recursion, so a graph of any depth works):

1. Discover the nodes reachable from the outputs and count, for each, how many edges lead into it.
2. Start with the outputs' gradients. A node is *ready* when every edge into it has delivered its
   gradient; ready nodes run newest-first (by creation order), like torch's engine.
3. Running a node: the gradients that arrived for each of its outputs were summed in its buffer; its
   backward (the VJP) maps them to one gradient per input, which is sent along the input's edge. A
   gradient that arrives with the shape of a broadcast result is summed back to the input's shape here,
   so the VJPs need not do it.
4. ``AccumulateGrad`` nodes (leaves) add the gradient into ``tensor.grad``.
5. Unless ``retain_graph``, each node frees what it saved once it has run.

``run_backward`` is those five steps. Around them, behind helpers with their own section below:
``autograd.grad`` and ``backward(inputs=...)`` (``_Wanted``: run only the part of the graph that leads
to the inputs, capture their gradients), hooks (``_before_vjp``, ``_vjp``, ``_leaf``), and the learner
tools (``observers``).
"""
import heapq
import itertools
import warnings

import numpy as np

from . import grad_mode
from .function import AccumulateGrad, edge_of
from .._dtype import from_numpy_dtype, tp_name
# minitorch.tensor is being imported when this module is; it is complete by the time backward runs
from .. import tensor as _tensor


def run_backward(outputs, grad_outputs, retain_graph=None, create_graph=False, inputs=None,
                 allow_unused=True, accumulate=True):
    """Backpropagate from ``outputs`` (which require grad) with the gradients ``grad_outputs``.

    accumulate=True: ``backward`` - add into ``.grad`` of the leaves (only of ``inputs`` if given).
    accumulate=False: ``autograd.grad`` - return the gradients of ``inputs``; ``.grad`` is untouched.
    """
    if retain_graph is None:
        retain_graph = create_graph
    _warn_if_leaky(accumulate, create_graph)
    roots = [(edge_of(t), g) for t, g in zip(outputs, grad_outputs)]
    root_nodes = list({id(node): node for (node, _), _ in roots}.values())
    dependencies, parents = _discover(root_nodes, with_parents=inputs is not None)      # step 1
    wanted = _Wanted(inputs, parents, accumulate)
    buffers = {}  # node -> one summed gradient (or None) per output of the node             # step 2
    for (node, nr), g in roots:
        _add_to_buffer(buffers, node, nr, g)
    ready = []  # heap of (-creation order, tiebreak, node)
    order = itertools.count()  # tiebreak for equal orders (leaves): the order they got ready, as torch
    for node in root_nodes:
        if node not in dependencies and wanted.reaches(node):
            heapq.heappush(ready, (-node._seq, next(order), node))
    reach = wanted.reach
    with _BackwardMode(create_graph, roots, accumulate, wanted) as mode:
        while ready:
            node = mode.node = heapq.heappop(ready)[2]
            grads = buffers.pop(node, None) or _nothing_for(node)
            if type(node) is AccumulateGrad:                                             # step 4
                _leaf(node, grads[0], wanted, accumulate, create_graph)
                continue
            if wanted.targets or node._tensor_hooks or node._retained:
                grads = _before_vjp(node, grads, wanted)  # the output tensors' hooks; capture for grad()
                if grads is None:  # visited only to capture an input's gradient
                    continue
            grads_in = _vjp(node, grads)                                                   # step 3
            if not retain_graph:                                                           # step 5
                node._release()
            i = -1
            for child, nr in node.next_functions:
                i += 1
                if child is None:
                    continue
                g = grads_in[i]
                if g is not None:
                    if (g._data.shape, g._data.dtype) != node._input_meta[i]:  # (a call only where it has work)
                        g = _fit_to_input(node, i, g)
                    if child in buffers or child._out_meta is not None:
                        _add_to_buffer(buffers, child, nr, g)
                    else:  # the first gradient for a one-output node (the commonest case, inlined)
                        buffers[child] = [g]
                count = dependencies[child] = dependencies[child] - 1
                if count == 0 and (reach is None or child in reach):  # (wanted.reaches, inlined: every edge)
                    heapq.heappush(ready, (-child._seq, next(order), child))
    return wanted.gradients(allow_unused)


def _discover(roots, with_parents):
    """For every node reachable from ``roots``: how many edges point into it, and (if asked) the nodes
    they come from. Iterative depth-first search; a node is pushed when it is first counted (a root only
    once, at the start)."""
    dependencies = {}
    parents = {} if with_parents else None
    stack, roots = list(roots), set(roots)
    while stack:
        node = stack.pop()
        for child, _ in node.next_functions:
            if child is None:
                continue
            if with_parents:
                parents.setdefault(child, []).append(node)
            if child in dependencies:
                dependencies[child] += 1
            else:
                dependencies[child] = 1
                if child not in roots:
                    stack.append(child)
    return dependencies, parents


def _nothing_for(node):
    """The buffer of a node no gradient reached (a VJP returned None for it): it still runs, and its hooks
    see None, as torch's do."""
    return [None] * (len(node._out_meta) if node._out_meta else 1)


def _add_to_buffer(buffers, node, nr, g):
    """Sum ``g`` into the buffer of output ``nr`` of ``node``: a tensor used twice gets both gradients."""
    slots = buffers.get(node)
    if slots is None:
        if node._out_meta is None:  # the first gradient for a one-output node: nothing to add it to
            buffers[node] = [g]
            return
        slots = buffers[node] = _nothing_for(node)
    if slots[nr] is None:
        slots[nr] = g
    elif grad_mode.STATE.enabled:  # create_graph: the sum is part of the recorded backward pass
        slots[nr] = slots[nr] + g
    else:  # both are the gradient of one tensor: same shape and dtype
        slots[nr] = _tensor._make(slots[nr]._data + g._data)


def _vjp(node, grads):
    """Step 3: the node's backward (its VJP) on the gradients of its outputs - one gradient (or None) per
    input - with the node's own hooks before and after it."""
    edges = node.next_functions
    for hook in node._pre_hooks or ():
        grads = list(_hooked(hook, grads, hook(tuple(grads))))
    if grads[0] is None and _nothing(grads):  # nothing arrived: nothing to send on
        grads_in = [None] * len(edges)
    else:
        if node._out_meta:
            grads = _materialize(node, grads)
        if observers:  # learner tools (see _observe)
            _observe("run", node, grads)
        grads_in = node._run_backward(grads)
        if len(grads_in) != len(edges):
            raise RuntimeError(f"function {node.name()} returned an incorrect number of gradients "
                               f"(expected {len(edges)}, got {len(grads_in)})")
    for hook in node._hooks or ():
        grads_in = _hooked(hook, grads_in, hook(tuple(grads_in), tuple(grads)))
    if observers:  # learner tools (see _observe); anomaly mode's NaN check raises here
        _observe("ran", node, grads, grads_in)
    return grads_in


def _nothing(grads):
    """No gradient arrived (not ``grads.count(None)``: that would compare each Tensor with ``==``)."""
    for g in grads:
        if g is not None:
            return False
    return True


def _materialize(node, grads):
    """Outputs of a multi-output node that received no gradient get zeros (as torch does), unless the
    Function asked for None with ``ctx.set_materialize_grads(False)``."""
    if not node.materialize_grads:
        return grads
    return [_tensor._make(np.zeros(*meta)) if g is None and meta else g for g, meta in zip(grads, node._out_meta)]


def _fit_to_input(node, i, g):
    """Reduce the gradient for input ``i`` of ``node`` to the input's shape (undo broadcasting) and dtype."""
    shape, dtype = node._input_meta[i]
    if g._data.shape != shape:
        try:
            g = g.sum_to_size(shape)
        except (RuntimeError, ValueError):
            raise RuntimeError(f"Function {node.name()} returned an invalid gradient at index {i} - got "
                               f"{list(g.shape)} but expected shape compatible with {list(shape)}") from None
    if g._data.dtype != dtype:
        g = g.to(from_numpy_dtype(dtype))
    return g


def _leaf(node, g, wanted, accumulate, create_graph):
    """Step 4, a leaf's AccumulateGrad node: the tensor's hooks, then accumulate into ``.grad`` (with the
    node's own hooks around it), or, for ``autograd.grad``, capture the gradient. Where no gradient arrived
    (g is None) the hooks still run, as torch's, and nothing is added."""
    if observers:  # learner tools (see _observe)
        _observe("leaf", node, g)
    var = node.variable
    for hook in var._hooks or ():
        result = hook(g)
        if result is not None:
            _check_hook_result(hook, g, result)
            g = result
    if not accumulate:
        wanted.capture(node, (g,))
        return
    for hook in node._pre_hooks or ():
        g, = _hooked(hook, (g,), hook((g,)))
    if g is not None:
        _accumulate(var, g, create_graph)
    for hook in node._hooks or ():
        hook((), (g,))


def _accumulate(var, g, create_graph):
    """``var.grad += g`` as torch's AccumulateGrad does it: a copy the first time; then in place, or out
    of place under create_graph so that ``.grad`` keeps its graph."""
    if var._grad is None:
        if create_graph:
            var._grad = _tensor._make(np.empty_like(g._data)).copy_(g)  # recorded: CopyBackwards
        else:
            var._grad = _tensor._make(np.array(g._data))
    elif create_graph:
        var._grad = var._grad + g
    else:
        var._grad._data += g._data
        var._grad._vc[0] += 1


# -- autograd.grad and backward(inputs=...): only the part of the graph that leads to the inputs ----------
class _Wanted:
    """What the caller wants from this pass. With ``inputs`` (``autograd.grad``, ``backward(inputs=...)``):
    only the nodes with a path to an input's node are visited, only those with such a child run their
    backward, and each input's gradient is captured where it arrives. Without: every node runs."""

    def __init__(self, inputs, parents, accumulate):
        self.targets = {}  # edge along which an input's gradient arrives -> positions of that input in `inputs`
        for i, t in enumerate(inputs or ()):
            self.targets.setdefault(edge_of(t), []).append(i)
        self.captured = [None] * len(inputs or ())
        self.reach = self.execute = None
        if inputs is not None:
            self.reach, self.execute = _restrict(self.targets, parents)
            if accumulate:  # as torch: backward(inputs=...) also runs the nodes of non-leaf inputs themselves
                self.execute.update(node for node, _ in self.targets)

    def reaches(self, node):
        """Whether the pass visits ``node`` at all."""
        return self.reach is None or node in self.reach

    def runs(self, node):
        """Whether ``node``'s backward runs (not only its capture)."""
        return self.execute is None or node in self.execute

    def capture(self, node, grads):
        """Keep the gradients arriving at ``node`` that are the gradients of an input."""
        for nr, g in enumerate(grads):
            for i in self.targets.get((node, nr), ()):
                self.captured[i] = g

    def gradients(self, allow_unused):
        """The captured gradients of the inputs, in order (``autograd.grad``'s result)."""
        if not allow_unused:
            for i, g in enumerate(self.captured):
                if g is None:
                    raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used "
                                       f"in the graph. Set allow_unused=True if this is the desired behavior.")
        return self.captured


def _restrict(targets, parents):
    """The part of the graph that ``autograd.grad`` (or ``backward(inputs=...)``) needs.

    ``reach``: the nodes with a path to some input's node, those nodes included - only they are visited.
    ``execute``: the nodes of ``reach`` whose backward must run, i.e. that have a child in ``reach``.
    """
    reach = set()
    stack = [node for node, _ in targets]
    while stack:
        node = stack.pop()
        if node not in reach:
            reach.add(node)
            stack.extend(parents.get(node, ()))
    execute = {node for node in reach if any(child in reach for child, _ in node.next_functions)}
    return reach, execute


# -- hooks: Tensor.register_hook / retain_grad, Node.register_prehook / register_hook ---------------------
def _before_vjp(node, grads, wanted):
    """What happens to the gradients of a node's outputs before its VJP: the output tensors' hooks run,
    and an input's gradient is captured for ``autograd.grad`` (before those hooks where the node runs on,
    after them where the node is visited only for the capture, as torch). Returns None in that last case."""
    runs = wanted.runs(node)
    if wanted.targets and runs:
        wanted.capture(node, grads)
    if node._tensor_hooks or node._retained:
        grads = _tensor_pre_hooks(node, grads)
    if not runs:
        wanted.capture(node, grads)
        return None
    return grads


def _tensor_pre_hooks(node, grads):
    """Hooks of the node's output tensors: ``Tensor.register_hook`` (may replace the gradient), then
    ``Tensor.retain_grad`` (keeps the final gradient in ``.grad``), in torch's order."""
    grads = list(grads)
    for nr, hooks in (node._tensor_hooks or {}).items():
        for hook in hooks:  # called with None too, where no gradient arrived, as torch does
            result = hook(grads[nr])
            if result is not None:
                _check_hook_result(hook, grads[nr], result)
                grads[nr] = result
    for nr, ref in (node._retained or {}).items():
        t = ref()
        if t is not None and grads[nr] is not None:
            # as torch: a copy the first time, then out of place (both recorded under create_graph)
            t._grad = grads[nr].clone() if t._grad is None else t._grad + grads[nr]
    return grads


def _hook_name(hook):
    """How torch names a hook in its errors: its ``__name__`` (``<lambda>`` for a lambda), else ``<unknown>``."""
    return getattr(hook, "__name__", "<unknown>")


def _hooked(hook, old, new):
    """What a node hook returned, in place of the gradients ``old`` (None keeps them), checked like torch."""
    if new is None:
        return old
    if not isinstance(new, tuple):  # torch takes a tuple only, even of one gradient
        raise TypeError(f"expected tuple, but hook returned '{tp_name(type(new))}'")
    if len(new) != len(old):
        raise RuntimeError(f"hook '{_hook_name(hook)}' has returned an incorrect number of "
                           f"values (got {len(new)}, but expected {len(old)})")
    for g, h in zip(old, new):
        _check_hook_result(hook, g, h)
    return new


def _check_hook_result(hook, old, new):
    """torch's check of a gradient a hook put in place of ``old``: a Tensor of the same type (dtype) and size.
    Without it, a hook that changes the size would give a leaf a ``.grad`` of another shape, which an
    optimizer would then broadcast into a wrong update."""
    if new is None:
        return
    if old is None:
        raise RuntimeError("can't replace a None gradient with a non-None value")
    if not isinstance(new, _tensor.Tensor):
        raise TypeError(f"expected Variable, but hook returned '{tp_name(type(new))}'")
    if new._data.dtype != old._data.dtype:
        raise RuntimeError(f"hook '{_hook_name(hook)}' has changed the type of value (was "
                           f"{old.dtype.tensor_type} got {new.dtype.tensor_type})")
    if new._data.shape != old._data.shape:
        raise RuntimeError(f"hook '{_hook_name(hook)}' has changed the size of value")


# -- the setting a pass runs in, and the learner tools that watch it ------------------------------------------
CREATE_GRAPH_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter and its "
    "gradient which can cause a memory leak. We recommend using autograd.grad when creating the graph to "
    "avoid this. If you have to use this function, make sure to reset the .grad fields of your parameters "
    "to None after use to break the cycle and avoid the leak.")
_warned = []  # torch gives the create_graph warning once per process


def _warn_if_leaky(accumulate, create_graph):
    """``backward(create_graph=True)``: torch's warning about the cycle between a parameter and its
    ``.grad``, once per process."""
    if accumulate and create_graph and not _warned:
        _warned.append(True)
        warnings.warn(CREATE_GRAPH_WARNING, UserWarning, stacklevel=5)


class _BackwardMode:
    """The setting of a pass: grad mode on only under create_graph (the VJPs record a graph only for
    higher-order gradients); NumPy's floating-point warnings off, because torch's backward is silent where
    a VJP divides by zero (sqrt at 0 gives inf; once per pass is cheap, per operation it would cost
    1.5 µs); and the learner tools told when the pass begins, fails (``node`` is the node running) and ends."""

    node = None

    def __init__(self, create_graph, roots, accumulate, wanted):
        self.create_graph, self.roots, self.accumulate = create_graph, roots, accumulate
        self.targeted = wanted.reach is not None

    def __enter__(self):
        if observers:  # learner tools (see _observe)
            _observe("begin", self.roots, self.accumulate)
        self.previous = grad_mode.STATE.enabled
        grad_mode.STATE.enabled = self.create_graph
        self.quiet = np.errstate(all="ignore")
        self.quiet.__enter__()
        _targeted.append(self.targeted)
        return self

    def __exit__(self, kind, error, traceback):
        try:
            if observers and isinstance(error, Exception):  # anomaly mode tells where the failing node was made
                _observe("failed", self.node, error)
        finally:
            _targeted.pop()
            self.quiet.__exit__(None, None, None)
            grad_mode.STATE.enabled = self.previous
            if observers:
                _observe("end")


_targeted = []  # per pass running (innermost last): whether it runs only toward given inputs


def is_checkpoint_valid():
    """``torch.autograd._is_checkpoint_valid``: False inside a pass that runs only toward given inputs
    (``autograd.grad``, ``backward(inputs=...)``), where the inner ``backward`` of a re-entrant checkpoint
    would accumulate into every leaf instead."""
    return not _targeted or not _targeted[-1]


# Objects that watch backward run (autograd/explain.py, autograd/anomaly_mode.py). Empty unless
# ``explain()`` or anomaly mode is on, so the normal path costs one falsy check per node.
observers = []


def _observe(event, *args):
    """Tell each observer what backward is doing; ``event`` names the method called:
    ``begin(roots, accumulate)`` once, ``run(node, grads)`` just before a node's VJP, ``ran(node, grads,
    grads_in)`` after it (before the gradients are sent on), ``leaf(node, grad)`` before a leaf's
    AccumulateGrad, ``failed(node, error)`` when backward raises, ``end()`` at the end."""
    for observer in tuple(observers):
        getattr(observer, event)(*args)
