"""One decision's page and everything done on it: open, vote, recuse, close, sign off."""

from flask import abort, flash, g, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from alliance.auth.fresh import fresh_sign_in_required
from alliance.db import db
from alliance.decisions import services
from alliance.decisions.forms import (
    CloseForm,
    DeadlockStepForm,
    OpenForm,
    RecuseForm,
    SignOffForm,
    StatementForm,
    VoteForm,
    WithdrawForm,
)
from alliance.decisions.models import (
    Decision,
    DecisionKind,
    DecisionStatus,
    DecisionVersion,
    Resolution,
)
from alliance.decisions.rules import Position, count
from alliance.decisions.views.common import (
    bp,
    citation_choices,
    decision_or_404,
)
from alliance.members.models import Interest, Role
from alliance.web import cited_by, current_actor


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
        select(Interest)
        .where(Interest.alliance_id == g.alliance.id, Interest.ended_on.is_(None))
        .options(joinedload(Interest.user))
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
    # Every vote as cast, oldest first, with its seat's organisation (read from the seat:
    # a vote's own way back to it would be one more look-up per vote).
    history = sorted(
        ((s.organisation.name, v) for s in decision.seats for v in s.votes),
        key=lambda named: named[1].id,
    )
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
        sign_off_form=SignOffForm(formdata=None),
        versions=db.session.scalars(
            select(DecisionVersion)
            .where(DecisionVersion.decision_id == decision.id)
            .order_by(DecisionVersion.version)
        ).all(),
        superseded_by=db.session.scalars(
            select(Decision).where(Decision.supersedes_id == decision.id)
        ).all(),
        cited_by=cited_by("decision", decision),
        can_sign_off=(
            decision.kind is DecisionKind.RESERVED
            and decision.status is DecisionStatus.DRAFT
            and membership.organisation_id == decision.reserved_holder_id
            and Role.COMMISSIONER in membership.roles
        ),
        step_form=step_form,
        open_form=OpenForm(),
        is_chair=services.is_chair(db.session, g.alliance, membership),
        is_proposer=decision.created_by_id == membership.user_id,
        seats=sorted(decision.seats, key=lambda s: s.organisation.name.casefold()),
    ), status


@bp.route("/<reference>")
def show(reference: str):
    decision = decision_or_404(reference)
    if services.close_if_due(db.session, decision):
        decision = decision_or_404(reference)
    return _show(decision)


@bp.route("/<reference>/open", methods=["POST"])
def open_voting(reference: str):
    decision = decision_or_404(reference)
    if not OpenForm().validate_on_submit():
        abort(400)
    services.open_voting(db.session, current_actor(), decision, g.membership)
    flash(f"Voting is open on {decision.reference}.", "success")
    return redirect(url_for("decisions.show", reference=reference))


@bp.route("/<reference>/votes", methods=["POST"])
@fresh_sign_in_required("decisions.show", "cast your organisation's vote")
def vote(reference: str):
    decision = decision_or_404(reference)
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
    return _show(decision_or_404(reference), vote_form=form, status=422)


@bp.route("/<reference>/close", methods=["POST"])
@fresh_sign_in_required("decisions.show", "close the vote")
def close(reference: str):
    decision = decision_or_404(reference)
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
    return _show(decision_or_404(reference), close_form=form, status=422)


@bp.route("/<reference>/seats/<int:seat_id>/recuse", methods=["POST"])
def recuse(reference: str, seat_id: int):
    decision = decision_or_404(reference)
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
    decision = decision_or_404(reference)
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


@bp.route("/<reference>/sign-off", methods=["POST"])
def sign_off(reference: str):
    decision = decision_or_404(reference)
    form = SignOffForm()
    if not form.validate_on_submit():
        abort(422, "Choose whether to sign it off and record the basis.")
    outcome = services.sign_off_reserved(
        db.session,
        current_actor(),
        decision,
        g.membership,
        agreed=form.agreed.data == "yes",
        note=form.note.data,
    )
    flash(f"Reserved matter {outcome.result.value.replace('_', ' ')}.", "success")
    return redirect(url_for("decisions.show", reference=reference))


@bp.route("/<reference>/withdraw", methods=["POST"])
def withdraw(reference: str):
    decision = decision_or_404(reference)
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(422, "Say why the proposal is withdrawn.")
    services.withdraw(db.session, current_actor(), decision, g.membership, form.reason.data)
    flash(f"{decision.reference} is withdrawn.", "success")
    return redirect(url_for("decisions.show", reference=reference))


@bp.route("/<reference>/deadlock/steps", methods=["POST"])
def deadlock_step(reference: str):
    decision = decision_or_404(reference)
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
