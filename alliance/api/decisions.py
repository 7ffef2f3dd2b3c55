"""Decision endpoints of /api/v1: read decisions, vote, close, follow the deadlock path."""

from datetime import UTC, datetime

from flask import abort, g, jsonify, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from alliance.api.views import (
    alliance_for,
    bp,
    is_id,
    iso,
    json_body,
    organisation_json,
    request_json,
)
from alliance.db import db
from alliance.decisions import services
from alliance.decisions.models import Decision, DecisionKind, Resolution, Seat, Vote
from alliance.decisions.rules import Position
from alliance.members.models import Organisation
from alliance.members.rules import Action
from alliance.members.services import require
from alliance.money import MoneyError, parse_pounds
from alliance.web import current_actor


def vote_json(vote: Vote) -> dict:
    return {
        "organisation": organisation_json(vote.seat.organisation),
        "position": vote.position.value,
        "reason": vote.reason,
        "principles": list(vote.citations),
        "cast_by": vote.cast_by.name,
        "cast_as": vote.cast_as.value,
        "cast_at": iso(vote.cast_at),
        "current": vote.is_current,
    }


def deadlock_json(decision: Decision) -> dict | None:
    case = decision.deadlock
    if case is None:
        return None
    return {
        "status": "open" if case.is_open else "resolved",
        "resolution": case.resolution.value if case.resolution else None,
        "steps": [
            {
                "stage": s.stage.value,
                "started_at": iso(s.started_at),
                "due_at": iso(s.due_at),
                "notes": s.notes,
                "recorded_by": s.recorded_by_label,
            }
            for s in case.steps
        ],
    }


def budget_effect_json(decision: Decision) -> dict | None:
    effect = decision.budget_effect
    if effect is None:
        return None
    return {
        "financial_year": effect.financial_year,
        "amount": f"{effect.amount:.2f}",
        "from_organisation": organisation_json(effect.from_organisation),
        "to_organisation": organisation_json(effect.to_organisation),
        "from_service_line": effect.from_service_line,
        "to_service_line": effect.to_service_line,
    }


def decision_json(decision: Decision) -> dict:
    seats: list[Seat] = sorted(decision.seats, key=lambda s: s.organisation.name.casefold())
    history = sorted((v for s in decision.seats for v in s.votes), key=lambda v: v.id)
    return {
        "reference": decision.reference,
        "title": decision.title,
        "question": decision.question,
        "rationale": decision.rationale,
        "kind": decision.kind.value,
        "status": decision.status.value,
        "principles": decision.citation_codes,
        "opens_at": iso(decision.opened_at),
        "closes_at": iso(decision.closes_at),
        "closed_at": iso(decision.closed_at),
        "policy": {
            "abstention": decision.abstention_policy.value if decision.abstention_policy else None,
            "quorum": decision.quorum,
        },
        "seats": [
            {
                "organisation": organisation_json(s.organisation),
                "recused": s.recused,
                "vote": vote_json(s.current_vote) if s.current_vote else None,
            }
            for s in seats
        ],
        "votes": [vote_json(v) for v in history],
        "outcome": decision.outcome.result.value if decision.outcome else None,
        "outcome_statement": decision.outcome_statement,
        "budget_effect": budget_effect_json(decision),
        "deadlock": deadlock_json(decision),
    }


def _decision(slug: str, reference: str) -> Decision:
    alliance, _ = alliance_for(slug)
    decision = services.decision_by_reference(db.session, alliance, reference)
    if services.close_if_due(db.session, decision):
        decision = services.decision_by_reference(db.session, alliance, reference)
    return decision


def _reload(reference: str) -> Decision:
    """The decision as it stands after this request's change."""
    db.session.expire_all()
    return services.decision_by_reference(db.session, g.alliance, reference)


def _text(body: dict, key: str) -> str:
    value = body.get(key, "")
    if not isinstance(value, str):
        abort(400, f"{key} must be a string.")
    return value


def _codes(body: dict, key: str = "principles") -> list[str]:
    value = body.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        abort(400, f"{key} must be a list of principle or value codes.")
    return value


@bp.route("/alliances/<slug>/decisions")
def decisions(slug: str):
    alliance, _ = alliance_for(slug)
    rows = db.session.scalars(
        select(Decision)
        .where(Decision.alliance_id == alliance.id)
        .options(selectinload(Decision.outcome), selectinload(Decision.citations))
        .order_by(Decision.created_at.desc(), Decision.id.desc())
    ).all()
    return jsonify(
        {
            "items": [
                {
                    "reference": d.reference,
                    "title": d.title,
                    "kind": d.kind.value,
                    "status": d.status.value,
                    "closes_at": iso(d.closes_at),
                    "closed_at": iso(d.closed_at),
                    "outcome": d.outcome.result.value if d.outcome else None,
                }
                for d in rows
            ],
            "next": None,
        }
    )


def _closes_at(body: dict) -> datetime | None:
    raw = body.get("closes_at")
    if raw is None:
        return None
    if not isinstance(raw, str):
        abort(400, "closes_at must be an ISO 8601 time such as 2027-03-03T17:00:00Z.")
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        abort(422, "closes_at must be an ISO 8601 time such as 2027-03-03T17:00:00Z.")
    if when.tzinfo is None:
        abort(422, "closes_at must carry its time zone, e.g. Z for UTC.")
    try:
        return when.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:00:00-05:00 is past the last UTC time
        abort(422, "closes_at is out of range.")


