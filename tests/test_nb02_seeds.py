"""Notebook 02's numbers on seeds 0-4 (experiments.nb02_seeds, read from the disk cache once
warm): every number its prose and answer card state, as they state it, on all five seeds; and BN's
backward projection (experiments.projection) against finite references."""

import numpy as np
import pytest

from bn_core.experiments import nb02_seeds, projection, warm
from bn_core.experiments.cache import lookup
from bn_core.experiments.nb02_seeds import between
from bn_core.experiments.what_stays_put import compare_bn, spread_at_init
from bn_core.nn import mlp, softmax_cross_entropy

# the notebooks' default results, read from the cache in use warmed by the session
# (tests/conftest.py: as it was once the web book's test had warmed it)
pytestmark = pytest.mark.usefixtures("warm_default_cache")


@pytest.fixture(scope="module")
def seeds():
    return nb02_seeds.across_seeds()  # {name: (5,)}


def test_five_seeds_cached_and_warmed(seeds):
    assert all(len(v) == 5 for v in seeds.values())
    assert "02 seeds" in warm.DEFAULTS  # python -m bn_core.panels.warm computes them
    for seed in nb02_seeds.SEEDS:  # the notebook reads them without training
        assert lookup(nb02_seeds.seed_numbers, seed=seed) is not None


def test_seed_0_is_the_notebooks_run(seeds):
    """The ranges include the run the notebook draws (snapshots do not change the training)."""
    row = nb02_seeds.move_numbers(compare_bn(lr=0.5, steps=1000, seed=0))
    for key, value in row.items():
        assert seeds[key][0] == pytest.approx(value, rel=1e-9, nan_ok=True), key
    np.testing.assert_array_equal(spread_at_init(0), [seeds[f"collapse.x_std{k}"][0]
                                                      for k in (1, 2, 3)])


def test_signal_collapse(seeds):
    """02: without BN each sigmoid layer shrinks x's spread about fourfold: 0.27, 0.061, 0.014 at
    step 0 (seeds 0-4: 0.26 to 0.27; 0.061 to 0.063; 0.014 to 0.015); with BN the raw x of layers
    2 and 3 is at 0.2; the plateau lasts while the spread stays small (step 100: 0.016 to 0.017,
    accuracy near chance) and ends as it grows (steps 300-500); the mean moves by about 0.9 (0.86
    to 1.01) in steps 0-100, far more than the spread."""
    s = [seeds[f"collapse.x_std{k}"] for k in (1, 2, 3)]
    for upper, lower in zip(s, s[1:], strict=False):
        assert np.all((upper / lower > 3.5) & (upper / lower < 5))  # about fourfold
    assert [format(v[0], ".2g") for v in s] == ["0.27", "0.061", "0.014"]
    assert [between(v) for v in s] == ["0.26 to 0.27", "0.061 to 0.063", "0.014 to 0.015"]
    for k in (2, 3):
        assert np.all(np.round(seeds[f"collapse.bn_std{k}"], 1) == 0.2)
    np.testing.assert_array_equal(seeds["collapse.bn_std1"], seeds["collapse.x_std1"])
    at = {t: seeds[f"collapse.x_std3_at{t}"] for t in nb02_seeds.COLLAPSE_STEPS}
    acc = {t: seeds[f"collapse.acc_at{t}"] for t in nb02_seeds.COLLAPSE_STEPS}
    assert between(at[100]) == "0.016 to 0.017" and np.all(acc[100] < 0.17)  # near chance
    assert np.all(at[500] > 20 * at[100]) and np.all(acc[500] > acc[100] + 0.2)
    shift = seeds["collapse.mean_shift100"]
    assert between(shift, ".2f") == "0.86 to 1.01" and round(shift[0], 1) == 0.9
    assert np.all(shift > 40 * at[100])  # far more than its spread
    assert np.all(np.isnan(seeds["move.plain_first90"]))  # the plateau: never 90% in 1,000 steps


