"""jit.trace against torch.jit.trace: the graph's text (identical where the ops map one to one), the traced
module's repr and state_dict, TracerWarning's messages, check_trace; the replay (values on new inputs,
gradients and second-order gradients through it, in-place ops, parameters shared with the module); and the
safe save/load format."""
import io
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings

import minitorch
from minitorch.autograd import function
from minitorch.jit import _serialization
from harness import array, assert_close

LIBS = (minitorch, torch)


@pytest.fixture(autouse=True)
def quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # torch 2.x: "torch.jit.trace is deprecated"
        for lib in LIBS:  # the tests that look at them record them
            warnings.simplefilter("ignore", lib.jit.TracerWarning)
        yield


def pointwise(x, y):
    return (x * y).relu().tanh().neg().exp()


def trace(lib, fn, *arrays, **kwargs):
    return lib.jit.trace(fn, tuple(lib.tensor(a) for a in arrays), **kwargs)


def test_graph_text_is_torchs_for_ops_that_map_one_to_one():
    a = np.ones((2, 3), np.float32)
    mine, theirs = trace(minitorch, pointwise, a, a), trace(torch, pointwise, a, a)
    assert str(mine.graph) == str(theirs.graph)
    assert str(mine.graph).startswith("graph(%x : Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu),\n"
                                      "      %y : Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu)):\n"
                                      "  %2 : Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu) = "
                                      "aten::mul(%x, %y) # ")
    assert [n.kind() for n in mine.graph.nodes()] == [n.kind() for n in theirs.graph.nodes()]
    assert mine.code.splitlines()[:2] == theirs.code.splitlines()[:2] == ["def pointwise(x: Tensor,",
                                                                          "    y: Tensor) -> Tensor:"]


def test_constants_and_lists_in_torchs_layout():
    def f(x):
        return x.sum(1)

    mine, theirs = (trace(lib, f, np.ones((2, 3), np.float32)) for lib in LIBS)
    assert str(mine.graph) == str(theirs.graph)  # sum(%x, [1], False, None): constants, a ListConstruct


def sigmoid_sum(x, w):
    return (x * w).sigmoid().sum(0) + w.mean()


TRACED = []  # traced once for all examples


@settings(max_examples=15, derandomize=True, database=None, deadline=None)
@given(array(shape=(3, 4), dtype=np.float64), array(shape=(3, 4), dtype=np.float64))
def test_replay_on_new_inputs_with_gradients(a, b):
    f = sigmoid_sum
    if not TRACED:
        TRACED.append(trace(minitorch, f, np.zeros((3, 4)), np.ones((3, 4))))
    traced = TRACED[0]
    xs = [minitorch.tensor(v, requires_grad=True) for v in (a, b)]
    ts = [torch.tensor(v, requires_grad=True) for v in (a, b)]
    out, expected = traced(*xs), f(*ts)
    dtype = np.float64
    assert_close(out, expected, dtype)
    g = np.linspace(-1, 1, 4)
    out.backward(minitorch.tensor(g))
    expected.backward(torch.tensor(g))
    for m, t in zip(xs, ts):
        assert_close(m.grad, t.grad, dtype, what="gradient")
    # second order through the replay: d/dx of (df/dx . v)
    x = minitorch.tensor(a, requires_grad=True)
    gx, = minitorch.autograd.grad(traced(x, minitorch.tensor(b)).sum(), x, create_graph=True)
    tx = torch.tensor(a, requires_grad=True)
    tgx, = torch.autograd.grad(f(tx, torch.tensor(b)).sum(), tx, create_graph=True)
    assert_close(minitorch.autograd.grad(gx.sum(), x)[0], torch.autograd.grad(tgx.sum(), tx)[0], dtype,
                 what="2nd order")


def gate_net(lib):
    class Gate(lib.nn.Module):
        def forward(self, x):
            if x.sum() > 0:
                return x
            return -x

    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.gate = Gate()
            self.fc = lib.nn.Linear(3, 2)
            self.register_buffer("scale", lib.full((2,), 2.0))

        def forward(self, x):
            return self.gate(self.fc(x)) * self.scale

    net = Net()
    with lib.no_grad():
        net.fc.weight.copy_(lib.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 0.25]]))
        net.fc.bias.fill_(0.5)
    return net


