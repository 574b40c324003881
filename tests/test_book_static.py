"""bn_core.ui.book: what a widget looks like on the web book's static pages (no kernel there)."""

import base64

import ipywidgets as widgets
import pytest

from bn_core.ui import book
from bn_core.ui.predict import Prediction


def test_an_image_becomes_an_img_of_its_current_picture():
    picture = bytes(range(256)) * 3
    image = widgets.Image(value=picture, format="png", width=320, height=240)
    out = book.widget_html(image)
    assert f'src="data:image/png;base64,{base64.b64encode(picture).decode()}"' in out
    assert 'width="320"' in out and 'height="240"' in out and 'alt="' in out
    assert "drawn live" in book.widget_html(widgets.Image(format="jpeg"))  # no picture yet


def test_boxes_html_and_controls_keep_their_order_and_values():
    panel = widgets.VBox([widgets.HTML("<b>title</b>"),
                          widgets.HBox([widgets.FloatSlider(value=1.5, description="gamma"),
                                        widgets.Button(description="reset")]),
                          widgets.ToggleButtons(options=["shared", "per feature"],
                                                value="per feature", description="mode")])
    out = book.widget_html(panel)
    order = [out.index(s) for s in ("<b>title</b>", "gamma <b>1.5</b>", "disabled", "reset",
                                    "shared", '<li class="bn-w-picked">per feature</li>')]
    assert order == sorted(order)
    assert out.count('<div class="bn-w-vbox">') == 1 and out.count('<div class="bn-w-hbox">') == 1
    assert book.widget_html(widgets.Label("a < b")) == '<div class="bn-w-html">a &lt; b</div>'


def test_a_prediction_shows_its_question_and_hides_its_answer_in_details():
    p = Prediction("Which is first?", ["with BN", "without BN"], explain="See below.")
    before = book.prediction_html(p)
    assert "Which is first?" in before and before.count("<li>") == 2
    assert "<details" not in before and "below the experiment" in before
    p.measured(answer=0, text="with BN at step 50")
    after = book.prediction_html(p)
    question, answer = after.index("Which is first?"), after.index("<details")
    assert question < answer and after.index("<summary>") < after.index("with BN at step 50")
    assert "<i>with BN</i>" in after[answer:]


def test_install_gives_every_widget_a_static_form_and_uninstall_restores(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    plain = widgets.HTML("<i>x</i>")._repr_mimebundle_()
    undo = book.install()
    try:
        assert widgets.HTML("<i>x</i>")._repr_mimebundle_()["text/html"] == (
            '<div class="bn-w-html"><i>x</i></div>')
        p = Prediction("Q?", ["a", "b"])
        assert "<details" not in p._repr_mimebundle_()["text/html"]  # shown before measured
        p.measured(1, "b by 3 steps")
        assert len(shown) == 1 and "b by 3 steps" in shown[0].data
        q = Prediction("R?", ["a", "b"]).measured(0, "a")  # measured before shown: no extra
        assert len(shown) == 1 and "<details" in q._repr_mimebundle_()["text/html"]
        r = Prediction("S?", ["a", "b"]).measured(0, "a", details="<table>runs</table>")
        assert "<table>runs</table>" in r._repr_mimebundle_()["text/html"]  # behind <details>
    finally:
        undo()
    assert widgets.HTML("<i>x</i>")._repr_mimebundle_().keys() == plain.keys()
    with pytest.raises(ValueError, match="answer"):
        Prediction("Q?", ["a", "b"]).measured(5, "x")  # the original method is back


def test_a_picture_that_comes_after_display_is_shown_when_the_cell_ends(monkeypatch):
    """A run's thread puts the stored picture in a moment after its panel is displayed: the
    kernel shows the panel again, with the picture, when the cell ends (update_display_data)."""
    import threading

    from IPython.core.interactiveshell import InteractiveShell
    from IPython.display import display

    shell = InteractiveShell.instance()
    sent = []
    monkeypatch.setattr(shell.display_pub, "publish",
                        lambda data, metadata=None, *a, transient=None, update=False, **k:
                        sent.append((data, transient, update)))
    undo = book.install(shell, wait=5.0)
    try:
        image = widgets.Image(format="png")
        display(widgets.VBox([widgets.HTML("panel"), image]))
        threading.Timer(0.2, lambda: setattr(image, "value", b"\x89PNG late")).start()
        shell.events.trigger("post_run_cell", None)
        (first, tid, upd), (second, tid2, upd2) = sent
        assert "drawn live" in first["text/html"] and not upd and tid["display_id"]
        picture = base64.b64encode(b"\x89PNG late").decode()
        assert picture in second["text/html"] and upd2 and tid2 == tid
    finally:
        undo()
        InteractiveShell.clear_instance()


def test_the_book_runs_every_notebook_of_a_folder_and_refuses_what_is_no_notebook(tmp_path):
    """tools/book_outputs.py (what book/outputs.mjs runs): a folder stands for its notebooks."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("book_outputs", root / "tools/book_outputs.py")
    outputs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(outputs)
    found = outputs.notebooks([root / "notebooks"])
    assert [Path(p).name[:2] for p in found] == [f"0{i}" for i in range(9)]
    assert all(Path(p).is_absolute() for p in found)
    with pytest.raises(ValueError, match="expected notebooks"):
        outputs.notebooks([tmp_path / "missing.ipynb"])
    with pytest.raises(ValueError, match="expected notebooks"):
        outputs.notebooks([tmp_path])  # a folder without notebooks
