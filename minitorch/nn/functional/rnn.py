"""The recurrent cells and the loop over time steps, layers and directions behind nn.RNN, nn.LSTM and nn.GRU.

torch keeps these in C++ (aten/src/ATen/native/RNN.cpp, reached as ``torch._VF.lstm`` and friends); they are
written here as torch composes them on the CPU for float64, so a graph has torch's nodes: the input projection
of every time step is one matrix product before the loop (``AddmmBackward0``, ``ViewBackward0``,
``UnbindBackward0``), each step adds its hidden projection (``AddmmBackward0``) and cuts the gates with
``unsafe_chunk`` (``UnsafeSplitBackward0``), and the step outputs are stacked (``StackBackward0``).

A hidden state is a Tensor (RNN, GRU) or an ``(h, c)`` pair (LSTM); ``params`` for one layer and direction is
``(w_ih, w_hh, b_ih, b_hh, w_hr)``, with ``None`` for a missing bias or projection.
"""
import numpy as np

from ..._dtype import float32
from ...ops.op import Op
from ...ops.shape import cat, stack
from ...tensor import _make
from .dropout import dropout as _dropout
from .linear import linear


# -- the cells: one time step. ``x`` is the input projection x W_ihᵀ + b_ih when ``projected`` ----------------
def _rnn_step(act, x, h, params, projected):
    """h' = act(h W_hhᵀ + b_hh + x W_ihᵀ + b_ih)."""
    w_ih, w_hh, b_ih, b_hh = params[:4]
    return act(linear(h, w_hh, b_hh) + (x if projected else linear(x, w_ih, b_ih)))


def _tanh(t):
    return t.tanh()


def _relu(t):
    return t.relu()


def _tanh_step(x, h, params, projected=False):
    return _rnn_step(_tanh, x, h, params, projected)


def _relu_step(x, h, params, projected=False):
    return _rnn_step(_relu, x, h, params, projected)


def _lstm_step(x, hidden, params, projected=False):
    """i, f, g, o = σ, σ, tanh, σ of the four quarters of x W_ihᵀ + b_ih + h W_hhᵀ + b_hh;
    c' = f c + i g;  h' = o tanh(c')  (times W_hrᵀ with a projection).

    Inside a layer in float32 the step after the matrix products is one fused op (``FusedLstmCell``), as
    torch fuses its float32 LSTM on the CPU (into one oneDNN node per layer); in float64, with a projection
    and in LSTMCell it is composed of ops, as torch composes it."""
    h, c = hidden
    w_ih, w_hh, b_ih, b_hh, w_hr = params
    if projected and x.dtype is float32 and w_hr is None:
        h, c, _ = FusedLstmCell.apply(x, linear(h, w_hh, b_hh), c)
    else:
        gates = linear(h, w_hh, b_hh) + (x if projected else linear(x, w_ih, b_ih))
        i, f, g, o = gates.unsafe_chunk(4, 1)
        c = f.sigmoid() * c + i.sigmoid() * g.tanh()
        h = o.sigmoid() * c.tanh()
    if w_hr is not None:
        h = h.matmul(w_hr.t())
    return h, c


class FusedLstmCell(Op):
    """One LSTM step after its matrix products, as one node (torch's per-step fused cell, which it uses on
    CUDA): a = σ, σ, tanh, σ of the quarters of input_gates + hidden_gates (the *workspace*, returned too,
    so that backward can read the gates);  i, f, g, o = a's quarters;  cy = f cx + i g;  hy = o tanh(cy).

    VJP, with t = tanh(cy) and a' the activations' derivatives [i(1-i), f(1-f), 1-g², o(1-o)]:
    d cy = g_cy + g_hy o (1 - t²);  d a = [d cy g, d cy cx, d cy i, g_hy t] (+ g_a);
    d input_gates = d hidden_gates = d a · a';  d cx = d cy f.
    Written in Tensor ops on the saved outputs (cy, a), which have this node as their grad_fn, so the VJP
    differentiates again (the g_a term is what a second derivative sends back through the workspace)."""
    node_name = "ThnnFusedLstmCellBackward0"

    @staticmethod
    def forward(ctx, input_gates, hidden_gates, cx):
        a = input_gates + hidden_gates
        n = cx.shape[1]
        a[:, :2 * n] = 1 / (1 + np.exp(-a[:, :2 * n]))
        a[:, 2 * n:3 * n] = np.tanh(a[:, 2 * n:3 * n])
        a[:, 3 * n:] = 1 / (1 + np.exp(-a[:, 3 * n:]))
        cy = a[:, n:2 * n] * cx + a[:, :n] * a[:, 2 * n:3 * n]
        hy = a[:, 3 * n:] * np.tanh(cy)
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(cx, cy, a)
        return hy, cy, a

    @staticmethod
    def backward(ctx, g_hy, g_cy, g_a):
        cx, cy, a = ctx.saved_tensors
        i, f, g, o = a.unsafe_chunk(4, 1)
        t = cy.tanh()
        d_cy = 0 if g_cy is None else g_cy
        if g_hy is not None:
            d_cy = d_cy + g_hy * o * (1 - t * t)
        d_o = (g_hy * t) if g_hy is not None else (o * 0)
        d_a = cat([d_cy * g, d_cy * cx, d_cy * i, d_o], 1)
        if g_a is not None:
            d_a = d_a + g_a
        # a' in one expression: (1 - a)(a + m) is a(1 - a) where m = 0 (the sigmoids) and 1 - a² where m = 1
        n = cx.shape[1]
        m = np.zeros(4 * n, dtype=a._data.dtype)
        m[2 * n:3 * n] = 1
        d_gates = d_a * ((1 - a) * (a + _make(m)))
        return d_gates, d_gates, d_cy * f


