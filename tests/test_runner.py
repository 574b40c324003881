"""LiveRun: streamed runs end in the state the blocking run reaches, stale runs give way within one
step, errors appear in the panel, and play / pause / step / reset do what they say."""

import threading
import time

import numpy as np
import pytest

from bn_core.data import load_digits_split
from bn_core.layers import BatchNorm1d
from bn_core.nn import mlp
from bn_core.train import LayerStats, history, train, train_steps
from bn_core.ui.runner import LiveRun


def counting(steps=50, delay=0.0, tag=None, fail_at=None):
    """A stand-in experiment: state["step"] counts up to `steps`, `delay` seconds per step."""
    state = {"step": 0, "steps": steps, "tag": tag}
    yield state
    for k in range(1, steps + 1):
        time.sleep(delay)
        if k == fail_at:
            raise FloatingPointError(f"loss is nan at step {k}")
        state["step"] = k
        yield state


class Drawn:
    """A draw callback that remembers (tag, step) of every frame."""

    def __init__(self):
        self.frames = []

    def __call__(self, state):
        self.frames.append((state["tag"], state["step"]))


def live_threads():
    return [t for t in threading.enumerate() if t.name == "bn-core-LiveRun" and t.is_alive()]


def test_streamed_run_ends_where_the_blocking_run_ends():
    data = load_digits_split()
    kwargs = dict(steps=60, batch_size=30, lr=0.5, eval_every=20)

    def make():
        model = mlp([64, 32, 32, 10], "tanh", bn="before", rng=np.random.default_rng(0))
        return model, {"stats": LayerStats(model.index_of(BatchNorm1d))}

    model, record = make()
    blocking = train(model, data, rng=np.random.default_rng(1), record=record, **kwargs)

    model2, record2 = make()
    run = LiveRun(lambda: train_steps(model2, data, rng=np.random.default_rng(1), record=record2,
                                      **kwargs), draw=lambda state: None)
    streamed = history(run.wait(timeout=30))
    np.testing.assert_array_equal(streamed["loss"], blocking["loss"])
    np.testing.assert_array_equal(streamed["test_acc"], blocking["test_acc"])
    np.testing.assert_array_equal(streamed["stats"]["mean"], blocking["stats"]["mean"])
    for (layer, name), (layer2, _) in zip(model.parameters(), model2.parameters(), strict=True):
        np.testing.assert_array_equal(getattr(layer, name), getattr(layer2, name))


def test_a_new_value_supersedes_the_stale_run_within_one_step():
    draw = Drawn()
    run = LiveRun(lambda tag: counting(steps=10_000, delay=0.005, tag=tag), draw,
                  params={"tag": "old"}, frame_seconds=0.02)
    time.sleep(0.2)
    old = run._run
    start = time.perf_counter()
    run.restart(tag="new")
    assert old.done.wait(0.1), "the stale run did not stop within 100 ms"
    stopped_after = time.perf_counter() - start
    n_before = len(draw.frames)
    time.sleep(0.2)
    assert not old.finished and stopped_after < 0.1
    assert all(tag == "new" for tag, _ in draw.frames[n_before:])  # no stale frame after restart
    assert any(tag == "new" for tag, _ in draw.frames)
    run.cancel()
    assert run._run.done.wait(1)


def test_five_quick_taps_end_in_one_completed_run_for_the_last_value():
    draw = Drawn()
    run = LiveRun(lambda tag: counting(steps=40, delay=0.005, tag=tag), draw, params={"tag": 0},
                  frame_seconds=0.03)
    for tap in range(1, 6):
        time.sleep(0.12 if tap > 1 else 0.0)
        run.restart(tag=tap)
    state = run.wait(timeout=5)
    assert state["tag"] == 5 and state["step"] == 40
    assert run.completed == 1
    assert draw.frames[-1] == (5, 40)  # the figure ends on the last value's final state
    assert "step 40 / 40" in run.readout.value


def test_frames_come_at_most_every_frame_seconds_and_the_last_state_is_drawn():
    draw = Drawn()
    run = LiveRun(lambda tag: counting(steps=300, delay=0.001, tag=tag), draw, params={"tag": 1},
                  frame_seconds=0.05)
    run.wait(timeout=10)
    seconds = run._run.elapsed()
    assert 2 <= len(draw.frames) <= seconds / 0.05 + 3
    assert draw.frames[-1] == (1, 300)


def test_an_error_inside_a_run_is_shown_in_the_panel():
    run = LiveRun(lambda: counting(steps=20, fail_at=7), lambda state: None)
    assert run.wait(timeout=5) is None
    assert isinstance(run._run.error, FloatingPointError)
    assert "FloatingPointError: loss is nan at step 7" in run.error.value
    assert "color" in run.error.value  # red, not lost in a log
    run.restart()  # a new run clears the message... and fails again the same way
    run.wait(timeout=5)
    assert "step 7" in run.error.value


