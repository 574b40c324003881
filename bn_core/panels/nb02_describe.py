"""The text alternatives of notebook 02's figures: the numbers each one shows now, computed from the
data it draws (numpy only: at open, from the stored run, no matplotlib). Each figure's image
carries its text as its accessible name (ui.a11y.describe).

    texts = figure_texts(runs)        # {"fig1": ..., "params": ..., "change": ...}: a finished run
    texts = figure_texts_so_far(state)  # the same while compare_bn_steps() trains
    scrub_text(step, stats)           # ScrubFigure at one snapshot
    freeze_text(state), shift_text(state)   # nb02_forum's two panels (LiveRun states)

Shapes: R rows recorded, D features, E evaluations.
"""

import numpy as np

from bn_core.experiments.what_stays_put import KEYS, distribution_change, moving_average
from bn_core.ui.palette import LABELS
from bn_core.ui.stream import so_far
from bn_core.ui.wording import num, span

UNITS = (0, 1, 2, 3)  # ParamsFigure's
CHANGE = (("plain", "next", "without BN, x"), ("bn", "next", "with BN, y"),
          ("bn", "z", "with BN, raw x before BN"))  # ChangeFigure's curves


def fig1_text(curves, step, steps, unit=0):
    """Fig1Figure: curves {key: (eval_step (E,), test_acc (E,), pct step (R,), pct (R, 3))}."""
    parts = [f"Step {step} of {steps}."]
    acc = {k: (int(e[-1]), float(a[-1])) for k, (e, a, _, _) in curves.items() if len(a)}
    if acc:
        at = max(e for e, _ in acc.values())
        parts.append(f"(a) test accuracy at step {at}: " + ", ".join(
            f"{a:.2f} {LABELS[k]}" for k, (_, a) in acc.items()) + ".")
    for key, letter in (("plain", "b"), ("bn", "c")):
        _, _, pct_step, pct = curves[key]
        if len(pct):
            lo, mid, hi = pct[-1]
            first = pct[0]
            parts.append(f"({letter}) {LABELS[key]}, unit {unit}'s input at step "
                         f"{int(pct_step[-1])}: median {mid:.2f}, 15th to 85th percentile "
                         f"{lo:.2f} to {hi:.2f} (at step {int(pct_step[0])}: median "
                         f"{first[1]:.2f}, {first[0]:.2f} to {first[2]:.2f}).")
    return " ".join(parts)


def params_text(step, series, units=UNITS):
    """ParamsFigure: step (R,), series [mean of x, std of x, beta, gamma], each (R, D)."""
    if not len(step):
        return "Mean and std of units 0 to 3 of x entering BN, their beta and gamma: no step yet."
    mean, std, beta, gamma = (s[-1] for s in series)
    rows = "; ".join(f"unit {u}: mean of x {mean[u]:.2f}, std of x {std[u]:.2f}, beta "
                     f"{num(beta[u], '.2f')}, gamma {gamma[u]:.2f}" for u in units)
    return (f"With BN, last hidden layer, at step {int(step[-1])}: {rows}. "
            f"At step {int(step[0])}: std of x {span(series[1][0][list(units)], '.2f')}, "
            f"gamma {span(series[3][0][list(units)], '.2f')}.")


def change_text(stats, step):
    """ChangeFigure: stats, one {"mean", "std": (R, D)} per curve of CHANGE, at `step`."""
    parts = [f"How far the sigmoid's input moves per step (20-step moving average, log scale) "
             f"at step {step}:"]
    for s, (_, _, name) in zip(stats, CHANGE, strict=True):
        if len(s["mean"]) < 2:
            parts.append(f"{name}: not measured yet;")
            continue
        d_mean, d_std = distribution_change(s)
        mean, spread = moving_average(d_mean)[-1], moving_average(d_std)[-1]
        parts.append(f"{name}: mean moves {mean:.2g}, std {spread:.2g} "
                     f"(median over the run {np.median(d_mean):.2g} and {np.median(d_std):.2g});")
    return " ".join(parts).rstrip(";") + "."


def scrub_text(step, stats):
    """ScrubFigure at a snapshot: stats, three (mean (D,), std (D,)) for x, x_hat, y."""
    names = ("raw x entering BN", "normalized x_hat", "y = gamma x_hat + beta")
    parts = [f"With BN, last hidden layer at step {int(step)}; histogram of all values and one "
             "dot per feature at (mean, std)."]
    for (mean, std), name in zip(stats, names, strict=True):
        parts.append(f"{name}: feature means {span(mean, '.2f')}, stds {span(std, '.2f')}.")
    return " ".join(parts)


