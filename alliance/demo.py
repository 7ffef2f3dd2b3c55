"""The demo alliance: a fictitious Riverside Complex Needs Alliance with people in every role."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance.actors import CLI, Actor
from alliance.auth.services import create_user
from alliance.db import utcnow
from alliance.decisions import services as decisions
from alliance.decisions.models import DecisionKind
from alliance.decisions.rules import Position
from alliance.learning.demo import load_learning
from alliance.ledgers import services as ledger_services
from alliance.ledgers import structure as ledgers
from alliance.members import services as members
from alliance.members.models import (
    Alliance,
    AppointmentKind,
    InterestKind,
    OrganisationKind,
    Role,
)
from alliance.reports.demo import load_pool

SLUG = "riverside"
DOMAIN = "riverside.example"

ORGANISATIONS = [
    ("riverside-council", "Riverside City Council", OrganisationKind.COMMISSIONER),
    ("riverside-icb", "NHS Riverside Integrated Care Board", OrganisationKind.COMMISSIONER),
    (
        "vale-mh-trust",
        "Riverside and Vale Mental Health NHS Foundation Trust",
        OrganisationKind.PROVIDER,
    ),
    ("harbour-recovery", "Harbour Recovery Trust", OrganisationKind.PROVIDER),
    ("open-door", "Open Door Riverside", OrganisationKind.PROVIDER),
    ("riverside-homes", "Riverside Homes Housing Association", OrganisationKind.PROVIDER),
]

R = Role
#: (e-mail local part, name, organisation slug or None, roles)
PEOPLE = [
    ("manager", "Sam Okafor", "riverside-council", {R.MANAGER}),
    (
        "council.commissioner",
        "Priya Shah",
        "riverside-council",
        {R.COMMISSIONER, R.BOARD_REPRESENTATIVE},
    ),
    ("council.alternate", "Gareth Lloyd", "riverside-council", {R.BOARD_ALTERNATE}),
    ("icb.commissioner", "Tom Hughes", "riverside-icb", {R.COMMISSIONER}),
    ("icb.chair", "Dr Amara Nwosu", "riverside-icb", {R.BOARD_REPRESENTATIVE}),
    ("icb.alternate", "Helen Price", "riverside-icb", {R.BOARD_ALTERNATE}),
    ("trust.rep", "Dr Kieran Walsh", "vale-mh-trust", {R.BOARD_REPRESENTATIVE}),
    ("trust.alternate", "Lucy Chen", "vale-mh-trust", {R.BOARD_ALTERNATE}),
    ("trust.finance", "Mark Bennett", "vale-mh-trust", {R.FINANCE_LEAD}),
    ("harbour.rep", "Fatima Begum", "harbour-recovery", {R.BOARD_REPRESENTATIVE}),
    ("harbour.finance", "Owen Davies", "harbour-recovery", {R.FINANCE_LEAD, R.BOARD_ALTERNATE}),
    ("opendoor.rep", "Rachel Green", "open-door", {R.BOARD_REPRESENTATIVE}),
    ("opendoor.finance", "Ifeoma Eze", "open-door", {R.FINANCE_LEAD}),
    ("homes.rep", "David Murray", "riverside-homes", {R.BOARD_REPRESENTATIVE}),
    ("homes.finance", "Chloe Patel", "riverside-homes", {R.FINANCE_LEAD, R.BOARD_ALTERNATE}),
    ("observer", "Jo Marsh", None, {R.OBSERVER}),
]

VALUES = [
    ("trust", "Trust", "We assume good intent and say when we are worried."),
    ("honesty", "Honesty", "We share bad news early, with the numbers."),
    ("person-centred", "Person-centred", "We start from what people using services tell us."),
    ("collaboration", "Collaboration", "We solve problems together, not by contract letter."),
    ("learning", "Learning", "We try things safely, say what happened and change course."),
]

#: (name, other names in providers' ledgers, one a line)
SERVICE_LINES = (
    ("Outreach", "Street outreach\nRough sleeping outreach"),
    ("Housing support", "Supported housing\nTenancy sustainment\nHousing"),
    ("Substance use treatment", "Drug and alcohol\nSubstance misuse\nTreatment"),
    ("Mental health", "MH\nMental health support"),
    ("Peer support", "Lived experience\nPeer mentors"),
)

#: The providers' 2026-27 ledgers, made by sample_ledgers/make_samples.py.
SAMPLE_LEDGERS = Path(__file__).resolve().parent.parent / "sample_ledgers"
LEDGER_YEAR = (date(2026, 4, 1), date(2027, 3, 1))
_MONTHS = [date(2026 + (i + 3) // 12, (i + 3) % 12 + 1, 1) for i in range(12)]
#: (organisation, file, the mapping the file needs, or None when the suggestion is right);
#: in this order, so Harbour's corrected file becomes version 2 of its ledger.
LEDGER_FILES = (
    ("vale-mh-trust", "vale-mh-trust-2026-27.xlsx", None),
    ("harbour-recovery", "harbour-recovery-2026-27.xlsx", None),
    (
        "open-door",
        "open-door-2026-27.xlsx",
        {"Service": "service_line", "Cost category": "category"}
        | {f"{month:%b-%y}": "amount_by_period" for month in _MONTHS},
    ),
    (
        "riverside-homes",
        "riverside-homes-2026-27.csv",
        {
            "Period": "date",
            "Cost Centre": "service_line",
            "Account Description": "category",
            "Transaction Description": "description",
            "Supplier": "counterparty",
            "Amount": "amount",
        },
    ),
    ("harbour-recovery", "harbour-recovery-2026-27-v2.xlsx", None),
)


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    roles: str


def demo_people() -> list[DemoPerson]:
    people = [
        DemoPerson(f"{local}@{DOMAIN}", name, ", ".join(sorted(r.value for r in roles)))
        for local, name, _org, roles in PEOPLE
    ]
    return [
        p if p.email != f"icb.chair@{DOMAIN}" else DemoPerson(p.email, p.name, p.roles + ", chair")
        for p in people
    ]


def has_any_alliance(session: Session) -> bool:
    return session.scalars(select(Alliance.id).limit(1)).first() is not None


def load_demo(session: Session, password: str, *, min_length: int = 15) -> Alliance:
    """Create the demo alliance and its people, all on the record."""
    alliance = members.create_alliance(
        session,
        CLI,
        name="Riverside Complex Needs Alliance",
        slug=SLUG,
        reference_prefix="RCNA",
        purpose="Help adults in Riverside with multiple and complex needs (homelessness, "
        "drug and alcohol use, mental ill health, offending) live the lives they want, "
        "with services that work together around them.",
        agreement_starts_on=date(2026, 4, 1),
        agreement_ends_on=date(2031, 3, 31),
    )
    for code, name, description in VALUES:
        members.add_value(session, CLI, alliance, code=code, name=name, description=description)
    orgs = {
        slug: members.add_organisation(
            session, CLI, alliance, name=name, kind=kind, joined_on=date(2026, 4, 1), slug=slug
        )
        for slug, name, kind in ORGANISATIONS
    }
    # 2025-26 is the baseline year before the agreement; 2026-27 its first year.
    ledgers.seed_structure(session, CLI, alliance, 2025, years=2, service_lines=SERVICE_LINES)
    users = {}
    for local, name, org_slug, roles in PEOPLE:
        user = create_user(
            session,
            CLI,
            email=f"{local}@{DOMAIN}",
            name=name,
            password=password,
            min_length=min_length,
            check_password=False,
        )
        members.add_member(session, CLI, alliance, user, orgs.get(org_slug), set(roles))
        users[local] = user
    members.appoint(
        session,
        CLI,
        alliance,
        user=users["icb.chair"],
        kind=AppointmentKind.CHAIR,
        title="Chair of the Alliance Leadership Team",
        rationale="Chaired the shadow alliance board for a year; trusted by providers and "
        "commissioners alike; no provider interest.",
        starts_on=date(2026, 4, 1),
    )
    members.appoint(
        session,
        CLI,
        alliance,
        user=users["manager"],
        kind=AppointmentKind.OTHER,
        title="Alliance Manager",
        rationale="Ran the co-design of the alliance agreement and the open-book process.",
        starts_on=date(2026, 4, 1),
    )
    for local, kind, description in [
        (
            "harbour.rep",
            InterestKind.NON_FINANCIAL_PROFESSIONAL,
            "Trustee of Riverside Street Outreach, a charity that bids for alliance sub-contracts.",
        ),
        (
            "trust.rep",
            InterestKind.INDIRECT,
            "Spouse is a partner at Vale Property LLP, which leases premises to Riverside Homes.",
        ),
    ]:
        membership = members.membership_of(session, alliance, users[local])
        members.declare_interest(
            session,
            CLI,
            membership,
            kind=kind,
            description=description,
            declared_on=date(2026, 4, 1),
        )
    load_pool(session, alliance, orgs, users)
    _demo_decisions(session, alliance, orgs, users)
    _demo_ledgers(session, alliance, orgs, users)
    load_learning(session, alliance, users)
    return alliance


def _demo_ledgers(session: Session, alliance: Alliance, orgs: dict, users: dict) -> None:
    """Each provider's sample ledger, submitted by its finance lead, then Harbour's correction.

    The sample files live in the repository, not in the installed package: an installation
    without them gets the demo without ledgers.
    """
    if not SAMPLE_LEDGERS.is_dir():
        return
    leads = {org: local for local, _, org, roles in PEOPLE if R.FINANCE_LEAD in roles}
    start, end = LEDGER_YEAR
    for org_slug, filename, mapping in LEDGER_FILES:
        organisation = orgs[org_slug]
        lead = users.get(leads.get(org_slug))
        actor = CLI if lead is None else Actor(user=lead, organisation_id=organisation.id)
        data = (SAMPLE_LEDGERS / filename).read_bytes()
        choices = ledger_services.Choices(start, end, mapping=mapping)
        preview = ledger_services.read_file(session, alliance, organisation, data, choices)
        errors = preview.get("problem_counts", {}).get("error")
        if "refused" in preview or errors:
            problems = preview.get("refused") or preview["problems"][:5]
            raise RuntimeError(f"The demo ledger {filename} does not import cleanly: {problems}")
        ledger_services.submit_lines(
            session,
            actor,
            alliance,
            organisation,
            filename=filename,
            data=data,
            preview=preview,
            choices=choices,
            based_on=ledger_services.current_number(session, organisation, start, end),
        )


def _demo_decisions(session: Session, alliance: Alliance, orgs: dict, users: dict) -> None:
    """One carried decision (moving outreach money) with its statement, and one open that
    is waiting for seats."""

    def act(local):
        membership = members.membership_of(session, alliance, users[local])
        return Actor(user=users[local], organisation_id=membership.organisation_id), membership

    proposer, proposer_membership = act("council.commissioner")
    carried = decisions.propose(
        session,
        proposer,
        alliance,
        kind=DecisionKind.KEY_ISSUE,
        title="Pool the street outreach budgets into one team",
        question="Shall the alliance fund one street outreach team from April, in place of "
        "three separately commissioned services?",
        rationale="People sleeping rough told us they retell their story to three teams; one "
        "team means one relationship.",
        citations=["a", "b", "person-centred"],
        closes_at=utcnow() + timedelta(days=3),
        budget_effect=decisions.BudgetEffectDraft(
            financial_year=2026,
            amount=Decimal("55000.00"),
            from_organisation=orgs["open-door"],
            from_service_line="Outreach",
            to_organisation=orgs["harbour-recovery"],
            to_service_line="Outreach",
        ),
    )
    decisions.open_voting(session, proposer, carried, proposer_membership)
    for local in (
        "council.commissioner",
        "icb.chair",
        "trust.rep",
        "harbour.rep",
        "opendoor.rep",
        "homes.rep",
    ):
        voter, membership = act(local)
        decisions.cast_vote(session, voter, carried, membership, position=Position.AGREE)
    chair, chair_membership = act("icb.chair")
    decisions.close_decision(session, chair, carried, chair_membership)
    decisions.write_statement(
        session,
        chair,
        carried,
        chair_membership,
        statement="Agreed: one street outreach team from April, hosted by Harbour Recovery "
        "Trust, reviewed after six months.",
        review_on=date(2027, 10, 1),
    )

    waiting = decisions.propose(
        session,
        proposer,
        alliance,
        kind=DecisionKind.KEY_ISSUE,
        title="Offer no-strings vapes at the hostel drop-in",
        question="Shall we try a no-strings vape offer at the Riverside hostel drop-in for "
        "three months, as a safe-fail experiment?",
        rationale="Residents asked for it; smoking is the biggest cause of early death here.",
        citations=["b", "learning"],
        closes_at=utcnow() + timedelta(days=5),
    )
    decisions.open_voting(session, proposer, waiting, proposer_membership)
    for local, position in (
        ("council.commissioner", Position.AGREE),
        ("trust.rep", Position.AGREE),
        ("homes.rep", Position.ABSTAIN),
    ):
        voter, membership = act(local)
        decisions.cast_vote(session, voter, waiting, membership, position=position)
