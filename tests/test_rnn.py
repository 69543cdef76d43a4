"""Recurrent layers (nn.RNN, nn.LSTM, nn.GRU and their cells) and nn.utils.rnn, compared with torch.

Each module is built in both engines with torch's weights copied into minitorch's, run on the same float64
input (and initial state), and compared: outputs, final states, the gradient of the input, of the initial
state and of every parameter (through one random weighting of all outputs), the recorded graph (node by node,
as torch composes the layers on the CPU in float64), second derivatives, errors word for word and reprs.
float32 is compared too: there minitorch fuses the LSTM step into one node (``ThnnFusedLstmCellBackward0``),
whose VJP is also checked numerically, to second order. Dropout between layers is random (each engine has
its own generator), so it is checked at p=1, where it is not.
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import assert_close, same_error
from reference.interop import copy_weights
from minitorch.nn.functional.rnn import FusedLstmCell

LIBS = (minitorch, torch)


def twins(cls, *args, dtype=np.float64, **kwargs):
    """{lib: module} of ``nn.<cls>(*args, **kwargs)`` in both engines, with torch's weights in both."""
    torch.manual_seed(0)
    theirs = getattr(torch.nn, cls)(*args, **kwargs).to(getattr(torch, np.dtype(dtype).name))
    mine = getattr(minitorch.nn, cls)(*args, **kwargs).to(getattr(minitorch, np.dtype(dtype).name))
    return {minitorch: copy_weights(theirs, mine), torch: theirs}


def flat(out):
    """The tensors of a module's result ((output, hidden), (h, c), a PackedSequence, ...) in order."""
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in flat(o)]
    return [out]


def compare(cls, args, kwargs, x, hx=(), call=None, dtype=np.float64, compare_graphs=True):
    """Run ``call(lib, module, x, hx)`` (default: ``module(x, hx)``) in both engines on the same arrays and
    compare every output, the gradients of x, hx and the parameters, and (in float64) the graphs."""
    modules = twins(cls, *args, dtype=dtype, **kwargs)
    call = call or (lambda lib, m, x, hx: m(x, hx if len(hx) != 1 else hx[0]) if hx else m(x))
    results = {}
    for lib in LIBS:
        m = modules[lib]
        xt = lib.tensor(x.astype(dtype), requires_grad=True)
        hs = tuple(lib.tensor(h.astype(dtype), requires_grad=True) for h in hx)
        outs = [o for o in flat(call(lib, m, xt, hs)) if o.dtype.is_floating_point]
        rng = np.random.default_rng(1)
        loss = sum((o * lib.tensor(rng.standard_normal(tuple(o.shape)).astype(dtype))).sum() for o in outs)
        loss.backward()
        grads = [xt.grad] + [h.grad for h in hs] + [p.grad for p in m.parameters()]
        results[lib] = outs, grads, dag(*outs)
    (m_outs, m_grads, m_graphs), (t_outs, t_grads, t_graphs) = results[minitorch], results[torch]
    assert len(m_outs) == len(t_outs)
    for i, (a, b) in enumerate(zip(m_outs, t_outs)):
        assert tuple(a.shape) == tuple(b.shape), f"output {i}"
        assert_close(a, b, dtype, f"output {i}")
    for i, (a, b) in enumerate(zip(m_grads, t_grads)):
        assert (a is None) == (b is None), f"gradient {i}"
        if b is not None:
            assert_close(a, b, dtype, f"gradient {i}")
    if compare_graphs and dtype == np.float64:
        assert m_graphs == t_graphs
    return results


def dag(*outputs):
    """The backward graph below ``outputs`` as a list of (node name, [(child's number, output number)]),
    nodes numbered in the order a breadth-first walk meets them (each node once): two graphs are the same
    DAG exactly when their lists are equal. (harness.graph expands the DAG into a tree, which grows
    exponentially with an RNN's layers.)"""
    numbers, order, queue = {}, [], [o.grad_fn for o in outputs]
    for node in queue:
        if node is not None and node not in numbers:
            numbers[node] = len(order)
            order.append(node)
            queue.extend(child for child, _ in node.next_functions)
    return [(node.name(), [(None if child is None else numbers[child], nr) for child, nr in node.next_functions])
            for node in order]


def arrays(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes]


