"""Uploading, previewing and submitting ledgers; reading versions. Flush, never commit.

The flow: ``stage_upload`` checks and reads the file in the bounded child and keeps it as
a staged upload (so the person can fix the mapping without uploading again);
``preview_staged`` reads it again with new choices; ``submit_upload`` reads it once more,
and only when there are no errors makes version n+1 of that organisation's ledger for that
period, atomically (a unique number per ledger: of two racing submissions one wins, the
other gets "another upload finished first"). A refused file leaves only its refusal on
the record. The same file twice for the same ledger is "already imported on …".
"""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app, has_app_context
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.audit.services import record_event
from alliance.db import utcnow
from alliance.errors import Conflict, DomainError, Forbidden, NotFound
from alliance.ledgers.mapping import FIELDS
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
from alliance.ledgers.safety import Limits
from alliance.ledgers.worker import Sandbox, preview_file
from alliance.members.models import Alliance, Organisation, Role
from alliance.members.services.people import membership_of

STAGED_FOR = timedelta(days=1)


class UploadRefused(DomainError):
    """The file cannot be taken (unsafe, unreadable, or no ledger table in it)."""

    status = 422
    code = "upload_refused"


class UploadHasErrors(DomainError):
    status = 422
    code = "upload_has_errors"


class AlreadyImported(Conflict):
    code = "already_imported"


class SubmittedMeanwhile(Conflict):
    code = "submitted_meanwhile"


@dataclass
class Choices:
    """What the person chose on the form (or the command line) about reading the file."""

    start: date
    end: date
    scale: int = 1
    sheet: str | None = None
    header_row: int | None = None
    mapping: dict[str, str] | None = None

    def options(self) -> dict:
        return {
            "period_start": self.start.isoformat(),
            "period_end": self.end.isoformat(),
            "scale": self.scale,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "mapping": self.mapping,
        }


def _limits() -> tuple[Limits, Sandbox]:
    if not has_app_context():
        return Limits(), Sandbox()
    config = current_app.config
    limits = Limits(
        max_bytes=config["LEDGER_MAX_BYTES"],
        max_rows=config["LEDGER_MAX_ROWS"],
        max_columns=config["LEDGER_MAX_COLUMNS"],
    )
    return limits, Sandbox(config["LEDGER_WORKER_MEMORY_MB"], config["LEDGER_WORKER_SECONDS"])


def _structure(session: Session, alliance: Alliance, organisation: Organisation) -> dict:
    categories = session.scalars(
        select(CostCategory).where(CostCategory.alliance_id == alliance.id)
    ).all()
    lines = session.scalars(select(ServiceLine).where(ServiceLine.alliance_id == alliance.id))
    remembered = session.scalars(
        select(LedgerMapping).where(LedgerMapping.organisation_id == organisation.id)
    )
    return {
        "categories": [
            {"name": c.name, "limb": c.limb.value, "synonyms": c.synonym_list} for c in categories
        ],
        "service_lines": [{"name": s.name, "synonyms": s.synonym_list} for s in lines],
        "remembered": {m.layout: m.mapping for m in remembered},
    }


def read_file(
    session: Session,
    alliance: Alliance,
    organisation: Organisation,
    data: bytes,
    choices: Choices,
    progress=None,
) -> dict:
    """The preview of a file for this ledger, read in the bounded child."""
    limits, sandbox = _limits()
    options = choices.options() | _structure(session, alliance, organisation)
    return preview_file(data, options, limits=limits, sandbox=sandbox, progress=progress)


def check_submitter(
    session: Session, actor: Actor, alliance: Alliance, organisation: Organisation
) -> None:
    """A finance lead submits only for their own organisation (the command line may for any)."""
    if actor.via == "cli":
        return
    membership = membership_of(session, alliance, actor.user) if actor.user else None
    if membership is None or Role.FINANCE_LEAD not in membership.roles:
        raise Forbidden("Only a finance lead can submit a ledger.")
    if membership.organisation_id != organisation.id:
        raise Forbidden("A finance lead submits ledgers only for their own organisation.")


def current_number(session: Session, organisation: Organisation, start: date, end: date) -> int:
    return session.scalar(
        select(func.coalesce(func.max(LedgerVersion.number), 0)).where(
            LedgerVersion.organisation_id == organisation.id,
            LedgerVersion.period_start == start,
            LedgerVersion.period_end == end,
        )
    )


def _already(session, organisation, start, end, sha256) -> LedgerVersion | None:
    return session.scalar(
        select(LedgerVersion).where(
            LedgerVersion.organisation_id == organisation.id,
            LedgerVersion.period_start == start,
            LedgerVersion.period_end == end,
            LedgerVersion.file_sha256 == sha256,
        )
    )


def _refuse_duplicate(session, organisation, start, end, sha256) -> None:
    earlier = _already(session, organisation, start, end, sha256)
    if earlier is not None:
        raise AlreadyImported(
            f"This file was already imported on {earlier.submitted_at:%d %B %Y} as version "
            f"{earlier.number} of this ledger; nothing new was stored."
        )


