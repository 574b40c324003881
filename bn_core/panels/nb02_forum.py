"""Notebook 02's forum experiments, streamed while they train (LiveRun: play, pause, step, reset).

    FreezePanel   BN with gamma, beta trained / frozen at 1, 0 / centre only / no BN, same weights
                  and batches: (a) test accuracy, (b) training loss, (c) per-step drift of the
                  sigmoid's input y (the activation's input, Ng's z~; with frozen BN y = x_hat)
    ShiftPanel    Santurkar et al.'s gradient-based internal covariate shift, without and with BN:
                  ||G - G'|| / ||G|| and cos(G, G') for the last layer's weights over training
Each has .run (the LiveRun: .wait() returns the last state), .widget (controls, figure, run bar).
A stored end (the warm cache) is shown as its stored picture (ui.poster): the figure (.live, a
ui.lazy_figure.LazyFigure) is built, and matplotlib imported, when a run first needs drawing.
"""

import functools

import ipywidgets as widgets
import numpy as np

from bn_core.data import load_digits_split
from bn_core.experiments import freeze, ics
from bn_core.experiments.cache import final_lookup
from bn_core.experiments.what_stays_put import LR_SLIDER, distribution_change, snap_lr
from bn_core.panels.nb02_describe import freeze_text, shift_text
from bn_core.ui import prebuild
from bn_core.ui import slider as sliders
from bn_core.ui.lazy_figure import LazyFigure
from bn_core.ui.palette import COLORS, LABELS, TEXT
from bn_core.ui.poster import RunPosters, image_widget
from bn_core.ui.runner import LiveRun

FLOOR = 1e-7  # drift on a log axis: frozen BN's mean does not move (0), its std only through eps
digits = functools.lru_cache(maxsize=1)(load_digits_split)  # loaded once: not at every run


def _freeze_steps(**params):
    return freeze.freeze_steps(data=digits(), **params)  # the data freeze_steps loads itself


def _ics_steps(**params):
    return ics.ics_steps(data=digits(), **params)


def _lr_slider(value, cls):
    lo, hi, step = LR_SLIDER  # its values (snapped) are the lrs the warm step trains
    slider = sliders.FloatLogSlider(value=value, base=10, min=lo, max=hi, step=step,
                                    description="lr", continuous_update=False)
    return slider.add_class(cls)


class FreezePanel:
    """The four networks of experiments.freeze, trained in lockstep, drawn as they learn."""

    FIGSIZE = (12, 3.4)

    def __init__(self, lr=0.5, steps=200, seed=0, autostart=True):
        self.steps, self.image = steps, image_widget(self.FIGSIZE)
        self.figure = LazyFigure(self.image, self._build, current=lambda: self.run.state,
                                 text=freeze_text)
        self.lr = _lr_slider(lr, "bn-forum-lr")
        self.run = LiveRun(_freeze_steps, self.figure, autostart=autostart,
                           params={"lr": lr, "steps": steps, "seed": seed},
                           lookup=final_lookup(freeze.freeze_steps),  # warmed defaults: no training
                           poster=RunPosters("nb02.freeze", self.image, freeze_text))
        self.lr.observe(lambda change: self.run.restart(lr=snap_lr(change["new"])), "value")
        self.widget = widgets.VBox([self.lr, self.image, self.run.widget])
        prebuild.later(digits, digits)  # while the learner reads (once per kernel)

    @property
    def live(self):
        """The LiveFigure, built the first time a state is drawn (or asked for)."""
        return self.figure.live

    def _build(self, image):
        """The LiveFigure rendering into image, and draw(state) (for LazyFigure)."""
        from bn_core.ui.live import LiveFigure

        live, steps = LiveFigure(1, 3, figsize=self.FIGSIZE, widget=image), self.steps
        ax = live.axes
        self.lines = {}
        for kind in freeze.KINDS:
            style = {"color": COLORS[kind], "label": LABELS[kind]}
            self.lines[kind] = [live.animate(a.plot([], [], **style)[0]) for a in ax]
        ax[0].set(xlabel="training step", ylabel="test accuracy", ylim=(0, 1), xlim=(0, steps),
                  title="(a) test accuracy")
        ax[1].set(xlabel="training step", ylabel="minibatch loss (mean of 20 steps)",
                  yscale="log", ylim=(3e-3, 5), xlim=(0, steps), title="(b) training loss")
        ax[2].set(xlabel="training step", yscale="log", ylim=(FLOOR / 2, 1), xlim=(0, steps),
                  ylabel="per-step change of y's\nper-feature mean + std",
                  title="(c) drift of the sigmoid's input y")
        ax[2].text(0.03, 0.03, "frozen: mean fixed, std moves via eps only", ha="left",
                   fontsize=8, transform=ax[2].transAxes, color=TEXT["reference"])
        ax[0].legend(loc="center right", fontsize=8)
        return live, lambda state: self._draw(live, state)

    def _draw(self, live, state):
        for kind, run in state["runs"].items():
            acc, loss, drift = self.lines[kind]
            acc.set_data(run["eval_step"], run["test_acc"])
            done = run["step"]
            loss.set_data(np.arange(done), freeze.smoothed_loss(run["loss"][:done]))
            rows = run["record"]["next"].rows
            if len(rows["mean"]) > 1:
                d_mean, d_std = distribution_change({key: np.asarray(rows[key])
                                                     for key in ("mean", "std")})
                drift.set_data(np.arange(1, len(d_mean) + 1), np.maximum(d_mean + d_std, FLOOR))
        live.refresh()


