"""Notebook 06's ghost-batch regularization run: train and test accuracy against the ghost-batch
size of BN's statistics, trained live in a LiveRun.

At open the default run's end comes from the on-disk cache (experiments.cache) when it holds it
(`python -m bn_core.panels.warm`, or an earlier kernel's warm), and its stored picture
(ui.poster) is shown: the figure (.live) is built, and matplotlib imported, when a run first needs
drawing (another run chosen, or play / step / reset, which always train).
"""

import warnings

import ipywidgets as widgets
import numpy as np

from bn_core.experiments.cache import final_lookup
from bn_core.experiments.coupling import ghost_experiment_steps
from bn_core.panels.nb06_describe import ghost_text
from bn_core.ui.a11y import describe
from bn_core.ui.palette import BLUE, ORANGE
from bn_core.ui.poster import RunPosters, image_widget, poster_key
from bn_core.ui.runner import LiveRun

RUNS = {"default": {"ghosts": (2, 4, 8, 32), "repeats": 2},  # 10 trainings, a few seconds
        "bigger": {"ghosts": (2, 4, 8, 16, 32), "repeats": 5}}  # 30 trainings
FIGSIZE = (10, 3.4)


class GhostPanel:
    """See regularization_panel. .widget, .controls, .live (built when first drawn), .run (the
    LiveRun), .data (the last finished run's result), .wait(timeout)."""

    def __init__(self, rng, runs=RUNS):
        self.rng, self.data = rng, {}
        self.results, self.seeds = {}, {}  # run name -> finished result; -> seeds (from rng)
        self.runs = {name: dict(options) for name, options in runs.items()}
        self.image, self._live = image_widget(FIGSIZE), None
        buttons = widgets.ToggleButtons(options=list(runs), description="run")
        buttons.add_class("bn-ghost-run")
        describe(self.image, ghost_text({}))  # until the first result is drawn
        posters = RunPosters("nb06.regularization", self.image, ghost_text)  # by seeds, options:
        posters.key = lambda params: poster_key(posters.name, *self._arguments(params["run"]))
        self.run = LiveRun(self._start, self.draw, params={"run": buttons.value},
                           autostart=False, on_done=self._done, poster=posters,
                           lookup=final_lookup(ghost_experiment_steps,
                                               lambda params: dict(self._arguments(params["run"]))))
        self.controls = {"run": buttons}
        self.widget = widgets.VBox([buttons, self.run.widget, self.image])
        buttons.observe(lambda change: self.choose(change["new"]), "value")
        self.choose(buttons.value)

    def wait(self, timeout=None):
        """Block until the run ends; return .data."""
        self.run.wait(timeout)
        return self.data

    def _arguments(self, run):
        """ghost_experiment_steps' keyword arguments for run `run`, as sorted (name, value)s."""
        return sorted({"seeds": self.seeds[run], **self.runs[run]}.items())

    def choose(self, run):
        if run not in self.seeds:  # drawn on the kernel's thread: the notebook's rng stays in order
            options = self.runs[run]
            self.seeds[run] = self.rng.integers(2**32, size=options.pop("repeats", 2))
        self.run.restart(run=run)

    def _start(self, run):
        if run in self.results:  # trained before: shown at once
            yield {"step": 1, "steps": 1, **self.results[run]}
            return
        yield from ghost_experiment_steps(self.seeds[run], **self.runs[run])

    def _done(self, state):
        result = {key: state[key] for key in ("ghosts", "train", "test", "plain_train",
                                              "plain_test")}
        self.results[self.run.params["run"]] = result
        self.data = {"run": self.run.params["run"], **result}

    @property
    def live(self):
        """The LiveFigure, built the first time a state is drawn."""
        if self._live is None:
            from matplotlib.ticker import NullFormatter

            from bn_core.ui.live import LiveFigure

            live = LiveFigure(ncols=2, figsize=FIGSIZE, widget=self.image)
            ax_acc, ax_gap = live.axes
            for ax in live.axes:
                ax.set_xscale("log", base=2)
                ax.set_xticks([2, 4, 8, 16, 32], labels=["2", "4", "8", "16", "32"])
                ax.xaxis.set_minor_formatter(NullFormatter())
                ax.set(xlim=(1.6, 40), xlabel="ghost batch size (BN statistics); SGD batch 32")
            ax_acc.set(ylim=(0.7, 1.01), ylabel="accuracy (eval mode)",
                       title="train and test accuracy")
            ax_gap.set(ylim=(-0.02, 0.12), ylabel="train - test accuracy",
                       title="the generalization gap")
            styles = {"train": (BLUE, "train"), "test": (ORANGE, "test"), "gap": ("k", "gap")}
            self.artists = {}
            for key, (color, label) in styles.items():
                ax = ax_gap if key == "gap" else ax_acc
                self.artists[key] = live.animate(
                    ax.plot([], [], "o-", color=color, lw=2, label=f"{label}, BN")[0],
                    ax.plot([], [], "o", color=color, alpha=0.3, ms=4)[0],
                    ax.axhline(np.nan, color=color, ls="--", label=f"{label}, no BN"))
            ax_acc.legend(loc="lower right", fontsize=9, ncol=2)
            ax_gap.legend(loc="upper right", fontsize=9)
            self.readout = live.animate(ax_gap.text(1.8, 0.105, "", fontsize=10))
            self._live = live
        return self._live

    def draw(self, res):
        with self.image.hold_sync():  # the picture and its text in one message
            describe(self.image, ghost_text(res))
            self._draw(res)

    def _draw(self, res):
        live = self.live
        values = {"train": (res["train"], res["plain_train"]),
                  "test": (res["test"], res["plain_test"]),
                  "gap": (res["train"] - res["test"], res["plain_train"] - res["plain_test"])}
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # nanmean of a point still training
            for key, (bn_values, plain) in values.items():
                mean_line, points, plain_line = self.artists[key]
                mean_line.set_data(res["ghosts"], np.nanmean(bn_values, axis=1))  # (G, R) -> (G,)
                points.set_data(np.repeat(res["ghosts"], bn_values.shape[1]), bn_values.ravel())
                plain_line.set_ydata([np.nanmean(plain)] * 2)
        self.readout.set_text(f"{bn_values.shape[1]} repeats per point (faint dots)")
        live.refresh()


def regularization_panel(rng, runs=RUNS):
    """Train and test accuracy against the ghost-batch size of BN's statistics (SGD batch fixed),
    and the train - test gap; dashed: the same network without BN. The "run" buttons choose an
    experiment of `runs` (name -> ghost_experiment keyword arguments); it trains live (points
    appear as their networks finish; switching gives way at once) and is kept once finished.
    Each run's seeds are drawn from rng when it is first chosen. Returns a GhostPanel: .widget,
    .controls, .live, .run (the LiveRun), .data (the last finished run's result) and .wait()
    (block until the run ends, then .data)."""
    return GhostPanel(rng, runs)
