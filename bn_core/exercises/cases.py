"""Designed inputs that separate the classic mistakes (each case says what it is built to catch).

    batch(...)   an (N, D) batch whose features are chosen one by one: off-centre, a variance of
                 1e-8 (eps matters), a mean of 1e8 (E[x^2] - E[x]^2 cancels), negative gamma
    forward_cases()   the cases of the forward exercises: (6, 5), a square (4, 4), and N = 2
"""

import numpy as np

# the features of the main batch: (mean, std, what the checker says when the error is there)
FEATURES = [
    (3.0, 2.0, "an off-centre feature, mean 3 and std 2"),
    (0.5, 1e-4, "its variance is 1e-8, far below eps"),
    (1e8, 1.0, "its mean is 1e8 and its std 1"),
    (-2.0, 0.5, "its gamma is negative"),
    (0.0, 5.0, "a wide feature, std 5"),
]
GAMMA = np.array([1.5, 0.8, 2.0, -1.2, 0.3])
BETA = np.array([0.5, -1.0, 0.25, 2.0, -0.3])
BIG_MEAN = 2  # the feature with mean 1e8


def batch(n, features, rng):
    """x: (N, D), feature j drawn with the (mean, std) of features[j], then standardized within the
    batch so its batch mean and std are exactly those (a feature of 1e-8 variance stays 1e-8)."""
    z = rng.normal(size=(n, len(features)))
    z = (z - z.mean(axis=0)) / z.std(axis=0)
    return np.array([m for m, _, _ in features]) + z * np.array([s for _, s, _ in features])


def describe_columns(x, gamma, beta, axis=0):
    """{j: 'mean 3, std 2, gamma 1.5, beta 0.5'}: what column j (or row, axis=1) of a case is,
    to locate an error by its place, never by a guessed cause."""
    mean, std = x.mean(axis=axis), x.std(axis=axis)
    if axis == 1:
        return {i: f"mean {m:.3g}, std {s:.2g}" for i, (m, s) in enumerate(zip(mean, std))}
    return {j: f"mean {m:.3g}, std {s:.2g}, gamma {g:.2g}, beta {b:.2g}"
            for j, (m, s, g, b) in enumerate(zip(mean, std, gamma, beta))}


def forward_cases(make_case):
    """The designed (N, D) inputs of a forward exercise; make_case(label, x, gamma, beta, eps)
    builds one Case (each exercise decides its argument order)."""
    rng = np.random.default_rng(12)
    main = batch(6, FEATURES, rng)  # (6, 5): N != D
    square = rng.normal(1.0, 2.0, size=(4, 4))  # N == D: a wrong-axis broadcast runs here
    pair = rng.normal(-1.0, 3.0, size=(2, 3))  # N = 2: (N - 1) versus N is a factor of 2
    five = rng.normal(0.5, 0.05, size=(5, 3))  # variance 2.5e-3: eps = 1e-3 matters
    return [
        make_case("the (6, 5) batch", main, GAMMA, BETA, 1e-5),
        make_case("the square (4, 4) batch", square, np.array([2.0, -0.5, 1.0, 3.0]),
                  np.array([1.0, 0.0, -2.0, 0.5]), 1e-5),
        make_case("the batch of N = 2", pair, np.array([-0.7, 1.1, 2.0]),
                  np.array([0.3, -0.4, 1.0]), 1e-5),
        make_case("the (6, 5) batch with eps = 0.1", main, GAMMA, BETA, 0.1),
        make_case("the (5, 3) batch with eps = 1e-3", five, np.array([1.2, -0.6, 0.9]),
                  np.array([-0.2, 0.4, 1.5]), 1e-3),
    ]


EPS_CHOICES = (1e-5, 1e-3, 0.1)


def random_batch(rng, shape=None):
    """(x, gamma, beta, eps, label) with a random non-square shape, per-feature means and stds,
    gamma (some negative), beta and one eps of EPS_CHOICES: a case drawn at each check."""
    if shape is None:
        n = int(rng.integers(3, 11))
        d = int(rng.choice([k for k in range(2, 7) if k != n]))
        shape = (n, d)
    d = shape[-1]
    x = rng.normal(rng.normal(0, 3, size=d), rng.uniform(0.2, 3, size=d), size=shape)
    gamma = rng.uniform(0.5, 2.0, size=d) * rng.choice([-1.0, 1.0], size=d)
    beta = rng.normal(0.0, 1.5, size=d)
    eps = float(rng.choice(EPS_CHOICES))
    return x, gamma, beta, eps, f"a random {shape} batch with eps = {eps:g}"


def images(shape, rng):
    """x: (N, C, H, W) with one offset per channel and one per example (so every axis matters)."""
    n, c = shape[:2]
    offsets = np.arange(c)[None, :, None, None] * 1.5 + np.arange(n)[:, None, None, None] * 0.7
    scales = 0.5 + np.arange(c)[None, :, None, None]
    return offsets + scales * rng.normal(size=shape)
