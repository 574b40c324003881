"""Notebook 02's scrubber: x -> x_hat -> y of the BN network's last hidden layer at one step.

ScrubFigure: histogram of all P x D values (top) and one dot per feature at (mean, std) (bottom)
for x (raw, entering BN), x_hat (normalized) and y = gamma * x_hat + beta, at the snapshot nearest
to a chosen step. A snapshot's histograms and dots are computed when it is first shown (a frame or
a tap costs one snapshot, not all of them). While a run trains, extend() makes its snapshots so far
reachable (the step slider), on limits that only grow. update(runs, key) shows a finished run on
the tight limits of all its snapshots (finished_limits: ~0.1 s for notebook 02's 101, the
histograms of every snapshot); given the key of the run's stored picture (ui.poster), it reads
those limits kept beside the picture and pastes the background kept with them (ui.first_draw)
instead: after lr taps, the step slider's tap updates in ~12 ms instead of ~0.15 s.
Shapes: S snapshots, P probe examples, D features.
"""

import numpy as np
from matplotlib.ticker import FormatStrFormatter, MaxNLocator

from bn_core.functional import normalize
from bn_core.ui import poster
from bn_core.ui.live import LiveFigure
from bn_core.ui.stream import limits

EPS = 1e-5


def _panels(x, out):
    """x, out: (..., P, D) snapshots -> (x, x_hat, y) in float64, x_hat over the P probe rows."""
    x = x.astype(np.float64)
    return x, normalize(x, (x.ndim - 2,), EPS)[0], out.astype(np.float64)


def _histogram(values, bins, lo, hi):
    """Counts of values in `bins` equal bins over [lo, hi] (numpy's fast path for equal bins: the
    counts of np.histogram(values, np.linspace(lo, hi, bins + 1)), 4x faster)."""
    return np.histogram(values, bins, (lo, hi))[0]


def finished_limits(snap, bins):
    """The limits that fit every snapshot of a finished run: {"lo", "hi": the values' bins' range,
    "top": the tallest bin, "means", "stds": the dots' (lo, hi)}. All three panels share one
    scale, so what moves and what stays put compare by eye. snap: "x", "out": (S, P, D)."""
    data = _panels(snap["x"], snap["out"])  # (S, P, D) each
    # the 0.5 / 99.5th percentiles of every 8th value: those of all S x P x D values to the
    # eye, in an eighth of the time (0.03 s against 0.26 s for notebook 02's 6 million)
    lo, hi = np.percentile(np.concatenate([v.ravel()[::8] for v in data]), [0.5, 99.5])
    stats = [(v.mean(axis=1), v.std(axis=1)) for v in data]  # (S, D) each, per panel
    top = 1.05 * max(_histogram(v[k], bins, lo, hi).max() for v in data for k in range(len(v)))
    return {"lo": float(lo), "hi": float(hi), "top": float(top),
            "means": [float(m) for m in limits([m for m, _ in stats])],
            "stds": [0.0, float(limits([s for _, s in stats])[1])]}


def _stored_limits(key):
    """finished_limits kept beside picture `key` (poster.keep_numbers), or None."""
    kept = None if key is None else poster.stored_numbers(key, "limits")
    names = {"lo", "hi", "top", "means", "stds"}
    return kept if isinstance(kept, dict) and set(kept) == names else None


