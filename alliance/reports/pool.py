"""The pool for a financial year, as the board reads it: what went in, where it is
allocated, what has been spent according to the current ledger versions, the forecast to
the year end (and how it was made), the variance and how it would be shared.

The ledger lines are summed by the database in one grouped query (``actual_groups``):
one row per organisation, month, category, service line and limb, however many lines
there are. Every breakdown is a sum over those few rows, so a report page costs the same
fixed number of queries whether the ledgers hold a hundred lines or a million.

Members are always listed alphabetically; nothing here ranks or judges.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import Session

from alliance.cache import Kept
from alliance.ledgers import rules as ledger_rules
from alliance.ledgers.models import LedgerLine, LedgerVersion, Limb
from alliance.ledgers.structure import cost_categories, service_lines
from alliance.ledgers.versions import current_numbers, is_current
from alliance.members.models import Alliance, Organisation, OrganisationKind
from alliance.reports import rules, services
from alliance.reports.services import Allocation, RiskShareTerms

ZERO = Decimal("0.00")
NOT_SET = "Not set"


@dataclass(frozen=True)
class Group:
    """One row of the database's grouped sum of the ledger lines."""

    organisation_id: int
    #: The line's month (or year) when it has one, else the ledger version's first month.
    starts: date
    #: 1 for a month; otherwise how many months the amount covers.
    months: int
    category_id: int | None
    service_line_id: int | None
    limb: str | None
    amount: Decimal
    lines: int


@dataclass(frozen=True)
class Sums:
    """Spend (costs), income and their difference, the net spend."""

    spend: Decimal = ZERO
    income: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.spend - self.income

    def __add__(self, other: "Sums") -> "Sums":
        return Sums(self.spend + other.spend, self.income + other.income)


@dataclass(frozen=True)
class Forecast:
    outturn: Decimal | None
    #: How the forecast was made, in words, with its figures.
    method: str
    months_elapsed: int


@dataclass(frozen=True)
class Pool:
    year: int
    label: str
    through: date | None  # the last month with actual spend counted (None: none yet)
    contributions: dict[str, Decimal]
    contributed: Decimal
    allocations: list[Allocation]
    allocated: Decimal
    actual: Sums
    forecast: Forecast
    #: contributed - forecast outturn: positive is an underspend (a gain to share).
    variance: Decimal | None
    by_period: list[tuple[str, date, int, Sums]]
    by_category: list[tuple[str, str, Decimal]]  # name, limb, amount as recorded
    by_limb: list[tuple[str, Decimal]]
    by_service_line: list[tuple[str, Decimal, Sums]]  # name, allocated, actual
    by_organisation: list[tuple[Organisation, Decimal, Sums]]  # allocated, actual
    terms: RiskShareTerms | None
    risk_share: rules.RiskShare | None
    risk_share_problem: str | None
    lines: int


def current_lines_query(alliance: Alliance, year: int, through: date | None = None) -> Select:
    """The grouped sum of the current ledger versions' lines that fall in the year (up to
    and including the month ``through``): the one aggregate the report rests on."""
    starts = ledger_rules.financial_year_starts(year)
    ends = ledger_rules.financial_year_ends(year)
    if through is not None:
        ends = min(ends, through)
    latest = current_numbers(alliance)
    current = (
        select(LedgerVersion.id, LedgerVersion.organisation_id, LedgerVersion.period_start)
        .join(latest, is_current(latest))
        .where(LedgerVersion.period_start <= ends, LedgerVersion.period_end >= starts)
        .subquery()
    )
    line_starts = func.coalesce(LedgerLine.period_start, current.c.period_start)
    # A line without a month of its own covers its version's whole period: 0 months here.
    months = case((LedgerLine.period_start.is_(None), literal(0)), else_=LedgerLine.period_months)
    return (
        select(
            current.c.organisation_id,
            line_starts.label("starts"),
            months.label("months"),
            LedgerLine.cost_category_id,
            LedgerLine.service_line_id,
            LedgerLine.limb,
            func.sum(LedgerLine.amount).label("amount"),
            func.count().label("lines"),
        )
        .join(current, current.c.id == LedgerLine.version_id)
        .where(line_starts >= starts, line_starts <= ends)
        .group_by(
            current.c.organisation_id,
            line_starts,
            months,
            LedgerLine.cost_category_id,
            LedgerLine.service_line_id,
            LedgerLine.limb,
        )
    )


def actual_groups(
    session: Session, alliance: Alliance, year: int, through: date | None = None
) -> list[Group]:
    rows = session.execute(current_lines_query(alliance, year, through))
    return [
        Group(
            org,
            starts if isinstance(starts, date) else date.fromisoformat(str(starts)),
            months,
            category,
            line,
            None if limb is None else str(limb),
            amount if amount is not None else ZERO,
            count,
        )
        for org, starts, months, category, line, limb, amount, count in rows
    ]


