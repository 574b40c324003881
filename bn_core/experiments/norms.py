"""BatchNorm, LayerNorm, GroupNorm: the same formula, averaged over different axes.

Shapes: x: (N, D), or x: (N, C, H, W) for images, or x: (B, T, D) for B padded sequences of up to
T steps of D features, with mask: (B, T) True on real tokens. For each set S of cells that share
one mean and variance:
    x_hat = (x - mu_S) / sqrt(var_S + eps)
    BatchNorm   S = one feature (channel) over all N examples (and all H, W positions)
    LayerNorm   S = one example, all its features (all of C, H, W)
    InstanceNorm S = one example, one channel, all H, W
    GroupNorm   S = one example, a group of C/G channels, all H, W (G = 1: LayerNorm; G = C:
                InstanceNorm)
Padding. BN over a (B, T, D) batch averages each feature over all B * T positions; with a
fraction p of zero padding its statistics become
    mu_BN = (1 - p) * mu,    var_BN = (1 - p) * var + p * (1 - p) * mu ** 2
instead of the real tokens' mu and var. LN averages each token over its own D features, so
padding (and the batch's other sequences) never enter its statistics.
"""

import numpy as np

from bn_core.functional import (
    batchnorm2d_forward,
    batchnorm_forward,
    groupnorm_forward,
    layernorm_forward,
    normalize,
)


def instancenorm(x, eps=1e-5):
    """x: (N, C, H, W) -> x_hat, each (example, channel) over its H * W positions."""
    return normalize(np.asarray(x, dtype=np.float64), (2, 3), eps)[0]


def example_images(rng, n=4, c=6, hw=5):
    """x: (N, C, H, W) with a brightness per example and an offset per channel, plus noise."""
    brightness = np.linspace(-2, 2, n)[:, None, None, None]  # (N, 1, 1, 1)
    channel = np.array([1.5, -1.0, 0.5, -1.5, 1.0, 0.0])[:c][None, :, None, None]  # (1, C, 1, 1)
    return brightness + channel + 0.7 * rng.normal(size=(n, c, hw, hw))


def normalized(x, method, groups=1, eps=1e-5):
    """x: (N, C, H, W) normalized by "batch", "layer", "group" (G = groups) or "instance"."""
    c = x.shape[1]
    ones, zeros = np.ones(c), np.zeros(c)
    if method == "batch":
        return batchnorm2d_forward(x, ones, zeros, eps)[0]
    if method == "layer":  # over (C, H, W) of each example
        return layernorm_forward(x.reshape(len(x), -1), np.ones(x[0].size), np.zeros(x[0].size),
                                 eps)[0].reshape(x.shape)
    if method == "group":
        return groupnorm_forward(x, ones, zeros, groups, eps)[0]
    if method != "instance":
        raise ValueError(
            f"method: got {method!r}; expected 'batch', 'layer', 'group' or 'instance'"
        )
    return instancenorm(x, eps)


def cube_cells(method, n=0, c=0, groups=3, sizes=(6, 6, 6)):
    """Which cells of an (N, C, HW) grid share one mean/var with cell (n, c, any hw).

    method: "batch", "layer", "instance" or "group". Returns a bool array (N, C, HW).
    """
    n_size, c_size, hw = sizes
    if method == "group" and (groups < 1 or c_size % groups):
        raise ValueError(f"groups: got {groups}; expected a positive divisor of C={c_size}")
    cells = np.zeros(sizes, dtype=bool)
    group = np.arange(c_size) // (c_size // groups) == c // (c_size // groups)  # (C,)
    chosen = {"batch": (slice(None), c), "layer": (n, slice(None)), "instance": (n, c),
              "group": (n, group)}
    if method not in chosen:
        raise ValueError(f"method: got {method!r}; expected one of {list(chosen)}")
    cells[chosen[method]] = True
    return cells


def batch_dependence(forward, x, rng, batch=8, trials=20):
    """How much example 0's output changes with the company it keeps.

    forward: (N, D) -> (N, D), training mode; x: (M, D), a pool. Example 0 is put in `trials`
    batches with batch - 1 others drawn from x[1:]. Returns max over trials of max |out_0 - the
    first trial's out_0| (0.0 means the output does not depend on the batch at all).
    """
    outputs = []
    for _ in range(trials):
        others = rng.choice(np.arange(1, len(x)), size=batch - 1, replace=False)
        outputs.append(forward(x[np.r_[0, others]])[0])
    return float(np.abs(np.array(outputs) - outputs[0]).max())


