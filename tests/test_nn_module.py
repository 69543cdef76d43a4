"""nn.Module and containers against torch: registration, traversal, printing, state_dict, modes, hooks,
conversions and the errors torch raises. Each network is built by the same code in both libraries
(``lib`` is minitorch or torch), then minitorch gets torch's weights."""
import contextlib
import copy
import io
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch

import minitorch
import minitorch.nn  # noqa: F401  (makes minitorch.nn available as lib.nn)
from harness import graph, lenet, same_error
from reference.interop import copy_weights  # torch's parameters and buffers into a minitorch module

LIBS = (minitorch, torch)


def make_net(lib):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8, bias=False), nn.Tanh())
            self.heads = nn.ModuleList([nn.Linear(8, 3) for _ in range(3)] + [nn.Identity()])
            self.extra = nn.ModuleDict({"act": nn.LeakyReLU(0.2), "out": nn.Linear(3, 2)})
            self.scale = nn.Parameter(lib.ones(2, dtype=lib.float64).float())
            self.register_buffer("shift", lib.zeros(2))
            self.register_buffer("scratch", lib.zeros(1), persistent=False)

        def forward(self, x):
            h = self.features(x)
            h = sum(head(h) for head in self.heads[:3])
            return self.extra["out"](self.extra["act"](h)) * self.scale + self.shift

    return Net()


def make_pair():
    theirs = make_net(torch)
    mine = make_net(minitorch)
    copy_weights(theirs, mine)
    return mine, theirs


def names(pairs):
    return [name for name, _ in pairs]


# -- structure -------------------------------------------------------------------------------------------
def test_repr_matches_torch():
    mine, theirs = make_pair()
    assert repr(mine) == repr(theirs)
    assert str(mine.heads) == str(theirs.heads)  # repeated children print once: "(0-2): 3 x Linear(...)"


@pytest.mark.parametrize("build", [
    lambda nn: nn.Sequential(),
    lambda nn: nn.ModuleList(),
    lambda nn: nn.Sequential(OrderedDict([("fc", nn.Linear(2, 3)), ("act", nn.GELU("tanh"))])),
    lambda nn: nn.ModuleList([nn.ReLU(), nn.ReLU(inplace=True), nn.ReLU(), nn.Sequential(nn.Sigmoid())] * 2),
    lambda nn: nn.ModuleDict({"a": nn.Softmax(dim=1), "b": nn.LogSoftmax(0), "c": nn.Flatten(),
                              "d": nn.Unflatten(1, (2, 3))}),
    lambda nn: nn.Sequential(nn.ELU(alpha=0.5, inplace=True), nn.Hardtanh(-2.0, 2.0), nn.ReLU6(), nn.SiLU(),
                             nn.Softplus(beta=2, threshold=10), nn.LeakyReLU(0.1, True), nn.SELU(), nn.Softmin(1),
                             nn.LogSigmoid(), nn.Identity(54, unused="x")),
    lambda nn: nn.ModuleDict({"mse": nn.MSELoss(), "ce": nn.CrossEntropyLoss(label_smoothing=0.1),
                              "bce": nn.BCEWithLogitsLoss(), "nll": nn.NLLLoss(), "l1": nn.L1Loss(reduction="sum"), "old": nn.MSELoss(size_average=False)}),
    lambda nn: nn.Sequential(nn.Sequential(nn.Linear(1, 1), nn.Sequential(nn.Linear(1, 2))), nn.Linear(2, 1)),
])
@pytest.mark.filterwarnings("ignore:size_average")
def test_container_reprs(build):
    assert repr(build(minitorch.nn)) == repr(build(torch.nn))


def test_parameter_list_repr_and_registration():
    def build(lib):
        return lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2, 3)), lib.zeros(4, dtype=lib.float64)])
    mine, theirs = build(minitorch), build(torch)
    assert repr(mine) == repr(theirs)
    assert names(mine.named_parameters()) == names(theirs.named_parameters())
    assert isinstance(mine[1], minitorch.nn.Parameter)


