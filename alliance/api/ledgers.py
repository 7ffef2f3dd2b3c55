"""Ledger endpoints of /api/v1: upload a file for its preview, submit it, read the versions.

A finance lead uploads only for their own organisation; every member reads every ledger
(open book). Money is sent as strings with two decimal places.
"""

import json
from collections import defaultdict
from decimal import Decimal

from flask import abort, g, jsonify, request, url_for
from sqlalchemy import select

from alliance.api.views import alliance_for, bp, iso, money, organisation_json
from alliance.db import db
from alliance.errors import Forbidden, NotFound
from alliance.ledgers import services
from alliance.ledgers import versions as reads
from alliance.ledgers.mapping import FIELDS
from alliance.ledgers.models import CostCategory, LedgerLine, LedgerVersion, ServiceLine
from alliance.ledgers.preview import Line
from alliance.ledgers.rules import format_range, label_range, parse_range
from alliance.ledgers.views.ledgers import attachment
from alliance.members.models import Organisation, Role
from alliance.web import current_actor

#: Lines shown in an upload's preview; ``line_count`` says how many there are.
SHOWN_LINES = 100
SCALES = {"1": 1, "1000": 1000}
LINE_TEXTS = ("category_text", "service_line_text", "description", "counterparty", "reference")


def ledger_organisation_json(org: Organisation) -> dict:
    return {**organisation_json(org), "slug": org.slug}


# --- the preview -----------------------------------------------------------------------


def _preview_line(line: Line) -> dict:
    return {**line._asdict(), "budget": money(line.budget), "amount": money(line.amount)}


def _pairs(pairs) -> list[list]:
    return [[label, money(amount)] for label, amount in pairs]


def preview_json(preview: dict) -> dict:
    """The reading child's preview, with the first lines only and every amount as money."""
    control = preview.get("control_total")
    return {
        "kind": preview.get("kind"),
        "encoding": preview.get("encoding"),
        "sheet": preview.get("sheet"),
        "header_row": preview.get("header_row"),
        "columns": preview.get("columns", []),
        "layout": preview.get("layout"),
        "mapping": preview.get("mapping") or {},
        "mapping_source": preview.get("mapping_source"),
        "lines": [_preview_line(line) for line in preview.get("lines", [])[:SHOWN_LINES]],
        "line_count": preview.get("line_count", 0),
        "total": money(preview.get("total", "0")),
        "totals": {key: _pairs(value) for key, value in preview.get("totals", {}).items()},
        "control_total": {**control, "amount": money(control["amount"])} if control else None,
        "problems": preview.get("problems", []),
        "problem_counts": preview.get("problem_counts", {"error": 0, "warning": 0, "notice": 0}),
    }


# --- versions --------------------------------------------------------------------------


def version_json(version: LedgerVersion, *, current: bool) -> dict:
    period = format_range(version.period_start, version.period_end)
    links = {"org": version.organisation.slug, "number": version.number, "period": period}
    return {
        "organisation": ledger_organisation_json(version.organisation),
        "number": version.number,
        "period": period,
        "period_label": label_range(version.period_start, version.period_end),
        "current": current,
        "filename": version.filename,
        "sha256": version.file_sha256,
        "submitted_by": version.submitted_by.name if version.submitted_by else None,
        "submitted_at": iso(version.submitted_at),
        "line_count": version.line_count,
        "total": money(version.total),
        "encoding": version.encoding,
        "sheet": version.source_sheet,
        "mapping": version.mapping or {},
        "notices": version.notices or [],
        "url": url_for("api.ledger_version", slug=g.alliance.slug, **links, _external=True),
        "original_url": url_for(
            "api.ledger_original", slug=g.alliance.slug, **links, _external=True
        ),
    }


def _names(model) -> dict[int, str]:
    query = select(model.id, model.name).where(model.alliance_id == g.alliance.id)
    return dict(db.session.execute(query).all())


