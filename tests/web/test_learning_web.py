"""The learning pages: write an entry, pass the gate, the review thread, statements, links
both ways, and people's text shown as text."""

import io
import re
from html import unescape

import pytest
from sqlalchemy import select

from alliance.actors import CLI
from alliance.db import db
from alliance.decisions.models import Decision
from alliance.ledgers import structure
from alliance.ledgers.models import LedgerLine
from alliance.members.models import Alliance
from tests.web.pool_support import queries_for

BASE = "/alliances/riverside/learning"
LEDGER = b"Month,Cost category,Description,Amount\r\n2026-04,Rent,Hub lease,2500.00\r\n"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def signed_in(new_browser, world, who):
    browser = new_browser()
    assert browser.sign_in(world.emails[who]).status_code == 302
    browser.get(f"{BASE}/")
    return browser


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def text(response) -> str:
    """The page as a person reads it: no tags, one space between words."""
    return " ".join(re.sub(r"<[^>]+>", " ", page(response)).split())


def write(browser, **fields):
    form = {
        "kind": "experiment",
        "title": "Assertive alcohol outreach pilot",
        "summary": "Go to people rather than wait for them.",
        "status": "idea",
        "next_step": "",
    } | fields
    return browser.post(f"{BASE}/new", form)


def test_a_provider_writes_an_experiment_passes_the_gate_and_the_board_reviews_it(
    world, new_browser
):
    lead = signed_in(new_browser, world, "finance_lead")
    response = write(lead, themes="alcohol, outreach")
    assert response.status_code == 302 and response.headers["Location"].endswith("/learning/1")
    shown = page(lead.get(f"{BASE}/1"))
    assert "L-1" in shown and "Not answered yet" in shown

    refused = lead.post(
        f"{BASE}/1/gate",
        {"is_legal": "yes", "legal_basis": "", "is_safe": "yes", "safe_basis": "Trained staff."},
    )
    assert refused.status_code == 400 and "Give the basis for your answer" in page(refused)
    lead.get(f"{BASE}/1")
    passed = lead.post(
        f"{BASE}/1/gate",
        {
            "is_legal": "yes",
            "legal_basis": "Outreach is within our contract.",
            "is_safe": "yes",
            "safe_basis": "Workers go in pairs.",
        },
    )
    assert passed.status_code == 302
    shown = page(lead.get(f"{BASE}/1"))
    assert "It passed the gate." in shown and "Running" in shown

    board = signed_in(new_browser, world, "board_representative")
    board.get(f"{BASE}/1")
    asked = board.post(f"{BASE}/1/questions", {"text": "Who did you reach first?"})
    assert asked.status_code == 302
    lead.get(f"{BASE}/1")
    question_id = asked.headers["Location"].rsplit("question-", 1)[1]
    answered = lead.post(
        f"{BASE}/1/questions/{question_id}/answers", {"text": "People at the night shelter."}
    )
    assert answered.status_code == 302
    shown = page(board.get(f"{BASE}/1"))
    assert "Who did you reach first?" in shown and "People at the night shelter." in shown

    board.get(f"{BASE}/statements/new")
    recorded = board.post(
        f"{BASE}/statements/new",
        {
            "period_start": ["1", "4", "2026"],  # GOV.UK date inputs share one name
            "period_end": ["30", "6", "2026"],
            "assured_that": "outreach reaches people the services did not",
            "because": "the pilot met people at the night shelter first",
            "entries": ["1"],
        },
    )
    assert recorded.status_code == 302 and recorded.headers["Location"].endswith("/statements/1")
    shown = page(lead.get(f"{BASE}/statements/1"))
    assert "We are assured that outreach reaches people the services did not" in shown
    assert "L-1 Assertive alcohol outreach pilot" in shown
    assert "AS-1" in page(lead.get(f"{BASE}/1"))


def test_a_no_at_the_gate_keeps_it_an_idea_with_the_reason_shown(world, new_browser):
    lead = signed_in(new_browser, world, "finance_lead")
    write(lead)
    lead.get(f"{BASE}/1")
    lead.post(
        f"{BASE}/1/gate",
        {
            "is_legal": "yes",
            "legal_basis": "Within the contract.",
            "is_safe": "no",
            "safe_basis": "No lone-working policy yet.",
        },
    )
    shown = page(lead.get(f"{BASE}/1"))
    assert "It stays an idea. Not safe: No lone-working policy yet." in shown
    assert "Idea" in shown


