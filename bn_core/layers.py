"""Stateful batch-norm layers: parameters, running statistics and a train/eval flag.

The math lives in bn_core.functional; these classes only keep the bookkeeping, following PyTorch:
- training mode: normalize with the batch statistics (biased variance), then update
      running_mean = (1 - momentum) * running_mean + momentum * mu
      running_var  = (1 - momentum) * running_var  + momentum * var * m / (m - 1)
  where m is the number of values per feature (N, or N * H * W) and var * m / (m - 1) is the
  UNBIASED batch variance. momentum (default 0.1) weights the NEW batch; CS231n and Keras call
  1 - momentum (0.9, 0.99) their "momentum".
- eval mode: out = gamma * (x - running_mean) / sqrt(running_var + eps) + beta, a fixed affine
  map of each example alone, so a batch of one works and examples no longer affect each other.

- affine=False (PyTorch's name): gamma = 1 and beta = 0 stay frozen, so out = x_hat and the next
  layer's input has per-feature mean 0 and std ~1 over every batch; the layer has no parameters.
- MeanOnlyBatchNorm1d (Salimans & Kingma, 2016): out = x - mu + beta, centre and do not scale.

Shapes: BatchNorm1d takes x: (N, D); BatchNorm2d takes x: (N, C, H, W). gamma, beta,
running_mean, running_var: (D,) or (C,).
"""

import numpy as np

from bn_core import functional as F
from bn_core._checks import as_float_array, check_eps, check_momentum, check_num_features


class _BatchNorm:
    """What BatchNorm1d and BatchNorm2d share. Subclasses set the input rank and the axes."""

    ndim = None  # rank of x
    axes = None  # axes the statistics are taken over
    shape_text = None

    def __init__(self, num_features, eps=1e-5, momentum=0.1, dtype=np.float64, affine=True):
        self.num_features = check_num_features(num_features)
        self.affine = bool(affine)  # False: gamma = 1, beta = 0, frozen (not parameters)
        self.eps = float(check_eps(eps))
        self.momentum = check_momentum(momentum)
        self.gamma = np.ones(num_features, dtype=dtype)  # (D,) or (C,), learned scale
        self.beta = np.zeros(num_features, dtype=dtype)  # (D,) or (C,), learned shift
        self.running_mean = np.zeros(num_features, dtype=dtype)  # (D,) or (C,)
        self.running_var = np.ones(num_features, dtype=dtype)  # (D,) or (C,)
        self.dgamma = np.zeros_like(self.gamma)
        self.dbeta = np.zeros_like(self.beta)
        self.training = True
        self._cache = None

    learned = ("gamma", "beta")  # the parameters when affine=True

    @property
    def param_names(self):
        """An optimizer updates getattr(layer, name) with "d" + name; none when affine=False."""
        return self.learned if self.affine else ()

    def train(self, mode=True):
        self.training = bool(mode)
        return self

    def eval(self):
        return self.train(False)

    def _view(self, v):
        """A (D,) or (C,) vector shaped to broadcast against x: (N, D) or (N, C, H, W)."""
        return v.reshape((1, -1) + (1,) * (self.ndim - 2))

    def _check_input(self, x):
        x = as_float_array(x, "x", self.ndim, self.shape_text)
        if x.shape[1] != self.num_features:
            raise ValueError(
                f"x: got {x.shape[1]} features/channels (shape {x.shape}); "
                f"this layer was built with num_features={self.num_features}"
            )
        return x

    def forward(self, x):
        """Normalize x: (N, D) or (N, C, H, W), with the batch statistics in training mode and the
        running statistics in eval mode. Returns out, x's shape and dtype."""
        x = self._check_input(x)
        if self.training:
            out, cache = self._train_forward(x)  # raises, changing nothing, on a batch of one
            m = x.size // self.num_features  # values per feature
            mu, var = cache["mu"], cache["var"]
            # running = (1 - momentum) * running + momentum * batch_stat, with the UNBIASED var
            self.running_mean[...] = (1 - self.momentum) * self.running_mean + self.momentum * mu
            self.running_var[...] = (
                (1 - self.momentum) * self.running_var + self.momentum * var * (m / (m - 1))
            )
            self._cache = ("train", cache)
            return out
        return self._eval_forward(x)

    __call__ = forward

    def _eval_forward(self, x):
        # out = gamma * (x - running_mean) / sqrt(running_var + eps) + beta
        inv_std = 1 / np.sqrt(self.running_var + self.eps)
        x_hat = (x - self._view(self.running_mean).astype(x.dtype)) * self._view(inv_std).astype(
            x.dtype
        )
        out = self._view(self.gamma).astype(x.dtype) * x_hat + self._view(self.beta).astype(x.dtype)
        self._cache = ("eval", {"x_hat": x_hat, "inv_std": inv_std})
        return out

    def backward(self, dout):
        """dout: like the last forward's output. Sets self.dgamma, self.dbeta; returns dx."""
        if self._cache is None:
            raise ValueError("backward: no forward pass to differentiate; call forward(x) first")
        mode, cache = self._cache
        if mode == "train":
            dx, dgamma, dbeta = self._train_backward(dout, cache)
        else:
            # eval mode is the fixed affine map out = gamma * inv_std * (x - running_mean) + beta
            x_hat = cache["x_hat"]
            dout = np.asarray(dout)
            if dout.shape != x_hat.shape:
                raise ValueError(f"dout: got shape {dout.shape}; expected {x_hat.shape}")
            dout = dout.astype(x_hat.dtype, copy=False)
            dbeta = dout.sum(axis=self.axes)
            dgamma = (dout * x_hat).sum(axis=self.axes)
            dx = dout * self._view(self.gamma * cache["inv_std"]).astype(x_hat.dtype)
        self.dgamma = dgamma.astype(self.gamma.dtype, copy=False)
        self.dbeta = dbeta.astype(self.beta.dtype, copy=False)
        return dx

    def __repr__(self):
        mode = "train" if self.training else "eval"
        affine = "" if self.affine else ", affine=False"
        return (f"{type(self).__name__}({self.num_features}, eps={self.eps}, "
                f"momentum={self.momentum}{affine}, mode={mode})")


