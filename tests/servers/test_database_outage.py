"""A PostgreSQL outage while people are active (SECURITY.md I.75, the "DB outage" row of (c)).

The app server reaches PostgreSQL through tcp_proxy.TcpProxy, which cuts every connection
and then refuses new ones (PostgreSQL down) or swallows them (a black hole). During the
outage every request must answer within 5 s with a friendly 503 (HTML for pages, JSON for
the API), with no worker hung or killed by gunicorn's timeout; within 10 s of PostgreSQL
coming back the same server must serve again, without a restart; and nothing attempted
during the outage, nor the import cut off by it, may be half-committed.

ALLIANCE_OUTAGE_SECONDS sets how long PostgreSQL is down (refusing connections): 60 under
CI, as the issue asks, 8 otherwise. A black hole makes every request wait out the connect
timeout, so a few rounds show it: it lasts ALLIANCE_BLACK_HOLE_SECONDS (15 by default, and
never longer than the other).
"""

import os
import threading
import time

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from alliance.actors import CLI
from alliance.auth.services import create_api_token, user_by_email
from alliance.db import db
from alliance.decisions.models import Vote
from alliance.ledgers.models import LedgerVersion
from tests.servers.checks import problems
from tests.servers.ledger_files import big_ledger
from tests.servers.support import (
    DECISIONS,
    HttpBrowser,
    audit_verify,
    propose_and_open,
    upload,
)
from tests.servers.tcp_proxy import BLACK_HOLE, REFUSE, TcpProxy

OUTAGE_SECONDS = int(
    os.environ.get("ALLIANCE_OUTAGE_SECONDS") or (60 if os.environ.get("CI") else 8)
)
BLACK_HOLE_SECONDS = min(OUTAGE_SECONDS, int(os.environ.get("ALLIANCE_BLACK_HOLE_SECONDS") or 15))
LASTS = {REFUSE: OUTAGE_SECONDS, BLACK_HOLE: BLACK_HOLE_SECONDS}
FAIL_WITHIN, RECOVER_WITHIN = 5, 10

pytestmark = [
    pytest.mark.servers,
    # An outage of the database server is a PostgreSQL matter: SQLite is a file.
    pytest.mark.parametrize("server", ["postgresql"], indirect=True),
    pytest.mark.timeout(OUTAGE_SECONDS + 180),
]


