"""Notebook 04's take-away on a scale-invariant layer (Linear without bias -> BN): SGD makes ||W||
GROW at every step (the gradient is orthogonal to W, so ||W - lr g||^2 = ||W||^2 + lr^2 ||g||^2),
while BN's output keeps mean beta and std |gamma| whatever ||W|| does; the gradient shrinks as
1/||W||, so the effective step is lr / ||W||^2. (With eps = 1e-12 so that BN is scale invariant to
round-off; with the usual 1e-5 the same holds up to eps / var.)"""

import numpy as np

from bn_core import batchnorm_backward, batchnorm_forward
from bn_core.nn import softmax_cross_entropy

EPS = 1e-12  # BN's eps: scale invariance exact to round-off


def sgd_on_a_bn_layer(steps=200, lr=2.0, seed=0):
    """SGD on W: (20, 10) of logits = BN(h W), gamma = 1, beta = 0 fixed, a fixed batch h: (64, 20)
    with labels y: (64,). Returns W's norm before each step, the gradients, the outputs' stds."""
    rng = np.random.default_rng(seed)
    h, y = rng.standard_normal((64, 20)), rng.integers(0, 10, size=64)
    w = rng.standard_normal((20, 10)) / np.sqrt(20)
    ones, zeros = np.ones(10), np.zeros(10)
    norms, grads, stds, cosines = [], [], [], []
    for _ in range(steps):
        out, cache = batchnorm_forward(h @ w, ones, zeros, EPS)
        _, dout = softmax_cross_entropy(out, y)
        dw = h.T @ batchnorm_backward(dout, cache)[0]  # (20, 10)
        norms.append(np.linalg.norm(w))
        grads.append(np.linalg.norm(dw))
        stds.append(out.std(axis=0))
        cosines.append(np.abs((dw * w).sum(axis=0)) / (np.linalg.norm(dw, axis=0)
                                                        * np.linalg.norm(w, axis=0)))
        w = w - lr * dw
    return np.array(norms), np.array(grads), np.array(stds), np.array(cosines)


def test_sgd_makes_the_weights_of_a_bn_layer_grow_while_the_output_stays_put():
    norms, grads, stds, cosines = sgd_on_a_bn_layer()
    assert cosines.max() < 1e-6  # each column's gradient is orthogonal to that column of W
    assert np.all(np.diff(norms) > 0)  # ||W|| grows at every step, it never shrinks
    # Pythagoras: ||W_{t+1}||^2 = ||W_t||^2 + lr^2 ||g_t||^2
    np.testing.assert_allclose(norms[1:] ** 2, norms[:-1] ** 2 + 4.0 * grads[:-1] ** 2, rtol=1e-6)
    assert norms[-1] > 1.1 * norms[0]  # measured: 3.20 -> 3.70 in 200 steps at lr 2
    np.testing.assert_allclose(stds, 1.0, atol=1e-4)  # BN's output: std |gamma| = 1 throughout


def test_the_gradient_shrinks_as_one_over_the_weight_norm():
    rng = np.random.default_rng(1)
    h, y = rng.standard_normal((64, 20)), rng.integers(0, 10, size=64)
    w = rng.standard_normal((20, 10))
    ones, zeros = np.ones(10), np.zeros(10)
    dws = []
    for a in (1.0, 10.0):
        out, cache = batchnorm_forward(h @ (a * w), ones, zeros, EPS)
        dws.append(h.T @ batchnorm_backward(softmax_cross_entropy(out, y)[1], cache)[0])
    np.testing.assert_allclose(dws[1], dws[0] / 10.0, rtol=1e-6, atol=1e-12)
