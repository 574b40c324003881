"""A learner with a keyboard only: Tab / Shift+Tab to move, Space / Enter to press, arrows,
typing. No mouse event is sent (no click, hover or drag): each step checks where the focus is.

    predict(page)                       # Voila: a prediction chosen and revealed from the keyboard
    exercise(page, path, source)        # Lab: an exercise typed, run and checked from the keyboard
"""

import exercise_checks as exc

FOCUSED = "(selector) => document.activeElement?.matches(selector) === true"
ACTIVE_CELL = """() => {
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-Notebook-cell')];
  return cells.findIndex(c => c.classList.contains('jp-mod-active'));
}"""


def tab_to(page, selector, limit=400):
    """Press Tab until the focused element matches `selector`; the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED, selector):
            return presses
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def predict(page, timeout=60):
    """Tab to the first prediction's first choice, Space picks it, Tab to Reveal, Enter: returns
    the prediction's result text once it shows the measured answer."""
    tab_to(page, ".bn-predict-choices input[type=radio]")
    page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked"), "Space did not pick the choice"
    widget = page.evaluate_handle("() => document.activeElement.closest('.bn-predict')")
    page.wait_for_function("(w) => !w.querySelector('.bn-predict-reveal').disabled", arg=widget,
                           timeout=timeout * 1000, polling=100)
    tab_to(page, ".bn-predict-reveal", limit=10)  # past the other choices (each a tab stop)
    page.keyboard.press("Enter")
    page.wait_for_function("(w) => /Measured in this notebook/.test(w.innerText)", arg=widget,
                           timeout=timeout * 1000, polling=100)
    return widget.evaluate("w => w.querySelector('.bn-predict-result').innerText")


def exercise(page, path, source, timeout=30):
    """JupyterLab, its notebook focused: Escape (command mode), arrows to the exercise cell,
    Enter (edit), Ctrl+A and type `source`, Shift+Enter twice (the exercise, then its check).
    Returns (the focused editor's accessible name, the check's verdict line)."""
    page.keyboard.press("Escape")
    assert page.evaluate(FOCUSED, ".jp-Notebook, .jp-Notebook *"), "the notebook has no focus"
    target = exc.cell_index(path, exc.EXERCISE_CELL)
    now = page.evaluate(ACTIVE_CELL)
    for _ in range(abs(target - now)):
        page.keyboard.press("ArrowDown" if target > now else "ArrowUp")
    assert page.evaluate(ACTIVE_CELL) == target, "the arrows did not reach the exercise cell"
    page.keyboard.press("Enter")  # edit mode
    assert page.evaluate(FOCUSED, ".cm-content"), "Enter did not put the focus in the editor"
    name = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)
    return name, exc.run_and_check(page, timeout)
