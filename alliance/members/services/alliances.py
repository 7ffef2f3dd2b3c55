"""Alliances, their principles and values, and member organisations."""

import re
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.audit.services import create_chain, record_event
from alliance.errors import Conflict, DomainError, NotFound
from alliance.members.models import (
    AbstentionPolicy,
    Alliance,
    AllianceValue,
    Organisation,
    OrganisationKind,
    Principle,
)

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


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60] or "item"


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
    "require_second_factor",
)


def update_alliance(session: Session, actor: Actor, alliance: Alliance, **changes) -> None:
    """Change the alliance's settings; only the named settings can be changed."""
    unknown = set(changes) - set(ALLIANCE_SETTINGS)
    if unknown:
        raise DomainError(f"These settings cannot be changed: {', '.join(sorted(unknown))}")
    if changes.get("quorum") is not None and changes["quorum"] < 1:
        raise DomainError("Quorum must be 1 or more, or blank for every seat")
    turning_on = changes.get("require_second_factor") and not alliance.require_second_factor
    if turning_on and actor.user is not None and not actor.user.has_second_factor:
        raise DomainError(
            "Set up your own second factor first (Your account, Second factor), then ask "
            "everyone else to."
        )
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
    # Count in the database: the alliance's `values` collection may be stale within a session.
    position = session.scalar(
        select(func.count())
        .select_from(AllianceValue)
        .where(AllianceValue.alliance_id == alliance.id)
    )
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
