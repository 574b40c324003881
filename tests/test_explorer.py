"""Notebook 01's explorer: the data functions, and the widget panel driven from Python."""

import re
import warnings

import numpy as np
import pytest

from bn_core.experiments.live_batch import (
    EPS,
    FORUM,
    draw_base,
    explore,
    feature_stats,
    fmt3,
    raw_batch,
)
from bn_core.functional import batchnorm_forward
from bn_core.panels.nb01_explorer import build_panel


@pytest.fixture
def panel():
    return build_panel(seed=0)


def numbers(text):
    """{'mean of means': float, 'mean of stds': float} from a readout line."""
    return {k: float(v) for k, v in re.findall(r"(mean of \w+) = (-?\d+\.\d{3})", text)}


# --- data -------------------------------------------------------------------------------------

def test_same_seed_same_batch_and_n_takes_the_first_rows():
    a, b = draw_base(np.random.default_rng(3)), draw_base(np.random.default_rng(3))
    np.testing.assert_array_equal(raw_batch(a, 32), raw_batch(b, 32))
    np.testing.assert_array_equal(raw_batch(a, 512)[:32], raw_batch(a, 32))


def test_shift_and_scale_act_on_the_same_batch():
    base = draw_base(np.random.default_rng(0))
    np.testing.assert_allclose(raw_batch(base, 32, shift=5.0, scale=2.0),
                               2.0 * raw_batch(base, 32) + 5.0, rtol=1e-12)


@pytest.mark.parametrize("kwargs, word", [
    (dict(n=1), "n"), (dict(n=513), "n"), (dict(n=3.0), "n"),
    (dict(scale=0.0), "scale"), (dict(shift=np.inf), "shift"), (dict(mode="both"), "mode"),
])
def test_bad_control_values_raise(kwargs, word):
    base = draw_base(np.random.default_rng(0))
    with pytest.raises(ValueError, match=word):
        explore(base, **kwargs)


def test_draw_base_wants_a_generator():
    with pytest.raises(ValueError, match="rng"):
        draw_base(0)


def test_fmt3_never_prints_negative_zero():
    assert fmt3(-1e-17) == "0.000" and fmt3(-0.05) == "-0.050" and fmt3(2.0) == "2.000"


def test_forum_batch_means_beta_stds_gamma():
    base = draw_base(np.random.default_rng(0))
    f = explore(base, **FORUM)
    assert f.x.shape == (32, 100)
    assert np.all((f.gamma >= 2.2) & (f.gamma <= 2.4) & (f.beta >= -0.2) & (f.beta <= 0.6))
    means, stds = feature_stats(f.y)
    np.testing.assert_allclose(means, f.beta, rtol=0, atol=1e-9)
    np.testing.assert_allclose(stds, np.abs(f.gamma), rtol=0, atol=1e-2)


def test_scaling_the_input_only_rescales_eps():
    # x_hat(s * x, eps) = (x - mu) / sqrt(var + eps / s^2): the scale reaches x_hat through eps only
    base = draw_base(np.random.default_rng(0))
    z = raw_batch(base, 32)
    for s in (1e-3, 1e3):
        x_hat = explore(base, n=32, scale=s).x_hat
        expected = batchnorm_forward(z, np.ones(100), np.zeros(100), EPS / s**2)[1]["x_hat"]
        np.testing.assert_allclose(x_hat, expected, rtol=1e-9, atol=1e-12)


# --- the widget panel ---------------------------------------------------------------------------

def test_contract_names_classes_and_ranges(panel):
    expect = {"gamma": (panel.gamma, -3, 3, 1), "beta": (panel.beta, -3, 3, 0),
              "n": (panel.n, 2, 512, 32), "shift": (panel.shift, -1000, 1000, 0)}
    for name, (w, lo, hi, value) in expect.items():
        assert f"bn-{name}" in w._dom_classes
        assert (w.min, w.max, w.value) == (lo, hi, value)
    assert (panel.scale.min, panel.scale.max, panel.scale.value) == (-3, 3, 1)  # 10^-3 .. 10^3
    assert [w.description for w in panel.controls[:5]] == ["gamma", "beta", "N", "shift", "scale"]
    assert panel.mode.options == ("shared", "per feature") and "bn-mode" in panel.mode._dom_classes
    assert "bn-forum" in panel.forum._dom_classes
    assert panel.identity_button.description == "identity recovery"
    assert "bn-identity" in panel.identity_button._dom_classes
    assert "bn-figure" in panel.figure.widget._dom_classes
    for key in ("raw", "norm", "out"):
        assert f"bn-readout-{key}" in panel.readouts[key]._dom_classes
    assert "bn-readout-identity" in panel.identity_readout._dom_classes


