"""The three-panel figure of notebook 01, built once and updated in place (a LiveFigure).

Columns: raw x, normalized x_hat, output y = gamma * x_hat + beta, each an (N, D) array. Top row:
the histogram of all N * D values (share of values per bin). Bottom row: the D per-feature
(mean, std) points, with the predicted points marked: (0, 1) for x_hat, (beta_j, |gamma_j|) for y.

Axes never move. x_hat and y share the same linear axes, so gamma and beta visibly stretch and move
the cloud. The raw panel spans every position of the shift and scale sliders (-1e3..1e3, 1e-3..1e3)
on logarithmic axes: values on a symlog axis (linear within +-10), stds on a log axis. Anything that
still falls outside the axes is reported in a note "off-scale: ...".
"""

import numpy as np
from matplotlib.scale import SymmetricalLogTransform

from bn_core.ui.live import LiveFigure
from bn_core.ui.palette import COLORS, TEXT

RAW_LIM, LINTHRESH, LINSCALE = 3e4, 10.0, 4.0  # raw values on a symlog axis, linear in [-10, 10]
RAW_STD_LIM = (1e-4, 1e4)  # raw per-feature stds on a log axis
RAW_TICKS, RAW_MINOR = (-1e3, -10, 0, 10, 1e3), (-1e4, -100, 100, 1e4)
VALUE_LIM, MEAN_LIM, STD_LIM = 8.0, 4.0, 4.0  # x_hat and y: values, per-feature means and stds
BINS = 80
STAGES = (COLORS["raw"], COLORS["normalized"], COLORS["output"])  # x, x_hat, y
# markers of a Line2D, not a scatter: the same look, drawn several times faster on every move
PREDICTED = dict(marker="o", ls="none", ms=8.4, mfc="none", mec=COLORS["highlight"], mew=1.3)


SYMLOG = SymmetricalLogTransform(10, LINTHRESH, LINSCALE)  # value -> position on the raw axis


def linear(v):
    return v


def symlog(v):
    """Positions of the values v: (M,) on the raw panel's symlog axis."""
    return SYMLOG.transform_non_affine(v)


def raw_edges(bins=BINS):
    """Bin edges evenly spaced on the symlog axis of the raw panel: (bins + 1,)."""
    lo, hi = symlog(np.array([-RAW_LIM, RAW_LIM]))
    return SYMLOG.inverted().transform_non_affine(np.linspace(lo, hi, bins + 1))


def histogram(a, edges, axis=linear):
    """Share of the values of a: (N, D) per bin: (bins,), and the off-scale note ("" if none).

    The bins are even in axis(value), so np.histogram takes its fast path (no sorting)."""
    v = a.ravel()
    lo, hi = axis(edges[[0, -1]])
    counts, _ = np.histogram(axis(v), bins=len(edges) - 1, range=(lo, hi))
    return counts / a.size, offscale_note(v, edges[0], edges[-1], "values")


def offscale_note(v, lo, hi, what):
    """'off-scale: 3 values in [8.1, 9.5]' for the entries of v: (M,) outside [lo, hi], else ''."""
    out = v[(v < lo) | (v > hi)]
    return f"off-scale: {out.size} {what} in [{out.min():.2g}, {out.max():.2g}]" if out.size else ""


def _lines(*notes):
    return "\n".join(n for n in notes if n)


class _Panel:
    """One column: a histogram (top) and the per-feature (mean, std) points (bottom)."""

    def __init__(self, live, hist_ax, dots_ax, edges, axis, color):
        self.edges, self.axis, self.dots_ax = edges, axis, dots_ax
        self.hist_top = hist_ax.get_ylim()[1]
        self.stairs = live.animate(hist_ax.stairs(np.zeros(len(edges) - 1), edges, fill=True,
                                                  color=color, alpha=0.75))
        self.dots = live.animate(dots_ax.plot([0.0], [0.0], "o", ms=3.7, color=color, alpha=0.8,
                                              zorder=2)[0])
        note = dict(ha="left", va="top", fontsize=9, color=TEXT["highlight"])  # text: AA
        self.hist_note, self.dots_note = (
            live.animate(ax.text(0.02, 0.97, "", transform=ax.transAxes, **note))
            for ax in (hist_ax, dots_ax))

    def show(self, a, dots_note=""):
        """Draw a: (N, D) into the artists (the caller refreshes the figure)."""
        shares, note = histogram(a, self.edges, self.axis)
        self.stairs.set_data(shares)
        top = shares.max()
        cut = f"tallest bin {top:.0%} (cut off)" if top > self.hist_top else ""
        self.hist_note.set_text(_lines(note, cut))
        means, stds = a.mean(axis=0), a.std(axis=0)  # (N, D) -> (D,)
        self.dots.set_data(means, stds)
        (x0, x1), (y0, y1) = self.dots_ax.get_xlim(), self.dots_ax.get_ylim()
        self.dots_note.set_text(_lines(offscale_note(means, x0, x1, "means"),
                                       offscale_note(stds, y0, y1, "stds"), dots_note))