# -- whole sequences -------------------------------------------------------------------------------------------
LAYERS = [
    ("RNN", (3, 4), {}),
    ("RNN", (3, 4), {"nonlinearity": "relu", "num_layers": 2}),
    ("RNN", (3, 4), {"bias": False, "bidirectional": True, "batch_first": True}),
    ("GRU", (3, 4), {}),
    ("GRU", (3, 4), {"num_layers": 2, "bidirectional": True}),
    ("LSTM", (3, 4), {}),
    ("LSTM", (3, 4), {"num_layers": 3, "bias": False, "batch_first": True}),
    ("LSTM", (3, 5), {"num_layers": 2, "bidirectional": True, "proj_size": 2}),
]


def hidden_shapes(cls, kwargs, batch):
    layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    hidden = 5 if kwargs.get("proj_size") else 4
    shapes = [(layers, batch, kwargs.get("proj_size") or hidden)]
    if cls == "LSTM":
        shapes.append((layers, batch, hidden))
    return shapes


@pytest.mark.parametrize("cls,args,kwargs", LAYERS)
@pytest.mark.parametrize("initial", [False, True], ids=["zero state", "given state"])
def test_layer_matches_torch(cls, args, kwargs, initial):
    x_shape = (2, 5, 3) if kwargs.get("batch_first") else (5, 2, 3)
    hx = arrays(*hidden_shapes(cls, kwargs, 2), seed=1) if initial else ()
    compare(cls, args, kwargs, arrays(x_shape)[0], hx)


@pytest.mark.parametrize("cls,args,kwargs", LAYERS[::2])
def test_unbatched_input(cls, args, kwargs):
    hx = [s[:1] + s[2:] for s in hidden_shapes(cls, kwargs, 1)]
    compare(cls, args, kwargs, arrays((4, 3))[0], arrays(*hx, seed=2))
    compare(cls, args, kwargs, arrays((4, 3))[0])


@pytest.mark.parametrize("cls,args,kwargs", LAYERS[::3])
def test_float32(cls, args, kwargs):
    compare(cls, args, kwargs, arrays((5, 2, 3))[0].astype(np.float32), dtype=np.float32)


def test_float32_lstm_is_one_fused_node_per_step():
    m = minitorch.nn.LSTM(3, 4)
    out, (h, c) = m(minitorch.randn(6, 2, 3))
    names = [fn.name() for fn, _ in out.grad_fn.next_functions]
    assert out.grad_fn.name() == "StackBackward0" and names == ["ThnnFusedLstmCellBackward0"] * 6
    out64, _ = m.double()(minitorch.randn(6, 2, 3, dtype=minitorch.float64))
    assert [fn.name() for fn, _ in out64.grad_fn.next_functions] == ["MulBackward0"] * 6


def test_fused_lstm_cell_gradients_to_second_order():
    """The fused step's VJP against finite differences, and its VJP's VJP (through the workspace output)."""
    rng = np.random.default_rng(0)
    inputs = [minitorch.tensor(rng.standard_normal(s), requires_grad=True) for s in ((3, 8), (3, 8), (3, 2))]
    for pick in (lambda r: r, lambda r: r[0], lambda r: r[1], lambda r: r[:2]):
        fn = lambda *xs: pick(FusedLstmCell.apply(*xs))  # noqa: E731
        assert minitorch.autograd.gradcheck(fn, inputs)
        assert minitorch.autograd.gradgradcheck(fn, inputs)


def test_fused_and_composed_steps_agree():
    """The float32 fused step computes what the composed one does (same module, float64 inputs through
    the composed path, float32 through the fused one)."""
    m = minitorch.nn.LSTM(3, 4)
    x = arrays((5, 2, 3))[0]
    out32, (h32, c32) = m(minitorch.tensor(x.astype(np.float32)))
    out64, (h64, c64) = m.double()(minitorch.tensor(x))
    for a, b in ((out32, out64), (h32, h64), (c32, c64)):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls", ["RNN", "GRU", "LSTM"])
def test_second_order(cls):
    """d/dx of the sum of squared input gradients, through create_graph=True, as torch computes it."""
    results = []
    x = arrays((3, 2, 2))[0]
    modules = twins(cls, 2, 3)
    for lib in LIBS:
        xt = lib.tensor(x, requires_grad=True)
        out = flat(modules[lib](xt))
        (g,) = lib.autograd.grad(sum((o * o).sum() for o in out), [xt], create_graph=True)
        results.append(lib.autograd.grad((g * g).sum(), [xt] + list(modules[lib].parameters())))
    for a, b in zip(*results):
        assert_close(a, b, np.float64, "second order")


