"""Two gunicorn servers on one database behave as one service: votes, ledgers, sessions,
throttling and the record are all in the database, none in a server's memory."""

import io
import threading
from decimal import Decimal
from html import unescape

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from alliance.auth.models import User
from alliance.db import db
from alliance.decisions.models import Decision, Vote
from alliance.members.models import Membership
from tests.servers.checks import problems
from tests.servers.support import (
    DECISIONS,
    LEDGERS,
    PERIOD,
    alliance_command,
    audit_verify,
    close,
    propose_and_open,
    seats_shown,
    submit,
    upload,
    vote,
)
from tests.support import PASSWORD

pytestmark = pytest.mark.servers

NEW_PASSWORD = "quiet harbour lanterns at dusk"


#: Behind one proxy hop, as in production: the client address comes from X-Forwarded-For.
ENV = {"ALLIANCE_PROXY_HOPS": "1", "ALLIANCE_LOGIN_MAX_FAILURES_PER_ADDRESS": "4"}


@pytest.fixture(scope="module")
def pair(start_server):
    return start_server("A", env=ENV), start_server("B", env=ENV)


def person(new_http, server, email):
    browser = new_http(server)
    assert browser.sign_in(email).status_code == 302
    return browser


def at_once(*calls) -> list:
    """Make the calls from threads released at the same instant; return their results."""
    start, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i, call):
        start.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def assert_record_holds(db_url, *, command=True):
    """Nothing is inconsistent, and (with `command`) `alliance audit verify` says so too."""
    assert problems(db_url) == []
    if command:
        verified = audit_verify(db_url)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "head alliance:" in verified.stdout


def test_a_vote_cast_on_one_server_is_seen_and_counted_on_the_other(shared, pair, new_http):
    a, b = pair
    world, app = shared.world, shared.app
    reference = propose_and_open(person(new_http, a, world.emails["commissioner"]))
    trust = person(new_http, a, world.emails["board_representative"])
    assert vote(trust, reference, "agree").status_code == 302

    chair_on_b = person(new_http, b, world.emails["manager"])
    page = chair_on_b.get(f"{DECISIONS}/{reference}").text
    assert seats_shown(page)["Vale Trust"] == "Agree"
    assert "1 of 3 seats have voted." in page

    # Two seats at the same moment, one through each server.
    council = person(new_http, a, world.emails["commissioner"])
    charity = person(new_http, b, world.emails["charity_rep"])
    for browser in (council, charity):
        browser.get(f"{DECISIONS}/{reference}")
    answers = at_once(
        lambda: council.post(f"{DECISIONS}/{reference}/votes", {"position": "agree"}),
        lambda: charity.post(f"{DECISIONS}/{reference}/votes", {"position": "agree"}),
    )
    assert [r.status_code for r in answers] == [302, 302]

    # Closing on B needs no reason only if B counts all three votes; unanimity then carries.
    response = close(chair_on_b, reference)
    assert response.status_code == 302, response.text
    page = chair_on_b.get(f"{DECISIONS}/{reference}").text
    assert "Outcome: Carried" in page
    assert seats_shown(page) == {
        "Harbour Charity": "Agree",
        "Riverside Council": "Agree",
        "Vale Trust": "Agree",
    }
    with app.app_context():
        decision = db.session.scalars(select(Decision).where(Decision.reference == reference)).one()
        assert decision.outcome.tally["agree"] == 3
        seats = db.session.scalars(select(Vote.seat_id).where(Vote.decision_id == decision.id))
        assert sorted(seats) == sorted(s.id for s in decision.seats)  # each seat once
    assert_record_holds(shared.url)


def test_one_seat_voting_through_both_servers_at_once_keeps_one_current_vote(
    shared, pair, new_http
):
    a, b = pair
    world = shared.world
    reference = propose_and_open(person(new_http, a, world.emails["commissioner"]))
    rep = person(new_http, a, world.emails["board_representative"])
    alternate = person(new_http, b, world.emails["board_alternate"])
    for browser in (rep, alternate):
        browser.get(f"{DECISIONS}/{reference}")
    codes = at_once(
        lambda: rep.post(f"{DECISIONS}/{reference}/votes", {"position": "agree"}),
        lambda: alternate.post(f"{DECISIONS}/{reference}/votes", {"position": "abstain"}),
    )
    assert [r.status_code for r in codes] == [302, 302]
    with shared.app.app_context():
        decision_id = select(Decision.id).where(Decision.reference == reference)
        rows = db.session.execute(
            select(Vote.is_current, func.count())
            .where(Vote.decision_id == decision_id.scalar_subquery())
            .group_by(Vote.is_current)
        ).all()
    assert dict(rows) == {True: 1, False: 1}  # the later supersedes, the earlier is history
    assert_record_holds(shared.url, command=False)