def test_an_edit_is_a_new_revision_and_every_revision_is_readable(world, new_browser):
    lead = signed_in(new_browser, world, "finance_lead")
    write(lead, kind="reflection", title="A first reflection")
    lead.get(f"{BASE}/1/edit")
    edited = lead.post(
        f"{BASE}/1/edit",
        {
            "title": "A first reflection, revised",
            "status": "reflecting",
            "next_step": "",
            "based_on": "1",
        },
    )
    assert edited.status_code == 302
    history = page(lead.get(f"{BASE}/1/revisions"))
    assert "Revision 2" in history and "Revision 1" in history
    assert "A first reflection, revised" in history and "A first reflection" in history
    stale = lead.post(
        f"{BASE}/1/edit",
        {"title": "Lost update", "status": "reflecting", "next_step": "", "based_on": "1"},
    )
    assert stale.status_code == 409 and "edited meanwhile" in page(stale)


def test_a_decision_and_a_ledger_version_list_the_learning_that_cites_them(app, world, new_browser):
    with app.app_context():
        alliance = db.session.scalars(select(Alliance).where(Alliance.slug == "riverside")).one()
        structure.seed_structure(db.session, CLI, alliance, 2026)
        db.session.commit()
    manager = signed_in(new_browser, world, "manager")
    manager.get("/alliances/riverside/decisions/new")
    manager.post(
        "/alliances/riverside/decisions/new",
        {"title": "Fund the outreach pilot", "question": "Shall we?", "kind": "operational"},
    )
    with app.app_context():
        reference = db.session.scalars(select(Decision.reference)).one()
    lead = signed_in(new_browser, world, "finance_lead")
    response = write(lead, decisions=reference)
    assert response.status_code == 302
    decision_page = page(manager.get(f"/alliances/riverside/decisions/{reference}"))
    assert "Learning that cites this decision" in decision_page
    assert "L-1 Assertive alcohol outreach pilot" in decision_page
    assert f"Decision {reference} Fund the outreach pilot" in text(lead.get(f"{BASE}/1"))
    assert f"Cites {reference}" in text(lead.get(f"{BASE}/1/revisions"))

    # A ledger line: the entry names it, and the version's page lists the entry.
    lead.get("/alliances/riverside/ledgers/upload")
    staged = lead.post(
        "/alliances/riverside/ledgers/upload",
        {"period": "2026-04..2027-03", "scale": "1", "file": (io.BytesIO(LEDGER), "ledger.csv")},
        content_type="multipart/form-data",
    )
    lead.get(staged.headers["Location"])
    lead.post(staged.headers["Location"] + "/submit", {})
    with app.app_context():
        line_id = db.session.scalars(select(LedgerLine.id).order_by(LedgerLine.id)).first()
    write(lead, title="Hub lease learning", kind="reflection", ledger_lines=str(line_id))
    assert "Ledger line Vale Trust version 1, line 2, column D" in text(lead.get(f"{BASE}/2"))
    version_page = text(lead.get("/alliances/riverside/ledgers/vale-trust/versions/1"))
    assert "Learning that cites its lines L-2 Hub lease learning" in version_page


@pytest.mark.parametrize("who", ["observer"])
def test_observers_read_the_log_but_cannot_write(world, new_browser, who):
    lead = signed_in(new_browser, world, "finance_lead")
    write(lead)
    reader = signed_in(new_browser, world, who)
    assert reader.get(f"{BASE}/1").status_code == 200
    assert "Write an entry" not in page(reader.get(f"{BASE}/"))
    assert write(reader).status_code == 403


def test_script_in_any_text_is_shown_as_text(world, new_browser):
    lead = signed_in(new_browser, world, "finance_lead")
    write(
        lead,
        title=XSS,
        summary=XSS,
        involved=XSS,
        themes=XSS,
        links=f"javascript:alert(1)\n{XSS}\nhttps://example.org/paper",
    )
    board = signed_in(new_browser, world, "board_representative")
    board.get(f"{BASE}/1")
    board.post(f"{BASE}/1/questions", {"text": XSS})
    for path in (f"{BASE}/1", f"{BASE}/", f"{BASE}/1/revisions"):
        raw = board.get(path).get_data(as_text=True)
        assert "<script>" not in raw and "<img src=x" not in raw, path
        assert "&lt;script&gt;" in raw, path
    shown = board.get(f"{BASE}/1").get_data(as_text=True)
    assert 'href="javascript:' not in shown
    assert 'href="https://example.org/paper"' in shown


