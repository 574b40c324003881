"""Figure texts of the panels that train (notebooks 02, 06's ghost batches, 08; issue 21): the text
alternative states the numbers of the run on show, follows a new run started by a control, and
the run's start and end reach its live region (ui.a11y.Announcer)."""

import numpy as np
import pytest

from bn_core.data import load_digits_split
from bn_core.panels.nb02_forum import FreezePanel, ShiftPanel
from bn_core.panels.nb02_what_stays_put import WhatStaysPut
from bn_core.panels.nb06_ghost import regularization_panel
from bn_core.panels.nb08_depth import depth_panel, measure
from bn_core.panels.nb08_sweeps import batch_panel
from bn_core.ui.a11y import controls
from bn_core.ui.palette import LABELS


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """A cache of this test's own: its short runs and pictures stay out of the shared one (a
    stored end there would be shown as a picture to other tests, which expect it drawn)."""
    monkeypatch.setenv("BN_CORE_CACHE_DIR", str(tmp_path))


def announces(panel_widget, run):
    """True if the run's live region (an Announcer, role=status) is on show with the panel and
    has said the run's end."""
    tree, stack = [], [panel_widget]
    while stack:
        w = stack.pop()
        tree.append(w)
        stack.extend(getattr(w, "children", ()) or ())
    status = run.controls.status
    return status.widget in tree and status.said.startswith("run done") and \
        "role='status'" in status.widget.value and controls(panel_widget) != []


def test_nb02_figure_texts_follow_lr_and_state_the_runs():
    dash = WhatStaysPut(lr=0.5, steps=40, data=load_digits_split(), snapshot_every=10)
    runs = dash.wait(120)
    before = {name: image.tooltip for name, image in dash.images.items()}
    dash.lr.value = 10 ** -1.0  # a new run at lr 0.1
    runs = dash.wait(120)
    texts = {name: image.tooltip for name, image in dash.images.items()}
    assert all(texts[name] != before[name] for name in ("fig1", "params", "change"))
    acc = {k: runs[k]["test_acc"][-1] for k in ("plain", "bn")}
    assert f"step 40: {acc['plain']:.2f} without BN, {acc['bn']:.2f} with BN" in texts["fig1"]
    lo, mid, hi = runs["bn"]["pct"]["pct"][-1]
    assert f"median {mid:.2f}, 15th to 85th percentile {lo:.2f} to {hi:.2f}" in texts["fig1"]
    z, gamma = runs["bn"]["z"], runs["bn"]["params"]["gamma"]
    assert (f"unit 0: mean of x {z['mean'][-1, 0]:.2f}, std of x {z['std'][-1, 0]:.2f}"
            in texts["params"]) and f"gamma {gamma[-1, 0]:.2f}" in texts["params"]
    assert "step 40" in texts["change"] and "without BN, x: mean moves" in texts["change"]
    assert dash.run.controls.status.said.startswith("run done: step 40 of 40")
    assert announces(dash.controls, dash.run)


def test_nb02_scrub_text_follows_the_step_slider():
    dash = WhatStaysPut(lr=0.5, steps=40, data=load_digits_split(), snapshot_every=10)
    dash.wait(120)
    dash.step.value = 0
    text = dash.images["scrub"].tooltip
    x = dash.runs["bn"]["snap"]["x"][0].astype(np.float64)  # (P, D) at step 0
    means, stds = x.mean(axis=0), x.std(axis=0)
    assert "last hidden layer at step 0;" in text
    assert (f"raw x entering BN: feature means from {means.min():.2f} to {means.max():.2f}, "
            f"stds from {stds.min():.2f} to {stds.max():.2f}") in text
    dash.step.value = 40
    assert "at step 40;" in dash.images["scrub"].tooltip


def test_nb02_forum_texts_state_each_network():
    panel = FreezePanel(steps=12)
    state = panel.run.wait(60)
    text = panel.image.tooltip
    assert text.startswith("Step 12 of 12")
    for kind, run in state["runs"].items():
        assert f"{LABELS[kind]}: test accuracy {run['test_acc'][-1]:.2f}" in text, kind
    panel.lr.value = 0.2
    panel.run.wait(60)
    assert panel.image.tooltip != text and announces(panel.widget, panel.run)
    shift = ShiftPanel(steps=10)
    state = shift.run.wait(60)
    cos = state["shift"]["bn"].rows["cos"][-1][-1]
    assert "with BN at step 0: ||G - G'|| / ||G||" in shift.image.tooltip
    assert f"cos(G, G') {cos:.3f}" in shift.image.tooltip


def test_nb06_ghost_text_states_each_ghost_size():
    panel = regularization_panel(np.random.default_rng(0),
                                 runs={"default": {"ghosts": (2, 8), "repeats": 1}})
    res = panel.wait(300)
    text = panel.image.tooltip
    for g, train, test in zip(res["ghosts"], res["train"][:, 0], res["test"][:, 0], strict=True):
        assert f"ghost {g}: train {train:.3f}, test {test:.3f}, gap {train - test:.3f}" in text
    assert f"no BN: train {res['plain_train'].mean():.3f}" in text
    assert announces(panel.widget, panel.run)


def test_nb08_depth_text_follows_the_controls_and_states_the_layers():
    panel = depth_panel(steps=10)
    panel.run.wait(120)
    before = panel.image.tooltip
    measure(panel, depth=4, bn="before")
    text = panel.image.tooltip
    rows = panel.run.state["diag"].rows
    std, gstd = rows["act_std"][-1], rows["grad_std"][-1]
    assert text != before and "4 hidden layers, tanh" in text and "BN before" in text
    assert f"std of the activations h {std[0]:.2f} to {std[-1]:.3g}" in text
    assert f"std of dL/dh {gstd[0]:.1e} to {gstd[-1]:.1e}" in text
    assert "diverged" not in panel.table.value  # the contrast-fixed word appears only then
    assert announces(panel.widget, panel.run)


def test_nb08_batch_text_states_each_batch_size():
    panel = batch_panel()
    state = panel.run.wait(600)
    for k, n in enumerate(state["batch_sizes"]):
        train, test = state["train_acc"][k, -1], state["test_acc"][k, -1]
        assert f"batch {n}: training {train:.3f}, test {test:.3f}" in panel.image.tooltip
    assert announces(panel.widget, panel.run)
