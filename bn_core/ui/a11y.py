"""Accessibility of the panels: text alternatives for figures, names for controls, announcements of
runs, and the WCAG contrast ratio. Pure ipywidgets traits (no script added to the page), so it
works the same in JupyterLab and Voila.

    describe(image, "raw x: feature means -1.2 to 4.5; ...")   # a live figure's text alternative
    with_alt(picture(key, draw), "loss against step: ...")      # a static figure (ui.poster)
    unnamed_controls(panel.widget)                              # [] when every control has a name
    status = Announcer(); status.say("training", "step 1 of 100")  # aria-live, rate-limited

What ipywidgets 8.1 gives and does not (checked in its controls' source and with axe-core):
- An Image has no `alt` trait; its `tooltip` becomes the <img>'s `title`, which is its accessible
  name when there is no alt (axe's image-alt accepts it). But 8.1.9's front end reads the model's
  `description` when it sets a tooltip, and an Image has none: the view fails ("Cannot read
  properties of undefined (reading 'length')"). describe() therefore gives the widget a synced,
  empty `description` first. A change of any trait re-renders the image, so set the text in the
  same message as the new picture (`with image.hold_sync():`).
- Buttons are named by their description (or tooltip), Dropdown / Text / RadioButtons by their
  description (a <label for=...>), ToggleButtons by each option's text.
- ipywidgets' slider handle (noUiSlider, role=slider) gets no name at all: the description is a
  <label> tied to nothing and no trait reaches the handle (axe: aria-input-field-name). The series
  uses bn_core.ui.slider instead (an anywidget control: a <label> for a native range input).
- No trait sets aria-live: an HTML widget replaces its content on every change, so the live
  region here is the element inside it (role=status), new at each message.
"""

import base64
import html
import time

import ipywidgets as widgets
from traitlets import Unicode

# a widget seen only by assistive technology (the readout next to it shows the same to the eye)
VISUALLY_HIDDEN = ("position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;"
                   "clip:rect(0,0,0,0);white-space:nowrap;border:0")


def describe(image, text):
    """Make `text` (what the figure shows now, with its numbers) the accessible name of `image`
    (an ipywidgets.Image, or any DOMWidget): its `title`, also shown on hover. Returns image."""
    text = " ".join(str(text).split())
    if not text:
        raise ValueError("text: got an empty description; say what the figure shows")
    if "description" not in image.keys:  # ipywidgets 8.1.9's tooltip needs one (see above)
        image.add_traits(description=Unicode("").tag(sync=True))
        image.keys = [*image.keys, "description"]
        image.send_state("description")  # before the tooltip reaches the front end
    image.tooltip = text
    return image


class AltImage:
    """A static picture (IPython.display.Image) shown as <img alt="..."> in JupyterLab and Voila
    (text/html), still a PNG for other front ends (image/png) and the description as text/plain.
    `.data` and `.alt` as given; displays itself."""

    def __init__(self, image, alt):
        self.image, self.alt = image, " ".join(str(alt).split())
        if not self.alt:
            raise ValueError("alt: got an empty text; say what the picture shows")
        self.data, self.format = image.data, getattr(image, "format", "png")

    def _repr_mimebundle_(self, include=None, exclude=None):
        mime = f"image/{self.format}"
        source = f"data:{mime};base64,{base64.b64encode(self.data).decode()}"
        return {"text/html": f'<img src="{source}" alt="{html.escape(self.alt)}">',
                mime: self.data, "text/plain": self.alt}


def with_alt(image, alt):
    """ui.poster.picture(...) (an IPython.display.Image of a PNG) with text alternative `alt`."""
    return AltImage(image, alt)


# ipywidgets' sliders: their handle has no accessible name
SLIDERS = (widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider, widgets.IntRangeSlider,
           widgets.FloatRangeSlider, widgets.SelectionSlider, widgets.SelectionRangeSlider)


def _children(widget):
    kids = list(getattr(widget, "children", ()) or ())
    return [k for k in kids if isinstance(k, widgets.Widget)]


def controls(root):
    """Every control (a widget a learner operates) in the widget tree under `root`, in order."""
    found, stack = [], [root]
    while stack:
        w = stack.pop(0)
        if isinstance(w, widgets.ValueWidget | widgets.Button) and not isinstance(
                w, widgets.HTML | widgets.HTMLMath | widgets.Label | widgets.Image):
            found.append(w)
        stack[:0] = _children(w)
    return found


def unnamed_controls(root):
    """The controls under `root` a screen reader cannot name from their traits: a button without
    description or tooltip, any other control without a description (its <label>), except
    ToggleButtons and RadioButtons whose options are their names only when described too.
    An ipywidgets slider is never named, described or not (its handle has no name, see the
    module's docstring): use bn_core.ui.slider's. Returns [(class name, repr of its options)]."""
    missing = []
    for w in controls(root):
        if isinstance(w, SLIDERS):
            named = False
        elif isinstance(w, widgets.Button):
            named = bool(w.description.strip() or (w.tooltip or "").strip())
        else:
            named = bool(getattr(w, "description", "").strip())
        if not named:
            missing.append((type(w).__name__, repr(getattr(w, "options", None))))
    return missing


class Announcer:
    """A polite live region (role=status) that a screen reader reads out, fed at a rate it can
    follow: a new `key` (a run starting, pausing, ending) is said at once, the same key at most
    every `min_seconds`. `widget` is an HTML widget, visually hidden (a readout shows the same)."""

    def __init__(self, min_seconds=5.0, clock=time.monotonic):
        if min_seconds <= 0:
            raise ValueError(f"min_seconds: got {min_seconds!r}; expected > 0")
        self.min_seconds, self.clock = min_seconds, clock
        self.widget = widgets.HTML(layout=widgets.Layout(height="0px", overflow="hidden"))
        self.widget.add_class("bn-live-status")
        self.said, self._key, self._at = "", None, None

    def say(self, key, text):
        """Announce `text` if `key` changed or min_seconds passed since the last announcement.
        Returns whether it was announced."""
        now = self.clock()
        if key == self._key and self._at is not None and now - self._at < self.min_seconds:
            return False
        self._key, self._at, self.said = key, now, str(text)
        self.widget.value = (f"<div role='status' aria-live='polite' style='{VISUALLY_HIDDEN}'>"
                             f"{html.escape(self.said)}</div>")
        return True


def _luminance(color):
    """Relative luminance (WCAG 2.1) of '#rrggbb' or a matplotlib grey level '0.45'."""
    if not color.startswith("#"):
        rgb = [float(color)] * 3
    else:
        rgb = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(foreground, background="#ffffff"):
    """The WCAG contrast ratio of two colours (1 to 21); AA asks 4.5 for text, 3 for graphics."""
    a, b = sorted((_luminance(foreground), _luminance(background)))
    return (b + 0.05) / (a + 0.05)
