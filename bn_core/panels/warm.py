"""Warm a machine for a class: the default experiments' results (bn_core.experiments.warm) and the
first pictures of the notebooks served with pre-heated kernels (01 and 02, see voila.json), so that
no learner's kernel trains, imports matplotlib or draws anything before the learner moves a control:

    python -m bn_core.panels.warm       # once per machine and code version (Binder: postBuild)

It opens the panels as the notebooks do (same seeds, same defaults); each stores its pictures.
"""

from bn_core.experiments.cache import cache_dir, code_version
from bn_core.experiments.warm import warm as warm_results
from bn_core.ui.poster import drawing_version


def warm(timeout=600):
    """Fill the cache with the results, then the pictures. Returns the names of what was warmed."""
    from bn_core.panels.nb01_explorer import build_panel
    from bn_core.panels.nb02_forum import FreezePanel, ShiftPanel
    from bn_core.panels.nb02_what_stays_put import WhatStaysPut

    names = warm_results()
    build_panel(seed=0)  # notebook 01: the explorer at its defaults
    WhatStaysPut(lr=0.5, steps=1000, seed=0).wait(timeout)  # notebook 02, as its cells open it
    FreezePanel(lr=0.5, steps=200, seed=0).run.wait(timeout)
    shift = ShiftPanel(lr=0.5, steps=200, seed=0)
    shift.run.wait(timeout)
    shift.select("relu", lr=0.1).done.wait(timeout)
    return names + ["01 pictures", "02 pictures"]


if __name__ == "__main__":
    print(f"bn_core cache: {cache_dir() or 'off'} (results {code_version()}, "
          f"pictures {drawing_version()})")
    print("warm:", ", ".join(warm()))
