"""Notebook 04 (the backward pass): its helpers and the claims it makes, on seeded float64 data."""

import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bn_core import functional as F
from bn_core.experiments import backward
from bn_core.panels import nb04_backward


def test_derivation_table_quotes_the_real_stepwise_code():
    source = inspect.getsource(F.batchnorm_backward_stepwise)
    steps = nb04_backward.stepwise_steps()
    assert len(steps) == len(nb04_backward.STEP_MATH) == len(nb04_backward.STEP_NODES) == 7
    assert steps[0][0].startswith("out = gamma * x_hat + beta")
    for node, code in steps:
        assert code, node
        assert all(line in source for line in code)
    table = nb04_backward.derivation_table()
    assert table.count("\n") == 8  # header, rule, 7 steps
    assert "`dx += np.ones_like(xc) * dmu / n" in table


def test_draw_graph_has_every_node():
    fig = nb04_backward.draw_graph()
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert all(label in texts for _, label, _ in nb04_backward.NODES)
    assert {str(k) for k in nb04_backward.STEP_NODES} <= texts


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_check_within_stated_range(seed):
    errors = backward.gradient_check(np.random.default_rng(seed))
    assert max(errors[k] for k in ("dx", "dgamma", "dbeta")) < 1e-7
    assert errors["stepwise vs compact"] < 1e-12


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dx_is_a_projection(seed):
    x, gamma, beta, dout = backward.offcentre_problem(np.random.default_rng(seed), n=32, d=5)
    p = backward.projection_check(x, gamma, beta, dout)
    scale = np.abs(p["dx"]).sum(axis=0)  # (D,)
    assert np.all(np.abs(p["sum dx"]) < 1e-12 * scale)  # dx sums to zero over the batch
    # dx . x_hat is exactly its eps term gamma * inv_std * dgamma * eps / (var + eps) ...
    np.testing.assert_allclose(p["dx . x_hat"], p["predicted"], rtol=1e-6, atol=1e-14 * scale.max())
    assert np.all(np.abs(p["dx . x_hat"]) < 1e-5 * scale)
    # ... so with a negligible eps, dx is orthogonal to x_hat to round-off
    tiny = backward.projection_check(x, gamma, beta, dout, eps=1e-300)
    assert np.all(np.abs(tiny["dx . x_hat"]) < 1e-12 * scale)


@settings(max_examples=40, deadline=None)
@given(a=st.floats(1e-3, 1e3), seed=st.integers(0, 2**16))
def test_scale_invariance_and_one_over_a_gradient(a, seed):
    x, gamma, beta, dout = backward.offcentre_problem(np.random.default_rng(seed), n=16, d=3)
    out_a, out_1, dx_a, dx_1 = backward.scale_data(a, x, gamma, beta, dout)
    # exact identity: BN(a x; eps) = BN(x; eps / a^2) and dx(a; eps) = dx(1; eps / a^2) / a
    out_e, cache_e = F.batchnorm_forward(x, gamma, beta, 1e-5 / a**2)
    np.testing.assert_allclose(out_a, out_e, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a * dx_a, F.batchnorm_backward(dout, cache_e)[0], rtol=1e-9,
                               atol=1e-12 * np.abs(dx_1).max())
    # so BN(a x) = BN(x) and a dx(a) = dx(1) up to eps / (a^2 var) (var of this data >= ~0.3)
    var = x.var(axis=0).min()
    bound = 1e-5 / min(1.0, a * a) / var
    assert np.abs(out_a - out_1).max() <= 2 * bound * (np.abs(out_1 - beta).max() + 1)
    if bound < 1e-3:
        np.testing.assert_allclose(a * dx_a, dx_1, rtol=0, atol=4 * bound * np.abs(dx_1).max())


def test_scale_panel_ends_give_finite_readouts():
    x, gamma, beta, dout = backward.offcentre_problem(np.random.default_rng(0), n=64, d=3)
    live, update = nb04_backward.scale_panel(x, gamma, beta, dout)
    before = update(1.0)
    assert before["max |BN(ax) - BN(x)|"] == 0 and before["|a dx(a)| / |dx(1)|"] == 1
    pixels = live.pixels()
    for a in (1e-3, 1e3):  # the slider's two ends
        r = update(a)
        assert all(np.isfinite(v) for v in r.values())
        assert not np.array_equal(live.pixels(), pixels)
    assert 0.999 < update(10.0)["|a dx(a)| / |dx(1)|"] < 1.001


def test_time_backward_returns_two_positive_medians():
    t_stepwise, t_compact = backward.time_backward(n=8, d=4, repeat=2, number=2)
    assert t_stepwise > 0 and t_compact > 0


def test_slider_drives_the_scale_panel():
    import ipywidgets as widgets

    from bn_core.ui import slider as sliders

    x, gamma, beta, dout = backward.offcentre_problem(np.random.default_rng(0), n=32, d=2)
    slider = sliders.FloatLogSlider(value=1.0, base=10, min=-3, max=3, step=0.05)
    live, update = nb04_backward.scale_panel(x, gamma, beta, dout)
    widgets.interactive_output(update, {"a": slider})
    seen = {live.widget.value}
    for a in (1e-3, 1e3):  # both ends of the notebook's slider
        slider.value = a
        assert live.widget.value not in seen
        seen.add(live.widget.value)
