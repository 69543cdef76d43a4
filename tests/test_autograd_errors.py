"""Autograd's errors: each scenario runs in minitorch and in torch; the exception type and message must be
torch's, and the error must leave the state as torch leaves it (``.grad`` and data untouched). Hooks that
change a gradient's size or type are refused as in torch."""
import functools
import warnings

import numpy as np
import pytest
import torch

import minitorch
from harness import assert_close, error_of, same_error


def raised(scenario):
    """Run ``scenario(lib, state)`` (which must raise) in both libraries.

    ``scenario`` returns nothing; it may store tensors it wants inspected afterwards in ``state``.
    Returns [(exception type, message, state)] for minitorch and torch. (``error_of`` also silences the
    warning about looking at the .grad of a non-leaf, which some scenarios do on purpose.)
    """
    out = []
    for lib in (minitorch, torch):
        state = {}
        error = error_of(lambda: scenario(lib, state))
        assert error is not None, f"{lib.__name__} does not raise"
        out.append((*error, state))
    return out


def same_state(mine, theirs):
    """The tensors a scenario kept hold the same values (float32 ulps aside) in both libraries, at the same
    versions (except for gradients, whose version counts torch's internal steps)."""
    assert mine.keys() == theirs.keys()
    for name in mine:
        m, t = mine[name], theirs[name]
        assert (m is None) == (t is None), name
        if m is not None:
            np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), rtol=1e-6, err_msg=name)
            assert name == "grad" or m._version == t._version, name


def check(scenario, contains=None):
    (m_type, m_msg, m_state), (t_type, t_msg, t_state) = raised(scenario)
    assert (m_type, m_msg) == (t_type, t_msg)
    same_state(m_state, t_state)
    if contains:
        assert contains in m_msg
    return m_msg


# -- backward's arguments ----------------------------------------------------------------------------------
def test_non_scalar_output_without_gradient():
    def scenario(lib, state):
        x = state["x"] = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        state["grad"] = x.grad
        (x * 2).backward()
    check(scenario, "grad can be implicitly created only for scalar outputs")


def test_gradient_of_the_wrong_shape():
    def scenario(lib, state):
        x = state["x"] = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (x * x).sum().backward()
        state["grad"] = x.grad
        (x * 2).backward(lib.ones(2))
    check(scenario, "Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and output[0] has a "
                    "shape of torch.Size([3]).")


def test_backward_on_a_tensor_that_does_not_require_grad():
    def scenario(lib, state):
        state["x"] = x = lib.tensor([1.0, 2.0])
        (x * 2).sum().backward()
    check(scenario, "element 0 of tensors does not require grad and does not have a grad_fn")


def test_backward_on_an_integer_tensor():
    check(lambda lib, state: lib.tensor(3).backward(), "element 0")


def test_second_of_several_outputs_does_not_require_grad():
    def scenario(lib, state):
        x = state["x"] = lib.tensor([1.0, 2.0], requires_grad=True)
        lib.autograd.backward([(x * 2).sum(), lib.ones(2).sum()])
    check(scenario, "element 1 of tensors")


def test_more_outputs_than_gradients():
    def scenario(lib, state):
        x = state["x"] = lib.tensor([1.0, 2.0], requires_grad=True)
        lib.autograd.backward([(x * 2).sum(), x.sum()], [lib.tensor(1.0)])
    check(scenario, "got 2 tensors and 1 gradients")


def test_empty_inputs():
    def scenario(lib, state):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * 2).sum().backward(inputs=[])
    check(scenario, "`inputs` argument to `backward()` cannot be empty.")


def test_backward_inputs_that_do_not_require_grad():
    def scenario(lib, state):
        x = state["x"] = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * 2).sum().backward(inputs=[lib.ones(2)])
    check(scenario, "can't retain_grad on Tensor that has requires_grad=False")  # sic, as torch


# -- the graph was freed -----------------------------------------------------------------------------------
def test_second_backward_through_a_freed_graph():
    def scenario(lib, state):
        x = state["x"] = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        y.backward()
        state["grad"] = x.grad
        y.backward()
    check(scenario, "Trying to backward through the graph a second time")


