"""Notebook 07's panels and pictures: BN / LN / GN side by side with a groups slider, the padded
sequence experiment of bn_core.experiments.norms with a padding-fraction slider, and the static
pictures (the (N, D) tables, Wu & He's cubes). The drawing is in nb07_figures (matplotlib): a
panel opens on its stored picture (ui.poster) and builds its figure at the first move; a static
picture is its stored PNG, drawn only by the first kernel (or with the cache off).
"""

import numpy as np

from bn_core.experiments.norms import example_images, normalized, padded_batch, padding_errors
from bn_core.panels import nb07_describe as texts
from bn_core.ui import slider as sliders
from bn_core.ui.a11y import with_alt
from bn_core.ui.lazy_figure import PosterPanel
from bn_core.ui.poster import picture, poster_key

COMPARE_SIZE, PADDING_SIZE = (11.5, 2.9), (12, 3.5)  # the two panels' figsizes (inches)


def comparison_panel(rng, groups=2):
    """Cell means over (H, W) of one (N, C, H, W) tensor: input, BN, LN and GN (G slider).
    Outlined boxes: the sets normalized together (each box has mean 0, std 1 over its cells).
    .data: {"group": GN's output (N, C, H, W), "groups": G}."""
    x = example_images(rng)
    c = x.shape[1]

    def compute(groups=groups):
        return {"group": normalized(x, "group", groups), "groups": groups}

    def build(image):
        from bn_core.panels.nb07_figures import build_comparison

        return build_comparison(image, x, COMPARE_SIZE)

    options = [g for g in range(1, c + 1) if c % g == 0]
    slider = sliders.SelectionSlider(options=options, value=groups, description="groups G")
    return PosterPanel("nb07.compare", COMPARE_SIZE, {"groups": slider.add_class("bn-groups")},
                       compute, build, parts=(x,), text=lambda data: texts.compare_text(data, x))


def padding_panel(rng, batch=16, max_len=20, features=8):
    """A padded (B, T, D) batch with a padding-fraction slider: the mask, one feature's values
    with the real tokens' mean and BN's, and the BN and LN errors against the padding fraction.
    .data: {"x": (B, T, D), "mask": (B, T), **padding_errors}."""
    seed = int(rng.integers(2**32))  # each slider value draws its batch from its own seed
    shape = {"batch": batch, "max_len": max_len, "features": features}

    def compute(pad_fraction=0.3):
        x, mask = padded_batch(np.random.default_rng([seed, round(100 * pad_fraction)]),
                               pad_fraction, **shape)
        return {"x": x, "mask": mask, **padding_errors(x, mask)}

    def build(image):
        from bn_core.panels.nb07_figures import build_padding

        return build_padding(image, PADDING_SIZE, seed, **shape)

    slider = sliders.FloatSlider(value=0.3, min=0.0, max=0.9, step=0.05, description="padding",
                                 continuous_update=True)
    return PosterPanel("nb07.padding", PADDING_SIZE,
                       {"pad_fraction": slider.add_class("bn-padding")}, compute, build,
                       parts=(seed, batch, max_len, features), text=texts.padding_text)


def tables_picture():
    """BatchNorm and LayerNorm on an (N, D) batch, side by side: an IPython Image (stored PNG)."""
    def draw():
        from bn_core.panels.nb07_figures import tables_figure

        return tables_figure()

    return with_alt(picture(poster_key("nb07.tables"), draw), texts.TABLES_TEXT)


def cubes_picture(groups=3):
    """Wu & He's four cubes (BatchNorm, LayerNorm, InstanceNorm, GroupNorm): an IPython Image."""
    def draw():
        from bn_core.panels.nb07_figures import cubes_figure

        return cubes_figure(groups)

    return with_alt(picture(poster_key("nb07.cubes", groups), draw), texts.cubes_text(groups))


def open_as_notebook(seed=0):
    """Open notebook 07's pictures and panels after the same random draws as the notebook makes
    before each (rng = default_rng(seed)): what a warm-up runs to store their first pictures.
    Returns (comparison panel, padding panel)."""
    from bn_core.experiments.norms import batch_dependence

    tables_picture(), cubes_picture(groups=3)
    rng = np.random.default_rng(seed)
    rng.normal(size=(6, 8))  # the (N, D) batch of the first check
    compare = comparison_panel(rng)
    example_images(rng), rng.normal(3.0, 2.0, size=(1, 8))  # images; a batch of one
    pool = rng.normal(2.0, 3.0, size=(40, 8))
    for _ in ("ln", "bn"):  # batch_dependence's draws (they do not depend on the forward)
        batch_dependence(lambda x: x, pool, rng)
    padded_batch(rng, pad_fraction=0.5)
    return compare, padding_panel(rng)
