"""Schemas and paths of the learning endpoints: entries, the gate, the review thread and
assurance statements (frozen: 405 to PATCH, PUT and DELETE)."""

from alliance.api.openapi.common import ERRORS, ID, SLUG, _json

TIME = {"type": "string", "format": "date-time"}
DAY = {"type": ["string", "null"], "format": "date"}
TEXT = {"type": "string"}
TEXTS = {"type": "array", "items": {"type": "string"}}
KIND = {"enum": ["experiment", "listening", "reflection"]}
STATUS = {"enum": ["idea", "running", "reflecting", "closed"]}
NEXT_STEP = {"enum": ["embed", "adapt", "stop", "try_something_else", None]}
WRITTEN = ("title", "summary", "involved", "happened", "learned_good", "learned_bad",
           "next_step_note", "links")  # fmt: skip

ENTRY_SUMMARY = {
    "type": "object",
    "required": [
        "id",
        "reference",
        "kind",
        "status",
        "title",
        "themes",
        "author",
        "revision",
        "created_at",
        "updated_at",
    ],
    "properties": {
        "id": {"type": "integer", "description": "The entry's number in the alliance (L-3 is 3)"},
        "reference": {"type": "string", "pattern": "^L-[0-9]+$"},
        "kind": KIND,
        "status": STATUS,
        "title": TEXT,
        "themes": TEXTS,
        "author": TEXT,
        "revision": {"type": "integer", "minimum": 1},
        "created_at": TIME,
        "updated_at": TIME,
    },
}
ENTRY = {
    "type": "object",
    "required": [
        *ENTRY_SUMMARY["required"],
        *(name for name in WRITTEN if name != "title"),
        "starts_on",
        "ends_on",
        "next_step",
        "principles",
        "values",
        "gate",
        "cites",
        "questions",
        "revisions",
    ],
    "properties": {
        **ENTRY_SUMMARY["properties"],
        **{name: TEXT for name in WRITTEN},
        "starts_on": DAY,
        "ends_on": DAY,
        "next_step": NEXT_STEP,
        "principles": TEXTS,
        "values": TEXTS,
        "gate": {
            "description": "An experiment's answers to “Is it legal?” and “Is it safe?” "
            "(null for other kinds; legal and safe are null until answered)",
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["legal", "legal_basis", "safe", "safe_basis", "passed"],
                    "properties": {
                        "legal": {"type": ["boolean", "null"]},
                        "legal_basis": TEXT,
                        "safe": {"type": ["boolean", "null"]},
                        "safe_basis": TEXT,
                        "passed": {"type": "boolean"},
                    },
                },
            ],
        },
        "cites": {
            "type": "object",
            "required": ["decisions", "ledger_lines", "service_lines"],
            "properties": {
                "decisions": TEXTS,
                "ledger_lines": {"type": "array", "items": ID},
                "service_lines": TEXTS,
            },
        },
        "questions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "text", "asked_by", "asked_at", "answers"],
                "properties": {
                    "id": {"type": "integer"},
                    "text": TEXT,
                    "asked_by": TEXT,
                    "asked_at": TIME,
                    "answers": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["text", "answered_by", "answered_at"],
                            "properties": {"text": TEXT, "answered_by": TEXT, "answered_at": TIME},
                        },
                    },
                },
            },
        },
        "revisions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["number", "edited_by", "edited_at"],
                "properties": {"number": {"type": "integer"}, "edited_by": TEXT, "edited_at": TIME},
            },
        },
    },
}
ENTRY_REQUEST = {
    "type": "object",
    "required": ["kind", "title"],
    "properties": {
        "kind": KIND,
        "status": STATUS,
        **{name: TEXT for name in WRITTEN},
        "starts_on": DAY,
        "ends_on": DAY,
        "next_step": NEXT_STEP,
        "themes": TEXTS,
        "principles": TEXTS,
        "values": TEXTS,
        "decisions": {**TEXTS, "description": "References of decisions it cites"},
        "ledger_lines": {"type": "array", "items": ID},
        "service_lines": {**TEXTS, "description": "Names of budget (service) lines it cites"},
    },
}
EDIT_REQUEST = {
    "type": "object",
    "description": "The fields sent replace the entry's; the rest stay. A new revision.",
    "properties": {
        **{k: v for k, v in ENTRY_REQUEST["properties"].items() if k != "kind"},
        "revision": {
            "type": "integer",
            "description": "The revision you edited: if someone saved since, 409 edited_meanwhile",
        },
    },
}
GATE_REQUEST = {
    "type": "object",
    "required": ["legal", "legal_basis", "safe", "safe_basis"],
    "properties": {
        "legal": {"type": "boolean"},
        "legal_basis": TEXT,
        "safe": {"type": "boolean"},
        "safe_basis": TEXT,
    },
}
TEXT_REQUEST = {"type": "object", "required": ["text"], "properties": {"text": TEXT}}
STATEMENT = {
    "type": "object",
    "required": [
        "id",
        "reference",
        "period_start",
        "period_end",
        "assured_that",
        "because",
        "figures",
        "entries",
        "decisions",
        "revisits",
        "recorded_by",
        "recorded_at",
    ],
    "properties": {
        "id": {"type": "integer"},
        "reference": {"type": "string", "pattern": "^AS-[0-9]+$"},
        "period_start": {"type": "string", "format": "date"},
        "period_end": {"type": "string", "format": "date"},
        "assured_that": TEXT,
        "because": TEXT,
        "figures": TEXT,
        "entries": TEXTS,
        "decisions": TEXTS,
        "revisits": {"type": ["string", "null"]},
        "recorded_by": TEXT,
        "recorded_at": TIME,
    },
}
STATEMENT_REQUEST = {
    "type": "object",
    "required": ["period_start", "period_end", "assured_that", "because"],
    "properties": {
        "period_start": {"type": "string", "format": "date"},
        "period_end": {"type": "string", "format": "date"},
        "assured_that": TEXT,
        "because": TEXT,
        "figures": TEXT,
        "entries": {**TEXTS, "description": "Entries it rests on: L-3 or 3"},
        "decisions": TEXTS,
        "revisits": {"type": ["string", "null"], "description": "An earlier statement: AS-1"},
    },
}