def test_per_step_moves(seeds):
    """02: the mean moves 203x (177 to 225) more per step without BN, 126x (108 to 137) with the
    std; about 30 (27 to 32) in steps 0-100, 60 (54 to 69) in 100-500, 650 (623 to 699) in
    500-1000; in steps 0-100 the std without BN moves less than with BN; BN's raw x moves about
    0.001 per step against 0.09 without BN, 89x (44 to 89x) less."""
    assert format(seeds["move.ratio_mean"][0], ".0f") == "203"
    assert format(seeds["move.ratio_both"][0], ".0f") == "126"
    assert between(seeds["move.ratio_mean"], ".0f") == "177 to 225"
    assert between(seeds["move.ratio_both"], ".0f") == "108 to 137"
    ranges = ["27 to 32", "54 to 69", "623 to 699"]
    for (lo, hi), stated, about in zip(nb02_seeds.PHASES, ranges, (30, 60, 650), strict=True):
        ratio = seeds[f"move.ratio_mean_{lo}_{hi}"]
        assert between(ratio, ".0f") == stated
        assert np.all(np.abs(ratio / about - 1) < 0.2)
    assert np.all(seeds["move.plain_std_0_100"] < seeds["move.bn_std_0_100"])
    assert format(seeds["move.raw_mean"][0], ".1g") == "0.001"
    assert format(seeds["move.plain_mean"][0], ".1g") == "0.09"
    assert np.all((seeds["move.raw_mean"] < 0.002) & (seeds["move.plain_mean"] > 0.08))
    assert between(seeds["move.plain_over_raw"], ".0f") == "44 to 89"
    assert format(seeds["move.plain_over_raw"][0], ".0f") == "89"


def test_freeze_on_five_seeds(seeds):
    """02: frozen gamma, beta learn no faster (at most 1.1 points behind at step 100, within 0.7 at
    step 200), the loss stays above from step 10 on, 1.23 to 1.28 times higher at the end; centre
    only and no BN near chance: 9% to 11% and 9% to 16% at step 100, 9% to 19% and 9% to 12% at
    step 200."""
    gap = {t: 100 * (seeds[f"freeze.frozen_acc_{t}"] - seeds[f"freeze.bn_acc_{t}"])
           for t in ("early", "final")}
    assert between(gap["early"], "+.1f") == "-1.1 to +0.0" and np.all(gap["early"] >= -1.15)
    assert between(gap["final"], "+.1f") == "-0.7 to +0.2" and np.all(np.abs(gap["final"]) < 0.7)
    assert np.all(seeds["freeze.frozen_above"] == 1.0)
    assert between(seeds["freeze.loss_ratio"], ".2f") == "1.23 to 1.28"
    assert [between(seeds[f"freeze.{k}_acc_{t}"], ".0%") for t in ("early", "final")
            for k in ("mean_only", "plain")] == ["9% to 11%", "9% to 16%", "9% to 19%", "9% to 12%"]
    assert np.all(seeds["freeze.frozen_drift_mean"] < 1e-12)


def test_gradient_shift_on_five_seeds(seeds):
    """02: sigmoid, 0.37 to 0.43 with BN against 0.067 to 0.081 without (more dependent with BN);
    ReLU, 0.13 to 0.14 against 0.74 to 0.93, five to seven times less with BN."""
    rel = {(a, k): seeds[f"ics.{a}_{k}_rel"] for a in ("sigmoid", "relu") for k in ("plain", "bn")}
    assert between(rel["sigmoid", "bn"]) == "0.37 to 0.43"
    assert between(rel["sigmoid", "plain"]) == "0.067 to 0.081"
    assert between(rel["relu", "bn"]) == "0.13 to 0.14"
    assert between(rel["relu", "plain"]) == "0.74 to 0.93"
    assert np.all(rel["sigmoid", "bn"] > 4 * rel["sigmoid", "plain"])
    ratio = rel["relu", "plain"] / rel["relu", "bn"]
    assert np.all((ratio > 5) & (ratio < 7.5))