def lines_json(version: LedgerVersion) -> list[dict]:
    """Every line of a version, in file order (read as plain rows: ledgers can be long)."""
    categories, service_lines = _names(CostCategory), _names(ServiceLine)
    rows = db.session.execute(
        select(LedgerLine.__table__)
        .where(LedgerLine.version_id == version.id)
        .order_by(LedgerLine.position)
    ).mappings()
    return [
        {
            "position": row["position"],
            "source": row["source"],
            "period_start": iso(row["period_start"]),
            "period_months": row["period_months"],
            "category": categories.get(row["cost_category_id"]),
            **{name: row[name] for name in LINE_TEXTS},
            "service_line": service_lines.get(row["service_line_id"]),
            "limb": getattr(row["limb"], "value", row["limb"]),
            "budget": money(row["budget"]),
            "amount": money(row["amount"]),
            "formula": bool(row["formula"]),
        }
        for row in rows
    ]


def totals_json(lines: list[dict]) -> dict:
    """Totals by period, category and limb, labelled as the upload's preview labels them."""
    by: dict[str, dict] = {key: defaultdict(Decimal) for key in ("period", "category", "limb")}
    for line in lines:
        amount, start = Decimal(line["amount"]), line["period_start"]
        period = start or "whole period"
        if start and line["period_months"] == 12:
            period = f"FY {start[:4]}" if start[5:7] == "04" else start[:4]
        by["period"][period] += amount
        by["category"][line["category"] or line["category_text"] or "(none)"] += amount
        by["limb"][line["limb"] or "(none)"] += amount
    return {key: _pairs(sorted(values.items())) for key, values in by.items()}


def _organisation(org: str) -> Organisation:
    return reads.find_organisation(db.session, g.alliance, org)


def _period_arg():
    raw = request.args.get("period")
    if not raw:
        return None, None
    try:
        return parse_range(raw)
    except ValueError as exc:
        abort(400, f"{exc}.")


def _version(slug: str, org: str, number: int) -> LedgerVersion:
    alliance_for(slug)
    organisation = _organisation(org)
    start, _ = _period_arg()
    return reads.get_version(db.session, organisation, number, start)


@bp.get("/alliances/<slug>/ledgers/<org>/versions")
def ledger_versions(slug: str, org: str):
    alliance_for(slug)
    organisation = _organisation(org)
    found = reads.versions_of(db.session, organisation, *_period_arg())
    newest: dict[tuple, int] = {}
    for version in found:
        ledger = (version.period_start, version.period_end)
        newest[ledger] = max(newest.get(ledger, 0), version.number)
    items = [
        version_json(v, current=v.number == newest[(v.period_start, v.period_end)]) for v in found
    ]
    return jsonify({"items": items, "next": None})


@bp.get("/alliances/<slug>/ledgers/<org>/versions/<int:number>")
def ledger_version(slug: str, org: str, number: int):
    version = _version(slug, org, number)
    latest = services.current_number(
        db.session, version.organisation, version.period_start, version.period_end
    )
    previous = reads.previous_version(db.session, version)
    lines = lines_json(version)
    return jsonify(
        {
            **version_json(version, current=version.number == latest),
            "previous": previous.number if previous else None,
            "lines": lines,
            "totals": totals_json(lines),
        }
    )


@bp.get("/alliances/<slug>/ledgers/<org>/versions/<int:number>/original")
def ledger_original(slug: str, org: str, number: int):
    version = _version(slug, org, number)
    stored = reads.original(db.session, version)
    return attachment(stored.content, stored.media_type, version.filename)


# --- uploading and submitting ------------------------------------------------------------


def _field(name: str, what: str) -> str:
    value = request.form.get(name, "").strip()
    if not value:
        abort(422, f"Send {name}: {what}.")
    return value


