"""Figures and controls of notebook 02 ("gamma and beta move, so what stays put?").

Every figure is a LiveFigure with update(runs), runs being compare_bn()'s {"plain": ..., "bn": ...}:
    Fig1Figure     Ioffe & Szegedy's Fig. 1: test accuracy; 15/50/85th percentiles of a unit's input
    ParamsFigure   mean and std of a few units' raw Z (entering BN) next to their beta and gamma
    ChangeFigure   per step, how far the next layer's input distribution moves (log scale)
    ScrubFigure    Z, Z_hat, Y of the last hidden layer at one training step: histogram of all
                   values (top) and one dot per feature at (mean, std) (bottom)
WhatStaysPut wires them to a learning-rate slider (re-trains on release) and a step slider.
Shapes: T steps, D features, P probe examples, S snapshots.
"""

import ipywidgets as widgets
import numpy as np

from bn_core.experiments.what_stays_put import compare_bn, distribution_change
from bn_core.functional import normalize
from bn_core.ui.live import LiveFigure
from bn_core.ui.palette import COLORS, LABELS, UNIT_COLORS


def _limits(*arrays, pad=0.05):
    """(lo, hi) around every finite value of the arrays, padded by `pad` of the range."""
    values = np.concatenate([np.ravel(a) for a in arrays])
    values = values[np.isfinite(values)]
    lo, hi = (values.min(), values.max()) if values.size else (0.0, 1.0)
    span = max(hi - lo, 1e-3)
    return lo - pad * span, hi + pad * span


def _rolling(v, window=20):
    """Moving average of v: (R,) over `window` steps (shorter at the start): (R,)."""
    c = np.cumsum(np.insert(v, 0, 0.0))
    counts = np.minimum(np.arange(1, len(v) + 1), window)
    return (c[1:] - c[np.maximum(np.arange(1, len(v) + 1) - window, 0)]) / counts


class Fig1Figure:
    def __init__(self, unit=0):
        self.live = LiveFigure(1, 3, figsize=(12, 3.3))
        ax = self.live.axes
        self.acc = {k: self.live.animate(ax[0].plot([], [], color=COLORS[k], label=LABELS[k])[0])
                    for k in ("plain", "bn")}
        ax[0].set(xlabel="training step", ylabel="test accuracy", ylim=(0, 1),
                  title="(a) test accuracy")
        ax[0].legend(loc="center right")
        self.pct = {}
        for a, key, letter in ((ax[1], "plain", "b"), (ax[2], "bn", "c")):
            self.pct[key] = [self.live.animate(a.plot([], [], color=COLORS[key], lw=lw)[0])
                             for lw in (1, 2.2, 1)]
            a.set(xlabel="training step", title=f"({letter}) {LABELS[key]}")
        ax[1].set_ylabel(f"input of unit {unit}, last hidden layer\n15th / 50th / 85th percentile")

    def update(self, runs):
        for key, run in runs.items():
            self.acc[key].set_data(run["eval_step"], run["test_acc"])
            pct = run["pct"]
            for line, column in zip(self.pct[key], pct["pct"].T, strict=True):
                line.set_data(pct["step"], column)
        steps = len(runs["bn"]["loss"])
        ylim = _limits(runs["plain"]["pct"]["pct"], runs["bn"]["pct"]["pct"])
        for a in self.live.axes:
            a.set_xlim(0, steps)
        for a in self.live.axes[1:]:
            a.set_ylim(*ylim)  # the same scale for both: drifts compare by eye
        self.live.invalidate()
        self.live.refresh()


