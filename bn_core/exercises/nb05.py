"""Notebook 05's exercises: the running statistics (PyTorch's convention), eval mode, and folding
an eval-mode BN into the Linear layer before it.

    from bn_core.exercises import nb05
    nb05.running.check(update_running)   # (running_mean, running_var, x, momentum) -> new pair
    nb05.eval_mode.check(bn_eval)        # (x, gamma, beta, running_mean, running_var, eps) -> out
    nb05.folding.check(fold_linear)      # (W, b, gamma, beta, running_mean, running_var, eps)
"""

import numpy as np

from bn_core.exercises import mistakes_inference as wrong
from bn_core.exercises import solutions
from bn_core.exercises.cases import EPS_CHOICES
from bn_core.exercises.checker import Exercise, Progress
from bn_core.exercises.run import Case, close
from bn_core.exercises.trial import Mistake

_rng = np.random.default_rng(5)
_R_MEAN, _R_VAR = np.array([0.5, -1.0, 2.0]), np.array([1.5, 1e-6, 4.0])  # a tiny running_var


def _stats_notes(gamma, beta, r_mean, r_var):
    """{j: 'running_mean 0.5, running_var 1.5, gamma 2, beta 0.1'}: the place, not a cause."""
    return {j: f"running_mean {m:.2g}, running_var {v:.2g}, gamma {g:.2g}, beta {b:.2g}"
            for j, (m, v, g, b) in enumerate(zip(r_mean, r_var, gamma, beta))}


def _eval_case(label, x, gamma, beta, r_mean, r_var, eps):
    return Case(label, (x, gamma, beta, r_mean, r_var, eps),
                _stats_notes(gamma, beta, r_mean, r_var), {"eps": eps})


def _fold_case(label, w, b, gamma, beta, r_mean, r_var, eps):
    notes = _stats_notes(gamma, beta, r_mean, r_var)
    return Case(label, (w, b, gamma, beta, r_mean, r_var, eps), notes,
                {"eps": eps, "note_axis": -1})


def _draw(rng, d):
    return (rng.normal(0, 2, size=d), rng.uniform(0.5, 2, size=d) * rng.choice([-1, 1], size=d),
            rng.normal(0, 1, size=d), rng.normal(0, 2, size=d), rng.uniform(0.05, 4, size=d),
            float(rng.choice(EPS_CHOICES)))


def _running_random(rng):
    d, n, m = int(rng.integers(2, 6)), int(rng.integers(2, 10)), float(rng.uniform(0.01, 0.5))
    r_mean, r_var = rng.normal(size=d), rng.uniform(0.5, 3, size=d)
    return [Case(f"a random batch of N = {n} with momentum {m:.3g}",
                 (r_mean, r_var, rng.normal(2, 3, size=(n, d)), m))]


def _eval_random(rng):
    d, n = int(rng.integers(2, 6)), int(rng.integers(1, 8))
    b, gamma, beta, r_mean, r_var, eps = _draw(rng, d)
    return [_eval_case(f"a random batch of N = {n} with eps = {eps:g}",
                       rng.normal(1, 3, size=(n, d)), gamma, beta, r_mean, r_var, eps)]


def _fold_random(rng):
    d, d_in = int(rng.integers(2, 6)), int(rng.integers(2, 6))
    b, gamma, beta, r_mean, r_var, eps = _draw(rng, d)
    return [_fold_case(f"a random Linear layer with W of shape {(d_in, d)} and eps = {eps:g}",
                       rng.normal(size=(d_in, d)), b, gamma, beta, r_mean, r_var, eps)]


def _bias_only(trial):
    """W2 right on every case, b2 wrong on one: the folded bias."""
    return all(g.values is not None and len(g.values) == 2 and close(g.values[:1], w.values[:1])
               for g, w, _ in trial.rows()) and not trial.all_close()


running = Exercise(
    "05.running", "update_running(running_mean, running_var, x, momentum)",
    solutions.update_running,
    [Case(f"a batch of N = {n} with momentum {m}", (_R_MEAN, np.abs(_R_VAR) + 1.0,
                                                    _rng.normal(3.0, 2.0, size=(n, 3)), m))
     for n, m in ((4, 0.1), (2, 0.3), (8, 0.01))],
    [Mistake("the momentum convention swapped (momentum weights the old value, as in CS231n)",
             "so the running statistics jump to 90% of each new batch instead of moving 10% "
             "towards it", wrong.momentum_swapped),
     Mistake("the biased variance stored",
             "so each batch adds (N - 1) / N times its unbiased variance: half of it at N = 2",
             wrong.biased_var_stored),
     Mistake("a standard deviation stored in running_var",
             "so running_var moves towards the batch's std, not its variance",
             wrong.std_stored)],
    hints=["PyTorch: new = (1 - momentum) * old + momentum * batch statistic, with momentum = "
           "0.1: the new batch gets the small weight.",
           "Normalizing uses the biased variance, but running_var stores the UNBIASED one: "
           "the batch variance times N / (N - 1) (x.var(axis=0, ddof=1)).",
           "Return the pair (new_mean, new_var) and leave the arrays passed in unchanged."],
    returns=("running_mean", "running_var"), random_cases=_running_random)

