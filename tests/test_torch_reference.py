"""bn_core against PyTorch's CPU kernels (optional: skipped when torch is not installed;
`pip install torch==2.13.0` installs a CPU build here). float64: outputs to 1e-10 relative,
gradients to 1e-8."""

import numpy as np
import pytest

import bn_core as B

torch = pytest.importorskip("torch")
F = torch.nn.functional


def rel(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)


def run_torch(fn, x, gamma, beta, dout):
    xt, gt, bt = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
    out = fn(xt, gt, bt)
    out.backward(torch.tensor(dout))
    return out.detach().numpy(), xt.grad.numpy(), gt.grad.numpy(), bt.grad.numpy()


def case(seed, shape, channels):
    rng = np.random.default_rng(seed)
    return (rng.normal(rng.uniform(-5, 5), rng.uniform(0.1, 10), shape),
            rng.normal(size=channels), rng.normal(size=channels), rng.normal(size=shape))


def compare(ours, theirs):
    out, grads = ours[0], ours[1:]
    assert rel(out, theirs[0]) < 1e-10
    for mine, ref in zip(grads, theirs[1:]):
        # N = 2 makes dx ~0 (x_hat = +-1 whatever x is): compare it on the scale of dout * gamma
        assert np.max(np.abs(mine - ref)) < 1e-8 * max(np.max(np.abs(ref)), 1.0)


@pytest.mark.parametrize("seed, shape", [(0, (2, 3)), (1, (7, 5)), (2, (64, 33)), (3, (300, 8))])
def test_batchnorm_matches_torch(seed, shape):
    x, g, b, d = case(seed, shape, shape[1])
    out, cache = B.batchnorm_forward(x, g, b)
    theirs = run_torch(lambda x, g, b: F.batch_norm(x, None, None, g, b, training=True), x, g, b, d)
    compare((out, *B.batchnorm_backward(d, cache)), theirs)


@pytest.mark.parametrize("seed, shape", [(4, (1, 6)), (5, (9, 4))])
def test_layernorm_matches_torch(seed, shape):
    x, g, b, d = case(seed, shape, shape[1])
    out, cache = B.layernorm_forward(x, g, b)
    theirs = run_torch(lambda x, g, b: F.layer_norm(x, (shape[1],), g, b), x, g, b, d)
    compare((out, *B.layernorm_backward(d, cache)), theirs)


@pytest.mark.parametrize("groups", [1, 2, 6])
def test_groupnorm_and_batchnorm2d_match_torch(groups):
    x, g, b, d = case(6 + groups, (3, 6, 4, 5), 6)
    out, cache = B.groupnorm_forward(x, g, b, groups)
    compare((out, *B.groupnorm_backward(d, cache)),
            run_torch(lambda x, g, b: F.group_norm(x, groups, g, b), x, g, b, d))
    out, cache = B.batchnorm2d_forward(x, g, b)
    compare((out, *B.batchnorm2d_backward(d, cache)),
            run_torch(lambda x, g, b: F.batch_norm(x, None, None, g, b, training=True), x, g, b, d))


@pytest.mark.parametrize("ours, theirs, shape", [
    (B.BatchNorm1d, torch.nn.BatchNorm1d, (16, 5)),
    (B.BatchNorm2d, torch.nn.BatchNorm2d, (4, 5, 3, 3)),
])
def test_layers_match_torch_over_training_steps_then_eval(ours, theirs, shape):
    rng = np.random.default_rng(9)
    mine, ref = ours(5, momentum=0.2), theirs(5, momentum=0.2).double()
    for _ in range(4):
        x = rng.normal(3.0, 2.0, shape)
        assert rel(mine.forward(x), ref(torch.tensor(x)).detach().numpy()) < 1e-10
        assert rel(mine.running_mean, ref.running_mean.numpy()) < 1e-12
        assert rel(mine.running_var, ref.running_var.numpy()) < 1e-12
    mine.eval(), ref.eval()
    one = rng.normal(3.0, 2.0, (1,) + shape[1:])
    assert rel(mine.forward(one), ref(torch.tensor(one)).detach().numpy()) < 1e-12
