"""Learning measure endpoints of /api/v1: list and add measures, read and append values.
Values are exact decimals sent as strings; there is no target or threshold to send."""

from datetime import date

from flask import abort, jsonify, url_for

from alliance.api.views import alliance_for, body_text, bp, iso, json_body
from alliance.db import db
from alliance.learning import services
from alliance.learning.models import Measure, MeasureValue
from alliance.web import current_actor


def value_json(value: MeasureValue) -> dict:
    return {
        "period_start": value.period_start.isoformat(),
        "period": value.period_label,
        "value": f"{value.value.normalize():f}",
        "commentary": value.commentary,
        "recorded_at": iso(value.recorded_at),
    }


def measure_json(measure: Measure, *, with_values: bool = True) -> dict:
    found = {
        "id": measure.id,
        "name": measure.name,
        "unit": measure.unit,
        "source": measure.source,
        "definition": measure.definition,
    }
    if with_values:
        found["values"] = [value_json(v) for v in measure.values]
    return found


@bp.route("/alliances/<slug>/measures")
def measures(slug: str):
    alliance, _ = alliance_for(slug)
    found = services.measures_of(db.session, alliance)
    return jsonify({"items": [measure_json(m, with_values=False) for m in found], "next": None})


@bp.route("/alliances/<slug>/measures", methods=["POST"])
def add_measure(slug: str):
    alliance, _ = alliance_for(slug)
    body = json_body()
    draft = services.MeasureDraft(
        *(body_text(body, k) for k in ("name", "unit", "source", "definition"))
    )
    measure = services.add_measure(db.session, current_actor(), alliance, draft)
    response = jsonify(measure_json(measure))
    response.status_code = 201
    response.headers["Location"] = url_for("api.measure_values", slug=slug, measure_id=measure.id)
    return response


@bp.route("/alliances/<slug>/measures/<int:measure_id>/values")
def measure_values(slug: str, measure_id: int):
    alliance, _ = alliance_for(slug)
    return jsonify(measure_json(services.get_measure(db.session, alliance, measure_id)))


@bp.route("/alliances/<slug>/measures/<int:measure_id>/values", methods=["POST"])
def append_value(slug: str, measure_id: int):
    alliance, _ = alliance_for(slug)
    measure = services.get_measure(db.session, alliance, measure_id)
    body = json_body()
    raw_start = body.get("period_start")
    try:
        start = date.fromisoformat(raw_start) if isinstance(raw_start, str) else None
    except ValueError:
        start = None
    if start is None:
        abort(422, "period_start must be a date such as 2026-04-01.")
    value = body.get("value")
    if not isinstance(value, str):
        abort(422, 'value must be a decimal string, e.g. "512.4" (never a JSON number).')
    services.append_value(
        db.session,
        current_actor(),
        alliance,
        measure,
        period_start=start,
        period_label=body_text(body, "period"),
        value=value,
        commentary=body_text(body, "commentary"),
    )
    response = jsonify(measure_json(measure))
    response.status_code = 201
    return response
