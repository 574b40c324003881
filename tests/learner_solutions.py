"""Fresh learner-style solutions for issue 20's regression suite (varied styles, none of them the
catalogue's code): CORRECT [(exercise, fn)], WRONG [(exercise, fn, start of the name)],
MALFORMED [(exercise, fn, start of the line)]."""

import numpy as np

from bn_core.exercises import nb01, nb04, nb05, nb07

F, B, R, E, W = nb01.forward, nb04.backward, nb05.running, nb05.eval_mode, nb05.folding
LN, C2 = nb07.layer_norm, nb07.batchnorm2d
EPS = 1e-5


# ---- correct, in many styles -----------------------------------------------------------------
def f_loops(x, gamma, beta, eps=1e-5):
    n, d = x.shape
    out = np.empty_like(x)
    for j in range(d):
        col = [x[i, j] for i in range(n)]
        m = sum(col) / n
        v = sum((c - m) ** 2 for c in col) / n
        for i in range(n):
            out[i, j] = gamma[j] * (x[i, j] - m) / (v + eps) ** 0.5 + beta[j]
    return out


def f_einsum(x, gamma, beta, eps=1e-5):
    n = x.shape[0]
    mu = np.einsum("nd->d", x) / n
    xc = x - mu
    return np.einsum("d,nd->nd", gamma / np.sqrt(np.einsum("nd,nd->d", xc, xc) / n + eps),
                     xc) + beta


class _BN:
    def __init__(self, eps):
        self.eps = eps

    def __call__(self, x, gamma, beta):
        mu = x.mean(0, keepdims=True)
        return gamma * (x - mu) / np.sqrt(x.var(0, keepdims=True) + self.eps) + beta


def f_class(x, gamma, beta, eps=1e-5):
    return _BN(eps)(x, gamma, beta), {"eps": eps}  # (out, cache)


def f_list(x, gamma, beta, eps=1e-5):
    return [_BN(eps)(x, gamma, beta), {}]  # [out, cache]


def b_stepwise(dout, cache):
    xh, std, g, eps = cache["x_hat"], cache["std"], cache["gamma"], cache["eps"]
    n = dout.shape[0]
    xc, dxh = xh * std, dout * g
    dvar = np.sum(dxh * xc, 0) * -0.5 * (cache["var"] + eps) ** -1.5
    dmu = -np.sum(dxh / std, 0)
    return dxh / std + dvar * 2 * xc / n + dmu / n, np.sum(dout * xh, 0), np.sum(dout, 0)


def b_compact(dout, cache):
    n = len(dout)
    db, dg = dout.sum(axis=0), (dout * cache["x_hat"]).sum(axis=0)
    return cache["gamma"] / cache["std"] / n * (n * dout - db - cache["x_hat"] * dg), dg, db


def r_lerp(running_mean, running_var, x, momentum):
    n = len(x)
    return (running_mean + momentum * (x.mean(0) - running_mean),
            running_var + momentum * (x.var(0) * n / (n - 1) - running_var))


def e_scale(x, gamma, beta, running_mean, running_var, eps=1e-5):
    scale = gamma / np.sqrt(running_var + eps)
    return x * scale + (beta - running_mean * scale)