def test_traversal_names_match_torch():
    mine, theirs = make_pair()
    assert names(mine.named_parameters()) == names(theirs.named_parameters())
    assert names(mine.named_buffers()) == names(theirs.named_buffers())
    assert names(mine.named_modules()) == names(theirs.named_modules())
    assert names(mine.named_children()) == names(theirs.named_children())
    assert names(mine.named_parameters(prefix="net", recurse=False)) == \
        names(theirs.named_parameters(prefix="net", recurse=False))
    assert len(list(mine.parameters())) == len(list(theirs.parameters()))
    assert len(list(mine.modules())) == len(list(theirs.modules()))
    assert [type(m).__name__ for m in mine.children()] == [type(m).__name__ for m in theirs.children()]


def test_shared_modules_and_parameters_are_listed_once():
    def build(lib):
        shared = lib.nn.Linear(3, 3)
        net = lib.nn.Sequential(shared, lib.nn.ReLU(), shared)
        tied = lib.nn.Linear(3, 3)
        tied.weight = shared.weight
        return lib.nn.ModuleDict({"net": net, "tied": tied})
    mine, theirs = build(minitorch), build(torch)
    assert names(mine.named_parameters()) == names(theirs.named_parameters())
    assert names(mine.named_modules()) == names(theirs.named_modules())
    assert list(mine.state_dict()) == list(theirs.state_dict())  # state_dict keeps every name


def test_state_dict_keys_shapes_and_sharing():
    mine, theirs = make_pair()
    sd, tsd = mine.state_dict(), theirs.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd) == list(tsd)
    assert [tuple(v.shape) for v in sd.values()] == [tuple(v.shape) for v in tsd.values()]
    assert all(not v.requires_grad and type(v) is minitorch.Tensor for v in sd.values())
    for k in sd:
        np.testing.assert_array_equal(sd[k].numpy(), tsd[k].numpy())
    sd["features.0.bias"].fill_(7.0)  # the values share memory with the module
    assert np.all(mine.features[0].bias.detach().numpy() == 7.0)
    kept = mine.state_dict(keep_vars=True)
    assert kept["scale"] is mine.scale


def test_load_state_dict_success_and_strict_false():
    mine, theirs = make_pair()
    result, expected = mine.load_state_dict(mine.state_dict()), theirs.load_state_dict(theirs.state_dict())
    assert repr(result) == repr(expected) == "<All keys matched successfully>"
    reprs = []
    for lib, net in ((minitorch, mine), (torch, theirs)):
        sd = net.state_dict()
        del sd["extra.out.bias"]
        sd["bogus.weight"] = lib.zeros(1)
        sd["features.9.weight"] = lib.zeros(1)
        out = net.load_state_dict(sd, strict=False)
        assert out.missing_keys == ["extra.out.bias"]
        assert out.unexpected_keys == ["bogus.weight", "features.9.weight"]
        reprs.append(repr(out))
    assert reprs[0] == reprs[1]


@pytest.mark.parametrize("edit", ["missing", "unexpected", "both", "shape", "not_tensor", "not_mapping"])
def test_load_state_dict_errors_match_torch(edit):
    def load(lib):
        net = make_net(lib)
        sd = net.state_dict()
        if edit in ("missing", "both"):
            del sd["extra.out.bias"], sd["shift"]
        if edit in ("unexpected", "both"):
            sd["extra.out.gamma"] = lib.zeros(1)
            sd["nope"] = lib.zeros(1)
        if edit == "shape":
            sd["features.0.weight"] = lib.zeros(8, 5)
            sd["heads.1.bias"] = lib.zeros(2)
        if edit == "not_tensor":
            sd["scale"] = [1.0, 2.0]
        net.load_state_dict(list(sd.items()) if edit == "not_mapping" else sd)
    same_error(load)


