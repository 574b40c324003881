"""Issue 21 in the browser: what axe-core cannot see.

axe-core (WCAG 2.0 / 2.1, A and AA) runs on every notebook in JupyterLab and in Voila after Run
All and again after every slider moved, on the pages test_lab.py and test_voila.py open anyway
(conftest.App.check -> axe.assert_clean: 0 serious or critical violations, Lab's chrome included,
bn-lab-a11y loaded). Here, on three more pages (one load each):
- axe itself finds what it must (a page with an unnamed slider and an image without alt);
- what a screen reader is given (Chromium's accessibility tree, ax_tree.py), in Voila: notebook
  01's figure is an image named by its current numbers, renamed when gamma moves, every slider a
  slider with a name and a value text; notebook 03's run announces its start and its end in a
  polite live region, its figures named, its sliders named;
- a keyboard-only learner (keyboard_checks.py): notebook 03's prediction in Voila, notebook 01's
  exercise in JupyterLab (the cell editor named by bn-lab-a11y);
- notebook 01's figure text in Lab and every formula with MathJax's assistive MathML.
"""

import inspect
import re

import ax_tree
import axe
import keyboard_checks as keys
import nb01_checks as nb01c
import pages
import pytest

from bn_core.exercises import solutions
from bn_core.ui.run_controls import ANNOUNCE_SECONDS

NB03 = "03_why_bn_helps.ipynb"
PAGE = """<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1>
{}</main></body></html>"""
PIXEL = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
BAD = f'<input type="range" min="0" max="3"><img src="{PIXEL}">'
GOOD = (f'<label for="s">gamma</label><input id="s" type="range" min="0" max="3">'
        f'<img alt="gamma 1.00" src="{PIXEL}">')


def test_axe_finds_an_unnamed_slider_and_an_image_without_alt(browser):
    if axe.missing():
        pytest.skip(axe.missing())  # and conftest.App.check audits nothing
    page = browser.new_page()
    try:
        page.set_content(PAGE.format(BAD))
        assert {v.rule for v in axe.serious(axe.audit(page))} == {"label", "image-alt"}
        page.set_content(PAGE.format(GOOD))
        assert axe.serious(axe.audit(page)) == []
    finally:
        page.close()


def sliders_are_named(nodes):
    """Every slider in the tree has a name and a value. (Chromium's DevTools tree gives the
    input's number as the value, also as "valuetext", even where aria-valuetext is set: what the
    slider says, "gamma 1.00", is checked on the element.)"""
    found = [n for n in nodes if n.role == "slider"]
    assert found, "no slider in the accessibility tree"
    for n in found:
        assert n.name.strip() and n.value.strip(), n
    return found


def math_is_assistive(page):
    """(formulas, formulas with assistive MathML or a label) in the rendered Markdown."""
    return page.evaluate("""() => {
      const all = [...document.querySelectorAll('mjx-container')];
      return [all.length, all.filter(m => m.querySelector('mjx-assistive-mml, math') !== null
                                      || m.getAttribute('aria-label')).length];
    }""")


def test_nb01_voila_what_a_screen_reader_gets(voila, nb01):
    """The figure is an image named by its numbers; moving gamma renames it with the new |gamma|;
    each slider is a slider named by its label, its value text says the value; math readable."""
    page = voila.run(nb01)
    figure = f"img{nb01c.FIGURE}"
    before = ax_tree.node(page, figure)
    assert before.role == "image" and "Feature 0:" in before.name, before
    assert re.search(r"\d\.\d", before.name), before.name
    sliders = sliders_are_named(ax_tree.tree(page))
    assert {"gamma", "beta", "N"} <= {s.name for s in sliders}
    gamma = ax_tree.node(page, ".bn-gamma input")
    nb01c.check_key(page, "bn-gamma", "ArrowLeft", 4)
    pages.wait_idle(page)
    value = pages.slider_value(page, "bn-gamma")
    after = ax_tree.node(page, figure)
    assert after.name != before.name
    assert f"std {abs(value):.2f} (|gamma| {abs(value):.2f})" in after.name, (value, after.name)
    moved = ax_tree.node(page, ".bn-gamma input")
    assert float(moved.value) == pytest.approx(value) and moved.value != gamma.value, moved
    said = page.locator(".bn-gamma input").get_attribute("aria-valuetext")
    assert said.replace("\u2212", "-") == f"gamma {value:.2f}", said
    formulas, assistive = math_is_assistive(page)
    assert formulas == assistive, f"{formulas - assistive} of {formulas} formulas unreadable"


