"""The exercise checker: the reference passes, the engine's own functions pass, an untouched stub
reads "not attempted", a raising function gets its one-line message, every catalogued mistake
gets its own diagnosis, a wrong answer outside the catalogue is located without revealing the
expected values, check() prints one verdict line and never raises, Voila gets a note instead."""

import re
import subprocess
import sys

import numpy as np
import pytest

import bn_core
from bn_core.exercises import nb01, nb04, nb05, nb07, solutions
from bn_core.exercises.checker import VOILA_VARIABLES
from bn_core.experiments.inference import fold_bn_into_linear
from bn_core.layers import BatchNorm1d
from bn_core.nn import Linear

EXERCISES = [nb01.forward, nb04.backward, nb05.running, nb05.eval_mode, nb05.folding,
             nb07.layer_norm, nb07.batchnorm2d]
IDS = [ex.key for ex in EXERCISES]


@pytest.fixture(autouse=True)
def not_in_voila(monkeypatch):
    for name in VOILA_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_the_reference_is_correct(ex):
    assert ex.verdict(ex.reference).startswith("correct")


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_an_untouched_stub_is_not_attempted(ex):
    def stub(*args):
        raise NotImplementedError

    for fn in (stub, None):
        assert ex.verdict(fn).startswith("not attempted yet: write " + ex.signature)


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_a_function_without_return_is_told_so(ex):
    def empty(*args):
        pass

    assert ex.verdict(empty) == "incorrect: your function returned None: did you forget `return`?"


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_a_raising_function_gets_its_one_line_message(ex):
    def broken(*args):
        raise ValueError("operands could not be broadcast\nsecond line of the message")

    verdict = ex.verdict(broken)
    assert verdict.startswith("incorrect: on ") and "\n" not in verdict
    assert verdict.endswith("raised ValueError: operands could not be broadcast")


CATALOGUE = [(ex, m) for ex in EXERCISES for m in ex.mistakes if m.fn is not None]


@pytest.mark.parametrize(("ex", "mistake"), CATALOGUE,
                         ids=[f"{ex.key}: {m.name[:40]}" for ex, m in CATALOGUE])
def test_every_catalogued_mistake_gets_its_own_diagnosis(ex, mistake):
    """Each example wrong version is recognised as itself: the first match is its own."""
    assert ex.verdict(mistake.fn).startswith(f"incorrect: {mistake.name}, ")


def test_the_engine_agrees_with_the_solutions():
    """bn_core's fast functions pass the checkers, so the reference solutions are the engine's."""
    assert nb01.forward.verdict(lambda x, g, b, eps=1e-5: bn_core.batchnorm_forward(x, g, b, eps)
                                ) == "correct"  # (out, cache) is accepted as out
    for ex, fn in ((nb01.forward, bn_core.batchnorm_forward),
                   (nb07.layer_norm, bn_core.layernorm_forward),
                   (nb07.batchnorm2d, bn_core.batchnorm2d_forward)):
        assert ex.verdict(lambda x, g, b, eps=1e-5, fn=fn: fn(x, g, b, eps)[0]) == "correct"
    for fn in (bn_core.batchnorm_backward, bn_core.batchnorm_backward_stepwise):
        assert nb04.backward.verdict(fn).startswith("correct (gradient check")


def test_running_statistics_and_folding_follow_the_layers():
    """update_running and fold_linear agree with BatchNorm1d and the engine's folding."""
    rng = np.random.default_rng(0)
    bn = BatchNorm1d(3, momentum=0.1)
    bn.running_mean, bn.running_var = rng.normal(size=3), rng.uniform(0.5, 2, size=3)
    mean, var = bn.running_mean.copy(), bn.running_var.copy()
    x = rng.normal(2.0, 3.0, size=(5, 3))
    bn.train().forward(x)
    new = solutions.update_running(mean, var, x, 0.1)
    assert np.allclose(new[0], bn.running_mean) and np.allclose(new[1], bn.running_var)
    bn.gamma, bn.beta = rng.normal(size=3), rng.normal(size=3)
    assert np.allclose(solutions.bn_eval(x, bn.gamma, bn.beta, bn.running_mean, bn.running_var),
                       bn.eval().forward(x))
    linear = Linear(4, 3, rng)
    folded = fold_bn_into_linear(linear.W, linear.b, bn)  # (W', b')
    mine = solutions.fold_linear(linear.W, linear.b, bn.gamma, bn.beta, bn.running_mean,
                                 bn.running_var, bn.eps)
    assert np.allclose(folded[0], mine[0]) and np.allclose(folded[1], mine[1])
    h = rng.normal(size=(6, 4))
    assert np.allclose(h @ mine[0] + mine[1], bn.eval().forward(linear.forward(h)))


