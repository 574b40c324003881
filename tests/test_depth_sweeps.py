"""Notebook 08's CS231n experiments on seeded runs: BN's accuracy is flat over three decades of
weight scale where the plain net is at chance or diverges; small batches train worse."""

import numpy as np

from bn_core.experiments.depth_sweeps import (
    SCALES,
    band,
    batch_size_run,
    scaled_mlp,
    weight_scale_sweep,
)
from bn_core.nn import Linear

# every other scale from 1.2e-3 to 1 of the notebook's grid: each training is seeded on its own,
# so these points are the notebook's points
SUBSET = np.asarray(SCALES)[[3, 5, 7, 9, 11]]


def test_scaled_mlp_draws_every_weight_with_the_given_std():
    model = scaled_mlp(0.01, bn=True)
    stds = [layer.W.std() for layer in model.layers if isinstance(layer, Linear)]
    np.testing.assert_allclose(stds, 0.01, rtol=0.1)
    plain = scaled_mlp(0.01, bn=False)
    for a, b in zip([la for la in model.layers if isinstance(la, Linear)],
                    [la for la in plain.layers if isinstance(la, Linear)], strict=True):
        np.testing.assert_array_equal(a.W, b.W)


def test_bn_is_flat_over_the_scales_where_the_plain_net_is_at_chance():
    *_, state = weight_scale_sweep(scales=SUBSET)
    assert state["done"] == state["total"] == 2 * len(SUBSET)
    bn_lo, _ = band(state, "bn", 1e-3, 1.0)
    _, plain_hi = band(state, "plain", 1e-3, 4e-2)
    assert bn_lo >= 0.85  # measured 0.91 .. 0.97
    assert plain_hi <= 0.15  # chance is 0.10
    # at the largest scales the plain ReLU net's loss blows up; BN's never does
    assert state["diverged"]["plain"][-1] and not state["diverged"]["bn"].any()
    assert np.all(np.isfinite(state["final_loss"]["bn"]))


def test_the_sweep_streams_one_point_at_a_time():
    done = []
    for state in weight_scale_sweep(scales=SUBSET[:1], steps=5):
        if not done or done[-1] != state["done"]:
            done.append(state["done"])
    assert done == [0, 1, 2]


def test_small_batches_train_worse_with_bn():
    *_, state = batch_size_run()
    train = state["train_acc"][:, -1]  # (B,) after the last epoch, batch 4, 16, 64
    assert train[0] < train[1] - 0.02  # measured 0.941 against 0.986
    assert np.all(np.isfinite(state["test_acc"])) and state["epoch"] == state["epochs"]
