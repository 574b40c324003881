"""Notebook 05's matplotlib figures (imported only when a figure is drawn: nb05_inference shows
their stored pictures at open): the running-statistics LiveFigure, the two momentum conventions,
one example's prediction in different company, calibration.

Shapes: a stream of T batches of m examples of one feature, drawn from N(pop_mean, pop_std^2);
trajectories are (T + 1,) arrays, entry 0 the initial running values (0 and 1).
"""

import numpy as np
from matplotlib.figure import Figure

from bn_core.experiments import inference as inf
from bn_core.ui.live import LiveFigure
from bn_core.ui.palette import BLUE, GREEN, ORANGE, VERMILLION


class RunningStatsFigure:
    """The LiveFigure of running_stats_panel (see nb05_inference.RunningStats): running_mean and
    running_var over a stream of `steps` batches, and the mean batch variance against m."""

    def __init__(self, steps, pop_mean, pop_std, max_batch, widget=None):
        live = self.live = LiveFigure(1, 3, figsize=(12, 3.5), widget=widget)
        ax0, ax1, ax2 = live.axes
        t = np.arange(steps + 1)
        self.pop_var = pop_var = pop_std**2
        ax0.axhline(pop_mean, color="k", lw=1, ls="--", label="population mean")
        ax0.set(xlim=(0, steps), ylim=(pop_mean - 2.5 * pop_std, pop_mean + 2.5 * pop_std),
                xlabel="batches seen", title="running_mean")
        ax1.axhline(pop_var, color="k", lw=1, ls="--", label="population var")
        ax1.set(xlim=(0, steps), ylim=(0, 2.5 * pop_var), xlabel="batches seen",
                title="running_var")
        sizes = np.arange(2, max_batch + 1)
        ax2.semilogx(sizes, (sizes - 1) / sizes, color=VERMILLION, label="biased: (m-1)/m")
        ax2.axhline(1.0, color=BLUE, label="unbiased: 1")
        ax2.set(xlim=(2, max_batch), ylim=(0.4, 1.1), xlabel="batch size m",
                title="mean batch variance / population var")
        self.batch_dots = live.animate(ax0.plot(t[1:], t[1:] * 0.0, ".", ms=3, color="0.7",
                                                label="batch mean mu")[0])
        self.mean_line = live.animate(ax0.plot(t, t * 0.0, color=BLUE, lw=2,
                                               label="running_mean")[0])
        self.var_line = live.animate(ax1.plot(t, t * 0.0, color=BLUE, lw=2,
                                              label="running_var (unbiased, PyTorch)")[0])
        self.biased_line = live.animate(ax1.plot(t, t * 0.0, color=VERMILLION, lw=1.5,
                                                 label="same, biased var")[0])
        self.biased_level = live.animate(ax1.axhline(pop_var, color=VERMILLION, lw=1, ls=":",
                                                     label="(m-1)/m · population var"))
        self.dots = live.animate(ax2.plot([2, 2], [0.5, 1.0], "o", color="k", ms=7,
                                          label="measured, this m")[0])
        self.text = live.animate(ax2.text(0.97, 0.05, "", transform=ax2.transAxes, ha="right",
                                          fontsize=9))
        for ax, where in zip(live.axes, ("upper right", "upper right", "center right"),
                             strict=True):
            ax.legend(fontsize=7, loc=where)

    def show(self, d):
        """Draw d, a dict of RunningStats.compute: batch_means (T,), mean, var, var_biased
        (T + 1,), batch_size, biased, unbiased."""
        batch_size = d["batch_size"]
        self.batch_dots.set_ydata(d["batch_means"])
        self.mean_line.set_ydata(d["mean"])
        self.var_line.set_ydata(d["var"])
        self.biased_line.set_ydata(d["var_biased"])
        ratio = (batch_size - 1) / batch_size
        self.biased_level.set_ydata([ratio * self.pop_var] * 2)
        self.dots.set_data([batch_size, batch_size], [d["biased"], d["unbiased"]])
        self.text.set_text(f"m = {batch_size}: m/(m-1) = {1 / ratio:.3f}\n"
                           f"biased {d['biased']:.3f}, unbiased {d['unbiased']:.3f}")
        self.live.refresh()


