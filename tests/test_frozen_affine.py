"""The engine behind notebook 02's freeze experiment, on seeded float64 data:
BatchNorm1d(affine=False) (PyTorch's name for gamma = 1, beta = 0 frozen) and MeanOnlyBatchNorm1d
(centre, do not scale)."""

import numpy as np
import pytest

from bn_core import functional as F
from bn_core.gradcheck import numerical_gradient, rel_error
from bn_core.layers import BatchNorm1d, MeanOnlyBatchNorm1d
from bn_core.nn import Sigmoid, mlp
from bn_core.optim import SGD


def test_affine_false_has_no_parameters_and_outputs_x_hat():
    rng = np.random.default_rng(0)
    bn = BatchNorm1d(5, affine=False)
    assert bn.param_names == () and "affine=False" in repr(bn)
    model = mlp([4, 5, 3], "sigmoid", bn="before", rng=rng,
                norm_layer=lambda d: BatchNorm1d(d, affine=False))
    assert [name for _, name in model.parameters()] == ["W", "b", "W", "b"]
    x = rng.normal(3.0, 2.0, (16, 4))
    dout = rng.normal(size=(16, 3))
    model.forward(x)
    model.backward(dout)
    SGD(model, lr=1.0).step()  # gamma and beta are not the optimizer's: they stay 1 and 0
    norm = model.layers[1]
    np.testing.assert_array_equal(norm.gamma, 1.0)
    np.testing.assert_array_equal(norm.beta, 0.0)
    out = norm.forward(rng.normal(-2.0, 5.0, (32, 5)))  # per feature: mean 0, std ~1, any input
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1.0, rtol=1e-5)


def test_affine_false_keeps_the_running_statistics_of_the_affine_layer():
    rng = np.random.default_rng(1)
    frozen, learned = BatchNorm1d(3, affine=False), BatchNorm1d(3)
    for _ in range(5):
        x = rng.normal(2.0, 3.0, (8, 3))
        np.testing.assert_array_equal(frozen.forward(x), learned.forward(x))  # gamma 1, beta 0
    np.testing.assert_array_equal(frozen.running_mean, learned.running_mean)
    np.testing.assert_array_equal(frozen.running_var, learned.running_var)


def test_mean_only_forward_centres_and_keeps_the_spread():
    rng = np.random.default_rng(2)
    layer = MeanOnlyBatchNorm1d(4)
    layer.beta[:] = [0.5, -1.0, 2.0, 0.0]
    x = rng.normal(7.0, 3.0, (20, 4))
    out = layer.forward(x)
    np.testing.assert_allclose(out.mean(axis=0), layer.beta, atol=1e-12)  # mean beta
    np.testing.assert_allclose(out.std(axis=0), x.std(axis=0), rtol=1e-12)  # std untouched
    np.testing.assert_allclose(layer.running_mean, 0.1 * x.mean(axis=0), rtol=1e-12)
    assert layer.param_names == ("beta",)
    assert MeanOnlyBatchNorm1d(4, affine=False).param_names == ()


def test_mean_only_gradients_against_central_differences():
    rng = np.random.default_rng(3)
    x, beta, dout = rng.normal(3.0, 2.5, (6, 3)), rng.normal(size=3), rng.normal(size=(6, 3))
    _, cache = F.meanonly_forward(x, beta)
    dx, dgamma, dbeta = F.meanonly_backward(dout, cache)
    num_dx = numerical_gradient(lambda v: F.meanonly_forward(v, beta)[0], x.copy(), dout)
    num_dbeta = numerical_gradient(lambda b: F.meanonly_forward(x, b)[0], beta.copy(), dout)
    assert rel_error(dx, num_dx) < 1e-7
    assert rel_error(dbeta, num_dbeta) < 1e-7
    np.testing.assert_array_equal(dgamma, 0.0)
    np.testing.assert_allclose(dx.sum(axis=0), 0.0, atol=1e-12)  # a shift of all rows: no effect


def test_mean_only_layer_backward_and_eval_mode():
    rng = np.random.default_rng(4)
    layer = MeanOnlyBatchNorm1d(3)
    x, dout = rng.normal(1.0, 2.0, (5, 3)), rng.normal(size=(5, 3))
    layer.forward(x)
    dx = layer.backward(dout)
    np.testing.assert_allclose(dx, dout - dout.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(layer.dbeta, dout.sum(axis=0), rtol=1e-12)
    layer.beta[:] = [1.0, 2.0, 3.0]
    layer.eval()
    one = rng.normal(size=(1, 3))  # a batch of one works in eval mode
    np.testing.assert_allclose(layer.forward(one), one - layer.running_mean + layer.beta,
                               rtol=1e-12)
    np.testing.assert_array_equal(layer.backward(np.ones((1, 3))), np.ones((1, 3)))
    np.testing.assert_array_equal(layer.dgamma, 0.0)


def test_mean_only_rejects_a_batch_of_one_in_training_and_keeps_its_state():
    layer = MeanOnlyBatchNorm1d(3)
    with pytest.raises(ValueError, match="N >= 2"):
        layer.forward(np.ones((1, 3)))
    np.testing.assert_array_equal(layer.running_mean, 0.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mean_only_keeps_the_dtype(dtype):
    x = np.random.default_rng(5).normal(size=(4, 2)).astype(dtype)
    layer = MeanOnlyBatchNorm1d(2, dtype=dtype)
    assert layer.forward(x).dtype == dtype
    assert layer.backward(np.ones((4, 2), dtype=dtype)).dtype == dtype


def test_mlp_builds_every_variant_with_the_same_weights():
    nets = [mlp([4, 6, 2], "sigmoid", bn=bn, rng=np.random.default_rng(7), norm_layer=norm)
            for bn, norm in ((None, None), ("before", None),
                             ("before", lambda d: BatchNorm1d(d, affine=False)),
                             ("before", MeanOnlyBatchNorm1d))]
    for net in nets[1:]:
        np.testing.assert_array_equal(net.layers[0].W, nets[0].layers[0].W)
        assert isinstance(net.layers[2], Sigmoid)
