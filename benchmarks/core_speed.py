"""Forward + backward speed of bn_core's batch norm against PyTorch's CPU kernel, one thread each.

    python benchmarks/core_speed.py [--repeats 200]

Per shape: the median time of one forward + backward (batchnorm_forward + batchnorm_backward) over
runs interleaved with the baseline's, the ratio bn_core / baseline, then the geometric mean of the
ratios (target <= 1.0). The baseline is torch.nn.functional.batch_norm with autograd when torch is
installed (`pip install torch==2.13.0`); otherwise the straightforward numpy formula (the one in
the docstring of bn_core.functional), and the script says so.
"""

import os

# one thread for numpy's BLAS and for torch, set before either is imported
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import bn_core  # noqa: E402

SHAPES = [((32, 100), np.float64), ((256, 1024), np.float32), ((1024, 512), np.float64),
          ((4096, 256), np.float32)]


def bn_core_step(x, gamma, beta, dout):
    out, cache = bn_core.batchnorm_forward(x, gamma, beta)
    return bn_core.batchnorm_backward(dout, cache)


def naive_step(x, gamma, beta, dout, eps=1e-5):
    """The straightforward formula, as written on the blackboard."""
    n = x.shape[0]
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    x_hat = (x - mu) / np.sqrt(var + eps)
    _ = gamma * x_hat + beta
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dx = (n * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    dx = dx / (n * np.sqrt(var + eps))
    return dx, dgamma, dbeta


def make_torch_step(torch):
    def torch_step(x, gamma, beta, dout):
        out = torch.nn.functional.batch_norm(x, None, None, gamma, beta, training=True, eps=1e-5)
        out.backward(dout)
        return x.grad, gamma.grad, beta.grad
    return torch_step


def timed(step, args, clear=None):
    if clear:
        clear()
    t = time.perf_counter()
    step(*args)
    return time.perf_counter() - t


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    try:
        import torch
        torch.set_num_threads(1)
        baseline_name = f"torch {torch.__version__} batch_norm (CPU, 1 thread, autograd)"
    except ImportError:
        torch = None
        baseline_name = "the straightforward numpy formula (torch is not installed)"
    print(f"baseline: {baseline_name}")
    print(f"{'shape':>12} {'dtype':>8} {'bn_core ms':>11} {'baseline ms':>12} {'ratio':>7}")
    rng = np.random.default_rng(0)
    ratios = []
    for shape, dtype in SHAPES:
        x = rng.normal(3.0, 2.0, shape).astype(dtype)
        gamma = rng.uniform(0.5, 2.0, shape[1]).astype(dtype)
        beta = rng.normal(size=shape[1]).astype(dtype)
        dout = rng.normal(size=shape).astype(dtype)
        ours = (x, gamma, beta, dout)
        if torch is None:
            base_step, base_args, clear = naive_step, ours, None
        else:
            tx, tg, tb = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
            base_step, base_args = make_torch_step(torch), (tx, tg, tb, torch.tensor(dout))

            def clear(ts=(tx, tg, tb)):
                for t in ts:
                    t.grad = None
        for _ in range(5):  # warm up both
            timed(bn_core_step, ours)
            timed(base_step, base_args, clear)
        t_ours, t_base = [], []
        for _ in range(args.repeats):  # interleaved, so both see the same machine load
            t_ours.append(timed(bn_core_step, ours))
            t_base.append(timed(base_step, base_args, clear))
        m_ours, m_base = np.median(t_ours), np.median(t_base)
        ratios.append(m_ours / m_base)
        print(f"{str(shape):>12} {np.dtype(dtype).name:>8} {m_ours * 1e3:11.3f} "
              f"{m_base * 1e3:12.3f} {ratios[-1]:7.2f}")
    print(f"geometric mean ratio bn_core / baseline: {np.exp(np.mean(np.log(ratios))):.2f}")


if __name__ == "__main__":
    main()
