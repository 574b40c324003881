"""Notebook 01's exercise: batch norm's forward pass in training mode.

    from bn_core.exercises import nb01
    nb01.forward.check(bn_forward)    # bn_forward(x, gamma, beta, eps=1e-5) -> out: (N, D)
"""

import numpy as np

from bn_core.exercises import mistakes_forward as wrong
from bn_core.exercises import solutions
from bn_core.exercises.cases import BIG_MEAN, forward_cases
from bn_core.exercises.checker import Exercise, Mistake, Progress
from bn_core.exercises.run import Case, close


def _case(label, x, gamma, beta, notes):
    return Case(label, (x, gamma, beta, 1e-5), notes)


def cancels(ex, got):
    """E[x^2] - E[x]^2: right everywhere except on the feature of mean 1e8, where it is off."""
    main, want = got[0], ex.expected[0]
    if main.values is None or main.values[0].shape != want.values[0].shape:
        return False
    others = [j for j in range(want.values[0].shape[1]) if j != BIG_MEAN]
    off = np.abs(main.values[0][:, BIG_MEAN] - want.values[0][:, BIG_MEAN])
    return (close((main.values[0][:, others],), (want.values[0][:, others],))
            and not np.all(off < 1e-3))


def changed_input(ex, got):
    return any("x" in g.changed for g in got)


FORWARD_MISTAKES = [
    Mistake("the input x changed in place",
            "so the caller's batch is overwritten by its normalized values (x -= mu changes x)",
            wrong.in_place, changed_input),
    Mistake("the variance divided by N - 1",
            "so every output's spread shrinks by sqrt((N - 1) / N), to 0.71 of |gamma| at N = 2",
            wrong.var_n_minus_1),
    Mistake("eps added outside the square root",
            "which changes nothing until a feature's variance is tiny: at variance 1e-8 its "
            "outputs come out about 30 times too large", wrong.eps_outside_sqrt),
    Mistake("eps left out", "so a feature of variance 1e-8 is blown up to std 1 (and a constant "
            "feature would give 0/0 = NaN)", wrong.eps_forgotten),
    Mistake("divided by the variance instead of the standard deviation",
            "so each feature's spread comes out |gamma| / std instead of |gamma|",
            wrong.divide_by_var),
    Mistake("the statistics taken over the wrong axis (each example's features: that is layer "
            "norm)", "so the columns do not get mean beta and std |gamma|", wrong.wrong_axis),
    Mistake("the variance computed as E[x^2] - E[x]^2",
            "which cancels catastrophically: right everywhere except the feature of mean 1e8, "
            "whose outputs are garbage", wrong.cancellation, cancels),
    Mistake("gamma and beta broadcast on the wrong axis (one per example, not per feature)",
            "which only runs when N == D and then scales row i by gamma_i",
            wrong.gamma_beta_wrong_axis),
    Mistake("gamma and beta not applied (you return x_hat)",
            "so every feature has mean 0 and std 1 instead of mean beta and std |gamma|",
            wrong.no_gamma_beta),
]

forward = Exercise(
    "01.forward", "bn_forward(x, gamma, beta, eps=1e-5)", solutions.bn_forward,
    forward_cases(_case), FORWARD_MISTAKES,
    hints=[
        "Work one feature (one column) at a time: its mean and variance are taken down the "
        "column, over the N examples, so the reductions use axis=0 and give arrays of shape (D,).",
        "var is the BIASED variance, mean((x - mu) ** 2) over axis 0 (divide by N, as "
        "x.var(axis=0) does); eps goes inside the root: (x - mu) / np.sqrt(var + eps).",
        "Then out = gamma * x_hat + beta: gamma and beta have shape (D,) and broadcast over the "
        "N rows. Compute new arrays; never write into x (no x -= mu).",
    ])

progress = Progress("01", [forward])