def test_pause_step_resume_and_reset():
    draw = Drawn()
    run = LiveRun(lambda tag: counting(steps=200, delay=0.002, tag=tag), draw, params={"tag": 1},
                  autostart=False)
    run.reset()  # paused at step 0, drawn
    time.sleep(0.1)
    assert draw.frames[-1] == (1, 0) and run.controls.play.description == "play"
    for expected in (1, 2, 3):
        run.step()
        time.sleep(0.1)
        assert draw.frames[-1] == (1, expected)
    run.resume()
    assert run.wait(timeout=5)["step"] == 200
    run.reset()
    time.sleep(0.1)
    assert draw.frames[-1] == (1, 0)
    run.cancel()


def test_speed_paces_the_run_in_steps_per_frame():
    draw = Drawn()
    run = LiveRun(lambda tag: counting(steps=12, tag=tag), draw, params={"tag": 1},
                  frame_seconds=0.02, autostart=False)
    run.controls.speed.value = "1 step / frame"
    run.restart()
    run.wait(timeout=5)
    assert [step for _, step in draw.frames] == list(range(0, 13)) + [12]  # every step, then final


def test_no_thread_is_left_behind():
    run = LiveRun(lambda: counting(steps=100_000, delay=0.001), lambda state: None)
    time.sleep(0.05)
    run.cancel()
    run._run.done.wait(1)
    time.sleep(0.05)
    assert not live_threads()


def test_bad_arguments():
    with pytest.raises(ValueError, match="frame_seconds"):
        LiveRun(lambda: counting(), lambda state: None, frame_seconds=0)


def test_a_stored_end_is_shown_without_training_and_play_trains_anew():
    started, draw = [], Drawn()

    def start(tag):
        started.append(tag)
        return counting(steps=30, delay=0.001, tag=tag)

    stored = {"step": 30, "steps": 30, "tag": "stored"}
    run = LiveRun(start, draw, params={"tag": "a"},
                  lookup=lambda params: stored if params["tag"] == "a" else None)
    assert run.wait(timeout=5) is stored and started == []  # shown, nothing trained
    assert draw.frames[-1] == ("stored", 30) and run.completed == 1
    assert "step 30 / 30" in run.readout.value
    run.restart(tag="b")  # nothing stored for b: it trains
    assert run.wait(timeout=5)["tag"] == "b" and started == ["b"]
    run.restart(tag="a")
    run.wait(timeout=5)
    assert started == ["b"]
    run.resume()  # play on a finished run: the learner wants to watch it train
    assert run.wait(timeout=5)["tag"] == "a" and started == ["b", "a"]
    run.reset()  # reset: back to step 0 of a real run
    time.sleep(0.1)
    assert draw.frames[-1] == ("a", 0) and started == ["b", "a", "a"]
    run.cancel()


def test_a_stored_picture_shows_before_its_state_is_read_and_its_text_follows():
    """A tap shows the stored picture at once; reading the stored state (20-150 ms for notebook
    08's runs) comes after, then the picture's text alternative (show with the state)."""
    reading, release, shown, draw = threading.Event(), threading.Event(), [], Drawn()

    class Posters:  # RunPosters' interface: show(params, state=None) -> True if a picture shows
        def show(self, params, state=None):
            shown.append((params["tag"], state is not None, reading.is_set()))
            return params["tag"] != "unpictured"

        def store(self, params):
            shown.append((params["tag"], "stored", None))

    def lookup(params):
        reading.set()
        release.wait(5)
        return {"step": 30, "steps": 30, "tag": params["tag"]}

    run = LiveRun(lambda tag: counting(tag=tag), draw, params={"tag": "a"}, lookup=lookup,
                  poster=Posters())
    assert reading.wait(5) and shown == [("a", False, False)]  # the picture, while still reading
    release.set()
    assert run.wait(timeout=5)["tag"] == "a" and draw.frames == []  # a picture: nothing drawn
    assert shown == [("a", False, False), ("a", True, True)]  # then its text
    run.restart(tag="unpictured")  # no picture stored: the state is drawn, its picture kept
    run.wait(timeout=5)
    assert draw.frames == [("unpictured", 30)] and shown[-1] == ("unpictured", "stored", None)
    run.restart(paused=True)  # reset trains: no stored picture is shown
    shown.clear()
    time.sleep(0.1)
    assert shown == [] and draw.frames[-1] == ("unpictured", 0)
    run.cancel()


def test_final_lookup_reads_what_cached_final_state_stored(tmp_path, monkeypatch):
    from bn_core.experiments.cache import cached, final_lookup, final_state

    monkeypatch.setenv("BN_CORE_CACHE_DIR", str(tmp_path))
    lookup = final_lookup(counting)
    assert lookup({"steps": 5, "tag": "t"}) is None  # computes nothing
    end = cached(final_state, steps_fn=counting, steps=5, tag="t")
    assert end == {"step": 5, "steps": 5, "tag": "t"}
    assert lookup({"steps": 5, "tag": "t"}) == end
    assert lookup({"steps": 6, "tag": "t"}) is None
