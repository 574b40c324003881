"""Predictions that withhold the answer, in Voila (issue 20): notebooks 02, 03 and 06 ask the
learner to predict a measurement of their own run. Before Reveal no measured answer may be on the
page: the prediction's result and details areas are empty, no clause of the measured result (e.g.
"BN + noise 94%") is anywhere in the page's text, and the code cells right below the prediction
(up to the next text cell) print no number. After picking a choice and Reveal, the measured
numbers appear.

Widget contract (bn_core/ui/predict.py): .bn-predict holds the choices (.bn-predict-choices, radio
buttons), the button .bn-predict-reveal, the result .bn-predict-result ("... Measured in this
notebook's run: <text>. <verdict> ...") and the details .bn-predict-details.
"""

import re

import pytest

PREDICTIONS = ["02_what_stays_put.ipynb", "03_why_bn_helps.ipynb",
               "06_batch_couples_examples.ipynb"]
LABEL = re.compile(r"(at )?steps? \d+")  # where a number was measured ("at step 100"), not one
MEASURED = re.compile(r"Measured in this notebook's run: (.*?)\. (?:Your prediction|Not this)")

# The text printed by the code cells that follow the prediction's cell, up to the next markdown
# cell (Voila keeps each cell's element, code hidden, outputs shown; each in its own wrapper).
TEXT_BELOW = """(el) => {
  const cells = [...document.querySelectorAll('.jp-Cell')];
  const at = cells.indexOf(el.closest('.jp-Cell'));
  if (at < 0) return null;
  const texts = [];
  for (const cell of cells.slice(at + 1)) {
    if (cell.classList.contains('jp-MarkdownCell')) break;
    texts.push(cell.innerText);
  }
  return texts.join(' | ');
}"""


def clauses(measured):
    """The parts of a measured result that carry a number: 'final test accuracy: BN + noise 94%,
    BN 97%, no BN 30%' -> ['BN + noise 94%', 'BN 97%', 'no BN 30%']."""
    parts = [part.strip() for part in re.split(r"[;,()]|: ", measured)]
    return [part for part in parts if re.search(r"\d", part) and not LABEL.fullmatch(part)]


@pytest.mark.parametrize("name", PREDICTIONS, ids=[n[:2] for n in PREDICTIONS])
def test_no_measured_answer_before_reveal_then_the_numbers(voila, name):
    page = voila.run(name)
    widget = page.locator(".bn-predict").first
    widget.wait_for(timeout=90_000)  # its widget loads last on a busy 2-core machine (> 30 s once)
    result, details = widget.locator(".bn-predict-result"), widget.locator(".bn-predict-details")
    try:
        assert result.inner_text().strip() == "", "a result is shown before Reveal"
        assert details.inner_text().strip() == "", "details are shown before Reveal"
        below = widget.evaluate(TEXT_BELOW)
        assert below is not None, "the prediction is in no .jp-Cell (Voila's page changed?)"
        assert not re.search(r"\d", below), f"printed right below the prediction: {below!r}"
        before = page.inner_text("body")

        widget.locator(".bn-predict-choices input[type='radio']").first.check()
        widget.locator(".bn-predict-reveal").click()
        page.wait_for_function("(el) => /Measured in this notebook/.test(el.innerText)",
                               arg=result.element_handle(), timeout=30_000, polling=100)
        measured = MEASURED.search(result.inner_text())[1]
        shown = clauses(measured)
        assert shown, f"no number in the measured result {measured!r}"
        given = widget.locator(".widget-html").first.inner_text()  # the prompt states these
        leaked = [part for part in shown if part in before and part not in given]
        assert leaked == [], f"on the page before Reveal: {leaked} (of {measured!r})"
        assert all(part in page.inner_text("body") for part in shown)
        if name.startswith("03"):  # its table of the runs comes with the result
            assert "%" in details.inner_text() and "BN + noise" in details.inner_text()
    except AssertionError:
        voila.screenshot(name, "prediction")
        raise
    finally:
        voila.release(name)
