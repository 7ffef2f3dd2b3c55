"""Comparing two ledger versions in the database agrees with counting lines in Python.

A line is the same line in both versions when its key (month, category, service line,
description, counterparty, reference) and amount are equal; a key whose amount moved is
changed; the rest are added or removed. The oracle here counts that with multisets.
"""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from alliance.db import db
from alliance.ledgers import versions
from alliance.ledgers.models import LedgerFile, LedgerLine, LedgerVersion
from alliance.members.models import Alliance

START, END = date(2026, 4, 1), date(2027, 3, 1)
KEY = ("period_start", "category_text", "service_line_text", "description", "counterparty",
       "reference")  # fmt: skip

line = st.fixed_dictionaries(
    {
        # Few values each, so that keys and amounts collide as they do in real corrections.
        "period_start": st.sampled_from([None, date(2026, 4, 1), date(2026, 5, 1)]),
        "category_text": st.sampled_from(["", "Staff", "Premises"]),
        "service_line_text": st.sampled_from(["", "Outreach"]),
        "description": st.sampled_from(["", "Rent", "Outreach workers"]),
        "counterparty": st.just(""),
        "reference": st.sampled_from(["", "INV-1"]),
        "amount": st.sampled_from([Decimal("1.00"), Decimal("2.50"), Decimal("-3.00")]),
    }
)


@pytest.fixture
def pair(app, world):
    """Two versions of one ledger, their lines replaced by each example."""
    with app.app_context():
        session = db.session
        alliance = session.scalars(select(Alliance).where(Alliance.slug == "riverside")).one()
        made = []
        for number in (1, 2):
            sha = f"{number:064x}"
            session.add(LedgerFile(sha256=sha, content=b"x", media_type="text/csv", size=1))
            version = LedgerVersion(
                alliance_id=alliance.id,
                organisation_id=world.orgs["trust"],
                period_start=START,
                period_end=END,
                number=number,
                file_sha256=sha,
                filename=f"v{number}.csv",
                line_count=0,
                total=Decimal("0.00"),
            )
            session.add(version)
            made.append(version)
        session.commit()
        yield session, *made


def put_lines(session, version, lines) -> None:
    session.execute(delete(LedgerLine).where(LedgerLine.version_id == version.id))
    for position, fields in enumerate(lines, start=1):
        session.add(
            LedgerLine(
                version_id=version.id, position=position, source=f"line {position}", **fields
            )
        )
    version.line_count = len(lines)
    version.total = sum((fields["amount"] for fields in lines), Decimal("0.00"))
    session.flush()


def expected(before: list[dict], after: list[dict]) -> dict:
    def marks(lines):
        return Counter((tuple(fields[k] for k in KEY), fields["amount"]) for fields in lines)

    gone, came = marks(before) - marks(after), marks(after) - marks(before)
    per_key_gone, per_key_came = Counter(), Counter()
    for (key, _), n in gone.items():
        per_key_gone[key] += n
    for (key, _), n in came.items():
        per_key_came[key] += n
    changed = sum(min(per_key_gone[k], per_key_came[k]) for k in per_key_gone | per_key_came)
    categories = Counter()
    for sign, lines in ((-1, before), (1, after)):
        for fields in lines:
            categories[fields["category_text"] or "(none)"] += sign * fields["amount"]
    return {
        "added": sum(came.values()) - changed,
        "removed": sum(gone.values()) - changed,
        "changed": changed,
        "gone": gone,
        "came": came,
        "categories": {name for name, change in categories.items() if change != 0},
    }


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(before=st.lists(line, max_size=12), after=st.lists(line, max_size=12))
def test_the_database_comparison_counts_what_python_counts(pair, before, after):
    session, old, new = pair
    put_lines(session, old, before)
    put_lines(session, new, after)

    diff = versions.compare(session, old, new, shown=5)
    want = expected(before, after)

    assert (diff.added_count, diff.removed_count, diff.changed_count) == (
        want["added"],
        want["removed"],
        want["changed"],
    )
    # Each list shows the first few, in file order, and only lines that did change.
    assert len(diff.added) == min(5, want["added"])
    assert len(diff.removed) == min(5, want["removed"])
    assert len(diff.changed) == min(5, want["changed"])
    for shown, side in ((diff.added, "came"), (diff.removed, "gone")):
        assert [row.position for row in shown] == sorted(row.position for row in shown)
        for row in shown:
            assert (tuple(getattr(row, k) for k in KEY), row.amount) in want[side]
    for before_line, after_line in diff.changed:
        assert [getattr(before_line, k) for k in KEY] == [getattr(after_line, k) for k in KEY]
        assert before_line.amount != after_line.amount
        assert (before_line.version_id, after_line.version_id) == (old.id, new.id)
    assert {name for name, _, _ in diff.by_category} == want["categories"]
    for name, total_before, total_after in diff.by_category:
        assert total_before == sum(
            (f["amount"] for f in before if (f["category_text"] or "(none)") == name),
            Decimal("0.00"),
        )
        assert total_after == sum(
            (f["amount"] for f in after if (f["category_text"] or "(none)") == name),
            Decimal("0.00"),
        )
    assert (diff.total_before, diff.total_after) == (old.total, new.total)


def test_a_line_that_only_moved_is_not_a_change(pair):
    session, old, new = pair
    rent = {
        "period_start": None,
        "category_text": "Premises",
        "service_line_text": "",
        "description": "Rent",
        "counterparty": "",
        "reference": "",
        "amount": Decimal("9.99"),
    }
    staff = rent | {"category_text": "Staff", "description": "Pay", "amount": Decimal("5.00")}
    put_lines(session, old, [rent, staff])
    put_lines(session, new, [staff, rent, rent | {"amount": Decimal("10.99")}])

    diff = versions.compare(session, old, new)

    assert (diff.added_count, diff.removed_count, diff.changed_count) == (1, 0, 0)
    assert [(row.position, row.amount) for row in diff.added] == [(3, Decimal("10.99"))]
    assert diff.by_category == [("Premises", Decimal("9.99"), Decimal("20.98"))]
