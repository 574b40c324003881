"""The text alternatives of notebook 05's figures, from the numbers they draw (numpy only, no
matplotlib): the running-statistics panel at the sliders' values, and the three static pictures.

    running_text(momentum, d, pop_mean, pop_std)   RunningStats: d = RunningStats.compute(...)
    momentum_text(batches, decay), company_text(train_probs, eval_probs, true_label),
    calibration_text(results)                      the pictures of nb05_inference

Shapes: T batches of m examples of one feature; trajectories (T + 1,); K classes; D features.
"""

import numpy as np

from bn_core.experiments import inference as inf


def running_text(momentum, d, pop_mean, pop_std):
    """d: {"batch_means" (T,), "mean", "var", "var_biased" (T + 1,), "batch_size", "biased",
    "unbiased"} (RunningStats.compute)."""
    m, steps = d["batch_size"], len(d["batch_means"])
    return (f"Momentum {momentum:.2f}, batch size m = {m}, {steps} batches from a population of "
            f"mean {pop_mean:g}, variance {pop_std ** 2:g}. running_mean ends at "
            f"{d['mean'][-1]:.2f} (population {pop_mean:g}; batch means spread with std "
            f"{d['batch_means'].std():.2f}). running_var ends at {d['var'][-1]:.2f} with the "
            f"unbiased batch variance, {d['var_biased'][-1]:.2f} with the biased one (level "
            f"(m-1)/m times {pop_std ** 2:g} = {(m - 1) / m * pop_std ** 2:.2f}). Mean batch "
            f"variance over the population's: biased {d['biased']:.3f}, unbiased "
            f"{d['unbiased']:.3f}; m/(m-1) = {m / (m - 1):.3f}.")


def momentum_text(batches, decay=0.9):
    """plot_momentum_conventions(batches, decay): feature 0 of batches (T, m, D)."""
    momentum = inf.momentum_to_pytorch(decay)
    mean_pt, var_pt = inf.running_stats_pytorch(batches, momentum)
    mean_cs, var_cs = inf.running_stats_cs231n(batches, decay)
    mean_wrong, _ = inf.running_stats_pytorch(batches, decay)
    m = batches.shape[1]
    return (f"Running statistics of one stream of {len(batches)} batches of {m}, feature 0. "
            f"running_mean: PyTorch with momentum {momentum:.2g} ends at {mean_pt[-1, 0]:.3f}, "
            f"CS231n with momentum {decay} at {mean_cs[-1, 0]:.3f} (largest difference "
            f"{np.abs(mean_pt - mean_cs)[:, 0].max():.1e}: the same estimate); PyTorch given "
            f"{decay} by mistake ends at {mean_wrong[-1, 0]:.3f}, following each batch. "
            f"running_var: PyTorch (unbiased) {var_pt[-1, 0]:.3f}, CS231n (biased) "
            f"{var_cs[-1, 0]:.3f}, a ratio of m/(m-1) = {m / (m - 1):.3f}.")


def company_text(train_probs, eval_probs, true_label):
    """plot_company: dicts name -> (K,) class probabilities; a name missing from train_probs was
    refused (a batch of one in training mode)."""
    def say(probs, name):
        if name not in probs:
            return f"{name}: refused (ValueError, N = 1)"
        return (f"{name}: probability {probs[name][true_label]:.2f}, predicts "
                f"{int(np.argmax(probs[name]))}")

    return (f"One test example of class {true_label}, its probability of the true class in each "
            "company. Training mode (the bug): "
            + "; ".join(say(train_probs, name) for name in eval_probs)
            + ". Eval mode (correct): " + "; ".join(say(eval_probs, name) for name in eval_probs)
            + ".")


def calibration_text(results):
    """plot_calibration: results [(label, old_var (D,), population var (D,), acc_running,
    acc_calibrated)]."""
    parts = ["running_var against the population variance of one BN layer, one dot per feature."]
    for label, old_var, pop_var, acc_run, acc_cal in results:
        parts.append(f"{label}: median |running / population - 1| = "
                     f"{np.median(np.abs(old_var / pop_var - 1)):.1%}; test accuracy "
                     f"{acc_run:.3f} with the running statistics, {acc_cal:.3f} calibrated.")
    return " ".join(parts)
