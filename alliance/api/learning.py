"""Learning endpoints of /api/v1: entries (and their gate), the review thread, and
assurance statements, which are frozen: they answer 405 to PATCH, PUT and DELETE."""

from datetime import date

from flask import abort, jsonify, request, url_for
from sqlalchemy import select

from alliance.api.views import alliance_for, body_text, bp, is_id, iso, json_body
from alliance.db import db
from alliance.learning import services
from alliance.learning.models import AssuranceStatement, LearningEntry
from alliance.learning.rules import EntryKind, EntryStatus, Gate, NextStep, gate_of
from alliance.web import current_actor

TEXTS = (
    "title", "summary", "involved", "happened", "learned_good", "learned_bad",
    "next_step_note", "links",
)  # fmt: skip
LISTS = ("themes", "principles", "values", "decisions", "service_lines")


def entry_json(entry: LearningEntry, *, whole: bool = True) -> dict:
    found = {
        "id": entry.number,
        "reference": entry.reference,
        "kind": entry.kind.value,
        "status": entry.status.value,
        "title": entry.title,
        "themes": list(entry.themes),
        "author": entry.author.name,
        "revision": entry.revision,
        "created_at": iso(entry.created_at),
        "updated_at": iso(entry.updated_at),
    }
    if not whole:
        return found
    gate = gate_of(entry)
    return found | {
        **{name: getattr(entry, name) for name in TEXTS},
        "starts_on": entry.starts_on.isoformat() if entry.starts_on else None,
        "ends_on": entry.ends_on.isoformat() if entry.ends_on else None,
        "next_step": entry.next_step.value if entry.next_step else None,
        "principles": list(entry.principles),
        "values": list(entry.values),
        "gate": None
        if entry.kind is not EntryKind.EXPERIMENT
        else {
            "legal": gate.is_legal,
            "legal_basis": gate.legal_basis,
            "safe": gate.is_safe,
            "safe_basis": gate.safe_basis,
            "passed": gate.passed,
        },
        "cites": {
            "decisions": [c.decision.reference for c in entry.citations if c.decision_id],
            "ledger_lines": [c.ledger_line_id for c in entry.citations if c.ledger_line_id],
            "service_lines": [c.service_line.name for c in entry.citations if c.service_line_id],
        },
        "questions": [
            {
                "id": q.id,
                "text": q.text,
                "asked_by": q.asked_by.name,
                "asked_at": iso(q.asked_at),
                "answers": [
                    {
                        "text": a.text,
                        "answered_by": a.answered_by.name,
                        "answered_at": iso(a.answered_at),
                    }
                    for a in q.answers
                ],
            }
            for q in entry.questions
        ],
        "revisions": [
            {"number": r.number, "edited_by": r.edited_by.name, "edited_at": iso(r.edited_at)}
            for r in entry.revisions
        ],
    }


def statement_json(statement: AssuranceStatement) -> dict:
    return {
        "id": statement.number,
        "reference": statement.reference,
        "period_start": statement.period_start.isoformat(),
        "period_end": statement.period_end.isoformat(),
        "assured_that": statement.assured_that,
        "because": statement.because,
        "figures": statement.figures,
        "entries": [f"L-{n}" for n in statement.rests_on.get("entries", [])],
        "decisions": list(statement.rests_on.get("decisions", [])),
        "revisits": statement.revisits.reference if statement.revisits else None,
        "recorded_by": statement.recorded_by.name,
        "recorded_at": iso(statement.recorded_at),
    }


# --- entries -----------------------------------------------------------------------------


@bp.route("/alliances/<slug>/learning")
def learning_entries(slug: str):
    alliance, _ = alliance_for(slug)
    entries = db.session.scalars(
        select(LearningEntry)
        .where(LearningEntry.alliance_id == alliance.id)
        .order_by(LearningEntry.number.desc())
    ).all()
    return jsonify({"items": [entry_json(e, whole=False) for e in entries], "next": None})