@pytest.fixture(scope="module")
def proxy(shared):
    url = make_url(shared.url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def app_server(shared, proxy, start_server):
    proxied = make_url(shared.url).set(host="127.0.0.1", port=proxy.port)
    url = proxied.render_as_string(hide_password=False)
    return start_server("behind-proxy", url=url, workers=4)


class People:
    """The requests the test keeps making: a page, an API call and a vote."""

    def __init__(self, shared, server):
        self.shared, self.server = shared, server
        self.reader = self._signed_in("observer")
        self.voter = self._signed_in("board_representative")
        self.lead = self._signed_in("finance_lead")
        self.reference = propose_and_open(self._signed_in("commissioner"))
        with shared.app.app_context():
            user = user_by_email(db.session, shared.world.emails["observer"])
            _, raw = create_api_token(db.session, CLI, user, "outage")
            db.session.commit()
        self.bearer = {"Authorization": f"Bearer {raw}"}
        self.votes_sent = self.votes_recorded = 0
        self.voter.get(f"{DECISIONS}/{self.reference}")  # its form's CSRF token

    def _signed_in(self, who):
        browser = HttpBrowser(self.server.url)
        assert browser.sign_in(self.shared.world.emails[who]).status_code == 302
        return browser

    def page(self):
        return self.reader.get(f"{DECISIONS}/{self.reference}", timeout=30)

    def api(self):
        return self.reader.http.get(f"{self.server.url}/api/v1/me", headers=self.bearer, timeout=30)

    def vote(self):
        self.votes_sent += 1
        position = ["agree", "abstain"][self.votes_sent % 2]
        form = {"position": position}
        response = self.voter.post(f"{DECISIONS}/{self.reference}/votes", form, timeout=30)
        self.votes_recorded += response.status_code == 302
        return response

    def round(self) -> dict:
        """All three at once (as three people would): name → (response, seconds)."""
        answers = {}

        def timed(name, call):
            started = time.perf_counter()
            answers[name] = (call(), time.perf_counter() - started)

        threads = [
            threading.Thread(target=timed, args=(name, getattr(self, name)))
            for name in ("page", "api", "vote")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return answers

    def counted_votes(self) -> int:
        with self.shared.app.app_context():
            return db.session.scalar(select(func.count(Vote.id)))

    def close(self):
        for browser in (self.reader, self.voter, self.lead):
            browser.close()


def unavailable(name: str, response: requests.Response) -> bool:
    """A friendly 503 that says when to come back: JSON for the API, a page otherwise."""
    if response.status_code != 503 or not response.headers.get("Retry-After", "").isdigit():
        return False
    if name == "api":
        return response.json()["error"]["code"] == "unavailable"
    return response.headers["Content-Type"].startswith("text/html") and (
        "Sorry, the service is unavailable" in response.text
    )


def submit_in_flight(people: People, mode) -> tuple[threading.Thread, dict]:
    """Start submitting a 20,000-line ledger, so the outage cuts it off midway."""
    lead = people.lead
    data, sha256, _ = big_ledger(20_000, salt=f"cut off by the outage ({mode})")
    preview = upload(lead, data, "cut-off.csv").headers["Location"]
    lead.get(preview)
    result = {"sha256": sha256}
    thread = threading.Thread(
        target=lambda: result.update(answer=lead.post(f"{preview}/submit", timeout=60))
    )
    thread.start()
    return thread, result


@pytest.mark.parametrize("mode", [REFUSE, BLACK_HOLE])
def test_an_outage_fails_fast_with_503_and_the_service_recovers_by_itself(
    shared, proxy, app_server, mode
):
    people = People(shared, app_server)
    try:
        before = people.round()
        assert [before[n][0].status_code for n in ("page", "api", "vote")] == [200, 200, 302]
        votes_before = (people.counted_votes(), people.votes_recorded)
        submitting, submitted = submit_in_flight(people, mode)
        time.sleep(0.3)

        proxy.fail(mode)
        started = time.perf_counter()
        worst, rounds, wrong = 0, 0, []
        try:
            while time.perf_counter() - started < LASTS[mode]:
                for name, (response, seconds) in people.round().items():
                    worst = max(worst, seconds)
                    if not unavailable(name, response):
                        wrong.append((name, response.status_code, response.text[:200]))
                rounds += 1
                time.sleep(0.5)
            submitting.join(timeout=60)
        finally:
            proxy.recover()
        back = time.perf_counter()
        assert wrong == [], f"{len(wrong)} of {rounds * 3} answers were not a friendly 503"
        while True:
            answers = people.round()
            codes = [answers[n][0].status_code for n in ("page", "api", "vote")]
            if codes == [200, 200, 302]:
                recovered = time.perf_counter() - back
                break
            assert time.perf_counter() - back < RECOVER_WITHIN, codes
            time.sleep(0.2)
        print(
            f"\nPostgreSQL outage ({mode}) of {LASTS[mode]} s: {rounds * 3} requests "
            f"answered 503, the slowest in {worst:.2f} s; served again {recovered:.2f} s "
            f"after it came back; the cut-off submit answered "
            f"{submitted['answer'].status_code}"
        )
        assert worst < FAIL_WITHIN
        assert submitted["answer"].status_code in (302, 503)
        with shared.app.app_context():
            stored = select(func.count()).where(LedgerVersion.file_sha256 == submitted["sha256"])
            assert db.session.scalar(stored) == (submitted["answer"].status_code == 302)
        # The votes answered as recorded are in the database, and no other.
        stored, answered = votes_before
        assert people.counted_votes() - stored == people.votes_recorded - answered
        assert problems(shared.url) == []
        assert app_server.log_count("WORKER TIMEOUT") == 0
        assert app_server.log_count("Booting worker") == 4  # none died and was replaced
        verified = audit_verify(shared.url)
        assert verified.returncode == 0, verified.stdout + verified.stderr
    finally:
        people.close()
