"""Batch norm at inference time: momentum conventions, population statistics, folding into Linear.

Shapes: x: (N, D); running_mean, running_var, gamma, beta: (D,); a Linear layer computes
out = x @ W + b with W: (D_in, D) and b: (D,) (bn_core.nn.Linear's convention).

Two conventions for the running statistics, with the same meaning:
    PyTorch:        running = (1 - momentum) * running + momentum * batch_stat     momentum = 0.1
    CS231n, Keras:  running = decay * running + (1 - decay) * batch_stat           decay = 0.9, 0.99
so momentum = 1 - decay. (CS231n and Keras call `decay` "momentum": the weight of the OLD value.)
PyTorch also stores the unbiased batch variance, var * m / (m - 1); CS231n stores the biased one.

In eval mode BN is the fixed affine map out = gamma * (x - running_mean) / sqrt(running_var + eps)
+ beta, so a Linear layer right before it can absorb it:
    W' = W * gamma / sqrt(running_var + eps)                      (each column j scaled)
    b' = (b - running_mean) * gamma / sqrt(running_var + eps) + beta
"""

import copy

import numpy as np

from bn_core._checks import check_momentum
from bn_core.data import load_digits_split
from bn_core.experiments.cache import disk_cached
from bn_core.layers import BatchNorm1d
from bn_core.nn import mlp
from bn_core.train import accuracy, train


def momentum_to_pytorch(decay):
    """CS231n's / Keras's momentum (weight of the old value, e.g. 0.9) -> PyTorch's (0.1)."""
    return 1.0 - check_momentum(decay)


def momentum_from_pytorch(momentum):
    """PyTorch's momentum (weight of the new batch, e.g. 0.1) -> CS231n's / Keras's (0.9)."""
    return 1.0 - check_momentum(momentum)


def running_stats_pytorch(batches, momentum=0.1):
    """Feed batches through a BatchNorm1d in training mode and record its running statistics.

    batches: sequence of (m, D) arrays. Returns running_mean, running_var: (T + 1, D), row 0 the
    initial values (0 and 1), row t after t batches (PyTorch convention, unbiased variance).
    """
    batches = [np.asarray(b, dtype=np.float64) for b in batches]
    bn = BatchNorm1d(batches[0].shape[1], momentum=momentum)
    means, variances = [bn.running_mean.copy()], [bn.running_var.copy()]
    for xb in batches:
        bn.forward(xb)
        means.append(bn.running_mean.copy())
        variances.append(bn.running_var.copy())
    return np.array(means), np.array(variances)


def running_stats_cs231n(batches, decay=0.9):
    """The same stream with CS231n's assignment code: the old value weighted by `decay`.

    running_mean = decay * running_mean + (1 - decay) * mu, and the same for the BIASED batch
    variance (np.var). Returns running_mean, running_var: (T + 1, D), as running_stats_pytorch.
    """
    check_momentum(decay)
    batches = [np.asarray(b, dtype=np.float64) for b in batches]
    d = batches[0].shape[1]
    running_mean, running_var = np.zeros(d), np.ones(d)
    means, variances = [running_mean], [running_var]
    for xb in batches:
        running_mean = decay * running_mean + (1 - decay) * xb.mean(axis=0)  # (m, D) -> (D,)
        running_var = decay * running_var + (1 - decay) * xb.var(axis=0)  # biased
        means.append(running_mean)
        variances.append(running_var)
    return np.array(means), np.array(variances)


def running_from_batch_stats(mu, var, batch_size, momentum=0.1):
    """The running statistics of running_stats_pytorch and running_stats_cs231n (decay = 1 -
    momentum) for one feature, from its batches' mean and BIASED variance mu, var: (T,), without
    a layer per batch (notebook 05's sliders: ~11 ms a move for the layer's, ~0.1 ms here).
    Returns running_mean, running_var (unbiased), running_var_cs231n: (T + 1,), row 0 as theirs."""
    check_momentum(momentum)
    decay, unbias = 1 - momentum, batch_size / (batch_size - 1)
    means, variances, biased = [0.0], [1.0], [1.0]
    for m_t, v_t in zip(mu.tolist(), var.tolist(), strict=True):
        # running = (1 - momentum) * running + momentum * batch_stat, the UNBIASED var
        means.append(decay * means[-1] + momentum * m_t)
        variances.append(decay * variances[-1] + momentum * v_t * unbias)
        biased.append(decay * biased[-1] + (1 - decay) * v_t)  # CS231n's: the biased var
    return np.array(means), np.array(variances), np.array(biased)


