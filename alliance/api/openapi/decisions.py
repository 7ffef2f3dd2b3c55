"""Schemas and paths of the decision endpoints."""

from alliance.api.openapi.common import ERRORS, ID, SLUG, _json

NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
VOTE = {
    "type": "object",
    "required": [
        "organisation",
        "position",
        "reason",
        "principles",
        "cast_by",
        "cast_as",
        "cast_at",
        "current",
    ],
    "properties": {
        "organisation": {"$ref": "#/components/schemas/Organisation"},
        "position": {"enum": ["agree", "abstain", "disagree", "block"]},
        "reason": {"type": "string"},
        "principles": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Codes of the principles and values the reason cites",
        },
        "cast_by": {"type": "string"},
        "cast_as": {"enum": ["representative", "alternate"]},
        "cast_at": {"type": "string", "format": "date-time"},
        "current": {"type": "boolean", "description": "Whether this is the seat's counting vote"},
    },
}
DEADLOCK = {
    "type": "object",
    "required": ["status", "resolution", "steps"],
    "properties": {
        "status": {"enum": ["open", "resolved"]},
        "resolution": {"enum": ["new_proposal", "withdrawal", "exit", None]},
        "steps": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["stage", "started_at", "due_at", "notes", "recorded_by"],
                "properties": {
                    "stage": {"enum": ["cooling_off", "escalation", "mediation", "resolved"]},
                    "started_at": {"type": "string", "format": "date-time"},
                    "due_at": NULLABLE_TIME,
                    "notes": {"type": "string"},
                    "recorded_by": {"type": "string"},
                },
            },
        },
    },
}
MONEY = {"type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2}$", "description": "Pounds, two places"}
BUDGET_EFFECT = {
    "type": "object",
    "required": [
        "financial_year",
        "amount",
        "from_organisation",
        "to_organisation",
        "from_service_line",
        "to_service_line",
    ],
    "properties": {
        "financial_year": {"type": "integer", "description": "The year the financial year starts"},
        "amount": MONEY,
        "from_organisation": {
            "oneOf": [{"$ref": "#/components/schemas/Organisation"}, {"type": "null"}]
        },
        "to_organisation": {
            "oneOf": [{"$ref": "#/components/schemas/Organisation"}, {"type": "null"}]
        },
        "from_service_line": {"type": "string"},
        "to_service_line": {"type": "string"},
    },
}
DECISION_SCHEMAS = {
    "BudgetEffect": BUDGET_EFFECT,
    "ProposalRequest": {
        "type": "object",
        "required": ["title", "question", "kind"],
        "properties": {
            "title": {"type": "string"},
            "question": {"type": "string"},
            "background": {"type": "string"},
            "rationale": {
                "type": "string",
                "description": "Best for people using services; required before voting opens",
            },
            "kind": {"enum": ["key_issue", "operational", "reserved"]},
            "principles": {"type": "array", "items": {"type": "string"}},
            "papers": {"type": "array", "items": {"type": "string", "format": "uri"}},
            "closes_at": {"type": "string", "format": "date-time"},
            "reserved_holder": {
                **ID,
                "description": "Organisation id of the reserved-power holder",
            },
            "supersedes": {"type": "string", "description": "Reference of a carried decision"},
            "budget_effect": {
                "type": "object",
                "required": ["financial_year", "amount"],
                "properties": {
                    "financial_year": {"type": "integer"},
                    "amount": MONEY,
                    "from_organisation": ID,
                    "to_organisation": ID,
                    "from_service_line": {"type": "string"},
                    "to_service_line": {"type": "string"},
                },
            },
        },
        "example": {
            "title": "Fund outreach",
            "question": "Shall we fund outreach for a year?",
            "kind": "key_issue",
            "rationale": "People asked for it",
            "principles": ["b"],
            "closes_at": "2027-03-03T17:00:00Z",
        },
    },
    "Vote": VOTE,
    "Deadlock": DEADLOCK,
    "Decision": {
        "type": "object",
        "required": [
            "reference",
            "title",
            "question",
            "rationale",
            "kind",
            "status",
            "principles",
            "opens_at",
            "closes_at",
            "closed_at",
            "policy",
            "seats",
            "votes",
            "outcome",
            "outcome_statement",
            "budget_effect",
            "deadlock",
        ],
        "properties": {
            "reference": {"type": "string"},
            "title": {"type": "string"},
            "question": {"type": "string"},
            "rationale": {"type": "string"},
            "kind": {"enum": ["key_issue", "operational", "reserved"]},
            "status": {"enum": ["draft", "open", "closed", "withdrawn"]},
            "principles": {"type": "array", "items": {"type": "string"}},
            "opens_at": NULLABLE_TIME,
            "closes_at": NULLABLE_TIME,
            "closed_at": NULLABLE_TIME,
            "policy": {
                "type": "object",
                "required": ["abstention", "quorum"],
                "properties": {
                    "abstention": {"enum": ["stand_aside", "breaks_unanimity", None]},
                    "quorum": {"type": ["integer", "null"]},
                },
            },
            "seats": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["organisation", "recused", "vote"],
                    "properties": {
                        "organisation": {"$ref": "#/components/schemas/Organisation"},
                        "recused": {"type": "boolean"},
                        "vote": {
                            "oneOf": [{"$ref": "#/components/schemas/Vote"}, {"type": "null"}]
                        },
                    },
                },
            },
            "votes": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Vote"},
                "description": "Every vote, oldest first",
            },
            "outcome": {"enum": ["carried", "not_carried", "withdrawn", None]},
            "outcome_statement": {"type": ["string", "null"]},
            "budget_effect": {
                "oneOf": [{"$ref": "#/components/schemas/BudgetEffect"}, {"type": "null"}]
            },
            "deadlock": {"oneOf": [{"$ref": "#/components/schemas/Deadlock"}, {"type": "null"}]},
        },
    },
    "DecisionList": {
        "type": "object",
        "required": ["items", "next"],
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": [
                        "reference",
                        "title",
                        "kind",
                        "status",
                        "closes_at",
                        "closed_at",
                        "outcome",
                    ],
                    "properties": {
                        "reference": {"type": "string"},
                        "title": {"type": "string"},
                        "kind": {"enum": ["key_issue", "operational", "reserved"]},
                        "status": {"enum": ["draft", "open", "closed", "withdrawn"]},
                        "closes_at": NULLABLE_TIME,
                        "closed_at": NULLABLE_TIME,
                        "outcome": {"enum": ["carried", "not_carried", "withdrawn", None]},
                    },
                },
            },
            "next": {"type": ["string", "null"]},
        },
    },
    "VoteRequest": {
        "type": "object",
        "required": ["position"],
        "properties": {
            "position": {"enum": ["agree", "abstain", "disagree", "block"]},
            "reason": {"type": "string", "description": "Required to disagree or block"},
            "principles": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Principle or value codes; at least one to object",
            },
        },
        "example": {
            "position": "block",
            "reason": "Unsafe for people using services",
            "principles": ["b"],
        },
    },
    "CloseRequest": {
        "type": "object",
        "properties": {
            "reason": {"type": "string", "description": "Required while some seats have not voted"}
        },
    },
    "DeadlockStepRequest": {
        "type": "object",
        "required": ["notes"],
        "properties": {
            "notes": {"type": "string"},
            "resolution": {"enum": ["new_proposal", "withdrawal", "exit"]},
        },
    },
}


