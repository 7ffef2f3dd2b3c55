"""Pages of the decision register. Thin: read, call a service, redirect; the request commits."""

from datetime import date, datetime, time, timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from alliance.db import db, utcnow
from alliance.decisions import services
from alliance.decisions.forms import (
    CloseForm,
    DeadlockStepForm,
    OpenForm,
    ProposalForm,
    RecuseForm,
    StatementForm,
    VoteForm,
    WithdrawForm,
)
from alliance.decisions.models import (
    DeadlockCase,
    Decision,
    DecisionCitation,
    DecisionKind,
    DecisionStatus,
    Resolution,
    Seat,
)
from alliance.decisions.rules import Position, count
from alliance.errors import DomainError
from alliance.filters import LONDON
from alliance.members.models import Interest, Role
from alliance.members.rules import Action
from alliance.scoping import alliance_blueprint, require_role
from alliance.web import current_actor

bp = alliance_blueprint("decisions", __name__, "/decisions")
FILTER_STATUSES = {s.value for s in DecisionStatus}
FILTER_KINDS = {k.value for k in DecisionKind}


def citation_choices():
    alliance = g.alliance
    return [SelectChoice(p.code, f"({p.code}) {p.text}") for p in alliance.principles] + [
        SelectChoice(v.code, v.name) for v in alliance.values
    ]


def _decision(reference: str) -> Decision:
    try:
        return services.decision_by_reference(db.session, g.alliance, reference)
    except DomainError:
        abort(404)


def _day(text: str | None, *, end=False) -> datetime | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(400, "Dates must look like 2026-04-01.")
    return datetime.combine(day + timedelta(days=1) if end else day, time(), tzinfo=LONDON)


@bp.route("")
def index():
    query = select(Decision).where(Decision.alliance_id == g.alliance.id)
    status, kind = request.args.get("status", ""), request.args.get("kind", "")
    principle = request.args.get("principle", "")
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
    since, until = _day(request.args.get("from")), _day(request.args.get("to"), end=True)
    if since:
        query = query.where(Decision.created_at >= since)
    if until:
        query = query.where(Decision.created_at < until)
    decisions = db.session.scalars(
        query.options(selectinload(Decision.outcome), selectinload(Decision.citations)).order_by(
            Decision.created_at.desc(), Decision.id.desc()
        )
    ).all()
    return render_template(
        "decisions/index.html",
        voted=[d for d in decisions if d.kind is not DecisionKind.RESERVED],
        reserved=[d for d in decisions if d.kind is DecisionKind.RESERVED],
        filters={
            "status": status,
            "kind": kind,
            "principle": principle,
            "from": request.args.get("from", ""),
            "to": request.args.get("to", ""),
        },
        principles=g.alliance.principles,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    require_role(Action.PROPOSE_DECISION)
    form = ProposalForm()
    form.citations.choices = citation_choices()
    if form.validate_on_submit():
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
            )
        except DomainError as exc:
            form.form_errors.append(exc.message)
        else:
            flash(
                f"Draft {decision.reference} saved. Open voting when the wording is final.",
                "success",
            )
            return redirect(url_for("decisions.show", reference=decision.reference))
    return render_template("decisions/form.html", form=form, decision=None), (
        422 if form.errors else 200
    )


@bp.route("/<reference>/edit", methods=["GET", "POST"])
def edit(reference: str):
    decision = _decision(reference)
    require_role(Action.PROPOSE_DECISION)
    if decision.status is not DecisionStatus.DRAFT:
        abort(409, "Voting has opened: nothing about the question can change now.")
    form = ProposalForm(obj=decision if request.method == "GET" else None)
    form.citations.choices = citation_choices()
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


def _show(decision: Decision, *, vote_form=None, close_form=None, status=200):
    membership = g.membership
    seat = next(
        (s for s in decision.seats if s.organisation_id == membership.organisation_id), None
    )
    can_vote = (
        decision.status is DecisionStatus.OPEN
        and seat is not None
        and not seat.recused
        and bool({Role.BOARD_REPRESENTATIVE, Role.BOARD_ALTERNATE} & membership.roles)
    )
    vote_form = vote_form or VoteForm(formdata=None)
    vote_form.citations.choices = citation_choices()
    recuse_form = RecuseForm(formdata=None)
    interests = db.session.scalars(
        select(Interest).where(Interest.alliance_id == g.alliance.id, Interest.ended_on.is_(None))
    ).all()
    recuse_form.interest.choices = [
        SelectChoice("", "No declared interest (explain in the note)"),
        *[SelectChoice(str(i.id), f"{i.user.name}: {i.description}") for i in interests],
    ]
    step_form = DeadlockStepForm(formdata=None)
    tally = (
        count(services.rule_seats(decision), services.policy_of(decision))
        if decision.seats
        else None
    )
    history = sorted((v for s in decision.seats for v in s.votes), key=lambda v: v.id)
    return render_template(
        "decisions/show.html",
        decision=decision,
        seat=seat,
        can_vote=can_vote,
        tally=tally,
        history=history,
        vote_form=vote_form,
        close_form=close_form or CloseForm(formdata=None),
        recuse_form=recuse_form,
        statement_form=StatementForm(formdata=None),
        withdraw_form=WithdrawForm(formdata=None),
        step_form=step_form,
        open_form=OpenForm(),
        is_chair=services.is_chair(db.session, g.alliance, membership),
        is_proposer=decision.created_by_id == membership.user_id,
        seats=sorted(decision.seats, key=lambda s: s.organisation.name.casefold()),
    ), status


