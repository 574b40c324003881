"""Notebook 04's exercise: batch norm's backward pass, checked by a gradient check with a RANDOM
upstream gradient (an all-ones dout gives dx = 0 for every implementation and proves nothing).

    from bn_core.exercises import nb04
    nb04.backward.check(bn_backward)  # bn_backward(dout, cache) -> dx, dgamma, dbeta
"""

import numpy as np

from bn_core.exercises import mistakes_backward as wrong
from bn_core.exercises import solutions
from bn_core.exercises.backward_effects import EFFECTS, classify
from bn_core.exercises.cases import random_batch
from bn_core.exercises.checker import Exercise, Progress
from bn_core.exercises.run import Case, close, run
from bn_core.exercises.trial import Mistake
from bn_core.functional import batchnorm_forward
from bn_core.gradcheck import numerical_gradient, rel_error

RETURNS = ("dx", "dgamma", "dbeta")


NOTE_CASE = 3  # the gradient check of a "correct" verdict: the (8, 3) batch


def _case(label, x, gamma, beta, dout, eps=1e-5):
    _, cache = batchnorm_forward(x, gamma, beta, eps)
    notes = {j: f"var {v:.2g}, gamma {g:.2g}" for j, (v, g) in enumerate(zip(cache["var"], gamma))}
    return Case(label, (dout, cache), notes,
                {"x": x, "gamma": gamma, "beta": beta, "eps": eps})


def backward_cases():
    """Off-centre batches (mean 3, std 2.5), gamma != 1 (some negative), beta != 0, float64,
    a random dout; N != D, N = 2 and N > D; a feature of variance 1e-8 (below eps); eps = 0.1."""
    rng = np.random.default_rng(4)
    cases = []
    for n, d, eps in ((6, 4, 1e-5), (2, 3, 1e-5), (3, 5, 1e-5), (8, 3, 0.1)):
        x = rng.normal(3.0, 2.5, size=(n, d))
        if n == 6:  # feature 2: variance 1e-8, far below eps
            x[:, 2] = 0.5 + 1e-4 * (x[:, 2] - x[:, 2].mean()) / x[:, 2].std()
        gamma, beta = rng.normal(0.5, 1.5, size=d), rng.normal(0.0, 1.0, size=d)
        dout = rng.normal(size=(n, d))  # random: all ones would give dx = 0 for any code
        label = f"the ({n}, {d}) batch" + (f" with eps = {eps:g}" if eps != 1e-5 else "")
        cases.append(_case(label, x, gamma, beta, dout, eps))
    return cases


def random_cases(rng):
    """Two batches drawn at each check: N from 6 to 12, eps among 1e-5, 1e-3, 0.1."""
    found = []
    for _ in range(2):
        x, gamma, beta, eps, label = random_batch(rng, (int(rng.integers(6, 13)),
                                                        int(rng.integers(2, 6))))
        found.append(_case(label, x, gamma, beta, rng.normal(size=x.shape), eps))
    return found


def gradient_check(fn, case):
    """{name: rel error} of fn's gradients against central differences on one case."""
    x, gamma, beta = (case.meta[k].copy() for k in ("x", "gamma", "beta"))
    dout = case.args[0]
    got = run(fn, case, ("dout", "cache"), RETURNS).values

    def out(x_, g_, b_):
        return batchnorm_forward(x_, g_, b_, case.meta["eps"])[0]

    numeric = (numerical_gradient(lambda v: out(v, gamma, beta), x, dout),
               numerical_gradient(lambda v: out(x, v, beta), gamma, dout),
               numerical_gradient(lambda v: out(x, gamma, v), beta, dout))
    return {name: rel_error(g, n) if g.shape == n.shape else np.inf
            for name, g, n in zip(RETURNS, got, numeric)}


def _note(fn):
    errors = gradient_check(fn, backward.cases[NOTE_CASE])
    return ("gradient check with a random dout: rel error "
            + ", ".join(f"{name} {err:.0e}" for name, err in errors.items()))


def _sums(ex_fn, scale_name):
    """rule(trial): dgamma or dbeta equal to ex_fn's on every case."""
    def rule(trial):
        for g, _, case in trial.rows():
            if g.values is None or len(g.values) != 3:
                return False
            want = ex_fn(*case.args)
            if not any(a.shape == b.shape and close((a,), (b,))
                       for a, b in zip(g.values[1:], want[1:])):
                return False
        return True
    rule.__name__ = scale_name
    return rule


def _averaged(dout, cache):
    dx, dgamma, dbeta = solutions.bn_backward(dout, cache)
    return dx, dgamma / len(dout), dbeta / len(dout)


def _by_effect(key, example=None):
    name, effect = EFFECTS[key]
    return Mistake(name, effect, example, lambda trial: classify(trial) == key)


BACKWARD_MISTAKES = [
    _by_effect("no mu", wrong.no_mu_path), _by_effect("no var", wrong.no_var_path),
    _by_effect("constants", wrong.constant_stats), _by_effect("gamma", wrong.gamma_forgotten),
    _by_effect("sign all"), _by_effect("sign mu"), _by_effect("sign var"),
    _by_effect("n - 1"), _by_effect("power"),
    Mistake("dgamma or dbeta summed over the wrong axis (each example's features)",
            "so they have one entry per example, shape (N,), instead of one per feature, (D,)",
            wrong.sums_wrong_axis, _sums(wrong.sums_wrong_axis, "wrong_axis")),
    Mistake("dgamma or dbeta averaged over the batch instead of summed",
            "so they come out N times too small: each of the N rows adds its own share",
            _averaged, _sums(_averaged, "averaged")),
]

backward = Exercise(
    "04.backward", "bn_backward(dout, cache)", solutions.bn_backward, backward_cases(),
    BACKWARD_MISTAKES, returns=RETURNS, note=_note, random_cases=random_cases,
    hints=[
        "dbeta and dgamma first: beta and gamma are used by all N rows, so their gradients sum "
        "over the batch (axis 0): dbeta = sum_i dout_i, dgamma = sum_i dout_i * x_hat_i.",
        "Then dx_hat = dout * gamma, and walk the graph of the table above in reverse: x_hat "
        "depends on x directly, through mu and through var; the gradients along the three paths "
        "add up.",
        "The three paths together: dx = inv_std * (dx_hat - mean_i(dx_hat) - x_hat * "
        "mean_i(dx_hat * x_hat)). Check: each column of dx sums to 0.",
    ])

progress = Progress("04", [backward])