def test_grad_through_a_freed_graph():
    def scenario(lib, state):
        x = state["x"] = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        lib.autograd.grad(y, x)
        lib.autograd.grad(y, x)
    check(scenario, "Specify retain_graph=True")


# -- in-place operations ------------------------------------------------------------------------------------
@pytest.mark.parametrize("op", [lambda x: x.add_(1), lambda x: x.mul_(2), lambda x: x.zero_(),
                                lambda x: x.fill_(3.0), lambda x: x.copy_(x.detach() * 2),
                                lambda x: x.__iadd__(1), lambda x: x.exp_()],
                         ids=["add_", "mul_", "zero_", "fill_", "copy_", "+=", "exp_"])
def test_in_place_on_a_leaf_that_requires_grad(op):
    def scenario(lib, state):
        x = state["x"] = lib.tensor([1.0, 2.0], requires_grad=True)
        op(x)
    check(scenario, "a leaf Variable that requires grad is being used in an in-place operation.")


def test_saved_output_modified_in_place():
    def scenario(lib, state):
        x = state["x"] = lib.ones(2, 2, requires_grad=True)
        e = state["e"] = x.exp()
        e.add_(1)
        e.sum().backward()
    message = check(scenario)
    assert message.startswith("one of the variables needed for gradient computation has been modified by an "
                              "inplace operation: [torch.FloatTensor [2, 2]], which is output 0 of Exp, is at "
                              "version 1; expected version 0 instead. Hint: ")


def test_saved_output_modified_in_place_without_recording():
    def scenario(lib, state):
        x = state["x"] = lib.ones(2, 2, requires_grad=True)
        e = state["e"] = x.exp()
        with lib.no_grad():
            e.mul_(2)
        state["grad"] = x.grad
        (e * 1).sum().backward()
    check(scenario, "which is output 0 of Exp,")


def test_saved_input_modified_in_place_names_its_current_node():
    def scenario(lib, state):
        x = state["x"] = lib.ones(2, 2, dtype=lib.float64, requires_grad=True)
        y = state["y"] = x * 1
        z = y * y
        y.sub_(1.0)
        z.sum().backward()
    check(scenario, "[torch.DoubleTensor [2, 2]], which is output 0 of Sub, is at version 1")


def test_saved_leaf_modified_without_recording():
    def scenario(lib, state):
        x = state["x"] = lib.ones(3, requires_grad=True)
        z = x * x
        with lib.no_grad():
            x.add_(1)
        z.sum().backward()
    check(scenario, "[torch.FloatTensor [3]] is at version 1; expected version 0")


def test_saved_output_of_a_node_with_a_numbered_name():
    def scenario(lib, state):
        a = state["a"] = lib.ones(2, requires_grad=True)
        b = lib.ones(2, requires_grad=True)
        y = a ** b
        y.add_(1)
        y.sum().backward()
    check(scenario, "which is output 0 of Pow1,")


def test_saved_tensor_modified_twice():
    def scenario(lib, state):
        x = state["x"] = lib.ones(3, requires_grad=True)
        e = x.exp()
        with lib.no_grad():
            e.add_(1)
            e.add_(1)
        e.sum().backward()
    check(scenario, "is at version 2; expected version 0")


@pytest.mark.parametrize("view", [lambda x: x[0], lambda x: x.t(), lambda x: x.view(4)[1:]],
                         ids=["select", "t", "view-slice"])
def test_in_place_on_a_view_of_a_leaf(view):
    def scenario(lib, state):
        x = state["x"] = lib.ones(2, 2, requires_grad=True)
        view(x).mul_(2)
    check(scenario, "a view of a leaf Variable that requires grad is being used in an in-place operation.")


@pytest.mark.parametrize("views", [lambda y: y.unbind(0), lambda y: y.split(1)], ids=["unbind", "split"])
def test_in_place_on_an_output_of_a_multi_output_view_op(views):
    def scenario(lib, state):
        x = state["x"] = lib.ones(2, 2, requires_grad=True)
        y = state["y"] = x * 1
        views(y)[1].mul_(2)
    check(scenario, "Output 1 of ")


