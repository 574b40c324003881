"""Gradients of every layer of bn_core.nn against central differences (float64), and a whole small
MLP with BN, before and after the activation, checked end to end from the loss."""

import numpy as np
import pytest

from bn_core.gradcheck import numerical_gradient, rel_error
from bn_core.layers import BatchNorm1d
from bn_core.nn import (
    Linear,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
    mlp,
    softmax_cross_entropy,
)
from bn_core.optim import SGD

TOL = 1e-7  # rel_error of a correct float64 backward with h = 1e-5


def norm_error(a, b):
    """||a - b|| / (||a|| + ||b||): for whole-network gradients, whose tiny entries make the
    elementwise rel_error noisy. About 1e-9 for a correct float64 backward with h = 1e-5."""
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12))


def test_linear_gradients():
    rng = np.random.default_rng(0)
    layer = Linear(4, 3, rng)
    layer.b = rng.standard_normal(3)
    x, dout = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    layer.forward(x)
    dx = layer.backward(dout)
    assert rel_error(dx, numerical_gradient(layer.forward, x, dout)) < TOL
    assert rel_error(layer.dW, numerical_gradient(lambda w: x @ w + layer.b, layer.W, dout)) < TOL
    assert rel_error(layer.db, numerical_gradient(lambda b: x @ layer.W + b, layer.b, dout)) < TOL


@pytest.mark.parametrize("act", [ReLU, Tanh, Sigmoid])
def test_activation_gradients(act):
    rng = np.random.default_rng(1)
    # keep ReLU inputs away from its kink at 0, where finite differences are not a derivative
    x = rng.standard_normal((6, 5)) * 2
    x[np.abs(x) < 0.05] = 0.3
    dout = rng.standard_normal((6, 5))
    layer = act()
    layer.forward(x)
    dx = layer.backward(dout)
    assert rel_error(dx, numerical_gradient(act().forward, x, dout)) < TOL


def test_sigmoid_matches_formula_and_never_overflows():
    x = np.array([-1000.0, -3.0, 0.0, 2.0, 1000.0])
    with np.errstate(over="ignore"):
        expected = 1 / (1 + np.exp(-x))
    assert np.allclose(Sigmoid().forward(x[None]), expected[None], rtol=1e-12, atol=0)


def test_softmax_cross_entropy_value_and_gradient():
    rng = np.random.default_rng(2)
    logits, y = rng.standard_normal((7, 4)) * 3, rng.integers(0, 4, 7)
    loss, dlogits = softmax_cross_entropy(logits, y)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.log(p[np.arange(7), y]).mean(), rel=1e-12)
    num = numerical_gradient(lambda z: np.array(softmax_cross_entropy(z, y)[0]), logits, 1.0)
    assert norm_error(dlogits, num) < TOL
    # stable for huge logits (log-sum-exp): finite, no warning
    big_loss, _ = softmax_cross_entropy(logits * 1e4, y)
    assert np.isfinite(big_loss)


def test_softmax_cross_entropy_rejects_bad_labels():
    with pytest.raises(ValueError, match="labels"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="expected"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2]))


@pytest.mark.parametrize("bn", [None, "before", "after"])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_whole_mlp_gradients_end_to_end(bn, activation):
    """d loss / d (every parameter and the input) of a [3, 5, 4, 3] MLP, from the loss."""
    rng = np.random.default_rng(3)
    model = mlp([3, 5, 4, 3], activation, bn=bn, rng=rng)
    for layer, name in model.parameters():  # off-centre values: all-zero inits hide bugs
        p = getattr(layer, name)
        p += 0.3 * rng.standard_normal(p.shape) + (0.5 if name == "gamma" else 0.0)
    x, y = rng.standard_normal((6, 3)), rng.integers(0, 3, 6)

    def loss_of(_):
        return np.array(softmax_cross_entropy(model.forward(x), y)[0])

    _, dlogits = softmax_cross_entropy(model.forward(x), y)
    dx = model.backward(dlogits)
    grads = {(id(layer), name): getattr(layer, "d" + name).copy()
             for layer, name in model.parameters()}
    assert norm_error(dx, numerical_gradient(loss_of, x, 1.0)) < TOL
    for i, layer in enumerate(model.layers):
        for name in layer.param_names:
            num = numerical_gradient(loss_of, getattr(layer, name), 1.0)
            analytic = grads[(id(layer), name)]
            if bn == "before" and name == "b" and i < len(model.layers) - 1:
                # a bias right before BN is subtracted away with the batch mean: its gradient is 0
                assert np.abs(analytic).max() < 1e-12 and np.abs(num).max() < 1e-9
            else:
                assert norm_error(analytic, num) < TOL, (i, layer, name)


def test_mlp_layout_and_same_initial_weights():
    sizes = [64, 100, 100, 100, 10]
    plain = mlp(sizes, "sigmoid", rng=np.random.default_rng(0))
    before = mlp(sizes, "sigmoid", bn="before", rng=np.random.default_rng(0))
    after = mlp(sizes, "sigmoid", bn="after", rng=np.random.default_rng(0))
    kinds = [type(layer).__name__ for layer in before.layers]
    assert kinds == ["Linear", "BatchNorm1d", "Sigmoid"] * 3 + ["Linear"]
    assert [type(layer).__name__ for layer in after.layers][:3] == ["Linear", "Sigmoid",
                                                                   "BatchNorm1d"]
    linears = [[m.layers[i] for i in range(len(m.layers)) if isinstance(m.layers[i], Linear)]
               for m in (plain, before, after)]
    for a, b, c in zip(*linears, strict=True):
        assert np.array_equal(a.W, b.W) and np.array_equal(a.W, c.W)
    assert len(list(before.parameters())) == 4 * 2 + 3 * 2


def test_norm_layer_factory_and_train_eval_propagate():
    built = []

    def factory(d):
        built.append(d)
        return BatchNorm1d(d, momentum=0.5)

    model = mlp([4, 6, 5, 2], "relu", bn="before", rng=np.random.default_rng(0), norm_layer=factory)
    assert built == [6, 5]
    model.eval()
    assert not any(getattr(layer, "training", False) for layer in model.layers)
    model.train()
    assert all(layer.training for layer in model.layers if isinstance(layer, BatchNorm1d))


def test_sgd_updates_in_place_with_momentum():
    rng = np.random.default_rng(4)
    model = Sequential(Linear(2, 2, rng))
    W = model.layers[0].W
    before = W.copy()
    opt = SGD(model, lr=0.1, momentum=0.9)
    model.layers[0].dW = np.ones((2, 2))
    model.layers[0].db = np.zeros(2)
    opt.step()
    opt.step()  # v = 1, then 0.9 * 1 + 1 = 1.9: total move 0.1 * (1 + 1.9)
    assert model.layers[0].W is W
    assert np.allclose(before - W, 0.29)
    with pytest.raises(ValueError, match="lr"):
        SGD(model, lr=0.0)


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="bn"):
        mlp([2, 2], bn="middle", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng"):
        mlp([2, 2])
    with pytest.raises(ValueError, match=r"\(N, 3\)"):
        Linear(3, 2, np.random.default_rng(0)).forward(np.zeros((4, 2)))
