"""axe-core on a notebook page: which WCAG 2.0 / 2.1 A and AA rules fail, and where.

axe-core comes from the npm registry (`npm install axe-core@4` into tests/browser/node_modules,
done by tests/run.sh; gitignored) and is injected from disk, so a run needs no network:

    found = audit(page)                  # [Violation(rule, impact, where, target, html), ...]
    serious(found)                       # those an assistive-technology user is blocked by
    summary(found)                       # {"content": {"image-alt": 3}, "chrome": {...}}
    assert_clean(page, "01_bn_live", "after Run All")   # no serious violation (the browser tests)

`where` separates our content from the application around it: "content" is a node inside a cell's
output or rendered Markdown (what the notebooks and bn_core put on the page), "chrome" anything
else (JupyterLab's menus, toolbars, code editors, prompts; Voila's page template).

    python tests/browser/axe.py [voila|lab ...]    # measure every notebook, print the table
"""

import collections
import json
import sys
from dataclasses import dataclass
from pathlib import Path

AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = ("serious", "critical")
CONTENT = ".jp-OutputArea-output, .jp-MarkdownOutput, .jp-RenderedMarkdown"

RUN_AXE = """async ([tags, content]) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']});
  return result.violations.flatMap(v => v.nodes.map(n => {
    let el = null;
    try { el = document.querySelector(n.target[n.target.length - 1]); } catch (e) {}
    return {rule: v.id, impact: n.impact || v.impact, target: n.target.join(' '),
            html: n.html.slice(0, 200),
            where: el !== null && el.closest(content) !== null ? 'content' : 'chrome'};
  }));
}"""


@dataclass(frozen=True)
class Violation:
    """One node failing one rule: rule id, impact (minor ... critical), where (content/chrome),
    the node's CSS selector and the start of its HTML."""

    rule: str
    impact: str
    where: str
    target: str
    html: str


def missing():
    """Why axe-core cannot run here (None when it can)."""
    if AXE_JS.is_file():
        return None
    return f"{AXE_JS} is missing: `npm install axe-core@4` in {AXE_JS.parent.parent} (tests/run.sh)"


def audit(page):
    """Run axe-core (WCAG 2.0 / 2.1, A and AA) on the page; every violating node, one each."""
    if missing():
        raise FileNotFoundError(missing())
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return [Violation(**v) for v in page.evaluate(RUN_AXE, [TAGS, CONTENT])]


def serious(found, where=None):
    """The serious and critical violations of `found` (only those in `where` if given)."""
    return [v for v in found if v.impact in SERIOUS and (where is None or v.where == where)]


# JupyterLab's own markup fails four rules on every notebook without bn-lab-a11y (labextension/,
# installed by requirements.txt): a page of Lab must show that it loaded.
LAB_EXTENSION = "bn-lab-a11y"
LOADED = "(name) => Boolean(window._JUPYTERLAB && window._JUPYTERLAB[name])"


def assert_clean(page, notebook, when):
    """No serious or critical violation on the page, in our content or in the application around
    it (Lab's or Voila's), and in JupyterLab the extension bn-lab-a11y loaded. Does nothing when
    axe-core is not installed (test_accessibility.py skips, saying so)."""
    if missing():
        return
    if "/lab/" in page.url:  # JupyterLab (Voila's pages are /voila/render/...)
        assert page.evaluate(LOADED, LAB_EXTENSION), (
            f"JupyterLab did not load the extension {LAB_EXTENSION}: `pip install -r "
            "requirements.txt` installs it into <sys.prefix>/share/jupyter/labextensions")
    found = [f"{v.rule} ({v.impact}, {v.where}): {v.target} {v.html}" for v in serious(audit(page))]
    assert found == [], f"{notebook} {when}: serious or critical violations {found}"


def summary(found):
    """{where: {rule: number of nodes}} of the serious and critical violations."""
    out = collections.defaultdict(collections.Counter)
    for v in serious(found):
        out[v.where][v.rule] += 1
    return {where: dict(rules) for where, rules in sorted(out.items())}


def measure(kinds=("voila", "lab")):
    """Open every notebook in each kind of server, run axe, print one JSON line per page."""
    import tempfile

    import conftest
    import servers
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        browser = servers.launch_chromium(playwright)
        for kind in kinds:
            with servers.serve(kind, conftest.NOTEBOOK_DIR, Path(tmp) / kind) as server:
                app = conftest.App(kind, server, browser)
                for path in conftest.NOTEBOOKS:
                    try:
                        found = audit(app.run(path.name))
                        row = {"kind": kind, "notebook": path.stem, **summary(found),
                               "nodes": [v.__dict__ for v in serious(found)]}
                    except Exception as error:  # noqa: BLE001  (measure the other pages)
                        row = {"kind": kind, "notebook": path.stem, "error": str(error)[:300]}
                    print(json.dumps(row), flush=True)
                    app.release(path.name)
        browser.close()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    measure(tuple(sys.argv[1:]) or ("voila", "lab"))
