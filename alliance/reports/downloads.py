"""What a report request asks for (?year=, ?period=) and the files it gets back: shared by
the pages and by /api/v1, so both answer with the same documents."""

import tempfile
from datetime import date

from flask import abort, render_template, request, send_file

from alliance.charts import bar_chart
from alliance.db import utcnow
from alliance.exports import content_disposition, csv_response, download, xlsx_response
from alliance.filters import LONDON
from alliance.ledgers.rules import add_months, financial_year_of, first_of_month
from alliance.members.models import Alliance
from alliance.reports import exports
from alliance.reports.opendata import write_open_data
from alliance.reports.pack import BoardPack, parse_period
from alliance.reports.printing import PdfUnavailable, html_to_pdf

#: Years outside this range are refused as mistyped, not reported as empty.
EARLIEST, LATEST = 2000, 2100
PACK_FORMATS = ("html", "pdf", "xlsx", "csv")
PDF_MIMETYPE = "application/pdf"
#: An open-data zip is built in memory up to this size, then on disk.
SPOOL_BYTES = 16 * 1024 * 1024


def today() -> date:
    """Today in the UK."""
    return utcnow().astimezone(LONDON).date()


def asked_year() -> int:
    """The financial year in ?year= (the April that starts it); by default, today's."""
    raw = request.args.get("year")
    if raw is None or raw == "":
        return financial_year_of(today())
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses (a 500).
    if not (raw.isascii() and raw.isdigit()) or not EARLIEST <= int(raw) <= LATEST:
        abort(400, "year must be the year of the April that starts it, e.g. 2026.")
    return int(raw)


def asked_period() -> date:
    """?period=2026-10; by default the month just gone (what a board meeting reviews)."""
    raw = request.args.get("period")
    if not raw:
        return add_months(first_of_month(today()), -1)
    try:
        period = parse_period(raw)
    except ValueError as exc:
        abort(400, str(exc))
    if not EARLIEST <= period.year <= LATEST:
        abort(400, "period must be a month such as 2026-10.")
    return period


def asked_format() -> str:
    fmt = request.args.get("format", "html")
    if fmt not in PACK_FORMATS:
        abort(400, "format must be html, pdf, xlsx or csv.")
    return fmt


def render_pack(pack: BoardPack, template: str) -> str:
    pool = pack.pool
    return render_template(
        template,
        pack=pack,
        pool=pool,
        position=exports.position_rows(pool),
        limb_label=exports.limb_label,
        chart=bar_chart([(label, sums.net) for label, _, _, sums in pool.by_period]),
    )


def pack_file(pack: BoardPack, fmt: str):
    """The board pack as a PDF, xlsx or CSV download (fmt "pdf", "xlsx" or "csv")."""
    name = f"{pack.alliance.slug}-board-pack-{pack.period:%Y-%m}"
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", exports.pack_tables(pack))
    if fmt == "csv":
        return csv_response(
            f"{name}.csv", exports.TIDY_HEADER, exports.tidy_rows(exports.pack_tables(pack), True)
        )
    try:
        pdf = html_to_pdf(render_pack(pack, "reports/board_pack_print.html"))
    except PdfUnavailable as exc:
        abort(503, str(exc))
    return download(pdf, PDF_MIMETYPE, f"{name}.pdf")


def open_data_file(session, alliance: Alliance):
    """Everything in the alliance as CSV files with a README, spooled to disk past 16 MB."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (sent, then closed)
    write_open_data(session, alliance, spool)
    spool.seek(0)
    response = send_file(spool, mimetype="application/zip", max_age=0)
    response.headers["Content-Disposition"] = content_disposition(
        f"{alliance.slug}-open-data-{today():%Y-%m-%d}.zip"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
