"""The sample ledgers: the committed files are the script's, each imports cleanly with the
total its own cells add up to, and the demo loads them (a second version with a diff)."""

import csv
import importlib.util
import io
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from alliance.actors import CLI
from alliance.db import db
from alliance.demo import LEDGER_FILES, LEDGER_YEAR, SAMPLE_LEDGERS, SERVICE_LINES
from alliance.ledgers import services, versions
from alliance.ledgers.structure import seed_structure
from alliance.members.models import Alliance, Organisation

SCRIPT = Path(__file__).resolve().parents[2] / "sample_ledgers" / "make_samples.py"
PROVIDERS = {"vale-mh-trust", "harbour-recovery", "open-door", "riverside-homes"}
LEADS = {
    "vale-mh-trust": "trust.finance@riverside.example",
    "harbour-recovery": "harbour.finance@riverside.example",
    "open-door": "opendoor.finance@riverside.example",
    "riverside-homes": "homes.finance@riverside.example",
}


def _script():
    spec = importlib.util.spec_from_file_location("make_samples", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_samples", module)
    spec.loader.exec_module(module)
    return module


def _cells(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_the_committed_samples_are_what_the_script_writes(tmp_path):
    written = _script().write_all(tmp_path)
    assert {path.name for path in written} == {name for _, name, _ in LEDGER_FILES}
    for path in written:
        committed = (SAMPLE_LEDGERS / path.name).read_bytes()
        if path.suffix == ".csv":
            assert committed == path.read_bytes(), f"run make_samples.py again: {path.name}"
        else:
            assert _cells(committed) == _cells(path.read_bytes()), path.name
    again = _script().write_all(tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in written]


# --- each file's total, read straight from its cells (not from the importer) ------------


def _money(value) -> Decimal:
    if isinstance(value, str):
        return Decimal(value.replace("£", "").replace(",", "").strip())
    return Decimal(str(value))


def _rows_below(data: bytes, heading: str) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data), data_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == heading)
    return [row for row in rows[header + 1 :] if any(v is not None for v in row)]


def _template_total(data: bytes) -> tuple[Decimal, int]:
    rows = [row for row in _rows_below(data, "Month") if row[7] is not None]
    return sum((_money(row[7]) for row in rows), Decimal("0.00")), len(rows)


def _harbour_total(data: bytes) -> tuple[Decimal, int]:
    rows = _rows_below(data, "Date")
    assert rows[-1][0] == "Total"
    assert any(isinstance(row[6], str) and row[6].startswith("£") for row in rows)
    lines = rows[:-1]
    total = sum((_money(row[6]) for row in lines), Decimal("0.00"))
    assert _money(rows[-1][6]) == total  # the file's own Total row agrees
    return total, len(lines)


def _open_door_total(data: bytes) -> tuple[Decimal, int]:
    rows = _rows_below(data, "Service")
    assert rows[-1][0] == "Total"
    cells = [[v for v in row[2:14] if v is not None] for row in rows[:-1]]
    for row, amounts in zip(rows[:-1], cells, strict=True):
        assert _money(row[14]) == sum(map(_money, amounts))  # the Total column
    total = sum((_money(v) for amounts in cells for v in amounts), Decimal("0.00"))
    assert _money(rows[-1][14]) == total
    return total, sum(map(len, cells))


def _homes_total(data: bytes) -> tuple[Decimal, int]:
    text = data.decode("utf-8")
    assert "\r\n" in text and '"-1,250.00"' in text
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert {row[0] for row in rows} == {f"{m:%Y-%m}" for m in _script().MONTHS}
    return sum((_money(row[6]) for row in rows), Decimal("0.00")), len(rows)


TOTALS = {
    "vale-mh-trust-2026-27.xlsx": _template_total,
    "harbour-recovery-2026-27.xlsx": _harbour_total,
    "harbour-recovery-2026-27-v2.xlsx": _harbour_total,
    "open-door-2026-27.xlsx": _open_door_total,
    "riverside-homes-2026-27.csv": _homes_total,
}


def test_each_sample_imports_with_no_errors_and_the_total_its_cells_add_up_to(app, world):
    generated = _script().ledgers()
    start, end = LEDGER_YEAR
    with app.app_context():
        session = db.session
        alliance = session.get(Alliance, world.alliance_id)
        seed_structure(session, CLI, alliance, 2026, service_lines=SERVICE_LINES)
        session.commit()
        organisation = session.get(Organisation, world.orgs["trust"])
        for _slug, name, mapping in LEDGER_FILES:
            data = (SAMPLE_LEDGERS / name).read_bytes()
            expected, count = TOTALS[name](data)
            assert expected == sum((line.amount for line in generated[name]), Decimal("0"))
            assert count == len(generated[name])
            choices = services.Choices(start, end, mapping=mapping)
            preview = services.read_file(session, alliance, organisation, data, choices)
            assert "refused" not in preview, (name, preview.get("refused"))
            assert preview["problem_counts"]["error"] == 0, (name, preview["problems"])
            assert Decimal(preview["total"]) == expected, name
            assert preview["line_count"] == count, name
            periods = {line.period_start for line in preview["lines"]}
            assert periods == {f"{m:%Y-%m}-01" for m in _script().MONTHS}, name
            matched = sum(1 for line in preview["lines"] if line.category)
            assert matched >= 0.85 * count, name  # most lines are the alliance's categories
            if name.startswith("harbour"):
                assert preview["control_total"]["matches"] is True


def test_the_demo_loads_each_providers_ledger_and_harbours_correction(cli, app, monkeypatch):
    monkeypatch.setenv("ALLIANCE_DEMO_PASSWORD", "demo passphrase for tests")
    assert cli("demo").exit_code == 0
    generated = _script().ledgers()
    with app.app_context():
        session = db.session
        alliance = session.scalar(select(Alliance).where(Alliance.slug == "riverside"))
        current = versions.current_versions(session, alliance)
        by_slug = {version.organisation.slug: version for version in current}
        assert set(by_slug) == PROVIDERS and len(current) == 4
        for slug, version in by_slug.items():
            assert version.period_start == date(2026, 4, 1)
            assert version.period_end == date(2027, 3, 1)
            assert version.submitted_by.email == LEADS[slug]
            assert version.total == sum(line.amount for line in generated[version.filename])
            assert version.line_count == len(generated[version.filename])
        corrected = by_slug["harbour-recovery"]
        assert corrected.number == 2
        assert {v.number for v in current if v is not corrected} == {1}
        first = versions.previous_version(session, corrected)
        diff = versions.compare(session, first, corrected)
        assert (diff.added_count, diff.removed_count, diff.changed_count) == (1, 0, 2)
        assert (len(diff.added), len(diff.removed), len(diff.changed)) == (1, 0, 2)
        assert diff.total_before == first.total and diff.total_after == corrected.total
        assert diff.total_after - diff.total_before == Decimal("468.90")
        assert diff.added[0].description == "Winter outreach packs, late invoice"
    assert cli("audit", "verify").exit_code == 0
