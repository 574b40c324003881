"""Notebook 08: the redundant bias. A Linear's bias right before BN is removed with the batch mean,
so its gradient is exactly zero and it never moves; mlp(bias=False) drops it (makemore's
Linear(bias=False) -> BatchNorm1d) and BN's beta plays its role.
"""

import numpy as np

from bn_core.experiments.cache import disk_cached
from bn_core.experiments.depth import deep_mlp, digits
from bn_core.nn import Linear
from bn_core.train import train_steps


@disk_cached  # notebook 08's numbers: computed once per code version
def redundant_bias(steps=50, depth=3, seed=0, data=None):
    """A Linear's bias right before BN, trained: its gradient and its movement.

    The net: deep_mlp(depth, Kaiming gain, tanh, BN before f), every bias drawn N(0, 1) so that
    'frozen at its initial value' is visible. BN subtracts the batch mean mu of x @ W + b, which
    contains b: b cancels in the forward pass, so dL/db = sum_i dout_i = 0 (BN's dx sums to zero
    over the batch). Returns "max_abs_db": largest |dL/db| over the hidden biases and steps,
    "max_abs_db_last": the same for the last Linear (not followed by BN), "b_moved": largest
    |b - b_init| of the hidden biases, "params_bias" / "params_no_bias": parameter counts of the
    net with and without those biases, "loss_bias" / "loss_no_bias": last losses (the same nets
    but for b: equal to round-off).
    """
    data = digits() if data is None else data
    nets = {}
    for bias in (True, False):
        nets[bias] = deep_mlp(depth, 5.0 / 3.0, "tanh", "before", bias=bias,
                              rng=np.random.default_rng(seed))
    hidden = [layer for layer in nets[True].layers[:-1] if isinstance(layer, Linear)]
    rng_b = np.random.default_rng(seed + 7)
    for layer in hidden:
        layer.b[...] = rng_b.standard_normal(layer.b.shape)
    b_init = [layer.b.copy() for layer in hidden]
    runs = {bias: train_steps(net, data, steps, 32, 0.1, np.random.default_rng(seed + 1),
                              eval_every=10**9)
            for bias, net in nets.items()}
    max_db = max_db_last = 0.0
    for state in runs[True]:  # after every update: the gradients of that update's batch
        if state["step"] > 0:
            max_db = max(max_db, max(np.abs(layer.db).max() for layer in hidden))
            max_db_last = max(max_db_last, np.abs(nets[True].layers[-1].db).max())
    *_, state_no_bias = runs[False]
    return {"max_abs_db": float(max_db), "max_abs_db_last": float(max_db_last),
            "b_moved": float(max(np.abs(layer.b - b0).max()
                                 for layer, b0 in zip(hidden, b_init, strict=True))),
            "params_bias": nets[True].num_parameters(),
            "params_no_bias": nets[False].num_parameters(),
            "loss_bias": float(state["loss"][-1]), "loss_no_bias": float(state_no_bias["loss"][-1])}
