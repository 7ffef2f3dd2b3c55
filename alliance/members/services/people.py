"""People in an alliance: memberships, roles and invitations."""

import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, joinedload

from alliance.actors import Actor
from alliance.audit.services import record_event
from alliance.auth.models import User
from alliance.auth.services import revoke_all_sessions, sha256
from alliance.db import utcnow
from alliance.errors import Conflict, DomainError, Forbidden, NotFound
from alliance.members.models import (
    Alliance,
    Appointment,
    AppointmentKind,
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    Role,
)
from alliance.members.rules import Action, allowed, needs_second_factor, role_problems


class InvalidRoles(DomainError):
    code = "invalid_roles"


class SeatTaken(Conflict):
    code = "seat_taken"


class InvitationInvalid(DomainError):
    status = 404
    code = "invitation_invalid"


def require(membership: Membership | None, action: Action) -> None:
    """Raise Forbidden unless the member's roles allow the action."""
    if membership is None or not allowed(membership.roles, action):
        raise Forbidden("You do not have permission to do that in this alliance")


# --- people and roles ------------------------------------------------------------------


def membership_of(session: Session, alliance: Alliance, user: User) -> Membership | None:
    return session.scalars(
        select(Membership).where(
            Membership.alliance_id == alliance.id, Membership.user_id == user.id
        )
    ).first()


def membership_by_slug(session: Session, slug: str | None, user: User) -> Membership | None:
    """A person's membership of the alliance with that slug, with the alliance, the
    organisation and the roles, in one query: what every page of an alliance starts with.
    None when there is no such alliance or the person is not a member (the same to them)."""
    return (
        session.scalars(
            select(Membership)
            .join(Membership.alliance)
            .where(Alliance.slug == slug, Membership.user_id == user.id)
            .options(
                contains_eager(Membership.alliance),
                joinedload(Membership.organisation),
                joinedload(Membership.role_rows),
            )
        )
        .unique()
        .one_or_none()
    )


def places_of(session: Session, user: User) -> tuple[str, ...]:
    """The names of a person's alliances and organisations (not to be used in passwords)."""
    memberships = session.scalars(select(Membership).where(Membership.user_id == user.id)).all()
    names = {m.alliance.name for m in memberships}
    names |= {m.organisation.name for m in memberships if m.organisation is not None}
    return tuple(sorted(names))


def places_of_invitation(invitation) -> tuple[str, ...]:
    names = [invitation.alliance.name]
    if invitation.organisation is not None:
        names.append(invitation.organisation.name)
    return tuple(names)


def alliances_requiring_second_factor(session: Session, user: User) -> list[Alliance]:
    """The alliances that ask this person, in their roles, to use a second factor."""
    memberships = session.scalars(
        select(Membership)
        .join(Alliance, Alliance.id == Membership.alliance_id)
        .where(Membership.user_id == user.id, Alliance.require_second_factor.is_(True))
    ).all()
    return [
        m.alliance
        for m in memberships
        if needs_second_factor(m.roles, alliance_requires=m.alliance.require_second_factor)
    ]


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
