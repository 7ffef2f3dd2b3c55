"""Write the register. Each service flushes and records an event; the caller commits."""

import re
import secrets
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.audit.services import create_chain, record_event
from alliance.auth.models import User
from alliance.auth.services import revoke_all_sessions, sha256
from alliance.db import utcnow
from alliance.errors import Conflict, DomainError, Forbidden, NotFound
from alliance.members.models import (
    AbstentionPolicy,
    Alliance,
    AllianceValue,
    Appointment,
    AppointmentKind,
    Interest,
    InterestKind,
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    Principle,
    Role,
)
from alliance.members.rules import Action, allowed, role_problems

#: The seven Alliance Principles, in the standard wording; each alliance may edit its own.
STANDARD_PRINCIPLES = {
    "a": "Assume collective responsibility for all of the risks involved in providing "
    "services under the Alliance Agreement.",
    "b": "Make decisions on a 'Best for People using Services' basis.",
    "c": "Commit to unanimous, principle and value based decision making on all key issues.",
    "d": "Adopt a 'no fault, no blame' culture between the Alliance Participants.",
    "e": "Ensure open book accounting and transparency in relation to the services.",
    "f": "Appoint key roles on a best person basis.",
    "g": "Act in accordance with the Alliance Values and Behaviours.",
}


class InvalidRoles(DomainError):
    code = "invalid_roles"


class SeatTaken(Conflict):
    code = "seat_taken"


class InvitationInvalid(DomainError):
    status = 404
    code = "invitation_invalid"


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60] or "item"


def require(membership: Membership | None, action: Action) -> None:
    """Raise Forbidden unless the member's roles allow the action."""
    if membership is None or not allowed(membership.roles, action):
        raise Forbidden("You do not have permission to do that in this alliance")


# --- alliances ------------------------------------------------------------------------


def alliance_by_slug(session: Session, slug: str) -> Alliance | None:
    return session.scalars(select(Alliance).where(Alliance.slug == slug)).first()


def create_alliance(
    session: Session,
    actor: Actor,
    *,
    name: str,
    slug: str | None = None,
    purpose: str = "",
    reference_prefix: str | None = None,
    agreement_starts_on: date | None = None,
    agreement_ends_on: date | None = None,
) -> Alliance:
    """Create an alliance with the standard principles and its own record."""
    slug = slugify(slug or name)
    if alliance_by_slug(session, slug) is not None:
        raise Conflict(f"There is already an alliance with the slug {slug}")
    prefix = reference_prefix or "".join(w[0] for w in re.findall(r"[A-Za-z]+", name)).upper()
    alliance = Alliance(
        name=name.strip(),
        slug=slug,
        purpose=purpose,
        reference_prefix=(prefix or "ALL")[:12],
        agreement_starts_on=agreement_starts_on,
        agreement_ends_on=agreement_ends_on,
        financial_year_start_month=4,
        abstention_policy=AbstentionPolicy.STAND_ASIDE,
    )
    session.add(alliance)
    session.flush()
    for code, text in STANDARD_PRINCIPLES.items():
        session.add(Principle(alliance_id=alliance.id, code=code, text=text))
    create_chain(session, alliance.id)
    record_event(
        session,
        actor,
        "alliance_create",
        alliance_id=alliance.id,
        object_type="alliance",
        object_id=alliance.id,
        summary={"name": alliance.name, "slug": slug},
    )
    return alliance


ALLIANCE_SETTINGS = (
    "name",
    "purpose",
    "agreement_starts_on",
    "agreement_ends_on",
    "abstention_policy",
    "quorum",
)


def update_alliance(session: Session, actor: Actor, alliance: Alliance, **changes) -> None:
    """Change the alliance's settings; only the named settings can be changed."""
    unknown = set(changes) - set(ALLIANCE_SETTINGS)
    if unknown:
        raise DomainError(f"These settings cannot be changed: {', '.join(sorted(unknown))}")
    if changes.get("quorum") is not None and changes["quorum"] < 1:
        raise DomainError("Quorum must be 1 or more, or blank for every seat")
    before, after = {}, {}
    for key, value in changes.items():
        old = getattr(alliance, key)
        if old != value:
            before[key], after[key] = _plain(old), _plain(value)
            setattr(alliance, key, value)
    if after:
        session.flush()
        record_event(
            session,
            actor,
            "alliance_update",
            alliance_id=alliance.id,
            object_type="alliance",
            object_id=alliance.id,
            summary={"before": before, "after": after},
        )


