"""Notebook 06's panels: sliders driving figures for the coupling experiments of
bn_core.experiments.coupling (outlier, Jacobian heatmap, sampling distributions and jitter), and
the ghost-batch regularization run (nb06_ghost.regularization_panel, importable from here).

Each panel computes what it shows with numpy (kept in panel.data, so tests can drive the sliders
and check the numbers); its figure (nb06_figures, matplotlib) is built when a control first moves.
At open the figure's Image shows the stored picture of the first frame (ui.poster) if an earlier
kernel drew it, so a learner's kernel imports no matplotlib until it is needed.
"""

import ipywidgets as widgets
import numpy as np

from bn_core.experiments.coupling import (
    bn_jacobian,
    jitter_curve_from,
    off_diagonal_size,
    outlier_outputs,
    sample_batches,
)
from bn_core.panels.nb06_describe import jacobian_text, outlier_text, sampling_text
from bn_core.panels.nb06_ghost import RUNS, regularization_panel  # noqa: F401  (from here too)
from bn_core.ui import slider as sliders
from bn_core.ui.lazy_figure import PosterPanel


def outlier_panel(rng, n=12, default=0.5):
    """Drag example 0 of a batch of N (one feature, population mean 0, var 1) and watch the others.

    Left: the inputs and the statistics that normalize them. Right: the others' outputs y_i
    against their inputs x_i, now (blue) and with example 0 at `default` (grey rings).
    .batch: (N,) the batch as first shown, example 0 at `default` (notebook 06's prediction).
    """
    x = np.sort(rng.normal(size=n))
    x[[0, n // 2]] = x[[n // 2, 0]]  # example 0, the one dragged, starts mid-batch

    def compute(value=default, mode="train"):
        training = mode == "train"
        y = outlier_outputs(x, value, training)  # eval: running_mean 0, running_var 1
        ghost = outlier_outputs(x, default, training)[1:]
        batch = np.r_[value, x[1:]]
        mu, sigma = (batch.mean(), batch.std()) if training else (0.0, 1.0)  # running: 0, 1
        moved = float(np.abs(y[1:] - ghost).max())
        return {"y": y, "moved": moved, "ghost": ghost, "value": value, "mu": mu, "sigma": sigma,
                "training": training}

    def build(image):
        from bn_core.panels.nb06_figures import build_outlier

        return build_outlier(x, default, image)

    controls = {"value": sliders.FloatSlider(value=default, min=-10, max=10, step=0.1,
                                             description="red x").add_class("bn-outlier"),
                "mode": widgets.ToggleButtons(options=["train", "eval"], description="mode")
                .add_class("bn-outlier-mode")}
    panel = PosterPanel("nb06.outlier", (10, 3.4), controls, compute, build, (x, default),
                        text=outlier_text)
    panel.batch = np.r_[default, x[1:]]  # (N,): the batch as first shown (red x at default)
    return panel


def jacobian_panel(rng, n_max=64):
    """Heatmap of dy_i/dx_j for the first N of n_max standard-normal examples (sorted by x), and
    one example's pull on another (mean |off-diagonal entry|) against N, log-log, with 1/N."""
    pool = rng.normal(size=n_max)

    def compute(n=8):
        x = np.sort(pool[:n])
        return {"jacobian": bn_jacobian(x), "off_diagonal": off_diagonal_size(x), "n": n}

    def build(image):
        from bn_core.panels.nb06_figures import build_jacobian

        ns = np.arange(2, n_max + 1)
        return build_jacobian(ns, [off_diagonal_size(pool[:k]) for k in ns], image)

    slider = sliders.IntSlider(value=8, min=2, max=n_max, description="batch N")
    return PosterPanel("nb06.jacobian", (10, 4), {"n": slider.add_class("bn-jacobian-n")},
                     compute, build, (pool,), text=jacobian_text)


def sampling_panel(rng, batches=2000, mean=3.0, std=2.0, z0=1.5, n_max=256):
    """Histograms over many batches of N: mu_B, sigma_B, and the output y0 of one fixed example
    x0 = mean + z0 * std; then the jitter std(y0) against N, log-log, with the 1/sqrt(N) line.
    Every move draws its batches from rng; the jitter curve is kept on disk (jitter_curve_from:
    the same numbers, and rng left where jitter_curve leaves it)."""
    population = {"mean": mean, "std": std, "z0": z0}
    ns = np.unique(np.geomspace(2, n_max, 15).astype(int))
    curve, rng.bit_generator.state = jitter_curve_from(rng.bit_generator.state, ns, batches,
                                                       **population)

    def compute(n=8):
        draws = sample_batches(n, rng, batches, **population)
        return {"n": n, "jitter": draws["y0"].std(), "std_mu_B": draws["mu_B"].std(), **draws}

    def build(image):
        from bn_core.panels.nb06_figures import build_sampling

        return build_sampling(batches, mean, std, z0, ns, curve, image)

    slider = sliders.IntSlider(value=8, min=2, max=n_max, description="batch N")
    return PosterPanel("nb06.sampling", (10, 5.6), {"n": slider.add_class("bn-sampling-n")},
                     compute, build, (batches, mean, std, z0, ns, curve),
                     text=lambda f: sampling_text(f, mean, std, z0))