def test_dropout_between_layers():
    """At p=1 dropout zeroes the first layer's output (deterministic in both engines); in eval mode it
    is off; and a single layer with dropout warns as torch does."""
    x = arrays((4, 2, 3))[0]
    for training in (True, False):
        def call(lib, m, x, hx, training=training):
            m.train(training)
            return m(x)
        compare("GRU", (3, 4), {"num_layers": 2, "dropout": 1.0}, x, call=call, compare_graphs=not training)
    for lib in LIBS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.nn.LSTM(3, 4, dropout=0.5)
        assert [str(w.message) for w in caught] == [
            "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
            "num_layers greater than 1, but got dropout=0.5 and num_layers=1"]


# -- cells -----------------------------------------------------------------------------------------------------
CELLS = [("RNNCell", (3, 4), {}), ("RNNCell", (3, 4), {"nonlinearity": "relu", "bias": False}),
         ("GRUCell", (3, 4), {}), ("LSTMCell", (3, 4), {}), ("LSTMCell", (3, 4), {"bias": False})]


@pytest.mark.parametrize("cls,args,kwargs", CELLS)
def test_cell_matches_torch(cls, args, kwargs):
    states = 2 if cls == "LSTMCell" else 1
    compare(cls, args, kwargs, arrays((2, 3))[0], arrays(*[(2, 4)] * states, seed=1),
            call=lambda lib, m, x, hx: m(x, hx if states == 2 else hx[0]))
    compare(cls, args, kwargs, arrays((2, 3))[0])                                          # zero state
    compare(cls, args, kwargs, arrays((3,))[0], arrays(*[(4,)] * states, seed=1),           # unbatched
            call=lambda lib, m, x, hx: m(x, hx if states == 2 else hx[0]))


def test_a_loop_of_cells_equals_the_layer():
    """An LSTMCell stepped by hand over a sequence gives the LSTM layer's outputs (same weights)."""
    layer, cell = minitorch.nn.LSTM(3, 4).double(), minitorch.nn.LSTMCell(3, 4).double()
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        getattr(cell, name).data.copy_(getattr(layer, name + "_l0").data)
    x = minitorch.tensor(arrays((5, 2, 3))[0])
    out, (h, c) = layer(x)
    state = None
    for t in range(5):
        state = cell(x[t], state)
        assert_close(state[0], out[t])
    assert_close(state[0], h[0])
    assert_close(state[1], c[0])


# -- parameters, init, repr ------------------------------------------------------------------------------------
@pytest.mark.parametrize("cls,args,kwargs", LAYERS + CELLS)
def test_parameters_as_torch(cls, args, kwargs):
    modules = twins(cls, *args, **kwargs)
    mine, theirs = ([(n, tuple(p.shape)) for n, p in modules[lib].named_parameters()] for lib in LIBS)
    assert mine == theirs
    assert repr(modules[minitorch]) == repr(modules[torch])
    if hasattr(modules[torch], "all_weights"):
        assert [[tuple(p.shape) for p in ps] for ps in modules[minitorch].all_weights] == \
            [[tuple(p.shape) for p in ps] for ps in modules[torch].all_weights]


@pytest.mark.parametrize("cls", ["LSTM", "GRUCell"])
def test_init_is_uniform_in_one_over_sqrt_hidden(cls):
    minitorch.manual_seed(0)
    m = getattr(minitorch.nn, cls)(8, 16)
    values = np.concatenate([p.detach().numpy().ravel() for p in m.parameters()])
    bound = 1 / np.sqrt(16)
    assert values.min() >= -bound and values.max() <= bound
    # uniform: each quarter of the range holds about a quarter of the values
    counts = np.histogram(values, bins=4, range=(-bound, bound))[0] / values.size
    assert np.all(np.abs(counts - 0.25) < 0.03), counts


# -- errors, word for word -------------------------------------------------------------------------------------
def r(*shape):
    return np.zeros(shape)


