"""Figures built when first needed: a panel opens on its stored picture (ui.poster), imports no
matplotlib, and builds its LiveFigure at the learner's first move (or at the first state a run
draws); the figure then draws what is on show, the same picture.

    figure = LazyFigure(image, build, current=lambda: run.state)
    # build(image) -> (live, draw): a LiveFigure rendering into `image`, draw(state) puts a state
    # on it (and refreshes). figure(state) draws (building first); figure.live builds and draws
    # current() if there is one.

    p = PosterPanel("nb07.compare", (11.5, 2.9), {"groups": slider}, compute, build, parts)
    # controls above the figure: compute(**values) -> data (numbers only, at open and every move);
    # build(image) -> (live, draw) with draw(data). At open the stored picture of
    # poster_key(name, *parts, *data) is shown, else the figure is built, drawn and stored.
    # parts: what build's fixed parts of the figure depend on.

text(state or data) -> str, given to either: the figure's text alternative (ui.a11y.describe),
set in the same message as each picture drawn (numpy only: at open, too, with no matplotlib).
"""

import ipywidgets as widgets

from bn_core.ui import first_draw, poster, prebuild
from bn_core.ui.a11y import describe
from bn_core.ui.locks import DRAW_LOCK, FOREGROUND


class LazyFigure:
    """A LiveFigure and its draw(state), built (matplotlib imported) the first time needed."""

    def __init__(self, image, build, current=lambda: None, text=None):
        self.image, self._build, self._current, self.text = image, build, current, text
        self._live = self._draw = None
        if text is not None:  # until the first state is drawn (a stored picture, or a run's)
            describe(image, "The figure appears when its first state is drawn.")
        # built while the learner reads, unless a move or a run builds it first
        prebuild.later(image, lambda: self.live, pending=lambda: not self.built)

    @property
    def built(self):
        return self._live is not None

    def _ensure(self):
        """Build the figure if needed; True if it was built now."""
        if self._live is not None:
            return False
        self._live, self._draw = self._build(self.image)
        return True

    @property
    def live(self):
        """The LiveFigure, built the first time: it then draws current() (what is on show)."""
        with DRAW_LOCK:
            if self._ensure():
                state = self._current()
                if state is not None:
                    with first_draw.expecting(self.image, *first_draw.noted(self.image, state)):
                        self._draw(state)  # a LiveRun's stored end: its kept first draw
        return self._live

    def __call__(self, state):
        """Draw `state` (building the figure first if needed)."""
        with DRAW_LOCK:
            fresh = self._ensure()
            noted = first_draw.noted(self.image, state) if fresh else (None, None)
            with first_draw.expecting(self.image, *noted):
                if self.text is None:
                    return self._draw(state)
                with self.image.hold_sync():  # the picture and its text in one message
                    describe(self.image, self.text(state))
                    return self._draw(state)


class PosterPanel:
    """Controls above a figure that opens on its stored picture.

    .widget (controls above the image), .controls (name -> widget), .data (compute's last dict),
    .live (the LiveFigure, built on first use; it draws .data), .figure (the LazyFigure).
    """

    def __init__(self, name, figsize, controls, compute, build, parts=(), text=None):
        self.controls, self._compute, self.data = controls, compute, {}
        self.image = poster.image_widget(figsize)
        self.figure = LazyFigure(self.image, build, current=lambda: self.data, text=text)
        self.widget = widgets.VBox([widgets.HBox(list(controls.values())), self.image])
        self.data.update(compute(**self.values()))
        drawn = [part for item in sorted(self.data.items()) for part in item]
        with self.image.hold_sync():  # the picture and its text in one message
            if text is not None:
                describe(self.image, text(self.data))
            poster.opening(self.image, poster.poster_key(name, *parts, *drawn),
                           lambda: self.figure.live)  # built, it draws self.data
        for w in controls.values():
            w.observe(self._on_change, "value")

    def values(self):
        return {name: w.value for name, w in self.controls.items()}

    @property
    def live(self):
        return self.figure.live

    def _on_change(self, _change=None):
        with FOREGROUND:
            self.data.update(self._compute(**self.values()))
            self.figure(self.data)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
