"""Forgery protection, POST-only changes, security headers on every route, cookies, errors."""

import re

import pytest
from flask import url_for
from sqlalchemy import func, select

from alliance.actors import CLI
from alliance.auth.services import create_api_token, user_by_email
from alliance.db import db
from alliance.members.models import Organisation
from tests.support import CSRF_RE, PASSWORD

CSRF_MESSAGE = "Your form expired or did not come from this service"
NEW_ORG = "/alliances/riverside/members/organisations/new"
NEW_ORG_FORM = {"name": "Northgate Housing", "kind": "provider", "joined_on": ["1", "5", "2026"]}
#: Values for URL parts; any other part gets 1 (an id that may or may not exist).
URL_VALUES = {
    "slug": "riverside",
    "token": "not-a-real-invitation",
    "filename": "app.css",
    "fmt": "csv",
}


@pytest.fixture
def manager(browser, world):
    assert browser.sign_in(world.emails["manager"]).status_code == 302
    return browser


def organisations_named(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Organisation).where(Organisation.name == name)
        )


def concrete_urls(app, method: str) -> list[str]:
    """One real URL for every route that answers `method`, ids and slugs filled in."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if method not in rule.methods:
                continue
            values = {name: URL_VALUES.get(name, 1) for name in rule.arguments}
            urls.append(url_for(rule.endpoint, **values))
    return sorted(set(urls))


def assert_friendly_error(response, status: int, title: str):
    """The service's own error page, hardened like any other, giving nothing away."""
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert f'<h1 class="govuk-heading-l">{title}</h1>' in page
    for leak in ("Traceback", 'File "', "werkzeug", "sqlalchemy", "Werkzeug/"):
        assert leak not in page
    assert header_problems(response.request.path, response) == []
    return page


# Forged and stale forms


def test_a_post_without_a_csrf_token_is_refused_and_does_not_sign_out(manager, caplog):
    response = manager.post("/sign-out", csrf=False)
    assert response.status_code == 400
    assert CSRF_MESSAGE in response.get_data(as_text=True)
    assert manager.get("/account").status_code == 200
    assert any("malicious_csrf" in r.getMessage() for r in caplog.records)


def test_a_post_without_a_csrf_token_adds_no_organisation(app, manager):
    manager.get(NEW_ORG)
    refused = manager.post(NEW_ORG, NEW_ORG_FORM, csrf=False)
    assert refused.status_code == 400
    assert CSRF_MESSAGE in refused.get_data(as_text=True)
    assert organisations_named(app, "Northgate Housing") == 0
    accepted = manager.post(NEW_ORG, NEW_ORG_FORM)  # the same form with its token works
    assert accepted.status_code == 302
    assert organisations_named(app, "Northgate Housing") == 1


def test_a_csrf_token_from_another_session_is_refused(app, manager, new_browser):
    attacker = new_browser()
    attacker_token = CSRF_RE.search(attacker.get("/sign-in").get_data(as_text=True)).group(1)
    manager.get(NEW_ORG)
    response = manager.post(NEW_ORG, {**NEW_ORG_FORM, "csrf_token": attacker_token}, csrf=False)
    assert response.status_code == 400
    assert CSRF_MESSAGE in response.get_data(as_text=True)
    assert organisations_named(app, "Northgate Housing") == 0


def test_every_state_changing_route_refuses_get_with_405(app, manager):
    post_only = [url for url in concrete_urls(app, "POST") if url not in concrete_urls(app, "GET")]
    assert "/sign-out" in post_only
    for url in post_only:
        response = manager.get(url)
        assert response.status_code == 405, url
        assert "POST" in response.headers["Allow"], url
    assert manager.get("/account").status_code == 200  # GET /sign-out did not sign out


# Headers on every response


def csp_directives(header: str) -> dict[str, list[str]]:
    parts = (p.split() for p in header.split(";") if p.strip())
    return {p[0].lower(): p[1:] for p in parts}


def header_problems(url: str, response) -> list[str]:
    problems = []
    h = response.headers
    csp_header = h.get("Content-Security-Policy", "")
    csp = csp_directives(csp_header)
    expected = {
        "default-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "frame-ancestors": "'none'",
    }
    for directive, source in expected.items():
        if csp.get(directive) != [source]:
            problems.append(f"CSP {directive} is {csp.get(directive)}")
    if "unsafe-inline" in csp_header or "unsafe-eval" in csp_header:
        problems.append("CSP allows unsafe-inline or unsafe-eval")
    hsts = h.get("Strict-Transport-Security", "")
    max_age = re.search(r"max-age=(\d+)", hsts)
    if not max_age or int(max_age.group(1)) < 31536000 or "includesubdomains" not in hsts.lower():
        problems.append(f"HSTS is {hsts!r}")
    checks = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    for name, value in checks.items():
        if h.get(name) != value:
            problems.append(f"{name} is {h.get(name)!r}")
    if not url.startswith("/static/") and h.get("Cache-Control") != "no-store":
        problems.append(f"Cache-Control is {h.get('Cache-Control')!r}")
    content_type = h.get("Content-Type", "")
    if response.mimetype.startswith("text/") and "charset=utf-8" not in content_type.lower():
        problems.append(f"Content-Type is {content_type!r}")
    if response.mimetype.endswith("json") and response.mimetype != "application/json":
        problems.append(f"Content-Type is {content_type!r}")
    # RFC 8259 JSON is always UTF-8 and defines no charset; if one is sent it must agree.
    json_charset = response.mimetype == "application/json" and ";" in content_type
    if json_charset and "charset=utf-8" not in content_type.lower():
        problems.append(f"Content-Type is {content_type!r}")
    return [f"{response.status_code} {url}: {p}" for p in problems]


