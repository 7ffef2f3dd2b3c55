"""Schemas and paths of the report endpoints: the pool for a financial year, its exports,
the board pack and the open-data zip. No target, rating, ranking or colour anywhere."""

from alliance.api.openapi.common import ERRORS, SLUG, _json

MONEY = {"type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2}$"}
MONEY_OR_NULL = {"type": ["string", "null"], "pattern": "^-?[0-9]+\\.[0-9]{2}$"}
PERCENT = {"type": "string", "pattern": "^[0-9]{1,3}(\\.[0-9]{1,2})?$"}
TEXT = {"type": "string"}
SUMS = {"spend": MONEY, "income": MONEY, "net": MONEY}


def _object(properties: dict, description: str = "") -> dict:
    found = {"type": "object", "required": list(properties), "properties": properties}
    if description:
        found["description"] = description
    return found


def _list(item: dict) -> dict:
    return {"type": "array", "items": item}


POOL = _object(
    {
        "year": {"type": "integer", "description": "The year of the April that starts it"},
        "label": {**TEXT, "description": "e.g. 2026-27"},
        "through": {
            "type": ["string", "null"],
            "description": "The last month with actual spend counted (YYYY-MM)",
        },
        "position": _object(
            {
                "contributed": MONEY,
                "allocated": MONEY,
                "unallocated": MONEY,
                "actual": _object(SUMS, "Spend, income and net spend (spend less income)"),
                "lines": {"type": "integer", "description": "Ledger lines counted"},
                "contributions": _list(_object({"organisation": TEXT, "amount": MONEY})),
                "allocations": _list(
                    _object(
                        {
                            "organisation": TEXT,
                            "service_line": {**TEXT, "description": "Empty: the whole provider"},
                            "opening": MONEY,
                            "current": MONEY,
                            "changes": _list(
                                _object(
                                    {"decision": TEXT, "amount": MONEY},
                                    "A carried decision's budget effect",
                                )
                            ),
                        }
                    )
                ),
            },
            "Members alphabetically",
        ),
        "breakdowns": _object(
            {
                "period": _list(
                    _object(
                        {
                            "label": TEXT,
                            "start": {"type": "string", "format": "date"},
                            "months": {
                                "type": "integer",
                                "description": "1 a month; 0 a ledger's whole period",
                            },
                            **SUMS,
                        }
                    )
                ),
                "category": _list(
                    _object(
                        {
                            "name": TEXT,
                            "limb": {"enum": ["limb1", "limb2", "income", None]},
                            "amount": MONEY,
                        }
                    )
                ),
                "limb": _list(
                    _object({"limb": {"enum": ["limb1", "limb2", "income", None]}, "amount": MONEY})
                ),
                "service_line": _list(_object({"name": TEXT, "allocated": MONEY, **SUMS})),
                "organisation": _list(
                    _object(
                        {
                            "organisation": TEXT,
                            "kind": {"enum": ["commissioner", "provider", "other"]},
                            "allocated": MONEY,
                            **SUMS,
                        }
                    )
                ),
            }
        ),
        "forecast": _object(
            {
                "method": {"enum": ["run_rate", None]},
                "description": {**TEXT, "description": "How it was made, with its figures"},
                "months_elapsed": {"type": "integer"},
                "outturn": MONEY_OR_NULL,
                "variance": {
                    **MONEY_OR_NULL,
                    "description": "Contributed less forecast outturn: positive is a gain",
                },
            }
        ),
        "risk_share": {
            "oneOf": [
                {"type": "null"},
                _object(
                    {
                        "agreed_at": {"type": "string", "format": "date-time"},
                        "note": TEXT,
                        "provider_cap": MONEY_OR_NULL,
                        "bands": _list(
                            _object(
                                {
                                    "up_to": MONEY_OR_NULL,
                                    "percents": {
                                        "type": "object",
                                        "additionalProperties": PERCENT,
                                    },
                                }
                            )
                        ),
                        "variance": MONEY_OR_NULL,
                        "members": _list(
                            _object(
                                {"organisation": TEXT, "percent": PERCENT, "share": MONEY_OR_NULL}
                            )
                        ),
                        "capped": {"type": "boolean"},
                        "carried_by_commissioners": MONEY_OR_NULL,
                        "working": _list(
                            _object(
                                {
                                    "text": TEXT,
                                    "amounts": _list(
                                        _object({"organisation": TEXT, "amount": MONEY})
                                    ),
                                }
                            )
                        ),
                        "problem": {"type": ["string", "null"]},
                    }
                ),
            ]
        },
    },
    "The pool for a financial year: members always alphabetically, nothing ranked or rated",
)

YEAR = {
    "name": "year",
    "in": "query",
    "required": False,
    "description": "The year of the April that starts the financial year (default: today's)",
    "schema": {"type": "integer", "minimum": 2000, "maximum": 2100},
}
PERIOD = {
    "name": "period",
    "in": "query",
    "required": False,
    "description": "The month, e.g. 2026-10 (default: the month just gone)",
    "schema": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
}
FORMAT = {
    "name": "format",
    "in": "query",
    "required": False,
    "schema": {"enum": ["html", "pdf", "xlsx", "csv"], "default": "html"},
}
BAD = _json("Error", "A year, month or format that cannot be read")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BINARY = {"type": "string", "format": "binary"}


def _file(media: str, description: str) -> dict:
    return {"description": description, "content": {media: {"schema": BINARY}}}


REPORT_SCHEMAS = {"Pool": POOL}

REPORT_PATHS = {
    "/alliances/{slug}/pool": {
        "get": {
            "operationId": "getPool",
            "summary": "The pool for a financial year: position, breakdowns, forecast, risk share",
            "parameters": [SLUG, YEAR],
            "responses": {"200": _json("Pool", "The pool"), "400": BAD, **ERRORS},
        }
    },
    "/alliances/{slug}/pool.xlsx": {
        "get": {
            "operationId": "getPoolXlsx",
            "summary": "The pool report as a workbook, one worksheet per table",
            "parameters": [SLUG, YEAR],
            "responses": {"200": _file(XLSX, "The workbook"), "400": BAD, **ERRORS},
        }
    },
    "/alliances/{slug}/pool.csv": {
        "get": {
            "operationId": "getPoolCsv",
            "summary": "The pool report as CSV: section, item, figure, amount",
            "parameters": [SLUG, YEAR],
            "responses": {"200": _file("text/csv", "The CSV"), "400": BAD, **ERRORS},
        }
    },
    "/alliances/{slug}/board-pack": {
        "get": {
            "operationId": "getBoardPack",
            "summary": "The board pack for a month as HTML, PDF, xlsx or CSV",
            "parameters": [SLUG, PERIOD, FORMAT],
            "responses": {
                "200": {
                    "description": "The board pack",
                    "content": {
                        "text/html": {"schema": TEXT},
                        "application/pdf": {"schema": BINARY},
                        XLSX: {"schema": BINARY},
                        "text/csv": {"schema": TEXT},
                    },
                },
                "400": BAD,
                "503": _json("Error", "PDF printing is not installed on this server"),
                **ERRORS,
            },
        }
    },
    "/alliances/{slug}/open-data.zip": {
        "get": {
            "operationId": "getOpenData",
            "summary": "Everything in the alliance as CSV files, with a README of every column",
            "parameters": [SLUG],
            "responses": {"200": _file("application/zip", "The zip"), **ERRORS},
        }
    },
}
