"""Each real ledger, read through the bounded child process as an upload is, meets its outcome.

It is imported with the mapping a finance lead would confirm, with its line count, total and
the file's own control total, or stopped with the reason. None crashes; none takes ten seconds.
"""

from time import perf_counter

import pytest

from alliance.ledgers.worker import preview_file
from tests.integration.real_ledgers import EXPECTED, FILES, FOLDER, Blocked, Refused


@pytest.mark.parametrize("name", FILES)
def test_each_real_ledger_is_imported_or_refused_as_stated(name):
    expected = EXPECTED[name]
    started = perf_counter()
    preview = preview_file((FOLDER / name).read_bytes(), expected.options)
    elapsed = perf_counter() - started
    assert elapsed < 10, f"{name} took {elapsed:.1f} s"

    if isinstance(expected, Refused):
        assert preview["refused"]["code"] == expected.code
        assert expected.phrase in preview["refused"]["message"]
        return
    assert "refused" not in preview, preview["refused"]
    unmapped = set(expected.options.get("mapping", {})) - {c["name"] for c in preview["columns"]}
    assert not unmapped, f"headings not in the file: {unmapped}"
    errors = [p for p in preview["problems"] if p["severity"] == "error"]
    if isinstance(expected, Blocked):
        assert preview["problem_counts"]["error"] == expected.errors
        assert errors[0]["where"] == expected.first[0]
        assert expected.first[1] in errors[0]["message"]
    else:
        assert errors == []
        control = preview["control_total"]
        found = (control["label"], control["amount"]) if control else None
        assert found == expected.control
        assert control is None or control["matches"] is True
        said = " | ".join(p["message"] for p in preview["problems"])
        for phrase in expected.says:
            assert phrase in said
    assert preview["line_count"] == expected.lines
    assert preview["total"] == expected.total
