"""The quiz widget: answers from code as a click would, feedback and score follow at once."""

import pytest

from bn_core.panels.nb01_quiz import bn_live_questions
from bn_core.ui.quiz import Question, Quiz


def small_quiz():
    return Quiz([Question("1 + 1?", ["1", "2"], answer=1, explain="two"),
                 Question("std(-2 x) for std(x) = 1?", ["-2", "2"], answer=1, explain="|gamma|")])


def test_starts_unanswered():
    quiz = small_quiz()
    assert quiz.correct == [None, None]
    assert all(c.value is None for c in quiz.choices)
    assert quiz.score.value.startswith("score: 0 / 2")
    assert all(f.value == "" for f in quiz.feedback)


def test_right_and_wrong_answers_give_feedback_and_score():
    quiz = small_quiz()
    assert quiz.answer(0, 1) is True
    assert "Right." in quiz.feedback[0].value and "two" in quiz.feedback[0].value
    assert quiz.answer(1, 0) is False
    assert "Not quite." in quiz.feedback[1].value
    assert quiz.score.value == "score: 1 / 2 (2 answered)"
    quiz.choices[1].value = "2"  # a click on the radio button, from the widget side
    assert quiz.correct == [True, True]
    assert quiz.score.value == "score: 2 / 2 (2 answered)"


def test_css_classes_for_browser_tests():
    quiz = small_quiz()
    assert "bn-quiz" in quiz.widget._dom_classes
    assert "bn-quiz-q1" in quiz.choices[1]._dom_classes
    assert "bn-quiz-feedback-0" in quiz.feedback[0]._dom_classes
    assert "bn-quiz-score" in quiz.score._dom_classes


@pytest.mark.parametrize("kwargs, word", [
    (dict(prompt="?", choices=["a"], answer=0), "choices"),
    (dict(prompt="?", choices=["a", "a"], answer=0), "choices"),
    (dict(prompt="?", choices=["a", "b"], answer=2), "answer"),
])
def test_bad_questions_raise(kwargs, word):
    with pytest.raises(ValueError, match=word):
        Question(**kwargs)


def test_empty_quiz_raises():
    with pytest.raises(ValueError, match="questions"):
        Quiz([])


def test_notebook01_quiz_answers():
    quiz = Quiz(bn_live_questions())
    for k, q in enumerate(quiz.questions):
        wrong = (q.answer + 1) % len(q.choices)
        assert quiz.answer(k, wrong) is False
        assert quiz.answer(k, q.answer) is True
    assert quiz.score.value.startswith(f"score: {len(quiz.questions)} / {len(quiz.questions)}")
