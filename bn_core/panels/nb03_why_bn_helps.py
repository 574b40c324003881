"""Figures and widgets of notebook 03, "why does BN help?" (numbers: experiments.smoothness).

    NoiseExplorer(data, seed)     slider for the noise strength; re-trains the noisy-BN net live
    ScaleExplorer(seed)           slider for the weight scale a: BN(x aW) = BN(x W), dV ~ 1/a
(the static figures, lr sweep and landscape: nb03_figures)

Sliders redraw LiveFigures in place. At open each figure is its stored picture (ui.poster) if an
earlier kernel drew it, and the default noisy-BN runs are read from the disk cache: matplotlib is
imported, and a LiveFigure built, at the first move.
"""

import ipywidgets as widgets
import numpy as np

from bn_core.experiments.cache import final_state, lookup
from bn_core.experiments.smoothness import (
    NOISE_STRENGTHS,
    drift,
    final_loss,
    noise_steps,
    scale_invariance,
)
from bn_core.panels.nb03_describe import noise_text, scale_text
from bn_core.train import history
from bn_core.ui import poster
from bn_core.ui import slider as sliders
from bn_core.ui.a11y import describe
from bn_core.ui.lazy_figure import LazyFigure
from bn_core.ui.palette import COLORS, LABELS
from bn_core.ui.runner import LiveRun
from bn_core.ui.stream import so_far

KINDS = ("plain", "bn", "noisy")


def smooth(loss, k=20):
    """Running mean of loss: (T,) over windows of k steps -> (T - k + 1,); (0,) if T < k."""
    if len(loss) < k:
        return np.zeros(0)
    return np.convolve(loss, np.ones(k) / k, mode="valid")


