"""Notebooks 03-07's figure texts (issue 21): each figure's text alternative states the numbers it
shows, computed from the panel's own data, and changes when its control moves; static pictures
carry a fixed alt with their numbers. (Notebooks 02 and 08, which train: test_a11y_runs.py.)"""

import numpy as np
import pytest

from bn_core.experiments import inference
from bn_core.panels import nb03_describe, nb04_backward, nb05_describe, nb05_inference
from bn_core.panels.nb03_why_bn_helps import NoiseExplorer, ScaleExplorer
from bn_core.panels.nb06_coupling import jacobian_panel, outlier_panel, sampling_panel
from bn_core.panels.nb07_norms import comparison_panel, cubes_picture, padding_panel
from bn_core.ui import poster


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """A cache of this test's own: its short runs and pictures stay out of the shared one (a
    stored end there would be shown as a picture to other tests, which expect it drawn)."""
    monkeypatch.setenv("BN_CORE_CACHE_DIR", str(tmp_path))


def moved(panel_text, move):
    """(text before, text after) a move of a control."""
    before = panel_text()
    move()
    after = panel_text()
    assert after != before
    return before, after


def test_nb03_scale_text_follows_a_and_states_the_readout():
    panel = ScaleExplorer(seed=0)
    _, text = moved(lambda: panel.image.tooltip, lambda: setattr(panel.slider, "value", 3.0))
    norm = float(np.linalg.norm(panel._run(3.0)["dV"]))
    assert "a = 3.00" in text and f"|dV| = {norm:.4f}, a * |dV| = {3 * norm:.4f}" in text
    assert f"|dV| = {norm:.4f}, a * |dV| = {3 * norm:.4f}" in panel.readout.value


def test_nb03_noise_text_follows_the_strength_and_states_each_run():
    from bn_core.data import load_digits_split

    panel = NoiseExplorer(load_digits_split(), seed=0, steps=30, lr=0.5, strength=0.5)
    panel.wait(120)
    before = panel.image.tooltip
    summary = panel.update(1.0)
    text = panel.image.tooltip
    assert text != before and text.startswith("Noise strength 1.00, step 30 of 30")
    assert panel.run.widget in panel.widget.children  # with its live region:
    assert panel.run.controls.status.widget in panel.run.widget.children
    assert panel.run.controls.status.said.startswith("run done: step 30 of 30")
    for kind, (loss, drift) in summary.items():
        acc = panel.runs[kind]["test_acc"][-1]
        assert f"loss {loss:.3f}, test accuracy {acc:.2f}" in text, kind
        assert f"drift per record {drift:.3f}" in text, kind


def test_nb03_pictures_state_the_sweep_and_landscape_numbers():
    sweep = {"lr": np.array([0.1, 1.0, 10.0]), "largest_stable": {"plain": 0.1, "bn": 1.0},
             "final": {"plain": np.array([0.5, np.inf, np.inf]),
                       "bn": np.array([0.3, 0.1, np.inf])}}
    text = nb03_describe.sweep_text(sweep)
    assert "without BN: largest stable lr 0.1, diverges from lr 1, lowest loss 0.5" in text
    assert "with BN: largest stable lr 1, diverges from lr 10, lowest loss 0.1" in text
    scape = {"band": np.array([[1.0, 2.0], [3.0, 2.5]]), "change": np.array([1.0, 3.0]),
             "beta": np.array([4.0, 6.0])}
    width = np.mean(scape["band"].max(axis=0) - scape["band"].min(axis=0))
    assert (f"band width {width:.3g}, mean gradient change 2, mean beta_eff 5"
            in nb03_describe.landscape_text({"bn": scape}))


def test_nb04_scale_text_follows_a_and_states_the_readout():
    rng = np.random.default_rng(0)
    x, dout = rng.normal(size=(8, 3)), rng.normal(size=(8, 3))
    panel, update = nb04_backward.scale_panel(x, np.ones(3), np.zeros(3), dout)
    update(1.0)
    before = panel.widget.tooltip
    r = update(0.001)
    text = panel.widget.tooltip
    assert text != before and text.startswith("Scale a = 0.001.")
    assert f"largest difference {r['max |BN(ax) - BN(x)|']:.1e}" in text
    assert f"|a dx(a)| / |dx(1)| = {r['|a dx(a)| / |dx(1)|']:.4f}" in text
    assert "7 numbered steps (1: out, 2: x_hat" in nb04_backward.graph_picture().alt


def test_nb05_running_text_follows_both_sliders_and_states_the_running_stats():
    panel, update = nb05_inference.running_stats_panel()
    update(0.1, 4)
    before = panel.widget.tooltip
    r = update(0.5, 64)
    text = panel.widget.tooltip
    assert text != before and text.startswith("Momentum 0.50, batch size m = 64")
    assert f"running_mean ends at {r['running_mean']:.2f}" in text
    assert f"running_var ends at {r['running_var']:.2f}" in text
    assert f"{r['running_var_biased']:.2f} with the biased one" in text
    assert f"biased {r['biased']:.3f}, unbiased {r['unbiased']:.3f}" in text


