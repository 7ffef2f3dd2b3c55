"""The pool report as tables: one worksheet each in xlsx (numbers as numbers), and all of
them in one CSV, one figure a row (section, item, figure, amount), ready to pivot.

The tables are the page's own, in the page's order; members alphabetically. Text goes
through alliance.exports, so nothing typed by anybody becomes a live formula.
"""

from datetime import datetime
from decimal import Decimal

from flask import Response

from alliance.exports import csv_response, xlsx_response
from alliance.ledgers.models import LIMB_LABELS, Limb
from alliance.members.models import Alliance
from alliance.reports.pool import NOT_SET, Pool

Table = tuple[tuple[str, ...], list[tuple]]


def limb_label(value: str) -> str:
    return LIMB_LABELS[Limb(value)] if value else NOT_SET


def position_rows(pool: Pool) -> list[tuple[str, Decimal | None, str]]:
    """The pool's position: (figure, amount, note), as the page and the board pack show it."""
    through = pool.through.strftime("%B %Y") if pool.through else "no month yet"
    variance_note = ""
    if pool.variance is not None:
        variance_note = (
            "an underspend (a gain to share)" if pool.variance >= 0 else "an overspend (a loss)"
        )
    return [
        ("Contributed by the commissioners", pool.contributed, ""),
        ("Allocated to providers", pool.allocated, ""),
        ("Not yet allocated", pool.contributed - pool.allocated, ""),
        ("Spend to date", pool.actual.spend, f"to the end of {through}"),
        ("Income to date", pool.actual.income, ""),
        ("Net spend to date", pool.actual.net, "spend less income"),
        ("Forecast outturn", pool.forecast.outturn, pool.forecast.method),
        ("Variance: contributed less forecast outturn", pool.variance, variance_note),
    ]


def pool_tables(pool: Pool) -> dict[str, Table]:
    money = "(£)"
    tables: dict[str, Table] = {
        "Position": (("Figure", f"Amount {money}", "Note"), position_rows(pool)),
        "Contributions": (
            ("Commissioner", f"Amount {money}"),
            list(pool.contributions.items()),
        ),
        "Allocations": (
            ("Organisation", "Service line", f"Opening {money}", f"Current {money}"),
            [
                (a.organisation.name, a.service_line or NOT_SET, a.opening, a.current)
                for a in pool.allocations
            ],
        ),
        "Allocation changes": (
            ("Organisation", "Service line", "Decision", f"Amount {money}"),
            [
                (a.organisation.name, a.service_line or NOT_SET, reference, amount)
                for a in pool.allocations
                for reference, amount in a.changes
            ],
        ),
        "By month": (
            ("Period", f"Spend {money}", f"Income {money}", f"Net spend {money}"),
            [(label, s.spend, s.income, s.net) for label, _, _, s in pool.by_period],
        ),
        "By category": (
            ("Category", "Limb", f"Amount {money}"),
            [(name, limb_label(limb), amount) for name, limb, amount in pool.by_category],
        ),
        "By limb": (
            ("Limb", f"Amount {money}"),
            [(limb_label(limb), amount) for limb, amount in pool.by_limb],
        ),
        "By service line": (
            (
                "Service line",
                f"Allocated {money}",
                f"Spend {money}",
                f"Income {money}",
                f"Net spend {money}",
            ),
            [(n, a, s.spend, s.income, s.net) for n, a, s in pool.by_service_line],
        ),
        "By organisation": (
            (
                "Organisation",
                "Kind",
                f"Allocated {money}",
                f"Spend {money}",
                f"Income {money}",
                f"Net spend {money}",
            ),
            [
                (o.name, o.kind.value, a, s.spend, s.income, s.net)
                for o, a, s in pool.by_organisation
            ],
        ),
    }
    if pool.risk_share is not None and pool.terms is not None:
        percents = {m.name: m.percent for m in pool.terms.members}
        tables["Risk share"] = (
            ("Organisation", "Agreed share (%)", f"Share of the variance {money}"),
            [(name, percents.get(name), amount) for name, amount in pool.risk_share.shares.items()],
        )
        tables["Risk share working"] = (
            ("Step", "Organisation", f"Amount {money}"),
            [
                (step.text, name, amount)
                for step in pool.risk_share.steps
                for name, amount in (step.amounts.items() or [("", None)])
            ],
        )
    return tables


