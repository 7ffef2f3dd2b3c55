"""Pages of the register: dashboard, members, organisations, people, invitations."""

from datetime import timedelta

from flask import (
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from alliance.audit.services import chain_for
from alliance.auth.fresh import fresh_sign_in_required
from alliance.db import db, utcnow
from alliance.errors import DomainError
from alliance.members import services
from alliance.members.forms import (
    InviteForm,
    LeaveForm,
    OrganisationForm,
    RolesForm,
)
from alliance.members.models import (
    Interest,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
)
from alliance.members.rules import Action, allowed
from alliance.members.views.common import (
    alliance_memberships,
    alliance_organisations,
    bp,
    scoped_or_404,
    show_error,
)
from alliance.scoping import require_role
from alliance.web import current_actor


@bp.route("/")
def dashboard():
    memberships = alliance_memberships()
    orgs = alliance_organisations()
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
    for provider in current_app.extensions.get("alliance.needs", []):
        needs.extend(provider(db.session, g.alliance, g.membership))
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
    memberships = alliance_memberships()
    by_org: dict[int | None, list[Membership]] = {}
    for m in sorted(memberships, key=lambda m: m.user.name.casefold()):
        by_org.setdefault(m.organisation_id, []).append(m)
    chair = services.current_chair(db.session, g.alliance)
    return render_template(
        "members/index.html",
        organisations=alliance_organisations(),
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
            status = show_error(form, exc)
        else:
            flash(f"{org.name} added.", "success")
            return redirect(url_for("members.organisation", org_id=org.id))
    return render_template("members/organisation_form.html", form=form), (
        status if not form.errors else 422
    )


@bp.route("/members/organisations/<int:org_id>", methods=["GET", "POST"])
def organisation(org_id: int):
    org = scoped_or_404(Organisation, org_id)
    form = LeaveForm()
    if request.method == "POST":
        require_role(Action.MANAGE_MEMBERS)
        if form.validate_on_submit():
            try:
                services.organisation_leaves(db.session, current_actor(), org, form.left_on.data)
            except DomainError as exc:
                show_error(form, exc)
            else:
                flash(f"{org.name} is recorded as having left. Its history stays.", "success")
                return redirect(url_for("members.organisation", org_id=org.id))
    people = [m for m in alliance_memberships() if m.organisation_id == org.id]
    people.sort(key=lambda m: m.user.name.casefold())
    return render_template("members/organisation.html", org=org, people=people, form=form), (
        422 if form.errors else 200
    )


@bp.route("/members/people/<int:membership_id>", methods=["GET", "POST"])
@fresh_sign_in_required("members.person", "change someone's roles")
def person(membership_id: int):
    membership = scoped_or_404(Membership, membership_id)
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
                show_error(form, exc)
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
@fresh_sign_in_required("members.invitations", "invite someone with roles")
def invitations():
    require_role(Action.MANAGE_MEMBERS)
    form = InviteForm()
    form.organisation.choices = [("", "No organisation (observers only)")] + [
        (str(o.id), o.name) for o in alliance_organisations() if o.is_current
    ]
    link = None
    if form.validate_on_submit():
        org = (
            scoped_or_404(Organisation, int(form.organisation.data))
            if form.organisation.data
            else None
        )
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
            show_error(form, exc)
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