class NoiseExplorer:
    """Training curves of no BN, BN and BN + noise, drawn as they train; the noise slider
    re-trains BN + noise only (no BN and BN are trained once, with the first run).

    Panels: training loss (running mean of 20 steps), test accuracy, and the mean over the probe
    of one unit of the second hidden layer's input: the "input distribution" the noise shakes.
    The slider starts a LiveRun (a run still training gives way at once); `wait()` returns the
    summary of the last finished run.
    """

    FIGSIZE = (12, 3.3)

    def __init__(self, data, seed, steps=400, lr=0.5, strength=0.5, unit=0):
        self.data, self.seed, self.steps, self.lr, self.unit = data, seed, steps, lr, unit
        self.runs = {}  # {kind: train() history} of the finished runs
        self.summary = None
        self.image = poster.image_widget(self.FIGSIZE)
        # built while the learner reads (ui.prebuild), or when a run first draws
        self.figure = LazyFigure(self.image, self._build, current=lambda: self.run.state,
                                 text=self.text)
        self.slider = sliders.FloatSlider(value=strength, min=NOISE_STRENGTHS[0],
                                          max=NOISE_STRENGTHS[-1], step=0.05,
                                          description="noise", continuous_update=False)
        self.slider.add_class("bn-noise-strength")
        self.readout = widgets.HTML(layout=widgets.Layout(height="48px"))
        self.readout.add_class("bn-noise-readout")
        name = poster.poster_key("nb03.noise", seed, steps, lr, unit, *data)
        self.run = LiveRun(self._start, self.figure, params={"strength": strength},
                           frame_seconds=0.1, on_done=self._done, lookup=self._lookup,
                           poster=poster.RunPosters(name, self.image, self.text))
        # the value as the slider shows it (0.15, not 0.15000000000000002): the warmed run's key
        self.slider.observe(lambda change: self.run.restart(strength=round(change["new"], 2)),
                            "value")
        self.widget = widgets.VBox([self.slider, self.run.widget, self.image, self.readout])

    @property
    def live(self):
        """The LiveFigure, built the first time it is needed; it then draws the last state shown
        (the stored end on show, if any), replacing the stored picture."""
        return self.figure.live

    def _build(self, image):
        """The LiveFigure rendering into image, and draw(state) (for LazyFigure)."""
        from bn_core.ui.live import LiveFigure

        live = LiveFigure(1, 3, figsize=self.FIGSIZE, widget=image)
        titles = ["training loss", "test accuracy", f"layer 2's input: mean of unit {self.unit}"]
        for ax, title in zip(live.axes, titles):
            ax.set_title(title, fontsize=10)
            ax.set_xlabel("step")
            ax.set_xlim(0, self.steps)
        live.axes[0].set(yscale="log", ylim=(0.01, 4))
        live.axes[1].set_ylim(0, 1)
        live.axes[2].set_ylim(-3, 5)
        self.lines = {}
        for kind in KINDS:
            style = {"color": COLORS[kind], "label": LABELS[kind], "lw": 1.5}
            self.lines[kind] = [live.animate(ax.plot([], [], **style)[0]) for ax in live.axes]
        live.axes[0].legend(loc="lower left", fontsize=9)
        return live, lambda state: self._draw(live, state)

    def wait(self, timeout=None):
        """Block until the current run ends; return its summary (see update)."""
        self.run.wait(timeout)
        return self.summary

    def update(self, strength=0.5):
        """Re-train BN + noise at this strength and wait for it. Returns and keeps as
        self.summary {kind: (final training loss, drift of layer 2's input)}."""
        self.run.restart(strength=strength)
        return self.wait()

    def _args(self, strength):
        # the same seed gives the same initial weights and batches whatever the kinds
        kinds = ("noisy",) if "bn" in self.runs else KINDS
        return dict(data=self.data, kinds=kinds, steps=self.steps, lr=self.lr, seed=self.seed,
                    strength=strength, watch=1)

    def _start(self, strength):
        return noise_steps(**self._args(strength))

    def _lookup(self, params):
        """The stored end of this run, if the cache holds it (the first run: every kind; the warm
        step also trains BN + noise alone at every strength of the slider); else None."""
        return lookup(final_state, steps_fn=noise_steps, **self._args(params["strength"]))

    def text(self, state):
        """The figure's text alternative for `state` (the runs of earlier kinds from self.runs)."""
        curves = {kind: {"loss": state[kind]["loss"][:state[kind]["step"]],
                         "test_acc": state[kind]["test_acc"],
                         "watch": {f: so_far(state, kind, "watch", f) for f in ("mean", "std")}}
                  for kind in KINDS if kind in state}  # so_far adds a key to state
        curves = {k: curves[k] if k in curves else self.runs[k] for k in KINDS
                  if k in curves or k in self.runs}
        step = max(state[k]["step"] for k in KINDS if k in state)
        return noise_text(self.run.params["strength"], step, self.steps, curves, self.unit)

    def _draw(self, live, state):
        """Put state's curves on the figure (LazyFigure sets the text alternative with it)."""
        for kind in KINDS:
            if kind in state:
                s = state[kind]
                watch = [so_far(state, kind, "watch", f) for f in ("step", "mean")]
                self._lines(kind, s["loss"][:s["step"]], s["eval_step"], s["test_acc"], *watch)
        live.refresh()

    def _lines(self, kind, loss, eval_step, test_acc, watch_step, watch_mean):
        loss_line, acc_line, mean_line = self.lines[kind]
        loss = smooth(loss)
        loss_line.set_data(np.arange(len(loss)) + 20, loss)
        acc_line.set_data(eval_step, test_acc)
        mean_line.set_data(watch_step, watch_mean[:, self.unit])

    def _done(self, state):
        self.runs.update({kind: history(state[kind]) for kind in state if kind in KINDS})
        self.summary = {k: (final_loss(h["loss"]), drift(h["watch"])) for k, h in self.runs.items()}
        self.readout.value = "<br>".join(
            f"<b>{LABELS[k]}</b>: final loss {f:.3f}, input drift per record {d:.3f}"
            for k, (f, d) in self.summary.items())


