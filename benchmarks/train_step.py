"""Training-step time of notebook 02's MLP (64-100-100-100-10, sigmoid, batch 60), with and without
BN, and the cost of the notebook's default experiment. One BLAS thread.

    python benchmarks/train_step.py [--repeats 300] [--runs 5]

A step is forward, softmax cross-entropy, backward and one SGD update on a digits minibatch. The
baseline is the same network without BN, timed interleaved with the BN one in the same run; the
script prints median ms per step and the ratio BN / no BN, then the probe forward the recorders
add per step, then the seconds compare_bn() takes at its defaults (both networks, 1000 steps), and
the streamed run notebook 02's lr slider starts (compare_bn_steps(lr=0.4) consumed to its end, as a
LiveRun does): wall and CPU seconds, median of --runs (issue 22: the slider settles <= 2 s).
"""

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from bn_core.data import load_digits_split  # noqa: E402
from bn_core.experiments.what_stays_put import compare_bn, compare_bn_steps  # noqa: E402
from bn_core.nn import mlp, softmax_cross_entropy  # noqa: E402
from bn_core.optim import SGD  # noqa: E402
from bn_core.train import probe_forward  # noqa: E402

SIZES = [64, 100, 100, 100, 10]


def step(model, opt, xb, yb):
    _, dlogits = softmax_cross_entropy(model.forward(xb), yb)
    model.backward(dlogits)
    opt.step()


def streamed_run(runs, lr=0.4):
    """Median wall and CPU seconds of compare_bn_steps(lr) consumed to its end, and the load."""
    data = load_digits_split()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        for _state in compare_bn_steps(lr=lr, data=data):
            pass
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return float(np.median(walls)), float(np.median(cpus)), os.getloadavg()[0]


def main(repeats, streamed):
    x, y, _, _ = load_digits_split()
    rng = np.random.default_rng(0)
    models = {key: mlp(SIZES, "sigmoid", bn=bn, rng=np.random.default_rng(0))
              for key, bn in (("no BN", None), ("BN", "before"))}
    opts = {key: SGD(model, lr=0.1) for key, model in models.items()}
    times = {key: [] for key in models}
    probe_times = {key: [] for key in models}
    for _ in range(repeats):  # interleaved: load changes hit both alike
        idx = rng.choice(len(y), 60, replace=False)
        for key, model in models.items():
            t = time.perf_counter()
            step(model, opts[key], x[idx], y[idx])
            times[key].append(time.perf_counter() - t)
            t = time.perf_counter()
            probe_forward(model, x[:200])
            probe_times[key].append(time.perf_counter() - t)
    base = np.median(times["no BN"])
    print(f"training step, {SIZES}, batch 60 (median of {repeats}):")
    for key in models:
        med = np.median(times[key])
        print(f"  {key:6s} {1e3 * med:7.3f} ms   ratio to no BN {med / base:5.2f}")
    print("recorders' probe forward (200 examples) per step:")
    for key in models:
        print(f"  {key:6s} {1e3 * np.median(probe_times[key]):7.3f} ms")
    t = time.perf_counter()
    runs = compare_bn()
    total = time.perf_counter() - t
    per_run = ", ".join(f"{k} {r['seconds']:.2f} s" for k, r in runs.items())
    print(f"compare_bn() at its defaults (1000 steps, with recorders): {total:.2f} s ({per_run})")
    wall, cpu, load = streamed_run(streamed)
    print(f"compare_bn_steps(lr=0.4) streamed to its end, median of {streamed}: wall {wall:.2f} s, "
          f"CPU {cpu:.2f} s (load average {load:.2f})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5, help="streamed runs of compare_bn_steps")
    args = parser.parse_args()
    main(args.repeats, args.runs)
