"""The batch couples its examples: in training mode each output depends on every input of the batch.

Shapes: N batch size; B number of batches drawn; x: (N,) the batch's values of ONE feature.

For one feature, batch norm in training mode gives
    y_i = gamma * (x_i - mu) / s,    mu = (1/N) sum_j x_j,    s = sqrt(var + eps)
and its Jacobian is the (N, N) matrix
    dy_i/dx_j = (gamma / s) * (delta_ij - 1/N - x_hat_i * x_hat_j / N)
(x_j moves mu by 1/N, and s by x_hat_j / N). Every row sums to zero: adding c to all x_j moves no
y_i. Each off-diagonal entry, one example's pull on another, shrinks like 1/N. At N = 2 the whole
matrix is ~0: two examples always normalize to -1 and +1, whatever their values.

Batches of N drawn from a population with mean m and std sigma have std(mu_B) = sigma / sqrt(N),
and one fixed example x0 = m + z0 * sigma, normalized with its batch's statistics, jitters from
batch to batch with (normal population, large N, first-order expansion in mu_B and sigma_B)
    std(y0) ~ sqrt((1 + z0 ** 2 / 2) / N)
In eval mode the running statistics replace the batch's, and all of this coupling disappears.
"""

from functools import partial

import numpy as np

from bn_core._checks import check_eps
from bn_core.data import load_digits_split
from bn_core.experiments.cache import disk_cached
from bn_core.functional import batchnorm_forward, normalize, normalize_backward
from bn_core.layers import BatchNorm1d
from bn_core.nn import mlp
from bn_core.train import accuracy, train_steps


