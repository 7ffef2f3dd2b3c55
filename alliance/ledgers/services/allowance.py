"""How much one person may upload, and one organisation may keep (SECURITY.md item 21).

A provider posting a hundred files a minute would keep the reading children busy and fill
the database, so each new file counts against its sender (10 in 10 minutes by default,
then 429 with the minutes to wait) and its organisation's stored files against a quota
(500 MB by default; every version is kept, so the quota is what is raised, never what is
deleted). Re-reading a staged file with another mapping is not a new upload. The command
line is the operator's and is not throttled, but the quota holds there too.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.db import utcnow
from alliance.errors import DomainError
from alliance.ledgers.models import LedgerFile, LedgerUpload, LedgerUploadAttempt, LedgerVersion
from alliance.members.models import Alliance, Organisation


class TooManyUploads(DomainError):
    status = 429
    code = "too_many_uploads"


class StorageFull(DomainError):
    status = 413
    code = "storage_quota"


@dataclass(frozen=True)
class Allowance:
    uploads: int = 10
    window: timedelta = timedelta(minutes=10)
    quota_bytes: int = 500 * 1024 * 1024


def allowance() -> Allowance:
    if not has_app_context():
        return Allowance()
    config = current_app.config
    return Allowance(
        uploads=config["LEDGER_UPLOADS_PER_WINDOW"],
        window=timedelta(minutes=config["LEDGER_UPLOAD_WINDOW_MINUTES"]),
        quota_bytes=config["LEDGER_STORAGE_QUOTA_BYTES"],
    )


def check_allowance(
    session: Session, actor: Actor, alliance: Alliance, organisation: Organisation, size: int
) -> None:
    """Refuse a new file of ``size`` bytes over either limit; otherwise count it."""
    check_rate(session, actor)
    check_quota(session, organisation, size)
    if actor.user_id is not None:
        session.add(
            LedgerUploadAttempt(
                alliance_id=alliance.id,
                organisation_id=organisation.id,
                user_id=actor.user_id,
                size=size,
            )
        )
        session.flush()


def check_rate(session: Session, actor: Actor) -> None:
    """Too many new files from this person in the window is 429, with the wait."""
    limits = allowance()
    if actor.via == "cli" or actor.user_id is None:
        return
    since = utcnow() - limits.window
    recent = session.scalars(
        select(LedgerUploadAttempt.attempted_at)
        .where(
            LedgerUploadAttempt.user_id == actor.user_id,
            LedgerUploadAttempt.attempted_at > since,
        )
        .order_by(LedgerUploadAttempt.attempted_at)
    ).all()
    if len(recent) < limits.uploads:
        return
    wait = recent[len(recent) - limits.uploads] + limits.window - utcnow()
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    raise TooManyUploads(
        f"You have uploaded {len(recent):,} file{'s' if len(recent) != 1 else ''} in the "
        f"last {_minutes(limits.window)}; "
        f"the limit is {limits.uploads:,}. Try again in "
        f"{minutes} minute{'s' if minutes != 1 else ''}.",
        retry_after=minutes * 60,
    )


def check_quota(session: Session, organisation: Organisation, size: int) -> None:
    """Keeping ``size`` more bytes must leave the organisation within its quota."""
    quota = allowance().quota_bytes
    used = stored_bytes(session, organisation)
    if used + size > quota:
        raise StorageFull(
            f"{organisation.name} keeps {_mb(used)} of ledger files and this file is "
            f"{_mb(size)}: that is over the {_mb(quota)} each organisation may keep. "
            "Earlier versions are never deleted, so ask the alliance manager to have the "
            "limit raised."
        )


def stored_bytes(session: Session, organisation: Organisation) -> int:
    """The organisation's original files (each once, however many versions share it) and
    its files waiting to be submitted."""
    files = (
        select(LedgerVersion.file_sha256)
        .where(LedgerVersion.organisation_id == organisation.id)
        .distinct()
        .scalar_subquery()
    )
    kept = session.scalar(
        select(func.coalesce(func.sum(LedgerFile.size), 0)).where(LedgerFile.sha256.in_(files))
    )
    staged = session.scalar(
        select(func.coalesce(func.sum(func.length(LedgerUpload.content)), 0)).where(
            LedgerUpload.organisation_id == organisation.id
        )
    )
    return int(kept) + int(staged)


def _minutes(window: timedelta) -> str:
    minutes = int(window.total_seconds() // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"
