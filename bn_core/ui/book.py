"""The series as a static web book: widgets shown as plain HTML when a notebook runs for the book.

A web page has no kernel, so a widget output would show nothing there. While the book is built
(`jupyter book build --html`: tools/book_outputs.py runs the notebooks), each kernel calls
install() at start (an IPython startup file), and then every widget a cell displays is also given a
text/html form that needs no kernel: an Image as an <img> of its current picture (the stored first
picture), HTML as itself, a box as its children, a slider (ui.slider) as "description: value",
another control as its name and value ("runs live"), a Prediction as its question and choices, and
its measured answer behind a <details> disclosure (in the experiment's cell if it is measured
later). A widget is shown again, as it is, when its cell ends: a stored picture may come a moment
after display.

    undo = install()             # in a kernel: every widget displayed from now on has text/html
    widget_html(widgets.HTML("<b>hi</b>"))   # '<div class="bn-w-html"><b>hi</b></div>'
"""

import base64
import html
import time

LIVE = "runs live: open the notebook in JupyterLab, Voila or Colab"


def _image(w):
    if not w.value:
        return '<div class="bn-w-note">(a figure drawn live)</div>'
    mime = "image/svg+xml" if w.format == "svg+xml" else f"image/{w.format}"
    size = "".join(f' {k}="{v}"' for k in ("width", "height") if (v := getattr(w, k, "")))
    alt = html.escape(getattr(w, "tooltip", None) or "a figure of this notebook, as it opens; "
                      "its controls redraw it when the notebook runs live", quote=True)
    data = base64.b64encode(bytes(w.value)).decode()
    return f'<img class="bn-w-image" src="data:{mime};base64,{data}" alt="{alt}"{size}>'


def _choices(w):
    picked = ' class="bn-w-picked"'
    items = "".join(f"<li{picked if label == w.label else ''}>{html.escape(str(label))}</li>"
                    for label in w.options)
    return (f'<div class="bn-w-control" title="{LIVE}">{html.escape(w.description or "")}'
            f'<ul class="bn-w-choices">{items}</ul></div>')


def widget_html(w):
    """HTML (str) that shows widget `w` as it is now, without a kernel."""
    import ipywidgets as widgets

    if isinstance(w, widgets.Image):
        return _image(w)
    if isinstance(w, widgets.Label):
        return f'<div class="bn-w-html">{html.escape(str(w.value))}</div>'
    if isinstance(w, (widgets.HTML, widgets.HTMLMath)):
        return f'<div class="bn-w-html">{w.value}</div>'
    if isinstance(w, widgets.Box):
        kind = "hbox" if isinstance(w, widgets.HBox) else "vbox"
        inner = "".join(widget_html(child) for child in w.children)
        return f'<div class="bn-w-{kind}">{inner}</div>'
    if isinstance(w, widgets.Button):
        return (f'<button class="bn-w-button" disabled title="{LIVE}">'
                f"{html.escape(w.description)}</button>")
    if isinstance(w, (widgets.ToggleButtons, widgets.RadioButtons, widgets.Dropdown)):
        return _choices(w)
    if isinstance(w, widgets.Output):
        return ""
    from bn_core.ui.slider import Slider

    if isinstance(w, Slider):  # "gamma: 1.00", as its readout shows it
        return (f'<div class="bn-w-control" title="{LIVE}">{html.escape(w.description)}: '
                f"{html.escape(w.text())}</div>")
    value = getattr(w, "value", None)
    name = html.escape(getattr(w, "description", "") or type(w).__name__)
    shown = html.escape(str(getattr(w, "label", None) or value))
    return (f'<div class="bn-w-control">{name} <b>{shown}</b> '
            f'<span class="bn-w-note">({LIVE})</span></div>')


