"""Notebook 03's claims on seeded runs: noisy BN, largest stable lr, loss landscape, scale
invariance; the NoisyBatchNorm1d layer; the notebook's widgets driven from Python."""

import numpy as np
import pytest

from bn_core import train as train_module
from bn_core.data import load_digits_split
from bn_core.experiments.noisy_bn import NoisyBatchNorm1d
from bn_core.experiments.smoothness import (
    _loss_and_grads,
    _probe,
    band_width,
    compare_training,
    drift,
    final_loss,
    landscape,
    lr_sweep,
    nets,
    scale_invariance,
)
from bn_core.gradcheck import numerical_gradient, rel_error
from bn_core.layers import BatchNorm1d
from bn_core.panels.nb03_why_bn_helps import NoiseExplorer, ScaleExplorer


@pytest.fixture(scope="module", autouse=True)
def blas_on_one_thread():
    with train_module.one_blas_thread():  # (60, 100) matrices: threads only cost time here
        yield


@pytest.fixture(scope="module")
def data():
    return load_digits_split()


# ---- the layer --------------------------------------------------------------------------------

def test_noise_has_the_configured_statistics():
    s, d = 0.7, 20000
    layer = NoisyBatchNorm1d(d, strength=s, rng=np.random.default_rng(0))
    x = np.random.default_rng(1).normal(3.0, 2.0, size=(8, d))
    out = layer(x)
    log_scale, shift = np.log(layer.scale), layer.shift  # (D,) each
    # log(scale) ~ N(0, s^2), shift ~ N(s, s^2); standard errors ~ s / sqrt(D) = 0.005
    assert abs(log_scale.mean()) < 0.03 and abs(log_scale.std() - s) < 0.03
    assert abs(shift.mean() - s) < 0.03 and abs(shift.std() - s) < 0.03
    # the output is exactly scale * BN(x) + shift: non-zero mean, non-unit variance per feature
    plain = BatchNorm1d(d)(x)
    np.testing.assert_allclose(out, plain * layer.scale + layer.shift, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out.mean(axis=0), shift, atol=1e-9)
    np.testing.assert_allclose(out.std(axis=0), layer.scale, rtol=1e-4)
    first = layer.scale.copy()
    layer(x)
    assert not np.any(layer.scale == first)  # fresh noise every step


def test_eval_mode_and_zero_strength_add_no_noise():
    x = np.random.default_rng(2).normal(1.0, 3.0, size=(16, 5))
    noisy, plain = NoisyBatchNorm1d(5, 1.0, np.random.default_rng(0)), BatchNorm1d(5)
    noisy(x), plain(x)  # one training step moves the running statistics alike
    np.testing.assert_array_equal(noisy.eval()(x), plain.eval()(x))
    np.testing.assert_array_equal(NoisyBatchNorm1d(5, 0.0)(x), BatchNorm1d(5)(x))


def test_backward_matches_finite_differences():
    rng = np.random.default_rng(3)
    x, dout = rng.normal(0.5, 2.0, size=(6, 4)), rng.normal(size=(6, 4))
    layer = NoisyBatchNorm1d(4, 0.8, np.random.default_rng(0))
    layer.gamma[:], layer.beta[:] = [0.5, 1.0, 1.5, 2.0], [-1.0, 0.0, 0.5, 1.0]

    def f(x):
        layer.rng = np.random.default_rng(7)  # the same noise draw at every evaluation
        return layer(x)

    f(x)
    dx = layer.backward(dout)
    assert rel_error(dx, numerical_gradient(f, x, dout)) < 1e-6
    f(x), layer.backward(dout)
    dgamma = numerical_gradient(lambda g: (setattr(layer, "gamma", g), f(x))[1], layer.gamma, dout)
    assert rel_error(layer.dgamma, dgamma) < 1e-6


