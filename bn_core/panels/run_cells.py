"""Open a notebook as its kernel does, without Jupyter: every code cell of notebooks/<name>, in
order, in one namespace, in the notebook's folder. For warming a machine (the notebook's results
and first pictures end up in the cache, whatever its cells do) and for tests of what a kernel pays.

    ns = run_notebook("06_batch_couples_examples.ipynb")   # the cells' names: ns["res"], ...

Lines starting with % or ! (IPython magics) are skipped; what the cells print is dropped unless
quiet=False.
"""

import contextlib
import io
import json
import os
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def run_notebook(name, quiet=True):
    """Run notebooks/<name>'s code cells; return their namespace (a dict)."""
    path = NOTEBOOKS / name
    if not path.is_file():
        raise ValueError(f"name: got {name!r}; expected a notebook of {NOTEBOOKS}")
    cells = [cell for cell in json.loads(path.read_text())["cells"]
             if cell["cell_type"] == "code"]
    namespace, here = {"__name__": "__main__"}, os.getcwd()
    out = io.StringIO() if quiet else None
    try:
        os.chdir(NOTEBOOKS)
        with contextlib.redirect_stdout(out) if quiet else contextlib.nullcontext():
            for cell in cells:
                lines = "".join(cell["source"]).splitlines()
                code = "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
                exec(compile(code, str(path), "exec"), namespace)  # noqa: S102  (our notebooks)
    finally:
        os.chdir(here)
    return namespace