def ledger_workbook() -> tuple[bytes, Decimal]:
    book = Workbook()
    sheet = book.active
    sheet.append(["Month", "Cost category", "Description", "Amount"])
    amounts = [Decimal("12000.00"), Decimal("2500.10"), Decimal("12000.01")]
    for n, amount in enumerate(amounts):
        sheet.append([f"2026-{4 + n:02d}", "Staff", f"Outreach {n}", amount])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), sum(amounts)


def test_a_ledger_submitted_on_one_server_downloads_byte_identical_from_the_other(
    shared, pair, new_http
):
    a, b = pair
    world = shared.world
    data, total = ledger_workbook()
    lead = person(new_http, a, world.emails["finance_lead"])
    response = upload(lead, data, "vale-trust.xlsx")
    assert response.status_code == 302, response.text
    assert submit(lead, response.headers["Location"]).status_code == 302

    observer = person(new_http, b, world.emails["observer"])
    version = unescape(observer.get(f"{LEDGERS}/vale-trust/versions/1?period={PERIOD}").text)
    assert "Ledger version 1" in version and f"£{total:,}" in version
    original = observer.get(f"{LEDGERS}/vale-trust/versions/1/original?period={PERIOD}")
    assert original.status_code == 200
    assert original.content == data
    assert_record_holds(shared.url)


def end_others(browser):
    browser.get("/account")
    return browser.post("/account/sessions/end-others")


def change_password(browser):
    browser.get("/account/password")
    form = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    return browser.post("/account/password", form)


@pytest.mark.parametrize("revoke", [end_others, change_password])
def test_ending_sessions_on_one_server_ends_them_on_the_other_at_once(
    shared, pair, new_http, revoke
):
    a, b = pair
    email = shared.add_person(f"leaver-{revoke.__name__.replace('_', '-')}")
    here, elsewhere = person(new_http, a, email), person(new_http, b, email)
    bystander = person(new_http, b, shared.world.emails["observer"])
    assert elsewhere.signed_in()
    assert revoke(here).status_code == 302
    assert not elsewhere.signed_in()
    assert here.signed_in() and here.at(b).signed_in()  # the session that acted lives on
    assert bystander.signed_in()
    assert_record_holds(shared.url, command=False)


def test_a_cookie_signed_out_on_one_server_is_refused_by_the_other(shared, pair, new_http):
    a, b = pair
    victim = person(new_http, a, shared.add_person("victim"))
    thief = new_http(b)
    thief.http.cookies.set("session", victim.session_cookie())
    assert thief.signed_in()  # the copy works on B while the session lives
    victim.get("/account")
    assert victim.post("/sign-out").status_code == 302
    assert not thief.signed_in()


def change_role(shared, a, new_http, email):
    """The manager, signed in on A, changes the person's roles."""
    with shared.app.app_context():
        membership_id = db.session.scalar(
            select(Membership.id).join(User).where(User.email == email)
        )
    page = f"/alliances/riverside/members/people/{membership_id}"
    manager = person(new_http, a, shared.world.emails["manager"])
    manager.get(page)
    response = manager.post(page, {"roles": ["manager"]})
    assert response.status_code == 302, response.text


def deactivate(shared, _a, _new_http, email):
    """The operator's command (there is no web page for it): a third process, a third server."""
    done = alliance_command(shared.url, "deactivate-user", "--email", email)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("revoke", [change_role, deactivate])
def test_a_role_change_or_deactivation_ends_the_persons_sessions_on_every_server(
    shared, pair, new_http, revoke
):
    a, b = pair
    email = shared.add_person(f"changed-{revoke.__name__.replace('_', '-')}")
    sessions = [person(new_http, a, email), person(new_http, b, email)]
    assert all(browser.signed_in() for browser in sessions)
    revoke(shared, a, new_http, email)
    for browser in sessions:
        assert not browser.at(a).signed_in() and not browser.at(b).signed_in()
    assert_record_holds(shared.url, command=revoke is change_role)


def test_failed_sign_ins_on_one_server_count_towards_the_limit_on_the_other(shared, pair, new_http):
    a, b = pair
    address = {"X-Forwarded-For": "203.0.113.7"}
    guesses = ["nobody", "someone", "anyone", "noone"]
    for server, name in zip([a, b, a, b], guesses, strict=True):
        browser = new_http(server)
        browser.http.headers.update(address)
        response = browser.sign_in(f"{name}@x.example", "a wrong guess at a password")
        assert response.status_code == 200
        assert "Enter a correct e-mail address and password" in response.text
    # Each server saw two failures, under the limit of four: only the shared count stops this.
    for server in (a, b):
        browser = new_http(server)
        browser.http.headers.update(address)
        response = browser.sign_in(shared.world.emails["observer"])
        assert response.status_code == 429
        assert "too many failed sign-in attempts from your network" in response.text
    # The limit is the address's: the same person from another address signs in.
    assert person(new_http, b, shared.world.emails["observer"]).signed_in()
