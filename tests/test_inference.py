"""Notebook 05 (training versus inference): running statistics, momentum conventions, batch of one,
calibration and folding, on seeded float64 data."""

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bn_core import BatchNorm1d, nn
from bn_core.experiments import inference
from bn_core.panels import nb05_figures, nb05_inference


def test_momentum_converters():
    assert inference.momentum_to_pytorch(0.9) == pytest.approx(0.1, abs=1e-15)
    assert inference.momentum_to_pytorch(0.99) == pytest.approx(0.01, abs=1e-15)
    assert inference.momentum_from_pytorch(0.1) == pytest.approx(0.9, abs=1e-15)
    for m in (0.0, 0.3, 1.0):
        assert inference.momentum_from_pytorch(inference.momentum_to_pytorch(m)) == pytest.approx(m)
    for bad in (-0.1, 1.5, "fast", None):
        with pytest.raises(ValueError, match="momentum"):
            inference.momentum_to_pytorch(bad)


@settings(max_examples=30, deadline=None)
@given(decay=st.floats(0.0, 1.0), m=st.integers(2, 40), seed=st.integers(0, 2**16))
def test_both_conventions_give_the_same_running_estimate(decay, m, seed):
    batches = 3.0 + 2.0 * np.random.default_rng(seed).standard_normal((25, m, 3))
    mean_pt, var_pt = inference.running_stats_pytorch(batches, inference.momentum_to_pytorch(decay))
    mean_cs, var_cs = inference.running_stats_cs231n(batches, decay)
    np.testing.assert_allclose(mean_pt, mean_cs, rtol=0, atol=1e-12)
    # the variances differ only by the bias convention: r_t - k c_t = decay^t (1 - k), k = m/(m-1)
    k = m / (m - 1)
    t = np.arange(len(var_pt))[:, None]
    np.testing.assert_allclose(var_pt - k * var_cs - decay**t * (1 - k), 0.0, rtol=0, atol=1e-11)


@pytest.mark.parametrize("m", [2, 3, 8, 64])
def test_biased_unbiased_gap_is_m_over_m_minus_1(m):
    biased, unbiased = inference.variance_gap(m)
    assert abs(biased - (m - 1) / m) < 0.015  # sampling error about 0.005
    assert unbiased == pytest.approx(biased * m / (m - 1), rel=1e-12)
    # exactly, per batch: with momentum 1 running_var is the batch variance times m / (m - 1)
    x = np.random.default_rng(m).standard_normal((m, 4))
    bn = BatchNorm1d(4, momentum=1.0)
    bn.forward(x)
    np.testing.assert_allclose(bn.running_var, x.var(axis=0) * m / (m - 1), rtol=1e-12)


def test_population_stats_match_numpy_over_uneven_batches():
    rng = np.random.default_rng(0)
    x = 1e3 + 5.0 * rng.standard_normal((1001, 6))  # off-centre: a naive E[x^2] - E[x]^2 loses
    batches = np.split(x, [1, 7, 300, 301, 950])
    mean, var, count = inference.population_stats(batches)
    assert count == 1001
    np.testing.assert_allclose(mean, x.mean(axis=0), rtol=1e-13)
    np.testing.assert_allclose(var, x.var(axis=0, ddof=1), rtol=1e-10)
    with pytest.raises(ValueError, match="at least 2"):
        inference.population_stats([x[:1]])
    with pytest.raises(ValueError, match="same D"):
        inference.population_stats([x[:5], x[:5, :3]])


def _bn_with_stats(d, rng):
    bn = BatchNorm1d(d)
    bn.gamma[:] = rng.uniform(0.5, 2.0, d) * rng.choice([-1.0, 1.0], d)
    bn.beta[:] = rng.uniform(-1, 1, d)
    bn.running_mean[:] = rng.normal(2.0, 1.0, d)
    bn.running_var[:] = rng.uniform(0.1, 5.0, d)
    return bn.eval()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_folding_is_exact_to_round_off(seed):
    rng = np.random.default_rng(seed)
    W, b = rng.standard_normal((7, 5)), rng.standard_normal(5)
    bn = _bn_with_stats(5, rng)
    x = 3.0 + rng.standard_normal((50, 7))
    W2, b2 = inference.fold_bn_into_linear(W, b, bn)
    reference = bn.forward(x @ W + b)
    np.testing.assert_allclose(x @ W2 + b2, reference, rtol=1e-12, atol=1e-12)


