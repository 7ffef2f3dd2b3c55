"""Reading ledgers and their versions; the difference between two versions.

Every member reads every ledger (open book). The current version of a ledger is the one
with the highest number for that organisation and period; versions are never edited.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance.errors import NotFound
from alliance.ledgers.models import LedgerFile, LedgerLine, LedgerVersion
from alliance.members.models import Alliance, Organisation


def find_organisation(session: Session, alliance: Alliance, ref: str) -> Organisation:
    """An organisation of the alliance by slug, id or exact name."""
    for organisation in alliance.organisations:
        if ref in (organisation.slug, str(organisation.id), organisation.name):
            return organisation
    raise NotFound(f"No organisation “{ref}” in {alliance.name}.")


def current_numbers(alliance: Alliance):
    """A subquery: each ledger's (organisation, period) and its current version number."""
    return (
        select(
            LedgerVersion.organisation_id,
            LedgerVersion.period_start,
            LedgerVersion.period_end,
            func.max(LedgerVersion.number).label("number"),
        )
        .where(LedgerVersion.alliance_id == alliance.id)
        .group_by(
            LedgerVersion.organisation_id, LedgerVersion.period_start, LedgerVersion.period_end
        )
        .subquery()
    )


def is_current(latest):
    """The join condition of a LedgerVersion with ``current_numbers``: it is current."""
    return (
        (LedgerVersion.organisation_id == latest.c.organisation_id)
        & (LedgerVersion.period_start == latest.c.period_start)
        & (LedgerVersion.period_end == latest.c.period_end)
        & (LedgerVersion.number == latest.c.number)
    )


def current_versions(session: Session, alliance: Alliance) -> list[LedgerVersion]:
    """The current version of every ledger in the alliance, organisations alphabetically."""
    latest = current_numbers(alliance)
    rows = session.scalars(
        select(LedgerVersion)
        .join(latest, is_current(latest))
        .join(Organisation, Organisation.id == LedgerVersion.organisation_id)
        .order_by(Organisation.name, LedgerVersion.period_start.desc())
    ).all()
    return list(rows)


def versions_of(
    session: Session,
    organisation: Organisation,
    start: date | None = None,
    end: date | None = None,
) -> list[LedgerVersion]:
    """Every version of an organisation's ledgers, newest first."""
    query = select(LedgerVersion).where(LedgerVersion.organisation_id == organisation.id)
    if start is not None:
        query = query.where(LedgerVersion.period_start == start, LedgerVersion.period_end == end)
    return list(
        session.scalars(
            query.order_by(LedgerVersion.period_start.desc(), LedgerVersion.number.desc())
        )
    )


def get_version(
    session: Session, organisation: Organisation, number: int, start: date | None = None
) -> LedgerVersion:
    query = select(LedgerVersion).where(
        LedgerVersion.organisation_id == organisation.id, LedgerVersion.number == number
    )
    if start is not None:
        query = query.where(LedgerVersion.period_start == start)
    found = session.scalars(query.order_by(LedgerVersion.period_start.desc())).first()
    if found is None:
        raise NotFound(f"{organisation.name} has no ledger version {number}.")
    return found


def previous_version(session: Session, version: LedgerVersion) -> LedgerVersion | None:
    return session.scalar(
        select(LedgerVersion).where(
            LedgerVersion.organisation_id == version.organisation_id,
            LedgerVersion.period_start == version.period_start,
            LedgerVersion.period_end == version.period_end,
            LedgerVersion.number == version.number - 1,
        )
    )


def original(session: Session, version: LedgerVersion) -> LedgerFile:
    return session.get(LedgerFile, version.file_sha256)


def lines_page(session: Session, version: LedgerVersion, page: int, size: int) -> list[LedgerLine]:
    """One page of a version's lines, in file order, read by the database alone."""
    return list(
        session.scalars(
            select(LedgerLine)
            .where(LedgerLine.version_id == version.id)
            .order_by(LedgerLine.position)
            .offset((page - 1) * size)
            .limit(size)
        )
    )