@bp.route("/<reference>")
def show(reference: str):
    decision = _decision(reference)
    if services.close_if_due(db.session, decision):
        decision = _decision(reference)
    return _show(decision)


@bp.route("/<reference>/open", methods=["POST"])
def open_voting(reference: str):
    decision = _decision(reference)
    if not OpenForm().validate_on_submit():
        abort(400)
    services.open_voting(db.session, current_actor(), decision, g.membership)
    flash(f"Voting is open on {decision.reference}.", "success")
    return redirect(url_for("decisions.show", reference=reference))


@bp.route("/<reference>/votes", methods=["POST"])
def vote(reference: str):
    decision = _decision(reference)
    form = VoteForm()
    form.citations.choices = citation_choices()
    if form.validate_on_submit():
        try:
            services.cast_vote(
                db.session,
                current_actor(),
                decision,
                g.membership,
                position=Position(form.position.data),
                reason=form.reason.data or "",
                citations=form.citations.data or [],
            )
        except services.InvalidVote as exc:
            form.form_errors.append(exc.message)
        else:
            flash(
                "Your organisation's vote is recorded. You can change it until voting closes.",
                "success",
            )
            return redirect(url_for("decisions.show", reference=reference))
    db.session.rollback()
    return _show(_decision(reference), vote_form=form, status=422)


@bp.route("/<reference>/close", methods=["POST"])
def close(reference: str):
    decision = _decision(reference)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            outcome = services.close_decision(
                db.session, current_actor(), decision, g.membership, reason=form.reason.data or ""
            )
        except services.InvalidVote as exc:
            form.form_errors.append(exc.message)
        else:
            flash(f"Voting closed: {outcome.result.value.replace('_', ' ')}.", "success")
            return redirect(url_for("decisions.show", reference=reference))
    db.session.rollback()
    return _show(_decision(reference), close_form=form, status=422)


@bp.route("/<reference>/seats/<int:seat_id>/recuse", methods=["POST"])
def recuse(reference: str, seat_id: int):
    decision = _decision(reference)
    form = RecuseForm()
    ids = db.session.scalars(select(Interest.id).where(Interest.alliance_id == g.alliance.id))
    form.interest.choices = [SelectChoice(""), *[SelectChoice(str(i)) for i in ids]]
    if not form.validate_on_submit():
        abort(422, "Choose a declared interest or write a note.")
    interest = db.session.get(Interest, int(form.interest.data)) if form.interest.data else None
    services.recuse_seat(
        db.session,
        current_actor(),
        decision,
        seat_id,
        g.membership,
        interest=interest,
        note=form.note.data or "",
    )
    flash("The seat is recused; unanimity is over the remaining seats.", "success")
    return redirect(url_for("decisions.show", reference=reference))


@bp.route("/<reference>/statement", methods=["POST"])
def statement(reference: str):
    decision = _decision(reference)
    form = StatementForm()
    if not form.validate_on_submit():
        abort(422, "Write the outcome statement (and a review date like 1 4 2027, if any).")
    services.write_statement(
        db.session,
        current_actor(),
        decision,
        g.membership,
        statement=form.statement.data,
        review_on=form.review_on.data,
    )
    flash("Outcome statement recorded.", "success")
    return redirect(url_for("decisions.show", reference=reference))


@bp.route("/<reference>/withdraw", methods=["POST"])
def withdraw(reference: str):
    decision = _decision(reference)
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(422, "Say why the proposal is withdrawn.")
    services.withdraw(db.session, current_actor(), decision, g.membership, form.reason.data)
    flash(f"{decision.reference} is withdrawn.", "success")
    return redirect(url_for("decisions.show", reference=reference))


@bp.route("/<reference>/deadlock/steps", methods=["POST"])
def deadlock_step(reference: str):
    decision = _decision(reference)
    form = DeadlockStepForm()
    if not form.validate_on_submit():
        abort(422, "Record what happened at this step.")
    resolution = Resolution(form.resolution.data) if form.resolution.data else None
    services.record_deadlock_step(
        db.session,
        current_actor(),
        decision,
        g.membership,
        notes=form.notes.data,
        resolution=resolution,
    )
    flash("Deadlock step recorded.", "success")
    return redirect(url_for("decisions.show", reference=reference))


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
