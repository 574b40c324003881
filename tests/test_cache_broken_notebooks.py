"""Every notebook passes nbval, with no output on stderr in any cell, from a copy of a warm cache in
which every file (result or picture) is cut to half its size: the kernels compute and draw again,
silently. Slow: it warms a cache first unless the user's cache is warm for this code version, then
runs every notebook on a broken cache (about as long as on no cache at all)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from bn_core.experiments.cache import _read, cache_dir, code_version
from bn_core.ui.poster import complete, drawing_version

ROOT = Path(__file__).resolve().parents[1]
PICTURES = 28  # as tests/test_poster.py counts what warm stores


def env_with(cache):
    path = os.pathsep.join([str(ROOT), str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "BN_CORE_CACHE_DIR": str(cache), "MPLBACKEND": "Agg",
            "PYTHONPATH": path}


def warm_cache(tmp_path):
    """A warm cache for this code version: the user's own if it is warm, else one warmed now."""
    mine = cache_dir()
    if mine is not None and (mine / code_version()).is_dir() and len(list(
            (mine / "posters" / drawing_version()).glob("*.*"))) >= PICTURES:
        return mine
    subprocess.run([sys.executable, "-m", "bn_core.panels.warm"], env=env_with(tmp_path / "warm"),
                   check=True, capture_output=True, timeout=1800)
    return tmp_path / "warm"


def broken_copy(warm, into):
    """Copy this version's results and pictures of `warm` into `into`, each file cut in half."""
    for part in (code_version(), f"posters/{drawing_version()}"):
        shutil.copytree(warm / part, into / part)
    files = [p for p in into.rglob("*") if p.is_file()]
    for path in files:
        path.write_bytes(path.read_bytes()[:path.stat().st_size // 2])
    return files


def test_every_notebook_passes_on_a_cache_with_every_file_cut(tmp_path):
    files = broken_copy(warm_cache(tmp_path), tmp_path / "broken")
    assert len([p for p in files if p.suffix == ".pkl"]) >= 15
    assert len([p for p in files if p.suffix in (".png", ".jpeg")]) >= PICTURES
    notebooks = sorted(str(p) for p in (ROOT / "notebooks").glob("*.ipynb"))
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "nbval_no_stderr",
         "--nbval-lax", "--nbval-current-env", *notebooks],
        env=env_with(tmp_path / "broken"), capture_output=True, text=True, timeout=3600, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-5000:]
    # the kernels read the broken files, computed and drew again and stored what they made
    rewritten = [p for p in files if p.exists() and (
        complete(p.read_bytes(), p.suffix[1:]) if p.suffix in (".png", ".jpeg")
        else _read(p)[0])]
    left = sorted(p.parent.name if p.suffix == ".pkl" else p.name.split("-")[0]
                  for p in files if p not in rewritten)
    print(f"{len(rewritten)} of {len(files)} broken files rewritten; left broken: {left}")
    assert len(rewritten) >= len(files) // 2