class ParamsFigure:
    def __init__(self, units=(0, 1, 2, 3)):
        self.units = list(units)
        self.live = LiveFigure(2, 2, figsize=(11, 5.2))
        ax = self.live.axes
        titles = ["mean of Z (before BN)", "std of Z (before BN)", "beta (after BN: Y's mean)",
                  "gamma (after BN: Y's std is |gamma|)"]
        self.lines = []
        for a, title in zip(ax, titles, strict=True):
            a.set_title(title)
            self.lines.append([self.live.animate(a.plot([], [], color=c, label=f"unit {u}")[0])
                               for u, c in zip(self.units, UNIT_COLORS, strict=False)])
        ax[2].set_xlabel("training step")
        ax[3].set_xlabel("training step")
        ax[0].legend(loc="upper left", fontsize=8, ncol=2)

    def update(self, runs):
        run = runs["bn"]
        series = [run["z"]["mean"], run["z"]["std"], run["params"]["beta"], run["params"]["gamma"]]
        step = run["z"]["step"]
        for a, lines, values in zip(self.live.axes, self.lines, series, strict=True):
            for line, u in zip(lines, self.units, strict=False):
                line.set_data(step, values[:, u])
            a.set_xlim(0, step[-1] if len(step) > 1 else 1)
        # the Z panels and the beta/gamma panels share their scales pairwise (same units)
        for i, j in ((0, 2), (1, 3)):
            lim = _limits(series[i][:, self.units], series[j][:, self.units])
            self.live.axes[i].set_ylim(*lim)
            self.live.axes[j].set_ylim(*lim)
        self.live.invalidate()
        self.live.refresh()


class ChangeFigure:
    """d_mean(t) = mean_j |mean_j(t) - mean_j(t-1)| (solid), d_std likewise (dotted)."""

    CURVES = (("plain", "next", "without BN: Z", COLORS["plain"]),
              ("bn", "next", "with BN: Y = gamma * Z_hat + beta", COLORS["bn"]),
              ("bn", "z", "with BN: raw Z (BN absorbs it)", COLORS["context"]))

    def __init__(self):
        self.live = LiveFigure(1, 1, figsize=(11, 3.6))
        ax = self.live.axes
        self.lines = []
        for _, _, label, color in self.CURVES:
            self.lines.append((
                self.live.animate(ax.plot([], [], color=color, label=label)[0]),
                self.live.animate(ax.plot([], [], color=color, ls=":")[0])))
        ax.plot([], [], color="k", label="solid: change of the\nper-feature mean")
        ax.plot([], [], color="k", ls=":", label="dotted: change of the\nper-feature std")
        ax.set(yscale="log", xlabel="training step",
               ylabel="change per step\n(avg over features,\n20-step moving average)",
               title="How far the sigmoid input of the last hidden layer moves in one step")
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=9)

    def update(self, runs):
        values = []
        for (key, stat, _, _), (mean_line, std_line) in zip(self.CURVES, self.lines, strict=True):
            d_mean, d_std = distribution_change(runs[key][stat])
            steps = np.arange(1, len(d_mean) + 1)
            for line, d in ((mean_line, d_mean), (std_line, d_std)):
                line.set_data(steps, _rolling(d))
                values.append(_rolling(d))
        v = np.concatenate(values)
        v = v[np.isfinite(v) & (v > 0)]
        ax = self.live.axes
        ax.set_xlim(0, len(runs["bn"]["loss"]))
        ax.set_ylim(v.min() / 2, v.max() * 2)
        self.live.invalidate()
        self.live.refresh()


