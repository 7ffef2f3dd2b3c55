"""Reading a ledger file for a preview, and keeping it staged until it is submitted."""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, has_app_context
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.audit.services import record_event
from alliance.db import utcnow
from alliance.errors import Conflict, DomainError, Forbidden, NotFound
from alliance.ledgers.mapping import FIELDS
from alliance.ledgers.models import (
    CostCategory,
    LedgerMapping,
    LedgerUpload,
    LedgerVersion,
    ServiceLine,
)
from alliance.ledgers.preview import Line
from alliance.ledgers.rules import format_range
from alliance.ledgers.safety import Limits
from alliance.ledgers.services.allowance import check_allowance
from alliance.ledgers.worker import Sandbox, preview_file
from alliance.members.models import Alliance, Organisation, Role
from alliance.members.services.people import membership_of

STAGED_FOR = timedelta(days=1)
#: Lines of a staged file kept for its preview page (the page shows the first 100).
PREVIEW_LINES = 100


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
        max_part=config["LEDGER_MAX_PART_BYTES"],
        max_total=config["LEDGER_MAX_UNPACKED_BYTES"],
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


def refuse_duplicate(session, organisation, start, end, sha256) -> None:
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
    refuse_duplicate(session, organisation, choices.start, choices.end, sha256)
    check_allowance(session, actor, alliance, organisation, len(data))
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
        # The columns as last read, so the mapping form is built without reading again.
        "columns": preview.get("columns", []),
        # What the preview page shows, so that showing it does not read the file again.
        "preview": {k: v for k, v in preview.items() if k != "lines"}
        | {"lines": [list(line) for line in preview.get("lines", [])[:PREVIEW_LINES]]},
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


def staged_preview(session: Session, alliance: Alliance, upload: LedgerUpload) -> dict:
    """The preview of a staged upload as last read (its first lines only); read again
    if it was staged before previews were kept."""
    kept = (upload.options or {}).get("preview")
    if kept is None:
        return read_file(
            session, alliance, upload.organisation, upload.content, staged_choices(upload)
        )
    return kept | {"lines": [Line._make(line) for line in kept.get("lines", [])]}


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
