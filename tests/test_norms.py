"""BatchNorm versus LayerNorm and GroupNorm: the claims of notebook 07, on seeded data."""

import numpy as np
import pytest

from bn_core import BatchNorm1d, LayerNorm, batchnorm_forward, groupnorm_forward, layernorm_forward
from bn_core.experiments.norms import (
    batch_dependence,
    composition_effect,
    cube_cells,
    example_images,
    instancenorm,
    normalized,
    padded_batch,
    padding_curve,
    padding_errors,
)
from bn_core.panels.nb07_norms import comparison_panel, padding_panel


def _ln(x):
    d = x.shape[1]
    return layernorm_forward(x, np.linspace(0.5, 2, d), np.linspace(-1, 1, d))[0]


def _bn(x):
    d = x.shape[1]
    return batchnorm_forward(x, np.linspace(0.5, 2, d), np.linspace(-1, 1, d))[0]


def test_layernorm_of_one_sample_is_the_same_alone_and_in_any_batch():
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 3.0, size=(40, 10))
    alone = _ln(x[:1])[0]  # a batch of one works
    for _ in range(10):
        batch = x[np.r_[0, rng.choice(np.arange(1, 40), size=7, replace=False)]]
        np.testing.assert_array_equal(_ln(batch)[0], alone)
    assert batch_dependence(_ln, x, rng) == 0.0
    assert batch_dependence(_bn, x, rng) > 0.1


def test_a_batch_of_one_layernorm_works_batchnorm_refuses():
    x = np.random.default_rng(1).normal(size=(1, 6))
    out = LayerNorm(6)(x)
    assert abs(out.mean()) < 1e-12 and out.std() == pytest.approx(1.0, abs=1e-4)
    with pytest.raises(ValueError, match="N >= 2"):
        BatchNorm1d(6)(x)


def test_groupnorm_with_one_group_is_layernorm_over_c_h_w():
    x = example_images(np.random.default_rng(2))
    c = x.shape[1]
    gamma, beta = np.linspace(0.5, 1.5, c), np.linspace(-1, 1, c)
    gn = groupnorm_forward(x, gamma, beta, 1)[0]
    ln = layernorm_forward(x.reshape(len(x), -1), np.ones(x[0].size), np.zeros(x[0].size))[0]
    np.testing.assert_allclose(gn, gamma[:, None, None] * ln.reshape(x.shape) + beta[:, None, None],
                               atol=1e-12)


def test_groupnorm_with_c_groups_is_instancenorm():
    x = example_images(np.random.default_rng(3))
    c = x.shape[1]
    np.testing.assert_allclose(normalized(x, "group", c), instancenorm(x), atol=1e-12)
    assert np.abs(instancenorm(x).mean(axis=(2, 3))).max() < 1e-12


@pytest.mark.parametrize("method, axes", [("batch", (0, 2, 3)), ("layer", (1, 2, 3)),
                                          ("instance", (2, 3))])
def test_each_method_gives_mean_zero_std_one_over_its_own_axes(method, axes):
    out = normalized(example_images(np.random.default_rng(4)), method)
    assert np.abs(out.mean(axis=axes)).max() < 1e-12
    np.testing.assert_allclose(out.std(axis=axes), 1.0, atol=1e-3)


def test_cube_cells_count_the_shared_sets():
    sizes = (6, 6, 6)
    assert cube_cells("batch", sizes=sizes).sum() == 6 * 6  # one channel: N x HW
    assert cube_cells("layer", sizes=sizes).sum() == 6 * 6  # one example: C x HW
    assert cube_cells("instance", sizes=sizes).sum() == 6  # one example, one channel
    assert cube_cells("group", groups=3, sizes=sizes).sum() == 2 * 6
    with pytest.raises(ValueError, match="method"):
        cube_cells("weight")


def test_padded_batch_has_zero_padding_and_at_least_one_token():
    rng = np.random.default_rng(5)
    for p in (0.0, 0.5, 0.9):
        x, mask = padded_batch(rng, p)
        assert mask.sum(axis=1).min() >= 1
        assert np.all(x[~mask] == 0)
        assert abs((1 - mask.mean()) - p) < 0.12
    with pytest.raises(ValueError, match="pad_fraction"):
        padded_batch(rng, 1.0)


def test_bn_error_grows_with_padding_while_ln_error_is_zero():
    grid = np.arange(0.0, 0.91, 0.15)
    curve = padding_curve(np.random.default_rng(6), grid, repeats=4)
    assert np.all(np.diff(curve["pad"]) > 0)
    assert np.all(np.diff(curve["bn_mean"]) > 0) and np.all(np.diff(curve["bn_std"]) > 0)
    assert curve["bn_mean"][0] == pytest.approx(0.0, abs=1e-12)  # no padding, no error
    assert curve["bn_mean"][-1] > 0.5
    assert np.all(curve["ln"] == 0.0)


def test_bn_mean_with_padding_follows_the_closed_form():
    x, mask = padded_batch(np.random.default_rng(7), 0.4, batch=64)
    p = 1 - mask.mean()
    real = x[mask]
    mu_bn = x.reshape(-1, x.shape[2]).mean(axis=0)
    np.testing.assert_allclose(mu_bn, (1 - p) * real.mean(axis=0), atol=1e-12)
    var_bn = x.reshape(-1, x.shape[2]).var(axis=0)
    np.testing.assert_allclose(var_bn, (1 - p) * real.var(axis=0) + p * (1 - p) * real.mean(0) ** 2,
                               atol=1e-12)
    assert padding_errors(x, mask)["ln"] == 0.0


def test_batch_composition_moves_bn_outputs_not_ln_outputs():
    effect = composition_effect(np.random.default_rng(8))
    assert effect["bn"] > 0.5
    assert effect["ln"] == 0.0


def test_comparison_panel_groups_slider_at_both_ends():
    panel = comparison_panel(np.random.default_rng(0))
    slider = panel.controls["groups"]
    x = example_images(np.random.default_rng(0))
    slider.value = slider.options[0]  # G = 1: LayerNorm over (C, H, W)
    np.testing.assert_allclose(panel.data["group"], normalized(x, "layer"), atol=1e-12)
    slider.value = slider.options[-1]  # G = C: InstanceNorm
    np.testing.assert_allclose(panel.data["group"], instancenorm(x), atol=1e-12)


def test_padding_panel_at_both_ends():
    panel = padding_panel(np.random.default_rng(0))
    slider = panel.controls["pad_fraction"]
    slider.value = slider.min
    assert panel.data["pad"] == 0.0 and panel.data["bn_mean"] < 1e-12
    slider.value = slider.max
    for key in ("pad", "bn_mean", "bn_std", "ln"):
        assert np.isfinite(panel.data[key])
    assert panel.data["pad"] > 0.8 and panel.data["bn_mean"] > 0.5 and panel.data["ln"] == 0.0
    assert panel.data["mask"].sum(axis=1).min() >= 1


def test_unknown_method_or_groups_raise():
    x = np.random.default_rng(0).normal(size=(2, 6, 2, 2))
    with pytest.raises(ValueError, match="method"):
        normalized(x, "batchnorm")
    with pytest.raises(ValueError, match="groups"):
        cube_cells("group", groups=4)
