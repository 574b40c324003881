"""Every notebook passes nbval, with no output on stderr in any cell, from a copy of a warm cache in
which every file (result or picture) is cut to half its size: the kernels compute and draw again,
silently. Slow: it runs every notebook on a broken cache (about as long as on no cache at all; two
notebooks at a time), from a copy of the session's warm cache (tests/warm_cache.py)."""

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


def broken_copy(warm, into):
    """Copy this version's results and pictures of `warm` into `into`, each file cut in half."""
    files = [p for p in copy_cache(warm, into).rglob("*") if p.is_file()]
    for path in files:
        path.write_bytes(path.read_bytes()[:path.stat().st_size // 2])
    return files


def test_every_notebook_passes_on_a_cache_with_every_file_cut(tmp_path, warm_cache):
    files = broken_copy(warm_cache[0], tmp_path / "broken")
    assert len([p for p in files if p.suffix == ".pkl"]) >= 15
    assert len([p for p in files if p.suffix in (".png", ".jpeg")]) >= PICTURES
    notebooks = [str(p) for p in sorted((ROOT / "notebooks").glob("*.ipynb"))  # with code:
                 if any(c["cell_type"] == "code" for c in json.loads(p.read_text())["cells"])]
    with ThreadPoolExecutor(KERNELS) as pool:  # one nbval run per notebook, two at a time
        runs = list(pool.map(lambda nb: nbval(nb, tmp_path / "broken"), notebooks))
    for notebook, out in zip(notebooks, runs):
        assert out.returncode == 0, f"{notebook}:\n{out.stdout[-5000:]}"
    # the kernels read the broken files, computed and drew again and stored what they made
    rewritten = [p for p in files if p.exists() and (
        complete(p.read_bytes(), p.suffix[1:]) if p.suffix in (".png", ".jpeg")
        else _read(p)[0])]
    left = sorted(p.parent.name if p.suffix == ".pkl" else p.name.split("-")[0]
                  for p in files if p not in rewritten)
    print(f"{len(rewritten)} of {len(files)} broken files rewritten; left broken: {left}")
    assert len(rewritten) >= len(files) // 2
