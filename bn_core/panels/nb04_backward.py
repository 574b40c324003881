"""Helpers of notebook 04 (the backward pass): the graph, its steps beside bn_core's code, the
gradient check, and the scale-invariance panel. At open the graph and the panel are their stored
pictures (ui.poster) if an earlier kernel drew them: matplotlib is imported at the first move.

Shapes: x: (N, D); gamma, beta: (D,). The forward graph of bn_core.batchnorm_forward, node by node:
    mu = mean_i(x); xc = x - mu; sq = xc ** 2; var = mean_i(sq); std = sqrt(var + eps);
    inv_std = 1 / std; x_hat = xc * inv_std; out = gamma * x_hat + beta
"""

import inspect

import numpy as np

from bn_core import functional as F
from bn_core.experiments.backward import scale_data
from bn_core.panels.nb04_describe import graph_text, scale_text
from bn_core.ui import poster
from bn_core.ui.a11y import describe, with_alt
from bn_core.ui.palette import BLUE, ORANGE, TEXT, VERMILLION

# (node name, its forward line, (x, y) position in the drawing)
NODES = [
    ("x", "x", (0.0, 0.0)), ("mu", "mu = mean(x)", (1.5, 1.2)), ("xc", "xc = x - mu", (3.2, 0.0)),
    ("sq", "sq = xc²", (4.4, 1.2)), ("var", "var = mean(sq)", (6.1, 1.2)),
    ("std", "std = √(var + eps)", (8.1, 1.2)), ("inv_std", "inv_std = 1 / std", (10.2, 1.2)),
    ("x_hat", "x_hat = xc · inv_std", (10.4, 0.0)), ("gamma", "gamma", (11.6, -1.2)),
    ("beta", "beta", (13.8, -1.2)), ("out", "out = gamma·x_hat + beta", (13.3, 0.0)),
]
EDGES = [("x", "mu"), ("x", "xc"), ("mu", "xc"), ("xc", "sq"), ("sq", "var"), ("var", "std"),
         ("std", "inv_std"), ("inv_std", "x_hat"), ("xc", "x_hat"), ("x_hat", "out"),
         ("gamma", "out"), ("beta", "out")]
# backward step k differentiates these nodes (the order of batchnorm_backward_stepwise)
STEP_NODES = {1: "out", 2: "x_hat", 3: "inv_std", 4: "std", 5: "var", 6: "xc", 7: "mu"}

# the local rule of each backward step, in LaTeX, keyed like the comments of the stepwise code
STEP_MATH = [
    r"$d\beta=\sum_i dout_i,\ d\gamma=\sum_i dout_i\,\hat x_i,\ d\hat x = \gamma\, dout$",
    r"$d\,inv\_std=\sum_i d\hat x_i\, xc_i,\ dxc = d\hat x \cdot inv\_std$ (path 1)",
    r"$d\,std = -d\,inv\_std / std^2$",
    r"$dvar = d\,std \,/\, (2\sqrt{var+\epsilon})$",
    r"$dsq_i = dvar / N,\ dxc \mathrel{+}= 2\, xc_i\, dsq_i$ (path 2)",
    r"$dx = dxc$ (path 1), $d\mu = -\sum_i dxc_i$",
    r"$dx \mathrel{+}= d\mu / N$ (path 2)",
]


def stepwise_steps():
    """The body of bn_core's batchnorm_backward_stepwise cut into its backward steps.

    Read with inspect.getsource, so it is always the real code. Returns a list of
    (forward line it differentiates, code lines of the step) pairs, in the order they run.
    """
    lines = inspect.getsource(F.batchnorm_backward_stepwise).splitlines()
    start = next(i for i, s in enumerate(lines) if s.strip().startswith("# out ="))
    steps = []
    for line in lines[start:]:  # the lines before the first step only unpack the cache
        text = line.strip()
        if text.startswith("return"):
            break
        if text.startswith("#"):
            steps.append((text.lstrip("# "), []))
        elif text:
            steps[-1][1].append(text)
    if len(steps) != len(STEP_MATH):
        raise ValueError(
            f"batchnorm_backward_stepwise has {len(steps)} commented steps; this notebook explains "
            f"{len(STEP_MATH)}: update STEP_MATH in bn_core/panels/nb04_backward.py"
        )
    return steps


