"""Notebook 06's LiveFigures (matplotlib: imported when a panel of nb06_coupling first draws).

Each build_*(..., widget) returns (live, draw): the figure with its static parts, rendering into
`widget` (a ui.poster.image_widget), and draw(frame), which puts a frame computed by the panel
(numpy only, nb06_coupling) on the animated artists and refreshes.
"""

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import SymLogNorm
from matplotlib.ticker import NullFormatter

from bn_core.experiments.coupling import jitter_theory
from bn_core.ui.live import LiveFigure
from bn_core.ui.palette import BLUE, VERMILLION


def build_outlier(x, default, widget=None):
    """Left: the batch x: (N,) with example 0 dragged; right: the others' outputs y_i against x_i,
    now (blue) and with example 0 at `default` (grey rings)."""
    n = len(x)
    live = LiveFigure(ncols=2, figsize=(10, 3.4), widget=widget)
    ax_in, ax_out = live.axes
    ax_in.set(xlim=(-10.5, 10.5), ylim=(-1, 1.6), yticks=[], xlabel="input x",
              title=f"inputs: the red example is dragged (N = {n})")
    ax_in.plot(x[1:], np.zeros(n - 1), "o", color=BLUE, ms=7)
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

    def draw(f):
        ghost_dots.set_data(x[1:], f["ghost"])
        dragged.set_data([f["value"]], [0])
        mu, sigma = f["mu"], f["sigma"]
        stat_line.set_data([mu - sigma, mu + sigma], [0.6, 0.6])
        kind = "batch" if f["training"] else "running"
        stat_text.set_text(f"{kind} mean {mu:+.2f}, std {sigma:.2f}  (bar: mean ± std)")
        now.set_data(x[1:], f["y"][1:])
        moves.set_segments([[(a, b), (a, c)]
                            for a, b, c in zip(x[1:], f["ghost"], f["y"][1:], strict=True)])
        readout.set_text(f"largest move of another output: {f['moved']:.2f}")
        live.refresh()

    return live, draw


def build_jacobian(ns, sizes, widget=None):
    """Heatmap of dy_i/dx_j, and one example's pull on another (sizes: (K,) mean |off-diagonal
    entry| for each N of ns: (K,)) against N, log-log, with 1/N."""
    live = LiveFigure(ncols=2, figsize=(10, 4), widget=widget)
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
    ax_n.loglog(ns, sizes, color=BLUE, label="mean |dy_i/dx_j| over i ≠ j")
    ax_n.loglog(ns, 1 / ns, "--", color="0.4", label="1 / N")
    ax_n.set(xlabel="batch size N", ylim=(1e-3, 1.5), title="one example's pull on another")
    ax_n.set_xticks([2, 4, 8, 16, 32, 64], labels=["2", "4", "8", "16", "32", "64"])
    ax_n.xaxis.set_minor_formatter(NullFormatter())
    marker, readout = live.animate(ax_n.plot([], [], "o", color=VERMILLION, ms=9)[0],
                                   ax_n.text(5, 0.0016, "", fontsize=11))
    ax_n.legend(loc="upper right")

    def draw(f):
        n, size = f["n"], f["off_diagonal"]
        image.set_data(f["jacobian"])
        title.set_text(f"Jacobian of one feature, N = {n}")
        marker.set_data([n], [max(size, 1e-3)])
        readout.set_text(f"N = {n}: {size:.3f}" + (" (outputs always -1, +1)" if n == 2 else ""))
        live.refresh()

    return live, draw


def build_sampling(batches, mean, std, z0, ns, curve, widget=None):
    """Histograms of mu_B, sigma_B and y0 over `batches` batches, and the jitter curve: (K,)
    measured std(y0) for each N of ns: (K,), log-log, with the 1/sqrt(N) line."""
    live = LiveFigure(nrows=2, ncols=2, figsize=(10, 5.6), widget=widget)
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
    ax_jit.loglog(ns, curve, "o-", label="measured std(y0)")
    ax_jit.loglog(ns, jitter_theory(ns, z0), "--", color="0.4",
                  label="sqrt((1 + z0²/2) / N) ∝ 1/sqrt(N)")
    ax_jit.set(xlabel="batch size N", ylabel="jitter std(y0)",
               title="jitter shrinks like 1/sqrt(N)")
    ax_jit.xaxis.set_minor_formatter(NullFormatter())
    ax_jit.set_xticks([2, 8, 32, 128], labels=["2", "8", "32", "128"])
    ax_jit.legend(loc="upper right", fontsize=9)
    marker = live.animate(ax_jit.plot([], [], "o", color=VERMILLION, ms=10)[0])

    def draw(f):
        for key in ranges:
            counts, _ = np.histogram(f[key], bins=60, range=ranges[key])
            stairs[key].set_data(counts / max(counts.max(), 1))
        n = f["n"]
        texts["mu_B"].set_text(f"std {f['std_mu_B']:.2f}\nsigma/sqrt(N) = {std / np.sqrt(n):.2f}")
        texts["sigma_B"].set_text(f"mean {f['sigma_B'].mean():.2f} (sigma = {std:g})\n"
                                  f"std {f['sigma_B'].std():.2f}")
        texts["y0"].set_text(f"jitter std(y0) = {f['jitter']:.3f}\neval mode: always {z0:g}")
        marker.set_data([n], [f["jitter"]])
        live.refresh()

    return live, draw

