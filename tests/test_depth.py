"""Notebook 08's claims on seeded runs: without BN a bad gain wrecks the deep layers, with BN every
layer keeps the same spread; the bias before BN gets a zero gradient; bias=False drops it."""

import numpy as np
import pytest

from bn_core.experiments.depth import (
    DepthRecorder,
    deep_mlp,
    depth_run,
    depth_summary,
    feature_spread,
    histograms,
    saturated,
)
from bn_core.experiments.depth_bias import redundant_bias
from bn_core.gradcheck import numerical_gradient, rel_error
from bn_core.nn import Linear, mlp
from bn_core.ui.palette import depth_colors


def init_summary(**kwargs):
    """depth_summary of the initial network (steps=0: no training, just the probe)."""
    *_, state = depth_run(steps=0, **kwargs)
    return depth_summary(state, 0), state


def test_linear_without_bias_has_no_b_and_correct_gradients():
    rng = np.random.default_rng(0)
    layer = Linear(4, 3, rng, bias=False)
    assert layer.b is None and layer.param_names == ("W",) and "bias=False" in repr(layer)
    x, dout = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    np.testing.assert_array_equal(layer(x), x @ layer.W)
    dx = layer.backward(dout)
    assert rel_error(layer.dW, numerical_gradient(lambda w: x @ w, layer.W, dout)) < 1e-8
    assert rel_error(dx, numerical_gradient(lambda v: v @ layer.W, x, dout)) < 1e-8
    assert layer.db is None


def test_mlp_bias_false_drops_the_hidden_biases_only():
    sizes = [64, 100, 50, 10]
    with_b = mlp(sizes, "tanh", bn="before", rng=np.random.default_rng(0))
    no_b = mlp(sizes, "tanh", bn="before", rng=np.random.default_rng(0), bias=False)
    lin_with = [la for la in with_b.layers if isinstance(la, Linear)]
    lin_no = [la for la in no_b.layers if isinstance(la, Linear)]
    assert [la.b is None for la in lin_no] == [True, True, False]  # the output layer keeps b
    for a, b in zip(lin_with, lin_no, strict=True):
        np.testing.assert_array_equal(a.W, b.W)  # same draws with or without biases
    assert with_b.num_parameters() - no_b.num_parameters() == 100 + 50
    expected = 64 * 100 + 100 + 2 * 100 + 100 * 50 + 50 + 2 * 50 + 50 * 10 + 10
    assert with_b.num_parameters() == expected


def test_bias_before_bn_gets_zero_gradient_and_stays_frozen():
    b = redundant_bias()
    assert b["max_abs_db"] < 1e-12  # zero to round-off (3.4e-17 or 3.5e-17 by the CPU)
    assert b["b_moved"] < 1e-12  # frozen at its random initial value
    assert b["max_abs_db_last"] > 1e-2  # the output layer's bias (no BN after it) does learn
    assert b["params_bias"] - b["params_no_bias"] == 3 * 100
    assert abs(b["loss_bias"] - b["loss_no_bias"]) < 1e-9  # the same network, up to round-off


def test_without_bn_a_small_gain_shrinks_activations_and_gradients_through_depth():
    s, _ = init_summary(gain=0.5, bn="off")
    assert s["std_last"] < 0.1 * s["std_first"]  # measured: 0.23 -> 0.001
    assert s["grad_std_first"] < 0.1 * s["grad_std_last"]  # the first layers barely learn


def test_sigmoid_at_gain_1_shrinks_the_spread_about_fourfold_per_layer():
    spread = feature_spread(gain=1.0, activation="sigmoid")  # (8,): per-feature std of each x
    ratio = spread[1:] / spread[:-1]
    assert np.all((ratio > 0.2) & (ratio < 0.27)), ratio  # measured 0.22 .. 0.24: slope <= 1/4
    assert spread[-1] < 1e-3 * spread[0]
    tanh = feature_spread(gain=5 / 3, activation="tanh")  # PyTorch's tanh gain keeps it
    assert np.all(tanh[1:] / tanh[:-1] > 0.95) and tanh[-1] < 2 * tanh[0]  # 0.45 -> 0.82


def test_without_bn_a_large_gain_saturates_the_deep_layers():
    s, _ = init_summary(gain=5.0, bn="off")
    assert s["sat_last"] > 0.5  # measured 64.5 % of |tanh| > 0.97 in layer 8
    kaiming, _ = init_summary(gain=5 / 3, bn="off")
    assert kaiming["sat_last"] < 0.1 and 0.4 < kaiming["std_last"] < 0.8


