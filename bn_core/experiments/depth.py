"""Notebook 08: a deep MLP's activations, gradients and updates, layer by layer (makemore part 3).

The network: 64 -> H -> ... -> H (L hidden layers) -> 10, each hidden layer Linear -> [BN] -> f
-> [BN]; hidden weights W ~ N(0, gain^2 / fan_in) (Kaiming's gain for tanh is 5/3).

Shapes: L hidden layers; P probe examples; H hidden units. A DepthRecorder keeps, per record,
    act_mean, act_std, act_sat: (L,)   mean, std, fraction saturated of each activation f(.)
    grad_std: (L,)                     std of dL/dh at each activation's output (on the probe)
    grad_data: (L + 1,)                std(dW) / std(W) of each weight matrix (the last included)
    update_data: (L + 1,)              log10(std(lr * dW) / std(W)), NaN at step 0 (no update yet)
and in .last the newest activations and activation gradients, lists of L (P, H) arrays.
"""

import math

import numpy as np

from bn_core.data import load_digits_split
from bn_core.experiments.cache import disk_cached
from bn_core.nn import ACTIVATION_GAIN, Activation, Linear, mlp, softmax_cross_entropy
from bn_core.train import Recorder, frozen_running_stats, probe_forward, train_steps

DEFAULTS = {"depth": 8, "width": 100, "activation": "tanh", "gain": 5.0 / 3.0, "bn": "off",
            "batch_size": 32, "lr": 0.1, "steps": 300, "seed": 0}
BN_MODES = {"off": None, "before": "before", "after": "after"}  # the control's words -> mlp's bn
DEPTHS = range(2, 21)  # notebook 08's "hidden layers" slider
GAIN_SLIDER = (-1.0, 1.0, 0.05)  # its "weight gain" slider: exponents of 10, 0.1 to 10


def slider_gain(gain, lo=GAIN_SLIDER[0], step=GAIN_SLIDER[2]):
    """gain as this module computes the slider's value at its position (10 ** (lo + k * step)) when
    it sits on one (the browser's power may differ in the last bit: one cache key for both);
    any other gain (5/3, PyTorch's gain the button sets) as it is."""
    k = round((math.log10(gain) - lo) / step)
    on_grid = 10 ** (lo + k * step)
    return on_grid if math.isclose(gain, on_grid, rel_tol=1e-9) else float(gain)


def gain_grid(lo=GAIN_SLIDER[0], hi=GAIN_SLIDER[1], step=GAIN_SLIDER[2]):
    """Every value of the weight gain slider, as slider_gain gives it (tuple, increasing)."""
    return tuple(10 ** (lo + k * step) for k in range(round((hi - lo) / step) + 1))


def saturated(h, activation):
    """Boolean mask of the activations h stuck where f' is (nearly) zero: |tanh| > 0.97; sigmoid
    below 0.015 or above 0.985 (the same |tanh(x/2)| > 0.97); ReLU exactly 0 (off)."""
    if activation == "tanh":
        return np.abs(h) > 0.97
    if activation == "sigmoid":
        return np.abs(2.0 * h - 1.0) > 0.97
    return h <= 0.0


def deep_mlp(depth, gain, activation="tanh", bn="off", width=100, bias=True, rng=None):
    """The notebook's network: mlp([64] + [width] * depth + [10]) with hidden weight gain `gain`
    and bn one of "off", "before", "after"."""
    if bn not in BN_MODES:
        raise ValueError(f"bn: got {bn!r}; expected one of {list(BN_MODES)}")
    if not (1 <= int(depth) <= 50 and np.isfinite(gain) and gain > 0):
        raise ValueError(f"depth {depth!r}, gain {gain!r}: expected 1..50 and a finite gain > 0")
    return mlp([64] + [width] * int(depth) + [10], activation, bn=BN_MODES[bn], gain=gain,
               bias=bias, rng=rng)


def finite_std(a):
    """std of a's finite entries (0.0 if none): a diverging net must not put NaN on screen."""
    std = float(a.std())
    if np.isfinite(std):
        return std
    a = a[np.isfinite(a)]
    return float(a.std()) if a.size else 0.0


class DepthRecorder(Recorder):
    """Per-layer diagnostics of a deep MLP on the probe set (see the module doc).

    Call it as recorder(step, model) right after probe_forward(model, x_probe). x_probe: (P, 64),
    y_probe: (P,); lr: the learning rate of the updates (for update : data).
    """

    def __init__(self, model, x_probe, y_probe, lr, activation):
        super().__init__(layer=None)
        self.x_probe, self.y_probe, self.lr, self.activation = x_probe, y_probe, lr, activation
        self.acts = [i for i, layer in enumerate(model.layers) if isinstance(layer, Activation)]
        self.linears = [i for i, layer in enumerate(model.layers) if isinstance(layer, Linear)]
        self.last = {"acts": [], "grads": []}

    def collect(self, model):
        out = {}
        # 1. the weights: dW is still the gradient of the last training batch here
        stds = [(finite_std(model.layers[i].W), finite_std(model.layers[i].dW))
                for i in self.linears]
        ratio = np.array([g / w if w > 0 else 0.0 for w, g in stds])  # (L + 1,)
        out["grad_data"] = ratio
        updated = self.rows["step"][-1] > 0  # __call__ appended this record's step
        out["update_data"] = (np.log10(np.maximum(self.lr * ratio, 1e-30)) if updated
                              else np.full(ratio.shape, np.nan))
        # 2. the activations: model.inputs holds every layer's input on the probe
        acts = [model.inputs[i + 1] for i in self.acts]  # f's output = the next layer's input
        out["act_mean"] = np.nan_to_num([a.mean() for a in acts], posinf=0.0, neginf=0.0)
        out["act_std"] = np.array([finite_std(a) for a in acts])
        out["act_sat"] = np.array([saturated(a, self.activation).mean() for a in acts])
        # 3. the activation gradients: the probe's loss, backpropagated layer by layer
        grads = self.probe_gradients(model)
        out["grad_std"] = np.array([finite_std(grads[i]) for i in self.acts])
        self.last = {"acts": acts, "grads": [grads[i] for i in self.acts]}
        return out

    def probe_gradients(self, model):
        """{layer index i: dL/d(output of layer i)}: (P, H) each, for the probe's mean loss.
        Overwrites dW (already read) and leaves the running statistics alone."""
        with frozen_running_stats(model):
            logits = model.layers[-1].forward(model.inputs[-1])
            _, dout = softmax_cross_entropy(logits, self.y_probe)
            grads = {}
            for i in range(len(model.layers) - 1, -1, -1):
                grads[i] = dout
                dout = model.layers[i].backward(dout)
        return grads