def test_load_state_dict_copies_values_in_place():
    mine, theirs = make_pair()
    weight = mine.features[0].weight
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(mine(minitorch.from_numpy(x)).detach().numpy(),
                               theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    assert mine.features[0].weight is weight and weight.is_leaf and weight.requires_grad
    assert repr(weight) == repr(theirs.features[0].weight)  # "Parameter containing:\ntensor(...)"


# -- attribute registration -------------------------------------------------------------------------------
def test_setattr_getattr_delattr():
    for lib in LIBS:
        m = lib.nn.Linear(2, 3)
        m.bias = None
        assert m.bias is None and "bias" in m._parameters
        m.extra = lib.nn.ReLU()
        assert "extra" in m._modules
        m.extra = None
        assert m.extra is None
        m.register_buffer("buf", lib.ones(1))
        m.buf = lib.zeros(2)
        assert m.buf.shape == (2,) and "buf" in m._buffers
        m.plain = 3
        del m.buf, m.extra, m.weight, m.plain
        assert not m._buffers and not m._modules and "weight" not in m._parameters
        assert not hasattr(m, "plain")
        assert "bias" in dir(m) and "forward" in dir(m)


@pytest.mark.parametrize("case", [
    lambda lib, m: setattr(m, "weight", lib.zeros(3, 2)),
    lambda lib, m: setattr(m, "sub", lib.nn.ReLU()) or setattr(m, "sub", 3),
    lambda lib, m: m.register_buffer("weight", lib.zeros(1)),
    lambda lib, m: m.register_buffer("a.b", lib.zeros(1)),
    lambda lib, m: m.register_buffer("", lib.zeros(1)),
    lambda lib, m: m.register_buffer("b", [1.0]),
    lambda lib, m: m.register_buffer(3, lib.zeros(1)),
    lambda lib, m: m.register_parameter("p", lib.zeros(1)),
    lambda lib, m: m.register_parameter("p", lib.nn.Parameter(lib.zeros(1)) * 2),
    lambda lib, m: m.register_parameter("p.q", None),
    lambda lib, m: m.register_parameter("forward", None),
    lambda lib, m: m.register_buffer("x", lib.zeros(1)) or setattr(m, "x", 1.5),
    lambda lib, m: m.add_module("x", 3),
    lambda lib, m: m.add_module("a.b", lib.nn.ReLU()),
    lambda lib, m: m.add_module("", lib.nn.ReLU()),
    lambda lib, m: m.add_module("weight", lib.nn.ReLU()),
    lambda lib, m: m.nothing_here,
    lambda lib, m: m.get_submodule("missing.layer"),
    lambda lib, m: m.get_submodule("weight"),
    lambda lib, m: m.get_parameter("bias2"),
    lambda lib, m: m.get_buffer("weight"),
    lambda lib, m: m.train("yes"),
    lambda lib, m: m.to(lib.int64),
    lambda lib, m: lib.nn.Module(1),
    lambda lib, m: lib.nn.Module(a=1),
    lambda lib, m: lib.nn.Module()(lib.zeros(1)),
    lambda lib, m: lib.nn.Sequential(m)[1],
    lambda lib, m: lib.nn.ModuleList([m])[-2],
    lambda lib, m: lib.nn.ModuleDict({"a": m})["b"],
    lambda lib, m: lib.nn.ModuleDict([("a", m, 1)]),
    lambda lib, m: lib.nn.ParameterList()(1),
])
def test_registration_errors_match_torch(case):
    same_error(lambda lib: case(lib, lib.nn.Linear(2, 3)))


def test_assigning_before_init_raises():
    def build(lib):
        class Early(lib.nn.Module):
            def __init__(self):
                self.fc = lib.nn.Linear(1, 1)
        return Early()
    same_error(build)


def test_get_submodule_parameter_buffer_and_apply():
    mine, theirs = make_pair()
    assert type(mine.get_submodule("features.2")).__name__ == "Linear"
    assert mine.get_submodule("") is mine
    assert mine.get_parameter("heads.1.weight") is mine.heads[1].weight
    assert mine.get_buffer("shift") is mine.shift
    for net in (mine, theirs):
        seen = []
        net.apply(lambda m: seen.append(type(m).__name__))
        net.seen = seen
    assert mine.seen == theirs.seen


def test_parameter_basics():
    for lib in LIBS:
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        assert p.requires_grad and p.is_leaf and isinstance(p, lib.Tensor)
        assert type(p * 2) is lib.Tensor and type(p.detach()) is lib.Tensor
        assert type(copy.deepcopy(p)) is lib.nn.Parameter
        assert not lib.nn.Parameter(lib.zeros(1), requires_grad=False).requires_grad
        with lib.no_grad():
            assert lib.nn.Parameter(lib.zeros(1)).requires_grad  # no_grad does not affect creation
    for text in ("tensor([1., 2.])", "tensor([1, 2])", "None"):
        def make(lib):
            value = eval(text, {"tensor": lib.tensor}) if text != "None" else None
            if text == "tensor([1, 2])":
                return lib.nn.Parameter(value, requires_grad=False)
            return lib.nn.Parameter(value) if value is not None else lib.nn.Parameter()
        assert repr(make(minitorch)) == repr(make(torch))
    same_error(lambda lib: lib.nn.Parameter(lib.tensor([1, 2])))
    p = minitorch.nn.Parameter(minitorch.ones(2))
    q = pickle.loads(pickle.dumps(p))
    assert type(q) is minitorch.nn.Parameter and q.requires_grad


# -- containers ------------------------------------------------------------------------------------------
def test_sequential_behaves_like_torch():
    for lib in LIBS:
        nn = lib.nn
        a, b, c = nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1)
        seq = nn.Sequential(a, b, c)
        assert len(seq) == 3 and seq[0] is a and seq[-1] is c and list(seq) == [a, b, c]
        assert type(seq[1:]) is nn.Sequential and list(seq[1:]) == [b, c]
        seq.append(nn.Tanh())
        assert len(seq) == 4
        del seq[1]
        assert list(seq._modules) == ["0", "1", "2"] and seq[1] is c
        seq.insert(1, b)
        assert seq[1] is b and seq[2] is c
        seq[0] = nn.Sigmoid()
        assert type(seq[0]).__name__ == "Sigmoid"
        assert len(seq + nn.Sequential(a)) == 5
        with pytest.raises(ValueError, match="add operator supports only objects of Sequential class"):
            seq + nn.ModuleList([a])
        popped = seq.pop(0)
        assert type(popped).__name__ == "Sigmoid" and len(seq) == 3
        seq.extend([a])
        seq += nn.Sequential(c)
        assert len(seq) == 5 and not any(k.isdigit() for k in dir(seq))
    def built(lib):
        return repr(lib.nn.Sequential(OrderedDict(a=lib.nn.ReLU(), b=lib.nn.Tanh()))[::-1])
    assert built(minitorch) == built(torch)