LEARNING_SCHEMAS = {
    "LearningEntrySummary": ENTRY_SUMMARY,
    "LearningEntry": ENTRY,
    "LearningEntryList": {
        "type": "object",
        "required": ["items", "next"],
        "properties": {
            "items": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/LearningEntrySummary"},
            },
            "next": {"type": ["string", "null"]},
        },
    },
    "LearningEntryRequest": ENTRY_REQUEST,
    "LearningEditRequest": EDIT_REQUEST,
    "GateRequest": GATE_REQUEST,
    "TextRequest": TEXT_REQUEST,
    "AssuranceStatement": STATEMENT,
    "AssuranceStatementList": {
        "type": "object",
        "required": ["items", "next"],
        "properties": {
            "items": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/AssuranceStatement"},
            },
            "next": {"type": ["string", "null"]},
        },
    },
    "AssuranceStatementRequest": STATEMENT_REQUEST,
}


def _body(ref: str) -> dict:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


NUMBER = {"name": "number", "in": "path", "required": True, "schema": ID}
QUESTION = {"name": "question_id", "in": "path", "required": True, "schema": ID}
BAD = _json(
    "Error", "Not a JSON object, a field of the wrong type, or text with NUL or a lone surrogate"
)
INVALID = _json("Error", "The entry breaks a rule (code invalid_entry), e.g. an experiment "
                "running before it passed the gate")  # fmt: skip
NOT_WRITER = _json("Error", "Observers do not write in the learning log")
NOT_BOARD = _json("Error", "Only board members (and the chair) do that")
FROZEN = _json("Error", "A recorded statement is never changed (code statement_frozen)")

