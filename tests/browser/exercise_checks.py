"""A learner doing notebook 01's exercise in JupyterLab: type a function into the exercise cell,
run it and the check cell (Shift+Enter twice), read the verdict the check prints."""

import re
import time

import pages

EXERCISE_CELL = "# EXERCISE 01.forward"
VERDICT = re.compile(r"^(not attempted yet|correct|incorrect)\b.*$", re.M)


def code_cell(page, text):
    """The code cell whose source contains `text`."""
    return page.locator(".jp-Notebook .jp-CodeCell", has_text=text).first


def type_into_cell(page, text, source):
    """Replace the source of the cell containing `text` by `source`, as pasted (no auto-indent)."""
    editor = code_cell(page, text).locator(".cm-content").first
    editor.scroll_into_view_if_needed()
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)


def run_exercise(page, source, timeout=30):
    """Type `source` into the exercise cell, run it and the check cell below; return the check's
    verdict line (the first line it prints)."""
    type_into_cell(page, EXERCISE_CELL, source)
    check = page.locator(".jp-Notebook .jp-CodeCell", has_text="nb01.forward.check(").first
    before = check.locator(pages.OUTPUT).all_inner_texts()
    page.keyboard.press("Shift+Enter")  # runs the exercise cell, selects the check cell
    page.keyboard.press("Shift+Enter")  # runs the check cell
    deadline = time.monotonic() + timeout
    while True:
        outputs = check.locator(pages.OUTPUT).all_inner_texts()
        found = VERDICT.search("\n".join(outputs))
        if outputs != before and found:
            pages.wait_idle(page)
            return VERDICT.search("\n".join(check.locator(pages.OUTPUT).all_inner_texts()))[0]
        assert time.monotonic() < deadline, f"no verdict after {timeout} s: {outputs}"
        time.sleep(0.1)