@pytest.mark.parametrize("gamma, beta", [(1.0, 0.0), (2.5, -1.5), (-2.0, 0.75), (0.0, 3.0)])
def test_shared_mode_out_readout_shows_beta_and_abs_gamma(panel, gamma, beta):
    panel.gamma.value, panel.beta.value = gamma, beta
    text = panel.readouts["out"].value
    assert f"mean of means = {beta:.3f}" in text
    assert f"mean of stds = {abs(gamma):.3f}" in text
    means, stds = feature_stats(panel.frame.y)
    np.testing.assert_allclose(means, beta, rtol=0, atol=1e-12)
    np.testing.assert_allclose(stds, abs(gamma), rtol=1e-4, atol=0)  # 1e-4: eps / (2 var)


def test_forum_button_sets_the_preset(panel):
    panel.gamma.value, panel.n.value, panel.shift.value = -1.0, 100, 7.0
    panel.forum.click()
    assert (panel.gamma.value, panel.beta.value, panel.n.value) == (2.3, 0.2, 32)
    assert (panel.shift.value, panel.scale.value, panel.mode.value) == (0.0, 1.0, "per feature")
    means, stds = feature_stats(panel.frame.y)
    np.testing.assert_allclose(means, panel.frame.beta, rtol=0, atol=1e-9)
    np.testing.assert_allclose(stds, np.abs(panel.frame.gamma), rtol=0, atol=1e-2)


@pytest.mark.parametrize("shift, scale", [(0.0, 1.0), (1000.0, 1.0), (-1000.0, 1e3), (3.0, 1e-3)])
def test_identity_recovery_gives_back_the_input(panel, shift, scale):
    panel.shift.value, panel.scale.value = shift, scale
    panel.identity_button.click()
    f = panel.frame
    assert f.identity and panel.mode.value == "per feature"
    assert np.abs(f.y - f.x).max() < 1e-10 * np.abs(f.x).max()
    assert re.search(r"max \|y - x\| = \d\.\de[+-]\d\d", panel.identity_readout.value)
    assert numbers(panel.readouts["out"].value) == numbers(panel.readouts["raw"].value)


def test_moving_a_control_leaves_identity_mode(panel):
    for control, value in ((panel.gamma, 2.0), (panel.n, 64), (panel.mode, "shared")):
        panel.identity_button.click()
        control.value = value
        assert not panel.frame.identity
        assert "max |y - x|" not in panel.identity_readout.value


def test_input_shift_and_scale_leave_the_normalized_panel(panel):
    x_hat, readout = panel.frame.x_hat, panel.readouts["norm"].value
    for shift, scale, atol in ((1000.0, 1.0, 1e-9), (-1000.0, 1.0, 1e-9), (0.0, 1e3, 1e-4)):
        panel.shift.value, panel.scale.value = shift, scale
        np.testing.assert_allclose(panel.frame.x_hat, x_hat, rtol=0, atol=atol)
        assert panel.readouts["norm"].value == readout
        assert panel.readouts["raw"].value != readout


@pytest.mark.parametrize("name", ["gamma", "beta", "n", "shift", "scale"])
def test_every_slider_end_is_finite(panel, name):
    control = getattr(panel, name)
    for mode in ("shared", "per feature"):
        panel.mode.value = mode
        for end in (control.min, control.max):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                control.value = 10.0**end if name == "scale" else end
            f = panel.frame
            assert all(np.isfinite(a).all() for a in (f.x, f.x_hat, f.y, f.gamma, f.beta))
            assert all("nan" not in r.value and "inf" not in r.value
                       for r in panel.readouts.values())


def test_n2_gives_plus_minus_one_and_gamma0_gives_beta(panel):
    panel.n.value = 2  # two values z1, z2: x_hat = +-(d/2) / sqrt(d^2/4 + eps), d = z1 - z2
    var = panel.frame.x.var(axis=0)  # (D,), d^2 / 4
    x_hat = panel.frame.x_hat
    np.testing.assert_allclose(x_hat[0], -x_hat[1], rtol=1e-12)
    np.testing.assert_allclose(np.abs(x_hat[0]), np.sqrt(var / (var + EPS)), rtol=1e-12)
    assert np.median(np.abs(panel.frame.x_hat)) > 0.9999  # +-1 but where var is not >> eps
    panel.gamma.value, panel.beta.value = 0.0, -1.25
    np.testing.assert_array_equal(panel.frame.y, -1.25)
    assert "mean of stds = 0.000" in panel.readouts["out"].value


def test_figure_updates_in_place_when_gamma_changes(panel):
    image, before = panel.figure.widget, panel.figure.live.pixels()
    panel.gamma.value = 2.0
    after = panel.figure.live.pixels()
    assert panel.figure.widget is image and panel.widget.children[1] is image
    assert np.any(before != after)