_X5 = _rng.normal(1.0, 3.0, size=(5, 3))
_G, _B = np.array([2.0, -1.0, 0.5]), np.array([0.1, 0.7, -0.3])
eval_mode = Exercise(
    "05.eval_mode", "bn_eval(x, gamma, beta, running_mean, running_var, eps=1e-5)",
    solutions.bn_eval,
    [_eval_case("a batch of N = 5", _X5, _G, _B, _R_MEAN, _R_VAR, 1e-5),
     _eval_case("a batch of N = 1", _rng.normal(1.0, 3.0, size=(1, 3)), _G, _B, _R_MEAN, _R_VAR,
                1e-5),
     _eval_case("a batch of N = 5 with eps = 0.1", _X5, _G, _B, _R_MEAN, _R_VAR, 0.1)],
    [Mistake("the batch's statistics used in eval mode",
             "so each prediction depends on the rest of its batch, and a batch of one comes out "
             "as beta whatever x is", wrong.batch_stats_in_eval),
     Mistake("the batch's mean used in eval mode (with running_var)",
             "so each prediction depends on the rest of its batch, and a batch of one comes out "
             "as beta whatever x is", wrong.batch_mean_in_eval),
     Mistake("divided by running_var instead of its square root",
             "so the outputs' spread is |gamma| / std instead of |gamma|", wrong.no_sqrt_in_eval),
     Mistake("eps left out", "which shows where running_var is tiny: at 1e-6 the outputs come "
             "out sqrt(11) = 3.3 times too large", wrong.eps_forgotten_in_eval),
     Mistake("gamma and beta swapped", "so the outputs are centred on gamma and scaled by beta",
             wrong.swapped_in_eval),
     Mistake("beta forgotten (you return gamma * x_hat)", "so every output is off by beta",
             wrong.no_beta_in_eval)],
    hints=["In eval mode nothing is computed from the batch: mu and var are the stored "
           "running_mean and running_var, the same for every batch (and a batch of one works).",
           "x_hat = (x - running_mean) / np.sqrt(running_var + eps); out = gamma * x_hat + beta."],
    random_cases=_eval_random)

_W = _rng.normal(size=(5, 3))
_FOLD = (np.array([0.3, -0.2, 1.0]), np.array([1.5, -0.8, 2.0]), np.array([0.4, 0.2, -1.0]),
         _R_MEAN)
folding = Exercise(
    "05.folding", "fold_linear(W, b, gamma, beta, running_mean, running_var, eps=1e-5)",
    solutions.fold_linear,
    [_fold_case(f"a Linear layer with W of shape {w.shape}", w, *_FOLD, r_var, eps)
     for w, r_var, eps in ((_W, np.array([0.8, 2.5, 4.0]), 1e-5), (_W[:3], _R_VAR, 1e-5),
                           (_W, np.array([0.8, 2.5, 4.0]), 0.1))],
    [Mistake("running_mean left out of the bias", "so every folded output is off by "
             "running_mean * s per column", wrong.fold_without_running_mean),
     Mistake("beta left out of the bias", "so every folded output is shifted by -beta",
             wrong.fold_without_beta),
     Mistake("the rows of W scaled instead of its columns", "which only runs when W is square "
             "and then scales input i's weights by s_i, not output j's", wrong.fold_rows),
     Mistake("b not multiplied by s", "so every folded output is off by b * (1 - s) per column",
             wrong.fold_bias_unscaled),
     Mistake("divided by running_var instead of its square root", "so s = gamma / (var + eps): "
             "every column is scaled by |gamma| / var instead of |gamma| / std",
             wrong.fold_no_sqrt),
     Mistake("W scaled by gamma only (the running std forgotten)", "so s = gamma: the folded "
             "layer skips the division by sqrt(running_var + eps)", wrong.fold_no_std),
     Mistake("the folded bias wrong (W2 is right)", "b2 should be bn_eval's output for an input "
             "whose Linear output is b: (b - running_mean) * s + beta", None, _bias_only)],
    hints=["Write bn_eval(x @ W + b) out: it is (x @ W + b - running_mean) * s + beta with "
           "s = gamma / sqrt(running_var + eps), one number per output column j.",
           "Collect the terms: W2 = W * s scales column j of W by s_j (broadcasting (D_in, D) "
           "by (D,)), and b2 = (b - running_mean) * s + beta."],
    returns=("W", "b"), axes={"W": ("row", "column"), "b": ("column",)},
    random_cases=_fold_random)

progress = Progress("05", [running, eval_mode, folding])
