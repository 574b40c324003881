"""Several training runs stepped side by side, so their curves grow together.

    for state in lockstep({"plain": train_steps(...), "bn": train_steps(...)}, {"step": 0},
                          threads=2):
        draw(state)       # state["plain"], state["bn"]: each run's train_steps state

One step of each run per yielded state. With threads=2 the runs are split in two halves and the
second half steps in a helper thread while this thread steps the first: numpy's matrix products
and ufuncs release the GIL, so on two cores the pair takes about the time of one run (notebook
02's lr: 3.1 s -> 1.8 s, `benchmarks/train_step.py --lockstep`). The numbers do not change: each
run keeps its own model and its own generators, and the runs share nothing (pass threads=2 only
for runs that share no rng or array: two runs drawing from one rng would draw in another order).
"""

import os
import threading

_DONE = object()  # a run's generator has ended


def _advance(runs):
    """next() of each generator of runs {name: generator}: {name: state or _DONE}."""
    out = {}
    for name, run in runs.items():
        try:
            out[name] = next(run)
        except StopIteration:
            out[name] = _DONE
    return out


def _cores():
    """The CPU cores this process may run on (one core: a helper thread would only add switches)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class _Helper:
    """One helper thread that steps the runs it is handed, one batch at a time."""

    def __init__(self):
        self._job, self._done = threading.Semaphore(0), threading.Semaphore(0)
        self._runs = self._result = None
        self._thread = threading.Thread(target=self._loop, name="bn-lockstep", daemon=True)
        self._thread.start()

    def _loop(self):
        while True:
            self._job.acquire()
            if self._runs is None:
                return  # stop()
            try:
                self._result = _advance(self._runs)
            except BaseException as error:  # handed back to the caller, raised there
                self._result = error
            self._done.release()

    def start(self, runs):
        self._runs = runs
        self._job.release()

    def result(self):
        self._done.acquire()
        result, self._result = self._result, None
        if isinstance(result, BaseException):
            raise result
        return result

    def stop(self):
        self._runs = None
        self._job.release()


def lockstep(runs, state, threads=1):
    """Step the generators runs {name: train_steps(...)} in one loop, one step of each per
    iteration; yields `state` (updated in place) after every step: state[name] is that run's
    latest state, state["step"] the most steps any has done. A run that ends (or diverges and
    stops) drops out; the others go on. threads=2: half of the runs step in a helper thread (see
    the module's docstring: only for runs that share no generator)."""
    if threads not in (1, 2):
        raise ValueError(f"threads: got {threads!r}; expected 1 or 2")
    live = dict(runs)
    helper = _Helper() if threads == 2 and len(live) > 1 and _cores() > 1 else None
    try:
        while live:
            names = list(live)
            away = names[len(names) // 2:] if helper else []  # stepped by the helper
            if away:
                helper.start({name: live[name] for name in away})
            stepped = {}
            try:
                stepped.update(_advance({name: live[name] for name in names if name not in away}))
            finally:  # the helper's half ends its step before anything else happens
                if away:
                    stepped.update(helper.result())
            for name in names:
                if stepped[name] is _DONE:
                    del live[name]
                else:
                    state[name] = stepped[name]
            if live:
                state["step"] = max(state[name]["step"] for name in runs)
                yield state
    finally:
        if helper:
            helper.stop()