def test_script_in_statements_and_measures_is_shown_as_text(world, new_browser):
    board = signed_in(new_browser, world, "board_representative")
    board.get(f"{BASE}/statements/new")
    recorded = board.post(
        f"{BASE}/statements/new",
        {
            "period_start": ["1", "4", "2026"],
            "period_end": ["30", "6", "2026"],
            "assured_that": XSS,
            "because": XSS,
            "figures": XSS,
        },
    )
    assert recorded.status_code == 302
    commissioner = signed_in(new_browser, world, "commissioner")
    commissioner.get(f"{BASE}/measures/new")
    added = commissioner.post(
        f"{BASE}/measures/new",
        {"name": XSS, "unit": XSS, "source": XSS, "definition": XSS},
    )
    assert added.status_code == 302
    measure = added.headers["Location"]
    commissioner.get(measure)
    commissioner.post(
        measure,
        {
            "period_start": ["1", "4", "2026"],
            "period_label": XSS[:40],
            "value": "12.5",
            "commentary": XSS,
        },
    )
    for path in (f"{BASE}/statements", f"{BASE}/statements/1", f"{BASE}/measures", measure):
        raw = board.get(path).get_data(as_text=True)
        assert "<script>" not in raw and "<img src=x" not in raw, path
        assert "&lt;script&gt;" in raw, path


def test_a_malformed_date_is_a_clear_error_not_a_server_error(world, new_browser):
    board = signed_in(new_browser, world, "board_representative")
    board.get(f"{BASE}/statements/new")
    response = board.post(
        f"{BASE}/statements/new",
        {"period_start": "tomorrow", "assured_that": "x", "because": "y"},
    )
    assert response.status_code == 400
    assert "Not a valid date value" in page(response) or "Give the period" in page(response)


def test_the_log_is_searched_and_filtered_from_its_page(world, new_browser):
    lead = signed_in(new_browser, world, "finance_lead")
    write(lead, title="Vape offer", summary="Free kits for people who smoke.")
    write(lead, kind="reflection", title="Open books", summary="Sharing ledgers felt exposing.")
    found = text(lead.get(f"{BASE}/?q=smoking"))
    assert "Entries matching “smoking”, best match first" in found
    assert "L-1 Vape offer" in found and "Open books" not in found
    assert "L-2 Open books" in text(lead.get(f"{BASE}/?kind=reflection"))
    assert "No entries match." in text(lead.get(f"{BASE}/?q=nothing+here"))
    assert lead.get(f"{BASE}/?from=not-a-date&kind=poem&q=%22(").status_code == 200


def test_an_empty_answer_is_summarised_and_shown_open_under_its_own_question(world, new_browser):
    lead = signed_in(new_browser, world, "finance_lead")
    assert write(lead).status_code == 302
    board = signed_in(new_browser, world, "board_representative")
    board.get(f"{BASE}/1")
    for question in ("Who did you reach first?", "What did it cost?"):
        assert board.post(f"{BASE}/1/questions", {"text": question}).status_code == 302
    second = board.get(f"{BASE}/1")
    ids = re.findall(r'id="question-(\d+)"', page(second))
    assert len(ids) == 2

    lead.get(f"{BASE}/1")
    refused = lead.post(f"{BASE}/1/questions/{ids[1]}/answers", {"text": ""})
    shown = page(refused)
    assert refused.status_code == 400
    assert "<title>Error: " in shown
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', shown, re.S).group(0)
    assert f'href="#answer-{ids[1]}"' in summary
    opened = re.findall(r'<details class="govuk-details" open>.*?id="answer-(\d+)"', shown, re.S)
    assert opened == [ids[1]]
    assert shown.count('class="govuk-error-message"') == 1


def test_the_learning_log_costs_the_same_queries_however_many_people_wrote_in_it(
    new_browser, world
):
    reader = signed_in(new_browser, world, "manager")
    assert write(signed_in(new_browser, world, "finance_lead")).status_code == 302
    by_one = queries_for(reader, f"{BASE}/")
    for who in ("commissioner", "board_representative", "manager"):
        writer = signed_in(new_browser, world, who)
        assert write(writer, title=f"Outreach, as {who} sees it").status_code == 302
    assert text(reader.get(f"{BASE}/")).count("Outreach, as") == 3
    assert queries_for(reader, f"{BASE}/") == by_one
