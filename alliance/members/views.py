"""Pages of the register. Thin: read, call a service, redirect; the request commits."""

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from alliance.audit.services import chain_for
from alliance.db import db, utcnow
from alliance.errors import DomainError
from alliance.members import services
from alliance.members.forms import (
    AppointmentForm,
    EndInterestForm,
    InterestForm,
    InviteForm,
    LeaveForm,
    OrganisationForm,
    PrincipleForm,
    RolesForm,
    SettingsForm,
    ValueForm,
)
from alliance.members.models import (
    AbstentionPolicy,
    Appointment,
    AppointmentKind,
    Interest,
    InterestKind,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Principle,
    Role,
)
from alliance.members.rules import Action, allowed
from alliance.scoping import alliance_blueprint, require_role
from alliance.web import current_actor

bp = alliance_blueprint("members", __name__)
home_bp = Blueprint("home", __name__)


@home_bp.route("/", endpoint="index")
@login_required
def home():
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.user_id == current_user.id)
        .options(selectinload(Membership.alliance))
    ).all()
    if len(memberships) == 1:
        return redirect(url_for("members.dashboard", slug=memberships[0].alliance.slug))
    return render_template("home.html", memberships=memberships)


@bp.app_context_processor
def _can():
    """Let templates ask `can('manage_members')` to show or hide buttons."""

    def can(action: str) -> bool:
        membership = g.get("membership")
        return membership is not None and allowed(membership.roles, Action(action))

    return {"can": can}


def _organisations():
    return services.alphabetical(
        db.session.scalars(select(Organisation).where(Organisation.alliance_id == g.alliance.id))
    )


def _memberships():
    return db.session.scalars(
        select(Membership)
        .where(Membership.alliance_id == g.alliance.id)
        .options(
            selectinload(Membership.user),
            selectinload(Membership.role_rows),
            selectinload(Membership.organisation),
        )
    ).all()


def _scoped(model, object_id: int):
    """Load a record of this alliance, or 404 (never another alliance's)."""
    obj = db.session.get(model, object_id)
    if obj is None or obj.alliance_id != g.alliance.id:
        abort(404)
    return obj


def _fail(form, exc: DomainError) -> int:
    form.form_errors.append(exc.message)
    return exc.status if exc.status >= 400 else 422


@bp.route("/")
def dashboard():
    memberships = _memberships()
    orgs = _organisations()
    seats = {m.organisation_id for m in memberships if Role.BOARD_REPRESENTATIVE in m.roles}
    needs = []
    if allowed(g.membership.roles, Action.MANAGE_MEMBERS):
        for org in orgs:
            if org.is_current and org.id not in seats:
                needs.append(
                    {
                        "text": f"{org.name} has no board representative, so it has no seat.",
                        "href": url_for("members.organisation", org_id=org.id),
                    }
                )
        if services.current_chair(db.session, g.alliance) is None:
            needs.append(
                {
                    "text": "No chair is appointed in the role register.",
                    "href": url_for("members.appointments"),
                }
            )
    chain = chain_for(db.session, g.alliance.id)
    return render_template(
        "members/dashboard.html",
        needs=needs,
        chain=chain,
        roles=services.roles_of(db.session, g.membership),
        organisations=orgs,
        memberships=memberships,
    )


@bp.route("/members")
def index():
    memberships = _memberships()
    by_org: dict[int | None, list[Membership]] = {}
    for m in sorted(memberships, key=lambda m: m.user.name.casefold()):
        by_org.setdefault(m.organisation_id, []).append(m)
    chair = services.current_chair(db.session, g.alliance)
    return render_template(
        "members/index.html",
        organisations=_organisations(),
        by_org=by_org,
        chair_user_id=chair.user_id if chair else None,
    )


@bp.route("/members/organisations/new", methods=["GET", "POST"])
def new_organisation():
    require_role(Action.MANAGE_MEMBERS)
    form = OrganisationForm()
    status = 200
    if form.validate_on_submit():
        try:
            org = services.add_organisation(
                db.session,
                current_actor(),
                g.alliance,
                name=form.name.data,
                kind=OrganisationKind(form.kind.data),
                joined_on=form.joined_on.data,
            )
        except DomainError as exc:
            status = _fail(form, exc)
        else:
            flash(f"{org.name} added.", "success")
            return redirect(url_for("members.organisation", org_id=org.id))
    return render_template("members/organisation_form.html", form=form), (
        status if not form.errors else 422
    )


@bp.route("/members/organisations/<int:org_id>", methods=["GET", "POST"])
def organisation(org_id: int):
    org = _scoped(Organisation, org_id)
    form = LeaveForm()
    if request.method == "POST":
        require_role(Action.MANAGE_MEMBERS)
        if form.validate_on_submit():
            try:
                services.organisation_leaves(db.session, current_actor(), org, form.left_on.data)
            except DomainError as exc:
                _fail(form, exc)
            else:
                flash(f"{org.name} is recorded as having left. Its history stays.", "success")
                return redirect(url_for("members.organisation", org_id=org.id))
    people = [m for m in _memberships() if m.organisation_id == org.id]
    people.sort(key=lambda m: m.user.name.casefold())
    return render_template("members/organisation.html", org=org, people=people, form=form), (
        422 if form.errors else 200
    )


