"""Sliders with an accessible name: a native <label> tied to an <input type="range">, drawn by a
small anywidget front end (slider.js) in ipywidgets' slider row style, in JupyterLab, Voila and
Colab. They replace ipywidgets' sliders, whose noUiSlider handle has no accessible name in 8.1 (the
description is a <label> tied to nothing; axe: aria-input-field-name; jupyter-widgets/ipywidgets
#2650). A screen reader says "gamma, slider, gamma 1.00" (aria-valuetext: description and value).

    gamma = FloatSlider(value=1, min=-3, max=3, step=0.05, description="gamma")
    n = IntSlider(value=32, min=2, max=512, description="N")
    lr = FloatLogSlider(value=0.5, base=10, min=-1.3, max=0.5, step=0.05, description="lr")
    groups = SelectionSlider(options=[1, 2, 4, 8], value=4, description="groups G")
    gamma.add_class("bn-gamma").observe(callback, "value")   # as ipywidgets'; .layout too

Like ipywidgets': a value out of range is clipped (a log slider's to base**min .. base**max; a
selection slider takes only one of its options), continuous_update=True sends every step of a drag
(the input event), False only where it ends (change); arrow keys move one step, Home / End go to
the ends, PageUp / PageDown further (the browser's range input). ValueError when min > max or
step <= 0. No editable readout (ipywidgets lets one type a value into it) and no vertical one.
"""

import math
from pathlib import Path

import anywidget
import ipywidgets as widgets
from traitlets import Any, Bool, Float, Int, List, TraitError, Unicode, observe, validate

CSS = """
.bn-slider { width: var(--jp-widgets-inline-width, 300px); align-items: center;
  height: var(--jp-widgets-inline-height, 28px); margin: var(--jp-widgets-margin, 2px);
  box-sizing: border-box; }
.bn-slider > .widget-label { flex: 0 0 auto; width: var(--jp-widgets-inline-label-width, 80px);
  margin-right: 8px; text-align: right; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; }
.bn-slider > input[type=range] { flex: 1 1 0; min-width: 40px; margin: 0 6px;
  accent-color: var(--jp-brand-color1, #1976d2); }
.bn-slider > .widget-readout { flex: 0 0 auto; min-width: 3.5em; text-align: center;
  margin-left: var(--jp-widgets-inline-margin, 4px); white-space: nowrap; }
"""


class SliderError(TraitError, ValueError):
    """A bad min, max, step, base or value: a ValueError (and traitlets rolls the change back)."""


def _widget_bundle(self, **kwargs):
    # ipywidgets' own, looked up at call time: bn_core.ui.book replaces it to render statically
    return widgets.Widget._repr_mimebundle_(self, **kwargs)


class Slider(anywidget.AnyWidget, widgets.ValueWidget):
    """What every slider shares: a name, a readout, continuous_update, disabled, a tooltip."""

    _esm = (Path(__file__).parent / "slider.js").read_text()
    _css = CSS
    _kind = Unicode("linear").tag(sync=True)
    description = Unicode("").tag(sync=True)
    description_width = Unicode("").tag(sync=True)  # "" (80 px, ipywidgets'), "initial", "120px"
    continuous_update = Bool(True).tag(sync=True)
    disabled = Bool(False).tag(sync=True)
    readout_format = Unicode(".2f").tag(sync=True)
    _repr_mimebundle_ = _widget_bundle

    def __init__(self, *args, style=None, **kwargs):
        if style:  # ipywidgets' style={"description_width": ...}
            kwargs.setdefault("description_width", dict(style).get("description_width", ""))
        if args:  # ipywidgets' positional value
            kwargs.setdefault("value", args[0])
        super().__init__(**kwargs)

    def text(self):
        """The readout as shown (ipywidgets' d3 format: "1.00", "32"), with an ASCII minus."""
        return _format(self.value, self.readout_format)


def _format(value, spec):
    """`value` in a d3-format spec of the kinds the front end knows ("d", ".2f", ".3g", ".1e")."""
    kind = spec[-1] if spec and spec[-1] in "dfge" else "g"
    digits = spec[spec.index(".") + 1:-1] if "." in spec else ""
    if kind == "d":
        return str(round(value))
    text = format(value, f"{'#' if kind == 'g' else ''}.{digits or 6}{kind}")  # d3 keeps zeros
    return text[1:] if text.startswith("-") and float(text) == 0 else text