def _plain(value):
    if value is None or isinstance(value, int | str):
        return value
    return str(value)


def update_principle(session: Session, actor: Actor, principle: Principle, text: str) -> None:
    if principle.text == text.strip():
        return
    before = principle.text
    principle.text = text.strip()
    record_event(
        session,
        actor,
        "principle_update",
        alliance_id=principle.alliance_id,
        object_type="principle",
        object_id=principle.code,
        summary={"before": before, "after": principle.text},
    )


def add_value(
    session: Session,
    actor: Actor,
    alliance: Alliance,
    *,
    name: str,
    description: str = "",
    code: str | None = None,
) -> AllianceValue:
    code = slugify(code or name)[:30]
    exists = session.scalars(
        select(AllianceValue).where(
            AllianceValue.alliance_id == alliance.id, AllianceValue.code == code
        )
    ).first()
    if exists:
        raise Conflict(f"There is already a value with the code {code}")
    position = len(alliance.values)
    value = AllianceValue(
        alliance_id=alliance.id,
        code=code,
        name=name.strip(),
        description=description.strip(),
        position=position,
    )
    session.add(value)
    session.flush()
    record_event(
        session,
        actor,
        "value_add",
        alliance_id=alliance.id,
        object_type="value",
        object_id=code,
        summary={"name": value.name},
    )
    return value


# --- organisations ---------------------------------------------------------------------


def add_organisation(
    session: Session,
    actor: Actor,
    alliance: Alliance,
    *,
    name: str,
    kind: OrganisationKind,
    joined_on: date,
    slug: str | None = None,
) -> Organisation:
    slug = slugify(slug or name)
    clash = session.scalars(
        select(Organisation).where(
            Organisation.alliance_id == alliance.id,
            (Organisation.slug == slug) | (Organisation.name == name.strip()),
        )
    ).first()
    if clash:
        raise Conflict(f"{clash.name} is already a member of this alliance")
    org = Organisation(
        alliance_id=alliance.id, name=name.strip(), slug=slug, kind=kind, joined_on=joined_on
    )
    session.add(org)
    session.flush()
    record_event(
        session,
        actor,
        "organisation_add",
        alliance_id=alliance.id,
        object_type="organisation",
        object_id=org.id,
        summary={"name": org.name, "kind": kind.value, "joined_on": str(joined_on)},
    )
    return org


def organisation_leaves(session: Session, actor: Actor, org: Organisation, left_on: date) -> None:
    """Record that an organisation left; it and its history stay in the register."""
    if org.left_on is not None:
        raise Conflict(f"{org.name} already left on {org.left_on:%d %B %Y}")
    if left_on < org.joined_on:
        raise DomainError("An organisation cannot leave before it joined")
    org.left_on = left_on
    record_event(
        session,
        actor,
        "organisation_leave",
        alliance_id=org.alliance_id,
        object_type="organisation",
        object_id=org.id,
        summary={"left_on": str(left_on)},
    )


def alphabetical(organisations) -> list[Organisation]:
    """Organisations in alphabetical order, whatever the case of their names or the collation."""
    return sorted(organisations, key=lambda org: (org.name.casefold(), org.name))


def find_organisation(session: Session, alliance: Alliance, text: str) -> Organisation:
    """Find an organisation by slug, id or exact name."""
    text = text.strip()
    scoped = select(Organisation).where(Organisation.alliance_id == alliance.id)
    for clause in (Organisation.slug == text, Organisation.name == text):
        org = session.scalars(scoped.where(clause)).first()
        if org:
            return org
    if text.isdigit():
        org = session.scalars(scoped.where(Organisation.id == int(text))).first()
        if org:
            return org
    raise NotFound(f"No member organisation called {text} in {alliance.name}")


# --- people and roles ------------------------------------------------------------------


def membership_of(session: Session, alliance: Alliance, user: User) -> Membership | None:
    return session.scalars(
        select(Membership).where(
            Membership.alliance_id == alliance.id, Membership.user_id == user.id
        )
    ).first()


def _check_roles(
    session: Session,
    alliance: Alliance,
    org: Organisation | None,
    roles: set[Role],
    *,
    ignore: Membership | None = None,
) -> None:
    if org is not None and org.alliance_id != alliance.id:
        raise NotFound("No such organisation in this alliance")
    problems = role_problems(roles, org.kind if org else None)
    if problems:
        raise InvalidRoles(problems[0])
    for seat_role in (Role.BOARD_REPRESENTATIVE, Role.BOARD_ALTERNATE):
        if seat_role not in roles:
            continue
        holder = session.scalars(
            select(Membership)
            .join(MembershipRole)
            .where(Membership.organisation_id == org.id, MembershipRole.role == seat_role)
        ).first()
        if holder is not None and holder is not ignore:
            label = seat_role.value.replace("_", " ")
            raise SeatTaken(f"{org.name} already has a {label}: {holder.user.name}")


