"""The text alternatives of notebook 04's figures, from what they draw (numpy only, no matplotlib):
the forward graph (a fixed picture) and the scale-invariance panel at the a on show.

    graph_text(nodes, step_nodes)           nb04_backward.NODES, STEP_NODES -> the graph in words
    scale_text(readout, dx_norm, dx1_norm)  ScalePanel at a: its readout(a) and |dx(a)|, |dx(1)|
"""


def graph_text(nodes, step_nodes):
    """nodes: [(name, forward line, (x, y))]; step_nodes: {backward step k: node name}."""
    forward = "; ".join(line for _, line, _ in nodes)
    backward = ", ".join(f"{k}: {name}" for k, name in sorted(step_nodes.items()))
    return (f"The forward graph of batch norm, left to right: {forward}. The backward pass runs "
            f"right to left in 7 numbered steps ({backward}). x and xc each feed two paths: "
            "their gradients add.")


def scale_text(readout, dx_norm, dx1_norm):
    """readout: ScalePanel.readout(a) {"a", "max |BN(ax) - BN(x)|", "|a dx(a)| / |dx(1)|"};
    dx_norm = |dx(a)|, dx1_norm = |dx(1)|."""
    a, gap, ratio = (readout[k] for k in ("a", "max |BN(ax) - BN(x)|", "|a dx(a)| / |dx(1)|"))
    return (f"Scale a = {a:.3g}. Left: outputs BN(a x) against BN(x) (on the diagonal if "
            f"equal): largest difference {gap:.1e}. Middle: "
            f"gradients a dx(a) against dx(1): |a dx(a)| / |dx(1)| = {ratio:.4f}. Right: "
            f"|dx(a)| = {dx_norm:.3g} against a (the marker) and the line |dx(1)| / a = "
            f"{dx1_norm / a:.3g} (they part where a squared times var nears eps).")