class ScrubFigure:
    """x -> x_hat -> y of the BN run's last hidden layer at one snapshot step."""

    NAMES = ("x (raw, entering BN)", "x_hat (normalized)", "y = gamma * x_hat + beta")

    def __init__(self, bins=40, widget=None):
        self.bins = bins
        self.live = LiveFigure(2, 3, figsize=(12, 5.4), widget=widget)
        ax = self.live.axes
        self.stairs, self.dots = [], []
        for i, name in enumerate(self.NAMES):
            ax[i].set(title=name, xlabel="value", yticks=[])
            self.stairs.append(self.live.animate(
                ax[i].stairs(np.zeros(bins), np.linspace(0, 1, bins + 1), fill=True, alpha=0.6)))
            self.dots.append(self.live.animate(ax[3 + i].scatter([], [], s=10, alpha=0.7)))
            ax[3 + i].set(xlabel="per-feature mean", ylabel="per-feature std" if i == 0 else None)
            # std ticks in steps of 0.1, 0.2 or 0.5, as "1.5": labels as wide at every lr, so
            # the layout solved at one lr's first draw never pushes another's ylabel off the edge
            ax[3 + i].yaxis.set_major_locator(MaxNLocator(steps=[1, 2, 5, 10]))
            ax[3 + i].yaxis.set_major_formatter(FormatStrFormatter("%.1f"))
        ax[0].set_ylabel("all P x D values")
        self.text = self.live.animate(ax[0].text(0.02, 0.95, "", transform=ax[0].transAxes,
                                                 va="top", fontsize=10))
        self.steps, self.shown = np.zeros(0, dtype=int), None
        self.edges, self.top, self.means, self.stds = None, 0.0, (0.0, 0.0), (0.0, 0.0)
        self.rows = None  # "x", "out": a training run's lists of (P, D), a finished run's (S, P, D)
        self.finished = False  # a finished run's limits hold every snapshot: they never grow
        self.hists, self.stats = {}, {}  # snapshot index -> its 3 histograms, 3 (mean, std)

    def _set_limits(self, lo, hi, top, means, stds, key=None):
        """key: the stored picture these limits draw (its background is kept beside it)."""
        self.shown = None  # whatever is on screen was drawn with other limits
        self.edges = np.linspace(lo, hi, self.bins + 1)
        self.top, self.means, self.stds = top, means, stds  # a new run starts from these
        for i in range(3):
            self.live.axes[i].set(xlim=(lo, hi), ylim=(0, top))
            self.live.axes[3 + i].set(xlim=means, ylim=stds)
        self.live.invalidate(key=key)

    def update(self, runs, key=None):
        """Show the last snapshot of a finished run on the limits of all its snapshots.
        key: the run's stored picture (ui.poster), whose limits and background are kept beside
        it (else computed, and kept for the next kernel)."""
        snap = runs["bn"]["snap"]
        self.steps, self.rows, self.finished = snap["step"], snap, True
        self.hists, self.stats = {}, {}
        lim = _stored_limits(key)
        if lim is None:
            lim = finished_limits(snap, self.bins)
            if key is not None:
                poster.keep_numbers(key, "limits", lim)
        self._set_limits(lim["lo"], lim["hi"], lim["top"], tuple(lim["means"]),
                         tuple(lim["stds"]), key=key)
        self.show(self.steps[-1])

    def extend(self, snap_rows, fresh):
        """A run that trains: its snapshots so far become reachable. snap_rows: Snapshots.rows
        ("step", "x", "out": lists that grow). fresh: the run's first call."""
        if fresh or self.finished:  # the limits stay (they only grow): a first snapshot that
            self.hists, self.stats, self.shown = {}, {}, None  # fits draws quickly
        self.rows, self.finished = snap_rows, False
        self.steps = np.asarray(snap_rows["step"][:len(snap_rows["out"])])

    def _snapshot(self, k):
        """Histograms and per-feature stats of snapshot k, computed the first time it is shown
        (a training run's). Limits only grow, with room to spare."""
        if k in self.hists:
            return
        values = _panels(self.rows["x"][k], self.rows["out"][k])  # (P, D) each
        self.stats[k] = [(v.mean(axis=0), v.std(axis=0)) for v in values]
        if self.finished:  # on the limits of every snapshot
            self.hists[k] = [_histogram(v, self.bins, self.edges[0], self.edges[-1])
                             for v in values]
            return
        lo, hi = np.percentile(np.concatenate([v.ravel() for v in values]), [0.5, 99.5])
        wider = self.edges is None or lo < self.edges[0] or hi > self.edges[-1]
        if wider:
            span = hi - lo  # new bins, with room: every histogram computed so far is stale
            if self.edges is not None:
                lo, hi = min(lo, self.edges[0]), max(hi, self.edges[-1])
            self.hists = {}
            self.edges = np.linspace(lo - 0.3 * span, hi + 0.3 * span, self.bins + 1)
        self.hists[k] = [_histogram(v, self.bins, self.edges[0], self.edges[-1]) for v in values]
        top = 1.05 * max(h.max() for h in self.hists[k])
        means = limits([m for m, _ in self.stats[k]])
        stds = limits([s for _, s in self.stats[k]])[1]
        if (wider or top > self.top or means[0] < self.means[0]
                or means[1] > self.means[1] or stds > self.stds[1]):
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
        self._snapshot(k)
        self.shown = k
        for i in range(3):
            mean, std = self.stats[k][i]
            self.stairs[i].set_data(self.hists[k][i], self.edges)
            self.dots[i].set_offsets(np.column_stack([mean, std]))
        self.text.set_text(f"step {self.steps[k]}")
        self.live.refresh()
        return k
