"""Schemas and paths of the ledger endpoints: upload, preview, submit, versions, originals."""

from alliance.api.openapi.common import ERRORS, ID, SLUG, _json
from alliance.ledgers.mapping import FIELDS
from alliance.ledgers.services.submitting import MEDIA_TYPES

MONEY = {
    "type": "string",
    "pattern": r"^-?\d+\.\d{2}$",
    "description": "Pounds, two places",
    "examples": ["1200.50"],
}
NULLABLE_MONEY = {**MONEY, "type": ["string", "null"]}
PERIOD = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}\.\.\d{4}-\d{2}$",
    "description": "First month..last month",
    "examples": ["2026-04..2027-03"],
}
NULLABLE_TEXT = {"type": ["string", "null"]}
LIMB = {"enum": ["limb1", "limb2", "income", None]}
REF = "#/components/schemas/"


def _ref(name: str) -> dict:
    return {"$ref": REF + name}


def _object(properties: dict, **extra) -> dict:
    return {"type": "object", "required": list(properties), "properties": properties, **extra}


TOTALS = {
    "type": "array",
    "items": {
        "type": "array",
        "prefixItems": [{"type": "string", "description": "What is summed"}, MONEY],
        "minItems": 2,
        "maxItems": 2,
    },
    "description": "[label, total] pairs in label order",
}
LINE_FIELDS = {
    "source": {"type": "string", "description": "Where the amount is: Ledger!F14 or line 14, …"},
    "period_start": {
        "type": ["string", "null"],
        "format": "date",
        "description": "First day of the line's month or year; null for the whole period",
    },
    "period_months": {"type": "integer", "minimum": 1},
    "category": {**NULLABLE_TEXT, "description": "The alliance's cost category, when known"},
    "category_text": {"type": "string", "description": "The category as written in the file"},
    "service_line": {**NULLABLE_TEXT, "description": "The alliance's service line, when known"},
    "service_line_text": {"type": "string"},
    "limb": LIMB,
    "description": {"type": "string"},
    "counterparty": {"type": "string"},
    "reference": {"type": "string"},
    "budget": NULLABLE_MONEY,
    "amount": MONEY,
    "formula": {"type": "boolean", "description": "The cell held a formula; its saved value"},
}
PROBLEM = _object(
    {
        "severity": {"enum": ["error", "warning", "notice"]},
        "where": {"type": "string", "examples": ["Ledger!F14", "line 14, column F"]},
        "message": {"type": "string"},
    }
)
PREVIEW = _object(
    {
        "kind": {"enum": list(MEDIA_TYPES)},
        "encoding": {**NULLABLE_TEXT, "description": "A CSV's text encoding"},
        "sheet": {"type": "string"},
        "header_row": {"type": "integer", "minimum": 1},
        "columns": {
            "type": "array",
            "items": _object(
                {
                    "letter": {"type": "string"},
                    "name": {"type": "string"},
                    "field": {"enum": list(FIELDS)},
                }
            ),
        },
        "layout": {"type": "string", "description": "Signature of the headings"},
        "mapping": {"type": "object", "additionalProperties": {"enum": list(FIELDS)}},
        "mapping_source": {"enum": ["given", "remembered", "suggested"]},
        "lines": {
            "type": "array",
            "items": _ref("PreviewLine"),
            "maxItems": 100,
            "description": "The first 100 lines as mapped; line_count says how many",
        },
        "line_count": {"type": "integer", "minimum": 0},
        "total": MONEY,
        "totals": _ref("Totals"),
        "control_total": {
            "oneOf": [
                _object(
                    {
                        "where": {"type": "string"},
                        "label": {"type": "string"},
                        "amount": MONEY,
                        "matches": {"type": "boolean"},
                    }
                ),
                {"type": "null"},
            ],
            "description": "The file's own total row, when it has one",
        },
        "problems": {
            "type": "array",
            "items": _ref("Problem"),
            "maxItems": 100,
            "description": "The first 100 problems; problem_counts counts them all",
        },
        "problem_counts": _object(
            {s: {"type": "integer", "minimum": 0} for s in ("error", "warning", "notice")}
        ),
    }
)
SUMMARY = {
    "organisation": _ref("LedgerOrganisation"),
    "number": {"type": "integer", "minimum": 1},
    "period": PERIOD,
    "period_label": {"type": "string", "examples": ["April 2026 to March 2027"]},
    "current": {"type": "boolean", "description": "The newest version for its period"},
    "filename": {"type": "string"},
    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    "submitted_by": {**NULLABLE_TEXT, "description": "Null when imported on the command line"},
    "submitted_at": {"type": "string", "format": "date-time", "pattern": "Z$"},
    "line_count": {"type": "integer", "minimum": 0},
    "total": MONEY,
    "encoding": NULLABLE_TEXT,
    "sheet": NULLABLE_TEXT,
    "mapping": {"type": "object", "additionalProperties": {"type": "string"}},
    "notices": {"type": "array", "items": _ref("Problem")},
    "url": {"type": "string", "format": "uri"},
    "original_url": {"type": "string", "format": "uri"},
}

