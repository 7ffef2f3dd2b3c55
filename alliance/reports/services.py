"""The pool's records and the allocations as they stand. Services flush; callers commit.

An allocation is never edited: it is the year's opening allocation plus the budget effects
of the decisions that carried. A decision carries once (its outcome is unique), so its
effect applies once, however many times someone presses "close"; and every change cites
the decision that made it.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from alliance.actors import Actor
from alliance.audit.services import record_event
from alliance.decisions.models import BudgetEffect, Decision, DecisionOutcome
from alliance.decisions.rules import Result
from alliance.errors import Conflict, DomainError, Forbidden
from alliance.members.models import Alliance, Organisation, OrganisationKind, Role
from alliance.members.services.people import membership_of
from alliance.reports import rules
from alliance.reports.models import (
    OpeningAllocation,
    PoolContribution,
    RiskShareAgreement,
    RiskShareMember,
)


class InvalidPoolRecord(DomainError):
    status = 422
    code = "invalid_pool_record"


@dataclass
class Allocation:
    organisation: Organisation
    service_line: str
    opening: Decimal = Decimal("0.00")
    #: (decision reference, signed amount) in the order the decisions closed.
    changes: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def current(self) -> Decimal:
        return self.opening + sum((amount for _, amount in self.changes), Decimal("0.00"))


def record_contribution(
    session: Session,
    actor: Actor,
    alliance: Alliance,
    organisation: Organisation,
    *,
    financial_year: int,
    amount: Decimal,
    note: str = "",
) -> PoolContribution:
    """A commissioner records their own organisation's contribution (or a change to it)."""
    membership = membership_of(session, alliance, actor.user) if actor.user else None
    if (
        membership is None
        or Role.COMMISSIONER not in membership.roles
        or membership.organisation_id != organisation.id
    ):
        raise Forbidden("A commissioner records their own organisation's contribution.")
    if organisation.kind is not OrganisationKind.COMMISSIONER:
        raise InvalidPoolRecord(f"{organisation.name} is not a commissioner.")
    if amount == 0:
        raise InvalidPoolRecord("A contribution (or a change to one) is not zero.")
    if amount < 0 and not note.strip():
        raise InvalidPoolRecord("Say why the contribution is reduced.")
    row = PoolContribution(
        alliance_id=alliance.id,
        financial_year=financial_year,
        organisation=organisation,
        amount=amount,
        note=note.strip(),
        recorded_by=actor.user,
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        actor,
        "pool_contribution_record",
        alliance_id=alliance.id,
        organisation_id=organisation.id,
        object_type="pool_contribution",
        object_id=row.id,
        summary={
            "organisation": organisation.name,
            "year": financial_year,
            "amount": str(amount),
            "note": row.note,
        },
    )
    return row


def contributions(session: Session, alliance: Alliance, financial_year: int) -> dict[str, Decimal]:
    """Each commissioner's contribution, summed by the database, by name (alphabetical)."""
    rows = session.execute(
        select(Organisation.name, func.sum(PoolContribution.amount))
        .join(PoolContribution.organisation)
        .where(
            PoolContribution.alliance_id == alliance.id,
            PoolContribution.financial_year == financial_year,
        )
        .group_by(Organisation.name)
    )
    # Alphabetically as people read it, whatever the database's collation.
    return dict(sorted(rows.all(), key=lambda row: row[0].casefold()))


def set_opening_allocation(
    session: Session,
    actor: Actor,
    alliance: Alliance,
    organisation: Organisation,
    *,
    financial_year: int,
    amount: Decimal,
    service_line: str = "",
) -> OpeningAllocation:
    """The manager records the allocation the board agreed for the year's opening."""
    membership = membership_of(session, alliance, actor.user) if actor.user else None
    if membership is None or Role.MANAGER not in membership.roles:
        raise Forbidden("The manager records the opening allocations.")
    if organisation.alliance_id != alliance.id:
        raise InvalidPoolRecord("That organisation is not a member of this alliance.")
    if _carried_effects(session, alliance, financial_year):
        raise Conflict(
            "Decisions have already moved money this year: the opening allocations are "
            "settled. Change an allocation by a decision with a budget effect."
        )
    row = OpeningAllocation(
        alliance_id=alliance.id,
        financial_year=financial_year,
        organisation=organisation,
        service_line=" ".join(service_line.split()),
        amount=amount,
        recorded_by_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        actor,
        "opening_allocation_record",
        alliance_id=alliance.id,
        organisation_id=organisation.id,
        object_type="opening_allocation",
        object_id=row.id,
        summary={
            "organisation": organisation.name,
            "year": financial_year,
            "service_line": row.service_line,
            "amount": str(amount),
        },
    )
    return row


def allocations(session: Session, alliance: Alliance, financial_year: int) -> list[Allocation]:
    """Each provider's (and service line's) allocation: opening, then every carried change."""
    found: dict[tuple[int, str], Allocation] = {}
    for row in session.scalars(
        select(OpeningAllocation)
        .where(
            OpeningAllocation.alliance_id == alliance.id,
            OpeningAllocation.financial_year == financial_year,
        )
        .options(joinedload(OpeningAllocation.organisation))
    ):
        found[(row.organisation_id, row.service_line)] = Allocation(
            row.organisation, row.service_line, row.amount
        )
    for effect, reference in _carried_effects(session, alliance, financial_year):
        for organisation, line, sign in (
            (effect.from_organisation, effect.from_service_line, -1),
            (effect.to_organisation, effect.to_service_line, 1),
        ):
            if organisation is None:
                continue
            place = (organisation.id, line)
            if place not in found:
                found[place] = Allocation(organisation, line)
            found[place].changes.append((reference, sign * effect.amount))
    return sorted(found.values(), key=lambda a: (a.organisation.name.casefold(), a.service_line))