def test_data_dependent_branch_is_frozen_and_warned_as_torch():
    x, other = np.ones((4, 3), np.float32), -np.ones((4, 3), np.float32)
    results = {}
    for lib in LIBS:
        net = gate_net(lib)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            traced = lib.jit.trace(net, lib.tensor(x))
        messages = [str(w.message) for w in caught if w.category is lib.jit.TracerWarning]
        with warnings.catch_warnings(record=True) as later:
            warnings.simplefilter("always")
            replayed = traced(lib.tensor(other))  # replaying runs no Python: no warning
        assert not [w for w in later if w.category is lib.jit.TracerWarning]
        results[lib] = messages, replayed.detach().numpy(), net(lib.tensor(other)).detach().numpy(), repr(traced)
        assert list(traced.state_dict()) == ["scale", "fc.weight", "fc.bias"]
    (m_msg, m_out, m_py, m_repr), (t_msg, t_out, t_py, t_repr) = results[minitorch], results[torch]
    assert m_msg == t_msg and len(m_msg) == 2  # once when tracing, once when check_trace traces again
    assert m_msg[0].startswith("Converting a tensor to a Python boolean might cause the trace to be incorrect.")
    np.testing.assert_allclose(m_out, t_out, rtol=1e-6)
    np.testing.assert_allclose(m_py, t_py, rtol=1e-6)
    assert not np.allclose(m_out, m_py)  # the trace kept the branch of the example input
    assert m_repr == t_repr == ("Net(\n  original_name=Net\n  (gate): Gate(original_name=Gate)\n"
                                "  (fc): Linear(original_name=Linear)\n)")


