"""Notebook 04's derivation table gives the math only until the learner has tried the exercise:
the button refuses before an attempt, shows the code after one, and a passing check shows it. What
the panel shows is its Output widgets' state, never output captured while the cell runs (which
can hang Voila's render: nb04_table.shown_output)."""

import os
import sys

from jupyter_client.manager import KernelManager

from bn_core.exercises import nb04, solutions
from bn_core.exercises.checker import Exercise
from bn_core.panels import nb04_backward
from bn_core.panels.nb04_table import derivation_panel


def fresh_backward():
    ex = nb04.backward
    return Exercise(ex.key, ex.signature, ex.reference, ex.cases, ex.mistakes, ex.hints,
                    returns=ex.returns)


def shown(panel):
    """The Markdown the table's Output widget shows (the same as panel.markdown)."""
    (table_output,) = panel.children[0].outputs
    assert table_output["data"]["text/markdown"] == panel.markdown
    return panel.markdown


def note(panel):
    return "".join(o["text"] for o in panel.children[2].outputs)


def test_the_table_hides_the_code_until_an_attempt():
    assert "dx += np.ones_like" not in nb04_backward.derivation_table(with_code=False)
    ex = fresh_backward()
    panel = derivation_panel(ex)
    assert "dstd = -dinv_std" not in shown(panel) and "backward rule" in shown(panel)
    panel.children[1].click()
    assert "dstd = -dinv_std" not in shown(panel)
    assert panel.refused and "run its check first" in note(panel)
    ex.check(lambda dout, cache: (dout, dout.sum(0), dout.sum(0)))  # a wrong attempt
    panel.children[1].click()
    assert "dstd = -dinv_std" in shown(panel) and note(panel) == ""


def test_a_passing_check_shows_the_code():
    ex = fresh_backward()
    panel = derivation_panel(ex)
    ex.check(solutions.bn_backward)
    assert "dstd = -dinv_std" in shown(panel) and panel.children[1].layout.display == "none"


def test_the_panel_captures_no_output_while_its_cell_runs(tmp_path):
    """In a kernel, the cell that shows the panel sets no Output widget's msg_id (what `with out:`
    does, and what makes nbclient send on the shell channel while it waits for the reply)."""
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(tmp_path), env={**os.environ, "BN_CORE_PREBUILD": "off",
                                                 "PYTHONPATH": os.pathsep.join(sys.path)})
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        msg_id = client.execute("from IPython.display import display\n"
                                "from bn_core.exercises import nb04\n"
                                "from bn_core.panels.nb04_table import derivation_panel\n"
                                "display(derivation_panel(nb04.backward))")
        seen = []
        while True:
            msg = client.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            seen.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        kinds = [m["msg_type"] for m in seen]
        assert "error" not in kinds, [m["content"] for m in seen if m["msg_type"] == "error"]
        assert "display_data" in kinds and "clear_output" not in kinds
        captures = [m for m in seen if m["msg_type"] == "comm_msg"
                    and m["content"]["data"].get("state", {}).get("msg_id")]
        assert captures == []
        displayed = [m["content"]["data"] for m in seen if m["msg_type"] == "display_data"]
        assert all("text/markdown" not in data for data in displayed)  # only the VBox's view
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
