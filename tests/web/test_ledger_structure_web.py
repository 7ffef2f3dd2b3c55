"""The budget structure pages: the manager edits, every member reads, outsiders see nothing."""

import pytest
from sqlalchemy import select

from alliance.actors import CLI
from alliance.db import db
from alliance.ledgers import structure
from alliance.ledgers.models import CostCategory, FinancialYear, Limb, ServiceLine
from alliance.members.models import Alliance

PAGE = "/alliances/riverside/ledgers/structure"
OTHER_ROLES = ["commissioner", "finance_lead", "board_representative", "observer"]


def signed_in(new_browser, world, who):
    browser = new_browser()
    assert browser.sign_in(world.emails[who]).status_code == 302
    browser.get(PAGE)
    return browser


def seeded(app, slug="riverside") -> dict[str, int]:
    """Give the alliance a year, a category and a service line; return their ids."""
    with app.app_context():
        alliance = db.session.scalars(select(Alliance).where(Alliance.slug == slug)).one()
        year = structure.add_financial_year(db.session, CLI, alliance, 2026)
        staff = structure.add_cost_category(
            db.session, CLI, alliance, name="Staff", limb=Limb.LIMB1, synonyms="Pay\nSalaries"
        )
        line = structure.add_service_line(
            db.session, CLI, alliance, name="Outreach", synonyms="Street outreach"
        )
        db.session.commit()
        return {"year": year.id, "category": staff.id, "line": line.id}


def read(app, model, object_id):
    with app.app_context():
        row = db.session.get(model, object_id)
        db.session.expunge(row)
        return row


def text_of(response) -> str:
    return response.get_data(as_text=True)


# --- the manager ------------------------------------------------------------------------


def test_the_manager_adds_a_financial_year(app, world, new_browser):
    manager = signed_in(new_browser, world, "manager")

    response = manager.post(PAGE, {"start_year": "2026"})

    assert response.status_code == 302
    page = text_of(manager.get(PAGE))
    assert "Financial year 2026-27 added." in page
    assert "2026-27 (1 April 2026 to 31 March 2027)" in page


