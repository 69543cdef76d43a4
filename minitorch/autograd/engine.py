"""The backward engine: runs the vector-Jacobian products of the graph in reverse topological order.

``loss.backward()`` comes here (``run_backward``). The steps, all iterative (no recursion, so a graph
of any depth works):

1. Discover the nodes reachable from the outputs and count, for each, how many edges lead into it.
2. Start with the outputs' gradients (``gradient``, or 1 for a scalar). A node is *ready* when every
   edge into it has delivered its gradient; ready nodes run newest-first (by creation order), like
   torch's engine.
3. Running a node: add up the gradients that arrived for each of its outputs, call its backward (the
   VJP), then send each resulting gradient along its edge. A gradient that arrives with the shape of a
   broadcast result is summed back to the input's shape here, so the VJPs need not do it.
4. ``AccumulateGrad`` nodes (leaves) add the gradient into ``tensor.grad``.
5. Unless ``retain_graph``, each node frees what it saved once it has run.
"""
import heapq

from . import grad_mode
from .function import AccumulateGrad, edge_of

_observers = []  # callbacks (node, grads_in, grads_out) used by autograd.explain() and anomaly mode


def run_backward(outputs, grad_outputs, retain_graph=None, create_graph=False, inputs=None,
                 allow_unused=True, accumulate=True):
    """Backpropagate from ``outputs`` (with ``grad_outputs``).

    accumulate=True: ``Tensor.backward`` - add into ``.grad`` of the leaves (only of ``inputs`` if given).
    accumulate=False: ``autograd.grad`` - return the gradients of ``inputs``; ``.grad`` is untouched.
    """
    if retain_graph is None:
        retain_graph = create_graph
    roots = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not out.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        roots.append((edge_of(out), g))

    # where the wanted gradients arrive: the leaf's AccumulateGrad node, or (grad_fn, output_nr)
    targets = {}
    if inputs is not None:
        for i, t in enumerate(inputs):
            if not t.requires_grad:
                raise RuntimeError(f"One of the differentiated Tensors does not require grad")
            targets.setdefault(edge_of(t), []).append(i)
    captured = [None] * (len(inputs) if inputs is not None else 0)

    dependencies = _count_dependencies([e[0] for e, _ in roots])
    needed = _needed_nodes(dependencies, targets) if inputs is not None else None

    buffers = {}      # node -> list of summed gradients, one slot per output of the node
    ready = []        # heap of (-sequence_nr, tiebreak, node)
    for (node, nr), g in roots:
        _add_to_buffer(buffers, node, nr, g)
    for node in {id(e[0]): e[0] for e, _ in roots}.values():
        if dependencies.get(node, 0) == 0:
            heapq.heappush(ready, (-node._seq, id(node), node))

    previous_mode = grad_mode.STATE.enabled
    grad_mode.STATE.enabled = create_graph   # the VJPs record a graph only for higher-order gradients
    try:
        while ready:
            _, _, node = heapq.heappop(ready)
            grads = buffers.pop(node, None) or [None]
            if isinstance(node, AccumulateGrad):
                _leaf(node, grads[0], targets, captured, accumulate, inputs, create_graph)
                continue
            grads = _call_pre_hooks(node, grads)
            if targets:
                for nr, g in enumerate(grads):
                    for i in targets.get((node, nr), ()):
                        captured[i] = g
                        if accumulate:
                            _accumulate(inputs[i], g, create_graph)
            edges = node.next_functions
            if needed is not None and node not in needed:
                continue
            if all(g is None for g in grads):
                grads_in = [None] * len(edges)
            else:
                grads = _materialize(node, grads)
                grads_in = node._run_backward(grads)
                if node._hooks:
                    for hook in node._hooks:
                        hook(grads_in, grads)
                for observer in _observers:
                    observer(node, grads, grads_in)
            if not retain_graph:
                node._release()
            for (child, nr), g, meta in zip(edges, grads_in, node._input_meta):
                if child is None:
                    continue
                if g is not None:
                    _add_to_buffer(buffers, child, nr, _fit_to_input(node, g, meta))
                dependencies[child] -= 1
                if dependencies[child] == 0 and (needed is None or child in needed):
                    heapq.heappush(ready, (-child._seq, id(child), child))
    finally:
        grad_mode.STATE.enabled = previous_mode

    if inputs is not None and not accumulate and not allow_unused:
        for i, g in enumerate(captured):
            if g is None:
                raise RuntimeError("One of the differentiated Tensors appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
    return captured


def _count_dependencies(roots):
    """For every node reachable from ``roots``: how many edges point into it (iterative DFS)."""
    dependencies = {}
    seen = set()
    stack = [n for n in roots if n is not None]
    for n in stack:
        seen.add(n)
    while stack:
        node = stack.pop()
        for child, _ in node.next_functions:
            if child is None:
                continue
            dependencies[child] = dependencies.get(child, 0) + 1
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return dependencies


def _needed_nodes(dependencies, targets):
    """Nodes from which some target is reachable: only they must run for ``autograd.grad``."""
    target_nodes = {node for node, _ in targets}
    nodes = set(dependencies) | target_nodes
    # parents of each node, to walk from the targets back up to the outputs
    parents = {}
    for node in list(nodes):
        for child, _ in node.next_functions:
            if child is not None:
                parents.setdefault(child, []).append(node)
    needed = set()
    stack = list(target_nodes)
    while stack:
        node = stack.pop()
        if node in needed:
            continue
        needed.add(node)
        stack.extend(parents.get(node, ()))
    # roots: nodes with no parents in the discovered graph are always started
    return needed


def _add_to_buffer(buffers, node, nr, g):
    slots = buffers.get(node)
    if slots is None:
        n = len(node._out_meta) if node._out_meta else 1
        slots = buffers[node] = [None] * n
    slots[nr] = g if slots[nr] is None else slots[nr] + g


def _materialize(node, grads):
    """Outputs of a multi-output node that received no gradient get zeros (as torch does)."""
    if node._out_meta is None or all(g is not None for g in grads):
        return grads
    from ..tensor import _make
    import numpy as np
    return [_make(np.zeros(meta[0], meta[1])) if g is None and meta else g
            for g, meta in zip(grads, node._out_meta)]


def _fit_to_input(node, g, meta):
    """Reduce a gradient to its input's shape (undo broadcasting) and dtype."""
    shape, dtype = meta
    if g._data.shape != shape:
        try:
            g = g.sum_to_size(shape)
        except (RuntimeError, ValueError):
            raise RuntimeError(f"Function {node.name()} returned an invalid gradient - got "
                               f"{list(g.shape)} but expected shape compatible with {list(shape)}") from None
    if g._data.dtype != dtype:
        g = g.to(_dtype_of(dtype))
    return g


def _dtype_of(np_dtype):
    from .._dtype import from_numpy_dtype
    return from_numpy_dtype(np_dtype)


def _call_pre_hooks(node, grads):
    hooks = node._pre_hooks
    if hooks:
        for hook in hooks:
            result = hook(tuple(grads))
            if result is not None:
                grads = list(result)
    tensor_hooks = node.__dict__.get("_tensor_hooks")
    if tensor_hooks:  # Tensor.register_hook on a non-leaf output of this node
        grads = list(grads)
        for nr, hooks in tensor_hooks.items():
            for hook in hooks:
                if grads[nr] is not None:
                    result = hook(grads[nr])
                    if result is not None:
                        grads[nr] = result
    retained = node._retained
    if retained:  # Tensor.retain_grad on a non-leaf output of this node
        for nr, ref in retained.items():
            t = ref()
            if t is not None and grads[nr] is not None:
                g = grads[nr] if grad_mode.STATE.enabled else grads[nr].detach()
                t._grad = g.clone() if t._grad is None else t._grad + g
    return grads


def _leaf(node, g, targets, captured, accumulate, inputs, create_graph):
    """A leaf's AccumulateGrad node: run its tensor hooks, then store or capture the gradient."""
    if g is None:
        return
    var = node.variable
    for hook in var._hooks or ():
        result = hook(g)
        if result is not None:
            g = result
    for observer in _observers:
        observer(node, [g], [])
    if targets:
        for i in targets.get((node, 0), ()):
            captured[i] = g
        if (node, 0) not in targets:
            return
    if accumulate:
        _accumulate(var, g, create_graph)


def _accumulate(var, g, create_graph):
    """``var.grad += g``: in place normally; out of place under create_graph, to keep g's graph."""
    if var._grad is None:
        var._grad = g if create_graph else g.detach().clone()
    elif create_graph:
        var._grad = var._grad + g
    else:
        var._grad._data += g._data