ERRORS = [
    (lambda lib, x: lib.nn.LSTM(10, 20).double()(x), [r(5, 3, 7)]),
    (lambda lib, x: lib.nn.GRU(10, 20).double()(x), [r(5, 3, 10, 1)]),
    (lambda lib, x: lib.nn.RNN(10, 20).double()(x), [r(5, 3, 10, 1)]),
    (lambda lib, x: lib.nn.LSTM(10, 20).double()(x), [r(0, 3, 10)]),
    (lambda lib, x: lib.nn.GRU(10, 20)(x.float()), [r(0, 3, 10)]),
    (lambda lib, x: lib.nn.LSTM(10, 20).double()(x.float()), [r(5, 3, 10)]),
    (lambda lib, x, h, c: lib.nn.LSTM(10, 20, 2).double()(x, (h, c)), [r(5, 3, 10), r(2, 3, 5), r(2, 3, 20)]),
    (lambda lib, x, h, c: lib.nn.LSTM(10, 20, 2).double()(x, (h, c)), [r(5, 3, 10), r(2, 3, 20), r(2, 2, 20)]),
    (lambda lib, x, h, c: lib.nn.LSTM(10, 20).double()(x, (h, c)), [r(5, 3, 10), r(3, 20), r(3, 20)]),
    (lambda lib, x, h, c: lib.nn.LSTM(10, 20).double()(x, (h, c)), [r(5, 10), r(1, 3, 20), r(1, 3, 20)]),
    (lambda lib, x, h: lib.nn.GRU(10, 20, 2).double()(x, h), [r(5, 3, 10), r(2, 3, 5)]),
    (lambda lib, x, h: lib.nn.RNN(10, 20).double()(x, h), [r(5, 3, 10), r(3, 20)]),
    (lambda lib, x, h: lib.nn.RNN(10, 20).double()(x, h), [r(5, 10), r(1, 1, 20)]),
    (lambda lib, x: lib.nn.LSTMCell(10, 20).double()(x), [r(3, 7)]),
    (lambda lib, x, h, c: lib.nn.LSTMCell(10, 20).double()(x, (h, c)), [r(3, 10), r(3, 5), r(3, 20)]),
    (lambda lib, x, h, c: lib.nn.LSTMCell(10, 20).double()(x, (h, c)), [r(3, 10), r(2, 20), r(3, 20)]),
    (lambda lib, x, h, c: lib.nn.LSTMCell(10, 20).double()(x, (h, c)), [r(3, 10), r(3, 20), r(3, 21)]),
    (lambda lib, x, h, c: lib.nn.LSTMCell(10, 20).double()(x, (h, c)), [r(3, 10), r(1, 3, 20), r(3, 20)]),
    (lambda lib, x, h: lib.nn.GRUCell(10, 20).double()(x, h), [r(3, 10), r(3, 5)]),
    (lambda lib, x: lib.nn.GRUCell(10, 20).double()(x), [r(1, 3, 10)]),
    (lambda lib, x, h: lib.nn.RNNCell(10, 20).double()(x, h), [r(3, 10), r(1, 3, 20)]),
    (lambda lib: lib.nn.RNN(10, 20, nonlinearity="sigmoid"), []),
    (lambda lib: lib.nn.GRU(10, 20, proj_size=3), []),
    (lambda lib: lib.nn.LSTM(10, 20, proj_size=20), []),
    (lambda lib: lib.nn.LSTM(10, 20, dropout=1.5), []),
    (lambda lib: lib.nn.LSTM(10, 20, bias=1), []),
    (lambda lib: lib.nn.LSTM(10.0, 20), []),
    (lambda lib: lib.nn.LSTM(10, 0), []),
    (lambda lib: lib.nn.LSTM(10, 20, num_layers=0), []),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors(case):
    fn, args = ERRORS[case]
    same_error(fn, *args)


# -- nn.utils.rnn ----------------------------------------------------------------------------------------------
def utils(lib):
    return lib.nn.utils.rnn


def compare_fn(fn, *xs, dtype=np.float64):
    """``fn(lib, *tensors)`` in both engines: every tensor it returns equal (integers exactly), and the
    gradients of the inputs through a random weighting of the floating outputs."""
    results = []
    for lib in LIBS:
        ts = [lib.tensor(x.astype(dtype), requires_grad=True) for x in xs]
        outs = [o for o in flat(fn(lib, *ts)) if o is not None]
        floating = [o for o in outs if o.dtype.is_floating_point]
        rng = np.random.default_rng(1)
        sum((o * lib.tensor(rng.standard_normal(tuple(o.shape)))).sum() for o in floating).backward()
        results.append((outs, [t.grad for t in ts]))
    (m_outs, m_grads), (t_outs, t_grads) = results
    assert len(m_outs) == len(t_outs)
    for a, b in zip(m_outs, t_outs):
        assert str(a.dtype) == str(b.dtype) and tuple(a.shape) == tuple(b.shape)
        assert_close(a.detach(), b.detach(), dtype)
    for a, b in zip(m_grads, t_grads):
        assert_close(a, b, dtype, "gradient")
    return results


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence(batch_first, padding_side):
    compare_fn(lambda lib, *s: utils(lib).pad_sequence(s, batch_first, -1.5, padding_side),
               *arrays((3, 2), (1, 2), (4, 2)))


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted,lengths", [(True, [4, 2, 2]), (False, [2, 4, 1])])
def test_pack_and_pad_round_trip(batch_first, enforce_sorted, lengths):
    shape = (3, 4, 2) if batch_first else (4, 3, 2)

    def fn(lib, x):
        packed = utils(lib).pack_padded_sequence(x, lengths, batch_first, enforce_sorted)
        padded, found = utils(lib).pad_packed_sequence(packed, batch_first, padding_value=7.0, total_length=6)
        return list(packed) + [padded, found]
    (m_outs, _), _ = compare_fn(fn, arrays(shape)[0])
    assert m_outs[0].grad_fn.name() == "PackPaddedSequenceBackward0"


def test_pack_sequence_and_unpack():
    def fn(lib, a, b, c):
        packed = utils(lib).pack_sequence([a, b, c], enforce_sorted=False)
        return list(packed) + list(utils(lib).unpack_sequence(packed))
    compare_fn(fn, *arrays((2, 3), (5, 3), (1, 3)))
    packed = minitorch.nn.utils.rnn.pack_sequence([minitorch.ones(2, 3), minitorch.ones(1, 3)])
    assert repr(packed).startswith("PackedSequence(data=tensor(") and packed.is_cuda is False
    assert packed.double().data.dtype == minitorch.float64


def test_pack_padded_sequence_second_order():
    results = []
    for lib in LIBS:
        x = lib.tensor(arrays((4, 3, 2))[0], requires_grad=True)
        data = utils(lib).pack_padded_sequence(x, [4, 3, 1]).data
        (g,) = lib.autograd.grad((data ** 3).sum(), [x], create_graph=True)
        results.append(lib.autograd.grad((g * g).sum(), [x])[0])
    assert_close(*results)


@pytest.mark.parametrize("cls,kwargs", [("LSTM", {"num_layers": 2, "bidirectional": True}),
                                         ("GRU", {"bidirectional": True, "batch_first": True}),
                                         ("RNN", {"num_layers": 2}),
                                         ("LSTM", {"proj_size": 3, "bidirectional": True})])
@pytest.mark.parametrize("initial", [False, True], ids=["zero state", "given state"])
def test_layers_take_packed_sequences(cls, kwargs, initial):
    batch_first = kwargs.get("batch_first", False)
    x = arrays((3, 5, 3) if batch_first else (5, 3, 3))[0]
    hx = arrays(*hidden_shapes(cls, {**kwargs, "proj_size": 0} if "proj_size" not in kwargs else kwargs, 3),
                seed=3) if initial else ()
    if "proj_size" in kwargs:
        hx = arrays((2, 3, 3), (2, 3, 5), seed=3) if initial else ()

    def call(lib, m, x, hx):
        packed = utils(lib).pack_padded_sequence(x, [2, 5, 1], batch_first, enforce_sorted=False)
        out, hidden = m(packed, (hx if len(hx) == 2 else hx[0]) if hx else None)
        assert isinstance(out, utils(lib).PackedSequence)
        return utils(lib).pad_packed_sequence(out, batch_first)[0], hidden
    compare(cls, (3, 5 if "proj_size" in kwargs else 4), kwargs, x, hx, call=call, compare_graphs=False)


def test_packing_errors():
    same_error(lambda lib, x: utils(lib).pack_padded_sequence(x, [1, 3]), r(3, 2))
    same_error(lambda lib, x: utils(lib).pack_padded_sequence(x, [3, 0]), r(3, 2))
    same_error(lambda lib, x: utils(lib).pack_padded_sequence(x, [3]), r(3, 2))
    same_error(lambda lib, x: utils(lib).pad_packed_sequence(utils(lib).pack_padded_sequence(x, [3, 1]),
                                                             total_length=2), r(3, 2))
    same_error(lambda lib, x: utils(lib).pad_sequence([x], padding_side="up"), r(3, 2))
    same_error(lambda lib: utils(lib).pad_sequence([]))
    for batch_first in (False, True):
        same_error(lambda lib, a, b: utils(lib).pad_sequence([a, b], batch_first), r(3, 2), r(2, 3))


# -- generated configurations ----------------------------------------------------------------------------------
@settings(max_examples=12, deadline=None)
@given(cls=st.sampled_from(["RNN", "GRU", "LSTM"]), layers=st.integers(1, 2), bidirectional=st.booleans(),
       batch_first=st.booleans(), steps=st.integers(1, 4), batch=st.integers(1, 3), hidden=st.integers(1, 4),
       seed=st.integers(0, 100))
def test_generated_layers_match_torch(cls, layers, bidirectional, batch_first, steps, batch, hidden, seed):
    kwargs = dict(num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
    shape = (batch, steps, 2) if batch_first else (steps, batch, 2)
    compare(cls, (2, hidden), kwargs, arrays(shape, seed=seed)[0])
