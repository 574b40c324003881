"""Santurkar et al.'s gradient-based internal covariate shift (notebook 02): the measure against a
by-hand computation, its limits, and the seeded numbers the notebook states."""

import copy

import numpy as np
import pytest

from bn_core.experiments import freeze, ics
from bn_core.nn import Linear, softmax_cross_entropy


def batch_gradients(model, rng, n=16):
    xb, yb = rng.normal(size=(n, 64)), rng.integers(0, 10, n)
    _, dlogits = softmax_cross_entropy(model.forward(xb), yb)
    model.backward(dlogits)
    return xb, yb


@pytest.mark.parametrize("kind", ["plain", "bn"])
def test_gradient_shift_by_hand(kind):
    rng = np.random.default_rng(0)
    model = freeze.build(kind, sizes=(64, 20, 20, 10))
    xb, yb = batch_gradients(model, rng)
    k = max(i for i, layer in enumerate(model.layers) if isinstance(layer, Linear))
    before = [getattr(layer, name).copy() for layer, name in model.parameters()]
    diff, norm, cos = ics.gradient_shift(model, xb, yb, k, lr=0.3)
    # the model is untouched
    for value, (layer, name) in zip(before, model.parameters(), strict=True):
        np.testing.assert_array_equal(value, getattr(layer, name))
    # by hand: step every parameter below k, recompute the gradient of layer k
    g = model.layers[k].dW.copy()
    twin = copy.deepcopy(model)
    for layer, name in twin.parameters():
        if twin.layers.index(layer) < k:
            setattr(layer, name, getattr(layer, name) - 0.3 * getattr(layer, "d" + name))
    _, dlogits = softmax_cross_entropy(twin.forward(xb), yb)
    twin.backward(dlogits)
    g2 = twin.layers[k].dW
    assert diff == pytest.approx(np.linalg.norm(g - g2), rel=1e-12)
    assert norm == pytest.approx(np.linalg.norm(g), rel=1e-12)
    assert cos == pytest.approx(np.sum(g * g2) / np.linalg.norm(g) / np.linalg.norm(g2), rel=1e-12)
    assert diff > 0


def test_no_layers_below_no_shift_and_small_steps_small_shift():
    rng = np.random.default_rng(1)
    model = freeze.build("bn", sizes=(64, 20, 10))
    xb, yb = batch_gradients(model, rng)
    assert ics.gradient_shift(model, xb, yb, 0, lr=1.0)[0] == 0.0  # the first layer: nothing below
    small, large = (ics.gradient_shift(model, xb, yb, 3, lr=lr)[0] for lr in (1e-4, 1e-2))
    assert large / small == pytest.approx(100, rel=0.05)  # first order in the step
    with pytest.raises(ValueError, match="Linear"):
        ics.gradient_shift(model, xb, yb, 1, lr=1.0)


@pytest.fixture(scope="module")
def shifts():
    out = {}
    for activation, lr in (("sigmoid", 0.5), ("relu", 0.1)):  # notebook 02's two runs
        *_, state = ics.ics_steps(lr=lr, activation=activation)
        out[activation] = ics.summary(ics.results(state))
    return out


def test_what_the_notebook_states(shifts):
    """02: sigmoid net, the output layer's gradient changes by 0.08 of its length without BN
    (cos 0.999: stuck on the plateau) and 0.43 with BN (cos 0.97); ReLU net: 0.81 without BN
    (cos 0.61), 0.14 with BN (cos 0.997). Medians over 200 steps, measured every 10."""
    sig, relu = shifts["sigmoid"], shifts["relu"]
    assert round(float(sig["plain"]["rel"][-1]), 2) == 0.08
    assert round(float(sig["bn"]["rel"][-1]), 2) == 0.43
    assert round(float(sig["plain"]["cos"][-1]), 3) == 0.999
    assert round(float(sig["bn"]["cos"][-1]), 2) == 0.97
    assert round(float(relu["plain"]["rel"][-1]), 2) == 0.81
    assert round(float(relu["bn"]["rel"][-1]), 2) == 0.14
    assert round(float(relu["plain"]["cos"][-1]), 2) == 0.61
    assert round(float(relu["bn"]["cos"][-1]), 3) == 0.997
    # the direction of the claims: BN has more shift in one net, less in the other
    assert sig["bn"]["rel"][-1] > 5 * sig["plain"]["rel"][-1]
    assert relu["plain"]["rel"][-1] > 5 * relu["bn"]["rel"][-1]


def test_noisy_bn_mean_jumps_like_n_0_2a2():
    """03 part 1: the offset m_j ~ N(a, a^2) is a +- a, and from one step to the next the mean
    jumps by m_j(t) - m_j(t - 1) ~ N(0, 2 a^2)."""
    from bn_core.experiments.noisy_bn import NoisyBatchNorm1d

    a = 0.5
    layer = NoisyBatchNorm1d(2000, strength=a, rng=np.random.default_rng(0))
    shifts = np.array([layer.draw_noise()[1] for _ in range(11)])  # (steps, D)
    assert shifts.mean() == pytest.approx(a, abs=0.01)
    assert shifts.std() == pytest.approx(a, rel=0.02)
    jumps = np.diff(shifts, axis=0)
    assert jumps.mean() == pytest.approx(0, abs=0.01)
    assert jumps.std() == pytest.approx(np.sqrt(2) * a, rel=0.02)
