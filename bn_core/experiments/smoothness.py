"""Why does BN help? The experiments of notebook 03, at laptop scale on the digits.

    nets(kinds, rng)                  same initial weights: "plain", "bn", "noisy", "bn_after"
    compare_training(...)             training curves of several kinds (noisy-BN experiment);
                                      compare_training_steps: the same, live (a generator);
                                      noise_steps: the same from a seed (cacheable end)
    drift(stats)                      how much a layer's input distribution moves per record
    lr_sweep(...)                     final loss per learning rate; largest stable learning rate
                                      (seeded_lr_sweep: from a seed, kept in the disk cache)
    landscape(...)                    Santurkar et al.'s loss band and gradient predictiveness
                                      (landscapes: several kinds from a seed, disk-cached)
    scale_invariance(a, ...)          BN(x (a W)) = BN(x W), and dL/d(aW) = dL/dW / a

Smoothness, as measured by Santurkar, Tsipras, Ilyas & Madry (2018), Sec. 3: at a training step
with weights w, batch loss L and gradient g = grad L(w), look along the gradient direction:
    band_k      = L(w - eta_k g)                        loss at several step sizes eta_k
    change_k    = || grad L(w - eta_k g) - g ||         how much the gradient changes there
    beta_eff    = max_k change_k / (eta_k ||g||)        an effective Lipschitz constant of grad L
A narrow band means the loss changes predictably along the gradient; a small change means the
gradient stays a good guide a step away ("gradient predictiveness").

Shapes: x: (N, D_in) a batch; K step sizes; P probe points (one every `probe_every` steps).
"""

import numpy as np

from bn_core.data import minibatches
from bn_core.experiments.cache import disk_cached
from bn_core.experiments.noisy_bn import NoisyBatchNorm1d
from bn_core.experiments.what_stays_put import distribution_change
from bn_core.functional import batchnorm_backward, batchnorm_forward
from bn_core.nn import Activation, mlp, softmax_cross_entropy
from bn_core.optim import SGD
from bn_core.train import (
    LayerStats,
    frozen_running_stats,
    history,
    lockstep,
    one_blas_thread,
    train_steps,
)

SIZES = (64, 100, 100, 100, 10)  # digits in, three hidden layers of 100, ten classes out
KINDS = {  # kind -> (where BN goes, whether it is noisy)
    "plain": (None, False),
    "bn": ("before", False),
    "noisy": ("before", True),
    "bn_after": ("after", False),
}


def nets(kinds, rng, strength=0.5, sizes=SIZES, activation="relu"):
    """{kind: model} built from the SAME initial weights (one seed drawn from rng for all).

    kinds: names from KINDS. "noisy" uses NoisyBatchNorm1d(strength) with its own rng from rng.
    """
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"kinds: got {unknown}; expected names from {list(KINDS)}")
    weight_seed, noise_seed = rng.integers(2**32, size=2)
    noise_rng = np.random.default_rng(noise_seed)
    models = {}
    for kind in kinds:
        bn, noisy = KINDS[kind]
        norm = (lambda d: NoisyBatchNorm1d(d, strength, noise_rng)) if noisy else None
        models[kind] = mlp(sizes, activation, bn=bn, rng=np.random.default_rng(weight_seed),
                           norm_layer=norm)
    return models


def compare_training_steps(data, kinds, steps, lr, rng, batch_size=60, strength=0.5,
                           eval_every=50, activation="sigmoid", watch=None, watch_every=5):
    """compare_training(), every kind stepped in one loop: a generator yielding after each step
    {"step", "steps", kind: train_steps state for each kind} (see bn_core.train.lockstep).
    rng is used before the first step, as compare_training uses it."""
    data_seed = rng.integers(2**32)
    runs = {}
    for kind, model in nets(kinds, rng, strength, activation=activation).items():
        record = None
        if watch is not None:
            record = {"watch": LayerStats(model.index_of(Activation, watch), every=watch_every)}
        runs[kind] = train_steps(model, data, steps, batch_size, lr,
                                 np.random.default_rng(data_seed), eval_every=eval_every,
                                 record=record)
    return lockstep(runs, {"step": 0, "steps": steps})


NOISE_STRENGTHS = tuple(round(0.05 * k, 2) for k in range(31))  # notebook 03's slider, 0 to 1.5


