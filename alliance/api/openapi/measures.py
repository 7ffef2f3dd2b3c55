"""Schemas and paths of the learning measure endpoints: a series of exact values with
commentary, and nothing to rate them against."""

from alliance.api.openapi.common import ERRORS, ID, SLUG, _json
from alliance.api.openapi.learning import BAD, INVALID, TEXT, TIME, _body

MEASURE_VALUE = {
    "type": "object",
    "required": ["period_start", "period", "value", "commentary", "recorded_at"],
    "properties": {
        "period_start": {"type": "string", "format": "date"},
        "period": TEXT,
        "value": {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"},
        "commentary": TEXT,
        "recorded_at": TIME,
    },
}
MEASURE_FIELDS = {
    "id": {"type": "integer"},
    "name": TEXT,
    "unit": TEXT,
    "source": TEXT,
    "definition": TEXT,
}
MEASURE_SCHEMAS = {
    "Measure": {
        "type": "object",
        "description": "A learning measure and its series: no target, threshold or rating",
        "required": [*MEASURE_FIELDS, "values"],
        "properties": {**MEASURE_FIELDS, "values": {"type": "array", "items": MEASURE_VALUE}},
    },
    "MeasureList": {
        "type": "object",
        "required": ["items", "next"],
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": list(MEASURE_FIELDS),
                    "properties": MEASURE_FIELDS,
                },
            },
            "next": {"type": ["string", "null"]},
        },
    },
    "MeasureRequest": {
        "type": "object",
        "required": ["name", "unit", "source", "definition"],
        "properties": {k: TEXT for k in ("name", "unit", "source", "definition")},
    },
    "MeasureValueRequest": {
        "type": "object",
        "required": ["period_start", "value"],
        "properties": {
            "period_start": {"type": "string", "format": "date"},
            "period": {**TEXT, "description": "How the period is named, e.g. Q1 2026-27"},
            "value": {"type": "string", "description": "An exact decimal, up to 4 places"},
            "commentary": TEXT,
        },
    },
}
MEASURE = {"name": "measure_id", "in": "path", "required": True, "schema": ID}
NOT_RECORDER = _json("Error", "Commissioners and the manager record measures")
MEASURE_PATHS = {
    "/alliances/{slug}/measures": {
        "get": {
            "operationId": "listMeasures",
            "summary": "The alliance's learning measures, by name",
            "parameters": [SLUG],
            "responses": {"200": _json("MeasureList", "Measures"), **ERRORS},
        },
        "post": {
            "operationId": "addMeasure",
            "summary": "Add a measure (commissioners and the manager)",
            "parameters": [SLUG],
            "requestBody": _body("MeasureRequest"),
            "responses": {
                "201": _json("Measure", "The measure; Location names its values"),
                "400": BAD,
                "403": NOT_RECORDER,
                "422": INVALID,
                **ERRORS,
            },
        },
    },
    "/alliances/{slug}/measures/{measure_id}/values": {
        "get": {
            "operationId": "getMeasureValues",
            "summary": "A measure and its values, oldest period first",
            "parameters": [SLUG, MEASURE],
            "responses": {"200": _json("Measure", "The measure and its series"), **ERRORS},
        },
        "post": {
            "operationId": "appendMeasureValue",
            "summary": "Append one period's value with commentary (one value a period)",
            "parameters": [SLUG, MEASURE],
            "requestBody": _body("MeasureValueRequest"),
            "responses": {
                "201": _json("Measure", "The measure with the new value"),
                "400": BAD,
                "403": NOT_RECORDER,
                "409": _json("Error", "The period has a value already (code value_exists)"),
                "422": INVALID,
                **ERRORS,
            },
        },
    },
}
