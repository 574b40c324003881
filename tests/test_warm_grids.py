"""The training sliders' warmed runs (notebook 02's lr, notebook 03's noise): the grid the warm step
trains is every value the sliders offer (snapped as they show them), and a tap to a warmed value
shows that run at once, equal to the run play then trains live."""

import math

import numpy as np
import pytest

from bn_core.data import load_digits_split
from bn_core.experiments import depth, warm
from bn_core.experiments.cache import cached, final_state
from bn_core.experiments.smoothness import NOISE_STRENGTHS, noise_steps
from bn_core.experiments.what_stays_put import KEYS, LR_SLIDER, compare_bn, lr_grid, snap_lr
from bn_core.panels.nb02_forum import _lr_slider
from bn_core.panels.nb02_what_stays_put import SIZES, STORED_NOTE, WhatStaysPut
from bn_core.panels.nb03_why_bn_helps import NoiseExplorer
from bn_core.panels.nb08_depth import depth_panel
from bn_core.ui import poster


def test_the_grid_is_every_value_of_the_sliders_snapped_as_they_show_it():
    grid = lr_grid()
    assert len(grid) == 19 and grid[0] == 0.0501 and grid[-1] == 3.16
    assert grid[10] == 0.501 and all(a < b for a, b in zip(grid, grid[1:]))
    lo, hi, step = LR_SLIDER
    slider = _lr_slider(0.5, "bn-test")
    assert (slider.min, slider.max, slider.step) == (lo, hi, step)
    for k, lr in enumerate(grid):
        # the browser's position string ("-1.2000000000000002" or "-1.2") and its own power
        for position in (lo + k * step, round(lo + k * step, 10)):
            assert snap_lr(10 ** position) == lr
            assert snap_lr(math.exp(position * math.log(10))) == lr


def test_the_warm_step_trains_the_grids_unless_told_not_to(monkeypatch):
    asked = []
    monkeypatch.setattr(warm.what_stays_put, "compare_bn", lambda **kw: asked.append(kw))
    monkeypatch.setattr(warm, "cached", lambda fn, **kw: asked.append(kw))
    monkeypatch.setattr(warm, "DEFAULTS", {})
    assert warm.warm(grids=False) == [] and asked == []
    assert warm.warm() == ["02 lr grid", "02 freeze lr grid", "03 noise grid", "08 depth grid",
                           "08 gain grid"]
    lrs, noise, depths, gains = asked[:38], asked[38:69], asked[69:88], asked[88:]
    assert [kw["lr"] for kw in lrs] == list(lr_grid()) * 2  # what_stays_put, the forum's four
    assert {kw["steps"] for kw in lrs[:19]} == {1000} and {kw["steps"] for kw in lrs[19:]} == {200}
    assert [kw["strength"] for kw in noise] == list(NOISE_STRENGTHS)
    assert {kw["kinds"] for kw in noise} == {("noisy",)}  # the slider re-trains BN + noise only
    assert [kw["depth"] for kw in depths] == list(range(2, 21))  # the hidden layers slider's
    assert {(kw["gain"], kw["activation"], kw["bn"], kw["steps"]) for kw in depths} == {
        (depth.DEFAULTS["gain"], "tanh", "off", 300)}  # the other controls at their defaults
    assert [kw["gain"] for kw in gains] == list(depth.gain_grid()) and len(gains) == 41
    assert {(kw["depth"], kw["activation"], kw["bn"]) for kw in gains} == {(8, "tanh", "off")}


def test_a_gain_from_the_slider_finds_its_grid_value_and_others_stay_as_they_are():
    lo, _hi, step = depth.GAIN_SLIDER
    for k, gain in enumerate(depth.gain_grid()):
        position = round(lo + k * step, 10)  # the browser's position string, e.g. "0.2"
        assert depth.slider_gain(10 ** position) == gain
        assert depth.slider_gain(math.exp(position * math.log(10))) == gain
    for gain in (5 / 3, math.sqrt(2), 1.6):  # the default, PyTorch's gains, any other
        assert depth.slider_gain(gain) == gain
    assert depth.slider_gain(1.0) == depth.gain_grid()[20] == 1.0  # on the grid too


def test_the_noise_grid_is_the_sliders_values_as_it_shows_them():
    assert NOISE_STRENGTHS[0] == 0.0 and NOISE_STRENGTHS[-1] == 1.5 and len(NOISE_STRENGTHS) == 31
    for k, strength in enumerate(NOISE_STRENGTHS):
        assert round(k * 0.05, 2) == strength == round(float(f"{k * 0.05:.2f}"), 2)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BN_CORE_CACHE_DIR", str(tmp_path))


SMALL = {"steps": 30, "seed": 0}


def test_a_tap_to_a_stored_lr_shows_that_run_then_play_trains_it_live(cache):
    stored = compare_bn(lr=0.1, **SMALL)  # as the warm step stores the grid (here a short run)
    dash = WhatStaysPut(lr=0.5, **SMALL)  # 0.5 is not stored: it trains at open
    dash.wait(60)
    dash.restart(0.10000000000000002)  # the slider's value; snapped to 0.1, found
    shown = dash.wait(60)
    assert "stored" in dash.run.state and STORED_NOTE in dash.status.value
    assert dash.run.params["lr"] == 0.1 and "(done)" in dash.run.readout.value
    for key in KEYS:
        np.testing.assert_array_equal(shown[key]["test_acc"], stored[key]["test_acc"])
    dash.run.resume()  # play: the learner wants to watch it train
    trained = dash.wait(60)
    assert "stored" not in dash.run.state and STORED_NOTE not in dash.status.value
    for key in KEYS:  # streamed = blocking = stored
        np.testing.assert_array_equal(trained[key]["loss"], stored[key]["loss"])
        np.testing.assert_array_equal(trained[key]["next"]["std"], stored[key]["next"]["std"])


