"""Notebook 07's figures (matplotlib): which cells share one mean and variance (Wu & He's cube
figure, the (N, D) tables), and the LiveFigures of the comparison and padding panels of
nb07_norms, built there when first needed (build_* (image, ...) -> (live, draw)).
"""

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.colors import ListedColormap

from bn_core.experiments.norms import cube_cells, normalized, padding_curve
from bn_core.ui.live import LiveFigure
from bn_core.ui.palette import BLUE, ORANGE, VERMILLION

SHARED, OTHER = BLUE, "#f2f2f2"  # cells that share one mu, var (as in Wu & He's Figure 2)


def draw_cube(ax, cells, title, depth=(0.45, 0.35)):
    """Draw an (N, C, HW) grid of cells as a cube seen from the front-top-right, shading
    `cells` (bool, (N, C, HW)): C to the right, H, W up, N into the page (n = 0 at the front)."""
    n_size, c_size, hw = cells.shape
    dx, dy = depth

    def corner(c, h, n):  # oblique projection of the grid point (c, h, n)
        return (c + n * dx, h + n * dy)

    faces, colors = [], []
    for c in range(c_size):  # front face, n = 0
        for h in range(hw):
            faces.append([corner(c, h, 0), corner(c + 1, h, 0), corner(c + 1, h + 1, 0),
                          corner(c, h + 1, 0)])
            colors.append(SHARED if cells[0, c, h] else OTHER)
    for c in range(c_size):  # top face, h = HW
        for n in range(n_size):
            faces.append([corner(c, hw, n), corner(c + 1, hw, n), corner(c + 1, hw, n + 1),
                          corner(c, hw, n + 1)])
            colors.append(SHARED if cells[n, c, hw - 1] else OTHER)
    for n in range(n_size):  # right face, c = C
        for h in range(hw):
            faces.append([corner(c_size, h, n), corner(c_size, h, n + 1),
                          corner(c_size, h + 1, n + 1), corner(c_size, h + 1, n)])
            colors.append(SHARED if cells[n, c_size - 1, h] else OTHER)
    ax.add_collection(PolyCollection(faces, facecolors=colors, edgecolors="0.35", linewidths=0.6))
    ax.annotate("", xy=(c_size, -0.7), xytext=(0, -0.7), arrowprops={"arrowstyle": "->"})
    ax.text(c_size / 2, -1.4, "C", ha="center", va="center", fontsize=12)
    ax.annotate("", xy=(-0.7, hw), xytext=(-0.7, 0), arrowprops={"arrowstyle": "->"})
    ax.text(-1.4, hw / 2, "H, W", ha="center", va="center", rotation=90, fontsize=12)
    start, end = corner(c_size + 0.6, 0, 0), corner(c_size + 0.6, 0, n_size)
    ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->"})
    ax.text(end[0] + 0.4, end[1] - 0.6, "N", fontsize=12)
    ax.set(xlim=(-2, c_size + n_size * dx + 1.5), ylim=(-2, hw + n_size * dy + 0.5), aspect="equal")
    ax.set_axis_off()
    ax.set_title(title, fontsize=12)


def draw_cubes(fig, groups=3):
    """The four methods side by side on fig (a matplotlib Figure). Returns the axes."""
    axes = fig.subplots(1, 4)
    titles = {"batch": "BatchNorm", "layer": "LayerNorm", "instance": "InstanceNorm",
              "group": f"GroupNorm (G = {groups})"}
    for ax, (method, title) in zip(axes, titles.items(), strict=True):
        draw_cube(ax, cube_cells(method, groups=groups), title)
    return axes


