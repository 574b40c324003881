"""bn_core.lockstep: runs stepped side by side, in one thread or two, give the same numbers as
separate runs; a failure in either thread reaches the caller; a closed lockstep ends its thread."""

import threading

import numpy as np
import pytest

from bn_core import lockstep as lockstep_module
from bn_core.data import load_digits_split
from bn_core.experiments.what_stays_put import KEYS, compare_bn_steps, histories
from bn_core.lockstep import lockstep

SMALL = {"steps": 40, "seed": 3, "sizes": (64, 30, 30, 10), "snapshot_every": 10}


@pytest.fixture(scope="module")
def data():
    return load_digits_split()


def _last(gen):
    *_, state = gen
    return state


@pytest.fixture
def two_cores(monkeypatch):
    """As on a machine with two cores, whatever this one has (the helper runs either way)."""
    monkeypatch.setattr(lockstep_module, "_cores", lambda: 2)


def test_two_threads_give_the_numbers_of_one(data, two_cores, monkeypatch):
    two = histories(_last(compare_bn_steps(lr=0.5, data=data, **SMALL)))  # threads=2 inside
    monkeypatch.setattr(lockstep_module, "_cores", lambda: 1)  # the helper is not started
    one = histories(_last(compare_bn_steps(lr=0.5, data=data, **SMALL)))
    for key in KEYS:
        np.testing.assert_array_equal(two[key]["loss"], one[key]["loss"])
        np.testing.assert_array_equal(two[key]["test_acc"], one[key]["test_acc"])
        np.testing.assert_array_equal(two[key]["pct"]["pct"], one[key]["pct"]["pct"])
        np.testing.assert_array_equal(two[key]["next"]["std"], one[key]["next"]["std"])
    np.testing.assert_array_equal(two["bn"]["snap"]["out"], one["bn"]["snap"]["out"])


def _counter(name, n, fail_at=None):
    for i in range(n):
        if i == fail_at:
            raise RuntimeError(f"{name} failed at {i}")
        yield {"step": i + 1, "name": name, "thread": threading.current_thread().name}


@pytest.mark.parametrize("threads", [1, 2])
def test_every_step_of_every_run_and_uneven_ends(two_cores, threads):
    runs = {"a": _counter("a", 3), "b": _counter("b", 5), "c": _counter("c", 4)}
    seen = [(s["step"], s["a"]["step"], s["b"]["step"], s["c"]["step"])
            for s in lockstep(runs, {}, threads=threads)]
    assert seen == [(1, 1, 1, 1), (2, 2, 2, 2), (3, 3, 3, 3), (4, 3, 4, 4), (5, 3, 5, 4)]


def test_the_second_half_steps_in_the_helper_thread(two_cores):
    state = next(lockstep({"a": _counter("a", 2), "b": _counter("b", 2)}, {}, threads=2))
    assert state["a"]["thread"] == threading.current_thread().name
    assert state["b"]["thread"] == "bn-lockstep"


@pytest.mark.parametrize("failing", ["a", "b"])  # in this thread, in the helper
def test_a_failure_in_either_thread_reaches_the_caller_and_ends_the_helper(two_cores, failing):
    before = threading.active_count()
    runs = {name: _counter(name, 5, fail_at=2 if name == failing else None) for name in "ab"}
    steps = lockstep(runs, {}, threads=2)
    with pytest.raises(RuntimeError, match=f"{failing} failed at 2"):
        for _ in steps:
            pass
    for thread in threading.enumerate():
        if thread.name == "bn-lockstep":
            thread.join(timeout=5)
    assert threading.active_count() == before


def test_a_lockstep_given_up_ends_its_helper(two_cores):
    before = threading.active_count()
    steps = lockstep({"a": _counter("a", 100), "b": _counter("b", 100)}, {}, threads=2)
    next(steps)
    assert threading.active_count() == before + 1
    steps.close()  # a cancelled LiveRun's generator
    for thread in threading.enumerate():
        if thread.name == "bn-lockstep":
            thread.join(timeout=5)
    assert threading.active_count() == before


def test_threads_must_be_one_or_two():
    with pytest.raises(ValueError, match="threads: got 3; expected 1 or 2"):
        next(lockstep({"a": _counter("a", 1)}, {}, threads=3))
