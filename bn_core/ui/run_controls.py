"""The controls of a LiveRun: play / pause, step, reset, speed (steps per frame), the readout
"step k / T, x s", a line for errors (red: Voila swallows what a thread raises), and a polite
live region that a screen reader reads out: a run's start, its progress at most every
ANNOUNCE_SECONDS, a pause, its end (ui.a11y.Announcer; the readout itself changes every frame).

CSS classes for browser tests: bn-run-play, bn-run-step, bn-run-reset, bn-run-speed,
bn-run-readout, bn-run-error, bn-live-status (the live region).
"""

import html

import ipywidgets as widgets

from bn_core.ui.a11y import Announcer
from bn_core.ui.palette import TEXT

SPEEDS = {"fastest": 0, "10 steps / frame": 10, "1 step / frame": 1}  # 0: a frame every ~0.1 s
ANNOUNCE_SECONDS = 5.0  # a screen reader says a run's progress at most this often


class RunControls:
    """Buttons bound to a LiveRun's toggle / step / reset and its steps_per_frame."""

    def __init__(self, run):
        def button(description, icon, tooltip, on_click, name):
            b = widgets.Button(description=description, icon=icon, tooltip=tooltip,
                               layout=widgets.Layout(width="auto"))
            b.on_click(lambda _b: on_click())
            b.add_class(f"bn-run-{name}")
            return b

        self.play = button("pause", "pause", "play / pause training", run.toggle, "play")
        self.step = button("step", "step-forward", "one training step, then pause", run.step,
                           "step")
        self.reset = button("reset", "undo", "back to step 0, paused", run.reset, "reset")
        self.speed = widgets.Dropdown(options=list(SPEEDS), value="fastest", description="speed",
                                      layout=widgets.Layout(width="210px"))
        self.speed.observe(lambda change: setattr(run, "steps_per_frame", SPEEDS[change["new"]]),
                           "value")
        self.speed.add_class("bn-run-speed")
        self.readout = widgets.HTML(layout=widgets.Layout(min_width="220px"))
        self.readout.add_class("bn-run-readout")
        self.error = widgets.HTML()
        self.error.add_class("bn-run-error")
        self.status = Announcer(ANNOUNCE_SECONDS)
        self.widget = widgets.VBox([
            widgets.HBox([self.play, self.step, self.reset, self.speed, self.readout]),
            self.error, self.status.widget])

    def announce(self, run, status, step, steps, seconds):
        """Tell a screen reader where run `run` is (status: training, paused, done, error): at
        once when its status changes, else at most every ANNOUNCE_SECONDS."""
        self.status.say((id(run), status), f"run {status}: step {step} of {steps}, "
                                           f"{seconds:.0f} seconds")

    def show_playing(self, playing):
        self.play.description = "pause" if playing else "play"
        self.play.icon = "pause" if playing else "play"


def error_html(exc):
    """The exception as one red line in the panel (a traceback would bury it)."""
    text = html.escape(f"{type(exc).__name__}: {exc}")
    return (f"<span style='color:{TEXT['highlight']}'><b>The run stopped with an error.</b> "
            f"{text}</span>")