LEDGER_SCHEMAS = {
    "Money": MONEY,
    "LedgerOrganisation": {
        "allOf": [
            _ref("Organisation"),
            _object({"slug": {"type": "string"}}),
        ]
    },
    "Problem": PROBLEM,
    "Totals": _object({"period": TOTALS, "category": TOTALS, "limb": TOTALS}),
    "PreviewLine": _object({**LINE_FIELDS, "organisation": {"type": "string"}}),
    "Preview": PREVIEW,
    "Upload": _object(
        {
            "id": {"type": "string", "description": "The staged upload, for submit"},
            "organisation": _ref("LedgerOrganisation"),
            "period": PERIOD,
            "filename": {"type": "string"},
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "next_number": {"type": "integer", "minimum": 1},
            "submit_url": {"type": "string", "format": "uri"},
            "preview": _ref("Preview"),
        }
    ),
    "LedgerVersionSummary": _object(SUMMARY),
    "LedgerLine": _object({"position": {"type": "integer", "minimum": 1}, **LINE_FIELDS}),
    "LedgerVersion": _object(
        {
            **SUMMARY,
            "previous": {"type": ["integer", "null"], "description": "The version before"},
            "lines": {"type": "array", "items": _ref("LedgerLine")},
            "totals": _ref("Totals"),
        }
    ),
    "LedgerVersionList": _object(
        {
            "items": {"type": "array", "items": _ref("LedgerVersionSummary")},
            "next": {"type": ["string", "null"]},
        }
    ),
}

ORG = {
    "name": "org",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "The organisation's slug, id or exact name",
}
NUMBER = {"name": "number", "in": "path", "required": True, "schema": ID}
PERIOD_QUERY = {
    "name": "period",
    "in": "query",
    "schema": PERIOD,
    "description": "Which period's ledger, when the organisation has several",
}
UPLOAD_ID = {"name": "upload_id", "in": "path", "required": True, "schema": {"type": "string"}}
FORBIDDEN = _json("Error", "Only a finance lead, for their own organisation (code forbidden)")
BAD_PERIOD = _json("Error", "The period is not like 2026-04..2027-03")
UPLOAD_FORM = {
    "type": "object",
    "required": ["file", "organisation", "period"],
    "properties": {
        "file": {"type": "string", "contentMediaType": "application/octet-stream"},
        "organisation": {"type": "string", "description": "Slug, id or exact name"},
        "period": PERIOD,
        "scale": {"enum": ["1", "1000"], "default": "1", "description": "£ or £000s"},
        "sheet": {"type": "string", "description": "Default: “Ledger”, else the only table"},
        "header_row": {"type": "integer", "minimum": 1, "maximum": 1000},
        "mapping": {
            "type": "string",
            "contentMediaType": "application/json",
            "description": 'JSON object {"Heading or letter": "field"}; fields: '
            + ", ".join(FIELDS)
            + ". Columns not named keep their suggested field.",
        },
    },
}