#: What a comparison of two versions reads of each line (see line_key and diff_lines).
DIFF_COLUMNS = (
    LedgerLine.position,
    LedgerLine.period_start,
    LedgerLine.category_text,
    LedgerLine.service_line_text,
    LedgerLine.description,
    LedgerLine.counterparty,
    LedgerLine.reference,
    LedgerLine.amount,
)


def lines_to_compare(session: Session, version: LedgerVersion) -> list:
    """A version's lines as plain rows for diff_lines: several times cheaper than whole
    ORM lines on a 20,000-line version."""
    return list(
        session.execute(
            select(*DIFF_COLUMNS)
            .where(LedgerLine.version_id == version.id)
            .order_by(LedgerLine.position)
        )
    )


def lines_of(session: Session, version: LedgerVersion) -> list[LedgerLine]:
    return list(
        session.scalars(
            select(LedgerLine)
            .where(LedgerLine.version_id == version.id)
            .order_by(LedgerLine.position)
        )
    )


def totals_of(session: Session, version: LedgerVersion) -> dict[str, list[tuple[str, Decimal]]]:
    """Totals by period, category and limb, summed by the database."""
    result = {}
    category = func.coalesce(
        func.nullif(LedgerLine.category_text, ""), "(none)"
    )  # as written in the file
    for key, column in (
        ("period", LedgerLine.period_start),
        ("category", category),
        ("limb", LedgerLine.limb),
    ):
        rows = session.execute(
            select(column, func.sum(LedgerLine.amount))
            .where(LedgerLine.version_id == version.id)
            .group_by(column)
            .order_by(column)
        ).all()
        result[key] = [(_label(value, key), Decimal(total)) for value, total in rows]
    return result


def _label(value, key: str) -> str:
    if value is None:
        return "whole period" if key == "period" else "(none)"
    if isinstance(value, date):
        return f"{value:%B %Y}"
    return getattr(value, "label", str(value))


# --- the difference between two versions ---------------------------------------------


def line_key(line) -> tuple:
    """What identifies a line across versions (its amount aside)."""
    return (
        line.period_start,
        line.category_text,
        line.service_line_text,
        line.description,
        line.counterparty,
        line.reference,
    )


@dataclass
class Diff:
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (before line, after line)
    total_before: Decimal = Decimal("0.00")
    total_after: Decimal = Decimal("0.00")
    by_category: list = field(default_factory=list)  # (category, before, after)


def diff_lines(before: list, after: list) -> Diff:
    """Lines added, removed and changed (same key, new amount), with totals either side."""
    old = Counter((line_key(line), line.amount) for line in before)
    new = Counter((line_key(line), line.amount) for line in after)
    gone, came = old - new, new - old
    by_old = defaultdict(list)
    for line in before:
        if gone[(line_key(line), line.amount)] > 0:
            gone[(line_key(line), line.amount)] -= 1
            by_old[line_key(line)].append(line)
    diff = Diff()
    for line in after:
        marker = (line_key(line), line.amount)
        if came[marker] <= 0:
            continue
        came[marker] -= 1
        if by_old[line_key(line)]:
            diff.changed.append((by_old[line_key(line)].pop(0), line))
        else:
            diff.added.append(line)
    diff.removed = [line for lines in by_old.values() for line in lines]
    diff.total_before = sum((line.amount for line in before), Decimal("0.00"))
    diff.total_after = sum((line.amount for line in after), Decimal("0.00"))
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal("0.00"), Decimal("0.00")])
    for side, lines in ((0, before), (1, after)):
        for line in lines:
            sums[line.category_text or "(none)"][side] += line.amount
    diff.by_category = [
        (name, values[0], values[1])
        for name, values in sorted(sums.items())
        if values[0] != values[1]
    ]
    return diff