def test_folding_refuses_mismatched_shapes():
    rng = np.random.default_rng(0)
    bn = _bn_with_stats(5, rng)
    with pytest.raises(ValueError, match="W"):
        inference.fold_bn_into_linear(rng.standard_normal(5), np.zeros(5), bn)
    with pytest.raises(ValueError, match="b"):
        inference.fold_bn_into_linear(rng.standard_normal((3, 5)), np.zeros(4), bn)
    with pytest.raises(ValueError, match="bn"):
        inference.fold_bn_into_linear(rng.standard_normal((3, 4)), np.zeros(4), bn)


def _warm_model(seed=0):
    """An mlp with BN whose running statistics have seen a few training batches."""
    rng = np.random.default_rng(seed)
    model = nn.mlp([8, 6, 6, 3], bn="before", rng=rng)
    for _ in range(5):
        model.train().forward(1.0 + rng.standard_normal((16, 8)))
    return model, rng


def test_fold_model_equals_the_model_in_eval_mode():
    model, rng = _warm_model()
    x = rng.standard_normal((40, 8))
    folded = inference.fold_model(model.eval())
    assert len(folded.layers) == len(model.layers) - 2
    assert not any(isinstance(layer, BatchNorm1d) for layer in folded.layers)
    np.testing.assert_allclose(folded.forward(x), model.eval().forward(x), rtol=1e-12, atol=1e-12)


def test_eval_batch_of_one_equals_the_same_example_in_a_big_batch():
    model, rng = _warm_model()
    x = rng.standard_normal((100, 8))
    model.eval()
    alone = np.vstack([model.forward(x[i:i + 1]) for i in range(5)])
    np.testing.assert_allclose(alone, model.forward(x)[:5], rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="N >= 2"):
        model.train().forward(x[:1])