class BatchNorm1d(_BatchNorm):
    """Batch norm for fully connected layers. x: (N, D); statistics per feature over N."""

    ndim, axes, shape_text = 2, (0,), "(N, D)"

    def _train_forward(self, x):
        return F.batchnorm_forward(x, self.gamma, self.beta, self.eps)

    def _train_backward(self, dout, cache):
        return F.batchnorm_backward(dout, cache)


class MeanOnlyBatchNorm1d(BatchNorm1d):
    """Mean-only batch norm (Salimans & Kingma, 2016) for x: (N, D): out = x - mu + beta.

    Centres each feature over the batch and does not scale it: the next layer's input has mean
    beta (learned; 0 and frozen with affine=False) and keeps the std the layers below give it.
    Eval mode: out = x - running_mean + beta. running_var is kept (unused) like BatchNorm1d's.
    """

    learned = ("beta",)

    def _train_forward(self, x):
        return F.meanonly_forward(x, self.beta)

    def _train_backward(self, dout, cache):
        return F.meanonly_backward(dout, cache)

    def _eval_forward(self, x):
        # the fixed map out = x - running_mean + beta: dx = dout, dgamma = 0 (x_hat stands at 0)
        self._cache = ("eval", {"x_hat": np.zeros_like(x),
                                "inv_std": np.ones_like(self.running_var)})
        return x - self.running_mean.astype(x.dtype) + self.beta.astype(x.dtype)


class BatchNorm2d(_BatchNorm):
    """Spatial batch norm for convolutions. x: (N, C, H, W); statistics per channel over N, H, W."""

    ndim, axes, shape_text = 4, (0, 2, 3), "(N, C, H, W)"

    def _train_forward(self, x):
        return F.batchnorm2d_forward(x, self.gamma, self.beta, self.eps)

    def _train_backward(self, dout, cache):
        return F.batchnorm2d_backward(dout, cache)


class LayerNorm:
    """Layer norm for x: (N, D): each example over its own features. Same in training and eval."""

    param_names = ("gamma", "beta")

    def __init__(self, num_features, eps=1e-5, dtype=np.float64):
        self.num_features = check_num_features(num_features)
        self.eps = float(check_eps(eps))
        self.gamma = np.ones(num_features, dtype=dtype)
        self.beta = np.zeros(num_features, dtype=dtype)
        self.dgamma = np.zeros_like(self.gamma)
        self.dbeta = np.zeros_like(self.beta)
        self.training = True
        self._cache = None

    def train(self, mode=True):
        self.training = bool(mode)  # LayerNorm computes the same thing in both modes
        return self

    def eval(self):
        return self.train(False)

    def forward(self, x):
        out, self._cache = F.layernorm_forward(x, self.gamma, self.beta, self.eps)
        return out

    __call__ = forward

    def backward(self, dout):
        if self._cache is None:
            raise ValueError("backward: no forward pass to differentiate; call forward(x) first")
        dx, dgamma, dbeta = F.layernorm_backward(dout, self._cache)
        self.dgamma, self.dbeta = dgamma, dbeta
        return dx
