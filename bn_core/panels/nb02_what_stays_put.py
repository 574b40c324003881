"""Notebook 02's panel: both networks train live, the figures grow as they learn.

WhatStaysPut holds the figures (nb02_figures: Fig1Figure, ParamsFigure, ChangeFigure; nb02_scrub:
ScrubFigure) and the controls:
    lr        learning-rate slider: each release shows the run trained before at that lr (the warm
              step trains every lr of the slider: `experiments.warm.GRIDS`) at once, or else
              starts a new run (compare_bn_steps in a LiveRun's worker thread); a run still
              training is cancelled within one step, never queued; play trains it live
    run       play / pause / step / reset / speed, and the readout "step k / T, x s" (LiveRun)
    step      scrubs ScrubFigure through the snapshots trained so far, training or not
              (scrubber: the slider and "showing step k (n snapshots so far)")
    status    the lr of the figures and, once done, the final accuracies; "runs completed: n"
The notebook's numbers come from `dash.wait()`: the finished run's compare_bn() histories, equal to
a blocking compare_bn() at the same arguments. At open the panel shows the default run from the
on-disk cache (`python -m bn_core.panels.warm`, or an earlier learner) if it is there, on the
figures' stored first images (ui.poster; built when first needed: `dash.fig1`). A tap on lr shows
that lr's stored pictures (panels.warm draws every lr's), then reads its run; a built figure draws
it when next needed (the scrub figure while the learner reads: ui.prebuild).
"""

import ipywidgets as widgets

from bn_core.data import load_digits_split
from bn_core.experiments.cache import keep, lookup
from bn_core.experiments.what_stays_put import (
    LR_SLIDER,
    compare_bn,
    compare_bn_steps,
    histories,
    snap_lr,
)
from bn_core.panels import nb02_describe as texts
from bn_core.ui import poster, prebuild
from bn_core.ui import slider as sliders
from bn_core.ui.a11y import describe
from bn_core.ui.locks import DRAW_LOCK, FOREGROUND
from bn_core.ui.runner import LiveRun
from bn_core.ui.stream import first_frame

STORED_NOTE = " (read from the cache: press play to watch it train)"
# the figures (nb02_figures, nb02_scrub) and their sizes in inches
SIZES = {"fig1": (12, 3.3), "params": (11, 5.2), "change": (11, 3.6), "scrub": (12, 5.4)}


