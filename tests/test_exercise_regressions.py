"""Issue 20's regression suite: FRESH learner-style solutions (loops, keepdims, two-pass, einsum,
classes, helpers), not the catalogue's code. Correct ones read "correct"; wrong ones "incorrect"
and named; malformed ones get one clean line. The functions live in learner_solutions.py."""

import time

import learner_solutions as ls
import pytest

from bn_core.exercises import nb01, nb04, nb05, nb07
from bn_core.exercises.checker import VOILA_VARIABLES

EXERCISES = [nb01.forward, nb04.backward, nb05.running, nb05.eval_mode, nb05.folding,
             nb07.layer_norm, nb07.batchnorm2d]


@pytest.fixture(autouse=True)
def not_in_voila(monkeypatch):
    for name in VOILA_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(("ex", "fn"), ls.CORRECT, ids=[f.__name__ for _, f in ls.CORRECT])
def test_a_correct_solution_in_any_style_is_correct(ex, fn):
    for _ in range(3):  # new random cases at each check
        assert ex.verdict(fn).startswith("correct"), ex.verdict(fn)


@pytest.mark.parametrize(("ex", "fn", "name"), ls.WRONG, ids=[f.__name__ for _, f, _ in ls.WRONG])
def test_a_wrong_solution_is_named(ex, fn, name):
    for _ in range(3):
        verdict = ex.verdict(fn)
        assert verdict.startswith(f"incorrect: {name}"), verdict
        assert "\n" not in verdict and "matches none" not in verdict


@pytest.mark.parametrize(("ex", "fn", "line"), ls.MALFORMED,
                         ids=[f.__name__ for _, f, _ in ls.MALFORMED])
def test_a_malformed_submission_gets_one_clean_line(ex, fn, line):
    verdict = ex.verdict(fn)
    assert verdict.startswith(line), verdict
    assert "\n" not in verdict and "checker failed" not in verdict


def test_a_looping_function_is_stopped_with_a_message(monkeypatch):
    monkeypatch.setattr(nb01.forward, "limit", 0.3)
    start = time.perf_counter()
    verdict = nb01.forward.verdict(ls.f_forever)
    assert time.perf_counter() - start < 2.0
    assert verdict == ("incorrect: your function took more than 0.3 s on the (6, 5) batch: is "
                       "there a loop over examples (or one that never ends)?")


def test_every_named_mistake_has_a_fresh_learner_solution():
    """Every mistake's name is met by a fresh solution in at least one exercise (the family
    shared by bn_forward, layer_norm and bn2d_forward is generated once for all three)."""
    named = {name for _, _, name in ls.WRONG}
    missing = {m.name for ex in EXERCISES for m in ex.mistakes
               if not any(m.name.startswith(n) for n in named)}
    assert not missing


@pytest.mark.parametrize("ex", EXERCISES, ids=[ex.key for ex in EXERCISES])
def test_a_check_takes_milliseconds(ex):
    ex.verdict(ex.reference)
    start = time.perf_counter()
    for _ in range(5):
        ex.verdict(ex.reference)
    assert (time.perf_counter() - start) / 5 < 0.25  # measured: 1 to 16 ms
