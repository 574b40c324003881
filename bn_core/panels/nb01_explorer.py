"""Notebook 01's panel: the controls (gamma, beta, N, shift, scale, mode, the forum preset and
identity recovery) wired to `experiments.live_batch.explore` and the three-panel figure of
`nb01_figure.py`, with one readout per panel.

    panel = build_panel(seed=0)       # display(panel) shows the controls, the figure, the readouts

At open the figure is its stored first picture (ui.poster) if an earlier kernel drew it: the
figure (nb01_figure, matplotlib) is built when the learner first moves a control.
"""

import ipywidgets as widgets
import numpy as np

from bn_core.experiments.live_batch import (
    FORUM,
    MODES,
    N_MAX,
    draw_base,
    explore,
    identity_error,
    readout,
)
from bn_core.panels.nb01_describe import describe_frame
from bn_core.ui import poster
from bn_core.ui import slider as sliders
from bn_core.ui.a11y import describe

FIGSIZE = (11, 6)  # nb01_figure.ExplorerFigure's
IDENTITY_OFF = "identity recovery: off (the button sets gamma_j = sqrt(var_j + eps), beta_j = mu_j)"


def _slider(cls, name, description, tooltip, **kw):
    w = cls(description=description, tooltip=tooltip, continuous_update=True, **kw)
    w.add_class(f"bn-{name}")
    return w


class Explorer:
    """The panel of notebook 01. Attributes are the widgets (gamma, beta, n, shift, scale, mode,
    forum, identity_button, readouts, identity_readout, figure) and `frame`, the data on show.

    Any control the learner moves leaves identity mode; the buttons set several controls at once
    and redraw once.
    """

    def __init__(self, seed=0):
        self.base = draw_base(np.random.default_rng(seed))
        self._make_controls()
        self.image = poster.image_widget(FIGSIZE).add_class("bn-figure")
        self._figure = None  # built when first needed
        self.identity, self._quiet = False, False
        for control in self.controls:
            control.observe(self._on_control, names="value")
        self.forum.on_click(self._on_forum)
        self.identity_button.on_click(self._on_identity)
        self.widget = widgets.VBox([
            widgets.HBox([
                widgets.VBox([self.gamma, self.beta, self.mode]),
                widgets.VBox([self.n, self.shift, self.scale]),
                widgets.VBox([self.forum, self.identity_button])]),
            self.image,
            widgets.HBox(list(self.readouts.values())),
            self.identity_readout,
        ])
        self.update(at_open=True)

    @property
    def figure(self):
        """The ExplorerFigure, built (matplotlib imported) the first time it is needed; it then
        draws the frame on show, replacing the stored picture."""
        if self._figure is None:
            from bn_core.panels.nb01_figure import ExplorerFigure

            self._figure = ExplorerFigure(FIGSIZE, widget=self.image)
            self._draw()
        return self._figure

    def _draw(self):
        """Draw the frame on show (the figure is built first if needed, and draws it then)."""
        if self._figure is None:
            self.figure  # noqa: B018  (built, it draws the frame)
        else:
            f = self.frame
            self._figure.show(f.x, f.x_hat, f.y, f.gamma, f.beta)

    def _make_controls(self):
        fs = sliders.FloatSlider
        self.gamma = _slider(fs, "gamma", "gamma", "gamma: the output's per-feature std",
                             min=-3, max=3, step=0.05, value=1)
        self.beta = _slider(fs, "beta", "beta", "beta: the output's per-feature mean",
                            min=-3, max=3, step=0.05, value=0)
        self.n = _slider(sliders.IntSlider, "n", "N", "N: examples in the batch",
                         min=2, max=N_MAX, value=32)
        self.shift = _slider(fs, "shift", "shift", "shift: added to every raw input",
                             min=-1e3, max=1e3, step=0.1, value=0)
        self.scale = _slider(sliders.FloatLogSlider, "scale", "scale",
                             "scale: multiplies every raw input", base=10, min=-3, max=3,
                             step=0.05, value=1)
        self.mode = widgets.ToggleButtons(options=MODES, value="shared", description="mode",
                                          tooltips=["one gamma, beta for all features",
                                                    "gamma_j, beta_j drawn around the sliders"],
                                          style={"button_width": "85px"})
        self.mode.add_class("bn-mode")
        self.forum = widgets.Button(description="forum preset", icon="comments")
        self.forum.add_class("bn-forum")
        self.identity_button = widgets.Button(description="identity recovery", icon="undo")
        self.identity_button.add_class("bn-identity")
        self.readouts = {}
        for key in ("raw", "norm", "out"):
            self.readouts[key] = widgets.HTML(layout=widgets.Layout(width="293px"))
            self.readouts[key].add_class(f"bn-readout-{key}")
        self.identity_readout = widgets.Label(IDENTITY_OFF)
        self.identity_readout.add_class("bn-readout-identity")

    @property
    def controls(self):
        return (self.gamma, self.beta, self.n, self.shift, self.scale, self.mode)

    def _set(self, **values):
        """Set several controls, then redraw once."""
        self._quiet = True
        try:
            for name, value in values.items():
                getattr(self, name).value = value
        finally:
            self._quiet = False
        self.update()

    def _on_control(self, change):
        if not self._quiet:
            self.identity = False  # the learner moved something: back to the sliders' gamma, beta
            self.update()

    def _on_forum(self, _button=None):
        self.identity = False
        self._set(**FORUM)

    def _on_identity(self, _button=None):
        self.identity = True  # gamma, beta are per-feature vectors now: show the mode that says so
        self._set(mode="per feature")

    def update(self, at_open=False):
        """Recompute the frame from the controls; redraw the figure and the readouts.
        at_open: show the stored picture of this frame if there is one, else draw and store it."""
        f = explore(self.base, self.gamma.value, self.beta.value, self.n.value, self.shift.value,
                    self.scale.value, self.mode.value, self.identity)
        self.frame = f
        key = poster.poster_key("nb01.explorer", f.x, f.x_hat, f.y, f.gamma, f.beta)
        with self.image.hold_sync():  # the picture and its text alternative in one message
            describe(self.image, describe_frame(f))
            if at_open:
                poster.opening(self.image, key, self._draw)
            else:
                self._draw()
        for key, name, a in (("raw", "raw x", f.x), ("norm", "x_hat", f.x_hat), ("out", "y", f.y)):
            lines = readout(name, a, sep="<br>")
            self.readouts[key].value = f"<div style='line-height: 1.4'>{lines}</div>"
        self.identity_readout.value = IDENTITY_OFF if not f.identity else (
            "identity recovery: on, gamma_j = sqrt(var_j + eps), beta_j = mu_j; "
            f"max |y - x| = {identity_error(f):.1e} (move any control to leave)")

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def build_panel(seed=0):
    """The explorer of notebook 01 for the batch drawn with np.random.default_rng(seed)."""
    return Explorer(seed)