def pool_report(session: Session, alliance: Alliance, year: int, through: date | None = None):
    """The pool for the financial year starting in April ``year`` (up to ``through``)."""
    summary = summarise_actuals(session, alliance, year, through)
    contributions = services.contributions(session, alliance, year)
    allocations = services.allocations(session, alliance, year)
    organisations = sorted(alliance.organisations, key=lambda o: o.name.casefold())
    categories = cost_categories(session, alliance)
    lines = service_lines(session, alliance)
    terms = services.risk_share_terms(session, alliance, year)

    actual, monthly = summary.actual, summary.monthly
    contributed = sum(contributions.values(), ZERO)
    forecast = _forecast(monthly.net, actual.net - monthly.net, summary.months_elapsed, year)
    variance = None if forecast.outturn is None else contributed - forecast.outturn
    risk_share, problem = _share(variance, terms)
    return Pool(
        year=year,
        label=ledger_rules.financial_year_label(year),
        through=summary.last_month,
        contributions=contributions,
        contributed=contributed,
        allocations=allocations,
        allocated=sum((a.current for a in allocations), ZERO),
        actual=actual,
        forecast=forecast,
        variance=variance,
        by_period=summary.by_period,
        by_category=_by_category(summary.per_category, categories),
        by_limb=summary.by_limb,
        by_service_line=_by_service_line(summary.per_service_line, lines, allocations),
        by_organisation=_by_organisation(summary.per_organisation, organisations, allocations),
        terms=terms,
        risk_share=risk_share,
        risk_share_problem=problem,
        lines=summary.lines,
    )


@dataclass(frozen=True)
class Actuals:
    """What the pool report needs of the current ledgers' lines, summed once."""

    actual: Sums
    monthly: Sums  # lines of one month
    months_elapsed: int
    last_month: date | None
    lines: int
    by_period: list[tuple[str, date, int, Sums]]
    by_limb: list[tuple[str, Decimal]]
    per_category: dict[int | None, Decimal]
    per_service_line: dict[int | None, Sums]
    per_organisation: dict[int, Sums]


def summarise(groups: list[Group], year: int) -> Actuals:
    months_elapsed, last_month = _elapsed(groups, year)
    per_category: dict[int | None, Decimal] = defaultdict(Decimal)
    per_service_line: dict[int | None, Sums] = defaultdict(Sums)
    per_organisation: dict[int, Sums] = defaultdict(Sums)
    actual = monthly = Sums()
    for group in groups:
        sums = _sums(group)
        actual += sums
        if group.months == 1:
            monthly += sums
        per_category[group.category_id] += group.amount
        per_service_line[group.service_line_id] += sums
        per_organisation[group.organisation_id] += sums
    return Actuals(
        actual=actual,
        monthly=monthly,
        months_elapsed=months_elapsed,
        last_month=last_month,
        lines=sum(g.lines for g in groups),
        by_period=_by_period(groups),
        by_limb=_by_limb(groups),
        per_category=dict(per_category),
        per_service_line=dict(per_service_line),
        per_organisation=dict(per_organisation),
    )


#: Summaries by the ledger versions they sum: true until another version is current.
_SUMMARIES: Kept[Actuals] = Kept(64)


def summarise_actuals(
    session: Session, alliance: Alliance, year: int, through: date | None = None
) -> Actuals:
    """The current ledgers' lines for the year summed, read from the lines only when the
    current versions differ from the last time (20,000 lines a provider take the
    database a tenth of a second or more to group)."""
    key = (*_current_versions_key(session, alliance, year), year, through)
    return _SUMMARIES.get(
        key, lambda: summarise(actual_groups(session, alliance, year, through), year)
    )


def _current_versions_key(session: Session, alliance: Alliance, year: int) -> tuple:
    """The current versions in the year, each as (id, original's hash, time submitted)."""
    starts = ledger_rules.financial_year_starts(year)
    ends = ledger_rules.financial_year_ends(year)
    latest = current_numbers(alliance)
    rows = session.execute(
        select(LedgerVersion.id, LedgerVersion.file_sha256, LedgerVersion.submitted_at)
        .join(latest, is_current(latest))
        .where(LedgerVersion.period_start <= ends, LedgerVersion.period_end >= starts)
        .order_by(LedgerVersion.id)
    )
    return (alliance.id, *(tuple(row) for row in rows))


def _sums(group: Group) -> Sums:
    if group.limb == Limb.INCOME.value:
        return Sums(income=group.amount)
    return Sums(spend=group.amount)


