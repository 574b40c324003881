"""The text alternatives of notebook 03's figures: the numbers each shows now, from the data it
draws (numpy only: at open, no matplotlib). Live figures carry them as their image's accessible
name (ui.a11y.describe), static pictures as their alt (ui.a11y.with_alt).

    noise_text(strength, step, steps, curves)   NoiseExplorer: the three runs at this strength
    scale_text(a, r)                            ScaleExplorer at weight scale a
    sweep_text(sweep), landscape_text(results)  the two static pictures

Shapes: T steps, E evaluations, R records, D features.
"""

import numpy as np

from bn_core.experiments.smoothness import band_width, drift
from bn_core.ui.palette import LABELS


def noise_text(strength, step, steps, curves, unit=0):
    """curves: {kind: {"loss": (t,) so far, "test_acc": (E,), "watch": {"mean", "std": (R, D)}}}:
    per kind the training loss (mean of the last 20 steps), test accuracy and input drift."""
    parts = [f"Noise strength {strength:.2f}, step {step} of {steps}: training loss (mean of 20 "
             f"steps), test accuracy, and unit {unit} of layer 2's input."]
    for kind, c in curves.items():
        loss, acc, watch = np.asarray(c["loss"]), c["test_acc"], c["watch"]
        text = f"{LABELS[kind]}:"
        text += f" loss {loss[-20:].mean():.3f}" if len(loss) else " no step yet"
        if len(acc):
            text += f", test accuracy {acc[-1]:.2f}"
        if len(watch["mean"]) > 1:
            text += (f", input mean of unit {unit} {watch['mean'][-1][unit]:.2f}, drift per "
                     f"record {drift(watch):.3f}")
        parts.append(text + ".")
    return " ".join(parts)


def scale_text(a, r, feature=0):
    """ScaleExplorer at a: r = smoothness.scale_invariance(a, ...): "z", "out" (n, d), "dV"."""
    z, out = r["z"][:, feature], r["out"][:, feature]
    norm = float(np.linalg.norm(r["dV"]))
    return (f"Weight scale a = {a:.2f}. z = x (a W), feature {feature}: std {z.std():.3g}, from "
            f"{z.min():.3g} to {z.max():.3g}. BN(z): mean {abs(out.mean()):.2f}, std "
            f"{out.std():.2f}, the same at every a. Gradient of V = a W: |dV| = {norm:.4f}, "
            f"a * |dV| = {a * norm:.4f} (the marker on the 1/a line).")


def sweep_text(sweep):
    """plot_lr_sweep's picture: sweep with "lr" (L,), "final" {kind: (L,)}, "largest_stable"."""
    lr = sweep["lr"]
    parts = [f"Final training loss against learning rate, {lr[0]:.2g} to {lr[-1]:.2g}, log-log; "
             "x marks a run that diverged, a dashed line the largest stable learning rate."]
    for kind, final in sweep["final"].items():
        blown = lr[~np.isfinite(final)]
        best = sweep["largest_stable"][kind]
        parts.append(f"{LABELS[kind]}: largest stable lr "
                     + ("none" if best is None else f"{best:.2g}")
                     + (f", diverges from lr {blown.min():.2g}" if len(blown) else
                        ", never diverges") + f", lowest loss {np.nanmin(final):.2g}.")
    return " ".join(parts)


def landscape_text(results):
    """plot_landscape's picture: results {kind: landscape()} with "band", "change", "beta"."""
    parts = ["Over training steps: the spread of the loss along the gradient, the gradient's "
             "change, and the effective beta-smoothness, for each network."]
    for kind, r in results.items():
        parts.append(f"{LABELS[kind]}: loss band width {band_width(r):.3g}, mean gradient change "
                     f"{np.mean(r['change']):.3g}, mean beta_eff {np.mean(r['beta']):.3g}.")
    return " ".join(parts)