REFERENCE = {
    "name": "reference",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "The decision's permanent reference, e.g. RCNA-2026-014",
}
NOT_JSON = _json(
    "Error", "Not a JSON object, a field of the wrong type, or text with NUL or a lone surrogate"
)
CONFLICT = _json("Error", "Voting has closed (code voting_closed), or the decision is closed")
INVALID = _json("Error", "The request breaks a rule (e.g. an objection without a reason)")


def _body(ref: str) -> dict:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


DECISION_PATHS = {
    "/alliances/{slug}/decisions": {
        "get": {
            "operationId": "listDecisions",
            "summary": "The decision register, newest first",
            "parameters": [SLUG],
            "responses": {"200": _json("DecisionList", "Decisions"), **ERRORS},
        },
        "post": {
            "operationId": "proposeDecision",
            "summary": "Draft a proposal (commissioners and managers)",
            "parameters": [SLUG],
            "requestBody": _body("ProposalRequest"),
            "responses": {
                "201": _json("Decision", "The draft; Location names it"),
                "400": NOT_JSON,
                "403": _json("Error", "Only commissioners and managers propose"),
                "422": INVALID,
                **ERRORS,
            },
        },
    },
    "/alliances/{slug}/decisions/{reference}/open": {
        "post": {
            "operationId": "openVoting",
            "summary": "Open voting: the electorate is frozen (the proposer or the chair)",
            "parameters": [SLUG, REFERENCE],
            "responses": {
                "200": _json("Decision", "The open decision with its seats"),
                "403": _json("Error", "Only the proposer or the chair opens voting"),
                "409": _json("Error", "Voting has already opened"),
                "422": INVALID,
                **ERRORS,
            },
        }
    },
    "/alliances/{slug}/decisions/{reference}": {
        "get": {
            "operationId": "getDecision",
            "summary": "A decision: seats, every vote and the outcome (closes it if due)",
            "parameters": [SLUG, REFERENCE],
            "responses": {"200": _json("Decision", "The decision"), **ERRORS},
        }
    },
    "/alliances/{slug}/decisions/{reference}/votes": {
        "post": {
            "operationId": "castVote",
            "summary": "Cast or change the vote of the caller's organisation's seat",
            "parameters": [SLUG, REFERENCE],
            "requestBody": _body("VoteRequest"),
            "responses": {
                "201": _json("Decision", "The decision with the vote"),
                "400": NOT_JSON,
                "403": _json("Error", "The caller holds no seat role, or the seat is recused"),
                "409": CONFLICT,
                "422": INVALID,
                **ERRORS,
            },
        }
    },
    "/alliances/{slug}/decisions/{reference}/close": {
        "post": {
            "operationId": "closeDecision",
            "summary": "The chair closes voting",
            "parameters": [SLUG, REFERENCE],
            "requestBody": {
                "required": False,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/CloseRequest"}}
                },
            },
            "responses": {
                "200": _json("Decision", "The closed decision with its outcome"),
                "400": NOT_JSON,
                "403": _json("Error", "Only the chair closes"),
                "409": CONFLICT,
                "422": INVALID,
                **ERRORS,
            },
        }
    },
    "/alliances/{slug}/decisions/{reference}/deadlock": {
        "get": {
            "operationId": "getDeadlock",
            "summary": "The deadlock path of a key issue not carried",
            "parameters": [SLUG, REFERENCE],
            "responses": {"200": _json("Deadlock", "The deadlock and its steps"), **ERRORS},
        }
    },
    "/alliances/{slug}/decisions/{reference}/deadlock/steps": {
        "post": {
            "operationId": "recordDeadlockStep",
            "summary": "The chair records the next step (or the resolution)",
            "parameters": [SLUG, REFERENCE],
            "requestBody": _body("DeadlockStepRequest"),
            "responses": {
                "201": _json("Deadlock", "The deadlock with the new step"),
                "400": NOT_JSON,
                "403": _json("Error", "Only the chair records steps"),
                "409": _json("Error", "No open deadlock"),
                "422": INVALID,
                **ERRORS,
            },
        }
    },
}
