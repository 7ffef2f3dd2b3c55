"""The decision register and the proposal form; what decisions ask of a person."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from alliance.db import db, utcnow
from alliance.decisions import services
from alliance.decisions.models import (
    DeadlockCase,
    Decision,
    DecisionCitation,
    DecisionKind,
    DecisionStatus,
    Seat,
)
from alliance.decisions.views.common import (
    FILTER_KINDS,
    FILTER_STATUSES,
    bp,
    budget_effect_from,
    decision_or_404,
    organisation_or_404,
    proposal_form,
)
from alliance.errors import DomainError
from alliance.filters import LONDON
from alliance.members.models import Role
from alliance.members.rules import Action
from alliance.scoping import require_role
from alliance.web import current_actor, day_bound

FILTERS = ("status", "kind", "principle", "from", "to")


def register_query(args) -> Select:
    """The decisions of this alliance that match the register's filters (400 on a bad one)."""
    query = select(Decision).where(Decision.alliance_id == g.alliance.id)
    status, kind, principle = (
        args.get("status", ""),
        args.get("kind", ""),
        args.get("principle", ""),
    )
    if status:
        if status not in FILTER_STATUSES:
            abort(400, "Unknown status.")
        query = query.where(Decision.status == DecisionStatus(status))
    if kind:
        if kind not in FILTER_KINDS:
            abort(400, "Unknown kind of decision.")
        query = query.where(Decision.kind == DecisionKind(kind))
    if principle:
        query = query.where(Decision.citations.any(DecisionCitation.code == principle))
    since, until = day_bound(args.get("from")), day_bound(args.get("to"), end=True)
    if since:
        query = query.where(Decision.created_at >= since)
    if until:
        query = query.where(Decision.created_at < until)
    return query.options(
        selectinload(Decision.outcome),
        selectinload(Decision.citations),
        selectinload(Decision.seats).selectinload(Seat.organisation),
        selectinload(Decision.seats).selectinload(Seat.votes),
    ).order_by(Decision.created_at.desc(), Decision.id.desc())


@bp.route("")
def index():
    decisions = db.session.scalars(register_query(request.args)).all()
    return render_template(
        "decisions/index.html",
        voted=[d for d in decisions if d.kind is not DecisionKind.RESERVED],
        reserved=[d for d in decisions if d.kind is DecisionKind.RESERVED],
        filters={key: request.args.get(key, "") for key in FILTERS},
        principles=g.alliance.principles,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    require_role(Action.PROPOSE_DECISION)
    form = proposal_form()
    if form.validate_on_submit():
        supersedes = (
            db.session.get(Decision, int(form.supersedes.data)) if form.supersedes.data else None
        )
        try:
            decision = services.propose(
                db.session,
                current_actor(),
                g.alliance,
                title=form.title.data,
                question=form.question.data,
                background=form.background.data or "",
                rationale=form.rationale.data or "",
                kind=DecisionKind(form.kind.data),
                papers=form.papers.data or "",
                citations=form.citations.data or [],
                closes_at=form.closes_at(),
                supersedes=supersedes,
                reserved_holder=organisation_or_404(form.reserved_holder.data),
                budget_effect=budget_effect_from(form),
            )
        except DomainError as exc:
            form.form_errors.append(exc.message)
        else:
            next_step = (
                "Its power holder signs it off."
                if decision.kind is DecisionKind.RESERVED
                else "Open voting when the wording is final."
            )
            flash(f"Draft {decision.reference} saved. {next_step}", "success")
            return redirect(url_for("decisions.show", reference=decision.reference))
    return render_template("decisions/form.html", form=form, decision=None), (
        422 if form.errors else 200
    )


@bp.route("/<reference>/edit", methods=["GET", "POST"])
def edit(reference: str):
    decision = decision_or_404(reference)
    require_role(Action.PROPOSE_DECISION)
    if decision.status is not DecisionStatus.DRAFT:
        abort(409, "Voting has opened: nothing about the question can change now.")
    form = proposal_form(obj=decision if request.method == "GET" else None)
    if request.method == "GET":
        form.kind.data = decision.kind.value
        form.citations.data = decision.citation_codes
        if decision.closes_at:
            local = decision.closes_at.astimezone(LONDON)
            form.closes_on.data, form.closes_time.data = local.date(), local.strftime("%H:%M")
    if form.validate_on_submit():
        try:
            services.edit_draft(
                db.session,
                current_actor(),
                decision,
                title=form.title.data,
                question=form.question.data,
                background=form.background.data or "",
                rationale=form.rationale.data or "",
                papers=form.papers.data or "",
                citations=form.citations.data or [],
                closes_at=form.closes_at(),
            )
        except DomainError as exc:
            form.form_errors.append(exc.message)
        else:
            flash(f"Draft saved as version {decision.version}.", "success")
            return redirect(url_for("decisions.show", reference=reference))
    return render_template("decisions/form.html", form=form, decision=decision), (
        422 if form.errors else 200
    )


def needs(session, alliance, membership) -> list[dict]:
    """Dashboard items: open decisions waiting for this person's seat, overdue deadlock steps."""
    items = []
    if {Role.BOARD_REPRESENTATIVE, Role.BOARD_ALTERNATE} & membership.roles:
        open_decisions = session.scalars(
            select(Decision)
            .join(Seat)
            .where(
                Decision.alliance_id == alliance.id,
                Decision.status == DecisionStatus.OPEN,
                Seat.organisation_id == membership.organisation_id,
                Seat.recused.is_(False),
            )
            .options(selectinload(Decision.seats).selectinload(Seat.votes))
        ).all()
        for decision in open_decisions:
            seat = next(
                s for s in decision.seats if s.organisation_id == membership.organisation_id
            )
            if seat.current_vote is None:
                items.append(
                    {
                        "text": f"Waiting for your seat: {decision.reference} {decision.title}",
                        "href": url_for(
                            "decisions.show", slug=alliance.slug, reference=decision.reference
                        ),
                    }
                )
    cases = session.scalars(
        select(DeadlockCase)
        .join(Decision)
        .where(Decision.alliance_id == alliance.id, DeadlockCase.resolved_at.is_(None))
    ).all()
    for case in cases:
        step = case.current_step
        if step and step.due_at and step.due_at < utcnow():
            items.append(
                {
                    "text": f"Overdue deadlock step on {case.decision.reference}: "
                    f"{step.stage.value.replace('_', ' ')}",
                    "href": url_for(
                        "decisions.show", slug=alliance.slug, reference=case.decision.reference
                    ),
                }
            )
    return items
