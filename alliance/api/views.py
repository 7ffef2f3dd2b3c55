"""Endpoints of /api/v1. Authentication is by bearer token only; cookies are ignored."""

from datetime import UTC
from decimal import Decimal

from flask import Blueprint, abort, g, jsonify, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from alliance.api.openapi import document
from alliance.audit.models import AuditEvent
from alliance.audit.services import chain_for
from alliance.auth.second_factor import SecondFactorRequired
from alliance.auth.services import user_for_api_token
from alliance.db import MAX_ID, db
from alliance.members.models import Alliance, Membership, Organisation
from alliance.members.rules import needs_second_factor
from alliance.members.services import alphabetical, membership_by_slug, roles_of
from alliance.web import unkeepable_text

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC_ENDPOINTS = {"api.openapi"}
MAX_LIMIT = 200


def is_id(value) -> bool:
    """Whether a JSON value can be an id or number (true and false are not, though Python
    counts them as ints). A larger number made the database driver fail (a 500) where it
    should find nothing: PostgreSQL's integer columns hold no more."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def iso(value) -> str | None:
    """ISO 8601 in UTC with Z, as the contract says (four-digit years: strftime writes the
    year 168 as "168", which is not ISO 8601)."""
    if value is None:
        return None
    if not hasattr(value, "hour"):
        return value.isoformat()
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds") + "Z"


@bp.before_request
def _authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    user = (
        user_for_api_token(db.session, raw.strip()) if scheme.lower() == "bearer" and raw else None
    )
    if user is None:
        response = jsonify(
            {
                "error": {
                    "code": "unauthorised",
                    "message": "Send a valid API token: Authorization: Bearer …",
                }
            }
        )
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="alliance"'
        return response
    g.api_user = user
    # A number in the path past what an id column holds names nothing (the database
    # driver failed on it: a 500). Here rather than int(max=…) in the routes: a converter
    # that refuses a value makes werkzeug answer 405 when the path has another method.
    if any(isinstance(v, int) and v > MAX_ID for v in (request.view_args or {}).values()):
        abort(404)
    return None


def alliance_for(slug: str) -> tuple[Alliance, Membership]:
    """The alliance if the caller is a member; 404 otherwise (no existence leak)."""
    membership = membership_by_slug(db.session, slug, g.api_user)
    if membership is None:
        abort(404)
    alliance = membership.alliance
    needs = needs_second_factor(membership.roles, alliance_requires=alliance.require_second_factor)
    if needs and not g.api_user.has_second_factor:
        raise SecondFactorRequired(
            f"{alliance.name} requires a second factor for your roles: set it up on your "
            "account page before using its API."
        )
    g.alliance = alliance
    g.membership = membership  # the caller's organisation for anything they record
    return alliance, membership


def request_json():
    """The request's JSON (None when it is not JSON), or 400 when it holds text that no
    database keeps or is nested too deeply to read (either was a 500)."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # silent= catches ValueError only
        abort(400, "The JSON is nested too deeply.")
    problem = unkeepable_text(body)
    if problem:
        abort(400, problem)
    return body


def json_body() -> dict:
    """The request's JSON object, or 400 saying what to send."""
    body = request_json()
    if not isinstance(body, dict):
        abort(400, "Send a JSON object with Content-Type: application/json.")
    return body


def body_text(body: dict, key: str) -> str:
    """A string field of the body ("" when absent), or 400 when it is not a string."""
    value = body.get(key) or ""
    if not isinstance(value, str):
        abort(400, f"{key} must be a string.")
    return value


def money(value) -> str | None:
    """Pounds as a string with exactly two decimal places, as the contract says."""
    return None if value is None else f"{Decimal(value):.2f}"


def organisation_json(org: Organisation | None) -> dict | None:
    if org is None:
        return None
    return {"id": org.id, "name": org.name, "kind": org.kind.value}


@bp.route("/openapi.json")
def openapi():
    return jsonify(document())