SAID = """() => {  // [time, text] of every change of the page's live regions from now on
  window.__said = [];
  const seen = new WeakSet();
  const watch = () => document.querySelectorAll('.bn-live-status').forEach(region => {
    if (seen.has(region)) return;
    seen.add(region);
    new MutationObserver(() => window.__said.push([performance.now(), region.innerText.trim()]))
      .observe(region, {childList: true, subtree: true, characterData: true});
  });
  watch();
}"""


def test_nb03_voila_run_announced_and_a_prediction_by_keyboard(voila):
    """Notebook 03 in Voila: a keyboard-only learner picks a prediction and reveals it (Tab,
    Space, Tab, Enter); pressing play (Enter) on the noise run makes its live region say the run
    started, then that it is done; the figures are named images, the sliders named sliders."""
    page = voila.run(NB03)
    try:
        result = keys.predict(page)
        assert "Measured in this notebook" in result
        panel = page.locator(".jp-OutputArea-output", has=page.locator(".bn-noise-strength"))
        play = panel.locator(".bn-run-play").first
        readout = panel.locator(".bn-run-readout").first
        page.wait_for_function("(e) => !/\\(training\\)/.test(e.innerText)",
                               arg=readout.element_handle(), timeout=180_000, polling=200)
        page.evaluate(SAID)
        play.focus()
        page.keyboard.press("Enter")  # a finished run starts again from step 0 and trains
        page.wait_for_function("() => window.__said.some(([, t]) => /^run done/.test(t))",
                               timeout=180_000, polling=200)
        said = page.evaluate("window.__said")  # [[ms, text], ...]
        assert said[0][1].startswith("run training: step"), said
        assert said[-1][1].startswith("run done: step"), said
        seconds = (said[-1][0] - said[0][0]) / 1000  # progress at most every ANNOUNCE_SECONDS
        assert len(said) <= 3 + seconds / ANNOUNCE_SECONDS, said
        nodes = ax_tree.tree(page)
        live = [n for n in nodes if n.live == "polite" and n.role == "status"]
        assert any(n.text.startswith("run done: step") for n in live), live
        images = [n for n in nodes if n.role == "image"]
        assert images and all(n.name.strip() for n in images), images
        sliders_are_named(nodes)
    finally:
        voila.release(NB03)


def test_nb01_lab_exercise_by_keyboard_and_figure_text(lab, nb01):
    """JupyterLab: the exercise typed, run and checked from the keyboard only, in an editor named
    by bn-lab-a11y; the figure's title follows gamma; every formula has assistive MathML."""
    page = lab.run(nb01)
    name, verdict = keys.exercise(page, lab.server.root / nb01,
                                  inspect.getsource(solutions.bn_forward))
    assert verdict == "correct", verdict
    assert re.fullmatch(r"Code cell \d+ input", name or ""), name
    figure = page.locator(nb01c.FIGURE).first
    before = figure.get_attribute("title")
    nb01c.check_key(page, "bn-gamma", "ArrowLeft", 4)
    pages.wait_idle(page)
    after, gamma = figure.get_attribute("title"), pages.slider_value(page, "bn-gamma")
    assert after != before
    assert f"std {abs(gamma):.2f} (|gamma| {abs(gamma):.2f})" in after, (gamma, after)
    formulas, assistive = math_is_assistive(page)
    assert formulas == assistive, f"{formulas - assistive} of {formulas} formulas unreadable"