@pytest.mark.parametrize("base", ["leaf", "non-leaf"])
def test_in_place_with_grad_on_a_view_made_without_grad(base):
    def scenario(lib, state):
        x = state["x"] = lib.ones(2, 2, requires_grad=True)
        y = x if base == "leaf" else x * 1
        with lib.no_grad():
            v = y[0]
        v.mul_(2)
    check(scenario, "A view was created in no_grad mode and is being modified inplace with grad mode enabled.")


def test_in_place_on_an_expanded_tensor():
    def scenario(lib, state):
        x = state["x"] = lib.ones(2)
        x.expand(3, 2).mul_(2)
    check(scenario, "more than one element of the written-to tensor refers to a single memory location")


# -- requires_grad, retain_grad, hooks -------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda lib: lib.tensor([1, 2], requires_grad=True),
    lambda lib: lib.ones(2, dtype=lib.int64, requires_grad=True),
    lambda lib: lib.tensor([1, 2]).requires_grad_(),
    lambda lib: setattr(lib.tensor([1, 2]), "requires_grad", True),
    lambda lib: lib.tensor([True]).requires_grad_(),
], ids=["tensor", "ones", "requires_grad_", "setter", "bool"])
def test_integer_tensors_cannot_require_grad(make):
    check(lambda lib, state: make(lib), "can require gradients")


@pytest.mark.parametrize("change", [lambda y: setattr(y, "requires_grad", False),
                                    lambda y: y.requires_grad_(False)], ids=["setter", "requires_grad_"])
def test_requires_grad_of_a_non_leaf_cannot_be_switched_off(change):
    def scenario(lib, state):
        y = (lib.ones(2, requires_grad=True) * 2)
        change(y)
    check(scenario, "you can only change requires_grad flags of leaf variables.")


def test_retain_grad_without_requires_grad():
    check(lambda lib, state: lib.ones(2).retain_grad(), "can't retain_grad on Tensor that has requires_grad=False")


def test_hook_on_a_tensor_without_requires_grad():
    check(lambda lib, state: lib.ones(2).register_hook(lambda g: g),
          "cannot register a hook on a tensor that doesn't require gradient")


def test_node_hook_returning_the_wrong_number_of_gradients():
    def scenario(lib, state):
        x = state["x"] = lib.ones(2, requires_grad=True)
        y = x * 2
        y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: (grad_inputs[0],))
        y.sum().backward()
    check(scenario, "has returned an incorrect number of values (got 1, but expected 2)")


def test_node_prehook_returning_the_wrong_number_of_gradients():
    def scenario(lib, state):
        x = state["x"] = lib.ones(2, requires_grad=True)
        y = x * 2
        y.grad_fn.register_prehook(lambda grad_outputs: (grad_outputs[0], grad_outputs[0]))
        y.sum().backward()
    check(scenario, "(got 2, but expected 1)")


@pytest.mark.parametrize("value", [lambda lib: lib.ones(3), lambda lib: lib.ones(2, dtype=lib.float64),
                                   lambda lib: lib.ones(3, dtype=lib.int64), lambda lib: 3],
                         ids=["size", "double", "long", "number"])
def test_assigning_a_wrong_grad(value):
    def scenario(lib, state):
        x = state["x"] = lib.ones(2, requires_grad=True)
        x.grad = value(lib)
    check(scenario)


def test_numpy_of_a_tensor_that_requires_grad():
    check(lambda lib, state: lib.ones(2, requires_grad=True).numpy(), "Use tensor.detach().numpy() instead.")


# -- autograd.grad ---------------------------------------------------------------------------------------
def test_grad_of_an_unused_input():
    def scenario(lib, state):
        x = state["x"] = lib.ones(2, requires_grad=True)
        w = state["w"] = lib.ones(2, requires_grad=True)
        lib.autograd.grad((x * 2).sum(), [x, w])
    check(scenario, "The differentiated Tensor at index 1 appears to not have been used in the graph.")