def record_refusal(
    session, actor, alliance, organisation, filename, sha256, refusal, via_choices
) -> None:
    """The only trace a refused file leaves: one event on the record."""
    record_event(
        session,
        actor,
        "ledger_upload_refused",
        alliance_id=alliance.id,
        organisation_id=organisation.id,
        object_type="ledger",
        object_id=organisation.id,
        summary={
            "organisation": organisation.name,
            "period": format_range(via_choices.start, via_choices.end),
            "file": display_name(filename),
            "sha256": sha256,
            "reason": refusal["message"],
        },
    )


def display_name(filename: str) -> str:
    """The name as shown: no path, no control or bidi characters, at most 255 characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        ch
        for ch in name
        if ch.isprintable() and ch not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    )
    return (name.strip() or "ledger")[:255]


def stage_upload(
    session: Session,
    actor: Actor,
    alliance: Alliance,
    organisation: Organisation,
    *,
    filename: str,
    data: bytes,
    choices: Choices,
) -> tuple[LedgerUpload | None, dict]:
    """Read a new file; keep it staged unless it is refused (then record the refusal)."""
    check_submitter(session, actor, alliance, organisation)
    sha256 = hashlib.sha256(data).hexdigest()
    _refuse_duplicate(session, organisation, choices.start, choices.end, sha256)
    preview = read_file(session, alliance, organisation, data, choices)
    if "refused" in preview:
        record_refusal(
            session, actor, alliance, organisation, filename, sha256, preview["refused"], choices
        )
        return None, preview
    _forget_stale(session)
    upload = LedgerUpload(
        alliance_id=alliance.id,
        organisation_id=organisation.id,
        user_id=actor.user_id,
        filename=display_name(filename),
        sha256=sha256,
        content=data,
        period_start=choices.start,
        period_end=choices.end,
        options=_stored_choices(choices, preview),
        based_on=current_number(session, organisation, choices.start, choices.end),
    )
    session.add(upload)
    session.flush()
    return upload, preview


def _stored_choices(choices: Choices, preview: dict) -> dict:
    return {
        "scale": choices.scale,
        "sheet": preview.get("sheet") if choices.sheet is None else choices.sheet,
        "header_row": choices.header_row,
        "mapping": preview.get("mapping") if choices.mapping is None else choices.mapping,
    }


def _forget_stale(session: Session) -> None:
    session.execute(delete(LedgerUpload).where(LedgerUpload.created_at < utcnow() - STAGED_FOR))


def staged_choices(upload: LedgerUpload, **changes) -> Choices:
    stored = dict(upload.options or {})
    stored.update({k: v for k, v in changes.items() if v is not None})
    mapping = {k: v for k, v in (stored.get("mapping") or {}).items() if v in FIELDS}
    return Choices(
        start=upload.period_start,
        end=upload.period_end,
        scale=int(stored.get("scale") or 1),
        sheet=stored.get("sheet"),
        header_row=stored.get("header_row"),
        mapping=mapping or None,
    )


def get_upload(session: Session, actor: Actor, alliance: Alliance, upload_id: str) -> LedgerUpload:
    upload = session.get(LedgerUpload, upload_id)
    if upload is None or upload.alliance_id != alliance.id or upload.user_id != actor.user_id:
        raise NotFound(
            "That upload is not waiting to be submitted (it may have been submitted or expired)."
        )
    return upload


def preview_staged(session, actor, alliance, upload: LedgerUpload, **changes) -> dict:
    """Read a staged upload again with changed choices, and keep those choices."""
    choices = staged_choices(upload, **changes)
    preview = read_file(session, alliance, upload.organisation, upload.content, choices)
    upload.options = _stored_choices(choices, preview)
    session.flush()
    return preview


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
    _refuse_duplicate(session, organisation, choices.start, choices.end, sha256)
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


def _store_lines(session: Session, alliance: Alliance, version: LedgerVersion, lines) -> None:
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
    rows = [
        {
            "version_id": version.id,
            "position": position,
            "source": line["source"][:300],
            "period_start": date.fromisoformat(line["period_start"])
            if line["period_start"]
            else None,
            "period_months": line["period_months"],
            "cost_category_id": categories.get(line["category"]),
            "category_text": line["category_text"],
            "service_line_id": services.get(line["service_line"]),
            "service_line_text": line["service_line_text"],
            "limb": line["limb"],
            "description": line["description"],
            "counterparty": line["counterparty"],
            "reference": line["reference"],
            "budget": Decimal(line["budget"]) if line["budget"] is not None else None,
            "amount": Decimal(line["amount"]),
            "formula": line["formula"],
        }
        for position, line in enumerate(lines, start=1)
    ]
    for start in range(0, len(rows), 5_000):
        session.execute(insert(LedgerLine), rows[start : start + 5_000])


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
