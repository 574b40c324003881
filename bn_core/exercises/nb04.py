"""Notebook 04's exercise: batch norm's backward pass, checked by a gradient check with a RANDOM
upstream gradient (an all-ones dout gives dx = 0 for every implementation and proves nothing).

    from bn_core.exercises import nb04
    nb04.backward.check(bn_backward)  # bn_backward(dout, cache) -> dx, dgamma, dbeta
"""

import numpy as np

from bn_core.exercises import mistakes_backward as wrong
from bn_core.exercises import solutions
from bn_core.exercises.checker import Exercise, Mistake, Progress
from bn_core.exercises.run import Case, close, run
from bn_core.functional import batchnorm_forward
from bn_core.gradcheck import numerical_gradient, rel_error

RETURNS = ("dx", "dgamma", "dbeta")


def backward_cases():
    """Off-centre batches (mean 3, std 2.5), gamma != 1 (some negative), beta != 0, float64,
    a random dout; N != D, N = 2 and N > D."""
    rng = np.random.default_rng(4)
    cases = []
    for n, d in ((6, 4), (2, 3), (3, 5)):
        x = rng.normal(3.0, 2.5, size=(n, d))
        gamma, beta = rng.normal(0.5, 1.5, size=d), rng.normal(0.0, 1.0, size=d)
        _, cache = batchnorm_forward(x, gamma, beta)
        dout = rng.normal(size=(n, d))  # random: all ones would give dx = 0 for any code
        cases.append(Case(f"the ({n}, {d}) batch", (dout, cache),
                          meta={"x": x, "gamma": gamma, "beta": beta}))
    return cases


def gradient_check(fn, case):
    """{name: rel error} of fn's gradients against central differences on one case."""
    x, gamma, beta = (case.meta[k].copy() for k in ("x", "gamma", "beta"))
    dout = case.args[0]
    got = run(fn, case, ("dout", "cache"), RETURNS).values

    def out(x_, g_, b_):
        return batchnorm_forward(x_, g_, b_)[0]

    numeric = (numerical_gradient(lambda v: out(v, gamma, beta), x, dout),
               numerical_gradient(lambda v: out(x, v, beta), gamma, dout),
               numerical_gradient(lambda v: out(x, gamma, v), beta, dout))
    return {name: rel_error(g, n) if g.shape == n.shape else np.inf
            for name, g, n in zip(RETURNS, got, numeric)}


def _note(fn):
    errors = gradient_check(fn, backward.cases[0])
    return ("gradient check with a random dout: rel error "
            + ", ".join(f"{name} {err:.0e}" for name, err in errors.items()))


def _no_mu_effect(outcome):
    dx = outcome.values[0]
    worst = np.abs(dx.sum(axis=0)).max() / np.abs(dx).sum(axis=0).max()
    return (f"so dx does not sum to zero over the batch (|sum_i dx_i| is {worst:.0%} of "
            "sum_i |dx_i|): shifting a whole feature would wrongly change the loss")


def _sums_wrong_axis(ex, got):
    """dgamma or dbeta equal to the sums over each example's features, on some case."""
    for g, case in zip(got, ex.cases):
        if g.values is None or len(g.values) != 3:
            continue
        wrong_dx, wrong_dgamma, wrong_dbeta = wrong.sums_wrong_axis(*case.args)
        if any(close((a,), (b,)) for a, b in ((g.values[1], wrong_dgamma),
                                             (g.values[2], wrong_dbeta))):
            return True
    return False


BACKWARD_MISTAKES = [
    Mistake("the path through mu is missing", _no_mu_effect, wrong.no_mu_path),
    Mistake("the path through var is missing",
            "so dx keeps a component along x_hat: stretching a feature would wrongly change the "
            "loss", wrong.no_var_path),
    Mistake("mu and var treated as constants (both paths missing)",
            "so dx = gamma * dout / std, the gradient of a layer with fixed statistics",
            wrong.constant_stats),
    Mistake("gamma forgotten in dx (dx_hat = dout instead of dout * gamma)",
            "so dx is off by a factor 1 / gamma per feature, sign included where gamma < 0",
            wrong.gamma_forgotten),
    Mistake("dgamma or dbeta summed over the wrong axis (each example's features)",
            "so they have one entry per example, shape (N,), instead of one per feature, (D,)",
            wrong.sums_wrong_axis, _sums_wrong_axis),
]

backward = Exercise(
    "04.backward", "bn_backward(dout, cache)", solutions.bn_backward, backward_cases(),
    BACKWARD_MISTAKES, returns=RETURNS, note=_note,
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
