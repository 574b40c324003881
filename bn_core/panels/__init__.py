"""Each notebook's figures and controls, in modules named after the notebook: `nbNN_*.py` draws
notebook NN. Panels build on `bn_core.ui` (the shared widgets) and `bn_core.experiments` (the
numbers); nothing below them imports them.
"""
