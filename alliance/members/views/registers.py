"""Pages of the register of interests and of the role register."""

from flask import (
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from alliance.auth.fresh import fresh_sign_in_required
from alliance.db import db
from alliance.errors import DomainError
from alliance.members import services
from alliance.members.forms import (
    AppointmentForm,
    EndInterestForm,
    InterestForm,
)
from alliance.members.models import (
    Appointment,
    AppointmentKind,
    Interest,
    InterestKind,
)
from alliance.members.rules import Action
from alliance.members.views.common import alliance_memberships, bp, scoped_or_404, show_error
from alliance.scoping import require_role
from alliance.web import current_actor


@bp.route("/members/interests", methods=["GET", "POST"])
def interests():
    form = InterestForm()
    if request.method == "POST":
        require_role(Action.DECLARE_INTEREST)
        if form.validate_on_submit():
            services.declare_interest(
                db.session,
                current_actor(),
                g.membership,
                kind=InterestKind(form.kind.data),
                description=form.description.data,
            )
            flash("Your interest is declared and on the record.", "success")
            return redirect(url_for("members.interests"))
    rows = db.session.scalars(
        select(Interest)
        .where(Interest.alliance_id == g.alliance.id)
        .options(selectinload(Interest.user), selectinload(Interest.organisation))
        .order_by(Interest.declared_on.desc(), Interest.id.desc())
    ).all()
    return render_template(
        "members/interests.html", form=form, interests=rows, end_form=EndInterestForm(formdata=None)
    ), (422 if form.errors else 200)


@bp.route("/members/interests/<int:interest_id>/end", methods=["POST"])
def end_interest(interest_id: int):
    interest = scoped_or_404(Interest, interest_id)
    own = interest.user_id == current_user.id
    require_role(Action.DECLARE_INTEREST if own else Action.MANAGE_INTERESTS)
    form = EndInterestForm()
    if not form.validate_on_submit():
        abort(422, "Enter the date the interest ended, for example 31 3 2027.")
    services.update_interest(db.session, current_actor(), interest, ended_on=form.ended_on.data)
    flash("The interest is recorded as ended.", "success")
    return redirect(url_for("members.interests"))


@bp.route("/members/roles", methods=["GET", "POST"])
@fresh_sign_in_required("members.appointments", "change the role register")
def appointments():
    form = AppointmentForm()
    memberships = sorted(alliance_memberships(), key=lambda m: m.user.name.casefold())
    form.person.choices = [("", "Choose a person")] + [
        (str(m.user_id), m.user.name) for m in memberships
    ]
    if request.method == "POST":
        require_role(Action.MANAGE_APPOINTMENTS)
        if form.validate_on_submit():
            chosen = next((m for m in memberships if str(m.user_id) == form.person.data), None)
            if chosen is None:
                abort(404)
            try:
                services.appoint(
                    db.session,
                    current_actor(),
                    g.alliance,
                    user=chosen.user,
                    kind=AppointmentKind(form.kind.data),
                    title=form.title.data,
                    rationale=form.rationale.data,
                    starts_on=form.starts_on.data,
                    decision_reference=form.decision_reference.data,
                )
            except DomainError as exc:
                show_error(form, exc)
            else:
                flash("The appointment is in the role register.", "success")
                return redirect(url_for("members.appointments"))
    rows = db.session.scalars(
        select(Appointment)
        .where(Appointment.alliance_id == g.alliance.id)
        .options(selectinload(Appointment.user))
        .order_by(Appointment.ended_on.is_not(None), Appointment.starts_on.desc())
    ).all()
    return render_template(
        "members/appointments.html",
        form=form,
        appointments=rows,
        end_form=EndInterestForm(formdata=None),
    ), (422 if form.errors else 200)


@bp.route("/members/roles/<int:appointment_id>/end", methods=["POST"])
@fresh_sign_in_required("members.appointments", "change the role register")
def end_appointment(appointment_id: int):
    require_role(Action.MANAGE_APPOINTMENTS)
    appointment = scoped_or_404(Appointment, appointment_id)
    form = EndInterestForm()
    if not form.validate_on_submit():
        abort(422, "Enter the date the appointment ended, for example 31 3 2027.")
    services.end_appointment(db.session, current_actor(), appointment, form.ended_on.data)
    flash("The appointment is recorded as ended.", "success")
    return redirect(url_for("members.appointments"))