@pytest.mark.parametrize("bn", ["before", "after"])
def test_with_bn_every_layer_keeps_its_spread_whatever_the_gain(bn):
    for gain in (0.1, 0.5, 5 / 3, 5.0, 10.0):
        _, state = init_summary(gain=gain, bn=bn)
        std = state["diag"].rows["act_std"][0]  # (L,)
        sat = state["diag"].rows["act_sat"][0]
        if bn == "before":  # tanh of a standardized input: std 0.63, 3 % saturated
            assert np.all((std > 0.55) & (std < 0.75)), (gain, std)
            assert sat.max() < 0.06
        else:  # BN after tanh: the next Linear sees a standardized input from layer 2 on
            assert np.ptp(std[1:]) < 0.1, (gain, std)


def test_training_with_bn_is_insensitive_to_the_gain():
    *_, plain = depth_run(gain=0.5, bn="off", steps=300)
    *_, with_bn = depth_run(gain=0.5, bn="before", steps=300)
    assert plain["test_acc"][-1] < 0.15 and with_bn["test_acc"][-1] > 0.9


def test_a_diverged_run_stops_and_its_numbers_stay_finite():
    *_, state = depth_run(depth=20, gain=10.0, activation="relu", bn="off", steps=50)
    assert state["diverged"] and state["step"] == 0
    rows = state["diag"].rows
    for key in ("act_mean", "act_std", "act_sat", "grad_std", "grad_data"):
        assert np.all(np.isfinite(rows[key])), key


def test_recorder_update_ratio_is_lr_times_grad_over_data():
    *_, state = depth_run(depth=3, steps=5, every=5, lr=0.1)
    rows = state["diag"].rows
    assert np.all(np.isnan(rows["update_data"][0]))  # step 0: no update yet
    np.testing.assert_allclose(rows["update_data"][1], np.log10(0.1 * rows["grad_data"][1]))
    assert isinstance(state["diag"], DepthRecorder) and len(state["diag"].last["acts"]) == 3


def test_saturated_masks():
    h = np.array([-0.99, -0.5, 0.0, 0.98])
    np.testing.assert_array_equal(saturated(h, "tanh"), [True, False, False, True])
    np.testing.assert_array_equal(saturated(np.array([0.01, 0.5, 0.99]), "sigmoid"),
                                  [True, False, True])
    np.testing.assert_array_equal(saturated(np.array([0.0, 0.3]), "relu"), [True, False])


def test_histograms_are_densities_and_drop_non_finite_values():
    rng = np.random.default_rng(0)
    a = np.tanh(rng.standard_normal((50, 20)))
    hist, edges = histograms([a, np.array([np.nan, np.inf, 0.5])], -1.0, 1.0, bins=40)
    assert hist.shape == (2, 40) and edges.shape == (41,)
    np.testing.assert_allclose(hist.sum(axis=1) * (edges[1] - edges[0]), 1.0)
    assert np.all(np.isfinite(hist))
    logs, _ = histograms([np.array([0.0, 1e-3])], -11.0, 1.0, bins=12, log_abs=True)
    assert logs[0, 0] > 0 and logs[0, 8] > 0  # 0 lands in the bottom bin, 1e-3 in [-3, -2)


def test_deep_mlp_rejects_bad_settings():
    with pytest.raises(ValueError, match="bn"):
        deep_mlp(8, 1.0, bn="middle", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="gain"):
        deep_mlp(8, 0.0, rng=np.random.default_rng(0))


def test_depth_colors_run_from_orange_to_black():
    colors = depth_colors(21)
    assert len(set(colors)) == 21 and colors[0] == "#e69f00" and colors[-1] == "#000000"


def test_with_bn_the_update_ratio_scales_like_one_over_the_gain_squared():
    """Notebook 08: with BN before tanh, 300 steps at lr 0.1, the update : data lines sit near -2
    at gain 0.5, between -3.3 and -2.7 at gain 5/3, near -3.5 at gain 5; the test accuracy is
    93-97 % at all three gains."""
    ends = {}
    for gain in (0.5, 5 / 3, 5.0):
        *_, state = depth_run(gain=gain, bn="before", steps=300)
        ends[gain] = (state["diag"].rows["update_data"][-1], state["test_acc"][-1])  # (L + 1,)
    hidden = {gain: u[:-1] for gain, (u, _) in ends.items()}  # the 8 BN layers
    assert -2.3 < np.median(hidden[0.5]) < -1.7  # measured -1.94
    assert np.all((ends[5 / 3][0] > -3.35) & (ends[5 / 3][0] < -2.6))  # measured -3.26 .. -2.67
    assert -3.7 < np.median(hidden[5.0]) < -3.3  # measured -3.51
    assert all(0.925 < acc < 0.975 for _, acc in ends.values())  # measured 0.933 .. 0.969