def test_projection_on_five_seeds(seeds):
    """02: on seeds 0-4, at step 0 and trained, sum_n dx_nj and the bias gradient are 0 to 1e-12 of
    their references, sum_n dx_nj x_hat_nj only eps's trace (a few 1e-4, equal to its eps term to
    1e-12); without BN the bias gets 0.1 to 0.3 of sum_n |dx_nj|."""
    for when in ("init", "trained"):
        for key in ("sum_dx", "bias", "dot_xhat_eps"):
            assert np.all(seeds[f"proj.{when}_{key}"] < 1e-12), (when, key)
        assert np.all((seeds[f"proj.{when}_dot_xhat"] > 1e-4)
                      & (seeds[f"proj.{when}_dot_xhat"] < 1e-3))
    assert between(seeds["proj.plain_bias_share"], ".1f") == "0.1 to 0.3"


def test_projection_identities_against_finite_references():
    """BN's dx sums to 0 over the batch and is orthogonal to x_hat up to the eps term, and the bias
    before BN has a zero gradient, measured against a finite difference of the loss in b; the
    same bias without BN has a finite gradient. Off-centre inputs, gamma != 1, beta != 0."""
    rng = np.random.default_rng(3)
    model = mlp([6, 5, 4], "sigmoid", bn="before", rng=rng)
    norm = model.layers[1]
    norm.gamma[...], norm.beta[...] = rng.uniform(0.5, 2, 5), rng.normal(0, 1, 5)
    model.layers[0].b[...] = rng.normal(0, 3, 5)
    xb, yb = rng.normal(2, 3, size=(8, 6)), rng.integers(0, 4, 8)
    grads = projection.input_gradients(model, xb, yb)
    dx, x = grads[1], model.inputs[1]  # (8, 5)
    x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + norm.eps)
    scale = np.abs(dx).sum(axis=0)
    assert np.all(scale > 1e-4)  # a finite reference
    assert np.abs(dx.sum(axis=0)).max() < 1e-13 * scale.max()
    eps_term = norm.eps * norm.gamma * norm.dgamma / (x.var(axis=0) + norm.eps) ** 1.5
    np.testing.assert_allclose((dx * x_hat).sum(axis=0), eps_term, atol=1e-13 * scale.max())
    check = projection.projection_check(model, xb, yb)
    assert max(check["sum_dx"], check["bias"], check["dot_xhat_eps"]) < 1e-12

    def loss_at(net, j, h):
        net.layers[0].b[j] += h
        loss = softmax_cross_entropy(net.forward(xb), yb)[0]
        net.layers[0].b[j] -= h
        return loss

    plain = mlp([6, 5, 4], "sigmoid", rng=np.random.default_rng(3))
    projection.input_gradients(plain, xb, yb)
    for j in range(5):
        numeric = (loss_at(model, j, 1e-5) - loss_at(model, j, -1e-5)) / 2e-5
        assert abs(numeric) < 1e-9 and abs(model.layers[0].db[j]) < 1e-14
        plain_numeric = (loss_at(plain, j, 1e-5) - loss_at(plain, j, -1e-5)) / 2e-5
        assert plain_numeric == pytest.approx(plain.layers[0].db[j], rel=1e-6, abs=1e-10)
    assert np.abs(plain.layers[0].db).max() > 1e-3  # without BN the bias does learn
    assert 0 < projection.bias_share(plain, xb, yb) <= 1


def test_projection_check_needs_bn_after_a_biased_linear():
    rng = np.random.default_rng(0)
    xb, yb = rng.normal(size=(4, 3)), rng.integers(0, 2, 4)
    with pytest.raises(ValueError, match="no BatchNorm1d"):
        projection.projection_check(mlp([3, 4, 2], "relu", rng=rng), xb, yb)
    with pytest.raises(ValueError, match="Linear with a bias"):
        projection.projection_check(mlp([3, 4, 2], "relu", bn="before", rng=rng, bias=False),
                                    xb, yb)


def test_coherence_and_between():
    d = np.array([[1.0, 1.0], [1.0, -1.0]])  # feature 0: every example the same way; 1: cancel
    np.testing.assert_allclose(projection.coherence(d), [1.0, 0.0])
    assert between(np.array([0.0141, 0.0152])) == "0.014 to 0.015"
    assert between(np.array([0.2, 0.21]), ".1f") == "0.2"
