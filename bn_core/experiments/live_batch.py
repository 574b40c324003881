"""Notebook 01's live batch: a batch x: (N, D), its normalization x_hat, y = gamma * x_hat + beta.

Shapes: N examples (2 to N_MAX = 512), D = 100 features; `(D,)` vectors hold one value per feature.

The batch. `draw_base(rng)` draws N_MAX rows once; a batch of N is the first N of them, so N = 32
always shows the same 32 rows. Each feature j sits anywhere (its own centre and spread) and is
skewed, like many pre-activations:
    x = scale * (center_j + spread_j * z0) + shift        z0: skewed noise, mean 0, std 1
`shift` and `scale` stand for how far the previous layer has pushed x around.

gamma and beta. In "shared" mode one gamma and one beta serve all D features. In "per feature" mode
    gamma_j = gamma + 0.1 * u_j,   beta_j = beta + 0.4 * v_j,     u, v ~ U(-1, 1), drawn once
so the forum's preset gamma ~ U(2.2, 2.4), beta ~ U(-0.2, 0.6) is gamma = 2.3, beta = 0.2.
Identity recovery sets gamma_j = sqrt(var_j + eps) and beta_j = mu_j, so y == x to round-off.

This module holds the data, as plain functions of the slider values (draw_base, explore, readout);
`bn_core.panels.nb01_explorer` wires them to the controls and the figure.
"""

from dataclasses import dataclass

import numpy as np

from bn_core.functional import batchnorm_forward

D = 100
N_MAX = 512
EPS = 1e-5
MODES = ("shared", "per feature")
GAMMA_SPREAD, BETA_SPREAD = 0.1, 0.4  # half-widths of the per-feature draws around the sliders
FORUM = {"gamma": 2.3, "beta": 0.2, "n": 32, "shift": 0.0, "scale": 1.0, "mode": "per feature"}


@dataclass(frozen=True)
class Base:
    """The fixed randomness of the explorer, drawn once from a seeded Generator.

    z0: (N_MAX, D) skewed noise, mean 0 and std 1; center, spread: (D,) where each feature sits;
    u_gamma, u_beta: (D,) in [-1, 1), the per-feature offsets of gamma and beta.
    """

    z0: np.ndarray
    center: np.ndarray
    spread: np.ndarray
    u_gamma: np.ndarray
    u_beta: np.ndarray


def draw_base(rng, n_max=N_MAX, d=D):
    """The explorer's randomness, from `rng` (np.random.Generator): same seed, same batch."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng: got {type(rng).__name__}; expected np.random.default_rng(seed)")
    k = 4.0  # Gamma(k) has mean k, std sqrt(k), skewness 2 / sqrt(k) = 1
    z0 = (rng.standard_gamma(k, size=(n_max, d)) - k) / np.sqrt(k)  # (N_MAX, D)
    center = rng.uniform(-3.0, 3.0, size=d)  # (D,)
    spread = rng.uniform(0.5, 2.0, size=d)  # (D,)
    u_gamma = rng.uniform(-1.0, 1.0, size=d)  # (D,)
    u_beta = rng.uniform(-1.0, 1.0, size=d)  # (D,)
    return Base(z0, center, spread, u_gamma, u_beta)


def raw_batch(base, n=32, shift=0.0, scale=1.0):
    """x = scale * (center + spread * z0[:n]) + shift: (n, D), the batch the layer receives."""
    n_max = base.z0.shape[0]
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 2 <= n <= n_max:
        raise ValueError(f"n: got {n!r}; expected an integer batch size from 2 to {n_max}")
    if not (np.isfinite(shift) and np.isfinite(scale) and scale > 0):
        raise ValueError(f"shift, scale: got {shift!r}, {scale!r}; expected finite, scale > 0")
    return scale * (base.center + base.spread * base.z0[:n]) + shift  # (n, D)


def gamma_beta(base, gamma=1.0, beta=0.0, mode="shared"):
    """The (D,) vectors gamma, beta for the slider values in `mode` ("shared" or "per feature")."""
    if mode not in MODES:
        raise ValueError(f"mode: got {mode!r}; expected one of {MODES}")
    if mode == "shared":
        return np.full(base.center.shape, float(gamma)), np.full(base.center.shape, float(beta))
    return gamma + GAMMA_SPREAD * base.u_gamma, beta + BETA_SPREAD * base.u_beta


def feature_stats(a):
    """Per-feature batch mean and (biased) std of a: (N, D) -> means (D,), stds (D,)."""
    return a.mean(axis=0), a.std(axis=0)  # (N, D) -> (D,)


@dataclass(frozen=True)
class Frame:
    """Everything one position of the controls shows: x, x_hat, y: (N, D); gamma, beta: (D,)."""

    x: np.ndarray
    x_hat: np.ndarray
    y: np.ndarray
    gamma: np.ndarray
    beta: np.ndarray
    identity: bool


def explore(base, gamma=1.0, beta=0.0, n=32, shift=0.0, scale=1.0, mode="shared",
            identity=False, eps=EPS):
    """BN of the batch the controls describe. identity=True sets gamma_j = sqrt(var_j + eps) and
    beta_j = mu_j, so that y == x."""
    x = raw_batch(base, n, shift, scale)  # (N, D)
    g, b = gamma_beta(base, gamma, beta, mode)  # (D,), (D,)
    if identity:
        _, cache = batchnorm_forward(x, g, b, eps)
        g, b = cache["std"], cache["mu"]  # gamma = sqrt(var + eps), beta = mu: undoes the BN
    y, cache = batchnorm_forward(x, g, b, eps)  # y = gamma * x_hat + beta
    return Frame(x, cache["x_hat"], y, g, b, identity)


def fmt3(value):
    """value with 3 decimals, never "-0.000" (a mean of 1e-17 below zero is zero)."""
    text = f"{value:.3f}"
    return "0.000" if text == "-0.000" else text


def readout(name, a, sep=", "):
    """'raw x: mean of means = 1.234, mean of stds = 0.567' for a: (N, D); the panel uses <br>."""
    means, stds = feature_stats(a)
    return f"{name}: mean of means = {fmt3(means.mean())}{sep}mean of stds = {fmt3(stds.mean())}"


def identity_error(frame):
    """max |y - x| over the batch: round-off only when identity recovery is on."""
    return float(np.abs(frame.y - frame.x).max())
