"""One check's evidence, and the mistakes every exercise can make.

    Trial(exercise, cases, got, want)   the cases of this check, the learner's Outcomes and the
                                        reference's; trial.matches(mistake)
    Mistake(name, effect, fn, rule)     a named mistake: recognised by rule(trial) (its effect on
                                        the numbers) or, without a rule, by fn's numbers
    GENERIC_MISTAKES                    outputs returned in the wrong order; eps ignored
"""

import itertools
from dataclasses import dataclass

from bn_core.exercises.run import close, same_behaviour

DEFAULT_EPS = 1e-5


@dataclass(frozen=True)
class Mistake:
    """name: the mistake ("the variance divided by N - 1"); effect: what it does to the numbers
    (a string, or a function of the Trial returning one); fn: an example of the wrong version (a
    function with the exercise's signature); rule: optional rule(trial) -> bool, used instead of
    "the same numbers as fn" (a rule recognises the mistake by its effect, whatever the style)."""

    name: str
    effect: object
    fn: object
    rule: object = None

    def describe(self, trial):
        effect = self.effect(trial) if callable(self.effect) else self.effect
        return f"{self.name}, {effect}"


class Trial:
    """What one check saw: cases (designed, then random), got (the learner's Outcomes), want (the
    reference's), for exercise ex."""

    def __init__(self, ex, cases, got, want):
        self.ex, self.cases, self.got, self.want = ex, cases, got, want

    def rows(self):
        """(got, want, case) for every case."""
        return list(zip(self.got, self.want, self.cases))

    def ok(self, i):
        """Whether the learner's outputs are right on case i."""
        g = self.got[i]
        return g.values is not None and not g.bad_type and not g.changed and close(
            g.values, self.want[i].values)

    def all_close(self):
        return all(self.ok(i) for i in range(len(self.cases)))

    def matches(self, mistake):
        if mistake.rule is not None:
            return bool(mistake.rule(self))
        return same_behaviour(self.got, self.ex.outcomes(mistake.fn, self.cases))


def _order(trial):
    """The permutation of the returned values that makes them right on every case, if any."""
    names = trial.ex.returns
    if len(names) < 2:
        return None
    for perm in itertools.permutations(range(len(names))):
        if perm == tuple(range(len(names))):
            continue
        if all(g.values is not None and len(g.values) == len(names) and close(
                tuple(g.values[p] for p in perm), w.values) for g, w, _ in trial.rows()):
            return perm
    return None


def _order_effect(trial):
    names, perm = trial.ex.returns, _order(trial)
    yours = [None] * len(names)
    for k, p in enumerate(perm):
        yours[k] = names[p]
    return (f"your function returns ({', '.join(yours)}): return them as "
            f"({', '.join(names)})")


def eps_of(case):
    return case.meta.get("eps")


def _eps_ignored(trial):
    """Right on every case with eps = 1e-5, wrong on one with another eps."""
    other = [i for i, c in enumerate(trial.cases) if eps_of(c) not in (None, DEFAULT_EPS)]
    default = [i for i, c in enumerate(trial.cases) if eps_of(c) == DEFAULT_EPS]
    return bool(other and default and all(trial.ok(i) for i in default)
                and not all(trial.ok(i) for i in other))


def _eps_effect(trial):
    wrong = next(c for i, c in enumerate(trial.cases)
                 if eps_of(c) not in (None, DEFAULT_EPS) and not trial.ok(i))
    return (f"so your function is right whenever eps = 1e-5 and wrong on {wrong.label}: it uses "
            "1e-5 (a constant, or a helper's own default) instead of the eps it is given")


GENERIC_MISTAKES = [
    Mistake("the outputs returned in the wrong order", _order_effect, None,
            lambda trial: _order(trial) is not None),
    Mistake("eps argument ignored", _eps_effect, None, _eps_ignored),
]