@bp.route("/me")
def me():
    user = g.api_user
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.user_id == user.id)
        .options(
            selectinload(Membership.alliance),
            selectinload(Membership.organisation),
            selectinload(Membership.role_rows),
        )
        .order_by(Membership.id)
    ).all()
    return jsonify(
        {
            "email": user.email,
            "name": user.name,
            "memberships": [
                {
                    "alliance": m.alliance.slug,
                    "organisation": organisation_json(m.organisation),
                    "roles": sorted(roles_of(db.session, m)),
                }
                for m in memberships
            ],
        }
    )


@bp.route("/alliances/<slug>")
def alliance(slug: str):
    alliance, _ = alliance_for(slug)
    return jsonify(
        {
            "slug": alliance.slug,
            "name": alliance.name,
            "purpose": alliance.purpose,
            "reference_prefix": alliance.reference_prefix,
            "agreement_starts_on": iso(alliance.agreement_starts_on),
            "agreement_ends_on": iso(alliance.agreement_ends_on),
            "financial_year_start_month": alliance.financial_year_start_month,
            "policy": {"abstention": alliance.abstention_policy.value, "quorum": alliance.quorum},
            "principles": [{"code": p.code, "text": p.text} for p in alliance.principles],
            "values": [
                {"code": v.code, "name": v.name, "description": v.description}
                for v in alliance.values
            ],
        }
    )


@bp.route("/alliances/<slug>/members")
def members(slug: str):
    alliance, _ = alliance_for(slug)
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.alliance_id == alliance.id)
        .options(selectinload(Membership.user), selectinload(Membership.role_rows))
    ).all()
    people: dict[int | None, list] = {}
    for m in sorted(memberships, key=lambda m: m.user.name.casefold()):
        people.setdefault(m.organisation_id, []).append(
            {"name": m.user.name, "email": m.user.email, "roles": sorted(roles_of(db.session, m))}
        )
    items = [
        {
            **organisation_json(org),
            "slug": org.slug,
            "joined_on": iso(org.joined_on),
            "left_on": iso(org.left_on),
            "people": people.get(org.id, []),
        }
        # Alphabetical: members appear in a neutral order.
        for org in alphabetical(alliance.organisations)
    ]
    return jsonify({"items": items, "next": None})


def event_json(event: AuditEvent) -> dict:
    return {
        "id": event.id,
        "seq": event.seq,
        "occurred_at": iso(event.occurred_at),
        "actor": event.actor_label,
        "organisation_id": event.organisation_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "summary": event.summary,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def _int_arg(name: str, default: int) -> int | None:
    """A whole-number query parameter; None when it is there but not a whole number."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        return None


@bp.route("/alliances/<slug>/record")
def record(slug: str):
    alliance, _ = alliance_for(slug)
    chain = chain_for(db.session, alliance.id)
    after = _int_arg("after", 0)
    limit = _int_arg("limit", 50)
    if after is None or limit is None or not 0 <= after <= MAX_ID or not 1 <= limit <= MAX_LIMIT:
        abort(
            400,
            f"after must be a whole number from 0 to {MAX_ID}, and limit between 1 and "
            f"{MAX_LIMIT}.",
        )
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.chain_id == chain.id, AuditEvent.seq > after)
        .order_by(AuditEvent.seq)
        .limit(limit + 1)
    ).all()
    more = len(events) > limit
    events = events[:limit]
    next_url = (
        url_for("api.record", slug=slug, after=events[-1].seq, limit=limit, _external=True)
        if more
        else None
    )
    return jsonify({"items": [event_json(e) for e in events], "next": next_url})


@bp.route("/alliances/<slug>/record/head")
def record_head(slug: str):
    alliance, _ = alliance_for(slug)
    chain = chain_for(db.session, alliance.id)
    return jsonify(
        {"seq": chain.head_seq, "hash": chain.head_hash, "event_id": chain.head_event_id}
    )