def test_modulelist_and_moduledict_behave_like_torch():
    for lib in LIBS:
        nn = lib.nn
        layers = nn.ModuleList([nn.Linear(1, 1) for _ in range(4)])
        assert len(layers) == 4 and type(layers[1:3]) is nn.ModuleList and len(layers[::2]) == 2
        first = layers[0]
        del layers[0]
        assert layers[0] is not first and list(layers._modules) == ["0", "1", "2"]
        layers.insert(0, first)
        assert layers[0] is first
        layers += [nn.ReLU()]
        layers.append(nn.Tanh())
        assert len(layers) == 6 and len(layers + nn.ModuleList([nn.ReLU()])) == 7
        assert layers.pop(-1).__class__.__name__ == "Tanh"
        d = nn.ModuleDict([("x", nn.ReLU()), ("y", nn.Tanh())])
        d["z"] = nn.Sigmoid()
        d.update({"w": nn.Identity()})
        assert list(d) == ["x", "y", "z", "w"] and list(d.keys()) == ["x", "y", "z", "w"]
        assert "z" in d and len(d) == 4 and d.pop("x").__class__.__name__ == "ReLU"
        assert [type(v).__name__ for v in d.values()] == ["Tanh", "Sigmoid", "Identity"]
        del d["y"]
        assert [k for k, _ in d.items()] == ["z", "w"]
        d.clear()
        assert len(d) == 0