def plot_momentum_conventions(batches, decay=0.9):
    """Running statistics of one stream with PyTorch's momentum 1 - decay and CS231n's decay.

    batches: (T, m, D), feature 0 is drawn. Returns a Figure of three panels.
    """
    momentum = inf.momentum_to_pytorch(decay)
    mean_pt, var_pt = inf.running_stats_pytorch(batches, momentum)
    mean_cs, var_cs = inf.running_stats_cs231n(batches, decay)
    mean_wrong, _ = inf.running_stats_pytorch(batches, decay)  # 0.9 given to PyTorch by mistake
    fig = Figure(figsize=(12, 3.4), layout="constrained")
    ax0, ax1, ax2 = fig.subplots(1, 3)
    ax0.plot(mean_wrong[:, 0], color="0.7", lw=1, label=f"PyTorch, momentum={decay} (mistake)")
    ax0.plot(mean_pt[:, 0], color=BLUE, lw=3, label=f"PyTorch, momentum={momentum:.2g}")
    ax0.plot(mean_cs[:, 0], color=ORANGE, lw=1.2, ls="--", label=f"CS231n, momentum={decay}")
    ax0.set(title="running_mean: the same estimate", xlabel="batches seen")
    ax1.plot(np.abs(mean_pt - mean_cs)[:, 0], color=GREEN)
    ax1.set(title="|PyTorch - CS231n| of running_mean", xlabel="batches seen")
    ax1.ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
    m = batches.shape[1]
    ax2.plot(var_pt[:, 0], color=BLUE, lw=2, label="PyTorch (unbiased)")
    ax2.plot(var_cs[:, 0], color=ORANGE, lw=1.2, ls="--", label="CS231n (biased)")
    ax2.plot(var_cs[:, 0] * m / (m - 1), color="k", lw=0.8, ls=":", label="CS231n · m/(m-1)")
    ax2.set(title=f"running_var: differs by m/(m-1) = {m / (m - 1):.3f}", xlabel="batches seen")
    for ax in (ax0, ax2):
        ax.legend(fontsize=8)
    return fig


def plot_company(train_probs, eval_probs, true_label):
    """Bars of one example's predicted class probability in each company: training vs eval mode.

    train_probs, eval_probs: dicts name -> (K,) as company_probabilities returns; a name missing
    from train_probs is drawn as refused (a batch of one in training mode).
    """
    fig = Figure(figsize=(11, 3.2), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    names = list(eval_probs)
    for ax, probs, mode in ((axes[0], train_probs, "training mode (the bug)"),
                            (axes[1], eval_probs, "eval mode (correct)")):
        for row, name in enumerate(names):
            if name not in probs:
                ax.text(0.02, row, "refused: ValueError (N = 1)", va="center", fontsize=9)
                continue
            guess = int(np.argmax(probs[name]))
            width = probs[name][true_label]
            ax.barh(row, width, color=BLUE if guess == true_label else VERMILLION)
            ax.text(min(width, 0.8) + 0.02, row, f"predicts {guess}", va="center", fontsize=9)
        ax.set(xlim=(0, 1.05), title=mode, xlabel=f"probability of the true class {true_label}")
    axes[0].set_yticks(range(len(names)), names)
    axes[0].invert_yaxis()
    return fig


def plot_calibration(results):
    """results: list of (label, old_var (D,), population var (D,), acc_running, acc_calibrated).

    Scatter of the running estimate against the population variance of one BN layer, per run.
    """
    fig = Figure(figsize=(5.2 * len(results), 4.0), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(results)))
    for ax, (label, old_var, pop_var, acc_run, acc_cal) in zip(axes, results, strict=True):
        hi = 1.05 * max(old_var.max(), pop_var.max())
        ax.plot([0, hi], [0, hi], color="0.6", lw=1, label="running_var = population var")
        ax.plot(pop_var, old_var, ".", color=BLUE, label="one feature")
        off = np.median(np.abs(old_var / pop_var - 1))
        ax.set(xlim=(0, hi), ylim=(0, hi), xlabel="population var (whole training set)",
               ylabel="running_var", title=f"{label}: median |running / population - 1| = "
               f"{off:.1%}\ntest accuracy: running {acc_run:.3f}, calibrated {acc_cal:.3f}")
        ax.title.set_fontsize(10)
        ax.legend(fontsize=8, loc="upper left")
    return fig
