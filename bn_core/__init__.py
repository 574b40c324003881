"""bn_core: a small numpy engine for teaching Batch Normalization.

    functional  the math: batchnorm / layernorm / groupnorm forward and backward
    layers      BatchNorm1d, BatchNorm2d, LayerNorm: parameters, running statistics, train/eval
    gradcheck   finite-difference gradient checks
"""

from bn_core import gradcheck
from bn_core.functional import (
    batchnorm2d_backward,
    batchnorm2d_forward,
    batchnorm_backward,
    batchnorm_backward_stepwise,
    batchnorm_forward,
    groupnorm_backward,
    groupnorm_forward,
    layernorm_backward,
    layernorm_forward,
)
from bn_core.gradcheck import numerical_gradient, rel_error
from bn_core.layers import BatchNorm1d, BatchNorm2d, LayerNorm

__all__ = [
    "BatchNorm1d",
    "BatchNorm2d",
    "LayerNorm",
    "batchnorm2d_backward",
    "batchnorm2d_forward",
    "batchnorm_backward",
    "batchnorm_backward_stepwise",
    "batchnorm_forward",
    "gradcheck",
    "groupnorm_backward",
    "groupnorm_forward",
    "layernorm_backward",
    "layernorm_forward",
    "numerical_gradient",
    "rel_error",
]