def _organisation(value) -> Organisation | None:
    if value is None:
        return None
    org = db.session.get(Organisation, value) if is_id(value) else None
    if org is None or org.alliance_id != g.alliance.id:
        abort(422, f"No member organisation with id {value} in this alliance.")
    return org


def _budget_effect(raw) -> services.BudgetEffectDraft | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        abort(400, "budget_effect must be an object.")
    amount = raw.get("amount")
    if not isinstance(amount, str):
        abort(422, 'budget_effect.amount must be a string of pounds, e.g. "12500.00".')
    try:
        pounds = parse_pounds(amount)
    except MoneyError as exc:
        abort(422, str(exc))
    year = raw.get("financial_year")
    if not isinstance(year, int):
        abort(422, "budget_effect.financial_year must be the year it starts, e.g. 2026.")
    return services.BudgetEffectDraft(
        financial_year=year,
        amount=pounds,
        from_organisation=_organisation(raw.get("from_organisation")),
        to_organisation=_organisation(raw.get("to_organisation")),
        from_service_line=_text(raw, "from_service_line"),
        to_service_line=_text(raw, "to_service_line"),
    )


@bp.route("/alliances/<slug>/decisions", methods=["POST"])
def propose(slug: str):
    alliance, membership = alliance_for(slug)
    require(membership, Action.PROPOSE_DECISION)
    body = json_body()
    try:
        kind = DecisionKind(body.get("kind"))
    except ValueError:
        abort(422, "kind must be one of key_issue, operational, reserved.")
    papers = body.get("papers", [])
    if not isinstance(papers, list) or not all(isinstance(p, str) for p in papers):
        abort(400, "papers must be a list of links.")
    supersedes = None
    if body.get("supersedes"):
        supersedes = services.decision_by_reference(db.session, alliance, _text(body, "supersedes"))
    title, question = _text(body, "title").strip(), _text(body, "question").strip()
    if not title or not question:
        abort(422, "A proposal needs a title and a question.")
    decision = services.propose(
        db.session,
        current_actor(),
        alliance,
        title=title,
        question=question,
        kind=kind,
        background=_text(body, "background"),
        rationale=_text(body, "rationale"),
        papers="\n".join(papers),
        citations=_codes(body),
        closes_at=_closes_at(body),
        supersedes=supersedes,
        reserved_holder=_organisation(body.get("reserved_holder")),
        budget_effect=_budget_effect(body.get("budget_effect")),
    )
    response = jsonify(decision_json(_reload(decision.reference)))
    response.status_code = 201
    response.headers["Location"] = url_for("api.decision", slug=slug, reference=decision.reference)
    return response


@bp.route("/alliances/<slug>/decisions/<reference>/open", methods=["POST"])
def open_voting(slug: str, reference: str):
    found = _decision(slug, reference)
    services.open_voting(db.session, current_actor(), found, g.membership)
    return jsonify(decision_json(_reload(reference)))


@bp.route("/alliances/<slug>/decisions/<reference>")
def decision(slug: str, reference: str):
    return jsonify(decision_json(_decision(slug, reference)))


@bp.route("/alliances/<slug>/decisions/<reference>/votes", methods=["POST"])
def vote(slug: str, reference: str):
    found = _decision(slug, reference)
    body = json_body()
    try:
        position = Position(body.get("position"))
    except ValueError:
        abort(422, "position must be one of agree, abstain, disagree, block.")
    services.cast_vote(
        db.session,
        current_actor(),
        found,
        g.membership,
        position=position,
        reason=_text(body, "reason"),
        citations=_codes(body),
    )
    db.session.flush()
    return jsonify(
        decision_json(services.decision_by_reference(db.session, g.alliance, reference))
    ), 201


@bp.route("/alliances/<slug>/decisions/<reference>/close", methods=["POST"])
def close(slug: str, reference: str):
    found = _decision(slug, reference)
    body = request_json() or {}
    if not isinstance(body, dict):
        abort(400, "Send a JSON object.")
    services.close_decision(
        db.session, current_actor(), found, g.membership, reason=_text(body, "reason")
    )
    return jsonify(decision_json(_reload(reference)))


@bp.route("/alliances/<slug>/decisions/<reference>/deadlock")
def deadlock(slug: str, reference: str):
    found = _decision(slug, reference)
    if found.deadlock is None:
        abort(404, "This decision has no deadlock.")
    return jsonify(deadlock_json(found))


@bp.route("/alliances/<slug>/decisions/<reference>/deadlock/steps", methods=["POST"])
def deadlock_steps(slug: str, reference: str):
    found = _decision(slug, reference)
    body = json_body()
    raw = body.get("resolution")
    try:
        resolution = Resolution(raw) if raw else None
    except ValueError:
        abort(422, "resolution must be one of new_proposal, withdrawal, exit.")
    services.record_deadlock_step(
        db.session,
        current_actor(),
        found,
        g.membership,
        notes=_text(body, "notes"),
        resolution=resolution,
    )
    return jsonify(
        deadlock_json(services.decision_by_reference(db.session, g.alliance, reference))
    ), 201
