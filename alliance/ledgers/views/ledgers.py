"""Reading ledgers: every current ledger, an organisation's versions, one version and its diff."""

from flask import Response, abort, g, render_template, request

from alliance.db import db
from alliance.errors import DomainError
from alliance.exports import download
from alliance.ledgers import versions as reads
from alliance.ledgers.rules import format_range, label_range, parse_range
from alliance.ledgers.views.common import bp
from alliance.members.models import Role
from alliance.scoping import record_download
from alliance.web import cited_by

PAGE = 200
#: Lines shown of each kind of change between two versions (the counts are of all).
SHOWN = 50


@bp.get("/")
def index():
    current = reads.current_versions(db.session, g.alliance)
    return render_template(
        "ledgers/index.html",
        current=current,
        can_upload=Role.FINANCE_LEAD in g.membership.roles,
        format_range=format_range,
        label_range=label_range,
    )


def _organisation(org: str):
    try:
        return reads.find_organisation(db.session, g.alliance, org)
    except DomainError:
        abort(404)


def _period_arg():
    raw = request.args.get("period")
    if not raw:
        return None
    try:
        return parse_range(raw)[0]
    except ValueError:
        abort(400, "The period should look like 2026-04..2027-03.")


@bp.get("/<org>/versions")
def versions(org: str):
    organisation = _organisation(org)
    return render_template(
        "ledgers/versions.html",
        organisation=organisation,
        versions=reads.versions_of(db.session, organisation),
        format_range=format_range,
        label_range=label_range,
    )


def _version(org: str, number: int):
    organisation = _organisation(org)
    try:
        return organisation, reads.get_version(db.session, organisation, number, _period_arg())
    except DomainError:
        abort(404)


@bp.get("/<org>/versions/<int:number>")
def version(org: str, number: int):
    organisation, found = _version(org, number)
    pages = max(1, -(-found.line_count // PAGE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    previous = reads.previous_version(db.session, found)
    diff = None if previous is None else reads.compare(db.session, previous, found, SHOWN)
    return render_template(
        "ledgers/version.html",
        organisation=organisation,
        version=found,
        previous=previous,
        diff=diff,
        totals=reads.totals_of(db.session, found),
        lines=reads.lines_page(db.session, found, page, PAGE),
        page=page,
        pages=pages,
        period=format_range(found.period_start, found.period_end),
        label_range=label_range,
        cited_by=cited_by("ledger_version", found),
    )


@bp.get("/<org>/versions/<int:number>/original")
def original(org: str, number: int):
    _, found = _version(org, number)
    stored = reads.original(db.session, found)
    record_download("ledger_original_download", organisation=org, version=number)
    return attachment(stored.content, stored.media_type, found.filename)


def attachment(content: bytes, media_type: str, filename: str) -> Response:
    """A download that is never shown in the browser (RFC 6266 name, nosniff)."""
    response = download(content, media_type, filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/template.xlsx")
def template():
    from sqlalchemy import select

    from alliance.ledgers.models import CostCategory, ServiceLine
    from alliance.ledgers.template import build_template

    def names(model):
        return list(
            db.session.scalars(
                select(model.name)
                .where(model.alliance_id == g.alliance.id)
                .order_by(model.position, model.name)
            )
        )

    content = build_template(names(CostCategory), names(ServiceLine))
    return attachment(
        content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{g.alliance.slug}-ledger-template.xlsx",
    )


@bp.get("/<org>/versions/<int:number>/lines.<any(csv, xlsx):fmt>")
def export_lines(org: str, number: int, fmt: str):
    from alliance.exports import csv_response, xlsx_response
    from alliance.ledgers.export import HEADER, line_rows

    organisation, found = _version(org, number)
    rows = line_rows(reads.lines_of(db.session, found))
    name = f"{organisation.slug}-{format_range(found.period_start, found.period_end)}-v{number}"
    record_download("ledger_lines_export", organisation=org, version=number, format=fmt)
    if fmt == "csv":
        return csv_response(f"{name}.csv", HEADER, rows)
    return xlsx_response(f"{name}.xlsx", {"Ledger": (HEADER, rows)})
