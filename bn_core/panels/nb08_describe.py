"""The text alternatives of notebook 08's figures: per-layer numbers at the step on show, and the
sweeps point by point, from the runs' states (numpy only: at open, no matplotlib).

    depth_text(state)              DepthPanel: depth_run's state
    sweep_text(state)              scale_panel: weight_scale_sweep's state
    batch_text(state)              batch_panel: batch_size_run's state

Shapes: L hidden layers; R learning rates by S weight scales; K batch sizes by E epochs.
"""

import numpy as np

from bn_core.ui.palette import LABELS

SAT_WORDS = {"tanh": "|h| > 0.97", "sigmoid": "h < 0.015 or > 0.985", "relu": "h = 0"}


def depth_text(state):
    """(a)-(d) of the depth panel at the last recorded step of state (depth_run's)."""
    s, rows = state["settings"], state["diag"].rows
    saturated = SAT_WORDS[s["activation"]]
    head = (f"Step {state['step']} of {state['steps']}: {s['depth']} hidden layers, "
            f"{s['activation']}, weight gain {s['gain']:.2f}, BN {s['bn']}.")
    if not rows["step"]:
        return head + " No step recorded yet."
    std, sat, gstd = rows["act_std"][-1], rows["act_sat"][-1], rows["grad_std"][-1]
    ratio, upd = np.asarray(rows["grad_data"][-1]), np.asarray(rows["update_data"][-1])
    finite = upd[np.isfinite(upd)]
    parts = [head, f"Numbers at step {rows['step'][-1]}, layer 1 to layer {len(std)}:",
             f"(a) std of the activations h {std[0]:.2f} to {std[-1]:.3g}; saturated "
             f"({saturated}) {100 * sat[0]:.1f}% to {100 * sat[-1]:.1f}%.",
             f"(b) std of dL/dh {gstd[0]:.1e} to {gstd[-1]:.1e}.",
             f"(c) weight grad : data from {ratio.min():.1e} to {ratio.max():.1e} over the "
             f"{len(ratio)} Linear layers.",
             "(d) log10 update : data " + (f"from {finite.min():.1f} to {finite.max():.1f} "
                                           "(guide line at -3)." if len(finite) else
                                           "not measured yet.")]
    if state["diverged"]:
        parts.append("The run diverged: numbers from the last finite step.")
    return " ".join(parts)


def sweep_text(state):
    """Best test accuracy and final loss against the weight scale, per network and lr."""
    parts = [f"{state['done']} of {state['total']} trainings done. Best test accuracy against "
             f"the weight scale (std of W), {state['scales'][0]:.1e} to "
             f"{state['scales'][-1]:.1e}:"]
    for r, lr in enumerate(state["lrs"]):
        for net, acc in state["best_acc"].items():
            done = ~np.isnan(acc[r])
            if not done.any():
                continue
            k = int(np.nanargmax(acc[r]))
            bad = state["diverged"][net][r] & done
            parts.append(f"{LABELS[net]}, lr {lr:g}: best {acc[r][k]:.2f} at scale "
                         f"{state['scales'][k]:.2g}, above 0.9 at {int((acc[r] > 0.9).sum())} "
                         f"of {int(done.sum())} scales, diverged at {int(bad.sum())}.")
    return " ".join(parts)


def batch_text(state):
    """Training and test accuracy after each epoch, per batch size, with BN."""
    parts = [f"Epoch {state['epoch']} of {state['epochs']}, with BN, accuracy in eval mode:"]
    for k, n in enumerate(state["batch_sizes"]):
        train, test = state["train_acc"][k], state["test_acc"][k]
        done = ~np.isnan(train)
        if done.any():
            e = int(np.flatnonzero(done)[-1])
            parts.append(f"batch {n}: training {train[e]:.3f}, test {test[e]:.3f} after epoch "
                         f"{e + 1}.")
    return " ".join(parts)