def noise_steps(data, kinds, steps, lr, seed, strength, watch=1):
    """compare_training_steps(data, list(kinds), steps, lr, np.random.default_rng(seed),
    strength=strength, watch=watch): notebook 03's noisy-BN runs from a seed, so that their end
    can be kept (cache.final_state) and shown without training."""
    return compare_training_steps(data, list(kinds), steps, lr, np.random.default_rng(seed),
                                  strength=strength, watch=watch)


def compare_training(data, kinds, steps, lr, rng, batch_size=60, strength=0.5, eval_every=50,
                     activation="sigmoid", watch=None, watch_every=5):
    """Train each kind from the same weights on the same batches. {kind: train() history}.

    watch=k: also record, every watch_every steps, the per-feature mean and std of the input of
    the k-th activation (history["watch"]["mean"], ["std"]: (R, D)): for k >= 1 with BN that is
    a BN layer's output (noise included), without BN a Linear layer's output.
    """
    *_, state = compare_training_steps(data, kinds, steps, lr, rng, batch_size, strength,
                                       eval_every, activation, watch, watch_every)
    return {kind: history(state[kind]) for kind in kinds}


def drift(stats):
    """How far a layer's input distribution moves between records (notebook 02's measure,
    averaged): mean over records and features of |mean_{r+1} - mean_r| + |std_{r+1} - std_r|.
    stats: LayerStats result, "mean", "std": (R, D)."""
    d_mean, d_std = distribution_change(stats)  # (R - 1,) each
    return float(d_mean.mean() + d_std.mean())


def final_loss(loss, last=20):
    """Mean training loss over the last `last` steps; inf if the run diverged (NaN inside)."""
    tail = np.asarray(loss)[-last:]
    return float(tail.mean()) if np.all(np.isfinite(tail)) else np.inf


def lr_sweep(data, lrs, steps, rng, kinds=("plain", "bn"), batch_size=60, activation="sigmoid"):
    """Train each kind at each learning rate. Returns {kind: final losses (L,)} and the
    largest stable lr per kind: stable = no divergence and the final loss below half the
    first step's (ln 10 = 2.3 at chance, so below about 1.2)."""
    finals = {kind: np.empty(len(lrs)) for kind in kinds}
    stable = {kind: [] for kind in kinds}
    seed = rng.integers(2**32)  # every lr starts from the same weights and sees the same batches
    for i, lr in enumerate(lrs):
        runs = compare_training(data, kinds, steps, lr, np.random.default_rng(seed), batch_size,
                                eval_every=steps, activation=activation)
        for kind, run in runs.items():
            finals[kind][i] = final_loss(run["loss"])
            if finals[kind][i] < 0.5 * run["loss"][0]:  # it trains: loss halved
                stable[kind].append(lr)
    largest = {kind: max(stable[kind]) if stable[kind] else None for kind in kinds}
    return {"lr": np.asarray(lrs, dtype=float), "final": finals, "largest_stable": largest}


@disk_cached
def seeded_lr_sweep(data, lrs, steps, seed, kinds=("plain", "bn"), batch_size=60,
                    activation="sigmoid"):
    """lr_sweep(..., np.random.default_rng(seed), ...): the same numbers, kept on disk."""
    return lr_sweep(data, lrs, steps, np.random.default_rng(seed), kinds, batch_size, activation)


@disk_cached
def landscapes(data, kinds, steps, lr, seed, step_sizes, activation="relu"):
    """{kind: landscape(model, data, steps, lr, np.random.default_rng(seed), step_sizes)} for
    the models of nets(kinds, np.random.default_rng(seed), activation=activation) (same initial
    weights, same batches), kept on disk."""
    models = nets(list(kinds), np.random.default_rng(seed), activation=activation)
    return {kind: landscape(model, data, steps, lr, np.random.default_rng(seed), step_sizes)
            for kind, model in models.items()}


def _loss_and_grads(model, x, y):
    """Forward + backward on one batch. Returns the loss and every gradient, flattened: (n,)."""
    loss, dlogits = softmax_cross_entropy(model.forward(x), y)
    model.backward(dlogits)
    grads = [getattr(layer, "d" + name).ravel() for layer, name in model.parameters()]
    return loss, np.concatenate(grads)