class ExplorerFigure:
    """The figure; `show(z, x_hat, y, gamma, beta)` redraws it in place, `widget` displays it."""

    FIGSIZE = (11, 6)

    def __init__(self, figsize=FIGSIZE, dpi=80, widget=None):
        self.live = LiveFigure(2, 3, figsize=figsize, dpi=dpi, widget=widget)
        self.widget = self.live.widget
        (h_raw, h_norm, h_out), (d_raw, d_norm, d_out) = self.live.axes.reshape(2, 3)
        self._style_raw(h_raw, d_raw)
        for h, d in ((h_norm, d_norm), (h_out, d_out)):
            h.set(xlim=(-VALUE_LIM, VALUE_LIM), ylim=(0, 0.12), xlabel="value")
            d.set(xlim=(-MEAN_LIM, MEAN_LIM), ylim=(0, STD_LIM), xlabel="feature mean")
        h_raw.set_title("raw x: the layer's input")
        h_norm.set_title("x_hat = (x - mu) / sqrt(var + eps)")
        h_out.set_title("y = gamma * x_hat + beta")
        h_raw.set_ylabel("share of the N x 100 values")
        d_raw.set_ylabel("feature std over the batch")
        # animated artists are drawn in the order they are registered: the rings under the dots
        self.predicted = self.live.animate(d_out.plot([0.0], [1.0], **PREDICTED)[0])
        even = np.linspace(-VALUE_LIM, VALUE_LIM, BINS + 1)
        columns = zip((h_raw, h_norm, h_out), (d_raw, d_norm, d_out), (raw_edges(), even, even),
                      (symlog, linear, linear), STAGES, strict=True)
        self.panels = [_Panel(self.live, *column) for column in columns]
        # the normal curve x_hat would follow if BN fixed the shape too (it does not)
        x = np.linspace(-VALUE_LIM, VALUE_LIM, 400)
        step = 2 * VALUE_LIM / BINS
        h_norm.plot(x, step * np.exp(-x**2 / 2) / np.sqrt(2 * np.pi), "k--", lw=1, label="N(0, 1)")
        h_norm.legend(loc="upper right", fontsize=8, frameon=False)
        d_norm.plot([0.0], [1.0], **PREDICTED)
        # the bottom row's legends, as titles: the dots move everywhere, a legend would hide some
        d_raw.set_title("dots: the 100 features", fontsize=9)
        d_norm.set_title("dots: features; ring: predicted (0, 1)", fontsize=9)
        d_out.set_title("dots: features; rings: predicted (beta_j, |gamma_j|)", fontsize=9)

    @staticmethod
    def _style_raw(h, d):
        h.set_xscale("symlog", linthresh=LINTHRESH, linscale=LINSCALE)
        h.set(xlim=(-RAW_LIM, RAW_LIM), ylim=(0, 0.12), xlabel="value (symlog axis)")
        d.set_xscale("symlog", linthresh=LINTHRESH, linscale=LINSCALE)
        d.set_yscale("log")
        d.set(xlim=(-RAW_LIM, RAW_LIM), ylim=RAW_STD_LIM, xlabel="feature mean (symlog axis)")
        for ax in (h, d):
            ax.set_xticks(RAW_TICKS, [f"{t:.0e}".replace("e+0", "e") if abs(t) > 100 else f"{t:g}"
                                      for t in RAW_TICKS])
            ax.set_xticks(RAW_MINOR, minor=True)
            ax.axvspan(-LINTHRESH, LINTHRESH, color="0.93", zorder=0)  # the linear part

    def show(self, z, x_hat, y, gamma, beta):
        """Redraw for z, x_hat, y: (N, D) and gamma, beta: (D,); return the image bytes."""
        raw, norm, out = self.panels
        raw.show(z)
        # eps in sqrt(var + eps) shrinks the std of x_hat below 1 once var is not much larger
        small = x_hat.std(axis=0).min() < 0.99
        norm.show(x_hat, "stds < 1: var_j not >> eps" if small else "")
        out.show(y)
        self.predicted.set_data(beta, np.abs(gamma))
        self.live.refresh()
        return self.live.widget.value
