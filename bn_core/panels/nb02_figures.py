"""The figures of notebook 02, drawn while both networks train and once more when they are done.

Each figure has stream(state), called by a LiveRun every frame with compare_bn_steps()'s state
(the curves so far, axes limits that only grow), and update(runs), called with compare_bn()'s
{"plain": history, "bn": history} at the end: the tight limits a blocking run gets
(update(runs, streamed=True) after a stream keeps the grown limits where they fit the curves well:
stream.settle, no full redraw).
    Fig1Figure     Ioffe & Szegedy's Fig. 1: test accuracy; 15/50/85th percentiles of a unit's input
    ParamsFigure   mean and std of a few units' raw x (entering BN) next to their beta and gamma
    ChangeFigure   per step, how far the sigmoid's input distribution moves (log scale): x without
                   BN, y with BN (the activation's input, Ng's z~), and BN's raw input x (grey)
(ScrubFigure, x -> x_hat -> y at one step, is in nb02_scrub.) Shapes: T steps, D features.
"""

import numpy as np

from bn_core.experiments.what_stays_put import KEYS, distribution_change, moving_average
from bn_core.ui.live import LiveFigure
from bn_core.ui.palette import COLORS, LABELS, UNIT_COLORS
from bn_core.ui.stream import first_frame, grow, limits, set_xlim, settle, so_far


class Fig1Figure:
    def __init__(self, unit=0, widget=None):
        self.live = LiveFigure(1, 3, figsize=(12, 3.3), widget=widget)
        ax = self.live.axes
        self.acc = {k: self.live.animate(ax[0].plot([], [], color=COLORS[k], label=LABELS[k])[0])
                    for k in KEYS}
        ax[0].set(xlabel="training step", ylabel="test accuracy", ylim=(0, 1),
                  title="(a) test accuracy")
        ax[0].legend(loc="center right")
        self.pct = {}
        for a, key, letter in ((ax[1], "plain", "b"), (ax[2], "bn", "c")):
            self.pct[key] = [self.live.animate(a.plot([], [], color=COLORS[key], lw=lw)[0])
                             for lw in (1, 2.2, 1)]
            a.set(xlabel="training step", title=f"({letter}) {LABELS[key]}")
        ax[1].set_ylabel(f"input of unit {unit}, last hidden layer\n15th / 50th / 85th percentile")

    def _draw(self, curves):
        """curves: {key: (eval_step, test_acc, pct step (R,), pct (R, 3))}."""
        for key, (eval_step, acc, step, pct) in curves.items():
            self.acc[key].set_data(eval_step, acc)
            for line, column in zip(self.pct[key], pct.T, strict=True):
                line.set_data(step, column)

    def stream(self, state):
        curves = {key: (state[key]["eval_step"], state[key]["test_acc"],
                        so_far(state, key, "pct", "step"), so_far(state, key, "pct", "pct"))
                  for key in KEYS}
        self._draw(curves)
        fresh = first_frame(state, "fig1")
        changed = set_xlim(self.live.axes, 0, state["steps"])
        for a in self.live.axes[1:]:  # the same scale for both: drifts compare by eye
            changed |= grow(a, [c[3] for c in curves.values()], fresh)
        if changed:
            self.live.axes[2].set_ylim(self.live.axes[1].get_ylim())
            self.live.invalidate()
        self.live.refresh()

    def update(self, runs, streamed=False):
        self._draw({key: (run["eval_step"], run["test_acc"], run["pct"]["step"], run["pct"]["pct"])
                    for key, run in runs.items()})
        pct = [runs["plain"]["pct"]["pct"], runs["bn"]["pct"]["pct"]]
        ax = self.live.axes
        if set_xlim(ax, 0, len(runs["bn"]["loss"])) | _fit(ax[1], limits(*pct), pct, streamed):
            ax[2].set_ylim(ax[1].get_ylim())  # the same scale for both: drifts compare by eye
            self.live.invalidate()
        self.live.refresh()


