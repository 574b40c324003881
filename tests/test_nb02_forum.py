"""Notebook 02's forum panels stream their runs: short runs end drawn, without errors, and the
controls restart them (one run, not two)."""

import numpy as np

from bn_core.panels.nb02_forum import FreezePanel, ShiftPanel


def test_freeze_panel_draws_every_network():
    panel = FreezePanel(steps=12)
    state = panel.run.wait(timeout=60)
    assert state is not None and state["step"] == 12 and not panel.run.error.value
    for kind, (_acc, loss, drift) in panel.lines.items():
        assert len(loss.get_xdata()) == 12, kind
        assert np.all(np.asarray(drift.get_ydata()) > 0)  # log axis: floored
    panel.lr.value = 0.2  # releasing the slider re-trains
    assert panel.run.wait(timeout=60)["runs"]["bn"]["step"] == 12
    assert panel.run.params["lr"] == 0.2


def test_shift_panel_select_starts_one_run():
    panel = ShiftPanel(steps=10)
    panel.run.wait(timeout=60)
    started, restart = [], panel.run.restart
    panel.run.restart = lambda **params: started.append(params) or restart(**params)
    panel.select("relu", 0.1)
    state = panel.run.wait(timeout=60)
    assert started == [{"activation": "relu", "lr": 0.1}]  # one run, not one per control
    assert panel.run.params["activation"] == "relu" and panel.activation.value == "relu"
    assert len(state["shift"]["bn"].rows["step"]) == 1  # step 0 (every 10 steps)
    assert len(panel.lines["bn"][0].get_xdata()) == 1


def test_shift_panel_says_when_a_network_diverged():
    panel = ShiftPanel(lr=0.5, steps=40, seed=0)
    panel.run.wait(60)
    assert panel.note.get_text() == ""
    panel.select("relu", 10 ** panel.lr.max)  # the slider's top end: the ReLU net blows up
    panel.run.wait(60)
    assert panel.note.get_text().startswith("without BN diverged at step")