def prediction_html(p):
    """The question and choices of a Prediction (bn_core.ui.predict), then its answer behind a
    disclosure if it is measured already (else a note: it comes with the experiment's cell)."""
    items = "".join(f"<li>{html.escape(c)}</li>" for c in p.choices)
    answer = (answer_html(p) if p.answer is not None else '<p class="bn-w-note">The measured '
              "answer is below the experiment that measures it.</p>")
    return (f'<div class="bn-predict"><p><b>Predict first.</b> {html.escape(p.prompt)}</p>'
            f"<ol>{items}</ol>{answer}</div>")


def answer_html(p):
    """The measured answer of a Prediction behind a <details> disclosure."""
    text = (f"Measured in this notebook's run: <i>{html.escape(p.choices[p.answer])}</i>. "
            f"{html.escape(p.text)}. {html.escape(p.explain)}")
    details = getattr(p, "_details", None)  # e.g. a table of the runs (an HTML widget)
    more = widget_html(details) if details is not None else ""
    return ('<details class="bn-predict-answer"><summary>Your prediction: reveal the measured '
            f"answer</summary><p>{text}</p>{more}</details>")


def _images(w):
    import ipywidgets as widgets

    if isinstance(w, widgets.Image):
        return [w]
    return [i for child in getattr(w, "children", ()) for i in _images(child)]


def install(shell=None, wait=3.0):
    """Give every widget and Prediction displayed from now on a text/html form (their
    _repr_mimebundle_), and make Prediction.measured() also display the answer behind a
    disclosure. In a kernel (`shell`, default the running one), a widget displayed by a cell is
    shown again as it is when the cell ends (a figure whose stored picture comes a moment after
    the panel is displayed, from a run's thread: up to `wait` s per cell). Returns a function
    that undoes it all."""
    import ipywidgets as widgets
    from IPython import get_ipython
    from IPython.display import HTML, display, update_display

    from bn_core.ui.predict import Prediction

    saved = (widgets.Widget._repr_mimebundle_, Prediction._repr_mimebundle_, Prediction.measured)
    measured = Prediction.measured
    rendered, shown = [], []  # widgets rendered since the last display; (widget, id, html) shown

    def static(w, **kwargs):
        rendered.append(w)
        return {"text/html": widget_html(w), "text/plain": f"[{type(w).__name__}: {LIVE}]"}

    def shown_prediction(p, **kwargs):
        p._book_shown = True
        return {"text/html": prediction_html(p), "text/plain": p.prompt}

    def measured_and_shown(self, answer, text, details=None):  # measured after it was shown
        result = measured(self, answer, text, details)
        if getattr(self, "_book_shown", False):
            display(HTML(answer_html(self)))
        return result

    # the methods themselves, not IPython's formatters: panels' wrappers call them directly
    widgets.Widget._repr_mimebundle_ = static
    Prediction._repr_mimebundle_ = shown_prediction
    Prediction.measured = measured_and_shown
    shell = shell if shell is not None else get_ipython()
    publisher = shell.display_pub if shell is not None else None
    publish = publisher.publish if publisher is not None else None

    def publish_with_id(data, metadata=None, *args, transient=None, update=False, **kwargs):
        if rendered and not update and "text/html" in data:
            transient = dict(transient or {}, display_id=f"bn-book-{len(shown)}-{id(data)}")
            shown.append((rendered[-1], transient["display_id"], data["text/html"]))
        rendered.clear()
        return publish(data, metadata, *args, transient=transient, update=update, **kwargs)

    def cell_ended(result=None):
        deadline = time.monotonic() + wait
        for w, display_id, before in shown:
            while (any(not i.value for i in _images(w)) and time.monotonic() < deadline):
                time.sleep(0.05)
            after = widget_html(w)
            if after != before:
                update_display(HTML(after), display_id=display_id)
        shown.clear()

    if publisher is not None:
        publisher.publish = publish_with_id
        shell.events.register("post_run_cell", cell_ended)

    def uninstall():
        widgets.Widget._repr_mimebundle_, Prediction._repr_mimebundle_, Prediction.measured = saved
        if publisher is not None:
            publisher.publish = publish
            shell.events.unregister("post_run_cell", cell_ended)

    return uninstall