LEDGER_PATHS = {
    "/alliances/{slug}/ledgers/uploads": {
        "post": {
            "operationId": "uploadLedger",
            "summary": "Upload a ledger file and get its preview (finance leads)",
            "description": "Nothing is stored but the staged file until it is submitted. A "
            "refused file leaves only its refusal on the record.",
            "parameters": [SLUG],
            "requestBody": {
                "required": True,
                "content": {"multipart/form-data": {"schema": UPLOAD_FORM}},
            },
            "responses": {
                "201": _json("Upload", "The staged upload and its preview (problems by cell)"),
                "403": FORBIDDEN,
                "409": _json("Error", "This file was already imported (code already_imported)"),
                "413": _json(
                    "Error",
                    "The file is too large (code too_large), or the organisation's stored "
                    "ledger files would pass its quota (code storage_quota)",
                ),
                "429": {
                    **_json(
                        "Error",
                        "Too many new files from this person in the window (code "
                        "too_many_uploads); Retry-After says when to try again",
                    ),
                    "headers": {
                        "Retry-After": {
                            "description": "Seconds to wait",
                            "schema": {"type": "integer"},
                        }
                    },
                },
                "422": _json(
                    "Error",
                    "The file is refused (code upload_refused; reason says why), or a form "
                    "field is wrong (code invalid)",
                ),
                **ERRORS,
            },
        }
    },
    "/alliances/{slug}/ledgers/uploads/{upload_id}/submit": {
        "post": {
            "operationId": "submitLedger",
            "summary": "Submit a staged upload: it becomes the next version of the ledger",
            "parameters": [SLUG, UPLOAD_ID],
            "responses": {
                "201": _json("LedgerVersionSummary", "The new current version; Location names it"),
                "403": FORBIDDEN,
                "409": _json(
                    "Error",
                    "Another upload finished first (submitted_meanwhile), or the file "
                    "was already imported (already_imported)",
                ),
                "422": _json("Error", "The file has errors (code upload_has_errors)"),
                **ERRORS,
            },
        }
    },
    "/alliances/{slug}/ledgers/{org}/versions": {
        "get": {
            "operationId": "listLedgerVersions",
            "summary": "Every version of an organisation's ledgers, newest first",
            "parameters": [SLUG, ORG, PERIOD_QUERY],
            "responses": {
                "200": _json("LedgerVersionList", "The versions"),
                "400": BAD_PERIOD,
                **ERRORS,
            },
        }
    },
    "/alliances/{slug}/ledgers/{org}/versions/{number}": {
        "get": {
            "operationId": "getLedgerVersion",
            "summary": "One version with every line and its totals",
            "parameters": [SLUG, ORG, NUMBER, PERIOD_QUERY],
            "responses": {
                "200": _json("LedgerVersion", "The version"),
                "400": BAD_PERIOD,
                **ERRORS,
            },
        }
    },
    "/alliances/{slug}/ledgers/{org}/versions/{number}/original": {
        "get": {
            "operationId": "getLedgerOriginal",
            "summary": "The file as uploaded, as an attachment",
            "parameters": [SLUG, ORG, NUMBER, PERIOD_QUERY],
            "responses": {
                "200": {
                    "description": "The original bytes (Content-Disposition: attachment)",
                    "headers": {
                        "Content-Disposition": {
                            "schema": {"type": "string"},
                            "description": "attachment; filename=…",
                        }
                    },
                    "content": {
                        media_type: {"schema": {"type": "string", "contentMediaType": media_type}}
                        for media_type in MEDIA_TYPES.values()
                    },
                },
                "400": BAD_PERIOD,
                **ERRORS,
            },
        }
    },
}