# -- modes, gradients, conversions ---------------------------------------------------------------------
def test_train_eval_propagate():
    mine, theirs = make_pair()
    for net in (mine, theirs):
        assert net.eval() is net
    assert [m.training for m in mine.modules()] == [m.training for m in theirs.modules()] == \
        [False] * len(list(theirs.modules()))
    mine.heads.train()
    theirs.heads.train()
    assert [m.training for m in mine.modules()] == [m.training for m in theirs.modules()]


def test_forward_backward_and_zero_grad():
    mine, theirs = make_pair()
    x = np.random.default_rng(1).standard_normal((6, 4)).astype(np.float32)
    for net, lib in ((mine, minitorch), (theirs, torch)):
        net(lib.from_numpy(x)).sum().backward()
    for (name, p), (_, q) in zip(mine.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5, atol=1e-5, err_msg=name)
    mine.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in mine.parameters())
    mine.zero_grad()
    assert all(p.grad is None for p in mine.parameters())
    mine.requires_grad_(False)
    assert not any(p.requires_grad for p in mine.parameters())


def test_to_double_float_and_devices():
    mine, _ = make_pair()
    weight = mine.features[0].weight
    mine(minitorch.ones(2, 4)).sum().backward()
    assert mine.double() is mine
    assert mine.features[0].weight is weight  # converted in place: optimizers keep working
    assert weight.dtype == minitorch.float64 and weight.grad.dtype == minitorch.float64
    assert mine.shift.dtype == minitorch.float64 and isinstance(weight, minitorch.nn.Parameter)
    mine.to(minitorch.float32)
    assert all(p.dtype == minitorch.float32 for p in mine.parameters())
    assert mine.to("cpu") is mine and mine.to(minitorch.device("cpu"), minitorch.float64) is mine
    assert mine.shift.dtype == minitorch.float64
    assert mine.float().cpu() is mine and mine.shift.dtype == minitorch.float32
    with pytest.raises(RuntimeError, match="reference engine"):
        mine.to("cuda:0")
    with pytest.raises(RuntimeError, match="reference engine"):
        mine.cuda()


def test_integer_buffers_keep_dtype():
    for lib in LIBS:
        m = lib.nn.Linear(1, 1)
        m.register_buffer("count", lib.tensor(3))
        m.double()
        assert m.count.dtype == lib.int64 and m.weight.dtype == lib.float64


