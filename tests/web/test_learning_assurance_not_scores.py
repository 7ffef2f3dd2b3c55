"""No page of learning or measures carries a threshold, target, RAG colour or ranking.

With the demo loaded (every kind of entry, a thread, a statement, two measures with
values), every learning page is read as a person would (text) and as a browser would
(classes and SVG colours)."""

import re
from html import unescape

import pytest
from sqlalchemy import select

from alliance.db import db
from alliance.learning.models import AssuranceStatement, LearningEntry, Measure
from tests.support import Browser

BASE = "/alliances/riverside/learning"
JUDGING_WORDS = re.compile(
    r"\b(targets?|thresholds?|rank(s|ed|ing|ings)?|league|RAG|pass(ed)?/fail"
    r"|fail(ed|ing)?|top \d+|bottom \d+|score[sd]?|performance)\b",
    re.IGNORECASE,
)
JUDGING_CLASSES = re.compile(
    r"govuk-tag--(red|orange|yellow|green)|(rag|red|amber|green)|rank", re.IGNORECASE
)
NEUTRAL_COLOURS = {"#0b0c0c", "#b1b4b6", "#ffffff", "none"}


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def demo(cli, app, monkeypatch):
    monkeypatch.setenv("ALLIANCE_DEMO_PASSWORD", "demo passphrase for tests")
    assert cli("demo").exit_code == 0
    browser = Browser(app.test_client())
    assert (
        browser.sign_in("observer@riverside.example", "demo passphrase for tests").status_code
        == 302
    )
    return browser


def learning_pages(app) -> list[str]:
    with app.app_context():
        entries = db.session.scalars(select(LearningEntry.number)).all()
        statements = db.session.scalars(select(AssuranceStatement.number)).all()
        measures = db.session.scalars(select(Measure.id)).all()
    return [
        f"{BASE}/",
        f"{BASE}/statements",
        f"{BASE}/measures",
        *(f"{BASE}/{n}" for n in entries),
        *(f"{BASE}/{n}/revisions" for n in entries),
        *(f"{BASE}/statements/{n}" for n in statements),
        *(f"{BASE}/measures/{n}" for n in measures),
    ]


def test_no_learning_page_judges_scores_or_ranks(app, demo):
    pages = learning_pages(app)
    assert len(pages) >= 3 + 4 * 2 + 1 + 2
    for path in pages:
        response = demo.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        body = html.split("<main", 1)[1].split("</main>", 1)[0]
        assert JUDGING_WORDS.findall(visible_text(body)) == [], path
        classes = " ".join(re.findall(r'class="([^"]*)"', body))
        assert JUDGING_CLASSES.findall(classes) == [], path
        colours = set(re.findall(r'(?:fill|stroke)="([^"]+)"', body))
        assert colours <= NEUTRAL_COLOURS, (path, colours)


def test_a_measure_is_drawn_as_svg_beside_a_table_of_its_numbers(app, demo):
    with app.app_context():
        measure = db.session.scalars(
            select(Measure).where(Measure.name == "Alcohol-related hospital admissions")
        ).one()
        measure_id = measure.id
    html = demo.get(f"{BASE}/measures/{measure_id}").get_data(as_text=True)
    assert html.count("<svg") == 1 and 'role="img"' in html and "<title" in html
    assert html.count("<circle") == 3
    text = visible_text(html)
    for period, value in (("Q1 2026-27", "512.4"), ("Q2 2026-27", "498"), ("Q3 2026-27", "531.7")):
        assert f"{period} {value}" in text
    assert "Up over Christmas, as every year." in text
    assert "L-1 No-strings vape offer at the recovery hub" in text  # the learning of Q2
    q3 = text.split("Q3 2026-27 531.7", 1)[1].split("Every measure", 1)[0]
    assert "Listening session" not in q3  # March 2027 is not in October to December