def landscape(model, data, steps, lr, rng, step_sizes, batch_size=60, probe_every=10):
    """Train with SGD(lr) and, every probe_every steps, look along the gradient (module docstring).

    step_sizes: (K,) the eta_k. Returns "step": (P,), "loss": (P,) L(w), "band": (K, P)
    L(w - eta_k g), "change": (K, P) ||grad L(w - eta_k g) - g||, "beta": (P,) beta_eff,
    "gnorm": (P,) ||g|| (the raw steps eta_k g of the band are eta_k ||g|| long).
    The probes leave the weights, gradients and running statistics as they found them.
    """
    x_train, y_train = data[0], data[1]
    params = list(model.parameters())
    opt, batches = SGD(model, lr), minibatches(x_train, y_train, batch_size, rng)
    etas = np.asarray(step_sizes, dtype=float)
    out = {"step": [], "loss": [], "band": [], "change": [], "beta": [], "gnorm": []}
    # no BN may blow up; tiny matrices: one BLAS thread (see bn_core.train.one_blas_thread)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"), one_blas_thread():
        for t in range(steps):
            x, y = next(batches)
            loss, g = _loss_and_grads(model, x, y)
            if t % probe_every == 0:
                band, change = _probe(model, params, x, y, g, etas)
                out["step"].append(t)
                out["loss"].append(loss)
                out["band"].append(band)
                out["change"].append(change)
                out["gnorm"].append(np.linalg.norm(g))
                out["beta"].append(np.max(change / (etas * out["gnorm"][-1])))
            opt.step()
    out = {key: np.asarray(v) for key, v in out.items()}
    out["band"], out["change"] = out["band"].T, out["change"].T  # (P, K) -> (K, P)
    return out


def _probe(model, params, x, y, g, etas):
    """Loss and gradient change at w - eta_k g for each eta_k: (K,), (K,); then restore w."""
    w = [getattr(layer, name).copy() for layer, name in params]
    grads = [getattr(layer, "d" + name).copy() for layer, name in params]
    band, change = np.empty(len(etas)), np.empty(len(etas))
    sizes = [p.size for p in w]
    with frozen_running_stats(model):
        for k, eta in enumerate(etas):
            offset = 0
            for (layer, name), p, size in zip(params, w, sizes):
                getattr(layer, name)[...] = p - eta * g[offset:offset + size].reshape(p.shape)
                offset += size
            band[k], g_k = _loss_and_grads(model, x, y)
            change[k] = np.linalg.norm(g_k - g)
    for (layer, name), p, d in zip(params, w, grads):
        getattr(layer, name)[...] = p
        setattr(layer, "d" + name, d)
    return band, change


def band_width(result):
    """Mean over probes of max_k - min_k of the band: how far the loss spreads along g."""
    band = result["band"]
    return float(np.mean(band.max(axis=0) - band.min(axis=0)))


def scale_invariance(a, rng, n=64, d_in=20, d_out=5, eps=1e-5):
    """Batch norm after a linear layer whose weights are scaled by a > 0.

    x: (n, d_in), W: (d_in, d_out) and an upstream gradient dout: (n, d_out) are drawn from rng;
    V = a W is the layer's weight. Returns z = x V: (n, d_out), out = BN(z): (n, d_out) and
    dV = x^T dz: (d_in, d_out). BN removes the scale: out does not depend on a (up to eps), and
    dz, hence dV, shrinks as 1/a; the relative update lr ||dV|| / ||V|| shrinks as 1/a^2.
    """
    a = float(a)
    if not (np.isfinite(a) and a > 0):
        raise ValueError(f"a: got {a}; expected a finite weight scale > 0")
    x = rng.standard_normal((n, d_in)) + 1.0  # off-centre inputs
    w = rng.standard_normal((d_in, d_out)) / np.sqrt(d_in)
    dout = rng.standard_normal((n, d_out))
    z = x @ (a * w)  # (n, d_in) @ (d_in, d_out)
    gamma, beta = np.linspace(0.5, 1.5, d_out), np.linspace(-0.5, 0.5, d_out)
    out, cache = batchnorm_forward(z, gamma, beta, eps)
    dz, _, _ = batchnorm_backward(dout, cache)
    return {"z": z, "out": out, "dV": x.T @ dz}  # dV: (d_in, n) @ (n, d_out)
