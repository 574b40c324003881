"""Notebook 07's graded hints: 1 asks which numbers share a mean, 2 names the axes, 3 says how to
keep the shapes lined up (keepdims, reshape). Kept apart so the exercises stay short."""

HINTS = {
    "ln1": "Which numbers should share one mean? In batch norm it is a column: one feature over "
           "the N examples. Here, which numbers of x does each example's mean average?",
    "ln2": "Each example (row) is normalized over its own D features: the reductions run along "
           "axis=1 instead of axis=0. gamma and beta stay (D,), one per feature.",
    "ln3": "With axis=1 the mean has shape (N,): keep it a column, (N, 1), with keepdims=True "
           "(or mu[:, None]), so x - mu subtracts example i's mean from row i.",
    "c1": "Which numbers should share one mean? A channel of a convolution is what a feature is "
          "to a Linear layer: which examples and which positions does channel c's mean average?",
    "c2": "Every example AND every position: the statistics are over axes (0, 2, 3), one mean "
          "and one variance per channel.",
    "c3": "Use keepdims=True so mu and var have shape (1, C, 1, 1), and reshape gamma and beta "
          "to (1, C, 1, 1) (gamma.reshape(1, -1, 1, 1)). If you reshape x to (-1, C) instead, "
          "move C last first: x.transpose(0, 2, 3, 1).reshape(-1, C), and back at the end.",
}
