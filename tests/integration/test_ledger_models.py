"""Ledger tables on a real database: exact money, JSON, and the constraints that keep versions."""

import hashlib
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from alliance.auth.models import User
from alliance.db import db
from alliance.ledgers.models import (
    LedgerFile,
    LedgerLine,
    LedgerMapping,
    LedgerUpload,
    LedgerVersion,
    Limb,
)


@pytest.fixture
def session(app, world):
    with app.app_context():
        yield db.session


def a_file(session, content: bytes = b"Category,Amount\nStaff,1.10\n") -> LedgerFile:
    sha = hashlib.sha256(content).hexdigest()
    row = LedgerFile(sha256=sha, content=content, size=len(content), media_type="text/csv")
    session.add(row)
    session.flush()
    return row


def a_version(session, world, file: LedgerFile, number: int = 1, **fields) -> LedgerVersion:
    user = session.scalars(select(User).where(User.email == world.emails["finance_lead"])).one()
    defaults = {
        "period_start": date(2026, 4, 1),
        "period_end": date(2027, 3, 1),
        "filename": "ledger.csv",
        "line_count": 0,
        "total": Decimal("0.00"),
    }
    version = LedgerVersion(
        alliance_id=world.alliance_id,
        organisation_id=world.orgs["trust"],
        number=number,
        file_sha256=file.sha256,
        submitted_by_id=user.id,
        **(defaults | fields),
    )
    session.add(version)
    session.flush()
    return version


def test_a_version_keeps_its_lines_in_order_with_exact_pounds(session, world):
    version = a_version(
        session,
        world,
        a_file(session),
        total=Decimal("0.30"),
        line_count=3,
        notices=[{"where": "Ledger!F14", "message": "Unknown category", "severity": "warning"}],
        mapping={"Amount": "amount"},
    )
    amounts = [Decimal("0.10"), Decimal("0.20"), Decimal("-12345678901.99")]
    for position, amount in reversed(list(enumerate(amounts, start=1))):
        session.add(
            LedgerLine(
                version_id=version.id,
                position=position,
                source=f"Ledger!F{position + 1}",
                amount=amount,
                limb=Limb.LIMB1,
                period_start=date(2026, 4, 1),
            )
        )
    session.commit()
    session.expunge_all()

    stored = session.get(LedgerVersion, version.id)

    assert [line.amount for line in stored.lines] == amounts
    assert all(isinstance(line.amount, Decimal) for line in stored.lines)
    assert stored.lines[0].source == "Ledger!F2"
    assert stored.lines[0].formula is False and stored.lines[0].category_text == ""
    assert stored.total == Decimal("0.30")
    assert stored.notices[0]["where"] == "Ledger!F14"
    assert stored.mapping == {"Amount": "amount"}
    assert stored.submitted_at.tzinfo is not None
    assert stored.organisation.name == "Vale Trust"
    assert stored.period_label == "April 2026 to March 2027"


def test_two_versions_of_one_ledger_cannot_share_a_number(session, world):
    a_version(session, world, a_file(session), number=1)

    with pytest.raises(IntegrityError):
        a_version(session, world, a_file(session, b"other"), number=1)


def test_the_same_file_cannot_be_submitted_twice_for_one_ledger(session, world):
    file = a_file(session)
    a_version(session, world, file, number=1)

    with pytest.raises(IntegrityError):
        a_version(session, world, file, number=2)


def test_a_version_cannot_end_before_it_starts(session, world):
    with pytest.raises(IntegrityError):
        a_version(session, world, a_file(session), period_end=date(2026, 3, 1))


def test_a_staged_upload_gets_an_unguessable_id_and_keeps_its_options(session, world):
    user = session.scalars(select(User).where(User.email == world.emails["finance_lead"])).one()
    upload = LedgerUpload(
        alliance_id=world.alliance_id,
        organisation_id=world.orgs["trust"],
        user_id=user.id,
        filename="ledger.xlsx",
        sha256="0" * 64,
        content=b"PK\x03\x04",
        period_start=date(2026, 4, 1),
        period_end=date(2027, 3, 1),
        options={"mapping": {"E": "amount"}, "sheet": "Ledger", "header_row": 3, "scale": 1},
    )
    session.add(upload)
    session.commit()
    session.expunge_all()

    stored = session.get(LedgerUpload, upload.id)

    assert len(stored.id) == 32 and int(stored.id, 16) >= 0
    assert stored.options["header_row"] == 3
    assert stored.based_on == 0
    assert stored.content == b"PK\x03\x04"


def test_an_organisation_remembers_one_mapping_per_layout(session, world):
    def mapping():
        return LedgerMapping(
            alliance_id=world.alliance_id,
            organisation_id=world.orgs["trust"],
            layout="a" * 64,
            mapping={"Amount": "amount"},
        )

    session.add(mapping())
    session.flush()
    session.add(mapping())

    with pytest.raises(IntegrityError):
        session.flush()
