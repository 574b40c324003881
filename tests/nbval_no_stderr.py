"""A pytest plugin for nbval runs (-p nbval_no_stderr): a notebook cell that writes anything to
stderr fails, as it would show in the learner's page (the cell's text in the failure)."""

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    errors = [out.get("text", "") for out in getattr(item, "test_outputs", None) or []
              if out.get("output_type") == "stream" and out.get("name") == "stderr"]
    assert not errors, f"the cell wrote to stderr: {''.join(errors)[:2000]}"
    return result
