"""The text alternatives of notebook 07's figures, from what they draw (numpy only, no matplotlib):
the comparison panel at G, the padding panel at its padding fraction, the two static pictures.

    compare_text(data, x)   comparison_panel: data {"group": GN's output, "groups": G}, x: input
    padding_text(data)      padding_panel: data {"x", "mask", "pad", "bn_mean", "bn_std", "ln"}
    TABLES_TEXT, cubes_text(groups)

Shapes: x (N, C, H, W); a padded batch (B, T, D) and its mask (B, T).
"""

from bn_core.ui.wording import num, span

TABLES_TEXT = ("Two grids of an (N, D) batch, examples as rows, features as columns. BatchNorm "
               "(left) normalizes one feature over the N examples: a shaded column. LayerNorm "
               "(right) normalizes one example over its D features: a shaded row.")


def cubes_text(groups):
    """Wu & He's four cubes, N into the page, C to the right, H and W up: which cells share one
    mean and variance."""
    return ("Four cubes of an (N, C, H, W) tensor, N into the page, C to the right, H and W up; "
            "shaded: the cells that share one mean and variance. BatchNorm: one channel over all "
            "N examples and H, W. LayerNorm: one example over all channels and H, W. "
            f"InstanceNorm: one example, one channel. GroupNorm (G = {groups}): one example, a "
            "group of channels.")


def compare_text(data, x):
    """comparison_panel's figure: cell means over (H, W) of x, BN, LN and GN with G groups."""
    n, c = x.shape[:2]
    g = data["groups"]
    out = data["group"]
    sets = out.reshape(n, g, -1)  # (N, G, C / G * H * W): each set normalized together
    return (f"Cell means over H, W of an (N, C, H, W) = {x.shape} tensor, example n by channel "
            f"c; outlined: the cells normalized together. Input cell means "
            f"{span(x.mean(axis=(2, 3)), '.2f')}. BatchNorm: one box per channel, LayerNorm: "
            f"one per example. GroupNorm with G = {g} groups of {c // g} channels: {n * g} boxes, "
            f"each with mean {span(sets.mean(axis=2), '.2f')} and std "
            f"{span(sets.std(axis=2), '.2f')}; its cell means "
            f"{span(out.mean(axis=(2, 3)), '.2f')}.")


def padding_text(data):
    """padding_panel's figure: the mask, the last feature's values, the errors at this fraction."""
    x, mask = data["x"], data["mask"]
    values, real = x[..., -1].ravel(), x[..., -1][mask]
    return (f"Padded batch of {mask.shape[0]} sequences of {mask.shape[1]} steps: "
            f"{100 * data['pad']:.0f}% padding (grey in the mask). Last feature: real tokens "
            f"mean {real.mean():.2f}, std {real.std():.2f}; BN's view with the padding zeros "
            f"mean {values.mean():.2f}, std {values.std():.2f}. Errors against the real tokens "
            f"(feature average, the squares on the curves): BN |mu error| {data['bn_mean']:.2f}, "
            f"|sigma error| {data['bn_std']:.2f}, LN {num(data['ln'], '.2f')}.")
