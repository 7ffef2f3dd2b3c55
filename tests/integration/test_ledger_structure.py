"""The budget structure's services on a real database: years, categories, service lines."""

from datetime import date

import pytest
from sqlalchemy import select

from alliance.actors import CLI
from alliance.audit.models import AuditEvent
from alliance.audit.services import chain_for
from alliance.db import db
from alliance.errors import Conflict, DomainError
from alliance.ledgers import structure
from alliance.ledgers.models import CostCategory, FinancialYear, Limb, ServiceLine
from alliance.members.models import Alliance


@pytest.fixture
def session(app, world):
    with app.app_context():
        yield db.session


def riverside(session) -> Alliance:
    return session.scalars(select(Alliance).where(Alliance.slug == "riverside")).one()


def elsewhere(session) -> Alliance:
    return session.scalars(select(Alliance).where(Alliance.slug == "elsewhere")).one()


def events(session, alliance: Alliance, after: int = 0) -> list[AuditEvent]:
    chain = chain_for(session, alliance.id)
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.chain_id == chain.id, AuditEvent.seq > after)
            .order_by(AuditEvent.seq)
        )
    )


def head(session, alliance: Alliance) -> int:
    return chain_for(session, alliance.id).head_seq


# --- financial years --------------------------------------------------------------------


def test_a_financial_year_runs_from_april_to_march_and_is_on_the_record(session):
    alliance = riverside(session)
    before = head(session, alliance)

    year = structure.add_financial_year(session, CLI, alliance, 2026)
    session.commit()

    stored = session.get(FinancialYear, year.id)
    assert stored.label == "2026-27"
    assert (stored.starts, stored.ends) == (date(2026, 4, 1), date(2027, 3, 31))
    assert stored.months[0] == date(2026, 4, 1) and stored.months[-1] == date(2027, 3, 1)
    assert len(stored.months) == 12
    assert stored.created_at.tzinfo is not None
    [event] = events(session, alliance, before)
    assert (event.action, event.object_type, event.summary) == (
        "financial_year_add",
        "financial_year",
        {"label": "2026-27"},
    )


def test_a_financial_year_cannot_be_set_up_twice(session):
    alliance = riverside(session)
    structure.add_financial_year(session, CLI, alliance, 2026)

    with pytest.raises(Conflict, match="2026-27 is already set up"):
        structure.add_financial_year(session, CLI, alliance, 2026)


def test_each_alliance_has_its_own_financial_years(session):
    structure.add_financial_year(session, CLI, riverside(session), 2026)
    structure.add_financial_year(session, CLI, elsewhere(session), 2026)
    session.commit()

    assert [y.label for y in structure.financial_years(session, riverside(session))] == ["2026-27"]


def test_a_financial_year_like_a_typo_is_refused(session):
    with pytest.raises(DomainError, match="between 2000 and 2100"):
        structure.add_financial_year(session, CLI, riverside(session), 20266)


# --- cost categories --------------------------------------------------------------------


def test_a_category_is_added_with_normalised_synonyms_and_recorded(session):
    alliance = riverside(session)
    before = head(session, alliance)

    category = structure.add_cost_category(
        session,
        CLI,
        alliance,
        name="  Staff ",
        limb=Limb.LIMB1,
        synonyms="Pay\n\n  salaries \nPAY\nstaff\n",
    )
    session.commit()

    stored = session.get(CostCategory, category.id)
    assert (stored.name, stored.limb, stored.synonyms) == ("Staff", Limb.LIMB1, "Pay\nsalaries")
    assert stored.synonym_list == ["Pay", "salaries"]
    [event] = events(session, alliance, before)
    assert event.action == "cost_category_add"
    assert event.summary == {"name": "Staff", "limb": "limb1", "synonyms": "Pay\nsalaries"}


def test_categories_keep_the_order_they_were_added_in(session):
    alliance = riverside(session)
    for name in ("Staff", "Premises", "Corporate overhead"):
        structure.add_cost_category(session, CLI, alliance, name=name, limb=Limb.LIMB1)

    names = [c.name for c in structure.cost_categories(session, alliance)]

    assert names == ["Staff", "Premises", "Corporate overhead"]


def test_two_categories_of_one_alliance_cannot_share_a_name_whatever_its_case(session):
    alliance = riverside(session)
    structure.add_cost_category(session, CLI, alliance, name="Staff", limb=Limb.LIMB1)

    with pytest.raises(structure.NameTaken, match="already a category called Staff"):
        structure.add_cost_category(session, CLI, alliance, name="STAFF", limb=Limb.LIMB2)


def test_another_alliance_may_use_the_same_category_name(session):
    structure.add_cost_category(session, CLI, riverside(session), name="Staff", limb=Limb.LIMB1)

    other = structure.add_cost_category(
        session, CLI, elsewhere(session), name="Staff", limb=Limb.LIMB1
    )

    assert other.id is not None


def test_a_synonym_cannot_stand_for_two_categories(session):
    alliance = riverside(session)
    structure.add_cost_category(
        session, CLI, alliance, name="Staff", limb=Limb.LIMB1, synonyms="Pay"
    )

    with pytest.raises(structure.NameTaken, match="“pay” already stands for the category Staff"):
        structure.add_cost_category(
            session, CLI, alliance, name="Agency", limb=Limb.LIMB1, synonyms="pay"
        )
    with pytest.raises(structure.NameTaken, match="“Pay” is already another name"):
        structure.add_cost_category(session, CLI, alliance, name="Pay", limb=Limb.LIMB1)