def _gru_step(x, h, params, projected=False):
    """r, z = σ(x_r + h_r), σ(x_z + h_z);  n = tanh(x_n + r h_n);  h' = (h - n) z + n  ( = (1-z) n + z h),
    where x_* and h_* are the thirds of x W_ihᵀ + b_ih and h W_hhᵀ + b_hh."""
    w_ih, w_hh, b_ih, b_hh = params[:4]
    x_r, x_z, x_n = (x if projected else linear(x, w_ih, b_ih)).unsafe_chunk(3, 1)
    h_r, h_z, h_n = linear(h, w_hh, b_hh).unsafe_chunk(3, 1)
    r = (h_r + x_r).sigmoid()
    z = (h_z + x_z).sigmoid()
    n = (x_n + h_n * r).tanh()
    return (h - n) * z + n


STEPS = {"RNN_TANH": _tanh_step, "RNN_RELU": _relu_step, "LSTM": _lstm_step, "GRU": _gru_step}


def _check_cell(input, hiddens, w_ih, w_hh):
    """torch's checks of a cell's arguments (check_rnn_cell_forward_input/hidden in RNN.cpp)."""
    if input.shape[1] != w_ih.shape[1]:
        raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected {w_ih.shape[1]}")
    for k, h in enumerate(hiddens):
        if input.shape[0] != h.shape[0]:
            raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{k} batch size {h.shape[0]}")
        if h.shape[1] != w_hh.shape[1]:
            raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got {h.shape[1]}, expected {w_hh.shape[1]}")


def cell(mode, input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One step of a cell on a batch (torch.rnn_tanh_cell, torch.lstm_cell, torch.gru_cell, ...)."""
    _check_cell(input, hx if mode == "LSTM" else (hx,), w_ih, w_hh)
    return STEPS[mode](input, hx, (w_ih, w_hh, b_ih, b_hh, None))


# -- one layer in one direction ----------------------------------------------------------------------------------
def _output(hidden):
    return hidden[0] if isinstance(hidden, tuple) else hidden


def _narrow(hidden, start, end):
    if isinstance(hidden, tuple):
        return tuple(h.narrow(0, start, end - start) for h in hidden)
    return hidden.narrow(0, start, end - start)


def _cat(hiddens):
    if isinstance(hiddens[0], tuple):
        return tuple(cat(parts, 0) for parts in zip(*hiddens))
    return cat(hiddens, 0)


def _layer(step, input, hidden, params, reverse):
    """A padded sequence (T, B, F) through one direction of one layer: (T, B, H) outputs, final hidden."""
    steps = linear(input, params[0], params[2]).unbind(0)
    outputs = []
    for x in (reversed(steps) if reverse else steps):
        hidden = step(x, hidden, params, True)
        outputs.append(_output(hidden))
    if not outputs:
        raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
    if reverse:
        outputs.reverse()
    return stack(outputs, 0), hidden


def _packed_layer(step, data, batch_sizes, hidden, params, reverse):
    """A packed sequence (sum of lengths, F) through one direction of one layer. Step t takes the first
    batch_sizes[t] rows of the hidden state: forwards, the rows of sequences that have ended are set aside
    (their final state); backwards, the shortest sequences start and the others join as they begin."""
    xw = linear(data, params[0], params[2])
    outputs = []
    if not reverse:
        finals, offset, last = [], 0, batch_sizes[0]
        for n in batch_sizes:
            if n < last:
                finals.append(_narrow(hidden, n, last))
                hidden = _narrow(hidden, 0, n)
            hidden = step(xw.narrow(0, offset, n), hidden, params, True)
            outputs.append(_output(hidden))
            offset, last = offset + n, n
        hidden = _cat([hidden] + finals[::-1])
    else:
        full, offset, last = hidden, xw.shape[0], batch_sizes[-1]
        hidden = _narrow(full, 0, last)
        for n in reversed(batch_sizes):
            if n > last:
                hidden = _cat([hidden, _narrow(full, last, n)])
            offset -= n
            hidden = step(xw.narrow(0, offset, n), hidden, params, True)
            outputs.append(_output(hidden))
            last = n
        outputs.reverse()
    return cat(outputs, 0), hidden


# -- the whole stack ---------------------------------------------------------------------------------------------
def rnn(mode, input, hiddens, params, num_layers, dropout, train, bidirectional, batch_first=False,
        batch_sizes=None):
    """The layers one after another (each direction of a layer sees the previous layer's output; the two
    directions' outputs are concatenated), with dropout between layers when training. ``hiddens`` and
    ``params`` are per layer and direction (layer-major); returns the last layer's output and the final
    hidden states in the same order. With ``batch_sizes`` the input is a packed sequence's data."""
    step = STEPS[mode]
    directions = 2 if bidirectional else 1
    if batch_first and batch_sizes is None:
        input = input.transpose(0, 1)
    finals = []
    for layer in range(num_layers):
        outputs = []
        for d in range(directions):
            k = layer * directions + d
            if batch_sizes is None:
                out, hidden = _layer(step, input, hiddens[k], params[k], d == 1)
            else:
                out, hidden = _packed_layer(step, input, batch_sizes, hiddens[k], params[k], d == 1)
            outputs.append(out)
            finals.append(hidden)
        input = outputs[0] if directions == 1 else cat(outputs, -1)
        if dropout and train and layer < num_layers - 1:
            input = _dropout(input, dropout, True)
    if batch_first and batch_sizes is None:
        # as torch: in place for RNN and GRU (node TransposeBackward1), not for LSTM (its own code path)
        input = input.transpose(0, 1) if mode == "LSTM" else input.transpose_(0, 1)
    return input, finals
