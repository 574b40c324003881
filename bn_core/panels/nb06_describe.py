"""The text alternatives of notebook 06's figures: the control's value and the numbers the figure
shows, from the frame its panel computed (numpy only: at open, no matplotlib).

    outlier_text(frame), jacobian_text(frame), sampling_text(frame, mean, std, z0)  PosterPanels
    ghost_text(result)   the ghost-batch run (a LiveRun state or its finished result)

Shapes: N examples; G ghost sizes, R repeats.
"""

import warnings

import numpy as np

from bn_core.ui.wording import num


def outlier_text(f):
    """outlier_panel's frame: "value", "y" (N,), "ghost" (N - 1,), "moved", "mu", "sigma",
    "training"."""
    kind = "batch" if f["training"] else "running"
    mode = "train mode" if f["training"] else "eval mode"
    others = f["y"][1:]
    return (f"{mode}: the red example 0 is at x = {f['value']:.1f}. {kind} mean {f['mu']:.2f}, "
            f"std {f['sigma']:.2f}. The other {len(others)} examples' outputs y_i range from "
            f"{others.min():.2f} to {others.max():.2f}; largest move of another output since "
            f"the red x was at its start: {f['moved']:.2f}.")


def jacobian_text(f):
    """jacobian_panel's frame: "n", "jacobian" (N, N), "off_diagonal"."""
    jac, n = f["jacobian"], f["n"]
    off = jac[~np.eye(n, dtype=bool)]
    return (f"Batch N = {n}. Heatmap of dy_i/dx_j: diagonal from {num(np.diag(jac).min(), '.2f')} "
            f"to {num(np.diag(jac).max(), '.2f')}, off-diagonal from {num(off.min(), '.3f')} to "
            f"{num(off.max(), '.3f')}; each row sums to 0. One example's pull on another, mean "
            f"|off-diagonal entry| = {f['off_diagonal']:.3f} (the marker; the line 1/N = "
            f"{1 / n:.3f})" + (": with N = 2 the outputs are always -1 and +1." if n == 2 else "."))


def sampling_text(f, mean, std, z0):
    """sampling_panel's frame: "n", "mu_B", "sigma_B", "y0" (batches,), "jitter", "std_mu_B"."""
    n = f["n"]
    return (f"Batch N = {n}, {len(f['mu_B'])} batches from a population of mean {mean:g}, std "
            f"{std:g}. Batch mean mu_B: std {f['std_mu_B']:.2f} (sigma / sqrt(N) = "
            f"{std / np.sqrt(n):.2f}). Batch std sigma_B: mean {f['sigma_B'].mean():.2f}, std "
            f"{f['sigma_B'].std():.2f}. Output y0 of the fixed example x0 = {mean + z0 * std:g}: "
            f"jitter std {f['jitter']:.3f} (eval mode: always {z0:g}); the marker on the jitter "
            "curve, which falls like 1/sqrt(N).")


def ghost_text(res):
    """GhostPanel: "ghosts" (G,), "train", "test" (G, R) (NaN: still training), "plain_train",
    "plain_test" (R,)."""
    if "ghosts" not in res:
        return "Train and test accuracy against the ghost-batch size: no network finished yet."
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a point still training
        train, test = np.nanmean(res["train"], axis=1), np.nanmean(res["test"], axis=1)
        plain = (np.nanmean(res["plain_train"]), np.nanmean(res["plain_test"]))
    points = "; ".join(f"ghost {g}: train {a:.3f}, test {b:.3f}, gap {a - b:.3f}"
                       for g, a, b in zip(res["ghosts"], train, test, strict=True)
                       if np.isfinite(a) and np.isfinite(b))
    no_bn = (f"no BN: train {plain[0]:.3f}, test {plain[1]:.3f}, gap {plain[0] - plain[1]:.3f}"
             if np.all(np.isfinite(plain)) else "no BN: still training")
    return (f"Train and test accuracy (eval mode) against the ghost-batch size, SGD batch 32, "
            f"mean of {res['train'].shape[1]} repeats. {points or 'no ghost size done yet'}. "
            f"{no_bn}.")