class ShiftPanel:
    """ics.ics_steps without and with BN, for a sigmoid or a ReLU network."""

    FIGSIZE = (11, 3.4)

    def __init__(self, lr=0.5, steps=200, seed=0, activation="sigmoid", autostart=True):
        self.steps, self.image = steps, image_widget(self.FIGSIZE)
        self.figure = LazyFigure(self.image, self._build, current=lambda: self.run.state,
                                 text=shift_text)
        self.activation = widgets.ToggleButtons(options=["sigmoid", "relu"], value=activation,
                                                description="activation")
        self.activation.add_class("bn-ics-activation")
        self.lr = _lr_slider(lr, "bn-ics-lr")
        self.run = LiveRun(_ics_steps, self.figure, autostart=autostart,
                           params={"lr": lr, "steps": steps, "seed": seed,
                                   "activation": activation}, lookup=final_lookup(ics.ics_steps),
                           poster=RunPosters("nb02.ics", self.image, shift_text))
        self._quiet = False  # set while select() moves the widgets itself
        for name, control, value in (("activation", self.activation, lambda v: v),
                                     ("lr", self.lr, snap_lr)):
            control.observe(lambda c, name=name, value=value: self._quiet or self.run.restart(
                **{name: value(c["new"])}), "value")
        self.widget = widgets.VBox([widgets.HBox([self.activation, self.lr]), self.image,
                                    self.run.widget])
        prebuild.later(digits, digits)

    @property
    def live(self):
        """The LiveFigure, built the first time a state is drawn (or asked for)."""
        return self.figure.live

    def _build(self, image):
        """The LiveFigure rendering into image, and draw(state) (for LazyFigure)."""
        from bn_core.ui.live import LiveFigure

        live = LiveFigure(1, 2, figsize=self.FIGSIZE, widget=image)
        ax = live.axes
        self.lines = {kind: [live.animate(a.plot([], [], color=COLORS[kind],
                                                 label=LABELS[kind])[0]) for a in ax]
                      for kind in ("plain", "bn")}
        ax[0].set(xlabel="training step", yscale="log", ylim=(1e-3, 3), xlim=(0, self.steps),
                  ylabel="||G - G'|| / ||G||", title="(a) how much the last layer's gradient\n"
                  "changes when the layers below step")
        ax[1].set(xlabel="training step", ylabel="cos(G, G')", ylim=(0, 1.02),
                  xlim=(0, self.steps), title="(b) does it still point the same way?")
        ax[0].legend(loc="lower right", fontsize=8)
        self.note = live.animate(ax[1].text(0.03, 0.05, "", transform=ax[1].transAxes,
                                            fontsize=9, color=TEXT["highlight"]))
        return live, lambda state: self._draw(live, state)

    def select(self, activation, lr):
        """Show another network: set both controls, start one run (not two)."""
        self._quiet = True
        try:
            self.activation.value, self.lr.value = activation, lr
        finally:
            self._quiet = False
        return self.run.restart(activation=activation, lr=lr)

    def _draw(self, live, state):
        for kind, recorder in state["shift"].items():
            rows = recorder.rows
            if not rows["step"]:
                continue
            diff, norm = np.asarray(rows["diff"])[:, -1], np.asarray(rows["norm"])[:, -1]
            rel, cos = self.lines[kind]
            rel.set_data(rows["step"], diff / np.maximum(norm, 1e-300))
            cos.set_data(rows["step"], np.asarray(rows["cos"])[:, -1])
        gone = [f"{LABELS[kind]} diverged at step {run['step']}"
                for kind, run in state["runs"].items() if run["diverged"]]
        self.note.set_text("; ".join(gone) + (": no step to measure after it" if gone else ""))
        live.refresh()
