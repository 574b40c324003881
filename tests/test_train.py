"""The training engine and notebook 02's claims, on seeded runs (digits, sigmoid MLP, batch 60)."""

import numpy as np
import pytest

from bn_core.data import DIGITS, load_digits_split, make_spirals, minibatches
from bn_core.experiments.what_stays_put import compare_bn, distribution_change
from bn_core.layers import BatchNorm1d
from bn_core.nn import Sigmoid, mlp
from bn_core.panels.nb02_what_stays_put import WhatStaysPut
from bn_core.train import (
    LayerStats,
    Params,
    accuracy,
    probe_forward,
    train,
)

STEPS = 300


@pytest.fixture(scope="module")
def runs():
    """The notebook's experiment at its default lr (0.5), shortened to STEPS steps."""
    return compare_bn(lr=0.5, steps=STEPS, seed=0, snapshot_every=50)


def test_digits_split_is_fixed_disjoint_and_scaled():
    a, b = load_digits_split(), load_digits_split()
    for u, v in zip(a, b, strict=True):
        assert np.array_equal(u, v)
    x_train, y_train, x_test, y_test = a
    assert x_train.shape == (1348, 64) and x_test.shape == (449, 64)
    assert 0 <= x_train.min() and x_train.max() == 1.0
    assert set(np.unique(y_test)) == set(range(10))
    # no image is in both sets (the digits set has no exact duplicates across this split)
    train_rows = {row.tobytes() for row in x_train}
    assert not any(row.tobytes() in train_rows for row in x_test)
    assert not np.array_equal(load_digits_split(seed=1)[1], y_train)


def test_shipped_digits_are_scikit_learns():
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    digits = sklearn_datasets.load_digits()
    with np.load(DIGITS) as shipped:
        np.testing.assert_array_equal(shipped["pixels"], digits.data)
        np.testing.assert_array_equal(shipped["labels"], digits.target)
    x_train, *_ = load_digits_split()  # the loader reads the shipped file, not scikit-learn
    assert x_train.dtype == np.float64


def test_minibatches_are_full_and_cover_an_epoch():
    x, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    batches = list(minibatches(x, y, 3, np.random.default_rng(0), epochs=2))
    assert len(batches) == 6 and all(len(yb) == 3 for _, yb in batches)
    assert len(set(np.concatenate([yb for _, yb in batches[:3]]))) == 9  # 1 left out per epoch
    with pytest.raises(ValueError, match="batch_size"):
        next(minibatches(x, y, 1, np.random.default_rng(0)))


def test_spirals_shapes():
    x, y = make_spirals(50, 3, np.random.default_rng(0), dims=4)
    assert x.shape == (150, 4) and np.bincount(y).tolist() == [50, 50, 50]


def test_same_seeds_same_history(runs):
    again = compare_bn(lr=0.5, steps=20, seed=0, snapshot_every=10)
    first = compare_bn(lr=0.5, steps=20, seed=0, snapshot_every=10)
    for key in ("plain", "bn"):
        assert np.array_equal(again[key]["loss"], first[key]["loss"])
        assert np.array_equal(again[key]["loss"], runs[key]["loss"][:20])


def test_bn_reaches_higher_test_accuracy_early(runs):
    """Ioffe & Szegedy's Fig. 1(a): at step 100 the BN net is far ahead (here ~0.95 vs ~0.1)."""
    at = {k: r["test_acc"][list(r["eval_step"]).index(100)] for k, r in runs.items()}
    assert at["bn"] > 0.85 and at["bn"] > at["plain"] + 0.5


def test_percentile_bands_move_less_with_bn(runs):
    """Fig. 1(b, c): how far each percentile of unit 0's input wanders (max - min over training)."""
    drift = {k: np.ptp(r["pct"]["pct"], axis=0) for k, r in runs.items()}  # (3,) each
    assert np.all(drift["bn"] < 0.5 * drift["plain"]), drift
    assert runs["bn"]["pct"]["pct"].shape == (STEPS + 1, 3)


def test_next_layer_input_moves_less_per_step_with_bn(runs):
    """"Firmer ground": per-step change of the sigmoid input's per-feature mean and std."""
    plain = distribution_change(runs["plain"]["next"])
    bn = distribution_change(runs["bn"]["next"])
    assert np.median(bn[0]) < 0.1 * np.median(plain[0])  # mean: ~100x smaller at lr 0.5
    # the std alone is no such claim: early on, the net without BN barely learns and its Z's
    # std barely moves; the total move (mean + std) is what the next layer feels
    assert np.median(bn[0] + bn[1]) < 0.1 * np.median(plain[0] + plain[1])