def test_the_manager_adds_a_category_with_its_synonyms(app, world, new_browser):
    manager = signed_in(new_browser, world, "manager")
    manager.get(f"{PAGE}/categories/new")

    response = manager.post(
        f"{PAGE}/categories/new",
        {"name": "Corporate overhead", "limb": "limb2", "synonyms": "Overheads\n\noverheads\n"},
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/ledgers/structure#categories")
    with app.app_context():
        category = db.session.scalars(
            select(CostCategory).where(CostCategory.name == "Corporate overhead")
        ).one()
        assert (category.limb, category.synonyms) == (Limb.LIMB2, "Overheads")
    page = text_of(manager.get(PAGE))
    assert "Corporate overhead" in page and "Limb 2: corporate overhead and profit" in page


def test_the_manager_changes_a_category_on_its_own_page(app, world, new_browser):
    ids = seeded(app)
    manager = signed_in(new_browser, world, "manager")
    form = text_of(manager.get(f"{PAGE}/categories/{ids['category']}"))
    assert 'value="Staff"' in form and "Save category" in form

    response = manager.post(
        f"{PAGE}/categories/{ids['category']}",
        {"name": "Staff costs", "limb": "limb1", "synonyms": "Pay\nWages"},
    )

    assert response.status_code == 302
    category = read(app, CostCategory, ids["category"])
    assert (category.name, category.synonym_list) == ("Staff costs", ["Pay", "Wages"])


def test_the_manager_adds_and_changes_a_service_line(app, world, new_browser):
    manager = signed_in(new_browser, world, "manager")
    manager.get(f"{PAGE}/service-lines/new")

    added = manager.post(f"{PAGE}/service-lines/new", {"name": "Peer support", "synonyms": ""})
    assert added.status_code == 302
    with app.app_context():
        line_id = db.session.scalars(
            select(ServiceLine.id).where(ServiceLine.name == "Peer support")
        ).one()
    changed = manager.post(
        f"{PAGE}/service-lines/{line_id}",
        {"name": "Peer mentoring", "synonyms": "Peer support\nLived experience"},
    )

    assert changed.status_code == 302
    line = read(app, ServiceLine, line_id)
    assert (line.name, line.synonym_list) == (
        "Peer mentoring",
        ["Peer support", "Lived experience"],
    )


def test_the_alliance_menu_links_to_the_ledgers(world, new_browser):
    observer = signed_in(new_browser, world, "observer")

    page = text_of(observer.get("/alliances/riverside/"))

    squeezed = page.replace("\n", "").replace(" ", "")
    assert 'href="/alliances/riverside/ledgers/"' in page and ">Ledgers<" in squeezed


# --- form errors ------------------------------------------------------------------------


def test_a_category_without_a_name_or_limb_is_shown_back_with_the_errors(world, new_browser):
    manager = signed_in(new_browser, world, "manager")
    manager.get(f"{PAGE}/categories/new")

    response = manager.post(f"{PAGE}/categories/new", {"name": " ", "synonyms": "Pay"})

    assert response.status_code == 422
    page = text_of(response)
    assert "There is a problem" in page
    assert '<a href="#name">Enter the category&#39;s name</a>' in page
    assert "Choose the part of the cost model it belongs to" in page


def test_a_category_name_already_taken_is_shown_on_the_name_field(app, world, new_browser):
    seeded(app)
    manager = signed_in(new_browser, world, "manager")
    manager.get(f"{PAGE}/categories/new")

    response = manager.post(
        f"{PAGE}/categories/new", {"name": "staff", "limb": "limb1", "synonyms": ""}
    )

    assert response.status_code == 422
    assert '<a href="#name">There is already a category called Staff</a>' in text_of(response)


def test_a_synonym_taken_by_another_category_is_shown_on_the_synonyms_field(
    app, world, new_browser
):
    seeded(app)
    manager = signed_in(new_browser, world, "manager")
    manager.get(f"{PAGE}/categories/new")

    response = manager.post(
        f"{PAGE}/categories/new", {"name": "Agency staff", "limb": "limb1", "synonyms": "PAY"}
    )

    assert response.status_code == 422
    assert 'href="#synonyms"' in text_of(response)
    assert "already stands for the category Staff" in text_of(response)


@pytest.mark.parametrize(
    ("year", "says"),
    [("", "Enter the year the financial year starts"), ("1850", "between 2000 and 2100")],
)
def test_a_missing_or_impossible_year_is_shown_back(world, new_browser, year, says):
    manager = signed_in(new_browser, world, "manager")

    response = manager.post(PAGE, {"start_year": year})

    assert response.status_code == 422
    assert 'href="#start_year"' in text_of(response) and says in text_of(response)


def test_a_year_already_set_up_is_shown_back(app, world, new_browser):
    seeded(app)
    manager = signed_in(new_browser, world, "manager")

    response = manager.post(PAGE, {"start_year": "2026"})

    assert response.status_code == 422
    assert "The financial year 2026-27 is already set up" in text_of(response)


# --- everyone else ----------------------------------------------------------------------


@pytest.mark.parametrize("who", OTHER_ROLES)
def test_other_roles_read_the_structure_without_any_form(app, world, new_browser, who):
    ids = seeded(app)
    browser = signed_in(new_browser, world, who)

    page = text_of(browser.get(PAGE))
    category = browser.get(f"{PAGE}/categories/{ids['category']}")
    line = browser.get(f"{PAGE}/service-lines/{ids['line']}")

    assert "2026-27" in page and "Staff" in page and "Pay, Salaries" in page
    assert "Outreach" in page and "Street outreach" in page
    assert "<form" not in page.split('id="main-content"')[1]
    assert "Add a cost category" not in page and "Change<span" not in page
    assert category.status_code == line.status_code == 200
    assert "<form" not in text_of(category).split('id="main-content"')[1]
    assert "Salaries" in text_of(category) and "Street outreach" in text_of(line)


@pytest.mark.parametrize("who", OTHER_ROLES)
def test_other_roles_get_403_on_every_change_and_nothing_changes(app, world, new_browser, who):
    ids = seeded(app)
    browser = signed_in(new_browser, world, who)
    attempts = [
        (PAGE, {"start_year": "2027"}),
        (f"{PAGE}/categories/new", {"name": "Rent", "limb": "limb1"}),
        (f"{PAGE}/categories/{ids['category']}", {"name": "Taken", "limb": "limb2"}),
        (f"{PAGE}/service-lines/new", {"name": "Crisis"}),
        (f"{PAGE}/service-lines/{ids['line']}", {"name": "Taken"}),
    ]

    statuses = [browser.post(path, data).status_code for path, data in attempts]

    assert statuses == [403] * len(attempts)
    with app.app_context():
        assert db.session.scalars(select(FinancialYear.start_year)).all() == [2026]
        assert db.session.scalars(select(CostCategory.name)).all() == ["Staff"]
        assert db.session.scalars(select(ServiceLine.name)).all() == ["Outreach"]


@pytest.mark.parametrize("who", OTHER_ROLES)
def test_other_roles_cannot_open_the_forms_for_adding(world, new_browser, who):
    browser = signed_in(new_browser, world, who)

    statuses = [browser.get(f"{PAGE}/{p}/new").status_code for p in ("categories", "service-lines")]

    assert statuses == [403, 403]


# --- other alliances --------------------------------------------------------------------


def test_a_non_member_gets_404_on_every_page_and_post(app, world, new_browser):
    ids = seeded(app)
    outsider = new_browser()
    outsider.sign_in(world.emails["other_manager"])
    pages = [
        PAGE,
        f"{PAGE}/categories/new",
        f"{PAGE}/categories/{ids['category']}",
        f"{PAGE}/service-lines/new",
        f"{PAGE}/service-lines/{ids['line']}",
    ]

    got = [outsider.get(page).status_code for page in pages]
    posted = [
        outsider.post(page, {"name": "Mine", "start_year": "2030"}).status_code for page in pages
    ]

    assert got == posted == [404] * len(pages)
    assert "Staff" not in text_of(outsider.get(PAGE))


def test_another_alliances_category_is_404_under_this_alliances_address(app, world, new_browser):
    theirs = seeded(app, slug="elsewhere")
    manager = signed_in(new_browser, world, "manager")

    statuses = [
        manager.get(f"{PAGE}/categories/{theirs['category']}").status_code,
        manager.post(
            f"{PAGE}/categories/{theirs['category']}", {"name": "Taken", "limb": "limb1"}
        ).status_code,
        manager.get(f"{PAGE}/service-lines/{theirs['line']}").status_code,
    ]

    assert statuses == [404, 404, 404]
    assert read(app, CostCategory, theirs["category"]).name == "Staff"
