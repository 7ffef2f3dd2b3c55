"""The Record page: every event of this alliance, newest first, with the head hash."""

from flask import g, render_template, request
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.audit.services import chain_for
from alliance.db import db
from alliance.scoping import alliance_blueprint
from alliance.web import day_bound

bp = alliance_blueprint("audit", __name__, "/record")


@bp.route("")
def index():
    chain = chain_for(db.session, g.alliance.id)
    page_size = 50
    query = select(AuditEvent).where(AuditEvent.chain_id == chain.id)
    action = request.args.get("action", "").strip()
    actor = request.args.get("actor", "").strip()
    if action:
        query = query.where(AuditEvent.action == action)
    if actor:
        query = query.where(AuditEvent.actor_label == actor.lower())
    since, until = day_bound(request.args.get("from")), day_bound(request.args.get("to"), end=True)
    if since:
        query = query.where(AuditEvent.occurred_at >= since)
    if until:
        query = query.where(AuditEvent.occurred_at < until)
    before = request.args.get("before", type=int)
    if before:
        query = query.where(AuditEvent.seq < before)
    events = db.session.scalars(query.order_by(AuditEvent.seq.desc()).limit(page_size + 1)).all()
    more = len(events) > page_size
    events = events[:page_size]
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.chain_id == chain.id)
        .distinct()
        .order_by(AuditEvent.action)
    ).all()
    return render_template(
        "audit/record.html",
        chain=chain,
        events=events,
        actions=actions,
        next_before=events[-1].seq if more else None,
        filters={
            "action": action,
            "actor": actor,
            "from": request.args.get("from", ""),
            "to": request.args.get("to", ""),
        },
    )
