"""Why the layers below a BN layer leave each feature's mean and scale alone (notebook 02), checked
on a real network: BN's backward pass is a projection (notebook 04).

In training mode, for each feature j of a batch of N, BN's input gradient dx = dL/dx satisfies

    sum_n dx_nj = 0                 (no "shift feature j" in it: the bias b_j before BN gets 0)
    sum_n dx_nj * x_hat_nj = 0      (no "rescale feature j" in it)

while the gradient reaching y = gamma * x_hat + beta, dy = dL/dy, need not: dbeta_j = sum_n dy_nj
and dgamma_j = sum_n dy_nj x_hat_nj carry exactly those two requests, to beta and gamma. (With
eps > 0 the second identity holds up to a term of relative size about eps / var_j.)

    grads = input_gradients(model, xb, yb)   # dL/d(input of layer i), for every layer i
    check = projection_check(model, xb, yb)  # the identities, relative to finite references
    share = coherence(dx)                    # |sum_n dx_nj| / sum_n |dx_nj|, per feature
    plain = bias_share(plain_model, xb, yb)  # the same ratio for the bias of a net without BN

Shapes: N examples of a batch, D features of a layer.
"""

import numpy as np

from bn_core.layers import BatchNorm1d
from bn_core.nn import Linear, softmax_cross_entropy


def input_gradients(model, xb, yb):
    """Forward (xb: (N, D_in), yb: (N,)), softmax cross-entropy and backward through `model` (in
    its current mode; every layer's gradients are set). Returns grads: grads[i] = dL/d inputs[i],
    the gradient w.r.t. the input of layer i, (N, D_i) (model.inputs[i] is that input)."""
    _, d = softmax_cross_entropy(model.forward(xb), yb)
    grads = [None] * len(model.layers)
    for i in reversed(range(len(model.layers))):
        d = model.layers[i].backward(d)
        grads[i] = d
    return grads


def coherence(d):
    """How much of a gradient d: (N, D) points the same way for every example, per feature:
    |sum_n d_nj| / sum_n |d_nj|, (D,): 1 when every example asks feature j to move the same way,
    0 when the requests cancel over the batch (as BN's dx does, by construction)."""
    d = np.asarray(d, dtype=np.float64)
    return np.abs(d.sum(axis=0)) / np.maximum(np.abs(d).sum(axis=0), 1e-300)  # (N, D) -> (D,)


def projection_check(model, xb, yb):
    """BN's backward identities on every BatchNorm1d of `model` (training mode; each right after a
    Linear with a bias), on the batch (xb, yb). Each value is the largest over layers and features
    of a sum that should be 0, divided by the sum of the absolute values of its terms (its finite
    reference: what the sum would be if its terms did not cancel); dx = dL/dx (BN's input):
        "sum_dx"        |sum_n dx_nj| / sum_n |dx_nj|
        "bias"          |db_j| / sum_n |dx_nj|   (db: the gradient of the bias b_j before BN)
        "dot_xhat"      |sum_n dx_nj x_hat_nj| / sum_n |dx_nj x_hat_nj|: not 0 but tiny, because
                        of eps: sum_n dx_nj x_hat_nj = eps * gamma_j * dgamma_j / (var_j + eps)^1.5
        "dot_xhat_eps"  the same sum minus that eps term, relative to the same reference."""
    model.train()
    grads = input_gradients(model, xb, yb)
    norms = [i for i, layer in enumerate(model.layers) if isinstance(layer, BatchNorm1d)]
    if not norms:
        raise ValueError("projection_check: the model has no BatchNorm1d layer")
    worst = dict.fromkeys(("sum_dx", "bias", "dot_xhat", "dot_xhat_eps"), 0.0)
    for i in norms:
        norm, below = model.layers[i], model.layers[i - 1]
        if not isinstance(below, Linear) or below.db is None:
            raise ValueError(f"projection_check: layer {i - 1} is {below!r}; expected a Linear "
                             "with a bias right before each BN layer")
        x = model.inputs[i].astype(np.float64)  # (N, D): BN's input
        var = x.var(axis=0)  # (N, D) -> (D,)
        x_hat = (x - x.mean(axis=0)) / np.sqrt(var + norm.eps)
        dx = grads[i].astype(np.float64)  # (N, D)
        scale = np.maximum(np.abs(dx).sum(axis=0), 1e-300)  # (N, D) -> (D,)
        dot = (dx * x_hat).sum(axis=0)  # (N, D) -> (D,)
        eps_term = norm.eps * norm.gamma * norm.dgamma / (var + norm.eps) ** 1.5  # (D,)
        dot_scale = np.maximum(np.abs(dx * x_hat).sum(axis=0), 1e-300)
        found = {"sum_dx": coherence(dx), "bias": np.abs(below.db) / scale,
                 "dot_xhat": np.abs(dot) / dot_scale,
                 "dot_xhat_eps": np.abs(dot - eps_term) / dot_scale}
        worst = {key: max(worst[key], float(found[key].max())) for key in worst}
    return worst


def bias_share(model, xb, yb):
    """The same ratio as projection_check's "bias" for a network WITHOUT BN (its finite
    comparison): the median over the hidden Linears' features of |db_j| / sum_n |dx_nj|, dx the
    gradient w.r.t. that Linear's output, on the batch (xb, yb). A float in [0, 1]."""
    model.train()
    grads = input_gradients(model, xb, yb)
    linears = [i for i, layer in enumerate(model.layers) if isinstance(layer, Linear)][:-1]
    shares = [np.abs(model.layers[i].db) / np.maximum(np.abs(grads[i + 1]).sum(axis=0), 1e-300)
              for i in linears]
    return float(np.median(np.concatenate(shares)))
