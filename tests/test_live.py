"""LiveFigure: artists updated in place reach the Image widget; the static background stays."""

import io

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from bn_core.ui.live import LiveFigure, panel


def decoded(live):
    return np.asarray(Image.open(io.BytesIO(live.widget.value)).convert("RGBA"))


def test_refresh_sends_the_current_state_to_the_widget():
    live = LiveFigure(ncols=2, figsize=(4, 2), dpi=50, fmt="png")  # lossless: compare exactly
    edges = np.linspace(-3, 3, 13)
    stairs = live.animate(live.axes[0].stairs(np.zeros(12), edges, fill=True))
    text = live.animate(live.axes[1].text(0.5, 0.5, "a"))
    for ax in live.axes:
        ax.set_ylim(0, 10)
    live.refresh()
    first = decoded(live)
    assert first.shape == (100, 200, 4)
    stairs.set_data(np.arange(12) % 10)
    text.set_text("b")
    live.refresh()
    second = decoded(live)
    assert np.array_equal(second, live.pixels())
    changed = np.any(first != second, axis=2)
    left, right = changed[:, :100], changed[:, 100:]
    assert left.sum() > 100 and right.sum() > 0  # both animated artists moved
    # back to the first state gives the first picture: nothing accumulates between refreshes
    stairs.set_data(np.zeros(12))
    text.set_text("a")
    live.refresh()
    assert np.array_equal(decoded(live), first)


def test_jpeg_is_the_default_and_close_to_the_canvas():
    live = LiveFigure(figsize=(3, 2), dpi=50)
    live.animate(live.axes.plot([0, 1], [0, 1], lw=2)[0])
    live.refresh()
    assert live.widget.format == "jpeg" and live.widget.value[:2] == b"\xff\xd8"
    error = np.abs(decoded(live)[..., :3].astype(int) - live.pixels()[..., :3].astype(int))
    assert error.mean() < 2 and np.percentile(error, 99) < 40  # quality 92: small, local errors


def test_bad_format():
    with pytest.raises(ValueError, match="fmt"):
        LiveFigure(fmt="gif")


def test_invalidate_redraws_the_static_background_on_the_same_layout():
    live = LiveFigure(figsize=(3, 2), dpi=50)
    line = live.animate(live.axes.plot([0, 1], [0, 1])[0])
    static = live.axes.plot([0, 1], [1, 0])[0]
    live.refresh()
    before, position = decoded(live), live.axes.get_position().bounds
    static.set_ydata([0.5, 0.5])  # a static change: not visible until invalidated
    live.refresh()
    assert np.array_equal(decoded(live), before)
    live.invalidate()
    live.refresh()
    assert not np.array_equal(decoded(live), before)
    live.axes.set_ylim(-1000, 1000)
    live.invalidate()
    live.refresh()
    assert live.axes.get_position().bounds == position  # wider tick labels: the axes stay put
    assert line.get_animated() and not static.get_animated()


def test_invalidate_with_layout_solves_it_again():
    live = LiveFigure(figsize=(3, 2), dpi=50)
    live.refresh()
    top = live.axes.get_position().y1
    live.axes.set_title("a title")
    live.invalidate(layout=True)  # the title needs room: the axes move down
    live.refresh()
    assert live.axes.get_position().y1 < top - 0.05


def test_panel_runs_update_once_then_on_every_control_change():
    live = LiveFigure(figsize=(3, 2), dpi=50)
    line = live.animate(live.axes.plot([0, 1], [0, 0])[0])
    live.axes.set_ylim(-3, 3)
    calls = []

    def update(a=1.0, b=0):
        calls.append((a, b))
        line.set_ydata([a, b])
        return {"sum": a + b}

    controls = {"a": widgets.FloatSlider(value=1.0, min=-2, max=2), "b": widgets.IntSlider(0)}
    p = panel(live, controls, update)
    assert calls == [(1.0, 0)] and p.data == {"sum": 1.0}
    first = live.widget.value
    controls["a"].value = -2.0
    assert calls[-1] == (-2.0, 0) and p.data == {"sum": -2.0} and live.widget.value != first
    assert p.widget.children[1] is live.widget
