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
import warnings
import zlib

import numpy as np

from bn_core.exercises.guard import LIMIT, run_all
from bn_core.exercises.run import close, largest_error, run
from bn_core.exercises.trial import GENERIC_MISTAKES, Mistake, Trial  # noqa: F401 (Mistake)

VOILA_VARIABLES = ("VOILA_SERVER_URL", "VOILA_BASE_URL", "VOILA_APP_PORT", "VOILA_KERNEL_ID")


def in_voila():
    """Whether this kernel was started by Voila (which sets these in the kernel's environment)."""
    return any(name in os.environ for name in VOILA_VARIABLES)


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
    "correct" verdict (e.g. a gradient check); axes: {returned name: names of its axes};
    random_cases: optional random_cases(rng) -> [Case], drawn afresh at each check (seeded per
    call) and added to the designed ones."""

    def __init__(self, key, signature, reference, cases, mistakes, hints, returns=("out",),
                 note=None, axes=None, where="the cell above", random_cases=None):
        self.key, self.signature, self.reference = key, signature, reference
        self.name = signature.split("(")[0]
        self.cases, self.mistakes, self.hints = list(cases), list(mistakes), list(hints)
        self.returns, self.note, self.axes, self.place = tuple(returns), note, axes, where
        self.random_cases, self.calls, self.limit = random_cases, 0, LIMIT
        self.arg_names = tuple(inspect.signature(reference).parameters)
        self.done, self.attempted, self.progress, self._fn = False, False, None, None
        self.on_correct = []  # callables run after a "correct" check (e.g. a panel revealing)

    def call(self, fn, case):
        return run(fn, case, self.arg_names, self.returns)

    def outcomes(self, fn, cases=None):
        """One Outcome per case (default: the designed cases)."""
        return [self.call(fn, case) for case in (self.cases if cases is None else cases)]

    def draw_cases(self):
        """The designed cases, then this call's random ones (seeded by the exercise and a count
        of the checks: each check draws new ones, reproducibly)."""
        self.calls += 1
        if self.random_cases is None:
            return list(self.cases)
        rng = np.random.default_rng([zlib.crc32(self.key.encode()), self.calls])
        return list(self.cases) + list(self.random_cases(rng))

    def verdict(self, fn):
        """The one-line verdict on fn (a string; never raises for anything fn does)."""
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return self._verdict(fn)

    def _verdict(self, fn):
        todo = f"not attempted yet: write {self.signature} in {self.place} and run it"
        if fn is None:
            return todo
        if not callable(fn):
            return (f"incorrect: check() takes your function itself, check({self.name}), not "
                    f"a {type(fn).__name__}")
        cases = self.draw_cases()
        got, stuck = run_all(fn, cases, self.call, self.limit)
        if stuck is not None:
            return (f"incorrect: your function took more than {self.limit:g} s on {stuck.label}: "
                    "is there a loop over examples (or one that never ends)?")
        if got[0].not_attempted and not got[0].changed:
            return todo
        self.attempted, self._fn = True, fn
        if any(g.returned_none for g in got):
            return "incorrect: your function returned None: did you forget `return`?"
        trial = Trial(self, cases, got, self.outcomes(self.reference, cases))
        if trial.all_close() and not any(g.float32 for g in got):
            return "correct" + (f" ({self.note(fn)})" if self.note else "")
        for mistake in (*GENERIC_MISTAKES, *self.mistakes):
            if trial.matches(mistake):
                return f"incorrect: {mistake.describe(trial)}"
        return "incorrect: " + self._what_else(trial)

    def expects(self, want):
        """'out, an array of shape (6, 5) (or (out, cache))' from the reference's Outcome."""
        if len(self.returns) == 1:
            return (f"{self.returns[0]}, an array of shape {want.values[0].shape} "
                    f"(or ({self.returns[0]}, cache))")
        shapes = ", ".join(str(v.shape) for v in want.values)
        return f"({', '.join(self.returns)}): arrays of shapes {shapes}"

    def _what_else(self, trial):
        for g, w, case in trial.rows():
            dicts = ", ".join(g.iterated)
            if g.iterated and (g.error or not close(g.values, w.values)):
                arg = next(a for n, a in zip(self.arg_names, case.args) if n == g.iterated[0])
                return (f"{dicts} is a dict, not a tuple: unpacking it (a, b, ... = {dicts}) "
                        f"gives its keys, strings; read its entries by name, {dicts}['x_hat']: "
                        f"its keys are {', '.join(arg)}")
            if g.error:
                return f"on {case.label} your function raised {g.error}"
            if g.bad_type:
                return f"expected {self.expects(w)}, got {g.bad_type}"
            for name, a, b in zip(self.returns, g.values, w.values):
                if a.shape != b.shape:
                    return f"{name} has shape {a.shape} on {case.label}; expected {b.shape}"
            if g.changed:
                return (f"your function changed {', '.join(g.changed)} in place (the caller's "
                        "arrays are modified): compute new arrays instead")
        if any(g.float32 for g in trial.got) and trial.all_close():
            return ("a float32 cast: your arrays come back as float32 (about 7 digits); keep "
                    "float64 (do not cast with np.float32 or astype)")
        g, w, case = next(r for r in trial.rows() if not close(r[0].values, r[1].values))
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
        for callback in self.on_correct if self.done else ():
            try:
                callback()
            except Exception:  # a display callback must not break the check
                pass
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
