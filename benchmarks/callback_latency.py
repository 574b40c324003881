"""Notebook 01: median time from a slider value change to the finished figure update (kernel side).

    .venv/bin/python benchmarks/callback_latency.py [--moves 40]

Live: `slider.value = v` on the explorer panel runs its observer synchronously: recompute the batch
norm, update the artists in place, blit, encode one PNG into the Image widget. The clock stops when
the assignment returns, i.e. when the widget holds the new image.
Baseline, measured in the same run: the naive way, a new pyplot figure per move (the same 2 x 3
panels: ax.hist of all values and the (mean, std) scatter), savefig to PNG, close.
Target: < 50 ms median for the live panel. Sending the PNG to the browser comes on top.
"""

import argparse
import io
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from bn_core.experiments.live_batch import explore  # noqa: E402
from bn_core.panels.nb01_explorer import build_panel  # noqa: E402


def live_ms(panel, control, values):
    """Median ms of `control.value = v` over values (each differs from the previous one)."""
    times = []
    for v in values:
        t0 = time.perf_counter()
        control.value = v
        times.append(time.perf_counter() - t0)
    return 1e3 * float(np.median(times))


def naive_update(base, gamma, n):
    """One move the naive way: compute, new figure, hist + scatter per panel, PNG bytes."""
    f = explore(base, gamma=gamma, n=n)
    fig, axes = plt.subplots(2, 3, figsize=(11, 6), dpi=80, layout="constrained")
    for k, a in enumerate((f.x, f.x_hat, f.y)):
        axes[0, k].hist(a.ravel(), bins=80)
        axes[1, k].scatter(a.mean(axis=0), a.std(axis=0), s=14)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def naive_ms(base, values, n):
    times = []
    for v in values:
        t0 = time.perf_counter()
        naive_update(base, v, n)
        times.append(time.perf_counter() - t0)
    return 1e3 * float(np.median(times))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=40, help="slider moves per measurement")
    args = parser.parse_args(argv)
    panel = build_panel(seed=0)
    gammas = np.round(np.linspace(-3, 3, args.moves + 1)[1:], 2)  # all differ from the start, 1
    print(f"median ms per slider move ({args.moves} moves each), kernel side")
    print(f"{'control':>8} {'N':>4} {'live':>8} {'naive':>8} {'ratio':>6}")
    for n in (32, 512):
        panel.n.value = n
        live_ms(panel, panel.gamma, gammas[:3])  # warm up
        live = live_ms(panel, panel.gamma, gammas)
        naive_update(panel.base, 1.0, n)  # warm up
        naive = naive_ms(panel.base, gammas[::4], n)  # slow: a quarter of the moves
        print(f"{'gamma':>8} {n:>4} {live:8.1f} {naive:8.1f} {naive / live:5.1f}x")
    for name, values in (("shift", np.linspace(-1e3, 1e3, args.moves)),
                         ("n", np.linspace(2, 512, args.moves).astype(int))):
        print(f"{name:>8} {'var':>4} {live_ms(panel, getattr(panel, name), values):8.1f}")


if __name__ == "__main__":
    main()