class ScaleExplorer:
    """Slider for the weight scale a: z = x (a W) widens with a, BN(z) does not move, and the
    gradient dV of the weight V = a W shrinks as 1/a. At open: the stored picture of a, if any;
    the figure (.live) is built at the first move."""

    FIGSIZE = (12, 3.2)

    def __init__(self, seed, a=1.0, feature=0):
        self.seed, self.feature, self.a = seed, feature, None
        self.image, self._live = poster.image_widget(self.FIGSIZE), None
        self.slider = sliders.FloatLogSlider(value=a, base=10, min=-1, max=1, step=0.05,
                                             description="a")
        self.slider.add_class("bn-weight-scale")
        self.readout = widgets.HTML(layout=widgets.Layout(height="24px"))
        self.readout.add_class("bn-scale-readout")
        widgets.interactive_output(self.update, {"a": self.slider})
        self.widget = widgets.VBox([self.slider, self.image, self.readout])

    @property
    def live(self):
        """The LiveFigure, built the first time it is needed; it then draws the a on show."""
        if self._live is None:
            from bn_core.ui.live import LiveFigure

            grid = np.geomspace(0.1, 10, 41)
            norms = [np.linalg.norm(self._run(g)["dV"]) for g in grid]
            live = LiveFigure(1, 3, figsize=self.FIGSIZE, widget=self.image)
            ax_z, ax_out, ax_g = live.axes
            self.z_bins, self.out_bins = np.linspace(-20, 20, 81), np.linspace(-4, 4, 41)
            self.z_hist = live.animate(ax_z.stairs(np.zeros(80), self.z_bins, fill=True))
            self.out_hist = live.animate(ax_out.stairs(np.zeros(40), self.out_bins, fill=True))
            ax_z.set(title="z = x (a W), one feature", ylim=(0, 200), xlabel="z", ylabel="count")
            ax_out.set(title="BN(z), same feature", ylim=(0, 60), xlabel="BN(z)")
            ax_g.loglog(grid, norms[20] / grid, color=COLORS["context"], lw=6,
                        label="|dV at a=1| / a")
            ax_g.loglog(grid, norms, color=COLORS["bn"], lw=1.5, label="|dV| measured")
            ax_g.set(title="gradient of the weight V = a W", xlabel="a", ylabel="|dV|")
            ax_g.legend(fontsize=9)
            self.marker = live.animate(ax_g.plot([], [], "o", color=COLORS["highlight"], ms=8)[0])
            self._live = live
            self._draw(self.a)
        return self._live

    def _run(self, a):
        return scale_invariance(a, np.random.default_rng(self.seed), n=256)

    def _draw(self, a, r=None):
        r = self._run(a) if r is None else r
        self.z_hist.set_data(np.histogram(r["z"][:, self.feature], self.z_bins)[0])
        self.out_hist.set_data(np.histogram(r["out"][:, self.feature], self.out_bins)[0])
        self.marker.set_data([a], [np.linalg.norm(r["dV"])])
        self.live.refresh()

    def update(self, a=1.0):
        """Redraw for weight scale a. Returns (out: (n, d_out), |dV|). The first call (at open)
        shows the stored picture of a if there is one, else draws and stores it."""
        at_open, self.a, r = self.a is None, a, self._run(a)
        key = poster.poster_key("nb03.scale", self.seed, self.feature, a)

        def draw():
            if self._live is None:
                self.live  # noqa: B018  (built, it draws a)
            else:
                self._draw(a, r)

        with self.image.hold_sync():  # the picture and its text in one message
            describe(self.image, scale_text(a, r, self.feature))
            poster.opening(self.image, key, draw) if at_open else draw()
        norm = float(np.linalg.norm(r["dV"]))
        self.readout.value = f"a = {a:.2f}: |dV| = {norm:.4f}, a * |dV| = {a * norm:.4f}"
        return r["out"], norm
