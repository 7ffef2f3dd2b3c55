"""Download the decision register as CSV or xlsx. Every member may (open book); on the record.

The routes sit on the decisions blueprint, so they share its membership check (another
alliance's people get 404). Flask joins a blueprint rule to its url_prefix with a "/", so
".csv" cannot give /alliances/<slug>/decisions.csv: the files are
/alliances/<slug>/decisions/export.csv and /alliances/<slug>/decisions/export.xlsx.
The query string takes the register page's filters (status, kind, principle, from, to).
"""

from flask import g, request

from alliance.db import db, utcnow
from alliance.decisions.export import VOTE_HEADER, build_register
from alliance.decisions.views import bp
from alliance.exports import csv_response, xlsx_response
from alliance.filters import LONDON
from alliance.scoping import record_download

EXPORT_EVENT = "decision_register_export"


def _export(fmt: str):
    register = build_register(db.session, request.args)
    summary: dict = {"format": fmt, "decisions": len(register.decisions)}
    if register.filters:
        summary["filters"] = register.filters
    record_download(EXPORT_EVENT, **summary)
    today = utcnow().astimezone(LONDON).date().isoformat()
    return register, f"{g.alliance.slug}-decision-register-{today}.{fmt}"


def export_csv():
    register, filename = _export("csv")
    return csv_response(filename, register.decision_header, register.decisions)


def export_xlsx():
    register, filename = _export("xlsx")
    return xlsx_response(
        filename,
        {
            "Decisions": (register.decision_header, register.decisions),
            "Votes": (VOTE_HEADER, register.votes),
        },
    )


bp.add_url_rule("/export.csv", "export_csv", export_csv)
bp.add_url_rule("/export.xlsx", "export_xlsx", export_xlsx)