LEARNING_PATHS = {
    "/alliances/{slug}/learning": {
        "get": {
            "operationId": "listLearning",
            "summary": "The learning log, newest first",
            "parameters": [SLUG],
            "responses": {"200": _json("LearningEntryList", "Entries"), **ERRORS},
        },
        "post": {
            "operationId": "recordLearning",
            "summary": "Write an entry (anyone but an observer); it belongs to the alliance",
            "parameters": [SLUG],
            "requestBody": _body("LearningEntryRequest"),
            "responses": {
                "201": _json("LearningEntry", "The entry, revision 1; Location names it"),
                "400": BAD,
                "403": NOT_WRITER,
                "422": INVALID,
                **ERRORS,
            },
        },
    },
    "/alliances/{slug}/learning/{number}": {
        "get": {
            "operationId": "getLearning",
            "summary": "An entry with its gate, citations, review thread and revisions",
            "parameters": [SLUG, NUMBER],
            "responses": {"200": _json("LearningEntry", "The entry"), **ERRORS},
        },
        "patch": {
            "operationId": "editLearning",
            "summary": "Edit an entry: a new revision (every revision stays readable)",
            "parameters": [SLUG, NUMBER],
            "requestBody": _body("LearningEditRequest"),
            "responses": {
                "200": _json("LearningEntry", "The entry at its new revision"),
                "400": BAD,
                "403": NOT_WRITER,
                "409": _json("Error", "Someone saved it since (code edited_meanwhile)"),
                "422": INVALID,
                **ERRORS,
            },
        },
    },
    "/alliances/{slug}/learning/{number}/gate": {
        "post": {
            "operationId": "answerGate",
            "summary": "An experiment's gate: two yeses start it; a no keeps it an idea",
            "parameters": [SLUG, NUMBER],
            "requestBody": _body("GateRequest"),
            "responses": {
                "200": _json("LearningEntry", "The entry with its answers"),
                "400": BAD,
                "403": NOT_WRITER,
                "422": INVALID,
                **ERRORS,
            },
        }
    },
    "/alliances/{slug}/learning/{number}/questions": {
        "post": {
            "operationId": "askQuestion",
            "summary": "A board member asks about an entry",
            "parameters": [SLUG, NUMBER],
            "requestBody": _body("TextRequest"),
            "responses": {
                "201": _json("LearningEntry", "The entry with the question"),
                "400": BAD,
                "403": NOT_BOARD,
                "422": INVALID,
                **ERRORS,
            },
        }
    },
    "/alliances/{slug}/learning/{number}/questions/{question_id}/answers": {
        "post": {
            "operationId": "answerQuestion",
            "summary": "Those who wrote the entry (or the board) answer a question",
            "parameters": [SLUG, NUMBER, QUESTION],
            "requestBody": _body("TextRequest"),
            "responses": {
                "201": _json("LearningEntry", "The entry with the answer"),
                "400": BAD,
                "403": _json("Error", "Only the entry's writers and the board answer"),
                "422": INVALID,
                **ERRORS,
            },
        }
    },
    "/alliances/{slug}/assurance-statements": {
        "get": {
            "operationId": "listAssuranceStatements",
            "summary": "The board's assurance statements, newest first",
            "parameters": [SLUG],
            "responses": {"200": _json("AssuranceStatementList", "Statements"), **ERRORS},
        },
        "post": {
            "operationId": "recordAssuranceStatement",
            "summary": "Record a statement (board members and the chair); frozen once recorded",
            "parameters": [SLUG],
            "requestBody": _body("AssuranceStatementRequest"),
            "responses": {
                "201": _json("AssuranceStatement", "The statement; Location names it"),
                "400": BAD,
                "403": NOT_BOARD,
                "422": INVALID,
                **ERRORS,
            },
        },
    },
    "/alliances/{slug}/assurance-statements/{number}": {
        "get": {
            "operationId": "getAssuranceStatement",
            "summary": "One statement",
            "parameters": [SLUG, NUMBER],
            "responses": {"200": _json("AssuranceStatement", "The statement"), **ERRORS},
        },
        **{
            method: {
                "operationId": f"{method}AssuranceStatement",
                "summary": "Refused: a recorded statement is frozen",
                "parameters": [SLUG, NUMBER],
                "responses": {"405": FROZEN, **ERRORS},
            }
            for method in ("patch", "put", "delete")
        },
    },
}