def draw_table(ax, method, n=6, d=8, row=0, col=0):
    """An (N, D) batch as a grid; shade the cells that share one mean/var with cell (row, col)."""
    shared = np.zeros((n, d), dtype=bool)
    shared[(slice(None), col) if method == "batch" else (row, slice(None))] = True
    ax.imshow(shared, cmap=ListedColormap([OTHER, SHARED]), vmin=0, vmax=1)
    ax.set_xticks(np.arange(d + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(n + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="0.35", lw=0.6)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    ax.set(xlabel="features D →", ylabel="← examples N")
    title = ("BatchNorm: one feature over the N examples" if method == "batch"
             else "LayerNorm: one example over its D features")
    ax.set_title(title, fontsize=11)


def boxes(method, n, c, groups=1):
    """Outlines, in (C, N) image coordinates, of the sets that share one mean/var."""
    def box(c0, c1, n0, n1):  # channels c0..c1 - 1, examples n0..n1 - 1
        left, right, top, bottom = c0 - 0.5, c1 - 0.5, n0 - 0.5, n1 - 0.5
        return [(left, top), (right, top), (right, bottom), (left, bottom)]

    if method == "batch":
        return [box(j, j + 1, 0, n) for j in range(c)]
    size = c // groups
    return [box(g * size, (g + 1) * size, i, i + 1) for i in range(n) for g in range(groups)]


def build_comparison(image, x, figsize):
    """The comparison panel's figure (figsize inches, in `image`) for x: (N, C, H, W): input, BN,
    LN, GN cell means. Returns (live, draw) with draw(data), data = {"group": GN's output,
    "groups": G}."""
    n, c = x.shape[:2]
    live = LiveFigure(ncols=4, figsize=figsize, widget=image)
    images = {}
    for ax, method in zip(live.axes, ("input", "batch", "layer", "group"), strict=True):
        data = x if method == "input" else normalized(x, method, 1)
        images[method] = ax.imshow(data.mean(axis=(2, 3)), cmap="RdBu_r", vmin=-3, vmax=3)
        ax.set(xlabel="channel c", ylabel="example n", xticks=range(c), yticks=range(n))
        if method != "input":
            outlines = PolyCollection(boxes(method, n, c, 1), facecolors="none", edgecolors="k",
                                      linewidths=2)
            ax.add_collection(outlines)  # the last one made, GroupNorm's, changes with G
    live.axes[0].set_title("input x: mean over H, W", fontsize=11)
    live.axes[1].set_title("BatchNorm: per channel", fontsize=11)
    live.axes[2].set_title("LayerNorm: per example", fontsize=11)
    live.figure.colorbar(images["input"], ax=live.axes, shrink=0.9, pad=0.01,
                         label="mean over H, W")
    live.animate(images["group"], outlines)
    title = live.animate(live.axes[3].set_title("", fontsize=11))

    def draw(data):
        groups = data["groups"]
        images["group"].set_data(data["group"].mean(axis=(2, 3)))
        outlines.set_verts(boxes("group", n, c, groups))
        title.set_text(f"GroupNorm: G = {groups} groups of {c // groups}")
        live.refresh()

    return live, draw


def build_padding(image, figsize, seed, batch, max_len, features):
    """The padding panel's figure (figsize inches, in `image`): the mask, one feature's values
    (real tokens vs BN's view) and the errors against the padding fraction (measured from seed).
    Returns (live, draw) with draw(data), data = {"x", "mask", **padding_errors} (the compute of
    nb07_norms.padding_panel)."""
    live = LiveFigure(ncols=3, figsize=figsize, widget=image)
    ax_mask, ax_hist, ax_err = live.axes
    mask_image = live.animate(ax_mask.imshow(np.ones((batch, max_len)), vmin=0, vmax=1,
                                             cmap=ListedColormap(["0.85", SHARED])))
    ax_mask.set(xlabel="time step t", ylabel="sequence b", xticks=range(0, max_len, 5))
    mask_title = live.animate(ax_mask.set_title("", fontsize=11))
    bins = np.linspace(-4, 6, 51)
    ax_hist.set(xlim=(-4, 6), ylim=(0, 1.7), yticks=[], xlabel=f"values of feature {features - 1}",
                title="one feature: real tokens vs BN's view")
    ax_hist.text(-0.15, 1.0, "padding (zeros),\noff the top →", ha="right", fontsize=9,
                 color="0.35")
    every, real = live.animate(
        ax_hist.stairs(np.zeros(50), bins, fill=True, color="0.75"),
        ax_hist.stairs(np.zeros(50), bins, fill=True, color=SHARED, alpha=0.8))
    mu_line, bn_line, stats = live.animate(
        ax_hist.axvline(0, color="k", ls="--", lw=1.5, label="real tokens' mean"),
        ax_hist.axvline(0, color=VERMILLION, lw=2, label="BN's mean"),
        ax_hist.text(0.02, 0.97, "", transform=ax_hist.transAxes, va="top", fontsize=10))
    ax_hist.legend(loc="upper right", fontsize=9)
    grid = np.arange(0, 0.91, 0.05)
    curve = padding_curve(np.random.default_rng(seed), grid, repeats=8, batch=batch,
                          max_len=max_len, features=features)
    order = np.argsort(curve["pad"])  # measured fractions, in increasing order
    for key, label, color in (("bn_mean", "BN: |mu error|", VERMILLION),
                              ("bn_std", "BN: |sigma error|", ORANGE),
                              ("ln", "LN: any error", SHARED)):
        ax_err.plot(curve["pad"][order], curve[key][order], "o-", ms=3, color=color, label=label)
    ax_err.set(xlim=(-0.02, 1), ylim=(-0.05, 1.2), xlabel="padding fraction",
               ylabel="error (feature average)", title="statistics vs real tokens only")
    ax_err.legend(loc="upper left", fontsize=9)
    markers = live.animate(ax_err.plot([], [], "ks", ms=7, mfc="none")[0])

    def draw(data):
        x, mask = data["x"], data["mask"]
        values, real_values = x[..., -1].ravel(), x[..., -1][mask]  # the last feature
        top = max(np.histogram(real_values, bins)[0].max(), 1)  # the padding spike goes off top
        every.set_data(np.histogram(values, bins)[0] / top)
        real.set_data(np.histogram(real_values, bins)[0] / top)
        mu_line.set_xdata([real_values.mean()] * 2)
        bn_line.set_xdata([values.mean()] * 2)
        stats.set_text(f"real: mean {real_values.mean():.2f}\n      std {real_values.std():.2f}\n"
                       f"BN:  mean {values.mean():.2f}\n      std {values.std():.2f}")
        mask_image.set_data(mask)
        mask_title.set_text(f"padded batch: {100 * data['pad']:.0f}% padding (grey)")
        markers.set_data([data["pad"]] * 3, [data["bn_mean"], data["bn_std"], data["ln"]])
        live.refresh()

    return live, draw


def tables_figure():
    """BatchNorm and LayerNorm on an (N, D) batch, side by side (a pyplot figure)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.2), dpi=80, layout="constrained")
    draw_table(axes[0], "batch")
    draw_table(axes[1], "layer")
    return fig


def cubes_figure(groups=3):
    """Wu & He's four cubes: BatchNorm, LayerNorm, InstanceNorm, GroupNorm (a pyplot figure)."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(12, 3.3), dpi=80, layout="constrained")
    draw_cubes(fig, groups)
    return fig
