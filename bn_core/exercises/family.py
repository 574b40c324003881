"""The mistakes every normalization exercise shares (bn_forward, layer_norm, bn2d_forward), built
from where its statistics and its gamma, beta live, and recognised by their effect:

    norm_mistakes(stats, params, what)   what: "feature", "example" or "channel", the set that
                                         gets mean beta and std |gamma|
    wrong_sets(stats_list, params)       statistics over other sets: [(name, effect, stats)]
The generated wrong versions (variants.variant) stand for every style doing that math.
"""

import numpy as np

from bn_core.exercises import variants as v
from bn_core.exercises.run import close
from bn_core.exercises.trial import Mistake


def _n_minus_1_effect(trial):
    n = min(c.args[0].size // np.unique(trial.ex.stats(c.args[0].shape)).size
            for c in trial.cases)
    return (f"so every output's spread shrinks by sqrt((N - 1) / N): your outputs' variance is "
            f"(N - 1) / N of the right one, {(n - 1) / n:.2f} for a set of {n}")


def _power_effect(trial):
    p = v.power_of(trial, trial.ex.stats, trial.ex.params)
    if abs(p) < 1e-3:
        return "so x - mu is not divided at all: each spread stays the input's, times |gamma|"
    return (f"so x - mu is divided by (var + eps) ** {p:.3g} instead of its square root: the "
            "spreads come out |gamma| * std ** " f"{1 - 2 * p:.3g} instead of |gamma|")


def _power_rule(trial):
    p = v.power_of(trial, trial.ex.stats, trial.ex.params)
    return p is not None and abs(p - 1.0) > 1e-3  # p = 1 has its own name


def float32_rule(trial):
    """A float32 cast: the arrays come back float32, or every value is right to about 1e-7
    relative (float32's precision) but not to float64's, except features of huge mean."""
    if any(g.float32 for g in trial.got):
        return True
    seen = False
    for g, w, case in trial.rows():
        if g.values is None or g.values[0].shape != w.values[0].shape:
            return False
        a, b = g.values[0], w.values[0]
        keep = np.ones(a.shape[-1], bool) if a.ndim == 2 else None
        if keep is not None:
            keep[list(case.meta.get("huge", ()))] = False
            a, b = a[:, keep], b[:, keep]
        rel = np.abs(a - b).max() / max(1.0, np.abs(b).max())
        if not rel < 1e-4:
            return False
        seen |= rel > 1e-9
    return seen


def cancels(trial):
    """E[x^2] - E[x]^2: right (to float64) everywhere except on features of huge mean."""
    found = False
    for g, w, case in trial.rows():
        huge = list(case.meta.get("huge", ()))
        if g.values is None or g.values[0].shape != w.values[0].shape:
            return False
        a, b = g.values[0], w.values[0]
        others = [j for j in range(b.shape[1]) if j not in huge]
        if not close((a[:, others],), (b[:, others],), tol=1e-9):
            return False
        found |= bool(huge) and not np.allclose(a[:, huge], b[:, huge], atol=1e-3)
    return found


def norm_mistakes(stats, params, what, n_name="N"):
    """The mistakes of a normalization whose statistics are over `stats` sets and whose gamma,
    beta are indexed by `params` (labels functions of variants)."""
    def make(**kw):
        return v.variant(stats, params, **kw)

    return [
        Mistake("gamma and beta swapped",
                f"so each {what} comes out with mean gamma and std |beta| instead of mean beta "
                "and std |gamma|", make(affine="swapped")),
        Mistake("gamma and beta not applied (you return x_hat)",
                f"so every {what} has mean 0 and std 1 instead of mean beta and std |gamma|",
                make(affine="none")),
        Mistake("beta forgotten (you return gamma * x_hat)",
                f"so every {what}'s outputs have mean 0 instead of beta", make(affine="no beta")),
        Mistake("gamma forgotten (you return x_hat + beta)",
                f"so every {what}'s outputs have std 1 instead of |gamma|",
                make(affine="no gamma")),
        Mistake("a flipped sign (mu - x instead of x - mu)",
                f"so every {what} comes out mirrored: its outputs go down where x goes up",
                make(affine="sign")),
        Mistake(f"the variance divided by {n_name} - 1", _n_minus_1_effect, make(ddof=1)),
        Mistake("eps added outside the square root",
                "which changes nothing until a variance is tiny: at variance 1e-8 the outputs "
                "come out about 30 times too large", make(denom="outside")),
        Mistake("eps left out", "so a set of variance 1e-8 is blown up to std 1 (and a constant "
                "one would give 0/0 = NaN)", make(denom="none")),
        Mistake("divided by the variance instead of the standard deviation",
                "so each spread comes out |gamma| / std instead of |gamma|",
                make(denom="variance")),
        Mistake("the wrong power on the variance", _power_effect, None, _power_rule),
        Mistake("a float32 cast", "so about 7 digits survive: the values are off by ~1e-7 "
                "and a feature of mean 1e8 loses its spread entirely (keep float64)", None,
                float32_rule),
    ]


def wrong_sets(entries, params):
    """Mistakes of statistics over the wrong sets: entries (name, effect, stats[, runs_if])."""
    return [Mistake(name, effect, v.variant(stats, params, runs_if=rest[0] if rest else None))
            for name, effect, stats, *rest in entries]
