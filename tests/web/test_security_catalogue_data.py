"""SECURITY.md catalogue items (groups A, B, C, E, F, G, H and I) about data, roles and
outputs that no other web test covers. Sign-in, hosts and logs are in test_security_catalogue.py."""

import io
import logging
from datetime import UTC, datetime

import psycopg
import pytest
from flask import url_for
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from alliance import create_app
from alliance.actors import CLI
from alliance.audit.models import AuditEvent
from alliance.db import db
from alliance.decisions.models import Decision, DecisionStatus, Vote
from alliance.learning.models import AssuranceStatement, ReviewQuestion
from alliance.ledgers import structure
from alliance.ledgers.models import LedgerUpload, LedgerVersion
from alliance.members.models import Alliance, OrganisationKind, Role
from tests.conftest import TEST_SETTINGS
from tests.support import Browser
from tests.web.api_support import bearer, token_for
from tests.web.pool_support import (
    EVIL,
    add_member_organisation,
    agree_risk_share,
    contribute,
    load_demo,
)
from tests.web.pool_support import signed_in as demo_signed_in

RIVERSIDE = "/alliances/riverside"
PERIOD = "2026-04..2027-03"
CLEAN = b"Month,Cost category,Description,Amount\r\n2026-04,Staff,Outreach workers,12000.00\r\n"
PROPOSAL = {
    "title": "Fund assertive outreach",
    "question": "Shall we fund assertive alcohol outreach for a year?",
    "rationale": "People told us they want help where they are.",
    "kind": "key_issue",
    "citations": ["b", "c"],
    "closes_on": ["1", "3", "2099"],
    "closes_time": "17:00",
}


@pytest.fixture
def ledgers(app, world):
    with app.app_context():
        riverside = db.session.get(Alliance, world.alliance_id)
        structure.seed_structure(db.session, CLI, riverside, 2026)
        db.session.commit()


def signed_in(app, world, who: str, page: str = "/account") -> Browser:
    browser = Browser(app.test_client())
    assert browser.sign_in(world.emails[who]).status_code == 302
    browser.get(page)
    return browser


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def upload(browser, data: bytes, name: str = "ledger.csv", **extra):
    form = {"period": PERIOD, "scale": "1", "file": (io.BytesIO(data), name), **extra}
    return browser.post(f"{RIVERSIDE}/ledgers/upload", form, content_type="multipart/form-data")


def propose(app, world, **fields) -> str:
    commissioner = signed_in(app, world, "commissioner", f"{RIVERSIDE}/decisions/new")
    response = commissioner.post(f"{RIVERSIDE}/decisions/new", PROPOSAL | fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location.rsplit("/", 1)[-1]


def security_events(caplog, name: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if f'"event": "{name}"' in r.getMessage()]


# --- A16: file names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../alliance/config.py", "config.py"),
        ("ledger\u202excsl.exe", "ledgerxcsl.exe"),
        ("CON.csv", "CON.csv"),
        ("ledger.csv%00.html", "ledger.csv%00.html"),
        ("l" * 1_000 + ".csv", "l" * 255),
    ],
    ids=["traversal", "bidi", "device-name", "nul-escape", "long"],
)
def test_an_odd_file_name_is_kept_only_as_a_clean_display_name(app, world, ledgers, sent, kept):
    lead = signed_in(app, world, "finance_lead", f"{RIVERSIDE}/ledgers/upload")
    preview = upload(lead, CLEAN, name=sent).location
    lead.get(preview)
    assert lead.post(f"{preview}/submit").status_code == 302
    with app.app_context():
        assert db.session.scalars(select(LedgerVersion.filename)).one() == kept
    original = lead.client.get(f"{RIVERSIDE}/ledgers/vale-trust/versions/1/original")
    disposition = original.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert "/" not in disposition.split("filename*=")[0] and "\u202e" not in disposition
    assert original.headers["X-Content-Type-Options"] == "nosniff"


# --- B23, E54: whose ledger, whatever the form says ----------------------------------------


