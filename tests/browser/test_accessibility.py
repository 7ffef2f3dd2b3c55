"""Every page of the product passes axe-core's WCAG 2.2 A and AA rules in real Chromium.

The pages are found from `app.url_map`: an HTML page that is neither audited below nor
skipped with a reason fails the test, so a new page cannot be forgotten. Each page is seen
as someone who may see it, with the demo alliance's data (decisions open, carried, not
carried and in draft; ledgers with versions; learning; the pool; the board pack), and each
form once more after an empty or invalid submission, so its error summary is audited too.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from werkzeug.exceptions import HTTPException

from tests.browser.audit_world import WITH_SECOND_FACTOR, email, load_audit_world
from tests.browser.test_ledger_journey import MESSY
from tests.browser.test_sign_in_journey import sign_in

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
A = "/alliances/riverside"

#: GET routes that render no HTML page of their own, and why.
SKIPPED = {
    "static": "CSS, JavaScript and images",
    "decisions.export_csv": "a CSV download",
    "decisions.export_xlsx": "a spreadsheet download",
    "ledgers.export_lines": "a CSV or spreadsheet download",
    "ledgers.original": "the uploaded file, downloaded as it came",
    "ledgers.template": "a spreadsheet download",
    "reports.csv": "a CSV download",
    "reports.xlsx": "a spreadsheet download",
    "reports.open_data": "a zip download",
}
#: Blueprints that answer JSON only.
SKIPPED_BLUEPRINTS = {"api": "the JSON API, for programs: no page"}

#: Who sees which pages: (endpoint, path, the button (the first of that name) that submits
#: its form left empty, or None). `who` is the demo person's e-mail local part; None is
#: signed out. A path's {names} come from audit_world.
PAGES: dict[str | None, list[tuple[str, str, str | None]]] = {
    None: [
        ("auth.sign_in", "/sign-in", "Sign in"),
        ("home.accessibility", "/accessibility", None),
        ("auth.accept_invitation", "/invitations/{invite_new}", "Join the alliance"),
        ("auth.accept_invitation", "/invitations/{invite_existing}", None),
    ],
    "manager": [
        ("home.index", "/", None),
        ("members.dashboard", f"{A}/", None),
        ("members.index", f"{A}/members", None),
        (
            "members.organisation",
            f"{A}/members/organisations/{{organisation}}",
            "Record that it left",
        ),
        ("members.new_organisation", f"{A}/members/organisations/new", "Add organisation"),
        ("members.person", f"{A}/members/people/{{person}}", None),
        ("members.invitations", f"{A}/members/invitations", "Create invitation"),
        ("members.interests", f"{A}/members/interests", "Declare interest"),
        ("members.appointments", f"{A}/members/roles", "Record appointment"),
        ("members.settings", f"{A}/settings", "Save settings"),
        ("members.principle", f"{A}/settings/principles/b", "Save wording"),
        ("decisions.index", f"{A}/decisions", None),
        ("decisions.show", f"{A}/decisions/{{carried}}", None),
        ("decisions.show", f"{A}/decisions/{{not_carried}}", None),
        ("decisions.show", f"{A}/decisions/{{draft}}", None),
        ("ledgers.index", f"{A}/ledgers/", None),
        ("ledgers.versions", f"{A}/ledgers/harbour-recovery/versions", None),
        ("ledgers.version", f"{A}/ledgers/harbour-recovery/versions/2", None),
        ("ledgers.version", f"{A}/ledgers/open-door/versions/1", None),
        ("ledgers.structure", f"{A}/ledgers/structure", "Add financial year"),
        ("ledgers.category", f"{A}/ledgers/structure/categories/{{category}}", "Save category"),
        ("ledgers.new_category", f"{A}/ledgers/structure/categories/new", "Add category"),
        (
            "ledgers.service_line",
            f"{A}/ledgers/structure/service-lines/{{service_line}}",
            "Save service line",
        ),
        (
            "ledgers.new_service_line",
            f"{A}/ledgers/structure/service-lines/new",
            "Add service line",
        ),
        ("reports.index", f"{A}/pool?year=2026", None),
        ("reports.board_pack", f"{A}/board-pack?period=2026-10", None),
        ("reports.new_allocation", f"{A}/pool/allocations/new?year=2026", "Record the allocation"),
        ("reports.risk_share", f"{A}/pool/risk-share?year=2026", "Record the risk share"),
        ("audit.index", f"{A}/record", None),
        ("learning.index", f"{A}/learning/", None),
        ("learning.show", f"{A}/learning/{{entry}}", "Answer"),
        ("learning.edit", f"{A}/learning/{{entry}}/edit", "Save the entry"),
        ("learning.revisions", f"{A}/learning/{{entry}}/revisions", None),
        ("learning.new", f"{A}/learning/new", "Save the entry"),
        ("learning.measures", f"{A}/learning/measures", None),
        ("learning.measure", f"{A}/learning/measures/{{measure}}", "Add the value"),
        ("learning.new_measure", f"{A}/learning/measures/new", "Add the measure"),
        ("learning.statements", f"{A}/learning/statements", None),
        ("learning.statement", f"{A}/learning/statements/{{statement}}", None),
        ("auth.account", "/account", None),
        ("auth.change_password", "/account/password", "Change password"),
        ("auth.second_factor", "/account/second-factor", None),
        ("auth.confirm", "/sign-in/confirm?next=/account", "Confirm"),
    ],
    "council.commissioner": [
        ("decisions.new", f"{A}/decisions/new", "Save draft"),
        ("decisions.edit", f"{A}/decisions/{{draft}}/edit", "Save draft"),
        ("decisions.show", f"{A}/decisions/{{draft}}", None),
        ("reports.new_contribution", f"{A}/pool/contributions/new", "Record the contribution"),
    ],
    "icb.chair": [
        ("decisions.show", f"{A}/decisions/{{open}}", "Cast vote"),
        ("decisions.show", f"{A}/decisions/{{carried}}", None),
        ("learning.show", f"{A}/learning/{{entry}}", "Ask"),
        ("learning.new_statement", f"{A}/learning/statements/new", "Record the statement"),
    ],
    "trust.finance": [
        ("ledgers.upload", f"{A}/ledgers/upload", "Upload and preview"),
    ],
    # Between the password and the code from the authenticator app.
    WITH_SECOND_FACTOR: [
        ("auth.second_factor_code", "/sign-in/code", "Continue"),
    ],
    "observer": [
        # Someone with an account, invited to a second alliance, confirms while signed in.
        ("auth.accept_invitation", "/invitations/{invite_existing}", None),
        ("decisions.show", f"{A}/decisions/{{open}}", None),
    ],
}
#: Forms that come filled in: what to type where, so that pressing the button is an error.
SPOIL = {
    "members.settings": ("#name", ""),
    "members.principle": ("#text", ""),
    "ledgers.category": ("#name", ""),
    "ledgers.service_line": ("#name", ""),
    "decisions.edit": ("#title", ""),
    "learning.edit": ("#title", ""),
    # The demo's shares total 100%: with the first at 101% they cannot.
    "reports.risk_share": ("input[name^='share-']", "101"),
}
#: Error pages: (who, path, status).
ERROR_PAGES = [
    (None, "/no-such-page", 404),
    ("manager", "/alliances/no-such-alliance/", 404),
    ("observer", f"{A}/decisions/new", 403),
]


def html_get_endpoints(app) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and rule.endpoint not in SKIPPED
        and rule.endpoint.split(".")[0] not in SKIPPED_BLUEPRINTS
    }


def test_every_html_page_is_audited_or_skipped_with_a_reason(app):
    audited = {endpoint for pages in PAGES.values() for endpoint, _, _ in pages}
    audited |= {endpoint for steps in STEPS.values() for endpoint, _ in steps}
    routes = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert html_get_endpoints(app) - audited == set(), "HTML pages neither audited nor skipped"
    assert audited - routes == set(), "audited endpoints that no longer exist"
    assert set(SKIPPED) - routes == set(), "skipped endpoints that no longer exist"
    assert audited & set(SKIPPED) == set(), "endpoints both audited and skipped"


class Audit:
    """Run axe on pages and keep what it finds, to report every page at once."""

    def __init__(self, app):
        self.adapter = app.url_map.bind("localhost")
        self.source = AXE.read_text(encoding="utf-8")
        self.findings: list[str] = []
        self.visited: set[str] = set()

    def endpoint_of(self, url: str) -> str | None:
        path = re.sub(r"^https?://[^/]+", "", url).split("?")[0]
        try:
            endpoint, _ = self.adapter.match(path, method="GET")
        except HTTPException:
            return None
        return endpoint

    def run(self, page: Page, label: str) -> None:
        self.visited.add(self.endpoint_of(page.url))
        # The CSP (script-src 'self') refuses an inline <script>: page.evaluate runs axe's
        # source through the DevTools protocol instead, which the page's CSP does not
        # govern; the site's CSP stays as it is for everything else.
        page.evaluate(self.source)
        violations = page.evaluate(
            """async (tags) => {
                // Content behind a <details> summary is audited open, as a reader opens it.
                document.querySelectorAll("details").forEach((d) => { d.open = true; });
                const result = await axe.run(document, {
                    runOnly: {type: "tag", values: tags},
                    resultTypes: ["violations"],
                });
                return result.violations.map((v) => ({
                    id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.map((n) => n.target.join(" ")),
                }));
            }""",
            WCAG_22_A_AA,
        )
        for v in violations:
            targets = "\n      ".join(v["targets"])
            self.findings.append(
                f"{label}\n  {v['id']} ({v['impact']}): {v['help']}\n      {targets}"
            )

    def problem(self, label: str, message: str) -> None:
        self.findings.append(f"{label}\n  {message}")


def test_the_audit_names_the_rule_its_impact_help_and_targets(app, page: Page):
    page.goto("/sign-in")
    page.evaluate(
        """document.querySelector("main").insertAdjacentHTML(
            "beforeend", '<img id="unnamed" src="/static/images/favicon.svg">')"""
    )
    audit = Audit(app)
    audit.run(page, "the sign-in page with an image that has no text alternative")
    assert len(audit.findings) == 1, audit.findings
    assert audit.findings[0].splitlines() == [
        "the sign-in page with an image that has no text alternative",
        "  image-alt (critical): Images must have alternative text",
        "      #unnamed",
    ]
    assert audit.visited == {"auth.sign_in"}


@pytest.fixture
def paths(app, cli, monkeypatch) -> dict[str, str]:
    return load_audit_world(app, cli, monkeypatch)


def audit_pages(page: Page, audit: Audit, who, pages, paths) -> None:
    for endpoint, template, button in pages:
        path = template.format(**paths)
        label = f"GET {path} as {who or 'someone signed out'}"
        response = page.goto(path)
        if response.status != 200 or audit.endpoint_of(page.url) != endpoint:
            audit.problem(label, f"answered {response.status} at {page.url}, not {endpoint}")
            continue
        audit.run(page, label)
        if button:
            if endpoint in SPOIL:
                selector, text = SPOIL[endpoint]
                page.locator(selector).first.fill(text)
            audit_error_state(page, audit, label, button)


def audit_error_state(page: Page, audit: Audit, label: str, button: str) -> None:
    page.locator("main").get_by_role("button", name=button, exact=True).first.click()
    summary = page.locator(".govuk-error-summary")
    if summary.count() == 0:
        audit.problem(label, f"pressing “{button}” with the form empty or spoilt showed no errors")
        return
    expect(summary).to_be_focused()
    audit.run(page, f"{label}, then “{button}” with the form empty or spoilt")


def audit_ledger_preview(page: Page, audit: Audit, tmp_path) -> None:
    """A finance lead's file with problems: the preview lists them and offers a mapping."""
    path = tmp_path / "export.csv"
    path.write_text(MESSY)
    page.goto(f"{A}/ledgers/upload")
    page.get_by_label("Ledger file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("button", name="Read the file again")).to_be_visible()
    audit.run(page, "the preview of an uploaded ledger with problems, as trust.finance")


def audit_second_factor_set_up(page: Page, audit: Audit, tmp_path) -> None:
    """Setting up a second factor: the page shows the QR code of a secret kept meanwhile."""
    page.goto("/account/second-factor")
    page.get_by_role("button", name="Set up a second factor").click()
    expect(page).to_have_url(re.compile(r"/account/second-factor/set-up$"))
    label = "setting up a second factor, as manager"
    audit.run(page, label)
    audit_error_state(page, audit, label, "Turn on the second factor")


#: Pages reached by pressing a button rather than by an address: (endpoint, how).
STEPS = {
    "trust.finance": [("ledgers.preview", audit_ledger_preview)],
    "manager": [("auth.set_up_second_factor", audit_second_factor_set_up)],
}


# Every page in one test (the last check needs them all): about 70 s alone, twice that
# beside other tests on a busy machine (make test runs the suite in parallel).
@pytest.mark.timeout(360)
def test_every_page_passes_axe_wcag_22_a_and_aa(
    app, paths, chromium_browser, live_server, tmp_path
):
    audit = Audit(app)
    for who, pages in PAGES.items():
        context = chromium_browser.new_context(base_url=live_server.url)
        context.set_default_timeout(15_000)
        page = context.new_page()
        if who:
            sign_in(page, email(who))  # a page that a failed sign-in hides is a problem below
        audit_pages(page, audit, who, pages, paths)
        for _, step in STEPS.get(who, []):
            step(page, audit, tmp_path)
        for error_who, path, status in ERROR_PAGES:
            if error_who == who:
                response = page.goto(path)
                assert response.status == status, f"{path} as {who}: {response.status}"
                audit.run(page, f"the {status} page, GET {path} as {who or 'signed out'}")
        context.close()

    for endpoint in sorted(html_get_endpoints(app) - audit.visited):
        audit.problem(endpoint, "an HTML page the audit never reached: add it to PAGES")
    assert audit.findings == [], (
        "axe found WCAG 2.2 A/AA violations (or a page was not reached):\n\n"
        + "\n\n".join(audit.findings)
    )