def bn_jacobian(x, gamma=1.0, eps=1e-5):
    """Closed-form Jacobian dy_i/dx_j of training-mode batch norm of one feature.

    x: (N,), N >= 2; gamma: a number. Returns J: (N, N), J[i, j] = dy_i / dx_j.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"x: got shape {x.shape}; expected (N,) with N >= 2, one feature")
    n = x.size
    mu = x.mean()  # (N,) -> ()
    s = np.sqrt(((x - mu) ** 2).mean() + check_eps(eps))  # s = sqrt(var + eps)
    x_hat = (x - mu) / s  # (N,)
    # dy_i/dx_j = gamma / s * (delta_ij - 1/N - x_hat_i x_hat_j / N)
    return gamma / s * (np.eye(n) - 1 / n - np.outer(x_hat, x_hat) / n)


def off_diagonal_size(x):
    """Mean |dy_i/dx_j| over i != j (one example's pull on another). x: (N,). Returns a float."""
    jac = bn_jacobian(x)
    n = len(x)
    return float(np.abs(jac[~np.eye(n, dtype=bool)]).mean())


def outlier_outputs(x, value, training=True, running_mean=0.0, running_var=1.0):
    """Outputs of a batch of one feature after moving example 0 to `value`.

    x: (N,); value: the new x[0]. training=True: batch statistics (BatchNorm1d in training mode);
    False: eval mode with the given running_mean and running_var. gamma = 1, beta = 0.
    Returns y: (N,).
    """
    x = np.array(x, dtype=np.float64)
    x[0] = value
    layer = BatchNorm1d(1)
    layer.running_mean[:] = running_mean
    layer.running_var[:] = running_var
    layer.train(training)
    return layer(x[:, None])[:, 0]  # (N, 1) -> (N,)


def sample_batches(n, rng, batches=2000, mean=3.0, std=2.0, z0=1.5, eps=1e-5):
    """Draw `batches` batches of N examples from a normal population (mean, std).

    Returns a dict of (B,) arrays: mu_B, sigma_B = sqrt(var_B) (biased) of each batch, and y0, the
    output of one fixed example x0 = mean + z0 * std put in each batch in place of its first draw.
    """
    if n < 2:
        raise ValueError(f"n: got {n}; a training-mode batch needs N >= 2 examples")
    x = rng.normal(mean, std, size=(n, batches))  # (N, B): column b is batch b
    mu_b = x.mean(axis=0)  # (N, B) -> (B,)
    sigma_b = x.std(axis=0)  # biased, (B,)
    x[0] = mean + z0 * std  # the fixed example takes the first place of every batch
    # batchnorm_forward normalizes each column over its N rows: one "feature" per batch
    out, _ = batchnorm_forward(x, np.ones(batches), np.zeros(batches), eps)  # (N, B)
    return {"mu_B": mu_b, "sigma_B": sigma_b, "y0": out[0]}


def jitter_curve(ns, rng, batches=2000, **population):
    """std over batches of the fixed example's output y0, for each N in ns. (K,) -> (K,)."""
    return np.array([sample_batches(n, rng, batches, **population)["y0"].std() for n in ns])


def jitter_theory(ns, z0=1.5):
    """Large-N prediction sqrt((1 + z0 ** 2 / 2) / N) for a normal population. ns: (K,) -> (K,)."""
    return np.sqrt((1 + z0**2 / 2) / np.asarray(ns, dtype=np.float64))


def loglog_slope(ns, values):
    """Slope of the least-squares line through (log N, log value): -0.5 means 1/sqrt(N)."""
    return float(np.polyfit(np.log(ns), np.log(values), 1)[0])


class GhostBatchNorm1d(BatchNorm1d):
    """BatchNorm1d whose training-mode statistics come from "ghost batches" (Hoffer et al., 2017):
    the batch x: (N, D) is cut into N / ghost consecutive groups of `ghost` examples, each
    normalized with its own mu and var. The gradient still averages over all N examples, so the
    batch size of SGD stays N while BN's jitter is that of batches of `ghost`.
    """

    def __init__(self, num_features, ghost=4, eps=1e-5, momentum=0.1):
        super().__init__(num_features, eps, momentum)
        if not isinstance(ghost, (int, np.integer)) or ghost < 2:
            raise ValueError(f"ghost: got {ghost!r}; expected an integer >= 2 (BN needs N >= 2)")
        self.ghost = int(ghost)

    def _train_forward(self, x):
        n, g = len(x), self.ghost
        if n % g:
            raise ValueError(f"x: got a batch of N={n}; expected a multiple of ghost={g}")
        xg = x.reshape(n // g, g, -1)  # (N / g, g, D): one row of chunks per ghost batch
        x_hat, mu, var = normalize(xg, (1,), self.eps)  # mu, var: (N / g, 1, D), per ghost batch
        out = (self.gamma * x_hat + self.beta).reshape(x.shape)  # (N, D)
        # for the running statistics: the mean of the ghost means and of the UNBIASED ghost vars,
        # stored as a biased var of N values because the layer multiplies it by N / (N - 1)
        var_running = var.mean(axis=(0, 1)) * g / (g - 1) * (n - 1) / n  # (D,)
        cache = {"mu": mu.mean(axis=(0, 1)), "var": var_running, "x_hat": x_hat, "ghost_var": var}
        return out, cache

    def _train_backward(self, dout, cache):
        x_hat = cache["x_hat"]  # (N / g, g, D)
        dout = np.asarray(dout, dtype=x_hat.dtype).reshape(x_hat.shape)
        dbeta = dout.sum(axis=(0, 1))  # (D,)
        dgamma = (dout * x_hat).sum(axis=(0, 1))  # (D,)
        dx = normalize_backward(dout * self.gamma, x_hat, cache["ghost_var"], (1,), self.eps)
        return dx.reshape(len(dx) * self.ghost, -1), dgamma, dbeta


def ghost_experiment_steps(seeds, ghosts=(2, 4, 8, 32), n_train=300, batch=32, steps=600,
                           lr=0.1, sizes=(64, 100, 100, 10)):
    """ghost_experiment() one training step at a time, for a panel that draws as it goes.

    seeds: (R,) one per repeat (ghost_experiment draws them from its rng). Yields the same dict
    after every step: "step" (steps done over all G + 1 variants x R repeats), "steps" (their
    total), and the result so far ("ghosts", "train", "test", "plain_train", "plain_test"),
    NaN where a network has not finished.
    """
    x_train, y_train, x_test, y_test = load_digits_split()
    data = (x_train[:n_train], y_train[:n_train], x_test, y_test)
    variants = [*ghosts, None]  # None: no BN
    acc = np.full((len(variants), len(seeds), 2), np.nan)  # (G + 1, R, train / test)
    state = {"step": 0, "steps": len(variants) * len(seeds) * steps}
    for i, ghost in enumerate(variants):
        for r, seed in enumerate(seeds):
            run_rng = np.random.default_rng(seed)
            norm = None if ghost is None else partial(GhostBatchNorm1d, ghost=ghost)
            model = mlp(sizes, "relu", bn=None if ghost is None else "before", rng=run_rng,
                        norm_layer=norm)
            for s in train_steps(model, data, steps, batch, lr, run_rng, eval_every=steps):
                state["step"] = (i * len(seeds) + r) * steps + s["step"]
                if s["step"] == steps or s["diverged"]:
                    acc[i, r] = accuracy(model, *data[:2]), accuracy(model, *data[2:])
                state.update(ghosts=np.array(ghosts), train=acc[:-1, :, 0], test=acc[:-1, :, 1],
                             plain_train=acc[-1, :, 0], plain_test=acc[-1, :, 1])
                yield state


def ghost_experiment(rng, ghosts=(2, 4, 8, 32), repeats=2, **kwargs):
    """Does BN's batch jitter regularize? Train the same MLP (ReLU, BN before each activation) on
    n_train digits with SGD batches of `batch`, BN statistics over ghost batches of each size in
    `ghosts`, and without BN. Each repeat draws one seed from rng, shared by every variant (same
    initial weights, same minibatches): a paired comparison. kwargs: n_train=300, batch=32,
    steps=600, lr=0.1, sizes=(64, 100, 100, 10) (see ghost_experiment_steps).

    Returns a dict: "ghosts": (G,), "train", "test": (G, R) accuracies in eval mode, and
    "plain_train", "plain_test": (R,) without BN.
    """
    *_, state = ghost_experiment_steps(rng.integers(2**32, size=repeats), ghosts, **kwargs)
    return {key: state[key] for key in ("ghosts", "train", "test", "plain_train", "plain_test")}


@disk_cached
def jitter_curve_from(state, ns, batches=2000, **population):
    """jitter_curve(ns, rng, batches, **population) for an rng whose bit generator is in `state`
    (rng.bit_generator.state): a pure function of its arguments, so it is kept on disk. Returns
    (the curve (K,), the state after): set rng.bit_generator.state to it and the rng ends where
    jitter_curve would have left it, the numbers bit-identical."""
    rng = np.random.Generator(getattr(np.random, state["bit_generator"])())
    rng.bit_generator.state = state
    return jitter_curve(ns, rng, batches, **population), rng.bit_generator.state


def notebook_ghost_seeds(seed=0):
    """The seeds notebook 06's ghost-batch panel draws for its default run: its rng,
    default_rng(seed), replayed through every draw its cells make before (the same calls, in
    order). For warming the cache (experiments.warm); a test runs the notebook against it."""
    rng = np.random.default_rng(seed)
    rng.normal(size=12), rng.normal(size=12)  # the outlier panel's batch; cell "x = ..."
    rng.normal(1.0, 2.0, size=4), rng.normal(size=4)  # the Jacobian cell's x and dout
    rng.normal(size=64)  # the Jacobian panel's pool
    jitter_curve(np.unique(np.geomspace(2, 256, 15).astype(int)), rng, 2000)  # sampling panel
    sample_batches(8, rng, 2000)  # its first histograms (N = 8)
    jitter_curve(np.array([16, 32, 64, 128, 256, 512]), rng)  # the cell measuring the slope
    return rng.integers(2**32, size=2)  # regularization_panel: the default run's two repeats
