"""The real app under gunicorn in a child process, and a browser that talks to it over HTTP."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from html import unescape
from pathlib import Path

import requests
from gunicorn.config import KNOWN_SETTINGS

from tests.conftest import TEST_SETTINGS
from tests.support import CSRF_RE, PASSWORD

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ALLIANCE = [sys.executable, "-c", "import sys; from alliance.cli import main; sys.exit(main())"]
#: Cheap argon2 and plain-HTTP cookies, as tests/conftest.py and tests/browser use.
SERVER_ENV = {
    "SECRET_KEY": TEST_SETTINGS["SECRET_KEY"],
    "ALLIANCE_ARGON2_TIME_COST": "1",
    "ALLIANCE_ARGON2_MEMORY_KIB": "1024",
    "ALLIANCE_ARGON2_PARALLELISM": "1",
    "ALLIANCE_SECURE_COOKIES": "0",
}
#: gunicorn 25+ opens a control socket in $HOME: two servers on one machine would share it.
NO_CONTROL_SOCKET = any("--no-control-socket" in (s.cli or []) for s in KNOWN_SETTINGS)
REQUEST_SECONDS = 60
PROC = Path("/proc")


def inherited_environ() -> dict[str, str]:
    """This process's environment without the app's settings: each test sets its own."""
    ours = ("ALLIANCE_", "DATABASE_URL", "SECRET_KEY")
    return {k: v for k, v in os.environ.items() if not k.startswith(ours)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_group(pgid: int) -> list[int]:
    """The processes in a process group, from /proc (Linux)."""
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # "pid (command) state ppid pgrp ...": the command may hold spaces and brackets.
        if int(stat.rsplit(")", 1)[1].split()[2]) == pgid:
            found.append(int(entry.name))
    return found


class AppServer:
    """`gunicorn 'alliance:create_app()'` on 127.0.0.1, in a process group of its own."""

    def __init__(self, db_url: str, folder: Path, *, name: str, workers=2, preload=False, env=None):
        self.name, self.workers, self.preload = name, workers, preload
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.log_path = folder / f"gunicorn-{name}.log"
        self.env = {
            **inherited_environ(),
            **SERVER_ENV,
            "DATABASE_URL": db_url,
            "ALLIANCE_INSTANCE_PATH": str(folder),
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> "AppServer":
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", str(self.workers), "--timeout", "60", "--graceful-timeout", "5"]
        command += ["--no-control-socket"] if NO_CONTROL_SOCKET else []
        command += ["--preload"] if self.preload else []
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
                [*command, "alliance:create_app()"],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: one SIGKILL takes it all
            )
        return self

    def wait_ready(self, timeout: int = 60) -> "AppServer":
        """Wait until the sign-in page answers (it needs no database)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if "Address already in use" not in self.log_tail():
                    raise AssertionError(f"{self.name} exited at start:\n{self.log_tail()}")
                self.port = free_port()  # another process took the free port meanwhile
                self.url = f"http://127.0.0.1:{self.port}"
                self.start()
            try:
                if requests.get(f"{self.url}/sign-in", timeout=10).status_code == 200:
                    return self
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or no worker has booted to take the request
            time.sleep(0.05)
        raise AssertionError(f"{self.name} did not answer in {timeout} s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL the master, its workers and their ledger readers: no clean-up at all."""
        if self.process is None or self.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):  # it died by itself meanwhile
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def kill_workers(self) -> None:
        """SIGKILL everything in the group but the master (its workers and their readers).

        The master forks new workers at once, as it would after a crash in production.
        """
        members = [pid for pid in process_group(self.process.pid) if pid != self.process.pid]
        assert members, f"{self.name} has no workers to kill"
        for pid in members:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def log_count(self, text: str) -> int:
        return self.log_path.read_text(errors="replace").count(text)


