"""Submitting ledgers on a real database: versions, originals, repeats, refusals and races."""

import hashlib
import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from alliance.actors import CLI, Actor
from alliance.audit.models import AuditEvent
from alliance.auth.models import User
from alliance.db import db
from alliance.errors import Forbidden
from alliance.ledgers import services, structure
from alliance.ledgers import versions as reads
from alliance.ledgers.models import LedgerFile, LedgerLine, LedgerUpload, LedgerVersion
from alliance.members.models import Alliance, Organisation
from alliance.members.services.people import membership_of
from tests.unit.ledger_files import workbook

START, END = date(2026, 4, 1), date(2027, 3, 1)

V1 = (
    b"Month,Cost category,Description,Amount\r\n"
    b'2026-04,Staff,Outreach workers,"12,000.00"\r\n'
    b"2026-04,Rent,Hub lease,2500.00\r\n"
    b"2026-05,Staff,Outreach workers,12000.00\r\n"
    b'2026-05,Management charge,Central costs,"(1,250.50)"\r\n'
)
V2 = (
    b"Month,Cost category,Description,Amount\r\n"
    b"2026-04,Staff,Outreach workers,12000.00\r\n"
    b"2026-04,Rent,Hub lease,2750.00\r\n"
    b"2026-06,Staff,Outreach workers,12100.00\r\n"
    b"2026-05,Management charge,Central costs,-1250.50\r\n"
)


@pytest.fixture
def session(app, world):
    with app.app_context():
        alliance = db.session.scalars(select(Alliance).where(Alliance.slug == "riverside")).one()
        structure.seed_structure(db.session, CLI, alliance, 2026)
        db.session.commit()
        yield db.session


def alliance_of(session) -> Alliance:
    return session.scalars(select(Alliance).where(Alliance.slug == "riverside")).one()


def org(session, world, key="trust") -> Organisation:
    return session.get(Organisation, world.orgs[key])


def person(session, role: str) -> Actor:
    user = session.scalars(select(User).where(User.email == f"{role}@riverside.example")).one()
    membership = membership_of(session, alliance_of(session), user)
    return Actor(user=user, via="web", organisation_id=membership.organisation_id)


def stage(session, role, data, name="ledger.csv", organisation=None, world=None):
    return services.stage_upload(
        session,
        person(session, role),
        alliance_of(session),
        organisation,
        filename=name,
        data=data,
        choices=services.Choices(START, END),
    )


def counts(session) -> tuple[int, int, int, int]:
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (LedgerVersion, LedgerLine, LedgerFile, LedgerUpload)
    )


def test_a_clean_file_becomes_version_1_with_its_lines_original_and_record(session, world):
    trust = org(session, world)
    upload, preview = stage(session, "finance_lead", V1, organisation=trust)
    assert preview["problem_counts"]["error"] == 0 and upload is not None
    version = services.submit_upload(
        session, person(session, "finance_lead"), alliance_of(session), upload
    )
    session.commit()

    assert (version.number, version.line_count, version.total) == (1, 4, Decimal("25249.50"))
    lines = reads.lines_of(session, version)
    assert [(line.source, line.amount, line.category_text) for line in lines] == [
        ("line 2, column D", Decimal("12000.00"), "Staff"),
        ("line 3, column D", Decimal("2500.00"), "Rent"),
        ("line 4, column D", Decimal("12000.00"), "Staff"),
        ("line 5, column D", Decimal("-1250.50"), "Management charge"),
    ]
    # "Rent" and "Management charge" are synonyms: counted under the alliance's categories.
    assert [line.cost_category.name for line in lines] == [
        "Staff",
        "Premises",
        "Staff",
        "Corporate overhead",
    ]
    assert [line.limb.value for line in lines] == ["limb1", "limb1", "limb1", "limb2"]
    stored = reads.original(session, version)
    assert stored.content == V1 and stored.sha256 == hashlib.sha256(V1).hexdigest()
    assert session.get(LedgerUpload, upload.id) is None
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "ledger_version_submit")
    ).one()
    assert event.summary["total"] == "25249.50" and event.summary["version"] == 1


def test_the_same_file_again_is_already_imported_and_adds_nothing(session, world):
    trust = org(session, world)
    upload, _ = stage(session, "finance_lead", V1, organisation=trust)
    services.submit_upload(session, person(session, "finance_lead"), alliance_of(session), upload)
    session.commit()
    before = counts(session)

    with pytest.raises(services.AlreadyImported, match=r"already imported on .* as version 1"):
        stage(session, "finance_lead", V1, organisation=trust)
    assert counts(session) == before


def test_a_correction_is_version_2_and_version_1_stays_readable_with_a_diff(session, world):
    trust = org(session, world)
    lead = person(session, "finance_lead")
    first, _ = stage(session, "finance_lead", V1, organisation=trust)
    v1 = services.submit_upload(session, lead, alliance_of(session), first)
    second, _ = stage(session, "finance_lead", V2, organisation=trust)
    v2 = services.submit_upload(session, lead, alliance_of(session), second)
    session.commit()

    assert [v.number for v in reads.versions_of(session, trust)] == [2, 1]
    assert reads.current_versions(session, alliance_of(session)) == [v2]
    diff = reads.compare(session, v1, v2)
    assert [(line.description, line.amount) for line in diff.added] == [
        ("Outreach workers", Decimal("12100.00"))
    ]
    assert [(line.period_start, line.amount) for line in diff.removed] == [
        (date(2026, 5, 1), Decimal("12000.00"))
    ]
    assert [(b.amount, a.amount) for b, a in diff.changed] == [
        (Decimal("2500.00"), Decimal("2750.00"))
    ]
    assert (diff.total_before, diff.total_after) == (Decimal("25249.50"), Decimal("25599.50"))
    assert reads.get_version(session, trust, 1).total == Decimal("25249.50")