_DATA = {}


def digits():
    """The digits split, loaded once per process (x_train: (1348, 64) ...)."""
    if "digits" not in _DATA:
        _DATA["digits"] = load_digits_split()
    return _DATA["digits"]


def depth_run(depth=8, gain=5.0 / 3.0, activation="tanh", bn="off", steps=300, batch_size=32,
              lr=0.1, width=100, seed=0, probe=100, every=5, eval_every=50, data=None):
    """Train the deep MLP with SGD, one update per yield (train_steps' state, plus "diag": the
    DepthRecorder, fed every `every` updates and at the end, "model" and "settings").
    Same seed, same numbers."""
    data = digits() if data is None else data
    model = deep_mlp(depth, gain, activation, bn, width, rng=np.random.default_rng(seed))
    x_probe, y_probe = data[0][:probe], data[1][:probe]
    diag = DepthRecorder(model, x_probe, y_probe, lr, activation)
    settings = {"depth": int(depth), "gain": float(gain), "activation": activation, "bn": bn,
                "kaiming": ACTIVATION_GAIN[activation]}
    for state in train_steps(model, data, steps, batch_size, lr, np.random.default_rng(seed + 1),
                             eval_every=eval_every, probe=probe):
        step = state["step"]
        if step % every == 0 or step == steps or state["diverged"]:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                probe_forward(model, x_probe)  # sets model.inputs, running statistics untouched
                diag(step, model)
        state.update(diag=diag, model=model, settings=settings)
        yield state


def feature_spread(depth=8, gain=1.0, activation="sigmoid", bn="off", width=100, seed=0,
                   probe=100, data=None):
    """The spread of each hidden layer's x (its Linear's output, BN's input when BN sits before
    f) on the initial network: per feature, the std over the P probe examples, averaged over the
    H features. Returns (L,). (An activation's overall std also counts how much the features'
    means differ from each other; this measures how different the examples look to the layer.)"""
    data = digits() if data is None else data
    model = deep_mlp(depth, gain, activation, bn, width, rng=np.random.default_rng(seed))
    probe_forward(model, data[0][:probe])  # running statistics untouched
    ends = [i + 1 for i, layer in enumerate(model.layers[:-1]) if isinstance(layer, Linear)]
    return np.array([model.inputs[i].std(axis=0).mean() for i in ends])


def depth_summary(state, at=-1):
    """The numbers the notebook states, from a depth_run state, at record `at` (0: the initial
    network, -1: the last record): first and deepest layer's activation std and fraction
    saturated, the std ratio deepest / first, the gradient std of both, the last test accuracy."""
    rows = state["diag"].rows
    std, sat, grad = rows["act_std"][at], rows["act_sat"][at], rows["grad_std"][at]
    return {"step": int(rows["step"][at]), "std_first": float(std[0]),
            "std_last": float(std[-1]), "std_ratio": float(std[-1] / std[0]) if std[0] > 0 else 0.0,
            "sat_first": float(sat[0]), "sat_last": float(sat[-1]),
            "grad_std_first": float(grad[0]), "grad_std_last": float(grad[-1]),
            "test_acc": float(state["test_acc"][-1]), "diverged": bool(state["diverged"])}

HIST_RANGE = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "relu": (0.0, 3.0)}  # f's outputs
GRAD_RANGE = (-11.0, 1.0)  # log10 |dL/dh| on the probe (mean loss over P examples)


def histograms(arrays, lo, hi, bins=60, log_abs=False):
    """Density histograms of each array on shared edges: (L, bins) and edges (bins + 1,).
    Values outside [lo, hi] land in the end bins; log_abs: histogram log10 |a| instead (0 ->
    the bottom bin). Non-finite values are dropped (a diverging net puts no NaN on screen)."""
    edges = np.linspace(lo, hi, bins + 1)
    rows = []
    for a in arrays:
        a = np.ravel(a)
        a = a[np.isfinite(a)]
        if log_abs:
            a = np.log10(np.maximum(np.abs(a), 10.0 ** (lo - 1)))
        counts, _ = np.histogram(np.clip(a, lo, hi), edges)
        rows.append(counts / max(a.size, 1) / (edges[1] - edges[0]))
    return np.array(rows).reshape(len(rows), bins), edges


@disk_cached  # notebook 08 opens with six of them: computed once per code version
def at_init(**settings):
    """depth_summary of the initial network (no update: depth_run with steps=0, one probe pass)."""
    *_, state = depth_run(steps=0, **settings)
    return depth_summary(state, 0)