class ScrubFigure:
    """Z -> Z_hat -> Y of the BN run's last hidden layer at one snapshot step."""

    NAMES = ("Z (raw, entering BN)", "Z_hat (normalized)", "Y = gamma * Z_hat + beta")

    def __init__(self, bins=40):
        self.bins = bins
        self.live = LiveFigure(2, 3, figsize=(12, 5.4))
        ax = self.live.axes
        self.stairs, self.dots = [], []
        for i, name in enumerate(self.NAMES):
            ax[i].set(title=name, xlabel="value", yticks=[])
            self.stairs.append(self.live.animate(
                ax[i].stairs(np.zeros(bins), np.linspace(0, 1, bins + 1), fill=True, alpha=0.6)))
            self.dots.append(self.live.animate(ax[3 + i].scatter([], [], s=10, alpha=0.7)))
            ax[3 + i].set(xlabel="per-feature mean", ylabel="per-feature std" if i == 0 else None)
        ax[0].set_ylabel("all P x D values")
        self.text = self.live.animate(ax[0].text(0.02, 0.95, "", transform=ax[0].transAxes,
                                                 va="top", fontsize=10))

    def update(self, runs):
        """Precompute Z, Z_hat, Y of every snapshot: (S, P, D) each, and fix the axes limits.
        All three panels share one scale, so what moves and what stays put compare by eye."""
        snap = runs["bn"]["snap"]
        z = snap["x"].astype(np.float64)  # (S, P, D)
        z_hat = normalize(z, (1,), 1e-5)[0]  # per snapshot and feature over the P probe rows
        self.steps, self.data = snap["step"], (z, z_hat, snap["out"].astype(np.float64))
        lo, hi = np.percentile(np.concatenate([v.ravel() for v in self.data]), [0.5, 99.5])
        self.edges = np.linspace(lo, hi, self.bins + 1)
        self.hists = [np.stack([np.histogram(s, self.edges)[0] for s in v]) for v in self.data]
        top = 1.05 * max(h.max() for h in self.hists)
        means = _limits(*[v.mean(axis=1) for v in self.data])  # (S, D) per panel
        stds = (0, _limits(*[v.std(axis=1) for v in self.data])[1])
        for i in range(3):
            self.live.axes[i].set(xlim=(lo, hi), ylim=(0, top))
            self.live.axes[3 + i].set(xlim=means, ylim=stds)
        self.live.invalidate()
        self.show(self.steps[-1])

    def show(self, step):
        """Draw the snapshot nearest to `step` (int, a training step)."""
        k = int(np.argmin(np.abs(self.steps - step)))
        for i, v in enumerate(self.data):
            self.stairs[i].set_data(self.hists[i][k], self.edges)
            self.dots[i].set_offsets(np.column_stack([v[k].mean(axis=0), v[k].std(axis=0)]))
        self.text.set_text(f"step {self.steps[k]}")
        self.live.refresh()
        return k


class WhatStaysPut:
    """All figures of notebook 02, a learning-rate slider that re-trains both networks on release,
    and a step slider scrubbing ScrubFigure through training."""

    def __init__(self, lr=0.5, steps=1000, seed=0, unit=0, data=None, snapshot_every=10):
        self.steps, self.seed, self.unit, self.data = steps, seed, unit, data
        self.snapshot_every = snapshot_every
        self.fig1, self.params = Fig1Figure(unit), ParamsFigure()
        self.change, self.scrub = ChangeFigure(), ScrubFigure()
        self.lr = widgets.FloatLogSlider(value=lr, base=10, min=-1.3, max=0.5, step=0.05,
                                         description="lr", continuous_update=False)
        self.lr.add_class("bn-lr")
        self.status = widgets.HTML().add_class("bn-status")
        self.step = widgets.IntSlider(value=steps, min=0, max=steps, step=snapshot_every,
                                      description="step", continuous_update=True)
        self.step.add_class("bn-step")
        self.lr.observe(lambda change: self.run(), "value")
        self.step.observe(lambda change: self.scrub.show(change["new"]), "value")
        self.controls = widgets.HBox([self.lr, self.status])
        self.run()

    def run(self):
        """Train both networks at the slider's lr, then redraw every figure."""
        self.status.value = "training..."
        self.runs = compare_bn(lr=self.lr.value, steps=self.steps, seed=self.seed, unit=self.unit,
                               snapshot_every=self.snapshot_every, data=self.data)
        for fig in (self.fig1, self.params, self.change, self.scrub):
            fig.update(self.runs)
        self.scrub.show(self.step.value)
        seconds = sum(run["seconds"] for run in self.runs.values())
        acc = {k: run["test_acc"][-1] for k, run in self.runs.items()}
        self.status.value = (f"lr = {self.lr.value:.3g}: trained both in {seconds:.1f} s; "
                             f"final test accuracy {acc['plain']:.3f} without BN, "
                             f"{acc['bn']:.3f} with BN")
        return self.runs
