"""Schemas and paths of the register and the record, and the helpers every part uses."""

from alliance.db import MAX_ID

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}

ORGANISATION = {
    "type": "object",
    "required": ["id", "name", "kind"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "kind": {"enum": ["commissioner", "provider", "other"]},
    },
}

ROLE = {
    "enum": [
        "manager",
        "chair",
        "commissioner",
        "finance_lead",
        "board_representative",
        "board_alternate",
        "observer",
    ]
}
DATE = {"type": ["string", "null"], "format": "date"}
#: The largest id or number a request may name (PostgreSQL's integer); a larger one in a
#: path is no such object (404), in a body an unknown object (422).
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
HASH = {"type": "string", "pattern": "^[0-9a-f]{64}$"}

SCHEMAS = {
    "Error": ERROR,
    "Organisation": ORGANISATION,
    "Me": {
        "type": "object",
        "required": ["email", "name", "memberships"],
        "properties": {
            "email": {"type": "string"},
            "name": {"type": "string"},
            "memberships": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["alliance", "organisation", "roles"],
                    "properties": {
                        "alliance": {"type": "string", "description": "The alliance's slug"},
                        "organisation": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/Organisation"},
                                {"type": "null"},
                            ]
                        },
                        "roles": {"type": "array", "items": ROLE},
                    },
                },
            },
        },
    },
    "Alliance": {
        "type": "object",
        "required": [
            "slug",
            "name",
            "purpose",
            "reference_prefix",
            "agreement_starts_on",
            "agreement_ends_on",
            "financial_year_start_month",
            "policy",
            "principles",
            "values",
        ],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "purpose": {"type": "string"},
            "reference_prefix": {"type": "string"},
            "agreement_starts_on": DATE,
            "agreement_ends_on": DATE,
            "financial_year_start_month": {"type": "integer", "minimum": 1, "maximum": 12},
            "policy": {
                "type": "object",
                "required": ["abstention", "quorum"],
                "properties": {
                    "abstention": {"enum": ["stand_aside", "breaks_unanimity"]},
                    "quorum": {
                        "type": ["integer", "null"],
                        "description": "Seats that must vote; null means every seat",
                    },
                },
            },
            "principles": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "text"],
                    "properties": {"code": {"type": "string"}, "text": {"type": "string"}},
                },
            },
            "values": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "name", "description"],
                    "properties": {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "description": {"type": "string"},
                    },
                },
            },
        },
    },
    "MemberList": {
        "type": "object",
        "required": ["items", "next"],
        "properties": {
            "items": {
                "type": "array",
                "description": "Member organisations in alphabetical order",
                "items": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Organisation"},
                        {
                            "type": "object",
                            "required": ["slug", "joined_on", "left_on", "people"],
                            "properties": {
                                "slug": {"type": "string"},
                                "joined_on": {"type": "string", "format": "date"},
                                "left_on": DATE,
                                "people": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["name", "email", "roles"],
                                        "properties": {
                                            "name": {"type": "string"},
                                            "email": {"type": "string"},
                                            "roles": {"type": "array", "items": ROLE},
                                        },
                                    },
                                },
                            },
                        },
                    ]
                },
            },
            "next": {"type": ["string", "null"]},
        },
    },
    "Event": {
        "type": "object",
        "required": [
            "id",
            "seq",
            "occurred_at",
            "actor",
            "organisation_id",
            "action",
            "object_type",
            "object_id",
            "summary",
            "prev_hash",
            "hash",
        ],
        "properties": {
            "id": {"type": "integer"},
            "seq": {"type": "integer", "minimum": 1},
            "occurred_at": {"type": "string", "format": "date-time", "pattern": "Z$"},
            "actor": {"type": "string"},
            "organisation_id": {"type": ["integer", "null"]},
            "action": {"type": "string"},
            "object_type": {"type": ["string", "null"]},
            "object_id": {"type": ["string", "null"]},
            "summary": {"type": "object"},
            "prev_hash": HASH,
            "hash": HASH,
        },
    },
    "EventList": {
        "type": "object",
        "required": ["items", "next"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
            "next": {"type": ["string", "null"], "description": "URL of the next page, or null"},
        },
    },
    "Head": {
        "type": "object",
        "required": ["seq", "hash", "event_id"],
        "properties": {
            "seq": {"type": "integer", "minimum": 0},
            "hash": HASH,
            "event_id": {"type": ["integer", "null"]},
        },
    },
}


def _json(ref: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


ERRORS = {
    "401": _json("Error", "No valid bearer token"),
    "404": _json("Error", "No such alliance, or you are not a member of it"),
}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}

PATHS = {
    "/me": {
        "get": {
            "operationId": "getMe",
            "summary": "Who the token belongs to, and their roles",
            "responses": {"200": _json("Me", "The token's person"), "401": ERRORS["401"]},
        }
    },
    "/alliances/{slug}": {
        "get": {
            "operationId": "getAlliance",
            "summary": "An alliance with its principles and values",
            "parameters": [SLUG],
            "responses": {"200": _json("Alliance", "The alliance"), **ERRORS},
        }
    },
    "/alliances/{slug}/members": {
        "get": {
            "operationId": "listMembers",
            "summary": "Member organisations and their people",
            "parameters": [SLUG],
            "responses": {"200": _json("MemberList", "Members, alphabetical"), **ERRORS},
        }
    },
    "/alliances/{slug}/record": {
        "get": {
            "operationId": "listRecord",
            "summary": "The record, oldest first, a page at a time",
            "parameters": [
                SLUG,
                {
                    "name": "after",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                    "description": "Return events whose seq is greater than this",
                },
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
                },
            ],
            "responses": {
                "200": _json("EventList", "A page of events"),
                "400": _json("Error", "Bad paging parameters"),
                **ERRORS,
            },
        }
    },
    "/alliances/{slug}/record/head": {
        "get": {
            "operationId": "getRecordHead",
            "summary": "The head of the record's hash chain",
            "parameters": [SLUG],
            "responses": {"200": _json("Head", "The head hash to minute"), **ERRORS},
        }
    },
}
