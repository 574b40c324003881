"""Notebook 08's panels: every control safe at both ends (no warning, no NaN on screen, a diverged
run says "diverged"), and the stale run gives way when a control moves."""

import warnings

import numpy as np
import pytest

from bn_core.panels.nb08_depth import depth_panel, measure
from bn_core.panels.nb08_sweeps import scale_panel


@pytest.fixture(scope="module")
def panel():
    p = depth_panel(steps=20)
    p.run.wait(timeout=60)
    return p


def screen_text(p):
    return p.table.value + p.run.readout.value + p.run.error.value + "".join(
        a.get_text() for a in (p.draw.art.note, p.draw.art.status))


@pytest.mark.parametrize("values", [
    {"depth": 2, "gain": 0.1}, {"depth": 20, "gain": 10.0},
    {"activation": "relu", "depth": 20, "gain": 0.1},
    {"activation": "sigmoid", "bn": "after", "depth": 20, "gain": 10.0},
    {"activation": "tanh", "bn": "before", "depth": 20, "gain": 0.1},
])
def test_controls_are_safe_at_their_ends(panel, values):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        measure(panel, **values)
    assert not caught, [str(w.message) for w in caught]
    text = screen_text(panel).lower()
    assert "nan" not in text and "inf" not in text and "error" not in text, text
    assert panel.live.pixels().std() > 0  # something drawn


def test_a_diverged_run_says_diverged(panel):
    result = measure(panel, activation="relu", bn="off", depth=20, gain=10.0)
    assert result["end"]["diverged"]
    assert "diverged" in panel.table.value and panel.draw.art.status.get_text() == "diverged"
    measure(panel, bn="before")  # the same controls with BN: trains
    assert "diverged" not in panel.table.value


def test_the_kaiming_button_sets_the_gain_for_the_nonlinearity(panel):
    panel.controls["activation"].value = "relu"
    panel.widget.children[0].children[2].click()
    assert abs(panel.controls["gain"].value - np.sqrt(2)) < 1e-12
    assert "(set)" in panel.widget.children[0].children[3].value
    panel.run.wait(timeout=60)


def test_the_sweep_panel_draws_both_learning_rates(monkeypatch):
    monkeypatch.setenv("BN_CORE_CACHE_DIR", "off")  # nothing stored: the panel trains at once
    sweep = scale_panel(scales=[1e-2])
    state = sweep.run.wait(timeout=120)
    assert state["done"] == state["total"] == 4  # 2 nets x 1 scale x lr 0.1 and 0.01
    assert state["best_acc"]["bn"].shape == (2, 1) and np.all(np.isfinite(state["best_acc"]["bn"]))
    lines = sweep.live.axes[0].get_lines()
    labels = [line.get_label() for line in lines]
    assert {"with BN, lr 0.1", "with BN, lr 0.01", "without BN, lr 0.01"} <= set(labels), labels
    assert sum(len(line.get_xdata()) for line in lines if "lr" in line.get_label()) == 4
    assert sweep.live.pixels().std() > 0
