"""Notebook 03's prediction: does BN + noise (covariate shift injected on purpose) still train?"""

from bn_core.ui.predict import Prediction

CHOICES = ("yes, about as well as plain BN", "yes, but far worse than plain BN",
           "no: about as badly as without BN")


def noise_still_trains(runs):
    """The Prediction, its answer measured from runs = {"plain", "bn", "noisy": history with
    "test_acc"}: final test accuracy of BN + noise against BN and against no BN."""
    acc = {key: float(run["test_acc"][-1]) for key, run in runs.items()}
    if acc["noisy"] >= acc["bn"] - 0.1:
        answer = 0
    elif acc["noisy"] > acc["plain"] + 0.1:
        answer = 1
    else:
        answer = 2
    text = (f"final test accuracy: BN + noise {acc['noisy']:.0%}, BN {acc['bn']:.0%}, "
            f"no BN {acc['plain']:.0%}")
    return Prediction("Every step, the noise moves each BN feature's mean by about a and "
                      "multiplies its spread by about e^(+-a): far more 'covariate shift' than "
                      "training without BN. Does the network still train?", CHOICES,
                      explain="The figure below shows the runs.").measured(answer, text)