def test_a_tap_to_a_stored_lr_shows_its_pictures_and_each_figure_draws_that_run_when_needed(
        cache):
    stored = {lr: compare_bn(lr=lr, **SMALL) for lr in (0.5, 0.1)}  # as the warm step does
    dash = WhatStaysPut(lr=0.5, **SMALL)  # opens on the stored 0.5: draws and keeps its pictures
    dash.wait(60)
    draws = []
    for name in SIZES:  # built (as prebuild does while the learner reads), each draw counted
        figure = dash.figure(name)
        figure.update = lambda runs, *a, f=figure.update, name=name: draws.append(name) or f(runs)
    dash.lr.value = 0.1  # no picture of 0.1 yet: drawn, and kept for the next tap
    dash.wait(60)
    assert sorted(draws) == sorted(SIZES)
    drawn = {name: bytes(image.value) for name, image in dash.images.items()}
    told = {name: image.tooltip for name, image in dash.images.items()}
    for lr in (0.5, 0.1):  # both have pictures now: shown by the callback, nothing drawn
        dash.lr.value = lr  # each picture with its stored text: one update (one new <img> src)
        assert dash.images["fig1"].value == poster._stored(dash._key("fig1", lr), "jpeg")
        assert dash.images["fig1"].tooltip == poster._stored_text(dash._key("fig1", lr))
        dash.wait(60)
    assert {name: image.tooltip for name, image in dash.images.items()} == told
    assert len(draws) == 4 and STORED_NOTE in dash.status.value and dash.runs is dash.run.state[
        "stored"]
    assert {name: bytes(image.value) for name, image in dash.images.items()} == drawn
    np.testing.assert_array_equal(dash.runs["bn"]["test_acc"], stored[0.1]["bn"]["test_acc"])
    line = dash.fig1.acc["bn"]  # needed: fig1 draws the 0.1 run now, the same pixels
    np.testing.assert_array_equal(line.get_ydata(), stored[0.1]["bn"]["test_acc"])
    assert draws[4:] == ["fig1"] and bytes(dash.images["fig1"].value) == drawn["fig1"]
    dash.step.value = 10  # the scrubber: the scrub figure draws the 0.1 run, then step 10
    assert draws[5:] == ["scrub"] and dash.shown.value.startswith("showing step 10 ")
    np.testing.assert_array_equal(dash.scrub.steps, stored[0.1]["bn"]["snap"]["step"])


def test_a_tap_to_an_lr_not_stored_trains(cache):
    dash = WhatStaysPut(lr=0.5, **SMALL)
    dash.wait(60)
    dash.restart(0.2)
    runs = dash.wait(60)
    assert "stored" not in dash.run.state and runs["bn"]["test_acc"].shape == (4,)


def test_a_noise_tap_to_a_stored_strength_shows_it_without_training(cache):
    data = load_digits_split()
    explorer = NoiseExplorer(data, seed=7, steps=30)  # its first run trains every kind
    explorer.wait(60)
    slider = explorer.slider
    assert (slider.min, slider.max, slider.step) == (NOISE_STRENGTHS[0], NOISE_STRENGTHS[-1], 0.05)
    started = []
    start = explorer.run._start
    explorer.run._start = lambda **params: started.append(params) or start(**params)
    stored = cached(final_state, steps_fn=noise_steps, data=data, kinds=("noisy",), steps=30,
                    lr=0.5, seed=7, strength=0.3, watch=1)  # as the warm step stores the grid
    explorer.slider.value = 0.30000000000000004  # a value the slider may send
    summary = explorer.wait(60)
    assert started == [] and explorer.run.params["strength"] == 0.3
    np.testing.assert_array_equal(explorer.runs["noisy"]["loss"], stored["noisy"]["loss"])
    explorer.slider.value = 0.35  # not stored: trains BN + noise
    explorer.wait(60)
    assert started == [{"strength": 0.35}] and summary.keys() == explorer.summary.keys()


def test_a_depth_tap_finds_the_stored_run_at_the_panels_params(cache, monkeypatch):
    panel = depth_panel(steps=20)  # trains its first run (not stored at 20 steps)
    panel.run.wait(60)
    slider = panel.controls["depth"]
    assert (slider.min, slider.max) == (depth.DEPTHS[0], depth.DEPTHS[-1])
    stored = cached(final_state, steps_fn=depth.depth_run, depth=5, gain=5 / 3,
                    activation="tanh", bn="off", steps=20)  # as the warm step stores the grid
    started = []
    monkeypatch.setattr(panel.run, "_start", lambda **p: started.append(p) or depth.depth_run(**p))
    slider.value = 5
    state = panel.run.wait(60)
    assert started == [] and state["settings"] == stored["settings"]
    np.testing.assert_array_equal(state["loss"], stored["loss"])
    gain = depth.gain_grid()[25]  # 10 ** 0.25
    cached(final_state, steps_fn=depth.depth_run, depth=5, gain=gain, activation="tanh",
           bn="off", steps=20)
    panel.controls["gain"].value = 10 ** 0.25000000000000006  # as a browser may compute it
    assert panel.run.wait(60)["settings"]["gain"] == gain and started == []