def test_forward_hooks_match_torch():
    def run(lib):
        net = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.Tanh())
        net[0].weight.data.fill_(0.5)
        net[0].bias.data.fill_(0.1)
        log = []
        h1 = net[0].register_forward_pre_hook(lambda m, args: (args[0] * 2,))
        h2 = net[0].register_forward_hook(lambda m, args, out: log.append(tuple(out.shape)))
        h3 = net.register_forward_hook(lambda m, args, out: out + 1)
        h4 = net.register_forward_pre_hook(lambda m, args, kwargs: log.append("kw") or ((args[0] + 1,), kwargs),
                                           with_kwargs=True)
        h5 = net.register_forward_hook(lambda m, args, out: log.append("first"), prepend=True)
        x = lib.ones(4, 3)
        results = [net(x).detach().numpy().copy()]
        for h in (h1, h3, h4):
            h.remove()
        results.append(net(x).detach().numpy().copy())
        h2.remove()
        h5.remove()
        results.append(net(x).detach().numpy().copy())
        return results, log
    (mine, mine_log), (theirs, theirs_log) = run(minitorch), run(torch)
    assert mine_log == theirs_log
    for a, b in zip(mine, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_deepcopy_and_pickle_module():
    mine, _ = make_pair()
    clone = copy.deepcopy(mine)
    assert repr(clone) == repr(mine) and clone.features[0].weight is not mine.features[0].weight
    np.testing.assert_array_equal(clone.features[0].weight.detach().numpy(),
                                  mine.features[0].weight.detach().numpy())
    assert isinstance(clone.scale, minitorch.nn.Parameter)
    assert list(clone.state_dict()) == list(mine.state_dict())


def test_save_load_state_dict_roundtrip():
    mine, theirs = make_pair()
    buf = io.BytesIO()
    minitorch.save(mine.state_dict(), buf)
    buf.seek(0)
    fresh = make_net(minitorch)
    assert repr(fresh.load_state_dict(minitorch.load(buf))) == "<All keys matched successfully>"
    for k, v in fresh.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), theirs.state_dict()[k].numpy())


# -- DataParallel ------------------------------------------------------------------------------------------
def test_data_parallel_on_cpu_matches_torch():
    mine, theirs = make_pair()
    wrapped_mine, wrapped_theirs = minitorch.nn.DataParallel(mine), torch.nn.DataParallel(theirs)
    assert repr(wrapped_mine) == repr(wrapped_theirs)
    assert list(wrapped_mine.state_dict()) == list(wrapped_theirs.state_dict())
    assert wrapped_mine.module is mine and wrapped_mine.device_ids == wrapped_theirs.device_ids == []
    x = np.random.default_rng(2).standard_normal((3, 4)).astype(np.float32)
    np.testing.assert_allclose(wrapped_mine(minitorch.from_numpy(x)).detach().numpy(),
                               wrapped_theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


def _blitz_section_5(lib):
    """The blitz's data-parallel example (seed 001, section 5), as written there."""
    nn = lib.nn
    from importlib import import_module
    data = import_module(lib.__name__ + ".utils.data")

    class RandomDataset(data.Dataset):
        def __init__(self, size, length):
            self.len = length
            self.data = lib.randn(length, size)

        def __getitem__(self, index):
            return self.data[index]

        def __len__(self):
            return self.len

    class Model(nn.Module):
        def __init__(self, input_size, output_size):
            super(Model, self).__init__()
            self.fc = nn.Linear(input_size, output_size)

        def forward(self, input):
            output = self.fc(input)
            print("\tIn Model: input size", input.size(), "output size", output.size())
            return output

    device = lib.device("cuda:0" if lib.cuda.is_available() else "cpu")
    rand_loader = data.DataLoader(dataset=RandomDataset(5, 100), batch_size=30, shuffle=True)
    model = Model(5, 2)
    if lib.cuda.device_count() > 1:
        model = nn.DataParallel(model)
    model = nn.DataParallel(model)  # also run through the wrapper, as on a multi-GPU machine
    model.to(device)
    for data_batch in rand_loader:
        input = data_batch.to(device)
        output = model(input)
        print("Outside: input size", input.size(), "output_size", output.size())


def test_blitz_data_parallel_example_prints_like_torch():
    outputs = []
    for lib in LIBS:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            _blitz_section_5(lib)
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]
    assert "\tIn Model: input size torch.Size([30, 5]) output size torch.Size([30, 2])" in outputs[0]