def test_an_upload_is_for_the_finance_leads_own_organisation_whatever_the_form_says(
    app, world, ledgers
):
    lead = signed_in(app, world, "finance_lead", f"{RIVERSIDE}/ledgers/upload")
    council = str(world.orgs["council"])
    extra = {"organisation": council, "organisation_id": council, "org_id": council}
    preview = upload(lead, CLEAN, **extra, is_current="0", number="7").location
    lead.get(preview)
    assert lead.post(f"{preview}/submit").status_code == 302
    with app.app_context():
        version = db.session.scalars(select(LedgerVersion)).one()
        assert (version.organisation_id, version.number) == (world.orgs["trust"], 1)


def test_uploading_for_another_organisation_through_the_api_is_403_and_logged(app, world, caplog):
    caplog.set_level(logging.WARNING, logger="alliance.security")
    form = {"organisation": "riverside-council", "period": PERIOD}
    form["file"] = (io.BytesIO(CLEAN), "ledger.csv")
    response = app.test_client().post(
        f"/api/v1{RIVERSIDE}/ledgers/uploads",
        data=form,
        headers=bearer(token_for(app, world.emails["finance_lead"])),
    )
    assert response.status_code == 403
    assert len(security_events(caplog, "authz_fail")) == 1
    assert count(app, LedgerUpload) == 0


def test_proposing_ignores_status_reference_and_alliance_fields(app, world):
    reference = propose(
        app, world, status="closed", reference="RA-1999-999", alliance_id=world.other_alliance_id
    )
    with app.app_context():
        decision = db.session.scalars(select(Decision).where(Decision.reference == reference)).one()
        assert decision.status is DecisionStatus.DRAFT
        assert decision.alliance_id == world.alliance_id
    assert reference != "RA-1999-999"


# --- C35: text that looks like a template or an attribute ----------------------------------------


def test_template_syntax_and_attribute_breakouts_stay_literal_text(app, world):
    lead = signed_in(app, world, "finance_lead", f"{RIVERSIDE}/learning/new")
    title = '{{7*7}} {{ config.SECRET_KEY }} " onmouseover="alert(1)'
    form = {"kind": "experiment", "title": title, "summary": "x", "status": "idea"}
    assert lead.post(f"{RIVERSIDE}/learning/new", form).status_code == 302
    for path in (
        f"{RIVERSIDE}/learning/1",
        f"{RIVERSIDE}/learning/1/edit",
        f"{RIVERSIDE}/learning/",
    ):
        html = lead.get(path).get_data(as_text=True)
        assert "{{7*7}}" in html, path
        assert TEST_SETTINGS["SECRET_KEY"] not in html, path
        assert '" onmouseover="' not in html and "&#34; onmouseover=&#34;" in html, path


# --- C36: the board pack as a file ----------------------------------------------------------------


def test_script_typed_by_a_member_is_printed_as_text_in_the_board_pack_pdf(app, cli, monkeypatch):
    load_demo(cli, monkeypatch)
    add_member_organisation(app, EVIL, OrganisationKind.COMMISSIONER, "evil.c", {Role.COMMISSIONER})
    contribute(app, "evil.c", "1000.00", EVIL)
    agree_risk_share(app, {EVIL: "40", "riverside-council": "30", "riverside-icb": "30"}, EVIL)
    with demo_signed_in(app, "observer").client.get(
        f"{RIVERSIDE}/board-pack?period=2026-10&format=pdf"
    ) as response:
        assert response.status_code == 200
        pdf = response.get_data()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    # Escaped, the name is printed as it was typed; unescaped, it would be a script element,
    # which a printed page does not show.
    assert "".join(text.split()).count(EVIL) >= 2


# --- E52, E53, E55: roles and tenancy -------------------------------------------------------------


def test_another_alliances_page_is_404_and_logged(app, world, caplog):
    outsider = signed_in(app, world, "other_manager")
    caplog.set_level(logging.WARNING, logger="alliance.security")
    assert outsider.get(f"{RIVERSIDE}/members").status_code == 404
    assert len(security_events(caplog, "authz_fail")) == 1