def w_einsum(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = gamma * (running_var + eps) ** -0.5
    return np.einsum("ij,j->ij", W, s), s * b - s * running_mean + beta


def ln_transpose(x, gamma, beta, eps=1e-5):
    t = x.T
    mu = t.mean(axis=0)
    return (gamma[:, None] * (t - mu) / np.sqrt(((t - mu) ** 2).mean(axis=0) + eps)
            + beta[:, None]).T


def c_reshape(x, gamma, beta, eps=1e-5):
    n, c, h, w = x.shape
    flat = x.transpose(0, 2, 3, 1).reshape(-1, c)
    out = gamma * (flat - flat.mean(0)) / np.sqrt(flat.var(0) + eps) + beta
    return out.reshape(n, h, w, c).transpose(0, 3, 1, 2)


CORRECT = [(F, f_loops), (F, f_einsum), (F, f_class), (F, f_list), (B, b_stepwise),
           (B, b_compact), (R, r_lerp), (E, e_scale), (W, w_einsum), (LN, ln_transpose),
           (C2, c_reshape)]


# ---- wrong, in varied styles -------------------------------------------------------------------
def _xhat(x, eps=EPS):
    return (x - x.mean(0)) / np.sqrt(x.var(0) + eps)


def f_const_eps(x, gamma, beta, eps=1e-5):
    return gamma * _xhat(x) + beta  # helper's default, eps never passed on


def f_swapped(x, gamma, beta, eps=1e-5):
    return beta * _xhat(x, eps) + gamma


def f_no_beta(x, gamma, beta, eps=1e-5):
    return gamma * _xhat(x, eps)


def f_no_gamma(x, gamma, beta, eps=1e-5):
    return _xhat(x, eps) + beta


def f_x_hat(x, gamma, beta, eps=1e-5):
    return _xhat(x, eps)


def f_sign(x, gamma, beta, eps=1e-5):
    return gamma * (x.mean(0) - x) / np.sqrt(x.var(0) + eps) + beta


def f_ddof(x, gamma, beta, eps=1e-5):
    n = x.shape[0]
    mu = np.einsum("nd->d", x) / n
    return gamma * (x - mu) / np.sqrt(((x - mu) ** 2).sum(0) / (n - 1) + eps) + beta


def f_outside(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(0)) / (x.std(0) + eps) + beta


def f_no_eps(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(0)) / x.std(0) + beta


def f_by_var(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(0)) / (x.var(0) + eps) + beta


def f_power(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(0)) / (x.var(0) + eps) ** 0.25 + beta


def f_rows(x, gamma, beta, eps=1e-5):
    mu = x.mean(1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(((x - mu) ** 2).mean(1, keepdims=True) + eps) + beta


def f_all(x, gamma, beta, eps=1e-5):
    return gamma * (x - np.mean(x)) / np.sqrt(np.var(x) + eps) + beta


def f_gamma_col(x, gamma, beta, eps=1e-5):
    return gamma.reshape(-1, 1) * _xhat(x, eps) + beta.reshape(-1, 1)


def f_mean_rows(x, gamma, beta, eps=1e-5):
    mu = np.mean(x, axis=1)
    return gamma * (x - mu) / np.sqrt(np.var(x, axis=0) + eps) + beta


def f_float32(x, gamma, beta, eps=1e-5):
    x = x.astype(np.float32)
    return gamma * (x - x.mean(0)) / np.sqrt(x.var(0) + eps) + beta


def f_cancel(x, gamma, beta, eps=1e-5):
    m = np.mean(x, 0)
    return gamma * (x - m) / np.sqrt(np.mean(x ** 2, 0) - m ** 2 + eps) + beta


def f_inplace(x, gamma, beta, eps=1e-5):
    x -= x.mean(0)
    x /= np.sqrt(x.var(0) + eps)
    return x * gamma + beta


def b_eps_const(dout, cache):
    xh, g = cache["x_hat"], cache["gamma"]
    std = np.sqrt(cache["var"] + 1e-5)  # not cache["eps"]
    n = len(dout)
    return g / std / n * (n * dout - dout.sum(0) - xh * (dout * xh).sum(0)), (
        dout * xh).sum(0), dout.sum(0)


def _steps(dout, cache, mu_sign=1.0, var_sign=1.0, n_var=0, gam=True, mu_path=True,
           var_path=True):
    """The CS231n walk with knobs a learner turns by mistake."""
    xh, std, var, eps = cache["x_hat"], cache["std"], cache["var"], cache["eps"]
    n = len(dout)
    xc, dxh = xh * std, dout * (cache["gamma"] if gam else 1.0)
    dvar = np.sum(dxh * xc, 0) * -0.5 * (var + eps) ** -1.5
    dx = dxh / std
    if var_path:
        dx = dx + var_sign * dvar * 2 * xc / (n - n_var)
    if mu_path:
        dx = dx + mu_sign * -np.sum(dxh / std, 0) / n
    return dx, np.sum(dout * xh, 0), np.sum(dout, 0)


def b_no_mu(dout, cache):
    return _steps(dout, cache, mu_path=False)


def b_no_var(dout, cache):
    return _steps(dout, cache, var_path=False)


def b_constants(dout, cache):
    return _steps(dout, cache, mu_path=False, var_path=False)


def b_no_gamma(dout, cache):
    return _steps(dout, cache, gam=False)


def b_minus(dout, cache):
    dx, dg, db = b_compact(dout, cache)
    return -dx, dg, db


def b_sign_mu(dout, cache):
    return _steps(dout, cache, mu_sign=-1.0)


def b_sign_var(dout, cache):
    return _steps(dout, cache, var_sign=-1.0)


def b_n_minus_1(dout, cache):
    return _steps(dout, cache, n_var=1)


def b_power(dout, cache):
    dx, dg, db = b_compact(dout, cache)
    return dx / cache["std"], dg, db  # one 1/std too many


def b_axis1(dout, cache):
    dx, _, _ = b_compact(dout, cache)
    return dx, np.einsum("nd,nd->n", dout, cache["x_hat"]), dout.sum(1)


def b_mean(dout, cache):
    dx, dg, db = b_compact(dout, cache)
    return dx, (dout * cache["x_hat"]).mean(0), dout.mean(0)


def b_order(dout, cache):
    dx, dg, db = b_compact(dout, cache)
    return dx, db, dg


def r_swapped(running_mean, running_var, x, momentum):
    return (momentum * running_mean + (1 - momentum) * x.mean(0),
            momentum * running_var + (1 - momentum) * x.var(0, ddof=1))


def r_biased(running_mean, running_var, x, momentum):
    m = momentum
    return (1 - m) * running_mean + m * x.mean(0), (1 - m) * running_var + m * x.var(0)


def r_std(running_mean, running_var, x, momentum):
    m = momentum
    return (1 - m) * running_mean + m * x.mean(0), (1 - m) * running_var + m * x.std(0, ddof=1)


def r_order(running_mean, running_var, x, momentum):
    a, b = r_lerp(running_mean, running_var, x, momentum)
    return b, a


def _ev(x, g, b, m, v, eps):
    return g * (x - m) / np.sqrt(v + eps) + b


def e_batch(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return _ev(x, gamma, beta, x.mean(0), x.var(0), eps)


def e_batch_mean(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return _ev(x, gamma, beta, np.mean(x, axis=0), running_var, eps)


def e_no_sqrt(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return gamma * (x - running_mean) / (running_var + eps) + beta


def e_no_eps(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return _ev(x, gamma, beta, running_mean, running_var, 0.0)


def e_const_eps(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return _ev(x, gamma, beta, running_mean, running_var, EPS)


def e_swapped(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return _ev(x, beta, gamma, running_mean, running_var, eps)


def e_no_beta(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return _ev(x, gamma, 0.0, running_mean, running_var, eps)


def _s(gamma, var, eps):
    return gamma / np.sqrt(var + eps)


def w_no_mean(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = _s(gamma, running_var, eps)
    return W * s, b * s + beta


def w_no_beta(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = _s(gamma, running_var, eps)
    return W * s, (b - running_mean) * s


def w_rows(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = _s(gamma, running_var, eps)
    return s.reshape(-1, 1) * W, (b - running_mean) * s + beta


def w_unscaled(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = _s(gamma, running_var, eps)
    return W * s, b - running_mean * s + beta


def w_no_sqrt(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = gamma / (running_var + eps)
    return W * s, (b - running_mean) * s + beta


def w_gamma(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    return W * gamma, (b - running_mean) * gamma + beta


def w_bias(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = _s(gamma, running_var, eps)
    return W * s, (b + running_mean) * s + beta


def w_const_eps(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = _s(gamma, running_var, 1e-5)
    return W * s, (b - running_mean) * s + beta


def _ln(x, gamma, beta, eps, axis=1, ddof=0, keep=True):
    mu = x.mean(axis=axis, keepdims=keep)
    var = x.var(axis=axis, ddof=ddof, keepdims=keep)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def ln_const_eps(x, gamma, beta, eps=1e-5):
    return _ln(x, gamma, beta, 1e-5)


def ln_axis0(x, gamma, beta, eps=1e-5):
    return _ln(x, gamma, beta, eps, axis=0)


def ln_all(x, gamma, beta, eps=1e-5):
    return _ln(x, gamma, beta, eps, axis=None)


def ln_no_keep(x, gamma, beta, eps=1e-5):
    mu = x.mean(1)
    var = ((x - mu) ** 2).mean(1)  # the reference's two-pass style, keepdims forgotten
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def ln_ddof(x, gamma, beta, eps=1e-5):
    return _ln(x, gamma, beta, eps, ddof=1)


def ln_swapped(x, gamma, beta, eps=1e-5):
    return _ln(x, beta, gamma, eps)


def ln_no_beta(x, gamma, beta, eps=1e-5):
    return _ln(x, gamma, 0.0, eps)


def _c(x, gamma, beta, eps, axes, g=None):
    mu = x.mean(axis=axes, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
    g = gamma[None, :, None, None] if g is None else g
    return g * (x - mu) / np.sqrt(var + eps) + beta[None, :, None, None]


def c_const_eps(x, gamma, beta, eps=1e-5):
    return _c(x, gamma, beta, 1e-5, (0, 2, 3))


def c_01(x, gamma, beta, eps=1e-5):
    return _c(x, gamma, beta, eps, (0, 1))


def c_all(x, gamma, beta, eps=1e-5):
    return _c(x, gamma, beta, eps, (0, 1, 2, 3))


def c_batch(x, gamma, beta, eps=1e-5):
    return _c(x, gamma, beta, eps, 0)


def c_instance(x, gamma, beta, eps=1e-5):
    return _c(x, gamma, beta, eps, (2, 3))


def c_layer(x, gamma, beta, eps=1e-5):
    return _c(x, gamma, beta, eps, (1, 2, 3))


def c_group(x, gamma, beta, eps=1e-5):
    n, c, h, w = x.shape
    xg = x.reshape(n, 2, -1)
    xg = (xg - xg.mean(-1, keepdims=True)) / np.sqrt(xg.var(-1, keepdims=True) + eps)
    return gamma[:, None, None] * xg.reshape(x.shape) + beta[:, None, None]


def c_bad_reshape(x, gamma, beta, eps=1e-5):
    flat = x.reshape(-1, x.shape[1])  # C not moved last
    return (gamma * (flat - flat.mean(0)) / np.sqrt(flat.var(0) + eps) + beta).reshape(x.shape)


def c_flat_gamma(x, gamma, beta, eps=1e-5):
    return _c(x, gamma, beta, eps, (0, 2, 3), g=gamma)  # gamma (C,) against W


def c_swapped(x, gamma, beta, eps=1e-5):
    return _c(x, beta, gamma, eps, (0, 2, 3))


def c_sign(x, gamma, beta, eps=1e-5):
    return -_c(x, gamma, -beta, eps, (0, 2, 3))


WRONG = [
    (F, f_const_eps, "eps argument ignored"), (F, f_swapped, "gamma and beta swapped"),
    (F, f_no_beta, "beta forgotten"), (F, f_no_gamma, "gamma forgotten"),
    (F, f_x_hat, "gamma and beta not applied"), (F, f_sign, "a flipped sign"),
    (F, f_ddof, "the variance divided by N - 1"), (F, f_outside, "eps added outside"),
    (F, f_no_eps, "eps left out"), (F, f_by_var, "divided by the variance instead"),
    (F, f_power, "the wrong power on the variance"), (F, f_rows, "the statistics taken over the "
                                                                "wrong axis"),
    (F, f_all, "the mean and variance taken over all elements"),
    (F, f_gamma_col, "gamma and beta broadcast on the wrong axis"),
    (F, f_mean_rows, "an array broadcast on the wrong axis"), (F, f_float32, "a float32 cast"),
    (F, f_cancel, "the variance computed as E[x^2] - E[x]^2"),
    (F, f_inplace, "the input x changed in place"),
    (B, b_eps_const, "eps argument ignored"), (B, b_no_mu, "the path through mu is missing"),
    (B, b_no_var, "the path through var is missing"), (B, b_constants, "mu and var treated"),
    (B, b_no_gamma, "gamma forgotten in dx"), (B, b_minus, "a flipped sign: dx"),
    (B, b_sign_mu, "a flipped sign on the path through mu"),
    (B, b_sign_var, "a flipped sign on the path through var"),
    (B, b_n_minus_1, "N - 1 in place of N"), (B, b_power, "the wrong power of the standard"),
    (B, b_axis1, "dgamma or dbeta summed over the wrong axis"),
    (B, b_mean, "dgamma or dbeta averaged"), (B, b_order, "the outputs returned in the wrong"),
    (R, r_swapped, "the momentum convention swapped"), (R, r_biased, "the biased variance"),
    (R, r_std, "a standard deviation stored"), (R, r_order, "the outputs returned in the wrong"),
    (E, e_batch, "the batch's statistics used"), (E, e_batch_mean, "the batch's mean used"),
    (E, e_no_sqrt, "divided by running_var instead"), (E, e_no_eps, "eps left out"),
    (E, e_const_eps, "eps argument ignored"), (E, e_swapped, "gamma and beta swapped"),
    (E, e_no_beta, "beta forgotten"),
    (W, w_no_mean, "running_mean left out"), (W, w_no_beta, "beta left out"),
    (W, w_rows, "the rows of W scaled"), (W, w_unscaled, "b not multiplied by s"),
    (W, w_no_sqrt, "divided by running_var instead"), (W, w_gamma, "W scaled by gamma only"),
    (W, w_bias, "the folded bias wrong"), (W, w_const_eps, "eps argument ignored"),
    (LN, ln_const_eps, "eps argument ignored"), (LN, ln_axis0, "the statistics still over the"),
    (LN, ln_all, "the mean and variance taken over all"), (LN, ln_no_keep, "keepdims forgotten"),
    (LN, ln_ddof, "the variance divided by D - 1"), (LN, ln_swapped, "gamma and beta swapped"),
    (LN, ln_no_beta, "beta forgotten"),
    (C2, c_const_eps, "eps argument ignored"), (C2, c_01, "the statistics over axes (0, 1)"),
    (C2, c_all, "the mean and variance taken over all"),
    (C2, c_batch, "the statistics over the batch axis only"),
    (C2, c_instance, "the statistics over the positions only"),
    (C2, c_layer, "the statistics over axes (1, 2, 3)"),
    (C2, c_group, "the statistics per example over groups"),
    (C2, c_bad_reshape, "x.reshape(-1, C) without moving C last"),
    (C2, c_flat_gamma, "gamma and beta not reshaped"), (C2, c_swapped, "gamma and beta swapped"),
    (C2, c_sign, "a flipped sign"),
]


# ---- malformed ---------------------------------------------------------------------------------
def f_forgot_return(x, gamma, beta, eps=1e-5):
    out = gamma * _xhat(x, eps) + beta  # noqa: F841


def f_string(x, gamma, beta, eps=1e-5):
    return "out"


def f_dict(x, gamma, beta, eps=1e-5):
    return {"out": gamma * _xhat(x, eps) + beta}


def f_forever(x, gamma, beta, eps=1e-5):
    while True:
        pass


def b_unpack(dout, cache):
    x_hat, mu, var, std, inv_std, gamma, eps = cache  # a dict: these are its keys
    return dout * gamma * inv_std, dout.sum(0), dout.sum(0)


def b_two(dout, cache):
    return b_compact(dout, cache)[:2]


def r_none(running_mean, running_var, x, momentum):
    running_mean = (1 - momentum) * running_mean + momentum * x.mean(0)


MALFORMED = [
    (F, f_forgot_return, "incorrect: your function returned None: did you forget `return`?"),
    (R, r_none, "incorrect: your function returned None: did you forget `return`?"),
    (F, f_string, "incorrect: expected out, an array of shape (6, 5) (or (out, cache)), got a "
                  "str ('out')"),
    (F, f_dict, "incorrect: expected out, an array of shape (6, 5) (or (out, cache)), got a "
                "dict with keys out"),
    (B, b_unpack, "incorrect: cache is a dict, not a tuple: unpacking it"),
    (B, b_two, "incorrect: expected (dx, dgamma, dbeta): arrays of shapes (6, 4), (4,), (4,), "
               "got a tuple of 2: (array (6, 4), array (4,))"),
]
