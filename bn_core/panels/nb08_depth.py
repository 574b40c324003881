"""Notebook 08, the deep network layer by layer (makemore part 3's four plots), trained live.

    diag = depth_panel()        # depth, gain, f, BN controls; a LiveRun; a 2 x 2 figure; a table
    display(diag.widget)
    state = diag.run.wait()     # tests and nbval

A stored end (the warm cache) is shown as its stored picture (ui.poster) without training; the
figure (matplotlib) is built when a run first needs drawing, or at `diag.live`.

Panels: (a) each layer's activation histogram on one axis, (b) each layer's log10 |dL/dh|
histogram, (c) each weight matrix's grad : data ratio std(dW) / std(W), (d) update : data
log10(std(lr dW) / std(W)) over the steps, with the 1e-3 guide line. Below: the per-layer numbers.
"""

from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np

from bn_core.experiments.cache import final_lookup
from bn_core.experiments.depth import (
    DEFAULTS,
    DEPTHS,
    GAIN_SLIDER,
    GRAD_RANGE,
    HIST_RANGE,
    depth_run,
    depth_summary,
    histograms,
    slider_gain,
)
from bn_core.nn import ACTIVATION_GAIN
from bn_core.panels.nb08_describe import SAT_WORDS, depth_text
from bn_core.ui import slider as sliders
from bn_core.ui.lazy_figure import LazyFigure
from bn_core.ui.palette import COLORS, TEXT, depth_colors
from bn_core.ui.poster import RunPosters, image_widget
from bn_core.ui.runner import LiveRun

MAX_DEPTH, FIGSIZE, BINS = DEPTHS[-1], (11, 6.2), 50
GAIN_TEXT = {"tanh": "5/3", "relu": "\u221a2", "sigmoid": "1"}


def build_figure(steps, image=None):
    """The LiveFigure (rendering into `image` if given) and its animated artists, MAX_DEPTH of
    each kind (unused ones hidden)."""
    from bn_core.ui.live import LiveFigure

    live = LiveFigure(2, 2, figsize=FIGSIZE, widget=image)
    ax_act, ax_grad, ax_ratio, ax_upd = live.axes
    zeros = np.zeros(BINS)
    art = SimpleNamespace(
        act=[live.animate(ax_act.stairs(zeros, np.linspace(-1, 1, BINS + 1), lw=1.2))
             for _ in range(MAX_DEPTH)],
        grad=[live.animate(ax_grad.stairs(zeros, np.linspace(*GRAD_RANGE, BINS + 1), lw=1.2))
              for _ in range(MAX_DEPTH)],
        upd=[live.animate(ax_upd.plot([], [], lw=1.2)[0]) for _ in range(MAX_DEPTH + 1)],
        ratio=live.animate(ax_ratio.plot([], [], "o-", color=COLORS["highlight"], ms=4)[0]),
        note=live.animate(ax_act.text(0.02, 0.96, "", transform=ax_act.transAxes, va="top",
                                      fontsize=9)),
        status=live.animate(ax_upd.text(0.98, 0.96, "", transform=ax_upd.transAxes, va="top",
                                        ha="right", fontsize=11, color=TEXT["highlight"])))
    ax_act.set(title="(a) activations h = f(.) of each layer (probe set)", ylabel="density")
    ax_grad.set(title="(b) activation gradients", xlabel="log10 |dL/dh|", ylabel="density",
                xlim=GRAD_RANGE, ylim=(0, 1.6))
    ax_ratio.set(title="(c) weight grad : data, std(dW) / std(W)", xlabel="Linear layer",
                 yscale="log", ylim=(1e-6, 1e2), xlim=(0.5, MAX_DEPTH + 1.5))
    ax_upd.set(title="(d) update : data, log10(std(lr dW) / std(W))", xlabel="step",
               xlim=(0, steps), ylim=(-7, 0))
    ax_upd.axhline(-3, color=COLORS["reference"], ls="--", lw=1)
    ax_upd.text(steps, -2.9, "1e-3 ", color=COLORS["reference"], ha="right", va="bottom",
                fontsize=8)
    for ax in live.axes:
        ax.grid(alpha=0.3)
    return live, art