def test_an_observer_cannot_ask_questions_or_record_assurance(app, world):
    lead = signed_in(app, world, "finance_lead", f"{RIVERSIDE}/learning/new")
    form = {"kind": "reflection", "title": "Open books", "summary": "x", "status": "idea"}
    assert lead.post(f"{RIVERSIDE}/learning/new", form).status_code == 302
    observer = signed_in(app, world, "observer", f"{RIVERSIDE}/learning/1")
    asked = observer.post(f"{RIVERSIDE}/learning/1/questions", {"text": "Why?"})
    statement = {
        "period_start": ["1", "4", "2026"],
        "period_end": ["30", "6", "2026"],
        "assured_that": "All is well",
        "because": "We say so",
    }
    recorded = observer.post(f"{RIVERSIDE}/learning/statements/new", statement)
    assert (asked.status_code, recorded.status_code) == (403, 403)
    assert (count(app, ReviewQuestion), count(app, AssuranceStatement)) == (0, 0)


def test_no_route_changes_or_deletes_a_submitted_ledger_version(app):
    version_rules = [r for r in app.url_map.iter_rules() if "/versions/" in r.rule]
    assert version_rules
    for rule in version_rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule


# --- F59, F62: late votes and clocks ------------------------------------------------------------


def test_a_vote_after_close_is_recorded_as_a_sequence_failure(app, world, caplog):
    reference = propose(app, world)
    commissioner = signed_in(app, world, "commissioner", f"{RIVERSIDE}/decisions/{reference}")
    commissioner.post(f"{RIVERSIDE}/decisions/{reference}/open")
    chair = signed_in(app, world, "manager", f"{RIVERSIDE}/decisions/{reference}")
    chair.post(f"{RIVERSIDE}/decisions/{reference}/close", {"reason": "Out of time"})
    rep = signed_in(app, world, "board_representative", f"{RIVERSIDE}/decisions/{reference}")
    caplog.set_level(logging.WARNING, logger="alliance.security")
    late = rep.post(f"{RIVERSIDE}/decisions/{reference}/votes", {"position": "agree"})
    assert late.status_code == 409
    assert count(app, Vote) == 0
    recorded = count(app, AuditEvent, AuditEvent.action == "sequence_fail")
    assert security_events(caplog, "sequence_fail") or recorded == 1


@pytest.mark.xfail(
    strict=True,
    reason="gap (SECURITY.md item 61): the same assurance statement form sent twice (a double "
    "click) records two frozen statements; there is no idempotency key",
)
def test_a_statement_form_sent_twice_records_one_statement(app, world):
    board = signed_in(app, world, "board_representative", f"{RIVERSIDE}/learning/statements/new")
    form = {"period_start": ["1", "4", "2026"], "period_end": ["30", "6", "2026"]}
    form |= {"assured_that": "Outreach is safe", "because": "The gate was passed"}
    for _ in range(2):
        assert board.post(f"{RIVERSIDE}/learning/statements/new", form).status_code == 302
    assert count(app, AssuranceStatement) == 1


@pytest.mark.parametrize(
    ("day", "utc"),
    [(["1", "7", "2099"], datetime(2099, 7, 1, 22, 59, tzinfo=UTC)),  # BST
     (["1", "12", "2099"], datetime(2099, 12, 1, 23, 59, tzinfo=UTC))],  # GMT
    ids=["summer", "winter"],
)  # fmt: skip
def test_a_closing_time_typed_in_london_is_kept_in_utc_across_the_clock_change(
    app, world, day, utc
):
    reference = propose(app, world, closes_on=day, closes_time="23:59")
    with app.app_context():
        decision = db.session.scalars(select(Decision).where(Decision.reference == reference)).one()
        assert decision.closes_at == utc
    page = signed_in(app, world, "observer", f"{RIVERSIDE}/decisions/{reference}")
    assert "23:59" in page.get(f"{RIVERSIDE}/decisions/{reference}").get_data(as_text=True)


# --- G65: hostile query strings ---------------------------------------------------------------


#: Values for URL parts; any other part gets 1 (an id that may or may not exist).
URL_VALUES = {"slug": "riverside", "token": "x", "fmt": "csv", "org": "vale-trust"}
HOSTILE_QUERY = {
    name: value
    for name, value in zip(
        ["q", "sort", "status", "kind", "period", "year", "from", "to", "action", "format"],
        ["' OR 1=1--", "amount;DROP TABLE audit_event", "closed' --", "\x00", "2026-13",
         "1e99", "yesterday", "9999-99-99", "%27", "../../etc/passwd"],
        strict=True,
    )
}  # fmt: skip