def test_grad_with_respect_to_a_tensor_that_does_not_require_grad():
    def scenario(lib, state):
        x = state["x"] = lib.ones(2, requires_grad=True)
        lib.autograd.grad((x * 2).sum(), lib.ones(2))
    check(scenario, "One of the differentiated Tensors does not require grad")


def test_grad_with_no_inputs():
    check(lambda lib, state: lib.autograd.grad((lib.ones(2, requires_grad=True) * 2).sum(), []),
          "`inputs` argument to `grad()` cannot be empty.")


def test_grad_materialize_grads_with_allow_unused_false():
    def scenario(lib, state):
        x = lib.ones(2, requires_grad=True)
        lib.autograd.grad((x * 2).sum(), x, allow_unused=False, materialize_grads=True)
    check(scenario, "Expected allow_unused to be True or not passed when materialize_grads=True")


def test_grad_of_non_scalar_without_grad_outputs():
    def scenario(lib, state):
        x = state["x"] = lib.ones(2, requires_grad=True)
        lib.autograd.grad(x * 2, x)
    check(scenario, "grad can be implicitly created only for scalar outputs")


def test_grad_leaves_grad_untouched_when_it_fails():
    def scenario(lib, state):
        x = state["x"] = lib.ones(2, requires_grad=True)
        w = lib.ones(2, requires_grad=True)
        (x * 3).sum().backward()
        state["grad"] = x.grad
        lib.autograd.grad((x * x).sum(), [x, w])
    check(scenario, "index 1")