def test_bad_arguments_raise():
    for bad in (-0.1, np.nan, np.inf):
        with pytest.raises(ValueError, match="strength"):
            NoisyBatchNorm1d(3, bad, np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng"):
        NoisyBatchNorm1d(3, 0.5)
    with pytest.raises(ValueError, match="kinds"):
        nets(["bn", "dropout"], np.random.default_rng(0))
    with pytest.raises(ValueError, match="a:"):
        scale_invariance(0.0, np.random.default_rng(0))


# ---- the claims --------------------------------------------------------------------------------

def test_noisy_bn_trains_about_as_well_as_bn(data):
    """Ioffe & Szegedy's sigmoid MLP, lr 0.5, 400 steps, noise strength 0.5 (the notebook's)."""
    runs = compare_training(data, ["plain", "bn", "noisy"], 400, 0.5, np.random.default_rng(0),
                            strength=0.5, watch=1)
    loss = {kind: final_loss(h["loss"]) for kind, h in runs.items()}
    moves = {kind: drift(h["watch"]) for kind, h in runs.items()}
    assert loss["noisy"] < 2.0 * loss["bn"]  # measured 1.3x to 1.7x over seeds 0..4
    assert loss["noisy"] < 0.1 * loss["plain"]  # no BN has barely left chance after 400 steps
    assert runs["noisy"]["test_acc"][-1] > 0.9
    # ... although its layer inputs move far MORE than without BN
    assert moves["noisy"] > 10 * moves["plain"] > 10 * moves["bn"]


def test_no_bn_diverges_where_bn_trains(data):
    sweep = lr_sweep(data, [0.1, 3.0], 150, np.random.default_rng(0), activation="relu")
    assert sweep["final"]["plain"][1] == np.inf  # lr 3: the plain ReLU net blows up ...
    assert sweep["final"]["bn"][1] < 0.2  # ... the BN net trains
    assert sweep["largest_stable"] == {"plain": 0.1, "bn": 3.0}


@pytest.fixture(scope="module")
def landscapes(data):
    models = nets(["plain", "bn"], np.random.default_rng(3), activation="relu")
    return {kind: landscape(m, data, 200, 0.1, np.random.default_rng(4), (0.05, 0.1, 0.2, 0.4),
                            probe_every=20) for kind, m in models.items()}


def test_bn_smooths_the_landscape(landscapes):
    none, bn = landscapes["plain"], landscapes["bn"]
    assert band_width(bn) < 0.3 * band_width(none)  # measured ~0.1x
    assert bn["change"].mean() < 0.3 * none["change"].mean()  # gradient more predictive
    assert bn["beta"].mean() < 0.5 * none["beta"].mean()
    assert np.all(np.isfinite(none["band"]))


def test_probe_leaves_the_model_as_it_found_it(data):
    model = nets(["bn"], np.random.default_rng(5), activation="relu")["bn"]
    x, y = data[0][:60], data[1][:60]
    model.forward(x)  # move the running statistics off their initial values
    _, g = _loss_and_grads(model, x, y)
    params = list(model.parameters())
    before = [getattr(layer, n).copy() for layer, n in params]
    grads = [getattr(layer, "d" + n).copy() for layer, n in params]
    running = model.layers[1].running_mean.copy()
    _probe(model, params, x, y, g, np.array([0.1, 1.0]))
    for (layer, n), p, d in zip(params, before, grads, strict=True):
        np.testing.assert_array_equal(getattr(layer, n), p)
        np.testing.assert_array_equal(getattr(layer, "d" + n), d)
    np.testing.assert_array_equal(model.layers[1].running_mean, running)


@pytest.mark.parametrize("a", [0.1, 0.5, 3.0, 10.0])
def test_scale_invariance(a):
    ref = scale_invariance(1.0, np.random.default_rng(0), eps=1e-12)
    got = scale_invariance(a, np.random.default_rng(0), eps=1e-12)
    np.testing.assert_allclose(got["z"], a * ref["z"], rtol=1e-12)
    np.testing.assert_allclose(got["out"], ref["out"], atol=1e-9)  # BN(x aW) == BN(x W)
    np.testing.assert_allclose(a * got["dV"], ref["dV"], rtol=1e-7, atol=1e-9)  # dV ~ 1/a
    # eps = 1e-5 breaks it slightly where a^2 var is small: sqrt(var + eps) ~ std (1 + eps / 2var)
    default = scale_invariance(a, np.random.default_rng(0))
    var = default["z"].var(axis=0)  # (d_out,)
    bound = np.abs(ref["out"] - ref["out"].mean(axis=0)) * 1e-5 / (2 * var)  # (n, d_out)
    assert np.all(np.abs(default["out"] - ref["out"]) <= 1.01 * bound + 1e-12)


# ---- the widgets -------------------------------------------------------------------------------

def test_noise_explorer_retrains_on_the_slider(data):
    explorer = NoiseExplorer(data, seed=1, steps=60, strength=0.0)
    explorer.wait(60)
    line = explorer.lines["noisy"][0]
    quiet_y, quiet_text = line.get_ydata().copy(), explorer.readout.value
    # strength 0 is plain BN: the same weights and batches give the same loss curve
    np.testing.assert_allclose(quiet_y, explorer.lines["bn"][0].get_ydata(), rtol=1e-12)
    explorer.slider.value = 1.5  # the slider's top end
    explorer.wait(60)
    assert explorer.readout.value != quiet_text and "BN + noise" in explorer.readout.value
    assert not np.allclose(line.get_ydata(), quiet_y)
    assert np.all(np.isfinite(line.get_ydata()))
    assert explorer.runs["noisy"]["watch"]["mean"].shape[1] == 100


def test_scale_explorer_follows_the_slider():
    explorer = ScaleExplorer(seed=5)
    out_1, norm_1 = explorer.update(1.0)
    for a in (0.1, 10.0):  # the slider's ends
        explorer.slider.value = a
        assert explorer.marker.get_xdata()[0] == pytest.approx(a)  # the callback ran
        assert f"a = {a:.2f}" in explorer.readout.value
        out, norm = explorer.update(a)
        assert np.max(np.abs(out - out_1)) < 5e-3  # eps's effect at a = 0.1; see above
        assert norm * a == pytest.approx(norm_1, rel=1e-3)