class WhatStaysPut:
    """All figures of notebook 02, a learning-rate slider that re-trains both networks live, and a
    step slider scrubbing ScrubFigure through training. frame_seconds: time between frames."""

    def __init__(self, lr=0.5, steps=1000, seed=0, unit=0, data=None, snapshot_every=10,
                 frame_seconds=0.15):
        # the default run's numbers, trained once before (data given: the learner's own run)
        self._stored = None if data is not None else {
            "lr": lr, "steps": steps, "seed": seed, "unit": unit, "snapshot_every": snapshot_every}
        cached = lookup(compare_bn, **self._stored) if self._stored else None
        data = load_digits_split() if data is None else data  # here: imports stay off the thread
        self.experiment = {"steps": steps, "seed": seed, "unit": unit, "data": data,
                           "snapshot_every": snapshot_every}
        self.experiment_key = (steps, seed, unit, snapshot_every)  # the pictures depend on these
        self.images = {name: poster.image_widget(size) for name, size in SIZES.items()}
        self.images["scrub"].add_class("bn-scrub-figure")
        for image in self.images.values():  # until a run's first frame (or its stored end)
            describe(image, "The figure appears when both networks start training.")
        self._figures = {}  # name -> figure, built when first needed
        self._pictured = set()  # built figures whose image shows the stored picture of self.runs
        self.runs = None  # compare_bn()'s histories of the last run that finished
        self._runs_key = None  # the scrub figure's stored picture of them, if they are stored
        lo, hi, step = LR_SLIDER
        self.lr = sliders.FloatLogSlider(value=lr, base=10, min=lo, max=hi, step=step,
                                         description="lr", continuous_update=False)
        self.lr.add_class("bn-lr")
        self.status = widgets.HTML().add_class("bn-status")
        self.completed = widgets.HTML("runs completed: 0").add_class("bn-runs-completed")
        self.step = sliders.IntSlider(value=steps, min=0, max=steps, step=snapshot_every,
                                      description="step", continuous_update=True)
        self.step.add_class("bn-step")
        self.shown = widgets.HTML().add_class("bn-scrub-readout")
        self.scrubber = widgets.HBox([self.step, self.shown])  # the step slider and what it shows
        self.run = LiveRun(self._start, self._draw, params={"lr": lr},
                           frame_seconds=frame_seconds, on_done=self._done, autostart=False,
                           lookup=self._stored_run)
        self.lr.observe(lambda change: self.restart(change["new"]), "value")
        self.step.observe(lambda change: self.show_step(change["new"]), "value")
        self.controls = widgets.VBox([widgets.HBox([self.lr, self.status]),
                                      widgets.HBox([self.run.widget, self.completed])])
        if cached is None:
            self.restart(lr)
        else:
            self.show_runs(cached, lr, note=STORED_NOTE)

    def figure(self, name, draw_runs=True):
        """Figure `name` of SIZES, built (matplotlib imported) the first time it is needed; it
        takes over its image from the stored first picture and draws the last finished run
        (draw_runs=False: not, for a run that is about to stream into it); one that shows a
        stored picture of it (_show_pictures) draws it now."""
        with DRAW_LOCK:
            if name in self._pictured:  # its image shows self.runs' stored picture: drawn now
                self._pictured.discard(name)
                if draw_runs:
                    self._update(name, self.runs)
        if name not in self._figures:
            from bn_core.panels.nb02_figures import ChangeFigure, Fig1Figure, ParamsFigure
            from bn_core.panels.nb02_scrub import ScrubFigure

            with DRAW_LOCK:
                image = self.images[name]
                figure = {"fig1": lambda: Fig1Figure(self.experiment["unit"], widget=image),
                          "params": lambda: ParamsFigure(widget=image),
                          "change": lambda: ChangeFigure(widget=image),
                          "scrub": lambda: ScrubFigure(widget=image)}[name]()
                self._figures[name] = figure
                if self.runs is not None and draw_runs:
                    self._update(name, self.runs)
        return self._figures[name]

    def _update(self, name, runs, streamed=False):  # the scrub figure: stored runs, kept limits
        if name == "scrub":
            return self._figures[name].update(runs, self._runs_key)
        self._figures[name].update(runs, streamed)

    fig1 = property(lambda self: self.figure("fig1"))
    params = property(lambda self: self.figure("params"))
    change = property(lambda self: self.figure("change"))
    scrub = property(lambda self: self.figure("scrub"))

    def restart(self, lr, fresh=False):
        """Both networks at learning rate lr (snapped to what the slider shows): the run trained
        before at that lr if the cache holds it, else trained live (fresh=True: always); the
        running one, if any, gives way."""
        lr = snap_lr(lr)
        with FOREGROUND, DRAW_LOCK:  # the old run cannot draw over the pictures: then replaced
            self.status.value = f"lr = {lr:.3g}: training both networks..."
            if self._stored and not fresh:  # a stored run's pictures first, its numbers follow
                self._show_pictures(lr, SIZES)  # (reading them would take turns with these)
            self.run.restart(lr=lr, fresh=fresh)

    def wait(self, timeout=None):
        """Block until the current run ends; return its histories {"plain": ..., "bn": ...}."""
        self.run.wait(timeout)
        return self.runs

    def show_step(self, step, lazy=False):
        """The step slider: the scrub figure at the snapshot nearest to `step` trained so far.
        Returns the snapshot's index (None before the first snapshot)."""
        with FOREGROUND, DRAW_LOCK, self.images["scrub"].hold_sync():
            k = self.scrub.show(step, lazy)
            if k is not None:
                describe(self.images["scrub"], texts.scrub_text(self.scrub.steps[k],
                                                                self.scrub.stats[k]))
                self.shown.value = (f"showing step {self.scrub.steps[k]} "
                                    f"({len(self.scrub.steps)} snapshots so far)")
            return k

    # ------------------------------------------------------------ called by the LiveRun's thread

    def _start(self, lr):
        return compare_bn_steps(lr=lr, **self.experiment)

    def _stored_run(self, params):
        """LiveRun's lookup: the run trained before at params["lr"] (with this notebook's defaults),
        as a final state {"step": T, "steps": T, "stored": histories}; None if not in the cache."""
        runs = self._stored and lookup(compare_bn, **{**self._stored, "lr": params["lr"]})
        steps = self._stored and self._stored["steps"]
        return {"step": steps, "steps": steps, "stored": runs} if runs else None

    def _draw(self, state):
        """One frame: every figure gets the curves so far, one at a time (LiveRun holds DRAW_LOCK
        for each, and lets a control's callback in between)."""
        if "stored" in state:  # a stored run: one figure per part, a newer tap stops it
            yield from self._show_runs(state["stored"], self.run.params["lr"], note=STORED_NOTE)
            return
        if state["step"] == state["steps"]:
            return  # the last state: _done draws it with its exact limits, once
        described = texts.figure_texts_so_far(state, self.experiment["unit"])
        for name in ("fig1", "params", "change"):
            with self.images[name].hold_sync():  # the picture and its text in one message
                describe(self.images[name], described[name])
                self.figure(name, draw_runs=False).stream(state)
            yield
        scrub = self.figure("scrub", draw_runs=False)
        scrub.extend(state["bn"]["record"]["snap"].rows, first_frame(state, "scrub"))
        self.show_step(self.step.value, lazy=True)

    def _done(self, state):
        """The run reached its end: the whole curves, on the limits grown while it trained where
        they fit them well (no full redraw), and the final numbers. A stored run: its figures."""
        if "stored" in state:  # _draw has shown it
            self.completed.value = f"runs completed: {self.run.completed}"
            return
        self.scrub.extend(state["bn"]["record"]["snap"].rows, first_frame(state, "scrub"))
        runs = histories(state)
        if self._stored and self._stored["lr"] == self.run.params["lr"]:
            keep(compare_bn, runs, **self._stored)  # broken in the cache: stored again
        self.show_runs(runs, self.run.params["lr"], streamed=True)
        self.completed.value = f"runs completed: {self.run.completed}"

    def show_runs(self, runs, lr, note="", streamed=False):
        """Every figure and the status for finished histories {"plain": ..., "bn": ...}. streamed:
        the figures have just streamed them; stored (note): figures show their stored pictures."""
        for _part in self._show_runs(runs, lr, note, streamed):
            pass

    def _key(self, name, lr):
        """The key of figure `name`'s stored picture of the run at lr (ui.poster)."""
        return poster.poster_key(f"nb02.{name}", lr, *self.experiment_key)

    def _show_pictures(self, lr, names):
        """The stored pictures of the run at lr in the figures `names` that have one (the scrub
        figure's shows the last step: only with the step slider there). True if any shows."""
        shown = False
        with DRAW_LOCK:
            for name in names:
                image = self.images[name]
                if (name == "scrub" and self.step.value != self.step.max
                        or not poster.show(image, self._key(name, lr), text=True)):
                    continue
                shown = True
                if name in self._figures:  # the scrub figure draws it while the learner reads
                    self._pictured.add(name)
                    if name == "scrub":
                        prebuild.later(image, lambda: self.figure("scrub"),
                                       pending=lambda: "scrub" in self._pictured)
        return shown

    def _show_runs(self, runs, lr, note="", streamed=False):
        """show_runs() one figure at a time: a generator that yields after each (~0.25 s each)."""
        self.runs = runs
        self._runs_key = self._key("scrub", lr) if note == STORED_NOTE else None
        described = {**texts.figure_texts(runs, self.experiment["unit"]),
                     "scrub": texts.scrub_text(*texts.last_snapshot_stats(runs))}
        stored = note == STORED_NOTE
        for name in SIZES:
            figure, image, key = self._figures.get(name), self.images[name], self._key(name, lr)
            with image.hold_sync():  # the picture and its text in one message
                describe(image, described[name])
                if figure is None:
                    poster.opening(image, key, lambda name=name: self.figure(name),
                                   described[name])  # it draws self.runs
                elif not (stored and self._show_pictures(lr, [name])):
                    self._pictured.discard(name)
                    if name != "scrub" or not streamed:
                        self._update(name, runs, streamed)
                    if stored:  # the next learner's tap shows it
                        poster.store(key, image, described[name])
            yield
        if "scrub" in self._figures and "scrub" not in self._pictured:
            self.show_step(self.step.value)
        else:  # the stored picture shows the last snapshot
            steps = runs["bn"]["snap"]["step"]
            self.shown.value = f"showing step {steps[-1]} ({len(steps)} snapshots so far)"
        self.status.value = texts.status_text(runs, lr) + note
