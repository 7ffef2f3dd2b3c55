"""Learning entries on a real database: the three kinds, the gate, revisions, links."""

from datetime import date

import pytest
from sqlalchemy import select

from alliance.actors import Actor
from alliance.audit.models import AuditEvent
from alliance.auth.models import User
from alliance.db import db
from alliance.errors import Forbidden
from alliance.learning import services
from alliance.learning.models import EntryRevision
from alliance.learning.rules import EntryKind, EntryStatus, Gate, NextStep
from alliance.members.models import Alliance
from alliance.members.services.people import membership_of


@pytest.fixture
def session(app, world):
    with app.app_context():
        yield db.session


def riverside(session) -> Alliance:
    return session.scalars(select(Alliance).where(Alliance.slug == "riverside")).one()


def person(session, key: str) -> Actor:
    user = session.scalars(select(User).where(User.email == f"{key}@riverside.example")).one()
    membership = membership_of(session, riverside(session), user)
    return Actor(user=user, via="web", organisation_id=membership.organisation_id)


def vape_offer(**changes) -> services.EntryDraft:
    fields = {
        "kind": EntryKind.EXPERIMENT,
        "title": "No-strings vape offer at the hub",
        "summary": "Offer a free vape kit to anyone who smokes, with no conditions, to see "
        "whether it opens conversations about health.",
        "involved": "Hub staff; people using the hub who smoke; the stop-smoking service.",
        "starts_on": date(2026, 6, 1),
        "ends_on": date(2026, 8, 31),
        "themes": "Smoking, harm reduction; smoking",
        "principles": ["b"],
    }
    return services.EntryDraft(**(fields | changes))


def record(session, who="finance_lead", **changes):
    return services.record_entry(
        session, person(session, who), riverside(session), vape_offer(**changes)
    )


YES = Gate(
    True, "Vapes are legal to give to adults over 18.", True, "Kits are sealed; staff trained."
)


def test_each_kind_is_recorded_as_an_entry_of_the_alliance_with_a_reference(session, world):
    experiment = record(session)
    listening = record(
        session,
        "board_representative",
        kind=EntryKind.LISTENING,
        title="What people told us at the March listening session",
        status=EntryStatus.REFLECTING,
    )
    reflection = record(session, "commissioner", kind=EntryKind.REFLECTION, title="A year in")
    session.commit()
    assert [e.reference for e in (experiment, listening, reflection)] == ["L-1", "L-2", "L-3"]
    assert experiment.status is EntryStatus.IDEA
    assert experiment.themes == ["Smoking", "harm reduction"]
    assert listening.status is EntryStatus.REFLECTING  # no gate for listening
    assert experiment.author.email == "finance_lead@riverside.example"
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("learning_entry_record") == 3


def test_an_experiment_cannot_start_before_the_gate(session, world):
    with pytest.raises(services.InvalidEntry, match="passed the gate"):
        record(session, status=EntryStatus.RUNNING)


def test_two_yeses_with_their_basis_start_the_experiment(session, world):
    entry = record(session)
    services.answer_gate(session, person(session, "finance_lead"), riverside(session), entry, YES)
    assert (entry.status, entry.is_legal, entry.is_safe) == (EntryStatus.RUNNING, True, True)
    assert entry.revision == 2


def test_a_no_keeps_it_an_idea_with_the_reason_on_the_record(session, world):
    entry = record(session)
    no = Gate(True, "Legal for adults.", False, "We have no way to check age at the door yet.")
    services.answer_gate(session, person(session, "finance_lead"), riverside(session), entry, no)
    session.commit()
    assert entry.status is EntryStatus.IDEA
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "learning_gate_answer")
    ).one()
    assert event.summary["reason"] == "Not safe: We have no way to check age at the door yet."
    draft = vape_offer(status=EntryStatus.RUNNING)
    with pytest.raises(services.InvalidEntry, match=r"stays an idea\. Not safe: We have no way"):
        services.edit_entry(
            session, person(session, "finance_lead"), riverside(session), entry, draft, based_on=2
        )


@pytest.mark.parametrize(
    ("gate", "message"),
    [
        (Gate(None, "", True, "ok"), "Answer “Is it legal?” yes or no."),
        (Gate(True, "  ", True, "ok"), "Give the basis for your answer to “Is it legal?”."),
        (Gate(True, "ok", True, ""), "Give the basis for your answer to “Is it safe?”."),
    ],
)
def test_the_gate_needs_both_answers_and_their_basis(session, world, gate, message):
    entry = record(session)
    with pytest.raises(services.InvalidEntry, match=message.replace("?", r"\?")):
        services.answer_gate(
            session, person(session, "finance_lead"), riverside(session), entry, gate
        )


def test_only_an_experiment_has_a_gate(session, world):
    entry = record(session, kind=EntryKind.REFLECTION)
    with pytest.raises(services.InvalidEntry, match="Only an experiment"):
        services.answer_gate(
            session, person(session, "finance_lead"), riverside(session), entry, YES
        )


def test_edits_are_revisions_anyone_can_read_and_a_stale_edit_is_refused(session, world):
    entry = record(session)
    services.answer_gate(session, person(session, "finance_lead"), riverside(session), entry, YES)
    draft = vape_offer(
        status=EntryStatus.REFLECTING,
        happened="Forty people took a kit; twelve asked about the stop-smoking service.",
        learned_good="People talked to staff about their health for the first time.",
        learned_bad="We ran out of kits in week three.",
        next_step=NextStep.ADAPT,
    )
    services.edit_entry(
        session,
        person(session, "board_representative"),
        riverside(session),
        entry,
        draft,
        based_on=2,
    )
    session.commit()
    revisions = session.scalars(
        select(EntryRevision)
        .where(EntryRevision.entry_id == entry.id)
        .order_by(EntryRevision.number)
    ).all()
    assert [r.number for r in revisions] == [1, 2, 3]
    assert [r.edited_by.email.split("@")[0] for r in revisions] == [
        "finance_lead",
        "finance_lead",
        "board_representative",
    ]
    assert revisions[0].content["happened"] == "" and revisions[2].content["next_step"] == "adapt"
    assert revisions[2].content["is_safe"] is True
    with pytest.raises(services.EditedMeanwhile, match="now at revision 3"):
        services.edit_entry(
            session, person(session, "finance_lead"), riverside(session), entry, draft, based_on=2
        )


def test_observers_read_but_do_not_write(session, world):
    with pytest.raises(Forbidden):
        record(session, "observer")


def test_an_unknown_principle_or_a_reversed_period_is_refused(session, world):
    with pytest.raises(services.InvalidEntry, match="Not a principle or value of this alliance: z"):
        record(session, principles=["z"])
    with pytest.raises(services.InvalidEntry, match="end date is before the start date"):
        record(session, ends_on=date(2026, 5, 1))