def add_member(
    session: Session,
    actor: Actor,
    alliance: Alliance,
    user: User,
    organisation: Organisation | None,
    roles: set[Role],
) -> Membership:
    """Give a person a place in the alliance, for an organisation, with roles."""
    if membership_of(session, alliance, user) is not None:
        raise Conflict(f"{user.name} is already a member of {alliance.name}")
    _check_roles(session, alliance, organisation, roles)
    membership = Membership(
        alliance_id=alliance.id,
        user_id=user.id,
        organisation_id=organisation.id if organisation else None,
    )
    membership.role_rows = [MembershipRole(role=r) for r in sorted(roles)]
    session.add(membership)
    session.flush()
    record_event(
        session,
        actor,
        "member_add",
        alliance_id=alliance.id,
        object_type="membership",
        object_id=membership.id,
        summary={
            "person": user.email,
            "organisation": organisation.name if organisation else None,
            "roles": sorted(r.value for r in roles),
        },
    )
    return membership


def set_roles(session: Session, actor: Actor, membership: Membership, roles: set[Role]) -> None:
    """Change a person's roles; their sessions end so the change applies at once."""
    before = membership.roles
    if before == roles:
        return
    _check_roles(session, membership.alliance, membership.organisation, roles, ignore=membership)
    membership.role_rows = [row for row in membership.role_rows if row.role in roles]
    membership.role_rows.extend(MembershipRole(role=r) for r in sorted(roles - before))
    session.flush()
    revoke_all_sessions(session, membership.user)
    record_event(
        session,
        actor,
        "sensitive_update_roles",
        alliance_id=membership.alliance_id,
        object_type="membership",
        object_id=membership.id,
        summary={
            "person": membership.user.email,
            "before": sorted(r.value for r in before),
            "after": sorted(r.value for r in roles),
        },
    )


def current_chair(session: Session, alliance: Alliance) -> Appointment | None:
    return session.scalars(
        select(Appointment).where(
            Appointment.alliance_id == alliance.id,
            Appointment.kind == AppointmentKind.CHAIR,
            Appointment.ended_on.is_(None),
        )
    ).first()


def roles_of(session: Session, membership: Membership | None) -> set[str]:
    """Role names as the API reports them, the chair included."""
    if membership is None:
        return set()
    names = {r.value for r in membership.roles}
    chair = current_chair(session, membership.alliance)
    if chair is not None and chair.user_id == membership.user_id:
        names.add("chair")
    return names


# --- interests -------------------------------------------------------------------------


def declare_interest(
    session: Session,
    actor: Actor,
    membership: Membership,
    *,
    kind: InterestKind,
    description: str,
    declared_on: date | None = None,
) -> Interest:
    """Declare an interest for a member (their own, or anyone's by a manager)."""
    today = declared_on or utcnow().date()
    interest = Interest(
        alliance_id=membership.alliance_id,
        user_id=membership.user_id,
        organisation_id=membership.organisation_id,
        kind=kind,
        description=description.strip(),
        declared_on=today,
        updated_on=today,
    )
    session.add(interest)
    session.flush()
    record_event(
        session,
        actor,
        "interest_declare",
        alliance_id=membership.alliance_id,
        object_type="interest",
        object_id=interest.id,
        summary={
            "person": membership.user.email,
            "kind": kind.value,
            "description": interest.description,
        },
    )
    return interest


def update_interest(
    session: Session,
    actor: Actor,
    interest: Interest,
    *,
    description: str | None = None,
    ended_on: date | None = None,
) -> None:
    before = {"description": interest.description, "ended_on": _plain(interest.ended_on)}
    if description is not None:
        interest.description = description.strip()
    if ended_on is not None:
        interest.ended_on = ended_on
    interest.updated_on = utcnow().date()
    record_event(
        session,
        actor,
        "interest_update",
        alliance_id=interest.alliance_id,
        object_type="interest",
        object_id=interest.id,
        summary={
            "before": before,
            "after": {"description": interest.description, "ended_on": _plain(interest.ended_on)},
        },
    )


# --- the role register -----------------------------------------------------------------