def figure_texts(runs, unit=0):
    """The texts of fig1, params and change for finished histories {"plain": ..., "bn": ...}."""
    bn = runs["bn"]
    steps = len(bn["loss"])
    curves = {k: (r["eval_step"], r["test_acc"], r["pct"]["step"], r["pct"]["pct"])
              for k, r in runs.items()}
    series = [bn["z"]["mean"], bn["z"]["std"], bn["params"]["beta"], bn["params"]["gamma"]]
    return {"fig1": fig1_text(curves, steps, steps, unit),
            "params": params_text(bn["z"]["step"], series),
            "change": change_text([runs[k][stat] for k, stat, _ in CHANGE], steps)}


def figure_texts_so_far(state, unit=0):
    """The same while compare_bn_steps() trains: state's curves so far."""
    curves = {k: (state[k]["eval_step"], state[k]["test_acc"], so_far(state, k, "pct", "step"),
                  so_far(state, k, "pct", "pct")) for k in KEYS}
    series = [so_far(state, "bn", "z", f) for f in ("mean", "std")] + [
        so_far(state, "bn", "params", f) for f in ("beta", "gamma")]
    stats = [{f: so_far(state, k, stat, f) for f in ("mean", "std")} for k, stat, _ in CHANGE]
    return {"fig1": fig1_text(curves, state["step"], state["steps"], unit),
            "params": params_text(so_far(state, "bn", "z", "step"), series),
            "change": change_text(stats, state["step"])}


def last_snapshot_stats(runs):
    """(step, stats) of the BN run's last snapshot, as ScrubFigure computes them."""
    from bn_core.functional import normalize

    snap = runs["bn"]["snap"]
    x, out = snap["x"][-1].astype(np.float64), snap["out"][-1].astype(np.float64)
    values = (x, normalize(x, (0,), 1e-5)[0], out)
    return snap["step"][-1], [(v.mean(axis=0), v.std(axis=0)) for v in values]


def freeze_text(state):
    """FreezePanel: experiments.freeze_steps' state {"step", "steps", "runs": {kind: state}}."""
    parts = [f"Step {state['step']} of {state['steps']}, four networks from the same weights and "
             "batches; (a) test accuracy, (b) training loss, (c) per-step drift of y."]
    for kind, run in state["runs"].items():
        done = run["step"]
        acc = f"test accuracy {run['test_acc'][-1]:.2f}" if run["test_acc"] else "no test yet"
        loss = np.nan_to_num(run["loss"][:done], nan=0.0)
        text = f"{LABELS[kind]}: {acc}, loss {loss[-20:].mean():.3f}" if done else \
            f"{LABELS[kind]}: {acc}"
        rows = run["record"]["next"].rows
        if len(rows["mean"]) > 1:
            d_mean, d_std = distribution_change({k: np.asarray(rows[k]) for k in ("mean", "std")})
            text += f", drift of y {(d_mean + d_std)[-20:].mean():.2g} per step"
        parts.append(text + ("" if not run["diverged"] else ", diverged") + ".")
    return " ".join(parts)


def shift_text(state):
    """ShiftPanel: ics.ics_steps' state {"step", "steps", "runs", "shift": {kind: recorder}}."""
    parts = [f"Step {state['step']} of {state['steps']}: how much the last layer's gradient G "
             "changes when the layers below step."]
    for kind, recorder in state["shift"].items():
        rows = recorder.rows
        if not rows["step"]:
            parts.append(f"{LABELS[kind]}: not measured yet.")
            continue
        rel = np.asarray(rows["diff"])[:, -1] / np.maximum(np.asarray(rows["norm"])[:, -1],
                                                           1e-300)
        cos = np.asarray(rows["cos"])[:, -1]
        parts.append(f"{LABELS[kind]} at step {rows['step'][-1]}: ||G - G'|| / ||G|| "
                     f"{rel[-1]:.2g} (median {np.median(rel):.2g}), cos(G, G') {cos[-1]:.3f}.")
    gone = [f"{LABELS[k]} diverged at step {run['step']}" for k, run in state["runs"].items()
            if run["diverged"]]
    return " ".join(parts + ([("; ".join(gone)) + "."] if gone else []))


def status_text(runs, lr):
    """The status line of a finished run at lr: its training time and final test accuracies."""
    seconds = runs["bn"]["seconds"] + runs["plain"]["seconds"]
    acc = {k: runs[k]["test_acc"][-1] for k in KEYS}
    return (f"lr = {lr:.3g}: trained both in {seconds:.1f} s; final test accuracy "
            f"{acc['plain']:.3f} without BN, {acc['bn']:.3f} with BN")
