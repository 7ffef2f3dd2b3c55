"""Real-browser fixtures: the app served over HTTP, driven by Playwright and Debian's Chromium.

No browser is downloaded (never `playwright install`): Chromium comes from Debian's
`chromium` package, which `.ci/run` installs. Without it these tests skip and say why,
except under CI (the `CI` variable set), where a browser that cannot start is a failure.
"""

import os
import threading
from dataclasses import dataclass

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from alliance import create_app
from tests.conftest import TEST_SETTINGS, SharedTemplateCache

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps calling Google's servers, refused on this network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The live server speaks plain HTTP: a `Secure` cookie (and so the `__Host-` prefix) would
# be a different setup from production's, so both go. alliance/web.py names and flags the
# device cookie from the same SESSION_COOKIE_SECURE.
PLAIN_HTTP_COOKIES = {"SESSION_COOKIE_SECURE": False, "SESSION_COOKIE_NAME": "session"}


def _no_browser(reason: str):
    if os.environ.get("CI"):
        # In CI a browser that cannot run is a failure: browser tests never skip silently there.
        pytest.fail(f"Browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"Browser tests skipped: {reason}")


@pytest.fixture
def app(db_url, tmp_path):
    """tests/conftest.py's app, with cookies a plain-HTTP server can set.

    Overriding `app` here keeps `world` and every other fixture on the app being served.
    """
    application = create_app(
        {
            **TEST_SETTINGS,
            **PLAIN_HTTP_COOKIES,
            "DATABASE_URL": db_url,
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    # Compile each template once per run, not once per test (a first render costs ~0.5 s).
    application.jinja_env.bytecode_cache = SharedTemplateCache()
    yield application
    application.extensions["alliance.db"]["engine"].dispose()


class QuietRequestHandler(WSGIRequestHandler):
    """No access log line per request (errors are still logged)."""

    def log_request(self, code="-", size="-"):
        pass


@dataclass
class LiveServer:
    app: object
    url: str


@pytest.fixture
def live_server(app):
    """The app on http://127.0.0.1:<free port>, in a background thread, for one test."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium_browser():
    """One Chromium for the whole run (named apart from tests/conftest.py's `browser`)."""
    if not os.path.exists(CHROMIUM):
        _no_browser(f"{CHROMIUM} is missing (install Debian's `chromium` package)")
    try:
        playwright = sync_playwright().start()
    except Exception as exc:
        _no_browser(f"Playwright could not start: {exc}")
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as exc:
        playwright.stop()
        _no_browser(f"Playwright could not start {CHROMIUM}: {exc}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(chromium_browser, live_server):
    """A fresh browser context (no cookies, no storage) per test, pointed at the live server."""
    context = chromium_browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
