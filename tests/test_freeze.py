"""Notebook 02's freeze experiment, seeded: the numbers its prose states, and the lockstep runs."""

import numpy as np
import pytest

from bn_core.data import load_digits_split
from bn_core.experiments import freeze
from bn_core.layers import BatchNorm1d, MeanOnlyBatchNorm1d
from bn_core.nn import Activation
from bn_core.train import LayerStats, train


@pytest.fixture(scope="module")
def numbers():
    *_, state = freeze.freeze_steps(lr=0.5, steps=200, seed=0)  # notebook 02's default run
    return freeze.results(state), freeze.summary(freeze.results(state))


def test_lockstep_runs_match_separate_training(numbers):
    result, _ = numbers
    model = freeze.build("mean_only")
    alone = train(model, load_digits_split(), 200, 60, 0.5, np.random.default_rng(1),
                  eval_every=10, record={"next": LayerStats(model.index_of(Activation))})
    np.testing.assert_array_equal(alone["loss"], result["mean_only"]["loss"])
    np.testing.assert_array_equal(alone["next"]["mean"], result["mean_only"]["next"]["mean"])


def test_the_four_networks_share_their_weights():
    nets = {kind: freeze.build(kind) for kind in freeze.KINDS}
    for net in nets.values():
        np.testing.assert_array_equal(net.layers[0].W, nets["plain"].layers[0].W)
    assert isinstance(nets["frozen"].layers[1], BatchNorm1d) and not nets["frozen"].layers[1].affine
    assert isinstance(nets["mean_only"].layers[1], MeanOnlyBatchNorm1d)
    with pytest.raises(ValueError, match="kind"):
        freeze.build("frozen_beta")


def test_frozen_bn_keeps_the_next_layers_input_moments_constant(numbers):
    result, s = numbers
    nxt = result["frozen"]["next"]
    assert np.abs(nxt["mean"]).max() < 1e-12  # y = x_hat: mean 0 on every probe
    assert np.abs(nxt["std"] - 1).max() < 1e-3  # std sqrt(var / (var + eps)), just under 1
    assert s["frozen"]["drift_mean"] < 1e-12  # the mean does not move at all
    assert s["frozen"]["drift_std"] < 1e-5  # the std only through eps / var
    assert s["bn"]["drift_mean"] > 1e-4  # gamma and beta move y's moments
    assert s["plain"]["drift_mean"] > 20 * s["bn"]["drift_mean"]  # notebook 02's ordering


def test_what_the_notebook_states(numbers):
    """02: both BN versions 96% at step 100 and 97% at step 200 (1 test image apart); final loss
    0.105 against 0.134 (1.3x); centre only and no BN at chance: 9% and 10% at step 100, 10% and 9%
    at step 200."""
    _, s = numbers
    assert round(100 * s["bn"]["acc_early"]) == round(100 * s["frozen"]["acc_early"]) == 96
    assert round(100 * s["bn"]["acc_final"]) == round(100 * s["frozen"]["acc_final"]) == 97
    assert round(449 * (s["bn"]["acc_final"] - s["frozen"]["acc_final"])) == 1
    assert round(s["bn"]["loss_final"], 3) == 0.105
    assert round(s["frozen"]["loss_final"], 3) == 0.134
    assert round(s["frozen"]["loss_final"] / s["bn"]["loss_final"], 1) == 1.3
    assert [round(100 * s[k]["acc_early"]) for k in ("mean_only", "plain")] == [9, 10]
    assert [round(100 * s[k]["acc_final"]) for k in ("mean_only", "plain")] == [10, 9]


def test_smoothed_loss_is_a_running_mean():
    loss = np.arange(1.0, 6.0)
    np.testing.assert_allclose(freeze.smoothed_loss(loss, window=2), [1, 1.5, 2.5, 3.5, 4.5])


def test_frozen_loss_stays_above_trained(numbers):
    """02: frozen gamma, beta learn no faster: the smoothed training loss of the frozen network is
    above the trained one's at every step from step 10 on."""
    result, _ = numbers
    frozen, trained = (freeze.smoothed_loss(result[k]["loss"]) for k in ("frozen", "bn"))
    assert np.all(frozen[10:] > trained[10:])
