"""Keep notebooks small in git: execute them, keep only the outputs nbval compares.

    python tools/nbclean.py notebooks/01_*.ipynb            # execute, then clean
    python tools/nbclean.py --check notebooks/*.ipynb       # exit 1 if a notebook is not clean

A clean notebook has outputs only in cells marked `# NBVAL_CHECK_OUTPUT` (the numbers nbval checks),
no widget state, no execution counts elsewhere, and a python3 kernelspec (so JupyterLab does not
open a "Select Kernel" dialog).
"""

import argparse
import sys
from pathlib import Path

import nbformat

MARK = "# NBVAL_CHECK_OUTPUT"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def is_checked(cell):
    return cell.cell_type == "code" and MARK in cell.source


def clean(nb):
    """Strip everything but the checked outputs; return the cleaned notebook."""
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in ("tags",)}
        if cell.cell_type != "code":
            continue
        if is_checked(cell):
            kept = ("stream", "execute_result")
            cell.outputs = [o for o in cell.outputs if o.output_type in kept]
        else:
            cell.outputs = []
            cell.execution_count = None
    return nb


def problems(nb):
    """Why a notebook is not clean ([] if it is)."""
    found = []
    if nb.metadata.get("kernelspec", {}).get("name") != "python3":
        found.append("no python3 kernelspec")
    if "widgets" in nb.metadata:
        found.append("widget state saved in metadata")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.outputs and not is_checked(cell):
            found.append(f"cell {i} has outputs but is not marked {MARK}")
        if is_checked(cell) and not cell.outputs:
            found.append(f"cell {i} is marked {MARK} but has no stored output")
    return found


def execute(nb, path):
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="only report unclean notebooks")
    parser.add_argument("--no-execute", action="store_true", help="clean without executing")
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        if args.check:
            for p in problems(nb):
                print(f"{path}: {p}")
                status = 1
            continue
        if not args.no_execute:
            execute(nb, path)
        nbformat.write(clean(nb), path)
        print(f"cleaned {path}")
    return status


if __name__ == "__main__":
    sys.exit(main())
