"""The pool report on a real database: actual spend from the current ledger versions only,
within the financial year, the run-rate forecast, the variance and its risk share, the
breakdowns adding up to the position, and a fixed number of queries however much data."""

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from alliance.db import db
from alliance.ledgers.models import Limb
from alliance.reports.pool import Sums, pool_report
from tests.integration.decision_board import board_fixture  # noqa: F401 (the fixture)
from tests.integration.pool_world import (  # noqa: F401 (pool_world_fixture: the fixture)
    YEAR,
    Line,
    month,
    pool_world_fixture,
)

SHARES = {
    "Council": "40.00",
    "Provider 00": "20.00",
    "Provider 01": "20.00",
    "Provider 02": "20.00",
}


def report(world, year: int = YEAR, through: date | None = None):
    return pool_report(db.session, world.alliance(), year, through)


def test_actual_counts_the_current_versions_lines_in_the_year_only(app, pool_world):
    with app.app_context():
        w = pool_world
        w.ledger("Provider 00", [Line("100.00", month(1)), Line("200.00", month(2))])
        w.ledger(  # version 2 of the same ledger: version 1 no longer counts
            "Provider 00",
            [
                Line("1000.10", month(1)),
                Line("2000.20", month(2)),
                Line("3000.30", month(3)),
                Line("250.05", month(2), category="Grants"),
            ],
        )
        calendar_2026 = [Line("11.11", date(2026, m, 1)) for m in (1, 2, 3)]  # the year before
        calendar_2026 += [Line("100.00", date(2026, m, 1)) for m in range(4, 13)]
        calendar_2026 += [Line("50.50", date(2026, 10, 1), category="Grants")]
        w.ledger("Provider 01", calendar_2026, start=date(2026, 1, 1), end=date(2026, 12, 1))
        calendar_2027 = [Line(a, date(2027, m, 1)) for m, a in ((1, "10.00"), (2, "20.00"))]
        calendar_2027 += [Line("30.00", date(2027, 3, 1))]
        calendar_2027 += [Line("1000.00", date(2027, m, 1)) for m in (4, 5)]  # the year after
        w.ledger("Provider 01", calendar_2027, start=date(2027, 1, 1), end=date(2027, 12, 1))
        w.ledger("Provider 02", [Line("500.00", date(2025, 6, 1))], month(1, 2025), month(12, 2025))

        pool = report(w)
        assert pool.actual == Sums(spend=D("6960.60"), income=D("300.55"))
        assert pool.actual.net == D("6660.05")
        assert pool.lines == 17
        assert pool.through == date(2027, 3, 1)

        half = report(w, through=date(2026, 9, 1))  # April to September only
        assert half.actual == Sums(spend=D("6600.60"), income=D("250.05"))
        assert half.actual.net == D("6350.55")
        assert half.through == date(2026, 9, 1)
        assert half.lines == 10

        assert report(w, 2025).actual == Sums(spend=D("533.33"))
        assert report(w, 2027).actual == Sums(spend=D("2000.00"))


def test_a_line_without_a_month_counts_in_its_versions_year_as_its_whole_period(app, pool_world):
    with app.app_context():
        w = pool_world
        w.ledger("Provider 00", [Line("1200.00", None), Line("300.00", None, category="Grants")])
        w.ledger("Provider 00", [Line("999.99", None)], month(1, 2027), month(12, 2027))
        w.ledger("Provider 01", [Line("77.00", None)], date(2026, 1, 1), date(2026, 12, 1))
        w.contribute("5000.00")

        pool = report(w)
        assert pool.actual == Sums(spend=D("1200.00"), income=D("300.00"))
        assert pool.actual.net == D("900.00")
        assert pool.by_period == [
            (
                "The ledger's whole period, from April 2026",
                date(2026, 4, 1),
                0,
                Sums(spend=D("1200.00"), income=D("300.00")),
            )
        ]
        # No monthly line: no forecast, no variance, nothing to share.
        assert pool.forecast.outturn is None and pool.forecast.months_elapsed == 0
        assert pool.forecast.method == "No forecast yet: no ledger has a month of actual spend."
        assert pool.variance is None and pool.through is None
        assert pool.risk_share is None
        assert pool.risk_share_problem == "No risk share has been agreed for this year."
        w.agree(SHARES)
        assert report(w).risk_share_problem == (
            "The risk share is worked out once there is a forecast."
        )

        assert report(w, 2027).by_period == [
            ("The ledger's whole period, from April 2027", date(2027, 4, 1), 0, Sums(D("999.99")))
        ]
        assert report(w, 2025).actual == Sums(spend=D("77.00"))


