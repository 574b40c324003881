"""Notebook 08, CS231n's two experiments at laptop scale, streamed point by point.

    sweep = scale_panel()       # 2 nets x 12 scales x 2 learning rates (stored: no training)
    batches = batch_panel()     # batch 4, 16, 64 with BN, epoch by epoch

Each figure (matplotlib) is built when its run first draws, or at `.live`. Both runs' stored ends
(the warm cache) are shown as their stored pictures (ui.poster), without training.
"""

import ipywidgets as widgets
import numpy as np

from bn_core.experiments.cache import final_lookup
from bn_core.experiments.depth_sweeps import (
    BATCH_SIZES,
    EPOCHS,
    LRS,
    NETS,
    SCALES,
    batch_progress,
    batch_size_run,
    sweep_progress,
    weight_scale_sweep,
)
from bn_core.panels.nb08_describe import batch_text, sweep_text
from bn_core.ui.lazy_figure import LazyFigure
from bn_core.ui.palette import COLORS, LABELS, UNIT_COLORS
from bn_core.ui.poster import RunPosters, image_widget
from bn_core.ui.runner import LiveRun

LOSS_TOP = 3.0  # a diverged run's loss (inf) is drawn as an x at this height
SCALE_SIZE, BATCH_SIZE = (10, 3.4), (10, 3.2)  # the figures' figsizes (inches)


class RunPanel:
    """A LiveRun above its figure: .widget, .run, .image and .live (the LiveFigure, built at the
    first draw or at first use; it then draws the state on show). poster: a name for the
    pictures of the run's stored ends (ui.poster.RunPosters)."""

    def __init__(self, figsize, build, start, note=None, poster=None, text=None, **run_kw):
        self.image = image_widget(figsize)
        self.figure = LazyFigure(self.image, build, current=lambda: self.run.state, text=text)
        if poster is not None:
            run_kw["poster"] = RunPosters(poster, self.image, text)
        self.run = LiveRun(start, self.figure, **run_kw)
        self.widget = widgets.VBox(([note] if note is not None else [])
                                   + [self.run.widget, self.image])

    @property
    def live(self):
        return self.figure.live

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


LR_STYLE = ("o-", "s--")  # the sweep's learning rates, in the order of LRS: solid, dashed
LR_CROSS = ("x", "+")  # a diverged point, per learning rate


def scale_figure(image, scales, lrs=LRS):
    """The sweep's LiveFigure in `image` and its draw(state): one line per (net, lr)."""
    from bn_core.ui.live import LiveFigure

    live = LiveFigure(1, 2, figsize=SCALE_SIZE, widget=image)
    ax_acc, ax_loss = live.axes
    art = {}
    for r, lr in enumerate(lrs):
        for net in NETS:
            style = dict(color=COLORS[net], label=f"{LABELS[net]}, lr {lr:g}", ms=4,
                         mfc="none" if r else COLORS[net])
            art[net, r] = (
                live.animate(ax_acc.plot([], [], LR_STYLE[r % 2], **style)[0]),
                live.animate(ax_loss.plot([], [], LR_STYLE[r % 2], **style)[0]),
                live.animate(ax_loss.plot([], [], LR_CROSS[r % 2], color=COLORS[net], ms=9,
                                          mew=2)[0]))
    status = live.animate(ax_acc.text(0.02, 0.04, "", transform=ax_acc.transAxes, fontsize=9))
    lo, hi = min(scales) / 1.5, max(scales) * 1.5
    ax_acc.axhline(0.1, color=COLORS["reference"], ls=":", lw=1, label="chance (10 classes)")
    ax_acc.set(xscale="log", xlim=(lo, hi), ylim=(0, 1.02), xlabel="weight scale (std of W)",
               title="best test accuracy")
    ax_loss.set(xscale="log", xlim=(lo, hi), ylim=(0, LOSS_TOP * 1.1),
                xlabel="weight scale (std of W)",
                title=f"final training loss (x, + at {LOSS_TOP:.0f}: diverged)")
    ax_acc.legend(loc="center left", fontsize=7)
    for ax in live.axes:
        ax.grid(alpha=0.3)

    def draw(state):
        x = state["scales"]
        for (net, r), (acc_line, loss_line, diverged_marks) in art.items():
            acc, loss, bad = (state[k][net][r] for k in ("best_acc", "final_loss", "diverged"))
            done = ~np.isnan(acc)
            acc_line.set_data(x[done], acc[done])
            finite = done & ~bad
            loss_line.set_data(x[finite], np.minimum(loss[finite], LOSS_TOP))
            diverged_marks.set_data(x[bad], np.full(bad.sum(), LOSS_TOP))
        n_div = int(sum(state["diverged"][net].sum() for net in NETS))
        status.set_text(f"{state['done']} of {state['total']} trainings"
                        + (f", {n_div} diverged" if n_div else ""))
        live.refresh()

    return live, draw


def scale_panel(scales=SCALES, lrs=LRS):
    """Best test accuracy and final loss against the weight scale, with and without BN, at two
    learning rates. A stored end (the warm cache) is shown without training; play trains the
    sweep again, point by point. Returns a RunPanel (.widget, .run, .live)."""
    trainings = 2 * len(scales) * len(lrs)
    note = widgets.HTML(f"The sweep's result is stored: <b>play</b> runs it again, {trainings} "
                        "short trainings, each point drawn as it arrives (about half a minute "
                        "on a quiet machine).")
    params = {"scales": tuple(scales), "lrs": tuple(lrs)}
    params = {} if params == {"scales": SCALES, "lrs": LRS} else params  # the warm cache's key
    return RunPanel(SCALE_SIZE, lambda image: scale_figure(image, scales, lrs),
                    weight_scale_sweep, note, params=params, progress=sweep_progress,
                    lookup=final_lookup(weight_scale_sweep), poster="nb08.sweep",
                    text=sweep_text)


def batch_figure(image):
    """The batch-size run's LiveFigure in `image` and its draw(state)."""
    from bn_core.ui.live import LiveFigure

    live = LiveFigure(1, 2, figsize=BATCH_SIZE, widget=image)
    ax_train, ax_test = live.axes
    sizes, epochs = BATCH_SIZES, EPOCHS
    lines = {}
    for k, size in enumerate(sizes):
        color = UNIT_COLORS[k % len(UNIT_COLORS)]
        lines[k] = (live.animate(ax_train.plot([], [], "o-", color=color,
                                               label=f"batch {size}")[0]),
                    live.animate(ax_test.plot([], [], "o-", color=color,
                                              label=f"batch {size}")[0]))
    for ax, what in ((ax_train, "training"), (ax_test, "test")):
        ax.set(xlim=(0.8, epochs + 0.2), ylim=(0.5, 1.0), xlabel="epoch",
               title=f"{what} accuracy (eval mode), with BN", xticks=range(1, epochs + 1))
        ax.grid(alpha=0.3)
    ax_test.legend(loc="lower right", fontsize=8)

    def draw(state):
        e = np.arange(1, state["epochs"] + 1)
        for k in lines:
            for line, key in zip(lines[k], ("train_acc", "test_acc"), strict=True):
                y = state[key][k]
                done = ~np.isnan(y)
                line.set_data(e[done], y[done])
        live.refresh()

    return live, draw


def batch_panel():
    """Training and test accuracy (eval mode) after each epoch, at batch 4, 16, 64, with BN.
    Returns a RunPanel (.widget, .run, .live); a stored end is shown without training."""
    return RunPanel(BATCH_SIZE, batch_figure, batch_size_run, progress=batch_progress,
                    lookup=final_lookup(batch_size_run), poster="nb08.batch", text=batch_text)
