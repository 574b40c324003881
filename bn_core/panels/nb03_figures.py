"""Notebook 03's static figures: the learning-rate sweep and the loss landscape, drawn by
matplotlib the first time (no pyplot), then shown from their stored pictures (ui.poster.picture):

    display(sweep_picture(sweep))         # plot_lr_sweep(sweep), a PNG
    display(landscape_picture(scapes))    # plot_landscape(scapes), a PNG
"""

import numpy as np

from bn_core.panels.nb03_describe import landscape_text, sweep_text
from bn_core.ui import poster
from bn_core.ui.a11y import with_alt
from bn_core.ui.palette import COLORS, LABELS

DPI = 100  # what the inline backend showed (matplotlib's default figure dpi)


def sweep_picture(sweep):
    """IPython Image of plot_lr_sweep(sweep): the stored picture of these numbers, else drawn."""
    parts = [sweep["lr"], repr(sweep["largest_stable"])]
    for kind, final in sweep["final"].items():
        parts += [kind, final]
    return with_alt(poster.picture(poster.poster_key("nb03.sweep", *parts),
                                   lambda: plot_lr_sweep(sweep), dpi=DPI), sweep_text(sweep))


def landscape_picture(results):
    """IPython Image of plot_landscape(results): the stored picture of these numbers, else drawn."""
    parts = []
    for kind, r in results.items():
        parts += [kind] + [r[key] for key in ("step", "band", "change", "beta")]
    return with_alt(poster.picture(poster.poster_key("nb03.landscape", *parts),
                                   lambda: plot_landscape(results), dpi=DPI),
                    landscape_text(results))


def _figure(ncols, figsize):
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.subplots(1, ncols)


def plot_lr_sweep(sweep, ceiling=10.0):
    """Final training loss against learning rate (log-log); diverged runs drawn as x at the top,
    the largest stable lr of each kind as a dashed line. Returns the figure."""
    fig, ax = _figure(1, (7, 3.6))
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
    fig, axes = _figure(3, (12, 3.4))
    for kind, r in results.items():
        style = {"color": COLORS[kind], "label": LABELS[kind]}
        for ax, key in zip(axes[:2], ("band", "change")):
            ax.fill_between(r["step"], r[key].min(axis=0), r[key].max(axis=0), alpha=0.4, **style)
        axes[2].plot(r["step"], r["beta"], **style)
    titles = ["loss landscape (raw steps eta g)", "gradient change |g(w - eta g) - g| (raw)",
              "effective beta-smoothness"]
    for ax, title in zip(axes, titles):
        ax.set(xlabel="training step", title=title)
    axes[0].set(yscale="log", ylabel="loss")
    axes[1].set(yscale="log", ylabel="gradient change")
    axes[2].set(ylim=(0, None), ylabel="max_k change / (eta_k |g|)")
    for ax in axes[::2]:
        ax.legend(fontsize=9)
    return fig
