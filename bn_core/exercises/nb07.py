"""Notebook 07's exercises: layer norm and BatchNorm2d, each by changing only the axes of the
forward pass of notebook 01.

    from bn_core.exercises import nb07
    nb07.layer_norm.check(layer_norm)      # layer_norm(x, gamma, beta, eps=1e-5), x: (N, D)
    nb07.batchnorm2d.check(bn2d_forward)   # bn2d_forward(x, gamma, beta, eps=1e-5), (N, C, H, W)
"""

import numpy as np

from bn_core.exercises import mistakes_axes as wrong
from bn_core.exercises import solutions
from bn_core.exercises.cases import batch, images
from bn_core.exercises.checker import Exercise, Mistake, Progress
from bn_core.exercises.run import Case

_rng = np.random.default_rng(7)
# examples (rows) chosen one by one, as the features of notebook 01's checker: layer norm's sets
_ROWS = [(3.0, 2.0, "an off-centre example"), (0.5, 1e-4, "its variance is 1e-8, below eps"),
         (-2.0, 0.5, "a narrow example"), (1.0, 4.0, "a wide example"),
         (0.0, 1.0, "a standard example"), (5.0, 3.0, "another off-centre example")]


def _ln_case(label, x, notes):
    d = x.shape[1]
    gamma, beta = np.linspace(-1.0, 2.0, d), np.linspace(0.5, -0.5, d)
    return Case(label, (x, gamma, beta, 1e-5), notes, {"note_axis": 0})


layer_norm = Exercise(
    "07.layer_norm", "layer_norm(x, gamma, beta, eps=1e-5)", solutions.layer_norm,
    [_ln_case("the (6, 5) batch", batch(5, _ROWS, _rng).T,
              {i: text for i, (_, _, text) in enumerate(_ROWS)}),
     _ln_case("the square (4, 4) batch", _rng.normal(1.0, 2.0, size=(4, 4)), {}),
     _ln_case("a batch of one example", _rng.normal(2.0, 3.0, size=(1, 6)), {})],
    [Mistake("the statistics still over the batch (axis 0): that is batch norm",
             "so each column, not each example, gets mean beta and std |gamma|",
             wrong.ln_over_batch),
     Mistake("keepdims forgotten: mu of shape (N,) broadcasts along the features",
             "which only runs when N == D and then subtracts example j's mean from feature j",
             wrong.ln_no_keepdims),
     Mistake("the variance divided by D - 1", "so every example's spread shrinks by "
             "sqrt((D - 1) / D)", wrong.ln_d_minus_1),
     Mistake("eps added outside the square root", "which shows on the example of variance "
             "1e-8: its outputs come out about 30 times too large", wrong.ln_eps_outside)],
    hints=["Layer norm is your bn_forward with the statistics over each example's features: "
           "axis=1 instead of axis=0.",
           "With axis=1 the mean has shape (N,): keep it a column, (N, 1), with keepdims=True, "
           "so x - mu subtracts example i's mean from row i. gamma and beta stay (D,)."])

batchnorm2d = Exercise(
    "07.batchnorm2d", "bn2d_forward(x, gamma, beta, eps=1e-5)", solutions.bn2d_forward,
    [Case(f"the {shape} batch of images", (images(shape, _rng), np.linspace(-1.0, 2.0, shape[1]),
                                           np.linspace(0.5, -0.5, shape[1]), 1e-5))
     for shape in ((3, 4, 2, 5), (2, 3, 2, 3))],
    [Mistake("the statistics over the batch axis only (axis 0)", "so every channel AND position "
             "gets its own mean: each pixel is treated as a separate feature",
             wrong.bn2d_batch_only),
     Mistake("the statistics over the positions only, axes (2, 3): that is instance norm",
             "so every image's channel gets mean beta on its own, and the batch plays no part",
             wrong.bn2d_instance),
     Mistake("the statistics over axes (1, 2, 3): that is layer norm",
             "so each example gets one mean and variance over all its channels",
             wrong.bn2d_layer),
     Mistake("gamma and beta not reshaped to (1, C, 1, 1)", "so the (C,) arrays broadcast along "
             "the last axis, W: this only runs when W == C", wrong.bn2d_gamma_not_reshaped)],
    hints=["A channel of a convolution is what a feature is to a Linear layer: its statistics "
           "are taken over every example AND every position: axes (0, 2, 3).",
           "Use keepdims=True so mu and var have shape (1, C, 1, 1), and reshape gamma and beta "
           "to (1, C, 1, 1) (gamma.reshape(1, -1, 1, 1)) so they broadcast over the channels."])

progress = Progress("07", [layer_norm, batchnorm2d])
