"""BatchNorm1d / BatchNorm2d / LayerNorm layers: running statistics, modes, errors, state."""

import numpy as np
import pytest

import bn_core as B
from bn_core.gradcheck import numerical_gradient, rel_error


def state(layer):
    return {k: getattr(layer, k).copy() for k in ("gamma", "beta", "running_mean", "running_var")}


def assert_same_state(before, layer):
    for k, v in before.items():
        assert np.array_equal(getattr(layer, k), v), k


def test_initial_state_follows_pytorch():
    bn = B.BatchNorm1d(4)
    assert np.array_equal(bn.gamma, np.ones(4)) and np.array_equal(bn.beta, np.zeros(4))
    assert np.array_equal(bn.running_mean, np.zeros(4))
    assert np.array_equal(bn.running_var, np.ones(4))
    assert bn.momentum == 0.1 and bn.eps == 1e-5 and bn.training


def test_running_statistics_by_hand_over_three_steps():
    rng = np.random.default_rng(0)
    bn = B.BatchNorm1d(3, momentum=0.1)
    mean, var = np.zeros(3), np.ones(3)
    for n in (4, 7, 2):
        x = rng.normal(2.0, 3.0, (n, 3))
        bn.forward(x)
        # running = 0.9 * running + 0.1 * batch, with the UNBIASED variance (divide by n - 1)
        mean = 0.9 * mean + 0.1 * x.mean(axis=0)
        var = 0.9 * var + 0.1 * x.var(axis=0, ddof=1)
        np.testing.assert_allclose(bn.running_mean, mean, rtol=1e-14)
        np.testing.assert_allclose(bn.running_var, var, rtol=1e-14)


def test_first_step_numbers():
    bn = B.BatchNorm1d(1, momentum=0.1)
    bn.forward(np.array([[1.0], [2.0], [3.0], [6.0]]))  # mean 3, unbiased var 14 / 3
    assert bn.running_mean[0] == pytest.approx(0.3, rel=1e-15)
    assert bn.running_var[0] == pytest.approx(0.9 + 0.1 * 14 / 3, rel=1e-15)


@pytest.mark.parametrize("momentum", [0.0, 1.0])
def test_momentum_ends(momentum):
    bn = B.BatchNorm1d(2, momentum=momentum)
    x = np.array([[1.0, 5.0], [3.0, 9.0]])
    bn.forward(x)
    if momentum == 0:
        assert np.array_equal(bn.running_mean, [0, 0]) and np.array_equal(bn.running_var, [1, 1])
    else:
        np.testing.assert_allclose(bn.running_mean, [2, 7])
        np.testing.assert_allclose(bn.running_var, [2, 8])  # unbiased: ((1)^2 + (1)^2) / 1


def test_batchnorm2d_running_statistics_use_n_h_w_values():
    rng = np.random.default_rng(1)
    bn = B.BatchNorm2d(3)
    x = rng.normal(1.0, 2.0, (2, 3, 2, 2))
    out = bn.forward(x)
    m = 2 * 2 * 2
    values = x.transpose(1, 0, 2, 3).reshape(3, m)
    np.testing.assert_allclose(bn.running_mean, 0.1 * values.mean(axis=1), rtol=1e-14)
    np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * values.var(axis=1, ddof=1), rtol=1e-14)
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-12)


def test_training_forward_backward_match_the_functions():
    rng = np.random.default_rng(2)
    bn = B.BatchNorm1d(5)
    bn.gamma[:] = rng.uniform(0.5, 2, 5)  # writable in place
    bn.beta[:] = rng.normal(size=5)
    x, dout = rng.normal(1, 2, (8, 5)), rng.normal(size=(8, 5))
    out = bn.forward(x)
    ref, cache = B.batchnorm_forward(x, bn.gamma, bn.beta)
    np.testing.assert_array_equal(out, ref)
    dx = bn.backward(dout)
    for a, b in zip((dx, bn.dgamma, bn.dbeta), B.batchnorm_backward(dout, cache)):
        np.testing.assert_array_equal(a, b)


def test_eval_uses_running_statistics_and_a_batch_of_one_works():
    rng = np.random.default_rng(3)
    bn = B.BatchNorm1d(4)
    for _ in range(20):
        bn.forward(rng.normal(5.0, 2.0, (16, 4)))
    bn.gamma[:] = [1.0, 2.0, -1.0, 0.5]
    bn.beta[:] = [0.0, 1.0, 2.0, -3.0]
    bn.eval()
    before = state(bn)
    one = rng.normal(5.0, 2.0, (1, 4))
    expected = bn.gamma * (one - bn.running_mean) / np.sqrt(bn.running_var + bn.eps) + bn.beta
    np.testing.assert_allclose(bn.forward(one), expected, rtol=1e-14)
    assert_same_state(before, bn)  # eval never touches the running statistics
    # the example's output does not depend on its batch companions in eval mode
    batch = np.vstack([one, rng.normal(size=(9, 4))])
    np.testing.assert_allclose(bn.forward(batch)[:1], expected, rtol=1e-14)


