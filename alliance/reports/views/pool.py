"""The pool page: position, forecast, breakdowns and risk share, with a chart and a table
for each; and the same report as xlsx and csv."""

from flask import g, render_template

from alliance.charts import bar_chart
from alliance.db import db
from alliance.members.models import OrganisationKind
from alliance.members.rules import Action, allowed
from alliance.reports import exports
from alliance.reports.pool import pool_report
from alliance.reports.views.common import asked_year, bp, known_years
from alliance.scoping import record_download


@bp.route("/pool")
def index():
    year = asked_year()
    pool = pool_report(db.session, g.alliance, year)
    roles = g.membership.roles
    charts = {
        "period": bar_chart([(label, sums.net) for label, _, _, sums in pool.by_period]),
        "service_line": bar_chart([(name, sums.net) for name, _, sums in pool.by_service_line]),
        "organisation": bar_chart([(o.name, sums.net) for o, _, sums in pool.by_organisation]),
    }
    return render_template(
        "reports/pool.html",
        pool=pool,
        position=exports.position_rows(pool),
        limb_label=exports.limb_label,
        charts=charts,
        years=known_years(),
        can_contribute=g.membership.organisation is not None
        and allowed(roles, Action.RECORD_CONTRIBUTION)
        and g.membership.organisation.kind is OrganisationKind.COMMISSIONER,
        can_manage=allowed(roles, Action.MANAGE_POOL),
    )


@bp.route("/pool.xlsx")
def xlsx():
    """/alliances/<slug>/pool.xlsx?year=2026: one worksheet per table of the page."""
    year = asked_year()
    record_download("pool_export", format="xlsx", year=year)
    return exports.pool_xlsx(pool_report(db.session, g.alliance, year), g.alliance)


@bp.route("/pool.csv")
def csv():
    """/alliances/<slug>/pool.csv?year=2026: every table of the page, one figure a row."""
    year = asked_year()
    record_download("pool_export", format="csv", year=year)
    return exports.pool_csv(pool_report(db.session, g.alliance, year), g.alliance)
