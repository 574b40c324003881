"""The experiments behind each notebook's figures: plain functions that return numbers, built on the
engine (bn_core's top level), importing neither ipywidgets nor matplotlib, testable headless.

    live_batch      01  a (N, D) batch, its normalization and output, as functions of the controls
    what_stays_put  02  the same MLP without and with BN; how far each layer's input moves per step
    freeze          02  BN with gamma, beta trained / frozen (affine=False) / centre only / no BN
    ics             02  Santurkar et al.'s gradient-based internal covariate shift
    noisy_bn        03  BN with injected jitter in its batch statistics
    smoothness      03  learning-rate sweep, loss landscape along the gradient, scale invariance
    backward        04  gradient checks, the projection BN's gradient makes, scale invariance
    inference       05  running statistics, momentum conventions, calibration, folding BN
    coupling        06  one example's output as a function of the others; ghost batches
    norms           07  BN, LayerNorm and GroupNorm: which numbers share statistics; padding
"""