# --------------------------------------------------------------------------------------------
# Padded sequences
# --------------------------------------------------------------------------------------------


def padded_batch(rng, pad_fraction, batch=16, max_len=20, features=8, mean=1.0, std=1.5):
    """B sequences of random lengths, zero padded to T = max_len, about pad_fraction padding.

    Real tokens ~ normal(mean_d, std) with feature means mean_d spread around `mean`.
    Returns x: (B, T, D), mask: (B, T) bool, True on real tokens. Every sequence has >= 1 token.
    """
    if not 0 <= pad_fraction < 1:
        raise ValueError(f"pad_fraction: got {pad_fraction!r}; expected a number in [0, 1)")
    typical = (1 - pad_fraction) * max_len  # mean length
    half_width = min(typical - 1, max_len - typical, max_len / 4)
    lengths = np.clip(np.rint(rng.uniform(typical - half_width, typical + half_width, batch)),
                      1, max_len).astype(int)  # (B,)
    mask = np.arange(max_len) < lengths[:, None]  # (B, T)
    feature_means = mean * np.linspace(0.5, 1.5, features)  # (D,)
    x = rng.normal(feature_means, std, size=(batch, max_len, features))  # (B, T, D)
    return x * mask[:, :, None], mask  # padding is exactly zero


def padding_errors(x, mask, eps=1e-5):
    """Errors of BN's and LN's statistics on a padded batch, against the real tokens' own.

    x: (B, T, D); mask: (B, T). BN: per feature over all B * T positions vs over real tokens only,
    mean over features of |mu_BN - mu| and |sigma_BN - sigma|. LN: each real token's mu and var in
    the padded batch vs computed on its unpadded sequence alone, max |difference| (0: untouched).
    Returns a dict of floats, and "pad" the measured padding fraction.
    """
    b, t, d = x.shape
    flat, real = x.reshape(b * t, d), x[mask]  # (B * T, D), (M, D) with M real tokens
    mu_bn, sigma_bn = flat.mean(axis=0), flat.std(axis=0)  # (B * T, D) -> (D,), padding included
    mu, sigma = real.mean(axis=0), real.std(axis=0)  # (M, D) -> (D,), real tokens only
    ones, zeros = np.ones(d), np.zeros(d)
    _, padded = layernorm_forward(flat, ones, zeros, eps)  # per position over its D features
    alone = [layernorm_forward(x[i, mask[i]], ones, zeros, eps)[1] for i in range(b)]
    keep = mask.ravel()
    ln_error = max(np.abs(padded[key][keep] - np.concatenate([c[key] for c in alone])).max()
                   for key in ("mu", "var"))
    return {"pad": float(1 - mask.mean()), "bn_mean": float(np.abs(mu_bn - mu).mean()),
            "bn_std": float(np.abs(sigma_bn - sigma).mean()), "ln": float(ln_error)}


def padding_curve(rng, fractions, repeats=4, **shape):
    """padding_errors averaged over `repeats` batches for each pad fraction: dict of (K,) arrays."""
    rows = [[padding_errors(*padded_batch(rng, p, **shape)) for _ in range(repeats)]
            for p in fractions]
    return {key: np.array([np.mean([r[key] for r in row]) for row in rows]) for key in rows[0][0]}


def composition_effect(rng, max_len=20, features=8):
    """One sequence of length max_len / 2 in two batches: with short and with long batchmates.

    Returns max |difference| of its real tokens' outputs between the two batches, for BN (per
    feature over all B * T positions, padding included) and LN (per token). dict of floats.
    """
    half = max_len // 2
    batches = [padded_batch(rng, p, max_len=max_len, features=features) for p in (0.8, 0.1)]
    sequence = rng.normal(1.0, 1.5, size=(half, features))  # (T / 2, D), its real tokens
    for x, m in batches:  # the same sequence in row 0 of both batches
        x[0], m[0] = 0.0, np.arange(max_len) < half
        x[0, :half] = sequence
    ones, zeros = np.ones(features), np.zeros(features)
    effect = {}
    for name, norm in (("bn", batchnorm_forward), ("ln", layernorm_forward)):
        outs = [norm(x.reshape(-1, features), ones, zeros)[0].reshape(x.shape)[0, :half]
                for x, _ in batches]
        effect[name] = float(np.abs(outs[0] - outs[1]).max())
    return effect
