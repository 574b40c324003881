"""Numbers in words for the figures' text alternatives (bn_core/panels/nbNN_describe.py).

    num(-0.001, ".2f")             '0.00' (no sign on a zero)
    span(np.array([1.2, 4.5]), ".2f")   'from 1.20 to 4.50'; '0.50' if every value prints the same
"""


def num(value, fmt):
    """value formatted with fmt, without the sign of a negative zero ('-0.00' -> '0.00')."""
    text = format(value, fmt)
    return text.lstrip("-") if float(text) == 0 else text


def span(values, fmt):
    """'0.50' if every value prints the same, else 'from -1.2 to 4.5': values (M,)."""
    lo, hi = num(values.min(), fmt), num(values.max(), fmt)
    return lo if lo == hi else f"from {lo} to {hi}"