def test_training_mode_prediction_depends_on_the_companions():
    model, rng = _warm_model()
    x_one = rng.standard_normal(8)
    companions = {"random": rng.standard_normal((31, 8)),
                  "shifted": 2.0 + rng.standard_normal((31, 8)), "one": rng.standard_normal((1, 8))}
    train = inference.company_probabilities(copy.deepcopy(model).train(), x_one, companions)
    evals = inference.company_probabilities(model.eval(), x_one, companions)
    p_train, p_eval = np.array(list(train.values())), np.array(list(evals.values()))
    assert np.abs(p_train - p_train[0]).max() > 0.05
    np.testing.assert_allclose(p_eval - p_eval[0], 0.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(p_train.sum(axis=1), 1.0, rtol=1e-12)


def test_calibrate_sets_population_stats_layer_after_layer():
    model, rng = _warm_model()
    x = 1.0 + rng.standard_normal((300, 8))
    old = inference.calibrate(model, x, batch_size=64)
    assert sorted(old) == [1, 4]
    h = x
    for k, layer in enumerate(model.layers):
        if isinstance(layer, BatchNorm1d):  # its input through the calibrated layers before it
            np.testing.assert_allclose(layer.running_mean, h.mean(axis=0), rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(layer.running_var, h.var(axis=0, ddof=1), rtol=1e-10)
            assert not np.allclose(layer.running_var, old[k][1])
        h = layer.forward(h)


def test_running_stats_panel_slider_ends_give_finite_data():
    live, update = nb05_inference.running_stats_panel(steps=60)
    first = update()
    pixels = live.pixels()
    for momentum in (0.01, 1.0):
        for batch_size in (2, 256):
            r = update(momentum=momentum, batch_size=batch_size)
            assert all(np.isfinite(v) for v in r.values()), (momentum, batch_size, r)
            assert not np.array_equal(live.pixels(), pixels)
    assert r["biased"] == pytest.approx(255 / 256, abs=0.01)
    # the same slider values give the same stream: the figure is a function of the sliders
    assert update() == first


@settings(max_examples=30, deadline=None)
@given(momentum=st.floats(0.0, 1.0), m=st.integers(2, 64), seed=st.integers(0, 2**16))
def test_running_stats_from_batch_stats_equal_the_layers(momentum, m, seed):
    """The panel's fast path (per-batch statistics, then the running averages) against the
    simple one: a BatchNorm1d fed every batch, and CS231n's loop."""
    batches = 3.0 + 2.0 * np.random.default_rng(seed).standard_normal((30, m, 1))
    mu, var = batches[:, :, 0].mean(axis=1), batches[:, :, 0].var(axis=1)  # (T,) each
    mean, running_var, var_cs = inference.running_from_batch_stats(mu, var, m, momentum)
    mean_layer, var_layer = inference.running_stats_pytorch(batches, momentum)
    np.testing.assert_allclose(mean, mean_layer[:, 0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(running_var, var_layer[:, 0], rtol=1e-12, atol=1e-12)
    _, var_cs_loop = inference.running_stats_cs231n(batches, 1 - momentum)
    np.testing.assert_allclose(var_cs, var_cs_loop[:, 0], rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="momentum"):
        inference.running_from_batch_stats(mu, var, m, 1.5)


@pytest.mark.parametrize(("momentum", "batch_size"), [(0.1, 16), (0.01, 2), (1.0, 256)])
def test_running_stats_panel_draws_the_layers_numbers(momentum, batch_size):
    panel, _ = nb05_inference.running_stats_panel(steps=50)
    d = panel.compute(momentum, batch_size)
    batches = inference.stream(batch_size, steps=50)  # the panel's stream: (T, m, 1)
    mean, var = inference.running_stats_pytorch(batches, momentum)
    _, var_biased = inference.running_stats_cs231n(batches, 1 - momentum)
    for key, want in (("batch_means", batches.mean(axis=1)[:, 0]), ("mean", mean[:, 0]),
                      ("var", var[:, 0]), ("var_biased", var_biased[:, 0])):
        np.testing.assert_allclose(d[key], want, rtol=1e-12, atol=1e-12, err_msg=key)
    assert (d["biased"], d["unbiased"]) == inference.variance_gap(batch_size, 2.0)
    assert panel.compute(momentum, batch_size)["var"].tolist() == d["var"].tolist()


def test_static_figures_draw():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    batches = inference.stream(batch_size=4, steps=20)
    evals = {"alone": np.eye(3)[1], "a": np.eye(3)[1]}
    figs = [nb05_figures.plot_momentum_conventions(batches),
            nb05_figures.plot_company({"a": np.full(3, 1 / 3)}, evals, true_label=1),
            nb05_figures.plot_calibration([("run", np.ones(4), np.full(4, 1.1), 0.9, 0.91)])]
    for fig in figs:
        FigureCanvasAgg(fig).draw()  # lays out and renders without error or warning
        assert fig.axes


def test_sliders_drive_the_running_stats_figure():
    import ipywidgets as widgets

    from bn_core.ui import slider as sliders

    momentum = sliders.FloatSlider(value=0.1, min=0.01, max=1.0, step=0.01)
    batch_size = sliders.IntSlider(value=4, min=2, max=256)
    live, update = nb05_inference.running_stats_panel(steps=40)
    widgets.interactive_output(update, {"momentum": momentum, "batch_size": batch_size})
    seen = {live.widget.value}
    for slider, value in ((momentum, 0.01), (momentum, 1.0), (batch_size, 2), (batch_size, 256)):
        slider.value = value  # the observer redraws synchronously
        assert live.widget.value not in seen
        seen.add(live.widget.value)


def test_calibration_run_leaves_the_model_unchanged():
    model, rng = _warm_model()
    x_train, x_test = 1.0 + rng.standard_normal((300, 8)), 1.0 + rng.standard_normal((50, 8))
    data = (x_train, rng.integers(0, 3, 300), x_test, rng.integers(0, 3, 50))
    before = {k: (layer.running_mean.copy(), layer.running_var.copy())
              for k, layer in enumerate(model.layers) if isinstance(layer, BatchNorm1d)}
    old_var, new_var, _, _ = inference.calibration_run(model, data)
    for k, (mean, var) in before.items():
        np.testing.assert_array_equal(model.layers[k].running_mean, mean)
        np.testing.assert_array_equal(model.layers[k].running_var, var)
    np.testing.assert_array_equal(old_var, before[1][1])
    twin = copy.deepcopy(model)
    inference.calibrate(twin, x_train)
    np.testing.assert_array_equal(new_var, twin.layers[1].running_var)


def test_fold_model_without_hidden_biases_keeps_the_outputs():
    """Linear(bias=False) -> BN folds into a Linear whose bias is BN's shift (beta - ...)."""
    rng = np.random.default_rng(7)
    model = nn.mlp([6, 5, 3], "tanh", bn="before", rng=rng, bias=False)
    x = rng.standard_normal((20, 6))
    model.forward(x)  # training mode: the running statistics move off (0, 1)
    bn = model.layers[model.index_of(BatchNorm1d)]
    bn.gamma[...], bn.beta[...] = rng.uniform(0.5, 2, 5), rng.uniform(-1, 1, 5)
    model.eval()
    folded = inference.fold_model(model)
    np.testing.assert_allclose(folded.forward(x), model.forward(x), rtol=1e-12, atol=1e-12)
    assert folded.layers[0].b is not None and folded.layers[0].param_names == ("W", "b")
