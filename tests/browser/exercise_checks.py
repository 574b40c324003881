"""A learner doing notebook 01's exercise in JupyterLab: type a function into the exercise cell,
run it and the check cell (Shift+Enter twice), read the verdict the check prints.

Lab 4 renders only the cells near the viewport, so the exercise cell is reached as a learner
would: select the first cell, then ArrowDown in command mode (which scrolls it into view).
"""

import re
import time
from pathlib import Path

import nbformat
import pages

EXERCISE_CELL = "# EXERCISE 01.forward"
VERDICT = re.compile(r"^(not attempted yet|correct|incorrect)\b.*$", re.M)


def code_cell(page, text):
    """The code cell whose source contains `text`."""
    return page.locator(".jp-Notebook .jp-CodeCell", has_text=text).first


def cell_index(path, text):
    """The index of the first cell of notebook `path` whose source contains `text`."""
    cells = nbformat.read(path, as_version=4).cells
    return next(i for i, c in enumerate(cells) if text in c.source)


def type_into_cell(page, index, source):
    """Replace the source of cell `index` by `source`, as pasted (no auto-indent)."""
    page.locator(".jp-Notebook .jp-Cell .jp-InputPrompt").first.click()
    page.keyboard.press("Escape")  # command mode
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # edit mode in the selected cell
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)


def run_exercise(page, path, source, timeout=30):
    """Type `source` into notebook `path`'s exercise cell (the page shows it), run it and the
    check cell below; return the check's verdict line (the first line it prints)."""
    type_into_cell(page, cell_index(Path(path), EXERCISE_CELL), source)
    return run_and_check(page, timeout)


def run_and_check(page, timeout=30):
    """The exercise cell in edit mode, its source typed: Shift+Enter runs it and selects the
    check cell, Shift+Enter runs that; return the check's verdict line."""
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
