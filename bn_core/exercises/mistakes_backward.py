"""The classic mistakes of a batch-norm backward pass, each a real function written as a learner
would write it. dout: (N, D); cache: bn_core.batchnorm_forward's dict. Each returns
(dx: (N, D), dgamma: (D,), dbeta: (D,)) - or, for the wrong-axis sums, (N,)-shaped ones."""


def _parts(dout, cache):
    x_hat, inv_std, gamma = cache["x_hat"], cache["inv_std"], cache["gamma"]
    return x_hat, inv_std, gamma, dout.sum(axis=0), (dout * x_hat).sum(axis=0)


def no_mu_path(dout, cache):
    x_hat, inv_std, gamma, dbeta, dgamma = _parts(dout, cache)
    dx_hat = dout * gamma
    dx = inv_std * (dx_hat - x_hat * (dx_hat * x_hat).mean(axis=0))  # no - mean(dx_hat)
    return dx, dgamma, dbeta


def no_var_path(dout, cache):
    x_hat, inv_std, gamma, dbeta, dgamma = _parts(dout, cache)
    dx_hat = dout * gamma
    dx = inv_std * (dx_hat - dx_hat.mean(axis=0))  # var treated as a constant
    return dx, dgamma, dbeta


def constant_stats(dout, cache):
    x_hat, inv_std, gamma, dbeta, dgamma = _parts(dout, cache)
    return dout * gamma * inv_std, dgamma, dbeta  # mu and var both treated as constants


def gamma_forgotten(dout, cache):
    x_hat, inv_std, gamma, dbeta, dgamma = _parts(dout, cache)
    dx_hat = dout  # should be dout * gamma
    dx = inv_std * (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0))
    return dx, dgamma, dbeta


def sums_wrong_axis(dout, cache):
    x_hat, inv_std, gamma = cache["x_hat"], cache["inv_std"], cache["gamma"]
    dbeta = dout.sum(axis=1)  # over the features of each example: (N,)
    dgamma = (dout * x_hat).sum(axis=1)
    dx_hat = dout * gamma
    dx = inv_std * (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0))
    return dx, dgamma, dbeta