class ParamsFigure:
    TITLES = ("mean of x (before BN)", "std of x (before BN)", "beta (after BN: y's mean)",
              "gamma (after BN: y's std is |gamma|)")

    def __init__(self, units=(0, 1, 2, 3), widget=None):
        self.units = list(units)
        self.live = LiveFigure(2, 2, figsize=(11, 5.2), widget=widget)
        ax = self.live.axes
        self.lines = []
        for a, title in zip(ax, self.TITLES, strict=True):
            a.set_title(title)
            self.lines.append([self.live.animate(a.plot([], [], color=c, label=f"unit {u}")[0])
                               for u, c in zip(self.units, UNIT_COLORS, strict=False)])
        ax[2].set_xlabel("training step")
        ax[3].set_xlabel("training step")
        ax[0].legend(loc="upper left", fontsize=8, ncol=2)

    def _draw(self, step, series):
        for lines, values in zip(self.lines, series, strict=True):
            for line, u in zip(lines, self.units, strict=False):
                line.set_data(step, values[:, u])

    def stream(self, state):
        series = [so_far(state, "bn", "z", "mean"), so_far(state, "bn", "z", "std"),
                  so_far(state, "bn", "params", "beta"), so_far(state, "bn", "params", "gamma")]
        self._draw(so_far(state, "bn", "z", "step"), series)
        fresh = first_frame(state, "params")
        changed = set_xlim(self.live.axes, 0, state["steps"])
        ax = self.live.axes
        for i, j in ((0, 2), (1, 3)):  # pairwise the same scales (same units)
            values = [series[i][:, self.units], series[j][:, self.units]]
            if grow(ax[i], values, fresh):
                ax[j].set_ylim(ax[i].get_ylim())
                changed = True
        if changed:
            self.live.invalidate()
        self.live.refresh()

    def update(self, runs, streamed=False):
        run = runs["bn"]
        series = [run["z"]["mean"], run["z"]["std"], run["params"]["beta"], run["params"]["gamma"]]
        step = run["z"]["step"]
        self._draw(step, series)
        ax = self.live.axes
        changed = set_xlim(ax, 0, step[-1] if len(step) > 1 else 1)
        # the x panels and the beta/gamma panels share their scales pairwise (same units)
        for i, j in ((0, 2), (1, 3)):
            values = [series[i][:, self.units], series[j][:, self.units]]
            if _fit(ax[i], limits(*values), values, streamed) or changed:
                ax[j].set_ylim(ax[i].get_ylim())
                changed = True
        if changed:
            self.live.invalidate()
        self.live.refresh()


class ChangeFigure:
    """d_mean(t) = mean_j |mean_j(t) - mean_j(t-1)| (solid), d_std likewise (dotted)."""

    CURVES = (("plain", "next", "without BN: x (sigmoid input)", COLORS["plain"]),
              ("bn", "next", "with BN: y = gamma * x_hat + beta", COLORS["bn"]),
              ("bn", "z", "with BN: raw x, before BN", COLORS["context"]))

    def __init__(self, widget=None):
        self.live = LiveFigure(1, 1, figsize=(11, 3.6), widget=widget)
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

    def _draw(self, stats):
        """stats: one {"mean", "std": (R, D)} per curve. Returns every value drawn."""
        values = []
        for s, (mean_line, std_line) in zip(stats, self.lines, strict=True):
            d_mean, d_std = distribution_change(s)
            steps = np.arange(1, len(d_mean) + 1)
            for line, d in ((mean_line, d_mean), (std_line, d_std)):
                values.append(moving_average(d))
                line.set_data(steps, values[-1])
        return np.concatenate(values)

    def stream(self, state):
        v = self._draw([{f: so_far(state, key, stat, f) for f in ("mean", "std")}
                        for key, stat, _, _ in self.CURVES])
        fresh = first_frame(state, "change")
        changed = set_xlim(self.live.axes, 0, state["steps"])
        if grow(self.live.axes, v, fresh, log=True) or changed:
            self.live.invalidate()
        self.live.refresh()

    def update(self, runs, streamed=False):
        v = self._draw([runs[key][stat] for key, stat, _, _ in self.CURVES])
        v = v[np.isfinite(v) & (v > 0)]
        ax = self.live.axes
        if set_xlim(ax, 0, len(runs["bn"]["loss"])) | _fit(ax, (v.min() / 2, v.max() * 2), v,
                                                           streamed, log=True):
            self.live.invalidate()
        self.live.refresh()


def _fit(ax, tight, values, streamed, log=False):
    """Set ax's y limits to `tight`, or after a stream keep the grown ones if they fit the values
    well (stream.settle). True if the limits changed (the background must be redrawn)."""
    if streamed:
        return settle(ax, tight, values, log)
    changed = tuple(ax.get_ylim()) != tuple(tight)
    ax.set_ylim(*tight)
    return changed
