"""Notebook 03's prediction: does BN + noise (covariate shift injected on purpose) still train?"""

from bn_core.experiments.smoothness import final_loss
from bn_core.ui.predict import Prediction

CHOICES = ("yes, about as well as plain BN", "yes, but far worse than plain BN",
           "no: about as badly as without BN")
NAMES = {"noisy": "BN + noise", "bn": "BN", "plain": "no BN"}


def noise_still_trains(runs, strength=0.5):
    """The Prediction, its answer measured from runs = {"plain", "bn", "noisy": history with
    "test_acc" (and "loss" for the table shown on Reveal)}: final test accuracy of BN + noise
    against BN and against no BN. strength: the noise strength a of the runs (in the prompt)."""
    acc = {key: float(run["test_acc"][-1]) for key, run in runs.items()}
    if acc["noisy"] >= acc["bn"] - 0.1:
        answer = 0
    elif acc["noisy"] > acc["plain"] + 0.1:
        answer = 1
    else:
        answer = 2
    text = (f"final test accuracy: BN + noise {acc['noisy']:.0%}, BN {acc['bn']:.0%}, "
            f"no BN {acc['plain']:.0%}")
    rows = "".join(f"<tr><td>{name}</td><td>{acc[key]:.1%}</td>"
                   f"<td>{final_loss(runs[key]['loss']):.3f}</td></tr>"
                   for key, name in NAMES.items() if key in runs and "loss" in runs[key])
    details = (f"<table><tr><th>run</th><th>test accuracy</th><th>training loss (last 20 "
               f"steps)</th></tr>{rows}</table>") if rows else None
    return Prediction(f"At every step the noise (strength a = {strength:g}) moves each BN "
                      f"feature's mean by about a ± a and multiplies its spread by a random "
                      f"factor around e^(±a): far more 'covariate shift' than training without "
                      f"BN. Does the network still train?", CHOICES,
                      explain="The figure below shows the runs.").measured(answer, text, details)
