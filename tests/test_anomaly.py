"""Anomaly mode: the same errors and warnings as torch's, in the same cases."""
import re
import warnings

import numpy as np
import pytest
import torch

import minitorch
from harness import error_of, same_error
from minitorch.autograd import engine

LIBS = [minitorch, torch]
NAN = float("nan")


@pytest.fixture(autouse=True)
def anomaly_off():
    yield
    torch.autograd.set_detect_anomaly(False)
    minitorch.autograd.set_detect_anomaly(False)
    assert engine.observers == []


def run(lib, fn):
    """``fn(lib)`` under recorded warnings: (the error it raised or None, [warning messages])."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fn(lib)
            error = None
        except Exception as e:  # compared with torch's below
            error = e
    # torch's C++ warnings end with their C++ location; numpy's own RuntimeWarnings are not torch's
    messages = [re.sub(r" \(Triggered internally at .*\)$", "", str(w.message), flags=re.S) for w in caught
                if w.category is UserWarning]
    return error, messages


def both(fn):
    """``run`` in both engines, from the same line, so that the forward stacks they record are alike."""
    return [run(lib, fn) for lib in LIBS]


def sqrt_at_zero(lib):
    x = lib.tensor([0.0, 1.0], requires_grad=True)
    with lib.autograd.set_detect_anomaly(True):
        y = x.sqrt()
        (y * 0).sum().backward()


def made_outside_anomaly_mode(lib):
    x = lib.tensor([0.0, 1.0], requires_grad=True)
    z = (x.sqrt() * 0).sum()
    with lib.autograd.set_detect_anomaly(True):
        z.backward()


def nan_gradient_from_the_start(lib):
    x = lib.tensor([1.0], requires_grad=True)
    with lib.autograd.set_detect_anomaly(True):
        (x * 2).backward(lib.tensor([NAN]))


def custom_function(lib, second_is_nan=True):
    class Add(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, g):
            if not second_is_nan:
                raise ValueError("a bug in backward")
            return g, g * NAN

    def forward(a, b):
        return Add.apply(a, b)

    a, b = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
    with lib.autograd.set_detect_anomaly(True):
        forward(a, b).sum().backward()


def double_backward(lib):
    x = lib.tensor([1.0, 4.0], requires_grad=True)
    with lib.autograd.set_detect_anomaly(True):
        y = x.sqrt()
        g, = lib.autograd.grad(y.sum(), x, create_graph=True)  # its nodes are made by SqrtBackward0's backward
        g.backward(lib.tensor([NAN, 1.0]))


@pytest.mark.parametrize("case", [sqrt_at_zero, made_outside_anomaly_mode, nan_gradient_from_the_start,
                                  custom_function], ids=lambda f: f.__name__)
def test_nan_error_and_warning_as_torch(case):
    (mine, my_warnings), (theirs, their_warnings) = both(case)
    assert type(mine) is type(theirs) is RuntimeError
    assert str(mine) == str(theirs)
    assert re.fullmatch(r"Function '\w+' returned nan values in its \dth output\.", str(mine))
    assert my_warnings == their_warnings  # "Error detected in ... Traceback of forward call ...": same stack


def test_error_message_names_the_node_and_output():
    (mine, _), (theirs, _) = both(custom_function)
    assert str(mine) == "Function 'AddBackward' returned nan values in its 1th output." == str(theirs)
    (mine, warned), _ = both(sqrt_at_zero)
    assert str(mine) == "Function 'SqrtBackward0' returned nan values in its 0th output."
    assert warned[0].startswith("Error detected in SqrtBackward0. Traceback of forward call that caused the error:\n")
    assert warned[0].rstrip().endswith("y = x.sqrt()")  # the line that made the node


def test_any_error_in_backward_shows_where_the_node_was_made():
    fn = lambda lib: custom_function(lib, second_is_nan=False)  # noqa: E731
    (mine, my_warnings), (theirs, their_warnings) = both(fn)
    assert type(mine) is type(theirs) is ValueError and str(mine) == str(theirs)
    assert my_warnings == their_warnings and len(my_warnings) == 1
    assert my_warnings[0].rstrip().endswith("return Add.apply(a, b)")


def test_create_graph_node_tells_which_backward_made_it():
    (mine, my_warnings), (theirs, their_warnings) = both(double_backward)
    assert str(mine) == str(theirs) == "Function 'DivBackward0' returned nan values in its 1th output."
    assert len(my_warnings) == len(their_warnings) == 2
    # the node's own stack: torch's includes its Python frames of autograd.grad, ours its own
    assert my_warnings[0].startswith("Error detected in DivBackward0. Traceback of forward call that caused")
    assert "autograd.grad(y.sum(), x, create_graph=True)" in my_warnings[0]
    assert my_warnings[1] == their_warnings[1]
    assert my_warnings[1].startswith("\n\nPrevious calculation was induced by SqrtBackward0.")


@pytest.mark.parametrize("lib", LIBS, ids=lambda lib: lib.__name__)
def test_without_anomaly_mode_or_check_nan_nan_passes_silently(lib):
    for mode in [dict(mode=False), dict(mode=True, check_nan=False)]:
        x = lib.tensor([0.0, 1.0], requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # numpy's "invalid value" in minitorch's sqrt backward
            with lib.autograd.set_detect_anomaly(**mode):
                (x.sqrt() * 0).sum().backward()
        assert np.isnan(x.grad[0].item()) and x.grad[1].item() == 0


@pytest.mark.parametrize("lib", LIBS, ids=lambda lib: lib.__name__)
def test_flags_context_managers_and_warning(lib):
    assert not lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
    lib.autograd.set_detect_anomaly(True, check_nan=False)  # as a function: stays on
    assert lib.is_anomaly_enabled() and not lib.is_anomaly_check_nan_enabled()
    with lib.autograd.set_detect_anomaly(False):
        assert not lib.is_anomaly_enabled()
    assert lib.is_anomaly_enabled() and not lib.is_anomaly_check_nan_enabled()  # restored
    lib.autograd.set_detect_anomaly(False)
    with pytest.warns(UserWarning) as record:
        manager = lib.autograd.detect_anomaly()
    assert str(record[0].message) == ("Anomaly Detection has been enabled. This mode will increase the runtime "
                                      "and should only be enabled for debugging.")
    assert record[0].filename == __file__  # it points at the caller
    assert not lib.is_anomaly_enabled()  # only inside the block
    with manager:
        assert lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
    assert not lib.is_anomaly_enabled()
    lib.set_anomaly_enabled(True)
    assert lib.is_anomaly_enabled()
    lib.set_anomaly_enabled(False)


def test_detect_anomaly_is_not_a_decorator_as_in_torch():
    def decorate(lib):  # (making the manager warns that anomaly mode is slow; error_of silences it)
        return lib.autograd.detect_anomaly()(lambda: None)
    same_error(decorate)
    assert error_of(lambda: decorate(minitorch)) == (TypeError, "'detect_anomaly' object is not callable")


def test_nodes_remember_their_stack_only_in_anomaly_mode():
    x = minitorch.ones(2, requires_grad=True)
    assert not hasattr((x * 2).grad_fn, "_anomaly_trace")
    with minitorch.autograd.set_detect_anomaly(True):
        node = (x * 2).grad_fn
    assert node._anomaly_trace.rstrip().endswith("node = (x * 2).grad_fn")
    assert engine.observers == []  # the engine is back to its plain path
