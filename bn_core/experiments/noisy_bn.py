"""Batch norm followed by deliberate "internal covariate shift": Santurkar et al.'s noisy BN.

Santurkar, Tsipras, Ilyas & Madry (2018), "How Does Batch Normalization Help Optimization?",
asked: if BN helps because it keeps each layer's input distribution steady, then a BN layer whose
output distribution is shaken on purpose, differently at every step, should lose the benefit.
They add noise with non-zero mean and non-unit variance after every BN layer; training is about as
good as with plain BN. This layer does the same at laptop scale. In training mode, each step:

    out   = gamma * x_hat + beta                      # plain batch norm, (N, D)
    scale = exp(strength * u),   u ~ N(0, 1)          # (D,): one random scale per feature
    shift = strength * (1 + v),  v ~ N(0, 1)          # (D,): mean strength, std strength
    noisy = scale * out + shift                       # (N, D)

so every feature the next layer sees has its mean moved by `shift` (mean `strength`, not 0) and
its spread multiplied by `scale` (log-normal, median 1, so the variance is not 1), with fresh draws
at every forward pass. strength = 0 is plain batch norm. (Santurkar et al. draw the noise for every
activation of every example; here one draw per feature per step moves the WHOLE distribution of
the feature, which is exactly what "covariate shift" means.) Eval mode adds no noise.

Shapes: x: (N, D); gamma, beta, scale, shift: (D,).
"""

import numpy as np

from bn_core.layers import BatchNorm1d


class NoisyBatchNorm1d(BatchNorm1d):
    """BatchNorm1d whose training-mode output gets a fresh random per-feature scale and shift.

    strength >= 0 sets both: log(scale) ~ N(0, strength^2), shift ~ N(strength, strength^2).
    rng: np.random.Generator that draws the noise (required when strength > 0).
    The last draws are kept as self.scale, self.shift: (D,) (ones and zeros before any draw).
    """

    def __init__(self, num_features, strength=1.0, rng=None, eps=1e-5, momentum=0.1):
        super().__init__(num_features, eps=eps, momentum=momentum)
        strength = float(strength)
        if not np.isfinite(strength) or strength < 0:
            raise ValueError(f"strength: got {strength}; expected a finite number >= 0")
        if strength > 0 and not isinstance(rng, np.random.Generator):
            raise ValueError(
                f"rng: got {type(rng).__name__}; expected a np.random.Generator to draw the noise"
            )
        self.strength = strength
        self.rng = rng
        self.scale = np.ones(num_features)  # (D,)
        self.shift = np.zeros(num_features)  # (D,)
        self._noisy = False  # did the last forward add noise?

    def draw_noise(self):
        """Fresh scale, shift: (D,) for one step (see the module docstring for the law)."""
        d, s = self.num_features, self.strength
        if s == 0:
            return np.ones(d), np.zeros(d)
        scale = np.exp(s * self.rng.standard_normal(d))  # log-normal, median 1
        shift = s * (1 + self.rng.standard_normal(d))  # mean s, std s
        return scale, shift

    def forward(self, x):
        """x: (N, D). Training: scale * BN(x) + shift with fresh noise; eval: BN(x), no noise."""
        out = super().forward(x)
        self._noisy = self.training and self.strength > 0
        if not self._noisy:
            return out
        self.scale, self.shift = self.draw_noise()
        return out * self.scale + self.shift  # (N, D) * (D,) + (D,)

    __call__ = forward

    def backward(self, dout):
        """dout: (N, D). The noise is a fixed affine map for this step: d(noisy)/d(out) = scale."""
        if self._noisy:
            dout = np.asarray(dout) * self.scale
        return super().backward(dout)

    def __repr__(self):
        return f"NoisyBatchNorm1d({self.num_features}, strength={self.strength})"
