"""The demo alliance, plus what the demo lacks, for auditing every page with realistic data:
a draft decision, one not carried (so a deadlock path), a second alliance (so home lists
both), invitations for a new person and for someone who already has an account, and
someone whose sign-in asks for a second factor."""

from datetime import date, timedelta

import pyotp
from sqlalchemy import select

from alliance.actors import CLI, Actor
from alliance.auth import second_factor
from alliance.auth.models import User
from alliance.db import db, utcnow
from alliance.decisions import services as decisions
from alliance.decisions.models import Decision, DecisionKind, DecisionStatus
from alliance.decisions.rules import Position
from alliance.learning.models import AssuranceStatement, LearningEntry, Measure
from alliance.ledgers.models import CostCategory, ServiceLine
from alliance.members import services as members
from alliance.members.models import Alliance, Membership, Organisation, OrganisationKind, Role
from alliance.reports import downloads
from tests.support import PASSWORD

DOMAIN = "riverside.example"
#: Signs in with a code from an authenticator app as well as a password.
WITH_SECOND_FACTOR = "council.alternate"


def email(local: str) -> str:
    return f"{local}@{DOMAIN}"


def load_audit_world(app, cli, monkeypatch) -> dict[str, str]:
    """Load the demo and the extras; return the identifiers the audited paths need."""
    monkeypatch.setenv("ALLIANCE_DEMO_PASSWORD", PASSWORD)
    assert cli("demo").exit_code == 0
    # The demo's pool and ledgers are for 2026-27: "today" is in it, whenever tests run.
    monkeypatch.setattr(downloads, "today", lambda: date(2026, 11, 23))
    with app.app_context():
        session = db.session
        alliance = session.scalars(select(Alliance).where(Alliance.slug == "riverside")).one()
        refs = _extras(session, alliance)
        refs |= _identifiers(session, alliance)
        session.commit()
    return refs


def _acting(session, alliance, local: str) -> tuple[Actor, Membership]:
    user = session.scalars(select(User).where(User.email == email(local))).one()
    membership = members.membership_of(session, alliance, user)
    return Actor(user=user, organisation_id=membership.organisation_id), membership


def _extras(session, alliance) -> dict[str, str]:
    proposer, proposer_membership = _acting(session, alliance, "council.commissioner")
    draft = decisions.propose(
        session,
        proposer,
        alliance,
        kind=DecisionKind.KEY_ISSUE,
        title="Extend the peer mentor scheme to the night shelter",
        question="Shall peer mentors work at the night shelter two evenings a week?",
        rationale="Residents said they talk more readily to someone who has been there.",
        citations=["b"],
        closes_at=utcnow() + timedelta(days=10),
    )
    blocked = decisions.propose(
        session,
        proposer,
        alliance,
        kind=DecisionKind.KEY_ISSUE,
        title="Close the day centre on Sundays",
        question="Shall the day centre close on Sundays to fund weekday outreach?",
        rationale="Weekday outreach reaches more people who sleep rough.",
        citations=["b"],
        closes_at=utcnow() + timedelta(days=10),
    )
    decisions.open_voting(session, proposer, blocked, proposer_membership)
    voter, membership = _acting(session, alliance, "homes.rep")
    decisions.cast_vote(
        session,
        voter,
        blocked,
        membership,
        position=Position.BLOCK,
        reason="Sunday is when our residents have nowhere else to go.",
        citations=["b"],
    )
    chair, chair_membership = _acting(session, alliance, "icb.chair")
    decisions.close_decision(
        session, chair, blocked, chair_membership, reason="A block stands: no need to wait."
    )

    # A second alliance with the manager in it, so home lists alliances instead of redirecting.
    elsewhere = members.create_alliance(session, CLI, name="Estuary Alliance", slug="estuary")
    council = members.add_organisation(
        session,
        CLI,
        elsewhere,
        name="Estuary Council",
        kind=OrganisationKind.COMMISSIONER,
        joined_on=date(2026, 4, 1),
    )
    manager, _ = _acting(session, alliance, "manager")
    members.add_member(session, CLI, elsewhere, manager.user, council, {Role.MANAGER})
    _, new_token = members.invite(
        session,
        manager,
        alliance,
        email="new.person@riverside.example",
        name="Nia Roberts",
        organisation=None,
        roles={Role.OBSERVER},
        ttl=timedelta(days=3),
    )
    _, existing_token = members.invite(
        session,
        manager,
        elsewhere,
        email=email("observer"),
        name="Jo Marsh",
        organisation=None,
        roles={Role.OBSERVER},
        ttl=timedelta(days=3),
    )
    person, _ = _acting(session, alliance, WITH_SECOND_FACTOR)
    secret = second_factor.new_secret()
    code = pyotp.TOTP(secret, interval=second_factor.TOTP_STEP_SECONDS).now()
    second_factor.enable(session, person, person.user, secret, code, keep=None)
    return {
        "draft": draft.reference,
        "not_carried": blocked.reference,
        "invite_new": new_token,
        "invite_existing": existing_token,
    }


def _first(session, column, *where):
    return str(session.scalars(select(column).where(*where).order_by(column).limit(1)).one())


def _identifiers(session, alliance) -> dict[str, str]:
    mine = alliance.id
    # The demo's carried decision is the first closed one: the extras' came later.
    carried, open_ = (
        _first(session, Decision.reference, Decision.alliance_id == mine, Decision.status == s)
        for s in (DecisionStatus.CLOSED, DecisionStatus.OPEN)
    )
    manager = session.scalars(select(User).where(User.email == email("manager"))).one()
    return {
        "carried": carried,
        "open": open_,
        "organisation": _first(session, Organisation.id, Organisation.alliance_id == mine),
        "person": _first(
            session,
            Membership.id,
            Membership.alliance_id == mine,
            Membership.user_id != manager.id,
        ),
        "category": _first(session, CostCategory.id, CostCategory.alliance_id == mine),
        "service_line": _first(session, ServiceLine.id, ServiceLine.alliance_id == mine),
        "entry": _first(session, LearningEntry.number, LearningEntry.alliance_id == mine),
        "statement": _first(
            session, AssuranceStatement.number, AssuranceStatement.alliance_id == mine
        ),
        "measure": _first(session, Measure.id, Measure.alliance_id == mine),
    }
