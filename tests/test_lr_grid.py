"""Notebook 02's lr sliders and their warmed runs: the grid the warm step trains is every value the
sliders offer (snapped as they show them), and a tap to a warmed lr shows that run at once, equal to
the run play then trains live."""

import math

import numpy as np
import pytest

from bn_core.experiments import warm
from bn_core.experiments.what_stays_put import KEYS, LR_SLIDER, compare_bn, lr_grid, snap_lr
from bn_core.panels.nb02_forum import _lr_slider
from bn_core.panels.nb02_what_stays_put import STORED_NOTE, WhatStaysPut


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


def test_the_warm_step_trains_the_grid_unless_told_not_to(monkeypatch):
    asked = []
    monkeypatch.setattr(warm.what_stays_put, "compare_bn", lambda **kw: asked.append(kw))
    monkeypatch.setattr(warm, "cached", lambda fn, **kw: asked.append(kw))
    monkeypatch.setattr(warm, "DEFAULTS", {})
    assert warm.warm(grids=False) == [] and asked == []
    assert warm.warm() == ["02 lr grid", "02 freeze lr grid"]
    lrs = [kw["lr"] for kw in asked]
    assert lrs == list(lr_grid()) * 2  # what_stays_put, then the forum's four networks
    assert {kw["steps"] for kw in asked[:19]} == {1000}
    assert {kw["steps"] for kw in asked[19:]} == {200}


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


def test_a_tap_to_an_lr_not_stored_trains(cache):
    dash = WhatStaysPut(lr=0.5, **SMALL)
    dash.wait(60)
    dash.restart(0.2)
    runs = dash.wait(60)
    assert "stored" not in dash.run.state and runs["bn"]["test_acc"].shape == (4,)
