"""Notebook 06's panels: sliders driving LiveFigures for the coupling experiments of
bn_core.experiments.coupling (outlier, Jacobian heatmap, sampling distributions and jitter).

Each panel is built once; its update is a plain function of the slider values that returns the
data it drew (kept in panel.data, so tests can drive the sliders and check the numbers).
"""

import warnings
from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import SymLogNorm
from matplotlib.ticker import NullFormatter

from bn_core.experiments.coupling import (
    bn_jacobian,
    ghost_experiment_steps,
    jitter_curve,
    jitter_theory,
    off_diagonal_size,
    outlier_outputs,
    sample_batches,
)
from bn_core.ui.live import LiveFigure, panel
from bn_core.ui.palette import BLUE, ORANGE, VERMILLION
from bn_core.ui.runner import LiveRun


def outlier_panel(rng, n=12, default=0.5):
    """Drag example 0 of a batch of N (one feature, population mean 0, var 1) and watch the others.

    Left: the inputs and the statistics that normalize them. Right: the others' outputs y_i
    against their inputs x_i, now (blue) and with example 0 at `default` (grey rings).
    """
    x = np.sort(rng.normal(size=n))
    x[[0, n // 2]] = x[[n // 2, 0]]  # example 0, the one dragged, starts mid-batch
    live = LiveFigure(ncols=2, figsize=(10, 3.4))
    ax_in, ax_out = live.axes
    ax_in.set(xlim=(-10.5, 10.5), ylim=(-1, 1.6), yticks=[], xlabel="input x",
              title=f"inputs: the red example is dragged (N = {n})")
    others, = ax_in.plot(x[1:], np.zeros(n - 1), "o", color=BLUE, ms=7)
    dragged, stat_line, stat_text = live.animate(
        ax_in.plot([], [], "o", color=VERMILLION, ms=11)[0],
        ax_in.plot([], [], "|-", color="k", lw=2, ms=14)[0],
        ax_in.text(-10, 1.25, "", fontsize=11))
    ax_out.set(xlim=(-2.6, 2.6), ylim=(-2.6, 2.6), xlabel="input x_i (the other examples)",
               ylabel="output y_i", title="outputs of the OTHER examples")
    ax_out.axhline(0, color="0.8", lw=1)
    ghost_dots = live.animate(ax_out.plot([], [], "o", mfc="none", mec="0.55", ms=9,
                                          label=f"red at x = {default}")[0])
    moves = live.animate(LineCollection([], colors=BLUE, lw=1.5))
    ax_out.add_collection(moves)
    now, readout = live.animate(ax_out.plot([], [], "o", color=BLUE, ms=7, label="now")[0],
                                ax_out.text(-2.45, 2.1, "", fontsize=11))
    ax_out.legend(loc="lower right")

    def update(value=default, mode="train"):
        training = mode == "train"
        y = outlier_outputs(x, value, training)  # eval: running_mean 0, running_var 1
        ghost = outlier_outputs(x, default, training)[1:]
        batch = np.r_[value, x[1:]]
        mu, sigma = (batch.mean(), batch.std()) if training else (0.0, 1.0)  # running: 0, 1
        ghost_dots.set_data(x[1:], ghost)
        dragged.set_data([value], [0])
        stat_line.set_data([mu - sigma, mu + sigma], [0.6, 0.6])
        kind = "batch" if training else "running"
        stat_text.set_text(f"{kind} mean {mu:+.2f}, std {sigma:.2f}  (bar: mean ± std)")
        now.set_data(x[1:], y[1:])
        moves.set_segments([[(a, b), (a, c)] for a, b, c in zip(x[1:], ghost, y[1:], strict=True)])
        moved = float(np.abs(y[1:] - ghost).max())
        readout.set_text(f"largest move of another output: {moved:.2f}")
        return {"y": y, "moved": moved}

    controls = {"value": widgets.FloatSlider(value=default, min=-10, max=10, step=0.1,
                                             description="red x").add_class("bn-outlier"),
                "mode": widgets.ToggleButtons(options=["train", "eval"], description="mode")
                .add_class("bn-outlier-mode")}
    return panel(live, controls, update)


def jacobian_panel(rng, n_max=64):
    """Heatmap of dy_i/dx_j for the first N of n_max standard-normal examples (sorted by x), and
    one example's pull on another (mean |off-diagonal entry|) against N, log-log, with 1/N."""
    pool = rng.normal(size=n_max)
    live = LiveFigure(ncols=2, figsize=(10, 4))
    ax_j, ax_n = live.axes
    norm = SymLogNorm(linthresh=0.01, vmin=-1, vmax=1)
    # the heatmap fills fixed unit axes whatever N is, so a move redraws only the animated artists
    image = live.animate(ax_j.imshow(np.zeros((2, 2)), cmap="RdBu_r", norm=norm,
                                     extent=(0, 1, 1, 0), interpolation="nearest"))
    ticks = [-1, -0.1, -0.01, 0, 0.01, 0.1, 1]
    bar = live.figure.colorbar(image, ax=ax_j, label="dy_i / dx_j  (symmetric log scale)")
    bar.set_ticks(ticks, labels=[str(t) for t in ticks])
    ax_j.set(xlabel="input x_j, j = 1 .. N (sorted)", ylabel="output y_i, i = 1 .. N (sorted)",
             xlim=(0, 1), ylim=(1, 0), xticks=[], yticks=[])
    title = live.animate(ax_j.set_title(" "))
    ns = np.arange(2, n_max + 1)
    sizes = [off_diagonal_size(pool[:k]) for k in ns]
    ax_n.loglog(ns, sizes, color=BLUE, label="mean |dy_i/dx_j| over i ≠ j")
    ax_n.loglog(ns, 1 / ns, "--", color="0.4", label="1 / N")
    ax_n.set(xlabel="batch size N", ylim=(1e-3, 1.5), title="one example's pull on another")
    ax_n.set_xticks([2, 4, 8, 16, 32, 64], labels=["2", "4", "8", "16", "32", "64"])
    ax_n.xaxis.set_minor_formatter(NullFormatter())
    marker, readout = live.animate(ax_n.plot([], [], "o", color=VERMILLION, ms=9)[0],
                                   ax_n.text(5, 0.0016, "", fontsize=11))
    ax_n.legend(loc="upper right")

    def update(n=8):
        x = np.sort(pool[:n])
        jac = bn_jacobian(x)
        size = off_diagonal_size(x)
        image.set_data(jac)
        title.set_text(f"Jacobian of one feature, N = {n}")
        marker.set_data([n], [max(size, 1e-3)])
        readout.set_text(f"N = {n}: {size:.3f}" + (" (outputs always -1, +1)" if n == 2 else ""))
        return {"jacobian": jac, "off_diagonal": size}

    slider = widgets.IntSlider(value=8, min=2, max=n_max, description="batch N")
    return panel(live, {"n": slider.add_class("bn-jacobian-n")}, update)


def sampling_panel(rng, batches=2000, mean=3.0, std=2.0, z0=1.5, n_max=256):
    """Histograms over many batches of N: mu_B, sigma_B, and the output y0 of one fixed example
    x0 = mean + z0 * std; then the jitter std(y0) against N, log-log, with the 1/sqrt(N) line."""
    population = {"mean": mean, "std": std, "z0": z0}
    live = LiveFigure(nrows=2, ncols=2, figsize=(10, 5.6))
    ax_mu, ax_sigma, ax_y, ax_jit = live.axes
    ranges = {"mu_B": (mean - 3 * std, mean + 3 * std), "sigma_B": (0, 2.5 * std), "y0": (-1.5, 4)}
    truth = {"mu_B": mean, "sigma_B": std, "y0": z0}
    names = {"mu_B": f"batch mean mu_B   (dashed: population mean {mean:g})",
             "sigma_B": f"batch std sigma_B   (dashed: population std {std:g})",
             "y0": f"output y0 of the fixed example x0 = {mean + z0 * std:g}   (dashed: eval mode)"}
    stairs, texts = {}, {}
    for ax, key in zip((ax_mu, ax_sigma, ax_y), ranges, strict=True):
        ax.set(xlim=ranges[key], ylim=(0, 1.15), yticks=[], xlabel=names[key])
        ax.axvline(truth[key], color="k", ls="--", lw=1)
        stairs[key] = live.animate(ax.stairs(np.zeros(60), np.linspace(*ranges[key], 61),
                                             fill=True, color=BLUE, alpha=0.6))
        texts[key] = live.animate(ax.text(0.02, 0.97, "", transform=ax.transAxes, va="top"))
    ax_y.set_ylabel(f"{batches} batches\n(peak scaled to 1)")
    ax_mu.set_ylabel(f"{batches} batches\n(peak scaled to 1)")
    ns = np.unique(np.geomspace(2, n_max, 15).astype(int))
    ax_jit.loglog(ns, jitter_curve(ns, rng, batches, **population), "o-", label="measured std(y0)")
    ax_jit.loglog(ns, jitter_theory(ns, z0), "--", color="0.4",
                  label="sqrt((1 + z0²/2) / N) ∝ 1/sqrt(N)")
    ax_jit.set(xlabel="batch size N", ylabel="jitter std(y0)",
               title="jitter shrinks like 1/sqrt(N)")
    ax_jit.xaxis.set_minor_formatter(NullFormatter())
    ax_jit.set_xticks([2, 8, 32, 128], labels=["2", "8", "32", "128"])
    ax_jit.legend(loc="upper right", fontsize=9)
    marker = live.animate(ax_jit.plot([], [], "o", color=VERMILLION, ms=10)[0])

    def update(n=8):
        draws = sample_batches(n, rng, batches, **population)
        for key, values in draws.items():
            counts, _ = np.histogram(values, bins=60, range=ranges[key])
            stairs[key].set_data(counts / max(counts.max(), 1))
        spread = {key: values.std() for key, values in draws.items()}
        texts["mu_B"].set_text(f"std {spread['mu_B']:.2f}\nsigma/sqrt(N) = {std / np.sqrt(n):.2f}")
        texts["sigma_B"].set_text(f"mean {draws['sigma_B'].mean():.2f} (sigma = {std:g})\n"
                                  f"std {spread['sigma_B']:.2f}")
        texts["y0"].set_text(f"jitter std(y0) = {spread['y0']:.3f}\neval mode: always {z0:g}")
        marker.set_data([n], [spread["y0"]])
        return {"n": n, "jitter": spread["y0"], "std_mu_B": spread["mu_B"], **draws}

    slider = widgets.IntSlider(value=8, min=2, max=n_max, description="batch N")
    return panel(live, {"n": slider.add_class("bn-sampling-n")}, update)


RUNS = {"default": {"ghosts": (2, 4, 8, 32), "repeats": 2},  # 10 trainings, a few seconds
        "bigger": {"ghosts": (2, 4, 8, 16, 32), "repeats": 5}}  # 30 trainings


def regularization_panel(rng, runs=RUNS):
    """Train and test accuracy against the ghost-batch size of BN's statistics (SGD batch fixed),
    and the train - test gap; dashed: the same network without BN. The "run" buttons choose an
    experiment of `runs` (name -> ghost_experiment keyword arguments); it trains live (points
    appear as their networks finish; switching gives way at once) and is kept once finished.
    Returns .widget, .controls, .live, .run (the LiveRun), .data (the last finished run's
    result) and .wait() (block until the run ends, then .data)."""
    results, seeds = {}, {}  # run name -> finished result; -> seeds, drawn from rng on first use
    live = LiveFigure(ncols=2, figsize=(10, 3.4))
    ax_acc, ax_gap = live.axes
    for ax in live.axes:
        ax.set_xscale("log", base=2)
        ax.set_xticks([2, 4, 8, 16, 32], labels=["2", "4", "8", "16", "32"])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set(xlim=(1.6, 40), xlabel="ghost batch size (BN statistics); SGD batch 32")
    ax_acc.set(ylim=(0.7, 1.01), ylabel="accuracy (eval mode)", title="train and test accuracy")
    ax_gap.set(ylim=(-0.02, 0.12), ylabel="train - test accuracy",
               title="the generalization gap")
    styles = {"train": (BLUE, "train"), "test": (ORANGE, "test"), "gap": ("k", "gap")}
    artists = {}
    for key, (color, label) in styles.items():
        ax = ax_gap if key == "gap" else ax_acc
        artists[key] = live.animate(
            ax.plot([], [], "o-", color=color, lw=2, label=f"{label}, BN")[0],
            ax.plot([], [], "o", color=color, alpha=0.3, ms=4)[0],
            ax.axhline(np.nan, color=color, ls="--", label=f"{label}, no BN"))
    ax_acc.legend(loc="lower right", fontsize=9, ncol=2)
    ax_gap.legend(loc="upper right", fontsize=9)
    readout = live.animate(ax_gap.text(1.8, 0.105, "", fontsize=10))
    panel = SimpleNamespace(live=live, data={})

    def draw(res):
        values = {"train": (res["train"], res["plain_train"]),
                  "test": (res["test"], res["plain_test"]),
                  "gap": (res["train"] - res["test"], res["plain_train"] - res["plain_test"])}
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # nanmean of a point still training
            for key, (bn_values, plain) in values.items():
                mean_line, points, plain_line = artists[key]
                mean_line.set_data(res["ghosts"], np.nanmean(bn_values, axis=1))  # (G, R) -> (G,)
                points.set_data(np.repeat(res["ghosts"], bn_values.shape[1]), bn_values.ravel())
                plain_line.set_ydata([np.nanmean(plain)] * 2)
        readout.set_text(f"{bn_values.shape[1]} repeats per point (faint dots)")
        live.refresh()

    def start(run):
        if run in results:  # trained before: shown at once
            yield {"step": 1, "steps": 1, **results[run]}
            return
        yield from ghost_experiment_steps(seeds[run], **runs[run])

    def done(state):
        result = {key: state[key] for key in ("ghosts", "train", "test", "plain_train",
                                              "plain_test")}
        results[panel.run.params["run"]] = result
        panel.data = {"run": panel.run.params["run"], **result}

    def choose(run):
        if run not in seeds:  # drawn on the kernel's thread: the notebook's rng stays in order
            options = dict(runs[run])
            seeds[run] = rng.integers(2**32, size=options.pop("repeats", 2))
            runs[run] = options
        panel.run.restart(run=run)

    buttons = widgets.ToggleButtons(options=list(runs), description="run")
    buttons.add_class("bn-ghost-run")
    runs = {name: dict(options) for name, options in runs.items()}
    panel.run = LiveRun(start, draw, params={"run": buttons.value}, autostart=False, on_done=done)
    panel.controls = {"run": buttons}
    panel.widget = widgets.VBox([buttons, panel.run.widget, live.widget])
    panel.wait = lambda timeout=None: (panel.run.wait(timeout), panel.data)[1]
    buttons.observe(lambda change: choose(change["new"]), "value")
    choose(buttons.value)
    return panel
