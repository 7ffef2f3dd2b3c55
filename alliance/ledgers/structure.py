"""Write the alliance's budget structure: financial years, cost categories, service lines.

Each service flushes and records one event; the caller commits.
"""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.audit.services import record_event
from alliance.errors import Conflict, DomainError
from alliance.ledgers import rules
from alliance.ledgers.models import CostCategory, FinancialYear, Limb, ServiceLine
from alliance.members.models import Alliance

#: Financial years the structure accepts (a typo such as 20266 is refused).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
NAME_LENGTH = 120


class NameTaken(Conflict):
    """Two categories (or two service lines) of one alliance would share a name or synonym."""

    code = "name_taken"


class FinancialYearExists(Conflict):
    code = "financial_year_exists"


@dataclass(frozen=True)
class CategorySeed:
    name: str
    limb: Limb
    synonyms: str = ""


#: A starting set for an open-book alliance; each alliance edits its own.
STANDARD_CATEGORIES = (
    CategorySeed("Staff", Limb.LIMB1, "Pay\nSalaries\nWages\nStaff costs"),
    CategorySeed("Premises", Limb.LIMB1, "Rent\nBuildings\nPremises costs"),
    CategorySeed("Supplies and services", Limb.LIMB1, "Supplies\nNon-pay"),
    CategorySeed("Subcontracted services", Limb.LIMB1, "Subcontracts\nSub-contractors"),
    CategorySeed("Client costs", Limb.LIMB1, "Personal budgets\nClient support"),
    CategorySeed("Corporate overhead", Limb.LIMB2, "Overheads\nManagement charge\nCentral costs"),
    CategorySeed("Profit", Limb.LIMB2, "Margin\nSurplus"),
    CategorySeed("Grant income", Limb.INCOME, "Grants"),
    CategorySeed("Other income", Limb.INCOME, "Fees\nCharges\nIncome"),
)


# --- financial years ------------------------------------------------------------------


def financial_years(session: Session, alliance: Alliance) -> list[FinancialYear]:
    return list(
        session.scalars(
            select(FinancialYear)
            .where(FinancialYear.alliance_id == alliance.id)
            .order_by(FinancialYear.start_year)
        )
    )


def add_financial_year(
    session: Session, actor: Actor, alliance: Alliance, start_year: int
) -> FinancialYear:
    """Open a financial year (April to March) for budgets and ledgers."""
    if not EARLIEST_YEAR <= start_year <= LATEST_YEAR:
        raise DomainError(
            f"Enter the year the financial year starts in, between {EARLIEST_YEAR} and "
            f"{LATEST_YEAR}, like 2026 for 2026-27",
            field="start_year",
        )
    label = rules.financial_year_label(start_year)
    exists = FinancialYearExists(
        f"The financial year {label} is already set up", field="start_year"
    )
    query = select(FinancialYear.id).where(
        FinancialYear.alliance_id == alliance.id, FinancialYear.start_year == start_year
    )
    if session.scalars(query).first() is not None:
        raise exists
    year = FinancialYear(alliance_id=alliance.id, start_year=start_year)
    _insert(session, year, exists)
    record_event(
        session,
        actor,
        "financial_year_add",
        alliance_id=alliance.id,
        object_type="financial_year",
        object_id=year.id,
        summary={"label": label},
    )
    return year


# --- names and synonyms, shared by categories and service lines -------------------------


