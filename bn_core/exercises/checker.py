"""An exercise and its checker, in the style of Kaggle's learntools:

    ex.check(bn_forward)   # ONE verdict line, never a traceback, then the notebook's progress:
                           # "not attempted yet: ...", "correct", or
                           # "incorrect: <the named mistake>, <what it did to the numbers>"
    ex.hint(), ex.hint(2)  # graded hints
    ex.solution()          # the reference code (kept in bn_core.exercises.solutions)

The verdict comes from running the learner's function on designed inputs (Case) and comparing it
with the reference and with a catalogue of known-wrong versions (Mistake), each a real function
written as a learner would: the diagnosis is the one whose numbers the learner's match.

Voila renders a notebook but cannot run code the learner types: there, check() says that the
exercise runs in JupyterLab (Voila sets VOILA_* variables in its kernels' environment).
"""

import inspect
import os
import sys
from dataclasses import dataclass

from bn_core.exercises.run import close, largest_error, run, same_behaviour

VOILA_VARIABLES = ("VOILA_SERVER_URL", "VOILA_BASE_URL", "VOILA_APP_PORT", "VOILA_KERNEL_ID")


def in_voila():
    """Whether this kernel was started by Voila (which sets these in the kernel's environment)."""
    return any(name in os.environ for name in VOILA_VARIABLES)


@dataclass(frozen=True)
class Mistake:
    """name: the mistake ("variance with N - 1"); effect: what it does to the numbers (a string,
    or a function of the learner's first Outcome returning one); fn: the wrong version; rule:
    optional rule(exercise, outcomes) -> bool, used instead of "same numbers as fn"."""

    name: str
    effect: object
    fn: object
    rule: object = None

    def describe(self, outcome):
        effect = self.effect(outcome) if callable(self.effect) else self.effect
        return f"{self.name}, {effect}"


class Progress:
    """The exercises of one notebook: 'notebook 05: 2 of 3 exercises done'."""

    def __init__(self, notebook, exercises):
        self.notebook, self.exercises = notebook, list(exercises)
        for ex in self.exercises:
            ex.progress = self

    def line(self):
        done = sum(ex.done for ex in self.exercises)
        return f"notebook {self.notebook}: {done} of {len(self.exercises)} exercises done"

    def show(self):
        print(self.line())


class Exercise:
    """A code exercise. key: "01.forward"; signature: "bn_forward(x, gamma, beta, eps=1e-5)" (its
    first word is the name check() looks up); reference: the solution, a function with that
    signature; cases: designed Cases; mistakes: the catalogue, tried in order; hints: graded;
    returns: the names of what the function returns; note: optional note(fn) -> str added to a
    "correct" verdict (e.g. a gradient check); axes: {returned name: names of its axes}."""

    def __init__(self, key, signature, reference, cases, mistakes, hints, returns=("out",),
                 note=None, axes=None, where="the cell above"):
        self.key, self.signature, self.reference = key, signature, reference
        self.name = signature.split("(")[0]
        self.cases, self.mistakes, self.hints = list(cases), list(mistakes), list(hints)
        self.returns, self.note, self.axes, self.place = tuple(returns), note, axes, where
        self.arg_names = tuple(inspect.signature(reference).parameters)
        self.done, self.progress, self._runs, self._fn = False, None, {}, None

    def outcomes(self, fn):
        """One Outcome per designed case."""
        return [run(fn, case, self.arg_names, self.returns) for case in self.cases]

    def _cached(self, fn):
        if fn not in self._runs:
            self._runs[fn] = self.outcomes(fn)
        return self._runs[fn]

    @property
    def expected(self):
        return self._cached(self.reference)

    def matches(self, mistake, got):
        """Whether the learner's outcomes are those of a catalogued mistake."""
        if mistake.rule is not None:
            return bool(mistake.rule(self, got))
        return same_behaviour(got, self._cached(mistake.fn))

    def verdict(self, fn):
        """The one-line verdict on fn (a string; never raises for anything fn does)."""
        todo = f"not attempted yet: write {self.signature} in {self.place} and run it"
        if fn is None:
            return todo
        if not callable(fn):
            return (f"incorrect: check() takes your function itself, check({self.name}), not "
                    f"a {type(fn).__name__}")
        got, self._fn = self.outcomes(fn), fn
        if got[0].not_attempted and not got[0].changed:
            return todo
        want = self.expected
        if all(g.values is not None and not g.bad_type and not g.changed
               and close(g.values, w.values) for g, w in zip(got, want)):
            return "correct" + (f" ({self.note(fn)})" if self.note else "")
        for mistake in self.mistakes:
            if self.matches(mistake, got):
                return f"incorrect: {mistake.describe(got[0])}"
        return "incorrect: " + self._what_else(got, want)

    def _what_else(self, got, want):
        for g, w, case in zip(got, want, self.cases):
            if g.error:
                return f"on {case.label} your function raised {g.error}"
            if g.not_attempted:
                return f"on {case.label} your function returned None; return {self.returns}"
            if g.bad_type:
                return g.bad_type
            for name, a, b in zip(self.returns, g.values, w.values):
                if a.shape != b.shape:
                    return f"{name} has shape {a.shape} on {case.label}; expected {b.shape}"
            if g.changed:
                return (f"your function changed {', '.join(g.changed)} in place (the caller's "
                        "arrays are modified): compute new arrays instead")
        case, g, w = next((c, g, w) for c, g, w in zip(self.cases, got, want)
                          if not close(g.values, w.values))
        text = (f"it matches none of the usual mistakes; "
                f"{largest_error(g.values, w.values, self.returns, case, self.axes)}")
        return text + (f" ({self.note(self._fn)})" if self.note else "")

    def check(self, fn=None):
        """Print the verdict on fn (default: the function named like the exercise in the calling
        cell's globals), then the notebook's progress. Never raises."""
        if in_voila():
            print(f"exercise {self.key} runs in JupyterLab: Voila shows this page but cannot run "
                  f"code you write. Open the notebook in JupyterLab to write {self.signature} "
                  "and check it.")
            return
        if fn is None:
            fn = sys._getframe(1).f_globals.get(self.name)
        try:
            text = self.verdict(fn)
        except Exception as exc:  # a bug of the checker itself: say so, in one line
            text = f"the checker failed ({type(exc).__name__}: {exc}); please report it"
        self.done = text.startswith("correct")
        print(text)
        if self.progress is not None:
            print(self.progress.line())

    def hint(self, k=1):
        """Print hint k (1 is the gentlest)."""
        if not 1 <= k <= len(self.hints):
            print(f"exercise {self.key} has hints 1 to {len(self.hints)}; "
                  f"{self.key_name()}.solution() shows the reference code")
            return
        print(f"hint {k} of {len(self.hints)}: {self.hints[k - 1]}")

    def key_name(self):
        return f"nb{self.key.split('.')[0]}.{self.key.split('.')[1]}"

    def solution(self):
        """Print the reference solution's code."""
        print(inspect.getsource(self.reference))

    def __repr__(self):
        return f"<exercise {self.key}: {self.signature}>"
