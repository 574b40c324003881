"""Notebook 04's derivation table gives the math only until the learner has tried the exercise:
the button refuses before an attempt, shows the code after one, and a passing check shows it."""

from bn_core.exercises import nb04, solutions
from bn_core.exercises.checker import Exercise
from bn_core.panels import nb04_backward
from bn_core.panels.nb04_table import derivation_panel


def fresh_backward():
    ex = nb04.backward
    return Exercise(ex.key, ex.signature, ex.reference, ex.cases, ex.mistakes, ex.hints,
                    returns=ex.returns)


def shown(panel):
    return panel.markdown


def test_the_table_hides_the_code_until_an_attempt():
    assert "dx += np.ones_like" not in nb04_backward.derivation_table(with_code=False)
    ex = fresh_backward()
    panel = derivation_panel(ex)
    assert "dstd = -dinv_std" not in shown(panel) and "backward rule" in shown(panel)
    panel.children[1].click()
    assert "dstd = -dinv_std" not in shown(panel)
    assert panel.refused
    ex.check(lambda dout, cache: (dout, dout.sum(0), dout.sum(0)))  # a wrong attempt
    panel.children[1].click()
    assert "dstd = -dinv_std" in shown(panel)


def test_a_passing_check_shows_the_code():
    ex = fresh_backward()
    panel = derivation_panel(ex)
    ex.check(solutions.bn_backward)
    assert "dstd = -dinv_std" in shown(panel) and panel.children[1].layout.display == "none"