def test_with_bn_the_next_layer_sees_mean_beta_and_std_gamma(runs):
    """On the probe (batch statistics), Y's per-feature mean IS beta and its std is ~|gamma|,
    so Y moves per step by exactly lr * |dbeta| in its mean."""
    run = runs["bn"]
    assert np.allclose(run["next"]["mean"], run["params"]["beta"], atol=1e-6)  # float32 round-off
    assert np.allclose(run["next"]["std"], np.abs(run["params"]["gamma"]), rtol=1e-3)


def test_probe_leaves_running_statistics_alone():
    model = mlp([64, 8, 10], "sigmoid", bn="before", rng=np.random.default_rng(0))
    bn = model.layers[model.index_of(BatchNorm1d)]
    before = bn.running_mean.copy(), bn.running_var.copy()
    probe_forward(model, load_digits_split()[0][:50])
    assert np.array_equal(bn.running_mean, before[0]) and np.array_equal(bn.running_var, before[1])
    assert len(model.inputs) == len(model.layers)


def test_train_records_and_learns():
    data = load_digits_split()
    model = mlp([64, 32, 10], "relu", bn="after", rng=np.random.default_rng(0))
    i = model.index_of(BatchNorm1d)
    h = train(model, data, 60, 30, 0.1, np.random.default_rng(1), eval_every=20,
              record={"s": LayerStats(i, every=10), "p": Params(i)})
    assert h["eval_step"].tolist() == [0, 20, 40, 60] and not h["diverged"]
    assert h["s"]["mean"].shape == (7, 32) and h["p"]["gamma"].shape == (61, 32)
    assert h["loss"][-10:].mean() < h["loss"][:10].mean()
    assert h["test_acc"][-1] > 0.7


def test_divergence_is_detected_without_warnings():
    """A huge learning rate blows a ReLU net up; train stops, says so, and warns about nothing
    (pytest turns RuntimeWarnings into errors)."""
    model = mlp([64, 50, 50, 10], "relu", rng=np.random.default_rng(0))
    h = train(model, load_digits_split(), 200, 60, 1e4, np.random.default_rng(1))
    assert h["diverged"] and np.isnan(h["loss"][-1])


def test_widgets_retrain_and_scrub():
    dash = WhatStaysPut(lr=0.5, steps=60, snapshot_every=20)
    first_loss = dash.wait(60)["bn"]["loss"].copy()
    assert "lr = 0.5" in dash.status.value
    dash.lr.value = 1.0  # release of the slider: re-train both networks
    dash.wait(60)
    assert "lr = 1" in dash.status.value
    assert not np.array_equal(first_loss, dash.runs["bn"]["loss"])
    xdata = dash.fig1.acc["bn"].get_xdata()
    assert list(xdata) == list(dash.runs["bn"]["eval_step"])
    pixels = dash.scrub.live.pixels()
    dash.step.value = 0
    assert dash.scrub.text.get_text() == "step 0"  # the step slider answers synchronously
    assert not np.array_equal(pixels, dash.scrub.live.pixels())
    dash.step.value = 40
    z_hat_dots = dash.scrub.dots[1].get_offsets()  # (D, 2): every feature at (0, ~1)
    assert np.allclose(z_hat_dots, [0, 1], atol=1e-3)


def test_sigmoid_index_is_the_last_hidden_activation():
    model = mlp([4, 3, 3, 2], "sigmoid", bn="before", rng=np.random.default_rng(0))
    assert model.index_of(Sigmoid) == len(model.layers) - 2


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_accuracy_measures_in_eval_mode_and_gives_the_model_back_in_its_mode(mode):
    rng = np.random.default_rng(0)
    model = mlp([4, 8, 3], activation="relu", bn="before", rng=rng)
    x, y = rng.normal(size=(20, 4)), rng.integers(0, 3, 20)
    model.forward(x)  # one training step's statistics, so eval differs from train
    bn = model.layers[1]
    getattr(model, mode)()
    expected = (model.eval().forward(x).argmax(axis=1) == y).mean()
    getattr(model, mode)()
    assert accuracy(model, x, y) == expected
    assert bn.training == (mode == "train")
