"""bn_core.functional against finite differences, closed forms and invariants."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import bn_core as B
from bn_core.gradcheck import numerical_gradient, rel_error

# A correct float64 gradient checked with central differences, h = 1e-5, gives ~1e-8 or less.
GRAD_TOL = 1e-6


def off_centre(rng, shape, d):
    """Data away from 0 and 1, gamma != 1, beta != 0: zero-mean unit inits hide backward bugs."""
    x = rng.normal(3.0, 2.5, shape)
    gamma = rng.uniform(0.5, 2.0, d) * rng.choice([-1, 1], d)
    beta = rng.normal(0.5, 1.0, d)
    return x, gamma, beta, rng.normal(size=shape)


def check_grads(forward, backward, x, gamma, beta, dout, tol=GRAD_TOL):
    out, cache = forward(x, gamma, beta)
    dx, dgamma, dbeta = backward(dout, cache)
    dx_num = numerical_gradient(lambda v: forward(v, gamma, beta)[0], x, dout)
    dgamma_num = numerical_gradient(lambda v: forward(x, v, beta)[0], gamma, dout)
    dbeta_num = numerical_gradient(lambda v: forward(x, gamma, v)[0], beta, dout)
    assert rel_error(dx, dx_num) < tol
    assert rel_error(dgamma, dgamma_num) < tol
    assert rel_error(dbeta, dbeta_num) < tol


@pytest.mark.parametrize("shape", [(3, 4), (5, 3), (16, 7)])
def test_batchnorm_gradients_match_finite_differences(shape):
    rng = np.random.default_rng(sum(shape))
    check_grads(B.batchnorm_forward, B.batchnorm_backward, *off_centre(rng, shape, shape[1]))


@pytest.mark.parametrize("shape", [(3, 4), (8, 5)])
def test_stepwise_backward_matches_finite_differences(shape):
    rng = np.random.default_rng(7)
    check_grads(B.batchnorm_forward, B.batchnorm_backward_stepwise,
                *off_centre(rng, shape, shape[1]))


@pytest.mark.parametrize("shape", [(2, 3), (6, 5), (64, 40)])
def test_compact_and_stepwise_backward_agree(shape):
    rng = np.random.default_rng(1)
    x, gamma, beta, dout = off_centre(rng, shape, shape[1])
    _, cache = B.batchnorm_forward(x, gamma, beta)
    compact = B.batchnorm_backward(dout, cache)
    stepwise = B.batchnorm_backward_stepwise(dout, cache)
    scale = np.abs(dout).max() * np.abs(gamma).max() / np.sqrt(cache["var"].min())
    for a, b in zip(compact, stepwise):
        assert np.max(np.abs(a - b)) < 1e-12 * max(scale, 1.0)


def test_fast_forward_matches_the_readable_formula():
    rng = np.random.default_rng(3)
    x, gamma, beta, _ = off_centre(rng, (50, 20), 20)
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    expected = gamma * (x - mu) / np.sqrt(var + 1e-5) + beta
    out, cache = B.batchnorm_forward(x, gamma, beta)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(cache["mu"], mu, rtol=1e-13)
    np.testing.assert_allclose(cache["var"], var, rtol=1e-12)


def test_hand_computed_batch():
    # x = [1, 2, 3]: mu = 2, var = 2/3 (biased), x_hat = [-1, 0, 1] / sqrt(2/3 + eps)
    out, cache = B.batchnorm_forward(np.array([[1.0], [2.0], [3.0]]), [2.0], [0.5], eps=1e-5)
    x_hat = np.array([-1.0, 0.0, 1.0]) / np.sqrt(2 / 3 + 1e-5)
    np.testing.assert_allclose(out[:, 0], 2 * x_hat + 0.5, rtol=1e-14)
    assert cache["mu"][0] == 2.0
    np.testing.assert_allclose(cache["var"][0], 2 / 3, rtol=1e-14)


def test_batch_of_two_gives_plus_minus_one():
    # N = 2: x_hat = +-(|a - b| / 2) / sqrt(((a - b) / 2)^2 + eps), so +-1 up to eps
    out, _ = B.batchnorm_forward(np.array([[5.0, -3.0], [105.0, 40.0]]), [1.0, 1.0], [0.0, 0.0])
    np.testing.assert_allclose(out, [[-1, -1], [1, 1]], atol=1e-8)


def test_huge_offset_keeps_unit_std():
    rng = np.random.default_rng(0)
    x = rng.normal(1e8, 1.0, (256, 4))
    out, cache = B.batchnorm_forward(x, np.ones(4), np.zeros(4))
    var = x.var(axis=0)  # numpy's var is centred, so accurate here
    np.testing.assert_allclose(out.std(axis=0), np.sqrt(var / (var + 1e-5)), rtol=1e-6)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(cache["var"], var, rtol=1e-6)


@pytest.mark.parametrize("value", [0.0, 0.1, -7.3, 1e8, 3e-12])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_constant_feature_gives_beta_and_finite_gradients(value, dtype):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(9, 3)).astype(dtype)
    x[:, 1] = value
    gamma = np.array([1.5, 2.0, -0.5], dtype=dtype)
    beta = np.array([0.1, 0.7, -0.2], dtype=dtype)
    out, cache = B.batchnorm_forward(x, gamma, beta)
    assert np.array_equal(out[:, 1], np.full(9, beta[1], dtype=dtype))
    dout = rng.normal(size=x.shape)
    dx, dgamma, dbeta = B.batchnorm_backward(dout, cache)
    assert all(np.isfinite(g).all() for g in (dx, dgamma, dbeta))
    # at var = 0, x_hat = (x - mu) / sqrt(eps): dx = gamma / sqrt(eps) * (dout - mean_i(dout))
    expected = gamma[1] / np.sqrt(1e-5) * (dout[:, 1] - dout[:, 1].mean())
    np.testing.assert_allclose(dx[:, 1], expected, rtol=1e-3 if dtype == np.float32 else 1e-10)
    assert dgamma[1] == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_in_is_dtype_out(dtype):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(10, 6)).astype(dtype)
    for fwd, bwd, args in [
        (B.batchnorm_forward, B.batchnorm_backward, ()),
        (B.layernorm_forward, B.layernorm_backward, ()),
    ]:
        out, cache = fwd(x, np.ones(6), np.zeros(6), *args)  # float64 gamma: x decides
        assert out.dtype == dtype
        assert all(g.dtype == dtype for g in bwd(np.ones((10, 6)), cache))
    x4 = rng.normal(size=(2, 4, 3, 3)).astype(dtype)
    out, cache = B.batchnorm2d_forward(x4, np.ones(4), np.zeros(4))
    assert out.dtype == dtype and B.batchnorm2d_backward(np.ones_like(x4), cache)[0].dtype == dtype
    out, cache = B.groupnorm_forward(x4, np.ones(4), np.zeros(4), 2)
    assert out.dtype == dtype and B.groupnorm_backward(np.ones_like(x4), cache)[0].dtype == dtype


def test_float32_agrees_with_float64():
    rng = np.random.default_rng(5)
    x, gamma, beta, dout = off_centre(rng, (64, 16), 16)
    out64, c64 = B.batchnorm_forward(x, gamma, beta)
    out32, c32 = B.batchnorm_forward(x.astype(np.float32), gamma, beta)
    np.testing.assert_allclose(out32, out64, rtol=1e-4, atol=1e-4)
    for g32, g64 in zip(B.batchnorm_backward(dout, c32), B.batchnorm_backward(dout, c64)):
        np.testing.assert_allclose(g32, g64, rtol=1e-3, atol=1e-4)


finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(x=arrays(np.float64, st.tuples(st.integers(2, 12), st.integers(1, 5)), elements=finite),
       shift=finite)
def test_properties_of_the_normalized_output(x, shift):
    d = x.shape[1]
    out, cache = B.batchnorm_forward(x, np.ones(d), np.zeros(d))
    var = cache["var"]
    # per-feature mean 0 and std sqrt(var / (var + eps)) (1 when var >> eps)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(out.std(axis=0), np.sqrt(var / (var + 1e-5)), atol=1e-7)
    # shifting a feature by a constant changes nothing
    shifted, _ = B.batchnorm_forward(x + shift, np.ones(d), np.zeros(d))
    np.testing.assert_allclose(shifted, out, atol=1e-6)
    # dx sums to zero over the batch, whatever dout is; and sum_i dx * x_hat is
    # gamma * inv_std * dgamma * eps / (var + eps): orthogonal to x_hat up to eps
    dout = np.cos(np.arange(x.size)).reshape(x.shape)
    dx, dgamma, _ = B.batchnorm_backward(dout, cache)
    bound = 1e-10 * (np.abs(dx).max() + 1) * x.shape[0]
    assert np.all(np.abs(dx.sum(axis=0)) <= bound)
    along_x_hat = cache["inv_std"] * dgamma * 1e-5 / (var + 1e-5)
    assert np.all(np.abs((dx * cache["x_hat"]).sum(axis=0) - along_x_hat) <= bound)


@pytest.mark.parametrize("shape", [(1, 5), (4, 6), (7, 3)])
def test_layernorm_gradients_match_finite_differences(shape):
    rng = np.random.default_rng(11)
    check_grads(B.layernorm_forward, B.layernorm_backward, *off_centre(rng, shape, shape[1]))


def test_layernorm_normalizes_each_example_alone():
    rng = np.random.default_rng(12)
    x, gamma, beta, _ = off_centre(rng, (8, 10), 10)
    out, _ = B.layernorm_forward(x, gamma, beta)
    x_hat = (out - beta) / gamma
    np.testing.assert_allclose(x_hat.mean(axis=1), 0, atol=1e-12)
    alone, _ = B.layernorm_forward(x[3:4], gamma, beta)  # a batch of one works
    np.testing.assert_allclose(alone[0], out[3], rtol=1e-14, atol=1e-14)


def test_batchnorm2d_gradients_and_per_channel_statistics():
    rng = np.random.default_rng(13)
    x, gamma, beta, dout = off_centre(rng, (3, 4, 2, 3), 4)
    check_grads(B.batchnorm2d_forward, B.batchnorm2d_backward, x, gamma, beta, dout)
    # the same as batchnorm_forward on (N * H * W, C)
    out, _ = B.batchnorm2d_forward(x, gamma, beta)
    flat, _ = B.batchnorm_forward(x.transpose(0, 2, 3, 1).reshape(-1, 4), gamma, beta)
    np.testing.assert_allclose(out, flat.reshape(3, 2, 3, 4).transpose(0, 3, 1, 2), rtol=1e-13)


@pytest.mark.parametrize("groups", [1, 2, 4])
def test_groupnorm_gradients_match_finite_differences(groups):
    rng = np.random.default_rng(14)
    x, gamma, beta, dout = off_centre(rng, (2, 4, 2, 3), 4)
    check_grads(lambda x, g, b: B.groupnorm_forward(x, g, b, groups), B.groupnorm_backward,
                x, gamma, beta, dout)


def test_groupnorm_special_cases():
    rng = np.random.default_rng(15)
    x, gamma, beta, _ = off_centre(rng, (3, 6, 2, 2), 6)
    ones, zeros = np.ones(6), np.zeros(6)
    # G = 1 is layer norm over (C, H, W)
    one, _ = B.groupnorm_forward(x, ones, zeros, 1)
    ln, _ = B.layernorm_forward(x.reshape(3, -1), np.ones(24), np.zeros(24))
    np.testing.assert_allclose(one, ln.reshape(x.shape), rtol=1e-12, atol=1e-12)
    # G = C is instance norm: every (example, channel) over its H * W values
    inst, _ = B.groupnorm_forward(x, ones, zeros, 6)
    mu = x.mean(axis=(2, 3), keepdims=True)
    var = x.var(axis=(2, 3), keepdims=True)
    np.testing.assert_allclose(inst, (x - mu) / np.sqrt(var + 1e-5), rtol=1e-12, atol=1e-12)


BAD_CALLS = [
    (lambda: B.batchnorm_forward(np.ones((4, 3)), np.ones(2), np.zeros(3)), "gamma"),
    (lambda: B.batchnorm_forward(np.ones((4, 3)), np.ones(3), np.zeros(4)), "beta"),
    (lambda: B.batchnorm_forward(np.ones((4, 3, 2)), np.ones(3), np.zeros(3)), "x"),
    (lambda: B.batchnorm_forward(np.ones(3), np.ones(3), np.zeros(3)), "x"),
    (lambda: B.batchnorm_forward(np.ones((1, 3)), np.ones(3), np.zeros(3)), "N=1"),
    (lambda: B.batchnorm_forward(np.ones((4, 3)), np.ones(3), np.zeros(3), eps=0), "eps"),
    (lambda: B.batchnorm_forward(np.ones((4, 3)), np.ones(3), np.zeros(3), eps=-1e-5), "eps"),
    (lambda: B.batchnorm_forward(np.ones((4, 3)), np.ones(3), np.zeros(3), eps=np.nan), "eps"),
    (lambda: B.batchnorm_forward(np.ones((4, 3)), np.ones(3), np.zeros(3), eps="big"), "eps"),
    (lambda: B.batchnorm2d_forward(np.ones((4, 3)), np.ones(3), np.zeros(3)), "(N, C, H, W)"),
    (lambda: B.batchnorm2d_forward(np.ones((1, 3, 1, 1)), np.ones(3), np.zeros(3)), "N * H * W"),
    (lambda: B.layernorm_forward(np.ones((4, 3)), np.ones(4), np.zeros(3)), "gamma"),
    (lambda: B.layernorm_forward(np.ones((4, 3)), np.ones(3), np.zeros(3), eps=0.0), "eps"),
    (lambda: B.groupnorm_forward(np.ones((2, 6, 2, 2)), np.ones(6), np.zeros(6), 4), "num_groups"),
    (lambda: B.groupnorm_forward(np.ones((2, 6, 2, 2)), np.ones(6), np.zeros(6), 0), "num_groups"),
    (lambda: B.groupnorm_forward(np.ones((2, 6, 2, 2)), np.ones(5), np.zeros(6), 3), "gamma"),
    (lambda: B.batchnorm_backward(np.ones((3, 3)), B.batchnorm_forward(
        np.eye(4, 3), np.ones(3), np.zeros(3))[1]), "dout"),
]


@pytest.mark.parametrize("call, word", BAD_CALLS)
def test_bad_input_raises_a_value_error_naming_the_problem(call, word):
    with pytest.raises(ValueError, match=None) as info:
        call()
    assert word in str(info.value)
    assert "expected" in str(info.value) or "needs" in str(info.value)


def test_gradcheck_helpers_on_a_closed_form():
    # f(x) = x^2 elementwise, so d/dx sum(f(x) * dout) = 2 x dout
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    dout = np.array([[1.0, 2.0], [-1.0, 0.5]])
    assert rel_error(numerical_gradient(lambda v: v**2, x, dout), 2 * x * dout) < 1e-9
    assert rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert rel_error([1.0], [1.1]) == pytest.approx(0.1 / 2.1)
