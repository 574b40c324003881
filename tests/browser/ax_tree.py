"""What a screen reader is given: Chromium's accessibility tree (the Chrome DevTools Protocol's
Accessibility domain), the tree NVDA, JAWS, VoiceOver and Orca read through the platform API.

    nodes = tree(page)                  # [AXNode(role, name, description, value, live, text)]
    node(page, ".bn-gamma input")       # the AXNode of one element
    [n for n in nodes if n.role == "slider"]

role is Chromium's computed role ("image", "slider", "status", "button", ...); name and
description its accessible name and description; value a control's value as said
(aria-valuetext when set); live the live region's politeness ("polite", "assertive" or ""); text
the text of the node's subtree (what a live region says when it changes).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class AXNode:
    role: str
    name: str
    description: str
    value: str
    live: str
    text: str


def _field(raw, key):
    value = (raw.get(key) or {}).get("value")
    return "" if value is None else str(value)


def _build(raw_nodes):
    """AXNodes of the not-ignored raw CDP nodes (with their subtree's text), in document order."""
    by_id = {n["nodeId"]: n for n in raw_nodes}

    def text(n, depth=0):
        if depth > 50:
            return ""
        if _field(n, "role") in ("StaticText", "text"):
            return _field(n, "name")
        parts = [text(by_id[c], depth + 1) for c in n.get("childIds", []) if c in by_id]
        return " ".join(p for p in parts if p)

    found = []
    for n in raw_nodes:
        if n.get("ignored"):
            continue
        props = {p["name"]: str(p.get("value", {}).get("value", ""))
                 for p in n.get("properties", [])}
        found.append(AXNode(_field(n, "role"), _field(n, "name"), _field(n, "description"),
                            _field(n, "value"), props.get("live", ""), text(n)))
    return found


def tree(page):
    """Every node of the page's accessibility tree that is not ignored, in document order."""
    session = page.context.new_cdp_session(page)
    try:
        session.send("Accessibility.enable")
        raw = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    return _build(raw)


def node(page, selector):
    """The AXNode of the first element matching the CSS `selector` (document order)."""
    session = page.context.new_cdp_session(page)
    try:
        root = session.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        found = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})
        assert found["nodeId"], f"no element matches {selector}"
        session.send("Accessibility.enable")
        raw = session.send("Accessibility.getPartialAXTree",
                           {"nodeId": found["nodeId"], "fetchRelatives": False})["nodes"]
    finally:
        session.detach()
    built = _build(raw)
    assert built, f"{selector}: not in the accessibility tree (ignored)"
    return built[0]