def appoint(
    session: Session,
    actor: Actor,
    alliance: Alliance,
    *,
    user: User,
    kind: AppointmentKind,
    title: str,
    rationale: str,
    starts_on: date,
    decision_reference: str | None = None,
) -> Appointment:
    """Record a key-role appointment made on a best-person basis."""
    if membership_of(session, alliance, user) is None:
        raise DomainError(f"{user.name} must be a member of the alliance to hold a key role")
    if not rationale.strip():
        raise DomainError("Say why this person is the best person for the role")
    if kind == AppointmentKind.CHAIR and current_chair(session, alliance) is not None:
        raise Conflict("The alliance already has a chair: end that appointment first")
    appointment = Appointment(
        alliance_id=alliance.id,
        kind=kind,
        title=title.strip(),
        user_id=user.id,
        rationale=rationale.strip(),
        starts_on=starts_on,
        decision_reference=(decision_reference or "").strip() or None,
    )
    session.add(appointment)
    session.flush()
    revoke_all_sessions(session, user)
    record_event(
        session,
        actor,
        "appointment_make",
        alliance_id=alliance.id,
        object_type="appointment",
        object_id=appointment.id,
        summary={
            "person": user.email,
            "title": appointment.title,
            "kind": kind.value,
            "decision": appointment.decision_reference,
        },
    )
    return appointment


def end_appointment(
    session: Session, actor: Actor, appointment: Appointment, ended_on: date
) -> None:
    if appointment.ended_on is not None:
        raise Conflict("That appointment has already ended")
    appointment.ended_on = ended_on
    session.flush()
    revoke_all_sessions(session, appointment.user)
    record_event(
        session,
        actor,
        "appointment_end",
        alliance_id=appointment.alliance_id,
        object_type="appointment",
        object_id=appointment.id,
        summary={"ended_on": str(ended_on)},
    )


# --- invitations -----------------------------------------------------------------------


def invite(
    session: Session,
    actor: Actor,
    alliance: Alliance,
    *,
    email: str,
    name: str,
    organisation: Organisation | None,
    roles: set[Role],
    ttl: timedelta,
) -> tuple[Invitation, str]:
    """Create a single-use, expiring invitation; return it and the secret for the link."""
    _check_roles(session, alliance, organisation, roles)
    raw = secrets.token_urlsafe(32)
    invitation = Invitation(
        alliance_id=alliance.id,
        email=email.strip().lower(),
        name=name.strip(),
        organisation_id=organisation.id if organisation else None,
        roles=" ".join(sorted(r.value for r in roles)),
        token_hash=sha256(raw),
        created_by_id=actor.user_id,
        expires_at=utcnow() + ttl,
    )
    session.add(invitation)
    session.flush()
    record_event(
        session,
        actor,
        "invitation_create",
        alliance_id=alliance.id,
        object_type="invitation",
        object_id=invitation.id,
        summary={"email": invitation.email, "roles": invitation.roles},
    )
    return invitation, raw


def open_invitation(session: Session, raw: str) -> Invitation:
    """Return the live invitation for a link, or raise one plain error for every failure."""
    invitation = session.scalars(
        select(Invitation).where(Invitation.token_hash == sha256(raw))
    ).first()
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= utcnow()
    ):
        raise InvitationInvalid(
            "This invitation link has expired or has already been used. Ask your alliance "
            "manager for a new one."
        )
    return invitation


def accept_invitation(session: Session, raw: str, user: User, ip: str | None) -> Membership:
    """Use an invitation: the person joins with the roles it names. It cannot be used again."""
    invitation = open_invitation(session, raw)
    invitation.accepted_at = utcnow()
    actor = Actor(user=user, ip_address=ip)
    org = invitation.organisation
    existing = membership_of(session, invitation.alliance, user)
    roles = set(invitation.role_list)
    if existing is not None:
        set_roles(session, actor, existing, existing.roles | roles)
        return existing
    membership = add_member(session, actor, invitation.alliance, user, org, roles)
    record_event(
        session,
        actor,
        "invitation_accept",
        alliance_id=invitation.alliance_id,
        object_type="invitation",
        object_id=invitation.id,
    )
    return membership


def revoke_invitation(session: Session, actor: Actor, invitation: Invitation) -> None:
    if invitation.accepted_at or invitation.revoked_at:
        return
    invitation.revoked_at = utcnow()
    record_event(
        session,
        actor,
        "invitation_revoke",
        alliance_id=invitation.alliance_id,
        object_type="invitation",
        object_id=invitation.id,
    )
