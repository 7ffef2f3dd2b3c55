"""The demo alliance's pool for 2026-27: what the two commissioners put in (and a
correction), the allocations the board agreed at the start of the year, and the risk
share. Loaded before the demo's decisions, so that the carried decision to pool street
outreach moves money from one provider to another, citing its reference."""

from decimal import Decimal

from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.members.models import Alliance, Organisation
from alliance.members.services import membership_of
from alliance.reports import services

YEAR = 2026

#: (commissioner's slug, amount, why)
CONTRIBUTIONS = (
    ("riverside-council", "1150000.00", ""),
    ("riverside-icb", "900000.00", ""),
    ("riverside-icb", "-20000.00", "Winter money moved to the ICB's urgent care budget."),
)

#: (provider's slug, service line, amount)
OPENING = (
    ("harbour-recovery", "Outreach", "170000.00"),
    ("harbour-recovery", "Peer support", "35000.00"),
    ("harbour-recovery", "Substance use treatment", "365000.00"),
    ("open-door", "Housing support", "50000.00"),
    ("open-door", "Mental health", "7500.00"),
    ("open-door", "Outreach", "55000.00"),
    ("open-door", "Peer support", "90000.00"),
    ("riverside-homes", "Housing support", "700000.00"),
    ("vale-mh-trust", "Mental health", "400000.00"),
    ("vale-mh-trust", "Outreach", "100000.00"),
    ("vale-mh-trust", "Peer support", "50000.00"),
)

#: Each member's share of each pound of gain or loss; providers carry at most the cap.
SHARES = {
    "riverside-council": "30.00",
    "riverside-icb": "30.00",
    "vale-mh-trust": "10.00",
    "harbour-recovery": "10.00",
    "open-door": "10.00",
    "riverside-homes": "10.00",
}
#: Beyond the first £100,000, the commissioners take the larger part.
UPPER_BAND = {
    "riverside-council": "40.00",
    "riverside-icb": "40.00",
    "vale-mh-trust": "5.00",
    "harbour-recovery": "5.00",
    "open-door": "5.00",
    "riverside-homes": "5.00",
}
PROVIDER_CAP = Decimal("150000.00")


def load_pool(
    session: Session, alliance: Alliance, orgs: dict[str, Organisation], users: dict
) -> None:
    def actor(local: str) -> Actor:
        membership = membership_of(session, alliance, users[local])
        return Actor(user=users[local], organisation_id=membership.organisation_id)

    commissioner = {
        "riverside-council": "council.commissioner",
        "riverside-icb": "icb.commissioner",
    }
    for slug, amount, note in CONTRIBUTIONS:
        services.record_contribution(
            session,
            actor(commissioner[slug]),
            alliance,
            orgs[slug],
            financial_year=YEAR,
            amount=Decimal(amount),
            note=note,
        )
    manager = actor("manager")
    for slug, line, amount in OPENING:
        services.set_opening_allocation(
            session,
            manager,
            alliance,
            orgs[slug],
            financial_year=YEAR,
            amount=Decimal(amount),
            service_line=line,
        )
    services.set_risk_share(
        session,
        manager,
        alliance,
        financial_year=YEAR,
        shares={orgs[slug]: Decimal(p) for slug, p in SHARES.items()},
        bands=[
            (Decimal("100000.00"), {}),
            (None, {orgs[slug]: Decimal(p) for slug, p in UPPER_BAND.items()}),
        ],
        provider_cap=PROVIDER_CAP,
        note="As agreed at the board on 1 April 2026 (schedule 3 of the alliance agreement).",
    )
