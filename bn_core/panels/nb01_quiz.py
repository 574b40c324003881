"""Notebook 01's quiz: what BN fixes and what gamma and beta do."""

from bn_core.ui.quiz import Question


def bn_live_questions():
    """The quiz of notebook 01 (kept here, not in the notebook, so its source does not show the
    answers)."""
    return [
        Question("After a BN layer, every feature of the output has mean 0 and std 1.",
                 ["True", "False: mean beta_j, std |gamma_j|", "False: mean gamma_j, std beta_j"],
                 answer=1,
                 explain="x_hat has mean 0 and std 1 per feature; the output y = gamma * x_hat + "
                         "beta has mean beta and std |gamma|, and gamma, beta are trained."),
        Question("Batch norm normalizes each example over its 100 features.",
                 ["True", "False: each feature over the N examples of the batch"], answer=1,
                 explain="BN takes mean and std down a column (one feature, N examples). "
                         "Normalizing each example (a row) over its features is LayerNorm."),
        Question("gamma = -2 (shared). What is the std of every output feature?",
                 ["-2", "2", "4", "1"], answer=1,
                 explain="A std is never negative: std(gamma * x_hat) = |gamma| * std(x_hat) = 2. "
                         "The minus sign mirrors the distribution around beta."),
        Question("The previous layer drifts and adds 1000 to every input. What changes after BN?",
                 ["x_hat moves by 1000", "y moves by 1000 * gamma", "Nothing in x_hat or y"],
                 answer=2,
                 explain="mu moves by 1000 too, so x - mu and x_hat do not change: the shift "
                         "slider moves only the raw panel."),
    ]
