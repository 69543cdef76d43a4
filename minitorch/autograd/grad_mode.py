"""Grad mode: whether operations record the graph. ``no_grad``, ``enable_grad``, ``set_grad_enabled``
and ``inference_mode`` work as context managers and as decorators, as in torch (``@no_grad`` and
``@inference_mode`` also without parentheses)."""
import functools


class _State:
    enabled = True       # read by Function.apply on every operation
    inference = False


STATE = _State()


def is_grad_enabled():
    return STATE.enabled


def is_inference_mode_enabled():
    return STATE.inference


class _GradModeContext:
    """Base: sets the mode on ``__enter__``, restores it on ``__exit__``; usable as a decorator."""

    _args = ()  # constructor arguments, to make a fresh context for each call of a decorated function

    def __new__(cls, *args):
        if args and callable(args[0]):  # @no_grad without parentheses: decorate at once
            return cls()(args[0])
        return super().__new__(cls)

    def _new_mode(self):
        """(grad enabled, inference) inside the context."""
        raise NotImplementedError

    def __enter__(self):
        self._prev = (STATE.enabled, STATE.inference)
        STATE.enabled, STATE.inference = self._new_mode()

    def __exit__(self, *exc):
        STATE.enabled, STATE.inference = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._args):
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_GradModeContext):
    """Operations inside record no graph: their results have ``requires_grad=False``."""

    def _new_mode(self):
        return False, STATE.inference


class enable_grad(_GradModeContext):
    """Recording on again (inside ``no_grad``)."""

    def _new_mode(self):
        return True, STATE.inference


class set_grad_enabled(_GradModeContext):
    """``set_grad_enabled(False)`` sets the mode at once (like torch) and also works with ``with``."""

    def __new__(cls, mode):
        return object.__new__(cls)

    def __init__(self, mode):
        self._args = (mode,)
        self._prev = (STATE.enabled, STATE.inference)
        STATE.enabled = bool(mode)

    def _new_mode(self):
        return bool(self._args[0]), STATE.inference

    def __enter__(self):
        pass  # the mode was set by the constructor; __exit__ restores the one it replaced

    def __call__(self, fn):
        STATE.enabled, STATE.inference = self._prev  # used as a decorator: undo the eager switch
        return super().__call__(fn)


class inference_mode(_GradModeContext):
    """Like no_grad (minitorch has no separate inference tensors). As in torch, ``inference_mode(False)``
    switches inference mode off and grad mode on."""

    def __init__(self, mode=True):
        self._args = (mode,)

    def _new_mode(self):
        enabled = bool(self._args[0])
        return not enabled, enabled