@bp.route("/alliances/<slug>/learning", methods=["POST"])
def record_learning(slug: str):
    alliance, _ = alliance_for(slug)
    body = json_body()
    try:
        kind = EntryKind(body.get("kind"))
    except ValueError:
        abort(422, "kind must be one of experiment, listening, reflection.")
    entry = services.record_entry(db.session, current_actor(), alliance, _draft(body, kind))
    response = jsonify(entry_json(entry))
    response.status_code = 201
    response.headers["Location"] = url_for("api.learning_entry", slug=slug, number=entry.number)
    return response


@bp.route("/alliances/<slug>/learning/<int:number>")
def learning_entry(slug: str, number: int):
    alliance, _ = alliance_for(slug)
    return jsonify(entry_json(services.get_entry(db.session, alliance, number)))


@bp.route("/alliances/<slug>/learning/<int:number>", methods=["PATCH"])
def edit_learning(slug: str, number: int):
    """A new revision: the fields sent replace the entry's; those not sent stay."""
    alliance, _ = alliance_for(slug)
    entry = services.get_entry(db.session, alliance, number)
    body = json_body()
    based_on = body.get("revision", entry.revision)
    if not isinstance(based_on, int):
        abort(400, "revision must be the number of the revision you edited.")
    current = entry_json(entry)
    merged = {
        **{name: current[name] for name in (*TEXTS, "status", "starts_on", "ends_on", "next_step")},
        "themes": current["themes"],
        "principles": current["principles"],
        "values": current["values"],
        "decisions": current["cites"]["decisions"],
        "ledger_lines": current["cites"]["ledger_lines"],
        "service_lines": current["cites"]["service_lines"],
        **body,
    }
    services.edit_entry(
        db.session, current_actor(), alliance, entry, _draft(merged, entry.kind), based_on=based_on
    )
    return jsonify(entry_json(entry))


@bp.route("/alliances/<slug>/learning/<int:number>/gate", methods=["POST"])
def learning_gate(slug: str, number: int):
    alliance, _ = alliance_for(slug)
    entry = services.get_entry(db.session, alliance, number)
    body = json_body()
    for key in ("legal", "safe"):
        if not isinstance(body.get(key), bool):
            abort(422, f"{key} must be true or false.")
    answers = Gate(
        body["legal"], body_text(body, "legal_basis"), body["safe"], body_text(body, "safe_basis")
    )
    services.answer_gate(db.session, current_actor(), alliance, entry, answers)
    return jsonify(entry_json(entry))


@bp.route("/alliances/<slug>/learning/<int:number>/questions", methods=["POST"])
def learning_question(slug: str, number: int):
    alliance, _ = alliance_for(slug)
    entry = services.get_entry(db.session, alliance, number)
    services.ask_question(
        db.session, current_actor(), alliance, entry, body_text(json_body(), "text")
    )
    response = jsonify(entry_json(entry))
    response.status_code = 201
    return response


@bp.route(
    "/alliances/<slug>/learning/<int:number>/questions/<int:question_id>/answers",
    methods=["POST"],
)
def learning_answer(slug: str, number: int, question_id: int):
    alliance, _ = alliance_for(slug)
    entry = services.get_entry(db.session, alliance, number)
    question = services.get_question(db.session, entry, question_id)
    services.answer_question(
        db.session, current_actor(), alliance, question, body_text(json_body(), "text")
    )
    response = jsonify(entry_json(entry))
    response.status_code = 201
    return response


# --- assurance statements --------------------------------------------------------------------


@bp.route("/alliances/<slug>/assurance-statements")
def assurance_statements(slug: str):
    alliance, _ = alliance_for(slug)
    found = services.statements_of(db.session, alliance)
    return jsonify({"items": [statement_json(s) for s in found], "next": None})


