"""Recorders: what a training run keeps of the network after each step (see bn_core.train).

A recorder is called as recorder(step, model) and reads model.inputs[i], the (P, D_i) input of
layer i on the probe (P probe examples); result() stacks its rows: one row per record, plus
"step": (R,). `needs` tells the probe how far up the network it must run.
"""

import numpy as np


class Recorder:
    """Collects one row per call; result() stacks them into arrays, plus "step": (R,)."""

    def __init__(self, layer, every=1):
        self.layer, self.every = layer, every
        self.rows = {"step": []}

    @property
    def needs(self):
        """The last index i of model.inputs[i] that collect() reads (the probe stops there)."""
        return self.layer

    def __call__(self, step, model):
        if step % self.every:
            return
        self.rows["step"].append(step)
        for key, value in self.collect(model).items():
            self.rows.setdefault(key, []).append(value)

    def result(self):
        return {key: np.asarray(rows) for key, rows in self.rows.items()}


class LayerStats(Recorder):
    """Per-feature mean and std over the probe of layer `layer`'s input: "mean", "std": (R, D)."""

    def collect(self, model):
        mean, std = mean_std(model.inputs[self.layer])  # (P, D) -> (D,), (D,)
        return {"mean": mean, "std": std}


class Percentiles(Recorder):
    """The 15th, 50th, 85th percentiles of one unit's input over the probe: "pct": (R, 3)."""

    def __init__(self, layer, unit, q=(15, 50, 85), every=1):
        super().__init__(layer, every)
        self.unit, self.q = unit, q

    def collect(self, model):
        return {"pct": percentiles(model.inputs[self.layer][:, self.unit], self.q)}


class Params(Recorder):
    """Copies of a layer's parameters (default gamma, beta): one (R, D) array per name."""

    def __init__(self, layer, names=("gamma", "beta"), every=1):
        super().__init__(layer, every)
        self.names = names

    def collect(self, model):
        return {name: getattr(model.layers[self.layer], name).copy() for name in self.names}


class Snapshots(Recorder):
    """Input and output of layer `layer` on the probe every `every` steps: "x", "out": (R, P, D)."""

    @property
    def needs(self):
        return self.layer + 1

    def collect(self, model):
        return {"x": model.inputs[self.layer].astype(np.float32),
                "out": model.inputs[self.layer + 1].astype(np.float32)}


def mean_std(x):
    """x.mean(axis=0), x.std(axis=0) for x: (P, D) -> (D,), (D,), the same numbers (numpy's own
    steps: sum / P, then the mean of the squared deviations), the mean computed once, not twice."""
    mean = x.mean(axis=0, keepdims=True)  # (1, D)
    d = x - mean  # (P, D)
    np.square(d, out=d)
    var = np.add.reduce(d, axis=0)  # (P, D) -> (D,), then / P as numpy divides
    np.true_divide(var, np.intp(len(x)), out=var, casting="unsafe")
    return mean[0], np.sqrt(var, out=var)


def percentiles(v, q):
    """np.percentile(v, q) (its default, linear interpolation, same rounding) for a short (P,)
    vector, without np.percentile's overhead (~10x faster at P = 200). Returns (len(q),)."""
    s = np.sort(v)
    at = np.asarray(q, dtype=np.float64) / 100 * (len(s) - 1)  # the virtual index
    lo = np.floor(at).astype(int)
    hi = np.minimum(lo + 1, len(s) - 1)
    t = (at - lo).astype(s.dtype)
    a, b = s[lo], s[hi]
    diff = b - a  # numpy's _lerp: from the nearer end, so t = 1 gives b exactly
    return np.where(t >= 0.5, b - diff * (1 - t), a + diff * t)
