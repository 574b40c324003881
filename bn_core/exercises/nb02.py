"""Notebook 02's prediction: which network passes 90% test accuracy first?"""

from bn_core.ui.predict import Prediction

CHOICES = ("the network with BN", "the network without BN", "both at the same step",
           "neither, within the run")


def first_step(run, level=0.9):
    """The first evaluated step at which run's test accuracy reaches level (None if never)."""
    return next((int(s) for s, a in zip(run["eval_step"], run["test_acc"]) if a >= level), None)


def first_to_90(runs, level=0.9, early=100):
    """The Prediction, its answer and numbers measured from runs = {"plain": ..., "bn": ...}
    (histories with "eval_step" and "test_acc"). The measured text (shown only by Reveal) also
    gives both test accuracies at step `early` when the runs evaluated it: the notebook prints
    no accuracy of its own under the question."""
    step = {key: first_step(run, level) for key, run in runs.items()}
    if step["bn"] is None and step["plain"] is None:
        answer = 3
    elif step["plain"] is None or (step["bn"] is not None and step["bn"] < step["plain"]):
        answer = 0
    elif step["bn"] is None or step["plain"] < step["bn"]:
        answer = 1
    else:
        answer = 2
    steps = len(runs["bn"]["test_acc"]) and runs["bn"]["eval_step"][-1]

    def said(key, name):
        if step[key] is not None:
            return f"{name} at step {step[key]}"
        return f"{name} never within {steps} steps (best {max(runs[key]['test_acc']):.0%})"

    text = f"{said('bn', 'with BN')}; {said('plain', 'without BN')} (test accuracy every 10 steps)"
    acc = {key: dict(zip(run["eval_step"], run["test_acc"], strict=True))
           for key, run in runs.items()}
    if all(early in a for a in acc.values()):
        text += (f"; at step {early}: with BN {acc['bn'][early]:.0%}, "
                 f"without BN {acc['plain'][early]:.0%}")
    return Prediction(f"Both networks start from the same weights and see the same batches. "
                      f"Which one passes {level:.0%} test accuracy first?", CHOICES,
                      explain="The figure below shows why.").measured(answer, text)