@pytest.mark.parametrize("cls, shape", [(B.BatchNorm1d, (5, 3)), (B.BatchNorm2d, (2, 3, 2, 2))])
def test_eval_backward_is_the_gradient_of_the_fixed_affine_map(cls, shape):
    rng = np.random.default_rng(4)
    bn = cls(3)
    for _ in range(3):
        bn.forward(rng.normal(1.0, 2.0, shape))
    bn.gamma[:] = [1.5, -0.7, 2.0]
    bn.beta[:] = [0.3, 0.1, -0.4]
    bn.eval()
    x, dout = rng.normal(size=shape), rng.normal(size=shape)
    bn.forward(x)
    dx = bn.backward(dout)
    assert rel_error(dx, numerical_gradient(bn.forward, x.copy(), dout)) < 1e-7

    def with_gamma(g):
        bn.gamma = g
        return bn.forward(x)

    gamma = bn.gamma.copy()
    dgamma_num = numerical_gradient(with_gamma, gamma.copy(), dout)
    bn.gamma = gamma
    bn.forward(x)
    bn.backward(dout)
    assert rel_error(bn.dgamma, dgamma_num) < 1e-7
    all_but_channels = tuple(i for i in range(len(shape)) if i != 1)
    np.testing.assert_allclose(bn.dbeta, dout.sum(axis=all_but_channels))


def test_batchnorm2d_training_gradients():
    rng = np.random.default_rng(5)
    bn = B.BatchNorm2d(2)
    bn.gamma[:] = [1.3, -0.8]
    x, dout = rng.normal(2.0, 1.5, (2, 2, 3, 2)), rng.normal(size=(2, 2, 3, 2))

    def f(v):
        return B.BatchNorm2d(2).forward(v) * bn.gamma[None, :, None, None]

    bn.forward(x)
    dx = bn.backward(dout)
    assert rel_error(dx, numerical_gradient(f, x.copy(), dout)) < 1e-7


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cls, shape", [(B.BatchNorm1d, (6, 3)), (B.BatchNorm2d, (2, 3, 2, 2))])
def test_layers_keep_the_input_dtype(dtype, cls, shape):
    bn = cls(3)
    x = np.random.default_rng(6).normal(size=shape).astype(dtype)
    for mode in ("train", "eval"):
        getattr(bn, mode)()
        out = bn.forward(x)
        dx = bn.backward(np.ones(shape, dtype=dtype))
        assert out.dtype == dtype and dx.dtype == dtype


BAD_CONSTRUCTION = [
    (dict(num_features=0), "num_features"),
    (dict(num_features=-3), "num_features"),
    (dict(num_features=2.5), "num_features"),
    (dict(num_features=True), "num_features"),
    (dict(num_features=3, eps=0), "eps"),
    (dict(num_features=3, eps=-1.0), "eps"),
    (dict(num_features=3, momentum=-0.1), "momentum"),
    (dict(num_features=3, momentum=1.5), "momentum"),
    (dict(num_features=3, momentum=float("nan")), "momentum"),
]


@pytest.mark.parametrize("cls", [B.BatchNorm1d, B.BatchNorm2d])
@pytest.mark.parametrize("kwargs, word", BAD_CONSTRUCTION)
def test_bad_construction(cls, kwargs, word):
    with pytest.raises(ValueError, match=word):
        cls(**kwargs)


BAD_FORWARD_1D = [
    (np.ones((4, 2)), "num_features=3"),  # wrong feature count
    (np.ones((4, 3, 1)), "(N, D)"),  # wrong rank
    (np.ones(3), "(N, D)"),
    (np.ones((1, 3)), "N=1"),  # a batch of one in training mode
]


@pytest.mark.parametrize("x, word", BAD_FORWARD_1D)
def test_bad_forward_raises_and_leaves_the_state_as_it_was(x, word):
    rng = np.random.default_rng(7)
    bn = B.BatchNorm1d(3)
    bn.forward(rng.normal(size=(5, 3)))
    bn.gamma[:] = [1.0, 2.0, 3.0]
    before = state(bn)
    with pytest.raises(ValueError) as info:
        bn.forward(x)
    assert word in str(info.value)
    assert_same_state(before, bn)


def test_bad_forward_2d():
    bn = B.BatchNorm2d(3)
    before = state(bn)
    for x, word in [(np.ones((2, 4, 2, 2)), "num_features=3"), (np.ones((2, 3)), "(N, C, H, W)"),
                    (np.ones((1, 3, 1, 1)), "N * H * W")]:
        with pytest.raises(ValueError, match=word.replace("*", r"\*").replace("(", r"\(")
                           .replace(")", r"\)")):
            bn.forward(x)
        assert_same_state(before, bn)


def test_backward_errors():
    bn = B.BatchNorm1d(3)
    with pytest.raises(ValueError, match="forward"):
        bn.backward(np.ones((4, 3)))
    bn.forward(np.random.default_rng(8).normal(size=(4, 3)))
    with pytest.raises(ValueError, match="dout"):
        bn.backward(np.ones((5, 3)))


def test_mode_switches_and_repr():
    bn = B.BatchNorm1d(2)
    assert bn.eval() is bn and not bn.training
    assert bn.train() is bn and bn.training
    assert "BatchNorm1d(2" in repr(bn) and "train" in repr(bn)


def test_layernorm_layer_gradients_and_batch_of_one():
    rng = np.random.default_rng(9)
    ln = B.LayerNorm(4)
    ln.gamma[:] = [0.5, 1.5, -1.0, 2.0]
    x, dout = rng.normal(2, 3, (1, 4)), rng.normal(size=(1, 4))
    ln.forward(x)  # a batch of one is fine: no batch statistics
    dx = ln.backward(dout)
    assert rel_error(dx, numerical_gradient(ln.forward, x.copy(), dout)) < 1e-7
    with pytest.raises(ValueError, match="gamma"):
        ln.forward(np.ones((2, 5)))