def _choices() -> services.Choices:
    try:
        start, end = parse_range(_field("period", "the months the ledger covers, 2026-04..2027-03"))
    except ValueError as exc:
        abort(422, f"period: {exc}.")
    scale = request.form.get("scale", "1").strip() or "1"
    if scale not in SCALES:
        abort(422, "scale must be 1 (pounds) or 1000 (thousands of pounds).")
    raw_row = request.form.get("header_row", "").strip()
    # ASCII digits, and few: "²".isdigit() is true and int() refuses it, as it refuses
    # 4,301 digits (either was a 500).
    digits = raw_row.isascii() and raw_row.isdigit() and len(raw_row) <= 4
    if raw_row and not (digits and 1 <= int(raw_row) <= 1000):
        abort(422, "header_row must be the row number of the headings, from 1 to 1000.")
    sheet = request.form.get("sheet", "").strip() or None
    return services.Choices(start, end, SCALES[scale], sheet, int(raw_row) if raw_row else None)


def _given_mapping() -> dict[str, str]:
    raw = request.form.get("mapping", "").strip()
    if not raw:
        return {}
    try:
        mapping = json.loads(raw)
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and k.strip() and isinstance(v, str) for k, v in mapping.items()
    ):
        abort(422, 'mapping must be a JSON object such as {"Net amount": "amount", "E": "date"}.')
    wrong = sorted(v for v in mapping.values() if v not in FIELDS)
    if wrong:
        abort(422, f"“{wrong[0]}” is not a field; use one of {', '.join(FIELDS)}.")
    return {k.strip(): v for k, v in mapping.items()}


def _refused(preview: dict):
    """A refused file: its refusal stays on the record, so commit before answering."""
    db.session.commit()
    refusal = preview["refused"]
    too_large = refusal.get("code") == "too_large"
    body = {
        "error": {
            "code": "too_large" if too_large else "upload_refused",
            "message": refusal["message"],
            "reason": refusal.get("code"),
        }
    }
    return jsonify(body), 413 if too_large else 422


@bp.post("/alliances/<slug>/ledgers/uploads")
def ledger_upload(slug: str):
    alliance, membership = alliance_for(slug)
    actor = current_actor()
    if Role.FINANCE_LEAD not in membership.roles:
        raise Forbidden("Only a finance lead can upload a ledger.")
    stream = request.files.get("file")
    if stream is None:
        abort(422, "Send the ledger as multipart/form-data, with the file in the field “file”.")
    try:
        organisation = _organisation(_field("organisation", "the organisation's slug, id or name"))
    except NotFound as exc:
        abort(422, exc.message)
    choices, given = _choices(), _given_mapping()
    services.check_submitter(db.session, actor, alliance, organisation)
    data = stream.read()
    if given:
        # As the command line does: a column letter stands for its heading, and the
        # columns not given keep their suggested fields.
        from alliance.ledgers.mapping import merge_mapping

        first = services.read_file(db.session, alliance, organisation, data, choices)
        columns, suggested = first.get("columns", []), first.get("mapping") or {}
        choices.mapping = merge_mapping(columns, suggested, given) if columns else given
    staged, preview = services.stage_upload(
        db.session,
        actor,
        alliance,
        organisation,
        filename=stream.filename or "ledger",
        data=data,
        choices=choices,
    )
    if staged is None:
        return _refused(preview)
    body = {
        "id": staged.id,
        "organisation": ledger_organisation_json(organisation),
        "period": format_range(staged.period_start, staged.period_end),
        "filename": staged.filename,
        "sha256": staged.sha256,
        "next_number": staged.based_on + 1,
        "submit_url": url_for("api.ledger_submit", slug=slug, upload_id=staged.id, _external=True),
        "preview": preview_json(preview),
    }
    return jsonify(body), 201


@bp.post("/alliances/<slug>/ledgers/uploads/<upload_id>/submit")
def ledger_submit(slug: str, upload_id: str):
    alliance, _ = alliance_for(slug)
    actor = current_actor()
    staged = services.get_upload(db.session, actor, alliance, upload_id)
    version = services.submit_upload(db.session, actor, alliance, staged)
    body = version_json(version, current=True)
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = body["url"]
    return response
