"""A small auto-checked quiz: multiple-choice questions with immediate feedback (ipywidgets).

    questions = [Question("After BN, what is each feature's std?", ["1", "|gamma|", "gamma"],
                          answer=1, explain="std(gamma * x_hat + beta) = |gamma| * std(x_hat).")]
    quiz = Quiz(questions)
    quiz                      # displays itself; quiz.answer(0, 1) answers from code (tests)

Each question is a RadioButtons widget with no choice selected; picking a choice shows right/wrong
and the explanation at once, and the score line counts the right answers. CSS classes for browser
tests: "bn-quiz" (the whole quiz), "bn-quiz-q<k>" (question k's choices), "bn-quiz-feedback-<k>",
"bn-quiz-score".
"""

from dataclasses import dataclass

import ipywidgets as widgets


@dataclass(frozen=True)
class Question:
    """prompt: the question; choices: the options; answer: index of the right one; explain: why."""

    prompt: str
    choices: tuple
    answer: int
    explain: str = ""

    def __post_init__(self):
        object.__setattr__(self, "choices", tuple(self.choices))
        if len(self.choices) < 2 or len(set(self.choices)) != len(self.choices):
            raise ValueError(f"choices: got {self.choices!r}; expected >= 2 distinct options")
        if not 0 <= self.answer < len(self.choices):
            raise ValueError(f"answer: got {self.answer!r}; expected an index into the "
                             f"{len(self.choices)} choices")


class Quiz:
    """The widget of a list of Questions; `correct[k]` is True, False or None (not answered)."""

    def __init__(self, questions):
        self.questions = list(questions)
        if not self.questions:
            raise ValueError("questions: got none; expected at least one Question")
        self.correct = [None] * len(self.questions)
        self.choices, self.feedback, rows = [], [], []
        for k, q in enumerate(self.questions):
            choice = widgets.RadioButtons(options=q.choices, value=None,
                                          layout=widgets.Layout(width="auto"))
            choice.add_class(f"bn-quiz-q{k}")
            choice.observe(lambda change, k=k: self._check(k), names="value")
            feedback = widgets.HTML(layout=widgets.Layout(min_height="1.5em"))  # no page jump
            feedback.add_class(f"bn-quiz-feedback-{k}")
            self.choices.append(choice)
            self.feedback.append(feedback)
            prompt = widgets.HTML(f"<b>{k + 1}. {q.prompt}</b>")
            rows.append(widgets.VBox([prompt, choice, feedback]))
        self.score = widgets.HTML()
        self.score.add_class("bn-quiz-score")
        self.widget = widgets.VBox([*rows, self.score])
        self.widget.add_class("bn-quiz")
        self._show_score()

    def answer(self, k, choice):
        """Pick choice (its index) for question k, as a click would; return whether it is right."""
        self.choices[k].value = self.questions[k].choices[choice]
        return self.correct[k]

    def _check(self, k):
        q, picked = self.questions[k], self.choices[k].index
        if picked is None:
            self.correct[k], self.feedback[k].value = None, ""
        else:
            self.correct[k] = picked == q.answer
            verdict = ("<span style='color:green'>Right.</span>" if self.correct[k] else
                       "<span style='color:#c00'>Not quite.</span>")
            self.feedback[k].value = f"{verdict} {q.explain}"
        self._show_score()

    def _show_score(self):
        right = sum(c is True for c in self.correct)
        answered = sum(c is not None for c in self.correct)
        self.score.value = f"score: {right} / {len(self.questions)} ({answered} answered)"

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


