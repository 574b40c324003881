"""Notebook 01's exercise: batch norm's forward pass in training mode.

    from bn_core.exercises import nb01
    nb01.forward.check(bn_forward)    # bn_forward(x, gamma, beta, eps=1e-5) -> out: (N, D)
"""

from bn_core.exercises import mistakes_forward as wrong
from bn_core.exercises import solutions
from bn_core.exercises import variants as v
from bn_core.exercises.cases import describe_columns, forward_cases, random_batch
from bn_core.exercises.checker import Exercise, Progress
from bn_core.exercises.family import cancels, norm_mistakes, wrong_sets
from bn_core.exercises.run import Case
from bn_core.exercises.trial import Mistake
from bn_core.exercises.variants import errors_only_when

STATS, PARAMS = v.over(0), v.along(1)  # one mean per column; gamma_j for column j


def _case(label, x, gamma, beta, eps):
    huge = [j for j in range(x.shape[1]) if abs(x[:, j].mean()) > 1e6]
    return Case(label, (x, gamma, beta, eps), describe_columns(x, gamma, beta),
                {"eps": eps, "huge": huge})


def random_cases(rng):
    """Two batches drawn afresh at each check."""
    return [_case(*_label_last(random_batch(rng))) for _ in range(2)]


def _label_last(drawn):
    x, gamma, beta, eps, label = drawn
    return label, x, gamma, beta, eps


def changed_input(trial):
    return any("x" in g.changed for g in trial.got)


FORWARD_MISTAKES = [
    Mistake("the input x changed in place",
            "so the caller's batch is overwritten by its normalized values (x -= mu changes x)",
            wrong.in_place, changed_input),
    Mistake("the variance computed as E[x^2] - E[x]^2",
            "which cancels catastrophically: right everywhere except the feature of mean 1e8, "
            "whose outputs are garbage", wrong.cancellation, cancels),
    *norm_mistakes(STATS, PARAMS, "feature"),
    *wrong_sets([
        ("the statistics taken over the wrong axis (each example's features: that is layer "
         "norm)", "so each row, not each column, gets mean beta and std |gamma|", v.over(1)),
        ("the mean and variance taken over all elements (x.mean() without axis=0)",
         "so the whole batch shares one mean and one variance: the columns do not each get "
         "mean beta", v.over(0, 1))], PARAMS),
    Mistake("gamma and beta broadcast on the wrong axis (one per example, not per feature)",
            "which only runs when N == D and then scales row i by gamma_i",
            v.variant(STATS, v.along(0), runs_if=lambda s: s[0] == s[1])),
    Mistake("an array broadcast on the wrong axis (a (D,) or (N,) array lined up with the other "
            "axis: gamma[:, None], or a mean over axis 1 without keepdims)",
            "so your function only runs when N == D", wrong.mean_axis1_no_keepdims,
            errors_only_when(lambda c: c.args[0].shape[0] != c.args[0].shape[1])),
]

forward = Exercise(
    "01.forward", "bn_forward(x, gamma, beta, eps=1e-5)", solutions.bn_forward,
    forward_cases(_case), FORWARD_MISTAKES, random_cases=random_cases,
    hints=[
        "Work one feature (one column) at a time: its mean and variance are taken down the "
        "column, over the N examples, so the reductions use axis=0 and give arrays of shape (D,).",
        "var is the BIASED variance, mean((x - mu) ** 2) over axis 0 (divide by N, as "
        "x.var(axis=0) does); eps goes inside the root: (x - mu) / np.sqrt(var + eps).",
        "Then out = gamma * x_hat + beta: gamma and beta have shape (D,) and broadcast over the "
        "N rows. Compute new arrays; never write into x (no x -= mu).",
    ])

forward.stats, forward.params = STATS, PARAMS
progress = Progress("01", [forward])
