"""Accessibility helpers (ui.a11y) and notebook 01's figure text: the text alternative states the
numbers the figure shows and follows the controls; every control has a name; text colours meet
WCAG AA contrast; a run's progress is announced at a rate a screen reader can follow."""

import re

import ipywidgets as widgets
import numpy as np
import pytest
from IPython.core.formatters import DisplayFormatter
from IPython.display import Image

from bn_core.experiments.live_batch import feature_stats
from bn_core.panels.nb01_explorer import build_panel
from bn_core.ui import a11y
from bn_core.ui.palette import COLORS, TEXT
from bn_core.ui.run_controls import ANNOUNCE_SECONDS

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


@pytest.fixture(scope="module")
def panel():
    return build_panel(seed=0)


def feature0(text):
    """The numbers of the description's 'Feature 0: ...' sentence, in order."""
    sentence = text[text.index("Feature 0:"):]
    return [float(v) for v in re.findall(r"-?\d+\.?\d*(?:e[-+]?\d+)?", sentence[len("Feature 0"):])]


def test_nb01_figure_text_states_the_numbers_on_show_and_follows_gamma_and_beta(panel):
    before = panel.image.tooltip
    # ipywidgets 8.1.9's front end fails on a tooltip without a (synced) description
    assert panel.image.get_state(["description"]) == {"description": ""}
    panel._set(gamma=-2.0, beta=0.5, mode="shared")
    after = panel.image.tooltip
    assert after != before
    f = panel.frame
    (m_raw, s_raw), (m_hat, s_hat), (m_out, s_out) = (feature_stats(a) for a in (f.x, f.x_hat, f.y))
    expected = [m_raw[0], s_raw[0], m_hat[0], s_hat[0], m_out[0], f.beta[0], s_out[0],
                abs(f.gamma[0])]
    np.testing.assert_allclose(feature0(after), expected, rtol=5e-3, atol=5e-3)
    assert f"gamma = {f.gamma[0]:.2f}, beta = {f.beta[0]:.2f}" in after
    assert f"feature means {f.beta[0]:.2f}, stds {abs(f.gamma[0]):.2f}" in after  # y's dots
    assert f"N = {f.x.shape[0]} examples, {f.x.shape[1]} features" in after


def test_nb01_figure_text_follows_n_shift_and_identity(panel):
    panel._set(n=7, shift=300.0, mode="shared")
    text = panel.image.tooltip
    means = feature_stats(panel.frame.x)[0]
    assert "N = 7 examples" in text
    assert f"raw x: feature means from {means.min():.3g} to {means.max():.3g}" in text
    panel._on_identity()
    assert "Identity recovery on: y equals x" in panel.image.tooltip
    assert "output y with gamma_j from" in panel.image.tooltip  # identity: per-feature gamma_j


def test_nb01_controls_all_have_names(panel):
    assert a11y.unnamed_controls(panel.widget) == []
    assert len(a11y.controls(panel.widget)) == 8  # 5 sliders, the mode, 2 buttons


def test_unnamed_controls_finds_what_a_screen_reader_cannot_name():
    box = widgets.VBox([widgets.Button(icon="play"), widgets.Button(tooltip="play"),
                        widgets.HBox([widgets.FloatSlider(), widgets.Dropdown(options=["a", "b"],
                                                                              description="x")])])
    assert [name for name, _ in a11y.unnamed_controls(box)] == ["Button", "FloatSlider"]


def test_an_ipywidgets_slider_is_unnamed_even_described_and_ui_slider_is_named():
    from bn_core.ui import slider as sliders

    box = widgets.VBox([widgets.FloatSlider(description="gamma"),
                        sliders.FloatSlider(description="gamma"), sliders.IntSlider()])
    assert len(a11y.controls(box)) == 3
    unnamed = a11y.unnamed_controls(box)  # ipywidgets' described one, ours without description
    assert [name for name, _ in unnamed] == ["FloatSlider", "IntSlider"]


def test_describe_rejects_an_empty_text():
    with pytest.raises(ValueError, match="empty"):
        a11y.describe(widgets.Image(), "  ")


def test_a_static_picture_with_alt_shows_an_img_with_that_alt_and_keeps_its_png():
    shown = a11y.with_alt(Image(data=PNG, format="png"), 'loss "falls" to 0.1')
    bundle, _ = DisplayFormatter().format(shown)
    assert bundle["image/png"] == PNG == shown.data
    assert 'alt="loss &quot;falls&quot; to 0.1"' in bundle["text/html"]
    assert bundle["text/plain"] == 'loss "falls" to 0.1'


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_announcer_says_a_new_status_at_once_and_progress_at_most_every_min_seconds():
    clock = Clock()
    status = a11y.Announcer(min_seconds=5.0, clock=clock)
    said = []
    for t in np.arange(0.0, 12.0, 0.1):  # frames every 0.1 s for 12 s
        clock.now = t
        if status.say("training", f"step {round(t * 10)}"):
            said.append(status.said)
    clock.now = 12.05
    assert status.say("done", "done: step 120")
    assert said == ["step 0", "step 50", "step 100"]
    assert "role='status'" in status.widget.value and "done: step 120" in status.widget.value


def test_a_live_run_announces_its_end():
    from bn_core.ui.runner import LiveRun

    def start(steps=30):
        for k in range(1, steps + 1):
            yield {"step": k, "steps": steps}

    run = LiveRun(start, lambda state: None, frame_seconds=0.01)
    assert run.wait(30)["step"] == 30
    assert run.controls.status.said.startswith("run done: step 30 of 30")
    assert ANNOUNCE_SECONDS >= 2  # progress at most every few seconds


def test_text_colours_meet_wcag_aa_contrast_on_white():
    assert a11y.contrast("#000000") == pytest.approx(21.0)
    assert a11y.contrast("#ffffff") == pytest.approx(1.0)
    low = {name: round(a11y.contrast(c), 2) for name, c in TEXT.items() if a11y.contrast(c) < 4.5}
    assert low == {}
    # the plot colours need 3:1 as lines and markers (non-text contrast), except the light ones
    # used for context and the fills of histograms (with an outline or a label next to them)
    assert a11y.contrast(COLORS["highlight"]) >= 3 and a11y.contrast(COLORS["bn"]) >= 4.5
