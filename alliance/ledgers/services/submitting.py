"""Submitting a clean preview: the next version, its lines, the original, the record."""

import hashlib
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.audit.services import record_event
from alliance.db import bulk_insert, utcnow
from alliance.ledgers.models import (
    CostCategory,
    LedgerFile,
    LedgerLine,
    LedgerMapping,
    LedgerUpload,
    LedgerVersion,
    ServiceLine,
)
from alliance.ledgers.rules import format_range
from alliance.ledgers.services.uploads import (
    Choices,
    SubmittedMeanwhile,
    UploadHasErrors,
    UploadRefused,
    check_submitter,
    current_number,
    display_name,
    read_file,
    refuse_duplicate,
    staged_choices,
)
from alliance.members.models import Alliance, Organisation


def submit_lines(
    session: Session,
    actor: Actor,
    alliance: Alliance,
    organisation: Organisation,
    *,
    filename: str,
    data: bytes,
    preview: dict,
    choices: Choices,
    based_on: int,
) -> LedgerVersion:
    """Store a clean preview as version ``based_on + 1``; refuse errors, repeats and races."""
    if "refused" in preview:
        raise UploadRefused(preview["refused"]["message"])
    if preview["problem_counts"]["error"]:
        count = preview["problem_counts"]["error"]
        raise UploadHasErrors(
            f"The file has {count:,} error{'s' if count != 1 else ''}; fix them and read it again."
        )
    sha256 = hashlib.sha256(data).hexdigest()
    refuse_duplicate(session, organisation, choices.start, choices.end, sha256)
    if current_number(session, organisation, choices.start, choices.end) != based_on:
        raise SubmittedMeanwhile(
            "Another upload of this ledger finished first; review the new version and submit again."
        )
    _keep_original(session, sha256, data, preview.get("kind", "csv"))
    version = LedgerVersion(
        alliance_id=alliance.id,
        organisation_id=organisation.id,
        period_start=choices.start,
        period_end=choices.end,
        number=based_on + 1,
        file_sha256=sha256,
        filename=display_name(filename),
        submitted_by_id=actor.user_id,
        submitted_at=utcnow(),
        line_count=preview["line_count"],
        total=Decimal(preview["total"]),
        mapping=preview.get("mapping") or {},
        notices=[p for p in preview["problems"] if p["severity"] != "error"],
        encoding=preview.get("encoding"),
        source_sheet=preview.get("sheet"),
    )
    session.add(version)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise SubmittedMeanwhile(
            "Another upload of this ledger finished first; review the new version and submit again."
        ) from None
    _store_lines(session, alliance, version, preview["lines"])
    _remember_mapping(session, alliance, organisation, preview)
    record_event(
        session,
        actor,
        "ledger_version_submit",
        alliance_id=alliance.id,
        organisation_id=organisation.id,
        object_type="ledger_version",
        object_id=version.id,
        summary={
            "organisation": organisation.name,
            "period": format_range(choices.start, choices.end),
            "version": version.number,
            "file": version.filename,
            "sha256": sha256,
            "lines": version.line_count,
            "total": str(version.total),
        },
    )
    return version


MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv",
}


def _keep_original(session: Session, sha256: str, data: bytes, kind: str) -> None:
    """Content-addressed: a second copy of the same bytes is not stored again."""
    if session.get(LedgerFile, sha256) is None:
        session.add(
            LedgerFile(sha256=sha256, content=data, size=len(data), media_type=MEDIA_TYPES[kind])
        )
        session.flush()


LINE_COLUMNS = (
    "version_id", "position", "source", "period_start", "period_months", "cost_category_id",
    "category_text", "service_line_id", "service_line_text", "limb", "description",
    "counterparty", "reference", "budget", "amount", "formula",
)  # fmt: skip


def _store_lines(session: Session, alliance: Alliance, version: LedgerVersion, lines) -> None:
    """The lines as the reading child made them, in one driver-level bulk insert (COPY on
    PostgreSQL, executemany on SQLite): their money is already exact decimal text and
    their limb a Limb value, and the table's CHECK constraints stand behind both."""
    categories = dict(
        session.execute(
            select(CostCategory.name, CostCategory.id).where(
                CostCategory.alliance_id == alliance.id
            )
        ).all()
    )
    services = dict(
        session.execute(
            select(ServiceLine.name, ServiceLine.id).where(ServiceLine.alliance_id == alliance.id)
        ).all()
    )
    session.flush()
    rows = (
        (
            version.id,
            position,
            line.source[:300],
            line.period_start,
            line.period_months,
            categories.get(line.category),
            line.category_text,
            services.get(line.service_line),
            line.service_line_text,
            line.limb,
            line.description,
            line.counterparty,
            line.reference,
            line.budget,
            line.amount,
            line.formula,
        )
        for position, line in enumerate(lines, start=1)
    )
    bulk_insert(session, LedgerLine.__table__, LINE_COLUMNS, rows)


def _remember_mapping(session, alliance, organisation, preview) -> None:
    layout, mapping = preview.get("layout"), preview.get("mapping")
    if not layout or not mapping:
        return
    found = session.scalar(
        select(LedgerMapping).where(
            LedgerMapping.organisation_id == organisation.id, LedgerMapping.layout == layout
        )
    )
    if found is None:
        session.add(
            LedgerMapping(
                alliance_id=alliance.id,
                organisation_id=organisation.id,
                layout=layout,
                mapping=mapping,
            )
        )
    else:
        found.mapping = mapping
        found.updated_at = utcnow()


def submit_upload(
    session: Session, actor: Actor, alliance: Alliance, upload: LedgerUpload
) -> LedgerVersion:
    """Read the staged file once more and, if it is clean, make it the next version."""
    organisation = upload.organisation
    check_submitter(session, actor, alliance, organisation)
    choices = staged_choices(upload)
    preview = read_file(session, alliance, organisation, upload.content, choices)
    version = submit_lines(
        session,
        actor,
        alliance,
        organisation,
        filename=upload.filename,
        data=upload.content,
        preview=preview,
        choices=choices,
        based_on=upload.based_on,
    )
    session.delete(upload)
    session.flush()
    return version
