"""Notebook 02's scrubber: x -> x_hat -> y of the BN network's last hidden layer at one step.

ScrubFigure: histogram of all P x D values (top) and one dot per feature at (mean, std) (bottom)
for x (raw, entering BN), x_hat (normalized) and y = gamma * x_hat + beta, at the snapshot nearest
to a chosen step. While a run trains, extend() adds each new snapshot (the step slider reaches the
snapshots trained so far); update(runs) redoes everything with the finished run's exact limits.
Shapes: S snapshots, P probe examples, D features.
"""

import numpy as np

from bn_core.functional import normalize
from bn_core.panels.nb02_figures import _limits
from bn_core.ui.live import LiveFigure

EPS = 1e-5


def _panels(x, out):
    """x, out: (..., P, D) snapshots -> (x, x_hat, y) in float64, x_hat over the P probe rows."""
    x = x.astype(np.float64)
    return x, normalize(x, (x.ndim - 2,), EPS)[0], out.astype(np.float64)


class ScrubFigure:
    """x -> x_hat -> y of the BN run's last hidden layer at one snapshot step."""

    NAMES = ("x (raw, entering BN)", "x_hat (normalized)", "y = gamma * x_hat + beta")

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
        self.steps, self.shown = np.zeros(0, dtype=int), None

    def _set_limits(self, lo, hi, top, means, stds):
        self.shown = None  # whatever is on screen was drawn with other limits
        self.edges = np.linspace(lo, hi, self.bins + 1)
        self.top, self.means, self.stds = top, means, stds  # a new run starts from these
        for i in range(3):
            self.live.axes[i].set(xlim=(lo, hi), ylim=(0, top))
            self.live.axes[3 + i].set(xlim=means, ylim=stds)
        self.live.invalidate()

    def update(self, runs):
        """Precompute x, x_hat, y of every snapshot, and fix the axes limits. All three panels
        share one scale, so what moves and what stays put compare by eye."""
        snap = runs["bn"]["snap"]
        data = _panels(snap["x"], snap["out"])  # (S, P, D) each
        self.steps = snap["step"]
        lo, hi = np.percentile(np.concatenate([v.ravel() for v in data]), [0.5, 99.5])
        self.edges = np.linspace(lo, hi, self.bins + 1)
        # per snapshot, per panel: the histogram (bins,) and the per-feature (mean, std): (D,)
        snaps = range(len(self.steps))
        self.hists = [[np.histogram(v[k], self.edges)[0] for v in data] for k in snaps]
        self.stats = [[(v[k].mean(axis=0), v[k].std(axis=0)) for v in data] for k in snaps]
        top = 1.05 * max(h.max() for row in self.hists for h in row)
        means = _limits([m for row in self.stats for m, _ in row])
        stds = (0, _limits([s for row in self.stats for _, s in row])[1])
        self._set_limits(lo, hi, top, means, stds)
        self.show(self.steps[-1])

    def extend(self, snap_rows, fresh):
        """Add the snapshots taken since the last call. snap_rows: Snapshots.rows ("step", "x",
        "out": lists of S_so_far entries). Limits only grow, with room to spare."""
        if fresh:  # the limits stay (they only grow): a first snapshot that fits draws quickly
            self.steps, self.values, self.hists, self.stats = np.zeros(0, dtype=int), [], [], []
            self.shown = None
            if not hasattr(self, "edges"):
                self.edges, self.top, self.means, self.stds = None, 0.0, (0.0, 0.0), (0.0, 0.0)
        new = range(len(self.values), len(snap_rows["step"]))
        if not len(new):
            return
        for k in new:
            self.values.append(_panels(snap_rows["x"][k], snap_rows["out"][k]))  # (P, D) each
            self.stats.append([(v.mean(axis=0), v.std(axis=0)) for v in self.values[-1]])
        self.steps = np.asarray(snap_rows["step"][:len(self.values)])
        lo, hi = np.percentile(np.concatenate([v.ravel() for v in self.values[-1]]), [0.5, 99.5])
        means = _limits([m for st in self.stats[-len(new):] for m, _ in st])
        stds = _limits([s for st in self.stats[-len(new):] for _, s in st])[1]
        wider = self.edges is None or lo < self.edges[0] or hi > self.edges[-1]
        if wider:  # new bins: every histogram again (rare: the range has room to spare)
            span = hi - lo
            if self.edges is not None:
                lo, hi = min(lo, self.edges[0]), max(hi, self.edges[-1])
            self.edges = np.linspace(lo - 0.3 * span, hi + 0.3 * span, self.bins + 1)
            self.hists = []
        for v in self.values[len(self.hists):]:
            self.hists.append([np.histogram(p, self.edges)[0] for p in v])
        top = 1.05 * max(h.max() for row in self.hists[-len(new):] for h in row)
        grown = (wider or top > self.top or means[0] < self.means[0] or means[1] > self.means[1]
                 or stds > self.stds[1])
        if grown:
            self.top = max(self.top, 1.3 * top)
            self.means = (min(self.means[0], means[0]), max(self.means[1], means[1]))
            self.stds = (0, max(self.stds[1], 1.2 * stds))
            span = self.means[1] - self.means[0]
            self._set_limits(self.edges[0], self.edges[-1], self.top,
                             (self.means[0] - 0.1 * span, self.means[1] + 0.1 * span), self.stds)

    def show(self, step, lazy=False):
        """Draw the snapshot nearest to `step` (int, a training step). Returns its index.
        lazy: do nothing if that snapshot is on screen already (a LiveRun's frames)."""
        if not len(self.steps):
            return None
        k = int(np.argmin(np.abs(self.steps - step)))
        if lazy and self.shown == k:
            return k
        self.shown = k
        for i in range(3):
            mean, std = self.stats[k][i]
            self.stairs[i].set_data(self.hists[k][i], self.edges)
            self.dots[i].set_offsets(np.column_stack([mean, std]))
        self.text.set_text(f"step {self.steps[k]}")
        self.live.refresh()
        return k