SIX = ["1000.01", "2000.02", "3000.03", "4000.04", "5000.05", "6000.06"]


@pytest.mark.parametrize(
    ("amounts", "actual", "outturn", "words"),
    [
        (["333.33"], "333.33", "3,999.96", "1 month (April 2026), × 12 ÷ 1"),
        (SIX, "21,000.21", "42,000.42", "6 months (April 2026 to September 2026), × 12 ÷ 6"),
        (
            ["142.86"] * 6 + ["142.84"],
            "1,000.00",
            "1,714.29",
            "7 months (April 2026 to October 2026), × 12 ÷ 7",
        ),
    ],
)
def test_the_forecast_is_the_run_rate_with_its_working(
    app, pool_world, amounts, actual, outturn, words
):
    with app.app_context():
        pool_world.ledger("Provider 00", [Line(a, month(n)) for n, a in enumerate(amounts, 1)])
        pool = report(pool_world)
        assert pool.actual.net == D(actual.replace(",", ""))
        assert pool.forecast.outturn == D(outturn.replace(",", ""))
        assert pool.forecast.months_elapsed == len(amounts)
        assert pool.forecast.method.startswith(
            f"Run rate: net spend by month to date of £{actual} over "
        )
        assert words in pool.forecast.method
        assert pool.forecast.method.endswith(f" = £{outturn}.")


def test_income_is_netted_off_and_a_complete_year_is_its_own_outturn(app, pool_world):
    with app.app_context():
        lines = [Line("100.01", month(n)) for n in range(1, 13)]
        lines.append(Line("0.13", month(7), category="Grants"))
        pool_world.ledger("Provider 00", lines)
        pool = report(pool_world)
        assert pool.actual == Sums(spend=D("1200.12"), income=D("0.13"))
        assert pool.forecast.outturn == pool.actual.net == D("1199.99")
        assert pool.forecast.months_elapsed == 12
        assert pool.forecast.method == "The year is complete: the outturn is the actual spend."


@pytest.mark.parametrize(
    ("contributed", "variance", "shares"),
    [
        ("47309.08", "5308.66", ("2123.47", "1061.73", "1061.73", "1061.73")),  # a gain
        ("30000.00", "-12000.42", ("-7000.42", "-1666.67", "-1666.67", "-1666.66")),  # capped
    ],
)
def test_the_variance_is_shared_exactly_by_the_agreement(
    app, pool_world, contributed, variance, shares
):
    with app.app_context():
        w = pool_world
        w.ledger("Provider 00", [Line(a, month(n)) for n, a in enumerate(SIX, 1)])
        w.contribute(contributed)
        pool = report(w)
        assert pool.contributed == D(contributed)
        assert pool.forecast.outturn == D("42000.42")
        assert pool.variance == D(contributed) - D("42000.42") == D(variance)
        assert pool.risk_share is None
        assert pool.risk_share_problem == "No risk share has been agreed for this year."

        w.agree(SHARES, provider_cap=D("5000.00"))
        pool = report(w)
        assert pool.risk_share_problem is None
        assert pool.risk_share.variance == D(variance)
        assert pool.risk_share.shares == dict(zip(SHARES, map(D, shares), strict=True))
        assert sum(pool.risk_share.shares.values()) == pool.variance
        assert pool.risk_share.capped is (D(variance) < 0)
        if pool.risk_share.capped:
            assert pool.risk_share.carried_by_commissioners == D("2200.25")