def test_backward_is_silent_where_a_vjp_divides_by_zero_like_torch():
    before = np.geterr()
    grads = []
    for lib in (minitorch, torch):
        x = lib.tensor([0.0, 1.0, 4.0], requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # any warning fails the test
            (x.sqrt() + x.log()).sum().backward()
        grads.append(x.grad.tolist())
    assert grads[0] == grads[1]
    assert np.geterr() == before  # NumPy's own settings are left as they were


# -- hooks that return the wrong thing, and custom backwards that return the wrong number ----------------------
NODE_HOOK_RETURNS = {
    "prehook bare tensor": lambda y: y.grad_fn.register_prehook(lambda go: go[0] * 10),
    "prehook list": lambda y: y.grad_fn.register_prehook(lambda go: [go[0] * 10]),
    "posthook bare tensor": lambda y: y.grad_fn.register_hook(lambda gi, go: gi[0] * 10),
    "AccumulateGrad prehook bare tensor": lambda y: y.grad_fn.next_functions[0][0].register_prehook(
        lambda go: go[0] * 10),
}


@pytest.mark.parametrize("register", NODE_HOOK_RETURNS.values(), ids=NODE_HOOK_RETURNS)
def test_node_hook_returning_something_not_a_tuple(register):
    def scenario(lib, state):
        x = state["x"] = lib.ones(2, requires_grad=True)
        y = x * 2
        register(y)
        y.sum().backward()
    check(scenario, "expected tuple, but hook returned")


def test_hook_without_a_name_returning_the_wrong_number_of_gradients():
    class Hook:  # an object: no __name__, torch calls it '<unknown>'
        def __call__(self, grad_outputs):
            return grad_outputs + grad_outputs

    def scenario(lib, state):
        x = state["x"] = lib.ones(2, requires_grad=True)
        y = x * 2
        y.grad_fn.register_prehook(Hook())
        y.sum().backward()
    check(scenario, "hook '<unknown>' has returned an incorrect number of values (got 2, but expected 1)")


def test_custom_backward_returning_the_wrong_number_of_gradients():
    def scenario(lib, state):
        class Product(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a, b):
                return a * b

            @staticmethod
            def backward(ctx, g):
                return g  # one gradient for two inputs
        x = state["x"] = lib.ones(2, requires_grad=True)
        Product.apply(x, x * 3).sum().backward()
    check(scenario, "function ProductBackward returned an incorrect number of gradients (expected 2, got 1)")


# -- hooks that change the gradient's size or type ---------------------------------------------------------------
def _named_hook(lib):
    def make_it_five(grad):
        return lib.ones(5)
    return make_it_five


class _CallableHook:
    def __init__(self, lib):
        self.lib = lib

    def __call__(self, grad):
        return self.lib.ones(5)


class _NotATensor:
    pass


HOOK_RESULTS = {  # what a hook returns, for a float32 gradient of shape (3,)
    "bigger": lambda lib, g: lib.ones(5),
    "size 1": lambda lib, g: lib.ones(1),
    "0-d": lambda lib, g: lib.ones(()),
    "reshaped": lambda lib, g: g.reshape(3, 1),
    "float64": lambda lib, g: g.double(),
    "int64": lambda lib, g: g.long(),
    "a number": lambda lib, g: 3,
    "an ndarray": lambda lib, g: np.ones(3, np.float32),
    "an object": lambda lib, g: _NotATensor(),
}

HOOK_PLACES = {  # where the hook is registered; each runs backward of sum(2a) for a leaf a of shape (3,)
    "leaf": lambda lib, a, hook: (a.register_hook(hook), (a * 2).sum().backward()),
    "non-leaf": lambda lib, a, hook: (lambda b: (b.register_hook(hook), b.sum().backward()))(a * 2),
    "retained non-leaf": lambda lib, a, hook: (lambda b: (b.retain_grad(), b.register_hook(hook),
                                                          b.sum().backward()))(a * 2),
    "leaf, autograd.grad": lambda lib, a, hook: (a.register_hook(hook), lib.autograd.grad((a * 2).sum(), a)),
    "node prehook": lambda lib, a, hook: (lambda b: (b.grad_fn.register_prehook(lambda go: (hook(go[0]),)),
                                                     b.sum().backward()))(a * 2),
    "node posthook": lambda lib, a, hook: (lambda b: (b.grad_fn.register_hook(lambda gi, go: (hook(gi[0]), None)),
                                                      b.sum().backward()))(a * 2),
    "AccumulateGrad prehook": lambda lib, a, hook: (lambda b: (b.grad_fn.next_functions[0][0].register_prehook(
        lambda go: (hook(go[0]),)), b.sum().backward()))(a * 2),
}


@pytest.mark.parametrize("place", HOOK_PLACES)
@pytest.mark.parametrize("result", HOOK_RESULTS)
def test_a_hook_that_changes_the_gradient_is_refused_like_torch(place, result):
    """A (3,) leaf used to end with a (5,) .grad (and an optimizer broadcast a (1,) one into a wrong update)."""
    def run(lib):
        a = lib.zeros(3, requires_grad=True)
        hook = lambda g: HOOK_RESULTS[result](lib, g)  # noqa: E731 - torch names it '<lambda>' in its message
        HOOK_PLACES[place](lib, a, hook)
    same_error(run)


@pytest.mark.parametrize("make_hook", [_named_hook, _CallableHook,
                                       lambda lib: functools.partial(lambda g, n: lib.ones(n), n=5)],
                         ids=["function", "callable object", "partial"])
def test_a_hook_is_named_in_the_error_as_torch_names_it(make_hook):
    def run(lib):
        a = lib.zeros(3, requires_grad=True)
        a.register_hook(make_hook(lib))
        a.sum().backward()
    same_error(run)


def test_a_node_hook_cannot_put_a_gradient_where_there_was_none():
    def run(lib):
        a = lib.zeros(3, requires_grad=True)
        b = a * 2  # the second input of MulBackward0 is the constant 2: its gradient is None
        b.grad_fn.register_hook(lambda gi, go: (gi[0], lib.ones(())))
        b.sum().backward()
    same_error(run)


def test_hooks_that_keep_size_and_type_still_replace_the_gradient():
    grads = []
    for lib in (minitorch, torch):
        a = lib.zeros(3, requires_grad=True)
        b = a * 2
        b.register_hook(lambda g: g * 3)
        a.register_hook(lambda g: g + 1)
        b.sum().backward()
        grads.append(a.grad)
    assert_close(grads[0], grads[1], np.float32)
