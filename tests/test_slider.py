"""bn_core.ui.slider: the sliders with an accessible name behave like ipywidgets' in Python (the
browser side: tests/browser, axe's aria-input-field-name)."""

import math
import re
from pathlib import Path

import ipywidgets as widgets
import nbformat
import pytest

from bn_core.ui import book
from bn_core.ui import slider as sliders

ROOT = Path(__file__).resolve().parents[1]


def test_a_value_out_of_range_is_clipped_at_creation_and_later():
    s = sliders.FloatSlider(value=5.0, min=-3.0, max=3.0, step=0.05, description="gamma")
    assert s.value == 3.0
    s.value = -7.5
    assert s.value == -3.0
    s.min = -1.0  # the value follows a narrower range
    assert s.value == -1.0
    n = sliders.IntSlider(value=300, min=2, max=256)
    assert n.value == 256 and isinstance(n.value, int)


@pytest.mark.parametrize("kwargs, message", [
    ({"min": 3, "max": 1}, "min must be <= max"),
    ({"step": 0}, "step: got 0"),
    ({"step": -0.1}, "step: got -0.1"),
])
def test_bad_ranges_raise_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sliders.FloatSlider(**kwargs)


def test_a_later_bad_min_raises_and_leaves_the_slider_as_it_was():
    s = sliders.IntSlider(value=5, min=0, max=10)
    with pytest.raises(ValueError, match="min must be <= max"):
        s.min = 11
    assert (s.min, s.max, s.value) == (0, 10, 5)


def test_the_log_slider_maps_exponents_to_values():
    lr = sliders.FloatLogSlider(value=0.5, base=10, min=-1.3, max=0.5, step=0.05, description="lr")
    assert lr.value == 0.5 and lr.position() == pytest.approx(math.log10(0.5))
    lr.value = 100.0  # clipped to base ** max
    assert lr.value == pytest.approx(10 ** 0.5)
    lr.value = 1e-9
    assert lr.value == pytest.approx(10 ** -1.3)
    two = sliders.FloatLogSlider(value=8.0, base=2, min=0, max=4)
    assert two.position() == pytest.approx(3.0)
    with pytest.raises(ValueError, match="base"):
        sliders.FloatLogSlider(base=1)


def test_the_selection_slider_keeps_value_and_index_together():
    g = sliders.SelectionSlider(options=[1, 2, 4, 8], value=4, description="groups G")
    assert (g.value, g.index, g.label) == (4, 2, "4")
    g.index = 3  # what the front end sends
    assert g.value == 8
    g.value = 1
    assert g.index == 0
    with pytest.raises(ValueError, match="one of"):
        g.value = 3
    with pytest.raises(ValueError, match="one of the options"):
        sliders.SelectionSlider(options=[1, 2], value=3)
    pairs = sliders.SelectionSlider(options=[("low", 0.1), ("high", 0.9)])
    assert (pairs.value, pairs._labels) == (0.1, ["low", "high"])


def test_observe_fires_once_per_change_with_old_and_new():
    s = sliders.FloatSlider(value=1.0, min=-3, max=3)
    seen = []
    s.observe(lambda change: seen.append((change["old"], change["new"])), "value")
    s.value = 1.5
    s.value = 1.5  # no change: no call
    s.value = 9.0  # clipped to 3.0
    assert seen == [(1.0, 1.5), (1.5, 3.0)]


def test_the_readout_text_follows_the_format():
    assert sliders.FloatSlider(value=-0.001).text() == "0.00"  # no "-0.00"
    assert sliders.FloatSlider(value=1.5, min=0, max=3).text() == "1.50"
    assert sliders.IntSlider(value=32).text() == "32"
    assert sliders.FloatLogSlider(value=0.5, min=-2, max=1).text() == "0.500"  # ".3g" as d3
    assert sliders.FloatLogSlider(value=0.5, min=-2, max=1, readout_format=".2f").text() == "0.50"


def test_it_is_a_dom_widget_with_classes_layout_style_and_the_shared_front_end():
    s = sliders.IntSlider(value=3, description="hidden layers", style={"description_width":
                                                                       "initial"})
    s.add_class("bn-depth")
    s.layout.width = "400px"
    state = s.get_state()
    assert state["_dom_classes"] == ("bn-depth",) and state["description_width"] == "initial"
    assert 'input.type = "range"' in state["_esm"] and "data-lm-suppress-shortcuts" in state["_esm"]
    assert isinstance(s, widgets.ValueWidget) and isinstance(s, widgets.DOMWidget)
    assert s._repr_mimebundle_()["application/vnd.jupyter.widget-view+json"]["model_id"] == \
        s.model_id


def test_the_web_book_shows_a_slider_as_its_name_and_value():
    out = book.widget_html(sliders.FloatSlider(value=1.5, min=0, max=3, description="gamma"))
    assert ">gamma: 1.50</div>" in out
    groups = sliders.SelectionSlider(options=[1, 2, 4], value=2, description="groups G")
    assert "groups G: 2" in book.widget_html(widgets.VBox([groups]))


IPYWIDGETS_SLIDER = re.compile(r"\bwidgets\.(Int|Float|FloatLog|Selection)(Range)?Slider\(")


def test_the_series_builds_no_ipywidgets_slider():
    """Their handle has no accessible name: bn_core and the notebooks use ui.slider's."""
    sources = {str(p.relative_to(ROOT)): p.read_text() for p in (ROOT / "bn_core").rglob("*.py")}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        sources[path.name] = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    found = [name for name, text in sources.items() if IPYWIDGETS_SLIDER.search(text)]
    assert len(sources) > 50 and found == []
