"""The faster steps of the training loop (issue 22: notebook 02's run settles sooner) give exactly
the numbers of the simple formulas they replace: Sigmoid in one buffer, LayerStats' mean and std
with one mean, Linear's bias added in place; one_blas_thread sets and restores the BLAS threads."""

import numpy as np
import pytest

from bn_core import train
from bn_core.nn import Linear, Sigmoid
from bn_core.record import LayerStats, mean_std
from bn_core.train import one_blas_thread


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_equals_the_readable_formula_bit_for_bit(dtype):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((200, 100)) * 4 + 0.3).astype(dtype)
    x[0, :3] = [-1000, 0, 1000]
    expected = 0.5 * (1.0 + np.tanh(0.5 * x))  # the formula of nn.py's docstring
    out = Sigmoid().forward(x)
    assert out.dtype == dtype and out is not x
    np.testing.assert_array_equal(out, expected)
    assert out[0, 0] == 0 and out[0, 1] == 0.5 and out[0, 2] == 1


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(200, 100), (60, 100), (2, 3), (1000, 5)])
def test_mean_std_equals_numpys_bit_for_bit(dtype, shape):
    rng = np.random.default_rng(1)
    for scale, offset in ((1.0, 0.0), (0.01, 50.0), (300.0, -7.0)):
        x = (rng.standard_normal(shape) * scale + offset).astype(dtype)
        mean, std = mean_std(x)
        assert mean.dtype == std.dtype == dtype and mean.shape == std.shape == shape[1:]
        np.testing.assert_array_equal(mean, x.mean(axis=0))
        np.testing.assert_array_equal(std, x.std(axis=0))


def test_layer_stats_records_numpys_mean_and_std():
    class Probe:  # what a recorder reads: model.inputs[i], (P, D)
        inputs = [np.random.default_rng(2).standard_normal((50, 4)).astype(np.float32) + 3]

    stats = LayerStats(0)
    stats(0, Probe)
    result = stats.result()
    np.testing.assert_array_equal(result["mean"], Probe.inputs[0].mean(axis=0)[None])
    np.testing.assert_array_equal(result["std"], Probe.inputs[0].std(axis=0)[None])


def test_linear_output_is_x_w_plus_b_and_leaves_its_bias_alone():
    rng = np.random.default_rng(3)
    layer = Linear(5, 4, rng)
    layer.b = rng.standard_normal(4)
    b = layer.b.copy()
    x = rng.standard_normal((6, 5))
    np.testing.assert_array_equal(layer.forward(x), x @ layer.W + b)
    np.testing.assert_array_equal(layer.b, b)
    layer = Linear(5, 4, rng, dtype=np.float32)
    layer.b = rng.standard_normal(4)  # float64: out is promoted, as x @ W + b would be
    out = layer.forward(x.astype(np.float32))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, x.astype(np.float32) @ layer.W + layer.b)


def test_one_blas_thread_sets_one_thread_and_restores():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with one_blas_thread():
        libs = train._BLAS[0]  # the BLAS libraries loaded when it was first used (numpy's)
    if not libs:
        pytest.skip("no BLAS library found by threadpoolctl")
    before = [lib.get_num_threads() for lib in libs]
    with threadpoolctl.ThreadpoolController().limit(limits=2, user_api="blas"):
        with one_blas_thread():
            assert [lib.get_num_threads() for lib in libs] == [1] * len(libs)
            with one_blas_thread():  # nested: still one, and the outer one restores
                assert [lib.get_num_threads() for lib in libs] == [1] * len(libs)
            assert [lib.get_num_threads() for lib in libs] == [1] * len(libs)
        assert [lib.get_num_threads() for lib in libs] == [2] * len(libs)
    assert [lib.get_num_threads() for lib in libs] == before
