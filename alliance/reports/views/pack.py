"""The board pack for a month, as a page, a PDF printed from the same HTML, and a
workbook; and the open-data zip of everything in the alliance."""

from flask import g

from alliance.db import db
from alliance.reports.downloads import (
    asked_format,
    asked_period,
    open_data_file,
    pack_file,
    render_pack,
)
from alliance.reports.pack import board_pack as make_pack
from alliance.reports.views.common import bp
from alliance.scoping import record_download


@bp.route("/board-pack")
def board_pack():
    """/alliances/<slug>/board-pack?period=2026-10&format=html|pdf|xlsx"""
    fmt = asked_format()
    pack = make_pack(db.session, g.alliance, asked_period())
    if fmt == "html":
        return render_pack(pack, "reports/board_pack.html")
    record_download("board_pack_export", format=fmt, period=f"{pack.period:%Y-%m}")
    return pack_file(pack, fmt)


@bp.route("/open-data.zip")
def open_data():
    record_download("open_data_export", format="zip")
    return open_data_file(db.session, g.alliance)
