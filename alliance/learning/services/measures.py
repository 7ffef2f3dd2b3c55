"""Learning measures: mandatory target data kept as series to learn from, each value with
what people make of it. No threshold, target, colour or pass/fail: a value is a value."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.errors import Conflict, Forbidden, NotFound
from alliance.learning.models import LearningEntry, Measure, MeasureValue
from alliance.learning.services.common import InvalidEntry, member, record_learning_event
from alliance.members.models import Alliance
from alliance.members.rules import Action, allowed

PLACES = 4


class ValueExists(Conflict):
    code = "value_exists"


@dataclass
class MeasureDraft:
    name: str
    unit: str
    source: str
    definition: str


def require_recorder(session: Session, actor: Actor, alliance: Alliance) -> None:
    found = member(session, actor, alliance)
    if found is None or not allowed(found.roles, Action.RECORD_MEASURES):
        raise Forbidden("Commissioners and the manager record measures.")


def add_measure(session: Session, actor: Actor, alliance: Alliance, draft: MeasureDraft) -> Measure:
    require_recorder(session, actor, alliance)
    fields = {k: " ".join(str(v).split()) for k, v in vars(draft).items()}
    missing = [k for k, v in fields.items() if not v]
    if missing:
        raise InvalidEntry(f"A measure needs its {', '.join(missing)}.")
    for name in ("name", "unit"):  # PostgreSQL refuses longer ones (a 500)
        longest = Measure.__table__.c[name].type.length
        if len(fields[name]) > longest:
            raise InvalidEntry(f"Keep the {name} to {longest} characters.")
    measure = Measure(alliance_id=alliance.id, **fields)
    try:
        with session.begin_nested():
            session.add(measure)
            session.flush()
    except IntegrityError:
        raise InvalidEntry(f"There is already a measure called “{fields['name']}”.") from None
    record_learning_event(
        session,
        actor,
        alliance,
        "measure_add",
        measure,
        {"name": measure.name, "unit": measure.unit},
    )
    return measure


def append_value(
    session: Session,
    actor: Actor,
    alliance: Alliance,
    measure: Measure,
    *,
    period_start: date,
    period_label: str,
    value: str | Decimal,
    commentary: str = "",
) -> MeasureValue:
    """One period's value, with commentary. A period has one value: a correction is a
    conversation, not an overwrite, so a second value for it is refused."""
    require_recorder(session, actor, alliance)
    exact = _exact(value)
    label = " ".join(period_label.split()) or period_start.strftime("%B %Y")
    row = MeasureValue(
        measure_id=measure.id,
        period_start=period_start,
        period_label=label[:40],
        value=exact,
        commentary=commentary.strip(),
        recorded_by_id=actor.user_id,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise ValueExists(
            f"{measure.name} already has a value for {label}; say what changed in a "
            "learning entry instead."
        ) from None
    record_learning_event(
        session,
        actor,
        alliance,
        "measure_value_append",
        row,
        {"measure": measure.name, "period": label, "value": str(exact)},
    )
    return row


def measures_of(session: Session, alliance: Alliance) -> list[Measure]:
    return list(
        session.scalars(
            select(Measure).where(Measure.alliance_id == alliance.id).order_by(Measure.name)
        )
    )


def get_measure(session: Session, alliance: Alliance, measure_id: int) -> Measure:
    measure = session.get(Measure, measure_id)
    if measure is None or measure.alliance_id != alliance.id:
        raise NotFound("There is no such measure in this alliance.")
    return measure


def entries_of_period(session: Session, alliance: Alliance, start: date, end: date) -> list:
    """Learning entries running at any time in the period (those with no dates are left
    out: they belong to no period)."""
    return list(
        session.scalars(
            select(LearningEntry)
            .where(
                LearningEntry.alliance_id == alliance.id,
                LearningEntry.starts_on.is_not(None),
                LearningEntry.starts_on <= end,
                (LearningEntry.ends_on.is_(None)) | (LearningEntry.ends_on >= start),
            )
            .order_by(LearningEntry.number)
        )
    )


def _exact(value: str | Decimal) -> Decimal:
    try:
        exact = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidEntry(f"“{value}” is not a number.") from None
    if not exact.is_finite():
        raise InvalidEntry(f"“{value}” is not a number.")
    # Size first: quantizing 1e99 to four places raises InvalidOperation (a 500).
    if abs(exact) >= Decimal(10) ** 14 or exact != exact.quantize(Decimal(1).scaleb(-PLACES)):
        raise InvalidEntry(f"“{value}” has more than {PLACES} decimal places or is too large.")
    return exact