def test_nb05_pictures_state_their_numbers():
    batches = inference.stream(batch_size=8, steps=50)
    mean_pt, _ = inference.running_stats_pytorch(batches, 0.1)
    alt = nb05_inference.momentum_picture(batches, 0.9).alt
    assert f"ends at {mean_pt[-1, 0]:.3f}" in alt and "m/(m-1) = 1.143" in alt
    text = nb05_describe.company_text({"with 1 other": np.array([0.8, 0.2])},
                                      {"alone": np.array([0.1, 0.9]),
                                       "with 1 other": np.array([0.3, 0.7])}, true_label=1)
    assert "Training mode (the bug): alone: refused" in text
    assert "with 1 other: probability 0.20, predicts 0" in text
    assert "Eval mode (correct): alone: probability 0.90, predicts 1" in text
    cal = nb05_describe.calibration_text([("momentum 0.1", np.array([1.1, 2.0]),
                                           np.array([1.0, 2.0]), 0.9, 0.95)])
    assert "median |running / population - 1| = 5.0%" in cal and "0.900" in cal


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_nb06_outlier_text_follows_the_red_x_and_the_mode(rng):
    panel = outlier_panel(rng)
    _, text = moved(lambda: panel.image.tooltip,
                    lambda: setattr(panel.controls["value"], "value", 8.0))
    d = panel.data
    assert f"x = 8.0. batch mean {d['mu']:.2f}, std {d['sigma']:.2f}" in text
    assert f"largest move of another output since the red x was at its start: {d['moved']:.2f}" \
        in text and d["moved"] > 0.5
    panel.controls["mode"].value = "eval"
    assert panel.image.tooltip.startswith("eval mode") and "running mean 0.00, std 1.00" in \
        panel.image.tooltip


def test_nb06_jacobian_and_sampling_texts_follow_n(rng):
    jac = jacobian_panel(rng)
    _, text = moved(lambda: jac.image.tooltip, lambda: setattr(jac.controls["n"], "value", 32))
    assert "N = 32" in text and f"= {jac.data['off_diagonal']:.3f} (the marker" in text
    sampling = sampling_panel(rng)
    _, text = moved(lambda: sampling.image.tooltip,
                    lambda: setattr(sampling.controls["n"], "value", 128))
    d = sampling.data
    assert "Batch N = 128" in text and f"jitter std {d['jitter']:.3f}" in text
    assert f"mu_B: std {d['std_mu_B']:.2f} (sigma / sqrt(N) = {2 / np.sqrt(128):.2f})" in text


def test_nb07_texts_follow_groups_and_padding(rng):
    compare = comparison_panel(rng)
    _, text = moved(lambda: compare.image.tooltip,
                    lambda: setattr(compare.controls["groups"], "value", 3))
    assert "G = 3 groups of 2 channels: 12 boxes, each with mean 0.00 and std 1.00" in text
    padding = padding_panel(rng)
    _, text = moved(lambda: padding.image.tooltip,
                    lambda: setattr(padding.controls["pad_fraction"], "value", 0.8))
    d = padding.data
    assert f"{100 * d['pad']:.0f}% padding" in text and f"BN |mu error| {d['bn_mean']:.2f}" in text
    real = d["x"][..., -1][d["mask"]]
    assert f"real tokens mean {real.mean():.2f}, std {real.std():.2f}" in text
    assert "GroupNorm (G = 3)" in cubes_picture(groups=3).alt


def test_a_stored_run_end_is_shown_with_its_text(tmp_path, monkeypatch):
    monkeypatch.setenv("BN_CORE_CACHE_DIR", str(tmp_path))
    image = poster.image_widget((2, 1))
    posters = poster.RunPosters("nb99.run", image, text=lambda state: f"step {state['step']}")
    image.value = b"\xff\xd8\xffpicture\xff\xd9"
    posters.store({"lr": 0.5})
    other = poster.image_widget((2, 1))
    shown = poster.RunPosters("nb99.run", other, text=lambda state: f"step {state['step']}")
    assert shown.show({"lr": 0.5}, {"step": 7}) and other.tooltip == "step 7"
    assert not shown.show({"lr": 0.1}, {"step": 8}) and other.tooltip == "step 7"


def test_a_tap_shows_the_stored_picture_with_its_stored_text_in_one_message(tmp_path, monkeypatch):
    """Before a run's stored end is read, its picture is shown with the text stored beside it, in
    one update (a second one would give the browser's <img> a second new src)."""
    monkeypatch.setenv("BN_CORE_CACHE_DIR", str(tmp_path))
    image = poster.image_widget((2, 1))
    posters = poster.RunPosters("nb99.run", image, text=lambda state: f"step {state['step']}")
    image.value, image.tooltip = b"\xff\xd8\xffpicture\xff\xd9", "step 30, drawn"
    posters.store({"lr": 0.5})
    other = poster.image_widget((2, 1))
    shown = poster.RunPosters("nb99.run", other, text=lambda state: f"step {state['step']}")
    poster.describe(other, "the picture at open")  # as every panel's figure has one
    sent = []
    monkeypatch.setattr(other, "send_state", lambda key=None: sent.append(sorted(key or [])))
    assert shown.show({"lr": 0.5}) and other.value == image.value
    assert other.tooltip == "step 30, drawn" and sent == [["tooltip", "value"]]
    assert shown.show({"lr": 0.5}, {"step": 30}) and other.tooltip == "step 30"  # the state's
    untold = poster.RunPosters("nb99.untold", image)  # no text: none stored, none shown
    untold.store({"lr": 0.5})
    assert not list(tmp_path.rglob("nb99.untold*.txt"))