class _Linear(Slider):
    """value in [min, max], moved by step; min and max checked against each other."""

    def _bounds(self, lo, hi):
        """The value's range when the slider's min and max are lo and hi."""
        return lo, hi

    @validate("value")
    def _clip(self, proposal):
        lo, hi = self._bounds(self.min, self.max)
        return min(max(proposal["value"], lo), hi)

    @validate("step")
    def _positive(self, proposal):
        if not proposal["value"] > 0:
            raise SliderError(f"step: got {proposal['value']!r}; expected > 0")
        return proposal["value"]

    @validate("min", "max")
    def _ordered(self, proposal):
        name, new = proposal["trait"].name, proposal["value"]
        lo, hi = (new, self.max) if name == "min" else (self.min, new)
        if lo > hi:
            raise SliderError(f"{name}: got {new!r}; min must be <= max (min {lo!r}, max {hi!r})")
        low, high = self._bounds(lo, hi)
        self.value = min(max(self.value, low), high)
        return new


class FloatSlider(_Linear):
    """A float in [min, max] (default 0 to 10, step 0.1, shown ".2f"), as ipywidgets'."""

    value = Float(0.0).tag(sync=True)
    min = Float(0.0).tag(sync=True)
    max = Float(10.0).tag(sync=True)
    step = Float(0.1).tag(sync=True)


class IntSlider(_Linear):
    """An int in [min, max] (default 0 to 100, step 1, shown "d"), as ipywidgets'."""

    value = Int(0).tag(sync=True)
    min = Int(0).tag(sync=True)
    max = Int(100).tag(sync=True)
    step = Int(1).tag(sync=True)
    readout_format = Unicode("d").tag(sync=True)


class FloatLogSlider(_Linear):
    """value = base ** position, the position in [min, max] (exponents) moved by step; value
    clipped to [base**min, base**max]; shown ".3g"; as ipywidgets'."""

    _kind = Unicode("log").tag(sync=True)
    value = Float(1.0).tag(sync=True)
    min = Float(0.0).tag(sync=True)
    max = Float(4.0).tag(sync=True)
    step = Float(0.1).tag(sync=True)
    base = Float(10.0).tag(sync=True)
    readout_format = Unicode(".3g").tag(sync=True)

    def _bounds(self, lo, hi):
        return self.base ** lo, self.base ** hi

    @validate("base")
    def _base(self, proposal):
        if not proposal["value"] > 0 or proposal["value"] == 1:
            raise SliderError(f"base: got {proposal['value']!r}; expected > 0 and != 1")
        return proposal["value"]

    def position(self):
        """The exponent the value sits at: log(value) / log(base)."""
        return math.log(self.value) / math.log(self.base)


class SelectionSlider(Slider):
    """One of `options` (a list; or (label, value) pairs), moved one option per step; value and
    index follow each other; as ipywidgets'."""

    _kind = Unicode("select").tag(sync=True)
    index = Int(0).tag(sync=True)
    _labels = List(Unicode()).tag(sync=True)
    options = Any(())
    value = Any(None)

    def __init__(self, options=(), value=None, **kwargs):
        pairs = [tuple(o) if isinstance(o, tuple | list) else (str(o), o) for o in options]
        if not pairs:
            raise ValueError("options: got none; a selection slider needs at least one")
        values = [v for _, v in pairs]
        if value is not None and value not in values:
            raise ValueError(f"value: got {value!r}; expected one of the options {values}")
        self._values = values
        super().__init__(options=tuple(options), _labels=[str(k) for k, _ in pairs],
                         index=0 if value is None else values.index(value), **kwargs)
        self.value = values[self.index]

    @property
    def label(self):
        """The option's text, as shown."""
        return self._labels[self.index]

    def text(self):
        return self.label

    @validate("index")
    def _index(self, proposal):
        return min(max(int(proposal["value"]), 0), len(self._labels) - 1)

    @validate("value")
    def _one_of(self, proposal):
        if proposal["value"] not in self._values:
            raise SliderError(f"value: got {proposal['value']!r}; expected one of {self._values}")
        return proposal["value"]

    @observe("index")
    def _index_to_value(self, change):
        self.value = self._values[change["new"]]

    @observe("value")
    def _value_to_index(self, change):
        self.index = self._values.index(change["new"])


SLIDERS = (IntSlider, FloatSlider, FloatLogSlider, SelectionSlider)
