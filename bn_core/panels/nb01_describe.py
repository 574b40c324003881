"""The text alternative of notebook 01's figure: what its three columns show for the frame on
show, in numbers (the figure's image carries it as its accessible name, ui.a11y.describe).

    describe_frame(frame)   # "Batch of N = 32 examples, 100 features. raw x: feature means ..."
"""

import numpy as np

from bn_core.experiments.live_batch import feature_stats, identity_error
from bn_core.ui.wording import num, span


def describe_frame(f):
    """What the figure shows for frame f (experiments.live_batch.Frame): per column the range of
    the D feature means and stds (the bottom row's dots), and feature 0 through the layer."""
    n, d = f.x.shape
    (m_raw, s_raw), (m_hat, s_hat), (m_out, s_out) = (feature_stats(a)
                                                      for a in (f.x, f.x_hat, f.y))
    shared = np.ptp(f.gamma) == 0 and np.ptp(f.beta) == 0
    params = (f"gamma = {num(f.gamma[0], '.2f')}, beta = {num(f.beta[0], '.2f')} for every "
              "feature" if shared
              else f"gamma_j {span(f.gamma, '.2f')}, beta_j {span(f.beta, '.2f')}")
    parts = [
        f"Batch of N = {n} examples, {d} features; each column shows a histogram of all values "
        "and one dot per feature at (mean, std).",
        f"raw x: feature means {span(m_raw, '.3g')}, stds {span(s_raw, '.3g')}.",
        f"normalized x_hat: feature means {span(m_hat, '.2f')}, stds {span(s_hat, '.2f')} "
        "(ring at the predicted 0, 1).",
        f"output y with {params}: feature means {span(m_out, '.2f')}, stds {span(s_out, '.2f')} "
        "(rings at the predicted beta_j, |gamma_j|).",
        f"Feature 0: raw mean {num(m_raw[0], '.3g')}, std {num(s_raw[0], '.3g')}; normalized "
        f"mean {num(m_hat[0], '.2f')}, std {num(s_hat[0], '.2f')}; output mean "
        f"{num(m_out[0], '.2f')} (beta {num(f.beta[0], '.2f')}), std {num(s_out[0], '.2f')} "
        f"(|gamma| {num(abs(f.gamma[0]), '.2f')}).",
    ]
    if s_hat.min() < 0.99:  # the figure's note "stds < 1: var_j not >> eps"
        parts.append("Some normalized stds are below 1: their var_j is not much larger than eps.")
    if f.identity:
        parts.append(f"Identity recovery on: y equals x, max |y - x| = {identity_error(f):.1e}.")
    return " ".join(parts)
