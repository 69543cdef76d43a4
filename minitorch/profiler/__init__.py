"""``minitorch.profiler``: torch.profiler's API over the autograd profiler (minitorch/autograd/profiler.py).

    with minitorch.profiler.profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        with minitorch.profiler.record_function("model_inference"):
            model(inputs)
    print(prof.key_averages().table(sort_by="cpu_time_total", row_limit=10))

With ``schedule=schedule(wait=1, warmup=1, active=2)`` and ``prof.step()`` at the end of each training
step, only the active steps are recorded (each as a ``ProfilerStep#N`` event), and ``on_trace_ready(prof)``
is called at the end of each cycle, as in torch. minitorch computes on the CPU only: ``ProfilerActivity.CUDA``
is accepted and records nothing more.
"""
import enum

from ..autograd import profiler as _autograd_profiler
from ..autograd.profiler import record_function


class ProfilerActivity(enum.Enum):
    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def supported_activities():
    return {ProfilerActivity.CPU}


def schedule(*, wait, warmup, active, repeat=0, skip_first=0, skip_first_wait=0):
    """torch's schedule: skip ``skip_first`` steps, then cycles of ``wait`` idle steps, ``warmup`` steps and
    ``active`` recorded steps (the last of which saves), ``repeat`` times (0: for ever)."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError("Invalid profiler schedule arguments")

    def schedule_fn(step):
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait:
            step += wait
        cycle = wait + warmup + active
        if repeat > 0 and step // cycle >= repeat:
            return ProfilerAction.NONE
        at = step % cycle
        if at < wait:
            return ProfilerAction.NONE
        if at < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if at < cycle - 1 else ProfilerAction.RECORD_AND_SAVE
    return schedule_fn


def _always(step):
    return ProfilerAction.RECORD


class profile:
    """``torch.profiler.profile``: records the CPU ops run inside ``with`` (or between ``start()`` and
    ``stop()``), during the steps ``schedule`` makes active."""

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None, record_shapes=False,
                 profile_memory=False, with_stack=False, with_flops=False, with_modules=False,
                 experimental_config=None, execution_trace_observer=None, acc_events=False, use_cuda=None,
                 custom_trace_id_callback=None):
        self.activities = set(activities) if activities else supported_activities()
        self.schedule = schedule or _always
        self.on_trace_ready = on_trace_ready
        self.options = dict(record_shapes=record_shapes, profile_memory=profile_memory, with_stack=with_stack)
        self.step_num = 0
        self.profiler = None  # the autograd profile of the cycle being (or last) recorded
        self._recording = None
        self._step_event = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        self.step_num = 0
        self._action = self.schedule(0)
        self._begin_step()

    def stop(self):
        self._end_step()
        if self._recording is not None:
            self._finish(save=True)

    def step(self):
        """Mark the end of a training step: move along the schedule."""
        self._end_step()
        previous = self._action
        self.step_num += 1
        self._action = self.schedule(self.step_num)
        if previous == ProfilerAction.RECORD_AND_SAVE or (self._recording is not None and self._action in (
                ProfilerAction.NONE, ProfilerAction.WARMUP)):
            self._finish(save=previous == ProfilerAction.RECORD_AND_SAVE)
        self._begin_step()

    def _begin_step(self):
        if self._action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE):
            if self._recording is None:
                self._recording = _autograd_profiler.profile(**self.options).__enter__()
            if self.schedule is not _always:
                self._step_event = record_function(f"ProfilerStep#{self.step_num}").__enter__()

    def _end_step(self):
        if self._step_event is not None:
            self._step_event.__exit__(None, None, None)
            self._step_event = None

    def _finish(self, save):
        self._recording.__exit__(None, None, None)
        self.profiler, self._recording = self._recording, None
        if save and self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def _events(self):
        if self.profiler is None:
            raise RuntimeError("Profiler didn't finish running")
        return self.profiler.function_events

    def events(self):
        return self._events()

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        return self._events().key_averages(group_by_input_shape, group_by_stack_n)

    def export_chrome_trace(self, path):
        self._events().export_chrome_trace(path)


__all__ = ["ProfilerActivity", "ProfilerAction", "profile", "record_function", "schedule", "supported_activities"]
