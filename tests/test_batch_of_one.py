"""Notebook 07's "a batch of one": BatchNorm1d refuses one example in training mode (one value per
feature), BatchNorm2d accepts one image with H * W > 1 (each channel is normalized over its H * W
positions) and refuses it only at H = W = 1; LayerNorm needs no batch."""

import numpy as np
import pytest

from bn_core import BatchNorm1d, BatchNorm2d, LayerNorm


def test_batchnorm2d_accepts_one_image_and_normalizes_each_channel_over_its_positions():
    image = np.random.default_rng(0).normal(3.0, 2.0, size=(1, 6, 5, 5))  # (N, C, H, W)
    layer = BatchNorm2d(6)
    out = layer(image)  # training mode
    assert out.shape == image.shape
    assert np.abs(out.mean(axis=(0, 2, 3))).max() < 1e-12
    np.testing.assert_allclose(out.std(axis=(0, 2, 3)), 1.0, atol=1e-4)
    # the running statistics learn from the 25 positions (unbiased variance: m = 25)
    np.testing.assert_allclose(layer.running_mean, 0.1 * image.mean(axis=(0, 2, 3)))


def test_a_batch_of_one_value_per_feature_is_refused():
    rng = np.random.default_rng(1)
    with pytest.raises(ValueError, match="one value per"):
        BatchNorm2d(6)(rng.normal(size=(1, 6, 1, 1)))
    with pytest.raises(ValueError):
        BatchNorm1d(8)(rng.normal(size=(1, 8)))
    out = LayerNorm(8)(rng.normal(3.0, 2.0, size=(1, 8)))
    assert abs(out.mean()) < 1e-12 and abs(out.std() - 1.0) < 1e-4
