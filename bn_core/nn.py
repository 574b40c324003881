"""Layers for a small MLP, in the style of BatchNorm1d: forward(x) caches, backward(dout) -> dx.

Shapes: x: (N, D_in) a batch of N examples; out: (N, D_out); K classes for the loss.
    Linear      out = x @ W + b            W: (D_in, D_out), b: (D_out,)
    ReLU        out = max(x, 0)
    Tanh        out = tanh(x)
    Sigmoid     out = 1 / (1 + exp(-x))    computed as (1 + tanh(x / 2)) / 2: never overflows
    softmax_cross_entropy(logits: (N, K), y: (N,)) -> mean loss and dlogits: (N, K)
    Sequential  chains layers; mlp() builds one with BatchNorm1d before or after each activation.

dtype in = dtype out: float32 inputs to float32 layers (mlp(..., dtype=np.float32)) stay float32
all the way, forward and backward (integers become float64).

Every layer has `param_names`: an optimizer updates getattr(layer, name) in place with the gradient
getattr(layer, "d" + name), exactly as for BatchNorm1d's ("gamma", "beta").
"""

import numpy as np

from bn_core.layers import BatchNorm1d

ACTIVATION_GAIN = {"relu": np.sqrt(2.0), "tanh": 5.0 / 3.0, "sigmoid": 1.0}


def _as_float(x):
    """x as a float array: float dtypes kept, anything else float64."""
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)  # kind "f": any float dtype


def _check_x(x, name, features):
    x = _as_float(x)
    if x.ndim != 2 or x.shape[1] != features:
        raise ValueError(f"{name}: got shape {x.shape}; expected (N, {features})")
    return x


class Linear:
    """out = x @ W + b. W: (D_in, D_out) ~ N(0, (gain^2) / D_in); b: (D_out,) starts at 0.

    bias=False: out = x @ W, no b at all (b and db are None), as for a Linear right before BN,
    whose bias the batch mean would subtract away (its gradient is exactly 0).
    """

    def __init__(self, in_features, out_features, rng, bias=True, gain=1.0, dtype=np.float64):
        if not isinstance(rng, np.random.Generator):
            raise ValueError(f"rng: got {type(rng).__name__}; expected np.random.default_rng(seed)")
        if min(in_features, out_features) < 1:
            raise ValueError(f"Linear: got sizes ({in_features}, {out_features}); expected >= 1")
        self.in_features, self.out_features = int(in_features), int(out_features)
        # drawn in float64 whatever dtype: the same seed gives the same weights, rounded
        w = rng.standard_normal((in_features, out_features)) * (gain / np.sqrt(in_features))
        self.W = w.astype(dtype)
        self.b = np.zeros(out_features, dtype=dtype) if bias else None
        self.param_names = ("W", "b") if bias else ("W",)
        self.dW = np.zeros_like(self.W)
        self.db = None if self.b is None else np.zeros_like(self.b)
        self._x = None

    def forward(self, x):
        """x: (N, D_in) -> out: (N, D_out)."""
        self._x = _check_x(x, "x", self.in_features)
        out = self._x @ self.W
        if self.b is None:
            return out
        if self.b.dtype != out.dtype:  # e.g. a float64 b set on a float32 layer: promoted
            return out + self.b
        out += self.b  # the same numbers in place: out is a new array
        return out

    __call__ = forward

    def backward(self, dout):
        """dout: (N, D_out). Sets dW = x^T dout, db = sum_i dout. Returns dx = dout W^T."""
        if self._x is None:
            raise ValueError("backward: call forward(x) first")
        dout = _check_x(dout, "dout", self.out_features)
        self.dW = self._x.T @ dout  # (D_in, N) @ (N, D_out) -> (D_in, D_out)
        if self.b is not None:
            self.db = dout.sum(axis=0)  # (N, D_out) -> (D_out,)
        return dout @ self.W.T

    def __repr__(self):
        extra = "" if self.b is not None else ", bias=False"
        return f"Linear({self.in_features}, {self.out_features}{extra})"


class Activation:
    """Elementwise f(x); subclasses give f and f' written in terms of the output."""

    param_names = ()

    def forward(self, x):
        self._out = self.f(_as_float(x))
        return self._out

    __call__ = forward

    def backward(self, dout):
        """dout: like x. dx = dout * f'(x)."""
        return np.asarray(dout) * self.df(self._out)

    def __repr__(self):
        return f"{type(self).__name__}()"


class ReLU(Activation):
    f = staticmethod(lambda x: np.maximum(x, 0.0))
    df = staticmethod(lambda out: (out > 0).astype(out.dtype))


class Tanh(Activation):
    f = staticmethod(np.tanh)
    df = staticmethod(lambda out: 1.0 - out**2)  # tanh' = 1 - tanh^2


