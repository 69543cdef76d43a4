"""The harness's own comparisons fail where they must: a test built on them cannot pass because a helper
stopped looking (a different message, another exception type, no exception, a different graph)."""
import pytest

import minitorch
from harness import check_same, error_of, graph, outcome, same_error, same_graphs


def raising(mine, theirs):
    """fn(lib) raising ``mine`` in minitorch and ``theirs`` in torch (None: returning a tensor)."""
    def fn(lib):
        error = mine if lib is minitorch else theirs
        if error is None:
            return lib.ones(2)
        raise error
    return fn


def test_same_error_passes_on_the_same_type_and_message():
    same_error(raising(RuntimeError("size mismatch"), RuntimeError("size mismatch")))
    same_error(lambda lib: lib.ones(2, 3) @ lib.ones(2, 3))  # and on a real one


@pytest.mark.parametrize("mine, theirs, says", [
    (RuntimeError("a"), RuntimeError("b"), "minitorch says"),
    (ValueError("a"), RuntimeError("a"), "minitorch raises ValueError"),
    (IndexError("a"), LookupError("a"), "minitorch raises IndexError"),  # a subclass is not the same type
    (None, RuntimeError("a"), "minitorch does not raise"),
    (RuntimeError("a"), None, "torch does not raise here"),
], ids=["message", "type", "subclass", "minitorch silent", "torch silent"])
def test_same_error_fails_on_any_difference(mine, theirs, says):
    with pytest.raises(AssertionError, match=says):
        same_error(raising(mine, theirs))


def test_same_error_words_rewrites_both_messages_only_where_asked():
    fn = raising(TypeError("minitorch.Tensor"), TypeError("torch.Tensor"))
    with pytest.raises(AssertionError):
        same_error(fn)
    same_error(fn, words=lambda message: message.replace("minitorch.", "torch."))


def test_error_of_and_outcome():
    assert error_of(lambda: [][1]) == (IndexError, "list index out of range")
    assert error_of(lambda: 1) is None
    # (minitorch names its dtypes as torch does)
    assert outcome(lambda: minitorch.arange(3.0)) == [((3,), "torch.float32", [0.0, 1.0, 2.0])]

    assert outcome(lambda: minitorch.arange(3.0)) != outcome(lambda: minitorch.arange(3.0) + 1e-7)


def test_check_same_fails_on_a_different_value_dtype_or_error():
    with pytest.raises(AssertionError):
        check_same(lambda lib: lib.ones(3) * (2 if lib is minitorch else 3))
    with pytest.raises(AssertionError, match="dtype"):
        check_same(lambda lib: lib.ones(3, dtype=lib.float64 if lib is minitorch else lib.float32))
    with pytest.raises(AssertionError, match="minitorch says"):
        check_same(raising(RuntimeError("a"), RuntimeError("b")))
    check_same(lambda lib: lib.ones(3) * 2)


def test_graph_sees_names_edges_and_their_output_numbers():
    def chunks(lib, which):
        x = lib.ones(4, requires_grad=True)
        return x.chunk(2)[which] * 2
    assert graph(chunks(minitorch, 0)) == graph(chunks(minitorch, 0))
    assert graph(chunks(minitorch, 0)) != graph(chunks(minitorch, 1))  # the edge to output 0 or 1 of Split
    assert graph(chunks(minitorch, 0), depth=1)[1][0][0] == ("SplitBackward0", "...")
    with pytest.raises(AssertionError, match="graph"):
        same_graphs(minitorch.ones(2, requires_grad=True) * 2, minitorch.ones(2, requires_grad=True) + 2)
