"""Report endpoints of /api/v1: the pool for a year, its exports, the board pack and the
open-data zip. Money is a string with two decimal places; members are alphabetical."""

from flask import jsonify

from alliance.api.views import alliance_for, bp, iso, money
from alliance.db import db
from alliance.reports import exports
from alliance.reports.downloads import (
    asked_format,
    asked_period,
    asked_year,
    open_data_file,
    pack_file,
    render_pack,
)
from alliance.reports.pack import board_pack
from alliance.reports.pool import Pool, Sums, pool_report


def sums_json(sums: Sums) -> dict:
    return {"spend": money(sums.spend), "income": money(sums.income), "net": money(sums.net)}


def risk_share_json(pool: Pool) -> dict | None:
    terms, share = pool.terms, pool.risk_share
    if terms is None:
        return None
    percents = {m.name: m.percent for m in terms.members}
    return {
        "agreed_at": iso(terms.agreement.recorded_at),
        "note": terms.agreement.note,
        "provider_cap": money(terms.provider_cap),
        "bands": [
            {
                "up_to": money(band.up_to),
                "percents": {name: str(p) for name, p in sorted(band.percents.items())},
            }
            for band in terms.bands
        ],
        "variance": money(share.variance) if share else None,
        "members": [
            {
                "organisation": name,
                "percent": str(percents[name]),
                "share": money(share.shares[name]) if share else None,
            }
            for name in sorted(percents, key=str.casefold)
        ],
        "capped": share.capped if share else False,
        "carried_by_commissioners": money(share.carried_by_commissioners) if share else None,
        "working": [
            {
                "text": step.text,
                "amounts": [
                    {"organisation": n, "amount": money(a)} for n, a in step.amounts.items()
                ],
            }
            for step in (share.steps if share else [])
        ],
        "problem": pool.risk_share_problem,
    }


def pool_json(pool: Pool) -> dict:
    return {
        "year": pool.year,
        "label": pool.label,
        "through": pool.through.strftime("%Y-%m") if pool.through else None,
        "position": {
            "contributed": money(pool.contributed),
            "allocated": money(pool.allocated),
            "unallocated": money(pool.contributed - pool.allocated),
            "actual": sums_json(pool.actual),
            "lines": pool.lines,
            "contributions": [
                {"organisation": name, "amount": money(amount)}
                for name, amount in pool.contributions.items()
            ],
            "allocations": [
                {
                    "organisation": a.organisation.name,
                    "service_line": a.service_line,
                    "opening": money(a.opening),
                    "current": money(a.current),
                    "changes": [{"decision": ref, "amount": money(amt)} for ref, amt in a.changes],
                }
                for a in pool.allocations
            ],
        },
        "breakdowns": {
            "period": [
                {"label": label, "start": start.isoformat(), "months": months, **sums_json(s)}
                for label, start, months, s in pool.by_period
            ],
            "category": [
                {"name": name, "limb": limb or None, "amount": money(amount)}
                for name, limb, amount in pool.by_category
            ],
            "limb": [{"limb": limb or None, "amount": money(a)} for limb, a in pool.by_limb],
            "service_line": [
                {"name": name, "allocated": money(allocated), **sums_json(s)}
                for name, allocated, s in pool.by_service_line
            ],
            "organisation": [
                {
                    "organisation": o.name,
                    "kind": o.kind.value,
                    "allocated": money(allocated),
                    **sums_json(s),
                }
                for o, allocated, s in pool.by_organisation
            ],
        },
        "forecast": {
            "method": "run_rate" if pool.forecast.outturn is not None else None,
            "description": pool.forecast.method,
            "months_elapsed": pool.forecast.months_elapsed,
            "outturn": money(pool.forecast.outturn),
            "variance": money(pool.variance),
        },
        "risk_share": risk_share_json(pool),
    }


@bp.route("/alliances/<slug>/pool")
def pool(slug: str):
    alliance, _ = alliance_for(slug)
    return jsonify(pool_json(pool_report(db.session, alliance, asked_year())))


@bp.route("/alliances/<slug>/pool.xlsx")
def pool_xlsx(slug: str):
    alliance, _ = alliance_for(slug)
    return exports.pool_xlsx(pool_report(db.session, alliance, asked_year()), alliance)


@bp.route("/alliances/<slug>/pool.csv")
def pool_csv(slug: str):
    alliance, _ = alliance_for(slug)
    return exports.pool_csv(pool_report(db.session, alliance, asked_year()), alliance)


@bp.route("/alliances/<slug>/board-pack")
def pack(slug: str):
    alliance, _ = alliance_for(slug)
    fmt = asked_format()
    found = board_pack(db.session, alliance, asked_period())
    if fmt == "html":
        return render_pack(found, "reports/board_pack_print.html")
    return pack_file(found, fmt)


@bp.route("/alliances/<slug>/open-data.zip")
def open_data(slug: str):
    alliance, _ = alliance_for(slug)
    return open_data_file(db.session, alliance)
