"""Notebook 07's exercises: layer norm and BatchNorm2d, each by changing only the axes of the
forward pass of notebook 01.

    from bn_core.exercises import nb07
    nb07.layer_norm.check(layer_norm)      # layer_norm(x, gamma, beta, eps=1e-5), x: (N, D)
    nb07.batchnorm2d.check(bn2d_forward)   # bn2d_forward(x, gamma, beta, eps=1e-5), (N, C, H, W)
"""

import numpy as np

from bn_core.exercises import mistakes_axes as wrong
from bn_core.exercises import solutions
from bn_core.exercises import variants as v
from bn_core.exercises.cases import EPS_CHOICES, batch, describe_columns, images, random_batch
from bn_core.exercises.checker import Exercise, Progress
from bn_core.exercises.family import norm_mistakes, wrong_sets
from bn_core.exercises.hints import HINTS
from bn_core.exercises.run import Case
from bn_core.exercises.trial import Mistake
from bn_core.exercises.variants import errors_only_when

_rng = np.random.default_rng(7)
# examples (rows) chosen one by one, as the features of notebook 01's checker: layer norm's sets
_ROWS = [(3.0, 2.0, ""), (0.5, 1e-4, ""), (-2.0, 0.5, ""), (1.0, 4.0, ""), (0.0, 1.0, ""),
         (5.0, 3.0, "")]
LN_STATS, PARAMS = v.over(1), v.along(1)
BN2D_STATS = v.over(0, 2, 3)


def _ln_case(label, x, eps=1e-5):
    d = x.shape[1]
    gamma, beta = np.linspace(-1.0, 2.0, d), np.linspace(0.5, -0.5, d)
    return Case(label, (x, gamma, beta, eps), describe_columns(x, gamma, beta, axis=1),
                {"note_axis": 0, "eps": eps})


def _ln_random(rng):
    return [_ln_case(label, x, eps) for x, _, _, eps, label in
            (random_batch(rng) for _ in range(2))]


_MAIN = batch(5, _ROWS, _rng).T
layer_norm = Exercise(
    "07.layer_norm", "layer_norm(x, gamma, beta, eps=1e-5)", solutions.layer_norm,
    [_ln_case("the (6, 5) batch", _MAIN),
     _ln_case("the square (4, 4) batch", _rng.normal(1.0, 2.0, size=(4, 4))),
     _ln_case("a batch of one example", _rng.normal(2.0, 3.0, size=(1, 6))),
     _ln_case("the (6, 5) batch with eps = 0.1", _MAIN, 0.1)],
    [*norm_mistakes(LN_STATS, PARAMS, "example", "D"),
     *wrong_sets([("the statistics still over the batch (axis 0): that is batch norm",
                   "so each column, not each example, gets mean 0 and std 1 before gamma and "
                   "beta", v.over(0)),
                  ("the mean and variance taken over all elements (x.mean() without an axis)",
                   "so the whole batch shares one mean and one variance", v.over(0, 1))], PARAMS),
     Mistake("keepdims forgotten: mu of shape (N,) broadcasts along the features",
             "which only runs when N == D (then it subtracts example j's mean from feature j)",
             wrong.ln_no_keepdims,
             errors_only_when(lambda c: c.args[0].shape[0] not in (1, c.args[0].shape[1])))],
    hints=[HINTS["ln1"], HINTS["ln2"], HINTS["ln3"]], random_cases=_ln_random)
layer_norm.stats, layer_norm.params = LN_STATS, PARAMS


def _bn2d_case(label, x, eps=1e-5):
    c = x.shape[1]
    gamma, beta = np.linspace(-1.0, 2.0, c), np.linspace(0.5, -0.5, c)
    notes = describe_columns(x.transpose(0, 2, 3, 1).reshape(-1, c), gamma, beta)
    return Case(label, (x, gamma, beta, eps), notes, {"eps": eps})


def _bn2d_random(rng):
    cases = []
    for _ in range(2):
        c = int(rng.integers(2, 6))
        shape = (int(rng.integers(2, 5)), c, int(rng.integers(2, 4)),
                 int(rng.choice([w for w in range(2, 6) if w != c])))
        eps = float(rng.choice(EPS_CHOICES))
        cases.append(_bn2d_case(f"a random {shape} batch of images with eps = {eps:g}",
                                images(shape, rng), eps))
    return cases


_IMAGES = images((3, 4, 2, 5), _rng)
_IMAGES[:, 2] = 0.7 + 1e-4 * (_IMAGES[:, 2] - _IMAGES[:, 2].mean()) / _IMAGES[:, 2].std()
batchnorm2d = Exercise(
    "07.batchnorm2d", "bn2d_forward(x, gamma, beta, eps=1e-5)", solutions.bn2d_forward,
    [_bn2d_case("the (3, 4, 2, 5) batch of images", _IMAGES),
     _bn2d_case("the (2, 3, 2, 3) batch of images", images((2, 3, 2, 3), _rng)),
     _bn2d_case("the (3, 4, 2, 5) batch of images with eps = 0.1", _IMAGES, 0.1)],
    [*norm_mistakes(BN2D_STATS, PARAMS, "channel"),
     *wrong_sets([
         ("the statistics over the batch axis only (axis 0)", "so every channel AND position "
          "gets its own mean: each pixel is treated as a separate feature", v.over(0)),
         ("the statistics over the positions only, axes (2, 3): that is instance norm",
          "so every image's channel gets mean beta on its own, and the batch plays no part",
          v.over(2, 3)),
         ("the statistics over axes (1, 2, 3): that is layer norm",
          "so each example gets one mean and variance over all its channels", v.over(1, 2, 3)),
         ("the statistics over axes (0, 1)", "so every position (row, column) gets its own "
          "mean over the examples and the channels, mixing the channels", v.over(0, 1)),
         ("the mean and variance taken over all elements (x.mean() without an axis)",
          "so all channels share one mean and one variance", v.over(0, 1, 2, 3)),
         ("the statistics per example over groups of channels: that is group norm",
          "so each example's group of channels gets its own mean, and the batch plays no part",
          v.channel_groups(2))], PARAMS),
     Mistake("x.reshape(-1, C) without moving C last (transpose to (N, H, W, C) first)",
             "so the 'columns' you normalize mix channels and positions: column k holds every "
             "C-th number of the flat array, not channel k", v.variant(v.flat_columns,
                                                                        v.flat_columns)),
     Mistake("gamma and beta not reshaped to (1, C, 1, 1)", "so the (C,) arrays broadcast along "
             "the last axis, W: this only runs when W == C", wrong.bn2d_gamma_not_reshaped,
             errors_only_when(lambda c: c.args[0].shape[1] != c.args[0].shape[3]))],
    hints=[HINTS["c1"], HINTS["c2"], HINTS["c3"]], random_cases=_bn2d_random)
batchnorm2d.stats, batchnorm2d.params = BN2D_STATS, PARAMS

progress = Progress("07", [layer_norm, batchnorm2d])
