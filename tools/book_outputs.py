"""The outputs of the web book's pages: run by book/outputs.mjs (the mystmd plugin in myst.yml)
once per `jupyter book build --html`, or by hand:

    python tools/book_outputs.py --out outputs.json notebooks/          # every notebook
    python tools/book_outputs.py --out outputs.json notebooks/01_bn_live.ipynb

1. warms the cache (`python -m bn_core.panels.warm`: results and first pictures, so nothing trains
   while the notebooks run; about 1 s when it is warm already);
2. runs each notebook (two kernels at a time) in a kernel that starts with
   bn_core.ui.book.install() (an IPython startup file in a private IPython dir): every widget a
   cell displays also gets a text/html form a page without a kernel can show (its stored picture,
   its question and answer...);
3. writes {absolute notebook path: [{"source": code, "outputs": [nbformat outputs]}, ...]} for the
   code cells, in order, to --out. A cell that raises fails the run (exit 1), as it would nbval.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STARTUP = "import bn_core.ui.book\nbn_core.ui.book.install()\n"
KERNELS = 2  # notebooks run at once: this series' machines have 2 cores
CELL_TIMEOUT_S = 600


def book_env(workdir):
    """The environment of the kernels: this venv first on PATH and as the kernel, the startup
    file in a private IPython dir, the repository importable."""
    startup = Path(workdir) / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-bn-book.py").write_text(STARTUP)
    env = dict(os.environ)
    env.update(IPYTHONDIR=str(Path(workdir) / "ipython"),
               JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"),
               PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
               MPLBACKEND="Agg", PYTHONHASHSEED="0")
    return env


def notebooks(paths):
    """Each path, a folder standing for its *.ipynb files, as absolute paths (str)."""
    found = []
    for p in map(Path, paths):
        found += sorted(p.glob("*.ipynb")) if p.is_dir() else [p]
    missing = [str(p) for p in found if not p.is_file()]
    if missing or not found:
        raise ValueError(f"expected notebooks (.ipynb files or folders of them), got {paths}")
    return [str(p.resolve()) for p in found]


async def run_one(path, limit):
    """The code cells of notebook `path` after a run: [{"source": str, "outputs": list}]."""
    import nbformat
    from nbclient import NotebookClient

    async with limit:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                                resources={"metadata": {"path": str(Path(path).parent)}})
        # the kernel's stderr holds only its TCP warning here: a cell's error is an output
        await client.async_execute(stderr=subprocess.DEVNULL)
    return [{"source": cell.source, "outputs": cell.outputs}
            for cell in nb.cells if cell.cell_type == "code"]


async def run_all(paths):
    limit = asyncio.Semaphore(KERNELS)
    results = await asyncio.gather(*(run_one(p, limit) for p in paths))
    return dict(zip(paths, results))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="where to write the outputs (JSON)")
    parser.add_argument("--no-warm", action="store_true", help="skip the cache warm-up")
    parser.add_argument("paths", nargs="+", help="notebooks, or folders of notebooks")
    args = parser.parse_args(argv)
    paths = notebooks(args.paths)
    with tempfile.TemporaryDirectory(prefix="bn-book-") as workdir:
        os.environ.update(book_env(workdir))  # the kernels inherit it
        if not args.no_warm:
            print("bn-notebooks: warming the cache (python -m bn_core.panels.warm "
                  "--defaults-only: a page shows no lr tap)", flush=True)
            subprocess.run([sys.executable, "-m", "bn_core.panels.warm", "--defaults-only"],
                           cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        print(f"bn-notebooks: running {len(paths)} notebook(s) for the book", flush=True)
        outputs = asyncio.run(run_all(paths))
    Path(args.out).write_text(json.dumps(outputs))


if __name__ == "__main__":
    main()