@bp.route("/alliances/<slug>/assurance-statements", methods=["POST"])
def record_assurance_statement(slug: str):
    alliance, _ = alliance_for(slug)
    body = json_body()
    entries = []
    for ref in _list(body, "entries"):
        number = _number(ref, "L-")
        if number is None:
            abort(422, f"“{ref}” is not a learning entry (write L-3 or 3).")
        entries.append(number)
    revisits = body.get("revisits")
    if revisits is not None:
        revisits = _number(revisits, "AS-")
        if revisits is None:
            abort(422, "revisits must be an earlier statement, e.g. AS-1.")
    draft = services.StatementDraft(
        period_start=_date(body, "period_start", required=True),
        period_end=_date(body, "period_end", required=True),
        assured_that=body_text(body, "assured_that"),
        because=body_text(body, "because"),
        figures=body_text(body, "figures"),
        entries=entries,
        decisions=[str(d) for d in _list(body, "decisions")],
        revisits=revisits,
    )
    statement = services.record_statement(db.session, current_actor(), alliance, draft)
    response = jsonify(statement_json(statement))
    response.status_code = 201
    response.headers["Location"] = url_for(
        "api.assurance_statement", slug=slug, number=statement.number
    )
    return response


@bp.route(
    "/alliances/<slug>/assurance-statements/<int:number>",
    methods=["GET", "PATCH", "PUT", "DELETE"],
)
def assurance_statement(slug: str, number: int):
    alliance, _ = alliance_for(slug)
    found = services.get_statement(db.session, alliance, number)
    if request.method != "GET":
        response = jsonify(
            {
                "error": {
                    "code": "statement_frozen",
                    "message": f"{found.reference} is frozen: a recorded assurance statement "
                    "is never changed or deleted. Record a new one that revisits it.",
                }
            }
        )
        response.status_code = 405
        response.headers["Allow"] = "GET"
        return response
    return jsonify(statement_json(found))


# --- reading the body ------------------------------------------------------------------------


def _number(ref, prefix: str) -> int | None:
    """The number in a reference such as L-3 (or 3), or None when there is none. ASCII
    digits only ("²".isdigit() is true but int() refuses it), and few enough for an id
    (int() refuses 4,301 digits too)."""
    if isinstance(ref, bool):
        return None
    text = str(ref).upper().removeprefix(prefix).lstrip("0") or "0"
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or not is_id(int(text)):
        return None
    return int(text)


def _list(body: dict, key: str) -> list:
    value = body.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        abort(400, f"{key} must be a list.")
    return value


def _date(body: dict, key: str, *, required: bool = False) -> date | None:
    raw = body.get(key)
    if raw is None and not required:
        return None
    if not isinstance(raw, str):
        abort(422, f"{key} must be a date such as 2026-04-01.")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(422, f"{key} must be a date such as 2026-04-01.")


def _draft(body: dict, kind: EntryKind) -> services.EntryDraft:
    try:
        status = EntryStatus(body.get("status") or "idea")
    except ValueError:
        abort(422, "status must be one of idea, running, reflecting, closed.")
    try:
        next_step = NextStep(body["next_step"]) if body.get("next_step") else None
    except ValueError:
        abort(422, "next_step must be one of embed, adapt, stop, try_something_else.")
    lines = _list(body, "ledger_lines")
    if not all(isinstance(line, int) and not isinstance(line, bool) for line in lines):
        abort(400, "ledger_lines must be a list of line ids.")
    missing = next((line for line in lines if not is_id(line)), None)
    if missing is not None:
        abort(422, f"There is no ledger line {missing} in this alliance.")
    return services.EntryDraft(
        kind=kind,
        status=status,
        next_step=next_step,
        starts_on=_date(body, "starts_on"),
        ends_on=_date(body, "ends_on"),
        ledger_lines=lines,
        **{name: body_text(body, name) for name in TEXTS},
        **{name: [str(v) for v in _list(body, name)] for name in LISTS},
    )