@pytest.mark.parametrize("take", ["float", "item", "tolist", "int"])
def test_python_values_warn_in_torchs_words(take):
    def f(x):
        s = x.sum()
        value = {"float": float, "item": lambda t: t.item(), "tolist": lambda t: t.tolist(), "int": int}[take](s)
        return x * value

    def messages(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.jit.trace(f, lib.ones(3), check_trace=False)
        return [(str(w.message), w.filename) for w in caught if w.category is lib.jit.TracerWarning]

    assert messages(minitorch) == messages(torch) != []
    assert messages(minitorch)[0][1] == __file__  # at the traced code's line, as torch's


def test_arrays_minitorch_computes_from_tensors_warn():
    """nll_loss hands its op the class indices as a NumPy array computed from the target: a constant of the
    trace, which minitorch says (torch traces its targets: no such warning there)."""
    def loss(x, y):
        return minitorch.nn.functional.nll_loss(x.log_softmax(1), y)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        minitorch.jit.trace(loss, (minitorch.zeros(2, 3), minitorch.tensor([0, 2])), check_trace=False)
    message, = [str(w.message) for w in caught if w.category is minitorch.jit.TracerWarning]
    assert message.startswith("aten::nll_loss_forward got a NumPy array made outside a recorded operation")


def test_parameters_are_shared_with_the_module_and_training_changes_the_trace():
    net = gate_net(minitorch)
    traced = minitorch.jit.trace(net, minitorch.ones(4, 3))
    assert all(a is b for a, b in zip(traced.parameters(), net.parameters()))
    x = minitorch.ones(4, 3)
    before = traced(x)
    traced(x).sum().backward()
    assert net.fc.weight.grad is not None
    minitorch.optim.SGD(traced.parameters(), lr=0.1).step()
    assert not minitorch.allclose(traced(x), before)
    assert minitorch.allclose(traced(x), net(x))


def test_inplace_and_detach_are_replayed():
    def f(a, b):
        c = a.clone()
        c.add_(b)
        c.mul_(2)
        return c, a.detach() * 3

    kinds = {lib: [n.kind() for n in trace(lib, f, np.ones(2), np.ones(2)).graph.nodes()] for lib in LIBS}
    assert kinds[minitorch] == ["aten::clone", "aten::add_", "aten::mul_", "aten::detach", "aten::mul"]
    assert [k for k in kinds[torch] if k.startswith("aten::")] == kinds[minitorch]
    traced = trace(minitorch, f, np.ones(2), np.ones(2))
    c, d = traced(minitorch.tensor([1.0, 2.0]), minitorch.tensor([3.0, 4.0]))
    assert c.tolist() == [8.0, 12.0] and d.tolist() == [3.0, 6.0]


def test_check_trace_as_torch():
    calls = []

    def unstable(x):  # another op each time it runs: the graphs differ
        calls.append(1)
        return x.exp() if len(calls) % 2 else x.sin()

    for lib in LIBS:
        calls.clear()
        with pytest.raises(lib.jit.TracingCheckError, match="Graphs differed across invocations!"):
            lib.jit.trace(unstable, lib.ones(2))

    def noisy(x):  # a random tensor made inside: a constant of the trace, so the check's results differ
        return x + minitorch.randn(3) if isinstance(x, minitorch.Tensor) else x + torch.randn(3)

    for lib in LIBS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.jit.trace(noisy, lib.ones(3))
        mismatch = [str(w.message) for w in caught if str(w.message).startswith("Output nr 1. of the traced")]
        assert len(mismatch) == 1 and "Tensor-likes are not close!" in mismatch[0]


def test_list_output_warns_as_torch():
    for lib in LIBS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = lib.jit.trace(lambda x: [x, x * 2], lib.ones(2))(lib.ones(2))
        assert isinstance(out, list) and out[1].tolist() == [2.0, 2.0]
        assert any(str(w.message).startswith("Encountering a list at the output of the tracer") for w in caught)


def test_save_and_load(tmp_path):
    net = gate_net(minitorch)
    traced = minitorch.jit.trace(net, minitorch.ones(4, 3))
    path = tmp_path / "net.pt"
    minitorch.jit.save(traced, str(path))
    loaded = minitorch.jit.load(str(path))
    x = minitorch.tensor(np.random.default_rng(0).standard_normal((5, 3), dtype=np.float32))
    assert minitorch.equal(loaded(x), traced(x))
    assert str(loaded.graph) == str(traced.graph) and repr(loaded) == repr(traced)
    assert list(loaded.state_dict()) == list(traced.state_dict())
    f = trace(minitorch, pointwise, np.ones((2, 3)), np.ones((2, 3)))
    buffer = io.BytesIO()
    f.save(buffer)
    buffer.seek(0)
    g = minitorch.jit.load(buffer)
    y = minitorch.tensor(np.linspace(-1, 1, 6).reshape(2, 3))
    assert minitorch.equal(g(y, y), f(y, y)) and g.code == f.code


def test_load_refuses_what_is_not_a_minitorch_trace(tmp_path):
    path = tmp_path / "weights.pt"
    minitorch.save({"w": minitorch.ones(2)}, str(path))
    with pytest.raises(RuntimeError, match="not a minitorch trace file"):
        minitorch.jit.load(str(path))
    f = trace(minitorch, pointwise, np.ones(2), np.ones(2))
    buffer = io.BytesIO()
    minitorch.jit.save(f, buffer)
    buffer.seek(0)
    document = minitorch.load(buffer)
    for name in ("os:system", "builtins:eval", "minitorch.serialization:os.system", "minitorch.ops.op:__class__"):
        document["ops"][0][0] = name
        bad = io.BytesIO()
        minitorch.save(document, bad)
        bad.seek(0)
        with pytest.raises(RuntimeError, match="malformed minitorch trace file"):
            minitorch.jit.load(bad)


def test_a_user_function_can_be_traced_not_saved():
    class Double(minitorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    traced = minitorch.jit.trace(lambda x: Double.apply(x).sum(), minitorch.ones(3, requires_grad=True))
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    traced(x).backward()
    assert x.grad.tolist() == [2.0, 2.0]
    assert [n.kind() for n in traced.graph.nodes()] == ["Double", "aten::sum"]
    with pytest.raises(ValueError, match="names only minitorch's own operations"):
        minitorch.jit.save(traced, io.BytesIO())


def test_errors_as_torchs():
    for lib in LIBS:
        with pytest.raises(RuntimeError, match=r"^Type 'Tuple\[Tensor, int\]' cannot be traced\. Only Tensors"):
            lib.jit.trace(lambda x, n: x * n, (lib.ones(2), 3))
        with pytest.raises(RuntimeError, match=r"^Only tensors, lists, tuples of tensors, or dictionary of tensors "
                                               r"can be output from traced functions$"):
            lib.jit.trace(lambda x: 3, lib.ones(2))
        assert lib.jit.trace(lambda x: x, lib.ones(2))(lib.zeros(2)).tolist() == [0.0, 0.0]


def test_tracer_is_off_after_tracing_even_after_an_error():
    def broken(x):
        x * 2
        raise KeyError("inside")

    with pytest.raises(KeyError):
        minitorch.jit.trace(broken, minitorch.ones(2))
    assert function.observer is None
    with minitorch.autograd.profiler.profile():
        with pytest.raises(RuntimeError, match="cannot run inside a profile"):
            minitorch.jit.trace(pointwise, (minitorch.ones(2), minitorch.ones(2)))
    assert function.observer is None
    assert _serialization.FORMAT == "minitorch-jit-trace-1"
