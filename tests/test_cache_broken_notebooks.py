"""Every notebook passes nbval, with no output on stderr in any cell, from a copy of a warm cache in
which files are cut to half their size: the kernels compute and draw again, silently.

Notebooks 01, 04, 05 and 07 run on a copy with every file cut (results and pictures). Notebooks 02,
03, 06 and 08 train for a minute or more from no results (02: 73 s, 03: 50 s, 06: 33 s on this
2-core machine), so they run on a copy with every picture cut and their results whole: how a cut
result file is read, computed again and rewritten is the same code for every result
(experiments.cache, tests/test_cache_faults.py), and the first four notebooks' results cover it
here. Two notebooks at a time, from copies of the session's warm cache (tests/warm_cache.py)."""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from warm_cache import copy_cache

from bn_core.experiments.cache import _read
from bn_core.ui.poster import complete

ROOT = Path(__file__).resolve().parents[1]
PICTURES = 28  # as tests/test_poster.py counts what warm stores
KERNELS = 2  # notebooks run at once (two kernels on one broken cache, as in a class): 2 cores


def env_with(cache):
    path = os.pathsep.join([str(ROOT), str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "BN_CORE_CACHE_DIR": str(cache), "MPLBACKEND": "Agg",
            "PYTHONPATH": path}


def nbval(notebook, cache):
    """pytest --nbval-lax on one notebook, its kernel reading `cache` (the finished process)."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "nbval_no_stderr",
         "--nbval-lax", "--nbval-current-env", notebook],
        env=env_with(cache), capture_output=True, text=True, timeout=3600, cwd=ROOT)


PICTURES_ONLY = ("02", "03", "06", "08")  # their results are kept whole (the docstring)
ALL_CUT = ("01", "04", "05", "07")  # every file cut: results and pictures


def broken_copy(warm, into, results=True):
    """Copy this version's results and pictures of `warm` into `into`, each picture (and each
    result, if `results`) cut in half; return the cut files."""
    files = [p for p in copy_cache(warm, into).rglob("*") if p.is_file()
             and (results or p.suffix in (".png", ".jpeg"))]
    for path in files:
        path.write_bytes(path.read_bytes()[:path.stat().st_size // 2])
    return files


def test_every_notebook_passes_on_a_cache_with_its_files_cut(tmp_path, warm_cache):
    files = broken_copy(warm_cache[0], tmp_path / "broken")
    pictures = broken_copy(warm_cache[0], tmp_path / "pictures", results=False)
    assert len([p for p in files if p.suffix == ".pkl"]) >= 15
    assert len([p for p in files if p.suffix in (".png", ".jpeg")]) >= PICTURES
    assert len(pictures) == len([p for p in files if p.suffix in (".png", ".jpeg")])
    notebooks = [str(p) for p in sorted((ROOT / "notebooks").glob("*.ipynb"))  # with code:
                 if any(c["cell_type"] == "code" for c in json.loads(p.read_text())["cells"])]
    cache = {nb: tmp_path / ("pictures" if Path(nb).name[:2] in PICTURES_ONLY else "broken")
             for nb in notebooks}
    assert tuple(sorted(Path(nb).name[:2] for nb, c in cache.items() if c.name == "broken")) \
        == ALL_CUT
    with ThreadPoolExecutor(KERNELS) as pool:  # one nbval run per notebook, two at a time
        runs = list(pool.map(lambda nb: nbval(nb, cache[nb]), notebooks))
    for notebook, out in zip(notebooks, runs):
        assert out.returncode == 0, f"{notebook}:\n{out.stdout[-5000:]}"
    # the kernels read the cut files, computed and drew again and stored what they made: every
    # picture of the notebooks run on each copy, and the results notebooks 01, 04, 05 and 07 read
    cut = {"broken": files, "pictures": pictures}
    for name, shown in (("broken", ALL_CUT), ("pictures", PICTURES_ONLY)):
        theirs = [p for p in cut[name] if p.suffix in (".png", ".jpeg") and p.name[2:4] in shown]
        left = sorted(p.name.split("-")[0] for p in theirs if not whole(p))
        print(f"{name}: {len(theirs) - len(left)} of {len(theirs)} cut pictures of {shown} "
              f"drawn again; left cut: {left}")
        assert theirs and not left
    results = {p.parent.name for p in files if p.suffix == ".pkl" and whole(p)}
    print(f"results computed again: {sorted(results)}")
    assert {"bn_core.experiments.backward.backward_timing",  # 04's timing table
            "bn_core.experiments.inference.trained_mlp"} <= results  # 05's trained network

def whole(path):
    """True if the result or picture at `path` reads whole (rewritten since it was cut)."""
    if not path.exists():
        return False
    if path.suffix in (".png", ".jpeg"):
        return complete(path.read_bytes(), path.suffix[1:])
    return bool(_read(path)[0])