def test_backward_is_checked_with_a_random_dout():
    """An all-ones dout gives dx = 0 for any BN code; the designed douts are random."""
    case = nb04.backward.cases[0]
    ones = np.ones_like(case.args[0])
    assert np.abs(solutions.bn_backward(ones, case.args[1])[0]).max() < 1e-12
    for case in nb04.backward.cases:
        assert np.std(case.args[0]) > 0.5
    errors = nb04.gradient_check(solutions.bn_backward, nb04.backward.cases[nb04.NOTE_CASE])
    assert max(errors.values()) < 1e-7, errors


def test_an_unknown_error_is_located_without_the_expected_value():
    def off(x, gamma, beta, eps=1e-5):
        out = solutions.bn_forward(x, gamma, beta, eps)
        if out.shape == (6, 5):
            out[4, 3] += 0.5  # example 4, feature 3 (the negative-gamma feature)
        return out

    verdict = nb01.forward.verdict(off)
    assert verdict == ("incorrect: it matches none of the usual mistakes; the largest error is "
                       "0.5, in out at example 4, feature 3 (mean -2, std 0.5, gamma -1.2, "
                       "beta 2), on the (6, 5) batch")
    expected = solutions.bn_forward(*nb01.forward.cases[0].args)[4, 3]
    assert f"{expected:.2g}" not in verdict


def test_an_unknown_backward_error_comes_with_its_gradient_check():
    def off(dout, cache):
        dx, dgamma, dbeta = solutions.bn_backward(dout, cache)
        return dx * 1.1, dgamma, dbeta

    verdict = nb04.backward.verdict(off)
    assert verdict.startswith("incorrect: it matches none of the usual mistakes; the largest "
                              "error is ")
    found = re.search(r"\(gradient check with a random dout: rel error dx (\S+), dgamma (\S+), "
                      r"dbeta (\S+)\)$", verdict)
    assert found, verdict
    dx, dgamma, dbeta = (float(v) for v in found.groups())
    assert dx > 1e-2 and dgamma < 1e-7 and dbeta < 1e-7  # dx is off by 10%, the rest is right


def test_code_exercises_load_no_widgets():
    """The checker runs headless: only the predictions (02, 03, 06) load ipywidgets."""
    code = ("import sys; from bn_core.exercises import nb01, nb04, nb05, nb07; "
            "print('ipywidgets' in sys.modules, 'matplotlib' in sys.modules)")
    assert subprocess.check_output([sys.executable, "-c", code], text=True).split() == [
        "False", "False"]


def test_wrong_shapes_and_types_are_named():
    assert nb01.forward.verdict(np.zeros(3)) == (
        "incorrect: check() takes your function itself, check(bn_forward), not a ndarray")
    assert nb01.forward.verdict(lambda x, g, b, eps=1e-5: x.mean(axis=0)) == (
        "incorrect: out has shape (5,) on the (6, 5) batch; expected (6, 5)")
    assert nb01.forward.verdict(lambda x, g, b, eps=1e-5: "out") == (
        "incorrect: expected out, an array of shape (6, 5) (or (out, cache)), got a str ('out')")
    assert nb04.backward.verdict(lambda dout, cache: dout) == (
        "incorrect: expected (dx, dgamma, dbeta): arrays of shapes (6, 4), (4,), (4,), got an "
        "array of shape (6, 4)")


def test_check_prints_one_verdict_then_the_progress(capsys):
    def bn_forward(x, gamma, beta, eps=1e-5):
        raise RuntimeError("a bug\nwith a long story")

    nb01.forward.check(bn_forward)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["incorrect: on the (6, 5) batch your function raised RuntimeError: a bug",
                     "notebook 01: 0 of 1 exercises done"]
    nb05.running.check(solutions.update_running)
    nb05.eval_mode.check(solutions.bn_eval)
    assert capsys.readouterr().out.splitlines()[-1] == "notebook 05: 2 of 3 exercises done"
    nb05.eval_mode.check(lambda *args: 0)  # a later attempt undoes the tick
    assert capsys.readouterr().out.splitlines()[-1] == "notebook 05: 1 of 3 exercises done"


def test_check_finds_the_function_in_the_callers_globals(capsys):
    globals()["layer_norm"] = solutions.layer_norm
    try:
        nb07.layer_norm.check()
    finally:
        del globals()["layer_norm"]
    assert capsys.readouterr().out.startswith("correct\n")
    nb07.layer_norm.check()
    assert capsys.readouterr().out.startswith("not attempted yet")


def test_in_voila_code_exercises_say_where_they_run(capsys, monkeypatch):
    monkeypatch.setenv("VOILA_SERVER_URL", "/")
    nb01.forward.check(solutions.bn_forward)
    out = capsys.readouterr().out
    assert out.startswith("exercise 01.forward runs in JupyterLab") and out.count("\n") == 1


def test_hints_and_solution(capsys):
    nb04.backward.hint()
    nb04.backward.hint(3)
    nb04.backward.hint(4)
    nb04.backward.solution()
    out = capsys.readouterr().out
    assert out.startswith("hint 1 of 3: dbeta and dgamma first")
    assert "hint 3 of 3:" in out and "has hints 1 to 3; nb04.backward.solution()" in out
    assert "def bn_backward(dout, cache):" in out