def test_every_breakdown_adds_up_to_the_position(app, pool_world):
    with app.app_context():
        w = pool_world
        for org, amount, line in (
            ("Provider 00", "100000.00", ""),
            ("Provider 01", "50000.00", "Outreach"),
            ("Provider 02", "20000.00", "Peer support"),
            ("Provider 01", "1000.00", "Retired line"),  # not a service line now
        ):
            w.allocate(org, amount, line)
        reference = w.carried_transfer("12500.50")  # Provider 00 to Provider 01's Outreach
        w.ledger(
            "Provider 00",
            [
                Line("1000.00", month(1)),
                Line("2000.00", month(2), category="Premises", service="Peer support"),
                Line("300.33", month(3), category="Overhead"),
                Line("400.40", month(2), category="Grants"),
                Line("55.55", month(1), category=None, service=None),
                Line("1200.00", None, service="Housing support"),
            ],
        )
        w.ledger(
            "Provider 01",
            [
                Line("700.07", month(1), service="Housing support"),
                Line("70.07", month(1), category="Grants", service="Housing support"),
                Line("900.00", month(4), months=3),  # a quarter
            ],
        )
        pool = report(w)
        assert pool.actual == Sums(spend=D("6155.95"), income=D("470.47"))
        assert pool.allocated == D("171000.00")
        for rows in (pool.by_period, pool.by_service_line, pool.by_organisation):
            assert sum((row[-1] for row in rows), Sums()) == pool.actual
        for rows in (pool.by_service_line, pool.by_organisation):
            assert sum(row[1] for row in rows) == pool.allocated
        assert sum(amount for _, _, amount in pool.by_category) == D("6626.42")
        assert dict(pool.by_limb) == {
            "limb1": D("5855.62"),
            "limb2": D("300.33"),
            "income": D("470.47"),
        }
        assert D("5855.62") + D("300.33") == pool.actual.spend

        assert pool.by_period == [
            ("The ledger's whole period, from April 2026", month(1), 0, Sums(D("1200.00"))),
            ("April 2026", month(1), 1, Sums(D("1755.62"), D("70.07"))),
            ("May 2026", month(2), 1, Sums(D("2000.00"), D("400.40"))),
            ("June 2026", month(3), 1, Sums(D("300.33"))),
            ("July 2026 to September 2026", month(4), 3, Sums(D("900.00"))),
        ]
        assert pool.by_category == [
            ("Staff", "limb1", D("3800.07")),
            ("Premises", "limb1", D("2000.00")),
            ("Overhead", "limb2", D("300.33")),
            ("Grants", "income", D("470.47")),
            ("Not set", "", D("55.55")),
        ]
        assert pool.by_service_line == [
            ("Outreach", D("62500.50"), Sums(D("2200.33"), D("400.40"))),
            ("Peer support", D("20000.00"), Sums(D("2000.00"))),
            ("Housing support", D("0.00"), Sums(D("1900.07"), D("70.07"))),
            ("Not set", D("88499.50"), Sums(D("55.55"))),
        ]
        assert [(o.name, allocated, sums) for o, allocated, sums in pool.by_organisation] == [
            ("Provider 00", D("87499.50"), Sums(D("4555.88"), D("400.40"))),
            ("Provider 01", D("63500.50"), Sums(D("1600.07"), D("70.07"))),
            ("Provider 02", D("20000.00"), Sums()),
        ]
        assert [(a.organisation.name, a.service_line, a.changes) for a in pool.allocations] == [
            ("Provider 00", "", [(reference, D("-12500.50"))]),
            ("Provider 01", "Outreach", [(reference, D("12500.50"))]),
            ("Provider 01", "Retired line", []),
            ("Provider 02", "Peer support", []),
        ]


def test_organisations_are_listed_alphabetically_whatever_they_spend(app, pool_world):
    with app.app_context():
        w = pool_world
        for name, amount in (("zebra Trust", "9.00"), ("Alpha care", "1.00"), ("beta Homes", "5")):
            w.add_organisation(name)
            w.ledger(name, [Line(amount)])
        w.ledger("Council", [Line("1000000.00")])
        w.ledger("Provider 02", [Line("3.00")])
        w.allocate("Provider 01", "0.01")
        names = [o.name for o, _, _ in report(w).by_organisation]
        assert names == [
            "Alpha care",
            "beta Homes",
            "Council",
            "Provider 00",
            "Provider 01",
            "Provider 02",
            "zebra Trust",
        ]


