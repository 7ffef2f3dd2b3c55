"""Reading ledgers and their versions; the difference between two versions.

Every member reads every ledger (open book). The current version of a ledger is the one
with the highest number for that organisation and period; versions are never edited.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from alliance.cache import Kept
from alliance.db import bytewise
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


def lines_of(session: Session, version: LedgerVersion) -> list[LedgerLine]:
    return list(
        session.scalars(
            select(LedgerLine)
            .where(LedgerLine.version_id == version.id)
            .order_by(LedgerLine.position)
        )
    )


#: A version's totals, by the version (see alliance/cache.py).
_TOTALS: Kept[dict] = Kept(256)


def totals_of(session: Session, version: LedgerVersion) -> dict[str, list[tuple[str, Decimal]]]:
    """Totals by period, category and limb, summed by the database once per version."""
    key = (version.id, version.file_sha256, version.submitted_at)
    return _TOTALS.get(key, lambda: _sum_totals(session, version))


def _sum_totals(session: Session, version: LedgerVersion) -> dict:
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


#: What identifies a line across versions, its amount aside.
KEY_COLUMNS = ("period_start", "category_text", "service_line_text", "description",
               "counterparty", "reference")  # fmt: skip
#: The key as compared: a line for the whole period (no month) has a date no month has,
#: so that plain equality (which the database can hash) matches it.
_MATCH_PERIOD = func.coalesce(LedgerLine.period_start, date(1, 1, 1))
MATCH_COLUMNS = ("period_key", *KEY_COLUMNS[1:])
#: What a comparison shows of each line.
SHOWN_COLUMNS = ("position", *KEY_COLUMNS, "amount")


@dataclass
class Diff:
    """Two versions compared: lines added, removed and changed (same key, new amount).

    The lists hold the first ``shown`` of each, in file order; the counts are of all.
    """

    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (before line, after line)
    added_count: int = 0
    removed_count: int = 0
    changed_count: int = 0
    total_before: Decimal = Decimal("0.00")
    total_after: Decimal = Decimal("0.00")
    by_category: list = field(default_factory=list)  # (category, before, after)


def compare(session: Session, before: LedgerVersion, after: LedgerVersion, shown: int = 50) -> Diff:
    """What changed from ``before`` to ``after``, worked out by the database.

    Lines are matched as a multiset on their key and amount: a line in both is unchanged,
    however it moved (of several equal lines, the last ones are matched). Of what is
    left, the k-th line of a key in ``after`` (in file order) is the k-th line of that
    key in ``before`` with a new amount: changed. The rest are added or removed.

    One query of window functions over both versions' lines: its cost is a few sorts
    whatever the planner guesses of lines just written, and two 20,000-line versions are
    compared without reading their lines into Python.
    """
    rows = session.execute(_changes(before.id, after.id, shown)).all()
    counts = {row.kind: row.total for row in rows}
    pairs = [(row.old_id, row.id) for row in rows if row.kind == "changed"]
    ids = [line_id for pair in pairs for line_id in pair]
    whole = {
        line.id: line for line in session.scalars(select(LedgerLine).where(LedgerLine.id.in_(ids)))
    }
    return Diff(
        added=[row for row in rows if row.kind == "added"],
        removed=[row for row in rows if row.kind == "removed"],
        changed=[(whole[old_id], whole[new_id]) for old_id, new_id in pairs],
        added_count=counts.get("added", 0),
        removed_count=counts.get("removed", 0),
        changed_count=counts.get("changed", 0),
        total_before=before.total,
        total_after=after.total,
        by_category=_category_changes(session, before.id, after.id),
    )


def _changes(before_id: int, after_id: int, shown: int):
    """The first ``shown`` lines added, removed and changed (with the line each changed
    line replaces, ``old_id``), each kind with its ``total``."""
    side = case((LedgerLine.version_id == after_id, 1), else_=0)  # 0 before, 1 after
    texts = {column: bytewise(getattr(LedgerLine, column)) for column in KEY_COLUMNS[1:]}
    key = [_MATCH_PERIOD, *texts.values()]
    equal = [*key, LedgerLine.amount]
    lines = (
        select(
            LedgerLine.id,
            LedgerLine.position,
            LedgerLine.period_start,
            *(value.label(column) for column, value in texts.items()),
            LedgerLine.amount,
            _MATCH_PERIOD.label("period_key"),
            side.label("side"),
            func.row_number()
            .over(partition_by=[*equal, side], order_by=LedgerLine.position.desc())
            .label("n"),
            func.sum(side).over(partition_by=equal).label("equal_after"),
            func.count().over(partition_by=equal).label("equal_both"),
        )
        .where(LedgerLine.version_id.in_((before_id, after_id)))
        .subquery("lines")
    )
    # A line is matched when the other version has at least as many equal lines.
    in_other = case(
        (lines.c.side == 1, lines.c.equal_both - lines.c.equal_after), else_=lines.c.equal_after
    )
    left = select(lines).where(lines.c.n > in_other).subquery("unmatched")
    same_key = [left.c[column] for column in MATCH_COLUMNS]
    ranked = select(
        left,
        func.row_number()
        .over(partition_by=[*same_key, left.c.side], order_by=left.c.position)
        .label("k"),
        func.sum(left.c.side).over(partition_by=same_key).label("came"),
        func.count().over(partition_by=same_key).label("unmatched"),
    ).subquery("ranked")
    gone = ranked.c.unmatched - ranked.c.came
    kind = case(
        ((ranked.c.side == 1) & (ranked.c.k <= gone), "changed"),
        (ranked.c.side == 1, "added"),
        (ranked.c.k <= ranked.c.came, "replaced"),
        else_="removed",
    )
    replaced = func.max(case((ranked.c.side == 0, ranked.c.id))).over(
        partition_by=[*(ranked.c[column] for column in MATCH_COLUMNS), ranked.c.k]
    )
    classed = select(
        ranked.c.id,
        *(ranked.c[column] for column in SHOWN_COLUMNS),
        kind.label("kind"),
        replaced.label("old_id"),
    ).subquery("classed")
    counted = (
        select(
            classed,
            func.row_number()
            .over(partition_by=classed.c.kind, order_by=classed.c.position)
            .label("r"),
            func.count().over(partition_by=classed.c.kind).label("total"),
        )
        .where(classed.c.kind != "replaced")
        .subquery("counted")
    )
    return select(counted).where(counted.c.r <= shown).order_by(counted.c.kind, counted.c.position)


def _category_changes(session: Session, before_id: int, after_id: int) -> list:
    """(category as written, total before, total after) where the two differ."""
    category = func.coalesce(func.nullif(LedgerLine.category_text, ""), "(none)")
    rows = session.execute(
        select(
            category.label("category"),
            func.sum(case((LedgerLine.version_id == before_id, LedgerLine.amount), else_=0)),
            func.sum(case((LedgerLine.version_id == after_id, LedgerLine.amount), else_=0)),
        )
        .where(LedgerLine.version_id.in_((before_id, after_id)))
        .group_by(category)
    )
    zero = Decimal("0.00")
    return sorted(
        (name, Decimal(old or zero), Decimal(new or zero))
        for name, old, new in rows
        if (old or zero) != (new or zero)
    )