def test_a_category_needs_a_name(session):
    with pytest.raises(DomainError, match="Enter the category's name"):
        structure.add_cost_category(session, CLI, riverside(session), name="  ", limb=Limb.LIMB1)


def test_changing_a_category_records_what_changed(session):
    alliance = riverside(session)
    category = structure.add_cost_category(
        session, CLI, alliance, name="Overhead", limb=Limb.LIMB1, synonyms="Central costs"
    )
    before = head(session, alliance)

    structure.update_cost_category(
        session,
        CLI,
        category,
        name="Corporate overhead",
        limb=Limb.LIMB2,
        synonyms="Central costs\nOverheads\ncentral costs",
    )
    session.commit()

    stored = session.get(CostCategory, category.id)
    assert (stored.name, stored.limb) == ("Corporate overhead", Limb.LIMB2)
    assert stored.synonym_list == ["Central costs", "Overheads"]
    [event] = events(session, alliance, before)
    assert event.action == "cost_category_update"
    assert event.summary == {
        "before": {"name": "Overhead", "limb": "limb1", "synonyms": "Central costs"},
        "after": {
            "name": "Corporate overhead",
            "limb": "limb2",
            "synonyms": "Central costs\nOverheads",
        },
    }


def test_saving_a_category_unchanged_records_nothing(session):
    alliance = riverside(session)
    category = structure.add_cost_category(
        session, CLI, alliance, name="Staff", limb=Limb.LIMB1, synonyms="Pay"
    )
    before = head(session, alliance)

    structure.update_cost_category(
        session, CLI, category, name="Staff ", limb=Limb.LIMB1, synonyms="Pay\n"
    )

    assert head(session, alliance) == before


def test_a_category_cannot_be_renamed_to_another_categorys_name(session):
    alliance = riverside(session)
    structure.add_cost_category(session, CLI, alliance, name="Staff", limb=Limb.LIMB1)
    premises = structure.add_cost_category(session, CLI, alliance, name="Premises", limb=Limb.LIMB1)

    with pytest.raises(structure.NameTaken):
        structure.update_cost_category(
            session, CLI, premises, name="staff", limb=Limb.LIMB1, synonyms=""
        )
    assert premises.name == "Premises"


def test_a_clash_the_checks_miss_is_a_conflict_not_a_database_error(session, monkeypatch):
    alliance = riverside(session)
    structure.add_cost_category(session, CLI, alliance, name="Staff", limb=Limb.LIMB1)
    monkeypatch.setattr(structure, "_check_unique", lambda *args: None)  # as in a race

    with pytest.raises(structure.NameTaken):
        structure.add_cost_category(session, CLI, alliance, name="Staff", limb=Limb.LIMB1)

    # The transaction is still usable, and holds the first category only.
    structure.add_cost_category(session, CLI, alliance, name="Premises", limb=Limb.LIMB1)
    session.commit()
    names = [c.name for c in structure.cost_categories(session, alliance)]
    assert names == ["Staff", "Premises"]


# --- service lines ----------------------------------------------------------------------


def test_a_service_line_is_added_and_changed_on_the_record(session):
    alliance = riverside(session)
    before = head(session, alliance)

    line = structure.add_service_line(
        session, CLI, alliance, name="Outreach", synonyms="Street outreach\n"
    )
    structure.update_service_line(
        session, CLI, line, name="Street outreach team", synonyms="Street outreach\nOutreach"
    )
    session.commit()

    stored = session.get(ServiceLine, line.id)
    assert (stored.name, stored.synonym_list) == (
        "Street outreach team",
        ["Street outreach", "Outreach"],
    )
    assert [e.action for e in events(session, alliance, before)] == [
        "service_line_add",
        "service_line_update",
    ]


def test_two_service_lines_cannot_share_a_name_or_synonym(session):
    alliance = riverside(session)
    structure.add_service_line(session, CLI, alliance, name="Mental health", synonyms="MH")

    with pytest.raises(structure.NameTaken, match="already a service line called"):
        structure.add_service_line(session, CLI, alliance, name="mental health")
    with pytest.raises(structure.NameTaken, match="“mh” already stands for"):
        structure.add_service_line(session, CLI, alliance, name="Crisis", synonyms="mh")


def test_a_service_line_may_share_a_name_with_a_category(session):
    alliance = riverside(session)
    structure.add_cost_category(session, CLI, alliance, name="Outreach", limb=Limb.LIMB1)

    line = structure.add_service_line(session, CLI, alliance, name="Outreach")

    assert line.id is not None


# --- a starting structure ---------------------------------------------------------------


def test_seeding_sets_up_years_categories_and_lines_once(session):
    alliance = riverside(session)
    lines = (("Outreach", "Street outreach"), ("Peer support", ""))

    structure.seed_structure(session, CLI, alliance, 2025, years=2, service_lines=lines)
    seeded = head(session, alliance)
    structure.seed_structure(session, CLI, alliance, 2025, years=2, service_lines=lines)
    session.commit()

    assert [y.label for y in structure.financial_years(session, alliance)] == [
        "2025-26",
        "2026-27",
    ]
    categories = structure.cost_categories(session, alliance)
    assert [c.name for c in categories] == [c.name for c in structure.STANDARD_CATEGORIES]
    assert {c.limb for c in categories} == set(Limb)
    assert [line.name for line in structure.service_lines(session, alliance)] == [
        "Outreach",
        "Peer support",
    ]
    assert head(session, alliance) == seeded
