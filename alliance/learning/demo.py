"""The demo alliance's learning log: an experiment through the gate and back, one held at
the gate, a listening session, a reflection, the board's questions and a statement."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.decisions.models import Decision
from alliance.learning import services
from alliance.learning.rules import EntryKind, EntryStatus, Gate, NextStep
from alliance.members.models import Alliance
from alliance.members.services import membership_of


def load_learning(session: Session, alliance: Alliance, users: dict) -> None:
    def actor(local: str) -> Actor:
        user = users[local]
        membership = membership_of(session, alliance, user)
        return Actor(user=user, organisation_id=membership.organisation_id)

    outreach = session.scalar(
        select(Decision.reference).where(Decision.alliance_id == alliance.id).limit(1)
    )
    vape = services.record_entry(
        session,
        actor("harbour.rep"),
        alliance,
        services.EntryDraft(
            kind=EntryKind.EXPERIMENT,
            title="No-strings vape offer at the recovery hub",
            summary="Offer a free starter vape kit to anyone at the hub who smokes, with no "
            "conditions attached, to see whether a small kindness opens conversations "
            "about health that people usually avoid.",
            involved="Hub recovery workers; people using the hub who smoke (six of them "
            "helped choose the kits); Riverside stop-smoking service.",
            starts_on=date(2026, 6, 1),
            ends_on=date(2026, 8, 31),
            themes=["smoking", "harm reduction", "health"],
            principles=["b"],
            values=["person-centred", "learning"],
            service_lines=["Substance use treatment"],
        ),
    )
    services.answer_gate(
        session,
        actor("harbour.rep"),
        alliance,
        vape,
        Gate(
            True,
            "Vapes may be given to adults; the kits carry the legal health warnings.",
            True,
            "Sealed kits, adults only, staff briefed by the stop-smoking service.",
        ),
    )
    services.edit_entry(
        session,
        actor("harbour.finance"),
        alliance,
        vape,
        services.EntryDraft(
            kind=EntryKind.EXPERIMENT,
            title=vape.title,
            summary=vape.summary,
            involved=vape.involved,
            status=EntryStatus.REFLECTING,
            starts_on=vape.starts_on,
            ends_on=vape.ends_on,
            happened="41 people took a kit in twelve weeks; 12 asked about stopping and 5 "
            "were referred. Three people came to the hub for the first time because of it.",
            learned_good="People raised their health with staff without being asked.",
            learned_bad="We ran out of kits in week three; the order took a fortnight.",
            next_step=NextStep.ADAPT,
            next_step_note="Keep the offer; order monthly; ask the ICB about funding.",
            themes=vape.themes,
            principles=vape.principles,
            values=vape.values,
            service_lines=["Substance use treatment"],
        ),
        based_on=vape.revision,
    )
    aao = services.record_entry(
        session,
        actor("trust.rep"),
        alliance,
        services.EntryDraft(
            kind=EntryKind.EXPERIMENT,
            title="Assertive alcohol outreach pilot",
            summary="Go to the ten people most often admitted to hospital because of "
            "alcohol, rather than wait for them to come to a service.",
            involved="Vale MH Trust alcohol nurses; Harbour outreach workers; the ten people.",
            themes=["alcohol", "outreach", "hospital admissions"],
            principles=["b", "c"],
            decisions=[outreach] if outreach else [],
        ),
    )
    services.answer_gate(
        session,
        actor("trust.rep"),
        alliance,
        aao,
        Gate(
            True,
            "Within the Trust's contract and information-sharing agreement.",
            False,
            "Lone working at night is not covered yet: we need the joint policy first.",
        ),
    )
    services.record_entry(
        session,
        actor("opendoor.rep"),
        alliance,
        services.EntryDraft(
            kind=EntryKind.LISTENING,
            title="Listening session with people using services, March",
            summary="Fourteen people met at Open Door. They said: having to tell their story "
            "again to each new worker is the hardest part; evening appointments would help; "
            "the hub feels safe.",
            involved="Fourteen people using services; two peer mentors; Open Door staff.",
            status=EntryStatus.REFLECTING,
            starts_on=date(2027, 3, 10),
            themes=["telling my story once", "access"],
            values=["person-centred"],
        ),
    )
    reflection = services.record_entry(
        session,
        actor("manager"),
        alliance,
        services.EntryDraft(
            kind=EntryKind.REFLECTION,
            title="Six months of open books",
            summary="Sharing ledgers felt exposing at first; the corrections Harbour made in "
            "September were noticed and thanked, not questioned.",
            status=EntryStatus.CLOSED,
            themes=["open book", "trust"],
            values=["honesty", "trust"],
        ),
    )
    question = services.ask_question(
        session,
        actor("icb.chair"),
        alliance,
        vape,
        "Did anyone stop smoking, and how would we know without chasing people?",
    )
    services.answer_question(
        session,
        actor("harbour.rep"),
        alliance,
        question,
        "Two people told us they had stopped at eight weeks. We will ask at the hub, not "
        "follow people up: that is the point of no strings.",
    )
    services.record_statement(
        session,
        actor("icb.chair"),
        alliance,
        services.StatementDraft(
            period_start=date(2026, 4, 1),
            period_end=date(2026, 9, 30),
            assured_that="the alliance is learning from what it tries and from what people "
            "using services tell it",
            because="experiments pass the gate before they start (one is held until a "
            "lone-working policy exists), and the vape offer's results and its problems "
            "were written up and questioned openly",
            figures="Hub spend April to September within the Harbour ledger (version 2).",
            entries=[vape.number, aao.number, reflection.number],
            decisions=[outreach] if outreach else [],
        ),
    )
    _demo_measures(session, alliance, actor("icb.commissioner"))


def _demo_measures(session: Session, alliance: Alliance, commissioner: Actor) -> None:
    admissions = services.add_measure(
        session,
        commissioner,
        alliance,
        services.MeasureDraft(
            name="Alcohol-related hospital admissions",
            unit="admissions per 100,000 adults",
            source="Hospital Episode Statistics, via the ICB's business intelligence team",
            definition="Admissions where an alcohol-related condition is the primary "
            "diagnosis or a secondary one, narrow measure, Riverside residents.",
        ),
    )
    for start, label, value, commentary in (
        (date(2026, 4, 1), "Q1 2026-27", "512.4", "Usual for the time of year."),
        (
            date(2026, 7, 1),
            "Q2 2026-27",
            "498.0",
            "Summer dip; the outreach pilot is held at the gate, so it is not behind this.",
        ),
        (
            date(2026, 10, 1),
            "Q3 2026-27",
            "531.7",
            "Up over Christmas, as every year. Two "
            "people reached by the vape offer were admitted; both asked to see the hub "
            "worker on the ward.",
        ),
    ):
        services.append_value(
            session,
            commissioner,
            alliance,
            admissions,
            period_start=start,
            period_label=label,
            value=value,
            commentary=commentary,
        )
    rough = services.add_measure(
        session,
        commissioner,
        alliance,
        services.MeasureDraft(
            name="People seen sleeping rough on the count night",
            unit="people",
            source="The council's quarterly street count",
            definition="People seen bedded down or about to bed down between midnight and "
            "4am on the count night.",
        ),
    )
    for start, label, value, commentary in (
        (date(2026, 4, 1), "Q1 2026-27", "23", "Three new to the streets."),
        (date(2026, 7, 1), "Q2 2026-27", "17", "The one outreach team knew everyone by name."),
    ):
        services.append_value(
            session,
            commissioner,
            alliance,
            rough,
            period_start=start,
            period_label=label,
            value=value,
            commentary=commentary,
        )
