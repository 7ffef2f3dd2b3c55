"""The alliance bench/load.py drives: 20 members with a board seat each, 5 providers with
finance leads and a 20,000-line ledger each, open decisions, learning, a pool, and the
readers who browse it. Also the ledger files the providers upload during the run."""

import csv
import io
import random
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

SLUG = "load"
DOMAIN = "load.example"
PERIOD = "2026-04..2027-03"
START, END = date(2026, 4, 1), date(2027, 3, 1)
MONTHS = [date(2026 + (i + 3) // 12, (i + 3) % 12 + 1, 1) for i in range(12)]
COMMISSIONERS = ("Load City Council", "NHS Load Integrated Care Board")
PROVIDERS = 5
PARTNERS = 13  # other members (voluntary sector, police, housing): 2 + 5 + 13 = 20 seats
OPEN_DECISIONS = 10
LEARNING_ENTRIES = 12
#: A ledger as a finance lead keeps it: these headings are suggested with no mapping step.
HEADINGS = ("Month", "Cost category", "Service line", "Description", "Supplier", "Amount")
CATEGORIES = ("Staff", "Salaries", "Premises", "Supplies", "Subcontracted services",
              "Client costs", "Corporate overhead", "Grant income")  # fmt: skip
SERVICES = ("Outreach", "Housing support", "Drug and alcohol", "Mental health", "Peer support")
SUPPLIERS = ("Payroll", "Quayside Properties Ltd", "NHS Supply Chain", "Riverside Taxis",
             "Dockside Medical Practice", "Outdoor Aid CIC", "Vodafone Ltd", "")  # fmt: skip


@dataclass
class Plan:
    """What the Locust process needs to know about the world (written as JSON)."""

    host: str
    slug: str
    password: str
    readers: list[str] = field(default_factory=list)
    seats: list[str] = field(default_factory=list)
    #: finance lead's e-mail → the files they upload, in order
    uploads: dict[str, list[str]] = field(default_factory=dict)
    decisions: list[str] = field(default_factory=list)
    #: (organisation slug, pages of 200 lines) of each provider's version 1
    ledgers: list[tuple[str, int]] = field(default_factory=list)
    learning: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def ledger_csv(lines: int, seed: int) -> bytes:
    """A provider's ledger for 2026-27 as CSV; each seed gives a different file."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    for n in range(lines):
        pence = rng.randint(500, 2_500_000)
        writer.writerow(
            (
                f"{MONTHS[n * 12 // lines]:%Y-%m}",
                CATEGORIES[n % len(CATEGORIES)],
                SERVICES[rng.randrange(len(SERVICES))],
                f"Invoice INV-{seed:04d}-{n + 1:06d} for services as agreed",
                SUPPLIERS[rng.randrange(len(SUPPLIERS))],
                f"{Decimal(pence) / 100:.2f}",
            )
        )
    return out.getvalue().encode()


def write_uploads(folder: Path, leads: list[str], files_each: int, lines: int) -> dict:
    """The files each finance lead uploads during the run, each new (a new version)."""
    uploads = {}
    for index, email in enumerate(leads):
        paths = []
        for n in range(files_each):
            path = folder / f"provider-{index + 1}-upload-{n + 1}.csv"
            path.write_bytes(ledger_csv(lines, seed=1000 * (index + 1) + n + 1))
            paths.append(str(path))
        uploads[email] = paths
    return uploads


def build(url: str, folder: str, *, readers: int, lines: int, password: str) -> Plan:
    """Migrate the database and fill it; return the plan (without host and uploads)."""
    from alliance import create_app, migrate
    from alliance.db import db

    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": folder})
    with app.app_context():
        session = db.new_session(write=True)
        plan = _fill(session, readers=readers, lines=lines, password=password)
        session.commit()
        session.close()
    app.extensions["alliance.db"]["engine"].dispose()
    return plan


def _fill(session, *, readers: int, lines: int, password: str) -> Plan:
    from alliance.actors import CLI
    from alliance.demo import SERVICE_LINES
    from alliance.ledgers.structure import seed_structure
    from alliance.members.models import OrganisationKind, Role
    from alliance.members.services import add_organisation, create_alliance

    alliance = create_alliance(
        session, CLI, name="Load Alliance", slug=SLUG, reference_prefix="LOAD"
    )
    seed_structure(session, CLI, alliance, 2026, service_lines=SERVICE_LINES)
    kinds = [(name, OrganisationKind.COMMISSIONER) for name in COMMISSIONERS]
    kinds += [(f"Provider {n}", OrganisationKind.PROVIDER) for n in range(1, PROVIDERS + 1)]
    kinds += [(f"Partner {n:02d}", OrganisationKind.OTHER) for n in range(1, PARTNERS + 1)]
    orgs = [
        add_organisation(session, CLI, alliance, name=name, kind=kind, joined_on=START)
        for name, kind in kinds
    ]
    person = _person_maker(session, alliance, password)
    plan = Plan(host="", slug=SLUG, password=password)
    seats = {}
    for number, org in enumerate(orgs, start=1):
        roles = {Role.BOARD_REPRESENTATIVE}
        if org.kind is OrganisationKind.COMMISSIONER:
            roles.add(Role.COMMISSIONER)
        seats[org.id] = person(f"seat-{number:02d}", org, roles)
        plan.seats.append(seats[org.id].user.email)
    manager = person("manager", orgs[0], {Role.MANAGER})
    providers = [o for o in orgs if o.kind is OrganisationKind.PROVIDER]
    leads = [person(f"finance-{n}", o, {Role.FINANCE_LEAD}) for n, o in enumerate(providers, 1)]
    for n in range(1, readers + 1):
        plan.readers.append(person(f"reader-{n:02d}", None, {Role.OBSERVER}).user.email)
    for lead, org in zip(leads, providers, strict=True):
        _first_version(session, alliance, lead, org, lines)
        plan.ledgers.append((org.slug, -(-lines // 200)))
        plan.uploads[lead.user.email] = []  # write_uploads() makes the files
    plan.decisions = _decisions(session, alliance, seats[orgs[0].id])
    plan.learning = _learning(session, alliance, list(seats.values()))
    _pool(session, alliance, orgs, seats, manager, providers)
    return plan


def _person_maker(session, alliance, password: str):
    """Make people who share one password, hashed once with the site's argon2id cost (each
    hash takes most of a second; signing in still verifies it at full cost)."""
    from alliance.actors import CLI, Actor
    from alliance.auth.passwords import hash_password
    from alliance.auth.services import create_user
    from alliance.db import utcnow
    from alliance.members.services import add_member

    hashed = hash_password(password)

    def person(local: str, org, roles) -> Actor:
        user = create_user(
            session,
            CLI,
            email=f"{local}@{DOMAIN}",
            name=local.replace("-", " ").title(),
            password=None,
            min_length=15,
        )
        user.password_hash, user.password_changed_at = hashed, utcnow()
        add_member(session, CLI, alliance, user, org, roles)
        return Actor(user=user, organisation_id=org.id if org else None)

    return person


def _first_version(session, alliance, lead, org, lines: int) -> None:
    """Version 1 of the provider's ledger, read and stored as the app does an upload."""
    from alliance.ledgers import services

    data = ledger_csv(lines, seed=org.id)
    choices = services.Choices(START, END)
    preview = services.read_file(session, alliance, org, data, choices)
    if "refused" in preview or preview["problem_counts"]["error"]:
        raise RuntimeError(f"the generated ledger does not import: {preview.get('refused')}")
    services.submit_lines(
        session,
        lead,
        alliance,
        org,
        filename=f"{org.slug}-2026-27.csv",
        data=data,
        preview=preview,
        choices=choices,
        based_on=0,
    )


def _decisions(session, alliance, proposer) -> list[str]:
    """Open key issues, each with every seat in its electorate, closing in a week."""
    from alliance.db import utcnow
    from alliance.decisions import services
    from alliance.decisions.models import DecisionKind
    from alliance.members.services import membership_of

    membership = membership_of(session, alliance, proposer.user)
    references = []
    for n in range(1, OPEN_DECISIONS + 1):
        decision = services.propose(
            session,
            proposer,
            alliance,
            kind=DecisionKind.KEY_ISSUE,
            title=f"Proposal {n}: pool the outreach budgets, phase {n}",
            question=f"Shall the alliance fund phase {n} of one outreach team from April?",
            rationale="People told us they retell their story to three teams.",
            citations=["a", "b"],
            closes_at=utcnow() + timedelta(days=7),
        )
        services.open_voting(session, proposer, decision, membership)
        references.append(decision.reference)
    return references


def _learning(session, alliance, writers) -> list[int]:
    from alliance.learning import services
    from alliance.learning.rules import EntryKind

    kinds = (EntryKind.EXPERIMENT, EntryKind.LISTENING, EntryKind.REFLECTION)
    numbers = []
    for n in range(LEARNING_ENTRIES):
        draft = services.EntryDraft(
            kind=kinds[n % 3],
            title=f"What we learned, week {n + 1}",
            summary="People using services told us what helped and what did not. " * 4,
            themes=["outreach", "housing"][: 1 + n % 2],
            principles=["b"],
        )
        numbers.append(services.record_entry(session, writers[n], alliance, draft).number)
    return numbers


def _pool(session, alliance, orgs, seats, manager, providers) -> None:
    """Contributions from the commissioners and an opening allocation for each provider."""
    from alliance.reports import services

    for org, amount in zip(orgs[:2], ("60000000.00", "45000000.00"), strict=False):
        services.record_contribution(
            session, seats[org.id], alliance, org, financial_year=2026, amount=Decimal(amount)
        )
    for org in providers:
        services.set_opening_allocation(
            session, manager, alliance, org, financial_year=2026, amount=Decimal("12500000.00")
        )
