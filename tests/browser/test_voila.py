"""Every notebook served by Voila (a web app without code, for a class): it renders with no error
and every widget drawn; notebook 01's sliders and button work there too, and notebook 02's live
training (taps on lr supersede, the step slider answers while a run trains)."""

import nb01_checks as nb01c
import nb02_checks as nb02c


def test_notebook_renders_clean(voila, notebook):
    voila.check(notebook)


def test_sliders_and_identity(voila, nb01):
    page = voila.run(nb01)
    voila.screenshot(nb01, "before", has=nb01c.FIGURE)
    nb01c.check_key(page, "bn-gamma", "ArrowLeft", 4)
    nb01c.check_drag(page, "bn-gamma", 30)
    nb01c.check_key(page, "bn-beta", "ArrowLeft", 6)
    nb01c.check_key(page, "bn-n", "PageUp")
    nb01c.check_identity(page)
    voila.screenshot(nb01, "after", has=nb01c.FIGURE)


def test_nb02_lr_taps_supersede_and_scrub_answers_while_training(voila, nb02):
    nb02c.check_live_training(voila.run(nb02))


def test_code_exercise_says_it_runs_in_jupyterlab(voila, nb01):
    """Voila cannot run code a learner types: the exercise's check says where it runs."""
    page = voila.run(nb01)
    text = "\n".join(page.locator(".jp-OutputArea-output").all_inner_texts())
    assert "exercise 01.forward runs in JupyterLab" in text