def _clean_name(name: str, what: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(f"Enter the {what}'s name", field="name")
    if len(name) > NAME_LENGTH:
        raise DomainError(
            f"The {what}'s name must be {NAME_LENGTH} characters or fewer", field="name"
        )
    return name


def _clean_synonyms(synonyms: str, name: str) -> str:
    """Normalised synonyms, without the name itself (it always matches)."""
    kept = [s for s in rules.synonym_list(synonyms) if s.casefold() != name.casefold()]
    return "\n".join(kept)


def _check_unique(session: Session, model, alliance_id: int, row_id, name: str, synonyms: str):
    """Refuse a name or synonym that already stands for another row of the alliance.

    A ledger's text must point at one category (or service line), so names and synonyms
    are unique across all of them, ignoring case.
    """
    what = "category" if model is CostCategory else "service line"
    others = session.scalars(
        select(model).where(model.alliance_id == alliance_id, model.id != (row_id or 0))
    ).all()
    taken = {}
    for other in others:
        for text in [other.name, *other.synonym_list]:
            taken.setdefault(text.casefold(), other.name)
    if name.casefold() in taken:
        owner = taken[name.casefold()]
        if owner.casefold() == name.casefold():
            raise NameTaken(f"There is already a {what} called {owner}", field="name")
        raise NameTaken(f"“{name}” is already another name for the {what} {owner}", field="name")
    for synonym in rules.synonym_list(synonyms):
        if synonym.casefold() in taken:
            raise NameTaken(
                f"“{synonym}” already stands for the {what} {taken[synonym.casefold()]}",
                field="synonyms",
            )


def _insert(session: Session, row, conflict: Conflict) -> None:
    """Add and flush; a concurrent insert of the same name becomes the conflict, not a 500."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        raise conflict from exc


def _next_position(session: Session, model, alliance_id: int) -> int:
    return session.scalar(
        select(func.count()).select_from(model).where(model.alliance_id == alliance_id)
    )


def _ordered(session: Session, model, alliance_id: int) -> list:
    query = select(model).where(model.alliance_id == alliance_id)
    return list(session.scalars(query.order_by(model.position, model.id)))


def _apply(row, changes: dict) -> tuple[dict, dict]:
    before, after = {}, {}
    for key, value in changes.items():
        old = getattr(row, key)
        if old != value:
            before[key] = getattr(old, "value", old)
            after[key] = getattr(value, "value", value)
            setattr(row, key, value)
    return before, after


# --- cost categories --------------------------------------------------------------------


def cost_categories(session: Session, alliance: Alliance) -> list[CostCategory]:
    return _ordered(session, CostCategory, alliance.id)


def add_cost_category(
    session: Session,
    actor: Actor,
    alliance: Alliance,
    *,
    name: str,
    limb: Limb,
    synonyms: str = "",
) -> CostCategory:
    """Add a cost or income category, with the other names providers' ledgers use for it."""
    name = _clean_name(name, "category")
    synonyms = _clean_synonyms(synonyms, name)
    _check_unique(session, CostCategory, alliance.id, None, name, synonyms)
    category = CostCategory(
        alliance_id=alliance.id,
        name=name,
        limb=Limb(limb),
        synonyms=synonyms,
        position=_next_position(session, CostCategory, alliance.id),
    )
    _insert(
        session, category, NameTaken(f"There is already a category called {name}", field="name")
    )
    record_event(
        session,
        actor,
        "cost_category_add",
        alliance_id=alliance.id,
        object_type="cost_category",
        object_id=category.id,
        summary={"name": name, "limb": category.limb.value, "synonyms": synonyms},
    )
    return category


def update_cost_category(
    session: Session,
    actor: Actor,
    category: CostCategory,
    *,
    name: str,
    limb: Limb,
    synonyms: str,
) -> None:
    """Rename a category, move it to another limb or change its synonyms."""
    name = _clean_name(name, "category")
    synonyms = _clean_synonyms(synonyms, name)
    _check_unique(session, CostCategory, category.alliance_id, category.id, name, synonyms)
    before, after = _apply(category, {"name": name, "limb": Limb(limb), "synonyms": synonyms})
    if not after:
        return
    _flush(session, NameTaken(f"There is already a category called {name}", field="name"))
    record_event(
        session,
        actor,
        "cost_category_update",
        alliance_id=category.alliance_id,
        object_type="cost_category",
        object_id=category.id,
        summary={"before": before, "after": after},
    )


def _flush(session: Session, conflict: Conflict) -> None:
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise conflict from exc


# --- service lines ----------------------------------------------------------------------


def service_lines(session: Session, alliance: Alliance) -> list[ServiceLine]:
    return _ordered(session, ServiceLine, alliance.id)


def add_service_line(
    session: Session, actor: Actor, alliance: Alliance, *, name: str, synonyms: str = ""
) -> ServiceLine:
    """Add a service the alliance commissions, with its other names in ledgers."""
    name = _clean_name(name, "service line")
    synonyms = _clean_synonyms(synonyms, name)
    _check_unique(session, ServiceLine, alliance.id, None, name, synonyms)
    line = ServiceLine(
        alliance_id=alliance.id,
        name=name,
        synonyms=synonyms,
        position=_next_position(session, ServiceLine, alliance.id),
    )
    _insert(
        session, line, NameTaken(f"There is already a service line called {name}", field="name")
    )
    record_event(
        session,
        actor,
        "service_line_add",
        alliance_id=alliance.id,
        object_type="service_line",
        object_id=line.id,
        summary={"name": name, "synonyms": synonyms},
    )
    return line


def update_service_line(
    session: Session, actor: Actor, line: ServiceLine, *, name: str, synonyms: str
) -> None:
    """Rename a service line or change its synonyms."""
    name = _clean_name(name, "service line")
    synonyms = _clean_synonyms(synonyms, name)
    _check_unique(session, ServiceLine, line.alliance_id, line.id, name, synonyms)
    before, after = _apply(line, {"name": name, "synonyms": synonyms})
    if not after:
        return
    _flush(session, NameTaken(f"There is already a service line called {name}", field="name"))
    record_event(
        session,
        actor,
        "service_line_update",
        alliance_id=line.alliance_id,
        object_type="service_line",
        object_id=line.id,
        summary={"before": before, "after": after},
    )


# --- a starting structure ---------------------------------------------------------------


def seed_structure(
    session: Session,
    actor: Actor,
    alliance: Alliance,
    start_year: int,
    *,
    years: int = 1,
    categories: tuple[CategorySeed, ...] = STANDARD_CATEGORIES,
    service_lines: tuple[tuple[str, str], ...] = (),
) -> None:
    """Set up financial years from start_year, categories and service lines, skipping any
    that already exist (by year or name), each on the record."""
    have_years = {y.start_year for y in financial_years(session, alliance)}
    for year in range(start_year, start_year + years):
        if year not in have_years:
            add_financial_year(session, actor, alliance, year)
    have = {c.name.casefold() for c in cost_categories(session, alliance)}
    for seed in categories:
        if seed.name.casefold() not in have:
            add_cost_category(
                session, actor, alliance, name=seed.name, limb=seed.limb, synonyms=seed.synonyms
            )
    have = {line.name.casefold() for line in _ordered(session, ServiceLine, alliance.id)}
    for name, synonyms in service_lines:
        if name.casefold() not in have:
            add_service_line(session, actor, alliance, name=name, synonyms=synonyms)
