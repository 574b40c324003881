"""Figures and widgets of notebook 03, "why does BN help?" (numbers: experiments.smoothness).

    NoiseExplorer(data, seed)     slider for the noise strength; re-trains the noisy-BN net live
    plot_lr_sweep(sweep)          final loss against learning rate, largest stable lr marked
    plot_landscape(results)       Santurkar's loss band, gradient change and beta_eff
    ScaleExplorer(seed)           slider for the weight scale a: BN(x aW) = BN(x W), dV ~ 1/a

Sliders redraw LiveFigures in place; static results are plain matplotlib figures.
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from bn_core.experiments.smoothness import (
    compare_training_steps,
    drift,
    final_loss,
    scale_invariance,
)
from bn_core.train import history
from bn_core.ui.live import LiveFigure
from bn_core.ui.palette import COLORS, LABELS
from bn_core.ui.runner import LiveRun
from bn_core.ui.stream import so_far


def smooth(loss, k=20):
    """Running mean of loss: (T,) over windows of k steps -> (T - k + 1,); (0,) if T < k."""
    if len(loss) < k:
        return np.zeros(0)
    return np.convolve(loss, np.ones(k) / k, mode="valid")


class NoiseExplorer:
    """Training curves of no BN, BN and BN + noise, drawn as they train; the noise slider
    re-trains BN + noise only (no BN and BN are trained once, with the first run).

    Panels: training loss (running mean of 20 steps), test accuracy, and the mean over the probe
    of one unit of the second hidden layer's input: the "input distribution" the noise shakes.
    The slider starts a LiveRun (a run still training gives way at once); `wait()` returns the
    summary of the last finished run.
    """

    def __init__(self, data, seed, steps=400, lr=0.5, strength=0.5, unit=0):
        self.data, self.seed, self.steps, self.lr, self.unit = data, seed, steps, lr, unit
        self.runs = {}  # {kind: train() history} of the finished runs
        self.summary = None
        self.live = live = LiveFigure(1, 3, figsize=(12, 3.3))
        titles = ["training loss", "test accuracy", f"layer 2's input: mean of unit {unit}"]
        for ax, title in zip(live.axes, titles):
            ax.set_title(title, fontsize=10)
            ax.set_xlabel("step")
            ax.set_xlim(0, steps)
        live.axes[0].set(yscale="log", ylim=(0.01, 4))
        live.axes[1].set_ylim(0, 1)
        live.axes[2].set_ylim(-3, 5)
        self.lines = {}
        for kind in ("plain", "bn", "noisy"):
            style = {"color": COLORS[kind], "label": LABELS[kind], "lw": 1.5}
            self.lines[kind] = [live.animate(ax.plot([], [], **style)[0]) for ax in live.axes]
        live.axes[0].legend(loc="lower left", fontsize=9)
        self.slider = widgets.FloatSlider(value=strength, min=0.0, max=1.5, step=0.05,
                                          description="noise", continuous_update=False)
        self.slider.add_class("bn-noise-strength")
        self.readout = widgets.HTML(layout=widgets.Layout(height="48px"))
        self.readout.add_class("bn-noise-readout")
        self.run = LiveRun(self._start, self._draw, params={"strength": strength},
                           frame_seconds=0.1, on_done=self._done)
        self.slider.observe(lambda change: self.run.restart(strength=change["new"]), "value")
        self.widget = widgets.VBox([self.slider, self.run.widget, live.widget, self.readout])

    def wait(self, timeout=None):
        """Block until the current run ends; return its summary (see update)."""
        self.run.wait(timeout)
        return self.summary

    def update(self, strength=0.5):
        """Re-train BN + noise at this strength and wait for it. Returns and keeps as
        self.summary {kind: (final training loss, drift of layer 2's input)}."""
        self.run.restart(strength=strength)
        return self.wait()

    def _start(self, strength):
        # the same seed gives the same initial weights and batches whatever the kinds
        kinds = ["noisy"] if "bn" in self.runs else ["plain", "bn", "noisy"]
        return compare_training_steps(self.data, kinds, self.steps, self.lr,
                                      np.random.default_rng(self.seed), strength=strength,
                                      watch=1)

    def _draw(self, state):
        for kind in ("plain", "bn", "noisy"):
            if kind in state:
                s = state[kind]
                self._lines(kind, s["loss"][:s["step"]], s["eval_step"], s["test_acc"],
                            so_far(state, kind, "watch", "step"),
                            so_far(state, kind, "watch", "mean"))
        self.live.refresh()

    def _lines(self, kind, loss, eval_step, test_acc, watch_step, watch_mean):
        loss_line, acc_line, mean_line = self.lines[kind]
        loss = smooth(loss)
        loss_line.set_data(np.arange(len(loss)) + 20, loss)
        acc_line.set_data(eval_step, test_acc)
        mean_line.set_data(watch_step, watch_mean[:, self.unit])

    def _done(self, state):
        self.runs.update({kind: history(state[kind]) for kind in state if kind in self.lines})
        self.summary = {k: (final_loss(h["loss"]), drift(h["watch"])) for k, h in self.runs.items()}
        self.readout.value = "<br>".join(
            f"<b>{LABELS[k]}</b>: final loss {f:.3f}, input drift per record {d:.3f}"
            for k, (f, d) in self.summary.items())


def plot_lr_sweep(sweep, ceiling=10.0):
    """Final training loss against learning rate (log-log); diverged runs drawn as x at the top,
    the largest stable lr of each kind as a dashed line. Returns the figure."""
    fig, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
    lr = sweep["lr"]
    for i, (kind, final) in enumerate(sweep["final"].items()):
        ok = np.isfinite(final)
        style = {"color": COLORS[kind], "label": LABELS[kind]}
        ax.plot(lr[ok], np.minimum(final[ok], ceiling), "o-", **style)
        row = ceiling * 1.6**i  # one row of x per kind, so they do not hide each other
        ax.plot(lr[~ok], np.full((~ok).sum(), row), "x", color=COLORS[kind], ms=9, mew=2)
        best = sweep["largest_stable"][kind]
        if best is not None:
            ax.axvline(best, color=COLORS[kind], ls=(i * 3, (3, 6)), lw=1.5)
    ax.axhline(np.log(10), color=COLORS["reference"], ls=":", lw=1)
    ax.text(lr[0], np.log(10) * 1.1, "chance (ln 10)", color=COLORS["reference"], fontsize=8)
    ax.set(xscale="log", yscale="log", xlabel="learning rate",
           ylabel="final training loss", title="x: diverged;  dashed: largest stable lr")
    ax.legend(fontsize=9)
    return fig


def plot_landscape(results):
    """results: {kind: smoothness.landscape(...) output}. Three panels over training steps: the
    band of L(w - eta g) over the step sizes, the gradient change, and beta_eff."""
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4), layout="constrained")
    for kind, r in results.items():
        style = {"color": COLORS[kind], "label": LABELS[kind]}
        for ax, key in zip(axes[:2], ("band", "change")):
            ax.fill_between(r["step"], r[key].min(axis=0), r[key].max(axis=0), alpha=0.4, **style)
        axes[2].plot(r["step"], r["beta"], **style)
    titles = ["loss landscape: L(w - eta g)", "gradient predictiveness: |g(w - eta g) - g|",
              "effective beta-smoothness"]
    for ax, title in zip(axes, titles):
        ax.set(xlabel="training step", title=title)
    axes[0].set(yscale="log", ylabel="loss")
    axes[1].set(yscale="log", ylabel="gradient change")
    axes[2].set(ylim=(0, None), ylabel="max_k change / (eta_k |g|)")
    for ax in axes[::2]:
        ax.legend(fontsize=9)
    return fig