class HttpBrowser:
    """A person with a browser over real HTTP: it keeps cookies and the page's CSRF token.

    Cookies are kept per host, not per port, so `at(other)` is the same browser reaching
    another app server behind one address (as a load balancer would send it).
    """

    def __init__(self, base_url: str, http: requests.Session | None = None):
        self.base_url = base_url
        self.http = http or requests.Session()
        self._token: str | None = None

    def at(self, server: AppServer) -> "HttpBrowser":
        """The same browser (cookies, CSRF token) reaching another server."""
        other = HttpBrowser(server.url, self.http)
        other._token = self._token
        return other

    def get(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", REQUEST_SECONDS)
        response = self.http.get(self.base_url + path, **kwargs)
        match = CSRF_RE.search(response.text)
        if match:
            self._token = match.group(1)
        return response

    def post(self, path: str, data=None, *, files=None, **kwargs):
        data = dict(data or {})
        if self._token is None:
            self.get("/sign-in")
        data.setdefault("csrf_token", self._token)
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", REQUEST_SECONDS)
        return self.http.post(self.base_url + path, data=data, files=files, **kwargs)

    def sign_in(self, email: str, password: str = PASSWORD) -> requests.Response:
        self.get("/sign-in")
        response = self.post("/sign-in", {"email": email, "password": password})
        self._token = None
        if response.status_code == 302:
            self.get("/account")  # a fresh CSRF token for the new session
        return response

    def session_cookie(self) -> str:
        return self.http.cookies.get("session")

    def signed_in(self) -> bool:
        response = self.get("/account")
        assert response.status_code in (200, 302), response.status_code
        return response.status_code == 200

    def close(self) -> None:
        self.http.close()


DECISIONS = "/alliances/riverside/decisions"
LEDGERS = "/alliances/riverside/ledgers"
PERIOD = "2026-04..2027-03"
PROPOSAL = {
    "question": "Shall we fund assertive alcohol outreach for a year?",
    "background": "Admissions rose last winter.",
    "rationale": "People told us they want help where they are.",
    "kind": "key_issue",
    "citations": ["b", "c"],
    "closes_on": ["1", "3", "2099"],
    "closes_time": "17:00",
}
SEAT_ROW = re.compile(
    r'<td class="govuk-table__cell">([^<]+)</td>\s*<td class="govuk-table__cell">([^<]+)</td>'
)
REFERENCE = re.compile(r"/decisions/([A-Z]+-\d{4}-\d{3})$")


def seats_shown(page: str) -> dict[str, str]:
    """The seats table of a decision page: organisation → current vote."""
    return {unescape(org): unescape(vote) for org, vote in SEAT_ROW.findall(page)}


def propose(browser: HttpBrowser, title: str) -> requests.Response:
    browser.get(f"{DECISIONS}/new")
    return browser.post(f"{DECISIONS}/new", {**PROPOSAL, "title": title})


def propose_and_open(browser: HttpBrowser, title: str = "Fund assertive outreach") -> str:
    """Propose as a commissioner and open voting; return the decision's reference."""
    response = propose(browser, title)
    assert response.status_code == 302, response.text
    reference = REFERENCE.search(response.headers["Location"]).group(1)
    browser.get(f"{DECISIONS}/{reference}")
    assert browser.post(f"{DECISIONS}/{reference}/open").status_code == 302
    return reference


def vote(browser: HttpBrowser, reference: str, position: str) -> requests.Response:
    browser.get(f"{DECISIONS}/{reference}")
    return browser.post(f"{DECISIONS}/{reference}/votes", {"position": position})


def close(browser: HttpBrowser, reference: str, reason: str = "") -> requests.Response:
    browser.get(f"{DECISIONS}/{reference}")
    return browser.post(f"{DECISIONS}/{reference}/close", {"reason": reason})


def upload(browser: HttpBrowser, data: bytes, name: str) -> requests.Response:
    """Send a ledger file; a 302 leads to its preview."""
    browser.get(f"{LEDGERS}/upload")
    form = {"period": PERIOD, "scale": "1"}
    return browser.post(f"{LEDGERS}/upload", form, files={"file": (name, data)})


def submit(browser: HttpBrowser, preview_path: str) -> requests.Response:
    """Look at the preview (it reads the file again), then submit it."""
    browser.get(preview_path)
    return browser.post(f"{preview_path}/submit")


def alliance_command(db_url: str, *args: str) -> subprocess.CompletedProcess:
    """Run the `alliance` command in a process of its own, as an operator would."""
    return subprocess.run(  # noqa: S603 - our own command
        [*ALLIANCE, *args],
        cwd=PROJECT_ROOT,
        env={**inherited_environ(), **SERVER_ENV, "DATABASE_URL": db_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def audit_verify(db_url: str) -> subprocess.CompletedProcess:
    return alliance_command(db_url, "audit", "verify")
