""""Can later layers learn independently?", measured: Santurkar et al.'s (2018, section 2.2)
gradient-based internal covariate shift.

At update t, with the batch (xb, yb) and the weights before the update, take layer k's gradient
    G  = dL/dW_k                            (every layer at its old weights)
    G' = dL/dW_k after the layers BELOW k have taken their SGD step (W_i -= lr * dW_i, i < k, and
         their gamma, beta), layer k and the layers above unchanged, on the same batch.
If layer k could learn independently of the layers below, G' = G: the step it is about to take
would still be right after they move. ICS_k(t) = ||G - G'|| (Santurkar's l2 difference), reported
also relative to ||G||, and cos(G, G') (1: same direction).

    states = ics_steps(kinds=("plain", "bn"), steps=200)    # a generator, streamed by LiveRun
    result = results(state)      # {kind: {"step": (M,), "diff", "rel", "cos", "norm": (M, K)}}
Shapes: M measured steps (every `every` updates), K measured layers (default 1: the output layer).
"""

import copy

import numpy as np

from bn_core.data import load_digits_split
from bn_core.experiments.freeze import build
from bn_core.nn import Linear, softmax_cross_entropy
from bn_core.train import history, train_steps


def gradient_shift(model, xb, yb, k, lr):
    """Santurkar's ICS for layer index k (a Linear) of `model`, whose gradients on (xb, yb) are
    in place (after backward, before the update). The model is not changed (a copy moves).
    Returns (||G - G'||, ||G||, cos(G, G'))."""
    if not isinstance(model.layers[k], Linear):
        raise ValueError(f"k: layer {k} is {model.layers[k]!r}; expected a Linear")
    g = model.layers[k].dW.copy()  # (D_in, D_out)
    twin = copy.deepcopy(model)  # carries the same gradients
    for layer in twin.layers[:k]:  # the layers below take their SGD step
        for name in layer.param_names:
            getattr(layer, name)[...] -= lr * getattr(layer, "d" + name)
    _, dlogits = softmax_cross_entropy(twin.forward(xb), yb)
    twin.backward(dlogits)
    g_new = twin.layers[k].dW  # G'
    norm, norm_new = np.linalg.norm(g), np.linalg.norm(g_new)
    cos = float(np.sum(g * g_new) / max(norm * norm_new, 1e-300))
    return float(np.linalg.norm(g - g_new)), float(norm), cos


class ShiftRecorder:
    """A train_steps hook: gradient_shift for each layer index in `ks` every `every` updates."""

    def __init__(self, ks, lr, every=1):
        self.ks, self.lr, self.every = list(ks), lr, every
        self.rows = {"step": [], "diff": [], "norm": [], "cos": []}

    def __call__(self, t, model, xb, yb):
        if t % self.every:
            return
        shifts = [gradient_shift(model, xb, yb, k, self.lr) for k in self.ks]
        self.rows["step"].append(t)
        for i, key in enumerate(("diff", "norm", "cos")):
            self.rows[key].append([s[i] for s in shifts])

    def result(self):
        out = {key: np.asarray(rows, dtype=np.float64) for key, rows in self.rows.items()}
        out["rel"] = out["diff"] / np.maximum(out["norm"], 1e-300)  # ||G - G'|| / ||G||, (M, K)
        return out


def ics_steps(kinds=("plain", "bn"), lr=0.5, steps=200, batch_size=60, seed=0, every=10,
              layers=(-1,), data=None, **net):
    """Train `kinds` (see freeze.build) in lockstep from the same weights and batches, measuring
    every `every` updates the gradient shift of the Linears picked by `layers` among all but the
    first (default (-1,): the output layer, whose "layers below" are the whole network). Yields
    {"step", "steps", "runs": {kind: train_steps state}, "shift": {kind: ShiftRecorder}}."""
    data = load_digits_split() if data is None else data
    gens, shift = {}, {}
    for kind in kinds:
        model = build(kind, seed, **net)
        linears = [i for i, layer in enumerate(model.layers) if isinstance(layer, Linear)]
        shift[kind] = ShiftRecorder([linears[1:][i] for i in layers], lr, every)
        batches = np.random.default_rng(seed + 1)  # the same minibatches for every kind
        gens[kind] = train_steps(model, data, steps, batch_size, lr, batches,
                                 eval_every=max(steps // 10, 1), hook=shift[kind])
    state = {"step": 0, "steps": steps, "runs": {}, "shift": shift}
    for states in zip(*gens.values(), strict=False):
        state["runs"] = dict(zip(kinds, states, strict=True))
        state["step"] = min(run["step"] for run in states)
        yield state
        if any(run["diverged"] for run in states):
            return


def results(state):
    """{kind: ShiftRecorder.result() plus "history": train()'s dict} from the last state."""
    out = {}
    for kind, recorder in state["shift"].items():
        out[kind] = recorder.result()
        out[kind]["history"] = history(state["runs"][kind])
    return out


def summary(result, start=0):
    """Median over the measured steps >= start of ||G - G'||, ||G - G'|| / ||G|| and cos(G, G'),
    per kind: {kind: {"diff", "rel", "cos": (K,)}} (one entry per measured layer)."""
    out = {}
    for kind, r in result.items():
        keep = r["step"] >= start
        out[kind] = {key: np.median(r[key][keep], axis=0) for key in ("diff", "rel", "cos")}
    return out