class ScaleExplorer:
    """Slider for the weight scale a: z = x (a W) widens with a, BN(z) does not move, and the
    gradient dV of the weight V = a W shrinks as 1/a."""

    def __init__(self, seed, a=1.0, feature=0):
        self.seed, self.feature = seed, feature
        grid = np.geomspace(0.1, 10, 41)
        norms = [np.linalg.norm(self._run(g)["dV"]) for g in grid]
        self.live = live = LiveFigure(1, 3, figsize=(12, 3.2))
        ax_z, ax_out, ax_g = live.axes
        self.z_bins, self.out_bins = np.linspace(-20, 20, 81), np.linspace(-4, 4, 41)
        self.z_hist = live.animate(ax_z.stairs(np.zeros(80), self.z_bins, fill=True))
        self.out_hist = live.animate(ax_out.stairs(np.zeros(40), self.out_bins, fill=True))
        ax_z.set(title="z = x (a W), one feature", ylim=(0, 200), xlabel="z", ylabel="count")
        ax_out.set(title="BN(z), same feature", ylim=(0, 60), xlabel="BN(z)")
        ax_g.loglog(grid, norms[20] / grid, color=COLORS["context"], lw=6, label="|dV at a=1| / a")
        ax_g.loglog(grid, norms, color=COLORS["bn"], lw=1.5, label="|dV| measured")
        ax_g.set(title="gradient of the weight V = a W", xlabel="a", ylabel="|dV|")
        ax_g.legend(fontsize=9)
        self.marker = live.animate(ax_g.plot([], [], "o", color=COLORS["highlight"], ms=8)[0])
        self.slider = widgets.FloatLogSlider(value=a, base=10, min=-1, max=1, step=0.05,
                                             description="a")
        self.slider.add_class("bn-weight-scale")
        self.readout = widgets.HTML(layout=widgets.Layout(height="24px"))
        self.readout.add_class("bn-scale-readout")
        widgets.interactive_output(self.update, {"a": self.slider})
        self.widget = widgets.VBox([self.slider, live.widget, self.readout])

    def _run(self, a):
        return scale_invariance(a, np.random.default_rng(self.seed), n=256)

    def update(self, a=1.0):
        """Redraw for weight scale a. Returns (out: (n, d_out), |dV|)."""
        r = self._run(a)
        norm = float(np.linalg.norm(r["dV"]))
        self.z_hist.set_data(np.histogram(r["z"][:, self.feature], self.z_bins)[0])
        self.out_hist.set_data(np.histogram(r["out"][:, self.feature], self.out_bins)[0])
        self.marker.set_data([a], [norm])
        self.live.refresh()
        self.readout.value = f"a = {a:.2f}: |dV| = {norm:.4f}, a * |dV| = {a * norm:.4f}"
        return r["out"], norm