def _name(alliance: Alliance, pool: Pool, suffix: str) -> str:
    return f"{alliance.slug}-pool-{pool.label}.{suffix}"


def pool_xlsx(pool: Pool, alliance: Alliance) -> Response:
    return xlsx_response(_name(alliance, pool, "xlsx"), pool_tables(pool))


TIDY_HEADER = ("Section", "Item", "Figure", "Amount")


def tidy_rows(tables: dict[str, Table], with_text: bool = False) -> list[tuple]:
    """Every figure of every table as (section, item, figure, amount): the item is the
    row's words, the figure its column heading. With ``with_text``, a row with no figure
    at all (a decision, a statement) is kept too, its cells joined as the item."""
    rows = []
    for section, (header, table_rows) in tables.items():
        for row in table_rows:
            words = " · ".join(str(v) for v in row if isinstance(v, str) and v)
            figures = [
                (section, words, heading, value)
                for heading, value in zip(header, row, strict=True)
                if isinstance(value, Decimal) or (value is None and "£" in heading)
            ]
            if not figures and with_text:
                item = " · ".join(_as_text(v) for v in row if v not in (None, ""))
                figures = [(section, item, "", None)]
            rows.extend(figures)
    return rows


def _as_text(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


def pool_csv(pool: Pool, alliance: Alliance) -> Response:
    return csv_response(
        _name(alliance, pool, "csv"),
        TIDY_HEADER,
        tidy_rows(pool_tables(pool)),
    )


def pack_tables(pack) -> dict[str, Table]:
    """The board pack's tables, for its workbook: the pack's own order, then the pool's."""
    decided = [
        (
            d.reference,
            d.title,
            d.closed_at,
            d.outcome.result.value if d.outcome else "",
            d.outcome_statement or "",
        )
        for d in pack.decided
    ]
    tables: dict[str, Table] = {
        "Board pack": (
            ("Item", "Value"),
            [
                ("Alliance", pack.alliance.name),
                ("Month", pack.label),
                ("Made at (UTC)", pack.made_at.strftime("%Y-%m-%d %H:%M:%S")),
                ("Record: events", pack.head_seq),
                ("Record: head hash (SHA-256)", pack.head_hash or ""),
            ],
        ),
        "Decisions made": (
            ("Reference", "Title", "Closed at (UK time)", "Outcome", "Outcome statement"),
            decided,
        ),
        "Decisions pending": (
            ("Reference", "Title", "Voting closes at (UK time)"),
            [(d.reference, d.title, d.closes_at) for d in pack.pending],
        ),
        "Open deadlocks": (
            ("Reference", "Title", "Deadlock since (UK time)", "Steps taken"),
            [
                (c.decision.reference, c.decision.title, c.opened_at, len(c.steps))
                for c in pack.deadlocks
            ],
        ),
    }
    tables.update(pool_tables(pack.pool))
    tables["Learning"] = (
        ("Reference", "Kind", "Status", "Title", "Summary", "Last written (UK time)"),
        [
            (e.reference, e.kind.value, e.status.value, e.title, e.summary, e.updated_at)
            for e in pack.learning
        ],
    )
    tables["Assurance statements"] = (
        ("Reference", "We are assured that", "Because", "Figures", "Recorded at (UK time)"),
        [
            (s.reference, s.assured_that, s.because, s.figures, s.recorded_at)
            for s in pack.statements
        ],
    )
    return tables
