"""kill -9 of the app server in the middle of work (SECURITY.md I.74, the "Crash" row of (c)).

Each trial sends one request, waits a random part of its measured duration, notes whether
a write transaction is open at that instant, then SIGKILLs the server (crash.py). Then:
the database is whole (SQLite's integrity check), no ledger version is partial, no change
lacks its record event or has two, the record's chain verifies, and the person simply
tries again and succeeds. ALLIANCE_FAULT_TRIALS sets the trials per operation.
"""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from alliance.db import db
from alliance.decisions.models import Decision, DecisionStatus, Vote
from alliance.ledgers.models import LedgerUpload, LedgerVersion
from tests.servers.crash import Operation, Relay, run_trials
from tests.servers.ledger_files import big_ledger
from tests.servers.support import (
    DECISIONS,
    LEDGERS,
    PERIOD,
    PROPOSAL,
    HttpBrowser,
    close,
    propose,
    propose_and_open,
    seats_shown,
    upload,
    vote,
)

pytestmark = [pytest.mark.servers, pytest.mark.timeout(600)]

LEDGER_LINES = 20_000


@pytest.fixture(scope="module")
def relay(start_server):
    return Relay(start_server)


def signed_in(shared, relay, who) -> HttpBrowser:
    browser = HttpBrowser(relay.current.url)
    assert browser.sign_in(shared.world.emails[who]).status_code == 302
    return browser


def scalar(shared, query):
    with shared.app.app_context():
        return db.session.scalar(query)


def test_a_vote_killed_midway_is_whole_or_absent_and_can_be_cast_again(shared, relay):
    reference = propose_and_open(signed_in(shared, relay, "commissioner"))
    rep = signed_in(shared, relay, "board_representative")
    votes = select(func.count(Vote.id)).join(Decision).where(Decision.reference == reference)

    def prepare(n):
        browser = rep.at(relay.current)
        browser.get(f"{DECISIONS}/{reference}")
        return browser, ["agree", "abstain"][n % 2], scalar(shared, votes)

    def send(context):
        browser, position, _ = context
        return browser.post(f"{DECISIONS}/{reference}/votes", {"position": position})

    def retry(context, _present):
        browser = rep.at(relay.current)
        assert vote(browser, reference, context[1]).status_code == 302
        page = browser.get(f"{DECISIONS}/{reference}").text
        assert seats_shown(page)["Vale Trust"] == context[1].title()

    run_trials(
        Operation("a vote", prepare, send, lambda c: scalar(shared, votes) == c[2] + 1, retry),
        relay,
        shared.url,
    )


def test_a_close_killed_midway_leaves_one_outcome_or_none_and_can_be_closed_again(shared, relay):
    commissioner = signed_in(shared, relay, "commissioner")
    chair = signed_in(shared, relay, "manager")
    reason = "Closed early: the board agreed to decide at its next meeting"

    def prepare(_n):
        reference = propose_and_open(commissioner.at(relay.current))
        assert vote(commissioner.at(relay.current), reference, "agree").status_code == 302
        browser = chair.at(relay.current)
        browser.get(f"{DECISIONS}/{reference}")
        return browser, reference

    def send(context):
        browser, reference = context
        return browser.post(f"{DECISIONS}/{reference}/close", {"reason": reason})

    def present(context):
        status = select(Decision.status).where(Decision.reference == context[1])
        return scalar(shared, status) is DecisionStatus.CLOSED

    def retry(context, present):
        browser, reference = chair.at(relay.current), context[1]
        assert close(browser, reference, reason).status_code == (409 if present else 302)
        page = browser.get(f"{DECISIONS}/{reference}").text
        assert page.count("Outcome: Not carried") == 1

    run_trials(Operation("a close", prepare, send, present, retry), relay, shared.url)


def test_a_proposal_killed_midway_is_recorded_whole_or_not_at_all(shared, relay):
    commissioner = signed_in(shared, relay, "commissioner")

    def proposed(title) -> bool:
        return scalar(shared, select(func.count()).where(Decision.title == title)) == 1

    def prepare(n):
        browser = commissioner.at(relay.current)
        browser.get(f"{DECISIONS}/new")
        return browser, f"Proposal from trial {n}"

    def send(context):
        browser, title = context
        return browser.post(f"{DECISIONS}/new", {**PROPOSAL, "title": title})

    def retry(context, present):
        if not present:
            assert propose(commissioner.at(relay.current), context[1]).status_code == 302
        assert proposed(context[1])

    run_trials(
        Operation("a proposal (an audited write)", prepare, send, lambda c: proposed(c[1]), retry),
        relay,
        shared.url,
    )


def test_a_ledger_import_killed_midway_is_whole_or_absent_and_can_be_retried(shared, relay):
    lead = signed_in(shared, relay, "finance_lead")

    def version_of(sha256) -> tuple[int, Decimal] | None:
        """The stored version of this file: its line count and control total, or None."""
        with shared.app.app_context():
            found = select(LedgerVersion.line_count, LedgerVersion.total)
            row = db.session.execute(found.where(LedgerVersion.file_sha256 == sha256)).first()
            return None if row is None else tuple(row)

    def staged(sha256) -> bool:
        found = select(func.count()).select_from(LedgerUpload)
        return bool(scalar(shared, found.where(LedgerUpload.sha256 == sha256)))

    def kind(n) -> str:
        """A third of the kills hit the upload, two thirds the submit (the bulk insert)."""
        return "upload" if n % 3 == 0 else "submit"

    def prepare(n):
        data, sha256, total = big_ledger(LEDGER_LINES, salt=f"trial {n}")
        browser = lead.at(relay.current)
        browser.get(f"{LEDGERS}/upload")
        if kind(n) == "upload":  # kill the upload: the file is read and staged for a preview
            return "upload", browser, (data, sha256, total), None
        response = upload(browser, data, f"trial-{n}.csv")
        assert response.status_code == 302, response.text
        return "submit", browser, (data, sha256, total), response.headers["Location"]

    def send(context):
        kind, browser, (data, _, _), preview = context
        if kind == "submit":  # kill the submit: read again, then stored as a version
            return browser.post(f"{preview}/submit")
        form = {"period": PERIOD, "scale": "1"}
        return browser.post(f"{LEDGERS}/upload", form, files={"file": ("trial.csv", data)})

    def present(context):
        kind, _, (_, sha256, _), _ = context
        return staged(sha256) if kind == "upload" else version_of(sha256) is not None

    def retry(context, present):
        """Upload again, or submit again; a submit that did land is "already imported".

        (Each preview page reads the file again, so the retry skips it to save time.)
        """
        kind, browser, (data, sha256, total), preview = context
        browser = browser.at(relay.current)
        if kind == "upload":
            response = upload(browser, data, "again.csv")
            assert response.status_code == 302, response.text
            assert staged(sha256)
        elif present:
            again = upload(browser, data, "again.csv")
            assert again.status_code == 409 and "already imported" in again.text
            assert version_of(sha256) == (LEDGER_LINES, total)
        else:
            assert browser.post(f"{preview}/submit").status_code == 302
            assert version_of(sha256) == (LEDGER_LINES, total)

    run_trials(
        Operation(
            f"a {LEDGER_LINES:,}-line ledger import (upload or submit)",
            prepare, send, present, retry, kind=kind, warm_ups=1,
        ),
        relay,
        shared.url,
    )  # fmt: skip