# -- the blitz's LeNet, when the convolution layers exist ----------------------------------------------------
def test_blitz_lenet_prints_like_torch():
    if not hasattr(minitorch.nn, "Conv2d"):
        pytest.skip("minitorch.nn.Conv2d is not written yet")

    mine, theirs = lenet(minitorch), lenet(torch)
    assert repr(mine) == repr(theirs)
    assert [(k, tuple(v.shape)) for k, v in mine.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    copy_weights(theirs, mine)
    x = np.random.default_rng(3).standard_normal((2, 1, 32, 32)).astype(np.float32)
    out_mine, out_theirs = mine(minitorch.from_numpy(x)), theirs(torch.from_numpy(x))
    np.testing.assert_allclose(out_mine.detach().numpy(), out_theirs.detach().numpy(), rtol=1e-4, atol=1e-5)
    assert out_mine.grad_fn.name() == out_theirs.grad_fn.name() == "AddmmBackward0"
    target = np.arange(20, dtype=np.float32).reshape(2, 10)
    loss_mine = minitorch.nn.MSELoss()(out_mine, minitorch.from_numpy(target))
    loss_theirs = torch.nn.MSELoss()(out_theirs, torch.from_numpy(target))
    assert graph(loss_mine) == graph(loss_theirs)  # the whole backward graph the blitz walks


def test_cnn_with_batchnorm_buffers_and_modes():
    """state_dict holds BatchNorm's running statistics (buffers) next to the parameters, as torch's does;
    eval() switches Dropout and BatchNorm off in both."""
    def build(lib):
        nn = lib.nn
        return nn.Sequential(OrderedDict([
            ("conv", nn.Conv2d(2, 4, 3, padding=1)), ("bn", nn.BatchNorm2d(4)), ("act", nn.ReLU()),
            ("pool", nn.MaxPool2d(2)), ("drop", nn.Dropout(0.5)), ("flat", nn.Flatten()),
            ("fc", nn.Linear(16, 3))]))
    mine, theirs = build(minitorch), build(torch)
    assert repr(mine) == repr(theirs)
    assert [(k, tuple(v.shape), str(v.dtype)) for k, v in mine.state_dict().items()] == \
        [(k, tuple(v.shape), str(v.dtype)) for k, v in theirs.state_dict().items()]
    assert names(mine.named_buffers()) == names(theirs.named_buffers())
    theirs.train()(torch.randn(3, 2, 4, 4))  # move torch's running statistics off their initial values
    copy_weights(theirs, mine)
    np.testing.assert_array_equal(mine.bn.running_mean.numpy(), theirs.bn.running_mean.numpy())
    assert mine.bn.num_batches_tracked.item() == 1
    x = np.random.default_rng(4).standard_normal((2, 2, 4, 4)).astype(np.float32)
    mine.eval(), theirs.eval()
    np.testing.assert_allclose(mine(minitorch.from_numpy(x)).detach().numpy(),
                               theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-4, atol=1e-5)


def test_load_state_dict_assign_takes_the_tensors():
    for lib in LIBS:
        layer = lib.nn.Linear(2, 3)
        weight, bias = lib.ones(3, 2, dtype=lib.float64), lib.nn.Parameter(lib.zeros(3), requires_grad=False)
        layer.load_state_dict({"weight": weight, "bias": bias}, assign=True)
        assert isinstance(layer.weight, lib.nn.Parameter) and layer.weight.dtype == lib.float64
        assert layer.weight.requires_grad and layer.bias is bias and layer.bias.requires_grad  # the module's flag
        assert layer.weight.data_ptr() == weight.data_ptr()


def test_training_steps_match_torch():
    """The blitz's loop on a small classifier: forward, cross entropy, backward, SGD step - same losses."""
    mine, theirs = make_pair()
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal((8, 4)).astype(np.float32), rng.integers(0, 2, 8)
    losses = []
    for lib, net in ((minitorch, mine), (torch, theirs)):
        optimizer = lib.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
        criterion = lib.nn.CrossEntropyLoss()
        history = []
        for _ in range(5):
            optimizer.zero_grad()
            loss = criterion(net(lib.from_numpy(x)), lib.from_numpy(y))
            loss.backward()
            optimizer.step()
            history.append(loss.item())
        losses.append(history)
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-5)
    assert losses[0][-1] < losses[0][0]