def derivation_table(with_code=True):
    """Markdown table: step, forward node, local rule (LaTeX) and, with_code, the matching lines
    of bn_core (the math alone before the learner has written the exercise)."""
    head = "| step | forward node | backward rule |"
    rows = [head + (" `batchnorm_backward_stepwise` |" if with_code else ""),
            "| --- | --- | --- |" + (" --- |" if with_code else "")]
    steps = zip(stepwise_steps(), STEP_MATH, strict=True)
    for k, ((node, code), math) in enumerate(steps, start=1):
        code_cell = " " + "<br>".join(f"`{c}`" for c in code) + " |" if with_code else ""
        rows.append(f"| {k} | `{node}` | {math} |{code_cell}")
    return "\n".join(rows)


def graph_picture():
    """IPython Image of draw_graph(): its stored picture, else drawn (at the inline dpi, 100)."""
    return with_alt(poster.picture(poster.poster_key("nb04.graph"), draw_graph, dpi=100),
                    graph_text(NODES, STEP_NODES))


def draw_graph(figsize=(12, 3.6)):
    """The forward graph as boxes and arrows; red numbers give the order of the backward steps."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    pos = {name: xy for name, _, xy in NODES}
    boxes = {}
    for name, label, (x0, y0) in NODES:
        inputs = name in ("x", "gamma", "beta")
        boxes[name] = ax.text(x0, y0, label, ha="center", va="center", fontsize=10, zorder=3,
                              bbox=dict(boxstyle="round,pad=0.35", ec="#3b6ea5", lw=1.2,
                                        fc="#dbe9f6" if inputs else "white"))
    for a, b in EDGES:  # arrows from box edge to box edge
        ax.annotate("", xy=(0.5, 0.5), xycoords=boxes[b], xytext=(0.5, 0.5),
                    textcoords=boxes[a], zorder=2,
                    arrowprops=dict(arrowstyle="-|>", color="0.35", lw=1.2, shrinkA=3, shrinkB=3,
                                    patchA=boxes[a].get_bbox_patch(),
                                    patchB=boxes[b].get_bbox_patch()))
    for k, name in STEP_NODES.items():
        x0, y0 = pos[name]
        x0 -= 0.9 if name == "x_hat" else 0.1  # keep clear of the arrow from inv_std
        ax.text(x0, y0 + 0.42, str(k), ha="center", va="center", color="white", fontsize=9,
                fontweight="bold", zorder=4, bbox=dict(boxstyle="circle,pad=0.2",
                                                       fc=TEXT["highlight"], ec="none"))
    for name in ("x", "xc"):  # nodes with two outgoing paths: their gradients add
        ax.text(pos[name][0], -0.55, "2 paths out:\ngradients add", ha="center", va="top",
                fontsize=8, color=TEXT["highlight"])
    ax.set_xlim(-0.8, 14.8)
    ax.set_ylim(-1.6, 1.8)
    ax.set_axis_off()
    ax.set_title("forward: left to right (black arrows); backward: red steps 1 to 7, right to left",
                 fontsize=10)
    return fig


def print_gradient_table(errors, limit=1e-7):
    """Print the relative errors, each against the range a correct float64 gradient reaches."""
    print(f"{'gradient':<22}{'relative error':>16}   expected")
    for name, err in errors.items():
        bound = 1e-12 if name == "stepwise vs compact" else limit
        print(f"{name:<22}{err:>16.1e}   < {bound:.0e}")


# --------------------------------------------------------------------------------------------
# What the formula says: a projection, and scale invariance
# --------------------------------------------------------------------------------------------


class ScalePanel:
    """BN(a x) against BN(x), a * dx(a) against dx(1), and |dx(a)| against a, in .widget (an
    Image). update(a) redraws and returns readout(a); the first update shows the stored picture of
    its a if there is one; the figure (.live) is built at the first move."""

    FIGSIZE = (11, 3.4)

    def __init__(self, x, gamma, beta, dout, eps=1e-5, a_range=(1e-3, 1e3)):
        self.args, self.a_range, self.a = (x, gamma, beta, dout, eps), a_range, None
        self.widget, self._live = poster.image_widget(self.FIGSIZE), None

    def readout(self, a):
        """The numbers of the panel at a (draws nothing): a, max |BN(ax) - BN(x)|, and
        |a dx(a)| / |dx(1)|."""
        out_a, out_1, dx_a, dx_1 = scale_data(a, *self.args)
        return {"a": a, "max |BN(ax) - BN(x)|": float(np.abs(out_a - out_1).max()),
                "|a dx(a)| / |dx(1)|": float(np.linalg.norm(a * dx_a) / np.linalg.norm(dx_1))}

    def update(self, a=1.0):
        """Redraw for a; returns readout(a)."""
        at_open, self.a = self.a is None, a
        key = poster.poster_key("nb04.scale", *self.args, self.a_range, a)

        def draw():
            if self._live is None:
                self.live  # noqa: B018  (built, it draws a)
            else:
                self._redraw(a)

        readout = self.readout(a)
        with self.widget.hold_sync():  # the picture and its text in one message
            describe(self.widget, scale_text(readout, *self.norms(a)))
            poster.opening(self.widget, key, draw) if at_open else draw()
        return readout

    def norms(self, a):
        """|dx(a)| and |dx(1)| (the right panel's marker and line)."""
        dx_a, dx_1 = scale_data(a, *self.args)[2:]
        return float(np.linalg.norm(dx_a)), float(np.linalg.norm(dx_1))

    @property
    def live(self):
        """The LiveFigure, built (matplotlib imported) the first time it is needed; it then draws
        the a on show."""
        if self._live is None:
            self._live, self._redraw = _scale_figure(self.widget, *self.args, self.a_range)
            self._redraw(1.0 if self.a is None else self.a)
        return self._live

    def pixels(self):
        """The figure's last rendered image (built if needed): (H, W, 4) uint8."""
        return self.live.pixels()


def scale_panel(x, gamma, beta, dout, eps=1e-5, a_range=(1e-3, 1e3)):
    """ScalePanel(...) and its update (for widgets.interactive_output)."""
    panel = ScalePanel(x, gamma, beta, dout, eps, a_range)
    return panel, panel.update


def _scale_figure(image, x, gamma, beta, dout, eps, a_range):
    """ScalePanel's LiveFigure, rendering into image, and redraw(a)."""
    from bn_core.ui.live import LiveFigure

    live = LiveFigure(1, 3, figsize=ScalePanel.FIGSIZE, widget=image)
    ax0, ax1, ax2 = live.axes
    out_1, dx_1 = scale_data(1.0, x, gamma, beta, dout, eps)[1::2]
    for ax, ref, title, ylabel in (
            (ax0, out_1, "outputs: BN(a·x) vs BN(x)", "BN(a·x)"),
            (ax1, dx_1, "gradients: a·dx(a) vs dx(1)", "a · dx(a)")):
        lim = 1.15 * np.abs(ref).max()
        ax.plot([-lim, lim], [-lim, lim], color="0.6", lw=1, label="equal")
        ax.set(xlim=(-lim, lim), ylim=(-lim, lim), title=title, ylabel=ylabel,
               xlabel=title.split(" vs ")[1])
    grid = np.geomspace(*a_range, 61)
    norms = [np.linalg.norm(scale_data(a, x, gamma, beta, dout, eps)[2]) for a in grid]
    ax2.loglog(grid, norms, color=BLUE, label="|dx(a)|")
    ax2.loglog(grid, np.linalg.norm(dx_1) / grid, "--", color="0.5", label="|dx(1)| / a")
    a_eps = np.sqrt(eps / x.var(axis=0).min())  # where a**2 * var reaches eps
    ax2.axvline(a_eps, color=VERMILLION, ls=":", label="a²·var = eps")
    ax2.set(xlabel="a", title="gradient size scales as 1/a")
    ax2.legend(fontsize=8, loc="upper right")
    dots = [live.animate(ax.scatter(ref.ravel(), ref.ravel(), s=10, color=ORANGE))
            for ax, ref in ((ax0, out_1), (ax1, dx_1))]
    (marker,) = ax2.loglog([1.0], [np.linalg.norm(dx_1)], "o", color=ORANGE, ms=8)
    live.animate(marker)
    text = live.animate(ax0.text(0.03, 0.97, "", transform=ax0.transAxes, va="top", fontsize=9))

    def redraw(a):
        out_a, _, dx_a, _ = scale_data(a, x, gamma, beta, dout, eps)
        dots[0].set_offsets(np.column_stack([out_1.ravel(), out_a.ravel()]))
        dots[1].set_offsets(np.column_stack([dx_1.ravel(), (a * dx_a).ravel()]))
        marker.set_data([a], [np.linalg.norm(dx_a)])
        gap, ratio = np.abs(out_a - out_1).max(), np.linalg.norm(a * dx_a) / np.linalg.norm(dx_1)
        text.set_text(f"a = {a:.3g}\nmax|BN(ax)-BN(x)| = {gap:.1e}\n"
                      f"|a·dx(a)| / |dx(1)| = {ratio:.4f}")
        live.refresh()

    return live, redraw