def set_activation_axis(live, activation):
    """(a)'s x range follows f: tanh's (-1, 1), sigmoid's (0, 1), ReLU's (0, 3)."""
    ax = live.axes[0]
    lo, hi = HIST_RANGE[activation]
    ax.set_xlim(lo, hi)
    ax.set_ylim(0, 4.0 / (hi - lo) * 1.5)
    ax.set_xlabel(f"h = {activation}(.)   (values past the axis land in its end bins)")
    live.invalidate()


def table_html(rows, activation, diverged):
    """The per-layer numbers as an HTML table (mean, std, % saturated, gradient std, ratios)."""
    head = ("<tr><th>layer</th><th>mean h</th><th>std h</th>"
            f"<th>saturated ({SAT_WORDS[activation]})</th><th>std dL/dh</th>"
            "<th>grad : data</th><th>log10 update : data</th></tr>")
    if not rows["step"]:
        return ""
    mean, std, sat = rows["act_mean"][-1], rows["act_std"][-1], rows["act_sat"][-1]
    gstd, ratio, upd = rows["grad_std"][-1], rows["grad_data"][-1], rows["update_data"][-1]
    body = []
    for k in range(len(mean)):
        u = "-" if not np.isfinite(upd[k]) else f"{upd[k]:.1f}"
        body.append(f"<tr><td>{k + 1}</td><td>{mean[k]:+.2f}</td><td>{std[k]:.3g}</td>"
                    f"<td>{100 * sat[k]:.1f}%</td><td>{gstd[k]:.1e}</td><td>{ratio[k]:.1e}</td>"
                    f"<td>{u}</td></tr>")
    word = (f"<b style='color:{TEXT['highlight']}'>diverged</b> (the loss left the finite "
            "range; numbers from the last finite step)<br>" if diverged else "")
    return (f"{word}<table style='font-size:12px;border-spacing:10px 0'>{head}{''.join(body)}"
            f"</table><small>step {rows['step'][-1]}</small>")


class DepthDraw:
    """draw(state) for the LiveRun: histograms and lines for the state's diagnostics."""

    def __init__(self, live, art, table):
        self.live, self.art, self.table = live, art, table
        self.activation = None

    def __call__(self, state):
        s, diag, art = state["settings"], state["diag"], self.art
        if s["activation"] != self.activation:
            self.activation = s["activation"]
            set_activation_axis(self.live, self.activation)
        depth, colors = s["depth"], depth_colors(s["depth"] + 1)
        acts, edges_a = histograms(diag.last["acts"], *HIST_RANGE[s["activation"]], BINS)
        grads, edges_g = histograms(diag.last["grads"], *GRAD_RANGE, BINS, log_abs=True)
        top_a, top_g = self.live.axes[0].get_ylim()[1], self.live.axes[1].get_ylim()[1]
        rows = diag.rows
        steps = np.asarray(rows["step"])
        upd = np.asarray(rows["update_data"])
        for k in range(MAX_DEPTH + 1):
            shown = k < depth
            if k < MAX_DEPTH:
                for artist, hist, edges, top in ((art.act[k], acts, edges_a, top_a),
                                                 (art.grad[k], grads, edges_g, top_g)):
                    artist.set_visible(shown)
                    if shown:
                        artist.set_data(np.minimum(hist[k], top * 1.02), edges)
                        artist.set_color(colors[k])
            line = art.upd[k]
            line.set_visible(k <= depth and len(steps) > 1)
            if k <= depth and len(steps) > 1:
                line.set_data(steps[1:], np.clip(upd[1:, k], -7.5, 0.5))
                line.set_color(colors[k])
        ratio = np.asarray(rows["grad_data"][-1])
        art.ratio.set_data(np.arange(1, depth + 2), np.clip(ratio, 1e-7, 1e3))
        sat = rows["act_sat"][-1]
        art.note.set_text(f"{s['activation']}, gain {s['gain']:.2f}, BN {s['bn']}\n"
                          f"std h: layer 1 {rows['act_std'][-1][0]:.2f}, layer {depth} "
                          f"{rows['act_std'][-1][-1]:.3g}\n{SAT_WORDS[s['activation']]}: "
                          f"{100 * sat[0]:.1f}% -> {100 * sat[-1]:.1f}%\n"
                          "colour: layer 1 orange, deeper layers darker")
        art.status.set_text("diverged" if state["diverged"] else "")
        self.live.refresh()
        self.table.value = table_html(rows, s["activation"], state["diverged"])