def _elapsed(groups: list[Group], year: int) -> tuple[int, date | None]:
    """How many months of the year the actuals run to: the last month with a monthly line."""
    monthly = [g.starts for g in groups if g.months == 1]
    if not monthly:
        return 0, None
    last = max(monthly)
    return ledger_rules.month_count(ledger_rules.financial_year_starts(year), last), last


def _forecast(monthly: Decimal, other: Decimal, months_elapsed: int, year: int) -> Forecast:
    """The monthly lines at their run rate, plus lines for longer periods (a quarter, the
    year, a ledger's whole period) as they stand: those are not scaled up."""
    if months_elapsed == 0:
        return Forecast(None, "No forecast yet: no ledger has a month of actual spend.", 0)
    starts = ledger_rules.financial_year_starts(year)
    last = ledger_rules.add_months(starts, months_elapsed - 1)
    outturn = rules.forecast_run_rate(monthly, months_elapsed) + other
    if months_elapsed == 12:
        return Forecast(outturn, "The year is complete: the outturn is the actual spend.", 12)
    period = ledger_rules.label_range(starts, last)
    method = (
        f"Run rate: net spend by month to date of {rules.pounds(monthly)} over "
        f"{months_elapsed} month{'s' if months_elapsed != 1 else ''} ({period}), × 12 ÷ "
        f"{months_elapsed} = {rules.pounds(outturn - other)}"
    )
    if other:
        method += (
            f", plus {rules.pounds(other)} of lines for longer periods, as they stand: "
            f"{rules.pounds(outturn)}"
        )
    return Forecast(outturn, f"{method}.", months_elapsed)


def _share(variance: Decimal | None, terms: RiskShareTerms | None):
    if terms is None:
        return None, "No risk share has been agreed for this year."
    if variance is None:
        return None, "The risk share is worked out once there is a forecast."
    try:
        share = rules.share_risk(variance, terms.members, terms.bands, terms.provider_cap)
    except rules.RiskShareInvalid as error:
        return None, f"The agreement cannot be applied: {error}"
    return share, None


def _by_period(groups: list[Group]) -> list[tuple[str, date, int, Sums]]:
    found: dict[tuple[date, int], Sums] = defaultdict(Sums)
    for group in groups:
        found[(group.starts, group.months)] += _sums(group)
    rows = []
    for (starts, months), sums in sorted(found.items()):
        if months == 1:
            label = ledger_rules.label_month(starts)
        elif months == 0:
            label = f"The ledger's whole period, from {ledger_rules.label_month(starts)}"
        else:
            label = ledger_rules.label_range(starts, ledger_rules.add_months(starts, months - 1))
        rows.append((label, starts, months, sums))
    return rows


def _by_category(totals: dict[int | None, Decimal], categories) -> list[tuple[str, str, Decimal]]:
    rows = [
        (c.name, c.limb.value, totals.get(c.id, ZERO).quantize(rules.PENNY)) for c in categories
    ]
    if None in totals:
        rows.append((NOT_SET, "", totals[None].quantize(rules.PENNY)))
    return rows


def _by_limb(groups: list[Group]) -> list[tuple[str, Decimal]]:
    totals: dict[str | None, Decimal] = defaultdict(Decimal)
    for group in groups:
        totals[group.limb] += group.amount
    rows = [(limb.value, totals.get(limb.value, ZERO).quantize(rules.PENNY)) for limb in Limb]
    if None in totals:
        rows.append(("", totals[None].quantize(rules.PENNY)))
    return rows


def _by_service_line(actual: dict, lines, allocations) -> list[tuple[str, Decimal, Sums]]:
    allocated: dict[str, Decimal] = defaultdict(Decimal)
    for allocation in allocations:
        allocated[allocation.service_line] += allocation.current
    rows = [(s.name, allocated.pop(s.name, ZERO), actual.get(s.id, Sums())) for s in lines]
    # Allocations to the provider as a whole, or to a line the alliance no longer has.
    unplaced = sum(allocated.values(), ZERO)
    if None in actual or unplaced:
        rows.append((NOT_SET, unplaced, actual.get(None, Sums())))
    return rows


def _by_organisation(actual: dict, organisations, allocations) -> list[tuple]:
    allocated: dict[int, Decimal] = defaultdict(Decimal)
    for allocation in allocations:
        allocated[allocation.organisation.id] += allocation.current
    return [
        (o, allocated.get(o.id, ZERO), actual.get(o.id, Sums()))
        for o in organisations
        if o.id in actual or o.id in allocated or o.kind is OrganisationKind.PROVIDER
    ]