def test_hostile_query_strings_on_every_page_are_refused_or_ignored_never_a_500(app, world):
    manager = signed_in(app, world, "manager")
    headers = bearer(token_for(app, world.emails["manager"]))
    before = count(app, AuditEvent)
    statuses = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            values = {name: URL_VALUES.get(name, 1) for name in rule.arguments}
            url = url_for(rule.endpoint, **values)
            client_headers = headers if url.startswith("/api/") else {}
            with manager.client.get(url, query_string=HOSTILE_QUERY, headers=client_headers) as r:
                statuses[url] = r.status_code
    assert {url: s for url, s in statuses.items() if s >= 500} == {}
    assert 200 in statuses.values() and 400 in statuses.values()
    assert count(app, AuditEvent) >= before  # the record is still there


# --- H71: the record of every action ------------------------------------------------------------


def test_signing_out_is_on_the_record(app, world):
    manager = signed_in(app, world, "manager")
    assert manager.sign_out().status_code == 302
    assert count(app, AuditEvent, AuditEvent.action == "authn_logout") == 1


def test_every_kind_of_download_is_on_the_record(app, world, ledgers):
    observer = signed_in(app, world, "observer")
    before = count(app, AuditEvent)
    for path in (f"{RIVERSIDE}/pool.csv?year=2026", f"{RIVERSIDE}/open-data.zip"):
        with observer.client.get(path) as response:
            assert response.status_code == 200, path
    assert count(app, AuditEvent) == before + 2


# --- I77, I78: a database that cannot be written -----------------------------------------


def test_a_database_that_refuses_writes_gives_a_clean_error_and_stores_nothing(
    app, world, ledgers, server, tmp_path
):
    lead = signed_in(app, world, "finance_lead", f"{RIVERSIDE}/ledgers/upload")
    url = app.config["DATABASE_URL"]
    read_only = (
        f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"
        if server.name == "sqlite"
        else f"{url}?options=-c%20default_transaction_read_only%3Don"
    )
    stuck = create_app({**TEST_SETTINGS, "DATABASE_URL": read_only, "INSTANCE_PATH": str(tmp_path)})
    try:
        browser = Browser(stuck.test_client())
        cookie = lead.client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        browser.client.set_cookie(cookie.key, cookie.value)
        browser._token = lead._token
        response = upload(browser, CLEAN)
    finally:
        stuck.extensions["alliance.db"]["engine"].dispose()
    page = response.get_data(as_text=True)
    assert response.status_code in (500, 503)
    assert "Sorry, the service" in page or "Sorry, there is a problem" in page
    assert "Traceback" not in page and "readonly" not in page and "read-only" not in page
    assert (count(app, LedgerUpload), count(app, LedgerVersion)) == (0, 0)


def test_a_deadlock_reported_by_the_database_answers_503_not_a_server_error(app, browser):
    def deadlocked():
        raise OperationalError("UPDATE vote", {}, psycopg.errors.DeadlockDetected("deadlock"))

    app.add_url_rule("/deadlocked", "deadlocked", deadlocked)
    response = browser.get("/deadlocked")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Try again in a minute" in page and "deadlock" not in page


def test_an_id_past_a_database_integer_is_404_on_every_kind_of_page(app, world):
    manager = signed_in(app, world, "manager")
    for path in (
        f"{RIVERSIDE}/learning/2147483648",
        f"{RIVERSIDE}/members/organisations/99999999999999999999",
        f"{RIVERSIDE}/members/people/2147483648",
    ):
        assert manager.get(path).status_code == 404, path


def test_a_form_with_a_nul_character_is_refused_and_stores_nothing(app, world):
    lead = signed_in(app, world, "finance_lead", f"{RIVERSIDE}/learning/new")
    before = count(app, AuditEvent)
    form = {"kind": "reflection", "title": "Open\x00books", "summary": "x", "status": "idea"}
    refused = lead.post(f"{RIVERSIDE}/learning/new", form)
    assert refused.status_code == 400
    assert "control characters" in refused.get_data(as_text=True)
    assert count(app, AuditEvent) == before