def population_stats(batches):
    """Mean and UNBIASED variance of all rows of all batches, in one pass (Chan et al.'s merge).

    batches: iterable of (n_i, D) arrays, e.g. a layer's input over the whole training set.
    Returns mean: (D,), var: (D,), and the number of rows.
    """
    count, mean, m2 = 0, None, None  # m2 = sum of squared deviations from the mean, (D,)
    for xb in batches:
        xb = np.asarray(xb, dtype=np.float64)
        if xb.ndim != 2 or xb.shape[0] == 0 or (mean is not None and xb.shape[1] != mean.shape[0]):
            raise ValueError(f"batches: got a batch of shape {xb.shape}; expected (n_i, D) with "
                             "n_i >= 1 and the same D for every batch")
        n_b, mean_b = xb.shape[0], xb.mean(axis=0)
        m2_b = ((xb - mean_b) ** 2).sum(axis=0)  # (n_b, D) -> (D,)
        if mean is None:
            count, mean, m2 = n_b, mean_b, m2_b
            continue
        delta, total = mean_b - mean, count + n_b
        mean = mean + delta * (n_b / total)
        m2 = m2 + m2_b + delta**2 * (count * n_b / total)
        count = total
    if count < 2:
        raise ValueError(f"batches: got {count} rows in all; expected at least 2 for a variance")
    return mean, m2 / (count - 1), count


def calibrate(model, x, batch_size=256):
    """Replace every BatchNorm1d's running statistics by the population statistics of its input.

    model: a bn_core.nn.Sequential; x: (N, D_in), e.g. the whole training set. Layers are calibrated
    in order, each seeing its input through the already calibrated layers before it, in eval mode.
    Returns {layer index: (old running_mean, old running_var)} so the change can be compared.
    """
    model.eval()
    old = {}
    for k, layer in enumerate(model.layers):
        if not isinstance(layer, BatchNorm1d):
            continue

        def inputs_of_k(k=k):
            for start in range(0, len(x), batch_size):
                h = x[start:start + batch_size]
                for earlier in model.layers[:k]:
                    h = earlier.forward(h)
                yield h

        old[k] = (layer.running_mean.copy(), layer.running_var.copy())
        mean, var, _ = population_stats(inputs_of_k())
        layer.running_mean[...], layer.running_var[...] = mean, var
    return old


def fold_bn_into_linear(W, b, bn):
    """The Linear layer (W', b') equal to Linear(W, b) followed by `bn` in eval mode.

    W: (D_in, D); b: (D,); bn: a BatchNorm1d(D) (its running statistics, gamma, beta, eps).
    Returns W': (D_in, D), b': (D,).
    """
    W, b = np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if W.ndim != 2:
        raise ValueError(f"W: got shape {W.shape}; expected (D_in, D) with out = x @ W + b")
    if b.shape != (W.shape[1],):
        raise ValueError(f"b: got shape {b.shape}; expected ({W.shape[1]},), one per column of W")
    if bn.num_features != W.shape[1]:
        raise ValueError(f"bn: has {bn.num_features} features; expected {W.shape[1]}, the number "
                         "of columns of W")
    scale = bn.gamma / np.sqrt(bn.running_var + bn.eps)  # gamma / sqrt(running_var + eps), (D,)
    return W * scale, (b - bn.running_mean) * scale + bn.beta