def _sigmoid(x):
    """0.5 * (1 + tanh(0.5 * x)) = 1 / (1 + exp(-x)), step by step in one buffer (the same numbers,
    without three temporary arrays: measured in benchmarks/train_step.py)."""
    out = np.multiply(x, 0.5)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


class Sigmoid(Activation):
    f = staticmethod(_sigmoid)  # = 0.5 * (1 + tanh(0.5 * x)) = 1 / (1 + exp(-x)): never overflows
    df = staticmethod(lambda out: out * (1.0 - out))  # sigmoid' = s (1 - s)


ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}


def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits) against integer labels.

    logits: (N, K); y: (N,) ints in [0, K). Returns loss (float) and dlogits: (N, K).
        log p_ik = z_ik - logsumexp_k(z_i)      (max subtracted first: no overflow)
        loss = -(1/N) sum_i log p_i,y_i          dlogits = (softmax(z) - onehot(y)) / N
    """
    logits = _as_float(logits)
    y = np.asarray(y)
    if logits.ndim != 2 or y.shape != (logits.shape[0],):
        raise ValueError(f"logits {logits.shape}, y {y.shape}: expected (N, K) and (N,)")
    n, k = logits.shape
    if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= k:
        raise ValueError(f"y: expected integer labels in [0, {k}); got {y.dtype}, {y.min()}..")
    z = logits - logits.max(axis=1, keepdims=True)  # (N, K), each row's max is 0
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))  # (N, K)
    loss = -log_p[np.arange(n), y].mean()
    dlogits = np.exp(log_p)
    dlogits[np.arange(n), y] -= 1.0
    return float(loss), dlogits / logits.dtype.type(n)


class Sequential:
    """layers applied in order. After forward, `inputs[i]` is the input layer i saw: (N, D_i)."""

    def __init__(self, *layers):
        self.layers = list(layers)
        self.inputs = []

    def forward(self, x):
        self.inputs = []
        for layer in self.layers:
            self.inputs.append(x)
            x = layer.forward(x)
        return x

    __call__ = forward

    def backward(self, dout):
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def train(self, mode=True):
        for layer in self.layers:
            if hasattr(layer, "train"):
                layer.train(mode)
        return self

    def eval(self):
        return self.train(False)

    def parameters(self):
        """(layer, name) for every learnable array: getattr(layer, name), grad "d" + name."""
        for layer in self.layers:
            for name in layer.param_names:
                yield layer, name

    def num_parameters(self):
        """How many learnable numbers the model has (every W, b, gamma, beta entry)."""
        return sum(getattr(layer, name).size for layer, name in self.parameters())

    def index_of(self, kind, k=-1):
        """Index in .layers of the k-th layer that is an instance of `kind` (k=-1: the last)."""
        found = [i for i, layer in enumerate(self.layers) if isinstance(layer, kind)]
        if not found:
            raise ValueError(f"index_of: no {kind} layer in this model")
        return found[k]

    def __repr__(self):
        return "Sequential(\n  " + ",\n  ".join(map(repr, self.layers)) + "\n)"


def mlp(sizes, activation="relu", bn=None, rng=None, norm_layer=None, gain=None,
        dtype=np.float64, bias=True):
    """An MLP: Linear -> [BN] -> activation -> [BN] for each hidden layer, then a last Linear.

    sizes: [D_in, H_1, ..., D_out]; bn: None, "before" (Linear -> BN -> f, as Ioffe & Szegedy) or
    "after" (Linear -> f -> BN); norm_layer(num_features) builds the norm layer (default
    BatchNorm1d). Weights are drawn from rng in the same order whatever bn is, so the same seed
    gives the same initial weights with and without BN. gain: default per activation (He for relu).
    dtype: of every parameter (np.float32 runs about twice as fast; feed it float32 inputs).
    bias=False: the hidden Linears have no bias (the last one keeps its own), as in makemore's
    Linear(bias=False) -> BatchNorm1d: with bn="before" the batch mean would remove it anyway.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation: got {activation!r}; expected one of {list(ACTIVATIONS)}")
    if bn not in (None, "before", "after"):
        raise ValueError(f"bn: got {bn!r}; expected None, 'before' or 'after'")
    if len(sizes) < 2:
        raise ValueError(f"sizes: got {sizes}; expected at least [D_in, D_out]")
    if rng is None:
        raise ValueError("rng: expected np.random.default_rng(seed) (no global RNG here)")
    gain = ACTIVATION_GAIN[activation] if gain is None else gain
    if norm_layer is None:
        norm_layer = lambda d: BatchNorm1d(d, dtype=dtype)  # noqa: E731
    layers = []
    for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        last = i == len(sizes) - 2
        layers.append(Linear(d_in, d_out, rng, bias=bias or last, gain=1.0 if last else gain,
                             dtype=dtype))
        if last:
            break
        if bn == "before":
            layers.append(norm_layer(d_out))
        layers.append(ACTIVATIONS[activation]())
        if bn == "after":
            layers.append(norm_layer(d_out))
    return Sequential(*layers)
