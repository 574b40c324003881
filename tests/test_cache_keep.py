"""A stored result that was broken is stored again by the run that replaced it (cache.keep): a
LiveRun at its opening parameters whose stored end was cut trains live, then stores its end again,
so the next kernel reads it; a complete entry is never rewritten; a missing one stays missing (warm
and cached() make entries), and other parameters (a learner's slider values) are not stored."""

import numpy as np
from test_cache_faults import cache_at, silent  # noqa: F401  (fixtures)

from bn_core.experiments import cache
from bn_core.ui.runner import LiveRun

STARTS = []


def steps(n=20, scale=1.0):
    """A tiny streamed experiment: its states, the last holding the whole (n,) curve."""
    STARTS.append((n, scale))
    curve = np.zeros(n)
    for step in range(1, n + 1):
        curve[step - 1] = scale * step**0.5
        yield {"step": step, "steps": n, "curve": curve.copy()}


def stored_end(params):
    return cache._entry(cache.final_state, {"steps_fn": steps, **params})


def run(params, lookup, **changed):
    live = LiveRun(steps, lambda state: None, params=params, lookup=lookup, autostart=False)
    live.restart(**changed)
    return live.wait(30)


def test_keep_rewrites_a_broken_result_only(cache_at, silent):  # noqa: F811
    value = {"curve": np.arange(5.0)}
    cache.keep(cache.final_state, value, steps_fn=steps, n=5)
    path = stored_end({"n": 5})
    assert not path.exists()  # missing: not made here
    cache.cached(cache.final_state, steps_fn=steps, n=5)
    cache.keep(cache.final_state, value, steps_fn=steps, n=5)  # whole: left as it is
    assert cache.lookup(cache.final_state, steps_fn=steps, n=5)["curve"].tolist() == [
        1.0, 2 ** 0.5, 3 ** 0.5, 2.0, 5 ** 0.5]
    path.write_bytes(b"cut")
    cache.keep(cache.final_state, value, steps_fn=steps, n=5)
    assert cache.lookup(cache.final_state, steps_fn=steps, n=5)["curve"].tolist() == [0, 1, 2, 3, 4]
    before = path.stat().st_mtime_ns
    cache.keep(cache.final_state, {"curve": np.zeros(5)}, steps_fn=steps, n=5)
    assert path.stat().st_mtime_ns == before  # whole: not rewritten
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # cut in half
    cache.keep(cache.final_state, value, steps_fn=steps, n=5)
    assert path.read_bytes() == data


def test_a_run_whose_stored_end_was_cut_keeps_it_again(cache_at, silent):  # noqa: F811
    lookup, params = cache.final_lookup(steps), {"n": 20, "scale": 1.0}
    want = cache.cached(cache.final_state, steps_fn=steps, **params)  # warmed
    path = stored_end(params)
    data = path.read_bytes()
    path.write_bytes(data[:100])
    STARTS.clear()
    state = run(params, lookup)
    assert STARTS == [(20, 1.0)]  # trained live: the stored end could not be read
    assert np.array_equal(state["curve"], want["curve"])
    assert np.array_equal(lookup(params)["curve"], want["curve"])  # kept again, whole
    STARTS.clear()
    assert np.array_equal(run(params, lookup)["curve"], want["curve"]) and STARTS == []


def test_missing_ends_and_a_learners_own_parameters_are_not_stored(cache_at, silent):  # noqa: F811
    lookup = cache.final_lookup(steps)
    run({"n": 20, "scale": 1.0}, lookup)  # opening parameters, never warmed
    run({"n": 20, "scale": 1.0}, lookup, scale=2.0)
    assert lookup({"n": 20, "scale": 1.0}) is None and lookup({"n": 20, "scale": 2.0}) is None
    assert not list(cache_at.rglob("*.pkl"))