def count_statements(action) -> tuple[int, object]:
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        result = action()
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    return len(statements), result


def test_the_report_costs_the_same_queries_however_much_data(app, pool_world, capsys):
    with app.app_context():
        w = pool_world
        w.contribute("100000.00")
        w.allocate("Provider 00", "1000.00")
        w.agree(SHARES)
        w.ledger("Provider 00", [Line("1.00"), Line("2.00", month(2)), Line("3.00", None)])

        def measured():
            alliance = w.alliance()
            db.session.commit()
            db.session.expire_all()
            return count_statements(lambda: pool_report(db.session, alliance, YEAR))

        small, pool = measured()
        assert pool.lines == 3 and pool.actual.spend == D("6.00")

        w.add_category("Travel", Limb.LIMB1)
        w.add_service_line("Night shelter")
        for name in ("Zed Care", "alder Homes"):
            w.add_organisation(name)
        for org, line in (("Provider 01", "Outreach"), ("Provider 02", ""), ("Zed Care", "")):
            w.allocate(org, "5000.00", line)
        categories = ("Staff", "Premises", "Overhead", "Grants", "Travel", None)
        services = ("Outreach", "Peer support", "Housing support", "Night shelter", None)
        many = [
            Line(f"{n}.{n % 100:02d}", month(n % 9 + 1), categories[n % 6], services[n % 5])
            for n in range(1, 601)
        ] + [Line("12.00", None, "Travel"), Line("30.00", month(10), months=3)]
        for org in ("Provider 00", "Provider 01", "Provider 02", "Zed Care", "alder Homes"):
            w.ledger(org, many[:100])  # superseded below
            w.ledger(org, many)
        w.carried_transfer("250.00")
        w.carried_transfer("10.01", from_org="Provider 02", to_org="Zed Care", to_line="")

        large, pool = measured()
        assert pool.lines == 5 * len(many)
        assert len(pool.by_organisation) == 5 and len(pool.by_category) == 6
        assert pool.variance is not None and pool.risk_share is not None
        assert large == small
    assert capsys.readouterr() == ("", "")


def test_lines_for_longer_periods_are_added_to_the_forecast_not_scaled_up(app, pool_world):
    with app.app_context():
        monthly = [Line("100.00", month(n)) for n in range(1, 7)]  # April to September
        whole = Line("1200.00", None)  # the ledger's whole period
        quarter = Line("300.00", month(10), months=3)  # a quarter after the last month
        pool_world.ledger("Provider 00", [*monthly, whole, quarter])
        pool = report(pool_world)
        # 600.00 by month, times 12 over 6, is 1,200.00; plus 1,500.00 as it stands.
        assert pool.forecast.outturn == D("2700.00")
        assert pool.forecast.method.endswith(
            "= £1,200.00, plus £1,500.00 of lines for longer periods, as they stand: £2,700.00."
        )
        early = report(pool_world, through=month(1))  # April: the whole-period line counts
        assert early.forecast.outturn == D("100.00") * 12 + D("1200.00")


def test_the_lines_are_summed_again_only_when_another_version_becomes_current(app, pool_world):
    with app.app_context():
        w = pool_world

        def measured():
            db.session.commit()
            db.session.expire_all()
            return count_statements(lambda: report(w))

        w.ledger("Provider 00", [Line("100.00", month(1)), Line("200.00", month(2))])
        first_time, first = measured()
        again_time, again = measured()
        assert first.actual == again.actual == Sums(spend=D("300.00"))
        assert again_time == first_time - 1  # the grouped sum of the lines was not read

        w.ledger("Provider 00", [Line("100.00", month(1)), Line("250.00", month(2))])
        after_time, after = measured()
        assert after.actual == Sums(spend=D("350.00"))
        assert after_time == first_time
        assert [(label, sums.spend) for label, _, _, sums in after.by_period] == [
            ("April 2026", D("100.00")),
            ("May 2026", D("250.00")),
        ]
