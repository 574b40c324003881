"""Notebook 06's prediction: the sign of an off-diagonal entry of BN's Jacobian."""

from bn_core.ui.predict import Prediction


def jacobian_sign(jac, i=0, j=1):
    """The Prediction for entry jac[i, j] (i != j) of a measured Jacobian, jac: (N, N)."""
    if i == j:
        raise ValueError(f"i, j: got {i}, {j}; expected an off-diagonal entry (i != j)")
    entry = float(jac[i, j])
    answer = 2 if abs(entry) < 1e-12 else (0 if entry < 0 else 1)
    text = (f"dy_{i}/dx_{j} = {entry:+.3f} (its own input's pull, dy_{i}/dx_{i}, is "
            f"{float(jac[i, i]):+.3f}; N = {len(jac)})")
    choices = (f"y_{i} goes down (dy_{i}/dx_{j} < 0)", f"y_{i} goes up (dy_{i}/dx_{j} > 0)",
               f"y_{i} does not move: it depends on x_{i} only")
    return Prediction(f"Training mode, the batch of {len(jac)} above. Raise example {j}'s input "
                      f"x_{j} a little, leaving x_{i} alone. What does example {i}'s output y_{i} "
                      f"do?", choices,
                      explain=f"Raising x_{j} raises the batch mean, which every output "
                              f"subtracts; only when x_{i} and x_{j} sit at opposite extremes "
                              "does the widening std win and flip the sign."
                      ).measured(answer, text)