def _carried_effects(session: Session, alliance: Alliance, financial_year: int) -> list:
    return session.execute(
        select(BudgetEffect, Decision.reference)
        .join(Decision, Decision.id == BudgetEffect.decision_id)
        .join(DecisionOutcome, DecisionOutcome.decision_id == Decision.id)
        .where(
            Decision.alliance_id == alliance.id,
            BudgetEffect.financial_year == financial_year,
            DecisionOutcome.result == Result.CARRIED,
        )
        .options(
            joinedload(BudgetEffect.from_organisation), joinedload(BudgetEffect.to_organisation)
        )
        .order_by(DecisionOutcome.decided_at, Decision.id)
    ).all()


@dataclass(frozen=True)
class RiskShareTerms:
    """An agreement as the rules take it: members, bands and cap, by organisation name."""

    agreement: RiskShareAgreement
    members: list[rules.Member]
    bands: list[rules.Band]
    provider_cap: Decimal | None


def set_risk_share(
    session: Session,
    actor: Actor,
    alliance: Alliance,
    *,
    financial_year: int,
    shares: dict[Organisation, Decimal],
    bands: list[tuple[Decimal | None, dict[Organisation, Decimal]]] = (),
    provider_cap: Decimal | None = None,
    note: str = "",
) -> RiskShareAgreement:
    """The manager records the risk share the board agreed for a year (replacing, on the
    record, any earlier agreement for it). Shares must total exactly 100%."""
    membership = membership_of(session, alliance, actor.user) if actor.user else None
    if membership is None or Role.MANAGER not in membership.roles:
        raise Forbidden("The manager records the risk share the board agreed.")
    if any(o.alliance_id != alliance.id for o in shares):
        raise InvalidPoolRecord("Every member of the risk share is a member of this alliance.")
    if provider_cap is not None and provider_cap < 0:
        raise InvalidPoolRecord("A cap on the providers' painshare is not negative.")
    if provider_cap is not None and provider_cap != provider_cap.quantize(rules.PENNY):
        raise InvalidPoolRecord(f"The cap is pounds and pence, not {provider_cap}.")
    for percent in (*shares.values(), *(p for _, ps in bands for p in ps.values())):
        if percent != percent.quantize(rules.PENNY):
            raise InvalidPoolRecord(f"{percent}% has more than two decimal places.")
    members = [
        rules.Member(o.name, p, o.kind is OrganisationKind.PROVIDER) for o, p in shares.items()
    ]
    rule_bands = [rules.Band(up_to, {o.name: p for o, p in ps.items()}) for up_to, ps in bands]
    try:
        rules.check_agreement(members, rule_bands)
    except rules.RiskShareInvalid as error:
        raise InvalidPoolRecord(str(error)) from None
    if provider_cap is not None and not any(not m.is_provider and m.percent for m in members):
        raise InvalidPoolRecord("A cap needs commissioners with a share to carry the rest.")
    row = RiskShareAgreement(
        alliance_id=alliance.id,
        financial_year=financial_year,
        provider_cap=provider_cap,
        bands=[
            {
                "up_to": None if up_to is None else str(up_to),
                "percents": {str(o.id): str(p) for o, p in ps.items()},
            }
            for up_to, ps in bands
        ],
        note=note.strip(),
        recorded_by_id=actor.user_id,
    )
    row.shares = [RiskShareMember(organisation=o, percent=p) for o, p in shares.items()]
    session.add(row)
    session.flush()
    record_event(
        session,
        actor,
        "risk_share_agree",
        alliance_id=alliance.id,
        object_type="risk_share_agreement",
        object_id=row.id,
        summary={
            "year": financial_year,
            "shares": {o.name: str(p) for o, p in sorted(shares.items(), key=_by_name)},
            "bands": row.bands,
            "provider_cap": None if provider_cap is None else str(provider_cap),
            "note": row.note,
        },
    )
    return row


def risk_share_agreements(
    session: Session, alliance: Alliance, financial_year: int
) -> list[RiskShareAgreement]:
    """Every agreement recorded for the year, newest (the one in force) first."""
    return list(session.scalars(_agreements(alliance, financial_year)))


def risk_share_terms(
    session: Session, alliance: Alliance, financial_year: int
) -> RiskShareTerms | None:
    """The agreement in force for the year, as the rules take it; None if none is agreed."""
    agreement = session.scalars(_agreements(alliance, financial_year).limit(1)).first()
    if agreement is None:
        return None
    names = {str(s.organisation_id): s.organisation.name for s in agreement.shares}
    members = [
        rules.Member(
            s.organisation.name, s.percent, s.organisation.kind is OrganisationKind.PROVIDER
        )
        for s in agreement.shares
    ]
    bands = [
        rules.Band(
            None if band["up_to"] is None else Decimal(band["up_to"]),
            {names[k]: Decimal(v) for k, v in band["percents"].items() if k in names},
        )
        for band in agreement.bands
    ]
    return RiskShareTerms(agreement, members, bands, agreement.provider_cap)


def _by_name(item) -> str:
    return item[0].name.casefold()


def _agreements(alliance: Alliance, financial_year: int):
    return (
        select(RiskShareAgreement)
        .where(
            RiskShareAgreement.alliance_id == alliance.id,
            RiskShareAgreement.financial_year == financial_year,
        )
        .options(selectinload(RiskShareAgreement.shares).joinedload(RiskShareMember.organisation))
        .order_by(RiskShareAgreement.id.desc())
    )
