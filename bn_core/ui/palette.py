"""One colour and one name per idea, for every figure of the series.

The colours are Okabe & Ito's set (2008), which stays distinct for the common colour-vision
deficiencies; nothing tells two ideas apart by red against green alone. An idea keeps its colour
and its words in every notebook: "without BN" is vermillion and keyed "plain" wherever it appears.
A colour is reused only by ideas that never share a figure (the three stages of one layer in 01,
the norms of 07).

    from bn_core.ui.palette import COLORS, LABELS
    ax.plot(steps, acc["bn"], color=COLORS["bn"], label=LABELS["bn"])
"""

# Okabe & Ito, "Color Universal Design" (2008)
BLACK, ORANGE, SKY, GREEN = "#000000", "#E69F00", "#56B4E9", "#009E73"
YELLOW, BLUE, VERMILLION, PURPLE = "#F0E442", "#0072B2", "#D55E00", "#CC79A7"
GREY, LIGHT = "0.45", "0.75"  # reference lines, context

COLORS = {
    # the networks the experiments compare
    "bn": BLUE,  # BN before the activation, trainable gamma and beta
    "plain": VERMILLION,  # the same network without BN
    "noisy": GREEN,  # BN with jitter injected into its batch statistics
    "frozen": PURPLE,  # BN with gamma = 1, beta = 0 frozen
    "mean_only": ORANGE,  # BN that centres and does not scale
    "bn_after": SKY,  # BN after the activation
    # the norms
    "batchnorm": BLUE,
    "layernorm": ORANGE,
    "groupnorm": GREEN,
    # one layer, stage by stage: x -> x_hat -> y = gamma * x_hat + beta
    "raw": ORANGE,
    "normalized": SKY,
    "output": BLUE,
    # roles
    "train": BLUE,
    "test": ORANGE,
    "highlight": VERMILLION,  # the one thing a control moves (a marker, the chosen example)
    "reference": GREY,  # theory, chance, guide lines
    "context": LIGHT,
}

LABELS = {
    "bn": "with BN",
    "plain": "without BN",
    "noisy": "BN + noise",
    "frozen": "BN, gamma/beta frozen",
    "mean_only": "BN, centre only",
    "bn_after": "BN after activation",
    "batchnorm": "BatchNorm",
    "layernorm": "LayerNorm",
    "groupnorm": "GroupNorm",
    "raw": "raw x",
    "normalized": "normalized x_hat",
    "output": "output y = gamma * x_hat + beta",
    "train": "train",
    "test": "test",
}

# Colours for TEXT (HTML readouts, notes written on a figure): WCAG 2.1 AA asks a contrast of 4.5
# against the white page (ui.a11y.contrast; tests/test_a11y.py checks it). Lines and markers need
# 3 (non-text contrast): vermillion (3.9) passes as a line, not as text, so text that is meant
# to stand out takes this darker vermillion (5.3), and grey text 0.45 (4.7).
TEXT = {
    "highlight": "#B34D00",  # COLORS["highlight"] darkened to AA
    "reference": "#737373",  # GREY as "#rrggbb"
    "right": "#008000",  # a right answer
    "wrong": "#CC0000",  # a wrong answer, an error
}

# a few distinct colours for "unit 0, 1, 2, 3" plots, none of them the networks' bn/plain pair
UNIT_COLORS = (PURPLE, GREEN, ORANGE, SKY)


def depth_colors(n):
    """n colours for layers 1..n of one network, shallow to deep: Okabe-Ito's orange through
    reddish purple to black, evenly spaced (none of them the bn / plain pair of blue and
    vermillion). Returns a list of "#rrggbb" strings."""
    stops = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in (ORANGE, PURPLE, BLACK)]
    out = []
    for k in range(n):
        t = 0.0 if n == 1 else 2.0 * k / (n - 1)  # 0..2 along the two segments
        j = min(int(t), 1)
        a, b = stops[j], stops[j + 1]
        rgb = [round(x + (t - j) * (y - x)) for x, y in zip(a, b, strict=True)]
        out.append("#{:02x}{:02x}{:02x}".format(*rgb))
    return out
