"""Stochastic gradient descent over a model's (layer, name) parameters, updated in place.

    v <- momentum * v + g          (PyTorch's form; v starts at 0, momentum=0 is plain SGD)
    p <- p - lr * v

p is getattr(layer, name) and g is getattr(layer, "d" + name), as set by the last backward.
"""

import numpy as np


class SGD:
    """SGD(model, lr, momentum=0.0): model has parameters() yielding (layer, name) pairs."""

    def __init__(self, model, lr, momentum=0.0):
        if not (np.isfinite(lr) and lr > 0):
            raise ValueError(f"lr: got {lr!r}; expected a finite number > 0, such as 0.1")
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum: got {momentum!r}; expected a number in [0, 1)")
        self.params = list(model.parameters())
        self.lr, self.momentum = float(lr), float(momentum)
        self.velocity = [np.zeros_like(getattr(layer, name)) for layer, name in self.params]

    def step(self):
        """One update of every parameter, in place (arrays keep their identity)."""
        for (layer, name), v in zip(self.params, self.velocity, strict=True):
            g = getattr(layer, "d" + name)
            if self.momentum:
                v *= self.momentum
                v += g
                g = v
            p = getattr(layer, name)
            p -= self.lr * g

    def zero_grad(self):
        """Set every gradient to 0 (backward overwrites them anyway; kept for familiarity)."""
        for layer, name in self.params:
            getattr(layer, "d" + name)[...] = 0.0