def controls():
    """The four controls (the button setting PyTorch's gain for f is DepthPanel's)."""
    style = {"description_width": "initial"}
    lo, hi, step = GAIN_SLIDER
    c = {"depth": sliders.IntSlider(value=DEFAULTS["depth"], min=DEPTHS[0], max=DEPTHS[-1],
                                    description="hidden layers", continuous_update=False,
                                    style=style),
         "gain": sliders.FloatLogSlider(value=DEFAULTS["gain"], base=10, min=lo, max=hi, step=step,
                                        description="weight gain", readout_format=".2f",
                                        continuous_update=False, style=style),
         "activation": widgets.Dropdown(options=["tanh", "relu", "sigmoid"], value="tanh",
                                        description="f", layout=widgets.Layout(width="150px")),
         "bn": widgets.ToggleButtons(options=["off", "before", "after"], value="off",
                                     description="BN", style={"button_width": "60px"})}
    for name, w in c.items():
        w.add_class(f"bn08-{name}")
    return c


class DepthPanel:
    """The live per-layer panel: .widget, .run (LiveRun), .controls, .table, and, built when
    first used, .draw (DepthDraw) and .live (LiveFigure; it then draws the state on show)."""

    def __init__(self, steps=DEFAULTS["steps"]):
        self.steps, self.image = steps, image_widget(FIGSIZE)
        self.table = widgets.HTML(layout=widgets.Layout(min_height="120px"))
        self.figure = LazyFigure(self.image, self._build, current=lambda: self.run.state,
                                 text=depth_text)
        c = self.controls = controls()
        kaiming = widgets.Button(description="PyTorch gain", tooltip="set the gain to PyTorch's "
                                 "torch.nn.init.calculate_gain(f): 5/3 for tanh (a heuristic), "
                                 "sqrt(2) for ReLU (He et al. 2015), 1 for sigmoid (which does not "
                                 "keep the spread)")
        mark = widgets.HTML()
        kaiming.add_class("bn08-kaiming")
        params = {**{name: w.value for name, w in c.items()}, "steps": steps}
        self.run = LiveRun(depth_run, self.figure, params=params, on_done=self.show_table,
                           lookup=final_lookup(depth_run),  # warmed (defaults, every depth)
                           poster=RunPosters("nb08.depth", self.image, depth_text))

        def on_change(_change=None):
            f = c["activation"].value
            mark.value = (f"PyTorch's gain for {f}: {GAIN_TEXT[f]} = {ACTIVATION_GAIN[f]:.2f}"
                          f"{' (set)' if abs(c['gain'].value - ACTIVATION_GAIN[f]) < 0.01 else ''}")
            if _change is not None:  # the gain as the warm step computed it (one cache key)
                self.run.restart(**{name: slider_gain(w.value) if name == "gain" else w.value
                                    for name, w in c.items()})

        for w in c.values():
            w.observe(on_change, "value")
        kaiming.on_click(lambda _b: setattr(c["gain"], "value",
                                            ACTIVATION_GAIN[c["activation"].value]))
        on_change()
        self.widget = widgets.VBox([widgets.HBox([c["depth"], c["gain"], kaiming, mark]),
                                    widgets.HBox([c["activation"], c["bn"]]), self.run.widget,
                                    self.image, self.table])

    def _build(self, image):
        self._draw = DepthDraw(*build_figure(self.steps, image), self.table)
        return self._draw.live, self._draw

    @property
    def live(self):
        return self.figure.live

    @property
    def draw(self):
        """The DepthDraw (the figure built first if needed)."""
        self.figure.live  # noqa: B018
        return self._draw

    def show_table(self, state):
        """The per-layer numbers of a run's end (also when its stored picture is shown)."""
        self.table.value = table_html(state["diag"].rows, state["settings"]["activation"],
                                      state["diverged"])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def depth_panel(steps=DEFAULTS["steps"]):
    """The live per-layer panel (DepthPanel)."""
    return DepthPanel(steps)


def measure(panel, **values):
    """Set the panel's controls to `values` (as a learner would), wait for that run, and return
    its depth_summary at the initial network and at the end: {"init": ..., "end": ...}."""
    for name in ("activation", "bn", "depth", "gain"):  # f first: the gain mark follows it
        if name in values:
            panel.controls[name].value = values[name]
    state = panel.run.wait(timeout=300)
    if state is None:
        raise RuntimeError(f"the run with {values} stopped with an error")
    return {"init": depth_summary(state, 0), "end": depth_summary(state, -1)}
