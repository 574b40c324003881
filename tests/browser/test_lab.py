"""Every notebook in JupyterLab, as a learner runs it: Run All, no error, every widget drawn; then
notebook 01's sliders moved by keyboard and mouse, its figure and readouts following; notebook 02's
live training (taps on lr supersede, the step slider answers while a run trains)."""

import inspect

import exercise_checks as exc
import nb01_checks as nb01c
import nb02_checks as nb02c
import pages

from bn_core.exercises import solutions


def test_notebook_runs_clean(lab, notebook):
    lab.check(notebook)


def test_gamma_keyboard(lab, nb01):
    page = lab.run(nb01)
    lab.screenshot(nb01, "before", has=nb01c.FIGURE)
    nb01c.check_key(page, "bn-gamma", "ArrowRight", 3)
    nb01c.check_key(page, "bn-gamma", "ArrowLeft", 9)


def test_gamma_mouse_drag(lab, nb01):
    page = lab.run(nb01)
    nb01c.check_drag(page, "bn-gamma", -40)


def test_beta_keyboard(lab, nb01):
    page = lab.run(nb01)
    nb01c.check_key(page, "bn-beta", "ArrowRight", 5)


def test_batch_size(lab, nb01):
    page = lab.run(nb01)
    nb01c.check_key(page, "bn-n", "ArrowRight", 4)
    nb01c.check_key(page, "bn-n", "End")


def test_identity_recovery(lab, nb01):
    page = lab.run(nb01)
    nb01c.check_identity(page)
    lab.screenshot(nb01, "after", has=nb01c.FIGURE)


def test_nb02_lr_taps_supersede_and_scrub_answers_while_training(lab, nb02):
    nb02c.check_live_training(lab.run(nb02))


def test_exercise_named_mistake_then_correct(lab, nb01):
    """Notebook 01's exercise as a learner does it: a forward pass with the variance divided by
    N - 1 gets that diagnosis; the reference solution, typed in, reads "correct"."""
    page = lab.run(nb01)
    wrong = inspect.getsource(solutions.bn_forward).replace(
        "((x - mu) ** 2).mean(axis=0)", "((x - mu) ** 2).sum(axis=0) / (len(x) - 1)")
    verdict = exc.run_exercise(page, lab.server.root / nb01, wrong)
    assert verdict.startswith("incorrect: the variance divided by N - 1"), verdict
    assert exc.run_exercise(page, lab.server.root / nb01,
                            inspect.getsource(solutions.bn_forward)) == "correct"
    lab.screenshot(nb01, "exercise-correct")
    assert pages.problems(page) == []