def api_token_for(app, email: str) -> str:
    with app.app_context():
        _, raw = create_api_token(db.session, CLI, user_by_email(db.session, email), "walk")
        db.session.commit()
        return raw


def test_every_page_carries_the_security_headers_signed_in_or_not(app, world, manager, new_browser):
    anonymous = new_browser()
    bearer = {"Authorization": f"Bearer {api_token_for(app, world.emails['manager'])}"}
    urls = concrete_urls(app, "GET")
    assert "/" in urls and "/alliances/riverside/" in urls and "/static/app.css" in urls
    problems, statuses = [], set()
    for url in urls:
        visits = [(manager.client, {}), (anonymous.client, {})]
        if url.startswith("/api/"):
            visits.append((anonymous.client, bearer))
        for client, headers in visits:
            response = client.get(url, headers=headers)
            response.close()  # static files are streamed from an open file
            statuses.add(response.status_code)
            problems += header_problems(url, response)
    assert problems == []
    assert {200, 302} <= statuses  # the walk reached real pages, not only errors


# Cookies


def set_cookies(response) -> dict[str, list[str]]:
    """Each cookie the response sets, with its attributes as written on the wire."""
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        name_value, *attributes = [part.strip() for part in header.split(";")]
        cookies[name_value.split("=", 1)[0]] = attributes
    return cookies


def test_cookies_set_at_sign_in_are_host_only_secure_httponly_and_lax(browser, world):
    browser.get("/sign-in")
    response = browser.post("/sign-in", {"email": world.emails["manager"], "password": PASSWORD})
    assert response.status_code == 302
    cookies = set_cookies(response)
    assert "__Host-session" in cookies
    assert set(cookies) <= {"__Host-session", "__Host-device"}
    for name, attributes in cookies.items():
        lowered = [a.lower() for a in attributes]
        assert "secure" in lowered, name
        assert "httponly" in lowered, name
        assert "samesite=lax" in lowered, name
        assert "path=/" in lowered, name
        assert not any(a.startswith("domain") for a in lowered), name


# Error pages


def test_an_unknown_page_gets_the_friendly_404(browser):
    page = assert_friendly_error(browser.get("/no-such-page"), 404, "Page not found")
    assert "Go to your dashboard" in page


def test_a_wrong_method_gets_the_friendly_405_with_allow(browser):
    response = browser.get("/sign-out")
    assert_friendly_error(response, 405, "That cannot be done here")
    assert "POST" in response.headers["Allow"]


def test_a_body_over_the_size_limit_gets_the_friendly_413(app, browser):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    browser.get("/sign-in")
    response = browser.post("/sign-in", {"email": "x" * 4096, "password": "y"})
    page = assert_friendly_error(response, 413, "The file is too large")
    assert "The file must be smaller than 1 KB." in page


def test_an_unexpected_exception_gets_the_friendly_500_and_no_details(app, browser, caplog):
    def broken():
        raise RuntimeError("secret-detail postgres://admin:hunter2@db")

    app.add_url_rule("/broken", "broken", broken)
    response = browser.get("/broken")
    page = assert_friendly_error(response, 500, "Sorry, there is a problem with the service")
    assert "secret-detail" not in page and "hunter2" not in page
    assert "RuntimeError" not in page
    assert any(r.exc_info and "secret-detail" in str(r.exc_info[1]) for r in caplog.records)


# Scripts


def test_pages_have_no_inline_scripts_or_event_handlers(manager, new_browser):
    pages = {
        "/sign-in": new_browser().get("/sign-in"),
        "/alliances/riverside/": manager.get("/alliances/riverside/"),
        NEW_ORG: manager.get(NEW_ORG),
    }
    for url, response in pages.items():
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        scripts = re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE)
        assert scripts, url
        assert all(re.search(r"\ssrc=", tag) for tag in scripts), (url, scripts)
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, flags=re.IGNORECASE), url
        assert "javascript:" not in html.lower(), url
        assert not re.search(r"<[^>]+\sstyle\s*=", html, flags=re.IGNORECASE), url