def fold_model(model):
    """A new Sequential with every Linear -> BatchNorm1d pair replaced by one folded Linear."""
    from bn_core.nn import Linear, Sequential

    layers, i = [], 0
    while i < len(model.layers):
        layer = model.layers[i]
        nxt = model.layers[i + 1] if i + 1 < len(model.layers) else None
        if isinstance(layer, Linear) and isinstance(nxt, BatchNorm1d):
            folded = copy.deepcopy(layer)  # a Linear like this one, then W and b replaced
            b = np.zeros(layer.out_features) if layer.b is None else layer.b  # bias=False: b = 0
            W, b = fold_bn_into_linear(layer.W, b, nxt)
            folded.W, folded.b = W.astype(layer.W.dtype), b.astype(layer.W.dtype)
            folded.db, folded.param_names = np.zeros_like(folded.b), ("W", "b")  # BN's beta lands
            layers.append(folded)
            i += 2
        else:
            layers.append(layer)
            i += 1
    return Sequential(*layers)


def stream(batch_size, steps=200, pop_mean=3.0, pop_std=2.0, seed=0):
    """T = steps batches of one feature, (T, m, 1), from N(pop_mean, pop_std^2)."""
    rng = np.random.default_rng(seed)
    return pop_mean + pop_std * rng.standard_normal((steps, batch_size, 1))


def variance_gap(batch_size, pop_std=2.0, batches=None, seed=1):
    """Mean over many batches of the biased and the unbiased batch variance, over pop_std^2.

    Expected: (m - 1) / m for the biased one (divide by m), 1 for the unbiased (divide by m - 1).
    batches: default max(2000, 200000 // m), a sampling error of about 0.005.
    """
    batches = max(2000, 200_000 // batch_size) if batches is None else batches
    x = pop_std * np.random.default_rng(seed).standard_normal((batches, batch_size))
    biased = x.var(axis=1).mean() / pop_std**2  # (K, m) -> (K,) -> scalar
    return biased, biased * batch_size / (batch_size - 1)


def company_probabilities(model, x_one, companions):
    """x_one's class probabilities when predicted inside each batch of `companions`.

    model: a bn_core.nn.Sequential in the mode wanted; x_one: (D,); companions: dict name ->
    (n, D) array (n may be 0). Returns dict name -> probabilities (K,).
    """
    result = {}
    for name, others in companions.items():
        batch = np.vstack([x_one[None, :], others])  # x_one is row 0
        logits = model.forward(batch)[0]
        p = np.exp(logits - logits.max())
        result[name] = p / p.sum()
    return result


def calibration_run(model, data, layer=None):
    """Test accuracy with the running estimates, then with population statistics (calibrate).

    model: a trained Sequential; data = (x_train, y_train, x_test, y_test). `layer`: the BN layer
    whose variances are returned (default: the first). The calibration runs on a COPY: `model`
    comes back unchanged (calibrate(model, x) is the call that changes a model in place).
    Returns (running_var, population var, acc_running, acc_calibrated), the variances (D,).
    """
    x_train, _, x_test, y_test = data
    acc_running = accuracy(model, x_test, y_test)
    calibrated = copy.deepcopy(model)
    old = calibrate(calibrated, x_train)
    layer = min(old) if layer is None else layer
    acc_calibrated = accuracy(calibrated, x_test, y_test)
    return old[layer][1], calibrated.layers[layer].running_var.copy(), acc_running, acc_calibrated


@disk_cached
def trained_mlp(seed=0, train_seed=None, momentum=0.1, steps=400, batch_size=32, lr=0.1):
    """Notebook 05's network: nn.mlp([64, 64, 64, 10], bn="before") with BatchNorm1d(d, momentum)
    trained with SGD on load_digits_split(seed=0). Kept on disk (experiments.cache): the same
    numbers as these lines run in the notebook, computed once per machine and code version.

    seed: rng = default_rng(seed) draws the weights; train_seed: training draws its batches from
    default_rng(train_seed), or (None) goes on with the same rng. Returns (model, history).
    """
    data = load_digits_split(seed=0)
    rng = np.random.default_rng(seed)
    norm = None if momentum == 0.1 else (lambda d: BatchNorm1d(d, momentum=momentum))
    model = mlp([64, 64, 64, 10], bn="before", rng=rng, norm_layer=norm)
    train_rng = rng if train_seed is None else np.random.default_rng(train_seed)
    history = train(model, data, steps=steps, batch_size=batch_size, lr=lr, rng=train_rng,
                    eval_every=steps)
    return model, history

