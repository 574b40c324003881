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
from bn_core.panels.nb06_ghost import RUNS, regularization_panel  # noqa: F401  (from here too)
from bn_core.ui import poster
from bn_core.ui.locks import DRAW_LOCK, FOREGROUND


class LazyPanel:
    """Controls above a figure's Image. compute(**values) -> (data, frame): numpy only, data for
    panel.data, frame for the figure; build(image) -> (live, draw(frame)): the LiveFigure, built
    (matplotlib imported) at the first move, then drawing the frame on show. `static`: what the
    figure's fixed parts depend on (for the picture's key). .live: the LiveFigure."""

    def __init__(self, name, figsize, controls, compute, build, static=()):
        self.controls, self.data = controls, {}
        self.image = poster.image_widget(figsize)
        self.widget = widgets.VBox([widgets.HBox(list(controls.values())), self.image])
        self._compute, self._build, self._live, self._draw = compute, build, None, None
        self._update()
        parts = [part for item in sorted(self.frame.items()) for part in item]
        key = poster.poster_key(name, *static, *parts)
        if not poster.show(self.image, key):
            self.draw()
            poster.store(key, self.image)
        for w in controls.values():
            w.observe(self._on_change, "value")

    @property
    def live(self):
        """The LiveFigure, built the first time it is needed: it draws the frame on show."""
        if self._live is None:
            with DRAW_LOCK:
                self._live, self._draw = self._build(self.image)
                self._draw(self.frame)
        return self._live

    def draw(self):
        if self._live is None:
            self.live  # noqa: B018  (built, it draws the frame)
        else:
            self._draw(self.frame)

    def _update(self):
        data, self.frame = self._compute(**{name: w.value for name, w in self.controls.items()})
        self.data.update(data)

    def _on_change(self, _change=None):
        with FOREGROUND:
            self._update()
            self.draw()


def outlier_panel(rng, n=12, default=0.5):
    """Drag example 0 of a batch of N (one feature, population mean 0, var 1) and watch the others.

    Left: the inputs and the statistics that normalize them. Right: the others' outputs y_i
    against their inputs x_i, now (blue) and with example 0 at `default` (grey rings).
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
        return {"y": y, "moved": moved}, {"y": y, "moved": moved, "ghost": ghost, "value": value,
                                          "mu": mu, "sigma": sigma,
                                          "kind": "batch" if training else "running"}

    def build(image):
        from bn_core.panels.nb06_figures import build_outlier

        return build_outlier(x, default, image)

    controls = {"value": widgets.FloatSlider(value=default, min=-10, max=10, step=0.1,
                                             description="red x").add_class("bn-outlier"),
                "mode": widgets.ToggleButtons(options=["train", "eval"], description="mode")
                .add_class("bn-outlier-mode")}
    return LazyPanel("nb06.outlier", (10, 3.4), controls, compute, build, (x, default))


def jacobian_panel(rng, n_max=64):
    """Heatmap of dy_i/dx_j for the first N of n_max standard-normal examples (sorted by x), and
    one example's pull on another (mean |off-diagonal entry|) against N, log-log, with 1/N."""
    pool = rng.normal(size=n_max)

    def compute(n=8):
        x = np.sort(pool[:n])
        data = {"jacobian": bn_jacobian(x), "off_diagonal": off_diagonal_size(x)}
        return data, {**data, "n": n}

    def build(image):
        from bn_core.panels.nb06_figures import build_jacobian

        ns = np.arange(2, n_max + 1)
        return build_jacobian(ns, [off_diagonal_size(pool[:k]) for k in ns], image)

    slider = widgets.IntSlider(value=8, min=2, max=n_max, description="batch N")
    return LazyPanel("nb06.jacobian", (10, 4), {"n": slider.add_class("bn-jacobian-n")},
                     compute, build, (pool,))


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
        data = {"n": n, "jitter": draws["y0"].std(), "std_mu_B": draws["mu_B"].std(), **draws}
        return data, data

    def build(image):
        from bn_core.panels.nb06_figures import build_sampling

        return build_sampling(batches, mean, std, z0, ns, curve, image)

    slider = widgets.IntSlider(value=8, min=2, max=n_max, description="batch N")
    return LazyPanel("nb06.sampling", (10, 5.6), {"n": slider.add_class("bn-sampling-n")},
                     compute, build, (batches, mean, std, z0, ns, curve))