def test_a_refused_file_leaves_only_its_refusal_on_the_record(session, world):
    trust = org(session, world)
    upload, preview = stage(session, "finance_lead", b"%PDF-1.7 not a ledger", organisation=trust)
    session.commit()

    assert upload is None and preview["refused"]["code"] == "wrong_type"
    assert counts(session) == (0, 0, 0, 0)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "ledger_upload_refused")
    ).one()
    assert "not a spreadsheet" in event.summary["reason"]


def test_a_file_with_errors_cannot_be_submitted(session, world):
    trust = org(session, world)
    bad = V1.replace(b"2500.00", b"TBC")
    upload, preview = stage(session, "finance_lead", bad, organisation=trust)
    assert preview["problems"][0]["where"] == "line 3, column D"
    with pytest.raises(services.UploadHasErrors, match="1 error"):
        services.submit_upload(
            session, person(session, "finance_lead"), alliance_of(session), upload
        )
    assert counts(session)[:3] == (0, 0, 0)


@pytest.mark.parametrize("role", ["observer", "commissioner", "board_representative", "manager"])
def test_only_a_finance_lead_submits(session, world, role):
    with pytest.raises(Forbidden):
        stage(session, role, V1, organisation=org(session, world))


def test_a_finance_lead_submits_only_for_their_own_organisation(session, world):
    with pytest.raises(Forbidden, match="own organisation"):
        stage(session, "finance_lead", V1, organisation=org(session, world, "charity"))


def test_two_racing_submissions_make_exactly_one_current_version(app, session, world):
    trust = org(session, world)
    first, _ = stage(session, "finance_lead", V1, organisation=trust)
    second, _ = stage(session, "finance_lead", V2, organisation=trust)
    session.commit()
    ids, outcomes = [first.id, second.id], []
    barrier = threading.Barrier(2)

    def submit(upload_id: str) -> None:
        barrier.wait()
        with app.app_context():
            own = db.session
            try:
                upload = own.get(LedgerUpload, upload_id)
                services.submit_upload(own, person(own, "finance_lead"), alliance_of(own), upload)
                own.commit()
                outcomes.append("ok")
            except services.SubmittedMeanwhile:
                own.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=submit, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "ok"]
    session.expire_all()
    (version,) = reads.versions_of(session, trust)
    lines = reads.lines_of(session, version)
    assert version.number == 1 and len(lines) == version.line_count == 4
    # Never a mixture: the lines are exactly one file's, and add up to its total.
    assert sum(line.amount for line in lines) == version.total
    assert version.total in (Decimal("25249.50"), Decimal("25599.50"))


def test_the_unpacked_size_limits_come_from_the_configuration(app, session, world):
    """ALLIANCE_LEDGER_MAX_PART_BYTES and ..._UNPACKED_BYTES: the zip directory is checked
    against the configured figures, and the refusal says what to do."""
    trust = org(session, world)
    data = workbook(
        {"Ledger": [["Month", "Cost category", "Amount"], *[["2026-04", "Staff", 10]] * 500]}
    )
    app.config["LEDGER_MAX_PART_BYTES"] = 4_000
    upload, preview = stage(session, "finance_lead", data, name="big.xlsx", organisation=trust)
    assert upload is None and preview["refused"]["code"] == "zip_bomb"
    assert "split it by period" in preview["refused"]["message"]

    app.config["LEDGER_MAX_PART_BYTES"] = 25 * 1024 * 1024
    app.config["LEDGER_MAX_UNPACKED_BYTES"] = 8_000
    upload, preview = stage(session, "finance_lead", data, name="big.xlsx", organisation=trust)
    assert upload is None and "The file unpacks to" in preview["refused"]["message"]

    app.config["LEDGER_MAX_UNPACKED_BYTES"] = 50 * 1024 * 1024
    upload, preview = stage(session, "finance_lead", data, name="big.xlsx", organisation=trust)
    assert upload is not None and preview["line_count"] == 500


def test_the_preview_page_shows_the_kept_reading_without_reading_the_file_again(
    session, world, monkeypatch
):
    trust = org(session, world)
    rows = b"".join(f"2026-{4 + i % 9:02d},Staff,Line {i},{i}.50\r\n".encode() for i in range(150))
    upload, first = stage(
        session, "finance_lead", b"Month,Category,Description,Amount\r\n" + rows, organisation=trust
    )
    session.commit()

    def read_again(*_args, **_kwargs):
        raise AssertionError("the staged file was read again")

    monkeypatch.setattr("alliance.ledgers.services.uploads.preview_file", read_again)
    shown = services.staged_preview(session, alliance_of(session), upload)

    assert shown["line_count"] == first["line_count"] == 150
    assert shown["total"] == first["total"]
    assert shown["lines"] == first["lines"][:100]
    assert len(shown["lines"]) == 100