@bp.route("/members/people/<int:membership_id>", methods=["GET", "POST"])
def person(membership_id: int):
    membership = _scoped(Membership, membership_id)
    form = RolesForm(
        data={"roles": [r.value for r in membership.roles]} if request.method == "GET" else None
    )
    if request.method == "POST":
        require_role(Action.MANAGE_MEMBERS)
        if form.validate_on_submit():
            try:
                services.set_roles(
                    db.session, current_actor(), membership, {Role(r) for r in form.roles.data}
                )
            except DomainError as exc:
                _fail(form, exc)
            else:
                flash(
                    f"Roles of {membership.user.name} saved. Their sessions have ended.", "success"
                )
                return redirect(url_for("members.person", membership_id=membership.id))
    interests = db.session.scalars(
        select(Interest)
        .where(Interest.alliance_id == g.alliance.id, Interest.user_id == membership.user_id)
        .order_by(Interest.declared_on.desc())
    ).all()
    return render_template(
        "members/person.html",
        membership=membership,
        form=form,
        interests=interests,
        roles=services.roles_of(db.session, membership),
    ), (422 if form.errors else 200)


@bp.route("/members/invitations", methods=["GET", "POST"])
def invitations():
    require_role(Action.MANAGE_MEMBERS)
    form = InviteForm()
    form.organisation.choices = [("", "No organisation (observers only)")] + [
        (str(o.id), o.name) for o in _organisations() if o.is_current
    ]
    link = None
    if form.validate_on_submit():
        org = _scoped(Organisation, int(form.organisation.data)) if form.organisation.data else None
        try:
            _, raw = services.invite(
                db.session,
                current_actor(),
                g.alliance,
                email=form.email.data,
                name=form.name.data,
                organisation=org,
                roles={Role(r) for r in form.roles.data},
                ttl=timedelta(hours=current_app.config["INVITATION_TTL_HOURS"]),
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            link = url_for("auth.accept_invitation", token=raw, _external=True)
            form = InviteForm(formdata=None)
            form.organisation.choices = [("", "No organisation (observers only)")]
    pending = db.session.scalars(
        select(Invitation)
        .where(Invitation.alliance_id == g.alliance.id)
        .order_by(Invitation.created_at.desc())
    ).all()
    return render_template(
        "members/invitations.html", form=form, link=link, pending=pending, now=utcnow()
    ), (422 if form.errors else 200)


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
    interest = _scoped(Interest, interest_id)
    own = interest.user_id == current_user.id
    require_role(Action.DECLARE_INTEREST if own else Action.MANAGE_INTERESTS)
    form = EndInterestForm()
    if not form.validate_on_submit():
        abort(422, "Enter the date the interest ended, for example 31 3 2027.")
    services.update_interest(db.session, current_actor(), interest, ended_on=form.ended_on.data)
    flash("The interest is recorded as ended.", "success")
    return redirect(url_for("members.interests"))


@bp.route("/members/roles", methods=["GET", "POST"])
def appointments():
    form = AppointmentForm()
    memberships = sorted(_memberships(), key=lambda m: m.user.name.casefold())
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
                _fail(form, exc)
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
def end_appointment(appointment_id: int):
    require_role(Action.MANAGE_APPOINTMENTS)
    appointment = _scoped(Appointment, appointment_id)
    form = EndInterestForm()
    if not form.validate_on_submit():
        abort(422, "Enter the date the appointment ended, for example 31 3 2027.")
    services.end_appointment(db.session, current_actor(), appointment, form.ended_on.data)
    flash("The appointment is recorded as ended.", "success")
    return redirect(url_for("members.appointments"))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    alliance = g.alliance
    form = SettingsForm(obj=alliance if request.method == "GET" else None)
    if request.method == "GET":
        form.abstention_policy.data = alliance.abstention_policy.value
    if request.method == "POST":
        require_role(Action.EDIT_ALLIANCE)
        if form.validate_on_submit():
            try:
                services.update_alliance(
                    db.session,
                    current_actor(),
                    alliance,
                    name=form.name.data,
                    purpose=form.purpose.data or "",
                    agreement_starts_on=form.agreement_starts_on.data,
                    agreement_ends_on=form.agreement_ends_on.data,
                    abstention_policy=AbstentionPolicy(form.abstention_policy.data),
                    quorum=form.quorum.data,
                )
            except DomainError as exc:
                _fail(form, exc)
            else:
                flash("Settings saved.", "success")
                return redirect(url_for("members.settings"))
    return render_template(
        "members/settings.html",
        form=form,
        value_form=ValueForm(formdata=None),
        principles=alliance.principles,
    ), (422 if form.errors else 200)


@bp.route("/settings/principles/<code>", methods=["GET", "POST"])
def principle(code: str):
    row = db.session.scalars(
        select(Principle).where(Principle.alliance_id == g.alliance.id, Principle.code == code)
    ).first()
    if row is None:
        abort(404)
    form = PrincipleForm(obj=row if request.method == "GET" else None)
    if request.method == "POST":
        require_role(Action.EDIT_ALLIANCE)
        if form.validate_on_submit():
            services.update_principle(db.session, current_actor(), row, form.text.data)
            flash(f"Principle ({row.code}) saved.", "success")
            return redirect(url_for("members.settings"))
    return render_template("members/principle.html", form=form, principle=row), (
        422 if form.errors else 200
    )


@bp.route("/settings/values", methods=["POST"])
def add_value():
    require_role(Action.EDIT_ALLIANCE)
    form = ValueForm()
    if not form.validate_on_submit():
        abort(422, "Name the value in 100 characters or fewer.")
    services.add_value(
        db.session,
        current_actor(),
        g.alliance,
        name=form.name.data,
        description=form.description.data or "",
    )
    flash("Value added.", "success")
    return redirect(url_for("members.settings"))
