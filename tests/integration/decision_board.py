"""The board the decision tests share: an alliance with a proposer, a chair and N seats."""

from datetime import date, timedelta

import pytest

from alliance.actors import CLI, Actor
from alliance.auth.services import create_user
from alliance.db import db, utcnow
from alliance.decisions import services
from alliance.decisions.models import Decision, DecisionKind
from alliance.decisions.rules import Position
from alliance.members import services as members
from alliance.members.models import AppointmentKind, OrganisationKind, Role

A, S, D, B = Position.AGREE, Position.ABSTAIN, Position.DISAGREE, Position.BLOCK


class Board:
    """An alliance with a commissioner who proposes, a chair, and N seats."""

    def __init__(self, app, seats: int = 3):
        self.app = app
        with app.app_context():
            s = db.session
            alliance = members.create_alliance(
                s, CLI, name="Board Alliance", slug="board", reference_prefix="BA"
            )
            council = members.add_organisation(
                s,
                CLI,
                alliance,
                name="Council",
                kind=OrganisationKind.COMMISSIONER,
                joined_on=date(2026, 4, 1),
            )
            self.proposer = self._person(s, alliance, council, "proposer", {Role.COMMISSIONER})
            self.chair = self._person(s, alliance, council, "chair", {Role.MANAGER})
            members.appoint(
                s,
                CLI,
                alliance,
                user=s.get(type(self.chair_user), self.chair_user.id),
                kind=AppointmentKind.CHAIR,
                title="Chair",
                rationale="Trusted by all",
                starts_on=date(2026, 4, 1),
            )
            self.reps, self.alternates, self.orgs = [], [], []
            for n in range(seats):
                org = members.add_organisation(
                    s,
                    CLI,
                    alliance,
                    name=f"Provider {n:02d}",
                    kind=OrganisationKind.PROVIDER,
                    joined_on=date(2026, 4, 1),
                )
                self.orgs.append(org.id)
                self.reps.append(
                    self._person(s, alliance, org, f"rep{n}", {Role.BOARD_REPRESENTATIVE})
                )
                self.alternates.append(
                    self._person(s, alliance, org, f"alt{n}", {Role.BOARD_ALTERNATE})
                )
            self.alliance_id = alliance.id
            s.commit()

    def _person(self, s, alliance, org, name, roles):
        user = create_user(
            s, CLI, email=f"{name}@board.example", name=name.title(), password=None, min_length=15
        )
        if name == "chair":
            self.chair_user = user
        return members.add_member(s, CLI, alliance, user, org, roles).id

    def membership(self, membership_id):
        from alliance.members.models import Membership

        return db.session.get(Membership, membership_id)

    def actor(self, membership_id):
        m = self.membership(membership_id)
        return Actor(user=m.user, organisation_id=m.organisation_id)

    def alliance(self):
        from alliance.members.models import Alliance

        return db.session.get(Alliance, self.alliance_id)

    def draft(self, kind=DecisionKind.KEY_ISSUE, closes_in=timedelta(days=7)):
        d = services.propose(
            db.session,
            self.actor(self.proposer),
            self.alliance(),
            title="Fund outreach",
            question="Shall we fund assertive outreach?",
            kind=kind,
            rationale="People told us they need it",
            citations=["b", "c"],
            closes_at=utcnow() + closes_in,
        )
        db.session.commit()
        return d.id

    def opened(self, **kw):
        decision_id = self.draft(**kw)
        services.open_voting(
            db.session,
            self.actor(self.proposer),
            self.decision(decision_id),
            self.membership(self.proposer),
        )
        db.session.commit()
        return decision_id

    def decision(self, decision_id):
        return db.session.get(Decision, decision_id)

    def vote(self, decision_id, who, position, reason="", citations=()):
        services.cast_vote(
            db.session,
            self.actor(who),
            self.decision(decision_id),
            self.membership(who),
            position=position,
            reason=reason,
            citations=citations,
        )
        db.session.commit()

    def close(self, decision_id, reason=""):
        outcome = services.close_decision(
            db.session,
            self.actor(self.chair),
            self.decision(decision_id),
            self.membership(self.chair),
            reason=reason,
        )
        db.session.commit()
        return outcome.result


@pytest.fixture(name="board")
def board_fixture(app):
    return Board(app)
