"""Data for the training notebooks: scikit-learn's digits (ships inside the package, no download)
and a synthetic spiral set drawn from an rng.

digits.npz, next to this file, holds scikit-learn's load_digits() as it comes: "pixels" (1797, 64)
uint8 intensities 0..16 and "labels" (1797,) uint8 (tests/test_train.py checks it against
scikit-learn's). Read with numpy in ~1 ms; importing sklearn.datasets cost each kernel ~1 CPU-s.

Shapes: x: (N, 64) pixel intensities scaled from 0..16 to [0, 1] (not standardized: the raw
inputs are all positive, as MNIST's are); y: (N,) integer labels 0..9.
"""

from pathlib import Path

import numpy as np

DIGITS = Path(__file__).with_name("digits.npz")


def load_digits_split(test_fraction=0.25, seed=0):
    """The 1,797 8x8 digits, shuffled with `seed` and split into train and test.

    Returns x_train: (N_train, 64), y_train: (N_train,), x_test: (N_test, 64), y_test: (N_test,);
    pixels in [0, 1]. The split depends only on seed (seed=0, 0.25: 1,348 train, 449 test).
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction: got {test_fraction!r}; expected a number in (0, 1)")
    with np.load(DIGITS) as digits:
        x = digits["pixels"].astype(np.float64) / 16.0  # (1797, 64), intensities 0..16 -> [0, 1]
        y = digits["labels"].astype(np.int64)  # (1797,)
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = int(round(test_fraction * len(y)))
    test, train = order[:n_test], order[n_test:]
    return x[train], y[train], x[test], y[test]


def minibatches(x, y, batch_size, rng, epochs=None):
    """Yield (x_batch: (B, D), y_batch: (B,)) forever (or for `epochs` passes), reshuffling with
    rng each epoch. Only full batches (a last short batch is dropped, so B is always batch_size)."""
    n = len(y)
    if not 2 <= batch_size <= n:
        raise ValueError(f"batch_size: got {batch_size}; expected 2..{n} (BN needs N >= 2)")
    epoch = 0
    while epochs is None or epoch < epochs:
        order = rng.permutation(n)
        for start in range(0, n - batch_size + 1, batch_size):
            idx = order[start:start + batch_size]
            yield x[idx], y[idx]
        epoch += 1


def make_spirals(n_per_class, n_classes, rng, noise=0.2, dims=2):
    """n_classes interleaved spiral arms in 2-D, plus (dims - 2) pure-noise features.

    Returns x: (n_per_class * n_classes, dims), y: (n_per_class * n_classes,).
    """
    if dims < 2 or n_per_class < 1 or n_classes < 2:
        raise ValueError("make_spirals: expected n_per_class >= 1, n_classes >= 2, dims >= 2")
    r = np.tile(np.linspace(0.1, 1.0, n_per_class), n_classes)  # radius along each arm
    y = np.repeat(np.arange(n_classes), n_per_class)
    angle = 4.0 * r + 2 * np.pi * y / n_classes + noise * rng.standard_normal(len(y))
    x = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    if dims > 2:
        x = np.column_stack([x, 0.5 * rng.standard_normal((len(y), dims - 2))])
    return x, y
